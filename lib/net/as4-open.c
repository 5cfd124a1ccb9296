/*
 * The receiver's side of an AS4 message between tdk_as4_read and the
 * payloads' use: decryption with our key (tdk_wss_decrypt), verification of
 * the WS-Security signature with its coverage against the sender's
 * certificate alone (tdk_wss_verify_msg), then decompression within a bound
 * (tdk_as4_decompress); each refusal names the ebMS error code a receiver
 * answers with.  The attachments of the message own their bytes; the
 * WS-Security functions borrow them through an array of struct
 * tdk_wss_attachment, and what decryption replaces moves into the message
 * without a copy.
 */
#include <stdlib.h>
#include <string.h>

#include "net/as4.h"
#include "net/wss.h"
#include "util/exitcode.h"

size_t tdk_as4_wss_view(const struct tdk_as4_msg *m, struct tdk_wss_attachment *a)
{
	size_t i, n = m->natt < TDK_WSS_MAX_ATTACHMENTS ? m->natt : TDK_WSS_MAX_ATTACHMENTS;

	for (i = 0; i < n; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].cid = m->att[i].cid;
		a[i].type = m->att[i].type;
		a[i].data = m->att[i].bytes;
		a[i].len = m->att[i].len;
	}
	return n;
}

int tdk_as4_wss_take(struct tdk_as4_msg *m, struct tdk_wss_attachment *a, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < m->natt; i++) {
		struct tdk_as4_att *t = &m->att[i];

		if (a[i].owned) {
			free(t->bytes);
			t->bytes = a[i].owned;
			t->len = a[i].len;
			a[i].owned = NULL;
		}
		if (a[i].owned_type || (a[i].type && a[i].type != t->type)) {
			char *type = a[i].owned_type ? a[i].owned_type : strdup(a[i].type);

			if (!type)
				return -1;
			free(t->type);
			t->type = type;
			a[i].owned_type = NULL;
		}
		a[i].data = t->bytes;
		a[i].type = t->type;
	}
	return 0;
}

/* The refusal of step code (an AS4-* diagnostic) with its ebMS code; returns rc. */
static int refuse(struct tdk_as4_msg *m, struct tdk_diag *d, int rc, const char *code, const char *ebms,
		  const char *what)
{
	const char *desc = "", *sev, *cat;

	tdk_ebms_error_lookup(ebms, &desc, &sev, &cat);
	if (!m->ebms_code)
		m->ebms_code = ebms;
	tdk_diag_add(d, TDK_SEV_ERROR, code, NULL, "%s %s: %s", ebms, desc, what);
	return rc == TDK_EXIT_INTERNAL ? rc : TDK_EXIT_NEGATIVE;
}

int tdk_as4_open(struct tdk_as4_msg *m, const struct tdk_signer *s, const struct tdk_trust *t, size_t max,
		 struct tdk_diag *d)
{
	struct tdk_wss_attachment a[TDK_WSS_MAX_ATTACHMENTS];
	struct tdk_wss_result res;
	size_t n = m->natt;
	int rc;

	memset(a, 0, sizeof(a));
	memset(&res, 0, sizeof(res));
	if (!m->env)
		return refuse(m, d, TDK_EXIT_NEGATIVE, "AS4-ENVELOPE", "EBMS:0009", "the message has no envelope");
	if (n > TDK_WSS_MAX_ATTACHMENTS)
		return refuse(m, d, TDK_EXIT_NEGATIVE, "AS4-LIMIT", "EBMS:0004", "too many attachments");
	tdk_as4_wss_view(m, a);
	if (s && (rc = tdk_wss_decrypt(m->env, s, a, n, d))) {
		rc = refuse(m, d, rc, "AS4-DECRYPTION", "EBMS:0102", "the attachments do not decrypt with our key");
		goto out;
	}
	if (tdk_as4_wss_take(m, a, n) < 0) {
		rc = TDK_EXIT_INTERNAL;
		goto out;
	}
	if ((rc = tdk_wss_verify_msg(m->env, t, a, n, &res, d))) {
		rc = refuse(m, d, rc, "AS4-AUTHENTICATION", "EBMS:0101",
			    "the signature does not verify with the sender's certificate, or does not cover the message");
		goto out;
	}
	rc = tdk_as4_decompress(m, max, d);
out:
	tdk_wss_attachments_release(a, n);
	return rc;
}
