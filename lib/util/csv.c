/* The CSV (RFC 4180) and fixed-width record reader; see csv.h. */
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

enum { ST_START, ST_PLAIN, ST_QUOTED, ST_QUOTE_SEEN };

void tdk_csv_init(struct tdk_csv *c, struct tdk_input *in, const struct tdk_csv_opts *o, struct tdk_diag *d)
{
	memset(c, 0, sizeof(*c));
	c->in = in;
	c->d = d;
	if (o)
		c->o = *o;
	else
		c->o.delim = ',';
	if (!c->o.field_max)
		c->o.field_max = TDK_CSV_FIELD_MAX;
	if (!c->o.fields_max)
		c->o.fields_max = TDK_CSV_FIELDS_MAX;
	if (!c->o.record_max)
		c->o.record_max = TDK_CSV_RECORD_MAX;
	/* The record's bytes, one NUL per field, and slack for the terminating NUL. */
	tdk_buf_init(&c->text, c->o.record_max + c->o.fields_max + 1);
	c->line = 1;
	c->col = 1;
}

void tdk_csv_release(struct tdk_csv *c)
{
	tdk_buf_release(&c->text);
	free(c->f);
	c->f = NULL;
	c->n = c->cap = 0;
}

const char *tdk_csv_field(const struct tdk_csv *c, size_t i)
{
	return i < c->n ? c->text.data + c->f[i].off : "";
}

void tdk_csv_loc(const struct tdk_csv *c, size_t i, struct tdk_diag_loc *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (i < c->n) {
		loc->line = c->f[i].line;
		loc->col = c->f[i].col;
		loc->offset = c->f[i].offset;
	} else {
		loc->line = c->rec_line;
		loc->col = 1;
	}
}

static int fault(struct tdk_csv *c, const char *code, unsigned long line, unsigned long col, uint64_t offset,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int fault(struct tdk_csv *c, const char *code, unsigned long line, unsigned long col, uint64_t offset,
		 const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = line;
	loc.col = col;
	loc.offset = offset;
	va_start(ap, fmt);
	tdk_diag_addv(c->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	c->eof = 2;  /* stays at its end */
	return TDK_CSV_BAD;
}

/* Checks one byte against UTF-8 (RFC 3629 §4: no overlongs, no surrogates, nothing past U+10FFFF). */
static int utf8_ok(struct tdk_csv *c, unsigned char b)
{
	if (c->u8need) {
		if (b < c->u8lo || b > c->u8hi)
			return 0;
		c->u8need--;
		c->u8lo = 0x80;
		c->u8hi = 0xBF;
		return 1;
	}
	if (b < 0x80)
		return 1;
	c->u8lead = b;
	c->u8line = c->line;
	c->u8col = c->col;
	c->u8off = c->offset;
	c->u8lo = 0x80;
	c->u8hi = 0xBF;
	if (b >= 0xC2 && b <= 0xDF)
		c->u8need = 1;
	else if (b >= 0xE0 && b <= 0xEF) {
		c->u8need = 2;
		if (b == 0xE0)
			c->u8lo = 0xA0;
		else if (b == 0xED)
			c->u8hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		c->u8need = 3;
		if (b == 0xF0)
			c->u8lo = 0x90;
		else if (b == 0xF4)
			c->u8hi = 0x8F;
	} else
		return 0;
	return 1;
}

/* Skips a UTF-8 byte order mark at the very start, with a note. */
static int skip_bom(struct tdk_csv *c)
{
	const char *p;
	ssize_t n;
	struct tdk_diag_loc loc;

	c->started = 1;
	n = tdk_input_peek(c->in, &p, 3);
	if (n < 0)
		return TDK_CSV_IO;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		char skip[3];

		if (tdk_input_read(c->in, skip, 3) != 3)
			return TDK_CSV_IO;
		memset(&loc, 0, sizeof(loc));
		loc.line = loc.col = 1;
		tdk_diag_add(c->d, TDK_SEV_NOTE, "CSV-BOM", &loc, "a UTF-8 byte order mark starts the input; skipped");
		c->offset = 3;
	}
	return 0;
}

/* The next byte (0..255), -1 at the end of the input, or TDK_CSV_IO - 1 on a read error. */
static int next_byte(struct tdk_csv *c)
{
	if (c->pos == c->len) {
		ssize_t r;

		if (c->eof)
			return -1;
		r = tdk_input_read(c->in, c->chunk, sizeof(c->chunk));
		if (r < 0)
			return TDK_CSV_IO - 1;
		if (r == 0) {
			c->eof = 1;
			return -1;
		}
		c->pos = 0;
		c->len = (size_t)r;
	}
	return (unsigned char)c->chunk[c->pos++];
}

static int field_begin(struct tdk_csv *c)
{
	struct tdk_csv_field *f;

	if (c->n == c->o.fields_max)
		return fault(c, "CSV-LIMIT", c->line, c->col, c->offset,
			     "more than %zu fields in the record that starts on line %lu (the limit)",
			     c->o.fields_max, c->rec_line);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct tdk_csv_field *v = realloc(c->f, cap * sizeof(*v));

		if (!v)
			return TDK_CSV_NOMEM;
		c->f = v;
		c->cap = cap;
	}
	f = &c->f[c->n++];
	f->off = c->text.len;
	f->len = 0;
	f->line = c->line;
	f->col = c->col;
	f->offset = c->offset;
	return 0;
}

static int field_add(struct tdk_csv *c, int b)
{
	struct tdk_csv_field *f = &c->f[c->n - 1];

	if (f->len == c->o.field_max)
		return fault(c, "CSV-LIMIT", f->line, f->col, f->offset,
			     "a field longer than %zu bytes (the limit)", c->o.field_max);
	if (c->text.len - (c->n - 1) >= c->o.record_max)
		return fault(c, "CSV-LIMIT", f->line, f->col, f->offset,
			     "the record that starts on line %lu is longer than %zu bytes (the limit)",
			     c->rec_line, c->o.record_max);
	if (tdk_buf_addc(&c->text, b) < 0)
		return TDK_CSV_NOMEM;
	f->len++;
	return 0;
}

static int field_end(struct tdk_csv *c)
{
	return tdk_buf_addc(&c->text, 0) < 0 ? TDK_CSV_NOMEM : 0;
}

/* Advances the position past byte b. */
static void step(struct tdk_csv *c, int b)
{
	c->offset++;
	if (b == '\n' && c->cr) {
		c->cr = 0;
		return;
	}
	c->cr = b == '\r';
	if (b == '\n' || b == '\r') {
		c->line++;
		c->col = 1;
	} else
		c->col++;
}

int tdk_csv_next(struct tdk_csv *c)
{
	int state = ST_START, quoted_empty = 0, r, b, done = 0;
	unsigned long qline = 0, qcol = 0;
	uint64_t qoff = 0;

	if (!c->started && (r = skip_bom(c)))
		return r;
again:
	if (c->eof == 2)
		return TDK_CSV_END;
	c->n = 0;
	tdk_buf_reset(&c->text);
	c->rec_line = c->line;
	state = ST_START;
	quoted_empty = 0;
	done = 0;
	if ((r = field_begin(c)))
		return r;
	while (!done) {
		b = next_byte(c);
		if (b == TDK_CSV_IO - 1)
			return TDK_CSV_IO;
		if (b < 0) {
			if (c->u8need)
				return fault(c, "CSV-ENCODING", c->u8line, c->u8col, c->u8off,
					     "the input ends inside the UTF-8 sequence that starts here");
			if (state == ST_QUOTED)
				return fault(c, "CSV-QUOTE", qline, qcol, qoff,
					     "the quote opened here is still open at the end of the input");
			c->eof = 2;
			if (c->n == 1 && c->f[0].len == 0 && state == ST_START)
				return TDK_CSV_END;
			break;
		}
		if (b == 0)
			return fault(c, "CSV-NUL", c->line, c->col, c->offset, "a NUL byte");
		if (c->u8need) {
			if (!utf8_ok(c, (unsigned char)b))
				return fault(c, "CSV-ENCODING", c->u8line, c->u8col, c->u8off,
					     "byte 0x%02X followed by 0x%02X is not UTF-8", c->u8lead, (unsigned)b);
		} else if (!utf8_ok(c, (unsigned char)b))
			return fault(c, "CSV-ENCODING", c->line, c->col, c->offset, "byte 0x%02X is not UTF-8",
				     (unsigned)b);
		if (b == '\n' && c->cr && state != ST_QUOTED) {
			step(c, b);  /* the LF of a CRLF whose CR ended the record */
			continue;
		}
		switch (state) {
		case ST_START:
			if (b == '"' && c->o.delim) {
				state = ST_QUOTED;
				qline = c->line, qcol = c->col, qoff = c->offset;
				quoted_empty = 1;
				break;
			}
			state = ST_PLAIN;
			/* fall through */
		case ST_PLAIN:
			if (b == '"' && c->o.delim)
				return fault(c, "CSV-QUOTE-STRAY", c->line, c->col, c->offset,
					     "a quote inside a field that does not start with one");
			if (b != c->o.delim && b != '\n' && b != '\r') {
				if ((r = field_add(c, b)))
					return r;
				break;
			}
			goto separator;
		case ST_QUOTED:
			if (b == '"') {
				state = ST_QUOTE_SEEN;
				break;
			}
			if ((r = field_add(c, b)))
				return r;
			break;
		case ST_QUOTE_SEEN:
			if (b == '"') {
				state = ST_QUOTED;
				if ((r = field_add(c, b)))
					return r;
				break;
			}
			if (b != c->o.delim && b != '\n' && b != '\r')
				return fault(c, "CSV-QUOTE-STRAY", c->line, c->col, c->offset,
					     "text after the closing quote of a field");
		separator:
			if (b == c->o.delim) {
				step(c, b);
				if ((r = field_end(c)) || (r = field_begin(c)))
					return r;
				state = ST_START;
				quoted_empty = 0;
				continue;
			}
			done = 1;
			break;
		}
		step(c, b);
	}
	if ((r = field_end(c)))
		return r;
	if (c->n == 1 && c->f[0].len == 0 && !quoted_empty)
		goto again;  /* a line with nothing on it */
	c->records++;
	if (c->o.delim && c->width && c->n != c->width)
		return fault(c, "CSV-RAGGED", c->rec_line, 1, c->f[0].offset,
			     "%zu fields in this record, %zu in the first", c->n, c->width);
	if (!c->width)
		c->width = c->n;
	return TDK_CSV_RECORD;
}
