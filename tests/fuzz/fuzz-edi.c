/*
 * libFuzzer target: arbitrary bytes through the EDIFACT parser and envelope
 * checks, and through EDIFACT -> XML and EDIFACT -> JSON with the result
 * read back into EDIFACT.  Any input must end in diagnostics, never a crash,
 * a leak or unbounded memory; and two properties must hold:
 *   - validation gives the same verdict with the tags-only fast path as with
 *     every segment split;
 *   - a conversion without errors is lossless: the XML or JSON gives back
 *     the input byte for byte.
 * The input is fed in uneven chunks to exercise framing across boundaries.
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
	feed(data, size, &h, &d, TDK_EDI_VALIDATE, tags_only);
	tdk_edi_env_free(env);
	return d.errors;
}

/* EDIFACT -> XML (json 0) or JSON (json 1) -> EDIFACT; must give back the input when clean. */
static void roundtrip(const uint8_t *data, size_t size, int json)
{
	struct tdk_diag d;
	struct tdk_edi_env *env;
	struct tdk_edi_handler h;
	struct tdk_edi_sink sink;
	struct tdk_edi_xml_writer *xw = NULL;
	struct tdk_edi_json_writer *jw = NULL;
	struct tdk_edi_writer *ew;
	struct tdk_output out;
	struct tdk_input in;
	char *mid = NULL, *back = NULL;
	size_t midlen = 0, backlen = 0;
	FILE *mem, *t = NULL, *bf = NULL;

	mem = open_memstream(&mid, &midlen);
	if (!mem)
		return;
	tdk_diag_init(&d, "fuzz");
	tdk_output_open(&out, NULL, mem);
	if (json)
		jw = tdk_edi_json_writer_new(&out, &d, &sink);
	else
		xw = tdk_edi_xml_writer_new(&out, &d, &sink);
	env = tdk_edi_env_new(&d, 0, &sink);
	if (env) {
		tdk_edi_env_handler(env, &h);
		feed(data, size, &h, &d, TDK_EDI_CONVERT, 0);
	}
	tdk_edi_env_free(env);
	tdk_edi_xml_writer_free(xw);
	tdk_edi_json_writer_free(jw);
	fclose(mem);
	if (d.errors || !midlen || midlen > (1 << 22))
		goto out;
	t = tmpfile();
	bf = open_memstream(&back, &backlen);
	if (!t || !bf || fwrite(mid, 1, midlen, t) != midlen || fflush(t))
		goto out;
	rewind(t);
	memset(&in, 0, sizeof(in));
	in.fd = fileno(t);
	in.name = json ? "fuzz.json" : "fuzz.xml";
	tdk_output_open(&out, NULL, bf);
	ew = tdk_edi_writer_new(&out, &d, &sink);
	if ((json ? tdk_edi_read_json(&in, &d, &sink, 256) : tdk_edi_read_xml(&in, &d, &sink, 256)) != 0 ||
	    d.errors)
		abort();  /* our own output must always read back */
	tdk_edi_writer_free(ew);
	fflush(bf);
	if (backlen != size || memcmp(back, data, size) != 0)
		abort();  /* and give back the input byte for byte */
out:
	if (t)
		fclose(t);
	if (bf)
		fclose(bf);
	free(mid);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (validate(data, size, 1) != validate(data, size, 0))
		abort();  /* the fast path must not change the verdict */
	roundtrip(data, size, 0);
	roundtrip(data, size, 1);
	return 0;
}
