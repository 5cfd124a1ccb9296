/*
 * ebMS 3 headers read: the eb:Messaging header of a SOAP envelope into a
 * struct tdk_ebms_msg (see ebms.h); the checks of section 5.2 are in
 * ebms-check.c, the XSD validation at the end of this file.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "net/ebms.h"
#include "net/ebms-int.h"
#include "util/exitcode.h"
#include "xml/xml.h"

#define SOAP11_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP12_NS "http://www.w3.org/2003/05/soap-envelope"

void tdk_ebms_msg_init(struct tdk_ebms_msg *m)
{
	memset(m, 0, sizeof(*m));
}

static void free_props(struct tdk_ebms_prop *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].type);
		free(p[i].value);
	}
}

static void free_party(struct tdk_ebms_party *p)
{
	free(p->id);
	free(p->type);
	free(p->role);
}

static void free_user(struct tdk_ebms_user *u)
{
	char *s[] = { u->timestamp, u->message_id, u->ref_to, u->mpc, u->agreement, u->agreement_type,
		      u->agreement_pmode, u->service, u->service_type, u->action, u->conversation_id };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(s[i]);
	free_party(&u->from);
	free_party(&u->to);
	free_props(u->props, u->nprops);
	for (size_t i = 0; i < u->nparts; i++) {
		free(u->parts[i].href);
		free(u->parts[i].mime_type);
		free(u->parts[i].compression);
		free_props(u->parts[i].props, u->parts[i].nprops);
	}
}

static void free_signal(struct tdk_ebms_signal *s)
{
	free(s->timestamp);
	free(s->message_id);
	free(s->ref_to);
	free(s->pull_mpc);
	for (size_t i = 0; i < s->nrefs; i++) {
		free(s->refs[i].uri);
		free(s->refs[i].digest_method);
		free(s->refs[i].digest_value);
		free(s->refs[i].transforms);
	}
	for (size_t i = 0; i < s->nerrors; i++) {
		struct tdk_ebms_error *e = &s->errors[i];
		char *f[] = { e->code, e->severity, e->category, e->origin, e->ref_in_error, e->short_desc,
			      e->detail };

		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			free(f[k]);
	}
}

void tdk_ebms_msg_release(struct tdk_ebms_msg *m)
{
	for (size_t i = 0; i < m->nsig_refs; i++) {
		free(m->sig_refs[i].uri);
		free(m->sig_refs[i].digest_method);
		free(m->sig_refs[i].digest_value);
		free(m->sig_refs[i].transforms);
	}
	free_user(&m->user);
	free_signal(&m->signal);
	tdk_ebms_msg_init(m);
}

/* ---- Tree helpers, shared with ebms-check.c and ebms-pmode.c ---- */

int ebms_is(const xmlNode *n, const char *ns, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, local) &&
	       (ns ? n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns) : 1);
}

xmlNode *ebms_child(const xmlNode *n, const char *ns, const char *local)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (ebms_is(c, ns, local))
			return c;
	return NULL;
}

xmlNode *ebms_next(const xmlNode *n, const char *ns, const char *local)
{
	for (xmlNode *c = n ? n->next : NULL; c; c = c->next)
		if (ebms_is(c, ns, local))
			return c;
	return NULL;
}

/* The text of n (its content, blanks around it removed), owned by the caller; NULL for no node. */
char *ebms_text(const xmlNode *n)
{
	xmlChar *t;
	char *s;
	size_t a = 0, b;

	if (!n || !(t = xmlNodeGetContent(n)))
		return NULL;
	b = strlen((char *)t);
	while (a < b && strchr(" \t\r\n", t[a]))
		a++;
	while (b > a && strchr(" \t\r\n", t[b - 1]))
		b--;
	s = strndup((char *)t + a, b - a);
	xmlFree(t);
	return s;
}

char *ebms_attr(const xmlNode *n, const char *name)
{
	xmlChar *v;
	char *s;

	if (!n || !(v = xmlGetProp(n, (const xmlChar *)name)))
		return NULL;
	s = strdup((char *)v);
	xmlFree(v);
	return s;
}

void ebms_loc(const xmlNode *n, struct tdk_diag_loc *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (n)
		loc->line = (unsigned long)xmlGetLineNo(n);
}

/* ---- Parsing through lib/xml with the EBMS code ---- */

struct recode {
	struct tdk_diag *to;
	const char *code;
};

/* Passes lib/xml's items on, its "<prefix>-XML" codes as the caller's code, the limits as they are. */
static void recode_emit(void *arg, const struct tdk_diag_item *it)
{
	struct recode *r = arg;
	const char *code = strncmp(it->code, "XML-", 4) ? r->code : it->code;

	tdk_diag_add(r->to, it->sev, code, &it->loc, "%s", it->msg);
}

xmlDoc *ebms_parse(const char *buf, size_t len, const char *name, const char *code, struct tdk_diag *d)
{
	struct tdk_diag inner;
	struct recode r = { d, code };
	struct tdk_xml_limits lim;
	xmlDoc *doc;

	tdk_xml_limits_init(&lim);
	lim.max_size = TDK_EBMS_MAX_SIZE;
	tdk_diag_init(&inner, name);
	inner.emit = recode_emit;
	inner.arg = &r;
	doc = tdk_xml_parse_ex(buf, len, name, "VERIFY", 0, &lim, &inner);
	if (!doc && !inner.errors)
		tdk_diag_add(d, TDK_SEV_ERROR, code, NULL, "not well-formed XML");
	return doc;
}

/* The SOAP Header of doc's envelope, *soap12 set; NULL when the root is not a SOAP envelope. */
static xmlNode *soap_header(xmlDoc *doc, int *soap12, int *envelope)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	const char *ns = SOAP12_NS;

	*envelope = 1;
	if (ebms_is(root, SOAP11_NS, "Envelope"))
		ns = SOAP11_NS;
	else if (!ebms_is(root, SOAP12_NS, "Envelope")) {
		*envelope = 0;
		return NULL;
	}
	*soap12 = ns[7] == 'w';
	return ebms_child(root, ns, "Header");
}

int tdk_ebms_is_message(const char *buf, size_t len)
{
	struct tdk_diag quiet;
	xmlDoc *doc;
	int soap12, env, ret;

	tdk_diag_init(&quiet, "-");
	doc = ebms_parse(buf, len, "-", "EBMS-XML", &quiet);
	if (!doc)
		return 0;
	ret = ebms_child(soap_header(doc, &soap12, &env), TDK_EBMS_NS, "Messaging") != NULL;
	xmlFreeDoc(doc);
	return ret;
}

#define WSSE_NS "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"

/*
 * The ds:Transforms of reference r serialised on its own: a copy in a
 * document of its own, whose namespaces are declared on it, so that it can
 * be put into another document as it is.  NULL when r has none.
 */
static char *transforms_xml(const xmlNode *r)
{
	xmlNode *t = ebms_child(r, DSIG_NS, "Transforms"), *c;
	xmlBuffer *b = NULL;
	xmlDoc *doc;
	char *s = NULL;

	if (!t || !(doc = xmlNewDoc((const xmlChar *)"1.0")))
		return NULL;
	if ((c = xmlDocCopyNode(t, doc, 1)) != NULL) {
		xmlDocSetRootElement(doc, c);
		if (xmlReconciliateNs(doc, c) >= 0 && (b = xmlBufferCreate()) != NULL && xmlNodeDump(b, doc, c, 0, 0) > 0)
			s = strdup((const char *)xmlBufferContent(b));
	}
	xmlBufferFree(b);
	xmlFreeDoc(doc);
	return s;
}

/* The ds:References of the first wsse:Security header's signature into m->sig_refs. */
static void signed_refs(const xmlNode *header, struct tdk_ebms_msg *m)
{
	xmlNode *si = ebms_child(ebms_child(ebms_child(header, WSSE_NS, "Security"), DSIG_NS, "Signature"), DSIG_NS,
				 "SignedInfo");

	for (xmlNode *r = ebms_child(si, DSIG_NS, "Reference"); r && m->nsig_refs < TDK_EBMS_MAX_REFS;
	     r = ebms_next(r, DSIG_NS, "Reference")) {
		struct tdk_ebms_ref *x = &m->sig_refs[m->nsig_refs++];

		x->uri = ebms_attr(r, "URI");
		x->digest_method = ebms_attr(ebms_child(r, DSIG_NS, "DigestMethod"), "Algorithm");
		x->digest_value = ebms_text(ebms_child(r, DSIG_NS, "DigestValue"));
		x->transforms = transforms_xml(r);
	}
}

int tdk_ebms_read_doc(xmlDoc *doc, struct tdk_ebms_msg *m, struct tdk_diag *d)
{
	unsigned long before = d->errors;
	struct tdk_diag_loc loc;
	xmlNode *header, *msg;
	int env = 0;

	header = soap_header(doc, &m->soap12, &env);
	ebms_loc(xmlDocGetRootElement(doc), &loc);
	if (!env || !header) {
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-SOAP", &loc, env ? "the SOAP envelope has no Header" :
			     "the root element is not a SOAP 1.1 or 1.2 Envelope");
		return TDK_EXIT_NEGATIVE;
	}
	signed_refs(header, m);
	msg = ebms_child(header, TDK_EBMS_NS, "Messaging");
	if (!msg) {
		ebms_loc(header, &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-NO-MESSAGING", &loc, "the SOAP Header holds no eb:Messaging");
		return TDK_EXIT_NEGATIVE;
	}
	if (ebms_next(msg, TDK_EBMS_NS, "Messaging")) {
		ebms_loc(ebms_next(msg, TDK_EBMS_NS, "Messaging"), &loc);
		tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-TWO-MESSAGING", &loc,
			     "a second eb:Messaging in the SOAP Header (ebMS 3 core 5.2: exactly one)");
	}
	if (ebms_check_messaging(msg, m, d) < 0)
		return TDK_EXIT_INTERNAL;
	return d->errors > before ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
}

int tdk_ebms_read(const char *buf, size_t len, const char *name, struct tdk_ebms_msg *m, struct tdk_diag *d)
{
	unsigned long before = d->errors;
	xmlDoc *doc;
	int ret;

	doc = ebms_parse(buf, len, name, "EBMS-XML", d);
	if (!doc)
		return TDK_EXIT_NEGATIVE;
	ret = tdk_ebms_read_doc(doc, m, d);
	xmlFreeDoc(doc);
	/* A namespace error leaves a tree, and is still a fault of the message. */
	return ret == TDK_EXIT_OK && d->errors > before ? TDK_EXIT_NEGATIVE : ret;
}

int tdk_ebms_validate(const char *buf, size_t len, const char *name, struct tdk_xml_schemas *set,
		      const char *schema, struct tdk_diag *d)
{
	struct tdk_xml_opts o;
	struct tdk_input in;
	void *xsd = NULL;
	int ret;

	ret = tdk_xml_schemas_get(set, schema, d, &xsd);
	if (ret != TDK_EXIT_OK)
		return ret;
	tdk_xml_opts_init(&o);
	o.limits.max_size = TDK_EBMS_MAX_SIZE;
	o.mode = TDK_XML_SCHEMA_FIXED;
	o.schema = xsd;
	o.set = set;
	tdk_input_open_mem(&in, name, buf, len);
	ret = tdk_xml_validate(&in, &o, d, NULL);
	tdk_input_close(&in);
	return ret;
}
