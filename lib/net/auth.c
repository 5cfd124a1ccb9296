/*
 * Tokens for an endpoint: the endpoint's settings turned into an OAuth
 * client (see auth.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/auth.h"
#include "util/exitcode.h"
#include "util/secret.h"

int tdk_auth_init(struct tdk_auth *a, const struct tdk_endpoints *eps, const struct tdk_endpoint *e,
		  int notifications, struct tdk_diag *d)
{
	const char *grant = e->value[notifications ? TDK_EK_NOTIFICATIONS_GRANT : TDK_EK_GRANT];
	int n;

	/* The pull notifications API is application-restricted: client credentials unless the endpoint says. */
	if (notifications && !grant)
		grant = "client-credentials";

	memset(a, 0, sizeof(*a));
	a->e = e;
	a->client_credentials = grant && !strcmp(grant, "client-credentials");
	if (!e->value[TDK_EK_TOKEN_URL] || !e->value[TDK_EK_CLIENT_ID]) {
		struct tdk_diag_loc loc = { e->line, 1, 0, { 0 } };

		tdk_diag_add(d, TDK_SEV_ERROR, "AUTH-SETTINGS", &loc,
			     "endpoint '%s' needs token-url and client-id to get a token", e->name);
		return TDK_EXIT_USAGE;
	}
	if (tdk_endpoint_secret_source(e) == TDK_SECRET_NONE)
		return 0;
	if (!(a->secret = malloc(TDK_ENDPOINT_SECRET_MAX)))
		return TDK_EXIT_INTERNAL;
	n = tdk_endpoint_secret(eps, e, a->secret, TDK_ENDPOINT_SECRET_MAX, d);
	if (n < 0) {
		tdk_auth_release(a);
		return -n;
	}
	a->secret_len = (size_t)n;
	return 0;
}

void tdk_auth_release(struct tdk_auth *a)
{
	if (a->secret) {
		tdk_secret_wipe(a->secret, TDK_ENDPOINT_SECRET_MAX);
		free(a->secret);
	}
	a->secret = NULL;
	a->secret_len = 0;
}

void tdk_auth_http_opts(const struct tdk_endpoint *e, struct tdk_http_opts *o)
{
	tdk_http_opts_init(o);
	o->timeout_ms = (long)e->timeout * 1000L;
	o->connect_timeout_ms = (long)e->connect_timeout * 1000L;
	o->ca_file = e->path[TDK_EK_CA_FILE];
	o->client_cert = e->path[TDK_EK_CLIENT_CERT];
	o->client_key = e->path[TDK_EK_CLIENT_KEY];
}

static void client(const struct tdk_auth *a, struct tdk_http *h, struct tdk_oauth_client *c)
{
	const struct tdk_endpoint *e = a->e;

	memset(c, 0, sizeof(*c));
	c->http = h;
	c->token_url = e->value[TDK_EK_TOKEN_URL];
	c->authorize_url = e->value[TDK_EK_AUTHORIZE_URL];
	c->client_id = e->value[TDK_EK_CLIENT_ID];
	c->secret = a->secret;
	c->secret_len = a->secret_len;
	c->auth = a->secret ? TDK_OAUTH_SECRET_BASIC : TDK_OAUTH_PUBLIC;
	c->scope = e->value[TDK_EK_SCOPE];
	c->cache_dir = a->cache_dir;
	c->name = e->name;
}

/* An authorization-code endpoint with no valid token and no refresh token needs a person first. */
static int needs_login(const struct tdk_auth *a, const struct tdk_oauth_client *c, struct tdk_diag *d)
{
	struct tdk_oauth_token t;
	int r;

	if (a->client_credentials)
		return 0;
	tdk_oauth_token_init(&t);
	r = tdk_oauth_cache_load(c, time(NULL), &t, d);
	if (r == 1 && !t.refresh_token) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AUTH-LOGIN", NULL,
			     "endpoint '%s' uses the authorization code grant and no refresh token is kept: "
			     "run 'tdk endpoint login %s' first", a->e->name, a->e->name);
		r = TDK_EXIT_TRUST;
	} else if (r == 1) {
		r = 0;
	}
	tdk_oauth_token_release(&t);
	return r;
}

int tdk_auth_token(const struct tdk_auth *a, struct tdk_http *h, struct tdk_oauth_token *t, struct tdk_diag *d)
{
	struct tdk_oauth_client c;
	int r;

	client(a, h, &c);
	if ((r = needs_login(a, &c, d)))
		return r;
	return tdk_oauth_token_get(&c, a->client_credentials, time(NULL), t, d);
}

int tdk_auth_request(const struct tdk_auth *a, struct tdk_http *h, const struct tdk_http_req *req,
		     struct tdk_http_resp *r, struct tdk_diag *d)
{
	struct tdk_oauth_client c;
	int rc;

	client(a, h, &c);
	if ((rc = needs_login(a, &c, d)))
		return rc;
	return tdk_oauth_request(&c, a->client_credentials, req, r, d);
}
