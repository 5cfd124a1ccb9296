/*
 * tdk explain's two halves: cmd/explain.c reads the notifications;
 * cmd/explain-locate.c names a pointer from the WCO dictionary, finds its
 * element in the declaration and reports it.  The trees are libxml2's, read
 * through lib/xml (tdk_xml_parse_ex); nothing here changes them.
 */
#ifndef TDK_EXPLAIN_H
#define TDK_EXPLAIN_H

#include <stddef.h>

#include <libxml/tree.h>

#include "util/buf.h"
#include "util/diag.h"
#include "wco/dict.h"

/* The most steps of one pointer read (a DEC-DMS:2 pointer has at most 8). */
#define TDK_EXPLAIN_STEPS_MAX 32

/* One step of a pointer: a WCO ID, and the occurrence its SequenceNumeric selects. */
struct tdk_explain_step {
	char id[16];            /* as the notification gives it (at most 15 bytes kept) */
	unsigned long seq;      /* 1-based; meaningful when has_seq */
	int has_seq;
	xmlNodePtr at;          /* the DocumentSectionCode or TagID element it came from */
};

/* The declaration of --declaration, read once and shared read-only by the notifications. */
struct tdk_explain_decl {
	xmlDocPtr doc;          /* owned */
	xmlNodePtr root;        /* its Declaration element (the root, or a child of MetaData) */
	struct tdk_buf buf;     /* its bytes, for the columns */
	char name[4096];        /* its name in reports */
};

/*
 * Reads the declaration in path ("-": standard input) into decl.  Returns 0,
 * or TDK_EXIT_IO with a diagnostic in d (it cannot be read, is not XML, has
 * no Declaration element: EXPLAIN-DECLARATION), or TDK_EXIT_INTERNAL.
 * decl is set up whatever happens; tdk_explain_decl_release() frees it.
 */
int tdk_explain_decl_load(struct tdk_explain_decl *decl, const char *path, struct tdk_diag *d);
void tdk_explain_decl_release(struct tdk_explain_decl *decl);

/* What tdk_explain_pointer() found for one Error. */
struct tdk_explain_what {
	const char *notification;      /* the notification's name, and its bytes, for positions there */
	const char *note_buf;
	size_t note_len;
	xmlNodePtr at;                 /* the Error element */
	const struct tdk_wco_elem *e;  /* the dictionary's entry for the pointer, or NULL */
	const struct tdk_wco_elem *near; /* without e: the entry of its longest prefix that has one, or NULL */
	size_t dropped;                /* leading steps left out to find e (0: the pointer itself) */
	const struct tdk_explain_decl *decl; /* the declaration searched, or NULL */
	xmlNodePtr found;              /* the deepest element of the path found in it */
	int complete;                  /* found is the element the pointer names */
	const char *missing;           /* the name of the first step not found */
	int no_occurrence;             /* ... because no occurrence has the step's SequenceNumeric */
	unsigned long want_seq;
	char unknown[16];              /* the first step that is no ID of the dictionary, or "" */
};

/*
 * Names the n steps st (the pointer ptr, NULL when a step is not a WCO ID)
 * from dict, and with decl finds the element they name in it.  Fills w
 * (whose first four fields the caller sets).
 */
void tdk_explain_pointer(const struct tdk_wco_dict *dict, const struct tdk_explain_decl *decl,
			 const struct tdk_explain_step *st, size_t n, const char *ptr, struct tdk_explain_what *w);

/*
 * Reports one Error as diagnostics in d: the error itself under code (its
 * ValidationCode) at the element found in the declaration (or at the Error
 * in the notification), with the names of the pointer's steps, the format,
 * code list and UCC data element of what it names, the XPath and value in
 * the declaration and the DMS description desc; then the findings on the
 * pointer itself: EXPLAIN-POINTER-UNKNOWN, EXPLAIN-NO-OCCURRENCE (warnings),
 * EXPLAIN-STEP and EXPLAIN-ABSENT (notes).
 */
void tdk_explain_report(struct tdk_diag *d, const struct tdk_wco_dict *dict, const char *code, const char *desc,
			const char *ptr, const struct tdk_explain_step *st, size_t n,
			const struct tdk_explain_what *w);

/*
 * Parses buf[0..len) through lib/xml's tree reader (tdk_xml_parse_ex: no
 * network, no DTD, the default limits), its faults reported in d as
 * EXPLAIN-XML, EXPLAIN-XML-ENTITY and XML-LIMIT-*.  Returns the tree (the
 * caller frees it with xmlFreeDoc) or NULL.
 */
xmlDocPtr tdk_explain_parse(const char *buf, size_t len, const char *name, struct tdk_diag *d);

/* The position of node's start tag in the declaration (line, column, offset). */
struct tdk_diag_loc tdk_explain_pos(const struct tdk_explain_decl *decl, xmlNodePtr node);

/* Whether node's local name is name. */
int tdk_explain_local_is(xmlNodePtr node, const char *name);

/* The next child element of parent after after (NULL: the first) whose local name is name, or NULL. */
xmlNodePtr tdk_explain_child(xmlNodePtr parent, const char *name, xmlNodePtr after);

/* node's text content, white space trimmed, cut to size - 1 bytes, into out. */
void tdk_explain_text(xmlNodePtr node, char *out, size_t size);

/* Whether s is a WCO ID: 1 to 15 of [0-9A-Z]. */
int tdk_explain_is_id(const char *s);

/*
 * Explains every Error of the DMS Response resp, which is in the
 * notification buf[0..len) named name, as tdk explain does: one
 * diagnostic each in d (tdk_explain_report()), its elements found in decl
 * when decl has a declaration (decl may be NULL).  Returns the number of
 * Error elements.  tdk poll reports a rejection with it.
 */
size_t tdk_explain_errors(const struct tdk_wco_dict *dict, const struct tdk_explain_decl *decl, struct tdk_diag *d,
			  const char *name, xmlNodePtr resp, const char *buf, size_t len);

#endif
