/*
 * libFuzzer target: arbitrary bytes as the XML form of an EDIFACT document,
 * read with the streaming XML reader and written as EDIFACT, which, when
 * written with success, must pass `tdk validate` at the syntax level.  Malformed XML,
 * foreign vocabularies, DTDs and entity references must all end in
 * diagnostics, never a crash or a leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "edi-fuzz.h"
#include "util/exitcode.h"
#include "util/io.h"

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

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

	if (size > 1 << 20)
		return 0;
	xmlSetGenericErrorFunc(NULL, quiet);
	tmp = tmpfile();
	mem = open_memstream(&text, &textlen);
	if (!tmp || !mem)
		goto out;
	if (size && fwrite(data, 1, size, tmp) != size)
		goto out;
	fflush(tmp);
	rewind(tmp);
	memset(&in, 0, sizeof(in));
	in.fd = fileno(tmp);
	in.name = "fuzz.xml";
	tdk_diag_init(&d, "fuzz.xml");
	tdk_output_open(&out, NULL, mem);
	ew = tdk_edi_writer_new(&out, &d, &sink);
	fuzz_tap_init(&tap, &sink, &tapped);
	if (ew) {
		int r = tdk_edi_read_xml(&in, &d, &tapped, 1000);

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
