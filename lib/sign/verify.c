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
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include "sign/sign-int.h"
#include "util/exitcode.h"

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

static char *b64_clean(const char *s)
{
	char *o = malloc(strlen(s) + 1), *p = o;

	if (!o)
		return NULL;
	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
			*p++ = *s;
	*p = '\0';
	return o;
}

static char *node_text(xmlNodePtr n)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	char *s = v ? b64_clean((const char *)v) : NULL;

	xmlFree(v);
	return s;
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
		have = node_text(dv);
		same = want && have && !strcmp(want, have);
		free(want);
		free(have);
		if (!same)
			continue;
		/* The digest matches; the issuer and serial, when given, must too. */
		if ((is = xades_child(c, "IssuerSerial")) != NULL) {
			xmlNodePtr sn = tdk_node_child(is, "X509SerialNumber", TDK_NS_DSIG);
			char *t = node_text(sn);
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
			char *t = node_text(is);
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

static time_t parse_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, se;

	memset(&tm, 0, sizeof(tm));
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	/* Offsets other than Z are rare in XAdES; a "+hh:mm" suffix is applied. */
	{
		const char *z = s + 19;
		time_t t;

		while (*z == '.' || (*z >= '0' && *z <= '9'))
			z++;
		t = timegm(&tm);
		if ((*z == '+' || *z == '-') && strlen(z) >= 6) {
			long off = ((z[1] - '0') * 10 + (z[2] - '0')) * 3600L + ((z[4] - '0') * 10 + (z[5] - '0')) * 60L;

			t += *z == '+' ? -off : off;
		}
		return t;
	}
}

static char *subject_of(X509 *c)
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

/* Chain and time checks of the signer certificate with OpenSSL. Returns 0 or 1 (fails). */
static int check_cert(struct vctx *v, X509 *cert, xmlSecKeyDataPtr x509d, time_t at)
{
	const struct tdk_trust *t = v->t;
	X509_STORE_CTX *sc = NULL;
	STACK_OF(X509) *untrusted = NULL;
	int r = 1, i, ku;

	if (t->pinned) {
		/*
		 * A pinned certificate is trust in its key, given by the user: its
		 * dates are not checked (as a public key given to xmlsec1 is not).
		 */
		cert = t->pinned;
	} else if (t->store) {
		untrusted = sk_X509_dup(t->untrusted);
		sc = X509_STORE_CTX_new();
		if (!untrusted || !sc)
			goto out;
		for (i = 0; x509d && (xmlSecSize)i < xmlSecOpenSSLKeyDataX509GetCertsSize(x509d); i++)
			sk_X509_push(untrusted, xmlSecOpenSSLKeyDataX509GetCert(x509d, (xmlSecSize)i));
		if (X509_STORE_CTX_init(sc, t->store, cert, untrusted) != 1)
			goto out;
		X509_STORE_CTX_set_time(sc, 0, at);
		if (X509_verify_cert(sc) != 1) {
			int e = X509_STORE_CTX_get_error(sc);

			if (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID)
				verr(v, "VERIFY-CERT-EXPIRED", "certificate chain: %s (at %s)",
				     X509_verify_cert_error_string(e),
				     v->rep->signing_time ? "the signing time" : "the verification time");
			else
				verr(v, "VERIFY-CERT-UNTRUSTED", "certificate chain: %s",
				     X509_verify_cert_error_string(e));
			goto out;
		}
	}
	ku = (int)X509_get_key_usage(cert);
	if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
	    !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		verr(v, "VERIFY-CERT-USAGE", "the signer certificate does not allow digital signatures");
		goto out;
	}
	r = 0;
out:
	X509_STORE_CTX_free(sc);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return r;
}

static int verify_one(struct vctx *v)
{
	struct tdk_sig_report *rep = v->rep;
	const struct tdk_trust *t = v->t;
	xmlSecKeysMngrPtr mngr;
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyDataPtr x509d = NULL;
	X509 *cert = NULL;
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

	mngr = t->mngr;
	if (!mngr) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	ctx = xmlSecDSigCtxCreate(mngr);
	if (!ctx) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	/* References: this document, and the data handed over; nothing else. */
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument |
				    (v->data ? xmlSecTransformUriTypeRemote : 0);
	ctx->keyInfoReadCtx.retrievalMethodCtx.enabledUris = xmlSecTransformUriTypeEmpty |
							     xmlSecTransformUriTypeSameDocument;
	/* libxmlsec1 only picks the key; the chain is checked below with precise reasons. */
	ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS |
				     XMLSEC_KEYINFO_FLAGS_X509DATA_SKIP_STRICT_CHECKS;
	if (t->pinned) {
		EVP_PKEY *pk = X509_get_pubkey(t->pinned);
		xmlSecKeyDataPtr kd = pk ? xmlSecOpenSSLEvpKeyAdopt(pk) : NULL;

		if (!kd) {
			EVP_PKEY_free(pk);
			verr(v, "VERIFY-TRUST-FORMAT", "the key of the --cert certificate is not supported");
			r = TDK_EXIT_TRUST;
			goto out;
		}
		ctx->signKey = xmlSecKeyCreate();
		if (!ctx->signKey || xmlSecKeySetValue(ctx->signKey, kd) < 0) {
			xmlSecKeyDataDestroy(kd);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
	} else if (t->hmac_key_file) {
		ctx->signKey = xmlSecKeyReadBinaryFile(xmlSecKeyDataHmacId, t->hmac_key_file);
		if (!ctx->signKey) {
			verr(v, "VERIFY-TRUST-READ", "cannot read the HMAC key '%s'", t->hmac_key_file);
			r = TDK_EXIT_TRUST;
			goto out;
		}
	} else if (!t->insecure) {
		/* With anchors, only certificates may supply the key: a bare KeyValue proves nothing. */
		union { xmlSecKeyDataId id; void *p; } x509 = { xmlSecKeyDataX509Id },
			raw = { xmlSecKeyDataRawX509CertId }, rm = { xmlSecKeyDataRetrievalMethodId };

		xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, x509.p);
		xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, raw.p);
		/* A same-document RetrievalMethod may point at the X509Data. */
		xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, rm.p);
	}

	tdk_sig_set_sink(v->d, "VERIFY-XML");
	tdk_sig_set_data(v->data);
	if (xmlSecDSigCtxVerify(ctx, v->sig) < 0) {
		const char *ki;

		if (!ctx->signKey) {
			if ((ki = unsupported_keyinfo(v->sig)) != NULL)
				verr(v, "VERIFY-UNSUPPORTED-KEYINFO", "key information '%s' is not supported by "
				     "this build (libxmlsec1 %s)", ki, XMLSEC_VERSION);
			else
				verr(v, "VERIFY-KEY-NOT-FOUND", "no usable key: the signature carries no "
				     "certificate%s", t->insecure ? " or key value" : " (a bare key value is "
				     "only used with --insecure)");
			goto out;
		}
		n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
		if (n) {
			xmlSecDSigReferenceCtxPtr rc = xmlSecPtrListGetItem(&ctx->signedInfoReferences, n - 1);
			const char *uri = rc && rc->uri ? (const char *)rc->uri : "";

			if (uri[0] && uri[0] != '#')
				verr(v, "VERIFY-REF-UNRESOLVED", "reference '%s' is outside the document%s; only "
				     "same-document references and the data given are resolved, never files "
				     "or the network", uri, v->o->container ? " and the container" : "");
			else
				verr(v, "VERIFY-REF-UNRESOLVED", "reference '%s' cannot be resolved: %s", uri,
				     tdk_sig_last_error());
		} else {
			verr(v, "VERIFY-MALFORMED", "the signature cannot be processed: %s",
			     tdk_sig_last_error());
		}
		goto out;
	}

	/* What each reference covers. */
	n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
	rep->refs = calloc(n ? n : 1, sizeof(*rep->refs));
	if (!rep->refs) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	{
		xmlNodePtr si = tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG);
		xmlNodePtr refnode = si ? si->children : NULL;

		for (i = 0; i < n; i++) {
			xmlSecDSigReferenceCtxPtr rc = xmlSecPtrListGetItem(&ctx->signedInfoReferences, i);
			struct tdk_ref_report *rr = &rep->refs[rep->nrefs++];
			const char *uri = rc && rc->uri ? (const char *)rc->uri : "";
			char what[512];
			xmlNodePtr target = NULL;

			while (refnode && !tdk_node_is(refnode, "Reference", TDK_NS_DSIG))
				refnode = refnode->next;
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
					if (sp && target == sp && rr->ok)
						sp_covered = 1;
				} else {
					snprintf(what, sizeof(what), "a part of the document (%s)", uri);
				}
			} else {
				struct tdk_buf b = TDK_BUF_INIT(1 << 16);

				snprintf(what, sizeof(what), "file '%s'",
					 tdk_uri_decode(uri, &b) == 0 && b.data ? b.data : uri);
				if (rr->ok && v->data && b.data)
					for (size_t k = 0; k < v->data->n; k++)
						if (!strcmp(v->data->items[k].uri, b.data))
							v->data->items[k].covered = 1;
				tdk_buf_release(&b);
			}
			rr->covers = strdup(what);
			if (!rr->ok) {
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

	/* The signer certificate. */
	x509d = ctx->signKey ? xmlSecKeyGetData(ctx->signKey, xmlSecOpenSSLKeyDataX509Id) : NULL;
	cert = x509d ? xmlSecOpenSSLKeyDataX509GetKeyCert(x509d) : NULL;
	if (t->pinned)
		cert = t->pinned;
	if (cert)
		rep->signer = subject_of(cert);
	at = t->at ? t->at : rep->signing_time ? parse_time(rep->signing_time) : time(NULL);
	if (!at)
		at = time(NULL);
	if (!t->insecure && !t->hmac_key_file) {
		if (!cert) {
			verr(v, "VERIFY-KEY-NOT-FOUND", "no signer certificate to check against the trust "
			     "anchors");
			goto out;
		}
		if (check_cert(v, cert, x509d, at))
			goto out;
	} else if (t->insecure) {
		tdk_diag_add(v->d, TDK_SEV_WARNING, "VERIFY-INSECURE", &v->loc, "--insecure: the key the "
			     "document carries was used without any trust check");
	}

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
