/*
 * JSON -> EDIFACT: reads the JSON form that json-write.c writes and drives a
 * sink with the same calls, in the same order and with the same segment
 * numbers, as xml-read.c does for the XML form.
 *
 * Two layers.  A pull tokenizer of our own reads the input in chunks and
 * hands out one token at a time; it checks the grammar of RFC 8259, decodes
 * strings (every escape, surrogate pairs joined, a lone surrogate refused),
 * insists on UTF-8 (RFC 8259 §8.1) and caps nesting and string length, so
 * memory stays bounded by the largest segment whatever the document size.
 * Above it a recursive descent over the document model turns items into sink
 * calls as they arrive.  The keys of a segment may come in any order; the keys
 * of a container must come before its "content", as the writer puts them,
 * because the container's begin call needs them.
 *
 * The first fault stops reading: JSON-SYNTAX for malformed JSON,
 * EDI-JSON-UNEXPECTED for JSON that does not follow the model (an unknown or
 * repeated key, a value of the wrong type, a value the model does not allow
 * such as a 5-character "una"), EDI-JSON-LIMIT and EDI-LIMIT-COMPONENTS for
 * the caps (tdk-convert(1) documents all of them).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "util/utf8.h"

#define CHUNK 65536
#define MAX_DEPTH 64
#define STR_MAX ((size_t)16 << 20)
#define WS_MAX 65536   /* as the EDIFACT parser's cap on layout between segments */

/* What peek() returns besides a byte. */
#define EOI (-1)     /* end of the input */
#define RFAIL (-2)   /* reading failed; j->status says so */

enum tok { T_OBJ, T_OBJ_END, T_ARR, T_ARR_END, T_KEY, T_STR, T_NUM, T_TRUE, T_FALSE, T_NULL, T_EOF };

/* What the tokenizer accepts next. */
enum expect {
	X_VALUE,         /* at the top, after ':', after ',' in an array */
	X_VALUE_OR_END,  /* after '[' */
	X_KEY,           /* after ',' in an object */
	X_KEY_OR_END,    /* after '{' */
	X_COLON,         /* after a key */
	X_NEXT,          /* after a value in a container: ',' or its closing bracket */
	X_DONE           /* after the top-level value: white space only */
};

struct jpos {
	unsigned long line, col;  /* 1-based, col in bytes */
	uint64_t offset;          /* 0-based byte offset in the input */
};

struct jtok {
	enum tok type;
	struct jpos at;  /* of the token's first byte */
	const char *p;   /* T_KEY, T_STR: the decoded UTF-8 value; T_NUM: its first 31 bytes */
	size_t len;
};

enum kind { K_DOC, K_ICH, K_GRP, K_MSG };

struct jr {
	struct tdk_input *in;
	struct tdk_diag *d;
	const struct tdk_edi_sink *sink;
	int status;  /* the first failure; the one returned */

	/* The tokenizer. */
	char *buf;               /* CHUNK bytes; buf[pos..len) not yet consumed */
	size_t pos, len;
	int eof;
	uint64_t base;           /* input offset of buf[0] */
	unsigned long line;
	uint64_t line_start;     /* input offset of the first byte of the current line */
	enum expect expect;
	char stack[MAX_DEPTH];   /* '{' or '[' per open container */
	int depth;
	struct tdk_buf str;      /* the last string token, decoded */
	char num[32];            /* the last number token, truncated */

	/* The model. */
	struct tdk_edi_segbuild sb, spare;
	struct tdk_buf tag, ws, endws, una_ws;
	struct tdk_edi_seg seg;
	int in_msg;
	unsigned long ich_no, msg_no;
};

#define SINK(j, fn, ...) ((j)->sink->fn ? (j)->sink->fn((j)->sink->arg, ##__VA_ARGS__) : 0)

static void jr_error(struct jr *j, const char *code, const struct jpos *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void jr_error(struct jr *j, const char *code, const struct jpos *at, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	if (at) {
		loc.line = at->line;
		loc.col = at->col;
		loc.offset = at->offset;
	}
	va_start(ap, fmt);
	tdk_diag_addv(j->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	if (!j->status)
		j->status = TDK_EXIT_NEGATIVE;
}

static int oom(struct jr *j)
{
	if (!j->status)
		j->status = TDK_EXIT_INTERNAL;
	return -1;
}

/* A sink's non-zero status stops reading and is what the reader returns. */
static int sink_status(struct jr *j, int r)
{
	if (!r)
		return 0;
	if (!j->status)
		j->status = r;
	return -1;
}

/*
 * A printable copy of s, shortened to fit out, for quoting in a message:
 * control characters become '?', and a cut never splits a UTF-8 sequence.
 */
static const char *excerpt(char *out, size_t size, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < size; i++, k++) {
		unsigned char c = (unsigned char)s[i];

		out[k] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (i < n) {
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) {
			i--;
			k--;
		}
		memcpy(out + k, "...", 4);
	} else {
		out[k] = '\0';
	}
	return out;
}

/* A byte (or the end of the input) as a message names it. */
static const char *describe(int c, char *out, size_t size)
{
	if (c == EOI)
		snprintf(out, size, "the end of the input");
	else if (c > 0x20 && c < 0x7f)
		snprintf(out, size, "'%c'", c);
	else
		snprintf(out, size, "byte 0x%02X", (unsigned)c);
	return out;
}

static const char *tok_name(enum tok t)
{
	switch (t) {
	case T_OBJ: return "an object";
	case T_ARR: return "an array";
	case T_STR: return "a string";
	case T_NUM: return "a number";
	case T_TRUE: return "true";
	case T_FALSE: return "false";
	case T_NULL: return "null";
	default: return "nothing";
	}
}

/* ---- The tokenizer ---- */

static void here(const struct jr *j, struct jpos *at)
{
	at->offset = j->base + j->pos;
	at->line = j->line;
	at->col = (unsigned long)(at->offset - j->line_start) + 1;
}

/* The next byte without consuming it: 0 to 255, EOI, or RFAIL. */
static int peek(struct jr *j)
{
	ssize_t n;

	if (j->pos < j->len)
		return (unsigned char)j->buf[j->pos];
	if (j->eof)
		return EOI;
	j->base += j->len;
	j->pos = j->len = 0;
	n = tdk_input_read(j->in, j->buf, CHUNK);
	if (n < 0) {
		/* No diagnostic: the command reports the read error with its errno. */
		if (!j->status)
			j->status = TDK_EXIT_IO;
		return RFAIL;
	}
	if (n == 0) {
		j->eof = 1;
		return EOI;
	}
	j->len = (size_t)n;
	return (unsigned char)j->buf[0];
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A byte that may not directly follow a number or a literal. */
static int is_word(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
	       c == '+' || c == '-' || c == '_' || c >= 0x80;
}

static int str_add(struct jr *j, const char *p, size_t n, const struct jpos *start)
{
	if (n > STR_MAX - j->str.len) {
		jr_error(j, "EDI-JSON-LIMIT", start, "string longer than 16 MiB");
		return -1;
	}
	if (tdk_buf_add(&j->str, p, n) < 0)
		return oom(j);
	return 0;
}

/* Skips an optional UTF-8 byte order mark at the very start (RFC 8259 §8.1 allows ignoring it). */
static int skip_bom(struct jr *j)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	char what[32];
	struct jpos at;
	int c = peek(j), i;

	if (c == RFAIL)
		return -1;
	if (c != bom[0])
		return 0;
	for (i = 0; i < 3; i++) {
		c = peek(j);
		if (c == RFAIL)
			return -1;
		if (c != bom[i]) {
			here(j, &at);
			if (c == EOI)
				jr_error(j, "JSON-SYNTAX", &at, "input ends inside a byte order mark");
			else
				jr_error(j, "JSON-SYNTAX", &at, "unexpected %s", describe(c, what, sizeof(what)));
			return -1;
		}
		j->pos++;
	}
	/* Columns count from after the mark, as the EDIFACT parser counts them. */
	j->line_start = 3;
	return 0;
}

/* Skips white space, counting lines.  Returns the next byte, EOI or RFAIL. */
static int skip_ws(struct jr *j)
{
	for (;;) {
		int c = peek(j);

		if (c < 0)
			return c;
		while (j->pos < j->len) {
			c = (unsigned char)j->buf[j->pos];
			if (c == '\n') {
				j->line++;
				j->line_start = j->base + j->pos + 1;
			} else if (c != ' ' && c != '\t' && c != '\r') {
				return c;
			}
			j->pos++;
		}
	}
}

/* Four hexadecimal digits of a \u escape that starts at esc. */
static int hex4(struct jr *j, unsigned *v, const struct jpos *esc)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		int c = peek(j), h;

		if (c == RFAIL)
			return -1;
		h = tdk_hex_value(c);
		if (h < 0) {
			jr_error(j, "JSON-SYNTAX", esc, "'\\u' must be followed by 4 hexadecimal digits");
			return -1;
		}
		j->pos++;
		*v = *v << 4 | (unsigned)h;
	}
	return 0;
}

/* An escape sequence; j->pos is at the backslash. */
static int lex_escape(struct jr *j, const struct jpos *start)
{
	char u[4], what[32];
	struct jpos esc;
	unsigned cp, lo;
	size_t n;
	int c;

	here(j, &esc);
	j->pos++;
	c = peek(j);
	if (c == RFAIL)
		return -1;
	if (c == EOI) {
		jr_error(j, "JSON-SYNTAX", start, "input ends inside a string");
		return -1;
	}
	j->pos++;
	switch (c) {
	case '"': case '\\': case '/': u[0] = (char)c; break;
	case 'b': u[0] = '\b'; break;
	case 'f': u[0] = '\f'; break;
	case 'n': u[0] = '\n'; break;
	case 'r': u[0] = '\r'; break;
	case 't': u[0] = '\t'; break;
	case 'u': u[0] = 0; break;
	default:
		jr_error(j, "JSON-SYNTAX", &esc, "invalid escape: backslash followed by %s",
			 describe(c, what, sizeof(what)));
		return -1;
	}
	if (c != 'u')
		return str_add(j, u, 1, start);
	if (hex4(j, &cp, &esc) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		jr_error(j, "JSON-SYNTAX", &esc, "lone surrogate '\\u%04X' (a low surrogate without a high one)", cp);
		return -1;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		/* RFC 8259 §7: a character outside the BMP is a pair of escapes, high then low. */
		if (peek(j) == RFAIL)
			return -1;
		if (peek(j) != '\\')
			goto lone;
		j->pos++;
		c = peek(j);
		if (c == RFAIL)
			return -1;
		if (c != 'u')
			goto lone;
		j->pos++;
		if (hex4(j, &lo, &esc) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			goto lone;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	n = tdk_utf8_encode(u, cp);
	return str_add(j, u, n, start);
lone:
	jr_error(j, "JSON-SYNTAX", &esc, "lone surrogate '\\u%04X' (a high surrogate without a low one)", cp);
	return -1;
}

/* A multi-byte UTF-8 sequence; j->pos is at its first byte. */
static int lex_utf8(struct jr *j, const struct jpos *start)
{
	unsigned char s[4];
	struct jpos at;
	size_t need, n = 0;
	uint32_t cp;
	int c = peek(j);

	here(j, &at);
	need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
	s[n++] = (unsigned char)c;
	j->pos++;
	while (n < need) {
		c = peek(j);
		if (c == RFAIL)
			return -1;
		if (c < 0 || (c & 0xc0) != 0x80)
			break;
		s[n++] = (unsigned char)c;
		j->pos++;
	}
	if (n < need || tdk_utf8_seq(s, n, &cp) != n) {
		jr_error(j, "JSON-SYNTAX", &at, "invalid UTF-8: byte 0x%02X does not start a valid sequence",
			 s[0]);
		return -1;
	}
	return str_add(j, (const char *)s, n, start);
}

/* A string; j->pos is at the opening quote.  The decoded value is left in j->str. */
static int lex_string(struct jr *j, const struct jpos *start)
{
	tdk_buf_reset(&j->str);
	j->pos++;
	for (;;) {
		int c = peek(j);
		size_t from = j->pos;
		struct jpos at;

		if (c == RFAIL)
			return -1;
		if (c == EOI) {
			jr_error(j, "JSON-SYNTAX", start, "input ends inside a string");
			return -1;
		}
		/* Runs of plain ASCII are copied at once: they are nearly all of a document. */
		while (j->pos < j->len) {
			unsigned char b = (unsigned char)j->buf[j->pos];

			if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\')
				break;
			j->pos++;
		}
		if (j->pos > from && str_add(j, j->buf + from, j->pos - from, start) < 0)
			return -1;
		if (j->pos == j->len)
			continue;
		c = (unsigned char)j->buf[j->pos];
		if (c == '"') {
			j->pos++;
			break;
		}
		if (c == '\\') {
			if (lex_escape(j, start) < 0)
				return -1;
		} else if (c < 0x20) {
			here(j, &at);
			jr_error(j, "JSON-SYNTAX", &at, "control character 0x%02X in a string must be escaped",
				 (unsigned)c);
			return -1;
		} else if (lex_utf8(j, start) < 0) {
			return -1;
		}
	}
	if (!j->str.data && tdk_buf_add(&j->str, "", 0) < 0)
		return oom(j);
	return 0;
}

/* A number (RFC 8259 §6); its first 31 bytes are kept in j->num. */
static int lex_number(struct jr *j, const struct jpos *at)
{
	enum { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP } st;
	size_t n = 0;
	int c = peek(j), more;

	st = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
	do {
		if (n + 1 < sizeof(j->num))
			j->num[n++] = (char)c;
		j->pos++;
		c = peek(j);
		if (c == RFAIL)
			return -1;
		more = 1;
		/* The state changes only when c continues the number. */
		switch (st) {
		case N_MINUS:
			if (is_digit(c))
				st = c == '0' ? N_ZERO : N_INT;
			else
				more = 0;
			break;
		case N_ZERO:
		case N_INT:
		case N_FRAC:
			if (c == '.' && st != N_FRAC)
				st = N_DOT;
			else if (c == 'e' || c == 'E')
				st = N_E;
			else if (!is_digit(c) || st == N_ZERO)
				more = 0;
			break;
		case N_DOT:
			if (is_digit(c))
				st = N_FRAC;
			else
				more = 0;
			break;
		case N_E:
			if (c == '+' || c == '-')
				st = N_ESIGN;
			else if (is_digit(c))
				st = N_EXP;
			else
				more = 0;
			break;
		case N_ESIGN:
			if (is_digit(c))
				st = N_EXP;
			else
				more = 0;
			break;
		case N_EXP:
			more = is_digit(c);
			break;
		}
	} while (more);
	j->num[n] = '\0';
	/* A number needs a digit after '-', '.', 'e' and its sign; and the next byte must end it. */
	if (st == N_MINUS || st == N_DOT || st == N_E || st == N_ESIGN || is_word(c)) {
		jr_error(j, "JSON-SYNTAX", at, "malformed number");
		return -1;
	}
	return 0;
}

static int lex_literal(struct jr *j, const char *word, const struct jpos *at)
{
	size_t i;
	int c;

	for (i = 0; word[i]; i++) {
		c = peek(j);
		if (c == RFAIL)
			return -1;
		if (c != word[i])
			goto bad;
		j->pos++;
	}
	c = peek(j);
	if (c == RFAIL)
		return -1;
	if (!is_word(c))
		return 0;
bad:
	jr_error(j, "JSON-SYNTAX", at, "invalid literal (expected '%s')", word);
	return -1;
}

static int close_container(struct jr *j, struct jtok *t)
{
	t->type = j->stack[--j->depth] == '{' ? T_OBJ_END : T_ARR_END;
	j->pos++;
	j->expect = j->depth ? X_NEXT : X_DONE;
	return 0;
}

static int lex_value(struct jr *j, struct jtok *t, int c)
{
	char what[32];
	int r;

	switch (c) {
	case '{':
	case '[':
		if (j->depth >= MAX_DEPTH) {
			jr_error(j, "EDI-JSON-LIMIT", &t->at, "arrays and objects nested deeper than %d levels",
				 MAX_DEPTH);
			return -1;
		}
		j->stack[j->depth++] = (char)c;
		j->pos++;
		t->type = c == '{' ? T_OBJ : T_ARR;
		j->expect = c == '{' ? X_KEY_OR_END : X_VALUE_OR_END;
		return 0;
	case '"':
		r = lex_string(j, &t->at);
		t->type = T_STR;
		t->p = j->str.data;
		t->len = j->str.len;
		break;
	case 't':
		r = lex_literal(j, "true", &t->at);
		t->type = T_TRUE;
		break;
	case 'f':
		r = lex_literal(j, "false", &t->at);
		t->type = T_FALSE;
		break;
	case 'n':
		r = lex_literal(j, "null", &t->at);
		t->type = T_NULL;
		break;
	default:
		if (c != '-' && !is_digit(c)) {
			jr_error(j, "JSON-SYNTAX", &t->at, "expected a value, found %s",
				 describe(c, what, sizeof(what)));
			return -1;
		}
		r = lex_number(j, &t->at);
		t->type = T_NUM;
		t->p = j->num;
		t->len = strlen(j->num);
		break;
	}
	j->expect = j->depth ? X_NEXT : X_DONE;
	return r;
}

/*
 * The next token.  Only a sequence of tokens that can begin a valid JSON text
 * comes out, so the model above never sees malformed JSON; T_EOF comes once
 * the top-level value is complete and only white space follows it.
 */
static int next(struct jr *j, struct jtok *t)
{
	char what[32];

	t->p = NULL;
	t->len = 0;
	for (;;) {
		int c = skip_ws(j);
		char closer;

		if (c == RFAIL)
			return -1;
		here(j, &t->at);
		if (c == EOI && j->expect != X_DONE) {
			jr_error(j, "JSON-SYNTAX", &t->at, "input ends before the document is complete");
			return -1;
		}
		switch (j->expect) {
		case X_DONE:
			if (c == EOI) {
				t->type = T_EOF;
				return 0;
			}
			jr_error(j, "JSON-SYNTAX", &t->at, "unexpected %s after the end of the document",
				 describe(c, what, sizeof(what)));
			return -1;
		case X_COLON:
			if (c != ':') {
				jr_error(j, "JSON-SYNTAX", &t->at, "expected ':' after a key, found %s",
					 describe(c, what, sizeof(what)));
				return -1;
			}
			j->pos++;
			j->expect = X_VALUE;
			continue;
		case X_NEXT:
			closer = j->stack[j->depth - 1] == '{' ? '}' : ']';
			if (c == ',') {
				j->pos++;
				j->expect = closer == '}' ? X_KEY : X_VALUE;
				continue;
			}
			if (c == closer)
				return close_container(j, t);
			jr_error(j, "JSON-SYNTAX", &t->at, "expected ',' or '%c', found %s", closer,
				 describe(c, what, sizeof(what)));
			return -1;
		case X_KEY_OR_END:
		case X_KEY:
			if (c == '}' && j->expect == X_KEY_OR_END)
				return close_container(j, t);
			if (c != '"') {
				jr_error(j, "JSON-SYNTAX", &t->at, "expected a key in double quotes, found %s",
					 describe(c, what, sizeof(what)));
				return -1;
			}
			if (lex_string(j, &t->at) < 0)
				return -1;
			t->type = T_KEY;
			t->p = j->str.data;
			t->len = j->str.len;
			j->expect = X_COLON;
			return 0;
		case X_VALUE_OR_END:
			if (c == ']')
				return close_container(j, t);
			return lex_value(j, t, c);
		case X_VALUE:
			return lex_value(j, t, c);
		}
	}
}

/* ---- The model ---- */

static int key_is(const struct jtok *t, const char *k)
{
	size_t n = strlen(k);

	return t->len == n && !memcmp(t->p, k, n);
}

static int str_is(const struct jtok *t, const char *s)
{
	return key_is(t, s);
}

/* Which bit of keys[] names t, or 0. */
static unsigned key_bit(const struct jtok *t, const char *const *keys)
{
	unsigned i;

	for (i = 0; keys[i]; i++)
		if (key_is(t, keys[i]))
			return 1u << i;
	return 0;
}

static const char *const doc_keys[] = { "format", "version", "bom", "content", "ws", NULL };
enum { D_FORMAT = 1, D_VERSION = 2, D_BOM = 4, D_CONTENT = 8, D_WS = 16 };

static const char *const cont_keys[] = { "type", "charset", "encoding", "syntaxVersion", "una",
					 "unaWs", "level", "content", NULL };
enum { C_TYPE = 1, C_CHARSET = 2, C_ENCODING = 4, C_VERSION = 8, C_UNA = 16, C_UNAWS = 32,
       C_LEVEL = 64, C_CONTENT = 128 };
#define C_ICH_ONLY (C_CHARSET | C_ENCODING | C_VERSION | C_UNA | C_UNAWS | C_LEVEL)

static const char *const seg_keys[] = { "tag", "line", "col", "offset", "ws", "elements", NULL };
enum { S_TAG = 1, S_LINE = 2, S_COL = 4, S_OFFSET = 8, S_WS = 16, S_ELEMENTS = 32 };

static const char *const kind_names[] = { "document", "interchange", "group", "message" };
static const char *const kind_where[] = { "the document", "an interchange", "a group", "a message" };

/* An unknown key, or one that belongs elsewhere, or a repeated one. */
static int bad_key(struct jr *j, const struct jtok *t, const char *where, int repeated)
{
	char k[64];

	excerpt(k, sizeof(k), t->p, t->len);
	if (repeated)
		jr_error(j, "EDI-JSON-UNEXPECTED", &t->at, "key '%s' appears twice in %s", k, where);
	else
		jr_error(j, "EDI-JSON-UNEXPECTED", &t->at, "key '%s' is not expected in %s", k, where);
	return -1;
}

/* Reads the value of key and checks that it is a want. */
static int value_of(struct jr *j, struct jtok *v, const char *key, enum tok want)
{
	if (next(j, v) < 0)
		return -1;
	if (v->type == want)
		return 0;
	jr_error(j, "EDI-JSON-UNEXPECTED", &v->at, "'%s' must be %s, not %s", key, tok_name(want),
		 tok_name(v->type));
	return -1;
}

/* Copies a string value into b, whose cap is a limit of the model. */
static int copy_str(struct jr *j, struct tdk_buf *b, const struct jtok *v, const char *key)
{
	tdk_buf_reset(b);
	if (v->len > b->max) {
		jr_error(j, "EDI-JSON-LIMIT", &v->at, "'%s' is longer than %zu bytes", key, b->max);
		return -1;
	}
	if (tdk_buf_add(b, v->p, v->len) < 0)
		return oom(j);
	return 0;
}

/* A segment builder call failed: a cap (components, text) or memory. */
static int sb_fail(struct jr *j, const struct tdk_edi_segbuild *b, size_t n, const struct jpos *at)
{
	if (b->ncomp >= b->max || b->nrep >= b->max || b->nelem >= b->max)
		jr_error(j, "EDI-LIMIT-COMPONENTS", at,
			 "segment has more than %zu components (--max-components)", b->max);
	else if (n > b->text.max - b->text.len)
		jr_error(j, "EDI-JSON-LIMIT", at, "segment holds more than 16 MiB of text");
	else
		return oom(j);
	return -1;
}

static int sb_elem(struct jr *j, const struct jpos *at)
{
	return tdk_edi_segbuild_elem(&j->sb) < 0 ? sb_fail(j, &j->sb, 0, at) : 0;
}

static int sb_rep(struct jr *j, const struct jpos *at)
{
	return tdk_edi_segbuild_rep(&j->sb) < 0 ? sb_fail(j, &j->sb, 0, at) : 0;
}

static int sb_comp(struct jr *j, const struct jtok *t)
{
	return tdk_edi_segbuild_comp(&j->sb, t->p, t->len) < 0 ? sb_fail(j, &j->sb, t->len, &t->at) : 0;
}

/* The strings of an array that makes one repetition; the '[' has been read. */
static int read_components(struct jr *j, const struct jpos *at)
{
	struct jtok t;
	size_t n = 0;

	for (;;) {
		if (next(j, &t) < 0)
			return -1;
		if (t.type == T_ARR_END)
			break;
		if (t.type != T_STR) {
			jr_error(j, "EDI-JSON-UNEXPECTED", &t.at, "a component must be a string, not %s",
				 tok_name(t.type));
			return -1;
		}
		if (sb_comp(j, &t) < 0)
			return -1;
		n++;
	}
	if (!n) {
		jr_error(j, "EDI-JSON-UNEXPECTED", at, "an array of components must not be empty");
		return -1;
	}
	return 0;
}

/* {"repetitions":[...]}; the '{' has been read and the element started. */
static int read_repetitions(struct jr *j, const struct jpos *at)
{
	struct jtok t;
	size_t n = 0;

	if (next(j, &t) < 0)
		return -1;
	if (t.type == T_OBJ_END) {
		jr_error(j, "EDI-JSON-UNEXPECTED", at, "an element object must hold 'repetitions'");
		return -1;
	}
	if (!key_is(&t, "repetitions"))
		return bad_key(j, &t, "an element", 0);
	if (value_of(j, &t, "repetitions", T_ARR) < 0)
		return -1;
	for (;;) {
		if (next(j, &t) < 0)
			return -1;
		if (t.type == T_ARR_END)
			break;
		if (t.type != T_STR && t.type != T_ARR) {
			jr_error(j, "EDI-JSON-UNEXPECTED", &t.at,
				 "a repetition must be a string or an array of strings, not %s",
				 tok_name(t.type));
			return -1;
		}
		/* The element came with its first repetition. */
		if (n++ && sb_rep(j, &t.at) < 0)
			return -1;
		if (t.type == T_STR ? sb_comp(j, &t) : read_components(j, &t.at))
			return -1;
	}
	if (!n) {
		jr_error(j, "EDI-JSON-UNEXPECTED", at, "'repetitions' must not be empty");
		return -1;
	}
	if (next(j, &t) < 0)
		return -1;
	if (t.type != T_OBJ_END)
		return bad_key(j, &t, "an element", key_is(&t, "repetitions"));
	return 0;
}

/* The "elements" array; the '[' has been read. */
static int read_elements(struct jr *j)
{
	struct jtok t;

	for (;;) {
		if (next(j, &t) < 0)
			return -1;
		switch (t.type) {
		case T_ARR_END:
			return 0;
		case T_STR:
			if (sb_elem(j, &t.at) < 0 || sb_comp(j, &t) < 0)
				return -1;
			break;
		case T_ARR:
			if (sb_elem(j, &t.at) < 0 || read_components(j, &t.at) < 0)
				return -1;
			break;
		case T_OBJ:
			if (sb_elem(j, &t.at) < 0 || read_repetitions(j, &t.at) < 0)
				return -1;
			break;
		default:
			jr_error(j, "EDI-JSON-UNEXPECTED", &t.at,
				 "an element must be a string, an array of strings or an object with "
				 "'repetitions', not %s", tok_name(t.type));
			return -1;
		}
	}
}

/*
 * "tag" came after "elements": the segment is built again in the spare
 * builder with the tag as element 0, and the builders change places.
 */
static int put_tag_first(struct jr *j, const struct jpos *at)
{
	struct tdk_edi_segbuild *src = &j->sb, *dst = &j->spare, tmp;
	const char *tag = j->tag.data ? j->tag.data : "", *text;
	size_t e, r, c;

	if (!src->nelem) {
		if (tdk_edi_segbuild_comp(src, tag, j->tag.len) < 0)
			return sb_fail(j, src, j->tag.len, at);
		return 0;
	}
	tdk_edi_segbuild_reset(dst);
	if (tdk_edi_segbuild_comp(dst, tag, j->tag.len) < 0)
		return sb_fail(j, dst, j->tag.len, at);
	text = src->text.data ? src->text.data : "";
	for (e = 0; e < src->nelem; e++) {
		size_t rend = e + 1 < src->nelem ? src->elem[e + 1] : src->nrep;

		for (r = src->elem[e]; r < rend; r++) {
			size_t cend = r + 1 < src->nrep ? src->rep[r + 1] : src->ncomp;
			int k = r == src->elem[e] ? tdk_edi_segbuild_elem(dst) : tdk_edi_segbuild_rep(dst);

			if (k < 0)
				return sb_fail(j, dst, 0, at);
			for (c = src->rep[r]; c < cend; c++)
				if (tdk_edi_segbuild_comp(dst, text + src->off[c], src->len[c]) < 0)
					return sb_fail(j, dst, src->len[c], at);
		}
	}
	tmp = *src;
	*src = *dst;
	*dst = tmp;
	return 0;
}

/* As end_seg() in xml-read.c: number the segment and hand it to the sink. */
static int end_segment(struct jr *j, const struct jpos *at)
{
	struct tdk_edi_seg *s = &j->seg;

	memset(s, 0, sizeof(*s));
	tdk_edi_segbuild_finish(&j->sb, s);
	if (!s->nelem) {
		jr_error(j, "EDI-JSON-UNEXPECTED", at, "segment has neither a 'tag' nor 'elements'");
		return -1;
	}
	j->ich_no++;
	if (tdk_edi_seg_is(s, "UNH"))
		j->msg_no = 1;
	else if (j->in_msg)
		j->msg_no++;
	s->number = j->in_msg ? j->msg_no : j->ich_no;
	s->line = at->line;
	s->col = at->col;
	s->offset = at->offset;
	s->ws = j->ws.data ? j->ws.data : "";
	s->wslen = j->ws.len;
	return sink_status(j, SINK(j, segment, s));
}

/* A segment object at `at` whose first key is t. */
static int read_segment(struct jr *j, struct jtok *t, const struct jpos *at)
{
	struct jtok v;
	unsigned seen = 0;
	int tag_in = 0;

	tdk_edi_segbuild_reset(&j->sb);
	tdk_buf_reset(&j->ws);
	while (t->type != T_OBJ_END) {
		unsigned bit = key_bit(t, seg_keys);

		if (!bit || (seen & bit))
			return bad_key(j, t, "a segment", !!bit);
		seen |= bit;
		switch (bit) {
		case S_TAG:
			if (value_of(j, &v, "tag", T_STR) < 0 || copy_str(j, &j->tag, &v, "tag") < 0)
				return -1;
			break;
		case S_LINE:
		case S_COL:
		case S_OFFSET:
			/* Where the segment was in the EDIFACT source: informative only. */
			if (value_of(j, &v, seg_keys[bit == S_LINE ? 1 : bit == S_COL ? 2 : 3], T_NUM) < 0)
				return -1;
			break;
		case S_WS:
			if (value_of(j, &v, "ws", T_STR) < 0 || copy_str(j, &j->ws, &v, "ws") < 0)
				return -1;
			break;
		case S_ELEMENTS:
			if (value_of(j, &v, "elements", T_ARR) < 0)
				return -1;
			if (seen & S_TAG) {
				if (tdk_edi_segbuild_comp(&j->sb, j->tag.data, j->tag.len) < 0)
					return sb_fail(j, &j->sb, j->tag.len, &v.at);
				tag_in = 1;
			}
			if (read_elements(j) < 0)
				return -1;
			break;
		}
		if (next(j, t) < 0)
			return -1;
	}
	if ((seen & S_TAG) && !tag_in && put_tag_first(j, at) < 0)
		return -1;
	return end_segment(j, at);
}

static int read_items(struct jr *j, enum kind parent);

/* Which container may hold which: as allowed() in xml-read.c. */
static int allowed(enum kind parent, enum kind child)
{
	return child > parent && (child != K_ICH || parent == K_DOC);
}

/* Starts the container: the interchange facts as start_ich() in xml-read.c fills them. */
static int begin_container(struct jr *j, enum kind kind, struct tdk_edi_ich *ich, unsigned seen)
{
	switch (kind) {
	case K_ICH:
		if (ich->una && (seen & C_UNAWS)) {
			ich->una_ws = j->una_ws.data;
			ich->una_wslen = j->una_ws.len;
		}
		j->ich_no = 0;
		return sink_status(j, SINK(j, interchange_begin, ich));
	case K_GRP:
		return sink_status(j, SINK(j, group_begin));
	case K_MSG:
		j->in_msg = 1;
		j->msg_no = 0;
		return sink_status(j, SINK(j, message_begin));
	default:
		return 0;
	}
}

static int end_container(struct jr *j, enum kind kind)
{
	switch (kind) {
	case K_ICH:
		return sink_status(j, SINK(j, interchange_end));
	case K_GRP:
		return sink_status(j, SINK(j, group_end));
	case K_MSG:
		j->in_msg = 0;
		return sink_status(j, SINK(j, message_end));
	default:
		return 0;
	}
}

/* A container object at `at`, inside parent, whose first key is t. */
static int read_container(struct jr *j, enum kind parent, struct jtok *t, const struct jpos *at)
{
	struct tdk_edi_ich ich;
	enum kind kind = K_DOC;  /* not known until "type" */
	struct jtok v;
	unsigned seen = 0;
	char x[64];
	size_t i;

	memset(&ich, 0, sizeof(ich));
	while (t->type != T_OBJ_END) {
		unsigned bit = key_bit(t, cont_keys);

		if (!bit || (seen & bit))
			return bad_key(j, t, kind == K_DOC ? "a container" : kind_where[kind], !!bit);
		if (seen & C_CONTENT) {
			excerpt(x, sizeof(x), t->p, t->len);
			jr_error(j, "EDI-JSON-UNEXPECTED", &t->at, "key '%s' must come before 'content'", x);
			return -1;
		}
		if ((bit & C_ICH_ONLY) && kind != K_DOC && kind != K_ICH)
			return bad_key(j, t, kind_where[kind], 0);
		seen |= bit;
		switch (bit) {
		case C_TYPE:
			if (value_of(j, &v, "type", T_STR) < 0)
				return -1;
			kind = str_is(&v, "interchange") ? K_ICH : str_is(&v, "group") ? K_GRP :
			       str_is(&v, "message") ? K_MSG : K_DOC;
			if (kind == K_DOC) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at,
					 "unknown type '%s' (interchange, group or message)",
					 excerpt(x, sizeof(x), v.p, v.len));
				return -1;
			}
			if (!allowed(parent, kind)) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'%s' is not expected inside %s",
					 kind_names[kind], kind_where[parent]);
				return -1;
			}
			if (kind != K_ICH && (seen & C_ICH_ONLY)) {
				for (i = 1; !(seen & C_ICH_ONLY & (1u << i)); i++)
					;
				jr_error(j, "EDI-JSON-UNEXPECTED", at, "key '%s' is not expected in %s",
					 cont_keys[i], kind_where[kind]);
				return -1;
			}
			break;
		case C_CHARSET:
			if (value_of(j, &v, "charset", T_STR) < 0)
				return -1;
			if (v.len >= sizeof(ich.syntax_id) || memchr(v.p, 0, v.len)) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at,
					 "'charset' must be a syntax identifier such as 'UNOC', not '%s'",
					 excerpt(x, sizeof(x), v.p, v.len));
				return -1;
			}
			memcpy(ich.syntax_id, v.p, v.len);
			break;
		case C_ENCODING:
			/* Follows from the charset; written for people. */
			if (value_of(j, &v, "encoding", T_STR) < 0)
				return -1;
			break;
		case C_VERSION:
			if (value_of(j, &v, "syntaxVersion", T_NUM) < 0)
				return -1;
			if (v.len != 1 || v.p[0] < '1' || v.p[0] > '4') {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'syntaxVersion' must be 1, 2, 3 or 4, not '%s'",
					 v.p);
				return -1;
			}
			ich.version = v.p[0] - '0';
			break;
		case C_UNA:
			if (value_of(j, &v, "una", T_STR) < 0)
				return -1;
			if (v.len != 6) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'una' must hold 6 characters, not '%s'",
					 excerpt(x, sizeof(x), v.p, v.len));
				return -1;
			}
			for (i = 0; i < 6; i++) {
				if ((unsigned char)v.p[i] >= 0x80) {
					jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'una' must hold ASCII characters");
					return -1;
				}
			}
			memcpy(ich.una_chars, v.p, 6);
			ich.una = 1;
			break;
		case C_UNAWS:
			if (value_of(j, &v, "unaWs", T_STR) < 0 || copy_str(j, &j->una_ws, &v, "unaWs") < 0)
				return -1;
			break;
		case C_LEVEL:
			if (value_of(j, &v, "level", T_STR) < 0)
				return -1;
			ich.level_b = str_is(&v, "B");
			break;
		case C_CONTENT:
			if (value_of(j, &v, "content", T_ARR) < 0)
				return -1;
			if (kind == K_DOC) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'type' must come before 'content'");
				return -1;
			}
			if (begin_container(j, kind, &ich, seen) < 0 || read_items(j, kind) < 0 ||
			    end_container(j, kind) < 0)
				return -1;
			break;
		}
		if (next(j, t) < 0)
			return -1;
	}
	if (!(seen & C_TYPE)) {
		jr_error(j, "EDI-JSON-UNEXPECTED", at, "container has no 'type'");
		return -1;
	}
	if (!(seen & C_CONTENT)) {
		jr_error(j, "EDI-JSON-UNEXPECTED", at, "%s has no 'content'", kind_names[kind]);
		return -1;
	}
	return 0;
}

/* The items of a "content" array; the '[' has been read. */
static int read_items(struct jr *j, enum kind parent)
{
	struct jtok t;
	struct jpos at;

	for (;;) {
		if (next(j, &t) < 0)
			return -1;
		if (t.type == T_ARR_END)
			return 0;
		if (t.type != T_OBJ) {
			jr_error(j, "EDI-JSON-UNEXPECTED", &t.at,
				 "an item of 'content' must be an object, not %s", tok_name(t.type));
			return -1;
		}
		at = t.at;
		if (next(j, &t) < 0)
			return -1;
		/* The first key tells a container from a segment: their keys differ. */
		if (t.type == T_KEY && key_bit(&t, cont_keys)) {
			if (read_container(j, parent, &t, &at) < 0)
				return -1;
		} else if (read_segment(j, &t, &at) < 0) {
			return -1;
		}
	}
}

static int read_document(struct jr *j)
{
	struct jtok t, v;
	unsigned seen = 0;
	char x[64];
	int bom = 0;

	if (next(j, &t) < 0)
		return -1;
	if (t.type != T_OBJ) {
		jr_error(j, "EDI-JSON-UNEXPECTED", &t.at, "the document must be an object, not %s",
			 tok_name(t.type));
		return -1;
	}
	for (;;) {
		unsigned bit;

		if (next(j, &t) < 0)
			return -1;
		if (t.type == T_OBJ_END)
			break;
		bit = key_bit(&t, doc_keys);
		if (!bit || (seen & bit))
			return bad_key(j, &t, "the document", !!bit);
		seen |= bit;
		switch (bit) {
		case D_FORMAT:
			if (value_of(j, &v, "format", T_STR) < 0)
				return -1;
			if (!str_is(&v, "tdk-edifact")) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'format' is '%s', not 'tdk-edifact'",
					 excerpt(x, sizeof(x), v.p, v.len));
				return -1;
			}
			break;
		case D_VERSION:
			if (value_of(j, &v, "version", T_NUM) < 0)
				return -1;
			if (!str_is(&v, "1")) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at,
					 "'version' %s of the JSON form is not supported (only 1)", v.p);
				return -1;
			}
			break;
		case D_BOM:
			if (next(j, &v) < 0)
				return -1;
			if (v.type != T_TRUE && v.type != T_FALSE) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &v.at, "'bom' must be true or false, not %s",
					 tok_name(v.type));
				return -1;
			}
			if (seen & D_CONTENT) {
				jr_error(j, "EDI-JSON-UNEXPECTED", &t.at, "key 'bom' must come before 'content'");
				return -1;
			}
			bom = v.type == T_TRUE;
			break;
		case D_CONTENT:
			if (value_of(j, &v, "content", T_ARR) < 0)
				return -1;
			if (sink_status(j, SINK(j, begin, bom)) < 0 || read_items(j, K_DOC) < 0)
				return -1;
			break;
		case D_WS:
			if (value_of(j, &v, "ws", T_STR) < 0 || copy_str(j, &j->endws, &v, "ws") < 0)
				return -1;
			break;
		}
	}
	/* Checked at the end, since keys may come in any order: what tells the form is required. */
	if ((seen & (D_FORMAT | D_VERSION | D_CONTENT)) != (D_FORMAT | D_VERSION | D_CONTENT)) {
		jr_error(j, "EDI-JSON-UNEXPECTED", &t.at, "the document has no '%s'; not the tdk-edifact form",
			 !(seen & D_FORMAT) ? "format" : !(seen & D_VERSION) ? "version" : "content");
		return -1;
	}
	return sink_status(j, SINK(j, end, j->endws.data ? j->endws.data : "", j->endws.len));
}

int tdk_edi_read_json(struct tdk_input *in, struct tdk_diag *d, const struct tdk_edi_sink *sink,
		      size_t max_components)
{
	struct jtok t;
	struct jr j;

	memset(&j, 0, sizeof(j));
	j.in = in;
	j.d = d;
	j.sink = sink;
	j.line = 1;
	j.expect = X_VALUE;
	tdk_edi_segbuild_init(&j.sb, max_components);
	tdk_edi_segbuild_init(&j.spare, max_components);
	tdk_buf_init(&j.str, STR_MAX);
	tdk_buf_init(&j.tag, STR_MAX);
	tdk_buf_init(&j.ws, WS_MAX);
	tdk_buf_init(&j.endws, WS_MAX);
	tdk_buf_init(&j.una_ws, WS_MAX);
	j.buf = malloc(CHUNK);
	if (!j.buf) {
		oom(&j);
		goto out;
	}
	/* The document, then nothing but white space (next() gives T_EOF or an error). */
	if (skip_bom(&j) < 0 || read_document(&j) < 0 || next(&j, &t) < 0)
		goto out;
out:
	/* Every failure has set a status; this keeps a missed one from passing as success. */
	if (!j.status && (in->err || (j.buf && !j.eof)))
		j.status = in->err ? TDK_EXIT_IO : TDK_EXIT_INTERNAL;
	free(j.buf);
	tdk_edi_segbuild_release(&j.sb);
	tdk_edi_segbuild_release(&j.spare);
	tdk_buf_release(&j.str);
	tdk_buf_release(&j.tag);
	tdk_buf_release(&j.ws);
	tdk_buf_release(&j.endws);
	tdk_buf_release(&j.una_ws);
	return j.status;
}
