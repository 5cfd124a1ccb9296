/*
 * One HTTP client for everything tdk sends to a server, on libcurl.
 *
 * A handle (struct tdk_http) keeps one libcurl easy handle, so requests made
 * through it reuse a kept-alive connection to the same host.  TLS
 * verification of the peer and of its host name is always on: the trust
 * anchors are a CA file when one is given, else the system store; a client
 * certificate and key give mutual TLS.  Plain http:// is taken only for a
 * loopback host (127.0.0.1, ::1, localhost), where tdk serve answers tests.
 *
 * Redirects are not followed unless the options ask.  When they are, tdk
 * follows them itself (libcurl's own following is off) so that each hop is
 * checked: a hop to another scheme, host or port is refused when the request
 * carries an Authorization header (HTTP-REDIRECT), so a token never travels
 * to a host it was not meant for; https to http is always refused.
 *
 * What went wrong is classified for the caller, because whether a document
 * may be sent again depends on it (enum tdk_http_outcome): the request
 * certainly did not arrive (no name, no connection, or the connection broke
 * before the last byte of the body left), its outcome is unknown (the
 * connection broke or timed out after the whole body was sent), or the peer
 * could not be trusted.  Each failure adds one diagnostic with an HTTP-*
 * code; a diagnostic never holds a header value, so never a token.
 */
#ifndef TDK_HTTP_H
#define TDK_HTTP_H

#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/diag.h"

#define TDK_HTTP_CONNECT_TIMEOUT_MS 10000L     /* default connect timeout */
#define TDK_HTTP_TIMEOUT_MS 30000L             /* default time for a whole request */
#define TDK_HTTP_MAX_RESPONSE (16u << 20)      /* default cap of a response body: 16 MiB */
#define TDK_HTTP_MAX_HEADERS (64u << 10)       /* cap of a response's header block: 64 KiB */
#define TDK_HTTP_MAX_REDIRECTS 5               /* hops followed when following is on */

/* Settings of a handle; tdk_http_opts_init gives the defaults. */
struct tdk_http_opts {
	long connect_timeout_ms;   /* 0: the default */
	long timeout_ms;           /* the whole request, connect included; 0: the default */
	const char *ca_file;       /* PEM trust anchors; NULL: the system store.  Borrowed. */
	const char *client_cert;   /* PEM client certificate for mutual TLS, or NULL.  Borrowed. */
	const char *client_key;    /* its PEM private key, or NULL.  Borrowed. */
	size_t max_response;       /* cap of a response body in bytes; 0: the default */
	int follow_redirects;      /* 0: a 3xx is returned as it is; 1: followed, checked hop by hop */
};

/* Fills o with the defaults: timeouts as above, system store, no redirects. */
void tdk_http_opts_init(struct tdk_http_opts *o);

/* How a request ended, as far as the server's application can have seen it. */
enum tdk_http_outcome {
	TDK_HTTP_ANSWERED,      /* a response came: status is set (any status) */
	TDK_HTTP_NOT_SENT,      /* certainly not received: no name, no connection, body not fully sent */
	TDK_HTTP_UNKNOWN,       /* the whole request left, no complete answer came back */
	TDK_HTTP_TRUST,         /* TLS failed: the peer's certificate, or ours, was not accepted */
	TDK_HTTP_REFUSED,       /* tdk refused: a bad URL, a cross-host redirect with a token */
	TDK_HTTP_TOO_LARGE,     /* the answer passed the response cap (the request did arrive) */
	TDK_HTTP_INTERNAL       /* out of memory or a libcurl failure tdk cannot classify */
};

/* One request.  Everything is borrowed for the time of the call. */
struct tdk_http_req {
	const char *method;               /* "GET", "POST", ... */
	const char *url;
	const char *const *headers;       /* "Name: value" lines, NULL-terminated; may be NULL */
	const void *body;                 /* sent as it is, with Content-Length; NULL: none */
	size_t body_len;
};

/* One response; tdk_http_resp_init before use, tdk_http_resp_release after. */
struct tdk_http_resp {
	enum tdk_http_outcome outcome;
	long status;                /* the final HTTP status; 0 when none came */
	struct tdk_buf body;        /* the final response's body, capped by max_response */
	struct tdk_buf headers;     /* its header lines, "Name: value\r\n" as received */
	int body_sent;              /* 1 when every byte of the request body left tdk */
	unsigned redirects;         /* hops followed */
	long connects;              /* new connections the request opened: 0 when a kept one served it */
	char *url;                  /* the URL that answered (after redirects); owned */
};

/* Sets r up empty. */
void tdk_http_resp_init(struct tdk_http_resp *r);

/* Frees what r holds, wiping the body and headers first (they may hold tokens). */
void tdk_http_resp_release(struct tdk_http_resp *r);

/*
 * The value of response header name (matched without regard to case) in
 * the final response, without surrounding white space: a pointer into
 * r->headers and its length in *len, or NULL when the header is absent.
 * The first occurrence is returned.
 */
const char *tdk_http_resp_header(const struct tdk_http_resp *r, const char *name, size_t *len);

/* A client handle. */
struct tdk_http {
	void *curl;                 /* the libcurl easy handle; owned */
	struct tdk_http_opts o;     /* copied at init; the strings stay borrowed */
};

/*
 * Sets h up with the settings o (NULL: the defaults).  Initialises libcurl
 * once per process (thread-safe with libcurl 7.84 and later).  Returns 0, or
 * -1 with a diagnostic (HTTP-INTERNAL).
 */
int tdk_http_init(struct tdk_http *h, const struct tdk_http_opts *o, struct tdk_diag *d);

/* Closes the kept connections and frees h. */
void tdk_http_release(struct tdk_http *h);

/*
 * Performs req and fills r (which the caller has initialised; it is reset
 * first).  Returns 0 when a response came (r->outcome is TDK_HTTP_ANSWERED,
 * whatever the status), or -1 with r->outcome saying what is known and one
 * diagnostic added to d: HTTP-RESOLVE, HTTP-CONNECT (not sent), HTTP-SEND
 * (the connection broke before the body was sent: not received),
 * HTTP-UNKNOWN (broke after), HTTP-TIMEOUT (not sent or unknown, as
 * r->body_sent says), HTTP-TLS, HTTP-URL, HTTP-REDIRECT, HTTP-LIMIT,
 * HTTP-INTERNAL.
 */
int tdk_http_request(struct tdk_http *h, const struct tdk_http_req *req, struct tdk_http_resp *r,
		     struct tdk_diag *d);

/*
 * Reads a Retry-After value (RFC 9110 §10.2.3): delay-seconds, or an
 * HTTP-date (§5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime
 * forms that a recipient must accept) taken relative to now.  Stores the
 * delay in whole seconds in *seconds (0 for a date in the past; at most
 * 2^31-1) and returns 0, or returns -1 for anything else.  s need not be
 * NUL-terminated: n bytes are read.
 */
int tdk_http_retry_after(const char *s, size_t n, time_t now, long *seconds);

/*
 * Where a URL goes: its scheme, host (an IPv6 address in its brackets, as
 * the URL writes it) and port (the scheme's default when absent), each a
 * string of libcurl's that tdk_http_origin_free() frees.
 */
struct tdk_http_origin {
	char *scheme, *host, *port;
};

/* Splits url into o; returns 0, or -1 (o empty) when it is no URL libcurl reads. */
int tdk_http_origin_get(const char *url, struct tdk_http_origin *o);

void tdk_http_origin_free(struct tdk_http_origin *o);

/*
 * Whether URL a and URL b name the same origin: scheme, host (without
 * regard to case) and port (the scheme's default when absent).  Returns 1,
 * 0, or -1 when either cannot be parsed.
 */
int tdk_http_same_origin(const char *a, const char *b);

/*
 * Whether host (as a URL writes it) is this machine's loopback, where http
 * is allowed: "localhost", "[::1]", or a dotted address in 127.0.0.0/8
 * (RFC 1122 section 3.2.1.3; "127.example.com" is not).  Returns 1 or 0.
 */
int tdk_http_loopback_host(const char *host);

/* Sets n bytes at p to zero in a way the compiler does not drop (for secrets). */
void tdk_wipe(void *p, size_t n);

#endif
