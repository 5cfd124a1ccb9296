/*
 * tdk validate, the batch and the XML half: gathers the inputs (arguments,
 * --files-from, -r), tells each one's format from its first bytes, and
 * checks XML documents for well-formedness (XML 1.0, Namespaces in XML),
 * against XSD 1.0 schemas found by --schema or through OASIS XML catalogs,
 * and against ISO Schematron rules (ISO/IEC 19757-3, libxml2's subset), and
 * XML Schema documents for whether they compile.  UN/EDIFACT inputs go to
 * cmd/validate.c.  With -j N, N workers check inputs at once; the reports
 * still come out in input order, each file's together.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pass.h"
#include "validate.h"
#include "xml/xml.h"

/* What every input shares: the schema set, the compiled --schema and --rules. */
struct xml_run {
	struct tdk_xml_schemas set;
	struct tdk_xml_opts opts;
	const struct tdk_validate_xml *xv;
	const struct tdk_validate_edifact *edi;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- catalogs ---- */

static int exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The catalog tdk ships: beside the sources when run from the build tree, else installed. */
static int shipped_catalog(char *out, size_t n)
{
	snprintf(out, n, "%s/xsd/catalog.xml", tdk_share_dir());
	return exists(out);
}

/* A setup fault (catalog, --schema, --rules) is reported as a document of its own. */
static void setup_diag(struct tdk_diag *d, struct tdk_report *rep, const struct tdk_validate_xml *xv)
{
	tdk_diag_init(d, NULL);
	d->emit = tdk_report_emit;
	d->arg = rep;
	d->max_errors = xv->max_errors;
}

static int add_catalog(struct xml_run *x, struct tdk_report *rep, const char *path)
{
	struct tdk_diag d;
	int r;

	setup_diag(&d, rep, x->xv);
	d.file = path;
	r = tdk_xml_schemas_add_catalog(&x->set, path, &d);
	if (r)
		tdk_report_document(rep, path, d.errors, 0);
	return r;
}

static int setup(struct tdk_ctx *ctx, struct xml_run *x, struct tdk_report *rep)
{
	const struct tdk_validate_xml *xv = x->xv;
	const char *env = getenv("TDK_CATALOG");
	char path[4200];
	size_t i;
	int r = TDK_EXIT_OK;

	if (tdk_xml_schemas_init(&x->set) < 0)
		return tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
	tdk_xml_opts_init(&x->opts);
	x->opts.set = &x->set;
	x->opts.use_schema_location = xv->use_schema_location;
	if (xv->max_size)
		x->opts.limits.max_size = xv->max_size;
	if (xv->max_depth)
		x->opts.limits.max_depth = xv->max_depth;
	tdk_xml_limit_opts_apply(&xv->limits, &x->opts.limits);
	if (xv->well_formed)
		x->opts.mode = TDK_XML_SCHEMA_NONE;

	for (i = 0; i < xv->catalogs.n && !r; i++)
		r = add_catalog(x, rep, xv->catalogs.v[i]);
	/* TDK_CATALOG: files separated by colons, looked up after --catalog. */
	while (!r && env && *env) {
		const char *colon = strchr(env, ':');
		size_t n = colon ? (size_t)(colon - env) : strlen(env);

		if (n && n < sizeof(path)) {
			snprintf(path, sizeof(path), "%.*s", (int)n, env);
			r = add_catalog(x, rep, path);
		}
		env = colon ? colon + 1 : NULL;
	}
	if (!r) {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

		if (xdg && *xdg)
			snprintf(path, sizeof(path), "%s/tdk/catalog.xml", xdg);
		else
			snprintf(path, sizeof(path), "%s/.config/tdk/catalog.xml", home ? home : "");
		if ((xdg && *xdg) || (home && *home)) {
			if (exists(path))
				r = add_catalog(x, rep, path);
		}
	}
	if (!r && shipped_catalog(path, sizeof(path)))
		r = add_catalog(x, rep, path);
	if (r)
		return r;

	if (xv->schema && !xv->well_formed) {
		struct tdk_diag d;
		const char *catalog = NULL;
		char *file = exists(xv->schema) ? strdup(xv->schema) :
			     tdk_xml_schemas_resolve(&x->set, xv->schema, &catalog);

		setup_diag(&d, rep, xv);
		d.file = xv->schema;
		if (!file) {
			tdk_diag_add(&d, TDK_SEV_ERROR, "XML-XSD-UNKNOWN", NULL,
				     "--schema '%s' is neither a file nor a name registered in a catalog",
				     xv->schema);
			r = TDK_EXIT_IO;
		} else if (catalog && !exists(file)) {
			tdk_diag_add(&d, TDK_SEV_ERROR, "XML-CATALOG", NULL,
				     "catalog '%s' maps '%s' to '%s', which cannot be read", catalog,
				     xv->schema, file);
			r = TDK_EXIT_IO;
		} else {
			r = tdk_xml_schemas_get(&x->set, file, &d, &x->opts.schema);
			x->opts.mode = TDK_XML_SCHEMA_FIXED;
		}
		if (r)
			tdk_report_document(rep, xv->schema, d.errors, 0);
		free(file);
		if (r)
			return r;
	}
	if (xv->rules) {
		struct tdk_diag d;

		setup_diag(&d, rep, xv);
		d.file = xv->rules;
		r = tdk_xml_rules_load(xv->rules, &d, &x->opts.rules);
		if (r)
			tdk_report_document(rep, xv->rules, d.errors, 0);
	}
	return r;
}

/* ---- one input ---- */

static int check_xml(struct tdk_ctx *ctx, struct xml_run *x, struct tdk_report *rep, const char *path,
		     struct tdk_input *in, int schema_doc)
{
	const struct tdk_validate_xml *xv = x->xv;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct tdk_buf scratch = TDK_BUF_INIT(16384);
	struct tdk_diag d;
	double t0 = now();
	int r;

	tdk_diag_init(&d, name);
	d.emit = tdk_report_emit;
	d.arg = rep;
	d.max_errors = xv->max_errors;
	if (schema_doc) {
		r = tdk_xml_check_schema(&x->set, path, &d);
		goto report;
	}
	r = tdk_xml_validate(in, &x->opts, &d);
	if (r == TDK_EXIT_IO && in->err) {
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot read '%s': %s", tdk_name(&scratch, name),
			      strerror(in->err));
		goto out;
	}
	if (r == TDK_EXIT_INTERNAL && !d.errors) {
		r = tdk_error(ctx, "validate", r, "out of memory while reading '%s'", tdk_name(&scratch, name));
		goto out;
	}
	tdk_validate_note_stopped(rep, &d);
report:
	tdk_report_document(rep, name, d.errors, now() - t0);
out:
	tdk_buf_release(&scratch);
	return r;
}

static int ends_xsd(const char *p)
{
	size_t n = strlen(p);

	return n > 4 && !strcasecmp(p + n - 4, ".xsd");
}

/* One input, by its format. */
/*
 * A schema is compiled from its file by name, where its imports are; with -p
 * its bytes go through the tap first, and once it is compiled the name must
 * still be the file that was opened.  (A schema rewritten in place while it
 * is compiled is not caught: the compiler reads it by name.)
 */
static int drain(struct tdk_input *in)
{
	char buf[65536];
	ssize_t n;

	while ((n = tdk_input_read(in, buf, sizeof(buf))) > 0)
		;
	return n < 0 ? -1 : 0;
}

static int same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* One input, by its format; with -p, passed through once it is found valid. */
static int check_one(struct tdk_ctx *ctx, struct xml_run *x, struct tdk_report *rep, const char *path)
{
	struct tdk_buf scratch = TDK_BUF_INIT(16384);
	const char *name = tdk_name(&scratch, strcmp(path, "-") ? path : "<stdin>");
	struct tdk_input in;
	struct tdk_pass pass;
	const char *peek;
	ssize_t np;
	int kind = 0, passing = 0, r;

	if (tdk_input_open(&in, path) < 0) {
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot open '%s': %s", name, strerror(in.err));
		goto out;
	}
	if (x->xv->pass) {
		if (tdk_pass_begin(&pass, &in)) {
			r = tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
			goto out;
		}
		passing = 1;
	}
	np = tdk_input_peek(&in, &peek, 512);
	if (np < 0) {
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot read '%s': %s", name, strerror(in.err));
		goto out;
	}
	if (np > 0)
		kind = tdk_xml_sniff(peek, (size_t)np);
	if (strcmp(path, "-") && ends_xsd(path))
		kind = 2;
	if (kind == 2 && !strcmp(path, "-"))
		kind = 1;  /* a schema is checked from its file, where its imports are */
	if (kind == 2 && passing && drain(&in) < 0) {
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot read '%s': %s", name, strerror(in.err));
		goto out;
	}
	if (kind)
		r = check_xml(ctx, x, rep, path, &in, kind == 2);
	else
		r = x->edi->fn(ctx, x->edi->vo, rep, path, &in);
	if (kind == 2 && passing && r == TDK_EXIT_OK && !same_file(in.fd, path))
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "'%s' changed while it was checked: not passed through",
			      name);
	if (passing && r == TDK_EXIT_OK)
		r = tdk_pass_write(&pass, ctx, path);
out:
	if (passing)
		tdk_pass_release(&pass);
	tdk_input_close(&in);
	tdk_buf_release(&scratch);
	return r;
}

/* ---- verdicts ---- */

struct tally {
	unsigned long files, valid, invalid, failed;
};

void tdk_validate_note_stopped(struct tdk_report *rep, const struct tdk_diag *d)
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

static void verdict(struct tdk_ctx *ctx, struct tdk_report *rep, struct tally *t, const char *path,
		    int code, int show)
{
	const char *v = code == TDK_EXIT_OK ? "valid" : code == TDK_EXIT_NEGATIVE ? "invalid" : "error";
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);

	t->files++;
	if (code == TDK_EXIT_OK)
		t->valid++;
	else if (code == TDK_EXIT_NEGATIVE)
		t->invalid++;
	else
		t->failed++;
	if (!show)
		return;
	if (rep->format == TDK_REPORT_TEXT) {
		if (!tdk_buf_add_name(&b, name) && !tdk_buf_addf(&b, ": %s\n", v))
			fwrite(b.data, 1, b.len, ctx->out);
		else
			rep->failed = 1;
	} else if (rep->format == TDK_REPORT_JSON) {
		if (!tdk_buf_adds(&b, "{\"file\":\"") && !tdk_json_escape(&b, name, strlen(name)) &&
		    !tdk_buf_addf(&b, "\",\"verdict\":\"%s\",\"status\":%d}\n", v, code))
			fwrite(b.data, 1, b.len, rep->fp);
		else
			rep->failed = 1;
	}
	tdk_buf_release(&b);
}

static void summary(struct tdk_ctx *ctx, struct tdk_report *rep, const struct tally *t)
{
	if (rep->format == TDK_REPORT_TEXT)
		fprintf(ctx->out, "%lu file%s: %lu valid, %lu invalid, %lu not checked\n", t->files,
			t->files == 1 ? "" : "s", t->valid, t->invalid, t->failed);
	else if (rep->format == TDK_REPORT_JSON)
		fprintf(rep->fp, "{\"summary\":{\"files\":%lu,\"valid\":%lu,\"invalid\":%lu,"
			"\"not_checked\":%lu}}\n", t->files, t->valid, t->invalid, t->failed);
}

/* ---- workers ---- */

struct task {
	const char *path;
	char *out, *err;       /* what the file's check wrote to the report and to stderr */
	size_t nout, nerr;
	struct tdk_junit junit;
	int code, done;
	int failed;            /* some of its report was lost */
};

struct pool {
	struct tdk_ctx *ctx;
	struct xml_run *x;
	struct tdk_report *rep;
	struct task *tasks;
	size_t n, next, printed, window;
	pthread_mutex_t m;
	pthread_cond_t cv;
};

static void run_task(struct pool *p, struct task *t)
{
	struct tdk_ctx wctx = *p->ctx;
	struct tdk_report wrep = *p->rep;
	FILE *out = NULL, *err = open_memstream(&t->err, &t->nerr);
	int shared = p->rep->fp == p->ctx->err;

	if (!shared)
		out = open_memstream(&t->out, &t->nout);
	if (!err || (!shared && !out)) {
		t->code = TDK_EXIT_INTERNAL;
		t->failed = 1;
		goto out;
	}
	wctx.err = err;
	wrep.fp = shared ? err : out;
	tdk_junit_init(&wrep.junit, p->rep->junit.suite);
	t->code = check_one(&wctx, p->x, &wrep, t->path);
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

static int run_parallel(struct tdk_ctx *ctx, struct xml_run *x, struct tdk_report *rep,
			struct tdk_validate_inputs *f, unsigned long jobs, struct tally *t, int show)
{
	struct pool p;
	pthread_t *th;
	size_t i, started = 0;
	int code = TDK_EXIT_OK;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.x = x;
	p.rep = rep;
	p.n = f->n;
	p.window = jobs * 8;
	p.tasks = calloc(f->n, sizeof(*p.tasks));
	th = calloc(jobs, sizeof(*th));
	if (!p.tasks || !th) {
		free(p.tasks);
		free(th);
		return tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
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
		struct task *tk = &p.tasks[i];

		pthread_mutex_lock(&p.m);
		while (!tk->done)
			pthread_cond_wait(&p.cv, &p.m);
		pthread_mutex_unlock(&p.m);
		if (tk->nout)
			fwrite(tk->out, 1, tk->nout, rep->fp);
		if (tk->nerr)
			fwrite(tk->err, 1, tk->nerr, ctx->err);
		rep->failed |= tk->failed;
		if (rep->format == TDK_REPORT_JUNIT) {
			if (tdk_buf_add(&rep->junit.cases, tk->junit.cases.data ? tk->junit.cases.data : "",
					tk->junit.cases.len) < 0)
				rep->failed = 1;
			rep->junit.tests += tk->junit.tests;
			rep->junit.failures += tk->junit.failures;
		}
		tdk_junit_release(&tk->junit);
		free(tk->out);
		free(tk->err);
		tk->out = tk->err = NULL;
		code = tdk_exit_worst(code, tk->code);
		verdict(ctx, rep, t, tk->path, tk->code, show);
		pthread_mutex_lock(&p.m);
		p.printed = i + 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.m);
	}
	for (i = 0; i < jobs; i++)
		if (i < started)
			pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.m);
	pthread_cond_destroy(&p.cv);
	free(p.tasks);
	free(th);
	return code;
}

int tdk_validate_run(struct tdk_ctx *ctx, struct tdk_validate_xml *xv, struct tdk_report *rep,
		     char **files, int nfiles, const struct tdk_validate_edifact *edi)
{
	struct xml_run x;
	struct tdk_validate_inputs f;
	struct tally t = { 0, 0, 0, 0 };
	int r, code, show;
	size_t k;

	memset(&x, 0, sizeof(x));
	x.xv = xv;
	x.edi = edi;
	code = tdk_validate_inputs(ctx, xv, rep, files, nfiles, &f);
	if (code == TDK_EXIT_INTERNAL)
		goto out;
	show = !xv->quiet && (f.n > 1 || xv->dir || xv->files_from);
	if ((r = setup(ctx, &x, rep))) {
		/* Nothing is checked with a broken setup; each input says so in its verdict. */
		code = tdk_exit_worst(code, r);
		for (k = 0; k < f.n; k++)
			verdict(ctx, rep, &t, f.v[k], r, show);
		if (show)
			summary(ctx, rep, &t);
		goto out;
	}
	if (xv->jobs > 1 && f.n > 1 && !xv->pass) {
		code = tdk_exit_worst(code, run_parallel(ctx, &x, rep, &f, xv->jobs > 64 ? 64 : xv->jobs,
							 &t, show));
	} else {
		for (k = 0; k < f.n; k++) {
			r = check_one(ctx, &x, rep, f.v[k]);
			verdict(ctx, rep, &t, f.v[k], r, show);
			code = tdk_exit_worst(code, r);
		}
	}
	if (show)
		summary(ctx, rep, &t);
out:
	if (x.opts.rules)
		tdk_xml_rules_free(x.opts.rules);
	tdk_xml_schemas_release(&x.set);
	tdk_validate_inputs_release(&f);
	return code;
}
