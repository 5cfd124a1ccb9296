/*
 * AS2 message bodies (RFC 4130): built layer by layer (payload entity,
 * RFC 5402 compressed-data, multipart/signed, enveloped-data) and read back
 * in whatever order the sender nested them, within TDK_AS2_MAX_DEPTH.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "net/as2-int.h"
#include "util/exitcode.h"

void tdk_as2_msg_release(struct tdk_as2_msg *out)
{
	free(out->content_type);
	free(out->body);
	memset(out, 0, sizeof(*out));
}

void tdk_as2_in_release(struct tdk_as2_in *in)
{
	free(in->payload);
	free(in->content_type);
	memset(in, 0, sizeof(*in));
}

static const struct {
	const char *name;
	const EVP_CIPHER *(*fn)(void);
} ciphers[] = {
	{ "aes128-cbc", EVP_aes_128_cbc }, { "aes192-cbc", EVP_aes_192_cbc }, { "aes256-cbc", EVP_aes_256_cbc },
	{ "aes128-gcm", EVP_aes_128_gcm }, { "aes256-gcm", EVP_aes_256_gcm }, { "des-ede3-cbc", EVP_des_ede3_cbc },
};

/* Enveloped-data (authEnveloped-data for GCM) of entity for partner, as DER in der. */
static int encrypt_der(const struct tdk_as2_send *o, const EVP_CIPHER *c, struct as2_slice entity, struct tdk_buf *der)
{
	BIO *in = BIO_new_mem_buf(entity.p, (int)entity.n);
	CMS_ContentInfo *cms = NULL;
	CMS_RecipientInfo *ri;
	EVP_PKEY_CTX *pc;
	unsigned flags = CMS_BINARY | CMS_PARTIAL | (o->oaep ? CMS_KEY_PARAM : 0);
	int r = -1;

	if (!in || !(cms = CMS_encrypt(NULL, NULL, c, flags)) || !(ri = CMS_add1_recipient_cert(cms, o->partner, flags)))
		goto out;
	if (o->oaep) {
		if (!(pc = CMS_RecipientInfo_get0_pkey_ctx(ri)) || EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_OAEP_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_oaep_md(pc, EVP_sha256()) <= 0 || EVP_PKEY_CTX_set_rsa_mgf1_md(pc, EVP_sha256()) <= 0)
			goto out;
	}
	if (CMS_final(cms, in, NULL, CMS_BINARY))
		r = as2_der(cms, der);
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return r;
}

/* Checks the settings of o and finds their algorithms. */
static int send_algs(const struct tdk_as2_send *o, const EVP_MD **md, const char **micname, const EVP_CIPHER **c,
		     struct tdk_diag *d)
{
	const char *alg = o->sign ? o->sign : o->mic_alg ? o->mic_alg : "sha256";
	size_t i;

	*c = NULL;
	if (as2_md(alg, md, micname)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-ALG", NULL, "unknown mic algorithm %.40s (sha1, sha256, sha384, sha512)", alg);
		return TDK_EXIT_USAGE;
	}
	for (i = 0; o->encrypt && i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (!strcasecmp(o->encrypt, ciphers[i].name))
			*c = ciphers[i].fn();
	if (o->encrypt && !*c) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-ALG", NULL,
			     "unknown cipher %.40s (aes128-cbc, aes192-cbc, aes256-cbc, aes128-gcm, aes256-gcm, des-ede3-cbc)",
			     o->encrypt);
		return TDK_EXIT_USAGE;
	}
	if ((o->sign && (!o->key || !o->cert)) || (o->encrypt && !o->partner)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-KEY", NULL, "%s", o->encrypt && !o->partner ?
			     "encryption asked for without the partner certificate" : "signing asked for without our key and certificate");
		return TDK_EXIT_USAGE;
	}
	return 0;
}

/*
 * Nonzero when every line break of p is CRLF: such a payload is its own
 * canonical form and travels as binary; any other goes as base64, so that a
 * verifier that canonicalises the signed entity (S/MIME says it must be
 * canonical) sees the bytes that were signed.
 */
static int canonical(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) || (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')))
			return 0;
	return 1;
}

/* Moves cur (a Content-Type and a body) into out. */
static int finish(struct tdk_buf *ct, struct tdk_buf *cur, struct tdk_as2_msg *out)
{
	if (!(out->content_type = tdk_buf_detach(ct)))
		return TDK_EXIT_INTERNAL;
	out->len = cur->len;
	out->body = (unsigned char *)tdk_buf_detach(cur);
	if (!out->body && !(out->body = calloc(1, 1)))
		return TDK_EXIT_INTERNAL;
	return 0;
}

int tdk_as2_build(const struct tdk_as2_send *o, const void *payload, size_t n, const char *type,
		  struct tdk_as2_msg *out, struct tdk_diag *d)
{
	struct tdk_buf cur = TDK_BUF_INIT(TDK_AS2_MAX_BODY), nxt = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	struct tdk_buf ct = TDK_BUF_INIT(1024), der = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	const char *micname;
	const EVP_MD *md;
	const EVP_CIPHER *c;
	char *sct = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = send_algs(o, &md, &micname, &c, d)))
		goto out;
	rc = TDK_EXIT_INTERNAL;
	if (!type || strpbrk(type, "\r\n") || n > TDK_AS2_MAX_BODY) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-LIMIT", NULL, "the payload is over %u bytes or its type is not one line",
			     TDK_AS2_MAX_BODY);
		rc = TDK_EXIT_USAGE;
		goto out;
	}
	if (canonical(payload, n) ? tdk_buf_addf(&cur, "Content-Type: %s\r\nContent-Transfer-Encoding: binary\r\n\r\n", type) ||
					    tdk_buf_add(&cur, payload, n)
				  : tdk_buf_addf(&cur, "Content-Type: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n", type) ||
					    as2_b64_encode(payload, n, &cur, 1))
		goto out;
	if (!o->sign && as2_mic(md, micname, payload, n, out->mic))
		goto out;
	if (o->compress) {
		/* Binary where nothing canonicalises it; base64 under a signature. */
		if (tdk_buf_addf(&nxt, "Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\n"
				       "Content-Transfer-Encoding: %s\r\n\r\n", o->sign ? "base64" : "binary") ||
		    as2_compress((struct as2_slice){ (unsigned char *)cur.data, cur.len }, &der) ||
		    (o->sign ? as2_b64_encode((unsigned char *)der.data, der.len, &nxt, 1) : tdk_buf_add(&nxt, der.data, der.len)))
			goto out;
		tdk_buf_release(&cur);
		cur = nxt;
		tdk_buf_init(&nxt, TDK_AS2_MAX_BODY);
	}
	if (o->sign) {
		struct as2_slice ent = { (unsigned char *)cur.data, cur.len };

		if (as2_mic(md, micname, ent.p, ent.n, out->mic))
			goto out;
		if ((rc = as2_sign(o->key, o->cert, md, micname, ent, &nxt, &sct, d)))
			goto out;
		rc = TDK_EXIT_INTERNAL;
		tdk_buf_reset(&cur);
		if (tdk_buf_addf(&cur, "Content-Type: %s\r\n\r\n", sct) || tdk_buf_add(&cur, nxt.data, nxt.len))
			goto out;
		tdk_buf_reset(&nxt);
	}
	if (c) {
		if (!o->sign && as2_mic(md, micname, cur.data, cur.len, out->mic))
			goto out;
		if (encrypt_der(o, c, (struct as2_slice){ (unsigned char *)cur.data, cur.len }, &nxt)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS2-KEY", NULL, "openssl refused to encrypt for the partner certificate");
			ERR_clear_error();
			rc = TDK_EXIT_TRUST;
			goto out;
		}
		if (tdk_buf_addf(&ct, "application/pkcs7-mime; smime-type=%s; name=smime.p7m",
				 EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE ? "authEnveloped-data" : "enveloped-data"))
			goto out;
		rc = finish(&ct, &nxt, out);
	} else {
		/* The top entity's Content-Type goes to HTTP; the body is what follows its headers. */
		const char *h = strstr(cur.data, "\r\n\r\n") + 4;

		if (tdk_buf_adds(&ct, sct ? sct : o->compress ?
				 "application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z" : type) ||
		    (sct || o->compress ? tdk_buf_add(&nxt, h, cur.len - (size_t)(h - cur.data)) : tdk_buf_add(&nxt, payload, n)))
			goto out;
		rc = finish(&ct, &nxt, out);
	}
out:
	if (rc == TDK_EXIT_INTERNAL)
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-INTERNAL", NULL, "out of memory or an openssl failure while building");
	free(sct);
	tdk_buf_release(&cur);
	tdk_buf_release(&nxt);
	tdk_buf_release(&ct);
	tdk_buf_release(&der);
	return rc;
}
