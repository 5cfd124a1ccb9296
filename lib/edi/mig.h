/*
 * Message implementation guideline (MIG) overlays: a small text file that
 * narrows a UNTDID message for one partner or customs administration, read
 * and checked against the release it names, then applied by the directory
 * validator on top of the directory.  The format (tdk-validate(1), MIG
 * overlays):
 *
 *   # an import declaration for the customs administration of Examplia
 *   message CUSDEC D 96B UN
 *   BGM status M                       a conditional segment made mandatory
 *   SG7 repeat 1                       fewer repeats of a group
 *   BGM C002/1001 codes 929 830        a subset of a code list
 *   BGM 1225 value 9                   a fixed value
 *   SG7/TOD 4055 format an..3          a narrower representation
 *
 * A rule may only narrow: a repeat above the directory's, a code the list
 * does not have or a representation wider than the directory's is a fault
 * of the overlay (EDI-MIG-RULE), as are a position the message does not
 * have (EDI-MIG-POSITION) and a line that is not a rule (EDI-MIG-SYNTAX),
 * each reported with the overlay's file and line.
 */
#ifndef TDK_EDI_MIG_H
#define TDK_EDI_MIG_H

#include "edi/dir.h"
#include "edi/edi.h"

struct tdk_edi_mig;

/*
 * Reads the overlay at path and binds it to the releases it names, loaded
 * from set.  Faults of the overlay go to d (reporting under the overlay's
 * name, with its lines).  On success *out is a new overlay that the caller
 * frees with tdk_edi_mig_free() after the last validation that uses it (it
 * points into releases of set).  Returns 0; TDK_EXIT_USAGE when the overlay
 * is broken; TDK_EXIT_IO when it cannot be read or a release it names is not
 * installed; TDK_EXIT_INTERNAL without memory.
 */
int tdk_edi_mig_load(struct tdk_edi_mig **out, const char *path, struct tdk_dir_set *set,
		     struct tdk_diag *d);
void tdk_edi_mig_free(struct tdk_edi_mig *m);

/*
 * The hooks of the directory validator.  msg is the message being checked
 * (from dir); node an index in its segment table.  Each reports to d what
 * the overlay forbids and the directory allows, under the EDI-MIG-* codes.
 */

/* A conditional segment or group (node) passed over; where: " in SG6" or " at the message level". */
void tdk_edi_mig_missing(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
			 const struct tdk_dir_message *msg, uint32_t node, const struct tdk_diag_loc *loc,
			 const char *where, struct tdk_diag *d);

/* Occurrence n of node, within the directory's maximum. */
void tdk_edi_mig_repeat(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
			const struct tdk_dir_message *msg, uint32_t node, uint32_t n,
			const struct tdk_diag_loc *loc, const char *where, struct tdk_diag *d);

/* A segment matched at node: its data elements against the overlay's element rules. */
void tdk_edi_mig_segment(const struct tdk_edi_mig *m, const struct tdk_dir *dir,
			 const struct tdk_dir_message *msg, uint32_t node, const struct tdk_edi_seg *seg,
			 unsigned char decimal_mark, struct tdk_diag *d);

#endif
