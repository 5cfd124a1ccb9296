/*
 * libFuzzer target: arbitrary bytes as a CAdES signature (META-INF/...p7s)
 * and as an RFC 3161 time-stamp token (META-INF/...tst), the CMS parsers of
 * ASiC verification.  Each must end in diagnostics, never a crash or a
 * leak.  The bytes are checked over fixed content, cryptography only (no
 * anchors), and once more against an anchor store that trusts nothing, so
 * the chain and attribute code runs on what parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "sign/cms.h"
#include "sign/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const unsigned char content[] = "invoice 42\n";
	struct tdk_sig_report rep[4];
	struct tdk_trust t;
	struct tdk_diag d;
	X509_STORE *store;
	size_t i;

	if (!ready) {
		if (tdk_sign_lib_init())
			abort();
		ready = 1;
	}
	memset(rep, 0, sizeof(rep));
	memset(&t, 0, sizeof(t));
	tdk_diag_init(&d, "META-INF/signature.p7s");
	t.insecure = 1;
	tdk_cades_verify(data, size, content, sizeof(content) - 1, &t, &rep[0], &d);
	tdk_timestamp_verify(data, size, content, sizeof(content) - 1, &t, &rep[1], &d);
	store = X509_STORE_new();
	if (store) {
		t.insecure = 0;
		t.store = store;
		tdk_cades_verify(data, size, content, sizeof(content) - 1, &t, &rep[2], &d);
		tdk_timestamp_verify(data, size, content, sizeof(content) - 1, &t, &rep[3], &d);
		X509_STORE_free(store);
	}
	for (i = 0; i < 4; i++) {
		free(rep[i].signer);
		free(rep[i].signing_time);
		free(rep[i].algorithm);
	}
	return 0;
}
