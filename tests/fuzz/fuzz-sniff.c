/*
 * libFuzzer target: arbitrary bytes as the start of an input, sniffed as a
 * whole input and as a cut one (util/sniff.c).  It must never read past the
 * bytes given, and what it returns must hold together: a kind with its
 * description, a start within the input, and a root name and namespace that
 * point into it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, int whole)
{
	struct tdk_sniff s;
	const char *p = (const char *)data, *end = p + size;
	enum tdk_sniff_kind k = tdk_sniff(data, size, whole, &s);

	if (k != s.kind || k > TDK_SNIFF_BINARY || !s.what || (k != TDK_SNIFF_EMPTY && !s.readers))
		abort();
	if (s.start > size || (k == TDK_SNIFF_EMPTY && !whole))
		abort();
	if (s.root && (s.root < p || s.root + s.root_len > end || !s.root_len))
		abort();
	if (s.ns && (s.ns < p || s.ns + s.ns_len > end))
		abort();
	if ((k == TDK_SNIFF_CSV && s.sep != ',' && s.sep != ';') || (k == TDK_SNIFF_EDIFACT && !s.sep))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, 1);
	check(data, size, 0);
	return 0;
}
