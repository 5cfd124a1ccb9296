/*
 * tdk serve's AS4 receiver (OASIS ebMS 3.0 Core, the eDelivery AS4
 * profile): POST /as4 takes a SOAP with Attachments message (tdk_as4_read),
 * checks its ebMS header (a UserMessage with a MessageId, eb:To our party,
 * eb:From a partner, Service and Action), opens it with the From party's
 * certificate alone as trust (tdk_as4_open: decrypt, verify with coverage,
 * decompress), stores its payloads with the signed Receipt (non-repudiation
 * information from the message's own signature) in one durable transaction
 * and only then answers the Receipt.  A MessageId stored already (the
 * message opened as any other) is answered with the stored Receipt and
 * stores nothing (duplicate elimination: the AS4 profile 1.0 section 3.2,
 * reception awareness with duplicate detection).  A refusal is an ebMS
 * Error signal, signed with our key, answered with HTTP 200 so that the
 * sender tells a refusal from a transport failure.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "net/as4.h"
#include "net/serve-int.h"
#include "net/wss.h"
#include "sign/sign.h"
#include "util/exitcode.h"
#include "xml/xml.h"

#define AS4_CTYPE "application/soap+xml; charset=UTF-8"

/* The partner whose PartyId is id, or NULL. */
static const struct tdk_serve_partner *partner_of(const struct tdk_serve_as4 *a, const char *id)
{
	size_t i;

	for (i = 0; id && i < a->npartners; i++)
		if (!strcmp(a->partners[i].id, id))
			return &a->partners[i];
	return NULL;
}

/* Signs the signal envelope in env with our key into out.  Returns 0 or -1. */
static int sign_signal(const struct tdk_signer *s, const struct tdk_buf *env, struct tdk_buf *out)
{
	struct serve_first_err e;
	struct tdk_diag d;
	xmlDocPtr doc;
	int rc = -1;

	serve_diag_first(&d, "as4", &e);
	if (!(doc = tdk_xml_parse(env->data, env->len, "signal", "AS4", NULL, &d)))
		return -1;
	tdk_buf_reset(out);
	if (tdk_wss_sign(doc, s, NULL, 0, &d) == 0 && tdk_xml_dump(doc, out) == 0)
		rc = 0;
	xmlFreeDoc(doc);
	return rc;
}

/* Answers r with the signed signal body[0..n). */
static void answer_signal(struct serve_req *r, const void *body, size_t n)
{
	r->status = 200;
	snprintf(r->ctype_buf, sizeof(r->ctype_buf), "%s", AS4_CTYPE);
	r->ctype = r->ctype_buf;
	tdk_buf_reset(&r->resp);
	if (tdk_buf_add(&r->resp, body, n) < 0)
		serve_answer(r, 500, "text/plain", "the signal is too large\n");
}

/* Answers r with an ebMS Error signal of code about ref_to (NULL: unknown), detail in the log. */
static void answer_error(struct serve_req *r, const char *code, const char *ref_to, const char *detail)
{
	struct tdk_buf env = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE), out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct serve_first_err e;
	struct tdk_diag d;
	char id[37], mid[64];

	serve_diag_first(&d, "as4", &e);
	if (!r->code[0])
		snprintf(r->code, sizeof(r->code), "%s", code);
	if (serve_uuid(id) < 0 || snprintf(mid, sizeof(mid), "%s@tdk-serve", id) < 0 ||
	    tdk_ebms_build_error(code, ref_to, detail, mid, (long long)serve_now(), &env, &d) ||
	    sign_signal(r->s->o.as4.signer, &env, &out) < 0)
		serve_refuse(r, 500, "SERVE-AS4-SIGNAL", "the ebMS Error signal cannot be made\n");
	else
		answer_signal(r, out.data, out.len);
	tdk_buf_release(&env);
	tdk_buf_release(&out);
}

/* The signed Receipt with NRI for h into out.  Returns 0 or -1. */
static int make_receipt(struct serve_req *r, const struct tdk_ebms_msg *h, struct tdk_buf *out)
{
	struct tdk_buf env = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct serve_first_err e;
	struct tdk_diag d;
	char id[37], mid[64];
	int rc = -1;

	serve_diag_first(&d, "as4", &e);
	if (serve_uuid(id) == 0 && snprintf(mid, sizeof(mid), "%s@tdk-serve", id) > 0 &&
	    tdk_ebms_build_receipt(h, h->sig_refs, h->nsig_refs, mid, (long long)serve_now(), &env, &d) == 0)
		rc = sign_signal(r->s->o.as4.signer, &env, out);
	tdk_buf_release(&env);
	return rc;
}

/* Whether a and b are both NULL or equal strings. */
static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Whether the stored Receipt rcpt answers the message whose header h was
 * read: its NRI names exactly h's signed references with their digests.
 */
static int receipt_answers(const struct tdk_buf *rcpt, const struct tdk_ebms_msg *h)
{
	struct tdk_ebms_msg rm;
	struct tdk_diag d;
	size_t i, j;
	int ok = 0;

	tdk_diag_init(&d, "receipt");
	tdk_ebms_msg_init(&rm);
	if (tdk_ebms_read(rcpt->data, rcpt->len, "receipt", &rm, &d) == TDK_EXIT_OK && rm.has_signal &&
	    rm.signal.nrefs == h->nsig_refs) {
		for (i = 0, ok = 1; ok && i < h->nsig_refs; i++) {
			for (j = 0; j < rm.signal.nrefs && !same(rm.signal.refs[j].uri, h->sig_refs[i].uri); j++)
				;
			ok = j < rm.signal.nrefs && same(rm.signal.refs[j].digest_value, h->sig_refs[i].digest_value);
		}
	}
	tdk_ebms_msg_release(&rm);
	return ok;
}

/* The attachments of m as parts to store or compare (p holds TDK_AS4_MAX_ATTACHMENTS); returns their count. */
static size_t parts_of(const struct tdk_as4_msg *m, struct serve_as4_part *p)
{
	size_t i, n = m->natt < TDK_AS4_MAX_ATTACHMENTS ? m->natt : TDK_AS4_MAX_ATTACHMENTS;

	for (i = 0; i < n; i++) {
		p[i].cid = m->att[i].cid;
		p[i].type = m->att[i].type;
		p[i].bytes = m->att[i].bytes;
		p[i].len = m->att[i].len;
	}
	return n;
}

/*
 * A MessageId stored already, from the same party: nothing stored.  The
 * message sent again as it was (a retry) is answered with the stored
 * Receipt; one its sender built again (other signature digests: a later
 * run) with a new Receipt for what it received now, which its sender can
 * check, but only when its payloads are those stored: a Receipt
 * acknowledges what was delivered, and other payloads under a delivered
 * MessageId were never delivered (EBMS:0004, SERVE-AS4-CONFLICT).
 * Returns 1 when it was stored, 0, -1.
 */
static int replay(struct serve_req *r, const struct tdk_ebms_msg *h, const struct tdk_as4_msg *m)
{
	struct tdk_buf rcpt = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct serve_as4_part p[TDK_AS4_MAX_ATTACHMENTS];
	const char *msgid = h->user.message_id;
	char *who = NULL;
	int rc, same = 0;
	size_t n = parts_of(m, p);

	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_as4_get(r->s, msgid, &who, &rcpt);
	if (rc == 1)
		same = serve_store_as4_same(r->s, msgid, p, n);
	pthread_mutex_unlock(&r->s->lock);
	if (rc == 1 && same < 0)
		rc = -1;
	if (rc == 1 && strcmp(who, h->user.from.id))
		answer_error(r, "EBMS:0004", msgid, "another party sent a message with this MessageId");
	else if (rc == 1 && !same) {
		snprintf(r->code, sizeof(r->code), "SERVE-AS4-CONFLICT");
		answer_error(r, "EBMS:0004", msgid, "a message with this MessageId and other payloads was delivered");
	} else if (rc == 1 && receipt_answers(&rcpt, h)) {
		snprintf(r->code, sizeof(r->code), "SERVE-AS4-REPLAY");
		answer_signal(r, rcpt.data, rcpt.len);
	} else if (rc == 1 && make_receipt(r, h, &rcpt) == 0) {
		snprintf(r->code, sizeof(r->code), "SERVE-AS4-DUPLICATE");
		answer_signal(r, rcpt.data, rcpt.len);
	} else if (rc == 1)
		serve_refuse(r, 500, "SERVE-AS4-SIGNAL", "the Receipt cannot be made\n");
	else if (rc < 0)
		serve_refuse(r, 500, "SERVE-STATE", "the state database cannot be read\n");
	free(who);
	tdk_buf_release(&rcpt);
	return rc;
}

/*
 * Checks the ebMS header of a message read: a UserMessage with a
 * MessageId, Service and Action, to our party from a partner.  Returns the
 * partner, or NULL with r answered.
 */
static const struct tdk_serve_partner *check_header(struct serve_req *r, const struct tdk_ebms_msg *h)
{
	const struct tdk_serve_as4 *a = &r->s->o.as4;
	const struct tdk_ebms_user *u = &h->user;
	const struct tdk_serve_partner *p;

	if (!h->has_user || !u->message_id || !u->message_id[0])
		return answer_error(r, "EBMS:0009", NULL, "the message holds no UserMessage with a MessageId"), NULL;
	if (!u->service || !u->action)
		return answer_error(r, "EBMS:0009", u->message_id, "the UserMessage has no Service or Action"), NULL;
	if (!u->to.id || strcmp(u->to.id, a->party)) {
		snprintf(r->code, sizeof(r->code), "SERVE-AS4-TO");
		return answer_error(r, "EBMS:0010", u->message_id, "eb:To is not the party of this receiver"), NULL;
	}
	if (!(p = partner_of(a, u->from.id))) {
		snprintf(r->code, sizeof(r->code), "SERVE-AS4-FROM");
		return answer_error(r, "EBMS:0010", u->message_id, "eb:From is not a partner of this receiver"), NULL;
	}
	return p;
}

/* Opens m with the trust of partner p.  Returns 0, or -1 with r answered. */
static int open_msg(struct serve_req *r, struct tdk_as4_msg *m, const struct tdk_ebms_msg *h,
		    const struct tdk_serve_partner *p)
{
	struct serve_first_err e;
	struct tdk_diag d;
	int rc;

	serve_diag_first(&d, "as4", &e);
	rc = tdk_as4_open(m, r->s->o.as4.signer, p->trust, r->s->o.max_body, &d);
	if (!rc)
		return 0;
	snprintf(r->code, sizeof(r->code), "%s", e.code ? e.code : "SERVE-AS4-INTERNAL");
	answer_error(r, m->ebms_code ? m->ebms_code : "EBMS:0004", h->user.message_id, e.msg);
	return -1;
}

/* Stores m with its Receipt.  Returns what serve_store_as4 does. */
static int store(struct serve_req *r, const struct tdk_as4_msg *m, const struct tdk_ebms_user *u,
		 const struct tdk_buf *rcpt)
{
	struct serve_as4_part p[TDK_AS4_MAX_ATTACHMENTS];
	size_t n = parts_of(m, p);
	int rc;

	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_as4(r->s, u->message_id, u->from.id, u->service, u->action, p, n, rcpt->data, rcpt->len);
	pthread_mutex_unlock(&r->s->lock);
	return rc;
}

void serve_as4(struct serve_req *r)
{
	struct tdk_buf rcpt = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	const struct tdk_serve_partner *p;
	const char *ct = serve_req_header(r, "Content-Type");
	struct tdk_ebms_msg h;
	struct tdk_as4_msg m;
	struct serve_first_err e;
	struct tdk_diag d;
	int rc;

	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&h);
	if (strcmp(r->method, "POST")) {
		serve_header(r, "Allow", "POST");
		serve_refuse(r, 405, "SERVE-AS4-METHOD", "POST the AS4 message\n");
		goto out;
	}
	if (!r->s->o.as4.signer) {
		serve_refuse(r, 503, "SERVE-AS4-OFF", "tdk serve was started without --as4-key\n");
		goto out;
	}
	serve_diag_first(&d, "as4", &e);
	if (tdk_as4_read(ct ? ct : "application/octet-stream", r->body.data ? r->body.data : "", r->body.len, "as4",
			 &m, &h, &d)) {
		snprintf(r->code, sizeof(r->code), "%s", e.code ? e.code : "SERVE-AS4-INTERNAL");
		answer_error(r, m.ebms_code ? m.ebms_code : "EBMS:0004", h.has_user ? h.user.message_id : NULL, e.msg);
		goto out;
	}
	if (!(p = check_header(r, &h)) || open_msg(r, &m, &h, p) < 0 || replay(r, &h, &m) != 0)
		goto out;
	if (make_receipt(r, &h, &rcpt) < 0) {
		serve_refuse(r, 500, "SERVE-AS4-SIGNAL", "the Receipt cannot be made\n");
		goto out;
	}
	rc = store(r, &m, &h.user, &rcpt);
	if (rc < 0)
		serve_refuse(r, 500, "SERVE-STATE", "the message cannot be stored\n");
	else if (rc == 0)     /* the same MessageId stored meanwhile by another connection */
		replay(r, &h, &m);
	else
		answer_signal(r, rcpt.data, rcpt.len);
	if (rc > 0 && (r->f.bits & TDK_FAULT_DROP))   /* stored, the answer lost: the sender's resend is a replay */
		r->drop = 1;
out:
	tdk_buf_release(&rcpt);
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&h);
}
