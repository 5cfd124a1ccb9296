/*
 * libFuzzer target: arbitrary bytes as EDIFACT through EDIFACT -> XML and
 * EDIFACT -> JSON, with the result read back into EDIFACT, as `tdk convert`
 * does both ways.  Any input must end in diagnostics, never a crash, a leak or
 * unbounded memory; and for a conversion without errors:
 *   - what convert wrote as XML or JSON reads back: the reader reports
 *     nothing (XML 1.0 section 2.2 characters, well-formed JSON);
 *   - the way back gives the input byte for byte, which passes `tdk validate`
 *     at the syntax level, or refuses it (EDI-WRITE-*) only when validate
 *     refuses the input too (or its set is no UN/ECE level): the writer
 *     writes nothing validate refuses, but convert reads leniently.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edi-fuzz.h"
#include "util/exitcode.h"
#include "util/io.h"

/* EDIFACT -> XML (json 0) or JSON (json 1) into *mid; returns 0 when clean. */
static int to_form(const uint8_t *data, size_t size, int json, char **mid, size_t *midlen)
{
	struct tdk_diag d;
	struct tdk_edi_env *env;
	struct tdk_edi_handler h;
	struct tdk_edi_sink sink;
	struct tdk_edi_xml_writer *xw = NULL;
	struct tdk_edi_json_writer *jw = NULL;
	struct tdk_output out;
	FILE *mem = open_memstream(mid, midlen);

	if (!mem)
		return -1;
	tdk_diag_init(&d, "fuzz");
	tdk_output_open(&out, NULL, mem);
	if (json)
		jw = tdk_edi_json_writer_new(&out, &d, &sink);
	else
		xw = tdk_edi_xml_writer_new(&out, &d, &sink);
	env = (xw || jw) ? tdk_edi_env_new(&d, 0, &sink) : NULL;
	if (env) {
		tdk_edi_env_handler(env, &h);
		fuzz_feed(data, size, &h, &d, TDK_EDI_CONVERT, 0);
	}
	tdk_edi_env_free(env);
	tdk_edi_xml_writer_free(xw);
	tdk_edi_json_writer_free(jw);
	fclose(mem);
	return env && !d.errors && *midlen && *midlen <= (1 << 22) ? 0 : -1;
}

static void roundtrip(const uint8_t *data, size_t size, int json)
{
	struct fuzz_codes c;
	struct tdk_diag d;
	struct tdk_edi_sink sink;
	struct tdk_edi_writer *ew = NULL;
	struct tdk_output out;
	struct tdk_input in;
	char *mid = NULL, *back = NULL;
	size_t midlen = 0, backlen = 0;
	FILE *t = NULL, *bf = NULL;
	int r;

	if (to_form(data, size, json, &mid, &midlen))
		goto out;
	t = tmpfile();
	bf = open_memstream(&back, &backlen);
	if (!t || !bf || fwrite(mid, 1, midlen, t) != midlen || fflush(t))
		goto out;
	rewind(t);
	memset(&in, 0, sizeof(in));
	in.fd = fileno(t);
	in.name = json ? "fuzz.json" : "fuzz.xml";
	fuzz_codes_init(&c, &d, in.name);
	tdk_output_open(&out, NULL, bf);
	ew = tdk_edi_writer_new(&out, &d, &sink);
	if (!ew)
		goto out;
	r = json ? tdk_edi_read_json(&in, &d, &sink, 256) : tdk_edi_read_xml(&in, &d, &sink, 256);
	fflush(bf);
	if (c.other || c.syntax || (r && r != TDK_EXIT_NEGATIVE) || (r && !c.write)) {
		fprintf(stderr, "our own %s does not read back: %s\n", json ? "JSON" : "XML", c.first);
		abort();
	}
	if (c.write) {
		/* Refused on the way back: only what validate refuses too, or input in
		 * a set that is no UN/ECE level, whose repertoire nobody checks. */
		struct fuzz_codes v;

		fuzz_validate((const char *)data, size, NULL, 0, &v);
		if (!v.syntax && !v.other && !v.unknown_cs) {
			fprintf(stderr, "the writer refuses what validate accepts: %s\n", c.first);
			abort();
		}
		goto out;
	}
	if (backlen != size || memcmp(back, data, size) != 0)
		abort();  /* a lossless conversion gives back the input byte for byte */
	fuzz_written_valid(back, backlen, NULL, 0);  /* and writes nothing validate refuses */
out:
	tdk_edi_writer_free(ew);
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
	roundtrip(data, size, 0);
	roundtrip(data, size, 1);
	return 0;
}
