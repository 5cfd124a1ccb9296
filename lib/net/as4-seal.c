/*
 * The sender's composition of AS4 (the AS4 profile: sign, then encrypt)
 * and its check of the synchronous answer: a Receipt verified with the
 * partner's certificate and compared with what was signed, or an Error
 * signal turned into diagnostics.  The message's attachments (struct
 * tdk_as4_att, owning) are lent to lib/net/wss.h as struct
 * tdk_wss_attachment (borrowing) and take back what encryption replaced
 * (tdk_as4_wss_view, tdk_as4_wss_take), so that no payload is copied for
 * signing and each is copied once by the encryption.
 */
#include <stdlib.h>
#include <string.h>

#include "net/as4.h"
#include "net/wss.h"
#include "sign/sign.h"
#include "util/exitcode.h"

int tdk_as4_seal(struct tdk_as4_msg *m, const struct tdk_signer *s, void *partner, struct tdk_diag *d)
{
	struct tdk_wss_attachment a[TDK_WSS_MAX_ATTACHMENTS];
	size_t n;
	int r;

	if (m->natt > TDK_WSS_MAX_ATTACHMENTS) {
		tdk_diag_add(d, TDK_SEV_ERROR, "WSS-LIMIT", NULL, "more than %d attachments to sign",
			     TDK_WSS_MAX_ATTACHMENTS);
		return TDK_EXIT_NEGATIVE;
	}
	n = tdk_as4_wss_view(m, a);
	if ((r = tdk_wss_sign(m->env, s, a, n, d)) != 0)
		goto out;
	if (partner && (r = tdk_wss_encrypt(m->env, partner, a, n, d)) != 0)
		goto out;
	if (tdk_as4_wss_take(m, a, n) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-LIMIT", NULL, "out of memory sealing the message");
		r = TDK_EXIT_INTERNAL;
	}
out:
	tdk_wss_attachments_release(a, n);
	return r;
}

void tdk_as4_answer_release(struct tdk_as4_answer *a)
{
	free(a->signal_id);
	memset(a, 0, sizeof(*a));
}

/* Whether doc's SOAP Header holds a wsse:Security header. */
static int has_security(xmlDocPtr doc)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n, *h;

	for (n = root ? root->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "Header"))
			continue;
		for (h = n->children; h; h = h->next)
			if (h->type == XML_ELEMENT_NODE && h->ns && !strcmp((const char *)h->name, "Security") &&
			    !strcmp((const char *)h->ns->href, TDK_NS_WSSE))
				return 1;
	}
	return 0;
}

/* Verifies the signal's signature with t; says AS4-ANSWER-UNTRUSTED when it does not verify. */
static int verify_signal(xmlDocPtr env, const struct tdk_trust *t, const char *what, struct tdk_diag *d)
{
	struct tdk_wss_result res;
	int r;

	memset(&res, 0, sizeof(res));
	if ((r = tdk_wss_verify(env, t, &res, d)) == 0)
		return 0;
	if (r == TDK_EXIT_INTERNAL)
		return r;
	tdk_diag_add(d, TDK_SEV_ERROR, "AS4-ANSWER-UNTRUSTED", NULL, "the %s's signature does not verify with the "
		     "partner's certificate%s%.200s", what, res.token[0] ? "; it is signed by " : "", res.token);
	return TDK_EXIT_TRUST;
}

/* The verdict of a read signal hdr in the envelope env. */
static int judge(xmlDocPtr env, const struct tdk_ebms_msg *hdr, xmlDocPtr sent, const char *sent_id,
		 const struct tdk_trust *t, struct tdk_as4_answer *a, struct tdk_diag *d)
{
	int r;

	if (!hdr->signal.receipt && hdr->signal.nerrors) {
		if (has_security(env) && (r = verify_signal(env, t, "error signal", d)) != 0) {
			a->verdict = TDK_AS4_UNTRUSTED;
			return r;
		}
		if (tdk_as4_signal_errors(hdr, d) != TDK_EXIT_OK) {
			a->verdict = TDK_AS4_REJECTED;
			return TDK_EXIT_NEGATIVE;
		}
	}
	if (!hdr->signal.receipt) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-ANSWER-UNREADABLE", NULL, "the answer holds neither a receipt nor "
			     "an error of severity failure");
		a->verdict = TDK_AS4_UNREADABLE;
		return TDK_EXIT_REMOTE;
	}
	if (!has_security(env)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-ANSWER-UNTRUSTED", NULL, "the receipt is not signed: it proves "
			     "nothing (non-repudiation of receipt)");
		a->verdict = TDK_AS4_UNTRUSTED;
		return TDK_EXIT_TRUST;
	}
	if ((r = verify_signal(env, t, "receipt", d)) != 0) {
		a->verdict = TDK_AS4_UNTRUSTED;
		return r;
	}
	if ((r = tdk_as4_receipt_check(env, sent, sent_id, d)) != 0) {
		if (r == TDK_EXIT_INTERNAL)
			return r;
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-ANSWER-MISMATCH", NULL, "the partner's signed receipt does not "
			     "acknowledge the message sent, '%.200s'", sent_id);
		a->verdict = TDK_AS4_MISMATCH;
		return TDK_EXIT_REMOTE;
	}
	a->verdict = TDK_AS4_ACCEPTED;
	return TDK_EXIT_OK;
}

int tdk_as4_answer_check(const char *content_type, const char *body, size_t len, xmlDocPtr sent,
			 const char *sent_id, const struct tdk_trust *t, struct tdk_as4_answer *a,
			 struct tdk_diag *d)
{
	struct tdk_as4_msg m;
	struct tdk_ebms_msg hdr;
	int r;

	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	a->verdict = TDK_AS4_UNREADABLE;
	a->signal_id = NULL;
	r = tdk_as4_read(content_type ? content_type : "application/soap+xml", body ? body : "", len, "answer", &m,
			 &hdr, d);
	if (r == TDK_EXIT_INTERNAL)
		goto out;
	if (r || !m.env || !hdr.has_signal) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-ANSWER-UNREADABLE", NULL, "the answer is no ebMS signal that can "
			     "be read");
		r = TDK_EXIT_REMOTE;
		goto out;
	}
	if (hdr.signal.message_id && !(a->signal_id = strdup(hdr.signal.message_id))) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	r = judge(m.env, &hdr, sent, sent_id, t, a, d);
out:
	tdk_ebms_msg_release(&hdr);
	tdk_as4_msg_release(&m);
	return r;
}
