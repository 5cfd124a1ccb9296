/*
 * tdk serve's AS2 receiver (RFC 4130): POST /as2 takes a message from a
 * known partner addressed to our AS2 name, undoes its layers with
 * tdk_as2_read (our key decrypts, the partner's certificate verifies; every
 * partner must sign), stores the payload with the MDN answered in one
 * durable row before the answer leaves, and answers the MDN asked for
 * (signed when Disposition-Notification-Options ask for pkcs7-signature,
 * with the MIC of the algorithm asked), synchronously, or 200 at once and
 * the MDN POSTed afterwards to a Receipt-Delivery-Option URL that
 * --as2-async-to allows.  A Message-ID stored already is answered with the
 * stored MDN and stores nothing.  A message that fails a check of its
 * content gets an MDN with a processed/error disposition of RFC 4130
 * section 7.4.3 when one was asked, else a 4xx; a request whose AS2 headers
 * are wrong (version, AS2-To, AS2-From, Message-ID) is a 4xx.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/as2.h"
#include "net/http.h"
#include "net/serve-int.h"
#include "util/exitcode.h"

/* The certificate of partner id, or NULL. */
static X509 *partner_cert(const struct tdk_serve_as2 *a, const char *id)
{
	size_t i;

	for (i = 0; id && i < a->npartners; i++)
		if (!strcmp(a->partners[i].id, id))
			return a->partners[i].cert;
	return NULL;
}

/* The first occurrence of word in h, without regard to case, or NULL. */
static const char *find_ci(const char *h, const char *word)
{
	size_t n = strlen(word);

	for (; h && *h; h++)
		if (!strncasecmp(h, word, n))
			return h;
	return NULL;
}

void serve_as2_mdn_options(const char *h, int *sign, char *alg, size_t n)
{
	static const char *const known[] = { "sha-256", "sha256", "sha-384", "sha384", "sha-512", "sha512",
					     "sha-1", "sha1", NULL };
	const char *p = h ? find_ci(h, "signed-receipt-micalg") : NULL;
	const char *end;
	size_t i;

	*sign = h && find_ci(h, "pkcs7-signature") != NULL;
	alg[0] = 0;
	if (!p)
		return;
	end = strchr(p, ';');
	if (!end)
		end = p + strlen(p);
	for (p = strchr(p, '=') ? strchr(p, '=') + 1 : end; p < end;) {
		size_t len;

		while (p < end && (*p == ' ' || *p == ',' || *p == '\t'))
			p++;
		len = strcspn(p, ",; \t");
		if (len > (size_t)(end - p))
			len = (size_t)(end - p);
		for (i = 0; known[i]; i++)
			if (strlen(known[i]) == len && !strncasecmp(p, known[i], len) && !alg[0])
				snprintf(alg, n, "%s", known[i]);
		p += len;
	}
}

/* The disposition error of RFC 4130 section 7.4.3 for a diagnostic code of tdk_as2_read. */
static const char *disposition_error(const char *code)
{
	if (!code)
		return "unexpected-processing-error";
	if (!strcmp(code, "AS2-DECRYPT") || !strcmp(code, "AS2-KEY"))
		return "decryption-failed";
	if (!strcmp(code, "AS2-SIG-MISSING") || !strcmp(code, "AS2-ENC-MISSING"))
		return "insufficient-message-security";
	if (!strncmp(code, "AS2-SIG-", 8))
		return "authentication-failed";
	if (!strcmp(code, "AS2-DECOMPRESS"))
		return "decompression-failed";
	return "unexpected-processing-error";
}

/* Sets r's answer to an MDN (or any body) of type ctype with the AS2 headers of a reply to from. */
static void answer_mdn(struct serve_req *r, const char *from, const char *ctype, const void *body, size_t n)
{
	char id[37], mid[64];

	r->status = 200;
	snprintf(r->ctype_buf, sizeof(r->ctype_buf), "%s", ctype ? ctype : "");
	r->ctype = ctype ? r->ctype_buf : NULL;
	tdk_buf_reset(&r->resp);
	if (n && tdk_buf_add(&r->resp, body, n) < 0) {
		serve_answer(r, 500, "text/plain", "the MDN is too large\n");
		return;
	}
	serve_header(r, "AS2-Version", "1.2");
	serve_header(r, "AS2-From", r->s->o.as2.id);
	serve_header(r, "AS2-To", from);
	if (serve_uuid(id) == 0) {
		snprintf(mid, sizeof(mid), "<%s@tdk-serve>", id);
		serve_header(r, "Message-ID", mid);
	}
	serve_header(r, "MIME-Version", "1.0");
}

/* What one received message is and what it asks for. */
struct as2_in {
	const char *from, *msgid, *mdn_to, *async_url;
	X509 *partner;
	int sign_mdn;
	char alg[16];
};

/* Builds the MDN for in into m: processed with mic, or processed/error: error with text. */
static int make_mdn(struct serve_req *r, const struct as2_in *in, const char *mic, const char *error,
		    const char *text, struct tdk_as2_msg *m)
{
	const struct tdk_serve_as2 *a = &r->s->o.as2;
	struct tdk_as2_mdn md = { "tdk serve", a->id, in->msgid, mic, error, text,
				  in->sign_mdn ? (in->alg[0] ? in->alg : "sha256") : NULL, a->key, a->cert };
	struct serve_first_err e;
	struct tdk_diag d;

	serve_diag_first(&d, "as2", &e);
	return tdk_as2_mdn_build(&md, m, &d);
}

/*
 * The asynchronous MDN's journey: POSTed to its URL with the AS2 headers of
 * RFC 4130 section 7.3 by a thread of its own, counted as a request in
 * flight so that tdk_serve_stop waits for it.
 */
struct async_mdn {
	struct tdk_serve *s;
	char *url, *to, *ctype;
	unsigned char *body;
	size_t len;
};

static void async_free(struct async_mdn *j)
{
	free(j->url);
	free(j->to);
	free(j->ctype);
	free(j->body);
	free(j);
}

static void *async_send(void *arg)
{
	struct async_mdn *j = arg;
	struct tdk_http_opts ho;
	struct tdk_http h;
	struct tdk_http_resp resp;
	struct serve_first_err e;
	struct tdk_diag d;
	char hv[5][600], id[37];
	const char *hdr[6];
	int i;

	serve_diag_first(&d, "as2", &e);
	tdk_http_resp_init(&resp);
	serve_uuid(id);
	snprintf(hv[0], sizeof(hv[0]), "Content-Type: %s", j->ctype);
	snprintf(hv[1], sizeof(hv[1]), "AS2-Version: 1.2");
	snprintf(hv[2], sizeof(hv[2]), "AS2-From: %s", j->s->o.as2.id);
	snprintf(hv[3], sizeof(hv[3]), "AS2-To: %s", j->to);
	snprintf(hv[4], sizeof(hv[4]), "Message-ID: <%s@tdk-serve>", id);
	for (i = 0; i < 5; i++)
		hdr[i] = hv[i];
	hdr[5] = NULL;
	tdk_http_opts_init(&ho);
	/* Within the time tdk_serve_stop waits for what is in flight, so that the server outlives the thread. */
	ho.timeout_ms = (long)j->s->o.timeout * 1000 / 2;
	ho.connect_timeout_ms = ho.timeout_ms / 2;
	if (tdk_http_init(&h, &ho, &d) == 0) {
		const struct tdk_http_req req = { "POST", j->url, hdr, j->body, j->len };
		int wait_ms = 200, stopping = 0;

		/*
		 * A 503 is a partner still recording the message's answer (tdk
		 * serve's SERVE-AS2-SENDING, when the MDN overtakes the answer to
		 * the message): sent again after 0.2, 0.4, 0.8 and 1.6 s, not
		 * once the server is stopping.
		 */
		for (i = 0; tdk_http_request(&h, &req, &resp, &d) == 0 && resp.status == 503 && i < 4; i++) {
			usleep((useconds_t)wait_ms * 1000);
			wait_ms *= 2;
			tdk_http_resp_release(&resp);
			tdk_http_resp_init(&resp);
			pthread_mutex_lock(&j->s->lock);
			stopping = j->s->stopping;
			pthread_mutex_unlock(&j->s->lock);
			if (stopping)
				break;
		}
		tdk_http_release(&h);
	}
	tdk_http_resp_release(&resp);
	pthread_mutex_lock(&j->s->lock);
	j->s->active--;
	pthread_mutex_unlock(&j->s->lock);
	async_free(j);
	return NULL;
}

/* Starts the asynchronous MDN m of in.  Returns 0 or -1. */
static int async_start(struct serve_req *r, const struct as2_in *in, const char *ctype, const void *body,
		       size_t n)
{
	struct async_mdn *j = calloc(1, sizeof(*j));
	pthread_attr_t at;
	pthread_t t;
	int rc = -1;

	if (!j)
		return -1;
	j->s = r->s;
	j->url = strdup(in->async_url);
	j->to = strdup(in->from);
	j->ctype = strdup(ctype);
	j->body = malloc(n ? n : 1);
	j->len = n;
	if (!j->url || !j->to || !j->ctype || !j->body) {
		async_free(j);
		return -1;
	}
	memcpy(j->body, body, n);
	pthread_mutex_lock(&r->s->lock);
	r->s->active++;
	pthread_mutex_unlock(&r->s->lock);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, async_send, j) == 0)
		rc = 0;
	pthread_attr_destroy(&at);
	if (rc < 0) {
		pthread_mutex_lock(&r->s->lock);
		r->s->active--;
		pthread_mutex_unlock(&r->s->lock);
		async_free(j);
	}
	return rc;
}

/* Whether url begins with one of the prefixes --as2-async-to allows. */
static int async_allowed(const struct tdk_serve_as2 *a, const char *url)
{
	size_t i;

	for (i = 0; url && i < a->nasync_to; i++)
		if (!strncmp(url, a->async_to[i], strlen(a->async_to[i])))
			return 1;
	return 0;
}

/* Answers the MDN m (or none when m is NULL) of in, synchronously or asynchronously. */
static void deliver(struct serve_req *r, const struct as2_in *in, const char *ctype, const void *body, size_t n)
{
	if (!ctype) {
		answer_mdn(r, in->from, NULL, NULL, 0);
		return;
	}
	if (in->async_url) {
		if (async_start(r, in, ctype, body, n) < 0)
			serve_refuse(r, 500, "SERVE-AS2-ASYNC", "the asynchronous MDN cannot be sent\n");
		else
			answer_mdn(r, in->from, NULL, NULL, 0);
		return;
	}
	answer_mdn(r, in->from, ctype, body, n);
}

/* A Message-ID stored already: its stored MDN again, nothing stored.  Returns 1 when it was, 0, -1. */
static int replay(struct serve_req *r, const struct as2_in *in)
{
	struct tdk_buf mdn = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	char *from = NULL, *type = NULL;
	int rc;

	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_as2_get(r->s, in->msgid, &from, &type, &mdn);
	pthread_mutex_unlock(&r->s->lock);
	if (rc == 1 && strcmp(from, in->from))
		serve_refuse(r, 409, "SERVE-AS2-DUPLICATE", "another partner sent a message with this Message-ID\n");
	else if (rc == 1)
		deliver(r, in, type, mdn.data, mdn.len);
	else if (rc < 0)
		serve_refuse(r, 500, "SERVE-STATE", "the state database cannot be read\n");
	free(from);
	free(type);
	tdk_buf_release(&mdn);
	return rc;
}

/* Checks the AS2 headers of r into in.  Returns 0, or -1 with r answered. */
static int check_headers(struct serve_req *r, struct as2_in *in)
{
	const struct tdk_serve_as2 *a = &r->s->o.as2;
	const char *v = serve_req_header(r, "AS2-Version"), *to = serve_req_header(r, "AS2-To");

	memset(in, 0, sizeof(*in));
	in->from = serve_req_header(r, "AS2-From");
	in->msgid = serve_req_header(r, "Message-ID");
	in->mdn_to = serve_req_header(r, "Disposition-Notification-To");
	in->async_url = in->mdn_to ? serve_req_header(r, "Receipt-Delivery-Option") : NULL;
	if (strcmp(r->method, "POST")) {
		serve_header(r, "Allow", "POST");
		return serve_refuse(r, 405, "SERVE-AS2-METHOD", "POST the AS2 message\n"), -1;
	}
	if (!a->key)
		return serve_refuse(r, 503, "SERVE-AS2-OFF", "tdk serve was started without --as2-key\n"), -1;
	if (!v || (strcmp(v, "1.0") && strcmp(v, "1.1") && strcmp(v, "1.2")))
		return serve_refuse(r, 400, "SERVE-AS2-VERSION", "AS2-Version must be 1.0, 1.1 or 1.2\n"), -1;
	if (!to || strcmp(to, a->id))
		return serve_refuse(r, 404, "SERVE-AS2-TO", "AS2-To is not the AS2 name of this receiver\n"), -1;
	if (!(in->partner = partner_cert(a, in->from)))
		return serve_refuse(r, 403, "SERVE-AS2-FROM", "AS2-From is not a partner of this receiver\n"), -1;
	if (!in->msgid || !in->msgid[0] || strlen(in->msgid) > 998)
		return serve_refuse(r, 400, "SERVE-AS2-MSGID", "the message has no Message-ID\n"), -1;
	if (in->async_url && !async_allowed(a, in->async_url))
		return serve_refuse(r, 403, "SERVE-AS2-ASYNC",
			      "Receipt-Delivery-Option names a URL that --as2-async-to does not allow\n"), -1;
	serve_as2_mdn_options(serve_req_header(r, "Disposition-Notification-Options"), &in->sign_mdn, in->alg,
			      sizeof(in->alg));
	return 0;
}

/*
 * Reads r's body into got.  The entity's MIME headers travel as HTTP
 * headers (RFC 4130 section 5.2); a sender that gives a
 * Content-Transfer-Encoding there (libas2 sends enveloped data as base64)
 * has the entity read with it: the two headers put before the body.
 */
static int read_body(struct serve_req *r, const struct tdk_as2_recv *rv, struct tdk_as2_in *got, struct tdk_diag *d)
{
	const char *ct = serve_req_header(r, "Content-Type"), *cte = serve_req_header(r, "Content-Transfer-Encoding");
	struct tdk_buf ent = TDK_BUF_INIT(TDK_AS2_MAX_BODY + 8192);
	int rc;

	if (!cte || !strcasecmp(cte, "binary") || !strcasecmp(cte, "8bit") || !strcasecmp(cte, "7bit"))
		return tdk_as2_read(rv, ct, r->body.data ? r->body.data : "", r->body.len, got, d);
	if (tdk_buf_addf(&ent, "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n\r\n", ct ? ct : "text/plain",
			 cte) < 0 || tdk_buf_add(&ent, r->body.data ? r->body.data : "", r->body.len) < 0)
		rc = tdk_as2_read(rv, ct, r->body.data ? r->body.data : "", r->body.len, got, d);
	else
		rc = tdk_as2_read(rv, NULL, ent.data, ent.len, got, d);
	tdk_buf_release(&ent);
	return rc;
}

void serve_as2(struct serve_req *r)
{
	const struct tdk_serve_as2 *a = &r->s->o.as2;
	struct as2_in in;
	struct tdk_as2_in got = { 0 };
	struct tdk_as2_msg m = { 0 };
	struct serve_first_err e;
	struct tdk_diag d;
	char sha[65];
	int rc;

	if (check_headers(r, &in) < 0 || replay(r, &in) != 0)
		return;
	{
		const struct tdk_as2_recv rv = { a->key, a->cert, in.partner, 1, 0, in.alg[0] ? in.alg : NULL };

		serve_diag_first(&d, "as2", &e);
		rc = read_body(r, &rv, &got, &d);
	}
	if (rc) {
		snprintf(r->code, sizeof(r->code), "%s", e.code ? e.code : "AS2-INTERNAL");
		if (!in.mdn_to || make_mdn(r, &in, NULL, disposition_error(e.code), e.msg, &m))
			serve_answer(r, rc == TDK_EXIT_INTERNAL ? 500 : 400, "text/plain", "the message was refused\n");
		else
			deliver(r, &in, m.content_type, m.body, m.len);
		goto out;
	}
	if (in.mdn_to && make_mdn(r, &in, got.mic, NULL, NULL, &m)) {
		serve_refuse(r, 500, "SERVE-AS2-MDN", "the MDN cannot be made\n");
		goto out;
	}
	serve_sha256(got.payload, got.len, sha, NULL);
	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_as2(r->s, in.msgid, in.from, sha, got.payload, got.len, in.mdn_to ? m.content_type : NULL,
			     in.mdn_to ? m.body : NULL, m.len);
	pthread_mutex_unlock(&r->s->lock);
	if (rc < 0)
		serve_refuse(r, 500, "SERVE-STATE", "the message cannot be stored\n");
	else if (rc == 0)     /* the same Message-ID stored meanwhile by another connection */
		replay(r, &in);
	else
		deliver(r, &in, in.mdn_to ? m.content_type : NULL, m.body, m.len);
	if (rc > 0 && (r->f.bits & TDK_FAULT_DROP))   /* stored, the answer lost: the sender's retry is a replay */
		r->drop = 1;
out:
	tdk_as2_msg_release(&m);
	tdk_as2_in_release(&got);
}
