/*
 * The OAuth 2.0 token requests (oauth.h): client authentication, the form
 * body, the answer read and classified; the client credentials and refresh
 * grants; a token for a request and the one retry after a 401.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "net/oauth-int.h"
#include "util/exitcode.h"

void oauth_buf_wipe(struct tdk_buf *b)
{
	tdk_wipe(b->data, b->cap);
	tdk_buf_release(b);
}

/* RFC 6749 Appendix B: application/x-www-form-urlencoded, every byte but the unreserved encoded. */
int oauth_form_add(struct tdk_buf *b, const char *key, const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc = 0;

	if (b->len)
		rc |= tdk_buf_addc(b, '&');
	rc |= tdk_buf_adds(b, key);
	rc |= tdk_buf_addc(b, '=');
	for (i = 0; i < n && !rc; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || (ch >= '0' && ch <= '9') || (ch && strchr("-._~", ch))) {
			rc |= tdk_buf_addc(b, ch);
		} else {
			rc |= tdk_buf_addc(b, '%');
			rc |= tdk_buf_addc(b, hex[ch >> 4]);
			rc |= tdk_buf_addc(b, hex[ch & 15]);
		}
	}
	return rc ? -1 : 0;
}

int oauth_form_adds(struct tdk_buf *b, const char *key, const char *v)
{
	return oauth_form_add(b, key, v, strlen(v));
}

/* "Authorization: Basic " base64(urlencode(id) ":" urlencode(secret)) (RFC 6749 §2.3.1). */
static int basic_header(const struct tdk_oauth_client *c, struct tdk_buf *h)
{
	struct tdk_buf pair = TDK_BUF_INIT(3 * (TDK_OAUTH_TOKEN_MAX + 1024));
	size_t out;
	int rc = -1;

	if (oauth_form_adds(&pair, "", c->client_id) < 0 || oauth_form_add(&pair, "", c->secret, c->secret_len) < 0)
		goto out;
	/* The form encoder writes "=id&=secret": make it "id:secret". */
	memmove(pair.data, pair.data + 1, pair.len);
	pair.len--;
	{
		char *amp = strstr(pair.data, "&=");

		if (!amp)
			goto out;
		*amp = ':';
		memmove(amp + 1, amp + 2, (size_t)(pair.data + pair.len - (amp + 2)) + 1);
		pair.len--;
	}
	if (tdk_buf_addl(h, "Authorization: Basic ") < 0 || tdk_buf_grow(h, 4 * (pair.len / 3 + 1) + 1) < 0)
		goto out;
	out = (size_t)EVP_EncodeBlock((unsigned char *)h->data + h->len, (const unsigned char *)pair.data,
				      (int)pair.len);
	h->len += out;
	h->data[h->len] = '\0';
	rc = 0;
out:
	oauth_buf_wipe(&pair);
	return rc;
}

/* The answer of the token endpoint, read; returns an exit code. */
static int token_answer(const struct tdk_http_resp *r, time_t now, struct tdk_oauth_token *t,
			struct tdk_diag *d)
{
	struct tdk_oauth_error e;
	int p;

	if (r->status != 200 && r->status != 400 && r->status != 401) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-HTTP", NULL, "the token endpoint answered HTTP %ld", r->status);
		return TDK_EXIT_REMOTE;
	}
	p = tdk_oauth_token_parse(r->body.data ? r->body.data : "", r->body.len, now, t, &e, d);
	if (p < 0)
		return TDK_EXIT_REMOTE;
	if (p == 1 || r->status != 200) {
		if (p == 0)
			tdk_oauth_token_release(t);
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-REFUSED", NULL, "the token endpoint refused: %s%s%s",
			     p == 1 && e.error[0] ? e.error : "no error code", e.description[0] ? ": " : "",
			     e.description);
		return TDK_EXIT_TRUST;
	}
	return 0;
}

static int oauth_token_request(const struct tdk_oauth_client *c, struct tdk_buf *form, time_t now,
			       struct tdk_oauth_token *t, struct tdk_diag *d)
{
	struct tdk_buf auth = TDK_BUF_INIT(4 * TDK_OAUTH_TOKEN_MAX);
	const char *headers[4] = { "Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
				   NULL, NULL };
	struct tdk_http_req req = { "POST", c->token_url, headers, NULL, 0 };
	struct tdk_http_resp r;
	int rc = TDK_EXIT_INTERNAL;

	tdk_http_resp_init(&r);
	r.body.max = TDK_OAUTH_RESPONSE_MAX;
	if (!c->token_url || !c->client_id) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-SETTINGS", NULL, "no token URL or client id");
		rc = TDK_EXIT_USAGE;
		goto out;
	}
	if (c->auth == TDK_OAUTH_SECRET_BASIC && c->secret) {
		if (basic_header(c, &auth) < 0)
			goto oom;
		headers[2] = auth.data;
	} else if (oauth_form_adds(form, "client_id", c->client_id) < 0 ||
		   (c->auth == TDK_OAUTH_SECRET_POST && c->secret &&
		    oauth_form_add(form, "client_secret", c->secret, c->secret_len) < 0)) {
		goto oom;
	}
	req.body = form->data ? form->data : "";
	req.body_len = form->len;
	if (tdk_http_request(c->http, &req, &r, d) < 0) {
		rc = r.outcome == TDK_HTTP_TRUST ? TDK_EXIT_TRUST : r.outcome == TDK_HTTP_REFUSED ? TDK_EXIT_USAGE
										    : TDK_EXIT_REMOTE;
		goto out;
	}
	rc = token_answer(&r, now, t, d);
	goto out;
oom:
	tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-INTERNAL", NULL, "out of memory or a setting too long");
out:
	oauth_buf_wipe(&auth);
	tdk_http_resp_release(&r);
	return rc;
}

int oauth_grant(const struct tdk_oauth_client *c, const char *const *kv, time_t now, struct tdk_oauth_token *t,
		struct tdk_diag *d)
{
	struct tdk_buf form = TDK_BUF_INIT(4 * TDK_OAUTH_TOKEN_MAX);
	size_t i;
	int rc;

	for (i = 0; kv[i]; i += 2)
		if (kv[i + 1] && oauth_form_adds(&form, kv[i], kv[i + 1]) < 0)
			break;
	if (kv[i]) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-INTERNAL", NULL, "out of memory or a setting too long");
		rc = TDK_EXIT_INTERNAL;
	} else {
		rc = oauth_token_request(c, &form, now, t, d);
	}
	oauth_buf_wipe(&form);
	return rc;
}

int tdk_oauth_client_credentials(const struct tdk_oauth_client *c, time_t now, struct tdk_oauth_token *t,
				 struct tdk_diag *d)
{
	const char *const kv[] = { "grant_type", "client_credentials", "scope", c->scope, NULL };

	return oauth_grant(c, kv, now, t, d);
}

int tdk_oauth_refresh(const struct tdk_oauth_client *c, const char *refresh_token, time_t now,
		      struct tdk_oauth_token *t, struct tdk_diag *d)
{
	const char *const kv[] = { "grant_type", "refresh_token", "refresh_token", refresh_token, NULL };
	char *kept = strdup(refresh_token);
	int rc;

	if (!kept) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-INTERNAL", NULL, "out of memory");
		return TDK_EXIT_INTERNAL;
	}
	/* The form is built before the answer is read into t, which may hold refresh_token. */
	if (!(rc = oauth_grant(c, kv, now, t, d)) && !t->refresh_token) {
		t->refresh_token = kept;   /* §6: the server may keep the old one valid */
		kept = NULL;
	}
	if (kept)
		tdk_wipe(kept, strlen(kept));
	free(kept);
	return rc;
}

int tdk_oauth_token_get(const struct tdk_oauth_client *c, int client_credentials, time_t now,
			struct tdk_oauth_token *t, struct tdk_diag *d)
{
	struct tdk_oauth_token fresh;
	int rc = 1;

	tdk_oauth_token_init(&fresh);
	if (c->name && (rc = tdk_oauth_cache_load(c, now, t, d)) != 1)
		return rc;
	if (t->refresh_token) {
		rc = tdk_oauth_refresh(c, t->refresh_token, now, &fresh, d);
	} else if (client_credentials) {
		rc = tdk_oauth_client_credentials(c, now, &fresh, d);
	} else {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-LOGIN", NULL,
			     "no token and no refresh token kept: log in to the endpoint first");
		return TDK_EXIT_TRUST;
	}
	if (rc)
		goto out;
	tdk_oauth_token_release(t);
	*t = fresh;
	tdk_oauth_token_init(&fresh);
	if (c->name)
		rc = tdk_oauth_cache_store(c, t, d);
out:
	tdk_oauth_token_release(&fresh);
	return rc;
}

static int send_with(const struct tdk_oauth_client *c, const struct tdk_oauth_token *t,
		     const struct tdk_http_req *req, struct tdk_http_resp *r, struct tdk_diag *d)
{
	struct tdk_buf auth = TDK_BUF_INIT(TDK_OAUTH_TOKEN_MAX + 64);
	struct tdk_http_req q = *req;
	const char **h = NULL;
	size_t n = 0, i;
	int rc = TDK_EXIT_INTERNAL;

	while (req->headers && req->headers[n])
		n++;
	if (!(h = calloc(n + 2, sizeof(*h))) || tdk_buf_addl(&auth, "Authorization: Bearer ") < 0 ||
	    tdk_buf_adds(&auth, t->access_token) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-INTERNAL", NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		h[i] = req->headers[i];
	h[n] = auth.data;
	q.headers = h;
	rc = tdk_http_request(c->http, &q, r, d) < 0 ? TDK_EXIT_REMOTE : 0;
out:
	free(h);
	oauth_buf_wipe(&auth);
	return rc;
}

int tdk_oauth_request(const struct tdk_oauth_client *c, int client_credentials, const struct tdk_http_req *req,
		      struct tdk_http_resp *r, struct tdk_diag *d)
{
	struct tdk_oauth_token t;
	int rc;

	tdk_oauth_token_init(&t);
	if ((rc = tdk_oauth_token_get(c, client_credentials, time(NULL), &t, d)) != 0)
		goto out;
	if ((rc = send_with(c, &t, req, r, d)) != 0 || r->status != 401)
		goto out;
	/* One 401: the token was revoked or expired early; drop it and try once more with a new one. */
	if (c->name && (rc = tdk_oauth_cache_drop(c, d)) != 0)
		goto out;
	if (t.refresh_token) {
		struct tdk_oauth_token kept;

		tdk_oauth_token_init(&kept);
		kept.refresh_token = t.refresh_token;
		t.refresh_token = NULL;
		tdk_oauth_token_release(&t);
		t = kept;
	} else {
		tdk_oauth_token_release(&t);
	}
	if (!c->name && !t.refresh_token && !client_credentials) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-LOGIN", NULL, "the token was refused and none can be renewed");
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	if (c->name) {
		struct tdk_oauth_token fresh;

		tdk_oauth_token_init(&fresh);
		rc = tdk_oauth_token_get(c, client_credentials, time(NULL), &fresh, d);
		tdk_oauth_token_release(&t);
		t = fresh;
	} else {
		rc = t.refresh_token ? tdk_oauth_refresh(c, t.refresh_token, time(NULL), &t, d)
				     : tdk_oauth_client_credentials(c, time(NULL), &t, d);
	}
	if (!rc)
		rc = send_with(c, &t, req, r, d);
out:
	tdk_oauth_token_release(&t);
	return rc;
}
