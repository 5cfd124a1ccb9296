/*
 * The one per-document driver (cmd/run.h): opens each input once, hands it
 * to the command's function, and turns the status into a verdict line, a
 * JSON verdict object or a JUnit test case, a summary and an exit status.
 * With -j N, N workers handle documents at once; what each writes is kept
 * and printed in input order, each document's together, so that a report
 * under -j 4 reads as under -j 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

#define JOBS_MAX 64

enum result { RES_OK, RES_NEGATIVE, RES_PARTIAL, RES_ERROR };

static const char *const result_name[] = { "ok", "negative", "partial", "error" };

/* What the main thread needs of a document once it is handled. */
struct outcome {
	int code;
	enum result result;
	char *verdict;            /* the text verdict, owned */
};

struct tally {
	unsigned long n[4];
};

/* The progress line on a terminal: "12/200 sent: 9 accepted, 3 not accepted", rewritten in place. */
struct progress {
	FILE *f;               /* standard error when it is a terminal and the run asks for one; else NULL */
	size_t n, done;
	int shown;
};

static void progress_clear(struct progress *pg)
{
	if (!pg->f || !pg->shown)
		return;
	fputs("\r\033[K", pg->f);
	fflush(pg->f);
	pg->shown = 0;
}

static void progress_draw(const struct tdk_run *run, struct progress *pg, const struct tally *t)
{
	int i, first = 1;

	if (!pg->f)
		return;
	fflush(run->ctx->out);
	fprintf(pg->f, "\r\033[K%zu/%zu %s", pg->done, pg->n, run->o->progress);
	for (i = 0; i < 4; i++)
		if (t->n[i]) {
			fprintf(pg->f, "%s %lu %s", first ? ":" : ",", t->n[i], run->words[i]);
			first = 0;
		}
	fflush(pg->f);
	pg->shown = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tdk_run_opts_init(struct tdk_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_errors = 100;
}

int tdk_run_begin(struct tdk_run *run, struct tdk_ctx *ctx, const struct tdk_run_opts *o)
{
	int to_out = o->format && strcmp(o->format, "text") && !run->data_on_stdout;

	run->ctx = ctx;
	run->o = o;
	run->setup_code = 0;
	run->setup_error = NULL;
	if (tdk_report_init(&run->report, o->format, to_out ? ctx->out : ctx->err, NULL) < 0)
		return TDK_EXIT_USAGE;
	snprintf(run->suite, sizeof(run->suite), "tdk %s", run->cmd);
	run->report.junit.suite = run->suite;
	run->report.quiet = o->quiet;
	if (o->outdir && mkdir(o->outdir, 0777) < 0 && errno != EEXIST) {
		tdk_report_finish(&run->report);
		return tdk_error(ctx, run->cmd, TDK_EXIT_IO, "cannot create '%s': %s", o->outdir,
				 strerror(errno));
	}
	return -1;
}

int tdk_run_stdin_users(const struct tdk_run_opts *o, char **files, int nfiles)
{
	int i, n = o->files_from && !strcmp(o->files_from, "-"), doc = !nfiles && !o->files_from && !o->dir;

	for (i = 0; i < nfiles; i++)
		doc |= !strcmp(files[i], "-");
	return n + doc;
}

void tdk_run_diag(struct tdk_run *run, struct tdk_diag *d, const char *file)
{
	tdk_diag_init(d, file);
	d->emit = tdk_report_emit;
	d->arg = &run->report;
	d->max_errors = run->o->max_errors;
}

/* The reason a document failed, kept for its verdict. */
struct doc_priv {
	struct tdk_doc doc;
	struct tdk_buf why, qname;
	const char *cmd;
};

int tdk_doc_fail(struct tdk_doc *doc, int code, const char *fmt, ...)
{
	struct doc_priv *p = (struct doc_priv *)doc;
	va_list ap;

	tdk_buf_reset(&p->why);
	va_start(ap, fmt);
	if (tdk_buf_vaddf(&p->why, fmt, ap) == 0)
		doc->error = p->why.data;
	va_end(ap);
	if (doc->rep->format == TDK_REPORT_TEXT && !doc->rep->quiet && doc->error)
		fprintf(doc->ctx->err, "tdk %s: %s\n", p->cmd, doc->error);
	return code;
}

int tdk_doc_output_fail(struct tdk_doc *doc, const char *cmd, const char *path, int err)
{
	if (path && strcmp(path, "-"))
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot write '%s': %s", path, strerror(err));
	/* Standard output is the run's: its failure is said once (tdk_output_error). */
	doc->error = "cannot write standard output";
	return tdk_output_error(doc->ctx, cmd, NULL, err);
}

void tdk_run_note_stopped(struct tdk_report *rep, const struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(16384);

	if (!d->stopped || rep->quiet || rep->format != TDK_REPORT_TEXT)
		return;
	if (tdk_buf_add_name(&b, d->file ? d->file : "<stdin>") < 0 ||
	    tdk_buf_addf(&b, ": note: stopped after %lu error%s (--max-errors)\n", d->max_errors,
			 d->max_errors == 1 ? "" : "s") < 0)
		rep->failed = 1;
	else
		fwrite(b.data, 1, b.len, rep->fp);
	tdk_buf_release(&b);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Under -O, the document's output file; 0, or an exit status (reported). */
static int out_path(struct tdk_run *run, struct tdk_doc *doc, struct tdk_buf *b)
{
	struct stat a, o;

	if (!strcmp(doc->path, "-"))
		return tdk_doc_fail(doc, TDK_EXIT_USAGE, "-O writes each output under its "
				    "input's name: standard input has none");
	if (tdk_buf_adds(b, run->o->outdir) < 0 || tdk_buf_addc(b, '/') < 0 ||
	    run->out_name(run->arg, base_name(doc->path), b) < 0)
		return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
	/* Never write over the input itself (-O naming the input's own folder). */
	if (fstat(doc->in.fd, &a) == 0 && stat(b->data, &o) == 0 && a.st_dev == o.st_dev &&
	    a.st_ino == o.st_ino)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "'%s' would replace its own input",
				    doc->qname);
	doc->outpath = b->data;
	return 0;
}

/* Tells what the input is from its first bytes, once, for every command. */
static int sniff(struct tdk_doc *doc)
{
	const char *p;
	ssize_t n = tdk_input_peek(&doc->in, &p, sizeof(doc->in.peek));

	if (n < 0)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname, strerror(doc->in.err));
	/* Fewer bytes than asked for: the input ended within them. */
	tdk_sniff(p, (size_t)n, (size_t)n < sizeof(doc->in.peek), &doc->sniff);
	return 0;
}

int tdk_doc_wrong_format(struct tdk_doc *doc, const char *cmd, const char *expects)
{
	const struct tdk_sniff *s = &doc->sniff;

	tdk_diag_add(&doc->d, TDK_SEV_ERROR, "TDK-FORMAT", NULL, "input looks like %s, not %s, which tdk %s "
		     "reads%s%s%s", s->what, expects, cmd, s->readers ? " (" : "", s->readers ? s->readers : "",
		     s->readers ? " can take it)" : "");
	return TDK_EXIT_NEGATIVE;
}

/* The JSON verdict object, after the document's diagnostics. */
static void json_verdict(struct tdk_report *rep, const struct tdk_doc *doc, const struct outcome *oc)
{
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);
	const char *reason = oc->result == RES_PARTIAL ? doc->partial : oc->result == RES_ERROR ? doc->error : NULL;
	int r = 0;

	r |= tdk_buf_adds(&b, "{\"file\":\"");
	r |= tdk_json_escape(&b, doc->name, strlen(doc->name));
	r |= tdk_buf_addf(&b, "\",\"result\":\"%s\",\"verdict\":\"", result_name[oc->result]);
	r |= tdk_json_escape(&b, oc->verdict, strlen(oc->verdict));
	r |= tdk_buf_addf(&b, "\",\"status\":%d", oc->code);
	if (reason) {
		r |= tdk_buf_adds(&b, ",\"reason\":\"");
		r |= tdk_json_escape(&b, reason, strlen(reason));
		r |= tdk_buf_adds(&b, "\"");
	}
	if (doc->json.len)
		r |= tdk_buf_add(&b, doc->json.data, doc->json.len);
	r |= tdk_buf_adds(&b, "}\n");
	if (r)
		rep->failed = 1;
	else if (!rep->quiet)
		fwrite(b.data, 1, b.len, rep->fp);
	tdk_buf_release(&b);
}

/* The JUnit case of a document, with the message its kind carries. */
static void junit_case(struct tdk_report *rep, const struct tdk_doc *doc, const struct outcome *oc,
		       int strict, double seconds)
{
	struct tdk_buf m = TDK_BUF_INIT(1 << 16);
	enum tdk_junit_kind kind = TDK_JUNIT_PASSED;

	switch (oc->result) {
	case RES_OK:
		break;
	case RES_PARTIAL:
		kind = strict ? TDK_JUNIT_FAILURE : TDK_JUNIT_SKIPPED;
		tdk_buf_addf(&m, "checked in part: %s", doc->partial);
		break;
	case RES_NEGATIVE:
		kind = TDK_JUNIT_FAILURE;
		/* A negative answer without an error (tdk harmonise --check) says it in its verdict. */
		if (!doc->d.errors && doc->verdict)
			tdk_buf_adds(&m, doc->verdict);
		else
			tdk_buf_addf(&m, "%lu error%s", doc->d.errors, doc->d.errors == 1 ? "" : "s");
		break;
	case RES_ERROR:
		kind = TDK_JUNIT_ERROR;
		if (doc->error)
			tdk_buf_adds(&m, doc->error);
		else
			tdk_buf_addf(&m, "%s (exit %d)", oc->verdict, oc->code);
		break;
	}
	tdk_report_case(rep, doc->name, kind, m.data, seconds);
	tdk_buf_release(&m);
}

/*
 * Handles one input from open to verdict, reporting through ctx and rep
 * (a worker's own, under -j).  Fills oc for the main thread.
 */
static void handle(struct tdk_run *run, struct tdk_ctx *ctx, struct tdk_report *rep, const char *path,
		   struct outcome *oc)
{
	struct doc_priv p;
	struct tdk_doc *doc = &p.doc;
	struct tdk_buf outp = TDK_BUF_INIT(2 * TDK_RUN_NAME_MAX + 64);
	double t0 = now();
	int code, opened = 0;

	memset(&p, 0, sizeof(p));
	tdk_buf_init(&p.why, 1 << 16);
	tdk_buf_init(&p.qname, 4 * TDK_RUN_NAME_MAX + 8);
	p.cmd = run->cmd;
	doc->path = path;
	doc->name = strcmp(path, "-") ? path : "<stdin>";
	doc->qname = tdk_name(&p.qname, doc->name);
	doc->ctx = ctx;
	doc->rep = rep;
	tdk_buf_init(&doc->json, (size_t)256 << 20);
	tdk_diag_init(&doc->d, doc->name);
	doc->d.emit = tdk_report_emit;
	doc->d.arg = rep;
	doc->d.max_errors = run->o->max_errors;
	if (run->setup_code) {
		doc->error = run->setup_error;
		code = run->setup_code;
		goto verdict;
	}
	if (tdk_input_open(&doc->in, path) < 0) {
		code = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot open '%s': %s", doc->qname,
				    strerror(doc->in.err));
		goto verdict;
	}
	opened = 1;
	if ((code = sniff(doc)))
		goto verdict;
	if (run->o->outdir && run->out_name && (code = out_path(run, doc, &outp)))
		goto verdict;
	code = run->one(run->arg, doc);
	if (code == TDK_EXIT_OK && doc->d.errors)
		code = TDK_EXIT_NEGATIVE;
verdict:
	if (opened)
		tdk_input_close(&doc->in);
	oc->code = code;
	oc->result = code == TDK_EXIT_OK ? (doc->partial ? RES_PARTIAL : RES_OK) :
		     code == TDK_EXIT_NEGATIVE ? RES_NEGATIVE : RES_ERROR;
	if (oc->result == RES_PARTIAL && run->o->strict)
		oc->code = TDK_EXIT_NEGATIVE;
	oc->verdict = strdup(doc->verdict ? doc->verdict : run->words[oc->result] ? run->words[oc->result] :
			     result_name[oc->result]);
	if (!oc->verdict) {
		rep->failed = 1;
		oc->code = tdk_exit_worst(oc->code, TDK_EXIT_INTERNAL);
	} else if (rep->format == TDK_REPORT_JSON) {
		json_verdict(rep, doc, oc);
	} else if (rep->format == TDK_REPORT_JUNIT) {
		junit_case(rep, doc, oc, run->o->strict, now() - t0);
	}
	tdk_run_note_stopped(rep, &doc->d);
	tdk_buf_release(&outp);
	tdk_buf_release(&doc->json);
	tdk_buf_release(&p.why);
	tdk_buf_release(&p.qname);
}

/* ---- verdicts ---- */

/*
 * One line per document; for a single document too, unless the document
 * itself went to standard output (convert, sign): that is the answer.
 */
static void verdict_line(struct tdk_run *run, const char *path, const struct outcome *oc, struct tally *t,
			 int batch)
{
	struct tdk_report *rep = &run->report;
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);

	t->n[oc->result]++;
	if (rep->quiet || rep->format != TDK_REPORT_TEXT || !oc->verdict || (!batch && run->data_on_stdout &&
	    !run->o->outdir))
		return;
	if (!tdk_buf_add_name(&b, strcmp(path, "-") ? path : "<stdin>") && !tdk_buf_addf(&b, ": %s\n", oc->verdict))
		fwrite(b.data, 1, b.len, run->data_on_stdout ? run->ctx->err : run->ctx->out);
	else
		rep->failed = 1;
	tdk_buf_release(&b);
}

static void summary(struct tdk_run *run, const struct tally *t)
{
	struct tdk_report *rep = &run->report;
	unsigned long files = t->n[0] + t->n[1] + t->n[2] + t->n[3];
	FILE *f = run->data_on_stdout ? run->ctx->err : run->ctx->out;

	if (rep->quiet)
		return;
	if (rep->format == TDK_REPORT_TEXT) {
		fprintf(f, "%lu file%s: %lu %s, %lu %s", files, files == 1 ? "" : "s", t->n[RES_OK],
			run->words[RES_OK], t->n[RES_NEGATIVE], run->words[RES_NEGATIVE]);
		if (t->n[RES_PARTIAL])
			fprintf(f, ", %lu %s", t->n[RES_PARTIAL], run->words[RES_PARTIAL]);
		fprintf(f, ", %lu %s\n", t->n[RES_ERROR], run->words[RES_ERROR]);
	} else if (rep->format == TDK_REPORT_JSON) {
		fprintf(rep->fp, "{\"summary\":{\"files\":%lu,\"ok\":%lu,\"negative\":%lu,\"partial\":%lu,"
			"\"error\":%lu}}\n", files, t->n[RES_OK], t->n[RES_NEGATIVE], t->n[RES_PARTIAL], t->n[RES_ERROR]);
	}
}

/* ---- workers ---- */

struct task {
	const char *path;
	char *out, *err;       /* what the document's handling wrote to stdout and to stderr */
	size_t nout, nerr;
	struct tdk_junit junit;
	struct outcome oc;
	int done;
	int failed;            /* some of its report was lost */
};

struct pool {
	struct tdk_run *run;
	/* Taken before the workers start: the main thread changes run->report while they run. */
	struct tdk_ctx ctx;
	enum tdk_report_format format;
	int quiet, report_on_err;
	struct task *tasks;
	size_t n, next, printed, window;
	pthread_mutex_t m;
	pthread_cond_t cv;
};

static void run_task(struct pool *p, struct task *t)
{
	struct tdk_run *run = p->run;
	struct tdk_ctx wctx = p->ctx;
	struct tdk_report wrep;
	FILE *out = open_memstream(&t->out, &t->nout), *err = open_memstream(&t->err, &t->nerr);

	memset(&wrep, 0, sizeof(wrep));
	wrep.format = p->format;
	wrep.quiet = p->quiet;

	if (!out || !err) {
		t->oc.code = TDK_EXIT_INTERNAL;
		t->oc.result = RES_ERROR;
		t->failed = 1;
		goto out;
	}
	/* The worker's standard output and error are kept, the report in whichever it goes to. */
	wctx.out = out;
	wctx.err = err;
	wrep.fp = p->report_on_err ? err : out;
	tdk_junit_init(&wrep.junit, run->suite);
	handle(run, &wctx, &wrep, t->path, &t->oc);
	t->junit = wrep.junit;
	t->failed = wrep.failed;
out:
	if (out)
		fclose(out);
	if (err)
		fclose(err);
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->m);
		while (p->next < p->n && p->next >= p->printed + p->window)
			pthread_cond_wait(&p->cv, &p->m);
		i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->m);
		if (i >= p->n)
			break;
		run_task(p, &p->tasks[i]);
		pthread_mutex_lock(&p->m);
		p->tasks[i].done = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->m);
	}
	return NULL;
}

/* Prints task i's report once it is done, in input order. */
static int collect(struct pool *p, struct task *tk, struct tally *t, struct progress *pg)
{
	struct tdk_run *run = p->run;
	struct tdk_report *rep = &run->report;

	pthread_mutex_lock(&p->m);
	while (!tk->done)
		pthread_cond_wait(&p->cv, &p->m);
	pthread_mutex_unlock(&p->m);
	progress_clear(pg);
	if (tk->nout)
		fwrite(tk->out, 1, tk->nout, run->ctx->out);
	if (tk->nerr)
		fwrite(tk->err, 1, tk->nerr, run->ctx->err);
	rep->failed |= tk->failed;
	if (rep->format == TDK_REPORT_JUNIT && tdk_junit_merge(&rep->junit, &tk->junit) < 0)
		rep->failed = 1;
	tdk_junit_release(&tk->junit);
	free(tk->out);
	free(tk->err);
	tk->out = tk->err = NULL;
	verdict_line(run, tk->path, &tk->oc, t, 1);
	free(tk->oc.verdict);
	pg->done++;
	progress_draw(run, pg, t);
	return tk->oc.code;
}

static int run_parallel(struct tdk_run *run, struct tdk_run_inputs *f, unsigned long jobs, struct tally *t,
			struct progress *pg)
{
	struct pool p;
	pthread_t *th;
	size_t i, started = 0;
	int code = TDK_EXIT_OK;

	memset(&p, 0, sizeof(p));
	p.run = run;
	p.ctx = *run->ctx;
	p.format = run->report.format;
	p.quiet = run->report.quiet;
	p.report_on_err = run->report.fp == run->ctx->err;
	p.n = f->n;
	p.window = jobs * 8;
	p.tasks = calloc(f->n, sizeof(*p.tasks));
	th = calloc(jobs, sizeof(*th));
	if (!p.tasks || !th) {
		free(p.tasks);
		free(th);
		return tdk_error(run->ctx, run->cmd, TDK_EXIT_INTERNAL, "out of memory");
	}
	for (i = 0; i < f->n; i++)
		p.tasks[i].path = f->v[i];
	pthread_mutex_init(&p.m, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (i = 0; i < jobs; i++)
		if (pthread_create(&th[i], NULL, worker, &p) == 0)
			started++;
	if (!started)
		worker(&p);
	for (i = 0; i < f->n; i++) {
		code = tdk_exit_worst(code, collect(&p, &p.tasks[i], t, pg));
		pthread_mutex_lock(&p.m);
		p.printed = i + 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.m);
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.m);
	pthread_cond_destroy(&p.cv);
	free(p.tasks);
	free(th);
	return code;
}

/* ---- the run ---- */

struct named {
	const char *out, *in;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->out, ((const struct named *)b)->out);
}

/*
 * Under -O, two inputs with the same output name would write one file twice:
 * refused before anything is written.  Returns 0 or an exit status (said).
 */
static int same_outputs(struct tdk_run *run, const struct tdk_run_inputs *f)
{
	struct named *v = calloc(f->n ? f->n : 1, sizeof(*v));
	struct tdk_buf *names = calloc(f->n ? f->n : 1, sizeof(*names));
	size_t i;
	int r = 0;

	if (!v || !names) {
		r = tdk_error(run->ctx, run->cmd, TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; i < f->n; i++) {
		tdk_buf_init(&names[i], TDK_RUN_NAME_MAX + 64);
		if (run->out_name(run->arg, base_name(f->v[i]), &names[i]) < 0) {
			r = tdk_error(run->ctx, run->cmd, TDK_EXIT_INTERNAL, "out of memory");
			goto out;
		}
		v[i].out = names[i].data;
		v[i].in = f->v[i];
	}
	qsort(v, f->n, sizeof(*v), cmp_named);
	for (i = 1; i < f->n && !r; i++)
		if (!strcmp(v[i - 1].out, v[i].out) && strcmp(v[i].in, "-"))
			r = tdk_error(run->ctx, run->cmd, TDK_EXIT_USAGE, "-O: '%s' and '%s' would both be "
				      "written to '%s/%s'", v[i - 1].in, v[i].in, run->o->outdir, v[i].out);
out:
	for (i = 0; names && i < f->n; i++)
		tdk_buf_release(&names[i]);
	free(names);
	free(v);
	return r;
}

int tdk_run_documents(struct tdk_run *run, char **files, int nfiles)
{
	struct tdk_run_inputs f;
	struct tally t;
	struct progress pg = { NULL, 0, 0, 0 };
	unsigned long jobs = run->o->jobs;
	size_t k;
	int code, show;

	memset(&t, 0, sizeof(t));
	memset(&f, 0, sizeof(f));
	if (tdk_run_stdin_users(run->o, files, nfiles) > 1) {
		code = tdk_error(run->ctx, run->cmd, TDK_EXIT_USAGE, "standard input can be the list of files "
				 "(--files-from -) or a document ('-'), not both");
		goto out;
	}
	code = tdk_run_inputs(run, files, nfiles, &f);
	if (code == TDK_EXIT_INTERNAL)
		goto out;
	if (run->o->outdir && run->out_name && (show = same_outputs(run, &f))) {
		code = tdk_exit_worst(code, show);
		goto out;
	}
	show = f.n > 1 || run->o->dir || run->o->files_from;
	if (jobs > JOBS_MAX)
		jobs = JOBS_MAX;
	if (run->o->progress && run->ctx->err_tty && !run->report.quiet && f.n > 1 && !run->serial) {
		/* Through a worker even under -j 1: the line stays while a document is handled. */
		pg.f = run->ctx->err;
		pg.n = f.n;
		progress_draw(run, &pg, &t);
	}
	if ((jobs > 1 || pg.f) && f.n > 1 && !run->serial) {
		if (!jobs)
			jobs = 1;
		code = tdk_exit_worst(code, run_parallel(run, &f, jobs, &t, &pg));
	} else {
		for (k = 0; k < f.n; k++) {
			struct outcome oc = { 0, RES_OK, NULL };

			handle(run, run->ctx, &run->report, f.v[k], &oc);
			verdict_line(run, f.v[k], &oc, &t, show);
			free(oc.verdict);
			code = tdk_exit_worst(code, oc.code);
		}
	}
	progress_clear(&pg);
	if (show)
		summary(run, &t);
out:
	if (tdk_report_finish(&run->report) < 0)
		code = tdk_exit_worst(code, tdk_error(run->ctx, run->cmd, TDK_EXIT_INTERNAL,
						      "out of memory: the report is incomplete"));
	tdk_run_inputs_release(&f);
	return code;
}
