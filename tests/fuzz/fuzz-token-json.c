/*
 * libFuzzer target: arbitrary bytes as an OAuth 2.0 token endpoint's answer
 * (lib/net/oauth-token.c).  A parse either fails with a diagnostic and an
 * empty token, or gives an error response with printable text, or a token
 * whose access token a header line can carry and whose expiry adds up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/oauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_oauth_token t;
	struct tdk_oauth_error e;
	struct tdk_diag d;
	int r;

	tdk_diag_init(&d, "fuzz");
	tdk_oauth_token_init(&t);
	r = tdk_oauth_token_parse((const char *)data, size, 1000, &t, &e, &d);
	if (r == -1 && (!d.errors || t.access_token || t.refresh_token || t.scope))
		abort();
	if (r == 1) {
		if (d.errors || t.access_token)
			abort();
		printable(e.error);
		printable(e.description);
	}
	if (r == 0) {
		if (d.errors || !t.access_token || !t.access_token[0] || strcmp(t.token_type, "Bearer"))
			abort();
		if (strpbrk(t.access_token, " \r\n\t\"\\,:;"))
			abort();
		if (t.refresh_token)
			printable(t.refresh_token);
		if (t.expires_in < -1 || (t.expires_in >= 0 && t.expires_at != 1000 + t.expires_in))
			abort();
	}
	tdk_oauth_token_release(&t);
	return 0;
}
