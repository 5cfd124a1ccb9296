/*
 * libFuzzer target: arbitrary bytes as a DMS notification
 * (lib/net/notify.c), without a schema set.  A read either fails with a
 * diagnostic and a reason, or gives a known function code with its outcome
 * and rank, and an LRN and MRN of printable ASCII within their cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void text(const char *s, size_t max)
{
	if (strlen(s) > max)
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_notify n;
	struct tdk_diag d;
	char why[128];
	int final, r;

	tdk_diag_init(&d, "fuzz");
	r = tdk_notify_read((const char *)data, size, "fuzz.xml", NULL, &n, why, sizeof(why), &d);
	if (r) {
		if (!d.errors || !why[0])
			abort();
	} else {
		if (d.errors || !n.outcome || !n.response || tdk_notify_outcome(n.function_code, &final) != n.outcome ||
		    final != n.final || n.rank != tdk_notify_rank(n.outcome) || n.rank <= 0)
			abort();
		text(n.lrn, TDK_NOTIFY_REF_MAX);
		text(n.mrn, TDK_NOTIFY_REF_MAX);
	}
	tdk_notify_release(&n);
	return 0;
}
