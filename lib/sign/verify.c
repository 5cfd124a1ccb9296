/*
 * Verifying signatures: XMLDSig 1.1 §3.2 core validation by libxmlsec1
 * (reference digests, then the signature value), then what core validation
 * leaves out, done here with OpenSSL and the DOM:
 *   - trust: the signer certificate must chain to an anchor the user named
 *     (--ca) or be the pinned one (--cert); valid at the XAdES signing time
 *     when there is one, else now (or --at); key usage must allow signing;
 *   - XAdES (EN 319 132-1 §5.2.2, §6.3): SignedProperties must be covered by
 *     a reference, and SigningCertificate(V2) must name the certificate whose
 *     key verified (a substituted key fails here even when the cryptography
 *     holds);
 *   - coverage: what each reference covers, and whether that is the whole
 *     document; a partial cover is how signature wrapping works, so it fails
 *     unless allowed.
 * An algorithm or key form this build of libxmlsec1 does not know is reported
 * as unsupported, never as invalid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include "sign/sign-int.h"
#include "util/exitcode.h"
#include "util/time.h"

static const char *const xades_ns[] = {
	TDK_NS_XADES, "http://uri.etsi.org/01903/v1.1.1#", "http://uri.etsi.org/01903/v1.2.2#", NULL
};

static int is_xades(const xmlNode *n, const char *name)
{
	int i;

	for (i = 0; xades_ns[i]; i++)
		if (tdk_node_is(n, name, xades_ns[i]))
			return 1;
	return 0;
}

static xmlNodePtr xades_child(const xmlNode *n, const char *name)
{
	xmlNodePtr c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is_xades(c, name))
			return c;
	return NULL;
}

static char *dupstr(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, TDK_XC name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* The first Algorithm this libxmlsec1 does not implement in the signature, or NULL. */
static char *unsupported_algorithm(xmlNodePtr sig)
{
	xmlNodePtr si = tdk_node_child(sig, "SignedInfo", TDK_NS_DSIG), n, t;
	struct { xmlNodePtr node; xmlSecTransformUsage use; } chk[64];
	size_t nchk = 0, i;

	if (!si)
		return NULL;
	for (n = si->children; n && nchk + 1 < 64; n = n->next) {
		if (tdk_node_is(n, "CanonicalizationMethod", TDK_NS_DSIG))
			chk[nchk].node = n, chk[nchk++].use = xmlSecTransformUsageC14NMethod;
		else if (tdk_node_is(n, "SignatureMethod", TDK_NS_DSIG))
			chk[nchk].node = n, chk[nchk++].use = xmlSecTransformUsageSignatureMethod;
		else if (tdk_node_is(n, "Reference", TDK_NS_DSIG)) {
			xmlNodePtr dm = tdk_node_child(n, "DigestMethod", TDK_NS_DSIG);
			xmlNodePtr ts = tdk_node_child(n, "Transforms", TDK_NS_DSIG);

			if (dm)
				chk[nchk].node = dm, chk[nchk++].use = xmlSecTransformUsageDigestMethod;
			for (t = ts ? ts->children : NULL; t && nchk + 1 < 64; t = t->next)
				if (tdk_node_is(t, "Transform", TDK_NS_DSIG))
					chk[nchk].node = t, chk[nchk++].use = xmlSecTransformUsageDSigTransform;
		}
	}
	for (i = 0; i < nchk; i++) {
		xmlChar *href = xmlGetProp(chk[i].node, TDK_XC "Algorithm");

		if (href && !xmlSecTransformIdListFindByHref(xmlSecTransformIdsGet(), href, chk[i].use)) {
			char *s = strdup((const char *)href);

			xmlFree(href);
			return s;
		}
		xmlFree(href);
	}
	return NULL;
}

/* The name of a KeyInfo element this libxmlsec1 cannot read, or NULL. */
static const char *unsupported_keyinfo(xmlNodePtr sig)
{
	xmlNodePtr ki = tdk_node_child(sig, "KeyInfo", TDK_NS_DSIG), n, c;

	for (n = ki ? ki->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlSecKeyDataIdListFindByNode(xmlSecKeyDataIdsGet(), n->name,
						   n->ns ? n->ns->href : NULL,
						   xmlSecKeyDataUsageKeyInfoNodeRead))
			return (const char *)n->name;
		if (tdk_node_is(n, "KeyValue", TDK_NS_DSIG))
			for (c = n->children; c; c = c->next)
				if (c->type == XML_ELEMENT_NODE &&
				    !xmlSecKeyDataIdListFindByNode(xmlSecKeyDataIdsGet(), c->name,
								   c->ns ? c->ns->href : NULL,
								   xmlSecKeyDataUsageKeyValueNodeRead))
					return (const char *)c->name;
		if (tdk_node_is(n, "X509Data", TDK_NS_DSIG))
			for (c = n->children; c; c = c->next)
				if (c->type == XML_ELEMENT_NODE && !(c->ns && !xmlStrcmp(c->ns->href,
											 TDK_XC TDK_NS_DSIG)))
					return (const char *)c->name;
	}
	return NULL;
}

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

/* EN 319 132-1 §5.2.2: does one Cert of SigningCertificate(V2) name cert? 1 yes, 0 no. */
static int signing_cert_matches(xmlNodePtr scert, X509 *cert, const char **why)
{
	xmlNodePtr c;

	*why = "no xades:Cert names the certificate whose key verified (key substitution?)";
	for (c = scert->children; c; c = c->next) {
		xmlNodePtr cd, dm, dv, is;
		xmlChar *alg;
		char *want, *have;
		int same;

		if (!is_xades(c, "Cert"))
			continue;
		cd = xades_child(c, "CertDigest");
		dm = tdk_node_child(cd, "DigestMethod", TDK_NS_DSIG);
		dv = tdk_node_child(cd, "DigestValue", TDK_NS_DSIG);
		if (!dm || !dv)
			continue;
		alg = xmlGetProp(dm, TDK_XC "Algorithm");
		want = tdk_cert_digest_b64(cert, alg ? (const char *)alg : "");
		xmlFree(alg);
		have = tdk_node_b64(dv);
		same = want && have && !strcmp(want, have);
		free(want);
		free(have);
		if (!same)
			continue;
		/* The digest matches; the issuer and serial, when given, must too. */
		if ((is = xades_child(c, "IssuerSerial")) != NULL) {
			xmlNodePtr sn = tdk_node_child(is, "X509SerialNumber", TDK_NS_DSIG);
			char *t = tdk_node_b64(sn);
			BIGNUM *bn = NULL;
			ASN1_INTEGER *ai = NULL;
			int ok = 0;

			if (t && BN_dec2bn(&bn, t) > 0 && (ai = BN_to_ASN1_INTEGER(bn, NULL)) != NULL)
				ok = !ASN1_INTEGER_cmp(ai, X509_get_serialNumber(cert));
			BN_free(bn);
			ASN1_INTEGER_free(ai);
			free(t);
			if (!ok) {
				*why = "xades:IssuerSerial does not match the signer certificate";
				return 0;
			}
		} else if ((is = xades_child(c, "IssuerSerialV2")) != NULL) {
			char *t = tdk_node_b64(is);
			unsigned char *der = NULL;
			const unsigned char *p;
			int n, ok = 0;

			/* RFC 5035 IssuerSerial: SEQUENCE { GeneralNames, INTEGER }; compare the serial. */
			if (t && (der = malloc(strlen(t) + 1)) != NULL &&
			    (n = EVP_DecodeBlock(der, (const unsigned char *)t, (int)strlen(t))) > 0) {
				long len;
				int tag, cls;

				p = der;
				if (ASN1_get_object(&p, &len, &tag, &cls, n) == V_ASN1_CONSTRUCTED &&
				    tag == V_ASN1_SEQUENCE) {
					const unsigned char *q = p;
					long glen;

					if (ASN1_get_object(&q, &glen, &tag, &cls, len) & V_ASN1_CONSTRUCTED) {
						ASN1_INTEGER *ai;

						q += glen;
						ai = d2i_ASN1_INTEGER(NULL, &q, (long)(p + len - q));
						ok = ai && !ASN1_INTEGER_cmp(ai, X509_get_serialNumber(cert));
						ASN1_INTEGER_free(ai);
					}
				}
			}
			free(der);
			free(t);
			ERR_clear_error();
			if (!ok) {
				*why = "xades:IssuerSerialV2 does not match the signer certificate";
				return 0;
			}
		}
		return 1;
	}
	return 0;
}

char *tdk_cert_subject(X509 *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *s = NULL, *p;
	long n;

	if (!b)
		return NULL;
	X509_NAME_print_ex(b, X509_get_subject_name(c), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(b, &p);
	if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL) {
		memcpy(s, p, (size_t)n);
		s[n] = '\0';
	}
	BIO_free(b);
	return s;
}

struct vctx {
	xmlDocPtr doc;
	xmlNodePtr sig;
	struct tdk_sig_data *data;
	const struct tdk_trust *t;
	const struct tdk_verify_opts *o;
	struct tdk_sig_report *rep;
	struct tdk_diag *d;
	struct tdk_diag_loc loc;
};

static void verr(struct vctx *v, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verr(struct vctx *v, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdk_diag_addv(v->d, TDK_SEV_ERROR, code, &v->loc, fmt, ap);
	va_end(ap);
}

int tdk_cert_check(const struct tdk_trust *t, X509 *cert, STACK_OF(X509) *extra, time_t at,
		   const char *when, const struct tdk_diag_loc *loc, struct tdk_diag *d)
{
	X509_STORE_CTX *sc = NULL;
	STACK_OF(X509) *untrusted = NULL;
	int r = 1, i, ku;

	if (t->pinned) {
		/*
		 * A pinned certificate is trust in its key, given by the user: its
		 * dates are not checked (as a public key given to xmlsec1 is not).
		 */
	} else if (t->store) {
		untrusted = sk_X509_dup(t->untrusted);
		sc = X509_STORE_CTX_new();
		if (!untrusted || !sc)
			goto out;
		for (i = 0; extra && i < sk_X509_num(extra); i++)
			sk_X509_push(untrusted, sk_X509_value(extra, i));
		if (X509_STORE_CTX_init(sc, t->store, cert, untrusted) != 1)
			goto out;
		X509_STORE_CTX_set_time(sc, 0, at);
		if (X509_verify_cert(sc) != 1) {
			int e = X509_STORE_CTX_get_error(sc);

			if (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID)
				tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CERT-EXPIRED", loc,
					     "certificate chain: %s (at %s)", X509_verify_cert_error_string(e),
					     when);
			else
				tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CERT-UNTRUSTED", loc,
					     "certificate chain: %s", X509_verify_cert_error_string(e));
			goto out;
		}
	}
	ku = (int)X509_get_key_usage(cert);
	if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
	    !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CERT-USAGE", loc,
			     "the signer certificate does not allow digital signatures");
		goto out;
	}
	r = 0;
out:
	X509_STORE_CTX_free(sc);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return r;
}

/* Chain and time checks of the signer certificate, with the certificates the signature carries. */
static int check_cert(struct vctx *v, X509 *cert, xmlSecKeyDataPtr x509d, STACK_OF(X509) *extra,
		      time_t at)
{
	STACK_OF(X509) *more = sk_X509_new_null();
	int r = 1, i;

	if (!more)
		return 1;
	for (i = 0; x509d && (xmlSecSize)i < xmlSecOpenSSLKeyDataX509GetCertsSize(x509d); i++)
		sk_X509_push(more, xmlSecOpenSSLKeyDataX509GetCert(x509d, (xmlSecSize)i));
	for (i = 0; extra && i < sk_X509_num(extra); i++)
		sk_X509_push(more, sk_X509_value(extra, i));
	r = tdk_cert_check(v->t, cert, more, at, v->rep->signing_time ? "the signing time" :
			   "the verification time", &v->loc, v->d);
	sk_X509_free(more);
	return r;
}

/* The certificates a signature's KeyInfo carries (ds:X509Data/ds:X509Certificate). */
static STACK_OF(X509) *keyinfo_certs(xmlNodePtr sig)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	xmlNodePtr ki = tdk_node_child(sig, "KeyInfo", TDK_NS_DSIG), xd, c;

	for (xd = ki ? ki->children : NULL; sk && xd; xd = xd->next) {
		if (!tdk_node_is(xd, "X509Data", TDK_NS_DSIG))
			continue;
		for (c = xd->children; c; c = c->next) {
			char *b64;
			unsigned char *der;
			const unsigned char *p;
			int n;
			X509 *x;

			if (!tdk_node_is(c, "X509Certificate", TDK_NS_DSIG) || !(b64 = tdk_node_b64(c)))
				continue;
			der = malloc(strlen(b64) + 1);
			n = der ? EVP_DecodeBlock(der, (const unsigned char *)b64, (int)strlen(b64)) : -1;
			p = der;
			/* EVP_DecodeBlock counts padding as zero bytes; d2i reads the DER length. */
			x = n > 0 ? d2i_X509(NULL, &p, n) : NULL;
			if (x && !sk_X509_push(sk, x))
				X509_free(x);
			free(der);
			free(b64);
		}
	}
	ERR_clear_error();
	return sk;
}

/* The first certificate of sk whose public key is pk, or NULL. */
static X509 *cert_with_key(STACK_OF(X509) *sk, EVP_PKEY *pk)
{
	int i;

	for (i = 0; sk && pk && i < sk_X509_num(sk); i++) {
		X509 *c = sk_X509_value(sk, i);
		EVP_PKEY *ck = X509_get0_pubkey(c);

		if (ck && EVP_PKEY_eq(ck, pk) == 1)
			return c;
	}
	ERR_clear_error();
	return NULL;
}

/* A distinguished name as text, reduced for comparison: no blanks around ',' '=' '+', lower case. */
static void dn_reduce(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s && o + 1 < size; s++) {
		if (*s == ' ' && (o == 0 || strchr(",=+", out[o - 1]) || (s[1] && strchr(",=+ ", s[1]))))
			continue;
		out[o++] = (char)((*s >= 'A' && *s <= 'Z') ? *s - 'A' + 'a' : *s);
	}
	out[o] = '\0';
}

/*
 * A ds:KeyName that is a distinguished name (XMLDSig 1.1 §4.5.1 leaves its
 * meaning to the application; the interop suites use the subject's DN, in
 * RFC 4514 or in forward order): the one certificate of the pool whose
 * subject it names.  NULL when none or more than one does.
 */
static X509 *cert_by_keyname(const struct tdk_trust *t, const char *name)
{
	STACK_OF(X509) *sk = t->untrusted;
	char want[1024], have[1024];
	X509 *found = NULL;
	int i, k, hits = 0;
	const unsigned long flags[2] = { XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB,
					 (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_SPC_EQ &
					  ~XN_FLAG_SEP_MASK) | XN_FLAG_SEP_COMMA_PLUS };

	dn_reduce(name, want, sizeof(want));
	for (i = 0; sk && want[0] && i < sk_X509_num(sk); i++) {
		X509 *c = sk_X509_value(sk, i);

		for (k = 0; k < 2; k++) {
			BIO *b = BIO_new(BIO_s_mem());
			char *p = NULL;
			long n;

			if (!b)
				continue;
			X509_NAME_print_ex(b, X509_get_subject_name(c), 0, flags[k]);
			n = BIO_get_mem_data(b, &p);
			if (n > 0 && (size_t)n < sizeof(have)) {
				char raw[1024];

				memcpy(raw, p, (size_t)n);
				raw[n] = '\0';
				dn_reduce(raw, have, sizeof(have));
				if (!strcmp(have, want)) {
					if (found != c)
						hits++;
					found = c;
				}
			}
			BIO_free(b);
		}
	}
	return hits == 1 ? found : NULL;
}

/* A libxmlsec1 key made from a certificate's public key, carrying the certificate. */
static xmlSecKeyPtr key_from_cert(X509 *cert)
{
	EVP_PKEY *pk = X509_get_pubkey(cert);
	xmlSecKeyDataPtr kd = pk ? xmlSecOpenSSLEvpKeyAdopt(pk) : NULL, xd;
	xmlSecKeyPtr key = NULL;
	X509 *dup;

	if (!kd) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	key = xmlSecKeyCreate();
	if (!key || xmlSecKeySetValue(key, kd) < 0) {
		xmlSecKeyDataDestroy(kd);
		goto fail;
	}
	xd = xmlSecKeyEnsureData(key, xmlSecOpenSSLKeyDataX509Id);
	dup = X509_dup(cert);
	if (!xd || !dup || xmlSecOpenSSLKeyDataX509AdoptKeyCert(xd, dup) < 0) {
		X509_free(dup);
		goto fail;
	}
	return key;
fail:
	if (key)
		xmlSecKeyDestroy(key);
	ERR_clear_error();
	return NULL;
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

/*
 * XMLDSig 1.1 §6.4.3: an ECDSA SignatureValue is r || s, each integer
 * written in exactly as many octets as the curve's order needs (I2OSP with l
 * = that length).  Some signers pad each half with leading zero octets;
 * libxmlsec1 1.2 refuses any other length.  When both halves carry only zero
 * octets beyond l, the value is rewritten to the canonical length (the
 * integers are the same) and the original text is returned in *saved for
 * restore_sigvalue.  Returns 1 when rewritten.
 */
static int ecdsa_normalise(xmlNodePtr sig, EVP_PKEY *pk, xmlChar **saved)
{
	xmlNodePtr sv = tdk_node_child(sig, "SignatureValue", TDK_NS_DSIG);
	char *b64 = sv ? tdk_node_b64(sv) : NULL;
	unsigned char *raw = NULL, *out = NULL;
	char *enc = NULL;
	size_t len, half, l, pad, i;
	int n, r = 0, bits;

	*saved = NULL;
	if (!b64 || !pk || EVP_PKEY_base_id(pk) != EVP_PKEY_EC || (bits = EVP_PKEY_get_bits(pk)) <= 0)
		goto out;
	l = ((size_t)bits + 7) / 8;
	raw = malloc(strlen(b64) + 1);
	if (!raw || (n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)strlen(b64))) <= 0)
		goto out;
	len = (size_t)n;
	/* EVP_DecodeBlock counts the '=' padding as zero octets. */
	for (i = strlen(b64); i > 0 && b64[i - 1] == '='; i--)
		len--;
	if (len % 2 || (half = len / 2) <= l)
		goto out;
	pad = half - l;
	for (i = 0; i < pad; i++)
		if (raw[i] || raw[half + i])
			goto out;
	out = malloc(2 * l);
	enc = malloc(4 * ((2 * l + 2) / 3) + 1);
	if (!out || !enc)
		goto out;
	memcpy(out, raw + pad, l);
	memcpy(out + l, raw + half + pad, l);
	EVP_EncodeBlock((unsigned char *)enc, out, (int)(2 * l));
	*saved = xmlNodeGetContent(sv);
	xmlNodeSetContent(sv, TDK_XC enc);
	r = 1;
out:
	free(b64);
	free(raw);
	free(out);
	free(enc);
	return r;
}

static void restore_sigvalue(xmlNodePtr sig, xmlChar *saved)
{
	xmlNodePtr sv = tdk_node_child(sig, "SignatureValue", TDK_NS_DSIG);
	xmlChar *esc;

	if (!saved)
		return;
	esc = sv ? xmlEncodeSpecialChars(sv->doc, saved) : NULL;
	if (esc)
		xmlNodeSetContent(sv, esc);
	xmlFree(esc);
	xmlFree(saved);
}

/*
 * One run of XMLDSig core validation.  key (owned by the new context) is the
 * verification key when the caller chose it; otherwise libxmlsec1 reads
 * KeyInfo, allowed to use certificates and, with anchors, key values too
 * (such a key must then match a certificate, checked by the caller).
 */
static xmlSecDSigCtxPtr dsig_new(struct vctx *v, xmlSecKeyPtr key)
{
	const struct tdk_trust *t = v->t;
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(t->mngr);

	if (!ctx) {
		if (key)
			xmlSecKeyDestroy(key);
		return NULL;
	}
	/* References: this document, and the data handed over; nothing else. */
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument |
				    (v->data ? xmlSecTransformUriTypeRemote : 0);
	ctx->keyInfoReadCtx.retrievalMethodCtx.enabledUris = xmlSecTransformUriTypeEmpty |
							     xmlSecTransformUriTypeSameDocument;
	/* libxmlsec1 only picks the key; the chain is checked afterwards with precise reasons. */
	ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS |
				     XMLSEC_KEYINFO_FLAGS_X509DATA_SKIP_STRICT_CHECKS;
	if (key) {
		ctx->signKey = key;
	} else if (!t->insecure) {
		/*
		 * With anchors, the key must come from a certificate: X509Data, a
		 * same-document RetrievalMethod to one, or a key value that equals
		 * the key of a certificate given (checked after the run).
		 */
		union { xmlSecKeyDataId id; void *p; } ids[] = {
			{ xmlSecKeyDataX509Id }, { xmlSecKeyDataRawX509CertId },
			{ xmlSecKeyDataRetrievalMethodId }, { xmlSecKeyDataValueId },
			{ xmlSecKeyDataRsaId }, { xmlSecKeyDataDsaId }, { xmlSecKeyDataEcdsaId },
		};
		size_t i;

		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, ids[i].p);
	}
	/* What xmlSecDSigCtxVerify sets up before it reads KeyInfo, for a key read without it. */
	ctx->operation = xmlSecTransformOperationVerify;
	return ctx;
}

static xmlSecDSigCtxPtr dsig_run(struct vctx *v, xmlSecKeyPtr key, int *ret)
{
	xmlSecDSigCtxPtr ctx = dsig_new(v, key);

	*ret = ctx ? xmlSecDSigCtxVerify(ctx, v->sig) : -1;
	return ctx;
}

static EVP_PKEY *key_pkey(xmlSecKeyPtr key)
{
	xmlSecKeyDataPtr kv = key ? xmlSecKeyGetValue(key) : NULL;

	if (!kv || !(xmlSecKeyDataCheckId(kv, xmlSecKeyDataRsaId) || xmlSecKeyDataCheckId(kv, xmlSecKeyDataDsaId) ||
		     xmlSecKeyDataCheckId(kv, xmlSecKeyDataEcdsaId)))
		return NULL;
	return xmlSecOpenSSLEvpKeyDataGetEvp(kv);
}

static EVP_PKEY *ctx_pkey(xmlSecDSigCtxPtr ctx)
{
	return ctx ? key_pkey(ctx->signKey) : NULL;
}

/*
 * The certificate of key: the one it carries (from X509Data or the pinned
 * certificate pcert); for a bare key value, the certificate carried in
 * KeyInfo, given with --untrusted or among the anchors that has that very
 * key (an anchor's is returned with a reference in *owned).  NULL when none.
 */
static X509 *signer_cert(const struct tdk_trust *t, xmlSecKeyPtr key, X509 *pcert, STACK_OF(X509) *kicerts,
			 xmlSecKeyDataPtr *x509d, X509 **owned)
{
	X509 *cert;
	EVP_PKEY *pk;

	*x509d = key ? xmlSecKeyGetData(key, xmlSecOpenSSLKeyDataX509Id) : NULL;
	cert = *x509d ? xmlSecOpenSSLKeyDataX509GetKeyCert(*x509d) : NULL;
	if (pcert)
		cert = pcert;
	if (cert || t->hmac_key_file)
		return cert;
	pk = key_pkey(key);
	if (!(cert = cert_with_key(kicerts, pk)) && !(cert = cert_with_key(t->untrusted, pk)) && t->store) {
		STACK_OF(X509) *anchors = X509_STORE_get1_all_certs(t->store);

		if ((cert = cert_with_key(anchors, pk)) != NULL)
			X509_up_ref(cert), *owned = cert;
		sk_X509_pop_free(anchors, X509_free);
	}
	return cert;
}

/* Why no key could be had, from what KeyInfo holds. */
static void report_no_key(struct vctx *v, const char *keyname)
{
	const char *ki = unsupported_keyinfo(v->sig);

	if (ki)
		verr(v, "VERIFY-UNSUPPORTED-KEYINFO", "key information '%s' is not supported by this build "
		     "(libxmlsec1 %s)", ki, XMLSEC_VERSION);
	else if (keyname)
		verr(v, "VERIFY-KEY-NOT-FOUND", "no usable key: KeyInfo names '%s', which no certificate "
		     "given (--certs, --untrusted) has as its subject, or more than one has", keyname);
	else
		verr(v, "VERIFY-KEY-NOT-FOUND", "no usable key: the signature carries no certificate%s",
		     v->t->insecure ? " or key value" : " and no key value that matches a certificate given");
}

/* SignedInfo's value with *key (or KeyInfo's through kctx); a padded ECDSA value (§6.4.3) read normalised. */
static int signedinfo_check(struct vctx *v, xmlSecKeyPtr *key, xmlSecDSigCtxPtr kctx)
{
	xmlChar *saved = NULL;
	int ok = tdk_signedinfo_verify(v->sig, key, kctx ? &kctx->keyInfoReadCtx : NULL);

	if (ok != 1 && *key && ecdsa_normalise(v->sig, key_pkey(*key), &saved)) {
		ok = tdk_signedinfo_verify(v->sig, key, NULL);
		restore_sigvalue(v->sig, saved);
	}
	return ok;
}

/*
 * Authenticate first (lib/sign/authfirst.c): the key whose signature value
 * over SignedInfo verifies -- the first pinned certificate's that does, the
 * HMAC secret, the certificate a KeyName names, or the key KeyInfo gives --
 * and then its certificate's trust at time at, before any reference or
 * transform is processed.  Stores the key in *keyp (the caller owns it) and
 * the pinned certificate used in *pcert.  Returns 0, or an exit code after
 * reporting.
 */
static int authenticate(struct vctx *v, const char *keyname, STACK_OF(X509) *kicerts, time_t at,
			xmlSecKeyPtr *keyp, X509 **pcert)
{
	const struct tdk_trust *t = v->t;
	size_t npin = t->pinned ? (size_t)sk_X509_num((STACK_OF(X509) *)t->pinned) : 0, k;
	xmlSecDSigCtxPtr kctx = NULL;
	xmlSecKeyDataPtr x509d = NULL;
	xmlSecKeyPtr key = NULL;
	X509 *named, *cert, *owned = NULL;
	int r = TDK_EXIT_NEGATIVE, ok = -1;

	for (k = 0;; k++) {
		if (npin) {
			*pcert = sk_X509_value((STACK_OF(X509) *)t->pinned, (int)k);
			if (!(key = key_from_cert(*pcert))) {
				verr(v, "VERIFY-TRUST-FORMAT", "the key of the --cert certificate is not supported");
				r = TDK_EXIT_TRUST;
				goto out;
			}
		} else if (t->hmac_key_file) {
			if (!(key = xmlSecKeyReadBinaryFile(xmlSecKeyDataHmacId, t->hmac_key_file))) {
				verr(v, "VERIFY-TRUST-READ", "cannot read the HMAC key '%s'", t->hmac_key_file);
				r = TDK_EXIT_TRUST;
				goto out;
			}
		} else if (keyname && (named = cert_by_keyname(t, keyname)) != NULL &&
			   !tdk_node_child(tdk_node_child(v->sig, "KeyInfo", TDK_NS_DSIG), "X509Data", TDK_NS_DSIG)) {
			/* KeyInfo names the key only: the certificate given with that subject has it. */
			if (!(key = key_from_cert(named))) {
				r = TDK_EXIT_INTERNAL;
				goto out;
			}
		} else if (!(kctx = dsig_new(v, NULL))) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		ok = signedinfo_check(v, &key, kctx);
		if (ok == 1 || k + 1 >= npin)
			break;
		xmlSecKeyDestroy(key);
		key = NULL;
	}
	if (!key) {
		report_no_key(v, keyname);
		goto out;
	}
	cert = signer_cert(t, key, *pcert, kicerts, &x509d, &owned);
	if (cert && !v->rep->signer)
		v->rep->signer = tdk_cert_subject(cert);
	if (ok != 1) {
		if (ok == 0)
			verr(v, "VERIFY-SIGNATURE-VALUE", "the signature value does not match the signed "
			     "information (altered SignedInfo, or a key that is not the signer's); no reference "
			     "was processed");
		else
			verr(v, "VERIFY-MALFORMED", "the signature cannot be processed: %s",
			     tdk_sig_last_error()[0] ? tdk_sig_last_error() : "no SignedInfo, SignatureValue "
			     "or C14N method where XMLDSig 1.1 section 4 puts them");
		goto out;
	}
	if (!t->insecure && !t->hmac_key_file) {
		if (!cert) {
			verr(v, "VERIFY-KEY-NOT-FOUND", "the key that verified matches no certificate given "
			     "or carried; a bare key value proves nothing (give the signer's certificate "
			     "with --certs or --untrusted)");
			goto out;
		}
		if (check_cert(v, cert, x509d, kicerts, at))
			goto out;
	}
	*keyp = key;
	key = NULL;
	r = 0;
out:
	if (key)
		xmlSecKeyDestroy(key);
	if (kctx)
		xmlSecDSigCtxDestroy(kctx);
	X509_free(owned);
	return r;
}

static int verify_one(struct vctx *v)
{
	struct tdk_sig_report *rep = v->rep;
	const struct tdk_trust *t = v->t;
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyDataPtr x509d = NULL;
	STACK_OF(X509) *kicerts = NULL;
	X509 *cert = NULL, *pcert = NULL, *ownedcert = NULL;
	xmlSecKeyPtr key = NULL;
	xmlChar *saved = NULL;
	char *keyname = NULL;
	size_t k, nsi;
	int ret;
	xmlNodePtr sm, qp = NULL, sp = NULL, obj, root = xmlDocGetRootElement(v->doc);
	char *bad = NULL;
	size_t i, n;
	int r = TDK_EXIT_NEGATIVE, failed = 0, sp_covered = 0;
	time_t at;

	rep->id = prop(v->sig, "Id");
	sm = tdk_node_child(tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG), "SignatureMethod",
			    TDK_NS_DSIG);
	rep->algorithm = sm ? prop(sm, "Algorithm") : NULL;
	if ((bad = unsupported_algorithm(v->sig)) != NULL) {
		verr(v, "VERIFY-UNSUPPORTED-ALGORITHM", "algorithm '%s' is not supported by this build "
		     "(libxmlsec1 %s); the signature cannot be checked", bad, XMLSEC_VERSION);
		goto out;
	}
	/* XAdES qualifying properties, if any: ds:Object/QualifyingProperties. */
	for (obj = v->sig->children; obj && !qp; obj = obj->next)
		if (tdk_node_is(obj, "Object", TDK_NS_DSIG))
			qp = xades_child(obj, "QualifyingProperties");
	if (qp) {
		xmlNodePtr st;

		rep->xades = 1;
		sp = xades_child(qp, "SignedProperties");
		st = xades_child(xades_child(sp, "SignedSignatureProperties"), "SigningTime");
		if (st) {
			xmlChar *s = xmlNodeGetContent(st);

			rep->signing_time = dupstr((const char *)s);
			xmlFree(s);
		}
	}

	if (!t->mngr) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	tdk_sig_set_sink(v->d, "VERIFY-XML");
	if (unresolved_refs(v, v->sig->children, 0))
		goto out;
	kicerts = keyinfo_certs(v->sig);
	{
		xmlNodePtr kn = tdk_node_child(tdk_node_child(v->sig, "KeyInfo", TDK_NS_DSIG), "KeyName",
					       TDK_NS_DSIG);

		keyname = kn ? (char *)xmlNodeGetContent(kn) : NULL;
	}
	/* A SigningTime that is not a dateTime leaves the verification time (now). */
	if (t->at_set)
		at = t->at;
	else if (!rep->signing_time || tdk_time_parse(rep->signing_time, &at) < 0)
		at = time(NULL);
	if (tdk_transform_policy(v->sig, v->o, &v->loc, v->d))
		goto out;
	if ((r = authenticate(v, keyname, kicerts, at, &key, &pcert)) != 0)
		goto out;
	/* The dry run's XPath errors are libxmlsec1's to report, once, when it runs the same expressions. */
	tdk_sig_set_sink(NULL, NULL);
	if ((r = tdk_transform_bound(v->sig, v->data, v->o, &v->loc, v->d)) != 0) {
		/* Until dsig_run hands it to a context, the key is this function's. */
		xmlSecKeyDestroy(key);
		goto out;
	}
	r = TDK_EXIT_NEGATIVE;
	tdk_sig_set_sink(v->d, "VERIFY-XML");
	tdk_sig_set_data(v->data);
	ctx = dsig_run(v, key, &ret);
	if (!ctx) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (ret < 0 && ctx->signKey) {
		/* A padded ECDSA value (§6.4.3) stops libxmlsec1 1.2; retry with it normalised. */
		EVP_PKEY *pk = ctx_pkey(ctx);
		xmlSecKeyPtr again = pk ? xmlSecKeyDuplicate(ctx->signKey) : NULL;

		if (again && ecdsa_normalise(v->sig, pk, &saved)) {
			xmlSecDSigCtxDestroy(ctx);
			tdk_sig_set_sink(v->d, "VERIFY-XML");
			ctx = dsig_run(v, again, &ret);
			restore_sigvalue(v->sig, saved);
			if (!ctx) {
				r = TDK_EXIT_INTERNAL;
				goto out;
			}
		} else if (again) {
			xmlSecKeyDestroy(again);
		}
	}
	if (ret < 0) {
		n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
		{
			xmlSecDSigReferenceCtxPtr rc = n ? xmlSecPtrListGetItem(&ctx->signedInfoReferences,
										n - 1) : NULL;

			xmlNodePtr c = tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG);
			size_t want = 0, ok = 0;

			for (c = c ? c->children : NULL; c; c = c->next)
				want += tdk_node_is(c, "Reference", TDK_NS_DSIG);
			for (k = 0; k < n; k++) {
				xmlSecDSigReferenceCtxPtr x = xmlSecPtrListGetItem(&ctx->signedInfoReferences, k);

				ok += x && x->status == xmlSecDSigStatusSucceeded;
			}
			if (rc && rc->status == xmlSecDSigStatusUnknown)
				verr(v, "VERIFY-REF-UNRESOLVED", "reference '%s' cannot be processed: %s",
				     rc->uri ? (const char *)rc->uri : "", tdk_sig_last_error());
			else if ((want && ok == want) || tdk_sig_last_reason() == XMLSEC_ERRORS_R_DATA_NOT_MATCH)
				/* Every reference held: what failed is the signature value with this key. */
				verr(v, "VERIFY-SIGNATURE-VALUE", "the signature value cannot be checked with the "
				     "key (%s): a key that is not the signer's, or a damaged value",
				     tdk_sig_last_error());
			else
				verr(v, "VERIFY-MALFORMED", "the signature cannot be processed: %s",
				     tdk_sig_last_error());
		}
		goto out;
	}

	/*
	 * What each reference covers: those of SignedInfo, then those of its
	 * manifests (XMLDSig 1.1 §5.1), which libxmlsec1 checks as well; a
	 * manifest reference that fails fails the signature here.
	 */
	nsi = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
	n = nsi + xmlSecPtrListGetSize(&ctx->manifestReferences);
	rep->refs = calloc(n ? n : 1, sizeof(*rep->refs));
	if (!rep->refs) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	{
		xmlNodePtr si = tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG);
		xmlNodePtr refnode = si ? si->children : NULL;

		for (i = 0; i < n; i++) {
			xmlSecDSigReferenceCtxPtr rc = i < nsi ?
				xmlSecPtrListGetItem(&ctx->signedInfoReferences, i) :
				xmlSecPtrListGetItem(&ctx->manifestReferences, i - nsi);
			struct tdk_ref_report *rr = &rep->refs[rep->nrefs++];
			const char *uri = rc && rc->uri ? (const char *)rc->uri : "";
			char what[512];
			xmlNodePtr target = NULL;

			while (refnode && !tdk_node_is(refnode, "Reference", TDK_NS_DSIG))
				refnode = refnode->next;
			if (i >= nsi)
				refnode = NULL; /* a manifest's: never the whole document, nor SignedProperties */
			rr->uri = strdup(uri);
			rr->ok = rc && rc->status == xmlSecDSigStatusSucceeded;
			if (!uri[0] || !strcmp(uri, "#xpointer(/)")) {
				snprintf(what, sizeof(what), "the whole document");
				if (rr->ok && refnode && safe_transforms(refnode) &&
				    !tdk_node_is(root, "Signature", TDK_NS_DSIG))
					rep->whole = 1;
				if (!refnode || !safe_transforms(refnode))
					snprintf(what, sizeof(what), "the document, filtered by transforms");
			} else if (uri[0] == '#') {
				target = same_doc_target(v->doc, uri);
				if (target) {
					describe_node(target, what, sizeof(what));
					if (rr->ok && target == root && refnode && safe_transforms(refnode))
						rep->whole = 1;
					if (sp && target == sp && rr->ok && i < nsi)
						sp_covered = 1;
				} else {
					snprintf(what, sizeof(what), "a part of the document (%s)", uri);
				}
			} else {
				struct tdk_buf b = TDK_BUF_INIT(1 << 16), q = TDK_BUF_INIT(1 << 16);
				struct tdk_sig_item *it = rr->ok ? tdk_sig_data_find(v->data, uri) : NULL;

				/* Quoted as reports quote file names: a decoded %0A cannot forge a line. */
				snprintf(what, sizeof(what), "file '%s'",
					 tdk_name(&q, tdk_uri_decode(uri, &b) == 0 && b.data ? b.data : uri));
				if (it)
					it->covered = 1;
				tdk_buf_release(&b);
				tdk_buf_release(&q);
			}
			if (i >= nsi) {
				char via[sizeof(what)];

				snprintf(via, sizeof(via), "%.480s (through a manifest)", what);
				memcpy(what, via, sizeof(what));
			}
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
	}
	if (ctx->status != xmlSecDSigStatusSucceeded) {
		if (!failed)
			verr(v, "VERIFY-SIGNATURE-VALUE", "the signature value does not match the signed "
			     "information (altered SignedInfo, or a key that is not the signer's)");
		goto out;
	}
	if (failed)
		goto out;

	/* The signer certificate, whose chain authenticate() checked. */
	cert = signer_cert(t, ctx->signKey, pcert, kicerts, &x509d, &ownedcert);
	if (t->insecure)
		tdk_diag_add(v->d, TDK_SEV_WARNING, "VERIFY-INSECURE", &v->loc, "--insecure: the key the "
			     "document carries was used without any trust check");

	/* XAdES: the signed properties and the signing certificate. */
	if (qp) {
		xmlNodePtr ssp = xades_child(sp, "SignedSignatureProperties");
		xmlNodePtr scert = xades_child(ssp, "SigningCertificateV2");
		const char *why;

		if (!scert)
			scert = xades_child(ssp, "SigningCertificate");
		if (!sp || !sp_covered) {
			verr(v, "VERIFY-XADES-SIGNED-PROPERTIES", "xades:SignedProperties %s",
			     sp ? "is not covered by any reference" : "is missing");
			goto out;
		}
		if (!scert) {
			verr(v, "VERIFY-XADES-SIGNING-CERT", "xades:SigningCertificateV2 is missing "
			     "(EN 319 132-1 baseline B requires it)");
			goto out;
		}
		if (!cert) {
			verr(v, "VERIFY-XADES-SIGNING-CERT", "the key did not come from a certificate; "
			     "xades:SigningCertificateV2 cannot be checked");
			goto out;
		}
		if (!signing_cert_matches(scert, cert, &why)) {
			verr(v, "VERIFY-XADES-SIGNING-CERT", "%s", why);
			goto out;
		}
		/*
		 * Levels T, LT and LTA (EN 319 132-1 §5.3, §5.4, §5.5) add unsigned
		 * properties: time-stamps, certificate and revocation values.  tdk
		 * checks baseline B only; the verdict says nothing about them, and
		 * the warning says so (a validator of those levels may disagree).
		 */
		{
			xmlNodePtr usp = xades_child(xades_child(qp, "UnsignedProperties"),
						     "UnsignedSignatureProperties"), c;
			char names[256] = "";
			size_t len = 0;

			for (c = usp ? usp->children : NULL; c && len + 64 < sizeof(names); c = c->next)
				if (c->type == XML_ELEMENT_NODE && !strstr(names, (const char *)c->name))
					len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%.60s",
								len ? ", " : "", (const char *)c->name);
			if (len)
				tdk_diag_add(v->d, TDK_SEV_WARNING, "VERIFY-XADES-UNSIGNED-NOT-CHECKED", &v->loc,
					     "unsigned properties not checked (%s): tdk verifies baseline B; "
					     "levels T, LT and LTA are not assessed", names);
		}
	}

	/* Coverage: an enveloped signature must cover the root; an enveloping one its objects. */
	if (tdk_node_is(root, "Signature", TDK_NS_DSIG) || v->o->container) {
		for (obj = v->sig->children; obj; obj = obj->next) {
			int covered = 0;

			if (!tdk_node_is(obj, "Object", TDK_NS_DSIG) || xades_child(obj, "QualifyingProperties"))
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
		goto out;
	}
	rep->valid = 1;
	r = 0;
out:
	tdk_sig_set_data(NULL);
	tdk_sig_set_sink(NULL, NULL);
	free(bad);
	xmlFree(keyname);
	X509_free(ownedcert);
	sk_X509_pop_free(kicerts, X509_free);
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	ERR_clear_error();
	return r;
}

static void find_sigs(xmlNodePtr n, xmlNodePtr **list, size_t *nl, size_t *cap)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tdk_node_is(n, "Signature", TDK_NS_DSIG)) {
			/* Signatures inside this one (counter-signatures) are not required. */
			if (*nl == *cap) {
				size_t c = *cap ? *cap * 2 : 4;
				xmlNodePtr *l = realloc(*list, c * sizeof(*l));

				if (!l)
					return;
				*list = l;
				*cap = c;
			}
			(*list)[(*nl)++] = n;
			continue;
		}
		find_sigs(n->children, list, nl, cap);
	}
}

int tdk_verify_doc(xmlDocPtr doc, struct tdk_sig_data *data, const struct tdk_trust *t,
		   const struct tdk_verify_opts *o, struct tdk_sig_report **reps, size_t *nreps,
		   struct tdk_diag *d)
{
	xmlNodePtr *sigs = NULL;
	size_t n = 0, cap = 0, i;
	int code = 0;

	*reps = NULL;
	*nreps = 0;
	find_sigs(doc->children, &sigs, &n, &cap);
	if (!n) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-NO-SIGNATURE", NULL, "no ds:Signature element");
		free(sigs);
		return TDK_EXIT_NEGATIVE;
	}
	*reps = calloc(n, sizeof(**reps));
	if (!*reps) {
		free(sigs);
		return TDK_EXIT_INTERNAL;
	}
	for (i = 0; i < n; i++) {
		struct vctx v;

		memset(&v, 0, sizeof(v));
		v.doc = doc;
		v.sig = sigs[i];
		v.data = data;
		v.t = t;
		v.o = o;
		v.rep = &(*reps)[i];
		v.d = d;
		v.loc.line = (unsigned long)xmlGetLineNo(sigs[i]);
		(*nreps)++;
		code = tdk_exit_worst(code, verify_one(&v));
	}
	free(sigs);
	return code;
}

int tdk_sig_report_add_file(struct tdk_sig_report *rp, const char *uri, const char *file, int ok)
{
	struct tdk_ref_report *rr = &rp->refs[rp->nrefs];
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);

	rr->uri = strdup(uri);
	if (tdk_buf_addl(&b, "file '") == 0 && tdk_buf_add_name(&b, file) == 0 && tdk_buf_addc(&b, '\'') == 0)
		rr->covers = tdk_buf_detach(&b);
	tdk_buf_release(&b);
	if (!rr->uri || !rr->covers) {
		free(rr->uri);
		free(rr->covers);
		return -1;
	}
	rr->ok = ok;
	rp->nrefs++;
	return 0;
}

void tdk_sig_reports_free(struct tdk_sig_report *reps, size_t n)
{
	size_t i, k;

	for (i = 0; reps && i < n; i++) {
		for (k = 0; k < reps[i].nrefs; k++) {
			free(reps[i].refs[k].uri);
			free(reps[i].refs[k].covers);
		}
		free(reps[i].refs);
		free(reps[i].id);
		free(reps[i].signer);
		free(reps[i].signing_time);
		free(reps[i].algorithm);
	}
	free(reps);
}
