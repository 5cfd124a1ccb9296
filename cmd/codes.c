/*
 * tdk codes: look up the code lists tdk knows, one code or the whole list.
 * `country` is ISO 3166-1 and `currency` ISO 4217, both read at run time
 * from Debian's iso-codes package (lib/wco/codes.c); a code is found by any
 * of its forms (alpha-2, alpha-3, numeric) in any case and answered with the
 * canonical entry, in text or as one JSON object a line.  Exit 0 when every
 * code asked for is found, 1 when one is not (with "did you mean" when a
 * code of the list is one typo away), 2 for a usage error, 3 when the list
 * cannot be read.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dir.h"
#include "wco/codes.h"

struct codes_opts {
	const char *format;
	int json, quiet;
};

#define CODES_OPTIONS(o) \
	TDK_OPT_STRING_(0, "format", &(o).format, "format", "text|json", \
			"one line per entry as text, or one JSON object per line"), \
	TDK_OPT_FLAG_('q', "quiet", &(o).quiet, "print nothing; the exit status tells whether every code was found"), \
	TDK_OPT_END_

static const struct tdk_cmd_usage codes_usage = { "codes", "list [code ...]",
	"Look up code lists: country (ISO 3166-1) and currency (ISO 4217) from iso-codes." };

static const char *const lists[] = { "country", "currency", NULL };
static const char *const standards[] = { "a country code of ISO 3166-1", "a currency code of ISO 4217" };

static void print_entry(struct tdk_ctx *ctx, const struct codes_opts *o, const struct tdk_codes *c,
			const struct tdk_code *e)
{
	FILE *f = ctx->out;

	if (o->quiet)
		return;
	if (!o->json) {
		fputs(tdk_codes_str(c, e->code), f);
		if (c->list == TDK_CODES_COUNTRY)
			fprintf(f, "\t%s", tdk_codes_str(c, e->alpha3));
		fprintf(f, "\t%s\t%s\n", tdk_codes_str(c, e->numeric), tdk_codes_str(c, e->name));
		return;
	}
	fprintf(f, "{\"list\":\"%s\",\"code\":", lists[c->list]);
	tdk_json_str(f, tdk_codes_str(c, e->code));
	if (c->list == TDK_CODES_COUNTRY) {
		fputs(",\"alpha3\":", f);
		tdk_json_str(f, tdk_codes_str(c, e->alpha3));
	}
	fputs(",\"numeric\":", f);
	tdk_json_str(f, e->numeric ? tdk_codes_str(c, e->numeric) : NULL);
	fputs(",\"name\":", f);
	tdk_json_str(f, tdk_codes_str(c, e->name));
	if (c->list == TDK_CODES_COUNTRY) {
		fputs(",\"official_name\":", f);
		tdk_json_str(f, e->official ? tdk_codes_str(c, e->official) : NULL);
	}
	fputs("}\n", f);
}

/*
 * Whether candidate is a likely typo of up (one edit for a code of up to
 * four characters, two for longer ones) that keeps its first letter: codes
 * are short, so most of a list is one edit from any word, and the first
 * letter is the one a user rarely gets wrong.
 */
static int close_to(const char *up, const char *candidate)
{
	struct tdk_closest cl;

	if (!*candidate || up[0] != candidate[0])
		return 0;
	tdk_closest_init(&cl, up);
	tdk_closest_try(&cl, candidate);
	return tdk_closest_best(&cl) != NULL;
}

/* "'DX' is not a country code of ISO 3166-1; did you mean 'DE', 'DJ' ...?" on ctx->err. */
static void not_found(struct tdk_ctx *ctx, const struct tdk_codes *c, const char *word)
{
	struct tdk_buf q = TDK_BUF_INIT(4096);
	char up[TDK_CODES_WORD_MAX + 1];
	const char *sep = "; did you mean ";
	size_t i, n = strlen(word), shown = 0;
	const char *w[2];
	int k;

	if (n > TDK_CODES_WORD_MAX) {
		fprintf(ctx->err, "tdk codes: a word of %zu bytes is not %s\n", n, standards[c->list]);
		return;
	}
	for (i = 0; i <= n; i++)
		up[i] = word[i] >= 'a' && word[i] <= 'z' ? (char)(word[i] - 'a' + 'A') : word[i];
	fprintf(ctx->err, "tdk codes: '%s' is not %s", tdk_name(&q, word), standards[c->list]);
	for (i = 0; i < c->n && shown < 8; i++) {
		w[0] = tdk_codes_str(c, c->v[i].code);
		w[1] = tdk_codes_str(c, c->v[i].alpha3);
		for (k = 0; k < 2; k++)
			if (close_to(up, w[k]) && shown < 8) {
				fprintf(ctx->err, "%s'%s'", sep, w[k]);
				sep = ", ";
				shown++;
			}
	}
	fputs(shown ? "?\n" : "\n", ctx->err);
	tdk_buf_release(&q);
}

static int lookup(struct tdk_ctx *ctx, const struct codes_opts *o, enum tdk_codes_list list, int nargs,
		  char **args)
{
	struct tdk_codes c;
	struct tdk_diag d;
	const struct tdk_code *e;
	int r, i;
	size_t k;

	tdk_diag_init(&d, "codes");
	d.emit = o->quiet ? NULL : tdk_dir_report_diag;
	d.arg = ctx;
	if ((r = tdk_codes_load(&c, list, NULL, &d))) {
		if (r == TDK_EXIT_INTERNAL && !o->quiet)
			tdk_error(ctx, "codes", r, "out of memory");
		goto out;
	}
	if (nargs == 1)
		for (k = 0; k < c.n; k++)
			print_entry(ctx, o, &c, &c.v[k]);
	for (i = 1; i < nargs; i++) {
		if ((e = tdk_codes_find(&c, args[i]))) {
			print_entry(ctx, o, &c, e);
			continue;
		}
		r = TDK_EXIT_NEGATIVE;
		if (!o->quiet)
			not_found(ctx, &c, args[i]);
	}
out:
	tdk_codes_release(&c);
	return r;
}

int cmd_codes(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct codes_opts o = { 0 };
	const struct tdk_opt opts[] = { CODES_OPTIONS(o) };
	int nargs, r, i;

	if ((r = tdk_parse_options(ctx, &codes_usage, opts, argc, argv, &nargs)) >= 0)
		return r;
	o.json = o.format && !strcmp(o.format, "json");
	for (i = 0; nargs && lists[i] && strcmp(argv[0], lists[i]); i++)
		;
	if (!nargs || !lists[i]) {
		if (!nargs)
			fprintf(ctx->err, "tdk codes: say which list: %s or %s\n", lists[0], lists[1]);
		else
			tdk_suggest(ctx, "codes", "a code list", argv[0], lists);
		tdk_usage_line(ctx->err, &codes_usage, opts);
		return TDK_EXIT_USAGE;
	}
	r = lookup(ctx, &o, (enum tdk_codes_list)i, nargs, argv);
	return tdk_finish_output(ctx, "codes", r);
}

/* `tdk --complete codes WORD...`: the lists first; codes are not completed. */
int cmd_codes_complete(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct codes_opts o = { 0 };
	const struct tdk_opt opts[] = { CODES_OPTIONS(o) };
	struct tdk_ctx quiet = *ctx;
	FILE *null = fopen("/dev/null", "w");
	int nargs, i;

	if (!null)
		return 0;
	quiet.err = quiet.out = null;
	if (tdk_parse_options(&quiet, &codes_usage, opts, argc, argv, &nargs) < 0 && !nargs)
		for (i = 0; lists[i]; i++)
			fprintf(ctx->out, "%s\n", lists[i]);
	fclose(null);
	return 0;
}
