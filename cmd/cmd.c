/*
 * Option parsing, usage and help for every command, all derived from the
 * command's option table, so that the synopsis in --help, the man page check
 * and the shell completions cannot drift apart.  Also the diagnostics report
 * (--format text|json|junit) that the document commands share.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

int tdk_error(struct tdk_ctx *ctx, const char *name, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "tdk%s%s: ", name ? " " : "", name ? name : "");
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return code;
}

int tdk_output_error(struct tdk_ctx *ctx, const char *name, const char *path, int err)
{
	struct tdk_buf scratch = TDK_BUF_INIT(16384);

	if (path && strcmp(path, "-"))
		tdk_error(ctx, name, TDK_EXIT_IO, "cannot write '%s': %s", tdk_name(&scratch, path),
			  strerror(err ? err : EIO));
	else if (!ctx->out_failed)
		tdk_error(ctx, name, TDK_EXIT_IO, "cannot write standard output: %s", strerror(err ? err : EIO));
	if (!path || !strcmp(path, "-"))
		ctx->out_failed = 1;
	tdk_buf_release(&scratch);
	return TDK_EXIT_IO;
}

int tdk_finish_output(struct tdk_ctx *ctx, const char *name, int code)
{
	errno = 0;
	if (ctx->out_failed || fflush(ctx->out) != 0 || ferror(ctx->out))
		return tdk_exit_worst(code, tdk_output_error(ctx, name, NULL, errno));
	return code;
}

static void opt_synopsis(FILE *f, const struct tdk_opt *o)
{
	if (o->shrt)
		fprintf(f, " [-%c%s%s]", o->shrt, o->arg ? " " : "", o->arg ? o->arg : "");
	else
		fprintf(f, " [--%s%s%s]", o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
}

void tdk_usage_line(FILE *f, const struct tdk_cmd_usage *u, const struct tdk_opt *opts)
{
	const struct tdk_opt *o;

	fprintf(f, "usage: tdk %s", u->name);
	for (o = opts; o->type != TDK_OPT_END; o++)
		if (o->type != TDK_OPT_ALIAS)
			opt_synopsis(f, o);
	if (u->operands && *u->operands)
		fprintf(f, " %s", u->operands);
	fputc('\n', f);
}

static void help(FILE *f, const struct tdk_cmd_usage *u, const struct tdk_opt *opts)
{
	const struct tdk_opt *o;
	char left[64];

	tdk_usage_line(f, u, opts);
	fprintf(f, "\n%s\n\nOptions:\n", u->summary);
	for (o = opts; o->type != TDK_OPT_END; o++) {
		if (o->type == TDK_OPT_ALIAS) {
			snprintf(left, sizeof(left), "    --%s", o->lng);
			fprintf(f, "  %-30s alias of --%s\n", left, o->arg);
			continue;
		}
		if (o->shrt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shrt, o->lng, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->lng, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(f, "  %-30s %s\n", left, o->help);
	}
	fprintf(f, "  %-30s %s\n", "    --help", "show this help and exit");
	fprintf(f, "  %-30s %s\n", "    --version", "show the version and exit");
	fprintf(f, "\nSee tdk-%s(1).\n", u->name);
}

/* One line per option for the shell completions: "-f --from format edifact|xml|json". */
static void complete_options(FILE *f, const struct tdk_opt *opts)
{
	const struct tdk_opt *o;

	for (o = opts; o->type != TDK_OPT_END; o++) {
		if (o->type == TDK_OPT_ALIAS)
			continue;
		if (o->shrt)
			fprintf(f, "-%c", o->shrt);
		else
			fputc('-', f);
		fprintf(f, " --%s %s %s\n", o->lng, o->arg ? o->arg : "-", o->choices ? o->choices : "-");
	}
	fprintf(f, "- --help - -\n- --version - -\n");
}

static int usage_error(struct tdk_ctx *ctx, const struct tdk_cmd_usage *u, const struct tdk_opt *opts,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Longer words are no typo of a name: nothing is suggested for them. */
#define CLOSEST_MAX 64

void tdk_closest_init(struct tdk_closest *c, const char *word)
{
	c->word = word;
	c->best = NULL;
	c->dist = UINT_MAX;
}

/* The optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[3][CLOSEST_MAX + 1], *prev2 = row[0], *prev = row[1], *cur = row[2], *t;
	size_t n = strlen(a), m = strlen(b), i, j;

	if (n > CLOSEST_MAX || m > CLOSEST_MAX)
		return UINT_MAX;
	for (j = 0; j <= m; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= n; i++) {
		cur[0] = (unsigned)i;
		for (j = 1; j <= m; j++) {
			unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]), del = prev[j] + 1, ins = cur[j - 1] + 1;
			unsigned d = sub < del ? sub : del;

			d = ins < d ? ins : d;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[m];
}

void tdk_closest_try(struct tdk_closest *c, const char *candidate)
{
	unsigned d = edit_distance(c->word, candidate);

	if (d < c->dist) {
		c->dist = d;
		c->best = candidate;
	}
}

const char *tdk_closest_best(const struct tdk_closest *c)
{
	unsigned most = strlen(c->word) <= 4 ? 1 : 2;

	return c->best && c->dist && c->dist <= most ? c->best : NULL;
}

void tdk_suggest(struct tdk_ctx *ctx, const char *name, const char *what, const char *word,
		 const char *const *words)
{
	struct tdk_buf q = TDK_BUF_INIT(4096);
	struct tdk_closest c;
	const char *best;

	tdk_closest_init(&c, word);
	for (; *words; words++)
		tdk_closest_try(&c, *words);
	fprintf(ctx->err, "tdk%s%s: '%s' is not %s", name ? " " : "", name ? name : "", tdk_name(&q, word), what);
	if ((best = tdk_closest_best(&c)))
		fprintf(ctx->err, "; did you mean '%s'?", best);
	fputc('\n', ctx->err);
	tdk_buf_release(&q);
}

/* The option named name (len bytes, without "--"), an alias resolved; NULL when there is none. */
static const struct tdk_opt *find_long(const struct tdk_opt *opts, const char *name, size_t len)
{
	const struct tdk_opt *o;

	for (o = opts; o->type != TDK_OPT_END; o++)
		if (strlen(o->lng) == len && !strncmp(o->lng, name, len))
			break;
	if (o->type == TDK_OPT_ALIAS)
		return find_long(opts, o->arg, strlen(o->arg));
	return o->type == TDK_OPT_END ? NULL : o;
}

/* "unknown option '--fromat'; did you mean '--format'?" */
static int unknown_long(struct tdk_ctx *ctx, const struct tdk_cmd_usage *u, const struct tdk_opt *opts,
			const char *name, size_t len)
{
	struct tdk_buf q = TDK_BUF_INIT(4096);
	char word[CLOSEST_MAX + 1];
	struct tdk_closest c;
	const struct tdk_opt *o;
	const char *best = NULL;
	int r;

	if (len <= CLOSEST_MAX) {
		memcpy(word, name, len);
		word[len] = '\0';
		tdk_closest_init(&c, word);
		for (o = opts; o->type != TDK_OPT_END; o++)
			tdk_closest_try(&c, o->lng);
		tdk_closest_try(&c, "help");
		tdk_closest_try(&c, "version");
		best = tdk_closest_best(&c);
	}
	snprintf(word, sizeof(word), "%.*s", (int)(len < CLOSEST_MAX ? len : CLOSEST_MAX), name);
	r = usage_error(ctx, u, opts, "unknown option '--%s%s'%s%s%s", tdk_name(&q, word), len > CLOSEST_MAX ? "..." : "",
			best ? "; did you mean '--" : "", best ? best : "", best ? "'?" : "");
	tdk_buf_release(&q);
	return r;
}

static int usage_error(struct tdk_ctx *ctx, const struct tdk_cmd_usage *u, const struct tdk_opt *opts,
		       const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "tdk %s: ", u->name);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	tdk_usage_line(ctx->err, u, opts);
	return TDK_EXIT_USAGE;
}

static int in_choices(const char *choices, const char *v)
{
	return *v && tdk_word_in(choices, v);
}

/*
 * A whole number, with a K, M or G suffix when size is set.  Returns 0, -1
 * when s is not such a number, or -2 when it is one but above max.
 */
static int parse_number(const char *s, int size, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0, mul = 1;
	const char *p = s;
	int over = 0;

	if (*p < '0' || *p > '9')
		return -1;
	/* Every digit is read, so that "99999999999999999999x" is malformed, not out of range. */
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned long long d = (unsigned long long)(*p - '0');

		if (over || v > (ULLONG_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (size && *p) {
		switch (*p++) {
		case 'k': case 'K': mul = 1ULL << 10; break;
		case 'm': case 'M': mul = 1ULL << 20; break;
		case 'g': case 'G': mul = 1ULL << 30; break;
		default: return -1;
		}
	}
	if (*p)
		return -1;
	if (over || (v && mul > max / v) || v * mul > max)
		return -2;
	*out = v * mul;
	return 0;
}

static int set_value(struct tdk_ctx *ctx, const struct tdk_cmd_usage *u, const struct tdk_opt *opts,
		     const struct tdk_opt *o, const char *v)
{
	unsigned long long n;
	int k;

	if (o->choices && !in_choices(o->choices, v))
		return usage_error(ctx, u, opts, "--%s: '%s' is not one of %s", o->lng, v, o->choices);
	switch (o->type) {
	case TDK_OPT_STRING:
		*(const char **)o->value = v;
		return -1;
	case TDK_OPT_ULONG:
		k = parse_number(v, 0, ULONG_MAX, &n);
		if (k == -2)
			return usage_error(ctx, u, opts, "--%s: '%s' is out of range (0 to %lu)", o->lng, v,
					   ULONG_MAX);
		if (k < 0)
			return usage_error(ctx, u, opts, "--%s: '%s' is not a whole number", o->lng, v);
		*(unsigned long *)o->value = (unsigned long)n;
		return -1;
	case TDK_OPT_SIZE:
		k = parse_number(v, 1, SIZE_MAX / 2, &n);
		if (k == -2)
			return usage_error(ctx, u, opts, "--%s: '%s' is out of range (0 to %zu bytes)", o->lng,
					   v, SIZE_MAX / 2);
		if (k < 0)
			return usage_error(ctx, u, opts, "--%s: '%s' is not a size (like 64K or 16M)",
					   o->lng, v);
		*(size_t *)o->value = (size_t)n;
		return -1;
	case TDK_OPT_LIST: {
		struct tdk_optlist *l = o->value;

		if (l->n >= TDK_OPTLIST_MAX)
			return usage_error(ctx, u, opts, "--%s: at most %d times", o->lng, TDK_OPTLIST_MAX);
		l->v[l->n++] = v;
		return -1;
	}
	default:
		return -1;
	}
}

int tdk_parse_options(struct tdk_ctx *ctx, const struct tdk_cmd_usage *u, const struct tdk_opt *opts,
		      int argc, char **argv, int *nargs)
{
	int i, n = 0, r;
	const struct tdk_opt *o;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				argv[n++] = argv[i];
			break;
		}
		if (a[0] != '-' || !a[1]) {
			argv[n++] = a;  /* an operand, or "-" for standard input */
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			if (len == 4 && !strncmp(name, "help", 4)) {
				help(ctx->out, u, opts);
				return TDK_EXIT_OK;
			}
			if (len == 7 && !strncmp(name, "version", 7)) {
				fprintf(ctx->out, "tdk %s\n", TDK_VERSION);
				return TDK_EXIT_OK;
			}
			if (len == 16 && !strncmp(name, "complete-options", 16)) {
				complete_options(ctx->out, opts);
				return TDK_EXIT_OK;
			}
			if (!(o = find_long(opts, name, len)))
				return unknown_long(ctx, u, opts, name, len);
			if (o->type == TDK_OPT_FLAG) {
				if (eq)
					return usage_error(ctx, u, opts, "option '--%s' takes no value", o->lng);
				*(int *)o->value = 1;
				continue;
			}
			if (!eq && i + 1 >= argc)
				return usage_error(ctx, u, opts, "option '--%s' needs a value (%s)", o->lng,
						   o->arg);
			if ((r = set_value(ctx, u, opts, o, eq ? eq + 1 : argv[++i])) >= 0)
				return r;
			continue;
		}
		/* A cluster of short options: -pq, -fxml, -f xml. */
		for (a++; *a; a++) {
			for (o = opts; o->type != TDK_OPT_END; o++)
				if (o->shrt && o->shrt == *a)
					break;
			if (o->type == TDK_OPT_END && *a == 'h') {
				help(ctx->out, u, opts);
				return TDK_EXIT_OK;
			}
			if (o->type == TDK_OPT_END)
				return usage_error(ctx, u, opts, "unknown option '-%c'", *a);
			if (o->type == TDK_OPT_FLAG) {
				*(int *)o->value = 1;
				continue;
			}
			if (a[1]) {
				r = set_value(ctx, u, opts, o, a + 1);
			} else if (i + 1 < argc) {
				r = set_value(ctx, u, opts, o, argv[++i]);
			} else {
				return usage_error(ctx, u, opts, "option '-%c' needs a value (%s)", o->shrt,
						   o->arg);
			}
			if (r >= 0)
				return r;
			break;
		}
	}
	*nargs = n;
	return -1;
}

void tdk_json_str(FILE *f, const char *s)
{
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	if (!tdk_json_escape(&b, s, strlen(s)) && b.data)
		fputs(b.data, f);
	fputc('"', f);
	tdk_buf_release(&b);
}

int tdk_report_init(struct tdk_report *r, const char *format, FILE *fp, const char *suite)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	if (!format || !strcmp(format, "text"))
		r->format = TDK_REPORT_TEXT;
	else if (!strcmp(format, "json"))
		r->format = TDK_REPORT_JSON;
	else if (!strcmp(format, "junit"))
		r->format = TDK_REPORT_JUNIT;
	else
		return -1;
	tdk_junit_init(&r->junit, suite);
	return 0;
}

void tdk_report_emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_report *r = arg;
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);

	if (r->quiet)
		return;
	switch (r->format) {
	case TDK_REPORT_TEXT:
		if (tdk_diag_format_text(&b, it) < 0)
			r->failed = 1;
		else
			fwrite(b.data, 1, b.len, r->fp);
		break;
	case TDK_REPORT_JSON:
		if (tdk_diag_format_json(&b, it) < 0)
			r->failed = 1;
		else
			fwrite(b.data, 1, b.len, r->fp);
		break;
	case TDK_REPORT_JUNIT:
		if (tdk_junit_case_add(&r->junit, it) < 0)
			r->failed = 1;
		break;
	}
	tdk_buf_release(&b);
}

void tdk_report_case(struct tdk_report *r, const char *name, enum tdk_junit_kind kind, const char *message,
		     double seconds)
{
	if (r->format == TDK_REPORT_JUNIT && tdk_junit_case_end(&r->junit, name, kind, message, seconds) < 0)
		r->failed = 1;
}

int tdk_report_finish(struct tdk_report *r)
{
	if (r->format == TDK_REPORT_JUNIT && !r->quiet) {
		struct tdk_buf b = TDK_BUF_INIT((size_t)512 << 20);

		if (tdk_junit_finish(&r->junit, &b) < 0)
			r->failed = 1;
		else
			fwrite(b.data, 1, b.len, r->fp);
		tdk_buf_release(&b);
	}
	tdk_junit_release(&r->junit);
	return r->failed ? -1 : 0;
}
