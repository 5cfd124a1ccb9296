/*
 * libFuzzer target: arbitrary bytes as a date and as a number
 * (lib/wco/norm.c), the first byte choosing the format code, the decimal
 * mark and the format n..L,F.  What is written is read again to the same
 * value and written the same (the forms are fixed points); a date written
 * exactly is written the same when cut; a refusal always has a sentence; a
 * number fitted to a format keeps to it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wco/norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void date(const char *s, size_t n, int code, unsigned flags)
{
	char out[TDK_NORM_DATE_MAX], again[TDK_NORM_DATE_MAX], cut[TDK_NORM_DATE_MAX];
	struct tdk_norm_when w, w2;
	enum tdk_norm_why why;

	why = tdk_norm_when_parse(s, n, &w);
	if (!why)
		why = tdk_norm_when_write(&w, code, flags, out);
	if (!*tdk_norm_why_text(why, code))
		abort();
	if (why)
		return;
	if (strlen(out) >= TDK_NORM_DATE_MAX || tdk_norm_when_parse(out, strlen(out), &w2) ||
	    tdk_norm_when_write(&w2, code, flags, again) || strcmp(out, again))
		abort();
	if (flags && (tdk_norm_when_write(&w, code, 0, cut) || strcmp(out, cut)))
		abort();
}

static void number(const char *s, size_t n, char mark, unsigned len, unsigned frac)
{
	char out[TDK_NORM_NUMBER_MAX], again[TDK_NORM_NUMBER_MAX];
	struct tdk_norm_num num, num2;
	enum tdk_norm_why why;

	why = tdk_norm_num_parse(s, n, mark, &num);
	if (!*tdk_norm_why_text(why, 0) || num.nint + num.nfrac > TDK_NORM_DIGITS_MAX)
		abort();
	if (why)
		return;
	if (len && tdk_norm_num_fit(&num, len, frac))
		return;
	if (len && (num.nfrac > frac || tdk_norm_num_digits(&num) > len))
		abort();
	tdk_norm_num_write(&num, out);
	if (strlen(out) >= TDK_NORM_NUMBER_MAX || tdk_norm_num_parse(out, strlen(out), '.', &num2))
		abort();
	tdk_norm_num_write(&num2, again);
	if (strcmp(out, again) || num2.neg != num.neg || num2.nfrac != num.nfrac)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int codes[] = { 102, 203, 204, 304, 102, 203, 204, 304 };
	static const char marks[] = { 0, '.', ',', 0 };
	const char *s = (const char *)data + 1;
	char *copy;

	if (!size)
		return 0;
	/* The strings the callers pass end in a NUL: so does this one. */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, s, size - 1);
	copy[size - 1] = 0;
	date(copy, size - 1, codes[data[0] & 7], (data[0] >> 3) & 1);
	number(copy, size - 1, marks[(data[0] >> 4) & 3], 4u * (unsigned)(data[0] >> 6), (data[0] >> 6) & 1 ? 2u : 0);
	free(copy);
	return 0;
}
