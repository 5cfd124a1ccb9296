/*
 * Inside lib/net/ebms*.c: the libxml2 tree helpers the reader, the checks
 * and the P-Mode reader share.  Strings returned are owned by the caller
 * (free()); NULL for a missing node or attribute, or when memory runs out.
 */
#ifndef TDK_NET_EBMS_INT_H
#define TDK_NET_EBMS_INT_H

#include <libxml/tree.h>

#include "net/ebms.h"

#define EBBP_NS "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0"
#define DSIG_NS "http://www.w3.org/2000/09/xmldsig#"

/* Whether n is the element local in namespace ns (NULL: any namespace). */
int ebms_is(const xmlNode *n, const char *ns, const char *local);

/* The first child of n, or the first sibling after n, that is the element local in ns; or NULL. */
xmlNode *ebms_child(const xmlNode *n, const char *ns, const char *local);
xmlNode *ebms_next(const xmlNode *n, const char *ns, const char *local);

/* The text of n without the blanks around it, and the attribute name of n. */
char *ebms_text(const xmlNode *n);
char *ebms_attr(const xmlNode *n, const char *name);

/* The line of n as a diagnostic location. */
void ebms_loc(const xmlNode *n, struct tdk_diag_loc *loc);

/*
 * Parses buf through lib/xml's tree reader (no IDs registered), its
 * not-well-formed faults under code.  Returns the document or NULL.
 */
xmlDoc *ebms_parse(const char *buf, size_t len, const char *name, const char *code, struct tdk_diag *d);

/* Reads the eb:Messaging element msg into m and checks it (ebms-check.c).  Returns 0. */
int ebms_check_messaging(const xmlNode *msg, struct tdk_ebms_msg *m, struct tdk_diag *d);

#endif
