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

#include "net/wss.h"
#include "util/exitcode.h"

#define ALG_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ALG_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_SWA_CONTENT "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform"
#define ALG_SWA_COMPLETE "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Complete-Signature-Transform"
#define WSS_X509V3 "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"

static void werr(struct tdk_diag *d, const xmlNode *n, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void werr(struct tdk_diag *d, const xmlNode *n, const char *code, const char *fmt, ...)
{
	struct tdk_diag_loc loc = { 0 };
	va_list ap;

	if (n)
		loc.line = (unsigned long)xmlGetLineNo(n);
	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, code, n ? &loc : NULL, fmt, ap);
	va_end(ap);
}

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
		werr(d, n, "WSS-ALGORITHM", "%s '%s' is not allowed by the AS4 profile", what, a ? a : "(none)");
	xmlFree(a);
	return ok;
}

/* The AS4 profile's algorithms; counts the references into res. */
static int profile(const xmlNode *sig, struct tdk_wss_result *res, struct tdk_diag *d)
{
	xmlNodePtr si = tdk_node_child(sig, "SignedInfo", TDK_NS_DSIG), r, t;
	int ok = 1;

	if (!si) {
		werr(d, sig, "WSS-NO-SIGNATURE", "the signature has no SignedInfo");
		return 0;
	}
	ok &= alg_ok(tdk_node_child(si, "SignatureMethod", TDK_NS_DSIG), "signature method", ALG_RSA_SHA256, d);
	ok &= alg_ok(tdk_node_child(si, "CanonicalizationMethod", TDK_NS_DSIG), "canonicalisation", ALG_EXC_C14N, d);
	for (r = si->children; r; r = r->next) {
		char *uri;

		if (!tdk_node_is(r, "Reference", TDK_NS_DSIG))
			continue;
		res->refs++;
		uri = attr(r, "URI");
		if (uri && !strncmp(uri, "cid:", 4))
			res->attachments++;
		xmlFree(uri);
		ok &= alg_ok(tdk_node_child(r, "DigestMethod", TDK_NS_DSIG), "digest method", ALG_SHA256, d);
		for (t = tdk_node_child(tdk_node_child(r, "Transforms", TDK_NS_DSIG), "Transform", TDK_NS_DSIG); t;
		     t = t->next)
			if (tdk_node_is(t, "Transform", TDK_NS_DSIG))
				ok &= alg_ok(t, "transform", ALG_EXC_C14N "|" ALG_SWA_CONTENT "|" ALG_SWA_COMPLETE, d);
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
		werr(d, str, "WSS-TOKEN", "the security token reference '%s' names no BinarySecurityToken",
		     uri ? uri : "(none)");
		goto out;
	}
	vt = attr(bst, "ValueType");
	if (!vt || strcmp(vt, WSS_X509V3) || !(b64 = tdk_node_b64(bst)) || !(der = malloc(strlen(b64) + 1))) {
		werr(d, bst, "WSS-TOKEN", "the BinarySecurityToken is not an X.509v3 certificate ('%s')", vt ? vt : "");
		goto out;
	}
	n = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)strlen(b64));
	p = der;
	if (n <= 0 || !(x = d2i_X509(NULL, &p, n))) {
		werr(d, bst, "WSS-TOKEN", "the BinarySecurityToken holds no certificate");
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
		werr(d, env, "WSS-NO-SECURITY", "no wsse:Security header in a SOAP envelope");
		return NULL;
	}
	if (!(sig = tdk_node_child(sec, "Signature", TDK_NS_DSIG)))
		werr(d, sec, "WSS-NO-SIGNATURE", "the wsse:Security header holds no ds:Signature");
	return sig;
}

int tdk_wss_verify(xmlDocPtr doc, const struct tdk_trust *t, struct tdk_wss_result *res,
		   struct tdk_diag *d)
{
	struct tdk_verify_opts o;
	struct tdk_sig_report *reps = NULL;
	size_t nreps = 0;
	xmlNodePtr sig, ki, str;
	int r;

	memset(res, 0, sizeof(*res));
	if (!(sig = security_signature(doc, d)))
		return TDK_EXIT_NEGATIVE;
	if (!profile(sig, res, d))
		return TDK_EXIT_NEGATIVE;
	ki = tdk_node_child(sig, "KeyInfo", TDK_NS_DSIG);
	str = tdk_node_child(ki, "SecurityTokenReference", TDK_NS_WSSE);
	if (str && tdk_node_child(str, "Reference", TDK_NS_WSSE) && token(doc, str, res, d) < 0)
		return TDK_EXIT_NEGATIVE;
	if (res->attachments) {
		res->missing = "attachment";
		werr(d, sig, "WSS-NEEDS-ATTACHMENT", "%u of the %u references sign attachments (cid:), which need "
		     "the attachments and the SwA Attachment-Content-Signature transform, not in libxmlsec1",
		     res->attachments, res->refs);
		return TDK_EXIT_NEGATIVE;
	}
	if (!t || (!t->ncert && !t->insecure)) {
		res->missing = "key";
		werr(d, sig, "WSS-NEEDS-KEY", "no signer certificate given to trust%s%s", res->token[0] ? ": the token is " : "",
		     res->token);
		return TDK_EXIT_NEGATIVE;
	}
	memset(&o, 0, sizeof(o));
	o.allow_partial = 1;
	r = tdk_verify_doc(doc, NULL, t, &o, &reps, &nreps, d);
	tdk_sig_reports_free(reps, nreps);
	return r;
}
