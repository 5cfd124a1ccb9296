/*
 * libFuzzer target: arbitrary bytes as a received AS2 body (lib/net/as2.h),
 * once as a MIME entity with its headers and once as the body of an
 * application/pkcs7-mime, read with a key pair made at start-up as ours and
 * the partner's (so the decryption, decompression and signature paths run
 * on whatever parses).  Each must end in diagnostics, never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "net/as2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static X509 *self_signed(EVP_PKEY *k)
{
	X509 *x = X509_new();

	if (!x)
		abort();
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static EVP_PKEY *key;
	static X509 *cert;
	struct tdk_as2_recv r;
	struct tdk_as2_in in;
	struct tdk_diag d;

	if (!key) {
		if (!(key = EVP_RSA_gen(2048)))
			abort();
		cert = self_signed(key);
	}
	r.key = key;
	r.cert = cert;
	r.partner = cert;
	r.require_signed = 0;
	r.require_encrypted = 0;
	r.mic_alg = NULL;
	tdk_diag_init(&d, "fuzz");
	tdk_as2_read(&r, NULL, data, size, &in, &d);
	tdk_as2_in_release(&in);
	tdk_as2_read(&r, "application/pkcs7-mime; smime-type=enveloped-data", data, size, &in, &d);
	tdk_as2_in_release(&in);
	return 0;
}
