/*
 * libFuzzer target: arbitrary bytes as a WCO dictionary file
 * (lib/wco/dict.c, the tab-separated text of data/wco).  A load either fails
 * with a diagnostic and leaves the dictionary empty, or gives entries whose
 * pointers are well formed, whose ID ends the pointer, each found again by
 * its pointer, and by its path (an entry with the same path earlier in the
 * file may answer), and by its whole pointer as a suffix when no other
 * pointer ends with it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "wco/dict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_wco_dict dict;
	struct tdk_diag d;
	const struct tdk_wco_elem *e, *f;
	size_t i, n;
	int r;

	tdk_diag_init(&d, "fuzz");
	r = tdk_wco_dict_load_mem(&dict, "fuzz.tsv", (const char *)data, size, &d);
	if (r && (dict.n || (r == TDK_EXIT_IO && !d.errors)))
		abort();
	if (!r && d.errors)
		abort();
	for (i = 0; i < dict.n; i++) {
		e = &dict.v[i];
		n = strlen(e->pointer);
		if (!n || n > TDK_WCO_POINTER_MAX || strlen(e->id) > n || strcmp(e->pointer + n - strlen(e->id), e->id))
			abort();
		if (tdk_wco_dict_by_pointer(&dict, e->pointer) != e)
			abort();
		if (*e->path && (!(f = tdk_wco_dict_by_path(&dict, e->path)) || f > e || strcmp(f->path, e->path)))
			abort();
		f = tdk_wco_dict_by_suffix(&dict, e->pointer, &n);
		if (!n || (n == 1) != (f == e))
			abort();
	}
	tdk_wco_dict_release(&dict);
	return 0;
}
