/*
 * libFuzzer target: arbitrary bytes as a response's header block, read the
 * way lib/net/http.h's callers read it: a header found by name (its value
 * inside the block, trimmed), and Retry-After (RFC 9110 §10.2.3) read from
 * it and from the whole input.  A delay is never negative nor past 2^31-1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_delay(const char *v, size_t n)
{
	long s = -7;

	if (tdk_http_retry_after(v, n, 1700000000, &s) == 0 && (s < 0 || s > 2147483647L))
		abort();
	if (tdk_http_retry_after(v, n, 1700000000, &s) < 0 && s != -7)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "Retry-After", "X-Conversation-ID", "Location", "R" };
	struct tdk_http_resp r;
	const char *v;
	size_t n, i;

	tdk_http_resp_init(&r);
	if (tdk_buf_add(&r.headers, data, size) == 0) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (!(v = tdk_http_resp_header(&r, names[i], &n)))
				continue;
			if (v < r.headers.data || v + n > r.headers.data + r.headers.len)
				abort();
			if (n && (v[0] == ' ' || v[n - 1] == '\r' || memchr(v, '\n', n)))
				abort();
			if (i == 0)
				check_delay(v, n);
		}
	}
	check_delay((const char *)data, size);
	tdk_http_resp_release(&r);
	return 0;
}
