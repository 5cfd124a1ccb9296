/*
 * A streaming reader of comma-separated values (RFC 4180) and of
 * fixed-width records.  Records are read one at a time from a struct
 * tdk_input (a file, standard input, or memory through
 * tdk_input_open_mem), so that memory stays bounded by the limits below
 * whatever the length of the input.
 *
 * CSV: fields separated by the delimiter (',' by default, ';' or tab),
 * records ended by CRLF, LF or a lone CR; a field in double quotes may hold
 * the delimiter, line breaks and doubled quotes ("" is one quote).  A UTF-8
 * byte order mark at the start is skipped with a note (CSV-BOM).  A line
 * with nothing on it is no record.  Fixed-width (delim 0): each line is one
 * record of one field, which the caller cuts at its positions.
 *
 * Faults, each an error with the line and column (1-based, in bytes) of the
 * byte at fault, after which the reader stops: a record whose field count
 * differs from the first record's (CSV-RAGGED; CSV only), a quote left open
 * at the end of the input (CSV-QUOTE, at the opening quote), a quote inside
 * an unquoted field or text after a closing quote (CSV-QUOTE-STRAY), a NUL
 * byte (CSV-NUL), bytes that are not UTF-8 (CSV-ENCODING), a field, a
 * record or a field count over its limit (CSV-LIMIT).  Nothing here prints.
 */
#ifndef TDK_CSV_H
#define TDK_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/io.h"

/* The defaults of the limits: the longest field, the most fields in a record, the longest record. */
#define TDK_CSV_FIELD_MAX  ((size_t)64 << 10)
#define TDK_CSV_FIELDS_MAX ((size_t)1024)
#define TDK_CSV_RECORD_MAX ((size_t)1 << 20)

struct tdk_csv_opts {
	char delim;          /* ',', ';' or '\t'; 0 reads fixed-width lines */
	size_t field_max;    /* bytes in one field (0: TDK_CSV_FIELD_MAX) */
	size_t fields_max;   /* fields in one record (0: TDK_CSV_FIELDS_MAX) */
	size_t record_max;   /* bytes in one record, its fields together (0: TDK_CSV_RECORD_MAX) */
};

/* One field of the record read last: its bytes and where it starts in the input. */
struct tdk_csv_field {
	size_t off, len;           /* in the reader's text: text.data + off, NUL-terminated */
	unsigned long line, col;   /* of its first byte (its opening quote when quoted) */
	uint64_t offset;
};

/* Return values of tdk_csv_next. */
enum { TDK_CSV_END = 0, TDK_CSV_RECORD = 1, TDK_CSV_BAD = -1, TDK_CSV_IO = -2, TDK_CSV_NOMEM = -3 };

/* The reader.  Everything it holds is freed by tdk_csv_release; the input stays the caller's. */
struct tdk_csv {
	struct tdk_input *in;      /* borrowed */
	struct tdk_diag *d;        /* borrowed */
	struct tdk_csv_opts o;
	char chunk[16384];
	size_t pos, len;
	int eof, started, cr;
	unsigned long line, col;   /* of the next byte */
	uint64_t offset;
	unsigned u8need;           /* UTF-8 continuation bytes still expected */
	unsigned char u8lead;      /* the sequence's first byte, and where it is */
	unsigned long u8line, u8col;
	uint64_t u8off;
	unsigned char u8lo, u8hi;  /* the range the next continuation byte must fall in */
	struct tdk_buf text;       /* the record's fields, each followed by a NUL */
	struct tdk_csv_field *f;   /* the record's fields */
	size_t n, cap;
	unsigned long rec_line;    /* the line the record starts on */
	size_t width;              /* fields in the first record; 0 before it */
	unsigned long records;     /* records read so far */
};

/* Sets c up to read in (borrowed), reporting through d (borrowed); o may be NULL for the defaults. */
void tdk_csv_init(struct tdk_csv *c, struct tdk_input *in, const struct tdk_csv_opts *o, struct tdk_diag *d);

/*
 * Reads the next record into c->f[0..c->n).  Returns TDK_CSV_RECORD, TDK_CSV_END
 * at the end of the input, TDK_CSV_BAD after an error diagnostic (the reader
 * then stays at its end), TDK_CSV_IO when the input cannot be read (errno in
 * the input's err) or TDK_CSV_NOMEM.
 */
int tdk_csv_next(struct tdk_csv *c);

/* The bytes of field i of the record read last (NUL-terminated), or "" when i is past its end. */
const char *tdk_csv_field(const struct tdk_csv *c, size_t i);

/* The position of field i (the record's start when i is past its end), for diagnostics. */
void tdk_csv_loc(const struct tdk_csv *c, size_t i, struct tdk_diag_loc *loc);

/* Frees what c holds. */
void tdk_csv_release(struct tdk_csv *c);

#endif
