/*
 * libFuzzer target: arbitrary bytes as the XML form of an EDIFACT document,
 * read with the streaming XML reader and written as EDIFACT.  Malformed XML,
 * foreign vocabularies, DTDs and entity references must all end in
 * diagnostics, never a crash or a leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "edi/edi.h"
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
	struct tdk_edi_sink sink;
	struct tdk_edi_writer *ew;
	struct tdk_output out;
	struct tdk_input in;
	FILE *tmp, *devnull;

	if (size > 1 << 20)
		return 0;
	xmlSetGenericErrorFunc(NULL, quiet);
	tmp = tmpfile();
	devnull = fopen("/dev/null", "w");
	if (!tmp || !devnull)
		goto out;
	if (size && fwrite(data, 1, size, tmp) != size)
		goto out;
	fflush(tmp);
	rewind(tmp);
	memset(&in, 0, sizeof(in));
	in.fd = fileno(tmp);
	in.name = "fuzz.xml";
	tdk_diag_init(&d, "fuzz.xml");
	tdk_output_open(&out, NULL, devnull);
	ew = tdk_edi_writer_new(&out, &d, &sink);
	if (ew) {
		tdk_edi_read_xml(&in, &d, &sink, 1000);
		tdk_edi_writer_free(ew);
	}
out:
	if (tmp)
		fclose(tmp);
	if (devnull)
		fclose(devnull);
	return 0;
}
