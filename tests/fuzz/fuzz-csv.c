/*
 * libFuzzer target: arbitrary bytes as CSV with each delimiter, and as
 * fixed-width lines (lib/util/csv.c).  Every record's fields lie inside the
 * reader's text and hold no NUL; after the first record every record has
 * its width; a fault always comes with an error diagnostic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, char delim)
{
	struct tdk_csv_opts o = { delim, 256, 64, 4096 };
	struct tdk_input in;
	struct tdk_diag d;
	struct tdk_csv c;
	size_t i, width = 0;
	int r;

	tdk_diag_init(&d, "fuzz");
	tdk_input_open_mem(&in, "fuzz.csv", data, size);
	tdk_csv_init(&c, &in, &o, &d);
	while ((r = tdk_csv_next(&c)) == TDK_CSV_RECORD) {
		if (!c.n || c.n > o.fields_max || (delim && width && c.n != width))
			abort();
		width = c.n;
		for (i = 0; i < c.n; i++) {
			const struct tdk_csv_field *f = &c.f[i];

			if (f->off + f->len >= c.text.len + 1 || f->len > o.field_max ||
			    strlen(tdk_csv_field(&c, i)) != f->len || !f->line || !f->col)
				abort();
		}
	}
	if ((r == TDK_CSV_BAD) != (d.errors > 0) || r == TDK_CSV_IO)
		abort();
	if (tdk_csv_next(&c) != TDK_CSV_END && r != TDK_CSV_NOMEM)
		abort();
	tdk_csv_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, ',');
	check(data, size, ';');
	check(data, size, '\t');
	check(data, size, 0);
	return 0;
}
