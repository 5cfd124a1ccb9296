/*
 * The S/MIME signature of AS2 (RFC 5751 multipart/signed, detached CMS
 * SignedData) and the MIC of RFC 4130 section 7.3.1.  The partner's
 * certificate is the one trust anchor and the only certificate the signer may
 * be (CMS_NOINTERN): what the message carries is not used.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "net/as2-int.h"
#include "util/exitcode.h"

static const struct {
	const char *name, *alt, *mic;
} mics[] = {
	{ "sha1", "sha-1", "sha1" },
	{ "sha256", "sha-256", "sha-256" },
	{ "sha384", "sha-384", "sha-384" },
	{ "sha512", "sha-512", "sha-512" },
};

int as2_md(const char *name, const EVP_MD **md, const char **micname)
{
	size_t i;

	for (i = 0; name && i < sizeof(mics) / sizeof(mics[0]); i++)
		if (!strcasecmp(name, mics[i].name) || !strcasecmp(name, mics[i].alt)) {
			*md = EVP_get_digestbyname(mics[i].name);
			*micname = mics[i].mic;
			return *md ? 0 : -1;
		}
	return -1;
}

int as2_mic(const EVP_MD *md, const char *micname, const void *p, size_t n, char out[TDK_AS2_MIC_MAX])
{
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	struct tdk_buf b = TDK_BUF_INIT(TDK_AS2_MIC_MAX);
	int r = -1;

	if (!EVP_Digest(p, n, dig, &dl, md, NULL) || as2_b64_encode(dig, dl, &b, 0) ||
	    tdk_buf_addf(&b, ", %s", micname) || b.len >= TDK_AS2_MIC_MAX)
		goto out;
	memcpy(out, b.data, b.len + 1);
	r = 0;
out:
	tdk_buf_release(&b);
	return r;
}

int as2_der(CMS_ContentInfo *cms, struct tdk_buf *der)
{
	unsigned char *p = NULL;
	int n = i2d_CMS_ContentInfo(cms, &p), r = -1;

	if (n > 0)
		r = tdk_buf_add(der, p, (size_t)n);
	OPENSSL_free(p);
	return r;
}

/* The DER of a detached signature over entity. */
static int sign_der(EVP_PKEY *key, X509 *cert, const EVP_MD *md, struct as2_slice entity, struct tdk_buf *der)
{
	BIO *in = BIO_new_mem_buf(entity.p, (int)entity.n);
	CMS_ContentInfo *cms = NULL;
	int r = -1;
	unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;

	if (!in || !(cms = CMS_sign(NULL, NULL, NULL, NULL, flags)) ||
	    !CMS_add1_signer(cms, cert, key, md, flags) || !CMS_final(cms, in, NULL, flags))
		goto out;
	r = as2_der(cms, der);
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return r;
}

int as2_sign(EVP_PKEY *key, X509 *cert, const EVP_MD *md, const char *micname, struct as2_slice entity,
	     struct tdk_buf *body, char **ctype, struct tdk_diag *d)
{
	struct tdk_buf der = TDK_BUF_INIT(TDK_AS2_MAX_BODY), ct = TDK_BUF_INIT(512);
	unsigned char rnd[12];
	char bnd[40];
	size_t i;
	int rc = TDK_EXIT_INTERNAL;

	if (entity.n > TDK_AS2_MAX_BODY)
		goto out;
	if (sign_der(key, cert, md, entity, &der)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-KEY", NULL, "openssl refused to sign with the key and certificate given");
		ERR_clear_error();
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	memcpy(bnd, "----tdk-as2-", 12);
	for (i = 0; i < sizeof(rnd); i++) {
		bnd[12 + 2 * i] = "0123456789abcdef"[rnd[i] >> 4];
		bnd[13 + 2 * i] = "0123456789abcdef"[rnd[i] & 15];
	}
	bnd[12 + 2 * sizeof(rnd)] = '\0';
	if (tdk_buf_addf(body, "--%s\r\n", bnd) || tdk_buf_add(body, entity.p, entity.n) ||
	    tdk_buf_addf(body, "\r\n--%s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
			       "Content-Transfer-Encoding: base64\r\n"
			       "Content-Disposition: attachment; filename=smime.p7s\r\n\r\n", bnd) ||
	    as2_b64_encode((const unsigned char *)der.data, der.len, body, 1) || tdk_buf_addf(body, "--%s--\r\n", bnd))
		goto out;
	if (tdk_buf_addf(&ct, "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=%s; boundary=\"%s\"",
			 micname, bnd))
		goto out;
	*ctype = tdk_buf_detach(&ct);
	rc = *ctype ? 0 : TDK_EXIT_INTERNAL;
out:
	tdk_buf_release(&der);
	tdk_buf_release(&ct);
	return rc;
}

/* CMS_verify over content, against partner alone; 0, or -1 with the error queue left for the caller. */
static int cms_check(CMS_ContentInfo *cms, X509 *partner, struct as2_slice content)
{
	X509_STORE *st = X509_STORE_new();
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *in = BIO_new_mem_buf(content.p, (int)content.n);
	int r = -1;

	if (!st || !certs || !in || !X509_STORE_add_cert(st, partner) || !sk_X509_push(certs, partner))
		goto out;
	X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_set_purpose(st, X509_PURPOSE_ANY);
	if (CMS_verify(cms, certs, st, in, NULL, CMS_BINARY | CMS_NOINTERN) == 1)
		r = 0;
out:
	BIO_free(in);
	sk_X509_free(certs);
	X509_STORE_free(st);
	return r;
}

/* Says why CMS_verify failed, from the reason it left on the error queue. */
static int verify_failed(struct tdk_diag *d)
{
	unsigned long e = ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	char buf[200];

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	if (reason == CMS_R_SIGNER_CERTIFICATE_NOT_FOUND) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-SIG-SIGNER", NULL,
			     "the signature was not made with the partner certificate's key");
		return TDK_EXIT_NEGATIVE;
	}
	if (reason == CMS_R_CERTIFICATE_VERIFY_ERROR) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-SIG-CERT", NULL,
			     "the partner certificate is not valid now or not usable (%.120s)", buf);
		return TDK_EXIT_NEGATIVE;
	}
	tdk_diag_add(d, TDK_SEV_ERROR, "AS2-SIG-INVALID", NULL, "the signature does not verify over the signed entity");
	return TDK_EXIT_NEGATIVE;
}

/* The signature part's CMS: application/pkcs7-signature, base64 or binary. */
static int sig_part(struct as2_slice part, CMS_ContentInfo **cms, struct tdk_diag *d)
{
	struct as2_entity e;
	struct tdk_buf der = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	const unsigned char *q;
	int rc;

	if ((rc = as2_entity_parse(part.p, part.n, &e, d)))
		goto out;
	if (!as2_type_is(e.ctype, "application/pkcs7-signature") && !as2_type_is(e.ctype, "application/x-pkcs7-signature")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-MALFORMED", NULL,
			     "the second part of multipart/signed is %.80s, not application/pkcs7-signature",
			     e.ctype ? e.ctype : "text/plain");
		rc = TDK_EXIT_IO;
		goto out;
	}
	if ((rc = as2_entity_decode(&e, &der, d)))
		goto out;
	q = (const unsigned char *)der.data;
	if (!der.len || der.len > 0x7fffffff || !(*cms = d2i_CMS_ContentInfo(NULL, &q, (long)der.len)) ||
	    OBJ_obj2nid(CMS_get0_type(*cms)) != NID_pkcs7_signed) {
		ERR_clear_error();
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-SIG-MALFORMED", NULL, "the signature part is not a cms signed-data");
		rc = TDK_EXIT_NEGATIVE;
	}
out:
	as2_entity_release(&e);
	tdk_buf_release(&der);
	return rc;
}

int as2_verify(const struct as2_entity *e, X509 *partner, struct tdk_buf *outb, struct as2_slice *signed_part,
	       const char **micalg, struct tdk_diag *d)
{
	struct as2_slice parts[TDK_AS2_MAX_PARTS];
	CMS_ContentInfo *cms = NULL;
	const char *micname;
	const EVP_MD *md;
	char bnd[80], ma[32];
	size_t np;
	int rc;

	*micalg = NULL;
	if (!as2_param(e->ctype, "boundary", bnd, sizeof(bnd)))
		bnd[0] = '\0';
	if ((rc = as2_multipart(e->body, bnd, parts, &np, d)))
		return rc;
	if (np != 2) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-MALFORMED", NULL, "multipart/signed has %zu parts, not 2", np);
		return TDK_EXIT_IO;
	}
	if (as2_param(e->ctype, "micalg", ma, sizeof(ma)) && !as2_md(ma, &md, &micname))
		*micalg = micname;
	if ((rc = sig_part(parts[1], &cms, d)))
		goto out;
	if (!partner) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-KEY", NULL, "the body is signed and no partner certificate was given");
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	*signed_part = parts[0];
	tdk_buf_reset(outb);
	if (as2_canon(parts[0], outb)) {
		rc = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (!cms_check(cms, partner, parts[0]))
		goto out;
	/* Saved with bare line feeds: the signer signed the canonical form. */
	if (outb->len != parts[0].n) {
		ERR_clear_error();
		signed_part->p = (const unsigned char *)outb->data;
		signed_part->n = outb->len;
		if (!cms_check(cms, partner, *signed_part))
			goto out;
	}
	rc = verify_failed(d);
out:
	CMS_ContentInfo_free(cms);
	return rc;
}
