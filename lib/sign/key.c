/*
 * Keys and certificates with OpenSSL: the signer's private key (PEM, PKCS#8,
 * PKCS#12) with its certificate and chain, and the trust anchors a verifier
 * names explicitly.  Passphrases pass through a stack buffer that is wiped
 * with OPENSSL_cleanse as soon as the key is decrypted.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/openssl/crypto.h>

#include "sign/sign-int.h"
#include "util/exitcode.h"
#include "util/io.h"

#define KEY_FILE_MAX (1 << 20)
#define CERT_FILE_MAX (16 << 20)   /* a --ca or --untrusted bundle */

int tdk_node_is(const xmlNode *n, const char *name, const char *ns)
{
	return n && n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, TDK_XC name) &&
	       ((!ns && !n->ns) || (ns && n->ns && !xmlStrcmp(n->ns->href, TDK_XC ns)));
}

xmlNodePtr tdk_node_child(const xmlNode *n, const char *name, const char *ns)
{
	xmlNodePtr c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (tdk_node_is(c, name, ns))
			return c;
	return NULL;
}

xmlNodePtr tdk_node_next(xmlNodePtr n)
{
	if (n->type == XML_ELEMENT_NODE && n->children)
		return n->children;
	while (n && !n->next)
		n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
	return n ? n->next : NULL;
}

char *tdk_node_b64(const xmlNode *n)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	char *o = v ? malloc((size_t)xmlStrlen(v) + 1) : NULL, *p = o;
	const xmlChar *s;

	for (s = v; o && *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
			*p++ = (char)*s;
	if (o)
		*p = '\0';
	xmlFree(v);
	return o;
}

static const EVP_MD *md_of_uri(const char *uri)
{
	if (!uri || !strcmp(uri, "http://www.w3.org/2001/04/xmlenc#sha256"))
		return EVP_sha256();
	if (!strcmp(uri, "http://www.w3.org/2000/09/xmldsig#sha1"))
		return EVP_sha1();
	if (!strcmp(uri, "http://www.w3.org/2001/04/xmldsig-more#sha224"))
		return EVP_sha224();
	if (!strcmp(uri, "http://www.w3.org/2001/04/xmldsig-more#sha384"))
		return EVP_sha384();
	if (!strcmp(uri, "http://www.w3.org/2001/04/xmlenc#sha512"))
		return EVP_sha512();
	return NULL;
}

char *tdk_cert_digest_b64(void *x509, const char *uri)
{
	const EVP_MD *md = md_of_uri(uri);
	unsigned char *der = NULL, dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char *b64 = NULL;
	int n;

	if (!md)
		return NULL;
	n = i2d_X509(x509, &der);
	if (n <= 0)
		return NULL;
	if (EVP_Digest(der, (size_t)n, dig, &dlen, md, NULL) == 1) {
		b64 = malloc(((dlen + 2) / 3) * 4 + 1);
		if (b64)
			EVP_EncodeBlock((unsigned char *)b64, dig, (int)dlen);
	}
	OPENSSL_free(der);
	return b64;
}

struct pass_ctx {
	tdk_passphrase_fn *fn;
	void *arg;
	const char *name;
	int asked;
};

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *p = u;
	int n;

	(void)rwflag;
	if (!p->fn || size <= 1)
		return -1;
	n = p->fn(p->arg, p->name, buf, (size_t)size);
	if (n < 0)
		return -1;
	p->asked = 1;
	return n;
}

/* Loads every certificate of a PEM bundle, or one DER certificate, into sk. */
static int load_certs(const char *buf, size_t len, STACK_OF(X509) *sk)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	X509 *x;
	int n = 0;

	if (!bio)
		return -1;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
		n++;
	}
	ERR_clear_error();
	if (!n) {
		const unsigned char *p = (const unsigned char *)buf;

		x = d2i_X509(NULL, &p, (long)len);
		if (x) {
			if (sk_X509_push(sk, x))
				n++;
			else
				X509_free(x);
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	return n;
}

static int is_p12(const char *buf, size_t len, PKCS12 **out)
{
	const unsigned char *p = (const unsigned char *)buf;

	*out = d2i_PKCS12(NULL, &p, (long)len);
	ERR_clear_error();
	return *out != NULL;
}

#define signer_fail(d, code, fmt, a) tdk_diag_add((d), TDK_SEV_ERROR, (code), NULL, fmt, (a))

int tdk_signer_load(struct tdk_signer *s, const char *key_path, const char *cert_path,
		    tdk_passphrase_fn *pass, void *pass_arg, time_t now, struct tdk_diag *d)
{
	struct tdk_buf kb = TDK_BUF_INIT(KEY_FILE_MAX), cb = TDK_BUF_INIT(KEY_FILE_MAX);
	struct pass_ctx pc = { pass, pass_arg, key_path, 0 };
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	PKCS12 *p12 = NULL;
	xmlSecKeyPtr key = NULL;
	xmlSecKeyDataPtr kd = NULL;
	char pw[1024];
	int r = TDK_EXIT_TRUST, ku, i;

	memset(s, 0, sizeof(*s));
	if (!chain) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (tdk_read_all(key_path, KEY_FILE_MAX, &kb) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-KEY-READ", NULL, "cannot read key '%s': %s", key_path,
			     strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	if (is_p12(kb.data, kb.len, &p12)) {
		STACK_OF(X509) *ca = NULL;
		int n = -1;

		/* A PKCS#12 without a password MACs with "" or with none at all. */
		if (PKCS12_verify_mac(p12, "", 0) == 1)
			n = 0, pw[0] = '\0';
		else if (PKCS12_verify_mac(p12, NULL, 0) == 1)
			n = -2;
		else if (pass)
			n = pass(pass_arg, key_path, pw, sizeof(pw)), pc.asked = 1;
		ERR_clear_error();
		if (n == -1) {
			signer_fail(d, "SIGN-KEY-PASSPHRASE", "cannot read key '%s': a passphrase is needed "
				    "(--passphrase-file, --passphrase-fd, TDK_PASSPHRASE or a terminal)", key_path);
			goto out;
		}
		if (n >= 0 && PKCS12_verify_mac(p12, pw, n) != 1) {
			OPENSSL_cleanse(pw, sizeof(pw));
			signer_fail(d, "SIGN-KEY-PASSPHRASE", "cannot read key '%s': wrong passphrase", key_path);
			goto out;
		}
		i = PKCS12_parse(p12, n == -2 ? NULL : pw, &pkey, &cert, &ca);
		OPENSSL_cleanse(pw, sizeof(pw));
		if (i != 1 || !pkey) {
			signer_fail(d, "SIGN-KEY-FORMAT", "cannot read key '%s': the PKCS#12 file holds no "
				    "usable private key", key_path);
			sk_X509_pop_free(ca, X509_free);
			goto out;
		}
		while (ca && sk_X509_num(ca) > 0)
			sk_X509_push(chain, sk_X509_shift(ca));
		sk_X509_free(ca);
	} else {
		BIO *bio = BIO_new_mem_buf(kb.data, (int)kb.len);

		if (!bio) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		pkey = PEM_read_bio_PrivateKey(bio, NULL, pem_pass_cb, &pc);
		if (!pkey) {
			(void)BIO_reset(bio);
			pkey = d2i_PKCS8PrivateKey_bio(bio, NULL, pem_pass_cb, &pc);
		}
		if (!pkey) {
			const unsigned char *p = (const unsigned char *)kb.data;

			pkey = d2i_AutoPrivateKey(NULL, &p, (long)kb.len);
		}
		BIO_free(bio);
		ERR_clear_error();
		if (!pkey) {
			if (strstr(kb.data, "ENCRYPTED") || pc.asked)
				signer_fail(d, "SIGN-KEY-PASSPHRASE", pc.asked ?
					    "cannot read key '%s': wrong passphrase" :
					    "cannot read key '%s': a passphrase is needed (--passphrase-file, "
					    "--passphrase-fd, TDK_PASSPHRASE or a terminal)", key_path);
			else
				signer_fail(d, "SIGN-KEY-FORMAT", "cannot read key '%s': not a PEM, PKCS#8 or "
					    "PKCS#12 private key", key_path);
			goto out;
		}
		/* A PEM key file may carry the certificate and its chain too. */
		load_certs(kb.data, kb.len, chain);
		if (sk_X509_num(chain) > 0 && !cert_path)
			cert = sk_X509_shift(chain);
	}
	if (cert_path) {
		STACK_OF(X509) *cs = sk_X509_new_null();

		if (!cs || tdk_read_all(cert_path, KEY_FILE_MAX, &cb) < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-CERT-READ", NULL, "cannot read certificate "
				     "'%s': %s", cert_path, strerror(errno));
			sk_X509_free(cs);
			r = TDK_EXIT_IO;
			goto out;
		}
		if (load_certs(cb.data, cb.len, cs) <= 0) {
			signer_fail(d, "SIGN-CERT-FORMAT", "cannot read certificate '%s': not a PEM or DER "
				    "X.509 certificate", cert_path);
			sk_X509_free(cs);
			goto out;
		}
		X509_free(cert);
		cert = sk_X509_shift(cs);
		while (sk_X509_num(cs) > 0)
			sk_X509_push(chain, sk_X509_shift(cs));
		sk_X509_free(cs);
	}
	if (!cert) {
		signer_fail(d, "SIGN-CERT-MISSING", "no certificate for key '%s': give --cert or a "
			    "PKCS#12 file", key_path);
		goto out;
	}
	if (X509_check_private_key(cert, pkey) != 1) {
		ERR_clear_error();
		signer_fail(d, "SIGN-KEY-MISMATCH", "the key in '%s' does not match the certificate",
			    key_path);
		goto out;
	}
	if (X509_cmp_time(X509_get0_notAfter(cert), &now) < 0) {
		signer_fail(d, "SIGN-CERT-EXPIRED", "the signer certificate of '%s' has expired", key_path);
		goto out;
	}
	if (X509_cmp_time(X509_get0_notBefore(cert), &now) > 0) {
		signer_fail(d, "SIGN-CERT-NOT-YET-VALID", "the signer certificate of '%s' is not valid yet",
			    key_path);
		goto out;
	}
	ku = (int)X509_get_key_usage(cert);
	if (ku != -1 && (X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
	    !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		signer_fail(d, "SIGN-CERT-USAGE", "the signer certificate of '%s' does not allow digital "
			    "signatures (key usage)", key_path);
		goto out;
	}
	switch (EVP_PKEY_base_id(pkey)) {
	case EVP_PKEY_RSA:
		break;
	case EVP_PKEY_EC:
		s->ec = 1;
		break;
	default:
		signer_fail(d, "SIGN-KEY-UNSUPPORTED", "the key in '%s' is neither RSA nor EC; "
			    "libxmlsec1 on this system cannot sign with it", key_path);
		goto out;
	}
	/* The key as libxmlsec1 wants it, with the certificates for KeyInfo. */
	EVP_PKEY_up_ref(pkey);
	kd = xmlSecOpenSSLEvpKeyAdopt(pkey);
	if (!kd) {
		EVP_PKEY_free(pkey);
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	key = xmlSecKeyCreate();
	if (!key || xmlSecKeySetValue(key, kd) < 0) {
		xmlSecKeyDataDestroy(kd);
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	kd = xmlSecKeyEnsureData(key, xmlSecOpenSSLKeyDataX509Id);
	if (!kd) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	{
		X509 *a = X509_dup(cert), *b = X509_dup(cert);

		if (!a || !b || xmlSecOpenSSLKeyDataX509AdoptKeyCert(kd, a) < 0) {
			X509_free(a);
			X509_free(b);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		if (xmlSecOpenSSLKeyDataX509AdoptCert(kd, b) < 0) {
			X509_free(b);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
	}
	for (i = 0; i < sk_X509_num(chain); i++) {
		X509 *c = X509_dup(sk_X509_value(chain, i));

		/* A self-signed root adds nothing a verifier can use. */
		if (!c || X509_check_issued(c, c) == X509_V_OK) {
			X509_free(c);
			continue;
		}
		if (xmlSecOpenSSLKeyDataX509AdoptCert(kd, c) < 0) {
			X509_free(c);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
	}
	s->pkey = pkey;
	s->cert = cert;
	s->chain = chain;
	s->xkey = key;
	pkey = NULL;
	cert = NULL;
	chain = NULL;
	key = NULL;
	r = 0;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	if (key)
		xmlSecKeyDestroy(key);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	PKCS12_free(p12);
	/* The key file may hold an unencrypted key: do not leave it in freed memory. */
	if (kb.data)
		OPENSSL_cleanse(kb.data, kb.len);
	tdk_buf_release(&kb);
	tdk_buf_release(&cb);
	ERR_clear_error();
	return r;
}

void tdk_signer_release(struct tdk_signer *s)
{
	if (s->xkey)
		xmlSecKeyDestroy(s->xkey);
	EVP_PKEY_free(s->pkey);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	memset(s, 0, sizeof(*s));
}

static int load_cert_file(const char *path, STACK_OF(X509) *sk, const char *what, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(CERT_FILE_MAX);
	int r = 0;

	if (tdk_read_all(path, CERT_FILE_MAX, &b) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TRUST-READ", NULL, "cannot read %s '%s': %s", what,
			     path, strerror(errno));
		r = TDK_EXIT_TRUST;
	} else if (load_certs(b.data, b.len, sk) <= 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TRUST-FORMAT", NULL, "%s '%s' holds no PEM or DER "
			     "X.509 certificate", what, path);
		r = TDK_EXIT_TRUST;
	}
	tdk_buf_release(&b);
	return r;
}

/*
 * The keys manager libxmlsec1 looks certificates up in: KeyInfo may name the
 * certificate instead of carrying it (X509SubjectName, X509IssuerSerial,
 * X509SKI), and libxmlsec1 finds it among the ones the user gave.  Which of
 * them is trusted is decided by the chain check, not by this store.  Made
 * once per trust: setting one up reads the system's certificate folder.
 */
static int make_mngr(struct tdk_trust *t)
{
	xmlSecKeysMngrPtr mngr = xmlSecKeysMngrCreate();
	xmlSecKeyDataStorePtr st;
	STACK_OF(X509) *u = t->untrusted;
	int k;

	if (!mngr || xmlSecCryptoAppDefaultKeysMngrInit(mngr) < 0) {
		if (mngr)
			xmlSecKeysMngrDestroy(mngr);
		return TDK_EXIT_INTERNAL;
	}
	t->mngr = mngr;
	st = xmlSecKeysMngrGetDataStore(mngr, xmlSecOpenSSLX509StoreId);
	for (k = 0; st && u && k < sk_X509_num(u); k++) {
		X509 *c = X509_dup(sk_X509_value(u, k));

		if (c && xmlSecOpenSSLX509StoreAdoptCert(st, c, 0) < 0)
			X509_free(c);
	}
	if (st && t->store) {
		STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(t->store);

		for (k = 0; objs && k < sk_X509_OBJECT_num(objs); k++) {
			X509 *c = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, k));

			if (c && (c = X509_dup(c)) != NULL && xmlSecOpenSSLX509StoreAdoptCert(st, c, 0) < 0)
				X509_free(c);
		}
	}
	return 0;
}

/*
 * A folder of certificates: every regular file (not a hidden one, at most
 * DIR_CERT_MAX bytes) that holds a PEM or DER certificate, in name order so
 * that a run is repeatable.  Other files (keys, CRLs, documents) are skipped.
 */
#define DIR_CERT_MAX ((size_t)1 << 20)
#define DIR_FILES_MAX 10000

static int load_cert_dir(const char *dir, STACK_OF(X509) *sk, struct tdk_diag *d)
{
	struct dirent **names = NULL;
	int n, i, r = 0, found = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TRUST-READ", NULL, "cannot read the certificate "
			     "folder '%s': %s", dir, strerror(errno));
		return TDK_EXIT_TRUST;
	}
	if (n > DIR_FILES_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TRUST-READ", NULL, "the certificate folder '%s' "
			     "holds more than %d files", dir, DIR_FILES_MAX);
		r = TDK_EXIT_TRUST;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct tdk_buf b = TDK_BUF_INIT(DIR_CERT_MAX);
		char path[4096];
		struct stat st;
		int k;

		if (names[i]->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > DIR_CERT_MAX)
			continue;
		if (tdk_read_all(path, DIR_CERT_MAX, &b) == 0 && (k = load_certs(b.data, b.len, sk)) > 0)
			found += k;
		tdk_buf_release(&b);
	}
	if (!found) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TRUST-FORMAT", NULL, "the folder '%s' holds no PEM "
			     "or DER X.509 certificate", dir);
		r = TDK_EXIT_TRUST;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

int tdk_trust_load(struct tdk_trust *t, struct tdk_diag *d)
{
	STACK_OF(X509) *sk = NULL;
	size_t k;
	int r = 0, i;

	t->store = NULL;
	t->untrusted = sk_X509_new_null();
	t->pinned = NULL;
	t->mngr = NULL;
	if (!t->untrusted)
		return TDK_EXIT_INTERNAL;
	if (!t->nca && !t->ncert && !t->hmac_key_file && !t->insecure) {
		tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-TRUST-NONE", NULL, "no trust anchor: give --ca or "
			     "--cert (or --insecure to check the cryptography only)");
		return TDK_EXIT_TRUST;
	}
	if (t->nca) {
		X509_STORE *st = X509_STORE_new();

		sk = sk_X509_new_null();
		if (!st || !sk) {
			X509_STORE_free(st);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		t->store = st;
		for (k = 0; k < t->nca; k++)
			if ((r = load_cert_file(t->ca_files[k], sk, "trust anchors", d)))
				goto out;
		for (i = 0; i < sk_X509_num(sk); i++)
			X509_STORE_add_cert(st, sk_X509_value(sk, i));
	}
	for (k = 0; k < t->nuntrusted; k++)
		if ((r = load_cert_file(t->untrusted_files[k], t->untrusted, "intermediate certificates", d)))
			goto out;
	for (k = 0; k < t->ndirs; k++)
		if ((r = load_cert_dir(t->cert_dirs[k], t->untrusted, d)))
			goto out;
	if (t->ncert) {
		STACK_OF(X509) *p = sk_X509_new_null();

		if (!p) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		t->pinned = p;
		for (k = 0; k < t->ncert; k++) {
			STACK_OF(X509) *one = sk_X509_new_null();

			if (!one) {
				r = TDK_EXIT_INTERNAL;
				goto out;
			}
			/* The first certificate of each file is the pinned one. */
			r = load_cert_file(t->cert_files[k], one, "signer certificate", d);
			if (!r && !sk_X509_push(p, sk_X509_shift(one)))
				r = TDK_EXIT_INTERNAL;
			sk_X509_pop_free(one, X509_free);
			if (r)
				goto out;
		}
	}
	r = make_mngr(t);
out:
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return r;
}

void tdk_trust_release(struct tdk_trust *t)
{
	if (t->mngr)
		xmlSecKeysMngrDestroy(t->mngr);
	t->mngr = NULL;
	X509_STORE_free(t->store);
	sk_X509_pop_free(t->untrusted, X509_free);
	sk_X509_pop_free(t->pinned, X509_free);
	t->store = t->untrusted = t->pinned = NULL;
}
