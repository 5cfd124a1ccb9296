/*
 * libFuzzer target: arbitrary bytes as an iso-codes JSON file
 * (lib/wco/codes.c), read as ISO 3166-1 and as ISO 4217, and as a compiled
 * unit list (the tab-separated text of data/codes).  A load either
 * fails with a diagnostic and leaves the list empty, or gives entries whose
 * strings lie inside the list's strings, each found again by its code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "wco/codes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, enum tdk_codes_list list)
{
	struct tdk_codes c;
	struct tdk_diag d;
	size_t i;
	int r;

	tdk_diag_init(&d, "fuzz");
	r = tdk_codes_load_mem(&c, list, "fuzz.json", (const char *)data, size, &d);
	if (r && (c.n || (r == TDK_EXIT_IO && !d.errors)))
		abort();
	if (!r && d.errors)
		abort();
	for (i = 0; i < c.n; i++) {
		const struct tdk_code *e = &c.v[i];
		uint32_t f[5] = { e->code, e->alpha3, e->numeric, e->name, e->official };
		size_t k;

		for (k = 0; k < 5; k++)
			if (f[k] >= c.str.len || (f[k] && c.str.data[f[k] - 1] != '\0'))
				abort();
		if (!e->code || strlen(tdk_codes_str(&c, e->code)) > TDK_CODES_WORD_MAX)
			continue;
		if (!tdk_codes_find(&c, tdk_codes_str(&c, e->code)))
			abort();
	}
	tdk_codes_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, TDK_CODES_COUNTRY);
	check(data, size, TDK_CODES_CURRENCY);
	check(data, size, TDK_CODES_UNIT);
	return 0;
}
