/*
 * ISO 3166-1 and ISO 4217 from Debian's iso-codes JSON files (codes.h).
 *
 * Why not lib/edi/json-read.c: its tokenizer is a streaming pull reader
 * bound to the EDIFACT model's state (struct jr, the sink, the segment
 * builder); these files are small and read whole, so a recursive descent over
 * memory is shorter than untangling it.  The grammar is RFC 8259's in full
 * (§2 structure, §6 numbers, §7 strings with every escape, surrogate pairs
 * joined, a lone surrogate refused); §8.1's UTF-8 is left to the file (its
 * strings are only copied, never interpreted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "util/io.h"
#include "util/path.h"
#include "util/utf8.h"
#include "wco/codes.h"

#define MAX_DEPTH 32
#define STR_MAX 4096   /* the longest string kept: names are under 100 bytes */

struct jp {
	const char *start, *p, *end;
	struct tdk_diag *d;
	struct tdk_buf s;   /* the last string read, decoded */
	int status;
};

static int fail(struct jp *j, const char *code, const char *what)
{
	struct tdk_diag_loc loc = { 1, 1, 0, { 0 } };
	const char *q;

	if (j->status)
		return -1;
	for (q = j->start; q < j->p && q < j->end; q++, loc.col++)
		if (*q == '\n') {
			loc.line++;
			loc.col = 0;
		}
	loc.offset = (uint64_t)(j->p - j->start);
	tdk_diag_add(j->d, TDK_SEV_ERROR, code, &loc, "%s", what);
	j->status = TDK_EXIT_IO;
	return -1;
}

static int oom(struct jp *j)
{
	j->status = TDK_EXIT_INTERNAL;
	return -1;
}

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Consumes c after white space, or fails with what was expected. */
static int expect(struct jp *j, char c, const char *what)
{
	ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 0;
	}
	return fail(j, "JSON-SYNTAX", what);
}

static int hex4(struct jp *j, unsigned *v)
{
	int i, h;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (j->p >= j->end || (h = tdk_hex_value((unsigned char)*j->p)) < 0)
			return fail(j, "JSON-SYNTAX", "'\\u' is not followed by four hexadecimal digits");
		*v = *v << 4 | (unsigned)h;
		j->p++;
	}
	return 0;
}

static int put_utf8(struct jp *j, unsigned u)
{
	char o[4];
	size_t n = tdk_utf8_encode(o, u);

	return tdk_buf_add(&j->s, o, n) < 0 ? fail(j, "CODES-DATA-LIMIT", "a string is longer than 4096 bytes") : 0;
}

/* RFC 8259 §7: an escape after the backslash; a surrogate pair is one character. */
static int escape(struct jp *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k, *at = j->p - 1;   /* the backslash: where a fault is reported */
	unsigned u, lo;

	if (j->p >= j->end)
		return fail(j, "JSON-SYNTAX", "the input ends inside a string");
	if (*j->p != 'u') {
		if (!*j->p || !(k = strchr(from, *j->p))) {
			j->p = at;
			return fail(j, "JSON-SYNTAX", "an unknown escape in a string");
		}
		j->p++;
		return put_utf8(j, (unsigned char)to[k - from]);
	}
	j->p++;
	if (hex4(j, &u) < 0)
		return -1;
	if (u >= 0xDC00 && u <= 0xDFFF) {
		j->p = at;
		return fail(j, "JSON-SYNTAX", "a low surrogate without a high one");
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
			j->p = at;
			return fail(j, "JSON-SYNTAX", "a high surrogate without a low one");
		}
		j->p += 2;
		if (hex4(j, &lo) < 0)
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF) {
			j->p = at;
			return fail(j, "JSON-SYNTAX", "a high surrogate without a low one");
		}
		u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
	}
	return put_utf8(j, u);
}

/* A string, decoded into j->s; the opening quote comes next. */
static int string(struct jp *j)
{
	const char *run;

	tdk_buf_reset(&j->s);
	if (expect(j, '"', "a string was expected") < 0)
		return -1;
	if (!j->s.data && tdk_buf_grow(&j->s, 1) < 0)
		return oom(j);
	j->s.data[0] = '\0';
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20)
			j->p++;
		if (tdk_buf_add(&j->s, run, (size_t)(j->p - run)) < 0)
			return fail(j, "CODES-DATA-LIMIT", "a string is longer than 4096 bytes");
		if (j->p >= j->end)
			return fail(j, "JSON-SYNTAX", "the input ends inside a string");
		if (*j->p == '"') {
			j->p++;
			return 0;
		}
		if ((unsigned char)*j->p < 0x20)
			return fail(j, "JSON-SYNTAX", "a control character inside a string");
		j->p++;
		if (escape(j) < 0)
			return -1;
	}
}

/* RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct jp *j)
{
	const char *p = j->p, *e = j->end;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	else
		return fail(j, "JSON-SYNTAX", "a value was expected");
	if (p < e && *p == '.') {
		if (++p >= e || *p < '0' || *p > '9') {
			j->p = p;
			return fail(j, "JSON-SYNTAX", "a digit must follow the decimal point");
		}
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9') {
			j->p = p;
			return fail(j, "JSON-SYNTAX", "a digit must follow the exponent");
		}
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	j->p = p;
	return 0;
}

static int value(struct jp *j, unsigned depth);

/* Any value, checked and skipped: the members of an entry that tdk does not keep. */
static int container(struct jp *j, unsigned depth, char close)
{
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (close == '}' && (string(j) < 0 || expect(j, ':', "':' was expected after a key") < 0))
			return -1;
		if (value(j, depth + 1) < 0)
			return -1;
		ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		if (expect(j, ',', close == '}' ? "',' or '}' was expected" : "',' or ']' was expected") < 0)
			return -1;
	}
}

static int value(struct jp *j, unsigned depth)
{
	static const char *const lit[] = { "true", "false", "null" };
	size_t i, n;

	if (depth > MAX_DEPTH)
		return fail(j, "CODES-DATA-LIMIT", "nesting deeper than 32 levels");
	ws(j);
	if (j->p >= j->end)
		return fail(j, "JSON-SYNTAX", "the input ends where a value was expected");
	if (*j->p == '{' || *j->p == '[')
		return container(j, depth, *j->p == '{' ? '}' : ']');
	if (*j->p == '"')
		return string(j);
	for (i = 0; i < 3; i++) {
		n = strlen(lit[i]);
		if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, lit[i], n)) {
			j->p += n;
			return 0;
		}
	}
	return number(j);
}

/* Keeps the string just read; returns its offset, or 0 after a failure. */
static uint32_t keep(struct jp *j, struct tdk_codes *c)
{
	size_t off = c->str.len;

	if (tdk_buf_add(&c->str, j->s.data, j->s.len + 1) < 0) {
		oom(j);
		return 0;
	}
	return (uint32_t)off;
}

/* Which field of an entry a key fills; NULL for the keys tdk leaves (flag ...). */
static uint32_t *field(struct tdk_codes *c, struct tdk_code *e, const char *key)
{
	if (!strcmp(key, "alpha_2"))
		return c->list == TDK_CODES_COUNTRY ? &e->code : NULL;
	if (!strcmp(key, "alpha_3"))
		return c->list == TDK_CODES_COUNTRY ? &e->alpha3 : &e->code;
	if (!strcmp(key, "numeric"))
		return &e->numeric;
	if (!strcmp(key, "name"))
		return &e->name;
	if (!strcmp(key, "official_name"))
		return &e->official;
	if (!strcmp(key, "common_name"))
		return &e->common;
	return NULL;
}

static int add_entry(struct jp *j, struct tdk_codes *c, const struct tdk_code *e)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct tdk_code *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return oom(j);
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *e;
	return 0;
}

/* One entry: an object whose string members are kept by key. */
static int entry(struct jp *j, struct tdk_codes *c)
{
	struct tdk_code e = { 0, 0, 0, 0, 0, 0 };
	uint32_t *f;
	char key[32];

	if (expect(j, '{', "an entry must be an object") < 0)
		return -1;
	ws(j);
	if (j->p < j->end && *j->p == '}')
		return fail(j, "CODES-DATA-SHAPE", "an entry has no code");
	for (;;) {
		if (string(j) < 0 || expect(j, ':', "':' was expected after a key") < 0)
			return -1;
		snprintf(key, sizeof(key), "%s", j->s.data);
		f = field(c, &e, key);
		ws(j);
		if (f && (j->p >= j->end || *j->p != '"'))
			return fail(j, "CODES-DATA-SHAPE", "a code or a name is not a string");
		if (value(j, 2) < 0)
			return -1;
		if (f && !(*f = keep(j, c)))
			return -1;
		ws(j);
		if (j->p < j->end && *j->p == '}')
			break;
		if (expect(j, ',', "',' or '}' was expected") < 0)
			return -1;
	}
	j->p++;
	if (!e.code || !tdk_codes_str(c, e.code)[0])
		return fail(j, "CODES-DATA-SHAPE", "an entry has no code");
	return add_entry(j, c, &e);
}

/* {"3166-1": [entry, ...]}: the one member names the standard. */
static int document(struct jp *j, struct tdk_codes *c)
{
	const char *want = c->list == TDK_CODES_COUNTRY ? "3166-1" : "4217";
	const char *key;

	if (j->end - j->p >= 3 && !memcmp(j->p, "\xEF\xBB\xBF", 3))
		j->p += 3;
	if (expect(j, '{', "the file must hold an object") < 0)
		return -1;
	ws(j);
	key = j->p;
	if (string(j) < 0)
		return -1;
	if (strcmp(j->s.data, want)) {
		j->p = key;
		return fail(j, "CODES-DATA-SHAPE", c->list == TDK_CODES_COUNTRY ?
			    "the object's key is not \"3166-1\"" : "the object's key is not \"4217\"");
	}
	if (expect(j, ':', "':' was expected after a key") < 0 || expect(j, '[', "the list must be an array") < 0)
		return -1;
	ws(j);
	if (j->p < j->end && *j->p == ']')
		j->p++;
	else
		for (;;) {
			if (entry(j, c) < 0)
				return -1;
			ws(j);
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				break;
			}
			if (expect(j, ',', "',' or ']' was expected") < 0)
				return -1;
		}
	if (expect(j, '}', "the object must hold the list alone") < 0)
		return -1;
	ws(j);
	return j->p == j->end ? 0 : fail(j, "JSON-SYNTAX", "text after the end of the object");
}

static void codes_init(struct tdk_codes *c, enum tdk_codes_list list)
{
	memset(c, 0, sizeof(*c));
	c->list = list;
	tdk_buf_init(&c->str, (size_t)UINT32_MAX);
}

/*
 * A compiled list (data/codes/rec2?-*.tsv): "CODE<tab>NAME" lines, '#' comments.
 * Each line's bytes are kept as they are (the generator wrote UTF-8).
 */
static int tsv(struct jp *j, struct tdk_codes *c)
{
	struct tdk_code e;
	const char *eol, *tab;
	char what[64];
	unsigned long line = 0;

	while (j->p < j->end) {
		line++;
		if (!(eol = memchr(j->p, '\n', (size_t)(j->end - j->p))))
			eol = j->end;
		if (eol == j->p || *j->p == '#') {
			j->p = eol + (eol < j->end);
			continue;
		}
		tab = memchr(j->p, '\t', (size_t)(eol - j->p));
		if (!tab || tab == j->p || memchr(tab + 1, '\t', (size_t)(eol - tab - 1)) ||
		    memchr(j->p, '\0', (size_t)(eol - j->p)) || (size_t)(tab - j->p) > TDK_CODES_WORD_MAX) {
			snprintf(what, sizeof(what), "line %lu is not a code, a tab and a name", line);
			return fail(j, "CODES-DATA-SHAPE", what);
		}
		memset(&e, 0, sizeof(e));
		e.code = (uint32_t)c->str.len;
		if (tdk_buf_add(&c->str, j->p, (size_t)(tab - j->p)) < 0 || tdk_buf_addc(&c->str, '\0') < 0)
			return oom(j);
		e.name = (uint32_t)c->str.len;
		if (tdk_buf_add(&c->str, tab + 1, (size_t)(eol - tab - 1 - (eol > tab + 1 && eol[-1] == '\r'))) < 0 ||
		    tdk_buf_addc(&c->str, '\0') < 0)
			return oom(j);
		if (add_entry(j, c, &e) < 0)
			return -1;
		j->p = eol + (eol < j->end);
	}
	return 0;
}

int tdk_codes_load_mem(struct tdk_codes *c, enum tdk_codes_list list, const char *name, const char *p,
		       size_t n, struct tdk_diag *d)
{
	struct jp j = { p, p, p + n, d, TDK_BUF_INIT(STR_MAX), 0 };
	const char *saved = d->file;

	codes_init(c, list);
	snprintf(c->path, sizeof(c->path), "%s", name);
	d->file = c->path;
	if (tdk_buf_addc(&c->str, '\0') < 0)
		j.status = TDK_EXIT_INTERNAL;
	else if (list == TDK_CODES_UNIT || list == TDK_CODES_PACKAGE)
		tsv(&j, c);
	else
		document(&j, c);
	if (j.status)
		tdk_codes_release(c);
	c->list = list;
	tdk_buf_release(&j.s);
	d->file = saved;
	return j.status;
}

const char *tdk_codes_iso_dir(void)
{
	const char *e = getenv("TDK_ISO_CODES_DIR");

	return e && *e ? e : "/usr/share/iso-codes/json";
}

int tdk_codes_load(struct tdk_codes *c, enum tdk_codes_list list, const char *dir, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_CODES_FILE_MAX);
	char path[4096];
	const char *saved = d->file;
	int r;
	static const char *const files[] = { "iso_3166-1.json", "iso_4217.json", "rec20-units.tsv",
					      "rec21-packages.tsv" };
	int iso = list == TDK_CODES_COUNTRY || list == TDK_CODES_CURRENCY;
	const char *data = getenv("TDK_CODES_DATA_DIR");

	codes_init(c, list);
	if (dir || iso)
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : tdk_codes_iso_dir(), files[list]);
	else if (data && *data)
		snprintf(path, sizeof(path), "%s/%s", data, files[list]);
	else
		snprintf(path, sizeof(path), "%s/data/codes/%s", tdk_share_dir(), files[list]);
	if (tdk_read_all(path, TDK_CODES_FILE_MAX, &b) == 0) {
		r = tdk_codes_load_mem(c, list, path, b.data ? b.data : "", b.len, d);
		goto out;
	}
	d->file = path;
	r = errno == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
	if (errno == EFBIG)
		tdk_diag_add(d, TDK_SEV_ERROR, "CODES-DATA-LIMIT", NULL, "the file is larger than %zu bytes",
			     TDK_CODES_FILE_MAX);
	else if (errno != ENOMEM)
		tdk_diag_add(d, TDK_SEV_ERROR, "CODES-DATA-MISSING", NULL, "cannot read the code list: %s; %s",
			     strerror(errno), iso ? "it comes with Debian's iso-codes package (apt-get install iso-codes)"
						  : "it comes with tdk (make install puts it in the data folder)");
	d->file = saved;
out:
	tdk_buf_release(&b);
	return r;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Equal ignoring the case of ASCII letters. */
static int same(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return !*a && !*b;
}

/* The value of a numeric code of at most three digits, or -1. */
static int numeric_value(const char *s)
{
	int v = 0, n = 0;

	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9' || n == 3)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return n ? v : -1;
}

const struct tdk_code *tdk_codes_find(const struct tdk_codes *c, const char *word)
{
	int num = numeric_value(word);
	size_t i;

	if (strlen(word) > TDK_CODES_WORD_MAX)
		return NULL;
	/* Codes first, over the whole list: a numeric code never shadows a code of digits. */
	for (i = 0; i < c->n; i++)
		if (same(word, tdk_codes_str(c, c->v[i].code)) ||
		    (c->v[i].alpha3 && same(word, tdk_codes_str(c, c->v[i].alpha3))))
			return &c->v[i];
	for (i = 0; num >= 0 && i < c->n; i++)
		if (c->v[i].numeric && numeric_value(tdk_codes_str(c, c->v[i].numeric)) == num)
			return &c->v[i];
	return NULL;
}

void tdk_codes_release(struct tdk_codes *c)
{
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
	tdk_buf_release(&c->str);
}
