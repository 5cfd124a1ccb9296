/*
 * Reading a received AS2 body: each layer (enveloped-data or
 * authEnveloped-data, compressed-data, multipart/signed) is undone in the
 * order the sender nested it, each at most once, until the payload entity;
 * the MIC is taken over the signed entity when there is one, over the payload
 * otherwise (RFC 4130 section 7.3.1).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "net/as2-int.h"
#include "util/exitcode.h"

struct rd {
	const struct tdk_as2_recv *r;
	struct tdk_as2_in *in;
	struct tdk_diag *d;
	const char *micalg;          /* the signature's micalg, when signed */
};

static int entity(struct rd *x, const struct as2_entity *e, int depth);

/* Sets the MIC over p with alg (the one asked for, else fallback, else sha256). */
static int mic_of(struct rd *x, const char *fallback, const void *p, size_t n)
{
	const char *alg = x->r->mic_alg ? x->r->mic_alg : fallback ? fallback : "sha256", *micname;
	const EVP_MD *md;

	if (as2_md(alg, &md, &micname)) {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-ALG", NULL, "unknown mic algorithm %.40s", alg);
		return TDK_EXIT_USAGE;
	}
	return as2_mic(md, micname, p, n, x->in->mic) ? TDK_EXIT_INTERNAL : 0;
}

/* Reads the entity whose headers begin at p. */
static int nested(struct rd *x, struct as2_slice s, int depth)
{
	struct as2_entity e;
	int rc = as2_entity_parse(s.p, s.n, &e, x->d);

	if (!rc)
		rc = entity(x, &e, depth);
	as2_entity_release(&e);
	return rc;
}

/* Decrypts cms with our key into out. */
static int decrypt(struct rd *x, CMS_ContentInfo *cms, struct tdk_buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	BUF_MEM *m;
	int rc = TDK_EXIT_INTERNAL;

	if (!x->r->key) {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-KEY", NULL, "the body is encrypted and no decryption key was given");
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	if (!b)
		goto out;
	if (CMS_decrypt(cms, x->r->key, x->r->cert, NULL, b, CMS_BINARY) != 1) {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-DECRYPT", NULL,
			     "the body cannot be decrypted with our key (not for us, or damaged)");
		rc = TDK_EXIT_TRUST;
		goto out;
	}
	BIO_get_mem_ptr(b, &m);
	rc = tdk_buf_add(out, m->data, m->length) ? TDK_EXIT_INTERNAL : 0;
out:
	ERR_clear_error();
	BIO_free(b);
	return rc;
}

/* application/pkcs7-mime: decrypt or decompress, then read what was inside. */
static int smime(struct rd *x, const struct as2_entity *e, int depth)
{
	struct tdk_buf der = TDK_BUF_INIT(TDK_AS2_MAX_BODY), inner = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	CMS_ContentInfo *cms = NULL;
	const unsigned char *q;
	int rc, nid;

	if ((rc = as2_entity_decode(e, &der, x->d)))
		goto out;
	q = (const unsigned char *)der.data;
	if (!der.len || der.len > 0x7fffffff || !(cms = d2i_CMS_ContentInfo(NULL, &q, (long)der.len))) {
		ERR_clear_error();
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-MIME-MALFORMED", NULL, "an application/pkcs7-mime body is not cms");
		rc = TDK_EXIT_IO;
		goto out;
	}
	nid = OBJ_obj2nid(CMS_get0_type(cms));
	if ((nid == NID_pkcs7_enveloped || nid == NID_id_smime_ct_authEnvelopedData) && !x->in->was_encrypted) {
		x->in->was_encrypted = 1;
		/* Unsigned: the MIC of the decrypted entity, headers included (RFC 4130 section 7.3.1). */
		if (!(rc = decrypt(x, cms, &inner)))
			rc = mic_of(x, NULL, inner.data ? inner.data : "", inner.len);
	} else if (nid == NID_id_smime_ct_compressedData && !x->in->was_compressed) {
		x->in->was_compressed = 1;
		rc = as2_uncompress(cms, &inner, x->d);
	} else {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-MIME-UNSUPPORTED", NULL,
			     "an application/pkcs7-mime of cms type %.60s where AS2 has none (or a second one)",
			     OBJ_nid2sn(nid));
		rc = TDK_EXIT_IO;
	}
	if (!rc)
		rc = nested(x, (struct as2_slice){ (const unsigned char *)inner.data, inner.len }, depth + 1);
out:
	CMS_ContentInfo_free(cms);
	tdk_buf_release(&der);
	tdk_buf_release(&inner);
	return rc;
}

/* multipart/signed: verify, take the MIC over the signed entity, read it. */
static int signed_entity(struct rd *x, const struct as2_entity *e, int depth)
{
	struct tdk_buf canon = TDK_BUF_INIT(TDK_AS2_MAX_BODY + TDK_AS2_MAX_BODY / 2);
	struct as2_slice part;
	const char *micalg;
	int rc;

	if (x->in->was_signed) {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-MIME-UNSUPPORTED", NULL, "a signed entity inside a signed entity");
		return TDK_EXIT_IO;
	}
	x->in->was_signed = 1;
	if ((rc = as2_verify(e, x->r->partner, &canon, &part, &micalg, x->d)))
		goto out;
	if ((rc = mic_of(x, micalg, part.p, part.n)))
		goto out;
	rc = nested(x, part, depth + 1);
out:
	tdk_buf_release(&canon);
	return rc;
}

/* The payload entity: its decoded body and type, and the MIC when nothing was signed. */
static int leaf(struct rd *x, const struct as2_entity *e)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	int rc;

	if ((rc = as2_entity_decode(e, &b, x->d)))
		goto out;
	if (!x->in->was_signed && !x->in->was_encrypted && (rc = mic_of(x, NULL, b.data ? b.data : "", b.len)))
		goto out;
	rc = TDK_EXIT_INTERNAL;
	if (!(x->in->content_type = as2_strndup(e->ctype ? e->ctype : "text/plain",
						strlen(e->ctype ? e->ctype : "text/plain"))))
		goto out;
	x->in->len = b.len;
	if (!(x->in->payload = (unsigned char *)tdk_buf_detach(&b)))
		goto out;
	rc = 0;
out:
	tdk_buf_release(&b);
	return rc;
}

static int entity(struct rd *x, const struct as2_entity *e, int depth)
{
	if (depth >= TDK_AS2_MAX_DEPTH) {
		tdk_diag_add(x->d, TDK_SEV_ERROR, "AS2-LIMIT", NULL, "the body nests more than %u layers", TDK_AS2_MAX_DEPTH);
		return TDK_EXIT_IO;
	}
	if (as2_type_is(e->ctype, "application/pkcs7-mime") || as2_type_is(e->ctype, "application/x-pkcs7-mime"))
		return smime(x, e, depth);
	if (as2_type_is(e->ctype, "multipart/signed"))
		return signed_entity(x, e, depth);
	return leaf(x, e);
}

int tdk_as2_read(const struct tdk_as2_recv *r, const char *content_type, const void *data, size_t n,
		 struct tdk_as2_in *in, struct tdk_diag *d)
{
	struct rd x = { r, in, d, NULL };
	struct as2_entity top;
	int rc;

	memset(in, 0, sizeof(*in));
	if (!(rc = as2_top(content_type, data, n, &top, d)))
		rc = entity(&x, &top, 0);
	as2_entity_release(&top);
	if (!rc && r->require_signed && !in->was_signed) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-SIG-MISSING", NULL, "the body is not signed and a signature is required");
		rc = TDK_EXIT_NEGATIVE;
	}
	if (!rc && r->require_encrypted && !in->was_encrypted) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-ENC-MISSING", NULL, "the body is not encrypted and encryption is required");
		rc = TDK_EXIT_NEGATIVE;
	}
	if (rc == TDK_EXIT_INTERNAL)
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-INTERNAL", NULL, "out of memory or an openssl failure while reading");
	return rc;
}
