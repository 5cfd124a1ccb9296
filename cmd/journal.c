/*
 * tdk journal: read and check the submission journal that `tdk submit` and
 * `tdk poll` write (lib/net/journal.h): list the submissions (one JSON
 * object each with --format json), show one with every event, export every
 * row with its hashes as JSON lines, verify the SHA-256 chain against the
 * head kept outside the journal, and print that head.  Exit 0 when done (or
 * the journal is intact), 1 when verify finds a row that does not match or
 * show finds no such submission, 2 for a usage error, 3 when the journal
 * cannot be read.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "net/journal.h"

struct journal_opts {
	const char *journal, *endpoint, *format, *head;
	int unknown, json;
};

#define JOURNAL_OPTIONS(o) \
	TDK_OPT_STRING_(0, "journal", &(o).journal, "file", NULL, \
			"the journal: a file or a postgresql:// URL (default $TDK_JOURNAL, else $XDG_STATE_HOME/tdk/journal.db)"), \
	TDK_OPT_STRING_('e', "endpoint", &(o).endpoint, "name", NULL, "list: only the submissions to this endpoint"), \
	TDK_OPT_FLAG_(0, "unknown", &(o).unknown, "list: only the submissions whose outcome is unknown"), \
	TDK_OPT_STRING_(0, "format", &(o).format, "format", "text|json", \
			"list and show: one line per submission as text, or one JSON object per line"), \
	TDK_OPT_STRING_(0, "head", &(o).head, "hash", NULL, \
			"verify: check against this head (\"SEQ HASH\" or the hash) instead of the head file"), \
	TDK_OPT_END_

static const struct tdk_cmd_usage journal_usage = { "journal", "list | show id|sha256 | export | verify | head",
	"Read and check the submission journal: the submissions, their events and answers, the SHA-256 chain." };

static const char *const actions[] = { "list", "show", "export", "verify", "head", NULL };

/* Prints a journal diagnostic: "PATH: error: [CODE] message". */
static void emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_ctx *ctx = arg;
	struct tdk_buf b = TDK_BUF_INIT(4096);

	if (!tdk_diag_format_text(&b, it))
		fputs(b.data, ctx->err);
	tdk_buf_release(&b);
}

static void key(FILE *f, const char *k, const char *v)
{
	fprintf(f, ",\"%s\":", k);
	tdk_json_str(f, v);
}

/* The fields a submission and a row share, as JSON keys. */
static void shared_keys(FILE *f, const struct tdk_journal_row *r)
{
	key(f, "endpoint", r->endpoint);
	key(f, "profile", r->profile);
	key(f, "sha256", r->sha256);
	key(f, "name", r->name);
	key(f, "lrn", r->lrn);
	key(f, "state", r->state);
	key(f, "conversation_id", r->conversation_id);
	key(f, "receipt_id", r->receipt_id);
	key(f, "message_id", r->message_id);
	key(f, "outcome", r->outcome);
}

/* A submission (its last row) as one JSON object, the keys of `journal list`. */
static void json_sub(FILE *f, const struct tdk_journal_row *r)
{
	fprintf(f, "{\"id\":%lld", (long long)r->sub);
	shared_keys(f, r);
	key(f, "updated", r->time);
	fprintf(f, ",\"http_status\":%lld}\n", (long long)r->http_status);
}

/* A row as one JSON object with its hashes, for export and show. */
static void json_row(FILE *f, const struct tdk_journal_row *r)
{
	fprintf(f, "{\"seq\":%lld,\"submission\":%lld", (long long)r->seq, (long long)r->sub);
	key(f, "kind", r->kind);
	key(f, "time", r->time);
	shared_keys(f, r);
	fprintf(f, ",\"http_status\":%lld", (long long)r->http_status);
	key(f, "headers", r->headers);
	key(f, "body_sha256", r->body_sha256);
	key(f, "body", r->body);
	key(f, "detail", r->detail);
	key(f, "prev", r->prev);
	key(f, "hash", r->hash);
	fputs("}\n", f);
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

/* What list and show walk with. */
struct walk {
	struct tdk_ctx *ctx;
	const struct journal_opts *o;
	int64_t sub;
	size_t n;
	char *message_id;       /* show: the begin row's, the submission's message id */
};

static int list_one(void *arg, const struct tdk_journal_row *r)
{
	struct walk *w = arg;
	struct tdk_buf q = TDK_BUF_INIT(4096);

	if (w->o->json)
		json_sub(w->ctx->out, r);
	else
		fprintf(w->ctx->out, "%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)r->sub, r->endpoint, r->state,
			dash(r->outcome), dash(r->lrn), dash(r->conversation_id), tdk_name(&q, dash(r->name)));
	tdk_buf_release(&q);
	w->n++;
	return 0;
}

static int show_row(void *arg, const struct tdk_journal_row *r)
{
	struct walk *w = arg;

	if (r->sub != w->sub)
		return 0;
	if (w->o->json) {
		json_row(w->ctx->out, r);
		return 0;
	}
	fprintf(w->ctx->out, "%lld\t%s\t%s\t%s", (long long)r->seq, r->time, r->kind, r->state);
	if (r->http_status)
		fprintf(w->ctx->out, "\tHTTP %lld", (long long)r->http_status);
	if (r->outcome)
		fprintf(w->ctx->out, "\toutcome %s", r->outcome);
	if (r->conversation_id)
		fprintf(w->ctx->out, "\tconversation %s", r->conversation_id);
	if (r->detail)
		fprintf(w->ctx->out, "\t%s", r->detail);
	fputc('\n', w->ctx->out);
	return 0;
}

/*
 * Keeps the message id of w->sub's begin row (its first row: seq = sub) and
 * stops the walk there.  A notify row keeps the notification's id in
 * message_id (an asynchronous MDN's own Message-ID), so the last row does
 * not say the submission's.  Returns 1 when found, -1 out of memory.
 */
static int begin_row(void *arg, const struct tdk_journal_row *r)
{
	struct walk *w = arg;

	if (r->seq != w->sub)
		return 0;
	if (r->message_id && !(w->message_id = strdup(r->message_id)))
		return -1;
	return 1;
}

static int export_row(void *arg, const struct tdk_journal_row *r)
{
	json_row(((struct walk *)arg)->ctx->out, r);
	return 0;
}

/* show ID|SHA256: the submission, then each of its events. */
static int show(struct tdk_ctx *ctx, struct tdk_journal *j, const struct journal_opts *o, const char *id,
		struct tdk_diag *d)
{
	struct tdk_journal_row row = { 0 };
	struct walk w = { ctx, o, 0, 0, NULL };
	struct tdk_buf q = TDK_BUF_INIT(4096);
	char *note = NULL;
	int r = tdk_journal_get(j, id, &row, d);

	if (r == TDK_JOURNAL_NONE) {
		r = tdk_error(ctx, "journal", TDK_EXIT_NEGATIVE, "no submission '%s' in the journal", tdk_name(&q, id));
		goto out;
	}
	if (r != TDK_JOURNAL_HELD)
		goto out;
	w.sub = row.sub;
	if ((r = tdk_journal_rows(j, begin_row, &w, d)) < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (r != 0 && r != 1)
		goto out;
	/* The last notification's id, beside the submission's message id. */
	if (!strcmp(row.kind, "notify") && row.message_id && strcmp(row.state, "unmatched")) {
		note = row.message_id;
		row.message_id = w.message_id;
		w.message_id = NULL;
	}
	if (o->json) {
		json_sub(ctx->out, &row);
	} else {
		fprintf(ctx->out, "submission %lld\nendpoint %s\nprofile %s\ndocument %s\nsha256 %s\nlrn %s\nstate %s\n"
			"outcome %s\nconversation %s\nreceipt %s\nmessage %s\n", (long long)row.sub, row.endpoint,
			row.profile, tdk_name(&q, dash(row.name)), row.sha256, dash(row.lrn), row.state,
			dash(row.outcome), dash(row.conversation_id), dash(row.receipt_id), dash(row.message_id));
		if (note)
			fprintf(ctx->out, "notification %s\n", note);
		fputs("events:\n", ctx->out);
	}
	r = tdk_journal_rows(j, show_row, &w, d);
out:
	free(note);
	free(w.message_id);
	tdk_buf_release(&q);
	tdk_journal_row_release(&row);
	return r;
}

static int verify(struct tdk_ctx *ctx, struct tdk_journal *j, const struct journal_opts *o, struct tdk_diag *d)
{
	int64_t bad, rows;
	int r = tdk_journal_verify(j, o->head, &bad, &rows, d);

	if (!r)
		fprintf(ctx->out, "%s: %lld rows, the chain is intact\n", tdk_journal_path(j), (long long)rows);
	return r;
}

static int run(struct tdk_ctx *ctx, struct tdk_journal *j, const struct journal_opts *o, int action, char **args,
	       struct tdk_diag *d)
{
	struct tdk_journal_filter f = { o->endpoint, o->unknown ? "unknown" : NULL };
	struct walk w = { ctx, o, 0, 0, NULL };
	struct tdk_buf b = TDK_BUF_INIT(256);
	int r = 0;

	switch (action) {
	case 0:
		r = tdk_journal_each(j, &f, list_one, &w, d);
		break;
	case 1:
		r = show(ctx, j, o, args[1], d);
		break;
	case 2:
		r = tdk_journal_rows(j, export_row, &w, d);
		break;
	case 3:
		r = verify(ctx, j, o, d);
		break;
	default:
		if (!(r = tdk_journal_head(j, &b, d)))
			fprintf(ctx->out, "%s\n", b.data);
	}
	tdk_buf_release(&b);
	return r;
}

int cmd_journal(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct journal_opts o = { 0 };
	const struct tdk_opt opts[] = { JOURNAL_OPTIONS(o) };
	struct tdk_buf path = TDK_BUF_INIT(4096), name = TDK_BUF_INIT(4096);
	struct tdk_journal *j = NULL;
	struct tdk_diag d;
	int nargs, r, i;

	if ((r = tdk_parse_options(ctx, &journal_usage, opts, argc, argv, &nargs)) >= 0)
		return r;
	o.json = o.format && !strcmp(o.format, "json");
	for (i = 0; nargs && actions[i] && strcmp(argv[0], actions[i]); i++)
		;
	if (!nargs || !actions[i] || (i == 1) != (nargs == 2) || nargs > 2) {
		if (!nargs)
			fprintf(ctx->err, "tdk journal: say what to do: list, show, export, verify or head\n");
		else if (!actions[i])
			tdk_suggest(ctx, "journal", "a journal action", argv[0], actions);
		else
			fprintf(ctx->err, "tdk journal: %s takes %s\n", actions[i], i == 1 ? "one id or SHA-256" : "no operand");
		tdk_usage_line(ctx->err, &journal_usage, opts);
		return TDK_EXIT_USAGE;
	}
	if (!o.journal && tdk_journal_default_path(&path) == 0)
		o.journal = path.data;
	/* Diagnostics name the journal without the password a URL may hold. */
	if (o.journal && tdk_journal_name(o.journal, &name) < 0)
		return tdk_error(ctx, "journal", TDK_EXIT_INTERNAL, "out of memory");
	tdk_diag_init(&d, o.journal ? name.data : "journal");
	d.emit = emit;
	d.arg = ctx;
	/* list and show open for writing: a send whose process died is then recorded as unknown. */
	if (!(r = tdk_journal_open(&j, o.journal, i >= 2 ? TDK_JOURNAL_RDONLY : 0, &d)))
		r = run(ctx, j, &o, i, argv, &d);
	tdk_journal_free(j);
	tdk_buf_release(&path);
	tdk_buf_release(&name);
	return tdk_finish_output(ctx, "journal", r);
}
