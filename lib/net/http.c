/*
 * The HTTP client (http.h) on libcurl: one easy handle per tdk_http, reset
 * before each request so that no option leaks from one to the next, while
 * its connection cache keeps connections alive across requests.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/http.h"

struct xfer {
	struct tdk_http_resp *r;
	const char *body;
	size_t len, pos;      /* the request body and how much of it curl took */
	int too_large;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void tdk_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void tdk_http_opts_init(struct tdk_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = TDK_HTTP_CONNECT_TIMEOUT_MS;
	o->timeout_ms = TDK_HTTP_TIMEOUT_MS;
	o->max_response = TDK_HTTP_MAX_RESPONSE;
}

void tdk_http_resp_init(struct tdk_http_resp *r)
{
	memset(r, 0, sizeof(*r));
	tdk_buf_init(&r->body, TDK_HTTP_MAX_RESPONSE);
	tdk_buf_init(&r->headers, TDK_HTTP_MAX_HEADERS);
}

static void wipe_buf(struct tdk_buf *b)
{
	tdk_wipe(b->data, b->cap);
	tdk_buf_release(b);
}

void tdk_http_resp_release(struct tdk_http_resp *r)
{
	wipe_buf(&r->body);
	wipe_buf(&r->headers);
	free(r->url);
	r->url = NULL;
}

int tdk_http_init(struct tdk_http *h, const struct tdk_http_opts *o, struct tdk_diag *d)
{
	memset(h, 0, sizeof(*h));
	if (o)
		h->o = *o;
	else
		tdk_http_opts_init(&h->o);
	if (h->o.connect_timeout_ms <= 0)
		h->o.connect_timeout_ms = TDK_HTTP_CONNECT_TIMEOUT_MS;
	if (h->o.timeout_ms <= 0)
		h->o.timeout_ms = TDK_HTTP_TIMEOUT_MS;
	if (!h->o.max_response)
		h->o.max_response = TDK_HTTP_MAX_RESPONSE;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK || !(h->curl = curl_easy_init())) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-INTERNAL", NULL, "libcurl could not be initialised");
		return -1;
	}
	return 0;
}

void tdk_http_release(struct tdk_http *h)
{
	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
}

const char *tdk_http_resp_header(const struct tdk_http_resp *r, const char *name, size_t *len)
{
	const char *p = r->headers.data, *end = p ? p + r->headers.len : NULL, *eol, *v;
	size_t n = strlen(name);

	for (; p && p < end; p = eol + 1) {
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			eol = end;
		if ((size_t)(eol - p) <= n || p[n] != ':' || strncasecmp(p, name, n))
			continue;
		v = p + n + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		*len = (size_t)(eol - v);
		while (*len && (v[*len - 1] == '\r' || v[*len - 1] == ' ' || v[*len - 1] == '\t'))
			(*len)--;
		return v;
	}
	return NULL;
}

/* ---- URLs ---- */

void tdk_http_origin_free(struct tdk_http_origin *o)
{
	curl_free(o->scheme);
	curl_free(o->host);
	curl_free(o->port);
	memset(o, 0, sizeof(*o));
}

int tdk_http_origin_get(const char *url, struct tdk_http_origin *o)
{
	CURLU *u = curl_url();
	int rc = -1;

	memset(o, 0, sizeof(*o));
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &o->scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &o->host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &o->port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	rc = 0;
out:
	if (rc)
		tdk_http_origin_free(o);
	curl_url_cleanup(u);
	return rc;
}

int tdk_http_same_origin(const char *a, const char *b)
{
	struct tdk_http_origin x, y;
	int same;

	if (tdk_http_origin_get(a, &x) < 0)
		return -1;
	if (tdk_http_origin_get(b, &y) < 0) {
		tdk_http_origin_free(&x);
		return -1;
	}
	same = !strcasecmp(x.scheme, y.scheme) && !strcasecmp(x.host, y.host) && !strcmp(x.port, y.port);
	tdk_http_origin_free(&x);
	tdk_http_origin_free(&y);
	return same;
}

int tdk_http_loopback_host(const char *host)
{
	if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]"))
		return 1;
	if (strncmp(host, "127.", 4))
		return 0;
	return strspn(host, "0123456789.") == strlen(host);   /* 127.0.0.1, not 127.example.com */
}

/* https anywhere, http only to the loopback; anything else is refused (HTTP-URL). */
static int url_check(const char *url, struct tdk_diag *d)
{
	struct tdk_http_origin o;
	int ok;

	if (tdk_http_origin_get(url, &o) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-URL", NULL, "not an http or https URL");
		return -1;
	}
	ok = !strcasecmp(o.scheme, "https") || (!strcasecmp(o.scheme, "http") && tdk_http_loopback_host(o.host));
	if (!ok)
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-URL", NULL,
			     "%s://%s: only https is used, and http to the loopback alone", o.scheme, o.host);
	tdk_http_origin_free(&o);
	return ok ? 0 : -1;
}

/* ---- One exchange ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (tdk_buf_add(&x->r->body, p, n) < 0) {
		x->too_large = 1;
		return 0;
	}
	return n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (n >= 5 && !memcmp(p, "HTTP/", 5))   /* a new response (100, a redirect): keep the last */
		tdk_buf_reset(&x->r->headers);
	return tdk_buf_add(&x->r->headers, p, n) < 0 ? 0 : n;
}

static size_t on_read(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t k = x->len - x->pos < n ? x->len - x->pos : n;

	if (k)
		memcpy(p, x->body + x->pos, k);
	x->pos += k;
	return k;
}

static int is_tls_error(CURLcode c)
{
	switch (c) {
	case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED: case CURLE_SSL_ENGINE_INITFAILED: case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS: case CURLE_SSL_CLIENTCERT:
		return 1;
	default:
		return 0;
	}
}

/* Sorts a libcurl failure into an outcome and one diagnostic. */
static void classify(CURL *c, CURLcode rc, const struct xfer *x, const char *where, const char *err,
		     struct tdk_diag *d)
{
	struct tdk_http_resp *r = x->r;
	const char *code, *what;

	if (!*err)
		err = curl_easy_strerror(rc);
	if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
		r->outcome = TDK_HTTP_NOT_SENT, code = "HTTP-RESOLVE", what = "the request was not sent";
	} else if (rc == CURLE_COULDNT_CONNECT) {
		r->outcome = TDK_HTTP_NOT_SENT, code = "HTTP-CONNECT", what = "the request was not sent";
	} else if (is_tls_error(rc) || ((rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR) && strstr(err, " alert "))) {
		/*
		 * With TLS 1.3 a server refuses our client certificate after our side
		 * has finished the handshake and sent the request: its alert comes at
		 * the first read.  The server's application never saw the request,
		 * which only reaches it over a completed handshake.
		 */
		r->outcome = TDK_HTTP_TRUST, code = "HTTP-TLS", what = "TLS failed, the request was not sent";
	} else if (x->too_large) {
		r->outcome = TDK_HTTP_TOO_LARGE, code = "HTTP-LIMIT", what = "the answer is larger than the cap";
	} else if (rc == CURLE_OUT_OF_MEMORY) {
		r->outcome = TDK_HTTP_INTERNAL, code = "HTTP-INTERNAL", what = "out of memory";
	} else if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
		r->outcome = TDK_HTTP_REFUSED, code = "HTTP-URL", what = "the URL was refused";
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		r->outcome = r->body_sent ? TDK_HTTP_UNKNOWN : TDK_HTTP_NOT_SENT, code = "HTTP-TIMEOUT";
		what = r->body_sent ? "timed out after the request was sent: its outcome is unknown"
				    : "timed out before the request was sent";
	} else if (r->body_sent || rc == CURLE_SEND_FAIL_REWIND) {
		/*
		 * SEND_FAIL_REWIND: a kept connection broke after the body went out
		 * and libcurl wanted to send it again, which tdk never lets it do
		 * (no seek function); the first copy may have arrived.
		 */
		r->outcome = TDK_HTTP_UNKNOWN, code = "HTTP-UNKNOWN";
		what = "the connection broke after the request was sent: its outcome is unknown";
	} else {
		r->outcome = TDK_HTTP_NOT_SENT, code = "HTTP-SEND";
		what = "the connection broke before the request was sent in full: it was not received";
	}
	(void)c;
	tdk_diag_add(d, TDK_SEV_ERROR, code, NULL, "%s: %s (%s)", where, what, err);
}

static int set_method(CURL *c, const char *method, struct xfer *x)
{
	int rc = 0;

	if (!strcmp(method, "GET") && !x->body)
		return curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) != CURLE_OK;
	if (!strcmp(method, "HEAD"))
		return curl_easy_setopt(c, CURLOPT_NOBODY, 1L) != CURLE_OK;
	if (x->body) {
		rc |= curl_easy_setopt(c, CURLOPT_POST, 1L) != CURLE_OK;
		rc |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->len) != CURLE_OK;
		rc |= curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read) != CURLE_OK;
		rc |= curl_easy_setopt(c, CURLOPT_READDATA, x) != CURLE_OK;
	}
	if (strcmp(method, "POST"))
		rc |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK;
	return rc;
}

static int set_options(struct tdk_http *h, CURL *c, const char *url, struct xfer *x, char *err)
{
	const struct tdk_http_opts *o = &h->o;
	int rc = 0;

	rc |= curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_WRITEDATA, x) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	rc |= curl_easy_setopt(c, CURLOPT_HEADERDATA, x) != CURLE_OK;
	if (o->max_response < (size_t)1 << 62)
		rc |= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response) != CURLE_OK;
	if (o->ca_file)
		rc |= curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) != CURLE_OK;
	if (o->client_cert)
		rc |= curl_easy_setopt(c, CURLOPT_SSLCERT, o->client_cert) != CURLE_OK;
	if (o->client_key)
		rc |= curl_easy_setopt(c, CURLOPT_SSLKEY, o->client_key) != CURLE_OK;
	return rc;
}

/* The scheme, host and port of url for a diagnostic: never the path or query, which may carry a code. */
static void where_of(const char *url, char *out, size_t n)
{
	struct tdk_http_origin o;

	if (tdk_http_origin_get(url, &o) < 0) {
		snprintf(out, n, "(bad URL)");
		return;
	}
	snprintf(out, n, "%s://%s:%s", o.scheme, o.host, o.port);
	tdk_http_origin_free(&o);
}

static int exchange(struct tdk_http *h, const char *method, const char *url, struct curl_slist *hdrs,
		    const struct tdk_http_req *req, int with_body, struct tdk_http_resp *r, struct tdk_diag *d)
{
	CURL *c = h->curl;
	char err[CURL_ERROR_SIZE] = "", where[300];
	struct xfer x = { r, with_body ? req->body : NULL, with_body ? req->body_len : 0, 0, 0 };
	curl_off_t up = 0;
	long status = 0, connects = 0;
	CURLcode rc;

	if (x.body && !x.len)
		x.body = "";
	tdk_buf_reset(&r->body);
	tdk_buf_reset(&r->headers);
	r->body.max = h->o.max_response;
	curl_easy_reset(c);
	if (set_options(h, c, url, &x, err) || set_method(c, method, &x) ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK) {
		r->outcome = TDK_HTTP_INTERNAL;
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-INTERNAL", NULL, "libcurl refused an option");
		return -1;
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
	r->connects += connects;
	curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	/* Sent: curl wrote every byte of the body (and, with no body, the request went out). */
	r->body_sent = x.pos == x.len && (curl_off_t)x.len == up;
	if (!x.len) {   /* no body: sent once the request head went out */
		long reqsize = 0;

		curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &reqsize);
		r->body_sent = reqsize > 0;
	}
	if (rc == CURLE_FILESIZE_EXCEEDED)
		x.too_large = 1;
	if (rc != CURLE_OK) {
		r->status = status;
		where_of(url, where, sizeof(where));
		classify(c, rc, &x, where, err, d);
		return -1;
	}
	r->status = status;
	r->outcome = TDK_HTTP_ANSWERED;
	return 0;
}

/* ---- Requests, with redirects followed hop by hop ---- */

static int has_authorization(const char *const *headers)
{
	for (; headers && *headers; headers++)
		if (!strncasecmp(*headers, "Authorization:", 14))
			return 1;
	return 0;
}

static int is_redirect(long s)
{
	return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/* Whether a hop from url to next may be taken; refuses with HTTP-REDIRECT. */
static int hop_allowed(const char *url, const char *next, const struct tdk_http_req *req,
		       unsigned hops, struct tdk_diag *d)
{
	char where[300];
	int same = tdk_http_same_origin(url, next);

	where_of(next, where, sizeof(where));
	if (hops >= TDK_HTTP_MAX_REDIRECTS) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-REDIRECT", NULL, "more than %d redirects", TDK_HTTP_MAX_REDIRECTS);
		return -1;
	}
	if (same < 0 || url_check(next, d) < 0)
		return -1;
	if (!strncasecmp(url, "https:", 6) && strncasecmp(next, "https:", 6)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-REDIRECT", NULL, "a redirect from https to %s was refused", where);
		return -1;
	}
	if (!same && has_authorization(req->headers)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-REDIRECT", NULL,
			     "a redirect to another origin (%s) was refused: the request carries credentials", where);
		return -1;
	}
	return 0;
}

static struct curl_slist *header_list(const char *const *headers)
{
	struct curl_slist *l = NULL, *t;

	/* No "Expect: 100-continue": the body goes at once, so that body_sent means what it says. */
	if (!(l = curl_slist_append(l, "Expect:")))
		return NULL;
	for (; headers && *headers; headers++) {
		if (!(t = curl_slist_append(l, *headers))) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = t;
	}
	return l;
}

int tdk_http_request(struct tdk_http *h, const struct tdk_http_req *req, struct tdk_http_resp *r,
		     struct tdk_diag *d)
{
	struct curl_slist *hdrs = NULL;
	const char *method = req->method;
	char *url = NULL, *next;
	int with_body = req->body != NULL, rc = -1;

	free(r->url);
	r->url = NULL;
	r->status = 0;
	r->body_sent = 0;
	r->redirects = 0;
	r->connects = 0;
	r->outcome = TDK_HTTP_REFUSED;
	if (url_check(req->url, d) < 0)
		goto out;
	r->outcome = TDK_HTTP_INTERNAL;
	if (!(url = strdup(req->url)) || !(hdrs = header_list(req->headers))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-INTERNAL", NULL, "out of memory");
		goto out;
	}
	for (;;) {
		if (exchange(h, method, url, hdrs, req, with_body, r, d) < 0)
			goto out;
		next = NULL;
		if (!h->o.follow_redirects || !is_redirect(r->status) ||
		    curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &next) != CURLE_OK || !next)
			break;
		if (hop_allowed(url, next, req, r->redirects, d) < 0) {
			r->outcome = TDK_HTTP_REFUSED;
			goto out;
		}
		free(url);
		if (!(url = strdup(next))) {
			r->outcome = TDK_HTTP_INTERNAL;
			tdk_diag_add(d, TDK_SEV_ERROR, "HTTP-INTERNAL", NULL, "out of memory");
			goto out;
		}
		if (r->status == 303 || ((r->status == 301 || r->status == 302) && !strcmp(method, "POST")))
			method = "GET", with_body = 0;
		r->redirects++;
	}
	r->url = url;
	url = NULL;
	rc = 0;
out:
	free(url);
	curl_slist_free_all(hdrs);
	return rc;
}
