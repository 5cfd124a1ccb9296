/*
 * Safe, streaming reading of XML 1.0 documents (W3C XML 1.0 fifth edition,
 * Namespaces in XML 1.0) with optional XSD 1.0 validation on the same pass.
 *
 * The document goes through libxml2's SAX2 push parser with tdk's own
 * handlers in front: they enforce the limits, refuse a document type
 * declaration at its first token (so no internal subset, entity declaration
 * or external subset is ever read: XML 1.0 §2.8), answer every entity lookup
 * with "not declared" (only the predefined entities of §4.6 and character
 * references remain), and build a tree only when Schematron rules need one.
 * The schema is chosen when the root's start tag has been read (by its
 * namespace, or its xsi:schemaLocation on request) and plugged in front of
 * the handlers with xmlSchemaSAXPlug, so validation streams too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/schematron.h>
#include <libxml/xmlschemas.h>

#include "util/exitcode.h"
#include "xml/internal.h"

#define CHUNK 65536
/* libxml2's own ceilings without XML_PARSE_HUGE (parserInternals.h). */
#define LIBXML_DEPTH 256
#define LIBXML_TEXT 10000000

void tdk_xml_limits_init(struct tdk_xml_limits *l)
{
	l->max_size = (uint64_t)1 << 30;
	l->max_depth = 256;
	l->max_attrs = 256;
	l->max_text = (size_t)10 << 20;
}

void tdk_xml_opts_init(struct tdk_xml_opts *o)
{
	memset(o, 0, sizeof(*o));
	tdk_xml_limits_init(&o->limits);
	o->mode = TDK_XML_SCHEMA_AUTO;
}

void tdk_xml_errors_push(struct tdk_xml_errsave *sv, xmlStructuredErrorFunc fn, void *ctx)
{
	sv->fn = xmlStructuredError;
	sv->ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(ctx, fn);
}

void tdk_xml_errors_pop(const struct tdk_xml_errsave *sv)
{
	xmlSetStructuredErrorFunc(sv->ctx, sv->fn);
}

const char *tdk_xml_code(const xmlError *e)
{
	switch (e->domain) {
	case XML_FROM_SCHEMASV:
		return "XML-XSD";
	case XML_FROM_SCHEMASP:
		return "XML-XSD-COMPILE";
	case XML_FROM_SCHEMATRONV:
		return "XML-RULE";
	case XML_FROM_CATALOG:
		return "XML-CATALOG";
	case XML_FROM_NAMESPACE:
		return "XML-NAMESPACE";
	case XML_FROM_I18N:
		return "XML-ENCODING";
	default:
		break;
	}
	switch (e->code) {
	case XML_ERR_HYPHEN_IN_COMMENT:
		return "XML-COMMENT";
	case XML_ERR_UNKNOWN_ENCODING:
	case XML_ERR_UNSUPPORTED_ENCODING:
	case XML_ERR_INVALID_ENCODING:
		return "XML-ENCODING";
	case XML_ERR_INVALID_CHAR:
		/* "Input is not proper UTF-8, indicate encoding !" and its kin. */
		if (e->message && strstr(e->message, "encoding"))
			return "XML-ENCODING";
		return "XML-SYNTAX";
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
	case XML_ERR_ENTITY_IS_EXTERNAL:
	case XML_ERR_ENTITY_IS_PARAMETER:
	case XML_ERR_ENTITY_LOOP:
	case XML_ERR_ENTITY_PROCESSING:
	case XML_ERR_ENTITYREF_AT_EOF:
	case XML_ERR_ENTITYREF_IN_PROLOG:
	case XML_ERR_ENTITYREF_IN_EPILOG:
	case XML_ERR_ENTITYREF_NO_NAME:
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
		return "XML-ENTITY";
	default:
		break;
	}
	if (e->code >= XML_NS_ERR_XML_NAMESPACE && e->code <= XML_NS_ERR_COLON)
		return "XML-NAMESPACE";
	/* libxml2's own ceiling (256, or 2048 with XML_PARSE_HUGE) whatever --max-depth says. */
	if (e->code == XML_ERR_INTERNAL_ERROR && e->message && strstr(e->message, "Excessive depth"))
		return "XML-LIMIT-DEPTH";
	if (e->domain == XML_FROM_IO)
		return "XML-EXTERNAL";
	return "XML-SYNTAX";
}

int tdk_xml_premature_end(const void *error, char *msg, size_t n)
{
	const xmlError *e = error;
	const xmlParserCtxt *p;

	/*
	 * libxml2 raises XML_ERR_DOCUMENT_END both for content after the root
	 * element (in the epilog) and, when the input ends, for a document whose
	 * root is not complete; only the first is extra content.
	 */
	if (!e || e->domain != XML_FROM_PARSER || e->code != XML_ERR_DOCUMENT_END || !e->ctxt)
		return 0;
	p = e->ctxt;
	if (p->instate == XML_PARSER_EPILOG)
		return 0;
	if (p->name)
		snprintf(msg, n, "the document ends early: element '%s' is not closed",
			 (const char *)p->name);
	else
		snprintf(msg, n, "the document ends early: its root element is not complete");
	return 1;
}

int tdk_xml_report(struct tdk_diag *d, const xmlError *e, unsigned long line, unsigned long col)
{
	struct tdk_diag_loc loc;
	enum tdk_severity sev = e->level == XML_ERR_WARNING ? TDK_SEV_WARNING : TDK_SEV_ERROR;
	const char *saved = d->file;
	char msg[TDK_DIAG_MSG_MAX], *p;
	size_t n;
	int r;

	if (!tdk_xml_premature_end(e, msg, sizeof(msg)))
		snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	for (p = msg; (p = strchr(p, '\n'));)
		*p = ' ';
	/* libxml2 capitalises; tdk's messages start in lower case. */
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	memset(&loc, 0, sizeof(loc));
	if (e->line > 0) {
		loc.line = (unsigned long)e->line;
		loc.col = e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE ||
			  e->domain == XML_FROM_IO ? (unsigned long)(e->int2 > 0 ? e->int2 : 0) : 0;
	} else {
		loc.line = line;
		loc.col = col;
	}
	if (e->file && e->domain == XML_FROM_SCHEMASP)
		d->file = e->file;
	r = tdk_diag_add(d, sev, tdk_xml_code(e), &loc, "%s", msg);
	d->file = saved;
	return r;
}

/* ---- the streaming reader ---- */

struct xs {
	xmlParserCtxtPtr p;
	struct tdk_input *in;
	const struct tdk_xml_opts *o;
	struct tdk_diag *d;
	xmlSAXHandler sax;          /* the handlers the plug wraps */
	xmlSAXHandlerPtr plug_sax;  /* what xmlSchemaSAXPlug handed back; it writes here on unplug */
	void *plug_ud;
	xmlSAXHandlerPtr saved_sax; /* the parser's own, restored before it is freed */
	xmlSchemaValidCtxtPtr vctxt;
	xmlSchemaSAXPlugPtr plug;
	xmlSchemaPtr schema;
	unsigned long depth;
	size_t text;
	int status;                 /* set by a fatal fault: a limit, a DTD, a broken schema set */
	int stopped;
	int forwarding;
	int build_tree;
	int root_unknown;           /* the root matched no schema: hint at the end */
	int root_undeclared;        /* the validator found no declaration for the root */
	char root_name[128], child_name[128];
	struct tdk_diag_loc root_loc;
};

static void here(struct xs *x, struct tdk_diag_loc *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (x->p && x->p->input) {
		loc->line = (unsigned long)x->p->input->line;
		loc->col = (unsigned long)x->p->input->col;
	}
}

static void stop(struct xs *x, int status)
{
	if (status > x->status)
		x->status = status;
	if (!x->stopped) {
		x->stopped = 1;
		xmlStopParser(x->p);
	}
}

static void fault(struct xs *x, const char *code, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fault(struct xs *x, const char *code, int status, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	here(x, &loc);
	va_start(ap, fmt);
	tdk_diag_addv(x->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	stop(x, status);
}

/* The hint for xs:dateTime values that libxml2 refuses because of surrounding blanks. */
static void datetime_hint(struct xs *x, const xmlError *e, const struct tdk_diag_loc *loc)
{
	const char *m = e->message, *v, *end;

	if (!m || !strstr(m, "is not a valid value of the atomic type 'xs:date") ||
	    !(v = strstr(m, "': '")) || !(end = strstr(v + 4, "' is not a valid value")))
		return;
	v += 4;
	if (end > v && (strchr(" \t\r\n", *v) || strchr(" \t\r\n", end[-1])))
		tdk_diag_add(x->d, TDK_SEV_NOTE, "XML-HINT-DATETIME", loc,
			     "the value has blanks or line breaks around it: XSD 1.0 Part 2 §3.2.7 "
			     "collapses whitespace in xs:dateTime, but libxml2 (and so this check) "
			     "rejects it; write the value without them");
}

static void on_error(void *arg, xmlErrorPtr e)
{
	struct xs *x = arg;
	struct tdk_diag_loc loc;

	if (!e || e->code == XML_ERR_USER_STOP)
		return;
	/* After a fault of our own, the parser's follow-up complaints add nothing. */
	if (x->stopped && e->domain == XML_FROM_PARSER)
		return;
	here(x, &loc);
	if (e->domain == XML_FROM_SCHEMATRONV) {
		/* str1 is the pattern's id, str3 the assertion's text, line the node's (ISO/IEC 19757-3 §5.4). */
		char text[TDK_DIAG_MSG_MAX];
		size_t n;

		snprintf(text, sizeof(text), "%s", e->str3 ? e->str3 : "assertion failed");
		n = strlen(text);
		while (n && strchr(" \t\r\n", text[n - 1]))
			text[--n] = '\0';
		loc.line = e->line > 0 ? (unsigned long)e->line : 0;
		loc.col = 0;
		if (tdk_diag_add(x->d, TDK_SEV_ERROR, "XML-RULE", &loc, "rule '%s': %s (%s)",
				 e->str1 ? e->str1 : "?", text, e->str2 ? e->str2 : "?"))
			stop(x, 0);
		return;
	}
	if (e->domain == XML_FROM_SCHEMASV && e->code == XML_SCHEMAV_CVC_ELT_1 && x->depth <= 1)
		x->root_undeclared = 1;
	if (tdk_xml_report(x->d, e, loc.line, loc.col))
		stop(x, 0);
	if (e->domain == XML_FROM_SCHEMASV)
		datetime_hint(x, e, e->line > 0 ? &(struct tdk_diag_loc){ .line = (unsigned long)e->line } : &loc);
}

static void internal_subset(void *ud, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	(void)eid;
	(void)sid;
	if (x->forwarding)
		return;
	fault(x, "XML-DTD", TDK_EXIT_NEGATIVE,
	      "document type declaration '%s' refused: tdk reads no DTD, internal or external, "
	      "so that no entity can expand or fetch anything", name ? (const char *)name : "");
}

static xmlEntityPtr get_entity(void *ud, const xmlChar *name)
{
	(void)ud;
	return xmlGetPredefinedEntity(name);
}

static void text_limit(struct xs *x, int len)
{
	x->text += (size_t)len;
	if (x->text > x->o->limits.max_text)
		fault(x, "XML-LIMIT-TEXT", TDK_EXIT_NEGATIVE,
		      "a text node is longer than %zu bytes (--max-text)", x->o->limits.max_text);
}

static void characters(void *ud, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->forwarding || x->stopped)
		return;
	text_limit(x, len);
	if (x->build_tree && !x->stopped)
		xmlSAX2Characters(p, ch, len);
}

static void cdata(void *ud, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->forwarding || x->stopped)
		return;
	text_limit(x, len);
	if (x->build_tree && !x->stopped)
		xmlSAX2CDataBlock(p, ch, len);
}

static void comment(void *ud, const xmlChar *v)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->forwarding)
		return;
	x->text = 0;
	if (x->build_tree && !x->stopped)
		xmlSAX2Comment(p, v);
}

static void pi(void *ud, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->forwarding)
		return;
	x->text = 0;
	if (x->build_tree && !x->stopped)
		xmlSAX2ProcessingInstruction(p, target, data);
}

static void start_document(void *ud)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->build_tree)
		xmlSAX2StartDocument(p);
}

static void end_document(void *ud)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->build_tree && !x->forwarding)
		xmlSAX2EndDocument(p);
}

/* The location xsi:schemaLocation gives for namespace ns (NULL: noNamespaceSchemaLocation). */
static char *schema_location(const xmlChar *ns, int nattrs, const xmlChar **attrs)
{
	static const char xsi[] = "http://www.w3.org/2001/XMLSchema-instance";
	int i;

	for (i = 0; i < nattrs; i++) {
		const xmlChar **a = attrs + 5 * i;
		const char *v = (const char *)a[3];
		size_t n = (size_t)(a[4] - a[3]);

		if (!a[2] || strcmp((const char *)a[2], xsi))
			continue;
		if (!ns && !strcmp((const char *)a[0], "noNamespaceSchemaLocation"))
			return strndup(v, n);
		if (ns && !strcmp((const char *)a[0], "schemaLocation")) {
			/* Pairs "namespace location", separated by blanks (XSD 1.0 Part 1 §4.3.2). */
			const char *p = v, *end = v + n;
			size_t nslen = strlen((const char *)ns);

			for (;;) {
				const char *t1, *t2;
				size_t l1, l2;

				while (p < end && strchr(" \t\r\n", *p))
					p++;
				t1 = p;
				while (p < end && !strchr(" \t\r\n", *p))
					p++;
				l1 = (size_t)(p - t1);
				while (p < end && strchr(" \t\r\n", *p))
					p++;
				t2 = p;
				while (p < end && !strchr(" \t\r\n", *p))
					p++;
				l2 = (size_t)(p - t2);
				if (!l1 || !l2)
					break;
				if (l1 == nslen && !memcmp(t1, ns, l1))
					return strndup(t2, l2);
			}
		}
	}
	return NULL;
}

/* A schema location relative to the document, as a local path; NULL for a URL. */
static char *local_location(const char *doc, const char *loc)
{
	const char *slash;
	char *r;
	size_t n;

	if (!strncmp(loc, "file://", 7))
		return strdup(loc + 7);
	/* Another file: form, or any other scheme: not a path tdk reads. */
	if (!strncmp(loc, "file:", 5) || tdk_xml_is_network(loc))
		return NULL;
	if (loc[0] == '/' || !doc || !(slash = strrchr(doc, '/')))
		return strdup(loc);
	n = (size_t)(slash - doc) + 1 + strlen(loc) + 1;
	r = malloc(n);
	if (r)
		snprintf(r, n, "%.*s/%s", (int)(slash - doc), doc, loc);
	return r;
}

/* Chooses the root's schema; returns it, or NULL (x->status says whether that is fatal). */
static xmlSchemaPtr choose_schema(struct xs *x, const xmlChar *localname, const xmlChar *uri,
				  int nattrs, const xmlChar **attrs)
{
	const struct tdk_xml_opts *o = x->o;
	struct tdk_diag_loc loc;
	const char *catalog = NULL;
	char *path = NULL, *hint = NULL;
	void *schema = NULL;
	int r;

	if (o->mode == TDK_XML_SCHEMA_FIXED)
		return o->schema;
	if (o->mode == TDK_XML_SCHEMA_NONE || !o->set)
		return NULL;
	here(x, &loc);
	if (o->use_schema_location && (hint = schema_location(uri, nattrs, attrs))) {
		path = tdk_xml_schemas_resolve(o->set, hint, &catalog);
		if (!path && !(path = local_location(x->in->name, hint))) {
			fault(x, "XML-EXTERNAL", TDK_EXIT_IO,
			      "xsi:schemaLocation '%s' is not a local file, and tdk never uses the "
			      "network: register a local copy with a catalog entry "
			      "<system systemId=\"%s\" uri=\"FILE.xsd\"/>", hint, hint);
			goto out;
		}
	} else if (uri) {
		path = tdk_xml_schemas_resolve(o->set, (const char *)uri, &catalog);
		if (!path) {
			tdk_diag_add(x->d, TDK_SEV_WARNING, "XML-XSD-UNKNOWN", &loc,
				     "no schema is registered for namespace '%s' (root element '%s'), so "
				     "it is checked for well-formedness only: "
				     "add <uri name=\"%s\" uri=\"FILE.xsd\"/> to a catalog given with "
				     "--catalog or TDK_CATALOG, or name the schema with --schema",
				     (const char *)uri, (const char *)localname, (const char *)uri);
			x->root_unknown = 1;
			goto out;
		}
	} else {
		tdk_diag_add(x->d, TDK_SEV_WARNING, "XML-XSD-UNKNOWN", &loc,
			     "root element '%s' is in no namespace, so no catalog can name its "
			     "schema and it is checked for well-formedness only: give it with --schema",
			     (const char *)localname);
		x->root_unknown = 1;
		goto out;
	}
	if (!path) {
		fault(x, "XML-INTERNAL", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (catalog) {
		struct stat st;

		if (stat(path, &st) != 0) {
			fault(x, "XML-CATALOG", TDK_EXIT_IO,
			      "catalog '%s' maps '%s' to '%s', which cannot be read: %s", catalog,
			      hint ? hint : (const char *)uri, path, strerror(errno));
			goto out;
		}
	}
	r = tdk_xml_schemas_get(o->set, path, x->d, &schema);
	if (r) {
		fault(x, "XML-XSD-BROKEN", r,
		      "the schema '%s' for namespace '%s' cannot be used (see above): the document "
		      "is not checked against it", path, uri ? (const char *)uri : "");
		schema = NULL;
	}
out:
	free(path);
	free(hint);
	return schema;
}

static void plug_schema(struct xs *x, xmlSchemaPtr schema)
{
	x->vctxt = xmlSchemaNewValidCtxt(schema);
	if (!x->vctxt) {
		fault(x, "XML-INTERNAL", TDK_EXIT_INTERNAL, "out of memory");
		return;
	}
	xmlSchemaSetValidStructuredErrors(x->vctxt, on_error, x);
	x->plug_sax = &x->sax;
	x->plug_ud = x->p;
	x->plug = xmlSchemaSAXPlug(x->vctxt, &x->plug_sax, &x->plug_ud);
	if (!x->plug) {
		fault(x, "XML-INTERNAL", TDK_EXIT_INTERNAL, "cannot start schema validation");
		return;
	}
	x->saved_sax = x->p->sax;
	x->p->sax = x->plug_sax;
	x->p->userData = x->plug_ud;
	x->schema = schema;
}

static void start_element(void *ud, const xmlChar *localname, const xmlChar *prefix,
			  const xmlChar *uri, int nns, const xmlChar **nss, int nattrs,
			  int ndefaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->forwarding || x->stopped)
		return;
	x->depth++;
	x->text = 0;
	if (x->depth > x->o->limits.max_depth) {
		fault(x, "XML-LIMIT-DEPTH", TDK_EXIT_NEGATIVE,
		      "elements are nested deeper than %lu (--max-depth)", x->o->limits.max_depth);
		return;
	}
	/* The attributes' count and lengths were checked by the guard before libxml2 read them. */
	if (x->depth == 1) {
		xmlSchemaPtr schema;

		snprintf(x->root_name, sizeof(x->root_name), "%s", (const char *)localname);
		here(x, &x->root_loc);
		schema = choose_schema(x, localname, uri, nattrs, attrs);
		if (x->stopped)
			return;
		if (schema) {
			plug_schema(x, schema);
			if (x->stopped)
				return;
			/* The plug only sees what comes after it: hand it the root. */
			x->forwarding = 1;
			x->plug_sax->startElementNs(x->plug_ud, localname, prefix, uri, nns, nss, nattrs,
						    ndefaulted, attrs);
			x->forwarding = 0;
		}
	} else if (x->depth == 2 && !x->child_name[0]) {
		snprintf(x->child_name, sizeof(x->child_name), "%s", (const char *)localname);
	}
	if (x->build_tree && !x->stopped)
		xmlSAX2StartElementNs(p, localname, prefix, uri, nns, nss, nattrs, ndefaulted, attrs);
}

static void end_element(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr p = ud;
	struct xs *x = p->_private;

	if (x->forwarding || x->stopped)
		return;
	if (x->depth)
		x->depth--;
	x->text = 0;
	if (x->build_tree)
		xmlSAX2EndElementNs(p, localname, prefix, uri);
}

static void set_handlers(xmlSAXHandler *h)
{
	memset(h, 0, sizeof(*h));
	h->initialized = XML_SAX2_MAGIC;
	h->internalSubset = internal_subset;
	h->getEntity = get_entity;
	h->startDocument = start_document;
	h->endDocument = end_document;
	h->startElementNs = start_element;
	h->endElementNs = end_element;
	h->characters = characters;
	h->ignorableWhitespace = characters;
	h->cdataBlock = cdata;
	h->comment = comment;
	h->processingInstruction = pi;
}

/*
 * Hands the next n bytes to libxml2 (n == 0: the end of the input) once the
 * guard has seen them.  When a limit is passed, the bytes before it still go
 * in, so that a fault earlier in the chunk is reported first, as it would
 * have been without the guard.
 */
static void feed(struct xs *x, struct tdk_xml_guard *g, const char *buf, size_t n)
{
	size_t ok = tdk_xml_guard_scan(g, buf, n);

	if (!g->fired) {
		xmlParseChunk(x->p, buf, (int)n, n == 0);
		return;
	}
	if (ok)
		xmlParseChunk(x->p, buf, (int)ok, 0);
	if (x->stopped || x->p->disableSAX)
		return;
	tdk_xml_guard_report(g, x->d);
	stop(x, TDK_EXIT_NEGATIVE);
}

/* Checks the tree against the Schematron rules; failed assertions are XML-RULE errors. */
static void apply_rules(struct xs *x, xmlDocPtr doc)
{
	xmlSchematronValidCtxtPtr vc = xmlSchematronNewValidCtxt(x->o->rules, XML_SCHEMATRON_OUT_ERROR);

	if (!vc) {
		fault(x, "XML-INTERNAL", TDK_EXIT_INTERNAL, "out of memory");
		return;
	}
	xmlSchematronSetValidStructuredErrors(vc, on_error, x);
	xmlSchematronValidateDoc(vc, doc);
	xmlSchematronFreeValidCtxt(vc);
}

int tdk_xml_validate(struct tdk_input *in, const struct tdk_xml_opts *o, struct tdk_diag *d, int *unchecked)
{
	struct xs x;
	struct tdk_xml_errsave sv;
	struct tdk_xml_guard guard;
	char *buf = NULL;
	ssize_t n;
	uint64_t total = 0;
	int opts = XML_PARSE_NONET, r = TDK_EXIT_OK;

	if (unchecked)
		*unchecked = 0;
	memset(&x, 0, sizeof(x));
	x.in = in;
	x.o = o;
	x.d = d;
	x.build_tree = o->rules != NULL;
	set_handlers(&x.sax);
	tdk_xml_errors_push(&sv, on_error, &x);
	buf = malloc(CHUNK);
	if (!buf) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	/* The first bytes go in with the context: libxml2 detects the encoding from them. */
	n = tdk_input_read(in, buf, 4);
	if (n < 0) {
		r = TDK_EXIT_IO;
		goto out;
	}
	total = (uint64_t)n;
	tdk_xml_guard_init(&guard, &o->limits);
	/* Four bytes cannot pass a limit; the guard needs them to tell the encoding. */
	tdk_xml_guard_scan(&guard, buf, (size_t)n);
	x.p = xmlCreatePushParserCtxt(&x.sax, NULL, buf, (int)n, in->name);
	if (!x.p) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	x.p->_private = &x;
	x.p->linenumbers = 1;
	if (o->limits.max_depth > LIBXML_DEPTH || o->limits.max_text > LIBXML_TEXT)
		opts |= XML_PARSE_HUGE;
	/* Never XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR or XML_PARSE_XINCLUDE. */
	xmlCtxtUseOptions(x.p, opts);
	while (!x.stopped) {
		n = tdk_input_read(in, buf, CHUNK);
		if (n < 0) {
			r = TDK_EXIT_IO;
			goto out;
		}
		total += (uint64_t)n;
		if (o->limits.max_size && total > o->limits.max_size) {
			fault(&x, "XML-LIMIT-SIZE", TDK_EXIT_NEGATIVE,
			      "the document is larger than %llu bytes (--max-size)",
			      (unsigned long long)o->limits.max_size);
			break;
		}
		feed(&x, &guard, buf, (size_t)n);
		/* A fatal error disables SAX: the verdict is known, read no further. */
		if (n == 0 || x.p->instate == XML_PARSER_EOF || x.p->disableSAX)
			break;
	}
	if (unchecked)
		*unchecked = x.root_unknown;
	if (x.root_unknown || x.root_undeclared) {
		int given = x.root_undeclared && x.schema;

		tdk_xml_namespace_hint(o->set, given ? x.schema : NULL, x.root_name,
				       x.child_name[0] ? x.child_name : NULL, d, &x.root_loc);
	}
	if (x.build_tree && !x.stopped && x.p->wellFormed && x.p->myDoc && !d->errors)
		apply_rules(&x, x.p->myDoc);
out:
	if (x.plug) {
		xmlSchemaSAXUnplug(x.plug);
		x.p->sax = x.saved_sax;
		x.p->userData = x.p;
	}
	xmlSchemaFreeValidCtxt(x.vctxt);
	if (x.p) {
		xmlFreeDoc(x.p->myDoc);
		x.p->myDoc = NULL;
		xmlFreeParserCtxt(x.p);
	}
	tdk_xml_errors_pop(&sv);
	free(buf);
	if (r)
		return r;
	if (x.status > TDK_EXIT_NEGATIVE)
		return x.status;
	return d->errors ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
}

int tdk_xml_sniff(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	else if (n >= 2 && (!memcmp(p, "\xFF\xFE", 2) || !memcmp(p, "\xFE\xFF", 2)))
		return 1;
	while (i < n && strchr(" \t\r\n", p[i]))
		i++;
	if (i >= n || p[i] != '<')
		return 0;
	{
		const char *s = p + i, *e = p + n;
		const char *ns = "http://www.w3.org/2001/XMLSchema\"";

		/* A root named schema (with any prefix) bound to the XSD namespace. */
		for (; s + 8 < e; s++)
			if ((s[0] == '<' || s[0] == ':') && !memcmp(s + 1, "schema", 6) &&
			    strchr(" \t\r\n>", s[7])) {
				size_t k;

				for (k = 0; s + k + strlen(ns) <= e; k++)
					if (!memcmp(s + k, ns, strlen(ns)))
						return 2;
				return 1;
			}
	}
	return 1;
}
