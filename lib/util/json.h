/*
 * A small JSON reader over memory (RFC 8259), for the short JSON texts tdk
 * reads whole: iso-codes files, OAuth 2.0 token responses.  The caller walks
 * the structure by hand with these steps (recursive descent), so it decides
 * which members it keeps; tdk_json_value checks and skips anything else.
 * The grammar is RFC 8259's in full (§2 structure, §6 numbers, §7 strings
 * with every escape, surrogate pairs joined, a lone surrogate refused).
 *
 * The first fault stops the reader: it adds one diagnostic at the line and
 * column of the fault (JSON-SYNTAX, or the caller's limit code for a string
 * longer than the cap or nesting deeper than TDK_JSON_MAX_DEPTH), sets
 * status to TDK_EXIT_IO (TDK_EXIT_INTERNAL when memory runs out), and every
 * later step returns -1 at once without adding another.
 */
#ifndef TDK_JSON_H
#define TDK_JSON_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

#define TDK_JSON_MAX_DEPTH 32   /* arrays and objects nested deeper are refused */

struct tdk_json {
	const char *start, *p, *end;   /* the text (borrowed) and the reading position */
	struct tdk_diag *d;            /* borrowed */
	struct tdk_buf s;              /* the last string read, decoded, NUL-terminated; owned */
	int status;                    /* 0, or the exit code of the first fault */
	const char *limit_code;        /* the code of a limit fault, e.g. "CODES-DATA-LIMIT"; static */
};

/* Sets j up to read p[0..n), keeping strings of at most str_max bytes. */
void tdk_json_init(struct tdk_json *j, const char *p, size_t n, size_t str_max, const char *limit_code,
		   struct tdk_diag *d);

/* Frees the string buffer, wiping it first (it may have held a secret). */
void tdk_json_release(struct tdk_json *j);

/* Reports a fault with code at the reading position (once) and returns -1. */
int tdk_json_fail(struct tdk_json *j, const char *code, const char *what);

/* Records that memory ran out (TDK_EXIT_INTERNAL) and returns -1. */
int tdk_json_oom(struct tdk_json *j);

/* Skips white space. */
void tdk_json_ws(struct tdk_json *j);

/* Consumes the character c after white space, or fails (JSON-SYNTAX) with what was expected. */
int tdk_json_expect(struct tdk_json *j, char c, const char *what);

/* Reads a string (white space first) into j->s.  Returns 0 or -1. */
int tdk_json_string(struct tdk_json *j);

/*
 * Reads any value (white space first), checked and skipped; a string is
 * left decoded in j->s.  depth is the nesting of the value's container.
 * Returns 0 or -1.
 */
int tdk_json_value(struct tdk_json *j, unsigned depth);

#endif
