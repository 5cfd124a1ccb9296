/*
 * `tdk endpoint check`: can this machine reach the endpoint and trust it?
 * The host is resolved (getaddrinfo), then libcurl connects and shakes
 * hands with TLS (CURLOPT_CONNECT_ONLY), with verification on: the CA from
 * ca-file or the system store, the host name checked against the
 * certificate.  There is no way to turn verification off.
 *
 * Under TLS 1.3 the client's side of the handshake is over before the
 * server has read the client's certificate (RFC 8446 §4.4.2: it comes with
 * the client's Finished), so a server that requires a certificate it was
 * not given refuses with an alert that only a later read receives.  The
 * check therefore sends one HEAD request for / without credentials after
 * the handshake and reads until the first bytes of an answer (the server
 * has then taken the client), an alert or a closed connection (refused),
 * or connect-timeout (nothing to say: the handshake stands).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <curl/curl.h>

#include "net/endpoint.h"
#include "net/http.h"
#include "util/exitcode.h"

/* The host and port of url, brackets taken off an IPv6 address for getaddrinfo. */
static int target_get(const char *url, struct tdk_http_origin *t)
{
	size_t n;

	if (tdk_http_origin_get(url, t) < 0)
		return -1;
	n = strlen(t->host);
	if (n > 2 && t->host[0] == '[' && t->host[n - 1] == ']') {
		memmove(t->host, t->host + 1, n - 2);
		t->host[n - 2] = '\0';
	}
	return 0;
}

/* The resolve step: every address of the host, or why there is none. */
static int resolve(const struct tdk_http_origin *t, struct addrinfo **out, tdk_endpoint_check_fn fn, void *arg)
{
	struct addrinfo hints, *res = NULL, *a;
	char line[512], addr[INET6_ADDRSTRLEN];
	size_t n;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(t->host, t->port, &hints, &res);
	if (rc) {
		snprintf(line, sizeof(line), "%s: %s", t->host, gai_strerror(rc));
		fn(arg, "resolve", TDK_EXIT_REMOTE, line);
		return TDK_EXIT_REMOTE;
	}
	n = (size_t)snprintf(line, sizeof(line), "%s:", t->host);
	for (a = res; a && n < sizeof(line); a = a->ai_next) {
		const void *p = a->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
							 : (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr;

		if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) && inet_ntop(a->ai_family, p, addr, sizeof(addr)))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", addr);
	}
	*out = res;
	fn(arg, "resolve", 0, line);
	return 0;
}

/* Connects to one address within ms milliseconds; returns 0 or an errno value. */
static int tcp_connect(const struct addrinfo *a, int ms)
{
	int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol), err = 0;
	socklen_t len = sizeof(err);
	struct pollfd p;

	if (fd < 0)
		return errno;
	if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
		err = errno;
		if (err == EINPROGRESS) {
			p.fd = fd;
			p.events = POLLOUT;
			err = poll(&p, 1, ms);
			if (err == 0)
				err = ETIMEDOUT;
			else if (err < 0)
				err = errno;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
		}
	}
	close(fd);
	return err;
}

/* The connect step: the first address that takes a TCP connection. */
static int connect_step(const struct tdk_http_origin *t, const struct addrinfo *res, unsigned long secs,
			tdk_endpoint_check_fn fn, void *arg)
{
	char line[512], addr[INET6_ADDRSTRLEN] = "?";
	const struct addrinfo *a;
	int err = EADDRNOTAVAIL;

	for (a = res; a; a = a->ai_next) {
		const void *p = a->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
							 : (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr;

		if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
			continue;
		inet_ntop(a->ai_family, p, addr, sizeof(addr));
		err = tcp_connect(a, (int)(secs * 1000));
		if (!err)
			break;
	}
	if (err) {
		snprintf(line, sizeof(line), "%s port %s: %s", t->host, t->port, strerror(err));
		fn(arg, "connect", TDK_EXIT_REMOTE, line);
		return TDK_EXIT_REMOTE;
	}
	snprintf(line, sizeof(line), "%s port %s", addr, t->port);
	fn(arg, "connect", 0, line);
	return 0;
}

/* The certificate step: subject, issuer and expiry of the server's certificate, from libcurl. */
static void report_cert(CURL *c, tdk_endpoint_check_fn fn, void *arg)
{
	struct curl_certinfo *ci = NULL;
	const char *subject = "?", *issuer = "?", *expiry = "?";
	struct curl_slist *s;
	char line[1024];

	if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci && ci->num_of_certs > 0) {
		for (s = ci->certinfo[0]; s; s = s->next) {
			if (!strncmp(s->data, "Subject:", 8))
				subject = s->data + 8;
			else if (!strncmp(s->data, "Issuer:", 7))
				issuer = s->data + 7;
			else if (!strncmp(s->data, "Expire date:", 12))
				expiry = s->data + 12;
		}
	}
	snprintf(line, sizeof(line), "subject %s; issuer %s; expires %s", subject, issuer, expiry);
	fn(arg, "certificate", 0, line);
}

/* Whether a libcurl failure is about TLS or trust rather than the network. */
static int tls_failure(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

/* Waits at most ms for the connection to be readable; 1 when it is, 0 on timeout, -1 on a failure. */
static int wait_readable(CURL *c, long ms)
{
	curl_socket_t fd = CURL_SOCKET_BAD;
	struct pollfd p;

	if (curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD)
		return -1;
	p.fd = (int)fd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, (int)ms) > 0 ? 1 : 0;
}

/*
 * After a TLS handshake: one HEAD request, then reads until an answer
 * starts (0), the server refuses (TDK_EXIT_TRUST, why in line), or secs
 * pass (0: the handshake stands).  err is the connection's libcurl error
 * buffer.  See the comment at the top.
 */
static int after_handshake(CURL *c, const struct tdk_http_origin *t, unsigned long secs, char *err, char *line,
			   size_t n)
{
	char req[1024], buf[256];
	size_t sent = 0, k, len;
	struct timespec end, now;
	CURLcode rc = CURLE_OK;
	long left;
	int br = strchr(t->host, ':') != NULL;

	len = (size_t)snprintf(req, sizeof(req), "HEAD / HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: tdk endpoint check"
			       "\r\nConnection: close\r\n\r\n", br ? "[" : "", t->host, br ? "]" : "", t->port);
	if (len >= sizeof(req))
		return 0;
	err[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)(secs ? secs : 1);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0)
			return 0;
		k = 0;
		if (sent < len) {
			rc = curl_easy_send(c, req + sent, len - sent, &k);
			sent += k;
			if (rc == CURLE_OK)
				continue;
		} else {
			rc = curl_easy_recv(c, buf, sizeof(buf), &k);
		}
		if (rc == CURLE_AGAIN) {
			if (wait_readable(c, left < 100 ? left : 100) < 0)
				return 0;
			continue;
		}
		if (rc != CURLE_OK && sent < len) {
			/* The server's alert may wait to be read behind the refused write: its words say more. */
			err[0] = '\0';
			rc = curl_easy_recv(c, buf, sizeof(buf), &k);
			if (rc == CURLE_OK || rc == CURLE_AGAIN || !err[0]) {
				rc = CURLE_OK;
				k = 0;
			}
		}
		if (rc != CURLE_OK)
			break;
		if (k > 0)
			return 0;
		snprintf(line, n, "the server closed the connection after the handshake without an answer: it refused "
			 "this client (a client certificate it requires?)");
		return TDK_EXIT_TRUST;
	}
	snprintf(line, n, "the server refused this client after the handshake: %s", err[0] ? err : curl_easy_strerror(rc));
	return TDK_EXIT_TRUST;
}

/* The TLS step, in a libcurl connection that sends nothing but the handshake. */
static int connect_tls(const struct tdk_endpoint *e, const struct tdk_http_origin *t, tdk_endpoint_check_fn fn, void *arg)
{
	int https = !strcmp(t->scheme, "https"), status = 0;
	char err[CURL_ERROR_SIZE] = "", line[CURL_ERROR_SIZE + 128];
	CURLcode rc;
	CURL *c = curl_easy_init();

	if (!c) {
		fn(arg, "tls", TDK_EXIT_INTERNAL, "libcurl could not start");
		return TDK_EXIT_INTERNAL;
	}
	curl_easy_setopt(c, CURLOPT_URL, e->value[TDK_EK_URL]);
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)e->connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)e->connect_timeout);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_ENABLE_ALPN, 0L);   /* HTTP/1.1: the request after the handshake is text */
	if (e->path[TDK_EK_CA_FILE])
		curl_easy_setopt(c, CURLOPT_CAINFO, e->path[TDK_EK_CA_FILE]);
	if (e->path[TDK_EK_CLIENT_CERT]) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, e->path[TDK_EK_CLIENT_CERT]);
		curl_easy_setopt(c, CURLOPT_SSLKEY, e->path[TDK_EK_CLIENT_KEY]);
	}
	rc = curl_easy_perform(c);
	if (!https && rc == CURLE_OK) {
		fn(arg, "tls", 0, "none: http on the loopback");
		goto out;
	}
	if (rc != CURLE_OK) {
		status = tls_failure(rc) ? TDK_EXIT_TRUST : TDK_EXIT_REMOTE;
		snprintf(line, sizeof(line), "%s", err[0] ? err : curl_easy_strerror(rc));
		fn(arg, "tls", status, line);
		goto out;
	}
	if ((status = after_handshake(c, t, e->connect_timeout, err, line, sizeof(line))) != 0) {
		fn(arg, "tls", status, line);
		goto out;
	}
	snprintf(line, sizeof(line), "verified against %s", e->path[TDK_EK_CA_FILE] ? e->path[TDK_EK_CA_FILE]
											: "the system's CA store");
	fn(arg, "tls", 0, line);
	report_cert(c, fn, arg);
out:
	curl_easy_cleanup(c);
	return status;
}

int tdk_endpoint_check(const struct tdk_endpoint *e, tdk_endpoint_check_fn fn, void *arg)
{
	struct addrinfo *res = NULL;
	struct tdk_http_origin t;
	int status;

	if (target_get(e->value[TDK_EK_URL], &t) < 0) {
		tdk_http_origin_free(&t);
		fn(arg, "resolve", TDK_EXIT_USAGE, "url has no host");
		return TDK_EXIT_USAGE;
	}
	status = resolve(&t, &res, fn, arg);
	if (!status)
		status = connect_step(&t, res, e->connect_timeout, fn, arg);
	if (!status)
		status = connect_tls(e, &t, fn, arg);
	if (res)
		freeaddrinfo(res);
	tdk_http_origin_free(&t);
	return status;
}
