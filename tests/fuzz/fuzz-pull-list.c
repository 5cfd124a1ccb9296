/*
 * libFuzzer target: arbitrary bytes as a Pull Notifications API list
 * (lib/net/pull.c).  A read either fails with a diagnostic, or gives at most
 * TDK_PULL_IDS_MAX ids, each of letters, digits and '-' within its cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/pull.h"
#include "util/exitcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_pull_ids ids = { 0 };
	struct tdk_diag d;
	size_t i, len;
	int r;

	tdk_diag_init(&d, "fuzz");
	r = tdk_pull_ids_parse((const char *)data, size, "fuzz.xml", &ids, &d);
	if (r == TDK_EXIT_IO && !d.errors)
		abort();
	if (!r && (d.errors || ids.n > TDK_PULL_IDS_MAX))
		abort();
	for (i = 0; !r && i < ids.n; i++) {
		len = strlen(ids.v[i]);
		if (!len || len > TDK_PULL_ID_MAX ||
		    strspn(ids.v[i], "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != len)
			abort();
	}
	tdk_pull_ids_release(&ids);
	return 0;
}
