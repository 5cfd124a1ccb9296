/*
 * oauth-probe: drives lib/net/oauth.h from the command line for the tests,
 * until tdk submit and tdk endpoint login use it.  It prints the token's
 * type, expiry and whether a refresh token came, never a token.
 *
 *   oauth-probe GRANT --token-url URL --client-id ID [options]
 *
 * GRANT is client-credentials, authorization-code (listens on the loopback,
 * writes the authorization URL to --url-file and waits --timeout ms for the
 * redirect), refresh (with the refresh token kept in the cache), get (the
 * cache, else a refresh, else client credentials, as tdk submit will) or
 * request (GET --get URL with a token, one renewal after a 401; prints the
 * status and the body).  Options: --authorize-url URL, --secret-file FILE
 * (the secret's first line; never an argument), --auth basic|post|public,
 * --scope S, --cache-dir DIR and --name NAME (the token cache), --ca-file F,
 * --client-cert F and --client-key F (mutual TLS).
 * Diagnostics go to standard error; the exit status is the library's.
 *
 *   oauth-probe http --url URL [--method M] [--body-size N] [--header H]
 *               [--timeout MS] [--max-response N] [--follow 1] [--bearer-file F]
 *               [--repeat N]
 *
 * sends one request (N times on one handle) through lib/net/http.h (a body of N bytes 'a'; one
 * extra header line; an Authorization header read from a file) and prints
 * what the caller learns: outcome, status, whether the body was sent,
 * redirects followed, connections the last request opened, the Retry-After delay (an HTTP-date taken at the time
 * of the answer) and X-Conversation-ID.  Exit 0 on an answer, 4 when no
 * answer came, 5 for TLS, 2 when tdk refused the request.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/oauth.h"
#include "util/exitcode.h"

static void emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	if (tdk_diag_format_text(&b, it) == 0)
		fputs(b.data, stderr);
	tdk_buf_release(&b);
}

static char *read_secret(const char *path, size_t *n)
{
	static char s[4096];
	ssize_t k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	k = read(fd, s, sizeof(s) - 1);
	close(fd);
	if (k < 0)
		return NULL;
	s[k] = '\0';
	*n = strcspn(s, "\r\n");
	s[*n] = '\0';
	return s;
}

static int write_url(const char *path, const char *url)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "w")))
		return -1;
	fprintf(f, "%s\n", url);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

static int run(const char *grant, struct tdk_oauth_client *c, const char *url_file, const char *get,
	       int timeout, struct tdk_oauth_token *t, struct tdk_diag *d)
{
	struct tdk_oauth_login l;
	int rc;

	if (!strcmp(grant, "client-credentials"))
		return tdk_oauth_client_credentials(c, time(NULL), t, d);
	if (!strcmp(grant, "get"))
		return tdk_oauth_token_get(c, 1, time(NULL), t, d);
	if (!strcmp(grant, "refresh")) {
		if ((rc = tdk_oauth_cache_load(c, 0, t, d)) > 1)
			return rc;
		if (!t->refresh_token) {
			fprintf(stderr, "oauth-probe: no refresh token kept\n");
			return TDK_EXIT_TRUST;
		}
		{
			char *r = strdup(t->refresh_token);

			rc = tdk_oauth_refresh(c, r, time(NULL), t, d);
			free(r);
		}
		return rc;
	}
	if (!strcmp(grant, "request")) {
		struct tdk_http_req req = { "GET", get, NULL, NULL, 0 };
		struct tdk_http_resp r;

		tdk_http_resp_init(&r);
		if (!(rc = tdk_oauth_request(c, 1, &req, &r, d)))
			printf("status=%ld body=%s\n", r.status, r.body.data ? r.body.data : "");
		tdk_http_resp_release(&r);
		return rc;
	}
	if (strcmp(grant, "authorization-code") || !url_file) {
		fprintf(stderr, "oauth-probe: unknown grant, or --url-file missing\n");
		return TDK_EXIT_USAGE;
	}
	if ((rc = tdk_oauth_login_start(c, &l, d)) != 0)
		return rc;
	if (write_url(url_file, l.authorize_url) < 0) {
		tdk_oauth_login_release(&l);
		return TDK_EXIT_IO;
	}
	rc = tdk_oauth_login_finish(c, &l, timeout, time(NULL), t, d);
	tdk_oauth_login_release(&l);
	return rc;
}

static const char *outcome_name(enum tdk_http_outcome o)
{
	static const char *const n[] = { "answered", "not-sent", "unknown", "trust", "refused", "too-large", "internal" };

	return (unsigned)o < sizeof(n) / sizeof(n[0]) ? n[o] : "?";
}

struct http_args {
	const char *url, *method, *header, *bearer_file;
	size_t body_size;
	int repeat;
};

static int http_mode(struct tdk_http *h, struct http_args *a, struct tdk_diag *d)
{
	char auth[512] = "", *body = NULL;
	const char *headers[3] = { NULL, NULL, NULL };
	struct tdk_http_req req = { a->method, a->url, headers, NULL, 0 };
	struct tdk_http_resp r;
	const char *v;
	size_t n = 0, k = 0;
	long delay = -1;
	int rc;

	if (a->header)
		headers[k++] = a->header;
	if (a->bearer_file) {
		size_t len;
		char *tok = read_secret(a->bearer_file, &len);

		if (!tok)
			return TDK_EXIT_IO;
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
		headers[k++] = auth;
	}
	if (a->body_size) {
		if (!(body = malloc(a->body_size)))
			return TDK_EXIT_INTERNAL;
		memset(body, 'a', a->body_size);
		req.body = body;
		req.body_len = a->body_size;
	}
	tdk_http_resp_init(&r);
	while (a->repeat-- > 1 && tdk_http_request(h, &req, &r, d) == 0)
		;
	rc = tdk_http_request(h, &req, &r, d);
	if ((v = tdk_http_resp_header(&r, "Retry-After", &n)) != NULL && tdk_http_retry_after(v, n, time(NULL), &delay) < 0)
		delay = -2;
	printf("outcome=%s status=%ld body_sent=%d redirects=%u retry_after=%ld bytes=%zu connects=%ld",
	       outcome_name(r.outcome), r.status, r.body_sent, r.redirects, delay, r.body.len, r.connects);
	if ((v = tdk_http_resp_header(&r, "X-Conversation-ID", &n)) != NULL)
		printf(" conversation=%.*s", (int)n, v);
	printf("\n");
	rc = !rc ? 0 : r.outcome == TDK_HTTP_TRUST ? TDK_EXIT_TRUST : r.outcome == TDK_HTTP_REFUSED ? TDK_EXIT_USAGE
											 : TDK_EXIT_REMOTE;
	tdk_http_resp_release(&r);
	tdk_wipe(auth, sizeof(auth));
	free(body);
	return rc;
}

int main(int argc, char **argv)
{
	struct http_args ha = { NULL, "GET", NULL, NULL, 0, 1 };
	struct tdk_oauth_client c;
	struct tdk_http_opts o;
	struct tdk_http h;
	struct tdk_oauth_token t;
	struct tdk_diag d;
	const char *url_file = NULL, *get = NULL, *grant;
	char *secret = NULL;
	int i, rc, timeout = 20000;

	memset(&c, 0, sizeof(c));
	tdk_http_opts_init(&o);
	tdk_diag_init(&d, "oauth-probe");
	d.emit = emit;
	if (argc < 2)
		return TDK_EXIT_USAGE;
	grant = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--token-url"))
			c.token_url = v;
		else if (!strcmp(k, "--authorize-url"))
			c.authorize_url = v;
		else if (!strcmp(k, "--client-id"))
			c.client_id = v;
		else if (!strcmp(k, "--scope"))
			c.scope = v;
		else if (!strcmp(k, "--cache-dir"))
			c.cache_dir = v;
		else if (!strcmp(k, "--name"))
			c.name = v;
		else if (!strcmp(k, "--ca-file"))
			o.ca_file = v;
		else if (!strcmp(k, "--client-cert"))
			o.client_cert = v;
		else if (!strcmp(k, "--client-key"))
			o.client_key = v;
		else if (!strcmp(k, "--url-file"))
			url_file = v;
		else if (!strcmp(k, "--get"))
			get = v;
		else if (!strcmp(k, "--timeout"))
			timeout = (int)strtol(v, NULL, 10), o.timeout_ms = timeout;
		else if (!strcmp(k, "--url"))
			ha.url = v;
		else if (!strcmp(k, "--method"))
			ha.method = v;
		else if (!strcmp(k, "--header"))
			ha.header = v;
		else if (!strcmp(k, "--bearer-file"))
			ha.bearer_file = v;
		else if (!strcmp(k, "--body-size"))
			ha.body_size = (size_t)strtoull(v, NULL, 10);
		else if (!strcmp(k, "--max-response"))
			o.max_response = (size_t)strtoull(v, NULL, 10);
		else if (!strcmp(k, "--repeat"))
			ha.repeat = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--follow"))
			o.follow_redirects = v[0] == '1';
		else if (!strcmp(k, "--auth"))
			c.auth = !strcmp(v, "post") ? TDK_OAUTH_SECRET_POST : !strcmp(v, "public") ? TDK_OAUTH_PUBLIC
											 : TDK_OAUTH_SECRET_BASIC;
		else if (!strcmp(k, "--secret-file")) {
			if (!(secret = read_secret(v, &c.secret_len))) {
				fprintf(stderr, "oauth-probe: cannot read the secret file\n");
				return TDK_EXIT_IO;
			}
			c.secret = secret;
		} else {
			fprintf(stderr, "oauth-probe: unknown option %s\n", k);
			return TDK_EXIT_USAGE;
		}
	}
	if (i != argc)
		return TDK_EXIT_USAGE;
	if (tdk_http_init(&h, &o, &d) < 0)
		return TDK_EXIT_INTERNAL;
	c.http = &h;
	if (!strcmp(grant, "http")) {
		rc = ha.url ? http_mode(&h, &ha, &d) : TDK_EXIT_USAGE;
		tdk_http_release(&h);
		return rc;
	}
	tdk_oauth_token_init(&t);
	rc = run(grant, &c, url_file, get, timeout, &t, &d);
	if (!rc && t.access_token) {
		printf("token_type=%s expires_in=%ld refresh=%s\n", t.token_type,
		       t.expires_at ? (long)(t.expires_at - time(NULL)) : -1L, t.refresh_token ? "yes" : "no");
		if (c.name && strcmp(grant, "get") && strcmp(grant, "request"))
			rc = tdk_oauth_cache_store(&c, &t, &d);
	}
	tdk_oauth_token_release(&t);
	tdk_http_release(&h);
	if (secret)
		tdk_wipe(secret, 4096);
	return rc;
}
