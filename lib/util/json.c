/*
 * The small JSON reader over memory (json.h): recursive descent, one
 * position, the first fault reported and kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "util/json.h"
#include "util/utf8.h"

void tdk_json_init(struct tdk_json *j, const char *p, size_t n, size_t str_max, const char *limit_code,
		   struct tdk_diag *d)
{
	memset(j, 0, sizeof(*j));
	j->start = j->p = p;
	j->end = p + n;
	j->d = d;
	j->limit_code = limit_code;
	tdk_buf_init(&j->s, str_max);
}

void tdk_json_release(struct tdk_json *j)
{
	if (j->s.data)
		explicit_bzero(j->s.data, j->s.cap);
	tdk_buf_release(&j->s);
}

int tdk_json_fail(struct tdk_json *j, const char *code, const char *what)
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

int tdk_json_oom(struct tdk_json *j)
{
	j->status = TDK_EXIT_INTERNAL;
	return -1;
}

static int too_long(struct tdk_json *j)
{
	char what[64];

	snprintf(what, sizeof(what), "a string is longer than %zu bytes", j->s.max);
	return tdk_json_fail(j, j->limit_code, what);
}

static int too_deep(struct tdk_json *j)
{
	return tdk_json_fail(j, j->limit_code, "nesting deeper than 32 levels");
}

void tdk_json_ws(struct tdk_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Consumes c after white space, or fails with what was expected. */
int tdk_json_expect(struct tdk_json *j, char c, const char *what)
{
	tdk_json_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 0;
	}
	return tdk_json_fail(j, "JSON-SYNTAX", what);
}

static int hex4(struct tdk_json *j, unsigned *v)
{
	int i, h;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (j->p >= j->end || (h = tdk_hex_value((unsigned char)*j->p)) < 0)
			return tdk_json_fail(j, "JSON-SYNTAX", "'\\u' is not followed by four hexadecimal digits");
		*v = *v << 4 | (unsigned)h;
		j->p++;
	}
	return 0;
}

static int put_utf8(struct tdk_json *j, unsigned u)
{
	char o[4];
	size_t n = tdk_utf8_encode(o, u);

	return tdk_buf_add(&j->s, o, n) < 0 ? too_long(j) : 0;
}

/* RFC 8259 §7: an escape after the backslash; a surrogate pair is one character. */
static int escape(struct tdk_json *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k, *at = j->p - 1;   /* the backslash: where a fault is reported */
	unsigned u, lo;

	if (j->p >= j->end)
		return tdk_json_fail(j, "JSON-SYNTAX", "the input ends inside a string");
	if (*j->p != 'u') {
		if (!*j->p || !(k = strchr(from, *j->p))) {
			j->p = at;
			return tdk_json_fail(j, "JSON-SYNTAX", "an unknown escape in a string");
		}
		j->p++;
		return put_utf8(j, (unsigned char)to[k - from]);
	}
	j->p++;
	if (hex4(j, &u) < 0)
		return -1;
	if (u >= 0xDC00 && u <= 0xDFFF) {
		j->p = at;
		return tdk_json_fail(j, "JSON-SYNTAX", "a low surrogate without a high one");
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
			j->p = at;
			return tdk_json_fail(j, "JSON-SYNTAX", "a high surrogate without a low one");
		}
		j->p += 2;
		if (hex4(j, &lo) < 0)
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF) {
			j->p = at;
			return tdk_json_fail(j, "JSON-SYNTAX", "a high surrogate without a low one");
		}
		u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
	}
	return put_utf8(j, u);
}

/* A string, decoded into j->s; the opening quote comes next. */
int tdk_json_string(struct tdk_json *j)
{
	const char *run;

	tdk_buf_reset(&j->s);
	if (tdk_json_expect(j, '"', "a string was expected") < 0)
		return -1;
	if (!j->s.data && tdk_buf_grow(&j->s, 1) < 0)
		return tdk_json_oom(j);
	j->s.data[0] = '\0';
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20)
			j->p++;
		if (tdk_buf_add(&j->s, run, (size_t)(j->p - run)) < 0)
			return too_long(j);
		if (j->p >= j->end)
			return tdk_json_fail(j, "JSON-SYNTAX", "the input ends inside a string");
		if (*j->p == '"') {
			j->p++;
			return 0;
		}
		if ((unsigned char)*j->p < 0x20)
			return tdk_json_fail(j, "JSON-SYNTAX", "a control character inside a string");
		j->p++;
		if (escape(j) < 0)
			return -1;
	}
}

/* RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct tdk_json *j)
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
		return tdk_json_fail(j, "JSON-SYNTAX", "a value was expected");
	if (p < e && *p == '.') {
		if (++p >= e || *p < '0' || *p > '9') {
			j->p = p;
			return tdk_json_fail(j, "JSON-SYNTAX", "a digit must follow the decimal point");
		}
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9') {
			j->p = p;
			return tdk_json_fail(j, "JSON-SYNTAX", "a digit must follow the exponent");
		}
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	j->p = p;
	return 0;
}


/* Any value, checked and skipped: the members of an entry that tdk does not keep. */
static int container(struct tdk_json *j, unsigned depth, char close)
{
	j->p++;
	tdk_json_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (close == '}' && (tdk_json_string(j) < 0 || tdk_json_expect(j, ':', "':' was expected after a key") < 0))
			return -1;
		if (tdk_json_value(j, depth + 1) < 0)
			return -1;
		tdk_json_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		if (tdk_json_expect(j, ',', close == '}' ? "',' or '}' was expected" : "',' or ']' was expected") < 0)
			return -1;
	}
}

int tdk_json_value(struct tdk_json *j, unsigned depth)
{
	static const char *const lit[] = { "true", "false", "null" };
	size_t i, n;

	if (depth > TDK_JSON_MAX_DEPTH)
		return too_deep(j);
	tdk_json_ws(j);
	if (j->p >= j->end)
		return tdk_json_fail(j, "JSON-SYNTAX", "the input ends where a value was expected");
	if (*j->p == '{' || *j->p == '[')
		return container(j, depth, *j->p == '{' ? '}' : ']');
	if (*j->p == '"')
		return tdk_json_string(j);
	for (i = 0; i < 3; i++) {
		n = strlen(lit[i]);
		if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, lit[i], n)) {
			j->p += n;
			return 0;
		}
	}
	return number(j);
}

