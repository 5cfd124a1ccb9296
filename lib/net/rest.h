/*
 * A document sent to a single window's REST API (profile rest), as the UK
 * CDS Customs Declarations API takes it: one POST with the headers the API
 * asks for, and what the answer means for the document.
 *
 * Headers: Accept application/vnd.hmrc.N+xml from api-version,
 * Content-Type application/xml; charset=UTF-8, Authorization Bearer (added
 * by lib/net/auth), X-Badge-Identifier from badge-id and
 * X-Submitter-Identifier from submitter-id.
 *
 * Retries: a 429 or 503 that carries Retry-After was answered before the
 * application took the request, so it is sent again after the delay, at
 * most the endpoint's retries times and never after a delay longer than
 * TDK_REST_RETRY_AFTER_MAX.  Nothing else is ever sent again here: a
 * connection refused leaves the document not sent, and a connection that
 * broke after the body leaves its outcome unknown, for the caller to
 * journal as such.
 *
 * Nothing here prints or exits.
 */
#ifndef TDK_NET_REST_H
#define TDK_NET_REST_H

#include <stddef.h>

#include "net/auth.h"
#include "net/endpoint.h"
#include "net/http.h"
#include "util/diag.h"

/* The longest Retry-After waited for, in seconds; a longer one ends the retries. */
#define TDK_REST_RETRY_AFTER_MAX 120
/* The longest LRN kept. */
#define TDK_REST_LRN_MAX 128

/* What an answer (or its absence) means for the document. */
enum tdk_rest_result {
	TDK_REST_ACCEPTED,     /* 202: taken, with a conversation id */
	TDK_REST_REJECTED,     /* 400: the errorResponse says why */
	TDK_REST_REFUSED,      /* 403: a firewall refused it (PAYLOAD_FORBIDDEN); not retried */
	TDK_REST_CREDENTIALS,  /* 401 after one renewal: not taken */
	TDK_REST_SETTINGS,     /* 404, 406, 415: the endpoint's settings are wrong; not taken */
	TDK_REST_BUSY,         /* 429 or 503 after the retries: not taken */
	TDK_REST_NOT_SENT,     /* it certainly did not arrive (refused, no name, TLS, a token not got) */
	TDK_REST_UNKNOWN       /* it may have arrived: broke after the body, a timeout, another status */
};

/*
 * The LRN of the declaration p[0..n): the text, without the blanks
 * around it, of the first FunctionalReferenceID element child of the
 * Declaration, which is the root or a child of the root (the WCO MetaData
 * wrapper of CDS), in any namespace, into out[0..size).  Returns 1 when found, 0 when not (or the document does not
 * parse: nothing is reported).
 */
int tdk_rest_lrn(const char *p, size_t n, char *out, size_t size);

/* The headers of a request to the API, NULL-ended in v; the strings they point to are held here. */
struct tdk_rest_headers {
	const char *v[5];
	char accept[128], badge[160], id[160];
};

/*
 * Fills h with the API's headers for endpoint e (which h then borrows
 * nothing from): Accept, Content-Type, X-Badge-Identifier from badge-id,
 * and submitter-id under the name id_header ("X-Submitter-Identifier" for
 * declarations, "X-EORI-Identifier" for the file-upload resource).
 */
void tdk_rest_headers(const struct tdk_endpoint *e, const char *id_header, struct tdk_rest_headers *h);

/*
 * POSTs body[0..n) to e's url through h with a's token and the headers
 * above, retrying a 429 or 503 with Retry-After as said; sleeps between.
 * r (initialised by the caller) gets the last answer.  *tries gets the
 * number of requests made.  Returns what the outcome means; an HTTP failure
 * or a token not got has added its diagnostic to d, and *code gets the exit
 * code that failure asks for (0 otherwise).
 */
enum tdk_rest_result tdk_rest_post(const struct tdk_auth *a, struct tdk_http *h, const void *body, size_t n,
				   struct tdk_http_resp *r, unsigned *tries, int *code, struct tdk_diag *d);

/* A sentence for a 404, 406 or 415: which setting or header is wrong.  Static. */
const char *tdk_rest_settings_hint(long status);

#endif
