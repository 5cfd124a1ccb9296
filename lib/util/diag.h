/*
 * Diagnostics: what is wrong with a document, where, and under which stable
 * code.  Library code fills a caller-owned struct tdk_diag; the command that
 * owns it decides where each item goes (terminal, JSON lines, a JUnit report)
 * through the emit callback.  Nothing here prints.
 *
 * An item carries a text position (line and column, 1-based, in bytes, and a
 * 0-based byte offset) and, for EDIFACT, the position in the interchange:
 * segment number, tag, data element, component and repetition (1-based; 0
 * means "not applicable").  Segment numbers count from UNH = 1 inside a
 * message, as UNT and CONTRL do, and from UNB = 1 for service segments
 * outside messages.
 */
#ifndef TDK_DIAG_H
#define TDK_DIAG_H

#include <stdarg.h>
#include <stdint.h>

#include "util/buf.h"

enum tdk_severity { TDK_SEV_ERROR, TDK_SEV_WARNING, TDK_SEV_NOTE };

struct tdk_edi_pos {
	unsigned long segment;   /* 0: no EDIFACT position */
	char tag[8];             /* segment tag as read, printable ASCII only ('?' for others) */
	unsigned element;        /* 1-based data element (the tag is element 0) */
	unsigned component;      /* 1-based component data element */
	unsigned repetition;     /* 1-based repetition (syntax version 4) */
};

struct tdk_diag_loc {
	unsigned long line, col;  /* 1-based; 0 when unknown */
	uint64_t offset;          /* 0-based byte offset in the input */
	struct tdk_edi_pos edi;
};

#define TDK_DIAG_MSG_MAX 480

struct tdk_diag_item {
	enum tdk_severity sev;
	const char *code;         /* stable code, e.g. "EDI-CTRL-UNT-COUNT"; static storage */
	const char *file;         /* the name the document is reported under */
	struct tdk_diag_loc loc;
	char msg[TDK_DIAG_MSG_MAX];
};

struct tdk_diag {
	/* Called for every item accepted; may be NULL to only count. */
	void (*emit)(void *arg, const struct tdk_diag_item *item);
	void *arg;
	const char *file;         /* borrowed; the caller keeps it alive */
	unsigned long errors, warnings, notes;
	unsigned long max_errors; /* 0: no limit; else errors past this are counted, not emitted */
	int stopped;              /* set once max_errors errors have been emitted */
};

/* Sets up an empty diagnostics object reporting under the name file. */
void tdk_diag_init(struct tdk_diag *d, const char *file);

/*
 * Records one diagnostic.  loc may be NULL.  Returns 0, or 1 when the error
 * limit has been reached (the caller should stop producing errors).
 */
int tdk_diag_add(struct tdk_diag *d, enum tdk_severity sev, const char *code,
		 const struct tdk_diag_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The same with a va_list, for functions that take their own format arguments. */
int tdk_diag_addv(struct tdk_diag *d, enum tdk_severity sev, const char *code,
		  const struct tdk_diag_loc *loc, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/*
 * Appends a file name as reports print it.  A name with no control character
 * (bytes below 0x20, DEL) and no leading '"' is appended as it is; any other
 * is written as a C string in double quotes, as git quotes paths: \n, \t, \r,
 * \", \\ and three-digit octal escapes for the other control bytes.  So a
 * name cannot forge a line or a terminal sequence in a report.
 */
int tdk_buf_add_name(struct tdk_buf *out, const char *name);

/*
 * The name as tdk_buf_add_name writes it, for printf: name itself when it
 * needs no quoting, else the quoted form held in scratch (reset first; the
 * caller releases it).  Never NULL: "?" when scratch cannot grow.
 */
const char *tdk_name(struct tdk_buf *scratch, const char *name);

/* The severity as written in reports: "error", "warning", "note". */
const char *tdk_severity_name(enum tdk_severity sev);

/*
 * Appends one item in the compiler style that editors and CI annotators read:
 * "file:line:col: error: [CODE] segment 9 'UNT' element 1: message\n".
 */
int tdk_diag_format_text(struct tdk_buf *out, const struct tdk_diag_item *it);

/* Appends one item as a JSON object on one line, with every position field. */
int tdk_diag_format_json(struct tdk_buf *out, const struct tdk_diag_item *it);

/* Appends s as the body of a JSON string (without quotes), escaping as RFC 8259 requires. */
int tdk_json_escape(struct tdk_buf *out, const char *s, size_t n);

/* Appends s with the five XML special characters escaped; control characters become U+FFFD. */
int tdk_xml_escape(struct tdk_buf *out, const char *s, size_t n);
int tdk_xml_escapes(struct tdk_buf *out, const char *s);

/*
 * A JUnit XML report: one test case per document, carrying its diagnostics
 * as text: passed, a failure (a negative document), an error (an input
 * that could not be read or written, a setup that failed) or skipped (a
 * document checked only in part), with a message saying why.  Collect with
 * tdk_junit_case_*() and write with tdk_junit_finish(); the caller frees
 * with tdk_junit_release().
 */
enum tdk_junit_kind { TDK_JUNIT_PASSED, TDK_JUNIT_FAILURE, TDK_JUNIT_ERROR, TDK_JUNIT_SKIPPED };

struct tdk_junit {
	struct tdk_buf cases;     /* <testcase> elements so far */
	struct tdk_buf current;   /* diagnostics of the open case */
	unsigned long tests, failures, errors, skipped;
	const char *suite;
};

void tdk_junit_init(struct tdk_junit *j, const char *suite);
int tdk_junit_case_add(struct tdk_junit *j, const struct tdk_diag_item *it);
/* Ends the open case; message (may be NULL) is the failure's, error's or skip's. */
int tdk_junit_case_end(struct tdk_junit *j, const char *name, enum tdk_junit_kind kind, const char *message,
		       double seconds);
/* Moves src's cases to the end of dst's, with their counts; src is left empty.  Returns 0 or -1. */
int tdk_junit_merge(struct tdk_junit *dst, struct tdk_junit *src);
int tdk_junit_finish(struct tdk_junit *j, struct tdk_buf *out);
void tdk_junit_release(struct tdk_junit *j);

#endif
