/*
 * libFuzzer target: arbitrary bytes through the EDIFACT parser and envelope
 * checks, as `tdk validate` runs them.  Any input must end in diagnostics,
 * never a crash, a leak or unbounded memory; and validation gives the same
 * verdict with the tags-only fast path as with every segment split.  The
 * input is fed in uneven chunks to exercise framing across boundaries.  The
 * conversions have their own, slower target (fuzz-edi-roundtrip), so that
 * this one runs at the parser's speed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edi-fuzz.h"

static unsigned long validate(const uint8_t *data, size_t size, int tags_only)
{
	struct tdk_diag d;
	struct tdk_edi_env *env;
	struct tdk_edi_handler h;

	tdk_diag_init(&d, "fuzz");
	env = tdk_edi_env_new(&d, 1, NULL);
	if (!env)
		return 0;
	tdk_edi_env_handler(env, &h);
	fuzz_feed(data, size, &h, &d, TDK_EDI_VALIDATE, tags_only);
	tdk_edi_env_free(env);
	return d.errors;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (validate(data, size, 1) != validate(data, size, 0))
		abort();  /* the fast path must not change the verdict */
	return 0;
}
