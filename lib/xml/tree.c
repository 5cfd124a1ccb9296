/*
 * Whole documents as trees, for the readers that need every node at once
 * (XML signatures: XMLDSig 1.1 §4.3.3 references and transforms work on the
 * document's node set).  The same front door as the streaming reader of
 * load.c: the input guard first (attributes, text runs, entity
 * declarations), the size and nesting limits of struct tdk_xml_limits, no
 * network, no entity substitution, and libxml2's errors collected through a
 * handler installed on the calling thread for the length of the call.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>

#include "util/exitcode.h"
#include "xml/internal.h"

/* libxml2's own nesting ceiling without XML_PARSE_HUGE (parserInternals.h). */
#define LIBXML_DEPTH 256

/* Allocation failures libxml2 reported on this thread through tdk's handlers. */
static _Thread_local unsigned long oom_count;

unsigned long tdk_xml_oom_count(void)
{
	return oom_count;
}

void tdk_xml_oom_note(void)
{
	oom_count++;
}

/* Where one parse's errors go: the caller's diagnostics, under its code. */
struct tree_sink {
	struct tdk_diag *d;
	const char *code;
};

void tdk_xml_error_add(struct tdk_diag *d, const char *code, const void *error)
{
	const xmlError *e = error;
	struct tdk_diag_loc loc;
	char msg[TDK_DIAG_MSG_MAX];
	size_t n;

	if (e && e->code == XML_ERR_NO_MEMORY)
		oom_count++;
	if (!d || !e || e->level < XML_ERR_ERROR)
		return;
	memset(&loc, 0, sizeof(loc));
	loc.line = e->line > 0 ? (unsigned long)e->line : 0;
	loc.col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "XML error");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	tdk_diag_add(d, TDK_SEV_ERROR, code, &loc, "%s", msg);
}

static void tree_error(void *arg, xmlErrorPtr e)
{
	struct tree_sink *s = arg;

	tdk_xml_error_add(s->d, s->code, e);
}

/* Registers Id, ID and id attributes, and WS-Security's wsu:Id, as XML IDs; 0, or -1 after a duplicate (reported). */
static int register_ids(xmlDocPtr doc, xmlNodePtr n, const char *prefix, struct tdk_diag *d)
{
	int r = 0;

	for (; n; n = n->next) {
		xmlAttrPtr a;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (a = n->properties; a; a = a->next) {
			xmlChar *v;
			xmlAttrPtr prev;

			if (a->ns ? xmlStrcmp(a->name, (const xmlChar *)"Id") || xmlStrcmp(a->ns->href, (const xmlChar *)TDK_NS_WSU)
				  : xmlStrcmp(a->name, (const xmlChar *)"Id") && xmlStrcmp(a->name, (const xmlChar *)"ID") &&
				    xmlStrcmp(a->name, (const xmlChar *)"id"))
				continue;
			v = xmlNodeListGetString(doc, a->children, 1);
			if (!v)
				continue;
			prev = xmlGetID(doc, v);
			if (prev && prev != a) {
				struct tdk_diag_loc loc = { 0 };

				loc.line = (unsigned long)xmlGetLineNo(n);
				tdk_diag_add(d, TDK_SEV_ERROR, strcmp(prefix, "SIGN") ? "VERIFY-DUPLICATE-ID" :
					     "SIGN-DUPLICATE-ID", &loc,
					     "two elements carry the ID '%.80s' (a signature wrapping pattern)",
					     (const char *)v);
				r = -1;
			} else if (!prev) {
				xmlAddID(NULL, doc, v, a);
			}
			xmlFree(v);
		}
		if (n->children && register_ids(doc, n->children, prefix, d) < 0)
			r = -1;
	}
	return r;
}

int tdk_xml_register_ids(struct _xmlDoc *doc, const char *code_prefix, struct tdk_diag *d)
{
	return register_ids(doc, doc->children, code_prefix, d);
}

/* The deepest element of doc is nested more than max deep: where, or NULL.  No recursion. */
static xmlNodePtr too_deep(xmlDocPtr doc, unsigned long max)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n = root;
	unsigned long depth = 1;

	while (n) {
		if (n->type == XML_ELEMENT_NODE && depth > max)
			return n;
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			depth++;
			continue;
		}
		while (n != root && !n->next) {
			n = n->parent;
			depth--;
		}
		n = n == root ? NULL : n->next;
	}
	return NULL;
}

/* The codes of each caller (code_prefix): VERIFY, SIGN, HARM, MAP, CDS; not well-formed, then entities declared. */
static const char *const xml_codes[][2] = { { "VERIFY-XML", "VERIFY-XML-ENTITY" }, { "SIGN-XML", "SIGN-XML-ENTITY" },
					    { "HARM-XML", "HARM-XML-ENTITY" }, { "MAP-XML", "MAP-XML-ENTITY" },
					    { "CDS-XML", "CDS-XML-ENTITY" } };

static void entities_refused(struct tdk_diag *d, int sign, const struct tdk_diag_loc *loc)
{
	tdk_diag_add(d, TDK_SEV_ERROR, xml_codes[sign][1], loc,
		     "the document declares entities in its DTD; refused (entity expansion "
		     "is never performed)");
}

/* The limits the bytes may pass at all: the guard's, the size, libxml2's own int. */
static int check_bytes(const char *buf, size_t len, const struct tdk_xml_limits *limits, int sign,
		       const char *code, struct tdk_diag *d)
{
	struct tdk_xml_guard guard;

	if (len > (size_t)0x7fffffff) {
		tdk_diag_add(d, TDK_SEV_ERROR, code, NULL, "document too large for the XML parser");
		return -1;
	}
	if (limits->max_size && (uint64_t)len > limits->max_size) {
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-LIMIT-SIZE", NULL, "the document is larger than %llu "
			     "bytes (--max-size)", (unsigned long long)limits->max_size);
		return -1;
	}
	/* libxml2 would read a start tag of 100,000 attributes, or a 1 GB comment, before any check. */
	tdk_xml_guard_init(&guard, limits);
	if (tdk_xml_guard_feed(&guard, buf, len, d))
		return -1;
	if (guard.entity.line) {
		entities_refused(d, sign, &guard.entity);
		return -1;
	}
	return 0;
}

struct _xmlDoc *tdk_xml_parse_ex(const char *buf, size_t len, const char *name, const char *code_prefix,
				 int ids, const struct tdk_xml_limits *lim, struct tdk_diag *d)
{
	int sign = !strcmp(code_prefix, "SIGN") ? 1 : !strcmp(code_prefix, "HARM") ? 2 :
		   !strcmp(code_prefix, "MAP") ? 3 : !strcmp(code_prefix, "CDS") ? 4 : 0;
	struct tree_sink sink = { d, xml_codes[sign][0] };
	struct tdk_xml_limits limits;
	struct tdk_xml_errsave sv;
	xmlDocPtr doc = NULL;
	xmlNodePtr deep;

	if (lim)
		limits = *lim;
	else
		tdk_xml_limits_init(&limits);
	if (check_bytes(buf, len, &limits, sign, sink.code, d) < 0)
		return NULL;
	tdk_xml_errors_push(&sv, tree_error, &sink);
	doc = xmlReadMemory(buf, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	tdk_xml_errors_pop(&sv);
	if (!doc) {
		if (!d->errors)
			tdk_diag_add(d, TDK_SEV_ERROR, sink.code, NULL, "not well-formed XML");
		goto out;
	}
	if (doc->intSubset && doc->intSubset->entities) {
		entities_refused(d, sign, NULL);
		goto fail;
	}
	if (!xmlDocGetRootElement(doc)) {
		tdk_diag_add(d, TDK_SEV_ERROR, sink.code, NULL, "no root element");
		goto fail;
	}
	/* Without XML_PARSE_HUGE libxml2 stops at 256 itself; a smaller --max-depth is checked here. */
	if (limits.max_depth < LIBXML_DEPTH && (deep = too_deep(doc, limits.max_depth)) != NULL) {
		struct tdk_diag_loc loc = { 0 };

		loc.line = (unsigned long)xmlGetLineNo(deep);
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-LIMIT-DEPTH", &loc, "elements are nested deeper than "
			     "%lu (--max-depth)", limits.max_depth);
		goto fail;
	}
	if (ids && register_ids(doc, doc->children, code_prefix, d) < 0)
		goto fail;
	goto out;
fail:
	xmlFreeDoc(doc);
	doc = NULL;
out:
	return doc;
}

struct _xmlDoc *tdk_xml_parse(const char *buf, size_t len, const char *name, const char *code_prefix,
			      const struct tdk_xml_limits *lim, struct tdk_diag *d)
{
	return tdk_xml_parse_ex(buf, len, name, code_prefix, 1, lim, d);
}

int tdk_xml_dump(struct _xmlDoc *doc, struct tdk_buf *out)
{
	xmlChar *mem = NULL;
	int size = 0, r;

	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem)
		return -1;
	r = tdk_buf_add(out, mem, (size_t)size);
	xmlFree(mem);
	return r;
}
