/*
 * The authorization code grant for a native application (oauth.h): RFC
 * 8252 §7.3's loopback redirect on 127.0.0.1 with a port the system picks,
 * RFC 7636's PKCE with S256, and RFC 6749 §4.1's state against forged
 * redirects.  The receiver answers one small page and never echoes what it
 * was sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/oauth-int.h"
#include "util/buf.h"
#include "util/exitcode.h"

#define REQUEST_MAX 8192   /* the browser's request line and headers */

static void base64url(const unsigned char *in, size_t n, char *out)
{
	int k = EVP_EncodeBlock((unsigned char *)out, in, (int)n), i;

	for (i = 0; i < k; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	while (k > 0 && out[k - 1] == '=')
		k--;
	out[k] = '\0';
}

static int random_b64(char *out, size_t nbytes)
{
	unsigned char r[32];
	size_t got = 0;
	ssize_t k;

	while (got < nbytes) {
		if ((k = getrandom(r + got, nbytes - got, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)k;
	}
	base64url(r, nbytes, out);
	tdk_wipe(r, sizeof(r));
	return 0;
}

static int listen_loopback(struct tdk_oauth_login *l, struct tdk_diag *d)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(l->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l->fd, 8) < 0 ||
	    getsockname(l->fd, (struct sockaddr *)&a, &n) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-LOOPBACK", NULL, "cannot listen on 127.0.0.1: %s", strerror(errno));
		return -1;
	}
	l->port = ntohs(a.sin_port);
	snprintf(l->redirect_uri, sizeof(l->redirect_uri), "http://127.0.0.1:%u/callback", l->port);
	return 0;
}

int tdk_oauth_login_start(const struct tdk_oauth_client *c, struct tdk_oauth_login *l, struct tdk_diag *d)
{
	struct tdk_buf u = TDK_BUF_INIT(64 * 1024), q = TDK_BUF_INIT(64 * 1024);
	unsigned char digest[32];
	char challenge[48];
	int rc = TDK_EXIT_INTERNAL;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (!c->authorize_url || !c->client_id) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-SETTINGS", NULL, "no authorize URL or client id");
		return TDK_EXIT_USAGE;
	}
	if (random_b64(l->verifier, 32) < 0 || random_b64(l->state, 16) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-INTERNAL", NULL, "no random bytes: %s", strerror(errno));
		goto out;
	}
	/* RFC 7636 §4.2: code_challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
	if (!EVP_Digest(l->verifier, strlen(l->verifier), digest, NULL, EVP_sha256(), NULL))
		goto oom;
	base64url(digest, sizeof(digest), challenge);
	if (listen_loopback(l, d) < 0) {
		rc = TDK_EXIT_IO;
		goto out;
	}
	if (oauth_form_adds(&q, "response_type", "code") < 0 || oauth_form_adds(&q, "client_id", c->client_id) < 0 ||
	    oauth_form_adds(&q, "redirect_uri", l->redirect_uri) < 0 ||
	    (c->scope && oauth_form_adds(&q, "scope", c->scope) < 0) || oauth_form_adds(&q, "state", l->state) < 0 ||
	    oauth_form_adds(&q, "code_challenge", challenge) < 0 ||
	    oauth_form_adds(&q, "code_challenge_method", "S256") < 0 || tdk_buf_adds(&u, c->authorize_url) < 0 ||
	    tdk_buf_addc(&u, strchr(c->authorize_url, '?') ? '&' : '?') < 0 || tdk_buf_add(&u, q.data, q.len) < 0)
		goto oom;
	l->authorize_url = tdk_buf_detach(&u);
	rc = 0;
	goto out;
oom:
	tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-INTERNAL", NULL, "out of memory or a setting too long");
out:
	if (rc)
		tdk_oauth_login_release(l);
	tdk_buf_release(&u);
	tdk_buf_release(&q);
	return rc;
}

void tdk_oauth_login_release(struct tdk_oauth_login *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	tdk_wipe(l->verifier, sizeof(l->verifier));
	tdk_wipe(l->state, sizeof(l->state));
	free(l->authorize_url);
	l->authorize_url = NULL;
}

static long ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* Reads the request head (up to the blank line) within the time left. */
static int read_head(int fd, const struct timespec *end, struct tdk_buf *b)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char chunk[1024];
	ssize_t k;
	long left;

	while (!b->data || !strstr(b->data, "\r\n\r\n")) {
		if ((left = ms_left(end)) <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		if ((k = read(fd, chunk, sizeof(chunk))) <= 0 || tdk_buf_add(b, chunk, (size_t)k) < 0)
			return -1;
	}
	return 0;
}

static void answer(int fd, int status, const char *text)
{
	char out[512];
	int n = snprintf(out, sizeof(out),
			 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
			 "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
			 status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request", strlen(text), text);

	if (n > 0 && write(fd, out, (size_t)n) < 0)
		return;
}

static int hexval(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f' ? (ch | 0x20) - 'a' + 10 : -1;
}

/* The decoded value of key in the query q[0..n) into out (at most size-1 bytes); 0, or -1 when absent. */
static int query_get(const char *q, size_t n, const char *key, char *out, size_t size)
{
	const char *p = q, *end = q + n, *amp, *v;
	size_t k = strlen(key), o;

	for (; p < end; p = amp + 1) {
		if (!(amp = memchr(p, '&', (size_t)(end - p))))
			amp = end;
		if ((size_t)(amp - p) <= k || memcmp(p, key, k) || p[k] != '=')
			continue;
		for (v = p + k + 1, o = 0; v < amp && o + 1 < size; v++) {
			if (*v == '%' && amp - v > 2 && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
				out[o++] = (char)(hexval(v[1]) << 4 | hexval(v[2]));
				v += 2;
			} else {
				out[o++] = *v == '+' ? ' ' : *v;
			}
		}
		out[o] = '\0';
		return 0;
	}
	return -1;
}

/* Replaces every byte outside printable ASCII in s (a server's words shown on a terminal). */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
			*s = '?';
}

/* One connection: 1 when it was not the redirect (answered 404), 0 with code set, or an exit code. */
static int one_request(int fd, const struct tdk_oauth_login *l, const struct timespec *end, char *code,
		       size_t size, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(REQUEST_MAX);
	char state[64], err[64], desc[256], *q, *sp;
	size_t qn;
	int rc = 1;

	if (read_head(fd, end, &b) < 0 || strncmp(b.data, "GET /callback", 13) ||
	    (b.data[13] != '?' && b.data[13] != ' ')) {
		answer(fd, 404, "not found\n");
		goto out;
	}
	q = b.data + 14;
	sp = strchr(q, ' ');
	qn = sp ? (size_t)(sp - q) : 0;
	if (query_get(q, qn, "state", state, sizeof(state)) < 0 || strcmp(state, l->state)) {
		answer(fd, 400, "tdk: the login answer does not carry this login's state; refused.\n");
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-STATE", NULL, "the redirect did not carry the login's state: refused");
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	if (query_get(q, qn, "error", err, sizeof(err)) == 0) {
		if (query_get(q, qn, "error_description", desc, sizeof(desc)) < 0)
			desc[0] = '\0';
		printable(err);
		printable(desc);
		answer(fd, 200, "tdk: the login was refused; see the terminal.\n");
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-DENIED", NULL, "the authorization server refused: %s%s%s", err,
			     desc[0] ? ": " : "", desc);
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	if (query_get(q, qn, "code", code, size) < 0 || !code[0]) {
		answer(fd, 400, "tdk: no code in the answer.\n");
		tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-DENIED", NULL, "the redirect carried no code");
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	answer(fd, 200, "tdk: login received; you may close this page.\n");
	rc = 0;
out:
	oauth_buf_wipe(&b);
	return rc;
}

int tdk_oauth_login_finish(const struct tdk_oauth_client *c, struct tdk_oauth_login *l, int timeout_ms,
			   time_t now, struct tdk_oauth_token *t, struct tdk_diag *d)
{
	struct pollfd p = { l->fd, POLLIN, 0 };
	struct timespec end;
	char code[2048];
	long left;
	int fd, rc = 1;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	while (rc == 1) {
		if ((left = ms_left(&end)) <= 0 || poll(&p, 1, (int)left) <= 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "OAUTH-TIMEOUT", NULL,
				     "no login answer came to %s within %d ms", l->redirect_uri, timeout_ms);
			rc = TDK_EXIT_REMOTE;
			break;
		}
		if ((fd = accept(l->fd, NULL, NULL)) < 0)
			continue;
		rc = one_request(fd, l, &end, code, sizeof(code), d);
		close(fd);
	}
	if (!rc) {
		const char *const kv[] = { "grant_type", "authorization_code", "code", code,
					   "redirect_uri", l->redirect_uri, "code_verifier", l->verifier, NULL };

		rc = oauth_grant(c, kv, now, t, d);
	}
	tdk_wipe(code, sizeof(code));
	return rc;
}
