/*
 * The error body of the UK CDS Customs Declarations API (and of tdk serve,
 * which answers the same way): an errorResponse element holding code and
 * message, and for a 400 an errors list of error elements, each with its
 * code and message, e.g.
 *
 *   <errorResponse><code>BAD_REQUEST</code><message>Payload is not valid
 *   according to schema</message><errors><error><code>xml_validation_error</code>
 *   <message>Error at line 13, column 13: no declaration found for element
 *   'unknown'</message></error></errors></errorResponse>
 *
 * It is read through lib/xml (no network, no entities, limits) and each
 * text is kept with control characters and non-ASCII bytes replaced by '?',
 * so that a server's words can go into a diagnostic line as they are.
 */
#ifndef TDK_CDS_ERROR_H
#define TDK_CDS_ERROR_H

#include <stddef.h>

#include "util/diag.h"

#define TDK_CDS_ERROR_BODY_MAX (1u << 20)   /* a larger body is refused (CDS-ERROR-LIMIT) */
#define TDK_CDS_ERROR_ITEMS_MAX 1000        /* error elements kept; more are counted in dropped */
#define TDK_CDS_ERROR_TEXT_MAX 1024         /* bytes kept of a code or a message */

struct tdk_cds_error_item {
	char *code;      /* owned; "" when absent */
	char *message;   /* owned; "" when absent */
};

/* One errorResponse; tdk_cds_error_release frees it. */
struct tdk_cds_error {
	char *code;                       /* owned: BAD_REQUEST, PAYLOAD_FORBIDDEN ... */
	char *message;                    /* owned; "" when absent */
	struct tdk_cds_error_item *v;     /* the errors/error elements, in order; owned */
	size_t n;
	size_t dropped;                   /* error elements past TDK_CDS_ERROR_ITEMS_MAX */
};

/*
 * Reads the body p[0..n), reported under name.  Returns 0 with e filled, or
 * -1 with a diagnostic and e empty: CDS-XML (not well-formed), CDS-XML-ENTITY,
 * XML-LIMIT-*, CDS-ERROR-LIMIT (a body over TDK_CDS_ERROR_BODY_MAX),
 * CDS-ERROR-SHAPE (the root is not errorResponse, or has no code).  Unknown
 * elements are skipped; a namespace on the elements is allowed.
 */
int tdk_cds_error_parse(const char *p, size_t n, const char *name, struct tdk_cds_error *e, struct tdk_diag *d);

/* Frees what e holds and leaves it empty. */
void tdk_cds_error_release(struct tdk_cds_error *e);

/*
 * The position a message names in the document that was sent, in the form
 * "Error at line L, column C: ...": returns 1 with *line and *col set (and
 * *rest at the text after the colon), or 0 when the message names none.
 */
int tdk_cds_error_position(const char *msg, unsigned long *line, unsigned long *col, const char **rest);

#endif
