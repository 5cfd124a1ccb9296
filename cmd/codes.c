/*
 * tdk codes: look up the code lists tdk knows, one code or the whole list.
 * `country` is ISO 3166-1 and `currency` ISO 4217, both read at run time
 * from Debian's iso-codes package (lib/wco/codes.c); `unit` and `package`
 * are UN/ECE Recommendations 20 and 21 as the UK CDS uses them, compiled into
 * data/codes; `uncl` is a code list of an installed UNTDID release.  A code is
 * found by any of its forms (alpha-2, alpha-3, numeric) in any case and
 * answered with the canonical entry, in text or as one JSON object a line.  Exit 0 when every
 * code asked for is found, 1 when one is not (with "did you mean" when a
 * code of the list is one typo away), 2 for a usage error, 3 when the list
 * cannot be read.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dir.h"
#include "wco/codes.h"
#include "wco/dict.h"

struct codes_opts {
	const char *format, *directory;
	int json, quiet;
};

#define CODES_OPTIONS(o) \
	TDK_OPT_STRING_('D', "directory", &(o).directory, "path", NULL, \
			"uncl: read the release from path (a release zip or folder, or a folder of " \
			"releases) instead of the search path"), \
	TDK_OPT_STRING_(0, "format", &(o).format, "format", "text|json", \
			"one line per entry as text, or one JSON object per line"), \
	TDK_OPT_FLAG_('q', "quiet", &(o).quiet, "print nothing; the exit status tells whether every code was found"), \
	TDK_OPT_END_

static const struct tdk_cmd_usage codes_usage = { "codes",
	"list [code ...] | uncl release element [code ...] | wco [pointer|id|name|path ...]",
	"Look up code lists: country (ISO 3166-1) and currency (ISO 4217) from iso-codes, unit "
	"(UN/ECE Rec 20) and package (Rec 21) as the UK CDS uses them, uncl (a UNTDID release's code lists), "
	"wco (the WCO Data Model's pointers, names, formats and code lists as the UK CDS uses them)." };

/* The lists in the order of enum tdk_codes_list, then those read from elsewhere. */
static const char *const lists[] = { "country", "currency", "unit", "package", "uncl", "wco", NULL };
#define LIST_UNCL 4
#define LIST_WCO 5
static const char *const standards[] = { "a country code of ISO 3166-1", "a currency code of ISO 4217",
					 "a unit code of UN/ECE Recommendation 20",
					 "a package type code of UN/ECE Recommendation 21" };

static void print_entry(struct tdk_ctx *ctx, const struct codes_opts *o, const struct tdk_codes *c,
			const struct tdk_code *e)
{
	FILE *f = ctx->out;
	int iso = c->list == TDK_CODES_COUNTRY || c->list == TDK_CODES_CURRENCY;

	if (o->quiet)
		return;
	if (!o->json) {
		fputs(tdk_codes_str(c, e->code), f);
		if (c->list == TDK_CODES_COUNTRY)
			fprintf(f, "\t%s", tdk_codes_str(c, e->alpha3));
		if (iso)
			fprintf(f, "\t%s", tdk_codes_str(c, e->numeric));
		fprintf(f, "\t%s\n", tdk_codes_str(c, e->name));
		return;
	}
	fprintf(f, "{\"list\":\"%s\",\"code\":", lists[c->list]);
	tdk_json_str(f, tdk_codes_str(c, e->code));
	if (c->list == TDK_CODES_COUNTRY) {
		fputs(",\"alpha3\":", f);
		tdk_json_str(f, tdk_codes_str(c, e->alpha3));
	}
	if (iso) {
		fputs(",\"numeric\":", f);
		tdk_json_str(f, e->numeric ? tdk_codes_str(c, e->numeric) : NULL);
	}
	fputs(",\"name\":", f);
	tdk_json_str(f, tdk_codes_str(c, e->name));
	if (c->list == TDK_CODES_COUNTRY) {
		fputs(",\"official_name\":", f);
		tdk_json_str(f, e->official ? tdk_codes_str(c, e->official) : NULL);
	}
	fputs("}\n", f);
}

/*
 * "did you mean" for codes: codes are short, so most of a list is one edit
 * from any word; only the candidates that keep the word's first letter (the
 * one a user rarely gets wrong) and are one edit away (two for words over
 * four characters) are offered, at most eight.
 */
struct suggest {
	FILE *f;
	char up[TDK_CODES_WORD_MAX + 1];   /* the word in upper case */
	const char *sep;
	unsigned shown;
};

/*
 * Starts "tdk codes: 'word' is not WHAT" on ctx->err; returns 0 when
 * candidates should follow (suggest_try, then suggest_end), -1 when the word
 * is too long to be a code (the line is then complete).
 */
static int suggest_start(struct suggest *s, struct tdk_ctx *ctx, const char *word, const char *what)
{
	struct tdk_buf q = TDK_BUF_INIT(4096);
	size_t i, n = strlen(word);

	s->f = ctx->err;
	s->sep = "; did you mean ";
	s->shown = 0;
	if (n > TDK_CODES_WORD_MAX) {
		fprintf(ctx->err, "tdk codes: a word of %zu bytes is not %s\n", n, what);
		return -1;
	}
	for (i = 0; i <= n; i++)
		s->up[i] = word[i] >= 'a' && word[i] <= 'z' ? (char)(word[i] - 'a' + 'A') : word[i];
	fprintf(ctx->err, "tdk codes: '%s' is not %s", tdk_name(&q, word), what);
	tdk_buf_release(&q);
	return 0;
}

static void suggest_try(struct suggest *s, const char *candidate)
{
	struct tdk_closest cl;

	if (s->shown >= 8 || !*candidate || s->up[0] != candidate[0])
		return;
	tdk_closest_init(&cl, s->up);
	tdk_closest_try(&cl, candidate);
	if (!tdk_closest_best(&cl))
		return;
	fprintf(s->f, "%s'%s'", s->sep, candidate);
	s->sep = ", ";
	s->shown++;
}

static void suggest_end(struct suggest *s)
{
	fputs(s->shown ? "?\n" : "\n", s->f);
}

/* "'DX' is not a country code of ISO 3166-1; did you mean 'DE', 'DJ' ...?" on ctx->err. */
static void not_found(struct tdk_ctx *ctx, const struct tdk_codes *c, const char *word)
{
	struct suggest s;
	size_t i;

	if (suggest_start(&s, ctx, word, standards[c->list]) < 0)
		return;
	for (i = 0; i < c->n; i++) {
		suggest_try(&s, tdk_codes_str(c, c->v[i].code));
		suggest_try(&s, tdk_codes_str(c, c->v[i].alpha3));
	}
	suggest_end(&s);
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
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	if ((r = tdk_codes_load(&c, list, NULL, &d))) {
		if (r == TDK_EXIT_INTERNAL)
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
		not_found(ctx, &c, args[i]);
	}
out:
	tdk_codes_release(&c);
	return r;
}

static void print_uncl(struct tdk_ctx *ctx, const struct codes_opts *o, const struct tdk_dir *d,
		       const struct tdk_dir_codelist *l, const struct tdk_dir_code *c)
{
	FILE *f = ctx->out;

	if (o->quiet)
		return;
	if (!o->json) {
		fprintf(f, "%s\t%s%s\n", tdk_dir_str(d, c->value), tdk_dir_str(d, c->name),
			c->deleted ? "\tmarked for deletion" : "");
		return;
	}
	fprintf(f, "{\"list\":\"uncl\",\"release\":\"%s\",\"element\":\"%s\",\"code\":", d->release, l->tag);
	tdk_json_str(f, tdk_dir_str(d, c->value));
	fputs(",\"name\":", f);
	tdk_json_str(f, tdk_dir_str(d, c->name));
	fprintf(f, ",\"marked_for_deletion\":%s}\n", c->deleted ? "true" : "false");
}

/* One code of l: as written, then in upper case (UNCL codes are upper case). */
static const struct tdk_dir_code *uncl_find(const struct tdk_dir *d, const struct tdk_dir_codelist *l,
					    const char *word)
{
	const struct tdk_dir_code *c;
	char up[TDK_CODES_WORD_MAX + 1];
	size_t i, n = strlen(word);

	if (n > TDK_CODES_WORD_MAX)
		return NULL;
	if ((c = tdk_dir_code(d, l, word, n)))
		return c;
	for (i = 0; i < n; i++)
		up[i] = word[i] >= 'a' && word[i] <= 'z' ? (char)(word[i] - 'a' + 'A') : word[i];
	return tdk_dir_code(d, l, up, n);
}

/* `uncl release element [code ...]`: a code list of an installed UNTDID release. */
static int uncl(struct tdk_ctx *ctx, const struct codes_opts *o, int nargs, char **args)
{
	struct tdk_dir_set set;
	struct tdk_dir *d = NULL;
	const struct tdk_dir_codelist *l;
	const struct tdk_dir_code *c;
	struct tdk_buf q = TDK_BUF_INIT(4096);
	char what[96];
	struct suggest s;
	uint32_t k;
	int r, i;

	if (nargs < 3)
		return tdk_error(ctx, "codes", TDK_EXIT_USAGE, "usage: tdk codes uncl release element [code ...]");
	if ((r = tdk_dir_open_release(ctx, "codes", &set, o->directory, 0, args[1], &d)))
		goto out;
	if (!(l = tdk_dir_code_list(d, args[2]))) {
		r = tdk_error(ctx, "codes", TDK_EXIT_NEGATIVE, "release %s has no code list '%s'", d->release,
			      tdk_name(&q, strlen(args[2]) > TDK_CODES_WORD_MAX ? "(too long)" : args[2]));
		goto out;
	}
	if (nargs == 3)
		for (k = 0; k < l->n; k++)
			print_uncl(ctx, o, d, l, &d->codes[l->first + k]);
	snprintf(what, sizeof(what), "a code of list %s in %s", l->tag, d->release);
	for (i = 3; i < nargs; i++) {
		if ((c = uncl_find(d, l, args[i]))) {
			print_uncl(ctx, o, d, l, c);
			continue;
		}
		r = TDK_EXIT_NEGATIVE;
		if (suggest_start(&s, ctx, args[i], what) < 0)
			continue;
		for (k = 0; k < l->n; k++)
			suggest_try(&s, tdk_dir_str(d, d->codes[l->first + k].value));
		suggest_end(&s);
	}
out:
	tdk_buf_release(&q);
	tdk_dir_set_release(&set);
	return r;
}

/* A field as text: "-" when empty. */
static const char *or_dash(const char *s)
{
	return *s ? s : "-";
}

/* A field as JSON: null when empty. */
static void json_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	tdk_json_str(f, *s ? s : NULL);
}

/*
 * One WCO entry: "POINTER NAMES FORMAT CODELIST DE DESCRIPTION", tab-separated,
 * NAMES the name of every step of the pointer; or one JSON object.
 */
static void print_wco(struct tdk_ctx *ctx, const struct codes_opts *o, const struct tdk_wco_dict *dict,
		      const struct tdk_wco_elem *e)
{
	struct tdk_buf names = TDK_BUF_INIT(8 * TDK_WCO_POINTER_MAX);
	FILE *f = ctx->out;

	if (o->quiet)
		return;
	if (tdk_wco_dict_steps(dict, e->pointer, &names) < 0 || tdk_buf_addc(&names, '\0') < 0)
		goto out;
	if (!o->json) {
		fprintf(f, "%s\t%s\t%s\t%s\t%s%s\t%s\n", e->pointer, names.data, or_dash(e->format),
			or_dash(e->codelist), *e->ucc ? "DE " : "", or_dash(e->ucc), or_dash(e->description));
		goto out;
	}
	fputs("{\"list\":\"wco\",\"pointer\":", f);
	tdk_json_str(f, e->pointer);
	json_field(f, "id", e->id);
	json_field(f, "name", e->name);
	json_field(f, "names", names.data);
	json_field(f, "path", e->path);
	json_field(f, "format", e->format);
	json_field(f, "codelist", e->codelist);
	json_field(f, "ucc", e->ucc);
	json_field(f, "description", e->description);
	fputs("}\n", f);
out:
	tdk_buf_release(&names);
}

/* A word with a '/' and only [0-9A-Z/] is a pointer; other words with '/' are paths. */
static int is_pointer(const char *w)
{
	for (; *w; w++)
		if (!((*w >= '0' && *w <= '9') || (*w >= 'A' && *w <= 'Z') || *w == '/'))
			return 0;
	return 1;
}

/* Equal ignoring the case of ASCII letters. */
static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a, y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

/*
 * The entries word names: a pointer ("42A/D026") or a path exactly, else every
 * entry whose ID is word or whose name is word in any case.  Prints them;
 * returns how many.
 */
static size_t wco_find(struct tdk_ctx *ctx, const struct codes_opts *o, const struct tdk_wco_dict *dict,
		       const char *word)
{
	const struct tdk_wco_elem *e;
	size_t i, n = 0;

	if ((e = strchr(word, '/') ? (is_pointer(word) ? tdk_wco_dict_by_pointer(dict, word)
						       : tdk_wco_dict_by_path(dict, word))
				   : NULL)) {
		print_wco(ctx, o, dict, e);
		return 1;
	}
	if (strchr(word, '/'))
		return 0;
	for (i = 0; i < dict->n; i++)
		if (!strcmp(dict->v[i].id, word) || same_name(dict->v[i].name, word)) {
			print_wco(ctx, o, dict, &dict->v[i]);
			n++;
		}
	return n;
}

/* Whether an entry before v[i] has the same name (a name is offered once). */
static int name_seen(const struct tdk_wco_dict *dict, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(dict->v[j].name, dict->v[i].name))
			return 1;
	return 0;
}

/*
 * A candidate for word: a pointer with the same steps but the last one typo
 * away, a path or a name (each once) one or two edits away.
 */
static const char *wco_candidate(const struct tdk_wco_dict *dict, size_t i, const char *word, int pointer)
{
	const struct tdk_wco_elem *e = &dict->v[i];
	const char *last = strrchr(word, '/'), *cand = e->name;
	struct tdk_closest cl;

	if (pointer) {
		size_t n = last ? (size_t)(last - word) + 1 : 0;

		if (strncmp(e->pointer, word, n) || strchr(e->pointer + n, '/'))
			return NULL;
		tdk_closest_init(&cl, word + n);
		tdk_closest_try(&cl, e->id);
		return tdk_closest_best(&cl) ? e->pointer : NULL;
	}
	if (last)
		cand = e->path;
	else if (name_seen(dict, i))
		return NULL;
	if (!*cand)
		return NULL;
	tdk_closest_init(&cl, word);
	tdk_closest_try(&cl, cand);
	return tdk_closest_best(&cl);
}

/*
 * "'42A/67A/56A/G005' is not a pointer of the WCO dictionary; did you mean
 * '42A/56A/G005'?": the entry its steps resolve to, then the entries that
 * wco_candidate() offers, at most eight.
 */
static void wco_not_found(struct tdk_ctx *ctx, const struct tdk_wco_dict *dict, const char *word)
{
	struct tdk_buf q = TDK_BUF_INIT(4096);
	const struct tdk_wco_elem *e = NULL;
	const char *sep = "; did you mean ", *cand;
	unsigned shown = 0;
	size_t i;
	int pointer = strchr(word, '/') && is_pointer(word);

	fprintf(ctx->err, "tdk codes: '%s' is not %s of the WCO dictionary", tdk_name(&q, word),
		pointer ? "a pointer" : strchr(word, '/') ? "a path" : "an ID or a name");
	if (pointer && (e = tdk_wco_dict_resolve(dict, word, NULL))) {
		fprintf(ctx->err, "%s'%s'", sep, e->pointer);
		sep = ", ";
		shown++;
	}
	for (i = 0; strlen(word) <= TDK_WCO_POINTER_MAX && i < dict->n && shown < 8; i++) {
		if (&dict->v[i] == e || !(cand = wco_candidate(dict, i, word, pointer)))
			continue;
		fprintf(ctx->err, "%s'%s'", sep, cand);
		sep = ", ";
		shown++;
	}
	fputs(shown ? "?\n" : "\n", ctx->err);
	tdk_buf_release(&q);
}

/* `wco [pointer|id|name|path ...]`: the WCO Data Model dictionary. */
static int wco(struct tdk_ctx *ctx, const struct codes_opts *o, int nargs, char **args)
{
	struct tdk_wco_dict dict;
	struct tdk_diag d;
	size_t k;
	int r, i;

	tdk_diag_init(&d, "codes");
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	if ((r = tdk_wco_dict_load(&dict, NULL, &d))) {
		if (r == TDK_EXIT_INTERNAL)
			tdk_error(ctx, "codes", r, "out of memory");
		goto out;
	}
	if (nargs == 1)
		for (k = 0; k < dict.n; k++)
			print_wco(ctx, o, &dict, &dict.v[k]);
	for (i = 1; i < nargs; i++) {
		if (wco_find(ctx, o, &dict, args[i]))
			continue;
		r = TDK_EXIT_NEGATIVE;
		wco_not_found(ctx, &dict, args[i]);
	}
out:
	tdk_wco_dict_release(&dict);
	return r;
}

int cmd_codes(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct codes_opts o = { 0 };
	const struct tdk_opt opts[] = { CODES_OPTIONS(o) };
	struct tdk_ctx quiet = *ctx;
	FILE *null = NULL;
	int nargs, r, i;

	if ((r = tdk_parse_options(ctx, &codes_usage, opts, argc, argv, &nargs)) >= 0)
		return r;
	o.json = o.format && !strcmp(o.format, "json");
	for (i = 0; nargs && lists[i] && strcmp(argv[0], lists[i]); i++)
		;
	if (!nargs || !lists[i]) {
		if (!nargs)
			fprintf(ctx->err, "tdk codes: say which list: country, currency, unit, package, uncl or wco\n");
		else
			tdk_suggest(ctx, "codes", "a code list", argv[0], lists);
		tdk_usage_line(ctx->err, &codes_usage, opts);
		return TDK_EXIT_USAGE;
	}
	/* -q: every message goes through ctx->err, and it goes nowhere. */
	if (o.quiet && (null = fopen("/dev/null", "w")))
		quiet.err = null;
	if (i == LIST_UNCL)
		r = uncl(&quiet, &o, nargs, argv);
	else if (i == LIST_WCO)
		r = wco(&quiet, &o, nargs, argv);
	else
		r = lookup(&quiet, &o, (enum tdk_codes_list)i, nargs, argv);
	ctx->out_failed |= quiet.out_failed;
	if (null)
		fclose(null);
	return tdk_finish_output(ctx, "codes", r);
}

/*
 * `tdk --complete codes WORD...`: the lists first, then after uncl the
 * releases installed (as `tdk dir list` finds them); codes are not completed.
 */
int cmd_codes_complete(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct codes_opts o = { 0 };
	const struct tdk_opt opts[] = { CODES_OPTIONS(o) };
	struct tdk_ctx quiet = *ctx;
	char dir[] = "dir", dflag[] = "-D", list[] = "list", path[4096];
	char *dargv[5] = { dir, list, NULL, NULL, NULL };
	FILE *null = fopen("/dev/null", "w");
	int nargs, i;

	if (!null)
		return 0;
	quiet.err = quiet.out = null;
	if (tdk_parse_options(&quiet, &codes_usage, opts, argc, argv, &nargs) >= 0)
		goto out;
	if (!nargs)
		for (i = 0; lists[i]; i++)
			fprintf(ctx->out, "%s\n", lists[i]);
	if (nargs == 1 && !strcmp(argv[0], "uncl")) {
		if (o.directory) {
			dargv[1] = dflag;
			snprintf(path, sizeof(path), "%s", o.directory);
			dargv[2] = path;
			dargv[3] = list;
		}
		cmd_dir_complete(o.directory ? 4 : 2, dargv, ctx);
	}
out:
	fclose(null);
	return 0;
}
