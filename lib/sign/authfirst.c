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
 * bounded size.
 */
#include <string.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/nodeset.h>
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
		*key = xmlSecKeysMngrGetKey(ki, kictx);
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

struct policy {
	xmlDocPtr doc;
	const struct tdk_verify_opts *o;
	struct tdk_diag *d;
	const struct tdk_diag_loc *loc;
	size_t nodes;           /* counted on first need; (size_t)-1 until then */
	int bad;
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
		xmlChar *a;
		xmlSecTransformId id;

		if (!tdk_node_is(t, "Transform", TDK_NS_DSIG))
			continue;
		a = xmlGetProp(t, TDK_XC "Algorithm");
		id = a ? xmlSecTransformIdListFindByHref(xmlSecTransformIdsGet(), a,
							 xmlSecTransformUsageDSigTransform) : NULL;
		xmlFree(a);
		if (id == xmlSecTransformXsltId && !p->o->allow_xslt) {
			tdk_diag_add(p->d, TDK_SEV_ERROR, "VERIFY-XSLT", p->loc, "a reference uses an XSLT "
				     "transform, which runs code the document brings; refused (--allow-xslt "
				     "runs it, after the signature value and the signer are checked)");
			p->bad = 1;
		} else if (id == xmlSecTransformXPathId || id == xmlSecTransformXPath2Id ||
			   id == xmlSecTransformXPointerId) {
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
			check_reference(p, n);
		else if (tdk_node_is(n, "SignedInfo", TDK_NS_DSIG) || tdk_node_is(n, "Object", TDK_NS_DSIG) ||
			 tdk_node_is(n, "Manifest", TDK_NS_DSIG))
			walk(p, n->children, depth + 1);
	}
}

int tdk_transform_policy(xmlNodePtr sig, const struct tdk_verify_opts *o, const struct tdk_diag_loc *loc,
			 struct tdk_diag *d)
{
	struct policy p = { sig->doc, o, d, loc, (size_t)-1, 0 };

	walk(&p, sig->children, 0);
	return p.bad;
}
