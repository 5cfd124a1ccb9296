/*
 * XML -> EDIFACT: reads the tdk EDIFACT vocabulary (see xml-write.c and
 * xsd/tdk-edifact.xsd) with libxml2's streaming reader and drives a sink.
 * The form with directory names (namespace urn:tdk:edifact:directory:1,
 * tdk convert --names directory) is read without the directory: a group
 * element (<SG2>) only nests, a segment element is named by its tag, and
 * its children are its data elements and their components in order, by
 * position, whatever their names.
 * The parser never touches the network, loads no DTD and substitutes no
 * entities: a document type declaration or an entity reference is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "edi/edi.h"
#include "edi/writer.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "xml/xml.h"

enum kind { K_NONE, K_DOC, K_ICH, K_GRP, K_MSG, K_SEG, K_E, K_R, K_C, K_END, K_SG, K_NSEG };

#define MAX_DEPTH 48

struct xr {
	xmlTextReaderPtr r;
	struct tdk_input *in;
	struct tdk_diag *d;
	const struct tdk_edi_sink *sink;
	struct tdk_edi_segbuild sb;
	struct tdk_buf text;
	struct tdk_buf ws, endws;
	struct tdk_edi_seg seg;
	struct tdk_edi_ich ich;
	struct tdk_buf una_ws;
	enum kind stack[MAX_DEPTH];
	int has_child[MAX_DEPTH];
	int nreps[MAX_DEPTH];
	int depth;
	int status;
	int in_msg, seen_doc, has_tag;
	int dirns;                      /* the document is in the namespace with directory names */
	unsigned long ich_no, msg_no;
	unsigned long seg_line, seg_col;
	struct tdk_xml_guard guard;     /* the input guard, with the default XML limits */
};

static void xr_error(struct xr *x, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void xr_error(struct xr *x, const char *code, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	if (x->r) {
		loc.line = (unsigned long)xmlTextReaderGetParserLineNumber(x->r);
		loc.col = (unsigned long)xmlTextReaderGetParserColumnNumber(x->r);
	}
	va_start(ap, fmt);
	tdk_diag_addv(x->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	if (!x->status)
		x->status = TDK_EXIT_NEGATIVE;
}

/*
 * Every chunk passes the XML input guard before libxml2 sees it.  When a
 * limit is passed, the bytes before it still go in (a fault there comes
 * first); the next call reports the limit and ends the read.
 */
static int read_cb(void *ctx, char *buf, int len)
{
	struct xr *x = ctx;
	ssize_t n;
	size_t ok;

	if (x->guard.fired)
		goto limit;
	n = tdk_input_read(x->in, buf, (size_t)len);
	if (n < 0)
		return -1;
	ok = tdk_xml_guard_scan(&x->guard, buf, (size_t)n);
	if (ok || !x->guard.fired)
		return (int)ok;
limit:
	if (!x->status)
		x->status = tdk_xml_guard_report(&x->guard, x->d);
	return -1;
}

static void error_cb(void *arg, xmlErrorPtr e)
{
	struct xr *x = arg;
	struct tdk_diag_loc loc;
	char msg[TDK_DIAG_MSG_MAX];
	size_t n;

	/* After the guard stopped the read, libxml2's complaint about it adds nothing. */
	if (!e || e->level == XML_ERR_WARNING || x->guard.fired)
		return;
	if (!tdk_xml_premature_end(e, msg, sizeof(msg)))
		snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	memset(&loc, 0, sizeof(loc));
	loc.line = e->line > 0 ? (unsigned long)e->line : 0;
	loc.col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
	tdk_diag_add(x->d, TDK_SEV_ERROR, "XML-SYNTAX", &loc, "%s", msg);
	x->status = TDK_EXIT_NEGATIVE;
}

/* A copy of attribute name into b; returns 1 if present. */
static int attr(struct xr *x, const char *name, struct tdk_buf *b)
{
	xmlChar *v = xmlTextReaderGetAttribute(x->r, (const xmlChar *)name);
	int r;

	tdk_buf_reset(b);
	if (!v)
		return 0;
	r = tdk_buf_adds(b, (const char *)v);
	xmlFree(v);
	if (r < 0)
		xr_error(x, "EDI-XML-LIMIT", "attribute '%s' is too long", name);
	return 1;
}

static enum kind kind_of(const char *name)
{
	static const struct { const char *n; enum kind k; } t[] = {
		{ "edifact", K_DOC }, { "interchange", K_ICH }, { "group", K_GRP },
		{ "message", K_MSG }, { "segment", K_SEG }, { "e", K_E }, { "r", K_R },
		{ "c", K_C }, { "end", K_END },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].n))
			return t[i].k;
	return K_NONE;
}

/* In the form with directory names, what an element is depends on where it stands. */
static enum kind kind_in_dir(enum kind parent, const char *name)
{
	size_t i, n = strlen(name);

	switch (parent) {
	case K_NSEG:
		return K_E;
	case K_E:
		return strcmp(name, "r") ? K_C : K_R;
	case K_R:
		return K_C;
	case K_MSG:
	case K_SG:
		if (n > 2 && name[0] == 'S' && name[1] == 'G') {
			for (i = 2; i < n && name[i] >= '0' && name[i] <= '9'; i++)
				;
			if (i == n)
				return K_SG;
		}
		if (n == 3 && name[0] >= 'A' && name[0] <= 'Z') {
			for (i = 1; i < 3 && ((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9'));
			     i++)
				;
			if (i == 3)
				return K_NSEG;
		}
		break;
	default:
		break;
	}
	return kind_of(name);
}

/* Which child each element may have. */
static int allowed(enum kind parent, enum kind child)
{
	switch (parent) {
	case K_NONE: return child == K_DOC;
	case K_DOC: return child == K_ICH || child == K_GRP || child == K_MSG || child == K_SEG ||
			   child == K_END;
	case K_ICH: return child == K_GRP || child == K_MSG || child == K_SEG;
	case K_GRP: return child == K_MSG || child == K_SEG;
	case K_MSG: return child == K_SEG || child == K_NSEG || child == K_SG;
	case K_SG: return child == K_SEG || child == K_NSEG || child == K_SG;
	case K_SEG: return child == K_E;
	case K_NSEG: return child == K_E;
	case K_E: return child == K_R || child == K_C;
	case K_R: return child == K_C;
	default: return 0;
	}
}

#define SINK(x, fn, ...) ((x)->sink->fn ? (x)->sink->fn((x)->sink->arg, ##__VA_ARGS__) : 0)

static int start_ich(struct xr *x)
{
	struct tdk_buf v = TDK_BUF_INIT(4096);
	struct tdk_edi_ich *ich = &x->ich;
	int r = 0;

	memset(ich, 0, sizeof(*ich));
	if (attr(x, "charset", &v))
		snprintf(ich->syntax_id, sizeof(ich->syntax_id), "%s", v.data);
	if (attr(x, "version", &v))
		ich->version = v.len == 1 && v.data[0] >= '1' && v.data[0] <= '4' ? v.data[0] - '0' : 0;
	if (attr(x, "una", &v)) {
		size_t i;

		if (v.len != 6) {
			xr_error(x, "EDI-XML-VALUE", "attribute una must hold 6 characters, not '%s'", v.data);
			r = -1;
		} else {
			for (i = 0; i < 6; i++)
				if ((unsigned char)v.data[i] >= 0x80)
					r = -1;
			if (r)
				xr_error(x, "EDI-XML-VALUE", "attribute una must hold ASCII characters");
			memcpy(ich->una_chars, v.data, 6);
			ich->una = 1;
		}
		if (attr(x, "una-ws", &x->una_ws)) {
			ich->una_ws = x->una_ws.data;
			ich->una_wslen = x->una_ws.len;
		}
	}
	if (attr(x, "level", &v))
		ich->level_b = !strcmp(v.data, "B");
	tdk_buf_release(&v);
	if (r)
		return TDK_EXIT_NEGATIVE;
	x->ich_no = 0;
	return SINK(x, interchange_begin, ich);
}

static int start_seg(struct xr *x)
{
	struct tdk_buf v = TDK_BUF_INIT((size_t)1 << 20);
	int r = 0;

	tdk_edi_segbuild_reset(&x->sb);
	x->seg_line = (unsigned long)xmlTextReaderGetParserLineNumber(x->r);
	x->seg_col = (unsigned long)xmlTextReaderGetParserColumnNumber(x->r);
	x->has_tag = attr(x, "tag", &v);
	if (x->stack[x->depth - 1] == K_NSEG) {
		/* <DTM>: the element's name is the tag */
		tdk_buf_reset(&v);
		x->has_tag = !tdk_buf_adds(&v, (const char *)xmlTextReaderConstLocalName(x->r));
	}
	if (x->has_tag && tdk_edi_segbuild_comp(&x->sb, v.data, v.len) < 0)
		r = -1;
	if (!attr(x, "ws", &x->ws))
		tdk_buf_reset(&x->ws);
	tdk_buf_release(&v);
	if (r)
		xr_error(x, "EDI-LIMIT-COMPONENTS", "segment has too many components (--max-components)");
	return 0;
}

static int end_seg(struct xr *x)
{
	struct tdk_edi_seg *s = &x->seg;

	memset(s, 0, sizeof(*s));
	tdk_edi_segbuild_finish(&x->sb, s);
	if (!s->nelem) {
		xr_error(x, "EDI-XML-VALUE", "segment has neither a tag attribute nor elements");
		return 0;
	}
	x->ich_no++;
	if (tdk_edi_seg_is(s, "UNH"))
		x->msg_no = 1;
	else if (x->in_msg)
		x->msg_no++;
	s->number = x->in_msg ? x->msg_no : x->ich_no;
	s->line = x->seg_line;
	s->col = x->seg_col;
	s->ws = x->ws.data ? x->ws.data : "";
	s->wslen = x->ws.len;
	return SINK(x, segment, s);
}

/* Text collected for a value is complete: add it as a component. */
static void add_comp(struct xr *x)
{
	if (tdk_edi_segbuild_comp(&x->sb, x->text.data ? x->text.data : "", x->text.len) < 0)
		xr_error(x, "EDI-LIMIT-COMPONENTS",
			 "segment exceeds the limits: more than %zu components, or more than 16 MiB of "
			 "text (--max-components)", x->sb.max);
	tdk_buf_reset(&x->text);
}

static int only_blanks(const struct tdk_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\n' && b->data[i] != '\r' && b->data[i] != '\t')
			return 0;
	return 1;
}

static int on_start(struct xr *x, enum kind k)
{
	enum kind parent = x->depth ? x->stack[x->depth - 1] : K_NONE;
	struct tdk_buf v = TDK_BUF_INIT(64);
	int r = 0;

	if (!allowed(parent, k)) {
		xr_error(x, "EDI-XML-UNEXPECTED", "element '%s' is not expected here",
			 (const char *)xmlTextReaderConstLocalName(x->r));
		return TDK_EXIT_NEGATIVE;
	}
	if (x->depth >= MAX_DEPTH)
		return TDK_EXIT_NEGATIVE;
	if (parent == K_E || parent == K_R) {
		if (!x->has_child[x->depth - 1] && !only_blanks(&x->text))
			xr_error(x, "EDI-XML-UNEXPECTED", "text mixed with <c> or <r> children");
		tdk_buf_reset(&x->text);
		x->has_child[x->depth - 1] = 1;
	}
	x->stack[x->depth] = k;
	x->has_child[x->depth] = 0;
	x->nreps[x->depth] = 0;
	x->depth++;
	switch (k) {
	case K_DOC:
		x->seen_doc = 1;
		r = SINK(x, begin, attr(x, "bom", &v) && !strcmp(v.data, "true"));
		break;
	case K_ICH:
		r = start_ich(x);
		break;
	case K_GRP:
		r = SINK(x, group_begin);
		break;
	case K_MSG:
		x->in_msg = 1;
		x->msg_no = 0;
		r = SINK(x, message_begin);
		break;
	case K_SEG:
	case K_NSEG:
		r = start_seg(x);
		break;
	case K_E:
		if (tdk_edi_segbuild_elem(&x->sb) < 0)
			xr_error(x, "EDI-LIMIT-COMPONENTS", "segment has too many elements");
		tdk_buf_reset(&x->text);
		break;
	case K_R:
		if (x->nreps[x->depth - 2]++ && tdk_edi_segbuild_rep(&x->sb) < 0)
			xr_error(x, "EDI-LIMIT-COMPONENTS", "segment has too many repetitions");
		tdk_buf_reset(&x->text);
		break;
	case K_C:
		tdk_buf_reset(&x->text);
		break;
	case K_END:
		attr(x, "ws", &x->endws);
		break;
	default:
		break;
	}
	tdk_buf_release(&v);
	return r;
}

static int on_end(struct xr *x)
{
	enum kind k;
	int r = 0;

	if (!x->depth)
		return 0;
	k = x->stack[--x->depth];
	switch (k) {
	case K_DOC:
		r = SINK(x, end, x->endws.data ? x->endws.data : "", x->endws.len);
		break;
	case K_ICH:
		r = SINK(x, interchange_end);
		break;
	case K_GRP:
		r = SINK(x, group_end);
		break;
	case K_MSG:
		x->in_msg = 0;
		r = SINK(x, message_end);
		break;
	case K_SEG:
	case K_NSEG:
		r = end_seg(x);
		break;
	case K_E:
	case K_R:
	case K_C:
		if (!x->has_child[x->depth])
			add_comp(x);
		break;
	default:
		break;
	}
	return r;
}

int tdk_edi_read_xml(struct tdk_input *in, struct tdk_diag *d, const struct tdk_edi_sink *sink,
		     size_t max_components)
{
	struct xr x;
	struct tdk_xml_limits limits;
	int ret = 1;

	memset(&x, 0, sizeof(x));
	x.in = in;
	x.d = d;
	x.sink = sink;
	tdk_xml_limits_init(&limits);
	tdk_xml_guard_init(&x.guard, &limits);
	/* Refused before libxml2 reads the internal subset, whose entity loops it reports per level. */
	x.guard.no_dtd = 1;
	tdk_edi_segbuild_init(&x.sb, max_components);
	tdk_buf_init(&x.text, (size_t)16 << 20);
	tdk_buf_init(&x.ws, 1 << 16);
	tdk_buf_init(&x.endws, 1 << 16);
	tdk_buf_init(&x.una_ws, 1 << 16);
	x.r = xmlReaderForIO(read_cb, NULL, &x, in->name, NULL,
			     XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (!x.r) {
		x.status = TDK_EXIT_INTERNAL;
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(x.r, error_cb, &x);
	while (!x.status && (ret = xmlTextReaderRead(x.r)) == 1) {
		int type = xmlTextReaderNodeType(x.r);
		const char *name = (const char *)xmlTextReaderConstLocalName(x.r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(x.r);
		enum kind cur = x.depth ? x.stack[x.depth - 1] : K_NONE;
		int r = 0;

		switch (type) {
		case XML_READER_TYPE_ELEMENT: {
			int empty = xmlTextReaderIsEmptyElement(x.r);
			const char *want = x.dirns ? TDK_EDI_XML_DIR_NS : TDK_EDI_XML_NS;
			enum kind k;

			/* The document element says which of the two forms this is. */
			if (!x.depth && ns && !strcmp(ns, TDK_EDI_XML_DIR_NS))
				x.dirns = 1, want = TDK_EDI_XML_DIR_NS;
			k = x.dirns ? kind_in_dir(cur, name ? name : "") : kind_of(name ? name : "");
			if (!ns || strcmp(ns, want) || k == K_NONE) {
				xr_error(&x, "EDI-XML-UNEXPECTED",
					 "element '%s' in namespace '%s' is not part of the vocabulary %s",
					 name ? name : "", ns ? ns : "", want);
				break;
			}
			r = on_start(&x, k);
			if (!r && empty)
				r = on_end(&x);
			break;
		}
		case XML_READER_TYPE_END_ELEMENT:
			r = on_end(&x);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
			const char *v = (const char *)xmlTextReaderConstValue(x.r);

			if (cur == K_E || cur == K_R || cur == K_C) {
				if (tdk_buf_adds(&x.text, v ? v : "") < 0)
					xr_error(&x, "EDI-XML-LIMIT", "value longer than 16 MiB");
			} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
				struct tdk_buf t = TDK_BUF_INIT(1 << 20);

				tdk_buf_adds(&t, v ? v : "");
				if (!only_blanks(&t))
					xr_error(&x, "EDI-XML-UNEXPECTED", "text outside a value");
				tdk_buf_release(&t);
			}
			break;
		}
		case XML_READER_TYPE_DOCUMENT_TYPE:
			xr_error(&x, "XML-DTD", "document type declarations are not accepted");
			break;
		case XML_READER_TYPE_ENTITY_REFERENCE:
			xr_error(&x, "XML-ENTITY", "entity reference '&%s;' is not accepted", name ? name : "");
			break;
		default:
			break;
		}
		if (r && !x.status)
			x.status = r;
	}
	if (!x.status && ret < 0)
		x.status = TDK_EXIT_NEGATIVE;
	if (!x.status && !x.seen_doc)
		xr_error(&x, "EDI-XML-UNEXPECTED", "no <edifact> document element");
	if (!x.status && in->err)
		x.status = TDK_EXIT_IO;
out:
	if (x.r)
		xmlFreeTextReader(x.r);
	tdk_edi_segbuild_release(&x.sb);
	tdk_buf_release(&x.text);
	tdk_buf_release(&x.ws);
	tdk_buf_release(&x.endws);
	tdk_buf_release(&x.una_ws);
	return x.status;
}
