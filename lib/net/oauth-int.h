/*
 * Between the files of the OAuth 2.0 client (oauth.c, oauth-login.c,
 * oauth-cache.c); not for other callers.
 */
#ifndef TDK_OAUTH_INT_H
#define TDK_OAUTH_INT_H

#include "net/oauth.h"

/* Whether s[0..n) is an RFC 6750 §2.1 b64token: a bearer token a header line can carry as it is. */
int oauth_is_b64token(const char *s, size_t n);

/* Wipes b's memory and frees it. */
void oauth_buf_wipe(struct tdk_buf *b);

/* Appends "&key=value" (no '&' on an empty b), value form-urlencoded; 0 or -1. */
int oauth_form_add(struct tdk_buf *b, const char *key, const char *v, size_t n);
int oauth_form_adds(struct tdk_buf *b, const char *key, const char *v);

/*
 * POSTs the grant's fields kv ("key", "value" pairs, NULL-terminated; a
 * NULL value leaves its key out) to the token endpoint, with the client's
 * authentication, and reads the answer into t.  Returns an exit code, with
 * a diagnostic: OAUTH-REFUSED (an error response: exit 5), OAUTH-HTTP
 * (another status: exit 4), the HTTP-* of a failed request.
 */
int oauth_grant(const struct tdk_oauth_client *c, const char *const *kv, time_t now, struct tdk_oauth_token *t,
		struct tdk_diag *d);

#endif
