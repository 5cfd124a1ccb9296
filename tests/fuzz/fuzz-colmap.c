/*
 * libFuzzer target: arbitrary bytes as a column map (lib/wco/colmap.c),
 * for CSV and for fixed-width records; when a line "===" follows the map,
 * the bytes after it are mapped with it (lib/wco/flat.c) and every
 * declaration is serialised.  A map is taken with no error diagnostic or
 * refused with one; so is the data.  Paths written as WCO pointers meet
 * no dictionary here, and are refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "util/exitcode.h"
#include "wco/colmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int emit(void *arg, xmlDocPtr doc, const char *key)
{
	xmlChar *mem = NULL;
	int n = 0;

	(void)arg;
	if (!key)
		abort();
	xmlDocDumpMemory(doc, &mem, &n);
	if (!mem || n <= 0)
		abort();
	xmlFree(mem);
	return 0;
}

static void check(const char *p, size_t size, int fixed)
{
	const char *sep = NULL, *at;
	struct tdk_colmap cm;
	struct tdk_input in;
	struct tdk_diag d;
	size_t n = size;
	int r;

	for (at = p; (at = memchr(at, '=', size - (size_t)(at - p))) && !sep; at++)
		if ((at == p || at[-1] == '\n') && size - (size_t)(at - p) >= 4 && !memcmp(at, "===\n", 4))
			sep = at;
	if (sep)
		n = (size_t)(sep - p);
	tdk_diag_init(&d, "fuzz");
	r = tdk_colmap_parse(&cm, fixed, "fuzz.columns", p, n, &d);
	if (((r == TDK_EXIT_NEGATIVE || r == TDK_EXIT_IO) != (d.errors > 0)) ||
	    (r && r != TDK_EXIT_NEGATIVE && r != TDK_EXIT_IO && r != TDK_EXIT_INTERNAL))
		abort();
	if (!r && sep) {
		unsigned long before = d.errors;

		tdk_input_open_mem(&in, "fuzz.csv", sep + 4, size - n - 4);
		r = tdk_flat_map(&cm, &in, &d, emit, NULL);
		if ((r == TDK_EXIT_NEGATIVE) != (d.errors > before))
			abort();
	}
	tdk_colmap_release(&cm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* No dictionary: a WCO pointer is refused at once (the dictionary has its own target). */
	setenv("TDK_WCO_DATA_DIR", "/nonexistent/tdk-fuzz", 1);
	check((const char *)data, size, 0);
	check((const char *)data, size, 1);
	return 0;
}
