/*
 * AS2 MDNs (RFC 4130 section 7, RFC 3798/8098): a multipart/report with a
 * human-readable part and a message/disposition-notification part, signed
 * as multipart/signed or not; and the reader that checks one against the
 * message it answers.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "net/as2-int.h"
#include "util/exitcode.h"

void tdk_as2_mdn_result_release(struct tdk_as2_mdn_result *res)
{
	free(res->original_id);
	free(res->disposition);
	free(res->mic);
	free(res->final_recipient);
	memset(res, 0, sizeof(*res));
}

static int one_line(const char *s)
{
	return s && *s && !strpbrk(s, "\r\n");
}

/* The multipart/report entity (headers included) of m into b. */
static int report(const struct tdk_as2_mdn *m, struct tdk_buf *b)
{
	unsigned char rnd[8];
	char bnd[32];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	memcpy(bnd, "tdk-mdn-", 8);
	for (i = 0; i < sizeof(rnd); i++) {
		bnd[8 + 2 * i] = "0123456789abcdef"[rnd[i] >> 4];
		bnd[9 + 2 * i] = "0123456789abcdef"[rnd[i] & 15];
	}
	bnd[8 + 2 * sizeof(rnd)] = '\0';
	if (tdk_buf_addf(b, "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"%s\"\r\n\r\n"
			    "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n",
			 bnd, bnd))
		return -1;
	if (m->text ? tdk_buf_adds(b, m->text) :
	    tdk_buf_addf(b, "The message %s was received by %s%s.", m->original_id, m->recipient,
			 m->error ? " and could not be processed" : "; this is not a guarantee that it has been processed"))
		return -1;
	if (tdk_buf_addf(b, "\r\n\r\n--%s\r\nContent-Type: message/disposition-notification\r\n"
			    "Content-Transfer-Encoding: 7bit\r\n\r\n"
			    "Reporting-UA: %s\r\nOriginal-Recipient: rfc822; %s\r\nFinal-Recipient: rfc822; %s\r\n"
			    "Original-Message-ID: %s\r\nDisposition: automatic-action/MDN-sent-automatically; processed%s%s\r\n",
			 bnd, m->reporting_ua ? m->reporting_ua : "tdk", m->recipient, m->recipient, m->original_id,
			 m->error ? "/error: " : "", m->error ? m->error : ""))
		return -1;
	if (m->mic && tdk_buf_addf(b, "Received-Content-MIC: %s\r\n", m->mic))
		return -1;
	return tdk_buf_addf(b, "\r\n--%s--\r\n", bnd);
}

int tdk_as2_mdn_build(const struct tdk_as2_mdn *m, struct tdk_as2_msg *out, struct tdk_diag *d)
{
	struct tdk_buf rep = TDK_BUF_INIT(1 << 20), body = TDK_BUF_INIT(1 << 20);
	const char *micname, *h;
	const EVP_MD *md;
	char *sct = NULL;
	int rc = TDK_EXIT_USAGE;

	memset(out, 0, sizeof(*out));
	if (!one_line(m->recipient) || !one_line(m->original_id) || (m->mic && !one_line(m->mic)) ||
	    (m->error && !one_line(m->error)) || (m->reporting_ua && !one_line(m->reporting_ua))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-FIELD", NULL,
			     "an mdn needs the recipient and the original message-id, and every field on one line");
		goto out;
	}
	if (m->sign && as2_md(m->sign, &md, &micname)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-ALG", NULL, "unknown mic algorithm %.40s", m->sign);
		goto out;
	}
	if (m->sign && (!m->key || !m->cert)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-KEY", NULL, "a signed mdn needs our key and certificate");
		goto out;
	}
	rc = TDK_EXIT_INTERNAL;
	if (report(m, &rep))
		goto out;
	if (m->sign) {
		if ((rc = as2_sign(m->key, m->cert, md, micname, (struct as2_slice){ (unsigned char *)rep.data, rep.len },
				   &body, &sct, d)))
			goto out;
		rc = TDK_EXIT_INTERNAL;
		out->content_type = sct;
		sct = NULL;
	} else {
		h = strstr(rep.data, "\r\n\r\n") + 4;
		if (!(out->content_type = as2_strndup(rep.data + 14, (size_t)(h - 4 - rep.data - 14))) ||
		    tdk_buf_add(&body, h, rep.len - (size_t)(h - rep.data)))
			goto out;
	}
	out->len = body.len;
	if ((out->body = (unsigned char *)tdk_buf_detach(&body)))
		rc = 0;
out:
	if (rc == TDK_EXIT_INTERNAL)
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-INTERNAL", NULL, "out of memory or an openssl failure while making an mdn");
	free(sct);
	tdk_buf_release(&rep);
	tdk_buf_release(&body);
	return rc;
}

/* Keeps the notification fields the checks need. */
static int mdn_field(void *arg, const unsigned char *f, size_t n)
{
	static const char *const names[] = { "original-message-id", "disposition", "received-content-mic",
					     "final-recipient" };
	struct tdk_as2_mdn_result *res = arg;
	char **slots[4];

	slots[0] = &res->original_id;
	slots[1] = &res->disposition;
	slots[2] = &res->mic;
	slots[3] = &res->final_recipient;
	return as2_keep(f, n, names, slots, 4);
}

/* The message/disposition-notification part of the multipart/report entity e, read into res. */
static int notification(const struct as2_entity *e, struct tdk_as2_mdn_result *res, struct tdk_diag *d)
{
	struct as2_slice parts[TDK_AS2_MAX_PARTS];
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);
	char bnd[80];
	size_t np, i, off;
	int rc = TDK_EXIT_IO;

	if (!as2_type_is(e->ctype, "multipart/report")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-MALFORMED", NULL, "the mdn is %.80s, not multipart/report",
			     e->ctype ? e->ctype : "text/plain");
		return TDK_EXIT_IO;
	}
	if (!as2_param(e->ctype, "boundary", bnd, sizeof(bnd)))
		bnd[0] = '\0';
	if ((rc = as2_multipart(e->body, bnd, parts, &np, d)))
		return rc;
	rc = TDK_EXIT_IO;
	for (i = 0; i < np; i++) {
		struct as2_entity p;

		if ((rc = as2_entity_parse(parts[i].p, parts[i].n, &p, d))) {
			as2_entity_release(&p);
			break;
		}
		if (as2_type_is(p.ctype, "message/disposition-notification")) {
			if (!(rc = as2_entity_decode(&p, &b, d)))
				rc = as2_fields((const unsigned char *)b.data, b.len, 0, mdn_field, res, &off, d);
			as2_entity_release(&p);
			break;
		}
		as2_entity_release(&p);
		rc = TDK_EXIT_IO;
	}
	tdk_buf_release(&b);
	if (!rc && (!res->original_id || !res->disposition)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-MALFORMED", NULL,
			     "the mdn has no %s", res->disposition ? "original-message-id" : "disposition");
		rc = TDK_EXIT_IO;
	} else if (rc == TDK_EXIT_IO && i == np) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-MALFORMED", NULL, "the mdn has no message/disposition-notification part");
	}
	return rc;
}

/* s without spaces around it and without angle brackets, into out. */
static void bare_id(const char *s, char *out, size_t size)
{
	size_t n;

	while (*s == ' ')
		s++;
	if (*s == '<')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n && s[n - 1] == '>')
		n--;
	if (n >= size)
		n = size - 1;
	memmove(out, s, n);
	out[n] = '\0';
}

/* Nonzero when two MICs ("base64, alg") are the same digest with the same algorithm. */
static int same_mic(const char *a, const char *b)
{
	const char *ca = strchr(a, ','), *cb = strchr(b, ','), *na, *nb;
	const EVP_MD *ma, *mb;
	char va[TDK_AS2_MIC_MAX], vb[TDK_AS2_MIC_MAX];

	if (!ca || !cb)
		return 0;
	if ((size_t)(ca - a) >= sizeof(va) || (size_t)(cb - b) >= sizeof(vb))
		return 0;
	memcpy(va, a, (size_t)(ca - a));
	va[ca - a] = '\0';
	memcpy(vb, b, (size_t)(cb - b));
	vb[cb - b] = '\0';
	bare_id(va, va, sizeof(va));
	bare_id(vb, vb, sizeof(vb));
	while (*++ca == ' ')
		;
	while (*++cb == ' ')
		;
	return !strcmp(va, vb) && !as2_md(ca, &ma, &na) && !as2_md(cb, &mb, &nb) && ma == mb;
}

/* The disposition: 0 processed, 1 processed with a warning, -1 an error or failure. */
static int disposition(const char *disp, struct tdk_diag *d)
{
	const char *p = strchr(disp, ';'), *slash;

	if (p)
		while (*++p == ' ')
			;
	if (!p || strncasecmp(p, "processed", 9) || (p[9] && p[9] != '/' && p[9] != ' ')) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-ERROR", NULL, "the partner did not process the message: %.200s",
			     disp);
		return -1;
	}
	if (!(slash = strchr(p, '/')))
		return 0;
	for (slash++; *slash == ' '; slash++)
		;
	if (!strncasecmp(slash, "warning", 7)) {
		tdk_diag_add(d, TDK_SEV_WARNING, "AS2-MDN-WARNING", NULL, "the partner processed the message with a warning: %.200s",
			     slash);
		return 1;
	}
	tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-ERROR", NULL, "the partner reports %.200s", slash);
	return -1;
}

/* Checks what the notification says against what we sent. */
static int mdn_checks(const struct tdk_as2_mdn_check *c, struct tdk_as2_mdn_result *res, struct tdk_diag *d)
{
	char a[1000], b[1000];
	int rc = 0;

	if (c->message_id) {
		bare_id(c->message_id, a, sizeof(a));
		bare_id(res->original_id, b, sizeof(b));
		if (strcmp(a, b)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-MSGID", NULL,
				     "the mdn answers message <%.200s>, not <%.200s>", b, a);
			rc = TDK_EXIT_NEGATIVE;
		}
	}
	if (c->mic && (!res->mic || !same_mic(c->mic, res->mic))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-MIC", NULL,
			     "the mdn's received-content-mic %.100s is not the mic computed when sending (%.100s)",
			     res->mic ? res->mic : "(none)", c->mic);
		rc = TDK_EXIT_NEGATIVE;
	}
	res->processed = disposition(res->disposition, d) >= 0;
	if (!res->processed)
		rc = TDK_EXIT_NEGATIVE;
	return rc;
}

int tdk_as2_mdn_read(const struct tdk_as2_mdn_check *c, const char *content_type, const void *data, size_t n,
		     struct tdk_as2_mdn_result *res, struct tdk_diag *d)
{
	struct tdk_buf canon = TDK_BUF_INIT(TDK_AS2_MAX_BODY + TDK_AS2_MAX_BODY / 2);
	struct as2_entity top, rep;
	struct as2_slice part = { NULL, 0 };
	const char *micalg;
	int rc, sig = 0;

	memset(res, 0, sizeof(*res));
	memset(&rep, 0, sizeof(rep));
	if ((rc = as2_top(content_type, data, n, &top, d)))
		goto out;
	if (as2_type_is(top.ctype, "multipart/signed")) {
		res->was_signed = 1;
		if ((sig = as2_verify(&top, c->partner, &canon, &part, &micalg, d)) && !part.p) {
			rc = sig;
			goto out;
		}
		if ((rc = as2_entity_parse(part.p, part.n, &rep, d)) || (rc = notification(&rep, res, d)))
			goto out;
	} else if ((rc = notification(&top, res, d))) {
		goto out;
	}
	if (!res->was_signed && c->require_signed) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MDN-UNSIGNED", NULL, "the mdn is not signed and a signed mdn was asked for");
		sig = TDK_EXIT_NEGATIVE;
	}
	rc = mdn_checks(c, res, d);
	if (sig)
		rc = sig;
out:
	if (rc == TDK_EXIT_INTERNAL)
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-INTERNAL", NULL, "out of memory or an openssl failure while reading an mdn");
	as2_entity_release(&top);
	as2_entity_release(&rep);
	tdk_buf_release(&canon);
	return rc;
}
