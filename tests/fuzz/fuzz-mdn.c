/*
 * libFuzzer target: arbitrary bytes as an AS2 MDN (lib/net/as2.h,
 * tdk_as2_mdn_read), as an entity with its headers and as the body of a
 * multipart/report, checked against a certificate made at start-up, a
 * Message-ID and a MIC.  Each must end in diagnostics, never a crash or a
 * leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "net/as2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static EVP_PKEY *key;
	static X509 *cert;
	struct tdk_as2_mdn_check c;
	struct tdk_as2_mdn_result res;
	struct tdk_diag d;

	if (!key) {
		if (!(key = EVP_RSA_gen(2048)) || !(cert = X509_new()))
			abort();
		X509_gmtime_adj(X509_getm_notBefore(cert), -60);
		X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
		X509_set_pubkey(cert, key);
		X509_sign(cert, key, EVP_sha256());
	}
	c.partner = cert;
	c.require_signed = 1;
	c.message_id = "<m1@tdk>";
	c.mic = "q83vEjRWeJA=, sha-256";
	tdk_diag_init(&d, "fuzz");
	tdk_as2_mdn_read(&c, NULL, data, size, &res, &d);
	tdk_as2_mdn_result_release(&res);
	tdk_as2_mdn_read(&c, "multipart/report; report-type=disposition-notification; boundary=b", data, size, &res, &d);
	tdk_as2_mdn_result_release(&res);
	return 0;
}
