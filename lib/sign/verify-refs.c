/*
 * Verification, the references: which references can be resolved at all
 * (this document, or the data given; never a file or the network), what
 * each one that libxmlsec1 digested covers, and whether together they cover
 * the whole document.  A partial cover is how signature wrapping works, so
 * it fails unless allowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>

#include "sign/verify-int.h"
#include "util/exitcode.h"

static int safe_transforms(xmlNodePtr ref)
{
	xmlNodePtr ts = tdk_node_child(ref, "Transforms", TDK_NS_DSIG), t;

	for (t = ts ? ts->children : NULL; t; t = t->next) {
		xmlChar *a;
		int ok;

		if (!tdk_node_is(t, "Transform", TDK_NS_DSIG))
			continue;
		a = xmlGetProp(t, TDK_XC "Algorithm");
		/* Canonicalisation and the enveloped-signature transform select nothing away. */
		ok = a && (!xmlStrcmp(a, TDK_XC "http://www.w3.org/2000/09/xmldsig#enveloped-signature") ||
			   xmlStrstr(a, TDK_XC "c14n") || xmlStrstr(a, TDK_XC "C14N"));
		xmlFree(a);
		if (!ok)
			return 0;
	}
	return 1;
}

/*
 * Does the reference use the OPC RelationshipTransform (ECMA-376 part 2
 * §13.2.4.24) while libxmlsec1 implements only its pre-1.3 form?  xmlsec 1.3
 * corrected how it treats white space, namespaces and foreign attributes
 * and kept the old form as "legacy"; a digest computed here may then differ
 * from the signer's without any change to the content.
 */
static int legacy_relationship(xmlNodePtr ref)
{
	xmlNodePtr ts = tdk_node_child(ref, "Transforms", TDK_NS_DSIG), t;
	int found = 0;

	if (XMLSEC_VERSION_MAJOR > 1 || XMLSEC_VERSION_MINOR >= 3)
		return 0;
	for (t = ts ? ts->children : NULL; t && !found; t = t->next) {
		xmlChar *a;

		if (!tdk_node_is(t, "Transform", TDK_NS_DSIG))
			continue;
		a = xmlGetProp(t, TDK_XC "Algorithm");
		found = a && !xmlStrcmp(a, TDK_XC
			"http://schemas.openxmlformats.org/package/2006/RelationshipTransform");
		xmlFree(a);
	}
	return found;
}

/* Is n, or an ancestor of n, the element e? */
static int inside(xmlNodePtr n, xmlNodePtr e)
{
	for (; n; n = n->parent)
		if (n == e)
			return 1;
	return 0;
}

/* The element a same-document URI names ("#id" or "#xpointer(id('id'))"), or NULL. */
static xmlNodePtr same_doc_target(xmlDocPtr doc, const char *uri)
{
	char id[256];
	const char *p;
	xmlAttrPtr a;
	size_t n;

	if (uri[0] != '#')
		return NULL;
	p = uri + 1;
	if (!strncmp(p, "xpointer(id(", 12)) {
		p += 12;
		if (*p != '\'' && *p != '"')
			return NULL;
		n = strcspn(p + 1, "'\"");
		if (n >= sizeof(id))
			return NULL;
		memcpy(id, p + 1, n);
		id[n] = '\0';
	} else {
		if (strlen(p) >= sizeof(id))
			return NULL;
		snprintf(id, sizeof(id), "%s", p);
	}
	a = xmlGetID(doc, TDK_XC id);
	return a ? a->parent : NULL;
}

static void describe_node(xmlNodePtr n, char *buf, size_t size)
{
	xmlChar *path = xmlGetNodePath(n);

	snprintf(buf, size, "element %s", path ? (const char *)path : (const char *)n->name);
	xmlFree(path);
}

/*
 * References the data given cannot answer: a URI that is neither empty nor a
 * same-document fragment must name an item of data.  Checked before
 * libxmlsec1 runs, for the signature's own references and those of its
 * manifests (XMLDSig 1.1 §5.1: libxmlsec1 checks manifest references too),
 * so that the diagnostic names the reference.  Returns 1 after reporting.
 */
static int unresolved_refs(struct vctx *v, xmlNodePtr n, int depth)
{
	int bad = 0;

	for (; n && depth < 16; n = n->next) {
		xmlChar *uri;

		if (n->type != XML_ELEMENT_NODE || (depth && tdk_node_is(n, "Signature", TDK_NS_DSIG)))
			continue;
		if (tdk_node_is(n, "Reference", TDK_NS_DSIG) && (uri = xmlGetProp(n, TDK_XC "URI")) != NULL) {
			if (uri[0] && uri[0] != '#' && !tdk_sig_data_find(v->data, (const char *)uri)) {
				verr(v, "VERIFY-REF-UNRESOLVED", "reference '%s' is outside the document%s; only "
				     "same-document references and the data given (--data) are resolved, never "
				     "files or the network", (const char *)uri,
				     v->o->container ? " and the container" : "");
				bad = 1;
			}
			xmlFree(uri);
			continue;
		}
		if (tdk_node_is(n, "SignedInfo", TDK_NS_DSIG) || tdk_node_is(n, "Object", TDK_NS_DSIG) ||
		    tdk_node_is(n, "Manifest", TDK_NS_DSIG))
			bad |= unresolved_refs(v, n->children, depth + 1);
	}
	return bad;
}

int tdk_verify_unresolved(struct vctx *v)
{
	return unresolved_refs(v, v->sig->children, 0);
}

/* Reference i of the core run: SignedInfo's, then its manifests' (XMLDSig 1.1 §5.1). */
static xmlSecDSigReferenceCtxPtr ref_ctx(xmlSecDSigCtxPtr ctx, size_t i, size_t nsi)
{
	return i < nsi ? xmlSecPtrListGetItem(&ctx->signedInfoReferences, i) :
			 xmlSecPtrListGetItem(&ctx->manifestReferences, i - nsi);
}

/*
 * Describes in what[size] what the reference rc (its ds:Reference refnode,
 * NULL for a manifest's) covers, and notes in v what it covers as a whole.
 */
static void ref_covers(struct vctx *v, xmlSecDSigReferenceCtxPtr rc, xmlNodePtr refnode, int ok, int in_si,
		       char *what, size_t size)
{
	const char *uri = rc && rc->uri ? (const char *)rc->uri : "";
	xmlNodePtr root = xmlDocGetRootElement(v->doc), target;

	if (!uri[0] || !strcmp(uri, "#xpointer(/)")) {
		snprintf(what, size, "the whole document");
		if (ok && refnode && safe_transforms(refnode) && !tdk_node_is(root, "Signature", TDK_NS_DSIG))
			v->rep->whole = 1;
		if (!refnode || !safe_transforms(refnode))
			snprintf(what, size, "the document, filtered by transforms");
	} else if (uri[0] == '#') {
		target = same_doc_target(v->doc, uri);
		if (target) {
			describe_node(target, what, size);
			if (ok && target == root && refnode && safe_transforms(refnode))
				v->rep->whole = 1;
			if (v->sp && target == v->sp && ok && in_si)
				v->sp_covered = 1;
		} else {
			snprintf(what, size, "a part of the document (%s)", uri);
		}
	} else {
		struct tdk_buf b = TDK_BUF_INIT(1 << 16), q = TDK_BUF_INIT(1 << 16);
		struct tdk_sig_item *it = ok ? tdk_sig_data_find(v->data, uri) : NULL;

		/* Quoted as reports quote file names: a decoded %0A cannot forge a line. */
		snprintf(what, size, "file '%s'", tdk_name(&q, tdk_uri_decode(uri, &b) == 0 && b.data ? b.data : uri));
		if (it)
			it->covered = 1;
		tdk_buf_release(&b);
		tdk_buf_release(&q);
	}
	if (!in_si) {
		char via[512];

		snprintf(via, sizeof(via), "%.480s (through a manifest)", what);
		snprintf(what, size, "%s", via);
	}
}

int tdk_verify_refs(struct vctx *v)
{
	struct tdk_sig_report *rep = v->rep;
	xmlSecDSigCtxPtr ctx = v->ctx;
	xmlNodePtr si = tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG);
	xmlNodePtr refnode = si ? si->children : NULL;
	size_t nsi = xmlSecPtrListGetSize(&ctx->signedInfoReferences), i, n;
	int failed = 0;

	/* libxmlsec1 checks the references of manifests too; one that fails fails the signature here. */
	n = nsi + xmlSecPtrListGetSize(&ctx->manifestReferences);
	rep->refs = calloc(n ? n : 1, sizeof(*rep->refs));
	if (!rep->refs)
		return TDK_EXIT_INTERNAL;
	for (i = 0; i < n; i++) {
		xmlSecDSigReferenceCtxPtr rc = ref_ctx(ctx, i, nsi);
		struct tdk_ref_report *rr = &rep->refs[rep->nrefs++];
		const char *uri = rc && rc->uri ? (const char *)rc->uri : "";
		char what[512];

		while (refnode && !tdk_node_is(refnode, "Reference", TDK_NS_DSIG))
			refnode = refnode->next;
		if (i >= nsi)
			refnode = NULL; /* a manifest's: never the whole document, nor SignedProperties */
		rr->uri = strdup(uri);
		rr->ok = rc && rc->status == xmlSecDSigStatusSucceeded;
		ref_covers(v, rc, refnode, rr->ok, i < nsi, what, sizeof(what));
		rr->covers = strdup(what);
		if (!rr->ok && refnode && legacy_relationship(refnode)) {
			verr(v, "VERIFY-UNSUPPORTED-TRANSFORM", "reference '%s' (%s): digest does not "
			     "match, and it uses the OPC RelationshipTransform, which libxmlsec1 %s "
			     "implements in its legacy form: changed content, or signed with the "
			     "corrected form; it cannot be checked here", uri, what, XMLSEC_VERSION);
			failed = 1;
		} else if (!rr->ok) {
			verr(v, "VERIFY-DIGEST", "reference '%s' (%s): digest does not match; the "
			     "content was changed after signing", uri, what);
			failed = 1;
		}
		if (refnode)
			refnode = refnode->next;
	}
	if (ctx->status != xmlSecDSigStatusSucceeded && !failed) {
		verr(v, "VERIFY-SIGNATURE-VALUE", "the signature value does not match the signed "
		     "information (altered SignedInfo, or a key that is not the signer's)");
		failed = 1;
	}
	return failed ? TDK_EXIT_NEGATIVE : 0;
}

int tdk_verify_coverage(struct vctx *v)
{
	struct tdk_sig_report *rep = v->rep;
	xmlNodePtr obj;
	size_t i;

	/* An enveloped signature must cover the root (tdk_verify_refs); an enveloping one its objects. */
	if (tdk_node_is(xmlDocGetRootElement(v->doc), "Signature", TDK_NS_DSIG) || v->o->container) {
		for (obj = v->sig->children; obj; obj = obj->next) {
			int covered = 0;

			if (!tdk_node_is(obj, "Object", TDK_NS_DSIG) || tdk_xades_child(obj, "QualifyingProperties"))
				continue;
			for (i = 0; i < rep->nrefs && !covered; i++) {
				xmlNodePtr tg = rep->refs[i].uri[0] == '#' ?
					same_doc_target(v->doc, rep->refs[i].uri) : NULL;

				covered = rep->refs[i].ok && tg && (inside(tg, obj) || inside(obj, tg));
			}
			if (!covered)
				break;
		}
		rep->whole = obj == NULL;
	}
	if (!rep->whole && !v->o->allow_partial) {
		verr(v, "VERIFY-PARTIAL", "the signature does not cover the whole document (what is "
		     "outside it can be changed or wrapped freely); --allow-partial accepts this");
		return TDK_EXIT_NEGATIVE;
	}
	return 0;
}
