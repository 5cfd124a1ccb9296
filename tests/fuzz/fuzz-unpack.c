/*
 * libFuzzer target: arbitrary bytes as a ZIP / ASiC container.  The reader
 * must end in diagnostics, never a crash, a leak or unbounded memory: the
 * directory is read and checked, every entry inflated under small limits,
 * and the container verified (cryptography only) with its signatures parsed
 * and checked against the entries.  Extraction goes to a scratch folder that
 * is removed again; nothing may land outside it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack/pack.h"
#include "sign/sign.h"
#include "util/exitcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char path[] = "/tmp/tdk-fuzz-unpack-XXXXXX";
	struct tdk_zip_limits lim = { 64, 1 << 20, 50 };
	struct tdk_trust t;
	struct tdk_verify_opts vo = { 0, 0 };
	struct tdk_asic_report rep;
	struct tdk_container c;
	struct tdk_diag d;
	size_t i;
	int fd;

	if (!ready) {
		if (tdk_sign_lib_init())
			abort();
		ready = 1;
	}
	fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	tdk_diag_init(&d, path);
	if (tdk_container_open(&c, path, &lim, 0, &d) == 0)
		for (i = 0; i < c.n; i++)
			if (tdk_container_load(&c, i, &d))
				break;
	tdk_container_release(&c);

	memset(&t, 0, sizeof(t));
	t.insecure = 1;
	if (tdk_trust_load(&t, &d) == 0) {
		tdk_asic_verify(path, &lim, &t, &vo, &rep, &d);
		tdk_asic_report_release(&rep);
	}
	tdk_trust_release(&t);
	unlink(path);
	return 0;
}
