/*
 * Authenticate first: the W3C's XML Signature Best Practices (Working Group
 * Note, 2013, §2.1 "Best Practice 1" and §2.2 "Best Practice 3-5") ask a
 * verifier to check the signature value over SignedInfo with a trusted key
 * before running any reference's transforms, because transforms are code
 * the document brings (XSLT is Turing-complete, XPath can be made to take
 * polynomial time) and SignedInfo's canonical form does not depend on them.
 * libxmlsec1 1.2 processes every reference (and every manifest) before it
 * looks at SignatureValue, so this file does that first step itself with
 * libxmlsec1's transform API: SignedInfo is canonicalised with its
 * CanonicalizationMethod (a C14N method only, never XSLT) and verified with
 * its SignatureMethod.  It also holds the transform policy applied before
 * any of that: XSLT refused unless allowed, XPath only on documents of a
 * bounded size; and, once the signature is authenticated, a dry run of every
 * XPath expression its references will evaluate, under libxml2's operation
 * limit, before libxmlsec1 runs them without one.
 */
#include <pthread.h>
#include <string.h>

#include <libxml/xpathInternals.h>
#include <libxml/xpointer.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/nodeset.h>
#include <xmlsec/parser.h>
#include <xmlsec/strings.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmltree.h>

#include "sign/sign-int.h"
#include "util/exitcode.h"

/* The next element sibling of n itself or after it, or NULL. */
static xmlNodePtr element_from(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

/*
 * libxmlsec1-openssl 1.2.37 copies a certificate's validity into the key it
 * reads from KeyInfo with gmtime(3), whose result is one static buffer for
 * the whole process, and mktime(3) (src/openssl/x509.c,
 * xmlSecOpenSSLX509CertGetTime): two threads reading keys at once can get
 * each other's times.  So KeyInfo is read by one thread at a time; the rest
 * of a verification runs in parallel.
 */
static pthread_mutex_t keyinfo_lock = PTHREAD_MUTEX_INITIALIZER;

int tdk_signedinfo_verify(xmlNodePtr sig, xmlSecKeyPtr *key, xmlSecKeyInfoCtxPtr kictx)
{
	xmlSecTransformCtx tctx;
	xmlSecTransformPtr c14n, sm;
	xmlSecNodeSetPtr nodes = NULL;
	xmlNodePtr si, cm, smn, sv, ki;
	int r = -1, inited = 0;

	si = element_from(sig->children);
	cm = si && tdk_node_is(si, "SignedInfo", TDK_NS_DSIG) ? element_from(si->children) : NULL;
	smn = cm ? element_from(cm->next) : NULL;
	sv = si ? element_from(si->next) : NULL;
	ki = sv ? element_from(sv->next) : NULL;
	if (!tdk_node_is(cm, "CanonicalizationMethod", TDK_NS_DSIG) ||
	    !tdk_node_is(smn, "SignatureMethod", TDK_NS_DSIG) ||
	    !tdk_node_is(sv, "SignatureValue", TDK_NS_DSIG))
		return -1;
	if (!tdk_node_is(ki, "KeyInfo", TDK_NS_DSIG))
		ki = NULL;
	if (xmlSecTransformCtxInitialize(&tctx) < 0)
		return -1;
	inited = 1;
	/* SignedInfo is in this document: nothing to fetch. */
	tctx.enabledUris = 0;
	/* The C14N usage admits canonicalisation methods only: an XSLT here is refused. */
	c14n = xmlSecTransformCtxNodeRead(&tctx, cm, xmlSecTransformUsageC14NMethod);
	sm = c14n ? xmlSecTransformCtxNodeRead(&tctx, smn, xmlSecTransformUsageSignatureMethod) : NULL;
	if (!sm)
		goto out;
	sm->operation = xmlSecTransformOperationVerify;
	if (!*key && kictx) {
		if (xmlSecTransformSetKeyReq(sm, &kictx->keyReq) < 0)
			goto out;
		pthread_mutex_lock(&keyinfo_lock);
		*key = xmlSecKeysMngrGetKey(ki, kictx);
		pthread_mutex_unlock(&keyinfo_lock);
		if (!*key)
			goto out;
	}
	if (!*key)
		goto out;
	if (kictx && !xmlSecKeyMatch(*key, NULL, &kictx->keyReq)) {
		r = 0;
		goto out;
	}
	if (xmlSecTransformSetKey(sm, *key) < 0) {
		r = 0;
		goto out;
	}
	nodes = xmlSecNodeSetGetChildren(si->doc, si, 1, 0);
	if (!nodes || xmlSecTransformCtxXmlExecute(&tctx, nodes) < 0)
		goto out;
	if (xmlSecTransformVerifyNodeContent(sm, sv, &tctx) < 0)
		goto out;
	r = sm->status == xmlSecTransformStatusOk;
out:
	if (nodes)
		xmlSecNodeSetDestroy(nodes);
	if (inited)
		xmlSecTransformCtxFinalize(&tctx);
	return r;
}

/* Nodes of the document an XPath expression ranges over: elements, attributes, text, the rest. */
static size_t count_nodes(xmlDocPtr doc, size_t stop)
{
	xmlNodePtr n = xmlDocGetRootElement(doc);
	size_t count = 0;

	while (n && count <= stop) {
		xmlAttrPtr a;

		count++;
		for (a = n->type == XML_ELEMENT_NODE ? n->properties : NULL; a; a = a->next)
			count++;
		n = tdk_node_next(n);
	}
	return count;
}

/* Does a same-document URI need XPointer evaluation beyond "#xpointer(/)" and "#xpointer(id('x'))"? */
static int xpointer_uri(const xmlChar *uri)
{
	const char *u = (const char *)uri;
	size_t n;

	if (!u || strncmp(u, "#xpointer(", 10) || !strcmp(u, "#xpointer(/)"))
		return 0;
	if (strncmp(u + 10, "id(", 3) || (u[13] != '\'' && u[13] != '"'))
		return 1;
	/* id('x') with one quoted name and nothing after it. */
	n = strcspn(u + 14, "'\"");
	return u[14 + n] != u[13] || strcmp(u + 15 + n, "))");
}

/* The libxmlsec1 transform the ds:Transform element t names, or NULL. */
static xmlSecTransformId transform_id(xmlNodePtr t)
{
	xmlChar *a = xmlGetProp(t, TDK_XC "Algorithm");
	xmlSecTransformId id = a ? xmlSecTransformIdListFindByHref(xmlSecTransformIdsGet(), a,
								  xmlSecTransformUsageDSigTransform) : NULL;

	xmlFree(a);
	return id;
}

/* XPath, XPath Filter 2.0 and XPointer: the transforms that evaluate XPath expressions. */
static int xpath_family(xmlSecTransformId id)
{
	return id && (id == xmlSecTransformXPathId || id == xmlSecTransformXPath2Id ||
		      id == xmlSecTransformXPointerId);
}

struct policy {
	xmlDocPtr doc;
	const struct tdk_verify_opts *o;
	struct tdk_diag *d;
	const struct tdk_diag_loc *loc;
	const struct tdk_sig_data *data;                /* the data files references may name, or NULL */
	void (*ref)(struct policy *p, xmlNodePtr ref);  /* what is judged of each reference */
	size_t nodes;           /* counted on first need; (size_t)-1 until then */
	unsigned long left;     /* XPath operations the signature's expressions may still take */
	int bad;                /* 1 after an error diagnostic; -1 when memory ran out */
};

/* XPath may run here: only when the document is small enough (VERIFY-TRANSFORM-LIMIT). */
static void xpath_allowed(struct policy *p, const char *what)
{
	size_t max = p->o->max_xpath_nodes ? p->o->max_xpath_nodes : TDK_VERIFY_XPATH_NODES;

	if (p->nodes == (size_t)-1)
		p->nodes = count_nodes(p->doc, max);
	if (p->nodes > max) {
		tdk_diag_add(p->d, TDK_SEV_ERROR, "VERIFY-TRANSFORM-LIMIT", p->loc, "%s: the document has "
			     "more than %zu nodes (--max-xpath-nodes); an XPath transform's time grows with a "
			     "power of that number, so it is not run", what, max);
		p->bad = 1;
	}
}

static void check_reference(struct policy *p, xmlNodePtr ref)
{
	xmlNodePtr ts = tdk_node_child(ref, "Transforms", TDK_NS_DSIG), t;
	xmlChar *uri = xmlGetProp(ref, TDK_XC "URI");

	if (xpointer_uri(uri))
		xpath_allowed(p, "an XPointer reference URI");
	xmlFree(uri);
	for (t = ts ? ts->children : NULL; t && !p->bad; t = t->next) {
		xmlSecTransformId id;

		if (!tdk_node_is(t, "Transform", TDK_NS_DSIG))
			continue;
		id = transform_id(t);
		if (id == xmlSecTransformXsltId && !p->o->allow_xslt) {
			tdk_diag_add(p->d, TDK_SEV_ERROR, "VERIFY-XSLT", p->loc, "a reference uses an XSLT "
				     "transform, which runs code the document brings; refused (--allow-xslt "
				     "runs it, after the signature value and the signer are checked)");
			p->bad = 1;
		} else if (xpath_family(id)) {
			xpath_allowed(p, "an XPath transform");
		}
	}
}

/* The references of SignedInfo and of manifests in ds:Object (XMLDSig 1.1 §5.1), not of nested signatures. */
static void walk(struct policy *p, xmlNodePtr n, int depth)
{
	for (; n && depth < 16 && !p->bad; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || (depth && tdk_node_is(n, "Signature", TDK_NS_DSIG)))
			continue;
		if (tdk_node_is(n, "Reference", TDK_NS_DSIG))
			p->ref(p, n);
		else if (tdk_node_is(n, "SignedInfo", TDK_NS_DSIG) || tdk_node_is(n, "Object", TDK_NS_DSIG) ||
			 tdk_node_is(n, "Manifest", TDK_NS_DSIG))
			walk(p, n->children, depth + 1);
	}
}

int tdk_transform_policy(xmlNodePtr sig, const struct tdk_verify_opts *o, const struct tdk_diag_loc *loc,
			 struct tdk_diag *d)
{
	struct policy p = { sig->doc, o, d, loc, NULL, check_reference, (size_t)-1, 0, 0 };

	walk(&p, sig->children, 0);
	return p.bad;
}

/* libxmlsec1's here() (XMLDSig 1.1 §6.6.3.3): the node set of the node that holds the expression. */
static void here_fn(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlXPathObjectPtr obj;

	CHECK_ARITY(0);
	if (!ctxt->context->here)
		XP_ERROR(XPATH_INVALID_OPERAND);
	/* libxml2 before 2.11 does not free what it fails to push. */
	if ((obj = xmlXPathNewNodeSet(ctxt->context->here)) == NULL || valuePush(ctxt, obj) < 0) {
		xmlXPathFreeObject(obj);
		XP_ERROR(XPATH_MEMORY_ERROR);
	}
}

/* The dry run's errors (a bad expression, the limit) are judged here, not printed. */
static void quiet(void *arg, xmlErrorPtr e)
{
	(void)arg;
	(void)e;
}

/*
 * Evaluates expr on doc as libxmlsec1 1.2.37 will (src/xpath.c,
 * xmlSecXPathDataExecute): a fresh context on the document, the prefixes
 * declared on ns and its ancestors (the nearest first), here() returning
 * here, as XPath or (xptr) as an XPointer; but with libxml2's operation
 * limit set to what the signature has left.  Its result is dropped: only
 * the work counts.  An expression libxml2 refuses for another reason is left
 * to libxmlsec1, which refuses it the same way.
 */
static void dry_run(struct policy *p, xmlDocPtr doc, const char *what, const char *expr, xmlNodePtr ns,
		    xmlNodePtr here, int xptr)
{
	unsigned long max = p->o->max_xpath_ops ? p->o->max_xpath_ops : TDK_VERIFY_XPATH_OPS;
	xmlXPathContextPtr c = p->left ? xmlXPathNewContext(doc) : NULL;
	xmlNsPtr d;

	if (p->left && !c) {
		p->bad = -1;
		return;
	}
	for (; c && ns; ns = ns->parent)
		for (d = ns->type == XML_ELEMENT_NODE ? ns->nsDef : NULL; d; d = d->next)
			if (d->prefix && !xmlXPathNsLookup(c, d->prefix) && xmlXPathRegisterNs(c, d->prefix, d->href)) {
				p->bad = -1;
				goto out;
			}
	if (c) {
		if (xmlXPathRegisterFunc(c, TDK_XC "here", here_fn)) {
			p->bad = -1;
			goto out;
		}
		/* here() is only defined on the document that holds the expression. */
		c->here = here->doc == doc ? here : NULL;
		c->xptr = here->doc == doc;
		c->error = quiet;
		c->opLimit = p->left;
		c->opCount = 0;
		xmlXPathFreeObject(xptr ? xmlXPtrEval(TDK_XC expr, c) : xmlXPathEvalExpression(TDK_XC expr, c));
		/* libxml2 sets opCount to opLimit when the limit stops an evaluation. */
		p->left -= c->opCount < p->left ? c->opCount : p->left;
	}
	if (!p->left) {
		tdk_diag_add(p->d, TDK_SEV_ERROR, "VERIFY-TRANSFORM-LIMIT", p->loc, "%s: the signature's XPath "
			     "expressions take more than %lu operations on this document (--max-xpath-ops), so "
			     "they are not run", what, max);
		p->bad = 1;
	}
out:
	xmlXPathFreeContext(c);
}

/* The expression of each XPath (§6.6.3) or XPath Filter 2.0 element of t, or of its XPointer element, on doc. */
static void dry_run_transform(struct policy *p, xmlDocPtr doc, xmlNodePtr t, xmlSecTransformId id)
{
	/* libxmlsec1 1.2.37 src/xpath.c: the XPath transform filters every node of the document. */
	static const char pre[] = "(//. | //@* | //namespace::*)[boolean(", post[] = ")]";
	struct tdk_buf b = TDK_BUF_INIT((size_t)-1 / 2);
	xmlNodePtr x;

	for (x = t->children; x && !p->bad; x = x->next) {
		xmlChar *e;

		if (x->type != XML_ELEMENT_NODE || !(e = xmlNodeGetContent(x)))
			continue;
		if (id == xmlSecTransformXPathId && tdk_node_is(x, (const char *)xmlSecNodeXPath, TDK_NS_DSIG)) {
			tdk_buf_reset(&b);
			if (tdk_buf_addl(&b, pre) || tdk_buf_adds(&b, (const char *)e) || tdk_buf_addl(&b, post))
				p->bad = -1;
			else
				dry_run(p, doc, "an XPath transform", b.data, x, t, 0);
		} else if (id == xmlSecTransformXPath2Id && tdk_node_is(x, (const char *)xmlSecNodeXPath2,
													 (const char *)xmlSecXPath2Ns)) {
			dry_run(p, doc, "an XPath Filter 2.0 transform", (const char *)e, x, t, 0);
		} else if (id == xmlSecTransformXPointerId && tdk_node_is(x, (const char *)xmlSecNodeXPointer,
													    (const char *)xmlSecXPointerNs)) {
			dry_run(p, doc, "an XPointer transform", (const char *)e, x, t, 1);
		}
		xmlFree(e);
	}
	tdk_buf_release(&b);
}

/*
 * The document an XPath transform of a reference to the data item uri sees:
 * the item parsed as libxmlsec1's XML parser transform parses it (a push
 * parser prepared by xmlSecParsePrepareCtxt, which xmlSecParseMemoryExt
 * shares), if it is XML and has at most --max-xpath-nodes nodes; or NULL.
 * The caller frees it with xmlFreeDoc.
 */
static xmlDocPtr data_doc(struct policy *p, const char *uri)
{
	const struct tdk_sig_item *it = strchr(uri, '#') ? NULL : tdk_sig_data_find(p->data, uri);
	struct policy q = *p;

	if (!it || it->len > XMLSEC_SIZE_MAX ||
	    !(q.doc = xmlSecParseMemoryExt(NULL, 0, it->data, (xmlSecSize)it->len, NULL, 0)))
		return NULL;
	q.nodes = (size_t)-1;
	xpath_allowed(&q, "an XPath transform of a data file");
	if ((p->bad = q.bad) != 0) {
		xmlFreeDoc(q.doc);
		return NULL;
	}
	return q.doc;
}

static void bound_reference(struct policy *p, xmlNodePtr ref)
{
	xmlNodePtr ts = tdk_node_child(ref, "Transforms", TDK_NS_DSIG), t;
	xmlChar *uri = xmlGetProp(ref, TDK_XC "URI");
	const char *u = (const char *)uri;
	struct tdk_buf b = TDK_BUF_INIT((size_t)-1 / 2);
	/* Transforms see this document, or a data file's, until one turns the node set into octets. */
	int same = u && (!*u || *u == '#'), data = u && *u && *u != '#';
	xmlDocPtr doc = same ? p->doc : NULL, own = NULL;

	/* libxmlsec1 1.2.37 src/transforms.c (xmlSecTransformCtxSetUri): "#x" is xpointer(id('x')). */
	if (same && *u && strcmp(u, "#xpointer(/)")) {
		if (!strncmp(u, "#xpointer(", 10) || !strncmp(u, "#xmlns(", 7))
			dry_run(p, p->doc, "an XPointer reference URI", u + 1, ref, ref, 1);
		else if (tdk_buf_addl(&b, "xpointer(id('") || tdk_buf_adds(&b, u + 1) || tdk_buf_addl(&b, "'))"))
			p->bad = -1;
		else
			dry_run(p, p->doc, "a reference URI", b.data, ref, ref, 1);
	}
	for (t = ts ? ts->children : NULL; t && (same || data) && !p->bad; t = t->next) {
		xmlSecTransformId id;

		if (!tdk_node_is(t, "Transform", TDK_NS_DSIG))
			continue;
		if (xpath_family(id = transform_id(t))) {
			if (!doc && data && !(doc = own = data_doc(p, u)))
				break;
			dry_run_transform(p, doc, t, id);
		} else if (id != xmlSecTransformEnvelopedId) {
			same = data = 0;
		}
	}
	xmlFreeDoc(own);
	tdk_buf_release(&b);
	xmlFree(uri);
}

int tdk_transform_bound(xmlNodePtr sig, const struct tdk_sig_data *data, const struct tdk_verify_opts *o,
			const struct tdk_diag_loc *loc, struct tdk_diag *d)
{
	struct policy p = { sig->doc, o, d, loc, data, bound_reference, (size_t)-1,
			    o->max_xpath_ops ? o->max_xpath_ops : TDK_VERIFY_XPATH_OPS, 0 };

	walk(&p, sig->children, 0);
	return p.bad < 0 ? TDK_EXIT_INTERNAL : p.bad ? TDK_EXIT_NEGATIVE : 0;
}
