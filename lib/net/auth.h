/*
 * Tokens for an endpoint: the OAuth 2.0 client of lib/net/oauth.h set up
 * from an endpoint's settings (lib/net/endpoint.h).
 *
 * A token comes from the endpoint's cache while it is valid, else from a
 * refresh with the kept refresh token, else from the endpoint's grant:
 * client credentials are asked for at once; the authorization code grant
 * needs a person, so without a kept refresh token the answer is AUTH-LOGIN
 * (exit 5), naming `tdk endpoint login`.  A request refused with 401 is
 * sent once more with a renewed token, never twice.
 *
 * The client secret is read once, when the endpoint's grant needs it, and
 * held in memory that tdk_auth_release() wipes.  Nothing here prints a
 * token or the secret, nor puts one in a diagnostic.
 *
 * Ownership: struct tdk_auth borrows the endpoint (which must outlive it)
 * and owns its copy of the secret.  It is read-only once set up, so that
 * several threads may use it at once, each with its own struct tdk_http.
 */
#ifndef TDK_NET_AUTH_H
#define TDK_NET_AUTH_H

#include <stddef.h>

#include "net/endpoint.h"
#include "net/http.h"
#include "net/oauth.h"
#include "util/diag.h"

/* The settings of one endpoint's OAuth client. */
struct tdk_auth {
	const struct tdk_endpoint *e;   /* borrowed */
	char *secret;                   /* the client secret, or NULL; owned, wiped on release */
	size_t secret_len;
	int client_credentials;         /* the grant is client credentials (else authorization code) */
	const char *cache_dir;          /* NULL: the default cache folder; borrowed */
};

/*
 * Sets a up for endpoint e of eps: reads its client secret when it has
 * one (a refused or unreadable secret is reported in d and returned as
 * TDK_EXIT_USAGE or TDK_EXIT_IO).  notifications: use notifications-grant
 * (client credentials when it is not set) instead of grant.  An endpoint without token-url or client-id is
 * AUTH-SETTINGS, TDK_EXIT_USAGE.  Returns 0 or an exit code.
 */
int tdk_auth_init(struct tdk_auth *a, const struct tdk_endpoints *eps, const struct tdk_endpoint *e,
		  int notifications, struct tdk_diag *d);

/* Wipes and frees the secret; a is left empty.  Safe on a zeroed or failed one. */
void tdk_auth_release(struct tdk_auth *a);

/* The HTTP settings an endpoint gives (timeouts, CA file, client certificate) into o. */
void tdk_auth_http_opts(const struct tdk_endpoint *e, struct tdk_http_opts *o);

/*
 * A token for the endpoint, through h: cached, refreshed, or granted (see
 * above).  Fills t (the caller releases it).  Returns 0 or an exit code of
 * lib/net/oauth.h, and AUTH-LOGIN (exit 5) when an authorization-code
 * endpoint has neither a valid token nor a refresh token.
 */
int tdk_auth_token(const struct tdk_auth *a, struct tdk_http *h, struct tdk_oauth_token *t, struct tdk_diag *d);

/*
 * Sends req through h with a Bearer token from tdk_auth_token(), renewing
 * it once on a 401 (tdk_oauth_request).  Returns as tdk_oauth_request():
 * 0 once an answer came (r->status says which), else an exit code with
 * r->outcome saying whether the request can have arrived.
 */
int tdk_auth_request(const struct tdk_auth *a, struct tdk_http *h, const struct tdk_http_req *req,
		     struct tdk_http_resp *r, struct tdk_diag *d);

#endif
