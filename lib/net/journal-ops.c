/*
 * The journal's state changes (begin, answer, requeue, resend, notify) and
 * its readers (find, get, each, rows), each write a step that
 * journal_write() (journal-group.c) commits, with the head file written,
 * before the function returns.
 * The rules are in journal.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/journal-int.h"
#include "net/notify.h"
#include "util/exitcode.h"

/* The last row of every submission, for WHERE clauses that follow. */
#define LAST_ROWS "SELECT " JOURNAL_COLS " FROM rows r WHERE seq = (SELECT max(seq) FROM rows WHERE sub = r.sub)"

int tdk_journal_find(struct tdk_journal *j, const char *endpoint, const char *sha256, struct tdk_journal_row *row,
		     struct tdk_diag *d)
{
	return journal_last(j, LAST_ROWS " AND sub = (SELECT sub FROM claims WHERE endpoint = ?1 AND sha256 = ?2)",
			    endpoint, sha256, row, d);
}

int tdk_journal_get(struct tdk_journal *j, const char *id, struct tdk_journal_row *row, struct tdk_diag *d)
{
	size_t n = strspn(id, "0123456789");

	if (n && !id[n])
		return journal_last(j, LAST_ROWS " AND sub = (SELECT sub FROM rows WHERE seq = CAST(?1 AS BIGINT))",
				    id, NULL, row, d);
	return journal_last(j, LAST_ROWS " AND sha256 = lower(CAST(?1 AS TEXT)) ORDER BY seq DESC LIMIT 1", id, NULL, row, d);
}

int tdk_journal_by_message(struct tdk_journal *j, const char *profile, const char *message_id,
			   struct tdk_journal_row *row, struct tdk_diag *d)
{
	return journal_last(j, LAST_ROWS " AND sub = (SELECT sub FROM rows WHERE profile = ?1 AND kind = 'begin'"
			    " AND message_id = ?2 ORDER BY seq DESC LIMIT 1)", profile, message_id, row, d);
}

/* The last row of submission sub, inside a transaction. */
static int last_of(struct tdk_journal *j, int64_t sub, struct tdk_journal_row *row, struct tdk_diag *d)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", (long long)sub);
	return journal_last(j, LAST_ROWS " AND sub = CAST(?1 AS BIGINT)", id, NULL, row, d);
}

/* Whether s is 64 lowercase hex digits. */
static int is_sha256(const char *s)
{
	return s && strlen(s) == TDK_JOURNAL_HASH_HEX && strspn(s, "0123456789abcdef") == TDK_JOURNAL_HASH_HEX;
}

/* Checks a document before it is recorded. */
static int check_doc(const struct tdk_journal_doc *doc, struct tdk_diag *d)
{
	const char *p = doc->profile;

	if (!doc->endpoint || !*doc->endpoint || !is_sha256(doc->sha256) || !doc->name ||
	    !(p && (!strcmp(p, "rest") || !strcmp(p, "as4") || !strcmp(p, "as2")))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-ARGUMENT", NULL,
			     "a submission needs an endpoint, a profile (rest, as4, as2), a name and a SHA-256 in hex");
		return TDK_EXIT_USAGE;
	}
	return 0;
}

/* A new submission: the claim and its queued row. */
static int start(struct tdk_journal *j, const struct tdk_journal_doc *doc, struct tdk_journal_row *row,
		 struct tdk_diag *d)
{
	const char *p[3];
	char sub[32];
	int r;

	tdk_journal_row_release(row);
	if (journal_set(&row->kind, "begin") < 0 || journal_set(&row->endpoint, doc->endpoint) < 0 ||
	    journal_set(&row->profile, doc->profile) < 0 || journal_set(&row->sha256, doc->sha256) < 0 ||
	    journal_set(&row->name, doc->name) < 0 || journal_set(&row->lrn, doc->lrn) < 0 ||
	    journal_set(&row->message_id, doc->message_id) < 0 || journal_set(&row->state, "queued") < 0)
		return TDK_EXIT_INTERNAL;
	if ((r = journal_append(j, row, d)))
		return r;
	snprintf(sub, sizeof(sub), "%lld", (long long)row->sub);
	p[0] = doc->endpoint;
	p[1] = doc->sha256;
	p[2] = sub;
	return j->ops->exec(j, "INSERT INTO claims(endpoint, sha256, sub) VALUES(?1, ?2, CAST(?3 AS BIGINT))", p, 3, d);
}

/* Makes row the next row of its submission: kind, state and detail, the answer fields cleared. */
static int reset(struct tdk_journal_row *row, const char *kind, const char *state, const char *detail)
{
	row->http_status = 0;
	if (journal_set(&row->kind, kind) < 0 || journal_set(&row->state, state) < 0 ||
	    journal_set(&row->headers, NULL) < 0 || journal_set(&row->body, NULL) < 0 ||
	    journal_set(&row->body_sha256, NULL) < 0 || journal_set(&row->detail, detail) < 0)
		return -1;
	return 0;
}

/* Appends the next row of row's submission (reset() with these). */
static int next(struct tdk_journal *j, struct tdk_journal_row *row, const char *kind, const char *state,
		const char *detail, struct tdk_diag *d)
{
	return reset(row, kind, state, detail) < 0 ? TDK_EXIT_INTERNAL : journal_append(j, row, d);
}

/* What the steps of begin, answer, requeue and resend work on. */
struct sub_step {
	const struct tdk_journal_doc *doc;
	int64_t sub;
	const struct tdk_journal_answer *a;
	const char *text;                  /* requeue's reason, resend's detail */
	struct tdk_journal_row *row;
};

/* begin's step: the claim read and the sending row written under the one write lock. */
static int begin_step(struct tdk_journal *j, void *arg, int *keep, struct tdk_diag *d)
{
	struct sub_step *s = arg;
	int r = tdk_journal_find(j, s->doc->endpoint, s->doc->sha256, s->row, d);

	(void)keep;
	if (r == TDK_JOURNAL_NONE)
		r = start(j, s->doc, s->row, d);
	else if (r == TDK_JOURNAL_HELD && !strcmp(s->row->state, "queued"))
		r = 0;
	return r ? r : next(j, s->row, "send", "sending", j->self, d);
}

int tdk_journal_begin(struct tdk_journal *j, const struct tdk_journal_doc *doc, struct tdk_journal_row *row,
		      struct tdk_diag *d)
{
	struct sub_step s = { doc, 0, NULL, NULL, row };
	int r;

	if ((r = check_doc(doc, d)))
		return r;
	return journal_write(j, begin_step, &s, d);
}

/* The body's SHA-256 in hex, and the body itself when it is text without NUL and not too long. */
static int keep_body(struct tdk_journal_row *row, const void *body, size_t len)
{
	char hex[TDK_JOURNAL_HASH_HEX + 1], *copy;

	if (!body)
		return 0;
	if (tdk_journal_sha256_hex(body, len, hex) < 0 || journal_set(&row->body_sha256, hex) < 0)
		return -1;
	if (len > TDK_JOURNAL_BODY_MAX || memchr(body, '\0', len))
		return 0;
	if (!(copy = malloc(len + 1)))
		return -1;
	memcpy(copy, body, len);
	copy[len] = '\0';
	free(row->body);
	row->body = copy;
	return 0;
}

/* Whether this handle's process wrote the sending row (its detail starts with j->self). */
static int mine(const struct tdk_journal *j, const struct tdk_journal_row *row)
{
	size_t n = strlen(j->self);

	return row->detail && !strncmp(row->detail, j->self, n) && (!row->detail[n] || row->detail[n] == ' ');
}

/*
 * Inside a step: reads sub's last row, which must be in state want (NULL:
 * any but sending); a sending row must be this process's own.
 */
static int check_sub(struct tdk_journal *j, int64_t sub, const char *want, struct tdk_journal_row *row,
		     struct tdk_diag *d)
{
	int r;

	if ((r = last_of(j, sub, row, d)) == TDK_JOURNAL_HELD) {
		if (want && !strcmp(row->state, want) && !strcmp(want, "sending") && !mine(j, row)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-STATE", NULL,
				     "submission %lld is being sent by another process (%s)", (long long)sub, row->detail);
			return TDK_EXIT_USAGE;
		}
		if (want ? !strcmp(row->state, want) : strcmp(row->state, "sending") != 0)
			return 0;
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-STATE", NULL, "submission %lld is %s, not %s", (long long)sub,
			     row->state, want ? want : "finished");
		r = TDK_EXIT_USAGE;
	} else if (r == TDK_JOURNAL_NONE) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-NONE", NULL, "no submission %lld", (long long)sub);
		r = TDK_EXIT_USAGE;
	}
	return r;
}

/* answer's step: sending (by this process) -> the answer's state. */
static int answer_step(struct tdk_journal *j, void *arg, int *keep, struct tdk_diag *d)
{
	struct sub_step *s = arg;
	const struct tdk_journal_answer *a = s->a;
	struct tdk_journal_row *w = s->row;
	int r;

	(void)keep;
	if ((r = check_sub(j, s->sub, "sending", w, d)))
		return r;
	if (reset(w, "answer", a->state, a->detail) < 0 ||
	    (a->conversation_id && journal_set(&w->conversation_id, a->conversation_id) < 0) ||
	    (a->receipt_id && journal_set(&w->receipt_id, a->receipt_id) < 0) ||
	    (a->message_id && journal_set(&w->message_id, a->message_id) < 0) ||
	    journal_set(&w->outcome, strcmp(a->state, "unknown") ? a->state : NULL) < 0 ||
	    journal_set(&w->headers, a->headers) < 0 || keep_body(w, a->body, a->body_len) < 0)
		return TDK_EXIT_INTERNAL;
	w->http_status = a->http_status;
	return journal_append(j, w, d);
}

int tdk_journal_answer(struct tdk_journal *j, int64_t sub, const struct tdk_journal_answer *a,
		       struct tdk_journal_row *row, struct tdk_diag *d)
{
	struct tdk_journal_row mine = { 0 };
	struct sub_step st = { NULL, sub, a, NULL, row ? row : &mine };
	const char *s = a->state;
	int r;

	if (!s || (strcmp(s, "accepted") && strcmp(s, "rejected") && strcmp(s, "unknown"))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-ARGUMENT", NULL, "an answer is accepted, rejected or unknown");
		return TDK_EXIT_USAGE;
	}
	r = journal_write(j, answer_step, &st, d);
	tdk_journal_row_release(&mine);
	return r;
}

/* requeue's step: sending (by this process) -> queued. */
static int requeue_step(struct tdk_journal *j, void *arg, int *keep, struct tdk_diag *d)
{
	struct sub_step *s = arg;
	int r;

	(void)keep;
	if ((r = check_sub(j, s->sub, "sending", s->row, d)))
		return r;
	return next(j, s->row, "requeue", "queued", s->text, d);
}

/*
 * The message id of sub's begin row into row: a notify row holds the
 * notification's id (an asynchronous MDN's own), not the one the
 * submission is sent with.
 */
static int begin_message_id(struct tdk_journal *j, int64_t sub, struct tdk_journal_row *row, struct tdk_diag *d)
{
	struct tdk_journal_row b = { 0 };
	char id[32];
	int r;

	snprintf(id, sizeof(id), "%lld", (long long)sub);
	r = journal_last(j, "SELECT " JOURNAL_COLS " FROM rows WHERE seq = CAST(?1 AS BIGINT)", id, NULL, &b, d);
	if (r == TDK_JOURNAL_HELD)
		r = journal_set(&row->message_id, b.message_id) < 0 ? TDK_EXIT_INTERNAL : 0;
	tdk_journal_row_release(&b);
	return r;
}

/* resend's step: any state but sending -> sending, the answer's ids cleared, the message id the begin row's. */
static int resend_step(struct tdk_journal *j, void *arg, int *keep, struct tdk_diag *d)
{
	struct sub_step *s = arg;
	int r;

	(void)keep;
	if ((r = check_sub(j, s->sub, NULL, s->row, d)))
		return r;
	if (!strcmp(s->row->kind, "notify") && (r = begin_message_id(j, s->sub, s->row, d)))
		return r;
	if (journal_set(&s->row->conversation_id, NULL) < 0 || journal_set(&s->row->receipt_id, NULL) < 0 ||
	    journal_set(&s->row->outcome, NULL) < 0)
		return TDK_EXIT_INTERNAL;
	return next(j, s->row, "resend", "sending", s->text, d);
}

int tdk_journal_requeue(struct tdk_journal *j, int64_t sub, const char *reason, struct tdk_diag *d)
{
	struct tdk_journal_row row = { 0 };
	struct sub_step s = { NULL, sub, NULL, reason, &row };
	int r = journal_write(j, requeue_step, &s, d);

	tdk_journal_row_release(&row);
	return r;
}

int tdk_journal_resend(struct tdk_journal *j, int64_t sub, const char *reason, struct tdk_journal_row *row,
		       struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_JOURNAL_FIELD_MAX);
	struct sub_step s = { NULL, sub, NULL, NULL, row };
	int r;

	if (tdk_buf_addf(&b, "%s (resent: %s)", j->self, reason ? reason : "on request") < 0 ||
	    tdk_buf_addc(&b, '\0') < 0) {
		tdk_buf_release(&b);
		return TDK_EXIT_INTERNAL;
	}
	s.text = b.data;
	r = journal_write(j, resend_step, &s, d);
	tdk_buf_release(&b);
	return r;
}

/* The submissions a notification can belong to: not the rows that keep unmatched notifications. */
#define SUBMISSIONS "SELECT sub FROM rows WHERE endpoint = ?1 AND state <> 'unmatched' AND "

int tdk_journal_match(struct tdk_journal *j, const char *endpoint, const char *conv, const char *lrn,
		      struct tdk_journal_row *row, struct tdk_diag *d)
{
	int r = TDK_JOURNAL_NONE;

	if (conv)
		r = journal_last(j, LAST_ROWS " AND sub = (" SUBMISSIONS "conversation_id = ?2 ORDER BY seq DESC LIMIT 1)",
				 endpoint, conv, row, d);
	if (r == TDK_JOURNAL_NONE && lrn)
		r = journal_last(j, LAST_ROWS " AND sub = (" SUBMISSIONS "lrn = ?2 ORDER BY seq DESC LIMIT 1)",
				 endpoint, lrn, row, d);
	return r;
}

int tdk_journal_noted(struct tdk_journal *j, const char *endpoint, const char *id, struct tdk_journal_row *row,
		      struct tdk_diag *d)
{
	return journal_last(j, "SELECT " JOURNAL_COLS " FROM rows WHERE endpoint = ?1 AND kind = 'notify' AND"
			    " message_id = ?2 ORDER BY seq LIMIT 1", endpoint, id, row, d);
}

/* The rank of the outcome a submission's last row holds: what a notification must pass to change it. */
static int current_rank(const struct tdk_journal_row *row)
{
	if (!strcmp(row->state, "rejected"))
		return tdk_notify_rank("rejected");
	if (!strcmp(row->state, "accepted") || !strcmp(row->state, "final"))
		return tdk_notify_rank(row->outcome);
	return 0;
}

/* A notification that matches no submission, kept as a row of its own in state unmatched. */
static int keep_unmatched(struct tdk_journal *j, const struct tdk_journal_note *n, struct tdk_journal_row *row,
			  struct tdk_diag *d)
{
	char sha[TDK_JOURNAL_HASH_HEX + 1], name[128];
	int r;

	tdk_journal_row_release(row);
	snprintf(name, sizeof(name), "notification %.100s", n->id ? n->id : "(no id)");
	if (tdk_journal_sha256_hex(n->body ? n->body : "", n->body ? n->body_len : 0, sha) < 0 ||
	    journal_set(&row->kind, "notify") < 0 || journal_set(&row->endpoint, n->endpoint) < 0 ||
	    journal_set(&row->profile, "rest") < 0 || journal_set(&row->sha256, sha) < 0 ||
	    journal_set(&row->name, name) < 0 || journal_set(&row->lrn, n->lrn) < 0 ||
	    journal_set(&row->state, "unmatched") < 0 || journal_set(&row->conversation_id, n->conversation_id) < 0 ||
	    journal_set(&row->message_id, n->id) < 0 || journal_set(&row->outcome, n->outcome) < 0 ||
	    journal_set(&row->detail, n->detail) < 0 || keep_body(row, n->body, n->body_len) < 0)
		return TDK_EXIT_INTERNAL;
	if ((r = journal_append(j, row, d)))
		return r;
	return TDK_JOURNAL_NONE;
}

/* Appends the notify row of a matched submission: its outcome changes only when the notification ranks above. */
static int append_note(struct tdk_journal *j, const struct tdk_journal_note *n, struct tdk_journal_row *row,
		       struct tdk_diag *d)
{
	int change = tdk_notify_rank(n->outcome) > current_rank(row);
	char *state = NULL;

	if (!change && !(state = strdup(row->state)))
		return TDK_EXIT_INTERNAL;
	if (reset(row, "notify", change ? (n->final ? "final" : "accepted") : state, n->detail) < 0 ||
	    (n->conversation_id && journal_set(&row->conversation_id, n->conversation_id) < 0) ||
	    journal_set(&row->message_id, n->id) < 0 || (change && journal_set(&row->outcome, n->outcome) < 0) ||
	    keep_body(row, n->body, n->body_len) < 0) {
		free(state);
		return TDK_EXIT_INTERNAL;
	}
	free(state);
	return journal_append(j, row, d);
}

/* What notify's step works on. */
struct note_step {
	const struct tdk_journal_note *n;
	int64_t *sub;
};

/* notify's step (tdk_journal_notify() says what it does). */
static int notify_step(struct tdk_journal *j, void *arg, int *keep, struct tdk_diag *d)
{
	struct note_step *s = arg;
	const struct tdk_journal_note *n = s->n;
	struct tdk_journal_row row = { 0 };
	int r;

	if (n->id && (r = tdk_journal_noted(j, n->endpoint, n->id, &row, d)) != TDK_JOURNAL_NONE) {
		if (r == TDK_JOURNAL_HELD && s->sub)
			*s->sub = row.sub;
		goto out;
	}
	r = tdk_journal_match(j, n->endpoint, n->conversation_id, n->lrn, &row, d);
	if (r == TDK_JOURNAL_NONE && n->keep_unmatched) {
		r = keep_unmatched(j, n, &row, d);
		*keep = r == TDK_JOURNAL_NONE;
	} else if (r == TDK_JOURNAL_HELD && !strcmp(row.state, "sending"))
		r = TDK_JOURNAL_SENDING;
	else if (r == TDK_JOURNAL_HELD)
		r = append_note(j, n, &row, d);
	else
		goto out;
	if (s->sub && (r == 0 || r == TDK_JOURNAL_NONE || r == TDK_JOURNAL_SENDING))
		*s->sub = row.sub;
out:
	tdk_journal_row_release(&row);
	return r;
}

int tdk_journal_notify(struct tdk_journal *j, const struct tdk_journal_note *n, int64_t *sub, struct tdk_diag *d)
{
	struct note_step s = { n, sub };

	if (!n->endpoint || !n->outcome || (!n->conversation_id && !n->lrn && !n->keep_unmatched)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-ARGUMENT", NULL,
			     "a notification needs an endpoint, an outcome and a conversation id or an LRN");
		return TDK_EXIT_USAGE;
	}
	return journal_write(j, notify_step, &s, d);
}

int tdk_journal_each(struct tdk_journal *j, const struct tdk_journal_filter *f,
		     int (*fn)(void *arg, const struct tdk_journal_row *row), void *arg, struct tdk_diag *d)
{
	const char *p[2] = { f ? f->endpoint : NULL, f ? f->state : NULL };

	return journal_walk(j, LAST_ROWS " AND (CAST(?1 AS TEXT) IS NULL OR endpoint = ?1)"
			    " AND (CAST(?2 AS TEXT) IS NULL OR state = ?2) ORDER BY sub", p, 2, fn, arg, d);
}

int tdk_journal_rows(struct tdk_journal *j, int (*fn)(void *arg, const struct tdk_journal_row *row), void *arg,
		     struct tdk_diag *d)
{
	return journal_walk(j, "SELECT " JOURNAL_COLS " FROM rows ORDER BY seq", NULL, 0, fn, arg, d);
}
