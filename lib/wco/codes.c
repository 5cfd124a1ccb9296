/*
 * ISO 3166-1 and ISO 4217 from Debian's iso-codes JSON files (codes.h).
 *
 * Read with the small JSON reader (util/json.h), not lib/edi/json-read.c:
 * that one is a streaming pull reader bound to the EDIFACT model's state;
 * these files are small and read whole.  §8.1's UTF-8 is left to the file
 * (its strings are only copied, never interpreted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "util/io.h"
#include "util/path.h"
#include "util/json.h"
#include "wco/codes.h"

#define STR_MAX 4096   /* the longest string kept: names are under 100 bytes */

/* Keeps the string just read; returns its offset, or 0 after a failure. */
static uint32_t keep(struct tdk_json *j, struct tdk_codes *c)
{
	size_t off = c->str.len;

	if (tdk_buf_add(&c->str, j->s.data, j->s.len + 1) < 0) {
		tdk_json_oom(j);
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

static int add_entry(struct tdk_json *j, struct tdk_codes *c, const struct tdk_code *e)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct tdk_code *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return tdk_json_oom(j);
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *e;
	return 0;
}

/* One entry: an object whose string members are kept by key. */
static int entry(struct tdk_json *j, struct tdk_codes *c)
{
	struct tdk_code e = { 0, 0, 0, 0, 0, 0 };
	uint32_t *f;
	char key[32];

	if (tdk_json_expect(j, '{', "an entry must be an object") < 0)
		return -1;
	tdk_json_ws(j);
	if (j->p < j->end && *j->p == '}')
		return tdk_json_fail(j, "CODES-DATA-SHAPE", "an entry has no code");
	for (;;) {
		if (tdk_json_string(j) < 0 || tdk_json_expect(j, ':', "':' was expected after a key") < 0)
			return -1;
		snprintf(key, sizeof(key), "%s", j->s.data);
		f = field(c, &e, key);
		tdk_json_ws(j);
		if (f && (j->p >= j->end || *j->p != '"'))
			return tdk_json_fail(j, "CODES-DATA-SHAPE", "a code or a name is not a string");
		if (tdk_json_value(j, 2) < 0)
			return -1;
		if (f && !(*f = keep(j, c)))
			return -1;
		tdk_json_ws(j);
		if (j->p < j->end && *j->p == '}')
			break;
		if (tdk_json_expect(j, ',', "',' or '}' was expected") < 0)
			return -1;
	}
	j->p++;
	if (!e.code || !tdk_codes_str(c, e.code)[0])
		return tdk_json_fail(j, "CODES-DATA-SHAPE", "an entry has no code");
	return add_entry(j, c, &e);
}

/* {"3166-1": [entry, ...]}: the one member names the standard. */
static int document(struct tdk_json *j, struct tdk_codes *c)
{
	const char *want = c->list == TDK_CODES_COUNTRY ? "3166-1" : "4217";
	const char *key;

	if (j->end - j->p >= 3 && !memcmp(j->p, "\xEF\xBB\xBF", 3))
		j->p += 3;
	if (tdk_json_expect(j, '{', "the file must hold an object") < 0)
		return -1;
	tdk_json_ws(j);
	key = j->p;
	if (tdk_json_string(j) < 0)
		return -1;
	if (strcmp(j->s.data, want)) {
		j->p = key;
		return tdk_json_fail(j, "CODES-DATA-SHAPE", c->list == TDK_CODES_COUNTRY ?
			    "the object's key is not \"3166-1\"" : "the object's key is not \"4217\"");
	}
	if (tdk_json_expect(j, ':', "':' was expected after a key") < 0 || tdk_json_expect(j, '[', "the list must be an array") < 0)
		return -1;
	tdk_json_ws(j);
	if (j->p < j->end && *j->p == ']')
		j->p++;
	else
		for (;;) {
			if (entry(j, c) < 0)
				return -1;
			tdk_json_ws(j);
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				break;
			}
			if (tdk_json_expect(j, ',', "',' or ']' was expected") < 0)
				return -1;
		}
	if (tdk_json_expect(j, '}', "the object must hold the list alone") < 0)
		return -1;
	tdk_json_ws(j);
	return j->p == j->end ? 0 : tdk_json_fail(j, "JSON-SYNTAX", "text after the end of the object");
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
static int tsv(struct tdk_json *j, struct tdk_codes *c)
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
			return tdk_json_fail(j, "CODES-DATA-SHAPE", what);
		}
		memset(&e, 0, sizeof(e));
		e.code = (uint32_t)c->str.len;
		if (tdk_buf_add(&c->str, j->p, (size_t)(tab - j->p)) < 0 || tdk_buf_addc(&c->str, '\0') < 0)
			return tdk_json_oom(j);
		e.name = (uint32_t)c->str.len;
		if (tdk_buf_add(&c->str, tab + 1, (size_t)(eol - tab - 1 - (eol > tab + 1 && eol[-1] == '\r'))) < 0 ||
		    tdk_buf_addc(&c->str, '\0') < 0)
			return tdk_json_oom(j);
		if (add_entry(j, c, &e) < 0)
			return -1;
		j->p = eol + (eol < j->end);
	}
	return 0;
}

int tdk_codes_load_mem(struct tdk_codes *c, enum tdk_codes_list list, const char *name, const char *p,
		       size_t n, struct tdk_diag *d)
{
	struct tdk_json j;
	const char *saved = d->file;

	tdk_json_init(&j, p, n, STR_MAX, "CODES-DATA-LIMIT", d);
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
	tdk_json_release(&j);
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
	char data[4096];

	codes_init(c, list);
	if (dir || iso)
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : tdk_codes_iso_dir(), files[list]);
	else
		snprintf(path, sizeof(path), "%s/%s", tdk_data_dir(data, sizeof(data), "TDK_CODES_DATA_DIR", "codes"),
			 files[list]);
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
