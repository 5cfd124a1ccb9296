/*
 * tdk's XSLT extension functions (xslt-ext.h), on the code lists of
 * lib/wco/codes.h, the UNTDID releases of lib/edi/dir.h and the value forms
 * of lib/wco/norm.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/xsltInternals.h>

#include "edi/dir.h"
#include "wco/norm.h"
#include "wco/xslt-ext.h"

#define EDI_NS "urn:tdk:edifact:"
#define XC(s) ((const xmlChar *)(s))

static const char *const list_names[] = { "country", "currency", "unit", "package" };

void tdk_wco_xslt_init(struct tdk_wco_xslt *x, struct tdk_dir_set *dirs)
{
	memset(x, 0, sizeof(*x));
	pthread_mutex_init(&x->lock, NULL);
	x->dirs = dirs;
}

void tdk_wco_xslt_release(struct tdk_wco_xslt *x)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (x->state[i])
			tdk_codes_release(&x->lists[i]);
	pthread_mutex_destroy(&x->lock);
}

static struct tdk_wco_xslt_doc *doc_of(xmlXPathParserContextPtr ctxt)
{
	xsltTransformContextPtr t = xsltXPathGetTransformContext(ctxt);

	return t ? t->_private : NULL;
}

static void ret_str(xmlXPathParserContextPtr ctxt, const char *s)
{
	valuePush(ctxt, xmlXPathNewString(XC(s)));
}

/* The list, loaded on first use; NULL when it cannot be read (said once per document). */
static const struct tdk_codes *get_list(struct tdk_wco_xslt_doc *doc, int i)
{
	struct tdk_wco_xslt *x = doc->shared;
	int st;

	pthread_mutex_lock(&x->lock);
	if (!x->state[i]) {
		int r = tdk_codes_load(&x->lists[i], (enum tdk_codes_list)i, NULL, doc->d);

		x->state[i] = r ? -1 : 1;
		if (r)
			doc->failed |= 1u << i;
	}
	st = x->state[i];
	pthread_mutex_unlock(&x->lock);
	if (st > 0)
		return &x->lists[i];
	if (!(doc->failed & (1u << i))) {
		doc->failed |= 1u << i;
		tdk_diag_add(doc->d, TDK_SEV_ERROR, "MAP-CODES", NULL, "tdk:code('%s', ...): the list cannot be read",
			     list_names[i]);
	}
	return NULL;
}

/* tdk:code(list, value) */
static void fn_code(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct tdk_wco_xslt_doc *doc = doc_of(ctxt);
	const struct tdk_codes *c;
	const struct tdk_code *e;
	xmlChar *list, *value;
	char word[TDK_CODES_WORD_MAX + 1];
	const char *b;
	size_t n;
	int i;

	if (nargs != 2) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	value = xmlXPathPopString(ctxt);
	list = xmlXPathPopString(ctxt);
	for (i = 0; i < 4 && list && strcmp((const char *)list, list_names[i]); i++)
		;
	for (b = value ? (const char *)value : ""; *b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'; b++)
		;
	n = strlen(b);
	while (n && (b[n - 1] == ' ' || b[n - 1] == '\t' || b[n - 1] == '\n' || b[n - 1] == '\r'))
		n--;
	if (!doc || i == 4 || !n || n > TDK_CODES_WORD_MAX || !(c = get_list(doc, i))) {
		if (doc && i == 4)
			tdk_diag_add(doc->d, TDK_SEV_ERROR, "MAP-CODES", NULL, "tdk:code: '%.40s' is no list "
				     "(country, currency, unit or package)", list ? (const char *)list : "");
		ret_str(ctxt, "");
		goto out;
	}
	memcpy(word, b, n);
	word[n] = 0;
	e = tdk_codes_find(c, word);
	ret_str(ctxt, e ? tdk_codes_str(c, e->code) : "");
out:
	xmlFree(list);
	xmlFree(value);
}

/* tdk:date(value, to) */
static void fn_date(xmlXPathParserContextPtr ctxt, int nargs)
{
	char out[TDK_NORM_DATE_MAX];
	xmlChar *value, *to;

	if (nargs != 2) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	to = xmlXPathPopString(ctxt);
	value = xmlXPathPopString(ctxt);
	tdk_norm_date(value ? (const char *)value : "", to ? (const char *)to : "", out);
	ret_str(ctxt, out);
	xmlFree(value);
	xmlFree(to);
}

/* tdk:number(value) */
static void fn_number(xmlXPathParserContextPtr ctxt, int nargs)
{
	char out[TDK_NORM_NUMBER_MAX];
	xmlChar *value;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	value = xmlXPathPopString(ctxt);
	tdk_norm_number(value ? (const char *)value : "", out);
	ret_str(ctxt, out);
	xmlFree(value);
}

/* tdk:uncl(release, element, code) */
static void fn_uncl(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct tdk_wco_xslt_doc *doc = doc_of(ctxt);
	xmlChar *release, *element, *code;
	const struct tdk_dir_code *c = NULL;
	struct tdk_dir *dir = NULL;
	struct tdk_diag quiet;
	char canon[8];
	uint32_t i;

	if (nargs != 3) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	code = xmlXPathPopString(ctxt);
	element = xmlXPathPopString(ctxt);
	release = xmlXPathPopString(ctxt);
	/* A release that is missing or broken is the stylesheet's answer '', not the document's fault. */
	tdk_diag_init(&quiet, "uncl");
	if (doc && doc->shared->dirs && release && element && code &&
	    tdk_dir_release_name(canon, (const char *)release, NULL) == 0 &&
	    tdk_dir_set_get(doc->shared->dirs, canon, &dir, &quiet) == 0 && dir) {
		for (i = 0; i < dir->nlists; i++)
			if (!strcmp(dir->lists[i].tag, (const char *)element)) {
				c = tdk_dir_code(dir, &dir->lists[i], (const char *)code, strlen((const char *)code));
				break;
			}
	}
	ret_str(ctxt, c ? tdk_dir_str(dir, c->name) : "");
	xmlFree(release);
	xmlFree(element);
	xmlFree(code);
}

/* Whether n is in tdk's EDIFACT XML (either naming). */
static int is_edifact(xmlNodePtr n)
{
	return n->ns && !xmlStrncmp(n->ns->href, XC(EDI_NS), (int)strlen(EDI_NS));
}

/* The 1-based position of element n among its parent's element children. */
static unsigned elem_pos(xmlNodePtr n)
{
	unsigned k = 1;

	for (n = n->prev; n; n = n->prev)
		if (n->type == XML_ELEMENT_NODE)
			k++;
	return k;
}

/* The segment number of seg: UNH = 1 within its message, UNB = 1 outside. */
static unsigned long seg_number(xmlNodePtr seg)
{
	xmlNodePtr top = seg->parent, n = NULL;
	unsigned long k = 0;

	while (top && top->parent && top->parent->type == XML_ELEMENT_NODE &&
	       xmlStrcmp(top->name, XC("message")) && xmlStrcmp(top->name, XC("interchange")))
		top = top->parent;
	for (n = top ? top->children : NULL; n;) {
		if (n->type == XML_ELEMENT_NODE && xmlHasProp(n, XC("line"))) {
			k++;
			if (n == seg)
				return k;
		} else if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && !n->next && n != top)
			n = n->parent;
		if (!n || n == top)
			break;
		n = n->next;
	}
	return 0;
}

/* One unmapped node of tdk's EDIFACT XML: its segment, element and component. */
static void unmapped_edi(struct tdk_wco_xslt_doc *doc, xmlNodePtr n, const char *reason)
{
	xmlNodePtr seg = n, path[3] = { NULL, NULL, NULL };
	struct tdk_diag_loc loc;
	xmlChar *v;
	size_t depth = 0;

	memset(&loc, 0, sizeof(loc));
	while (seg && seg->type == XML_ELEMENT_NODE && !xmlHasProp(seg, XC("line"))) {
		path[depth < 3 ? depth : 2] = seg;
		depth++;
		seg = seg->parent;
	}
	if (!seg || seg->type != XML_ELEMENT_NODE) {
		tdk_diag_add(doc->d, doc->strict ? TDK_SEV_ERROR : TDK_SEV_WARNING, "MAP-UNMAPPED", NULL,
			     "'%.60s' not carried: %.200s", (const char *)n->name, reason);
		return;
	}
	if ((v = xmlGetProp(seg, XC("line"))))
		loc.line = strtoul((const char *)v, NULL, 10);
	xmlFree(v);
	if ((v = xmlGetProp(seg, XC("col"))))
		loc.col = strtoul((const char *)v, NULL, 10);
	xmlFree(v);
	v = xmlGetProp(seg, XC("tag"));
	snprintf(loc.edi.tag, sizeof(loc.edi.tag), "%s", v ? (const char *)v : (const char *)seg->name);
	xmlFree(v);
	loc.edi.segment = seg_number(seg);
	/* path[depth-1] is the segment's child (the element), path[depth-2] a component. */
	if (depth >= 1 && depth <= 3)
		loc.edi.element = elem_pos(path[depth - 1]);
	if (depth >= 2 && depth <= 3)
		loc.edi.component = elem_pos(path[depth - 2]);
	tdk_diag_add(doc->d, doc->strict ? TDK_SEV_ERROR : TDK_SEV_WARNING, "MAP-UNMAPPED", &loc,
		     "%s%.60s not carried: %.200s", depth ? "" : "segment ", depth ? (const char *)n->name : loc.edi.tag,
		     reason);
}

/*
 * The path of n by local names, "/MetaData/Declaration/GoodsShipment/
 * GovernmentAgencyGoodsItem[2]/@x", a position where a name repeats among
 * its siblings; written into out (size bytes), the outer steps left out when
 * too long.
 */
static void node_path(xmlNodePtr n, char *out, size_t size)
{
	char tmp[600];

	out[0] = 0;
	for (; n && (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE ||
		     n->type == XML_TEXT_NODE); n = n->parent) {
		unsigned pos = 1, same = 0;
		xmlNodePtr s;
		int k;

		if (n->type == XML_TEXT_NODE) {
			k = snprintf(tmp, sizeof(tmp), "/text()%s", out);
		} else if (n->type == XML_ATTRIBUTE_NODE) {
			k = snprintf(tmp, sizeof(tmp), "/@%s%s", (const char *)n->name, out);
		} else {
			for (s = n->parent ? n->parent->children : n; s; s = s->next)
				if (s->type == XML_ELEMENT_NODE && !xmlStrcmp(s->name, n->name)) {
					same++;
					if (s == n)
						pos = same;
				}
			k = same > 1 ? snprintf(tmp, sizeof(tmp), "/%s[%u]%s", (const char *)n->name, pos, out) :
				       snprintf(tmp, sizeof(tmp), "/%s%s", (const char *)n->name, out);
		}
		if (k < 0 || (size_t)k >= size)
			break;
		memcpy(out, tmp, (size_t)k + 1);
	}
}

/* One unmapped node of other XML: its line and path. */
static void unmapped_xml(struct tdk_wco_xslt_doc *doc, xmlNodePtr n, const char *reason)
{
	struct tdk_diag_loc loc;
	char path[300];

	memset(&loc, 0, sizeof(loc));
	loc.line = (unsigned long)xmlGetLineNo(n->type == XML_ATTRIBUTE_NODE ? n->parent : n);
	node_path(n, path, sizeof(path));
	tdk_diag_add(doc->d, doc->strict ? TDK_SEV_ERROR : TDK_SEV_WARNING, "MAP-UNMAPPED", &loc,
		     "%s not carried: %.200s", path[0] ? path : "/", reason);
}

/* tdk:unmapped(nodes, reason) */
static void fn_unmapped(xmlXPathParserContextPtr ctxt, int nargs)
{
	struct tdk_wco_xslt_doc *doc = doc_of(ctxt);
	xmlNodeSetPtr set;
	xmlChar *reason;
	int i;

	if (nargs != 2) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	reason = xmlXPathPopString(ctxt);
	set = xmlXPathPopNodeSet(ctxt);
	if (xmlXPathCheckError(ctxt)) {
		xmlFree(reason);
		return;
	}
	for (i = 0; doc && set && i < set->nodeNr; i++) {
		xmlNodePtr n = set->nodeTab[i];
		xmlNodePtr e = n->type == XML_ATTRIBUTE_NODE || n->type == XML_TEXT_NODE ? n->parent : n;

		doc->unmapped++;
		if (e && e->type == XML_ELEMENT_NODE && is_edifact(e))
			unmapped_edi(doc, e, reason ? (const char *)reason : "");
		else
			unmapped_xml(doc, n, reason ? (const char *)reason : "");
	}
	xmlXPathFreeNodeSet(set);
	xmlFree(reason);
	ret_str(ctxt, "");
}

static void register_once(void)
{
	static const struct {
		const char *name;
		xmlXPathFunction fn;
	} fns[] = { { "code", fn_code }, { "date", fn_date }, { "number", fn_number }, { "uncl", fn_uncl },
		    { "unmapped", fn_unmapped } };
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		xsltRegisterExtModuleFunction(XC(fns[i].name), XC(TDK_XSLT_EXT_NS), fns[i].fn);
}

void tdk_wco_xslt_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, register_once);
}

void tdk_wco_xslt_setup(void *arg, void *tctxt)
{
	((xsltTransformContextPtr)tctxt)->_private = arg;
}
