/*
 * tdk poll: fetching, storing and explaining notifications (cmd/poll-int.h).
 * A notification is stored in the journal, matched or not, well-formed or
 * not, before anything about it is reported: the server marked it pulled
 * when it was fetched, so the journal is the only copy tdk can count on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "poll-int.h"
#include "net/notify.h"
#include "util/io.h"

/* Whether the rejection (fc) of sub was explained in this run already (a duplicate); records it when not. */
static int explained(struct poll *p, int64_t sub, const char *fc)
{
	char key[24];
	size_t i;
	void *v;

	snprintf(key, sizeof(key), "%lld %.4s", (long long)sub, fc);
	for (i = 0; i < p->nexplained; i++)
		if (!strcmp(p->explained[i], key))
			return 1;
	if (!(v = realloc(p->explained, (p->nexplained + 1) * sizeof(*p->explained))))
		return 0;
	p->explained = v;
	memcpy(p->explained[p->nexplained++], key, sizeof(key));
	return 0;
}

/*
 * The errors of a rejection, explained as tdk explain does: in the
 * declaration that was sent when its file is still there unchanged (by its
 * SHA-256), else in the notification.
 */
static void explain(struct poll *p, struct tdk_diag *nd, int64_t sub, const struct tdk_notify *n,
		    const char *body, size_t len)
{
	struct tdk_journal_row row = { 0 };
	struct tdk_explain_decl decl;
	struct tdk_diag quiet;
	char sha[TDK_JOURNAL_HASH_HEX + 1], id[32];
	int have = 0;

	memset(&decl, 0, sizeof(decl));
	if (explained(p, sub, n->function_code))
		return;
	tdk_diag_init(&quiet, "poll");
	snprintf(id, sizeof(id), "%lld", (long long)sub);
	if (tdk_journal_get(p->j, id, &row, &quiet) == TDK_JOURNAL_HELD && row.name && !access(row.name, R_OK) &&
	    !tdk_explain_decl_load(&decl, row.name, &quiet) &&
	    !tdk_journal_sha256_hex(decl.buf.data ? decl.buf.data : "", decl.buf.len, sha) && !strcmp(sha, row.sha256))
		have = 1;
	tdk_explain_errors(&p->dict, have ? &decl : NULL, nd, nd->file, n->response, body, len);
	tdk_explain_decl_release(&decl);
	tdk_journal_row_release(&row);
}

/* What is said about a notification once it is stored as submission sub (r: what the journal answered). */
static void tell(struct poll *p, struct tdk_diag *nd, int r, int64_t sub, int bad, const char *why,
		 const struct tdk_notify *n, const char *conv, const char *body, size_t len)
{
	if (r == TDK_JOURNAL_NONE) {
		p->unmatched++;
		tdk_diag_add(nd, TDK_SEV_WARNING, "POLL-UNMATCHED", NULL,
			     "matches no submission of endpoint '%s' (LRN '%s', conversation '%s'): kept in the "
			     "journal as submission %lld", p->e->name, n->lrn[0] ? n->lrn : "-", conv ? conv : "-",
			     (long long)sub);
	} else if (p->all && poll_add_sub(p, sub) < 0) {
		p->rep.failed = 1;
	}
	if (bad) {
		p->malformed++;
		tdk_diag_add(nd, TDK_SEV_ERROR, "POLL-MALFORMED", NULL,
			     "the notification is malformed (%s): kept in the journal (submission %lld), not believed",
			     why, (long long)sub);
	} else if (n->errors && r != TDK_JOURNAL_NONE) {
		explain(p, nd, sub, n, body, len);
	}
}

/* Fetches notification id from the list which, stores it, then reports it.  Returns 0 or an exit code. */
static int fetch(struct poll *p, const char *which, const char *id)
{
	struct tdk_http_resp resp;
	struct tdk_notify n;
	struct tdk_diag *nd = &p->d;
	const char *saved = p->d.file;
	char name[TDK_PULL_ID_MAX + 16], conv[128], why[128], detail[TDK_NOTIFY_REF_MAX + 160];
	const char *cv, *body;
	int64_t sub = 0;
	size_t len;
	int r, bad;

	tdk_http_resp_init(&resp);
	memset(&n, 0, sizeof(n));
	snprintf(name, sizeof(name), "notification %s", id);
	r = tdk_pull_get(&p->pull, which, id, &resp, &p->d);
	if (r && resp.outcome != TDK_HTTP_TOO_LARGE) {
		r = r == TDK_PULL_GONE ? 0 : r;
		goto out;
	}
	p->fetched++;
	nd->file = name;
	cv = tdk_http_resp_header(&resp, "X-Conversation-ID", &len);
	if (cv && len && len < sizeof(conv)) {
		memcpy(conv, cv, len);
		conv[len] = '\0';
		cv = conv;
	} else {
		cv = NULL;
	}
	body = resp.body.data ? resp.body.data : "";
	if (r) {
		/* Fetched (so marked pulled) but over the client's cap: kept as malformed, without its body. */
		snprintf(why, sizeof(why), "larger than the client's cap");
		resp.body.len = 0;
		bad = TDK_EXIT_IO;
	} else {
		bad = tdk_notify_read(body, resp.body.len, name, p->has_set ? &p->set : NULL, &n, why, sizeof(why), nd);
	}
	if (bad == TDK_EXIT_INTERNAL) {
		r = bad;
		goto out;
	}
	if (bad)
		snprintf(detail, sizeof(detail), "malformed: %s", why);
	else
		snprintf(detail, sizeof(detail), "%s%s%sfunction code %s", n.mrn[0] ? "MRN " : "", n.mrn,
			 n.mrn[0] ? "; " : "", n.function_code);
	{
		struct tdk_journal_note note = { p->e->name, cv, n.lrn[0] ? n.lrn : NULL, bad ? "malformed" : n.outcome,
						 !bad && n.final, body, resp.body.len, detail, id, 1 };

		r = tdk_journal_notify(p->j, &note, &sub, nd);
	}
	if (r == TDK_JOURNAL_HELD) {
		r = 0;
		goto out;
	}
	if (r == TDK_JOURNAL_SENDING) {
		p->deferred++;
		tdk_diag_add(nd, TDK_SEV_NOTE, "POLL-DEFERRED", NULL, "submission %lld is being sent: the notification "
			     "stays on the server's pulled list for the next round", (long long)sub);
		r = 0;
		goto out;
	}
	if (r && r != TDK_JOURNAL_NONE) {
		tdk_diag_add(nd, TDK_SEV_ERROR, "POLL-JOURNAL", NULL, "not stored in the journal: the next tdk poll "
			     "fetches it again from the list of pulled notifications");
		goto out;
	}
	tell(p, nd, r, sub, bad != 0, why, &n, cv, body, resp.body.len);
	r = 0;
out:
	p->d.file = saved;
	tdk_notify_release(&n);
	tdk_http_resp_release(&resp);
	return r;
}

int poll_round(struct poll *p, int recover)
{
	struct tdk_pull_ids ids = { 0 };
	struct tdk_journal_row row = { 0 };
	size_t i;
	int r = 0;

	p->deferred = 0;
	if (recover && !(r = tdk_pull_list(&p->pull, "pulled", &ids, &p->d))) {
		for (i = 0; i < ids.n && !r; i++) {
			r = tdk_journal_noted(p->j, p->e->name, ids.v[i], &row, &p->d);
			tdk_journal_row_release(&row);
			if (r == TDK_JOURNAL_HELD)
				r = 0;
			else if (r == TDK_JOURNAL_NONE)
				r = fetch(p, "pulled", ids.v[i]);
		}
	}
	if (!r && !(r = tdk_pull_list(&p->pull, "unpulled", &ids, &p->d)))
		for (i = 0; i < ids.n && !r; i++)
			r = fetch(p, "unpulled", ids.v[i]);
	tdk_pull_ids_release(&ids);
	return r;
}
