/*
 * WS-Security signature checks of AS4 messages: the security header read,
 * the AS4 profile's algorithms enforced (eDelivery AS4 1.x, section 3.2.6),
 * the token named, what is missing said, then XMLDSig core validation by
 * lib/sign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/evp.h>

#include "net/wss-int.h"
#include "util/exitcode.h"

/* The attribute name of n as a malloc'd string, or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
	return n ? (char *)xmlGetProp(n, (const xmlChar *)name) : NULL;
}

/* Whether n's Algorithm is one of the words of allowed ('|'-separated URIs); reports when not. */
static int alg_ok(const xmlNode *n, const char *what, const char *allowed, struct tdk_diag *d)
{
	char *a = attr(n, "Algorithm");
	int ok = a && tdk_word_in(allowed, a);

	if (!ok)
		tdk_wss_err(d, n, "WSS-ALGORITHM", "%s '%s' is not allowed by the AS4 profile (EBMS:0101 FailedAuthentication)", what, a ? a : "(none)");
	xmlFree(a);
	return ok;
}

/* The AS4 profile's algorithms; counts the references into res. */
static int profile(const xmlNode *sig, struct tdk_wss_result *res, struct tdk_diag *d)
{
	xmlNodePtr si = tdk_node_child(sig, "SignedInfo", TDK_NS_DSIG), r, t;
	int ok = 1;

	if (!si) {
		tdk_wss_err(d, sig, "WSS-NO-SIGNATURE", "the signature has no SignedInfo");
		return 0;
	}
	ok &= alg_ok(tdk_node_child(si, "SignatureMethod", TDK_NS_DSIG), "signature method", WSS_ALG_RSA_SHA256, d);
	ok &= alg_ok(tdk_node_child(si, "CanonicalizationMethod", TDK_NS_DSIG), "canonicalisation", WSS_ALG_EXC_C14N, d);
	for (r = si->children; r; r = r->next) {
		char *uri;

		if (!tdk_node_is(r, "Reference", TDK_NS_DSIG))
			continue;
		res->refs++;
		uri = attr(r, "URI");
		if (uri && !strncmp(uri, "cid:", 4))
			res->attachments++;
		xmlFree(uri);
		ok &= alg_ok(tdk_node_child(r, "DigestMethod", TDK_NS_DSIG), "digest method", WSS_ALG_SHA256, d);
		for (t = tdk_node_child(tdk_node_child(r, "Transforms", TDK_NS_DSIG), "Transform", TDK_NS_DSIG); t;
		     t = t->next)
			if (tdk_node_is(t, "Transform", TDK_NS_DSIG))
				ok &= alg_ok(t, "transform", WSS_ALG_EXC_C14N "|" WSS_ALG_SWA_CONTENT "|" WSS_ALG_SWA_COMPLETE, d);
	}
	return ok;
}

/* The subject of the X.509v3 token str points at into res->token; 0, or -1 after WSS-TOKEN. */
static int token(xmlDocPtr doc, const xmlNode *str, struct tdk_wss_result *res, struct tdk_diag *d)
{
	xmlNodePtr ref = tdk_node_child(str, "Reference", TDK_NS_WSSE), bst = NULL;
	char *uri = attr(ref, "URI"), *vt = NULL, *b64 = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *x = NULL;
	xmlAttrPtr id;
	int n, rc = -1;

	if (!uri || uri[0] != '#' || !(id = xmlGetID(doc, (const xmlChar *)uri + 1)) ||
	    !tdk_node_is(bst = id->parent, "BinarySecurityToken", TDK_NS_WSSE)) {
		tdk_wss_err(d, str, "WSS-TOKEN", "the security token reference '%s' names no BinarySecurityToken",
		     uri ? uri : "(none)");
		goto out;
	}
	vt = attr(bst, "ValueType");
	if (!vt || strcmp(vt, WSS_X509V3) || !(b64 = tdk_node_b64(bst)) || !(der = malloc(strlen(b64) + 1))) {
		tdk_wss_err(d, bst, "WSS-TOKEN", "the BinarySecurityToken is not an X.509v3 certificate ('%s')", vt ? vt : "");
		goto out;
	}
	n = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)strlen(b64));
	p = der;
	if (n <= 0 || !(x = d2i_X509(NULL, &p, n))) {
		tdk_wss_err(d, bst, "WSS-TOKEN", "the BinarySecurityToken holds no certificate");
		goto out;
	}
	X509_NAME_oneline(X509_get_subject_name(x), res->token, (int)sizeof(res->token));
	rc = 0;
out:
	X509_free(x);
	free(der);
	free(b64);
	xmlFree(vt);
	xmlFree(uri);
	return rc;
}

/* The ds:Signature of doc's wsse:Security header, or NULL after WSS-NO-SECURITY or WSS-NO-SIGNATURE. */
static xmlNodePtr security_signature(xmlDocPtr doc, struct tdk_diag *d)
{
	xmlNodePtr env = xmlDocGetRootElement(doc), h, sec, sig;
	const char *ns = tdk_node_is(env, "Envelope", TDK_NS_SOAP12) ? TDK_NS_SOAP12 : TDK_NS_SOAP11;

	if (!tdk_node_is(env, "Envelope", ns) || !(h = tdk_node_child(env, "Header", ns)) ||
	    !(sec = tdk_node_child(h, "Security", TDK_NS_WSSE))) {
		tdk_wss_err(d, env, "WSS-NO-SECURITY", "no wsse:Security header in a SOAP envelope");
		return NULL;
	}
	if (!(sig = tdk_node_child(sec, "Signature", TDK_NS_DSIG)))
		tdk_wss_err(d, sec, "WSS-NO-SIGNATURE", "the wsse:Security header holds no ds:Signature");
	return sig;
}

/* The attachment references of sig not answered by a (n): 0, or 1 after WSS-NEEDS-ATTACHMENT. */
static int needs_attachment(const xmlNode *sig, const struct tdk_wss_attachment *a, size_t n,
			    struct tdk_wss_result *res, struct tdk_diag *d)
{
	xmlNodePtr r;
	unsigned missing = 0;
	char *uri;

	for (r = tdk_node_child(tdk_node_child(sig, "SignedInfo", TDK_NS_DSIG), "Reference", TDK_NS_DSIG); r;
	     r = r->next) {
		if (!tdk_node_is(r, "Reference", TDK_NS_DSIG))
			continue;
		uri = attr(r, "URI");
		if (uri && !strncmp(uri, "cid:", 4) && !tdk_wss_find(a, n, uri)) {
			if (!missing++)
				tdk_wss_err(d, r, "WSS-NEEDS-ATTACHMENT", "the reference '%s' signs an attachment not given",
					    uri);
		}
		xmlFree(uri);
	}
	if (!missing)
		return 0;
	res->missing = "attachment";
	if (!n)
		tdk_wss_err(d, sig, "WSS-NEEDS-ATTACHMENT", "%u of the %u references sign attachments (cid:), "
			    "which need the attachments", res->attachments, res->refs);
	return 1;
}

/* Whether a reference of sig names the element target (by its ID) or the attachment cid. */
static int covered(xmlDocPtr doc, const xmlNode *sig, const xmlNode *target, const struct tdk_wss_attachment *att)
{
	xmlNodePtr r;
	xmlAttrPtr id;
	char *uri;
	int yes = 0;

	for (r = tdk_node_child(tdk_node_child(sig, "SignedInfo", TDK_NS_DSIG), "Reference", TDK_NS_DSIG);
	     r && !yes; r = r->next) {
		if (!tdk_node_is(r, "Reference", TDK_NS_DSIG) || !(uri = attr(r, "URI")))
			continue;
		if (att)
			yes = tdk_wss_find(att, 1, uri) != NULL;
		else
			yes = uri[0] == '#' && (id = xmlGetID(doc, (const xmlChar *)uri + 1)) && id->parent == target;
		xmlFree(uri);
	}
	return yes;
}

/*
 * What an AS4 receiver needs signed (AS4 profile 1.x §3.2.6 and its
 * P-Mode Security.X509.Sign): the eb:Messaging header, the Body and every
 * attachment.  0, or 1 after WSS-COVERAGE.  The references' transforms are
 * only exclusive C14N and the SwA ones (profile()), so a reference to an
 * element covers all of it.
 */
static int coverage(xmlDocPtr doc, const xmlNode *sig, const struct tdk_wss_attachment *a, size_t n,
		    struct tdk_diag *d)
{
	const char *ns;
	xmlNodePtr h = tdk_wss_header(doc, 0, &ns), env = xmlDocGetRootElement(doc);
	xmlNodePtr eb = tdk_node_child(h, "Messaging", WSS_NS_EB3), body = tdk_node_child(env, "Body", ns);
	size_t i;
	int bad = 0;

	if (!eb || !covered(doc, sig, eb, NULL)) {
		tdk_wss_err(d, sig, "WSS-COVERAGE", "the signature does not cover the eb:Messaging header%s",
			    eb ? "" : " (there is none)");
		bad = 1;
	}
	if (!body || !covered(doc, sig, body, NULL)) {
		tdk_wss_err(d, sig, "WSS-COVERAGE", "the signature does not cover the SOAP Body");
		bad = 1;
	}
	for (i = 0; i < n; i++)
		if (!covered(doc, sig, NULL, &a[i])) {
			tdk_wss_err(d, sig, "WSS-COVERAGE", "the signature does not cover the attachment 'cid:%s'",
				    a[i].cid ? a[i].cid : "");
			bad = 1;
		}
	return bad;
}

/* The data the verifier resolves cid: references against: one item per attachment, its URI in uris. */
static int sig_data(struct tdk_sig_data *data, char **uris, const struct tdk_wss_attachment *a, size_t n)
{
	size_t i, l;

	data->n = 0;
	if (!n)
		return 0;
	if (!(data->items = calloc(n, sizeof(*data->items))))
		return -1;
	for (i = 0; i < n; i++, data->n++) {
		char *u;

		l = strlen(a[i].cid ? a[i].cid : "");
		if (!(u = uris[i] = malloc(l + 5)))
			return -1;
		memcpy(u, "cid:", 4);
		memcpy(u + 4, a[i].cid ? a[i].cid : "", l + 1);
		data->items[i].uri = u;
		data->items[i].data = a[i].data;
		data->items[i].len = a[i].len;
		data->items[i].mime = a[i].type;
	}
	return 0;
}

static void sig_data_release(struct tdk_sig_data *data, char **uris)
{
	size_t i;

	for (i = 0; i < data->n; i++)
		free(uris[i]);
	free(data->items);
}

/* tdk_wss_verify and tdk_wss_verify_msg: cover set when the AS4 coverage is to be checked. */
static int verify(xmlDocPtr doc, const struct tdk_trust *t, const struct tdk_wss_attachment *a, size_t n,
		  int cover, struct tdk_wss_result *res, struct tdk_diag *d)
{
	struct tdk_verify_opts o;
	struct tdk_sig_report *reps = NULL;
	struct tdk_sig_data data = { NULL, 0 };
	char *uris[TDK_WSS_MAX_ATTACHMENTS];
	size_t nreps = 0;
	xmlNodePtr sig, ki, str;
	int r = TDK_EXIT_NEGATIVE;

	memset(res, 0, sizeof(*res));
	if (!(sig = security_signature(doc, d)) || !profile(sig, res, d))
		return TDK_EXIT_NEGATIVE;
	ki = tdk_node_child(sig, "KeyInfo", TDK_NS_DSIG);
	str = tdk_node_child(ki, "SecurityTokenReference", TDK_NS_WSSE);
	if (str && tdk_node_child(str, "Reference", TDK_NS_WSSE) && token(doc, str, res, d) < 0)
		return TDK_EXIT_NEGATIVE;
	if (needs_attachment(sig, a, n, res, d) || (cover && coverage(doc, sig, a, n, d)))
		return TDK_EXIT_NEGATIVE;
	if (!t || (!t->ncert && !t->insecure)) {
		res->missing = "key";
		tdk_wss_err(d, sig, "WSS-NEEDS-KEY", "no signer certificate given to trust%s%s",
			    res->token[0] ? ": the token is " : "", res->token);
		return TDK_EXIT_NEGATIVE;
	}
	if (n > TDK_WSS_MAX_ATTACHMENTS) {
		tdk_wss_err(d, sig, "WSS-LIMIT", "%zu attachments, more than the %d a message may have", n,
			    TDK_WSS_MAX_ATTACHMENTS);
		return TDK_EXIT_NEGATIVE;
	}
	if (tdk_wss_lib_init() || sig_data(&data, uris, a, n) < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.allow_partial = 1;
	tdk_wss_set_attachments(a, n);
	r = tdk_verify_doc(doc, n ? &data : NULL, t, &o, &reps, &nreps, d);
	tdk_wss_set_attachments(NULL, 0);
	tdk_sig_reports_free(reps, nreps);
out:
	sig_data_release(&data, uris);
	return r;
}

int tdk_wss_verify(xmlDocPtr doc, const struct tdk_trust *t, struct tdk_wss_result *res, struct tdk_diag *d)
{
	return verify(doc, t, NULL, 0, 0, res, d);
}

int tdk_wss_verify_msg(xmlDocPtr doc, const struct tdk_trust *t, const struct tdk_wss_attachment *a, size_t n,
		       struct tdk_wss_result *res, struct tdk_diag *d)
{
	return verify(doc, t, a, n, 1, res, d);
}
