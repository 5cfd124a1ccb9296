/*
 * libFuzzer target: arbitrary bytes as the JSON form of an EDIFACT document,
 * read with the streaming JSON reader and written as EDIFACT.  Malformed
 * JSON (truncated, deeply nested, bad escapes, lone surrogates, invalid
 * UTF-8) and JSON outside the model must all end in diagnostics, never a
 * crash, a leak or unbounded memory.
 *
 * The first bytes of the input are handed over through the input's
 * read-ahead buffer (struct tdk_input peek), the rest through a file, so the
 * reader meets a chunk boundary inside a token wherever the size puts it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edi/edi.h"
#include "util/exitcode.h"
#include "util/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_diag d;
	struct tdk_edi_sink sink;
	struct tdk_edi_writer *ew;
	struct tdk_output out;
	struct tdk_input in;
	FILE *tmp, *devnull;
	size_t split;
	int r;

	if (size > 1 << 20)
		return 0;
	tmp = tmpfile();
	devnull = fopen("/dev/null", "w");
	if (!tmp || !devnull)
		goto out;
	memset(&in, 0, sizeof(in));
	split = size / 2 < sizeof(in.peek) ? size / 2 : size % sizeof(in.peek);
	if (size > split && fwrite(data + split, 1, size - split, tmp) != size - split)
		goto out;
	fflush(tmp);
	rewind(tmp);
	in.fd = fileno(tmp);
	in.name = "fuzz.json";
	if (split)
		memcpy(in.peek, data, split);
	in.npeek = split;
	tdk_diag_init(&d, "fuzz.json");
	tdk_output_open(&out, NULL, devnull);
	ew = tdk_edi_writer_new(&out, &d, &sink);
	if (ew) {
		r = tdk_edi_read_json(&in, &d, &sink, 1000);
		/* What convert relies on: a rejected document always says why. */
		if (r == TDK_EXIT_NEGATIVE && !d.errors)
			abort();
		if (r != TDK_EXIT_OK && r != TDK_EXIT_NEGATIVE && r != TDK_EXIT_INTERNAL)
			abort();
		tdk_edi_writer_free(ew);
	}
out:
	if (tmp)
		fclose(tmp);
	if (devnull)
		fclose(devnull);
	return 0;
}
