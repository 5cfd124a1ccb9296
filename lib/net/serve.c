/*
 * tdk serve's HTTP side on libmicrohttpd: one thread per connection, TLS
 * with GnuTLS when a certificate is given (client certificates verified in
 * the handshake), the body read into a buffer capped at max_body (413 past
 * it) and within the timeout from the request's head (408 past it), faults
 * applied as the request and its route ask, the handlers dispatched by path,
 * one JSON line per request in the access log (method, path without its
 * query, status, sizes, time; never a header, so never a token or a secret),
 * and with log_events a line when a request's head has arrived and when a
 * stalled answer's headers have gone out, so that a test can see where a
 * client is without waiting on a clock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/serve-int.h"
#include "util/exitcode.h"

int64_t serve_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t serve_now(void)
{
	return serve_now_ms() / 1000;
}

int serve_random(unsigned char *out, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = getrandom(out + got, n - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

int serve_uuid(char out[37])
{
	unsigned char b[16];

	if (serve_random(b, sizeof(b)) < 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

int serve_token(char out[65])
{
	unsigned char b[32];

	if (serve_random(b, sizeof(b)) < 0)
		return -1;
	hex(b, sizeof(b), out);
	return 0;
}

void serve_sha256(const void *p, size_t n, char hexout[65], unsigned char raw[32])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32)
		memset(md, 0, 32);
	if (hexout)
		hex(md, 32, hexout);
	if (raw)
		memcpy(raw, md, 32);
}

void serve_b64url(const unsigned char *p, size_t n, char *out, size_t cap)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < cap; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = a[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = 0;
}

void serve_header(struct serve_req *r, const char *name, const char *value)
{
	if (r->nh == SERVE_MAX_HEADERS)
		return;
	r->hname[r->nh] = name;
	snprintf(r->hval[r->nh], sizeof(r->hval[0]), "%s", value);
	r->nh++;
}

void serve_answer(struct serve_req *r, unsigned status, const char *ctype, const char *body)
{
	r->status = status;
	r->ctype = ctype;
	tdk_buf_reset(&r->resp);
	if (body && tdk_buf_adds(&r->resp, body) < 0)
		r->status = 500;
}

void serve_refuse(struct serve_req *r, unsigned status, const char *code, const char *msg)
{
	snprintf(r->code, sizeof(r->code), "%s", code);
	serve_answer(r, status, "text/plain", msg);
}

const char *serve_req_header(struct serve_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* ---- one request ---- */

/*
 * One line of the access log: the request's when event is NULL, else an
 * event of it ("start", "stall") without its status and sizes.
 */
static void access_log(struct serve_req *r, const char *event)
{
	FILE *f = r->s->o.access_log;
	struct tdk_buf line = TDK_BUF_INIT(4096);
	char when[32];
	time_t t = (time_t)(r->t0_ms / 1000);
	struct tm tm;

	if (!f)
		return;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	tdk_buf_addf(&line, "{\"time\":\"%s\",", when);
	if (event)
		tdk_buf_addf(&line, "\"event\":\"%s\",", event);
	tdk_buf_addl(&line, "\"method\":\"");
	tdk_json_escape(&line, r->method, strlen(r->method));
	tdk_buf_addl(&line, "\",\"path\":\"");
	tdk_json_escape(&line, r->url, strlen(r->url));
	tdk_buf_addl(&line, "\"");
	if (!event)
		tdk_buf_addf(&line, ",\"status\":%u,\"bytes_in\":%zu,\"bytes_out\":%zu,\"ms\":%lld",
			     r->drop ? 0 : r->status, r->body.len, r->drop ? 0 : r->resp.len,
			     (long long)(serve_now_ms() - r->t0_ms));
	if (r->client[0]) {
		tdk_buf_addl(&line, ",\"client\":\"");
		tdk_json_escape(&line, r->client, strlen(r->client));
		tdk_buf_addl(&line, "\"");
	}
	if (r->conversation[0])
		tdk_buf_addf(&line, ",\"conversation_id\":\"%s\"", r->conversation);
	if (r->code[0])
		tdk_buf_addf(&line, ",\"code\":\"%s\"", r->code);
	if (r->drop && !event)
		tdk_buf_addl(&line, ",\"dropped\":true");
	if (r->f.bits)
		tdk_buf_addf(&line, ",\"faults\":%u", r->f.bits);
	if (tdk_buf_addl(&line, "}\n") == 0) {
		pthread_mutex_lock(&r->s->lock);
		fwrite(line.data, 1, line.len, f);
		fflush(f);
		pthread_mutex_unlock(&r->s->lock);
	}
	tdk_buf_release(&line);
}

/* Whether the client has closed its side of r's connection: 1, 0, or 0 when it cannot be told. */
static int client_gone(struct serve_req *r, int ms)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct pollfd p;
	char c;

	if (!ci) {
		usleep((useconds_t)ms * 1000);
		return 0;
	}
	p.fd = ci->connect_fd;
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	if (p.revents & (POLLERR | POLLHUP))
		return 1;
	if (recv(p.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
		return 1;
	usleep((useconds_t)ms * 1000);    /* data waits (a body read slowly): it is no sign either way */
	return 0;
}

/*
 * A fault's pause of ms milliseconds, in slices, ended early when the
 * client has gone (returns -1) or the server is stopping (returns 0).
 */
static int serve_pause(struct serve_req *r, unsigned ms)
{
	int64_t until = serve_now_ms() + ms, left;
	int stopping = 0;

	while (!stopping && (left = until - serve_now_ms()) > 0) {
		if (client_gone(r, left < 20 ? (int)left : 20))
			return -1;
		pthread_mutex_lock(&r->s->lock);
		stopping = r->s->stopping;
		pthread_mutex_unlock(&r->s->lock);
	}
	return 0;
}

/*
 * The stall fault's body: the status line and headers have gone out when
 * libmicrohttpd first asks for it; it is held back stall_ms, then given.
 */
static ssize_t stall_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct serve_req *r = cls;
	size_t n;

	if (!r->stalled) {
		r->stalled = 1;
		if (r->s->o.log_events)
			access_log(r, "stall");
		if (serve_pause(r, r->f.stall_ms) < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (pos >= r->resp.len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = r->resp.len - (size_t)pos < max ? r->resp.len - (size_t)pos : max;
	memcpy(buf, r->resp.data + pos, n);
	return (ssize_t)n;
}

/* The route of a path, for the faults limited to one. */
static enum tdk_serve_route route_of(const char *u)
{
	if (!strcmp(u, "/oauth/token"))
		return TDK_SERVE_ROUTE_TOKEN;
	if (!strcmp(u, "/oauth/authorize"))
		return TDK_SERVE_ROUTE_AUTHORIZE;
	if (!strncmp(u, "/customs/declarations", 21) && (u[21] == 0 || u[21] == '/'))
		return TDK_SERVE_ROUTE_DECLARATIONS;
	if (!strncmp(u, "/upload/", 8))
		return TDK_SERVE_ROUTE_UPLOAD;
	if (!strncmp(u, "/notifications/", 15) || !strcmp(u, "/notifications"))
		return TDK_SERVE_ROUTE_NOTIFICATIONS;
	if (!strcmp(u, "/as2") || !strcmp(u, "/as2/mdn"))
		return TDK_SERVE_ROUTE_AS2;
	if (!strcmp(u, "/as4"))
		return TDK_SERVE_ROUTE_AS4;
	return TDK_SERVE_ROUTE_ANY;
}

static void dispatch(struct serve_req *r)
{
	const char *u = r->url;
	int post = !strcmp(r->method, "POST"), get = !strcmp(r->method, "GET");

	if (post && !strcmp(u, "/oauth/token"))
		serve_oauth_token(r);
	else if (get && !strcmp(u, "/oauth/authorize"))
		serve_oauth_authorize(r);
	else if (!strncmp(u, "/customs/declarations", 21) && (u[21] == 0 || u[21] == '/'))
		serve_cds(r, u + 21);
	else if (!strncmp(u, "/upload/", 8))
		serve_upload(r, u + 8);
	else if (!strncmp(u, "/notifications/", 15) || !strcmp(u, "/notifications"))
		serve_pull(r, u + 14);
	else if (!strcmp(u, "/as2"))
		serve_as2(r);
	else if (!strcmp(u, "/as2/mdn"))
		serve_as2_mdn(r);
	else if (!strcmp(u, "/as4"))
		serve_as4(r);
	else
		serve_answer(r, 404, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			     "<errorResponse><code>MATCHING_RESOURCE_NOT_FOUND</code>"
			     "<message>A resource with the name in the request can not be found in the API</message>"
			     "</errorResponse>\n");
}

static enum MHD_Result send_answer(struct serve_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int i;

	if (r->f.bits & TDK_FAULT_SLOW)
		serve_pause(r, r->f.slow_ms);
	access_log(r, NULL);
	if (r->drop)
		return MHD_NO;
	if (tdk_buf_grow(&r->resp, 1) < 0)
		return MHD_NO;
	if (r->f.bits & TDK_FAULT_STALL)    /* chunked, so that the headers go out before the body */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stall_body, r, NULL);
	else
		resp = MHD_create_response_from_buffer(r->resp.len, r->resp.data, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	if (r->ctype && r->resp.len)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	for (i = 0; i < r->nh; i++)
		MHD_add_response_header(resp, r->hname[i], r->hval[i]);
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The faults of this request: the server's for every route and for its route, the header's when allowed. */
static int request_faults(struct serve_req *r)
{
	const char *h = serve_req_header(r, "X-Tdk-Fault");
	struct tdk_serve_faults hf[TDK_SERVE_ROUTES];
	char bad[64];
	int k;

	r->route = route_of(r->url);
	r->f = r->s->o.faults[TDK_SERVE_ROUTE_ANY];
	if (r->route != TDK_SERVE_ROUTE_ANY)
		tdk_serve_faults_merge(&r->f, &r->s->o.faults[r->route]);
	if (!h || !r->s->o.faults_header)
		return 0;
	for (k = 0; k < TDK_SERVE_ROUTES; k++)
		tdk_serve_faults_init(&hf[k]);
	if (tdk_serve_faults_parse(hf, h, bad, sizeof(bad)) < 0)
		return -1;
	tdk_serve_faults_merge(&r->f, &hf[TDK_SERVE_ROUTE_ANY]);
	if (r->route != TDK_SERVE_ROUTE_ANY)
		tdk_serve_faults_merge(&r->f, &hf[r->route]);
	return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **con_cls)
{
	struct tdk_serve *s = cls;
	struct serve_req *r = *con_cls;

	if (!r) {
		const char *cl;

		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		*con_cls = r;
		pthread_mutex_lock(&s->lock);
		s->active++;
		pthread_mutex_unlock(&s->lock);
		r->s = s;
		r->conn = conn;
		r->url = url;
		r->method = method;
		r->t0_ms = serve_now_ms();
		tdk_buf_init(&r->body, s->o.max_body);
		tdk_buf_init(&r->resp, 1u << 24);
		if (request_faults(r) < 0) {
			serve_answer(r, 400, "text/plain", "X-Tdk-Fault names a fault tdk serve does not know\n");
			return send_answer(r);
		}
		if (s->o.log_events)
			access_log(r, "start");
		cl = serve_req_header(r, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->o.max_body) {
			r->too_big = 1;
			serve_answer(r, 413, "text/plain", "the request body is larger than --max-body\n");
			return send_answer(r);
		}
		if (r->f.bits & TDK_FAULT_UNAVAILABLE) {
			char ra[24];

			snprintf(ra, sizeof(ra), "%u", r->f.retry_after);
			serve_header(r, "Retry-After", ra);
			serve_answer(r, 503, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				     "<errorResponse><code>SERVER_ERROR</code><message>Service unavailable</message>"
				     "</errorResponse>\n");
			return send_answer(r);
		}
		return MHD_YES;
	}
	if (r->status)          /* answered already: discard what comes */
		return (*size = 0, MHD_YES);
	/* The deadline of a request's body (not when the server itself reads slowly, by a fault). */
	if (!(r->f.bits & TDK_FAULT_SLOW_READ) && serve_now_ms() - r->t0_ms > (int64_t)s->o.timeout * 1000) {
		serve_header(r, "Connection", "close");
		serve_answer(r, 408, "text/plain", "the request took longer than --timeout\n");
		return send_answer(r);
	}
	if (*size) {
		if (r->f.bits & TDK_FAULT_SLOW_READ)
			serve_pause(r, r->f.slow_read_ms);
		if (!r->too_big && tdk_buf_add(&r->body, data, *size) < 0)
			r->too_big = 1;
		*size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		serve_answer(r, 413, "text/plain", "the request body is larger than --max-body\n");
	else
		dispatch(r);
	return send_answer(r);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct serve_req *r = *con_cls;

	if (!r)
		return;
	pthread_mutex_lock(&r->s->lock);
	r->s->active--;
	pthread_mutex_unlock(&r->s->lock);
	tdk_buf_release(&r->body);
	tdk_buf_release(&r->resp);
	free(r);
	*con_cls = NULL;
}

/* Refuses (closes at once) a connection past --max-connections, rather than leaving it waiting. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct tdk_serve *s = cls;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	pthread_mutex_lock(&s->lock);
	d = s->mhd;
	pthread_mutex_unlock(&s->lock);
	info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS) : NULL;
	return info && info->num_connections >= s->o.max_connections ? MHD_NO : MHD_YES;
}

/*
 * During the handshake: a client certificate given must verify against the
 * client CA (else the handshake fails); none given is for GNUTLS_CERT_REQUIRE
 * to refuse.
 */
static int verify_client(gnutls_session_t session)
{
	unsigned n = 0, status = 0;

	if (!gnutls_certificate_get_peers(session, &n) || !n)
		return 0;
	return gnutls_certificate_verify_peers2(session, &status) < 0 || status ? -1 : 0;
}

/*
 * A new connection: with --client-ca, its TLS session asks for a client
 * certificate (requires one with --require-client-cert) and verifies it.
 */
static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	struct tdk_serve *s = cls;
	const union MHD_ConnectionInfo *info;

	(void)socket_context;
	if (toe != MHD_CONNECTION_NOTIFY_STARTED || !s->o.client_ca_pem)
		return;
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!info || !info->tls_session)
		return;
	gnutls_certificate_server_set_request(info->tls_session,
					      s->o.require_client_cert ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_REQUEST);
	gnutls_session_set_verify_function(info->tls_session, verify_client);
}

int tdk_serve_tls_supported(void)
{
	return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

/* Checks the certificate, key and client CA before libmicrohttpd takes them, to say which is wrong. */
static int tls_check(const struct tdk_serve_opts *o, struct tdk_diag *d)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t cert, key, ca;
	int r, ret = -1;

	if (!tdk_serve_tls_supported()) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-TLS", NULL, "this build of libmicrohttpd has no TLS");
		return -1;
	}
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return -1;
	cert.data = (unsigned char *)(uintptr_t)o->cert_pem;
	cert.size = (unsigned)strlen(o->cert_pem);
	key.data = (unsigned char *)(uintptr_t)o->key_pem;
	key.size = (unsigned)strlen(o->key_pem);
	if (o->key_password && MHD_is_feature_supported(MHD_FEATURE_HTTPS_KEY_PASSWORD) != MHD_YES) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-TLS", NULL, "this build of libmicrohttpd takes no encrypted key");
		goto out;
	}
	if ((r = gnutls_certificate_set_x509_key_mem2(cred, &cert, &key, GNUTLS_X509_FMT_PEM, o->key_password, 0)) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-TLS", NULL,
			     "the certificate and key are not a PEM certificate and its key%s: %s",
			     o->key_password ? " with this passphrase" : "", gnutls_strerror(r));
		goto out;
	}
	if (o->client_ca_pem) {
		ca.data = (unsigned char *)(uintptr_t)o->client_ca_pem;
		ca.size = (unsigned)strlen(o->client_ca_pem);
		if (gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM) <= 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-TLS", NULL, "the client CA holds no PEM certificate");
			goto out;
		}
	}
	ret = 0;
out:
	gnutls_certificate_free_credentials(cred);
	return ret;
}

/* Starts libmicrohttpd on sa with the options of s, TLS when a certificate is given. */
static struct MHD_Daemon *start_daemon(struct tdk_serve *s, struct sockaddr_in *sa)
{
	const struct tdk_serve_opts *o = &s->o;
	struct MHD_OptionItem tls[5];
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
	int k = 0;

	if (o->cert_pem) {
		flags |= MHD_USE_TLS;
		tls[k++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)o->cert_pem };
		tls[k++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)o->key_pem };
		if (o->key_password)
			tls[k++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_KEY_PASSWORD, 0,
							    (void *)(uintptr_t)o->key_password };
		if (o->client_ca_pem)
			tls[k++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0,
							    (void *)(uintptr_t)o->client_ca_pem };
	}
	tls[k] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return MHD_start_daemon(flags, 0, accept_policy, s, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections + 16,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout,
				MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_NOTIFY_CONNECTION, notify_connection, s,
				MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
}

void tdk_serve_opts_init(struct tdk_serve_opts *o)
{
	int k;

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->max_body = TDK_SERVE_MAX_BODY_DEFAULT;
	o->max_connections = TDK_SERVE_MAX_CONN_DEFAULT;
	o->timeout = TDK_SERVE_TIMEOUT_DEFAULT;
	o->token_ttl = TDK_SERVE_TOKEN_TTL_DEFAULT;
	for (k = 0; k < TDK_SERVE_ROUTES; k++)
		tdk_serve_faults_init(&o->faults[k]);
}

int tdk_serve_start(const struct tdk_serve_opts *o, struct tdk_diag *d, struct tdk_serve **out)
{
	struct tdk_serve *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *mhd;
	char err[256];

	if (!s)
		return TDK_EXIT_INTERNAL;
	s->o = *o;
	pthread_mutex_init(&s->lock, NULL);
	if (serve_store_open(s, o->state, err, sizeof(err)) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-STATE", NULL, "cannot open the state database '%s': %s",
			     o->state, err);
		goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-LISTEN", NULL, "'%s' is not an IPv4 address", o->host);
		goto fail;
	}
	if (o->cert_pem && tls_check(o, d) < 0)
		goto fail;
	mhd = start_daemon(s, &sa);
	pthread_mutex_lock(&s->lock);
	s->mhd = mhd;
	pthread_mutex_unlock(&s->lock);
	if (!s->mhd) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SERVE-LISTEN", NULL, "cannot listen on %s:%u", o->host, o->port);
		goto fail;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : o->port;
	*out = s;
	return TDK_EXIT_OK;
fail:
	serve_store_close(s);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return TDK_EXIT_IO;
}

unsigned tdk_serve_port(const struct tdk_serve *s)
{
	return s->port;
}

void tdk_serve_stop(struct tdk_serve *s)
{
	int64_t until;
	unsigned active = 1;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_mutex_unlock(&s->lock);
	MHD_quiesce_daemon(s->mhd);
	/* The requests in flight are answered first, for as long as a connection may take. */
	until = serve_now_ms() + (int64_t)s->o.timeout * 1000;
	while (active && serve_now_ms() < until) {
		pthread_mutex_lock(&s->lock);
		active = s->active;
		pthread_mutex_unlock(&s->lock);
		if (active)
			usleep(20000);
	}
	MHD_stop_daemon(s->mhd);
	serve_store_close(s);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void keep_first(void *arg, const struct tdk_diag_item *it)
{
	struct serve_first_err *e = arg;

	if (it->sev == TDK_SEV_ERROR && !e->code) {
		e->code = it->code;
		snprintf(e->msg, sizeof(e->msg), "%s", it->msg);
	}
}

void serve_diag_first(struct tdk_diag *d, const char *name, struct serve_first_err *e)
{
	memset(e, 0, sizeof(*e));
	tdk_diag_init(d, name);
	d->emit = keep_first;
	d->arg = e;
}
