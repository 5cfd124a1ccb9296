/*
 * XSLT 1.0 stylesheets, run safely on libxslt (and EXSLT's functions).
 *
 * A stylesheet is read through tdk's XML front door (tdk_xml_parse: no
 * network, no DTD, no entity expansion, the input limits) and compiled once;
 * a compiled stylesheet is read-only and may be applied by several threads
 * at once, each with its own transformation context.
 *
 * Security.  Every run has libxslt's security preferences set to forbid
 * reading files, writing files, creating folders, reading and writing the
 * network: document() of a file or a URL, exsl:document and xsl:document
 * are refused (MAP-SECURITY, at the stylesheet's line).  xsl:include and
 * xsl:import are refused too, of a URL and of a local file alike: a
 * stylesheet is one file (libxslt reads included files with entity
 * substitution, which tdk never does; the shipped maps need none).
 * document('') (the stylesheet itself) needs no read and works.  The
 * process-wide settings behind this (the default preferences that apply
 * while a stylesheet compiles, a document loader that loads nothing, the
 * error handler) are installed by tdk_xslt_init().
 *
 * Limits.  A run stops with MAP-LIMIT when templates nest deeper than
 * max_depth, when more than max_vars variables and parameters are live,
 * when it has created more than max_nodes nodes (result, temporary trees and
 * copies together: a stylesheet that doubles a tree stops within twice the
 * limit), or when its XPath evaluation has taken more than max_steps steps;
 * when what libxml2 and libxslt allocate for it (the result, temporary trees,
 * strings: concat() doubling a string in a recursion) would pass max_memory
 * bytes (xml/budget.h: the allocation is refused and the run stopped); a
 * serialised result longer than max_output bytes is refused likewise.
 *
 * Diagnostics.  libxslt's messages go, per thread, to the struct tdk_diag of
 * the call at work, under the stylesheet's name and line: MAP-XSLT (a
 * compile or run-time error), MAP-SECURITY, MAP-LIMIT, and MAP-MESSAGE for
 * xsl:message (a warning; an error when terminate="yes", which also stops
 * the run).  Nothing is printed.
 */
#ifndef TDK_XML_XSLT_H
#define TDK_XML_XSLT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"
#include "xml/xml.h"

#define TDK_XSLT_MAX_DEPTH   1000UL          /* nested template calls */
#define TDK_XSLT_MAX_VARS    100000UL        /* live variables and parameters */
#define TDK_XSLT_MAX_NODES   2000000UL      /* nodes created by one run */
#define TDK_XSLT_MAX_STEPS   200000000UL     /* XPath evaluation steps of one run */
#define TDK_XSLT_MAX_OUTPUT  ((size_t)256 << 20)  /* bytes of one serialised result */
#define TDK_XSLT_MAX_MEMORY  ((size_t)512 << 20)  /* bytes libxml2 and libxslt hold for one run */

struct tdk_xslt_limits {
	unsigned long max_depth, max_vars, max_nodes, max_steps;
	size_t max_output, max_memory;
};

/* Sets the defaults above. */
void tdk_xslt_limits_init(struct tdk_xslt_limits *l);

/*
 * Installs the process-wide settings (see above) and registers EXSLT's
 * functions.  Call it once before any thread compiles or applies a
 * stylesheet; later calls do nothing.
 */
void tdk_xslt_init(void);

/* A compiled stylesheet. */
struct tdk_xslt;

/*
 * Reads the stylesheet in the file path (limits lim on its XML; NULL: the
 * defaults) and compiles it.  Diagnostics go to d under path.  Returns 0
 * and a new stylesheet in *out (free it with tdk_xslt_free), TDK_EXIT_IO
 * when the file cannot be read, TDK_EXIT_NEGATIVE when it is not
 * well-formed XML (MAP-XML), not XSLT or does not compile (MAP-XSLT), or
 * TDK_EXIT_INTERNAL.
 */
int tdk_xslt_compile(struct tdk_xslt **out, const char *path, const struct tdk_xml_limits *lim,
		     struct tdk_diag *d);

/* The same from the n bytes at buf, reported under name. */
int tdk_xslt_compile_mem(struct tdk_xslt **out, const char *buf, size_t n, const char *name,
			 const struct tdk_xml_limits *lim, struct tdk_diag *d);

void tdk_xslt_free(struct tdk_xslt *x);

/* The name the stylesheet is reported under (borrowed from the stylesheet). */
const char *tdk_xslt_name(const struct tdk_xslt *x);

/* How one run goes. */
struct tdk_xslt_run {
	const char *const *params;  /* name, value, name, value ..., NULL: string parameters
	                               (values are strings, never XPath); may be NULL */
	struct tdk_xslt_limits limits;
	/*
	 * When set, called with the transformation context (an
	 * xsltTransformContextPtr) before the run: where extension functions
	 * find their per-run data (its _private member is the caller's).
	 */
	void (*setup)(void *arg, void *tctxt);
	void *arg;
};

/* Sets no parameters, the default limits, no setup. */
void tdk_xslt_run_init(struct tdk_xslt_run *r);

/*
 * Applies x to the document in (not changed) and sets *out to a new result
 * document that the caller frees with xmlFreeDoc.  Returns 0, or
 * TDK_EXIT_NEGATIVE when the run failed or was stopped (a run-time error, a
 * refusal, a limit, xsl:message terminate="yes": said in d, *out NULL), or
 * TDK_EXIT_INTERNAL.  Thread-safe for one x.
 */
int tdk_xslt_apply(const struct tdk_xslt *x, struct _xmlDoc *in, const struct tdk_xslt_run *r,
		   struct tdk_diag *d, struct _xmlDoc **out);

/*
 * Serialises a result of x as its xsl:output says (method, encoding,
 * indentation), appending to out.  Returns 0, TDK_EXIT_NEGATIVE when the
 * result is longer than max_output bytes (MAP-LIMIT in d; 0: no limit), or
 * TDK_EXIT_INTERNAL.
 */
int tdk_xslt_serialize(const struct tdk_xslt *x, struct _xmlDoc *res, size_t max_output, struct tdk_buf *out,
		       struct tdk_diag *d);

/*
 * Whether the stylesheet's xsl:output method is "text" (the result is no
 * XML document to check against a schema).
 */
int tdk_xslt_text_output(const struct tdk_xslt *x);

#endif
