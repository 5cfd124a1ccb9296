/* Unit tests of lib/util/time.c: the strict dateTime reader. */
#include <time.h>

#include "tap.h"
#include "util/time.h"

static int parses(const char *s, long long want)
{
	time_t t = 12345;

	return tdk_time_parse(s, &t) == 0 && (long long)t == want;
}

static int refused(const char *s)
{
	time_t t = 12345;

	return tdk_time_parse(s, &t) == -1 && t == 12345;
}

int main(void)
{
	static const char *const bad[] = {
		"2026-02-30T00:00:00", "2026-13-01T00:00:00", "2026-01-01T25:00:00",
		"9999-99-99T99:99:99", "2026-01-01T24:00:00", "2026-01-01T00:60:00",
		"2026-01-01T00:00:60", "2025-02-29T00:00:00", "1900-02-29T00:00:00",
		"2026-01-01", "2026-1-01T00:00:00", "2026-01-01 00:00:00", "2026-01-01T00:00:00 ",
		" 2026-01-01T00:00:00", "+026-01-01T00:00:00", "2026-01-01T00:00:00+1:00",
		"2026-01-01T00:00:00+15:00", "2026-01-01T00:00:00.", "2026-01-01T00:00:00ZZ",
		"1969-12-31T23:59:59", "1970-01-01T00:00:00+01:00", "", "now",
	};
	size_t i;

	ok(parses("1970-01-01T00:00:00", 0), "the epoch is an instant, not \"now\"");
	ok(parses("1970-01-01T00:00:00Z", 0), "Z is UTC");
	ok(parses("2000-02-29T12:00:00", 951825600), "a leap day of a year divisible by 400");
	ok(parses("2024-02-29T00:00:00", 1709164800), "a leap day");
	ok(parses("2026-12-31T23:59:59", 1798761599), "the last second of a year");
	ok(parses("2026-01-01T01:00:00+01:00", 1767225600), "an offset east of UTC");
	ok(parses("2025-12-31T23:00:00-01:00", 1767225600), "an offset west of UTC");
	ok(parses("2026-01-01T00:00:00.123456Z", 1767225600), "a fraction of a second is dropped");
	ok(parses("9999-12-31T23:59:59", 253402300799LL), "the last second the form can write");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(refused(bad[i]), "refused: '%s'", bad[i]);
	return done();
}
