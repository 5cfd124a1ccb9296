/*
 * Verification, the key: which key a signature's value over SignedInfo
 * verifies with (a pinned certificate's, the HMAC secret, the certificate a
 * KeyName names, or what KeyInfo gives), and whether its certificate chains
 * to an anchor at the signing time -- before any reference runs (W3C XML
 * Signature Best Practices §2.1); then XMLDSig 1.1 §3.2 core validation by
 * libxmlsec1 with that key, and the reasons when it cannot run.
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

#include "sign/verify-int.h"
#include "util/exitcode.h"

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

/* Why libxmlsec1 could not complete core validation: a reference it could not process, the value, or the form. */
static void report_core_failure(struct vctx *v)
{
	xmlSecDSigCtxPtr ctx = v->ctx;
	size_t n = xmlSecPtrListGetSize(&ctx->signedInfoReferences), want = 0, ok = 0, k;
	xmlSecDSigReferenceCtxPtr rc = n ? xmlSecPtrListGetItem(&ctx->signedInfoReferences, n - 1) : NULL;
	xmlNodePtr c = tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG);

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

int tdk_verify_authenticate(struct vctx *v)
{
	xmlNodePtr kn = tdk_node_child(tdk_node_child(v->sig, "KeyInfo", TDK_NS_DSIG), "KeyName", TDK_NS_DSIG);

	v->kicerts = keyinfo_certs(v->sig);
	v->keyname = kn ? xmlNodeGetContent(kn) : NULL;
	return authenticate(v, (const char *)v->keyname, v->kicerts, v->at, &v->key, &v->pcert);
}

int tdk_verify_core(struct vctx *v)
{
	xmlChar *saved = NULL;
	int ret;

	tdk_sig_set_sink(v->d, "VERIFY-XML");
	tdk_sig_set_data(v->data);
	/* The context takes the key, also when it cannot be made. */
	v->ctx = dsig_run(v, v->key, &ret);
	v->key = NULL;
	if (!v->ctx)
		return TDK_EXIT_INTERNAL;
	if (ret < 0 && v->ctx->signKey) {
		/* A padded ECDSA value (§6.4.3) stops libxmlsec1 1.2; retry with it normalised. */
		EVP_PKEY *pk = ctx_pkey(v->ctx);
		xmlSecKeyPtr again = pk ? xmlSecKeyDuplicate(v->ctx->signKey) : NULL;

		if (again && ecdsa_normalise(v->sig, pk, &saved)) {
			xmlSecDSigCtxDestroy(v->ctx);
			tdk_sig_set_sink(v->d, "VERIFY-XML");
			v->ctx = dsig_run(v, again, &ret);
			restore_sigvalue(v->sig, saved);
			if (!v->ctx)
				return TDK_EXIT_INTERNAL;
		} else if (again) {
			xmlSecKeyDestroy(again);
		}
	}
	if (ret < 0) {
		report_core_failure(v);
		return TDK_EXIT_NEGATIVE;
	}
	return 0;
}

X509 *tdk_verify_signer_cert(struct vctx *v, X509 **owned)
{
	xmlSecKeyDataPtr x509d = NULL;

	return signer_cert(v->t, v->ctx->signKey, v->pcert, v->kicerts, &x509d, owned);
}
