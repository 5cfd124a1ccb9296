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
#include <xmlsec/nodeset.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>

#include "sign/verify-int.h"
#include "util/exitcode.h"

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

/*
 * Coverage from what was digested, not from the transforms' names.  A
 * reference that may cover the whole document (URI "", "#xpointer(/)", or
 * the root's ID) is replayed with libxmlsec1's own transforms: its URI and
 * its node-set transforms (enveloped signature, XPath, XPath Filter 2.0,
 * XPointer) up to the canonicalisation that turns the node set into the
 * octets digested (XMLDSig 1.1 §4.4.3.2: C14N serialises exactly the node
 * set it is given), where a last transform of tdk's reads the node set.  The
 * reference covers the document when that node set is the document less
 * this signature's subtree (§6.6.4: what the enveloped-signature transform
 * removes); any other node it leaves out, another ds:Signature included,
 * can be changed freely.  Comments do not count: URI="" leaves them out
 * (§4.4.3.3).  The expressions are those the dry run bounded
 * (tdk_transform_bound), so the replay costs what libxmlsec1's run did.
 */
struct digested {
	xmlNodePtr sig;         /* this signature: its subtree may be left out */
	xmlNodePtr left_out;    /* the first other node the node set leaves out, or NULL */
	size_t nleft_out;       /* how many subtrees (or attributes) it leaves out */
	int seen;               /* the node set reached the end of the replay */
};

/* The node after the subtree of n, in document order within root; NULL at the end. */
static xmlNodePtr after(xmlNodePtr n, xmlNodePtr root)
{
	while (n != root && !n->next)
		n = n->parent;
	return n == root ? NULL : n->next;
}

static void left_out(struct digested *g, xmlNodePtr n)
{
	if (!g->left_out)
		g->left_out = n;
	g->nleft_out++;
}

/* The last transform of a replay: compares the node set it is given with the document. */
static int capture_push(xmlSecTransformPtr t, xmlSecNodeSetPtr nodes, xmlSecTransformCtxPtr ctx)
{
	struct digested *g = ctx->userData;
	xmlNodePtr root = xmlDocGetRootElement(g->sig->doc), n = root;

	(void)t;
	while (n) {
		xmlAttrPtr a;

		if (n == g->sig || n->type == XML_COMMENT_NODE) {
			n = after(n, root);
			continue;
		}
		if (!xmlSecNodeSetContains(nodes, n, n->parent)) {
			left_out(g, n);
			n = after(n, root);
			continue;
		}
		for (a = n->type == XML_ELEMENT_NODE ? n->properties : NULL; a; a = a->next)
			if (!xmlSecNodeSetContains(nodes, (xmlNodePtr)a, n))
				left_out(g, (xmlNodePtr)a);
		n = tdk_node_next(n);
	}
	g->seen = 1;
	return 0;
}

/*
 * It takes a node set and, as far as libxmlsec1's chain checks go, gives
 * octets, like a C14N method, so that the buffer a chain ends in can follow
 * it; it gives none.
 */
static xmlSecTransformDataType capture_type(xmlSecTransformPtr t, xmlSecTransformMode mode,
					    xmlSecTransformCtxPtr ctx)
{
	(void)t;
	(void)ctx;
	return mode == xmlSecTransformModePush ? xmlSecTransformDataTypeXml : xmlSecTransformDataTypeBin;
}

static const struct _xmlSecTransformKlass capture_klass = {
	.klassSize = sizeof(struct _xmlSecTransformKlass),
	.objSize = sizeof(xmlSecTransform),
	.name = (const xmlChar *)"tdk-coverage",
	.usage = xmlSecTransformUsageUnknown,
	.getDataType = capture_type,
	.pushXml = capture_push,
};

/* The transforms that take a node set and give one: they may leave nodes out. */
static int node_set_transform(xmlSecTransformId id)
{
	return id == xmlSecTransformEnvelopedId || id == xmlSecTransformXPathId ||
	       id == xmlSecTransformXPath2Id || id == xmlSecTransformXPointerId;
}

static int c14n_transform(xmlSecTransformId id)
{
	return id == xmlSecTransformInclC14NId || id == xmlSecTransformInclC14NWithCommentsId ||
	       id == xmlSecTransformInclC14N11Id || id == xmlSecTransformInclC14N11WithCommentsId ||
	       id == xmlSecTransformExclC14NId || id == xmlSecTransformExclC14NWithCommentsId;
}

/*
 * Replays the same-document reference refnode (URI uri) into g.  Returns 1
 * when the node set digested was read, 0 when a transform makes octets of
 * another kind (XSLT, base64: no node set of this document is digested) or
 * libxmlsec1 refuses, -1 when memory ran out.
 */
static int replay(struct vctx *v, xmlNodePtr refnode, const char *uri, struct digested *g)
{
	xmlNodePtr ts = tdk_node_child(refnode, "Transforms", TDK_NS_DSIG), t;
	xmlSecTransformCtx tctx;
	int r = 0;

	if (xmlSecTransformCtxInitialize(&tctx) < 0)
		return -1;
	tctx.enabledUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	tctx.userData = g;
	/* Its errors were reported by the core run, which ran the same transforms. */
	tdk_sig_set_sink(NULL, NULL);
	if (xmlSecTransformCtxSetUri(&tctx, (const xmlChar *)uri, refnode) < 0)
		goto out;
	for (t = ts ? ts->children : NULL; t; t = t->next) {
		xmlChar *a;
		xmlSecTransformId id;

		if (!tdk_node_is(t, "Transform", TDK_NS_DSIG))
			continue;
		a = xmlGetProp(t, TDK_XC "Algorithm");
		id = a ? xmlSecTransformIdListFindByHref(xmlSecTransformIdsGet(), a,
							 xmlSecTransformUsageDSigTransform) : NULL;
		xmlFree(a);
		if (c14n_transform(id))
			break;
		if (!node_set_transform(id) || !xmlSecTransformCtxNodeRead(&tctx, t, xmlSecTransformUsageDSigTransform))
			goto out;
	}
	if (!xmlSecTransformCtxCreateAndAppend(&tctx, &capture_klass) || xmlSecTransformCtxExecute(&tctx, v->doc) < 0)
		goto out;
	r = g->seen;
out:
	xmlSecTransformCtxFinalize(&tctx);
	tdk_sig_set_sink(v->d, "VERIFY-XML");
	return r;
}

/* What g found left out, for a report: its kind, name and path, and how many more. */
static void describe_left_out(const struct digested *g, char *buf, size_t size)
{
	xmlNodePtr n = g->left_out;
	xmlChar *path = xmlGetNodePath(n);
	int named = n->type == XML_ATTRIBUTE_NODE || n->type == XML_ELEMENT_NODE;

	snprintf(buf, size, "%s%s%.60s%s (%.120s%s)", n->type == XML_ATTRIBUTE_NODE ? "attribute" :
		 n->type == XML_ELEMENT_NODE ? "element" : "text", named ? " '" : "",
		 named ? (const char *)n->name : "", named ? "'" : "", path ? (const char *)path : "?",
		 tdk_node_is(n, "Signature", TDK_NS_DSIG) ? ", another signature" : "");
	if (g->nleft_out > 1) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, " and %zu more", g->nleft_out - 1);
	}
	xmlFree(path);
}

/* Reference i of the core run: SignedInfo's, then its manifests' (XMLDSig 1.1 §5.1). */
static xmlSecDSigReferenceCtxPtr ref_ctx(xmlSecDSigCtxPtr ctx, size_t i, size_t nsi)
{
	return i < nsi ? xmlSecPtrListGetItem(&ctx->signedInfoReferences, i) :
			 xmlSecPtrListGetItem(&ctx->manifestReferences, i - nsi);
}

/*
 * Whether the same-document reference refnode, which held, covers the whole
 * document (see replay); writes what it covers when it does not into
 * what[size].  Returns 1, 0, or -1 when memory ran out.
 */
static int covers_whole(struct vctx *v, xmlNodePtr refnode, const char *uri, const char *target,
			char *what, size_t size)
{
	struct digested g = { v->sig, NULL, 0, 0 };
	char out[256];
	int r = replay(v, refnode, uri, &g);

	if (r < 0)
		return -1;
	if (!r) {
		snprintf(what, size, "%s, filtered by transforms", target);
		return 0;
	}
	if (!g.left_out)
		return 1;
	describe_left_out(&g, out, sizeof(out));
	snprintf(what, size, "%s without %s", target, out);
	if (!v->uncovered[0])
		snprintf(v->uncovered, sizeof(v->uncovered), "%s", out);
	return 0;
}

/*
 * Describes in what[size] what the reference rc (its ds:Reference refnode,
 * NULL for a manifest's) covers, and notes in v what it covers as a whole.
 * Returns 0, or -1 when memory ran out.
 */
static int ref_covers(struct vctx *v, xmlSecDSigReferenceCtxPtr rc, xmlNodePtr refnode, int ok, int in_si,
		      char *what, size_t size)
{
	const char *uri = rc && rc->uri ? (const char *)rc->uri : "";
	xmlNodePtr root = xmlDocGetRootElement(v->doc), target;
	/* An enveloping signature's root is itself: its objects are judged by tdk_verify_coverage. */
	int replayable = refnode && !tdk_node_is(root, "Signature", TDK_NS_DSIG), w = 0;

	if (!uri[0] || !strcmp(uri, "#xpointer(/)")) {
		snprintf(what, size, refnode ? "the whole document" : "the document, filtered by transforms");
		if (replayable)
			w = covers_whole(v, refnode, uri, "the document", what, size);
	} else if (uri[0] == '#') {
		target = same_doc_target(v->doc, uri);
		if (target) {
			describe_node(target, what, size);
			if (target == root && replayable) {
				char elem[512];

				snprintf(elem, sizeof(elem), "%s", what);
				w = covers_whole(v, refnode, uri, elem, what, size);
			}
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
	if (w < 0)
		return -1;
	if (w > 0 && ok)
		v->rep->whole = 1;
	if (!in_si) {
		char via[512];

		snprintf(via, sizeof(via), "%.480s (through a manifest)", what);
		snprintf(what, size, "%s", via);
	}
	return 0;
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
		if (ref_covers(v, rc, refnode, rr->ok, i < nsi, what, sizeof(what)) < 0)
			return TDK_EXIT_INTERNAL;
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
		verr(v, "VERIFY-PARTIAL", "the signature does not cover the whole document%s%s (what is "
		     "outside it can be changed or wrapped freely); --allow-partial accepts this",
		     v->uncovered[0] ? ": it leaves out " : "", v->uncovered);
		return TDK_EXIT_NEGATIVE;
	}
	return 0;
}
