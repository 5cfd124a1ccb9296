/*
 * The inputs of a run (cmd/run.h): the file arguments, the names listed
 * in --files-from (one a line, or NUL-terminated with -0, as find -print0
 * writes them) and the documents under -r, gathered before anything is
 * checked.  Every source is bounded: a name or a path at most
 * TDK_RUN_NAME_MAX bytes (PATH_MAX), at most TDK_RUN_INPUTS_MAX
 * inputs in all, folders at most WALK_DEPTH deep, so that a list read from
 * /dev/zero or a runaway tree ends in a diagnostic, not in memory exhaustion.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run.h"

#define WALK_DEPTH 64

struct gather {
	struct tdk_run *run;
	struct tdk_ctx *ctx;
	const struct tdk_run_opts *o;
	struct tdk_run_inputs *in;
	int full;                /* TDK_RUN_INPUTS_MAX reached: stop gathering */
};

/* Returns 0, -1 when out of memory, -2 when the list is full. */
static int add(struct tdk_run_inputs *f, const char *s, size_t n)
{
	char **v;

	if (f->n >= TDK_RUN_INPUTS_MAX)
		return -2;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;

		v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return -1;
		f->v = v;
		f->cap = cap;
	}
	if (!(f->v[f->n] = strndup(s, n)))
		return -1;
	f->n++;
	return 0;
}

void tdk_run_inputs_release(struct tdk_run_inputs *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

/* A fault of a list or a folder, reported as a document of its own; returns the status it means. */
static int fault(struct gather *g, const char *file, unsigned long line, enum tdk_severity sev,
		 const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int fault(struct gather *g, const char *file, unsigned long line, enum tdk_severity sev,
		 const char *code, const char *fmt, ...)
{
	struct tdk_diag d;
	struct tdk_diag_loc loc;
	va_list ap;

	tdk_run_diag(g->run, &d, file);
	memset(&loc, 0, sizeof(loc));
	loc.line = line;
	va_start(ap, fmt);
	tdk_diag_addv(&d, sev, code, line ? &loc : NULL, fmt, ap);
	va_end(ap);
	/* A list or a folder that cannot be read is an input not checked; one with no file, nothing checked. */
	tdk_report_case(&g->run->report, file, sev == TDK_SEV_ERROR ? TDK_JUNIT_ERROR : TDK_JUNIT_SKIPPED,
			sev == TDK_SEV_ERROR ? code : "no document to check", 0);
	return sev == TDK_SEV_ERROR ? TDK_EXIT_IO : TDK_EXIT_OK;
}

/* What add() said, as an exit status, with the diagnostic for a full list. */
static int added(struct gather *g, int k, const char *file, unsigned long line)
{
	if (k == -1)
		return TDK_EXIT_INTERNAL;
	if (k == -2) {
		g->full = 1;
		return fault(g, file, line, TDK_SEV_ERROR, "TDK-LIMIT-FILES",
			     "more than %zu inputs; the rest is not checked", TDK_RUN_INPUTS_MAX);
	}
	return TDK_EXIT_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files -r takes: documents by the command's usual names. */
static int wanted(const struct tdk_run *run, const char *name)
{
	const char *const *e;
	size_t n = strlen(name);

	for (e = run->exts; e && *e; e++) {
		size_t k = strlen(*e);

		if (n > k && !strcasecmp(name + n - k, *e))
			return 1;
	}
	return 0;
}

/* "no .xml, .xsd or .edi file": the extensions, as a list in words. */
static void ext_list(const struct tdk_run *run, struct tdk_buf *b)
{
	size_t n = 0, i;

	while (run->exts && run->exts[n])
		n++;
	for (i = 0; i < n; i++)
		tdk_buf_addf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", run->exts[i]);
}

static int walk(struct gather *g, const char *dir, int depth)
{
	char path[TDK_RUN_NAME_MAX + 1];
	struct tdk_buf scratch = TDK_BUF_INIT(4 * TDK_RUN_NAME_MAX + 8);
	DIR *dh = opendir(dir);
	struct dirent *de;
	struct stat st;
	int r = TDK_EXIT_OK;

	if (!dh) {
		r = tdk_error(g->ctx, g->run->cmd, TDK_EXIT_IO, "cannot read folder '%s': %s",
			      tdk_name(&scratch, dir), strerror(errno));
		goto out;
	}
	while (!g->full && r != TDK_EXIT_INTERNAL) {
		errno = 0;
		if (!(de = readdir(dh))) {
			if (errno)
				r = tdk_error(g->ctx, g->run->cmd, TDK_EXIT_IO, "cannot read folder '%s': %s",
					      tdk_name(&scratch, dir), strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path)) {
			r = tdk_exit_worst(r, fault(g, dir, 0, TDK_SEV_ERROR, "TDK-WALK-PATH",
						    "'%s' in this folder: its path is longer than %d bytes; "
						    "not checked", de->d_name, TDK_RUN_NAME_MAX));
			continue;
		}
		if (lstat(path, &st) != 0) {
			/* Gone since readdir: nothing to check. */
			if (errno != ENOENT)
				r = tdk_exit_worst(r, tdk_error(g->ctx, g->run->cmd, TDK_EXIT_IO,
								"cannot read '%s': %s", tdk_name(&scratch, path),
								strerror(errno)));
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth >= WALK_DEPTH)
			r = tdk_exit_worst(r, fault(g, path, 0, TDK_SEV_ERROR, "TDK-WALK-DEPTH",
						    "folders nested more than %d deep; not checked", WALK_DEPTH));
		else if (S_ISDIR(st.st_mode))
			r = tdk_exit_worst(r, walk(g, path, depth + 1));
		else if (S_ISREG(st.st_mode) && wanted(g->run, de->d_name))
			r = tdk_exit_worst(r, added(g, add(g->in, path, strlen(path)), dir, 0));
	}
	closedir(dh);
out:
	tdk_buf_release(&scratch);
	return r;
}

/*
 * The names in the list from, one a line (a CR before the line feed is not
 * part of the name) or each ending with NUL under -0.  Read byte by byte
 * into a bounded buffer: a line is never held whole before it is measured.
 */
static int read_list(struct gather *g, const char *from)
{
	FILE *fp = strcmp(from, "-") ? fopen(from, "r") : g->ctx->in;
	const char *list = strcmp(from, "-") ? from : "<stdin>";
	char name[TDK_RUN_NAME_MAX];
	struct tdk_buf scratch = TDK_BUF_INIT(4 * TDK_RUN_NAME_MAX + 8);
	unsigned long line = 1;
	size_t n = 0;
	int sep = g->o->nul ? '\0' : '\n', nul = 0, c, r = TDK_EXIT_OK;

	if (!fp) {
		r = tdk_error(g->ctx, g->run->cmd, TDK_EXIT_IO, "cannot open '%s': %s",
			      tdk_name(&scratch, from), strerror(errno));
		goto out;
	}
	for (;;) {
		c = getc(fp);
		if (c != EOF && c != sep) {
			if (n == sizeof(name)) {
				r = fault(g, list, line, TDK_SEV_ERROR, "TDK-LIST-NAME",
					  "a name longer than %zu bytes", sizeof(name));
				break;
			}
			nul |= c == '\0';
			name[n++] = (char)c;
			continue;
		}
		if (c == EOF && !n)
			break;
		if (!g->o->nul && n && name[n - 1] == '\r')
			n--;
		if (nul) {
			r = fault(g, list, line, TDK_SEV_ERROR, "TDK-LIST-NAME",
				  "a name with a NUL byte (names that end with NUL need -0)");
			break;
		}
		/* Empty lines count too, or -0 on /dev/zero would never end. */
		if (line > TDK_RUN_INPUTS_MAX) {
			g->full = 1;
			r = fault(g, list, line, TDK_SEV_ERROR, "TDK-LIMIT-FILES",
				  "more than %zu lines; the rest is not checked", TDK_RUN_INPUTS_MAX);
			break;
		}
		if (n && (r = added(g, add(g->in, name, n), list, line)))
			break;
		if (c == EOF)
			break;
		n = 0;
		line++;
	}
	if (ferror(fp))
		r = tdk_exit_worst(r, tdk_error(g->ctx, g->run->cmd, TDK_EXIT_IO, "cannot read '%s': %s",
						tdk_name(&scratch, list), strerror(errno)));
	if (fp != g->ctx->in)
		fclose(fp);
out:
	tdk_buf_release(&scratch);
	return r;
}

int tdk_run_inputs(struct tdk_run *run, char **files, int nfiles, struct tdk_run_inputs *in)
{
	const struct tdk_run_opts *o = run->o;
	struct gather g = { run, run->ctx, o, in, 0 };
	size_t from;
	int i, r = TDK_EXIT_OK;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < nfiles && r == TDK_EXIT_OK; i++)
		r = added(&g, add(in, files[i], strlen(files[i])), NULL, 0);
	from = in->n;
	if (o->files_from && r != TDK_EXIT_INTERNAL && !g.full) {
		r = tdk_exit_worst(r, read_list(&g, o->files_from));
		if (in->n == from && r == TDK_EXIT_OK)
			fault(&g, strcmp(o->files_from, "-") ? o->files_from : "<stdin>", 0, TDK_SEV_WARNING,
			      "TDK-NO-FILES", "the list names no file to check");
	}
	from = in->n;
	if (o->dir && r != TDK_EXIT_INTERNAL && !g.full) {
		r = tdk_exit_worst(r, walk(&g, o->dir, 0));
		/* qsort's pointer must not be NULL, even for no element (C11 7.22.5). */
		if (in->n > from) {
			qsort(in->v + from, in->n - from, sizeof(*in->v), cmp_str);
		} else if (r == TDK_EXIT_OK) {
			struct tdk_buf e = TDK_BUF_INIT(256);

			ext_list(run, &e);
			fault(&g, o->dir, 0, TDK_SEV_WARNING, "TDK-NO-FILES",
			      "no %s file in this folder or under it", e.data ? e.data : "");
			tdk_buf_release(&e);
		}
	}
	if (!nfiles && !o->files_from && !o->dir && r == TDK_EXIT_OK)
		r = added(&g, add(in, "-", 1), NULL, 0);
	if (r == TDK_EXIT_INTERNAL)
		tdk_error(run->ctx, run->cmd, r, "out of memory");
	return r;
}
