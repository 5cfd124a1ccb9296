/*
 * libFuzzer target: arbitrary bytes as a CDS errorResponse body
 * (lib/net/cds-error.c), and each message as a "line L, column C" position.
 * A parse either fails with a diagnostic and leaves nothing, or gives a
 * non-empty code and texts of printable ASCII within their cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/cds-error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void text(const char *s)
{
	if (!s || strlen(s) > TDK_CDS_ERROR_TEXT_MAX)
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_cds_error e;
	struct tdk_diag d;
	unsigned long line, col;
	const char *rest;
	size_t i;

	tdk_diag_init(&d, "fuzz");
	if (tdk_cds_error_parse((const char *)data, size, "fuzz.xml", &e, &d) < 0) {
		if (!d.errors || e.code || e.n)
			abort();
		return 0;
	}
	if (d.errors || !e.code[0] || e.n > TDK_CDS_ERROR_ITEMS_MAX)
		abort();
	text(e.code);
	text(e.message);
	for (i = 0; i < e.n; i++) {
		text(e.v[i].code);
		text(e.v[i].message);
		if (tdk_cds_error_position(e.v[i].message, &line, &col, &rest) &&
		    (rest < e.v[i].message || rest > e.v[i].message + strlen(e.v[i].message)))
			abort();
	}
	tdk_cds_error_release(&e);
	return 0;
}
