/*
 * XSLT 1.0 on libxslt, with the security preferences, limits and error
 * routing that xslt.h describes.  libxslt's generic error handler is a
 * process-wide variable: it is set once to a function that finds the call at
 * work through a thread-local pointer, so that threads applying one
 * stylesheet at once each report into their own struct tdk_diag.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libexslt/exslt.h>
#include <libxml/tree.h>
#include <libxml/xpathInternals.h>
#include <libxslt/documents.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "util/exitcode.h"
#include "util/io.h"
#include "xml/budget.h"
#include "xml/internal.h"
#include "xml/xslt.h"

#define XSLT_NS "http://www.w3.org/1999/XSL/Transform"
#define XC(s) ((const xmlChar *)(s))

struct tdk_xslt {
	xsltStylesheetPtr style;
	xsltSecurityPrefsPtr sec;
	char *name;
};

/* The call at work on this thread: where libxslt's messages go. */
struct call {
	struct tdk_diag *d;
	const char *style;             /* the stylesheet's name, for positions */
	xsltTransformContextPtr ctxt;  /* NULL while compiling */
	char line[TDK_DIAG_MSG_MAX];   /* a message being assembled, up to its line break */
	size_t n;
	unsigned long at;              /* the line the last context line named; 0: none */
	int warn;                      /* and that line said a warning */
	char xpath[200];               /* libxml2's XPath message, said with the next one */
	unsigned long nodes, max_nodes;
	unsigned long sec_line;        /* the line of the last refusal said (one per line) */
	int sec_said;
	xmlDocPtr sdoc;                /* while compiling: the stylesheet, to place a refused include */
	char sec[TDK_DIAG_MSG_MAX];    /* while compiling: a refusal not yet placed */
	int muted;                     /* a limit stopped the run: the rest is noise */
	unsigned long mem_line;        /* the instruction at work when the memory budget ran out */
	xmlGenericErrorFunc gen;       /* libxml2's generic handler of the thread, restored after */
	void *gen_ctx;
};

static _Thread_local struct call *cur;

void tdk_xslt_limits_init(struct tdk_xslt_limits *l)
{
	l->max_depth = TDK_XSLT_MAX_DEPTH;
	l->max_vars = TDK_XSLT_MAX_VARS;
	l->max_nodes = TDK_XSLT_MAX_NODES;
	l->max_steps = TDK_XSLT_MAX_STEPS;
	l->max_output = TDK_XSLT_MAX_OUTPUT;
	l->max_memory = TDK_XSLT_MAX_MEMORY;
}

void tdk_xslt_run_init(struct tdk_xslt_run *r)
{
	memset(r, 0, sizeof(*r));
	tdk_xslt_limits_init(&r->limits);
}

/* Adds one diagnostic at line of the stylesheet. */
static void say(struct call *c, enum tdk_severity sev, const char *code, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void say(struct call *c, enum tdk_severity sev, const char *code, unsigned long line, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	const char *file = c->d->file;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = line;
	c->d->file = c->style;
	va_start(ap, fmt);
	tdk_diag_addv(c->d, sev, code, &loc, fmt, ap);
	va_end(ap);
	c->d->file = file;
}

static unsigned long inst_line(const struct call *c)
{
	return c->ctxt && c->ctxt->inst ? (unsigned long)xmlGetLineNo(c->ctxt->inst) : 0;
}

/* Stops the run at a limit: said once, and nothing after it. */
static void stop_at_limit(struct call *c, unsigned long line, const char *what)
{
	if (c->muted)
		return;
	say(c, TDK_SEV_ERROR, "MAP-LIMIT", line, "%s; the run is stopped", what);
	c->muted = 1;
	if (c->ctxt)
		c->ctxt->state = XSLT_STATE_STOPPED;
}

static int has(const char *s, const char *w)
{
	return strstr(s, w) != NULL;
}

/* Whether the instruction at work is xsl:message, and then whether it terminates. */
static int in_message(const struct call *c, int *terminate)
{
	xmlNodePtr i = c->ctxt ? c->ctxt->inst : NULL;
	xmlChar *t;

	if (!i || i->type != XML_ELEMENT_NODE || !i->ns || xmlStrcmp(i->name, XC("message")) ||
	    xmlStrcmp(i->ns->href, XC(XSLT_NS)))
		return 0;
	t = xmlGetNsProp(i, XC("terminate"), NULL);
	*terminate = t && !xmlStrcmp(t, XC("yes"));
	xmlFree(t);
	return 1;
}

/* One line of libxslt's output. */
static void line_done(struct call *c, char *s)
{
	unsigned long line = c->at;
	const char *p;
	int term = 0;

	if (c->muted || !*s)
		return;
	/* "runtime error: file F line N element E": where the next message is. */
	if (!strncmp(s, "runtime error: ", 15) || !strncmp(s, "compilation error: ", 19) ||
	    !strncmp(s, "runtime warning: ", 17) || !strncmp(s, "compilation warning: ", 21) ||
	    !strcmp(s, "runtime error") || !strcmp(s, "compilation error") || !strcmp(s, "error") ||
	    !strcmp(s, "warning")) {
		p = strstr(s, " line ");
		c->at = p ? strtoul(p + 6, NULL, 10) : 0;
		c->warn = strstr(s, "warning") != NULL;
		return;
	}
	c->at = 0;
	if (c->warn) {
		c->warn = 0;
		say(c, TDK_SEV_WARNING, "MAP-XSLT", line ? line : inst_line(c), "%s", s);
		return;
	}
	if (!line && in_message(c, &term)) {
		say(c, term ? TDK_SEV_ERROR : TDK_SEV_WARNING, "MAP-MESSAGE", inst_line(c), "xsl:message: %s", s);
		return;
	}
	if (!line)
		line = inst_line(c);
	if (has(s, "XPath operation limit exceeded")) {
		stop_at_limit(c, line, "more XPath steps than the limit (--max-steps)");
		return;
	}
	if (has(s, "infinite template recursion")) {
		char what[96];

		snprintf(what, sizeof(what), "templates nested deeper than %d (--max-depth)",
			 c->ctxt ? c->ctxt->maxTemplateDepth : 0);
		stop_at_limit(c, line, what);
		return;
	}
	if (has(s, "denied") || has(s, "refused")) {
		/* While compiling, the include's line is found later (sec_place). */
		if (!c->ctxt && !c->sec[0])
			snprintf(c->sec, sizeof(c->sec), "%s", s);
		if (!c->ctxt || (c->sec_said && line == c->sec_line))
			return;
		c->sec_line = line;
		c->sec_said = 1;
		say(c, TDK_SEV_ERROR, "MAP-SECURITY", line, "refused: %s (a stylesheet run by tdk reads and writes "
		    "no file and no network: see SECURITY in tdk-map(1))", s);
		return;
	}
	if (!c->ctxt && c->sec[0] && has(s, "unable to load"))
		return;
	if (c->xpath[0]) {
		size_t n = strlen(s);

		if (n && s[n - 1] == '.')
			s[n - 1] = 0;
		say(c, TDK_SEV_ERROR, "MAP-XSLT", line, "%s: %s", s, c->xpath);
		c->xpath[0] = 0;
		return;
	}
	say(c, TDK_SEV_ERROR, "MAP-XSLT", line, "%s", s);
}

/* libxslt's generic and per-context handler: pieces of text, up to a line break. */
static void on_error(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void on_error(void *ctx, const char *fmt, ...)
{
	struct call *c = cur;
	char piece[TDK_DIAG_MSG_MAX], *nl, *p;
	va_list ap;

	(void)ctx;
	if (!c)
		return;
	va_start(ap, fmt);
	vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	for (p = piece; *p; p = nl + 1) {
		size_t k;

		nl = strchr(p, '\n');
		k = nl ? (size_t)(nl - p) : strlen(p);
		if (c->n + k >= sizeof(c->line))
			k = sizeof(c->line) - 1 - c->n;
		memcpy(c->line + c->n, p, k);
		c->n += k;
		c->line[c->n] = 0;
		if (!nl)
			break;
		line_done(c, c->line);
		c->n = 0;
		c->line[0] = 0;
	}
}

/* libxml2's structured errors (XPath): kept for the libxslt message that follows. */
static void on_xml_error(void *arg, xmlErrorPtr e)
{
	struct call *c = arg;
	size_t n;

	if (!e || e->level < XML_ERR_ERROR || !e->message)
		return;
	if (e->domain == XML_FROM_XPATH && (e->code == XML_XPATH_EXPRESSION_OK + XPATH_OP_LIMIT_EXCEEDED ||
					      strstr(e->message, "limit exceeded"))) {
		stop_at_limit(c, inst_line(c), "more XPath steps than the limit (--max-steps)");
		return;
	}
	snprintf(c->xpath, sizeof(c->xpath), "%s", e->message);
	n = strlen(c->xpath);
	while (n && (c->xpath[n - 1] == '\n' || c->xpath[n - 1] == ' '))
		c->xpath[--n] = 0;
	if (e->str1 && n + 8 < sizeof(c->xpath))
		snprintf(c->xpath + n, sizeof(c->xpath) - n, " in '%s'", e->str1);
}

/* Every node created while a run is at work is counted against its limit. */
static void count_node(xmlNodePtr node)
{
	struct call *c = cur;
	char what[96];

	(void)node;
	if (!c || !c->ctxt || !c->max_nodes || ++c->nodes <= c->max_nodes || c->muted)
		return;
	snprintf(what, sizeof(what), "more than %lu nodes created (--max-nodes)", c->max_nodes);
	stop_at_limit(c, inst_line(c), what);
}

/* Nothing is read on a stylesheet's behalf: the preferences refuse first, this is the backstop. */
static xmlDocPtr load_nothing(const xmlChar *uri, xmlDictPtr dict, int options, void *ctxt, xsltLoadType type)
{
	(void)uri, (void)dict, (void)options, (void)ctxt, (void)type;
	return NULL;
}

static xsltSecurityPrefsPtr forbid_all(void)
{
	xsltSecurityPrefsPtr sec = xsltNewSecurityPrefs();
	static const xsltSecurityOption opts[] = { XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE,
		XSLT_SECPREF_CREATE_DIRECTORY, XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK };
	size_t i;

	for (i = 0; sec && i < sizeof(opts) / sizeof(opts[0]); i++)
		xsltSetSecurityPrefs(sec, opts[i], xsltSecurityForbid);
	return sec;
}

static void init_once(void)
{
	xsltSecurityPrefsPtr sec;

	tdk_xml_local_input();
	tdk_xml_budget_setup();
	xsltInit();
	exsltRegisterAll();
	/* The defaults apply while a stylesheet compiles (xsl:include, xsl:import). */
	if ((sec = forbid_all()))
		xsltSetDefaultSecurityPrefs(sec);
	xsltSetLoaderFunc(load_nothing);
	xsltSetGenericErrorFunc(NULL, on_error);
}

void tdk_xslt_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init_once);
}

static void call_begin(struct call *c, struct tdk_diag *d, const char *style, struct tdk_xml_errsave *sv)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->style = style;
	cur = c;
	tdk_xml_errors_push(sv, on_xml_error, c);
	/* libxml2 says some things (the XPath step limit) through its generic handler, per thread. */
	c->gen = xmlGenericError;
	c->gen_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, on_error);
}

/* A refused xsl:include or xsl:import: said at the element whose href the refusal names. */
static void sec_place(struct call *c)
{
	xmlNodePtr n, root = c->sdoc ? xmlDocGetRootElement(c->sdoc) : NULL;
	unsigned long line = 0;

	for (n = root ? root->children : NULL; n && !line; n = n->next) {
		xmlChar *href;

		if (n->type != XML_ELEMENT_NODE || !n->ns || xmlStrcmp(n->ns->href, XC(XSLT_NS)) ||
		    (xmlStrcmp(n->name, XC("include")) && xmlStrcmp(n->name, XC("import"))))
			continue;
		href = xmlGetNoNsProp(n, XC("href"));
		if (href && *href && strstr(c->sec, (const char *)href))
			line = (unsigned long)xmlGetLineNo(n);
		xmlFree(href);
	}
	say(c, TDK_SEV_ERROR, "MAP-SECURITY", line, "refused: %s (a stylesheet run by tdk reads and writes no file "
	    "and no network; xsl:include and xsl:import are refused: see SECURITY in tdk-map(1))", c->sec);
	c->sec[0] = 0;
}

static void call_end(struct call *c, const struct tdk_xml_errsave *sv)
{
	if (c->n)
		line_done(c, c->line);
	if (c->sec[0])
		sec_place(c);
	if (c->xpath[0] && !c->muted)
		say(c, TDK_SEV_ERROR, "MAP-XSLT", inst_line(c), "%s", c->xpath);
	tdk_xml_errors_pop(sv);
	xmlSetGenericErrorFunc(c->gen_ctx, c->gen);
	cur = NULL;
}

/* Whether the root says XSLT: xsl:stylesheet, xsl:transform, or a literal result with xsl:version. */
static int is_xslt(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlChar *v;

	if (!root)
		return 0;
	if (root->ns && !xmlStrcmp(root->ns->href, XC(XSLT_NS)))
		return !xmlStrcmp(root->name, XC("stylesheet")) || !xmlStrcmp(root->name, XC("transform"));
	v = xmlGetNsProp(root, XC("version"), XC(XSLT_NS));
	xmlFree(v);
	return v != NULL;
}

int tdk_xslt_compile_mem(struct tdk_xslt **out, const char *buf, size_t n, const char *name,
			 const struct tdk_xml_limits *lim, struct tdk_diag *d)
{
	struct tdk_xslt *x = NULL;
	struct tdk_xml_errsave sv;
	struct call c;
	xmlDocPtr doc;
	int r = TDK_EXIT_NEGATIVE;

	*out = NULL;
	tdk_xslt_init();
	if (!(doc = tdk_xml_parse_ex(buf, n, name, "MAP", 0, lim, d)))
		return d->errors ? TDK_EXIT_NEGATIVE : TDK_EXIT_INTERNAL;
	if (!is_xslt(doc)) {
		xmlNodePtr root = xmlDocGetRootElement(doc);
		struct tdk_diag_loc loc = { 0 };

		loc.line = (unsigned long)xmlGetLineNo(root);
		tdk_diag_add(d, TDK_SEV_ERROR, "MAP-XSLT", &loc, "not an XSLT stylesheet: the root element is "
			     "'%.80s'%s%.120s%s, not xsl:stylesheet or xsl:transform in namespace '" XSLT_NS "'",
			     (const char *)root->name, root->ns ? " in namespace '" : " in no namespace",
			     root->ns ? (const char *)root->ns->href : "", root->ns ? "'" : "");
		xmlFreeDoc(doc);
		return TDK_EXIT_NEGATIVE;
	}
	if (!(x = calloc(1, sizeof(*x))) || !(x->name = strdup(name)) || !(x->sec = forbid_all())) {
		xmlFreeDoc(doc);
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	call_begin(&c, d, name, &sv);
	c.sdoc = doc;
	x->style = xsltParseStylesheetDoc(doc);
	call_end(&c, &sv);
	if (!x->style) {
		xmlFreeDoc(doc);
		if (!d->errors)
			tdk_diag_add(d, TDK_SEV_ERROR, "MAP-XSLT", NULL, "the stylesheet does not compile");
		goto out;
	}
	if (x->style->errors) {
		if (!d->errors)
			tdk_diag_add(d, TDK_SEV_ERROR, "MAP-XSLT", NULL, "the stylesheet does not compile "
				     "(%d errors)", x->style->errors);
		goto out;
	}
	*out = x;
	x = NULL;
	r = TDK_EXIT_OK;
out:
	tdk_xslt_free(x);
	return r;
}

int tdk_xslt_compile(struct tdk_xslt **out, const char *path, const struct tdk_xml_limits *lim,
		     struct tdk_diag *d)
{
	struct tdk_xml_limits l;
	struct tdk_buf b;
	int r;

	*out = NULL;
	if (lim)
		l = *lim;
	else
		tdk_xml_limits_init(&l);
	if (tdk_read_all(path, l.max_size ? (size_t)l.max_size : (size_t)1 << 30, &b) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MAP-READ", NULL, "cannot read the stylesheet: %s", strerror(errno));
		tdk_buf_release(&b);
		return TDK_EXIT_IO;
	}
	r = tdk_xslt_compile_mem(out, b.data ? b.data : "", b.len, path, &l, d);
	tdk_buf_release(&b);
	return r;
}

void tdk_xslt_free(struct tdk_xslt *x)
{
	if (!x)
		return;
	if (x->style)
		xsltFreeStylesheet(x->style);
	if (x->sec)
		xsltFreeSecurityPrefs(x->sec);
	free(x->name);
	free(x);
}

const char *tdk_xslt_name(const struct tdk_xslt *x)
{
	return x->name;
}

int tdk_xslt_text_output(const struct tdk_xslt *x)
{
	return x->style->method && !xmlStrcmp(x->style->method, XC("text"));
}

static xsltTransformContextPtr new_context(const struct tdk_xslt *x, xmlDocPtr in, const struct tdk_xslt_run *r)
{
	xsltTransformContextPtr ctxt = xsltNewTransformContext(x->style, in);

	if (!ctxt)
		return NULL;
	xsltSetCtxtSecurityPrefs(x->sec, ctxt);
	xsltSetTransformErrorFunc(ctxt, NULL, on_error);
	ctxt->maxTemplateDepth = r->limits.max_depth > 1000000 ? 1000000 : (int)r->limits.max_depth;
	ctxt->maxTemplateVars = r->limits.max_vars > 100000000 ? 100000000 : (int)r->limits.max_vars;
	if (ctxt->xpathCtxt)
		ctxt->xpathCtxt->opLimit = r->limits.max_steps;
	return ctxt;
}

/*
 * The run's memory budget refused an allocation: stop where it stands.
 * Called from inside libxml2's allocator, so it allocates nothing; the
 * diagnostic is said after the run.
 */
static void memory_out(void *arg)
{
	struct call *c = arg;

	c->mem_line = inst_line(c);
	c->muted = 1;
	if (c->ctxt)
		c->ctxt->state = XSLT_STATE_STOPPED;
}

int tdk_xslt_apply(const struct tdk_xslt *x, struct _xmlDoc *in, const struct tdk_xslt_run *r,
		   struct tdk_diag *d, struct _xmlDoc **out)
{
	xsltTransformContextPtr ctxt;
	struct tdk_xml_errsave sv;
	xmlRegisterNodeFunc prev;
	struct call c;
	struct tdk_xml_budget mem = { 0 };
	xmlDocPtr res = NULL;
	unsigned long errors = d->errors;
	int rc = TDK_EXIT_NEGATIVE;

	*out = NULL;
	if (!(ctxt = new_context(x, in, r)))
		return TDK_EXIT_INTERNAL;
	call_begin(&c, d, x->name, &sv);
	c.ctxt = ctxt;
	c.max_nodes = r->limits.max_nodes;
	prev = xmlRegisterNodeDefault(count_node);
	if (r->params && xsltQuoteUserParams(ctxt, (const char **)(uintptr_t)r->params) < 0)
		say(&c, TDK_SEV_ERROR, "MAP-XSLT", 0, "a --param cannot be set");
	else {
		if (r->setup)
			r->setup(r->arg, ctxt);
		mem.max = r->limits.max_memory;
		mem.on_over = memory_out;
		mem.arg = &c;
		tdk_xml_budget_begin(&mem);
		res = xsltApplyStylesheetUser(x->style, in, NULL, NULL, NULL, ctxt);
		tdk_xml_budget_end(&mem);
	}
	xmlRegisterNodeDefault(prev);
	if (mem.over)
		say(&c, TDK_SEV_ERROR, "MAP-LIMIT", c.mem_line,
		    "more than %zu%s of memory taken (--max-memory); the run is stopped",
		    mem.max % (1 << 20) ? mem.max : mem.max >> 20, mem.max % (1 << 20) ? " bytes" : "M");
	if (res && ctxt->state == XSLT_STATE_OK && d->errors == errors) {
		*out = res;
		res = NULL;
		rc = TDK_EXIT_OK;
	} else if (d->errors == errors) {
		say(&c, TDK_SEV_ERROR, "MAP-XSLT", 0, "the stylesheet failed on this document");
	}
	call_end(&c, &sv);
	xmlFreeDoc(res);
	xsltFreeTransformContext(ctxt);
	return rc;
}

int tdk_xslt_serialize(const struct tdk_xslt *x, struct _xmlDoc *res, size_t max_output, struct tdk_buf *out,
		       struct tdk_diag *d)
{
	xmlChar *mem = NULL;
	int len = 0, r;

	if (xsltSaveResultToString(&mem, &len, res, x->style) < 0)
		return TDK_EXIT_INTERNAL;
	if (max_output && (size_t)len > max_output) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MAP-LIMIT", NULL, "the result is larger than %zu bytes (--max-output)",
			     max_output);
		xmlFree(mem);
		return TDK_EXIT_NEGATIVE;
	}
	r = len && tdk_buf_add(out, mem, (size_t)len) < 0 ? TDK_EXIT_INTERNAL : TDK_EXIT_OK;
	xmlFree(mem);
	return r;
}
