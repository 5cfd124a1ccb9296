/*
 * The rules files of tdk harmonise (rules.h): a line reader, a selector
 * parser and the option words.  A text with faults reports each one and
 * keeps none of its rules, so that a half-read file never harmonises.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "util/io.h"
#include "util/path.h"
#include "wco/dict.h"
#include "wco/rules.h"

static const char *const kinds[] = { "keep", "country", "currency", "unit", "package", "date", "number",
				     "code", "id", NULL };

const char *tdk_harm_kind_name(enum tdk_harm_kind k)
{
	return kinds[k];
}

void tdk_harm_rules_init(struct tdk_harm_rules *r)
{
	memset(r, 0, sizeof(*r));
}

void tdk_harm_rules_set_dict(struct tdk_harm_rules *r, const struct tdk_wco_dict *dict)
{
	r->dict = dict;
}

static void rule_free(struct tdk_harm_rule *rule)
{
	free(rule->mem);
	rule->mem = NULL;
}

void tdk_harm_rules_release(struct tdk_harm_rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	for (i = 0; i < r->nfiles; i++)
		free(r->ns[i]);
	free(r->v);
	tdk_harm_rules_init(r);
}

/* One line being read: its words, where each starts, and the faults so far. */
struct line {
	const char *name;       /* the file, for diagnostics */
	unsigned long no;       /* line number */
	const char *start;      /* the line's first byte */
	struct tdk_diag *d;
	int faults;
};

/* Reports a fault at at: fmt holds one %s, which becomes word[0..n), control bytes shown as '?'. */
static void fault(struct line *l, const char *at, const char *fmt, const char *word, size_t n)
{
	struct tdk_diag_loc loc = { l->no, (unsigned long)(at - l->start) + 1, 0, { 0 } };
	char w[80], msg[320];
	const char *s;
	size_t i;

	if (n >= sizeof(w))
		n = sizeof(w) - 4;
	for (i = 0; i < n; i++)
		w[i] = (unsigned char)word[i] < 0x20 || word[i] == 0x7f ? '?' : word[i];
	w[n] = '\0';
	if (n == sizeof(w) - 4)
		memcpy(w + n, "...", 4);
	s = strstr(fmt, "%s");
	snprintf(msg, sizeof(msg), "%.*s%s%s", (int)(s - fmt), fmt, w, s + 2);
	tdk_diag_add(l->d, TDK_SEV_ERROR, "HARM-RULES", &loc, "%s", msg);
	l->faults++;
}

static int word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(w, s, n);
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '.' || c >= 0x80;
}

/* Parses "an..22", "an3", "a2", "n..16,6", "n5" into f; -1 when it is none of these. */
static int parse_format(const char *w, size_t n, struct tdk_harm_format *f)
{
	size_t i = 0;
	unsigned long v;

	memset(f, 0, sizeof(*f));
	if (n >= 2 && w[0] == 'a' && w[1] == 'n')
		i = 2;
	else if (n >= 1 && (w[0] == 'a' || w[0] == 'n')) {
		f->numeric = w[0] == 'n';
		i = 1;
	} else
		return -1;
	f->exact = 1;
	if (i + 2 <= n && w[i] == '.' && w[i + 1] == '.') {
		f->exact = 0;
		i += 2;
	}
	for (v = 0; i < n && w[i] >= '0' && w[i] <= '9' && v < 100000; i++)
		v = v * 10 + (unsigned long)(w[i] - '0');
	if (!v || v >= 100000)
		return -1;
	f->len = (unsigned)v;
	if (i < n && w[i] == ',' && f->numeric) {
		for (i++, v = 0; i < n && w[i] >= '0' && w[i] <= '9' && v < 100000; i++)
			v = v * 10 + (unsigned long)(w[i] - '0');
		if (v > f->len || w[i - 1] == ',')
			return -1;
		f->frac = (unsigned)v;
	}
	f->set = 1;
	return i == n ? 0 : -1;
}

/* The selector w[0..n) into rule's steps and attribute; reports and returns -1 when it is not one. */
static int parse_selector(struct line *l, const struct tdk_wco_dict *dict, const char *w, size_t n,
			  struct tdk_harm_rule *rule)
{
	char *block, *q;
	size_t i, start;

	if (n >= 4 && !memcmp(w, "wco:", 4)) {
		const struct tdk_wco_elem *e = NULL;
		char ptr[TDK_WCO_POINTER_MAX + 1];

		if (!dict) {
			fault(l, w, "'%s': a wco: selector needs the WCO dictionary (data/wco), which is not loaded",
			      w, n);
			return -1;
		}
		if (n - 4 <= TDK_WCO_POINTER_MAX) {
			memcpy(ptr, w + 4, n - 4);
			ptr[n - 4] = '\0';
			/* A pointer, or the last steps of one that only one entry has ("D026"). */
			if (!(e = tdk_wco_dict_by_pointer(dict, ptr)))
				e = tdk_wco_dict_by_suffix(dict, ptr, NULL);
		}
		if (!e || !*e->path) {
			fault(l, w, "'%s' is no pointer of the WCO dictionary with a path (tdk codes wco lists them)",
			      w, n);
			return -1;
		}
		/* The entry's path of local names, from Declaration: matched at any depth. */
		w = e->path;
		n = strlen(w);
		if (*e->format)
			parse_format(e->format, strlen(e->format), &rule->format);
	}
	if (!(block = malloc(n + 1)))
		return -2;
	memcpy(block, w, n);
	block[n] = '\0';
	rule->mem = block;
	q = block;
	if (*q == '/') {
		rule->anchored = 1;
		q++;
	}
	for (;;) {
		start = (size_t)(q - block);
		if (*q == '@') {
			for (i = start + 1; block[i] && is_name_char((unsigned char)block[i]); i++)
				;
			if (i == start + 1 || block[i]) {
				fault(l, w + start, "'%s' is not an attribute step ('@' and a name, last)", w + start,
				      n - start);
				return -1;
			}
			rule->attr = q + 1;
			break;
		}
		if (rule->nsteps == TDK_HARM_STEPS_MAX) {
			fault(l, w, "'%s' has more steps than tdk allows (32)", w, n);
			return -1;
		}
		if (*q == '*' && (q[1] == '/' || !q[1]))
			i = start + 1;
		else
			for (i = start; block[i] && is_name_char((unsigned char)block[i]); i++)
				;
		if (i == start || (block[i] && block[i] != '/')) {
			fault(l, w + start, "'%s' is not a step of a selector (a local name, '*' or '@name')",
			      w + start, n - start);
			return -1;
		}
		rule->steps[rule->nsteps++] = q;
		if (!block[i])
			break;
		block[i] = '\0';
		q = block + i + 1;
		if (!*q) {
			fault(l, w + i, "'%s': a selector does not end with '/'", w, n);
			return -1;
		}
	}
	if (rule->anchored && !rule->nsteps) {
		fault(l, w, "'%s': an anchored selector names the root element first", w, n);
		return -1;
	}
	return 0;
}

/* One option word of a rule. */
static int parse_option(struct line *l, const char *w, size_t n, struct tdk_harm_rule *rule)
{
	if (n > 7 && !memcmp(w, "format=", 7)) {
		if (parse_format(w + 7, n - 7, &rule->format) == 0)
			return 0;
		fault(l, w + 7, "'%s' is not a format (an..22, an3, n..16,6, n5 ...)", w + 7, n - 7);
		return -1;
	}
	if (word_is(w, n, "case=upper")) {
		rule->upper = 1;
		return 0;
	}
	if (word_is(w, n, "date=102") || word_is(w, n, "date=304")) {
		rule->date = w[6] == '1' ? 102 : 304;
		return 0;
	}
	fault(l, w, "'%s' is not an option (format=, case=upper, date=102 or date=304)", w, n);
	return -1;
}

/* The next word of the line at *p (blanks skipped); sets *n, returns NULL at the end of the line. */
static const char *next_word(const char **p, const char *end, size_t *n)
{
	const char *w;

	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r'))
		(*p)++;
	if (*p >= end)
		return NULL;
	w = *p;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\r')
		(*p)++;
	*n = (size_t)(*p - w);
	return w;
}

static int add_rule(struct tdk_harm_rules *r, const struct tdk_harm_rule *rule)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct tdk_harm_rule *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *rule;
	return 0;
}

static int add_namespace(struct tdk_harm_rules *r, const char *w, size_t n)
{
	unsigned f = r->nfiles;
	size_t have = 0, i;
	char *block;

	for (i = 0; i < r->nns[f]; i++)
		have += strlen(r->ns[f] + have) + 1;
	if (!(block = realloc(r->ns[f], have + n + 1)))
		return -1;
	memcpy(block + have, w, n);
	block[have + n] = '\0';
	r->ns[f] = block;
	r->nns[f]++;
	return 0;
}

/* One line (without its line break); returns -2 when memory runs out. */
static int parse_line(struct tdk_harm_rules *r, struct line *l, const char *p, const char *end, const char *base)
{
	struct tdk_harm_rule rule;
	const char *w;
	size_t n;
	int k, e;

	if (!(w = next_word(&p, end, &n)) || *w == '#')
		return 0;
	if (word_is(w, n, "namespace")) {
		if (!(w = next_word(&p, end, &n))) {
			fault(l, end, "%sa namespace line names a namespace", "", 0);
			return -1;
		}
		if (add_namespace(r, w, n) < 0)
			return -2;
		if ((w = next_word(&p, end, &n)))
			fault(l, w, "'%s' after the namespace: one namespace a line", w, n);
		return 0;
	}
	memset(&rule, 0, sizeof(rule));
	for (k = 0; kinds[k] && !word_is(w, n, kinds[k]); k++)
		;
	if (!kinds[k]) {
		fault(l, w, "'%s' is not a kind of value (country, currency, unit, package, date, number, "
		      "code, id, keep)", w, n);
		return -1;
	}
	rule.kind = (enum tdk_harm_kind)k;
	rule.file = r->nfiles;
	snprintf(rule.where, sizeof(rule.where), "%s:%lu", base, l->no);
	if (!(w = next_word(&p, end, &n))) {
		fault(l, end, "%sa rule needs a selector after its kind", "", 0);
		return -1;
	}
	if ((e = parse_selector(l, r->dict, w, n, &rule)) < 0) {
		rule_free(&rule);
		return e;
	}
	while ((w = next_word(&p, end, &n)) && *w != '#')
		if (parse_option(l, w, n, &rule) < 0) {
			rule_free(&rule);
			return -1;
		}
	if (rule.kind == TDK_HARM_NUMBER && rule.format.set && !rule.format.numeric) {
		fault(l, l->start, "%sa number's format is n..TOTAL,FRACTION or nLENGTH", "", 0);
		rule_free(&rule);
		return -1;
	}
	if (add_rule(r, &rule) < 0) {
		rule_free(&rule);
		return -2;
	}
	return 0;
}

int tdk_harm_rules_parse(struct tdk_harm_rules *r, const char *name, const char *p, size_t n, struct tdk_diag *d)
{
	struct line l = { name, 0, p, d, 0 };
	const char *end = p + n, *eol, *base = strrchr(name, '/');
	size_t first = r->n, i;
	const char *saved = d->file;
	int e = 0;

	base = base ? base + 1 : name;
	if (r->nfiles == TDK_HARM_FILES_MAX) {
		d->file = name;
		tdk_diag_add(d, TDK_SEV_ERROR, "HARM-RULES", NULL, "more than %d rules files", TDK_HARM_FILES_MAX);
		d->file = saved;
		return TDK_EXIT_NEGATIVE;
	}
	d->file = name;
	while (p < end && e > -2) {
		l.no++;
		l.start = p;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (memchr(p, '\0', (size_t)(eol - p)))
			fault(&l, p, "%sa rules file is text: this line holds a NUL byte", "", 0);
		else
			e = parse_line(r, &l, p, eol, base);
		p = eol + (eol < end);
		if (r->n - first >= TDK_HARM_RULES_MAX) {
			fault(&l, l.start, "%smore rules than tdk allows (8192)", "", 0);
			break;
		}
	}
	d->file = saved;
	if (e == -2 || l.faults) {
		for (i = first; i < r->n; i++)
			rule_free(&r->v[i]);
		r->n = first;
		free(r->ns[r->nfiles]);
		r->ns[r->nfiles] = NULL;
		r->nns[r->nfiles] = 0;
		return e == -2 ? TDK_EXIT_INTERNAL : TDK_EXIT_NEGATIVE;
	}
	r->nfiles++;
	return 0;
}

int tdk_harm_rules_load(struct tdk_harm_rules *r, const char *path, struct tdk_diag *d)
{
	struct tdk_buf b;
	const char *saved = d->file;
	int e;

	if (tdk_read_all(path, TDK_HARM_RULES_FILE_MAX, &b) < 0) {
		e = errno;
		d->file = path;
		tdk_diag_add(d, TDK_SEV_ERROR, "HARM-RULES-READ", NULL, "cannot read the rules: %s",
			     e == EFBIG ? "larger than 1 MiB" : strerror(e));
		d->file = saved;
		tdk_buf_release(&b);
		return e == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
	}
	e = tdk_harm_rules_parse(r, path, b.data ? b.data : "", b.len, d);
	tdk_buf_release(&b);
	return e;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tdk_harm_rules_load_dir(struct tdk_harm_rules *r, const char *dir, struct tdk_diag *d)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char *names[TDK_HARM_FILES_MAX], path[4096];
	size_t n = 0, i, len;
	const char *saved = d->file;
	int e = 0, worst = 0;

	if (!dp) {
		e = errno;
		d->file = dir;
		tdk_diag_add(d, TDK_SEV_ERROR, "HARM-RULES-READ", NULL, "cannot read the rules folder: %s "
			     "(it comes with tdk; $TDK_HARMONISE_DIR names another)", strerror(e));
		d->file = saved;
		return TDK_EXIT_IO;
	}
	while ((de = readdir(dp)) && n < TDK_HARM_FILES_MAX) {
		len = strlen(de->d_name);
		if (len > 6 && !strcmp(de->d_name + len - 6, ".rules") && de->d_name[0] != '.') {
			if (!(names[n] = strdup(de->d_name))) {
				worst = TDK_EXIT_INTERNAL;
				break;
			}
			n++;
		}
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!worst && (e = tdk_harm_rules_load(r, path, d)))
			worst = e;
		free(names[i]);
	}
	return worst;
}

const char *tdk_harm_rules_dir(char *buf, size_t n)
{
	return tdk_data_dir(buf, n, "TDK_HARMONISE_DIR", "harmonise");
}
