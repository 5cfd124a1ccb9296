/*
 * One value at a time (harmonise.h, tdk_harm_value): code lists, dates,
 * numbers, codes and identifiers.  Each function reads the value without
 * its surrounding white space and writes the harmonised form, or says why
 * it cannot: never a guess, never a change in value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wco/harmonise.h"

/* What one call works on: the output, and where a failure is said. */
struct val {
	struct tdk_buf *out;
	const char **code;
	char *msg;
	size_t msglen;
};

static int why(struct val *v, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int why(struct val *v, const char *code, const char *fmt, ...)
{
	va_list ap;

	*v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->msg, v->msglen, fmt, ap);
	va_end(ap);
	return -1;
}

static int put(struct val *v, const char *s, size_t n)
{
	return tdk_buf_add(v->out, s, n) < 0 ? -2 : 0;
}

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Characters (UTF-8 code points) in s[0..n). */
static size_t chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* ---- Code lists ---- */

/* Whether w[0..n) is already in the canonical form of list: capitals and digits of the right shape. */
static int canonical(enum tdk_codes_list list, const char *w, size_t n)
{
	size_t i, body = n;

	if (list == TDK_CODES_UNIT && n >= 3 && w[n - 2] == '#')
		body = n - 2;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)w[i];
		int letter = c >= 'A' && c <= 'Z';

		if (i == body && c == '#')
			continue;
		if (!letter && (list <= TDK_CODES_CURRENCY || !is_digit(c)))
			return 0;
	}
	switch (list) {
	case TDK_CODES_COUNTRY:
		return n == 2;
	case TDK_CODES_CURRENCY:
		return n == 3;
	case TDK_CODES_UNIT:
		return body >= 2 && body <= 3;
	default:
		return n == 2;
	}
}

/* Compares a value with a name: ASCII letters in any case, runs of blanks as one space. */
static int same_name(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an && j < bn) {
		if (is_ws((unsigned char)a[i]) && (b[j] == ' ')) {
			while (i < an && is_ws((unsigned char)a[i]))
				i++;
			j++;
			continue;
		}
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[j]))
			return 0;
		i++;
		j++;
	}
	return i == an && j == bn;
}

/* Whether w names e: its name, official or common name, or for a country a name's part before ", ". */
static int names(const struct tdk_codes *c, const struct tdk_code *e, const char *w, size_t n)
{
	const uint32_t offs[3] = { e->name, e->official, e->common };
	const char *s, *comma;
	int i;

	for (i = 0; i < 3; i++) {
		if (!offs[i])
			continue;
		s = tdk_codes_str(c, offs[i]);
		if (same_name(w, n, s, strlen(s)))
			return 1;
		if (c->list == TDK_CODES_COUNTRY && (comma = strstr(s, ", ")) && same_name(w, n, s, (size_t)(comma - s)))
			return 1;
	}
	return 0;
}

static const char *const list_names[] = { "country of ISO 3166-1", "currency of ISO 4217",
					  "unit of UN/ECE Recommendation 20",
					  "package type of UN/ECE Recommendation 21" };

/*
 * The edit distance of a and b (ASCII letters in any case; insertions,
 * deletions and substitutions), or max + 1 once it is sure to pass max.
 */
static size_t distance(const char *a, size_t an, const char *b, size_t bn, size_t max)
{
	size_t row[TDK_CODES_WORD_MAX + 1], i, j, diag, up, best;

	if (an > TDK_CODES_WORD_MAX || bn > TDK_CODES_WORD_MAX || (an > bn ? an - bn : bn - an) > max)
		return max + 1;
	for (j = 0; j <= bn; j++)
		row[j] = j;
	for (i = 1; i <= an; i++) {
		diag = row[0];
		row[0] = i;
		best = i;
		for (j = 1; j <= bn; j++) {
			up = row[j];
			row[j] = diag + (lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]));
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
			if (row[j] < best)
				best = row[j];
		}
		if (best > max)
			return max + 1;
	}
	return row[bn];
}

/* The entries whose name is a typing mistake or two from w (one for short words), at most five, into list. */
static void close_names(const struct tdk_codes *c, const char *w, size_t n, char *list, size_t size)
{
	size_t i, k, used = 0, shown = 0, max = n > 4 ? 2 : 1;

	list[0] = '\0';
	for (i = 0; i < c->n && shown < 5; i++) {
		const uint32_t offs[3] = { c->v[i].name, c->v[i].official, c->v[i].common };

		for (k = 0; k < 3; k++) {
			const char *s = tdk_codes_str(c, offs[k]);

			if (!offs[k] || distance(w, n, s, strlen(s), max) > max)
				continue;
			if (used < size)
				used += (size_t)snprintf(list + used, size - used, "%s%s (%s)", shown ? ", " : "",
							 tdk_codes_str(c, c->v[i].code), s);
			shown++;
			break;
		}
	}
}

/* The entries whose names match w, as "CG (Congo), CD (...)" in a failure, or the one found. */
static int by_name(struct val *v, const struct tdk_codes *c, const char *w, size_t n)
{
	const struct tdk_code *found = NULL;
	char list[360];
	size_t i, k = 0, used = 0;

	list[0] = '\0';
	for (i = 0; i < c->n; i++) {
		if (!names(c, &c->v[i], w, n))
			continue;
		found = &c->v[i];
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s (%s)", k ? ", " : "",
						 tdk_codes_str(c, found->code), tdk_codes_str(c, found->name));
		k++;
	}
	if (k == 1)
		return put(v, tdk_codes_str(c, found->code), strlen(tdk_codes_str(c, found->code)));
	if (k > 1)
		return why(v, "HARM-AMBIGUOUS", "'%.*s' names %zu entries: %s", (int)n, w, k, list);
	close_names(c, w, n, list, sizeof(list));
	return why(v, "HARM-UNKNOWN", "'%.*s' is no %s: no code or name of the list matches it%s%s%s", (int)n, w,
		   list_names[c->list], *list ? "; close: " : "", list, *list ? "?" : "");
}

/* A unit symbol: "kg" -> KGM, exactly first, then in any case when only one symbol matches. */
static const char *symbol(const struct tdk_harm *h, const char *w, size_t n)
{
	const char *found = NULL;
	size_t i, k = 0;

	for (i = 0; i < h->nsymbols; i++) {
		const char *s = h->symstr.data + h->symbols[i].symbol;

		if (strlen(s) == n && !memcmp(s, w, n))
			return h->symstr.data + h->symbols[i].code;
	}
	for (i = 0; i < h->nsymbols; i++)
		if (same_name(w, n, h->symstr.data + h->symbols[i].symbol,
			      strlen(h->symstr.data + h->symbols[i].symbol))) {
			found = h->symstr.data + h->symbols[i].code;
			k++;
		}
	return k == 1 ? found : NULL;
}

static int code_list(struct val *v, const struct tdk_harm *h, enum tdk_codes_list list, const char *w, size_t n)
{
	const struct tdk_codes *c = &h->lists[list];
	const struct tdk_code *e;
	char word[TDK_CODES_WORD_MAX + 1];
	const char *s;

	if (canonical(list, w, n))
		return put(v, w, n);
	if (n <= TDK_CODES_WORD_MAX) {
		memcpy(word, w, n);
		word[n] = '\0';
		if ((e = tdk_codes_find(c, word)))
			return put(v, tdk_codes_str(c, e->code), strlen(tdk_codes_str(c, e->code)));
		if (list == TDK_CODES_UNIT && (s = symbol(h, w, n)))
			return put(v, s, strlen(s));
	}
	return by_name(v, c, w, n);
}

/* ---- Dates ---- */

struct when {
	int y, mo, d, h, mi, s;
	int has_time, has_zone, zone_z, zone_sign, zh, zm, frac_nonzero;
};

/* Reads n digits at *p into *out; returns -1 when they are not there. */
static int digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (*p >= end || !is_digit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static int time_part(const char **p, const char *end, struct when *t)
{
	int ext;

	if (digits(p, end, 2, &t->h) < 0)
		return -1;
	ext = *p < end && **p == ':';
	*p += ext;
	if (digits(p, end, 2, &t->mi) < 0)
		return -1;
	t->has_time = 1;
	if (*p < end && ((ext && **p == ':') || (!ext && is_digit((unsigned char)**p)))) {
		*p += ext;
		if (digits(p, end, 2, &t->s) < 0)
			return -1;
		if (*p < end && (**p == '.' || **p == ',')) {
			for ((*p)++; *p < end && is_digit((unsigned char)**p); (*p)++)
				t->frac_nonzero |= **p != '0';
		}
	}
	return 0;
}

static int zone_part(const char **p, const char *end, struct when *t)
{
	if (*p >= end)
		return 0;
	t->has_zone = 1;
	if (**p == 'Z') {
		t->zone_z = 1;
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	t->zone_sign = **p;
	(*p)++;
	if (digits(p, end, 2, &t->zh) < 0)
		return -1;
	if (*p < end && **p == ':')
		(*p)++;
	if (*p < end && digits(p, end, 2, &t->zm) < 0)
		return -1;
	return 0;
}

/* ISO 8601 (extended or basic) and the EDIFACT forms 102, 203 and 304; -1 when w is none of them. */
static int parse_when(const char *w, size_t n, struct when *t)
{
	const char *p = w, *end = w + n;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int ext;

	memset(t, 0, sizeof(*t));
	if (digits(&p, end, 4, &t->y) < 0)
		return -1;
	ext = p < end && *p == '-';
	p += ext;
	if (digits(&p, end, 2, &t->mo) < 0 || (ext && (p >= end || *p++ != '-')) || digits(&p, end, 2, &t->d) < 0)
		return -1;
	if (p < end && (*p == 'T' || *p == ' ' || (!ext && is_digit((unsigned char)*p)))) {
		p += !is_digit((unsigned char)*p);
		if (time_part(&p, end, t) < 0)
			return -1;
	}
	if (zone_part(&p, end, t) < 0 || p != end)
		return -1;
	if (t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > mdays[t->mo - 1] ||
	    (t->mo == 2 && t->d == 29 && (t->y % 4 || (t->y % 100 == 0 && t->y % 400))) ||
	    t->h > 23 || t->mi > 59 || t->s > 59 || t->zh > 23 || t->zm > 59)
		return -1;
	return 0;
}

static int date_value(struct val *v, const char *w, size_t n, int code)
{
	struct when t;
	char o[32];
	int k;

	if (code != 102 && code != 304)
		return put(v, w, n);
	if (parse_when(w, n, &t) < 0)
		return why(v, "HARM-BAD-DATE", "'%.*s' is no date tdk reads (ISO 8601, or EDIFACT format 102, 203 or "
			   "304)", (int)n, w);
	if (code == 102) {
		if (t.has_time || t.has_zone)
			return why(v, "HARM-BAD-DATE", "'%.*s' has a time, which format 102 (CCYYMMDD) cannot carry",
				   (int)n, w);
		k = snprintf(o, sizeof(o), "%04d%02d%02d", t.y, t.mo, t.d);
		return put(v, o, (size_t)k);
	}
	if (!t.has_time || !t.has_zone)
		return why(v, "HARM-BAD-DATE", "'%.*s' has no %s, which format 304 needs (CCYYMMDDhhmmss then Z or "
			   "+hh)", (int)n, w, t.has_time ? "time zone" : "time");
	if (t.frac_nonzero || t.zm)
		return why(v, "HARM-BAD-DATE", "'%.*s' has %s, which format 304 cannot carry", (int)n, w,
			   t.zm ? "a time zone offset with minutes" : "fractions of a second");
	k = snprintf(o, sizeof(o), "%04d%02d%02d%02d%02d%02d", t.y, t.mo, t.d, t.h, t.mi, t.s);
	if (t.zone_z)
		k += snprintf(o + k, sizeof(o) - (size_t)k, "Z");
	else
		k += snprintf(o + k, sizeof(o) - (size_t)k, "%c%02d", t.zone_sign, t.zh);
	return put(v, o, (size_t)k);
}

/* ---- Numbers ---- */

/* The length of a separator at p: ',', '.', ' ', '\'', U+00A0 or U+202F; 0 for anything else. */
static size_t sep_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*p == ',' || *p == '.' || *p == ' ' || *p == '\'')
		return 1;
	if (end - p >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (end - p >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf)
		return 3;
	return 0;
}

#define NUM_GROUPS 64

/* Splits w into digit groups and separators; -1 when it holds anything else. */
static int groups(const char *w, const char *end, const char **g, size_t *gl, const char **sep, size_t *sl,
		  size_t *ng)
{
	const char *p = w;

	*ng = 0;
	while (p < end) {
		if (*ng == NUM_GROUPS)
			return -1;
		g[*ng] = p;
		while (p < end && is_digit((unsigned char)*p))
			p++;
		gl[*ng] = (size_t)(p - g[*ng]);
		if (!gl[*ng])
			return -1;
		sep[*ng] = p;
		sl[*ng] = p < end ? sep_len(p, end) : 0;
		if (p < end && !sl[*ng])
			return -1;
		p += sl[*ng];
		(*ng)++;
		if (p == end && sl[*ng - 1])
			return -1;
	}
	return *ng ? 0 : -1;
}

/* Which separator is the decimal mark: the index of the group it ends, or -1 for none; -2 ambiguous, -3 bad. */
static int decimal_mark(const char **sep, const size_t *sl, const size_t *gl, size_t ng)
{
	size_t last = ng - 1, i, count = 0;
	char c;

	if (ng == 1)
		return -1;
	c = *sep[last - 1];
	if (sl[last - 1] == 1 && (c == ',' || c == '.')) {
		for (i = 0; i + 1 < ng; i++)
			count += sl[i] == 1 && *sep[i] == c;
		if (count == 1) {
			if (ng > 2 || c == '.' || gl[last] != 3)
				return (int)last - 1;
			return -2;   /* "1,234": a thousands separator or a decimal comma */
		}
	}
	return -1;
}

static int number_value(struct val *v, const struct tdk_harm_rule *r, const char *w, size_t n)
{
	const char *g[NUM_GROUPS], *sep[NUM_GROUPS], *end = w + n, *start = w;
	size_t gl[NUM_GROUPS], sl[NUM_GROUPS], ng, i, intd = 0, fracd = 0, lead;
	int mark, neg = 0, e;

	if (n && (*w == '+' || *w == '-')) {
		neg = *w == '-';
		w++;
	}
	if (groups(w, end, g, gl, sep, sl, &ng) < 0)
		return why(v, "HARM-BAD-NUMBER", "'%.*s' is not a number", (int)n, start);
	if ((mark = decimal_mark(sep, sl, gl, ng)) == -2)
		return why(v, "HARM-AMBIGUOUS", "'%.*s' may be %.*s%.*s or %.*s.%.*s: the comma is a thousands "
			   "separator or a decimal mark", (int)n, start, (int)gl[0], g[0], (int)gl[1], g[1], (int)gl[0],
			   g[0], (int)gl[1], g[1]);
	/* Thousands groups: the same separator throughout, three digits after each. */
	for (i = 0; i + 1 < ng; i++) {
		if ((int)i == mark)
			continue;
		if (gl[i + 1] != 3 || (i > 0 && gl[i] != 3 && (int)i - 1 != mark) || (i == 0 && gl[0] > 3) ||
		    sl[i] != sl[0] || memcmp(sep[i], sep[0], sl[0]) || (mark >= 0 && (int)i > mark))
			return why(v, "HARM-BAD-NUMBER", "'%.*s' is not a number: its digits are not grouped in "
				   "thousands", (int)n, start);
	}
	if (mark >= 0 && mark + 2 != (int)ng)
		return why(v, "HARM-BAD-NUMBER", "'%.*s' is not a number", (int)n, start);
	if (neg && (e = put(v, "-", 1)))
		return e;
	for (i = 0; i < ng; i++) {
		if ((int)i == mark + 1 && mark >= 0) {
			fracd = gl[i];
			break;
		}
		if ((e = put(v, g[i], gl[i])))
			return e;
		intd += gl[i];
	}
	/* Trailing zeros past the format's fraction digits go: the value stays the same. */
	if (mark >= 0) {
		const char *f = g[ng - 1];

		while (r->format.set && fracd > r->format.frac && f[fracd - 1] == '0')
			fracd--;
		if (fracd && ((e = put(v, ".", 1)) || (e = put(v, f, fracd))))
			return e;
	}
	for (lead = 0; lead + 1 < intd && v->out->data[neg + lead] == '0'; lead++)
		;
	if (r->format.set && (fracd > r->format.frac || intd - lead + fracd > r->format.len))
		return why(v, "HARM-DIGITS", "'%.*s' has %zu digits, %zu after the decimal mark: more than format "
			   "n..%u,%u allows (never rounded)", (int)n, start, intd - lead + fracd, fracd, r->format.len,
			   r->format.frac);
	return 0;
}

/* ---- Codes and identifiers ---- */

static int code_value(struct val *v, const struct tdk_harm_rule *r, const char *w, size_t n)
{
	size_t i;
	int e;

	if (r->format.set && chars(w, n) > r->format.len)
		return why(v, "HARM-TOO-LONG", "'%.*s' has %zu characters, more than format %s%s%u allows (never cut)",
			   (int)n, w, chars(w, n), r->format.numeric ? "n" : "an", r->format.exact ? "" : "..",
			   r->format.len);
	for (i = 0; i < n; i++)
		if ((e = tdk_buf_addc(v->out, r->upper ? upper((unsigned char)w[i]) : w[i]) < 0 ? -2 : 0))
			return e;
	return 0;
}

int tdk_harm_value(const struct tdk_harm *h, const struct tdk_harm_rule *rule, const char *in, int date_code,
		   struct tdk_buf *out, const char **code, char *msg, size_t msglen)
{
	struct val v = { out, code, msg, msglen };
	const char *w = in, *end = in + strlen(in);

	tdk_buf_reset(out);
	*code = NULL;
	msg[0] = '\0';
	while (w < end && is_ws((unsigned char)*w))
		w++;
	while (end > w && is_ws((unsigned char)end[-1]))
		end--;
	switch (rule->kind) {
	case TDK_HARM_COUNTRY:
	case TDK_HARM_CURRENCY:
	case TDK_HARM_UNIT:
	case TDK_HARM_PACKAGE:
		return code_list(&v, h, (enum tdk_codes_list)(rule->kind - TDK_HARM_COUNTRY), w, (size_t)(end - w));
	case TDK_HARM_DATE:
		return date_value(&v, w, (size_t)(end - w), rule->date ? rule->date : date_code);
	case TDK_HARM_NUMBER:
		return number_value(&v, rule, w, (size_t)(end - w));
	case TDK_HARM_CODE:
	case TDK_HARM_ID:
		return code_value(&v, rule, w, (size_t)(end - w));
	default:
		return put(&v, in, strlen(in));
	}
}
