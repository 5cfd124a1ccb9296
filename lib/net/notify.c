/*
 * The notification reader: size, XML, schema, root, function code, LRN and
 * MRN, as lib/net/notify.h says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "net/notify.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "xml/xml.h"

#define RES_NS "urn:wco:datamodel:WCO:RES-DMS:2"
#define META_NS "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"

/* The DMS function codes (the DMS message names in the comments), their outcomes and ranks. */
static const struct code {
	const char *fc, *outcome;
	int final, rank;
} codes[] = {
	{ "01", "accepted", 0, 20 },              /* DMSACC */
	{ "02", "received", 0, 10 },              /* DMSRCV */
	{ "03", "rejected", 1, 90 },              /* DMSREJ */
	{ "05", "under-control", 0, 30 },         /* DMSCTL: undergoing a physical or documentary check */
	{ "06", "documents-required", 0, 30 },    /* DMSDOC */
	{ "07", "control-result", 0, 35 },        /* DMSRES */
	{ "08", "released", 1, 50 },              /* DMSROG: the goods are released */
	{ "09", "cleared", 1, 60 },               /* DMSCLE */
	{ "10", "cancelled", 1, 80 },             /* DMSINV: the declaration is invalidated */
	{ "11", "request", 0, 25 },               /* DMSREQ */
	{ "13", "tax-calculated", 0, 25 },        /* DMSTAX */
	{ "14", "customs-position", 0, 25 },      /* DMSCPI */
	{ "15", "customs-position", 0, 25 },      /* DMSCPR */
	{ "16", "goods-exited", 1, 70 },          /* DMSEOG */
	{ "18", "goods-arrived", 0, 22 },         /* DMSGER */
	/* AS2 MDNs (RFC 4130), not DMS: their "codes" are no DMS function code, only their outcomes count */
	{ "mdn-processed", "processed", 1, 40 },  /* the partner processed the message */
	{ "mdn-failed", "failed", 1, 90 },        /* processed/error or failed: as final as a rejection */
	{ NULL, NULL, 0, 0 }
};

const char *tdk_notify_outcome(const char *fc, int *final)
{
	const struct code *c;

	for (c = codes; c->fc; c++)
		if (!strcmp(c->fc, fc)) {
			*final = c->final;
			return c->outcome;
		}
	*final = 0;
	return NULL;
}

int tdk_notify_rank(const char *outcome)
{
	const struct code *c;

	for (c = codes; outcome && c->fc; c++)
		if (!strcmp(c->outcome, outcome))
			return c->rank;
	return 0;
}

/* Whether node is an element of that local name, in namespace ns or none. */
static int is(xmlNodePtr node, const char *name, const char *ns)
{
	return node && node->type == XML_ELEMENT_NODE && !strcmp((const char *)node->name, name) &&
	       (!node->ns || !node->ns->href || !strcmp((const char *)node->ns->href, ns));
}

/* The first child element of parent with that local name (any namespace), or NULL. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c = parent ? parent->children : NULL;

	while (c && (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, name)))
		c = c->next;
	return c;
}

/* The text of node without the blanks around it, printable ASCII only ('?' for the rest), into out. */
static void text_of(xmlNodePtr node, char *out, size_t size)
{
	xmlChar *t = node ? xmlNodeGetContent(node) : NULL;
	const unsigned char *p = t, *e;
	size_t k = 0;

	out[0] = '\0';
	if (!p)
		return;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	e = p + strlen((const char *)p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	for (; p < e && k + 1 < size; p++)
		out[k++] = *p >= 0x20 && *p < 0x7f ? (char)*p : '?';
	out[k] = '\0';
	xmlFree(t);
}

/* Well-formedness, limits and (with set) the schema, streaming.  Returns 0 or -1 (reported). */
static int check_xml(const char *buf, size_t len, const char *name, struct tdk_xml_schemas *set, struct tdk_diag *d)
{
	struct tdk_xml_opts o;
	struct tdk_input in;
	struct tdk_diag v = *d;   /* counts from zero: the validator judges by the count */
	int unchecked = 0, r;
	const char *cat;
	char *xsd = set ? tdk_xml_schemas_resolve(set, META_NS, &cat) : NULL;

	if (set && !xsd)
		xsd = tdk_xml_schemas_resolve(set, RES_NS, &cat);
	if (!xsd)
		set = NULL;
	free(xsd);
	tdk_xml_opts_init(&o);
	o.mode = set ? TDK_XML_SCHEMA_AUTO : TDK_XML_SCHEMA_NONE;
	o.set = set;
	o.limits.max_size = TDK_NOTIFY_BODY_MAX;
	tdk_input_open_mem(&in, name, buf, len);
	v.errors = v.warnings = v.notes = 0;
	v.stopped = 0;
	r = tdk_xml_validate(&in, &o, &v, &unchecked);
	d->errors += v.errors;
	d->warnings += v.warnings;
	d->notes += v.notes;
	return r == TDK_EXIT_OK && !v.errors ? 0 : -1;
}

/* The Response: the root, or a child of a MetaData root. */
static xmlNodePtr response_of(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), r;

	if (is(root, "Response", RES_NS))
		return root;
	if (!is(root, "MetaData", META_NS))
		return NULL;
	r = child(root, "Response");
	return is(r, "Response", RES_NS) ? r : NULL;
}

/* Reads what the Response says into n; returns 0, or -1 with why set (reported). */
static int read_response(struct tdk_notify *n, xmlNodePtr resp, char *why, size_t size, struct tdk_diag *d)
{
	xmlNodePtr decl = child(resp, "Declaration"), c;

	text_of(child(resp, "FunctionCode"), n->function_code, sizeof(n->function_code));
	if (!(n->outcome = tdk_notify_outcome(n->function_code, &n->final))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "NOTIFY-FUNCTION", NULL,
			     "the notification's function code '%s' is no DMS function code tdk knows",
			     n->function_code);
		snprintf(why, size, "unknown function code '%s'", n->function_code);
		return -1;
	}
	n->rank = tdk_notify_rank(n->outcome);
	text_of(child(decl, "FunctionalReferenceID"), n->lrn, sizeof(n->lrn));
	text_of(child(decl, "ID"), n->mrn, sizeof(n->mrn));
	for (c = resp->children; c; c = c->next)
		n->errors += c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "Error");
	return 0;
}

int tdk_notify_read(const char *buf, size_t len, const char *name, struct tdk_xml_schemas *set,
		    struct tdk_notify *n, char *why, size_t size, struct tdk_diag *d)
{
	xmlDocPtr doc;

	memset(n, 0, sizeof(*n));
	why[0] = '\0';
	if (len > TDK_NOTIFY_BODY_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "NOTIFY-TOO-LARGE", NULL,
			     "the notification is %zu bytes, more than the %u read", len, TDK_NOTIFY_BODY_MAX);
		snprintf(why, size, "%zu bytes: too large", len);
		return TDK_EXIT_IO;
	}
	if (!tdk_xml_sniff(buf, len)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "NOTIFY-NOT-XML", NULL, "the notification is not XML");
		snprintf(why, size, "not XML");
		return TDK_EXIT_IO;
	}
	if (check_xml(buf, len, name, set, d) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "NOTIFY-INVALID", NULL,
			     set ? "the notification is not well-formed or not valid by its schema"
				 : "the notification is not well-formed XML");
		snprintf(why, size, set ? "not valid by its schema" : "not well-formed");
		return TDK_EXIT_IO;
	}
	if (!(doc = tdk_xml_parse(buf, len, name, "CDS", NULL, d))) {
		snprintf(why, size, "not well-formed");
		return TDK_EXIT_IO;
	}
	n->doc = doc;
	if (!(n->response = response_of(doc))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "NOTIFY-ROOT", NULL,
			     "no DMS Response (RES-DMS:2, alone or in a DocumentMetaData-DMS:2 MetaData): it is no notification");
		snprintf(why, size, "no DMS Response");
		return TDK_EXIT_IO;
	}
	return read_response(n, n->response, why, size, d) < 0 ? TDK_EXIT_IO : 0;
}

void tdk_notify_release(struct tdk_notify *n)
{
	xmlFreeDoc(n->doc);
	n->doc = NULL;
	n->response = NULL;
}
