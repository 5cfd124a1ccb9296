/*
 * libFuzzer target: arbitrary bytes as a Holodeck B2B or Domibus P-Mode
 * (lib/net/ebms-pmode.c).  The reader never crashes or leaks; every P-Mode
 * it loads has a name, a url, both parties, a service and an action, and
 * prints as an endpoints section; a file loaded with no error reported is
 * TDK_EXIT_OK and a refused one has an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ebms.h"
#include "util/exitcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_buf out = TDK_BUF_INIT(1 << 20);
	struct tdk_pmodes ps;
	struct tdk_diag d;
	int ret;

	tdk_diag_init(&d, "fuzz");
	tdk_pmodes_init(&ps);
	ret = tdk_pmode_read((const char *)data, size, "fuzz", &ps, &d);
	if ((ret == TDK_EXIT_OK) != (d.errors == 0) && ret != TDK_EXIT_INTERNAL)
		abort();
	for (size_t i = 0; i < ps.n; i++) {
		const struct tdk_pmode *p = &ps.p[i];

		if (!p->name || !p->value[TDK_PMODE_URL] || !p->value[TDK_PMODE_FROM_PARTY] ||
		    !p->value[TDK_PMODE_TO_PARTY] || !p->value[TDK_PMODE_SERVICE] || !p->value[TDK_PMODE_ACTION])
			abort();
		if (tdk_pmode_print(p, &out) || !strstr(out.data, "profile = as4\n"))
			abort();
	}
	tdk_pmodes_release(&ps);
	tdk_buf_release(&out);
	return 0;
}
