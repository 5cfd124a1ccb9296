/*
 * Making signatures: XMLDSig 1.1 §3.1 core generation through libxmlsec1
 * templates, with exclusive canonicalisation (without comments) for SignedInfo
 * and every reference, the signer's certificate (and chain) in X509Data, and
 * optionally XAdES baseline B signed properties (ETSI EN 319 132-1 §4.2 and
 * §6: SigningTime, SigningCertificateV2, DataObjectFormat).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <libxml/uri.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>

#include "sign/sign-int.h"
#include "util/exitcode.h"

struct algs {
	xmlSecTransformId sig, dig;
	const char *dig_uri;
};

static int pick_algs(const struct tdk_signer *s, const char *digest, struct algs *a, struct tdk_diag *d)
{
	if (!digest || !strcmp(digest, "sha256")) {
		a->sig = s->ec ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id;
		a->dig = xmlSecTransformSha256Id;
		a->dig_uri = "http://www.w3.org/2001/04/xmlenc#sha256";
	} else if (!strcmp(digest, "sha384")) {
		a->sig = s->ec ? xmlSecTransformEcdsaSha384Id : xmlSecTransformRsaSha384Id;
		a->dig = xmlSecTransformSha384Id;
		a->dig_uri = "http://www.w3.org/2001/04/xmldsig-more#sha384";
	} else if (!strcmp(digest, "sha512")) {
		a->sig = s->ec ? xmlSecTransformEcdsaSha512Id : xmlSecTransformRsaSha512Id;
		a->dig = xmlSecTransformSha512Id;
		a->dig_uri = "http://www.w3.org/2001/04/xmlenc#sha512";
	} else {
		tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-ALGORITHM", NULL, "digest '%s' is not one of sha256, "
			     "sha384, sha512", digest);
		return -1;
	}
	return 0;
}

void tdk_sign_new_id(char *out, size_t size, const char *prefix)
{
	unsigned char r[8];
	size_t i, n;

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));
	n = (size_t)snprintf(out, size, "%s", prefix);
	for (i = 0; i < sizeof(r) && n + 2 < size; i++, n += 2)
		snprintf(out + n, size - n, "%02x", r[i]);
}

static int add_id(xmlDocPtr doc, xmlNodePtr n, const char *id)
{
	xmlAttrPtr a = xmlSetProp(n, TDK_XC "Id", TDK_XC id);

	return a && xmlAddID(NULL, doc, TDK_XC id, a) ? 0 : -1;
}

/* DER length octets. */
static size_t der_len(unsigned char *o, size_t n)
{
	if (n < 128) {
		o[0] = (unsigned char)n;
		return 1;
	}
	if (n < 256) {
		o[0] = 0x81;
		o[1] = (unsigned char)n;
		return 2;
	}
	o[0] = 0x82;
	o[1] = (unsigned char)(n >> 8);
	o[2] = (unsigned char)n;
	return 3;
}

/*
 * IssuerSerialV2: base64 of the DER IssuerSerial of RFC 5035 §3 (issuer as
 * GeneralNames holding one directoryName, and the serial number), as
 * EN 319 132-1 §5.2.2 requires.  Returns a malloc'd string or NULL.
 */
static char *issuer_serial_v2(X509 *cert)
{
	GENERAL_NAMES *gns = sk_GENERAL_NAME_new_null();
	GENERAL_NAME *gn = GENERAL_NAME_new();
	unsigned char *a = NULL, *b = NULL, *seq = NULL;
	char *out = NULL;
	int na, nb;
	size_t h, total;

	if (!gns || !gn)
		goto out;
	gn->type = GEN_DIRNAME;
	gn->d.directoryName = X509_NAME_dup(X509_get_issuer_name(cert));
	if (!gn->d.directoryName || !sk_GENERAL_NAME_push(gns, gn))
		goto out;
	gn = NULL;
	na = i2d_GENERAL_NAMES(gns, &a);
	nb = i2d_ASN1_INTEGER(X509_get_serialNumber(cert), &b);
	if (na <= 0 || nb <= 0 || na + nb > 60000)
		goto out;
	seq = malloc((size_t)na + (size_t)nb + 4);
	if (!seq)
		goto out;
	seq[0] = 0x30;
	h = 1 + der_len(seq + 1, (size_t)na + (size_t)nb);
	memcpy(seq + h, a, (size_t)na);
	memcpy(seq + h + na, b, (size_t)nb);
	total = h + (size_t)na + (size_t)nb;
	out = malloc(((total + 2) / 3) * 4 + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, seq, (int)total);
out:
	free(seq);
	OPENSSL_free(a);
	OPENSSL_free(b);
	GENERAL_NAME_free(gn);
	GENERAL_NAMES_free(gns);
	return out;
}

/*
 * Adds ds:Object/xades:QualifyingProperties to sig and the reference to its
 * SignedProperties.  data_refs are the Ids of the data references, with the
 * media type of each for DataObjectFormat (EN 319 132-1 §5.2.4).
 */
static int add_xades(xmlDocPtr doc, xmlNodePtr sig, const char *sig_id, const struct tdk_signer *s,
		     const struct algs *al, time_t now, const char **ref_ids, const char **mimes, size_t nrefs)
{
	char sp_id[64], tbuf[32], target[80];
	xmlNodePtr obj, qp, sp, ssp, sc, c, cd, dm, sdop, ref;
	xmlNsPtr xns, dns;
	char *dig = NULL, *is = NULL;
	struct tm tm;
	size_t i;
	int r = -1;

	snprintf(sp_id, sizeof(sp_id), "%s-signedprops", sig_id);
	snprintf(target, sizeof(target), "#%s", sig_id);
	obj = xmlSecTmplSignatureAddObject(sig, NULL, NULL, NULL);
	if (!obj)
		goto out;
	qp = xmlNewChild(obj, NULL, TDK_XC "QualifyingProperties", NULL);
	if (!qp)
		goto out;
	xns = xmlNewNs(qp, TDK_XC TDK_NS_XADES, TDK_XC "xades");
	xmlSetNs(qp, xns);
	xmlSetProp(qp, TDK_XC "Target", TDK_XC target);
	dns = xmlSearchNsByHref(doc, sig, TDK_XC TDK_NS_DSIG);
	sp = xmlNewChild(qp, xns, TDK_XC "SignedProperties", NULL);
	if (!sp || add_id(doc, sp, sp_id) < 0)
		goto out;
	ssp = xmlNewChild(sp, xns, TDK_XC "SignedSignatureProperties", NULL);
	gmtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	xmlNewChild(ssp, xns, TDK_XC "SigningTime", TDK_XC tbuf);
	sc = xmlNewChild(ssp, xns, TDK_XC "SigningCertificateV2", NULL);
	c = xmlNewChild(sc, xns, TDK_XC "Cert", NULL);
	cd = xmlNewChild(c, xns, TDK_XC "CertDigest", NULL);
	dm = xmlNewChild(cd, dns, TDK_XC "DigestMethod", NULL);
	xmlSetProp(dm, TDK_XC "Algorithm", TDK_XC al->dig_uri);
	dig = tdk_cert_digest_b64(s->cert, al->dig_uri);
	is = issuer_serial_v2(s->cert);
	if (!dig || !is)
		goto out;
	xmlNewChild(cd, dns, TDK_XC "DigestValue", TDK_XC dig);
	xmlNewChild(c, xns, TDK_XC "IssuerSerialV2", TDK_XC is);
	sdop = xmlNewChild(sp, xns, TDK_XC "SignedDataObjectProperties", NULL);
	for (i = 0; i < nrefs; i++) {
		char or[80];
		xmlNodePtr dof = xmlNewChild(sdop, xns, TDK_XC "DataObjectFormat", NULL);

		snprintf(or, sizeof(or), "#%s", ref_ids[i]);
		xmlSetProp(dof, TDK_XC "ObjectReference", TDK_XC or);
		xmlNewChild(dof, xns, TDK_XC "MimeType",
			    TDK_XC (mimes[i] ? mimes[i] : "application/octet-stream"));
	}
	{
		char uri[80];

		snprintf(uri, sizeof(uri), "#%s", sp_id);
		ref = xmlSecTmplSignatureAddReference(sig, al->dig, NULL, TDK_XC uri,
						      TDK_XC TDK_XADES_SIGNED_PROPS);
		if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId))
			goto out;
	}
	r = 0;
out:
	free(dig);
	free(is);
	return r;
}

static xmlNodePtr new_signature(xmlDocPtr doc, const struct algs *al, char *sig_id, size_t idsize)
{
	xmlNodePtr sig, ki, x509;

	tdk_sign_new_id(sig_id, idsize, "sig-");
	sig = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId, al->sig, TDK_XC sig_id,
					      TDK_XC "ds");
	if (!sig)
		return NULL;
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	x509 = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : NULL;
	if (!x509 || !xmlSecTmplX509DataAddCertificate(x509)) {
		xmlFreeNode(sig);
		return NULL;
	}
	return sig;
}

static int run_sign(xmlNodePtr sig, const struct tdk_signer *s, struct tdk_sig_data *data,
		    struct tdk_diag *d)
{
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	int r = TDK_EXIT_INTERNAL;

	if (!ctx)
		return r;
	tdk_sig_set_sink(d, "SIGN-FAILED");
	tdk_sig_set_data(data);
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument |
				    (data ? xmlSecTransformUriTypeRemote : 0);
	ctx->signKey = xmlSecKeyDuplicate(s->xkey);
	if (!ctx->signKey)
		goto out;
	if (xmlSecDSigCtxSign(ctx, sig) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-FAILED", NULL, "libxmlsec1 could not sign: %s",
			     tdk_sig_last_error());
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	r = 0;
out:
	tdk_sig_set_data(NULL);
	tdk_sig_set_sink(NULL, NULL);
	xmlSecDSigCtxDestroy(ctx);
	return r;
}

/*
 * Canonical XML 1.0 §2 (and Exclusive C14N, which inherits it): a namespace
 * declaration with a relative URI reference is a failure of the canonicaliser,
 * not something it can sign.  Checked before signing, walking every element
 * (without recursion: depth is the parser's), so that such a document is
 * refused as input (SIGN-XML-NAMESPACE, exit 3) rather than failing inside
 * libxmlsec1.  An empty URI (xmlns="") undeclares and is allowed.
 */
static int relative_namespaces(xmlDocPtr doc, struct tdk_diag *d)
{
	xmlNodePtr n = xmlDocGetRootElement(doc);
	int bad = 0;

	while (n && !bad) {
		xmlNsPtr ns;

		for (ns = n->type == XML_ELEMENT_NODE ? n->nsDef : NULL; ns && !bad; ns = ns->next) {
			xmlURIPtr u;

			if (!ns->href || !ns->href[0])
				continue;
			u = xmlParseURI((const char *)ns->href);
			if (!u || !u->scheme || !u->scheme[0]) {
				struct tdk_diag_loc loc = { 0 };

				loc.line = (unsigned long)xmlGetLineNo(n);
				tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-XML-NAMESPACE", &loc, "namespace '%.200s' is "
					     "%s URI; canonical XML cannot sign it", (const char *)ns->href,
					     u ? "a relative" : "not a valid");
				bad = 1;
			}
			xmlFreeURI(u);
		}
		n = tdk_node_next(n);
	}
	return bad;
}

int tdk_sign_doc(xmlDocPtr *docp, const struct tdk_signer *s, const struct tdk_sign_opts *o,
		 struct tdk_diag *d)
{
	xmlDocPtr doc = *docp;
	xmlNodePtr root = xmlDocGetRootElement(doc), sig = NULL, ref;
	struct algs al;
	char sig_id[40], ref_id[48], uri[300];
	const char *ref_ids[1], *mimes[1] = { "text/xml" };
	int r;

	if (pick_algs(s, o->digest, &al, d) < 0)
		return TDK_EXIT_USAGE;
	if (relative_namespaces(doc, d))
		return TDK_EXIT_IO;
	sig = new_signature(doc, &al, sig_id, sizeof(sig_id));
	if (!sig)
		return TDK_EXIT_INTERNAL;
	snprintf(ref_id, sizeof(ref_id), "%s-ref-0", sig_id);
	ref_ids[0] = ref_id;
	if (o->mode == TDK_SIGN_ENVELOPING) {
		/* XMLDSig §2.1: the document travels inside ds:Object, referenced by its Id. */
		char obj_id[48];
		xmlNodePtr obj;

		snprintf(obj_id, sizeof(obj_id), "%s-object", sig_id);
		snprintf(uri, sizeof(uri), "#%s", obj_id);
		ref = xmlSecTmplSignatureAddReference(sig, al.dig, TDK_XC ref_id, TDK_XC uri, NULL);
		if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId))
			goto fail;
		obj = xmlSecTmplSignatureAddObject(sig, TDK_XC obj_id, NULL, NULL);
		if (!obj)
			goto fail;
		xmlUnlinkNode(root);
		xmlDocSetRootElement(doc, sig);
		xmlAddChild(obj, root);
		xmlAddID(NULL, doc, TDK_XC obj_id, xmlHasProp(obj, TDK_XC "Id"));
	} else {
		if (o->id) {
			xmlAttrPtr a = xmlGetID(doc, TDK_XC o->id);

			if (!a) {
				tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-NO-ID", NULL, "no element has the ID '%s'",
					     o->id);
				xmlFreeNode(sig);
				return TDK_EXIT_NEGATIVE;
			}
			snprintf(uri, sizeof(uri), "#%s", o->id);
		} else {
			uri[0] = '\0';
		}
		/* XMLDSig §6.6.4: the enveloped-signature transform takes the signature out. */
		ref = xmlSecTmplSignatureAddReference(sig, al.dig, TDK_XC ref_id, TDK_XC uri, NULL);
		if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) ||
		    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId))
			goto fail;
		xmlAddChild(root, sig);
	}
	xmlAddID(NULL, doc, TDK_XC sig_id, xmlHasProp(sig, TDK_XC "Id"));
	if (o->xades && add_xades(doc, sig, sig_id, s, &al, o->now, ref_ids, mimes, 1) < 0)
		return TDK_EXIT_INTERNAL;
	r = run_sign(sig, s, NULL, d);
	*docp = doc;
	return r;
fail:
	if (!sig->parent)
		xmlFreeNode(sig);
	return TDK_EXIT_INTERNAL;
}

int tdk_sign_detached(xmlDocPtr *out, struct tdk_sig_data *data, int asic, const struct tdk_signer *s,
		      const struct tdk_sign_opts *o, struct tdk_diag *d)
{
	xmlDocPtr doc = xmlNewDoc(TDK_XC "1.0");
	xmlNodePtr sig = NULL, holder = NULL;
	struct algs al;
	char sig_id[40];
	char **ids = NULL;
	const char **cids = NULL, **mimes = NULL;
	size_t i;
	int r = TDK_EXIT_INTERNAL;

	*out = NULL;
	if (!doc)
		return r;
	if (pick_algs(s, o->digest, &al, d) < 0) {
		r = TDK_EXIT_USAGE;
		goto out;
	}
	ids = calloc(data->n ? data->n : 1, sizeof(*ids));
	mimes = calloc(data->n ? data->n : 1, sizeof(*mimes));
	cids = calloc(data->n ? data->n : 1, sizeof(*cids));
	if (!ids || !mimes || !cids)
		goto out;
	if (asic) {
		/* EN 319 162-1 §A.5: META-INF/signatures*.xml holds asic:XAdESSignatures. */
		xmlNsPtr ns;

		holder = xmlNewDocNode(doc, NULL, TDK_XC "XAdESSignatures", NULL);
		if (!holder)
			goto out;
		ns = xmlNewNs(holder, TDK_XC TDK_NS_ASIC, TDK_XC "asic");
		xmlSetNs(holder, ns);
		xmlDocSetRootElement(doc, holder);
	}
	sig = new_signature(doc, &al, sig_id, sizeof(sig_id));
	if (!sig)
		goto out;
	if (holder)
		xmlAddChild(holder, sig);
	else
		xmlDocSetRootElement(doc, sig);
	xmlAddID(NULL, doc, TDK_XC sig_id, xmlHasProp(sig, TDK_XC "Id"));
	for (i = 0; i < data->n; i++) {
		struct tdk_buf uri = TDK_BUF_INIT(1 << 16);
		char rid[80];
		xmlNodePtr ref;

		snprintf(rid, sizeof(rid), "%s-ref-%zu", sig_id, i);
		ids[i] = strdup(rid);
		cids[i] = ids[i];
		mimes[i] = data->items[i].mime;
		if (!ids[i] || tdk_uri_encode(data->items[i].uri, &uri) < 0) {
			tdk_buf_release(&uri);
			goto out;
		}
		ref = xmlSecTmplSignatureAddReference(sig, al.dig, TDK_XC rid, TDK_XC uri.data, NULL);
		tdk_buf_release(&uri);
		if (!ref)
			goto out;
	}
	if (o->xades && add_xades(doc, sig, sig_id, s, &al, o->now, cids, mimes, data->n) < 0)
		goto out;
	r = run_sign(sig, s, data, d);
	if (!r) {
		*out = doc;
		doc = NULL;
	}
out:
	for (i = 0; ids && i < data->n; i++)
		free(ids[i]);
	free(ids);
	free(cids);
	free(mimes);
	xmlFreeDoc(doc);
	return r;
}
