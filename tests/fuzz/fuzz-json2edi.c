/*
 * libFuzzer target: arbitrary bytes as the JSON form of an EDIFACT document,
 * read with the streaming JSON reader and written as EDIFACT, which, when
 * written with success, must pass `tdk validate` at the syntax level.  Malformed
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

#include "edi-fuzz.h"
#include "util/exitcode.h"
#include "util/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_diag d;
	struct tdk_edi_sink sink, tapped;
	struct tdk_edi_writer *ew;
	struct fuzz_tap tap;
	char *text = NULL;
	size_t textlen = 0;
	struct tdk_output out;
	struct tdk_input in;
	FILE *tmp, *mem;
	size_t split;
	int r;

	if (size > 1 << 20)
		return 0;
	tmp = tmpfile();
	mem = open_memstream(&text, &textlen);
	if (!tmp || !mem)
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
	tdk_output_open(&out, NULL, mem);
	ew = tdk_edi_writer_new(&out, &d, &sink);
	fuzz_tap_init(&tap, &sink, &tapped);
	if (ew) {
		r = tdk_edi_read_json(&in, &d, &tapped, 1000);
		/* What convert relies on: a rejected document always says why. */
		if (r == TDK_EXIT_NEGATIVE && !d.errors)
			abort();
		if (r != TDK_EXIT_OK && r != TDK_EXIT_NEGATIVE && r != TDK_EXIT_INTERNAL)
			abort();
		tdk_edi_writer_free(ew);
		fflush(mem);
		/* Whatever convert writes with success, validate accepts at the syntax level. */
		if (r == TDK_EXIT_OK && !d.errors)
			fuzz_written_valid(text, textlen, fuzz_tap_charset(&tap), tap.mixed);
	}
out:
	if (tmp)
		fclose(tmp);
	if (mem)
		fclose(mem);
	free(text);
	return 0;
}
