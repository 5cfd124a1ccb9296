/*
 * tdk poll: the outcomes of submissions, from the notifications their
 * single window sends.  Each round pulls every unpulled notification of
 * the endpoint (and, first, those on the pulled list the journal does not
 * hold), stores each in the journal before it is reported, and settles the
 * submissions they name (cmd/poll-fetch.c).  The operands name the
 * submissions to report and, with --wait, to wait for: a file that was
 * submitted, a journal id, a SHA-256, an LRN or a conversation id; with
 * none, every submission of the endpoint that has no final outcome yet,
 * and every one a notification of this run names.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "poll-int.h"
#include "net/notify.h"
#include "util/io.h"

/* The longest --wait, and the backoff between rounds: from 1 s, doubling, to at most this. */
#define POLL_WAIT_MAX (7L * 24 * 3600)
#define POLL_BACKOFF_MAX 30

int poll_add_sub(struct poll *p, int64_t sub)
{
	size_t i;

	for (i = 0; i < p->nsubs; i++)
		if (p->subs[i] == sub)
			return 0;
	if (p->nsubs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		void *v = realloc(p->subs, cap * sizeof(*p->subs));

		if (!v)
			return -1;
		p->subs = v;
		p->cap = cap;
	}
	p->subs[p->nsubs++] = sub;
	return 0;
}

/* The last row of submission sub into row; TDK_JOURNAL_HELD or another answer of tdk_journal_get(). */
static int last(struct poll *p, int64_t sub, struct tdk_journal_row *row)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", (long long)sub);
	return tdk_journal_get(p->j, id, row, &p->d);
}

/* Whether a state is the end: nothing more is waited for. */
static int ended(const char *state)
{
	return !strcmp(state, "final") || !strcmp(state, "rejected") || !strcmp(state, "unmatched");
}

/* Reads the whole file path, at most 64 MiB, and finds its submission by SHA-256. */
static int by_file(struct poll *p, const char *path, struct tdk_journal_row *row)
{
	struct tdk_buf b = TDK_BUF_INIT((size_t)64 << 20);
	char sha[TDK_JOURNAL_HASH_HEX + 1];
	int r;

	if (tdk_read_all(path, (size_t)64 << 20, &b) < 0) {
		tdk_diag_add(&p->d, TDK_SEV_ERROR, "POLL-READ", NULL, "cannot read '%s'", path);
		tdk_buf_release(&b);
		return TDK_EXIT_IO;
	}
	r = tdk_journal_sha256_hex(b.data ? b.data : "", b.len, sha) ? TDK_EXIT_INTERNAL
	    : tdk_journal_find(p->j, p->e->name, sha, row, &p->d);
	tdk_buf_release(&b);
	return r;
}

/* The submission an operand names: a file, a journal id, a SHA-256, a conversation id or an LRN. */
static int name_one(struct poll *p, const char *arg)
{
	struct tdk_journal_row row = { 0 };
	size_t n = strlen(arg);
	int r;

	if (!access(arg, F_OK))
		r = by_file(p, arg, &row);
	else if (n && strspn(arg, "0123456789") == n)
		r = tdk_journal_get(p->j, arg, &row, &p->d);
	else if (n == TDK_JOURNAL_HASH_HEX && strspn(arg, "0123456789abcdefABCDEF") == n)
		r = tdk_journal_get(p->j, arg, &row, &p->d);
	else
		r = tdk_journal_match(p->j, p->e->name, arg, arg, &row, &p->d);
	if (r == TDK_JOURNAL_HELD && strcmp(row.endpoint, p->e->name))
		r = TDK_JOURNAL_NONE;
	if (r == TDK_JOURNAL_HELD)
		r = poll_add_sub(p, row.sub) < 0 ? TDK_EXIT_INTERNAL : 0;
	else if (r == TDK_JOURNAL_NONE) {
		tdk_diag_add(&p->d, TDK_SEV_ERROR, "POLL-NO-SUBMISSION", NULL,
			     "'%s' names no submission of endpoint '%s' in the journal (a file submitted, a journal "
			     "id, a SHA-256, an LRN or a conversation id)", arg, p->e->name);
		r = TDK_EXIT_USAGE;
	}
	tdk_journal_row_release(&row);
	return r;
}

/* With no operand: every submission of the endpoint that has not ended. */
static int each_open(void *arg, const struct tdk_journal_row *row)
{
	struct poll *p = arg;

	return ended(row->state) || !strcmp(row->state, "queued") ? 0 : poll_add_sub(p, row->sub) < 0;
}

/* Whether every submission reported has ended; a journal failure counts as ended (it is reported). */
static int all_ended(struct poll *p)
{
	struct tdk_journal_row row = { 0 };
	size_t i;
	int done = 1;

	for (i = 0; i < p->nsubs && done; i++)
		if (last(p, p->subs[i], &row) == TDK_JOURNAL_HELD)
			done = ended(row.state);
	tdk_journal_row_release(&row);
	return done;
}

/* The MRN a notify row's detail names ("MRN X; ..."), into out. */
static void mrn_of(const struct tdk_journal_row *row, char *out, size_t n)
{
	const char *d = row->detail;
	size_t k;

	out[0] = '\0';
	if (!d || strncmp(d, "MRN ", 4))
		return;
	k = strcspn(d + 4, ";");
	snprintf(out, n, "%.*s", (int)k, d + 4);
}

/* The verdict of a submission and its status: waited says whether --wait was given and has expired. */
static int verdict(const struct tdk_journal_row *row, int waited, char *v, size_t n)
{
	const char *st = row->state, *oc = row->outcome ? row->outcome : st;
	char mrn[TDK_NOTIFY_REF_MAX + 1];

	mrn_of(row, mrn, sizeof(mrn));
	if (!strcmp(st, "final") || !strcmp(st, "accepted") || !strcmp(st, "unmatched")) {
		snprintf(v, n, "%s%s%s%s%s", !strcmp(st, "unmatched") ? "a notification that matches no submission: " : "",
			 oc, mrn[0] ? ", MRN " : "", mrn, !strcmp(st, "accepted") && waited ? " (not final)" : "");
		if (!strcmp(st, "final"))
			return !strcmp(oc, "rejected") ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
		return !strcmp(st, "accepted") && waited ? TDK_EXIT_REMOTE : TDK_EXIT_OK;
	}
	if (!strcmp(st, "rejected")) {
		snprintf(v, n, "rejected by the server when sent");
		return TDK_EXIT_NEGATIVE;
	}
	if (!strcmp(st, "unknown"))
		snprintf(v, n, "unknown: no notification names it yet (tdk journal list --unknown)");
	else
		snprintf(v, n, "%s: not sent", st);
	return TDK_EXIT_REMOTE;
}

static void json_member(struct tdk_buf *b, const char *k, const char *v)
{
	if (!v)
		return;
	tdk_buf_addf(b, ",\"%s\":\"", k);
	tdk_json_escape(b, v, strlen(v));
	tdk_buf_addc(b, '"');
}

/* Reports one submission: a text line, a JSON verdict or a JUnit case.  Returns its status. */
static int report_one(struct poll *p, int64_t sub, int waited)
{
	struct tdk_journal_row row = { 0 };
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);
	char v[512], mrn[TDK_NOTIFY_REF_MAX + 1];
	int r;

	if ((r = last(p, sub, &row)) != TDK_JOURNAL_HELD) {
		tdk_journal_row_release(&row);
		return r == TDK_JOURNAL_NONE ? TDK_EXIT_IO : r;
	}
	r = verdict(&row, waited, v, sizeof(v));
	mrn_of(&row, mrn, sizeof(mrn));
	if (p->rep.format == TDK_REPORT_TEXT && !p->quiet) {
		fprintf(p->ctx->out, "%s: %s\n", row.name, v);
	} else if (p->rep.format == TDK_REPORT_JSON) {
		tdk_buf_adds(&b, "{\"file\":\"");
		tdk_json_escape(&b, row.name, strlen(row.name));
		tdk_buf_addf(&b, "\",\"result\":\"%s\",\"verdict\":\"", !r ? "ok" : r == 1 ? "negative" : "error");
		tdk_json_escape(&b, v, strlen(v));
		tdk_buf_addf(&b, "\",\"status\":%d,\"submission\":%lld", r, (long long)row.sub);
		json_member(&b, "state", row.state);
		json_member(&b, "outcome", row.outcome);
		json_member(&b, "lrn", row.lrn);
		json_member(&b, "conversation_id", row.conversation_id);
		json_member(&b, "mrn", mrn[0] ? mrn : NULL);
		if (tdk_buf_adds(&b, "}\n") < 0)
			p->rep.failed = 1;
		else if (!p->quiet)
			fwrite(b.data, 1, b.len, p->rep.fp);
	} else if (p->rep.format == TDK_REPORT_JUNIT) {
		tdk_report_case(&p->rep, row.name, !r ? TDK_JUNIT_PASSED : r == 1 ? TDK_JUNIT_FAILURE : TDK_JUNIT_ERROR,
				r ? v : NULL, 0);
	}
	tdk_buf_release(&b);
	tdk_journal_row_release(&row);
	return r;
}

/* Sleeps s seconds. */
static void pause_for(long s)
{
	struct timespec ts = { s, 0 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Reads --wait: seconds, or a number with s, m or h.  Returns the seconds, or -1. */
static long wait_seconds(const char *s)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end == 'm' && v <= POLL_WAIT_MAX / 60)
		v *= 60, end++;
	else if (*end == 'h' && v <= POLL_WAIT_MAX / 3600)
		v *= 3600, end++;
	else if (*end == 's')
		end++;
	return *end || v > POLL_WAIT_MAX ? -1 : v;
}

/* Rounds until every submission has ended, or once without --wait.  Returns the run's status. */
static int rounds(struct poll *p, long wait)
{
	time_t deadline = time(NULL) + (wait > 0 ? wait : 0);
	long delay = 1, left;
	int r, round;

	for (round = 0;; round++) {
		if ((r = poll_round(p, round == 0 || p->deferred)) != 0)
			return r;
		if (wait < 0 || all_ended(p) || (left = (long)(deadline - time(NULL))) <= 0)
			return 0;
		pause_for(delay < left ? delay : left);
		delay = delay * 2 > POLL_BACKOFF_MAX ? POLL_BACKOFF_MAX : delay * 2;
	}
}

/* Loads the endpoint, its token client, connection, catalog, the journal and the dictionary. */
static int setup(struct poll *p, struct tdk_endpoints *eps)
{
	char buf[4096];
	const char *path = p->endpoints ? p->endpoints : tdk_endpoints_default_path(buf, sizeof(buf));
	struct tdk_http_opts ho;
	struct tdk_diag quiet;
	const char *cat;
	int r;

	if (!path)
		return tdk_error(p->ctx, "poll", TDK_EXIT_USAGE, "no endpoints file: HOME is not set; name one with "
				 "--endpoints");
	if ((r = tdk_endpoints_load(eps, path, &p->d)) != 0)
		return r;
	if (!(p->e = tdk_endpoints_find(eps, p->endpoint)))
		return tdk_error(p->ctx, "poll", TDK_EXIT_USAGE, "no endpoint '%s' in %s (tdk endpoint list shows "
				 "them)", p->endpoint, path);
	p->d.file = p->e->name;
	if (p->e->profile != TDK_PROFILE_REST || !p->e->value[TDK_EK_NOTIFICATIONS_URL])
		return tdk_error(p->ctx, "poll", TDK_EXIT_USAGE, "endpoint '%s' has no notifications-url (profile "
				 "rest): tdk poll pulls notifications from it", p->e->name);
	if ((r = tdk_auth_init(&p->auth, eps, p->e, 1, &p->d)) != 0)
		return r;
	tdk_auth_http_opts(p->e, &ho);
	if (tdk_http_init(&p->http, &ho, &p->d))
		return TDK_EXIT_INTERNAL;
	p->has_http = 1;
	if (tdk_pull_init(&p->pull, &p->auth, &p->http, p->e->value[TDK_EK_NOTIFICATIONS_URL]) < 0)
		return tdk_error(p->ctx, "poll", TDK_EXIT_USAGE, "the notifications-url of '%s' is too long",
				 p->e->name);
	if ((r = tdk_journal_open(&p->j, p->journal, 0, &p->d)) != 0)
		return r;
	/*
	 * Notifications share their root namespace (the DMS MetaData wrapper)
	 * with the declarations but not their schema, so an endpoint may name
	 * a catalog of its own for them; else the one its declarations use.
	 */
	cat = p->e->path[TDK_EK_NOTIFICATIONS_CATALOG] ? p->e->path[TDK_EK_NOTIFICATIONS_CATALOG]
						      : p->e->path[TDK_EK_CATALOG];
	if (cat) {
		if (tdk_xml_schemas_init(&p->set))
			return TDK_EXIT_INTERNAL;
		p->has_set = 1;
		if ((r = tdk_xml_schemas_add_catalog(&p->set, cat, &p->d)) != 0)
			return r;
	}
	/* Without the dictionary (not installed) a rejection's pointers are reported without their names. */
	tdk_diag_init(&quiet, "poll");
	tdk_wco_dict_load(&p->dict, NULL, &quiet);
	return 0;
}

/* Names the submissions, polls, reports.  Returns the exit status. */
static int run(struct poll *p, char **argv, int nargs, long wait)
{
	int r = 0, s, i;
	size_t k;

	for (i = 0; i < nargs; i++)
		if ((s = name_one(p, argv[i])) > r)
			r = s;
	if (r)
		return r;
	if (!nargs) {
		struct tdk_journal_filter f = { p->e->name, NULL };

		p->all = 1;
		if ((r = tdk_journal_each(p->j, &f, each_open, p, &p->d)) != 0)
			return r < 0 || r == 1 ? TDK_EXIT_INTERNAL : r;
	}
	r = rounds(p, wait);
	if (!r && wait >= 0 && !all_ended(p))
		tdk_diag_add(&p->d, TDK_SEV_ERROR, "POLL-WAIT-EXPIRED", NULL,
			     "--wait %s expired: some submissions have no final outcome yet", p->wait);
	for (k = 0; k < p->nsubs; k++)
		if ((s = report_one(p, p->subs[k], wait >= 0)) > r)
			r = s;
	if (p->malformed && r < TDK_EXIT_IO)
		r = TDK_EXIT_IO;
	return r;
}

int cmd_poll(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct poll p;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('e', "endpoint", &p.endpoint, "name", NULL, "the endpoint to poll (required)"),
		TDK_OPT_STRING_(0, "endpoints", &p.endpoints, "file", NULL,
				"the endpoints file (default $TDK_ENDPOINTS, else $XDG_CONFIG_HOME/tdk/endpoints)"),
		TDK_OPT_STRING_(0, "journal", &p.journal, "file", NULL,
				"the journal (default $TDK_JOURNAL, else $XDG_STATE_HOME/tdk/journal.db)"),
		TDK_OPT_STRING_('w', "wait", &p.wait, "timeout", NULL,
				"poll again, backing off, until each submission has a final outcome or timeout "
				"(seconds, or with s, m, h) has passed"),
		TDK_OPT_STRING_(0, "format", &p.format, "format", "text|json|junit",
				"the report: text, JSON lines or JUnit XML (see REPORTS in tdk(1))"),
		TDK_OPT_FLAG_('q', "quiet", &p.quiet, "print nothing; the exit status tells"),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "poll", "[submission ...]",
		"Pull a single window's notifications, store them in the journal, and report the outcomes of "
		"submissions." };
	struct tdk_endpoints eps;
	long wait = -1;
	int nargs, r;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nargs)) >= 0)
		return r;
	if (!p.endpoint || (p.wait && (wait = wait_seconds(p.wait)) < 0)) {
		fprintf(ctx->err, p.endpoint ? "tdk poll: --wait takes seconds (90), or a number with s, m or h (5m)\n"
			: "tdk poll: -e names the endpoint to poll\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (tdk_report_init(&p.rep, p.format, p.format && strcmp(p.format, "text") ? ctx->out : ctx->err,
			    "tdk poll") < 0)
		return tdk_error(ctx, "poll", TDK_EXIT_USAGE, "--format is text, json or junit");
	p.rep.quiet = p.quiet;
	tdk_diag_init(&p.d, "poll");
	p.d.emit = tdk_report_emit;
	p.d.arg = &p.rep;
	tdk_endpoints_init(&eps);
	if (!(r = setup(&p, &eps)))
		r = run(&p, argv, nargs, wait);
	if (tdk_report_finish(&p.rep) < 0 && r < TDK_EXIT_INTERNAL)
		r = tdk_error(ctx, "poll", TDK_EXIT_INTERNAL, "the report could not be written in full");
	tdk_journal_free(p.j);
	if (p.has_http)
		tdk_http_release(&p.http);
	if (p.has_set)
		tdk_xml_schemas_release(&p.set);
	tdk_wco_dict_release(&p.dict);
	tdk_auth_release(&p.auth);
	tdk_endpoints_release(&eps);
	free(p.subs);
	free(p.explained);
	return tdk_finish_output(ctx, "poll", r);
}

int cmd_poll_complete(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct tdk_endpoints eps;
	struct tdk_diag quiet;
	const char *path = NULL;
	char buf[4096];
	size_t k;
	int i;

	if (argc < 2 || (strcmp(argv[argc - 1], "-e") && strcmp(argv[argc - 1], "--endpoint")))
		return 1;
	for (i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--endpoints"))
			path = argv[i + 1];
	if (!path && !(path = tdk_endpoints_default_path(buf, sizeof(buf))))
		return 0;
	tdk_endpoints_init(&eps);
	tdk_diag_init(&quiet, path);
	if (!tdk_endpoints_load(&eps, path, &quiet))
		for (k = 0; k < eps.n; k++)
			fprintf(ctx->out, "%s\n", eps.e[k].name);
	tdk_endpoints_release(&eps);
	return 0;
}
