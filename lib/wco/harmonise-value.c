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
#include "wco/norm.h"

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

/* ---- Dates and numbers (lib/wco/norm.h reads and writes them) ---- */

static int date_value(struct val *v, const char *w, size_t n, int code)
{
	struct tdk_norm_when t;
	enum tdk_norm_why no;
	char o[TDK_NORM_DATE_MAX];

	if (code != 102 && code != 304)
		return put(v, w, n);
	if ((no = tdk_norm_when_parse(w, n, &t)) || (no = tdk_norm_when_write(&t, code, TDK_NORM_EXACT, o)))
		return why(v, "HARM-BAD-DATE", "'%.*s' %s", (int)n, w, tdk_norm_why_text(no, code));
	return put(v, o, strlen(o));
}

static int number_value(struct val *v, const struct tdk_harm_rule *r, const char *w, size_t n)
{
	struct tdk_norm_num num;
	enum tdk_norm_why no;
	char o[TDK_NORM_NUMBER_MAX];

	no = tdk_norm_num_parse(w, n, 0, &num);
	if (no == TDK_NORM_AMBIGUOUS)
		return why(v, "HARM-AMBIGUOUS", "'%.*s' may be %.*s%.*s or %.*s.%.*s: the comma is a thousands "
			   "separator or a decimal mark", (int)n, w, (int)num.nint, num.digits, (int)num.nfrac,
			   num.digits + num.nint, (int)num.nint, num.digits, (int)num.nfrac, num.digits + num.nint);
	if (no)
		return why(v, "HARM-BAD-NUMBER", "'%.*s' %s", (int)n, w, tdk_norm_why_text(no, 0));
	if (r->format.set && tdk_norm_num_fit(&num, r->format.len, r->format.frac))
		return why(v, "HARM-DIGITS", "'%.*s' has %zu digits, %zu after the decimal mark: more than format "
			   "n..%u,%u allows (never rounded)", (int)n, w, tdk_norm_num_digits(&num), num.nfrac,
			   r->format.len, r->format.frac);
	tdk_norm_num_write(&num, o);
	return put(v, o, strlen(o));
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
