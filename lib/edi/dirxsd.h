/*
 * A W3C XML Schema 1.0 for the XML that `tdk convert --names directory`
 * writes for one message of one UNTDID release: the envelope as the
 * converter writes it, then the message's segment table with its groups,
 * segments, composites and data elements and their formats.
 */
#ifndef TDK_EDI_DIRXSD_H
#define TDK_EDI_DIRXSD_H

#include "edi/dir.h"
#include "util/buf.h"

/* Enumerate the codes of coded data elements from the release's code lists. */
#define TDK_DIR_XSD_CODES 1

/*
 * Appends the schema for message m of release d to out.  Returns 0, or -1
 * when out reaches its cap or memory runs out.
 */
int tdk_dir_xsd(struct tdk_buf *out, const struct tdk_dir *d, const struct tdk_dir_message *m, unsigned flags);

#endif
