/*
 * tdk serve's OAuth 2.0 authorization server: the token endpoint of RFC 6749
 * (client credentials, section 4.4; authorization code, section 4.1, with
 * PKCE S256 of RFC 7636 only; refresh tokens, section 6, rotated on use),
 * errors as section 5.2's JSON, and an authorization endpoint that grants at
 * once (there is no person to ask) and redirects to a loopback redirect_uri
 * as RFC 8252 gives native apps.  Tokens are kept by their SHA-256 only.
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "net/serve-int.h"

#define CODE_TTL 60          /* seconds an authorization code lives */
#define REFRESH_TTL 2592000  /* thirty days */

static void oauth_error(struct serve_req *r, unsigned status, const char *error, const char *desc)
{
	struct tdk_buf b = TDK_BUF_INIT(1024);

	tdk_buf_addf(&b, "{\"error\":\"%s\",\"error_description\":\"%s\"}\n", error, desc);
	if (status == 401)
		serve_header(r, "WWW-Authenticate", "Basic realm=\"tdk serve\"");
	serve_header(r, "Cache-Control", "no-store");
	serve_answer(r, status, "application/json", b.data);
	tdk_buf_release(&b);
}

static const struct tdk_serve_client *find_client(struct tdk_serve *s, const char *id)
{
	size_t i;

	for (i = 0; id && i < s->o.nclients; i++)
		if (!strcmp(s->o.clients[i].id, id))
			return &s->o.clients[i];
	return NULL;
}

/* Compares secrets in time independent of where they differ. */
static int same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return !diff;
}

/* Client authentication: HTTP Basic or client_id/client_secret in the body.  NULL when it fails. */
static const struct tdk_serve_client *auth_client(struct serve_req *r, int secret_required)
{
	struct tdk_buf id = TDK_BUF_INIT(256), sec = TDK_BUF_INIT(256);
	const struct tdk_serve_client *c = NULL;
	char *pass = NULL, *user = MHD_basic_auth_get_username_password(r->conn, &pass);
	int has_sec;

	if (user) {
		c = find_client(r->s, user);
		if (c && !(pass && same_secret(pass, c->secret)))
			c = NULL;
		goto out;
	}
	if (tdk_serve_form_get(r->body.data, r->body.len, "client_id", &id) != 1)
		goto out;
	has_sec = tdk_serve_form_get(r->body.data, r->body.len, "client_secret", &sec) == 1;
	c = find_client(r->s, id.data);
	if (c && (has_sec ? !same_secret(sec.data, c->secret) : secret_required))
		c = NULL;
out:
	if (c)
		snprintf(r->client, sizeof(r->client), "%s", c->id);
	free(user);
	free(pass);
	tdk_buf_release(&id);
	tdk_buf_release(&sec);
	return c;
}

/* Every scope of want (spaces between) is one of have's. */
static int scopes_within(const char *want, const char *have)
{
	while (*want) {
		size_t n = strcspn(want, " "), hn;
		const char *h = have;
		int found = 0;

		for (; *h && !found; h += hn + (h[hn] == ' ')) {
			hn = strcspn(h, " ");
			found = hn == n && !strncmp(h, want, n);
		}
		if (n && !found)
			return 0;
		want += n + (want[n] == ' ');
	}
	return 1;
}

/* Stores a new token of kind and writes it to out. */
static int new_token(struct serve_req *r, const char *kind, const char *client, const char *scope, int64_t ttl,
		     const char *extra, char out[65])
{
	char hash[65], exp[24];
	const char *p[6];
	int rc;

	if (serve_token(out) < 0)
		return -1;
	serve_sha256(out, 64, hash, NULL);
	if ((r->f.bits & TDK_FAULT_EXPIRED_TOKEN) && !strcmp(kind, "access"))
		ttl = -1;
	snprintf(exp, sizeof(exp), "%lld", (long long)(serve_now() + ttl));
	p[0] = hash, p[1] = kind, p[2] = client, p[3] = scope, p[4] = exp, p[5] = extra;
	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_exec(r->s, "INSERT INTO tokens VALUES(?,?,?,?,?,?)", 6, p);
	pthread_mutex_unlock(&r->s->lock);
	return rc;
}

struct token_row {
	char client[128], scope[512], extra[1024];
	long long expires;
};

static void token_row(void *arg, int ncol, const char *const *v)
{
	struct token_row *t = arg;

	snprintf(t->client, sizeof(t->client), "%s", v[0] ? v[0] : "");
	snprintf(t->scope, sizeof(t->scope), "%s", v[1] ? v[1] : "");
	t->expires = v[2] ? strtoll(v[2], NULL, 10) : 0;
	snprintf(t->extra, sizeof(t->extra), "%s", v[3] ? v[3] : "");
}

/* Looks a token of kind up (and deletes it when take is set).  Returns 1 when found and unexpired. */
static int find_token(struct tdk_serve *s, const char *token, const char *kind, int take, struct token_row *t)
{
	char hash[65];
	const char *p[2];
	int n;

	serve_sha256(token, strlen(token), hash, NULL);
	p[0] = hash, p[1] = kind;
	pthread_mutex_lock(&s->lock);
	n = serve_store_query(s, "SELECT client, scope, expires, extra FROM tokens WHERE hash=? AND kind=?", 2, p,
			      token_row, t);
	if (n == 1 && take)
		serve_store_exec(s, "DELETE FROM tokens WHERE hash=?", 1, p);
	pthread_mutex_unlock(&s->lock);
	return n == 1 && t->expires > serve_now();
}

int serve_bearer_ok(struct serve_req *r, const char *scope)
{
	const char *h = serve_req_header(r, "Authorization");
	struct token_row t;

	if (!h || strncasecmp(h, "Bearer ", 7) || !h[7] || strlen(h + 7) > 256)
		return 0;
	memset(&t, 0, sizeof(t));
	if (!find_token(r->s, h + 7, "access", 0, &t))
		return 0;
	snprintf(r->client, sizeof(r->client), "%s", t.client);
	return !scope || scopes_within(scope, t.scope);
}

/* The token response of section 5.1, with a refresh token when refresh is set. */
static void issue(struct serve_req *r, const char *client, const char *scope, int refresh)
{
	char at[65], rt[65];
	struct tdk_buf b = TDK_BUF_INIT(2048);

	if (new_token(r, "access", client, scope, r->s->o.token_ttl, NULL, at) < 0 ||
	    (refresh && new_token(r, "refresh", client, scope, REFRESH_TTL, NULL, rt) < 0)) {
		oauth_error(r, 500, "server_error", "the token cannot be stored");
		return;
	}
	tdk_buf_addf(&b, "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":%u,\"scope\":\"", at,
		     r->s->o.token_ttl);
	tdk_json_escape(&b, scope, strlen(scope));
	tdk_buf_addl(&b, "\"");
	if (refresh)
		tdk_buf_addf(&b, ",\"refresh_token\":\"%s\"", rt);
	tdk_buf_addl(&b, "}\n");
	serve_header(r, "Cache-Control", "no-store");
	serve_header(r, "Pragma", "no-cache");
	serve_answer(r, 200, "application/json", b.data);
	tdk_buf_release(&b);
}

/* Section 4.1.3 with RFC 7636 section 4.6: the code, its redirect_uri and verifier. */
static void grant_code(struct serve_req *r, const struct tdk_serve_client *c, struct tdk_buf *v)
{
	struct tdk_buf code = TDK_BUF_INIT(256), uri = TDK_BUF_INIT(1024);
	struct token_row t;
	unsigned char md[32];
	char want[64], *nl;

	memset(&t, 0, sizeof(t));
	if (tdk_serve_form_get(r->body.data, r->body.len, "code", &code) != 1 ||
	    tdk_serve_form_get(r->body.data, r->body.len, "code_verifier", v) != 1 ||
	    tdk_serve_form_get(r->body.data, r->body.len, "redirect_uri", &uri) != 1) {
		oauth_error(r, 400, "invalid_request", "code, code_verifier and redirect_uri are required");
		goto out;
	}
	if (!find_token(r->s, code.data, "code", 1, &t) || strcmp(t.client, c->id) ||
	    !(nl = strchr(t.extra, '\n')) || strcmp(nl + 1, uri.data)) {
		oauth_error(r, 400, "invalid_grant", "the code is unknown, used, expired or not this client's");
		goto out;
	}
	*nl = 0;
	serve_sha256(v->data, v->len, NULL, md);
	serve_b64url(md, 32, want, sizeof(want));
	if (v->len < 43 || v->len > 128 || strcmp(want, t.extra)) {
		oauth_error(r, 400, "invalid_grant", "the code_verifier does not match the code_challenge");
		goto out;
	}
	issue(r, c->id, t.scope, 1);
out:
	tdk_buf_release(&code);
	tdk_buf_release(&uri);
}

static void grant_refresh(struct serve_req *r, const struct tdk_serve_client *c, struct tdk_buf *v)
{
	struct token_row t;

	memset(&t, 0, sizeof(t));
	if (tdk_serve_form_get(r->body.data, r->body.len, "refresh_token", v) != 1)
		oauth_error(r, 400, "invalid_request", "refresh_token is required");
	else if (!find_token(r->s, v->data, "refresh", 1, &t) || strcmp(t.client, c->id))
		oauth_error(r, 400, "invalid_grant", "the refresh token is unknown, used, expired or not this client's");
	else
		issue(r, c->id, t.scope, 1);
}

void serve_oauth_token(struct serve_req *r)
{
	struct tdk_buf gt = TDK_BUF_INIT(64), scope = TDK_BUF_INIT(512), v = TDK_BUF_INIT(512);
	const char *ct = serve_req_header(r, "Content-Type");
	const struct tdk_serve_client *c;
	int has_scope;

	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) ||
	    tdk_serve_form_get(r->body.data, r->body.len, "grant_type", &gt) != 1) {
		oauth_error(r, 400, "invalid_request", "an application/x-www-form-urlencoded body with grant_type "
			    "is required");
		goto out;
	}
	if (strcmp(gt.data, "client_credentials") && strcmp(gt.data, "authorization_code") &&
	    strcmp(gt.data, "refresh_token")) {
		oauth_error(r, 400, "unsupported_grant_type", "grant_type is not one tdk serve knows");
		goto out;
	}
	if (!(c = auth_client(r, !strcmp(gt.data, "client_credentials")))) {
		oauth_error(r, 401, "invalid_client", "the client is unknown or its secret is wrong");
		goto out;
	}
	if (!strcmp(gt.data, "authorization_code")) {
		grant_code(r, c, &v);
	} else if (!strcmp(gt.data, "refresh_token")) {
		grant_refresh(r, c, &v);
	} else {
		has_scope = tdk_serve_form_get(r->body.data, r->body.len, "scope", &scope) == 1;
		if (has_scope && !scopes_within(scope.data, c->scopes))
			oauth_error(r, 400, "invalid_scope", "the scope asked is not the client's");
		else
			issue(r, c->id, has_scope && scope.len ? scope.data : c->scopes, 0);
	}
out:
	tdk_buf_release(&gt);
	tdk_buf_release(&scope);
	tdk_buf_release(&v);
}

/* A redirect_uri on the loopback (RFC 8252 section 7.3): http://127.0.0.1[:port]/... or localhost. */
static int loopback_uri(const char *u)
{
	return u && (!strncmp(u, "http://127.0.0.1:", 17) || !strncmp(u, "http://127.0.0.1/", 17) ||
		     !strncmp(u, "http://localhost:", 17) || !strncmp(u, "http://localhost/", 17)) &&
	       !strpbrk(u, "\r\n\"<> ") && strlen(u) < 400;
}

static const char *query(struct serve_req *r, const char *k)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, k);
}

void serve_oauth_authorize(struct serve_req *r)
{
	const char *id = query(r, "client_id"), *uri = query(r, "redirect_uri"), *ch = query(r, "code_challenge");
	const char *m = query(r, "code_challenge_method"), *rt = query(r, "response_type"), *st = query(r, "state");
	const char *scope = query(r, "scope");
	const struct tdk_serve_client *c = find_client(r->s, id);
	char code[65], extra[600], loc[1400];

	if (!c || !loopback_uri(uri)) {
		serve_answer(r, 400, "text/plain", "unknown client_id, or a redirect_uri not on the loopback\n");
		return;
	}
	snprintf(r->client, sizeof(r->client), "%s", c->id);
	if (!rt || strcmp(rt, "code") || !ch || strlen(ch) != 43 || !m || strcmp(m, "S256") ||
	    (st && (strlen(st) > 256 || strpbrk(st, "&#\r\n "))) || (scope && !scopes_within(scope, c->scopes))) {
		snprintf(loc, sizeof(loc), "%s%cerror=%s%s%s", uri, strchr(uri, '?') ? '&' : '?',
			 scope && !scopes_within(scope, c->scopes) ? "invalid_scope" : "invalid_request",
			 st ? "&state=" : "", st && strlen(st) <= 256 && !strpbrk(st, "&#\r\n ") ? st : "");
	} else {
		snprintf(extra, sizeof(extra), "%s\n%s", ch, uri);
		if (new_token(r, "code", c->id, scope ? scope : c->scopes, CODE_TTL, extra, code) < 0) {
			serve_answer(r, 500, "text/plain", "the code cannot be stored\n");
			return;
		}
		snprintf(loc, sizeof(loc), "%s%ccode=%s%s%s", uri, strchr(uri, '?') ? '&' : '?', code,
			 st ? "&state=" : "", st ? st : "");
	}
	serve_header(r, "Location", loc);
	serve_header(r, "Cache-Control", "no-store");
	serve_answer(r, 302, NULL, NULL);
}
