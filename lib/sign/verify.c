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
 * as unsupported, never as invalid.  One signature is checked in phases, in
 * this order: what it is (algorithms, XAdES properties), the transform
 * policy, authentication of SignedInfo and the key's trust (verify-key.c),
 * the dry run of its XPath, core validation, what each reference covers
 * (verify-refs.c), the signer certificate and XAdES, and coverage.
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

xmlNodePtr tdk_xades_child(const xmlNode *n, const char *name)
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
		cd = tdk_xades_child(c, "CertDigest");
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
		if ((is = tdk_xades_child(c, "IssuerSerial")) != NULL) {
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
		} else if ((is = tdk_xades_child(c, "IssuerSerialV2")) != NULL) {
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

/* What the signature is: its Id and method, an algorithm this build lacks, its XAdES properties. */
static int read_signature(struct vctx *v)
{
	struct tdk_sig_report *rep = v->rep;
	xmlNodePtr sm, obj, st;
	char *bad;

	rep->id = prop(v->sig, "Id");
	sm = tdk_node_child(tdk_node_child(v->sig, "SignedInfo", TDK_NS_DSIG), "SignatureMethod", TDK_NS_DSIG);
	rep->algorithm = sm ? prop(sm, "Algorithm") : NULL;
	if ((bad = unsupported_algorithm(v->sig)) != NULL) {
		verr(v, "VERIFY-UNSUPPORTED-ALGORITHM", "algorithm '%s' is not supported by this build "
		     "(libxmlsec1 %s); the signature cannot be checked", bad, XMLSEC_VERSION);
		free(bad);
		return TDK_EXIT_NEGATIVE;
	}
	/* XAdES qualifying properties, if any: ds:Object/QualifyingProperties. */
	for (obj = v->sig->children; obj && !v->qp; obj = obj->next)
		if (tdk_node_is(obj, "Object", TDK_NS_DSIG))
			v->qp = tdk_xades_child(obj, "QualifyingProperties");
	if (v->qp) {
		rep->xades = 1;
		v->sp = tdk_xades_child(v->qp, "SignedProperties");
		st = tdk_xades_child(tdk_xades_child(v->sp, "SignedSignatureProperties"), "SigningTime");
		if (st) {
			xmlChar *s = xmlNodeGetContent(st);

			rep->signing_time = dupstr((const char *)s);
			xmlFree(s);
		}
	}
	return 0;
}

/* Before any key is tried: references that cannot be resolved, the verification time, the transform policy. */
static int prepare(struct vctx *v)
{
	if (!v->t->mngr)
		return TDK_EXIT_INTERNAL;
	tdk_sig_set_sink(v->d, "VERIFY-XML");
	if (tdk_verify_unresolved(v))
		return TDK_EXIT_NEGATIVE;
	/* A SigningTime that is not a dateTime leaves the verification time (now). */
	if (v->t->at_set)
		v->at = v->t->at;
	else if (!v->rep->signing_time || tdk_time_parse(v->rep->signing_time, &v->at) < 0)
		v->at = time(NULL);
	if (tdk_transform_policy(v->sig, v->o, &v->loc, v->d))
		return TDK_EXIT_NEGATIVE;
	return 0;
}

/*
 * Levels T, LT and LTA (EN 319 132-1 §5.3, §5.4, §5.5) add unsigned
 * properties: time-stamps, certificate and revocation values.  tdk checks
 * baseline B only; the verdict says nothing about them, and the warning says
 * so (a validator of those levels may disagree).
 */
static void warn_unsigned(struct vctx *v)
{
	xmlNodePtr usp = tdk_xades_child(tdk_xades_child(v->qp, "UnsignedProperties"), "UnsignedSignatureProperties"), c;
	char names[256] = "";
	size_t len = 0;

	for (c = usp ? usp->children : NULL; c && len + 64 < sizeof(names); c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strstr(names, (const char *)c->name))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%.60s", len ? ", " : "",
						(const char *)c->name);
	if (len)
		tdk_diag_add(v->d, TDK_SEV_WARNING, "VERIFY-XADES-UNSIGNED-NOT-CHECKED", &v->loc,
			     "unsigned properties not checked (%s): tdk verifies baseline B; "
			     "levels T, LT and LTA are not assessed", names);
}

/* XAdES (EN 319 132-1 §5.2.2, §6.3): the signed properties covered, the signing certificate named. */
static int check_xades(struct vctx *v, X509 *cert)
{
	xmlNodePtr ssp = tdk_xades_child(v->sp, "SignedSignatureProperties");
	xmlNodePtr scert = tdk_xades_child(ssp, "SigningCertificateV2");
	const char *why;

	if (!scert)
		scert = tdk_xades_child(ssp, "SigningCertificate");
	if (!v->sp || !v->sp_covered) {
		verr(v, "VERIFY-XADES-SIGNED-PROPERTIES", "xades:SignedProperties %s",
		     v->sp ? "is not covered by any reference" : "is missing");
		return TDK_EXIT_NEGATIVE;
	}
	if (!scert) {
		verr(v, "VERIFY-XADES-SIGNING-CERT", "xades:SigningCertificateV2 is missing "
		     "(EN 319 132-1 baseline B requires it)");
		return TDK_EXIT_NEGATIVE;
	}
	if (!cert) {
		verr(v, "VERIFY-XADES-SIGNING-CERT", "the key did not come from a certificate; "
		     "xades:SigningCertificateV2 cannot be checked");
		return TDK_EXIT_NEGATIVE;
	}
	if (!signing_cert_matches(scert, cert, &why)) {
		verr(v, "VERIFY-XADES-SIGNING-CERT", "%s", why);
		return TDK_EXIT_NEGATIVE;
	}
	warn_unsigned(v);
	return 0;
}

/* After core validation: the signer certificate, whose chain authentication checked, and XAdES. */
static int check_signer(struct vctx *v)
{
	X509 *owned = NULL, *cert = tdk_verify_signer_cert(v, &owned);
	int r = 0;

	if (v->t->insecure)
		tdk_diag_add(v->d, TDK_SEV_WARNING, "VERIFY-INSECURE", &v->loc, "--insecure: the key the "
			     "document carries was used without any trust check");
	if (v->qp)
		r = check_xades(v, cert);
	X509_free(owned);
	return r;
}

static int verify_one(struct vctx *v)
{
	int r;

	if ((r = read_signature(v)) != 0 || (r = prepare(v)) != 0 || (r = tdk_verify_authenticate(v)) != 0)
		goto out;
	/* The dry run's XPath errors are libxmlsec1's to report, once, when it runs the same expressions. */
	tdk_sig_set_sink(NULL, NULL);
	if ((r = tdk_transform_bound(v->sig, v->data, v->o, &v->loc, v->d)) != 0)
		goto out;
	if ((r = tdk_verify_core(v)) != 0 || (r = tdk_verify_refs(v)) != 0 || (r = check_signer(v)) != 0 ||
	    (r = tdk_verify_coverage(v)) != 0)
		goto out;
	v->rep->valid = 1;
out:
	tdk_sig_set_data(NULL);
	tdk_sig_set_sink(NULL, NULL);
	if (v->key)
		xmlSecKeyDestroy(v->key);
	xmlFree(v->keyname);
	sk_X509_pop_free(v->kicerts, X509_free);
	if (v->ctx)
		xmlSecDSigCtxDestroy(v->ctx);
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
