/*
 * libFuzzer target: arbitrary bytes as an AS4 message received by tdk
 * serve, read (lib/net/as4.h tdk_as4_read, as a whole MIME entity and as
 * the body of a multipart/related Content-Type) and, when read clean,
 * opened as its receiver (tdk_as4_open: decrypted with our key, the
 * signature verified against the sender's certificate with its coverage,
 * decompressed within a small bound).  The key pair is made at start-up
 * from fixed numbers (primes found from fixed seeds, fixed validity), so
 * that it is the same in every run without a file in the tree: with
 * TDK_FUZZ_KEYS=DIR the target leaves it there as key.pem and cert.pem,
 * which tests/fuzz/run.sh uses to make seeds that are signed by it and
 * encrypted for it, so that the fuzzer starts past the signature check.
 * Nothing crashes or leaks; a refusal always names an ebMS error code and
 * an error, an opened message has none.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "net/as4.h"
#include "sign/sign.h"
#include "util/exitcode.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tdk_signer signer;
static struct tdk_trust trust;
static const char *pinned[1];
static char cert_path[4200];

/* The 1024-bit prime at or after the number SHA-256 expands label to. */
static BIGNUM *fixed_prime(const char *label, BN_CTX *ctx)
{
	unsigned char buf[128], in[64];
	BIGNUM *p, *e = BN_new(), *g = BN_new(), *pm1 = BN_new();
	size_t i;

	for (i = 0; i < sizeof(buf); i += 32) {
		snprintf((char *)in, sizeof(in), "%s %zu", label, i);
		SHA256(in, strlen((char *)in), buf + i);
	}
	buf[0] |= 0xc0;
	buf[sizeof(buf) - 1] |= 1;
	p = BN_bin2bn(buf, sizeof(buf), NULL);
	BN_set_word(e, 65537);
	for (;;) {
		BN_sub(pm1, p, BN_value_one());
		BN_gcd(g, pm1, e, ctx);
		if (BN_is_one(g) && BN_check_prime(p, ctx, NULL) == 1)
			break;
		BN_add_word(p, 2);
	}
	BN_free(e);
	BN_free(g);
	BN_free(pm1);
	return p;
}

/* The fixed RSA key. */
static EVP_PKEY *fixed_key(void)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = fixed_prime("tdk fuzz-as4-open p", ctx), *q = fixed_prime("tdk fuzz-as4-open q", ctx);
	BIGNUM *n = BN_new(), *e = BN_new(), *d = BN_new(), *phi = BN_new(), *p1 = BN_new(), *q1 = BN_new();
	BIGNUM *dp = BN_new(), *dq = BN_new(), *qi = BN_new();
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *k = NULL;

	BN_set_word(e, 65537);
	BN_mul(n, p, q, ctx);
	BN_sub(p1, p, BN_value_one());
	BN_sub(q1, q, BN_value_one());
	BN_mul(phi, p1, q1, ctx);
	BN_mod_inverse(d, e, phi, ctx);
	BN_mod(dp, d, p1, ctx);
	BN_mod(dq, d, q1, ctx);
	BN_mod_inverse(qi, q, p, ctx);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_D, d);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR1, p);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR2, q);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi);
	params = OSSL_PARAM_BLD_to_param(b);
	if (!params || EVP_PKEY_fromdata_init(pc) <= 0 || EVP_PKEY_fromdata(pc, &k, EVP_PKEY_KEYPAIR, params) <= 0)
		k = NULL;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(pc);
	BN_free(p); BN_free(q); BN_free(n); BN_free(e); BN_free(d); BN_free(phi); BN_free(p1); BN_free(q1);
	BN_free(dp); BN_free(dq); BN_free(qi);
	BN_CTX_free(ctx);
	return k;
}

/* A self-signed certificate of k with fixed fields (signed with PKCS#1 v1.5: the same bytes each time). */
static X509 *fixed_cert(EVP_PKEY *k)
{
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();

	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"tdk fuzz-as4-open", -1, -1, 0);
	X509_set_subject_name(c, n);
	X509_set_issuer_name(c, n);
	ASN1_TIME_set_string(X509_getm_notBefore(c), "20200101000000Z");
	ASN1_TIME_set_string(X509_getm_notAfter(c), "21000101000000Z");
	X509_set_pubkey(c, k);
	X509_sign(c, k, EVP_sha256());
	X509_NAME_free(n);
	return c;
}

static int write_pem(const char *path, EVP_PKEY *k, X509 *c)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = k ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) : PEM_write_X509(f, c);
	return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *keep = getenv("TDK_FUZZ_KEYS");
	char dir[4096], key_path[4200];
	EVP_PKEY *k = fixed_key();
	X509 *c = k ? fixed_cert(k) : NULL;
	struct tdk_diag d;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s", keep ? keep : "/tmp/fuzz-as4-open.XXXXXX");
	if (!c || (keep ? (mkdir(dir, 0700), 0) : !mkdtemp(dir)))
		abort();
	snprintf(key_path, sizeof(key_path), "%s/key.pem", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", dir);
	tdk_diag_init(&d, "fuzz");
	pinned[0] = cert_path;
	trust.cert_files = pinned;
	trust.ncert = 1;
	if (write_pem(key_path, k, NULL) || write_pem(cert_path, NULL, c) || tdk_sign_lib_init() ||
	    tdk_signer_load(&signer, key_path, cert_path, NULL, NULL, time(NULL), &d) || tdk_trust_load(&trust, &d))
		abort();
	if (!keep) {
		unlink(key_path);
		unlink(cert_path);
		rmdir(dir);
	}
	EVP_PKEY_free(k);
	X509_free(c);
	return 0;
}

static void one(const char *ct, const uint8_t *data, size_t size)
{
	struct tdk_ebms_msg hdr;
	struct tdk_as4_msg m;
	struct tdk_diag d;
	int ret;

	tdk_diag_init(&d, "fuzz");
	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	if (tdk_as4_read(ct, (const char *)data, size, "fuzz", &m, &hdr, &d) == TDK_EXIT_OK) {
		ret = tdk_as4_open(&m, &signer, &trust, 1u << 20, &d);
		if (ret == TDK_EXIT_OK && (m.ebms_code || d.errors))
			abort();
		if (ret == TDK_EXIT_NEGATIVE && (!m.ebms_code || !d.errors))
			abort();
	}
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(NULL, data, size);
	one("multipart/related; boundary=\"b\"; type=\"application/soap+xml\"", data, size);
	return 0;
}
