/*
 * Encryption of AS4 attachments as the eDelivery AS4 profile 1.x gives it
 * (WSS SwA profile 1.1 §5.5, XML Encryption 1.1): AES-128-GCM per
 * attachment under one session key, the key transported with RSA-OAEP,
 * MGF1-SHA256 and SHA-256.  Done with OpenSSL EVP and libxml2 directly:
 * libxmlsec1 1.2's encryption context encrypts XML or one binary buffer
 * into an EncryptedData with CipherValue, while SwA keeps the ciphertext
 * in the MIME part (CipherReference to cid:) and needs one EncryptedKey
 * for all parts.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "net/wss-int.h"
#include "util/exitcode.h"

#define KEY_LEN 16
#define IV_LEN 12
#define TAG_LEN 16

#define XC (const xmlChar *)

/* RSA-OAEP with SHA-256 and MGF1-SHA256 on pkey: encrypt (enc set) or decrypt in into out (*outlen room). */
static int oaep(EVP_PKEY *pkey, int enc, const unsigned char *in, size_t inlen, unsigned char *out, size_t *outlen)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);
	int ok = c && (enc ? EVP_PKEY_encrypt_init(c) : EVP_PKEY_decrypt_init(c)) > 0 &&
		 EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) > 0 &&
		 EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256()) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) > 0 &&
		 (enc ? EVP_PKEY_encrypt(c, out, outlen, in, inlen) : EVP_PKEY_decrypt(c, out, outlen, in, inlen)) > 0;

	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

/* AES-128-GCM: encrypts in to iv||ct||tag, or decrypts iv||ct||tag to the plaintext; malloc'd *out. */
static int gcm(int enc, const unsigned char *key, const unsigned char *in, size_t len, unsigned char **out,
	       size_t *outlen)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned char *o = NULL, iv[IV_LEN], tag[TAG_LEN];
	size_t ctlen = enc ? len : len - IV_LEN - TAG_LEN;
	int n = 0, f = 0, ok = 0;

	if (!c || (!enc && len < IV_LEN + TAG_LEN) || len > (size_t)0x7fffff00 ||
	    !(o = malloc(ctlen + IV_LEN + TAG_LEN + 1)))
		goto out;
	if (enc ? RAND_bytes(iv, IV_LEN) != 1 : (memcpy(iv, in, IV_LEN), memcpy(tag, in + len - TAG_LEN, TAG_LEN), 0))
		goto out;
	if (enc) {
		memcpy(o, iv, IV_LEN);
		ok = EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, iv) == 1 &&
		     EVP_EncryptUpdate(c, o + IV_LEN, &n, in, (int)len) == 1 &&
		     EVP_EncryptFinal_ex(c, o + IV_LEN + n, &f) == 1 &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, o + IV_LEN + n + f) == 1;
		*outlen = IV_LEN + (size_t)n + (size_t)f + TAG_LEN;
	} else {
		ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, iv) == 1 &&
		     EVP_DecryptUpdate(c, o, &n, in + IV_LEN, (int)ctlen) == 1 &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1 &&
		     EVP_DecryptFinal_ex(c, o + n, &f) == 1;
		*outlen = (size_t)n + (size_t)f;
	}
out:
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		free(o);
		o = NULL;
	}
	*out = o;
	return ok ? 0 : -1;
}

/* A child element of p in the namespace of ns (may be NULL for p's own) with text; NULL when memory ran out. */
static xmlNodePtr child(xmlNodePtr p, xmlNsPtr ns, const char *name, const char *alg, const char *text)
{
	xmlNodePtr n = xmlNewChild(p, ns, XC name, XC text);

	if (n && alg && !xmlSetProp(n, XC "Algorithm", XC alg))
		return NULL;
	return n;
}

/* ds:X509Data/ds:X509IssuerSerial of cert under p. */
static int issuer_serial(xmlNodePtr p, X509 *cert)
{
	xmlNsPtr ds = xmlNewNs(p, XC TDK_NS_DSIG, XC "ds");
	BIO *b = BIO_new(BIO_s_mem());
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *dec = bn ? BN_bn2dec(bn) : NULL, *name = NULL;
	xmlNodePtr is;
	long len;
	int ok = 0;

	if (!ds || !b || !dec || X509_NAME_print_ex(b, X509_get_issuer_name(cert), 0, XN_FLAG_RFC2253) < 0 ||
	    BIO_write(b, "", 1) != 1 || (len = BIO_get_mem_data(b, &name)) <= 0)
		goto out;
	ok = (is = child(child(p, ds, "X509Data", NULL, NULL), ds, "X509IssuerSerial", NULL, NULL)) &&
	     child(is, ds, "X509IssuerName", NULL, name) && child(is, ds, "X509SerialNumber", NULL, dec);
out:
	OPENSSL_free(dec);
	BN_free(bn);
	BIO_free(b);
	return ok ? 0 : -1;
}

/* Base64 of n bytes; malloc'd. */
static char *b64(const unsigned char *p, size_t n)
{
	char *s = malloc((n + 2) / 3 * 4 + 1);

	if (s)
		EVP_EncodeBlock((unsigned char *)s, p, (int)n);
	return s;
}

/* The xenc:EncryptedKey for cert holding ek (eklen), first in sec; NULL when memory ran out. */
static xmlNodePtr encrypted_key(xmlNodePtr sec, X509 *cert, const unsigned char *ek, size_t eklen, const char *id)
{
	xmlNodePtr k = xmlNewDocNode(sec->doc, NULL, XC "EncryptedKey", NULL), m, str;
	xmlNsPtr xenc = k ? xmlNewNs(k, XC WSS_NS_XENC, XC "xenc") : NULL, x11, ds;
	char *v = b64(ek, eklen);
	int ok;

	if (!xenc || !v || !xmlSetProp(k, XC "Id", XC id))
		goto fail;
	xmlSetNs(k, xenc);
	ok = (m = child(k, xenc, "EncryptionMethod", WSS_ALG_RSA_OAEP, NULL)) &&
	     (ds = xmlNewNs(m, XC TDK_NS_DSIG, XC "ds")) && child(m, ds, "DigestMethod", WSS_ALG_SHA256, NULL) &&
	     (x11 = xmlNewNs(m, XC WSS_NS_XENC11, XC "xenc11")) && child(m, x11, "MGF", WSS_ALG_MGF1_SHA256, NULL) &&
	     (ds = xmlNewNs(k, XC TDK_NS_DSIG, XC "ds")) &&
	     (str = child(child(k, ds, "KeyInfo", NULL, NULL), sec->ns, "SecurityTokenReference", NULL, NULL)) &&
	     !issuer_serial(str, cert) && child(child(k, xenc, "CipherData", NULL, NULL), xenc, "CipherValue", NULL, v) &&
	     child(k, xenc, "ReferenceList", NULL, NULL);
	free(v);
	if (ok && (sec->children ? xmlAddPrevSibling(sec->children, k) : xmlAddChild(sec, k)))
		return k;
	xmlFreeNode(k);
	return NULL;
fail:
	free(v);
	xmlFreeNode(k);
	return NULL;
}

/* The xenc:EncryptedData for attachment a (its original type) after prev; NULL when memory ran out. */
static xmlNodePtr encrypted_data(xmlNodePtr prev, xmlNodePtr ek, const struct tdk_wss_attachment *a,
				 const char *ek_id)
{
	xmlNodePtr e = xmlNewDocNode(prev->doc, NULL, XC "EncryptedData", NULL), str, ref, cr;
	xmlNsPtr xenc = e ? xmlNewNs(e, XC WSS_NS_XENC, XC "xenc") : NULL, ds, w11;
	struct tdk_buf u = TDK_BUF_INIT(4096), h = TDK_BUF_INIT(300);
	char id[64];
	int ok;

	tdk_sign_new_id(id, sizeof(id), "ED-");
	ok = xenc && tdk_wss_cid_uri(&u, a->cid) == 0 && tdk_buf_addf(&h, "#%s", id) == 0;
	if (ok) {
		xmlSetNs(e, xenc);
		ok = xmlSetProp(e, XC "Id", XC id) && xmlSetProp(e, XC "MimeType", XC(a->type ? a->type : "")) &&
		     xmlSetProp(e, XC "Type", XC WSS_SWA_CONTENT_ONLY) &&
		     child(e, xenc, "EncryptionMethod", WSS_ALG_AES128_GCM, NULL) &&
		     (ds = xmlNewNs(e, XC TDK_NS_DSIG, XC "ds")) &&
		     (str = child(child(e, ds, "KeyInfo", NULL, NULL), prev->parent->ns, "SecurityTokenReference", NULL,
				  NULL)) &&
		     (w11 = xmlNewNs(str, XC WSS_NS_WSSE11, XC "wsse11")) &&
		     xmlSetNsProp(str, w11, XC "TokenType", XC WSS_ENCKEY_TOKEN) &&
		     (ref = child(str, prev->parent->ns, "Reference", NULL, NULL)) &&
		     xmlSetProp(ref, XC "URI", XC ek_id) &&
		     (cr = child(child(e, xenc, "CipherData", NULL, NULL), xenc, "CipherReference", NULL, NULL)) &&
		     xmlSetProp(cr, XC "URI", XC u.data) &&
		     child(child(cr, xenc, "Transforms", NULL, NULL), ds, "Transform", WSS_ALG_SWA_CIPHER, NULL) &&
		     (ref = child(tdk_node_child(ek, "ReferenceList", WSS_NS_XENC), NULL, "DataReference", NULL, NULL)) &&
		     xmlSetProp(ref, XC "URI", XC h.data) && xmlAddNextSibling(prev, e);
	}
	tdk_buf_release(&u);
	tdk_buf_release(&h);
	if (!ok) {
		xmlFreeNode(e);
		return NULL;
	}
	return e;
}

/* Replaces a's bytes (and type) with p (owned from now) and type t (static, or owned when owned_t). */
static void replace(struct tdk_wss_attachment *a, unsigned char *p, size_t len, const char *t, char *owned_t)
{
	free(a->owned);
	a->owned = p;
	a->data = p;
	a->len = len;
	free(a->owned_type);
	a->owned_type = owned_t;
	a->type = owned_t ? owned_t : t;
}

int tdk_wss_encrypt(xmlDocPtr doc, void *partner, struct tdk_wss_attachment *a, size_t n, struct tdk_diag *d)
{
	EVP_PKEY *pk = partner ? X509_get0_pubkey(partner) : NULL;
	unsigned char key[KEY_LEN], ek[1024], *ct;
	size_t eklen = sizeof(ek), ctlen, i;
	char ek_id[64], ref[70];
	xmlNodePtr sec, k, prev;
	int r = TDK_EXIT_INTERNAL;

	if (tdk_wss_lib_init())
		return r;
	if (!pk || EVP_PKEY_base_id(pk) != EVP_PKEY_RSA) {
		tdk_wss_err(d, NULL, "WSS-ENCRYPT", "the partner's certificate has no RSA key: the AS4 profile 1.x "
			    "transports the key with RSA-OAEP");
		return TDK_EXIT_NEGATIVE;
	}
	if (n > TDK_WSS_MAX_ATTACHMENTS || !n) {
		tdk_wss_err(d, NULL, n ? "WSS-LIMIT" : "WSS-ENCRYPT", "%zu attachments to encrypt (1 to %d)", n,
			    TDK_WSS_MAX_ATTACHMENTS);
		return TDK_EXIT_NEGATIVE;
	}
	if (!(sec = tdk_wss_security(doc, 1))) {
		tdk_wss_err(d, xmlDocGetRootElement(doc), "WSS-ENCRYPT", "not a SOAP envelope");
		return TDK_EXIT_NEGATIVE;
	}
	tdk_sign_new_id(ek_id, sizeof(ek_id), "EK-");
	snprintf(ref, sizeof(ref), "#%s", ek_id);
	if (RAND_bytes(key, KEY_LEN) != 1 || oaep(pk, 1, key, KEY_LEN, ek, &eklen) < 0 ||
	    !(k = prev = encrypted_key(sec, partner, ek, eklen, ek_id)))
		goto out;
	for (i = 0; i < n; i++) {
		if (!(prev = encrypted_data(prev, k, &a[i], ref)) || gcm(1, key, a[i].data, a[i].len, &ct, &ctlen) < 0)
			goto out;
		replace(&a[i], ct, ctlen, "application/octet-stream", NULL);
	}
	r = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

/* Whether n's Algorithm is alg; reports WSS-ALGORITHM when not. */
static int alg_is(const xmlNode *n, const char *what, const char *alg, struct tdk_diag *d)
{
	char *a = n ? (char *)xmlGetProp(n, XC "Algorithm") : NULL;
	int ok = a && !strcmp(a, alg);

	if (!ok)
		tdk_wss_err(d, n, "WSS-ALGORITHM", "%s '%s' is not the AS4 profile's ('%s')", what, a ? a : "(none)", alg);
	xmlFree(a);
	return ok;
}

/* The session key of the EncryptedKey k, decrypted with s's key into key; 0, or an exit code after reporting. */
static int session_key(const xmlNode *k, const struct tdk_signer *s, unsigned char *key, struct tdk_diag *d)
{
	xmlNodePtr m = tdk_node_child(k, "EncryptionMethod", WSS_NS_XENC);
	char *v = tdk_node_b64(tdk_node_child(tdk_node_child(k, "CipherData", WSS_NS_XENC), "CipherValue", WSS_NS_XENC));
	unsigned char ek[1024], out[512];
	size_t vl = v ? strlen(v) : 0, outlen = sizeof(out);
	int n, r = TDK_EXIT_NEGATIVE;

	if (!alg_is(m, "key transport", WSS_ALG_RSA_OAEP, d) ||
	    !alg_is(tdk_node_child(m, "DigestMethod", TDK_NS_DSIG), "OAEP digest", WSS_ALG_SHA256, d) ||
	    !alg_is(tdk_node_child(m, "MGF", WSS_NS_XENC11), "OAEP mask generation", WSS_ALG_MGF1_SHA256, d))
		goto out;
	if (!v || vl > 4 * sizeof(ek) / 3 || (n = EVP_DecodeBlock(ek, (unsigned char *)v, (int)vl)) < 0) {
		tdk_wss_err(d, k, "WSS-DECRYPT", "the EncryptedKey's CipherValue is not base64");
		goto out;
	}
	n -= (vl > 0 && v[vl - 1] == '=') + (vl > 1 && v[vl - 2] == '=');
	if (!s || !s->pkey || EVP_PKEY_base_id(s->pkey) != EVP_PKEY_RSA ||
	    oaep(s->pkey, 0, ek, (size_t)n, out, &outlen) < 0 || outlen != KEY_LEN) {
		tdk_wss_err(d, k, "WSS-DECRYPT", "the session key does not decrypt with this key: the message is not "
			    "encrypted for it");
		goto out;
	}
	memcpy(key, out, KEY_LEN);
	r = 0;
out:
	OPENSSL_cleanse(out, sizeof(out));
	free(v);
	return r;
}

/* The EncryptedData of sec whose Id is uri without its '#', or NULL. */
static xmlNodePtr data_by_id(const xmlNode *sec, const char *uri)
{
	xmlNodePtr e;
	char *id;
	int yes;

	for (e = sec->children; e && uri && uri[0] == '#'; e = e->next) {
		if (!tdk_node_is(e, "EncryptedData", WSS_NS_XENC))
			continue;
		id = (char *)xmlGetProp(e, XC "Id");
		yes = id && !strcmp(id, uri + 1);
		xmlFree(id);
		if (yes)
			return e;
	}
	return NULL;
}

/* Decrypts the attachment the EncryptedData e names with key; 0, or an exit code after reporting. */
static int decrypt_one(const xmlNode *e, const unsigned char *key, struct tdk_wss_attachment *a, size_t n,
		       struct tdk_diag *d)
{
	xmlNodePtr cr = tdk_node_child(tdk_node_child(e, "CipherData", WSS_NS_XENC), "CipherReference", WSS_NS_XENC);
	char *uri = cr ? (char *)xmlGetProp(cr, XC "URI") : NULL, *mt = (char *)xmlGetProp(e, XC "MimeType");
	const struct tdk_wss_attachment *f;
	unsigned char *pt;
	size_t ptlen;
	int r = TDK_EXIT_NEGATIVE;

	if (!alg_is(tdk_node_child(e, "EncryptionMethod", WSS_NS_XENC), "content encryption", WSS_ALG_AES128_GCM, d))
		goto out;
	if (!(f = tdk_wss_find(a, n, uri))) {
		tdk_wss_err(d, e, "WSS-NEEDS-ATTACHMENT", "the EncryptedData names '%s', no attachment given",
			    uri ? uri : "(no CipherReference)");
		goto out;
	}
	if (gcm(0, key, f->data, f->len, &pt, &ptlen) < 0) {
		tdk_wss_err(d, e, "WSS-DECRYPT", "the attachment '%s' does not decrypt: its ciphertext or tag was changed "
			    "or it was not encrypted with this message's key", uri);
		goto out;
	}
	r = TDK_EXIT_INTERNAL;
	if (mt && mt[0]) {
		char *t = strdup(mt);

		if (!t) {
			free(pt);
			goto out;
		}
		replace(&a[f - a], pt, ptlen, NULL, t);
	} else {
		/* No MimeType: the type stays what the caller gave. */
		free(a[f - a].owned);
		a[f - a].owned = pt;
		a[f - a].data = pt;
		a[f - a].len = ptlen;
	}
	r = 0;
out:
	xmlFree(mt);
	xmlFree(uri);
	return r;
}

int tdk_wss_decrypt(xmlDocPtr doc, const struct tdk_signer *s, struct tdk_wss_attachment *a, size_t n,
		    struct tdk_diag *d)
{
	xmlNodePtr sec = tdk_wss_security(doc, 0), k, ref, e;
	unsigned char key[KEY_LEN];
	int r;

	if (!(k = tdk_node_child(sec, "EncryptedKey", WSS_NS_XENC)))
		return 0;
	if ((r = session_key(k, s, key, d)))
		return r;
	for (ref = tdk_node_child(tdk_node_child(k, "ReferenceList", WSS_NS_XENC), "DataReference", WSS_NS_XENC);
	     ref && !r; ref = ref->next) {
		char *uri;

		if (!tdk_node_is(ref, "DataReference", WSS_NS_XENC))
			continue;
		uri = (char *)xmlGetProp(ref, XC "URI");
		if (!(e = data_by_id(sec, uri))) {
			tdk_wss_err(d, ref, "WSS-DECRYPT", "the DataReference '%s' names no EncryptedData of the header",
				    uri ? uri : "(none)");
			r = TDK_EXIT_NEGATIVE;
		} else {
			r = decrypt_one(e, key, a, n, d);
		}
		xmlFree(uri);
	}
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}
