/*
 * tdk submit over profile as2 (RFC 4130).  The endpoint's key and the
 * partner's certificate are loaded once per process.  Each document gets a
 * Message-ID, fixed in the journal's begin row before the first byte
 * leaves; its body is built by lib/net/as2.h (compressed, signed,
 * encrypted as the endpoint says) and POSTed with the AS2 headers through
 * lib/net/http.h; a synchronous MDN is verified (signature against
 * partner-cert, Original-Message-ID, Received-Content-MIC) before the
 * answer is recorded.  An AS2 message whose outcome is unknown is never
 * sent again by itself: RFC 4130 does not require a receiver to drop
 * duplicates (section 9.3 only recommends it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "submit-as2.h"
#include "net/as2.h"
#include "sign/sign.h"

/* The longest AS2 name (RFC 4130 section 6.2: 1 to 128 characters). */
#define AS2_NAME_MAX 128

struct submit_as2 {
	struct submit_keys k;
	char host[64];                              /* the right side of our Message-IDs */
	char from[AS2_NAME_MAX * 2 + 3], to[AS2_NAME_MAX * 2 + 3]; /* as the headers write them */
};

/*
 * An AS2 name as AS2-From and AS2-To carry it (RFC 4130 section 6.2): as
 * it is when it has no blank, '"' or '\', else quoted with '"' and '\'
 * escaped.  Returns 0, or -1 for a name longer than 128 characters.
 */
static int as2_name(const char *v, char *out, size_t n)
{
	size_t i, o = 0, len = strlen(v);
	int quote = strcspn(v, " \t\"\\") != len;

	if (!len || len > AS2_NAME_MAX)
		return -1;
	if (quote)
		out[o++] = '"';
	for (i = 0; i < len && o + 3 < n; i++) {
		if (quote && (v[i] == '"' || v[i] == '\\'))
			out[o++] = '\\';
		out[o++] = v[i];
	}
	if (quote)
		out[o++] = '"';
	out[o] = '\0';
	return 0;
}

int submit_as2_load(struct submit *s, const struct tdk_endpoints *eps, struct tdk_diag *d)
{
	const struct tdk_endpoint *e = s->e;
	struct submit_as2 *a;

	if (!(a = calloc(1, sizeof(*a))))
		return TDK_EXIT_INTERNAL;
	s->as2 = a;
	if (as2_name(e->value[TDK_EK_AS2_FROM], a->from, sizeof(a->from)) ||
	    as2_name(e->value[TDK_EK_AS2_TO], a->to, sizeof(a->to))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SUBMIT-AS2-NAME", NULL,
			     "endpoint '%s': as2-from and as2-to take 1 to 128 characters (RFC 4130 section 6.2)", e->name);
		return TDK_EXIT_USAGE;
	}
	submit_id_host(a->host, sizeof(a->host));
	return submit_keys_load(&a->k, eps, e, 0, d);
}

void submit_as2_release(struct submit *s)
{
	struct submit_as2 *a = s->as2;

	if (!a)
		return;
	submit_keys_release(&a->k);
	free(a);
	s->as2 = NULL;
}

/* A new Message-ID (RFC 5322 msg-id, RFC 4130 section 5.3.3): "<uuid@host>", a random (version 4) UUID. */
static int new_message_id(const struct submit_as2 *a, char *out, size_t n)
{
	unsigned char u[16];

	if (RAND_bytes(u, sizeof(u)) != 1)
		return -1;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, n, "<%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x@%s>", u[0], u[1], u[2],
		 u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15], a->host);
	return 0;
}

/* An RFC 5322 date of now in UTC, without the locale. */
static void mail_date(char *out, size_t n)
{
	static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, n, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000", days + 3 * tm.tm_wday, tm.tm_mday,
		 months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The header lines of the POST, into h (NULL-terminated) and their storage lines. */
struct as2_headers {
	char lines[12][600];
	const char *v[13];
};

static void headers_make(const struct submit *s, const struct tdk_doc *doc, const char *msgid,
			 const struct tdk_as2_msg *m, struct as2_headers *h)
{
	const struct tdk_endpoint *e = s->e;
	const char *mdn = e->value[TDK_EK_MDN] ? e->value[TDK_EK_MDN] : "signed-sync", *alg = strchr(m->mic, ',');
	char date[64], subj[128];
	size_t i, k = 0;

	for (i = 0; doc->name[i] && i + 1 < sizeof(subj); i++)
		subj[i] = doc->name[i] >= 0x20 && doc->name[i] < 0x7f ? doc->name[i] : '_';
	subj[i] = '\0';
	mail_date(date, sizeof(date));
	snprintf(h->lines[k++], sizeof(h->lines[0]), "AS2-Version: 1.2");
	snprintf(h->lines[k++], sizeof(h->lines[0]), "AS2-From: %s", s->as2->from);
	snprintf(h->lines[k++], sizeof(h->lines[0]), "AS2-To: %s", s->as2->to);
	snprintf(h->lines[k++], sizeof(h->lines[0]), "Message-ID: %s", msgid);
	snprintf(h->lines[k++], sizeof(h->lines[0]), "Subject: %s", subj);
	snprintf(h->lines[k++], sizeof(h->lines[0]), "Date: %s", date);
	snprintf(h->lines[k++], sizeof(h->lines[0]), "MIME-Version: 1.0");
	snprintf(h->lines[k++], sizeof(h->lines[0]), "Content-Type: %s", m->content_type);
	if (strcmp(mdn, "none"))
		snprintf(h->lines[k++], sizeof(h->lines[0]), "Disposition-Notification-To: %s",
			 e->value[TDK_EK_AS2_FROM]);
	/* RFC 4130 section 7.3: a signed MDN with the MIC algorithm the MIC was computed with. */
	if (!strncmp(mdn, "signed-", 7))
		snprintf(h->lines[k++], sizeof(h->lines[0]), "Disposition-Notification-Options: "
			 "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, %s",
			 alg ? alg + 2 : "sha-256");
	if (!strcmp(mdn, "signed-async"))
		snprintf(h->lines[k++], sizeof(h->lines[0]), "Receipt-Delivery-Option: %s", e->value[TDK_EK_MDN_URL]);
	snprintf(h->lines[k++], sizeof(h->lines[0]), "Expect:");
	for (i = 0; i < k; i++)
		h->v[i] = h->lines[i];
	h->v[k] = NULL;
}

/* How one send ended, for the journal and the report. */
struct as2_end {
	const char *state;          /* accepted, rejected, unknown; NULL: queued (requeue) */
	int status;                 /* the document's exit status */
	const char *why;            /* the journal's detail, the verdict's reason */
	char detail[512];
	char receipt[256];          /* the MDN's Message-ID */
};

/* Counts the diagnostics that say an MDN cannot be trusted or answers another message. */
struct mdn_watch {
	struct tdk_diag *out;
	int untrusted, msgid, mic;
};

static void mdn_watch_emit(void *arg, const struct tdk_diag_item *it)
{
	struct mdn_watch *w = arg;

	if (it->sev == TDK_SEV_ERROR && (!strncmp(it->code, "AS2-SIG-", 8) || !strcmp(it->code, "AS2-MDN-UNSIGNED")))
		w->untrusted = 1;
	if (it->sev == TDK_SEV_ERROR && !strcmp(it->code, "AS2-MDN-MSGID"))
		w->msgid = 1;
	if (it->sev == TDK_SEV_ERROR && !strcmp(it->code, "AS2-MDN-MIC"))
		w->mic = 1;
	tdk_diag_add(w->out, it->sev, it->code, it->loc.line ? &it->loc : NULL, "%s", it->msg);
}

/* A header of the response into out[0..n) ("" when absent or too long). */
static void resp_header(const struct tdk_http_resp *r, const char *name, char *out, size_t n)
{
	size_t len;
	const char *v = tdk_http_resp_header(r, name, &len);

	out[0] = '\0';
	if (v && len < n) {
		memcpy(out, v, len);
		out[len] = '\0';
	}
}

/* The synchronous MDN of a 2xx: verified, its disposition read, into end. */
static void mdn_check(struct submit *s, struct tdk_doc *doc, const char *msgid, const struct tdk_as2_msg *m,
		      const struct tdk_http_resp *r, struct as2_end *end)
{
	const char *mdn = s->e->value[TDK_EK_MDN] ? s->e->value[TDK_EK_MDN] : "signed-sync";
	struct tdk_as2_mdn_check c = { s->as2->k.partner, !strcmp(mdn, "signed-sync"), msgid, m->mic };
	struct tdk_as2_mdn_result res;
	struct mdn_watch w = { &doc->d, 0, 0, 0 };
	struct tdk_diag wd;
	char ct[512];
	int rc;

	memset(&res, 0, sizeof(res));
	resp_header(r, "Content-Type", ct, sizeof(ct));
	resp_header(r, "Message-ID", end->receipt, sizeof(end->receipt));
	tdk_diag_init(&wd, doc->d.file);
	wd.emit = mdn_watch_emit;
	wd.arg = &w;
	rc = r->body.len ? tdk_as2_mdn_read(&c, ct[0] ? ct : NULL, r->body.data, r->body.len, &res, &wd) : TDK_EXIT_IO;
	/* A failure disposition carries no MIC: only a MIC given and different is a mismatch. */
	w.mic = w.mic && res.mic;
	if (rc == 0) {
		end->state = "accepted";
		end->status = 0;
		snprintf(end->detail, sizeof(end->detail), "%s", res.disposition);
	} else if (rc == TDK_EXIT_NEGATIVE && (w.untrusted || w.msgid || w.mic)) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-AS2-MDN-UNTRUSTED", NULL, "the mdn %s: the outcome is "
			     "unknown, and the message is not sent again by itself", w.untrusted ?
			     "is not signed by partner-cert" : "answers another message or another content");
		end->state = "unknown";
		end->status = TDK_EXIT_TRUST;
		snprintf(end->detail, sizeof(end->detail), "an mdn that %s", w.untrusted ?
			 "partner-cert does not verify" : "does not match the message sent (AS2-MDN-MSGID, AS2-MDN-MIC)");
	} else if (rc == TDK_EXIT_NEGATIVE) {
		end->state = "rejected";
		end->status = TDK_EXIT_NEGATIVE;
		snprintf(end->detail, sizeof(end->detail), "%s", res.disposition ? res.disposition : "not processed");
	} else {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-AS2-NO-MDN", NULL, "the partner answered %ld without an "
			     "mdn that can be read: the outcome is unknown, and the message is not sent again by itself",
			     r->status);
		end->state = "unknown";
		end->status = TDK_EXIT_REMOTE;
		snprintf(end->detail, sizeof(end->detail), "an answer %ld without a readable mdn", r->status);
	}
	tdk_as2_mdn_result_release(&res);
}

/* What the HTTP exchange says, into end (a 2xx with an MDN to read goes to mdn_check). */
static void exchange_end(struct submit *s, struct tdk_doc *doc, const char *msgid, const struct tdk_as2_msg *m,
			 int rc, const struct tdk_http_resp *r, struct as2_end *end)
{
	const char *mdn = s->e->value[TDK_EK_MDN] ? s->e->value[TDK_EK_MDN] : "signed-sync";

	end->state = "unknown";
	end->status = TDK_EXIT_REMOTE;
	if (rc < 0 && (r->outcome == TDK_HTTP_NOT_SENT || r->outcome == TDK_HTTP_TRUST || r->outcome == TDK_HTTP_REFUSED ||
		       (r->outcome == TDK_HTTP_INTERNAL && !r->body_sent))) {
		end->state = NULL;
		end->status = r->outcome == TDK_HTTP_TRUST ? TDK_EXIT_TRUST : r->outcome == TDK_HTTP_REFUSED ?
			      TDK_EXIT_USAGE : r->outcome == TDK_HTTP_INTERNAL ? TDK_EXIT_INTERNAL : TDK_EXIT_REMOTE;
		snprintf(end->detail, sizeof(end->detail), "the request did not reach the partner");
	} else if (rc < 0) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-UNKNOWN", NULL, "the outcome is unknown (no answer after "
			     "the body was sent): the message may have arrived, and it is not sent again by itself; "
			     "tdk submit --resend sends it again with the same Message-ID");
		snprintf(end->detail, sizeof(end->detail), "no answer after the whole request was sent");
	} else if (r->status >= 400 && r->status < 500) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-AS2-REFUSED", NULL, "the partner answered %ld", r->status);
		end->state = "rejected";
		end->status = TDK_EXIT_NEGATIVE;
		snprintf(end->detail, sizeof(end->detail), "http status %ld", r->status);
	} else if (r->status < 200 || r->status > 299) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-UNKNOWN", NULL, "the outcome is unknown (the partner "
			     "answered %ld): the message may have arrived, and it is not sent again by itself", r->status);
		snprintf(end->detail, sizeof(end->detail), "http status %ld", r->status);
	} else if (!strcmp(mdn, "none") || !strcmp(mdn, "signed-async")) {
		end->state = "accepted";
		end->status = 0;
		snprintf(end->detail, sizeof(end->detail), "%s", !strcmp(mdn, "none") ? "no mdn asked for" :
			 "the mdn comes later to mdn-url");
	} else {
		mdn_check(s, doc, msgid, m, r, end);
	}
}

/* The verdict of a document sent, once its answer is recorded. */
static int as2_report(struct tdk_doc *doc, const char *msgid, const struct as2_end *end, long status)
{
	const char *state = end->state ? end->state : "queued";

	if (!end->state)
		tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-QUEUED", NULL,
			     "not taken by the partner: queued in the journal, a later tdk submit sends it");
	snprintf(doc->why, sizeof(doc->why), "%s, message %.100s", state, msgid);
	doc->verdict = doc->why;
	submit_json_key(doc, "state", state);
	submit_json_key(doc, "message_id", msgid);
	submit_json_key(doc, "receipt_id", end->receipt[0] ? end->receipt : NULL);
	tdk_buf_addf(&doc->json, ",\"sent\":%s,\"http_status\":%ld", end->state ? "true" : "false", status);
	return end->status;
}

/* Records end (the MDN, its headers) before it is reported. */
static int as2_record(struct submit_slot *sl, struct tdk_doc *doc, int64_t sub, const char *msgid,
		      const struct tdk_http_resp *r, struct as2_end *end)
{
	struct tdk_journal_answer a = { end->state, (int)r->status, msgid, end->receipt[0] ? end->receipt : NULL,
					msgid, NULL, r->body.data, r->body.len, end->detail };
	char ct[400], hdrs[1200];
	int rc;

	resp_header(r, "Content-Type", ct, sizeof(ct));
	snprintf(hdrs, sizeof(hdrs), "Message-ID: %s\nContent-Type: %s\n", end->receipt, ct);
	a.headers = hdrs;
	if ((rc = submit_msg_record(sl, doc, sub, &a)))
		return rc;
	return as2_report(doc, msgid, end, r->status);
}

/* Builds the body for msgid and POSTs it; records and reports the end. */
static int as2_post(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body,
		    const char *type, const struct tdk_journal_row *row)
{
	const struct tdk_endpoint *e = s->e;
	const char *enc = e->value[TDK_EK_ENCRYPT];
	struct tdk_as2_send o = { e->value[TDK_EK_SIGN] ? e->value[TDK_EK_SIGN] : "sha256",
				  enc && strcmp(enc, "none") ? enc : NULL,
				  e->value[TDK_EK_COMPRESS] && !strcmp(e->value[TDK_EK_COMPRESS], "yes"), 0, NULL,
				  s->as2->k.signer.pkey, s->as2->k.signer.cert, s->as2->k.partner };
	struct tdk_as2_msg m = { 0 };
	struct tdk_http_req req = { "POST", e->value[TDK_EK_URL], NULL, NULL, 0 };
	struct tdk_http_resp resp;
	struct as2_headers h;
	struct as2_end end;
	int r;

	memset(&end, 0, sizeof(end));
	tdk_http_resp_init(&resp);
	if ((r = tdk_as2_build(&o, body->data ? body->data : "", body->len, type, &m, &doc->d))) {
		/* Nothing left: the claim goes back to queued. */
		end.status = r;
		snprintf(end.detail, sizeof(end.detail), "the message could not be built");
		r = as2_record(sl, doc, row->sub, row->message_id, &resp, &end);
		goto out;
	}
	headers_make(s, doc, row->message_id, &m, &h);
	req.headers = h.v;
	req.body = m.body;
	req.body_len = m.len;
	r = tdk_http_request(&sl->http, &req, &resp, &doc->d);
	exchange_end(s, doc, row->message_id, &m, r, &resp, &end);
	r = as2_record(sl, doc, row->sub, row->message_id, &resp, &end);
out:
	tdk_as2_msg_release(&m);
	tdk_http_resp_release(&resp);
	return r;
}

/* submit_msg's make_id: a Message-ID of this host. */
static int as2_make_id(const struct submit *s, char *out, size_t n)
{
	return new_message_id(s->as2, out, n);
}

/*
 * The Message-ID is fixed in the begin row before the first send, and a
 * resend (--resend, or a queued document begun again) takes the one the
 * journal holds: RFC 4130 section 9.3 recommends receivers detect
 * duplicates by Message-Id, so a message sent again keeps its id.
 */
int submit_as2_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body)
{
	const struct submit_msg m = { "as2", "Message-ID", submit_payload_type(body), as2_make_id, submit_claim,
				      as2_post };

	return submit_msg_send(s, sl, doc, body, &m);
}
