/*
 * The sender's side of AS4 receipts: a Receipt's non-repudiation
 * information (ebbp:NonRepudiationInformation of the ebBP signals schema,
 * which the AS4 profile's non-repudiation of receipt puts in eb:Receipt)
 * compared, reference by reference, with the WS-Security signature of the
 * message it answers; and an Error signal (ebMS 3 core 6.2) turned into
 * diagnostics that carry its ebMS code.
 */
#include <string.h>

#include "net/as4.h"
#include "util/exitcode.h"

/* Whether two strings, either NULL, are equal. */
static int same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* The index of the reference with URI uri among refs[0..n) from index from, or -1. */
static long find_ref(const struct tdk_ebms_ref *refs, size_t n, size_t from, const char *uri)
{
	for (size_t i = from; i < n; i++)
		if (same(refs[i].uri, uri))
			return (long)i;
	return -1;
}

/* Compares the receipt's references (r) with the sent signature's (s). */
static int compare_refs(const struct tdk_ebms_signal *r, const struct tdk_ebms_msg *s, struct tdk_diag *d)
{
	int ret = TDK_EXIT_OK;
	long at;

	for (size_t i = 0; i < s->nsig_refs; i++) {
		const struct tdk_ebms_ref *x = &s->sig_refs[i];
		const char *uri = x->uri ? x->uri : "";

		at = find_ref(r->refs, r->nrefs, 0, x->uri);
		if (at < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-MISSING-REF", NULL, "the receipt does not name the signed "
				     "reference '%.200s'", uri);
			ret = TDK_EXIT_NEGATIVE;
		} else if (!same(r->refs[at].digest_value, x->digest_value) ||
			   !same(r->refs[at].digest_method, x->digest_method)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-DIGEST", NULL, "the receipt's digest of '%.200s' is "
				     "'%.100s', the signed one '%.100s'", uri,
				     r->refs[at].digest_value ? r->refs[at].digest_value : "",
				     x->digest_value ? x->digest_value : "");
			ret = TDK_EXIT_NEGATIVE;
		}
	}
	for (size_t i = 0; i < r->nrefs; i++) {
		const char *uri = r->refs[i].uri ? r->refs[i].uri : "";

		if (find_ref(s->sig_refs, s->nsig_refs, 0, r->refs[i].uri) < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-EXTRA-REF", NULL, "the receipt names '%.200s', which the "
				     "sent message did not sign", uri);
			ret = TDK_EXIT_NEGATIVE;
		} else if (find_ref(r->refs, r->nrefs, i + 1, r->refs[i].uri) >= 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-EXTRA-REF", NULL, "the receipt names '%.200s' twice", uri);
			ret = TDK_EXIT_NEGATIVE;
		}
	}
	return ret;
}

/* Checks the receipt's header rm against the sent message's sm (its id sent_id). */
static int check(const struct tdk_ebms_msg *rm, const struct tdk_ebms_msg *sm, const char *sent_id,
		 struct tdk_diag *d)
{
	const struct tdk_ebms_signal *r = &rm->signal;
	int ret = TDK_EXIT_OK;

	if (!rm->has_signal) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-NONE", NULL, "the answer holds no SignalMessage");
		return TDK_EXIT_NEGATIVE;
	}
	if (r->nerrors && tdk_as4_signal_errors(rm, d) != TDK_EXIT_OK)
		ret = TDK_EXIT_NEGATIVE;
	if (!same(r->ref_to, sent_id)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-OTHER-MESSAGE", NULL, "the receipt answers '%.200s', not the "
			     "message sent, '%.200s'", r->ref_to ? r->ref_to : "(no RefToMessageId)", sent_id);
		ret = TDK_EXIT_NEGATIVE;
	}
	if (!r->receipt || !r->nri) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-NONE", NULL, r->receipt ? "the receipt holds no "
			     "ebbp:NonRepudiationInformation" : "the answer holds no eb:Receipt");
		return TDK_EXIT_NEGATIVE;
	}
	if (!sm->nsig_refs) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-NRI-UNSIGNED", NULL, "the sent message has no WS-Security "
			     "signature to check the receipt against");
		return TDK_EXIT_NEGATIVE;
	}
	if (compare_refs(r, sm, d) != TDK_EXIT_OK)
		ret = TDK_EXIT_NEGATIVE;
	return ret;
}

int tdk_as4_receipt_check(xmlDocPtr receipt, xmlDocPtr sent, const char *sent_id, struct tdk_diag *d)
{
	struct tdk_ebms_msg rm, sm;
	int ret;

	tdk_ebms_msg_init(&rm);
	tdk_ebms_msg_init(&sm);
	ret = tdk_ebms_read_doc(receipt, &rm, d);
	if (ret == TDK_EXIT_INTERNAL)
		goto out;
	/* The sent message was built here; only its signature's references matter. */
	if (tdk_ebms_read_doc(sent, &sm, d) == TDK_EXIT_INTERNAL) {
		ret = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (check(&rm, &sm, sent_id, d) != TDK_EXIT_OK)
		ret = TDK_EXIT_NEGATIVE;
out:
	tdk_ebms_msg_release(&rm);
	tdk_ebms_msg_release(&sm);
	return ret;
}

int tdk_as4_signal_errors(const struct tdk_ebms_msg *hdr, struct tdk_diag *d)
{
	const struct tdk_ebms_signal *s = &hdr->signal;
	int ret = TDK_EXIT_OK;

	for (size_t i = 0; hdr->has_signal && i < s->nerrors; i++) {
		const struct tdk_ebms_error *e = &s->errors[i];
		const char *desc = e->short_desc;
		int warn = e->severity && !strcmp(e->severity, "warning");

		if (!desc && e->code)
			tdk_ebms_error_lookup(e->code, &desc, NULL, NULL);
		tdk_diag_add(d, warn ? TDK_SEV_WARNING : TDK_SEV_ERROR, warn ? "AS4-WARNING" : "AS4-ERROR", NULL,
			     "%.32s %.64s%s%.300s%s%.200s%s", e->code ? e->code : "(no code)", desc ? desc : "",
			     e->detail ? ": " : "", e->detail ? e->detail : "",
			     e->ref_in_error ? " (message in error '" : "", e->ref_in_error ? e->ref_in_error : "",
			     e->ref_in_error ? "')" : "");
		if (!warn)
			ret = TDK_EXIT_NEGATIVE;
	}
	return ret;
}
