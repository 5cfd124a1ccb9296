/*
 * libFuzzer target: arbitrary bytes through the EDIFACT parser and envelope
 * checks (validation mode), and through EDIFACT -> XML with the XML read back
 * into EDIFACT.  Any input must end in diagnostics, never a crash, a leak or
 * unbounded memory.  The input is fed in uneven chunks to exercise the
 * framing across chunk boundaries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edi/edi.h"
#include "util/exitcode.h"
#include "util/io.h"

static void feed(const uint8_t *data, size_t size, const struct tdk_edi_handler *h,
		 struct tdk_diag *d, enum tdk_edi_mode mode, int tags_only)
{
	struct tdk_edi_opts o;
	struct tdk_edi_parser *p;
	size_t i = 0, step = size ? (data[0] % 7) + 1 : 1;

	tdk_edi_opts_init(&o);
	o.mode = mode;
	o.max_segment = 4096;
	o.max_components = 256;
	o.tags_only = tags_only;
	p = tdk_edi_parser_new(&o, d, h);
	if (!p)
		return;
	while (i < size) {
		size_t n = size - i < step ? size - i : step;

		if (tdk_edi_parser_feed(p, (const char *)data + i, n))
			break;
		i += n;
		step = step * 3 % 61 + 1;
	}
	tdk_edi_parser_finish(p);
	tdk_edi_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_diag d;
	struct tdk_edi_env *env;
	struct tdk_edi_handler h;
	struct tdk_edi_sink sink;
	struct tdk_edi_xml_writer *xw;
	struct tdk_output out;
	char *xml = NULL;
	size_t xmllen = 0;
	FILE *mem;

	/* Validation: envelope and service segment checks on. */
	tdk_diag_init(&d, "fuzz");
	env = tdk_edi_env_new(&d, 1, NULL);
	tdk_edi_env_handler(env, &h);
	feed(data, size, &h, &d, TDK_EDI_VALIDATE, 1);
	tdk_edi_env_free(env);
	/* The same with every segment split, as conversion does. */
	tdk_diag_init(&d, "fuzz");
	env = tdk_edi_env_new(&d, 1, NULL);
	tdk_edi_env_handler(env, &h);
	feed(data, size, &h, &d, TDK_EDI_VALIDATE, 0);
	tdk_edi_env_free(env);

	/* Conversion to XML, then the XML back to EDIFACT. */
	mem = open_memstream(&xml, &xmllen);
	if (!mem)
		return 0;
	tdk_diag_init(&d, "fuzz");
	tdk_output_open(&out, NULL, mem);
	xw = tdk_edi_xml_writer_new(&out, &d, &sink);
	env = tdk_edi_env_new(&d, 0, &sink);
	tdk_edi_env_handler(env, &h);
	feed(data, size, &h, &d, TDK_EDI_CONVERT, 0);
	tdk_edi_env_free(env);
	tdk_edi_xml_writer_free(xw);
	fclose(mem);
	if (!d.errors && xmllen && xmllen < (1 << 22)) {
		/* A conversion without errors is lossless: the XML gives back the input. */
		struct tdk_edi_writer *ew;
		struct tdk_input in;
		char *back = NULL;
		size_t backlen = 0;
		FILE *xf = fmemopen(xml, xmllen, "r"), *bf = open_memstream(&back, &backlen);

		if (xf && bf) {
			memset(&in, 0, sizeof(in));
			in.fd = fileno(xf);
			in.name = "fuzz.xml";
			if (in.fd < 0) {
				/* fmemopen has no descriptor: go through a temporary file */
				FILE *t = tmpfile();

				fwrite(xml, 1, xmllen, t);
				fflush(t);
				rewind(t);
				fclose(xf);
				xf = t;
				in.fd = fileno(t);
			}
			tdk_output_open(&out, NULL, bf);
			ew = tdk_edi_writer_new(&out, &d, &sink);
			if (tdk_edi_read_xml(&in, &d, &sink, 256) != 0 || d.errors)
				abort();  /* our own XML must always read back */
			tdk_edi_writer_free(ew);
			fflush(bf);
			if (backlen != size || memcmp(back, data, size) != 0)
				abort();  /* and give back the input byte for byte */
		}
		if (xf)
			fclose(xf);
		if (bf)
			fclose(bf);
		free(back);
	}
	free(xml);
	return 0;
}
