/*
 * CAdES baseline B (ETSI EN 319 122-1 §5.2, §6.3) and RFC 3161 time-stamp
 * tokens, checked with OpenSSL's CMS code: CMS_verify checks the signature
 * over the signed attributes and the message-digest and content-type
 * attributes against the detached data; it is told not to judge the signer
 * certificate (CMS_NO_SIGNER_CERT_VERIFY), which tdk_cert_check then does
 * the way XAdES verification does, with the reasons it gives.  A time-stamp
 * token's TSTInfo is read from the verified content, so no byte of it is
 * trusted before its signature holds.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sign/cms.h"
#include "sign/sign-int.h"
#include "util/exitcode.h"

static const struct {
	const char *uri, *md;
} digest_uris[] = {
	{ "http://www.w3.org/2000/09/xmldsig#sha1", "SHA1" },
	{ "http://www.w3.org/2001/04/xmldsig-more#sha224", "SHA224" },
	{ "http://www.w3.org/2001/04/xmlenc#sha256", "SHA256" },
	{ "http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA384" },
	{ "http://www.w3.org/2001/04/xmlenc#sha512", "SHA512" },
	{ "http://www.w3.org/2007/05/xmldsig-more#sha3-224", "SHA3-224" },
	{ "http://www.w3.org/2007/05/xmldsig-more#sha3-256", "SHA3-256" },
	{ "http://www.w3.org/2007/05/xmldsig-more#sha3-384", "SHA3-384" },
	{ "http://www.w3.org/2007/05/xmldsig-more#sha3-512", "SHA3-512" },
	{ "http://www.w3.org/2001/04/xmldsig-more#md5", "MD5" },
	{ "http://www.w3.org/2001/04/xmlenc#ripemd160", "RIPEMD160" },
};

int tdk_digest_b64(const char *uri, const unsigned char *data, size_t len, char *out, size_t size)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	EVP_MD *md = NULL;
	size_t i;
	int r = -1;

	for (i = 0; uri && i < sizeof(digest_uris) / sizeof(digest_uris[0]); i++)
		if (!strcmp(uri, digest_uris[i].uri)) {
			md = EVP_MD_fetch(NULL, digest_uris[i].md, NULL);
			break;
		}
	if (!md || size < 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1)
		goto out;
	if (EVP_Digest(data, len, h, &hl, md, NULL) != 1)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, h, (int)hl);
	r = 0;
out:
	EVP_MD_free(md);
	ERR_clear_error();
	return r;
}

/* A CMS ContentInfo from DER, or leniently from PEM or bare base64; NULL when it is none. */
static CMS_ContentInfo *cms_read(const unsigned char *p, size_t n)
{
	CMS_ContentInfo *cms = NULL;
	const unsigned char *q = p;
	unsigned char *clean = NULL, *der = NULL;
	size_t i, k = 0;
	int dn;

	if (!n || n > INT_MAX / 2)
		return NULL;
	if ((cms = d2i_CMS_ContentInfo(NULL, &q, (long)n)) != NULL)
		goto out;
	ERR_clear_error();
	if (!(clean = malloc(n + 1)) || !(der = malloc(n + 1)))
		goto out;
	i = 0;
	if (n > 11 && !memcmp(p, "-----BEGIN ", 11)) {
		/* PEM (RFC 7468): the base64 between the BEGIN line and the END line. */
		const unsigned char *nl = memchr(p, '\n', n);

		if (!nl)
			goto out;
		i = (size_t)(nl - p) + 1;
	}
	for (; i < n; i++) {
		if (p[i] == '-' && i + 9 <= n && !memcmp(p + i, "-----END ", 9))
			break;
		if (isalnum(p[i]) || p[i] == '+' || p[i] == '/' || p[i] == '=')
			clean[k++] = p[i];
		else if (!isspace(p[i]))
			goto out;
	}
	/* EVP_DecodeBlock counts padding as zero octets; d2i reads the DER length. */
	if (k && k % 4 == 0 && (dn = EVP_DecodeBlock(der, clean, (int)k)) > 0) {
		q = der;
		cms = d2i_CMS_ContentInfo(NULL, &q, dn);
	}
out:
	free(clean);
	free(der);
	ERR_clear_error();
	return cms;
}

static char *time_str(const ASN1_TIME *at, time_t *t)
{
	struct tm tm;
	char buf[32];

	memset(&tm, 0, sizeof(tm));
	if (!at || ASN1_TIME_to_tm(at, &tm) != 1) {
		ERR_clear_error();
		return NULL;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (t)
		*t = timegm(&tm);
	return strdup(buf);
}

/* The signing-time attribute (RFC 5652 §11.3) as text, and as a time in *t; NULL when absent. */
static char *signing_time(CMS_SignerInfo *si, time_t *t)
{
	int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *a = idx >= 0 ? CMS_signed_get_attr(si, idx) : NULL;
	ASN1_TYPE *ty = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;

	if (!ty || (ty->type != V_ASN1_UTCTIME && ty->type != V_ASN1_GENERALIZEDTIME))
		return NULL;
	return time_str(ty->value.asn1_string, t);
}

static int obj_nid(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *o = NULL;

	if (!alg)
		return NID_undef;
	X509_ALGOR_get0(&o, NULL, NULL, alg);
	return o ? OBJ_obj2nid(o) : NID_undef;
}

static void obj_text(const X509_ALGOR *alg, char *buf, size_t size)
{
	const ASN1_OBJECT *o = NULL;

	if (alg)
		X509_ALGOR_get0(&o, NULL, NULL, alg);
	if (!o || OBJ_obj2txt(buf, (int)size, o, 0) <= 0)
		snprintf(buf, size, "(none)");
}

/* The signature algorithm of si by name, e.g. "sha256WithRSAEncryption"; malloc'd. */
static char *alg_name(CMS_SignerInfo *si)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	char buf[128];
	int dn, sn, id = NID_undef;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	dn = obj_nid(dig);
	sn = obj_nid(sig);
	if (sn != NID_undef && OBJ_find_sigid_algs(sn, NULL, NULL))
		id = sn;
	else if (!OBJ_find_sigid_by_algs(&id, dn, sn))
		id = NID_undef;
	if (id != NID_undef)
		return strdup(OBJ_nid2ln(id));
	obj_text(sig, buf, sizeof(buf));
	return strdup(buf);
}

static int md_known(int nid)
{
	EVP_MD *md = nid != NID_undef ? EVP_MD_fetch(NULL, OBJ_nid2sn(nid), NULL) : NULL;

	EVP_MD_free(md);
	ERR_clear_error();
	return md != NULL;
}

/* The first algorithm of si this build cannot run, written into buf; NULL when all are known. */
static const char *unsupported_alg(CMS_SignerInfo *si, char *buf, size_t size)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	int sn, h = NID_undef, pk;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (!md_known(obj_nid(dig))) {
		obj_text(dig, buf, size);
		return buf;
	}
	sn = obj_nid(sig);
	/* Key algorithms that CMS pairs with the digest algorithm, and the combined identifiers. */
	if (sn == NID_rsaEncryption || sn == NID_rsassaPss || sn == NID_X9_62_id_ecPublicKey ||
	    sn == NID_dsa || sn == NID_ED25519 || sn == NID_ED448)
		return NULL;
	if (sn != NID_undef && OBJ_find_sigid_algs(sn, &h, &pk) && (h == NID_undef || md_known(h)))
		return NULL;
	obj_text(sig, buf, size);
	return buf;
}

/* Turns the error queue of a failed CMS_verify into one diagnostic. */
static void cms_fail(struct tdk_diag *d)
{
	unsigned long e, first = 0;
	int content = 0, sigfail = 0, nocert = 0, unsup = 0, nosigner = 0;
	char msg[256] = "";

	while ((e = ERR_get_error()) != 0) {
		if (!first)
			first = e;
		if (ERR_GET_LIB(e) != ERR_LIB_CMS)
			continue;
		switch (ERR_GET_REASON(e)) {
		case CMS_R_CONTENT_VERIFY_ERROR:
		case CMS_R_MESSAGEDIGEST_WRONG_LENGTH:
			content = 1;
			break;
		case CMS_R_VERIFICATION_FAILURE:
			sigfail = 1;
			break;
		case CMS_R_SIGNER_CERTIFICATE_NOT_FOUND:
			nocert = 1;
			break;
		case CMS_R_NO_SIGNERS:
			nosigner = 1;
			break;
		case CMS_R_UNKNOWN_DIGEST_ALGORITHM:
		case CMS_R_UNSUPPORTED_SIGNATURE_ALGORITHM:
			unsup = 1;
			break;
		default:
			break;
		}
	}
	if (first)
		ERR_error_string_n(first, msg, sizeof(msg));
	if (nocert)
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-KEY-NOT-FOUND", NULL, "the signer certificate is "
			     "neither in the signature nor given (--untrusted, --certs, --cert)");
	else if (content)
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-DIGEST", NULL, "the message digest does not match "
			     "the data it signs; the content was changed after signing");
	else if (unsup)
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-UNSUPPORTED-ALGORITHM", NULL, "an algorithm is not "
			     "supported by this build (%s); the signature cannot be checked",
			     OpenSSL_version(OPENSSL_VERSION));
	else if (sigfail)
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-SIGNATURE-VALUE", NULL, "the signature value does "
			     "not match the signed attributes (altered attributes, or a key that is not the "
			     "signer's)");
	else
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CMS-MALFORMED", NULL, "the CMS signature cannot be "
			     "processed: %s", nosigner ? "it holds no SignerInfo" : msg[0] ? msg :
			     "OpenSSL cannot set up its digests (no digest algorithms, or unknown ones)");
}

/*
 * ESS signing-certificate(-v2) (RFC 2634 §5.4, RFC 5035): 1 when its first
 * certificate identifier is the signer's (and the others are in pool), 0
 * when not, -1 when si has no such attribute, -2 when it cannot be read.
 */
static int ess_check(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) *pool, STACK_OF(X509) *more)
{
	ASN1_STRING *s1 = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate),
						      -3, V_ASN1_SEQUENCE);
	ASN1_STRING *s2 = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2),
						      -3, V_ASN1_SEQUENCE);
	ESS_SIGNING_CERT *v1 = NULL;
	ESS_SIGNING_CERT_V2 *v2 = NULL;
	STACK_OF(X509) *chain = NULL;
	const unsigned char *p;
	int r = -2, i;

	if (!s1 && !s2) {
		r = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1) >= 0 ||
		    CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0 ? -2 : -1;
		goto out;
	}
	if (s1 && (p = ASN1_STRING_get0_data(s1)) != NULL &&
	    !(v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(s1))))
		goto out;
	if (s2 && (p = ASN1_STRING_get0_data(s2)) != NULL &&
	    !(v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(s2))))
		goto out;
	if (!(chain = sk_X509_new_null()) || !sk_X509_push(chain, signer))
		goto out;
	for (i = 0; pool && i < sk_X509_num(pool); i++)
		sk_X509_push(chain, sk_X509_value(pool, i));
	for (i = 0; more && i < sk_X509_num(more); i++)
		sk_X509_push(chain, sk_X509_value(more, i));
	r = OSSL_ESS_check_signing_certs(v1, v2, chain, 0);
	if (r < 0)
		r = ERR_GET_REASON(ERR_peek_error()) == ESS_R_ESS_CERT_DIGEST_ERROR ? -2 : 0;
	else
		r = r > 0;
out:
	ESS_SIGNING_CERT_free(v1);
	ESS_SIGNING_CERT_V2_free(v2);
	sk_X509_free(chain);
	ERR_clear_error();
	return r;
}

/* Levels T, LT, LTA (EN 319 122-1 §5.3-5.5) add unsigned attributes; say that they are not judged. */
static void unsigned_note(CMS_SignerInfo *si, struct tdk_diag *d)
{
	int i, n = CMS_unsigned_get_attr_count(si);
	char names[256] = "";
	size_t len = 0;

	for (i = 0; i < n && len + 80 < sizeof(names); i++) {
		X509_ATTRIBUTE *a = CMS_unsigned_get_attr(si, i);
		ASN1_OBJECT *o = a ? X509_ATTRIBUTE_get0_object(a) : NULL;
		int nid = o ? OBJ_obj2nid(o) : NID_undef;
		char one[72];

		if (!o)
			continue;
		if (nid != NID_undef)
			snprintf(one, sizeof(one), "%s", OBJ_nid2ln(nid));
		else if (OBJ_obj2txt(one, (int)sizeof(one), o, 1) <= 0)
			continue;
		if (!strstr(names, one))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "", one);
	}
	if (len)
		tdk_diag_add(d, TDK_SEV_WARNING, "VERIFY-CADES-UNSIGNED-NOT-CHECKED", NULL, "unsigned "
			     "attributes not checked (%s): tdk verifies baseline B; levels T, LT and LTA are "
			     "not assessed", names);
}

/* The certificates CMS_verify may take the signer's from: the untrusted pool and the pinned ones. */
static STACK_OF(X509) *cert_pool(const struct tdk_trust *t)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	STACK_OF(X509) *from[2];
	int i, k;

	from[0] = t->untrusted;
	from[1] = t->pinned;
	for (k = 0; sk && k < 2; k++)
		for (i = 0; from[k] && i < sk_X509_num(from[k]); i++)
			sk_X509_push(sk, sk_X509_value(from[k], i));
	return sk;
}

/* The trust checks of a signer certificate that verified.  Returns 0 or 1 (reported). */
static int trust_signer(const struct tdk_trust *t, X509 *cert, STACK_OF(X509) *carried, time_t at,
			const char *when, struct tdk_diag *d)
{
	int i, pinned = 0;

	if (t->insecure) {
		tdk_diag_add(d, TDK_SEV_WARNING, "VERIFY-INSECURE", NULL, "--insecure: the certificate "
			     "the signature carries was used without any trust check");
		return 0;
	}
	if (t->pinned) {
		for (i = 0; i < sk_X509_num((STACK_OF(X509) *)t->pinned); i++)
			pinned |= !X509_cmp(cert, sk_X509_value((STACK_OF(X509) *)t->pinned, i));
		if (!pinned) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CERT-UNTRUSTED", NULL, "the signer "
				     "certificate is not one given with --cert");
			return 1;
		}
	} else if (!t->store) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CERT-UNTRUSTED", NULL, "no certificate anchor "
			     "to check a CMS signer against (give --ca or --cert)");
		return 1;
	}
	return tdk_cert_check(t, cert, carried, at, when, NULL, d);
}

/* The subject of the certificate the first SignerInfo names, among the carried and pool ones; or NULL. */
static char *signer_named(CMS_ContentInfo *cms, STACK_OF(X509) *pool)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	STACK_OF(X509) *carried = CMS_get1_certs(cms);
	STACK_OF(X509) *from[2];
	char *s = NULL;
	int i, k;

	from[0] = carried;
	from[1] = pool;
	for (k = 0; si && !s && k < 2; k++)
		for (i = 0; from[k] && !s && i < sk_X509_num(from[k]); i++)
			if (!CMS_SignerInfo_cert_cmp(si, sk_X509_value(from[k], i)))
				s = tdk_cert_subject(sk_X509_value(from[k], i));
	sk_X509_pop_free(carried, X509_free);
	ERR_clear_error();
	return s;
}

/*
 * What the CAdES and time-stamp checks share: read the CMS, check its type
 * and algorithms, and run CMS_verify (content from dcont, or the embedded
 * content into out).  Returns 0 or TDK_EXIT_NEGATIVE (reported).
 */
static int cms_open(const unsigned char *p, size_t n, int want_type, CMS_ContentInfo **cmsp,
		    struct tdk_diag *d)
{
	CMS_ContentInfo *cms;
	STACK_OF(CMS_SignerInfo) *sis;
	const ASN1_OBJECT *et;
	char buf[128];
	int i;

	*cmsp = NULL;
	if (!(cms = cms_read(p, n))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CMS-MALFORMED", NULL, "not a CMS SignedData (DER, "
			     "PEM or base64): truncated or not CMS at all");
		return TDK_EXIT_NEGATIVE;
	}
	*cmsp = cms;
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CMS-MALFORMED", NULL, "a CMS %s, not SignedData",
			     OBJ_nid2ln(OBJ_obj2nid(CMS_get0_type(cms))));
		return TDK_EXIT_NEGATIVE;
	}
	et = CMS_get0_eContentType(cms);
	if (want_type != NID_undef && (!et || OBJ_obj2nid(et) != want_type)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TST-MALFORMED", NULL, "not a time-stamp token "
			     "(its content is %s, not a TSTInfo)",
			     et ? OBJ_nid2ln(OBJ_obj2nid(et)) : "missing");
		return TDK_EXIT_NEGATIVE;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) <= 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CMS-MALFORMED", NULL, "the SignedData holds no "
			     "SignerInfo");
		return TDK_EXIT_NEGATIVE;
	}
	for (i = 0; i < sk_CMS_SignerInfo_num(sis); i++) {
		const char *bad = unsupported_alg(sk_CMS_SignerInfo_value(sis, i), buf, sizeof(buf));

		if (bad) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-UNSUPPORTED-ALGORITHM", NULL, "algorithm "
				     "'%s' is not supported by this build (%s); the signature cannot be "
				     "checked", bad, OpenSSL_version(OPENSSL_VERSION));
			return TDK_EXIT_NEGATIVE;
		}
	}
	return 0;
}

int tdk_cades_verify(const unsigned char *sig, size_t siglen, const unsigned char *content, size_t len,
		     const struct tdk_trust *t, struct tdk_sig_report *rep, struct tdk_diag *d)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *pool = NULL, *signers = NULL, *carried = NULL;
	ASN1_OCTET_STRING **pos;
	BIO *dcont = NULL;
	time_t st = 0;
	int r = TDK_EXIT_NEGATIVE, i;

	rep->kind = TDK_SIG_CADES;
	ERR_clear_error();
	if (len > INT_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CMS-MALFORMED", NULL, "the signed data is too "
			     "large for one CMS check");
		goto out;
	}
	if (cms_open(sig, siglen, NID_undef, &cms, d))
		goto out;
	sis = CMS_get0_SignerInfos(cms);
	rep->algorithm = alg_name(sk_CMS_SignerInfo_value(sis, 0));
	rep->signing_time = signing_time(sk_CMS_SignerInfo_value(sis, 0), &st);
	pool = cert_pool(t);
	pos = CMS_get0_content(cms);
	if (pos && *pos) {
		/* Not detached (ASiC wants it detached): the content it carries must be the data. */
		if ((size_t)ASN1_STRING_length(*pos) != len ||
		    (len && memcmp(ASN1_STRING_get0_data(*pos), content, len))) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-DIGEST", NULL, "the signature carries "
				     "content of its own, which is not the data it should sign");
			goto out;
		}
	} else {
		/*
		 * Given a memory BIO and CMS_BINARY, OpenSSL 3.0's CMS_verify reads
		 * a copy of it, which it leaks when the SignedData's digest
		 * algorithms cannot be set up (openssl/openssl#30471).  Behind a
		 * buffering filter the content is read in place.
		 */
		BIO *mem = BIO_new_mem_buf(len ? (const void *)content : "", (int)len);
		BIO *buf = mem ? BIO_new(BIO_f_buffer()) : NULL;

		if (!buf) {
			BIO_free(mem);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		dcont = BIO_push(buf, mem);
	}
	if (!pool) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (CMS_verify(cms, pool, NULL, dcont, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		cms_fail(d);
		rep->signer = signer_named(cms, pool);
		goto out;
	}
	rep->whole = 1; /* the signed data is the content given */
	signers = CMS_get0_signers(cms);
	carried = CMS_get1_certs(cms);
	if (!signers || sk_X509_num(signers) != sk_CMS_SignerInfo_num(sis)) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	rep->signer = tdk_cert_subject(sk_X509_value(signers, 0));
	for (i = 0; i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		X509 *cert = sk_X509_value(signers, i);
		time_t at = st;
		int e;

		if (i)
			free(signing_time(si, &at));
		if (t->at_set)
			at = t->at;
		if (trust_signer(t, cert, carried, t->at_set || at ? at : time(NULL),
				 t->at_set ? "the verification time" :
				 at ? "the signing time" : "the verification time", d))
			goto out;
		e = ess_check(si, cert, carried, pool);
		if (e == -1) {
			tdk_diag_add(d, TDK_SEV_WARNING, "VERIFY-CADES-SIGNING-CERT-MISSING", NULL, "no ESS "
				     "signing-certificate(-v2) attribute (EN 319 122-1 baseline B requires "
				     "one): nothing binds the signer certificate to the signature");
		} else if (e == 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CADES-SIGNING-CERT", NULL, "the ESS "
				     "signing-certificate attribute names another certificate than the one "
				     "whose key verified (key substitution?)");
			goto out;
		} else if (e == -2) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-CADES-SIGNING-CERT", NULL, "the ESS "
				     "signing-certificate attribute cannot be read, or uses a digest this "
				     "build does not know");
			goto out;
		}
		unsigned_note(si, d);
	}
	rep->valid = 1;
	r = 0;
out:
	BIO_free_all(dcont);
	sk_X509_free(pool);
	sk_X509_free(signers);
	sk_X509_pop_free(carried, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return r;
}

/* RFC 3161 §2.3: the TSA certificate has one extendedKeyUsage, id-kp-timeStamping, critical. */
static int tsa_usage_ok(X509 *cert)
{
	int idx = X509_get_ext_by_NID(cert, NID_ext_key_usage, -1);
	X509_EXTENSION *ext = idx >= 0 ? X509_get_ext(cert, idx) : NULL;

	return ext && X509_EXTENSION_get_critical(ext) &&
	       (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) &&
	       (X509_get_extended_key_usage(cert) & XKU_TIMESTAMP);
}

int tdk_timestamp_verify(const unsigned char *tok, size_t toklen, const unsigned char *content,
			 size_t len, const struct tdk_trust *t, struct tdk_sig_report *rep,
			 struct tdk_diag *d)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *pool = NULL, *signers = NULL, *carried = NULL;
	TS_TST_INFO *tst = NULL;
	TS_MSG_IMPRINT *mi;
	ASN1_OCTET_STRING *want;
	EVP_MD *md = NULL;
	BIO *out = NULL;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	const unsigned char *p;
	char *mem = NULL, alg[128];
	long n;
	time_t gen = 0;
	int r = TDK_EXIT_NEGATIVE, nid, e;
	X509 *cert;

	rep->kind = TDK_SIG_TIMESTAMP;
	ERR_clear_error();
	if (cms_open(tok, toklen, NID_id_smime_ct_TSTInfo, &cms, d))
		goto out;
	rep->algorithm = alg_name(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0));
	pool = cert_pool(t);
	out = BIO_new(BIO_s_mem());
	if (!pool || !out) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (CMS_verify(cms, pool, NULL, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		cms_fail(d);
		rep->signer = signer_named(cms, pool);
		goto out;
	}
	n = BIO_get_mem_data(out, &mem);
	p = (const unsigned char *)mem;
	if (n <= 0 || !(tst = d2i_TS_TST_INFO(NULL, &p, n))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TST-MALFORMED", NULL, "the signed content is not "
			     "a TSTInfo (RFC 3161 §2.4.2)");
		goto out;
	}
	rep->signing_time = time_str(TS_TST_INFO_get_time(tst), &gen);
	mi = TS_TST_INFO_get_msg_imprint(tst);
	want = mi ? TS_MSG_IMPRINT_get_msg(mi) : NULL;
	nid = mi ? obj_nid(TS_MSG_IMPRINT_get_algo(mi)) : NID_undef;
	md = nid != NID_undef ? EVP_MD_fetch(NULL, OBJ_nid2sn(nid), NULL) : NULL;
	if (!md) {
		obj_text(mi ? TS_MSG_IMPRINT_get_algo(mi) : NULL, alg, sizeof(alg));
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-UNSUPPORTED-ALGORITHM", NULL, "message imprint "
			     "algorithm '%s' is not supported by this build (%s)", alg,
			     OpenSSL_version(OPENSSL_VERSION));
		goto out;
	}
	if (EVP_Digest(content, len, h, &hl, md, NULL) != 1) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (!want || (unsigned int)ASN1_STRING_length(want) != hl ||
	    memcmp(ASN1_STRING_get0_data(want), h, hl)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TST-IMPRINT", NULL, "the message imprint is not "
			     "the %s hash of the data it should cover: it time-stamps other data",
			     OBJ_nid2sn(nid));
		goto out;
	}
	rep->whole = 1; /* the imprint is the content's */
	signers = CMS_get0_signers(cms);
	carried = CMS_get1_certs(cms);
	if (!signers || !(cert = sk_X509_value(signers, 0))) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	rep->signer = tdk_cert_subject(cert);
	if (trust_signer(t, cert, carried, t->at_set ? t->at : gen ? gen : time(NULL),
			 t->at_set ? "the verification time" : "the time-stamp time", d))
		goto out;
	if (!t->insecure && !tsa_usage_ok(cert)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TST-USAGE", NULL, "the TSA certificate '%s' lacks "
			     "the critical extended key usage timeStamping (RFC 3161 §2.3)",
			     rep->signer ? rep->signer : "");
		goto out;
	}
	e = ess_check(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0), cert, carried, pool);
	if (e == 0 || e == -2) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TST-SIGNING-CERT", NULL, "the ESS "
			     "signing-certificate attribute %s", e ? "cannot be read" :
			     "names another certificate than the TSA's whose key verified");
		goto out;
	}
	/* RFC 3161 §2.4.1 (RFC 5816 for v2): the token MUST identify the TSA certificate so. */
	if (e == -1)
		tdk_diag_add(d, TDK_SEV_WARNING, "VERIFY-TST-SIGNING-CERT-MISSING", NULL, "the time-stamp "
			     "token has no ESS signing-certificate(-v2) attribute (RFC 3161 §2.4.1 requires "
			     "one): nothing binds the TSA certificate to it");
	rep->valid = 1;
	r = 0;
out:
	BIO_free(out);
	EVP_MD_free(md);
	TS_TST_INFO_free(tst);
	sk_X509_free(pool);
	sk_X509_free(signers);
	sk_X509_pop_free(carried, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return r;
}

int tdk_cms_kind(const unsigned char *p, size_t n)
{
	CMS_ContentInfo *cms;
	const ASN1_OBJECT *et;
	size_t i = 0;
	int kind;

	/* XML (with or without a byte order mark) is not looked at further. */
	while (i < n && isspace(p[i]))
		i++;
	if (i == n || p[i] == '<' || p[i] == 0xEF || p[i] == 0xFE || p[i] == 0xFF)
		return -1;
	if (!(cms = cms_read(p, n)))
		return -1;
	et = CMS_get0_eContentType(cms);
	kind = et && OBJ_obj2nid(et) == NID_id_smime_ct_TSTInfo ? TDK_SIG_TIMESTAMP : TDK_SIG_CADES;
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return kind;
}

int tdk_cms_verify_detached(enum tdk_sig_kind kind, const unsigned char *p, size_t n, const char *name,
			    const unsigned char *content, size_t len, const struct tdk_trust *t,
			    struct tdk_sig_report *rep, struct tdk_diag *d)
{
	int r = kind == TDK_SIG_TIMESTAMP ? tdk_timestamp_verify(p, n, content, len, t, rep, d) :
		tdk_cades_verify(p, n, content, len, t, rep, d);

	rep->valid = !r;
	/* Only a proof that was checked over the data says anything of it. */
	if (!rep->whole)
		return r;
	if (!(rep->refs = calloc(1, sizeof(*rep->refs))) || tdk_sig_report_add_file(rep, name, name, 1) < 0)
		return TDK_EXIT_INTERNAL;
	return r;
}
