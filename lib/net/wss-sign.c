/*
 * WS-Security signing of AS4 messages (eDelivery AS4 profile 1.x): the
 * wsse:Security header with the signer's certificate as a
 * BinarySecurityToken and a ds:Signature over eb:Messaging, the Body and
 * the attachments, made by libxmlsec1 with the SwA transform of
 * wss-swa.c.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>

#include "net/wss-int.h"
#include "util/exitcode.h"

/* The wsse:BinarySecurityToken holding cert, appended to sec; its wsu:Id, or NULL. */
static const char *add_token(xmlDocPtr doc, xmlNodePtr sec, X509 *cert)
{
	unsigned char *der = NULL, *b64 = NULL;
	int n = i2d_X509(cert, &der);
	const char *id = NULL;
	xmlNodePtr bst;

	if (n <= 0 || !(b64 = malloc(((size_t)n + 2) / 3 * 4 + 1)))
		goto out;
	EVP_EncodeBlock(b64, der, n);
	if (!(bst = xmlNewChild(sec, sec->ns, (const xmlChar *)"BinarySecurityToken", b64)) ||
	    !xmlSetProp(bst, (const xmlChar *)"EncodingType", (const xmlChar *)WSS_BASE64) ||
	    !xmlSetProp(bst, (const xmlChar *)"ValueType", (const xmlChar *)WSS_X509V3))
		goto out;
	id = tdk_wss_wsu_id(doc, bst, "X509-");
out:
	free(b64);
	OPENSSL_free(der);
	return id;
}

/* A reference to uri with transform tr added to sig; 0 or -1. */
static int add_ref(xmlNodePtr sig, const char *uri, xmlSecTransformId tr)
{
	xmlNodePtr ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, (const xmlChar *)uri,
							 NULL);

	return ref && xmlSecTmplReferenceAddTransform(ref, tr) ? 0 : -1;
}

/* The references: eb:Messaging and Body by wsu:Id, then each attachment by cid:. */
static int add_refs(xmlDocPtr doc, xmlNodePtr sig, xmlNodePtr eb, xmlNodePtr body,
		    const struct tdk_wss_attachment *a, size_t n)
{
	const char *id;
	char uri[300];
	size_t i;

	if (!(id = tdk_wss_wsu_id(doc, eb, "eb-")) || (size_t)snprintf(uri, sizeof(uri), "#%s", id) >= sizeof(uri) ||
	    add_ref(sig, uri, xmlSecTransformExclC14NId) < 0)
		return -1;
	if (!(id = tdk_wss_wsu_id(doc, body, "body-")) || (size_t)snprintf(uri, sizeof(uri), "#%s", id) >= sizeof(uri) ||
	    add_ref(sig, uri, xmlSecTransformExclC14NId) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct tdk_buf b = TDK_BUF_INIT(4096);
		int r = tdk_wss_cid_uri(&b, a[i].cid) < 0 ||
			add_ref(sig, b.data, (xmlSecTransformId)tdk_wss_swa_transform()) < 0;

		tdk_buf_release(&b);
		if (r)
			return -1;
	}
	return 0;
}

/* KeyInfo: a wsse:SecurityTokenReference to the token bst_id. */
static int add_keyinfo(xmlNodePtr sig, xmlNsPtr wsse, const char *bst_id)
{
	xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL), str, ref;
	char uri[300];

	if (!ki || (size_t)snprintf(uri, sizeof(uri), "#%s", bst_id) >= sizeof(uri))
		return -1;
	return (str = xmlNewChild(ki, wsse, (const xmlChar *)"SecurityTokenReference", NULL)) &&
	       (ref = xmlNewChild(str, wsse, (const xmlChar *)"Reference", NULL)) &&
	       xmlSetProp(ref, (const xmlChar *)"URI", (const xmlChar *)uri) &&
	       xmlSetProp(ref, (const xmlChar *)"ValueType", (const xmlChar *)WSS_X509V3) ? 0 : -1;
}

/* libxmlsec1 computes the digests and the value; a's bytes served to cid: on this thread. */
static int run(xmlNodePtr sig, const struct tdk_signer *s, const struct tdk_wss_attachment *a, size_t n,
	       struct tdk_diag *d)
{
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	int r = TDK_EXIT_INTERNAL;

	if (!ctx)
		return r;
	ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument | xmlSecTransformUriTypeRemote;
	if (!(ctx->signKey = xmlSecKeyDuplicate(s->xkey)))
		goto out;
	tdk_wss_set_attachments(a, n);
	if (xmlSecDSigCtxSign(ctx, sig) < 0)
		tdk_wss_err(d, sig, "WSS-SIGN", "libxmlsec1 could not sign the message");
	else
		r = 0;
	tdk_wss_set_attachments(NULL, 0);
out:
	xmlSecDSigCtxDestroy(ctx);
	return r;
}

int tdk_wss_sign(xmlDocPtr doc, const struct tdk_signer *s, const struct tdk_wss_attachment *a, size_t n,
		 struct tdk_diag *d)
{
	const char *ns, *bst_id;
	xmlNodePtr h, eb, body, sec, sig;

	if (tdk_wss_lib_init())
		return TDK_EXIT_INTERNAL;
	h = tdk_wss_header(doc, 0, &ns);
	eb = tdk_node_child(h, "Messaging", WSS_NS_EB3);
	body = tdk_node_child(xmlDocGetRootElement(doc), "Body", ns);
	if (!eb || !body) {
		tdk_wss_err(d, xmlDocGetRootElement(doc), "WSS-SIGN",
			    "not an AS4 message: a SOAP envelope with an eb:Messaging header and a Body is signed");
		return TDK_EXIT_NEGATIVE;
	}
	if (tdk_node_child(h, "Security", TDK_NS_WSSE)) {
		tdk_wss_err(d, h, "WSS-SIGN", "the message already has a wsse:Security header");
		return TDK_EXIT_NEGATIVE;
	}
	if (!s || !s->cert || !s->xkey || s->ec) {
		tdk_wss_err(d, NULL, "WSS-ALGORITHM", "the AS4 profile 1.x signs with RSA-SHA256: the key is not RSA");
		return TDK_EXIT_NEGATIVE;
	}
	if (n > TDK_WSS_MAX_ATTACHMENTS) {
		tdk_wss_err(d, NULL, "WSS-LIMIT", "%zu attachments, more than the %d a message may have", n,
			    TDK_WSS_MAX_ATTACHMENTS);
		return TDK_EXIT_NEGATIVE;
	}
	if (!(sec = tdk_wss_security(doc, 1)) || !(bst_id = add_token(doc, sec, s->cert)) ||
	    !(sig = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id,
						    NULL, (const xmlChar *)"ds")))
		return TDK_EXIT_INTERNAL;
	if (!xmlAddChild(sec, sig)) {
		xmlFreeNode(sig);
		return TDK_EXIT_INTERNAL;
	}
	if (add_refs(doc, sig, eb, body, a, n) < 0)
		return TDK_EXIT_INTERNAL;
	/* KeyInfo after the value: libxmlsec1 would try to write a key into it. */
	return run(sig, s, a, n, d) ? TDK_EXIT_INTERNAL : add_keyinfo(sig, sec->ns, bst_id) ? TDK_EXIT_INTERNAL : 0;
}
