/*
 * CONTRL, the syntax and service report message of ISO 9735, in two parts.
 *
 *   The definition: CONTRL is a service message, defined by the syntax and
 *   not by a UNTDID release (no EDMD holds it), so its segment table and its
 *   segments UCI, UCF, UCM, UCS and UCD are written here from the standard,
 *   as a directory release of one message that the directory validator uses
 *   like any other.  Versions 1 to 3: CONTRL D:3 (UNTDID D.96B part 4,
 *   chapter 2.3 section 10, after ISO 9735:1988 amendment 1:1992, with the
 *   codes of UNSL 0083 and 0085).  Version 4: CONTRL 4:1 (ISO 9735-1:2002,
 *   the syntax service directories of its annex), whose UCD and S011 also
 *   carry the repetition of the element in error (0136).
 *
 *   The acknowledgement: a sink placed in front of the validator's sink,
 *   and a diagnostics hook, that together note each interchange, group and
 *   message received and every error found in them; then a CONTRL message
 *   in the syntax version of each interchange, reporting acceptance (UNSL
 *   0083: 7 acknowledged, 4 rejected, 8 received) at the interchange, group,
 *   message, segment and data element level with the UNSL 0085 syntax error
 *   codes.  How tdk's diagnostic codes map to 0085 is the table in
 *   contrl.c (and in tdk-validate(1)).
 */
#ifndef TDK_EDI_CONTRL_H
#define TDK_EDI_CONTRL_H

#include <time.h>

#include "edi/dir.h"
#include "edi/edi.h"
#include "util/io.h"

/*
 * The definition of CONTRL for a UNH message identifier (S009: 0065 type,
 * 0052 version, 0054 release, 0051 agency), or NULL when it does not name
 * CONTRL D:3 or 4:1/4:2 of agency UN.  The result is static: never freed.
 */
const struct tdk_dir *tdk_edi_contrl_dir(const char *type, const char *version, const char *release,
					 const char *agency);

/* What to write: a full report (action 7 or 4), or only the receipt of the interchange (8 or 4). */
enum tdk_edi_ack_kind { TDK_ACK_CONTRL, TDK_ACK_RECEIPT };

struct tdk_edi_ack;

/*
 * Returns a new collector, or NULL without memory; free with
 * tdk_edi_ack_free().  next is the sink it passes every event on to (may be
 * NULL); *sink receives the sink to give the parser instead.  reference
 * (may be NULL: derived, see tdk_edi_ack_write()) and when (the date and
 * time written in UNB S004) are used for every CONTRL interchange written.
 */
struct tdk_edi_ack *tdk_edi_ack_new(enum tdk_edi_ack_kind kind, const char *reference, time_t when,
				    const struct tdk_edi_sink *next, struct tdk_edi_sink *sink);
void tdk_edi_ack_free(struct tdk_edi_ack *a);

/* Notes a diagnostic about the input being read (errors only count); call it from the emit callback. */
void tdk_edi_ack_diag(struct tdk_edi_ack *a, const struct tdk_diag_item *it);

/*
 * The UNSL 0085 syntax error code for a tdk diagnostic code (18, unspecified
 * error, for codes without a closer one); msg refines a few codes (too long
 * or too short, a segment or a group repeated).
 */
unsigned tdk_edi_ack_code(const char *code, const char *msg);

/*
 * Writes one CONTRL interchange per interchange received since the last
 * call, and forgets them.  The CONTRL's UNB swaps sender and recipient of
 * the received UNB, keeps its syntax identifier and version, and takes as
 * control reference the one given to tdk_edi_ack_new() or, by default, "A"
 * followed by the received reference when that has at most 13 characters,
 * else "H" and 13 digits of a hash (FNV-1a) of it.  An interchange whose
 * UNB lacks what UCI must quote (0020, S002 0004, S003 0010) cannot be
 * acknowledged: a warning EDI-ACK-UNB goes to d, as it does when the input
 * held no interchange at all.  Returns 0, TDK_EXIT_IO when out fails,
 * TDK_EXIT_INTERNAL without memory.
 */
int tdk_edi_ack_write(struct tdk_edi_ack *a, struct tdk_output *out, struct tdk_diag *d);

#endif
