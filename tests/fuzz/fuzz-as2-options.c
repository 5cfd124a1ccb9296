/*
 * libFuzzer target: the part of tdk serve's AS2 receiver that reads a
 * request's headers on its own, before tdk_as2_read has the body: the
 * Disposition-Notification-Options parser (lib/net/serve-as2.c
 * serve_as2_mdn_options, RFC 4130 section 7.3), which walks
 * signed-receipt-micalg's list by hand.  The first byte is the size of the
 * buffer the algorithm goes into (1 to 16, as the receiver's is 16), the
 * rest the header's value.  It never reads or writes outside either; what
 * it gives is a MIC algorithm tdk knows (cut to the buffer) or nothing,
 * and a request for a signature only when the value names pkcs7-signature.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/serve-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether h holds word, without regard to case. */
static int has_ci(const char *h, const char *word)
{
	for (; *h; h++)
		if (!strncasecmp(h, word, strlen(word)))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = { "sha-256", "sha256", "sha-384", "sha384", "sha-512", "sha512",
					     "sha-1", "sha1", NULL };
	char *h, *alg;
	size_t n, i;
	int sign = -1, found = 0;

	if (!size)
		return 0;
	n = (size_t)(data[0] % 16) + 1;
	if (!(h = malloc(size)) || !(alg = malloc(n))) {
		free(h);
		return 0;
	}
	memcpy(h, data + 1, size - 1);
	h[size - 1] = '\0';
	memset(alg, 'x', n);
	serve_as2_mdn_options(h, &sign, alg, n);
	if (sign != 0 && sign != 1)
		abort();
	if (memchr(alg, '\0', n) == NULL)
		abort();
	for (i = 0; known[i] && alg[0]; i++)
		found |= !strncmp(alg, known[i], strlen(alg)) &&
			 strlen(alg) == (strlen(known[i]) < n ? strlen(known[i]) : n - 1);
	if (alg[0] && !found)
		abort();
	if (sign && !has_ci(h, "pkcs7-signature"))
		abort();
	serve_as2_mdn_options(NULL, &sign, alg, n);
	if (sign || alg[0])
		abort();
	free(h);
	free(alg);
	return 0;
}
