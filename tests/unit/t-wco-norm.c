/*
 * Unit tests of lib/wco/norm.c (dates to UNCL 2379 format codes, numbers to
 * the XML Schema decimal form) and lib/wco/manifest.c (map manifests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/exitcode.h"
#include "wco/manifest.h"
#include "wco/norm.h"

static void date(const char *in, const char *to, const char *want)
{
	char out[TDK_NORM_DATE_MAX];
	int r = tdk_norm_date(in, to, out);

	is_str(out, want, "date '%s' to %s", in, to);
	ok((r == 0) == (*want != 0), "date '%s' to %s: status", in, to);
}

static void number(const char *in, const char *want)
{
	char out[TDK_NORM_NUMBER_MAX];
	int r = tdk_norm_number(in, out);

	is_str(out, want, "number '%s'", in);
	ok((r == 0) == (*want != 0), "number '%s': status", in);
}

static void dates(void)
{
	date("20241105", "102", "20241105");
	date(" 20241105\t", "304", "20241105000000Z");
	date("202411050930", "304", "20241105093000Z");
	date("20241105093015", "203", "202411050930");
	date("20241105093015+01", "304", "20241105093015+01");
	date("20241105093015-0530", "304", "");
	date("2024-11-05", "102", "20241105");
	date("2024-11-05T09:30", "304", "20241105093000Z");
	date("2024-11-05T09:30:15.250Z", "204", "20241105093015");
	date("2024-11-05T09:30:15+01:00", "304", "20241105093015+01");
	date("2024-11-05T09:30:15-05:30", "304", "");
	date("20241105T093015Z", "304", "20241105093015Z");
	date("2024-02-29", "102", "20240229");
	date("2023-02-29", "102", "");
	date("2024-13-01", "102", "");
	date("2024-11-05T24:00:00", "304", "");
	date("2024-11-05T09:60", "304", "");
	date("2024-11-05T09:30:15+15:00", "304", "");
	date("2024110", "102", "");
	date("2024-11-05junk", "102", "");
	date("5 Nov 2024", "102", "");
	date("20241105", "999", "");
	date("", "102", "");
}

static void numbers(void)
{
	number("1250.00", "1250.00");
	number(" +42 ", "42");
	number("-0.5", "-0.5");
	number("1,5", "1.5");
	number("1.234,50", "1234.50");
	number("1,234.50", "1234.50");
	number("12,345,678", "12345678");
	number("1.234.567,8", "1234567.8");
	number("1 234,5", "1234.5");
	number("1'234.5", "1234.5");
	number("1.234", "1.234");
	number("1,234", "");
	number("1.234.5", "");
	number("12,34,567", "");
	number("1,2.3,4", "");
	number("abc", "");
	number("", "");
	number("-", "");
	number(".", "");
	number("1e5", "");
}

/* The names of the reasons, for the tables: "ERR NAME" is a refusal for that reason. */
static const char *const whys[] = { "OK", "NOT_DATE", "NO_SUCH_DATE", "BAD_ZONE", "BAD_CODE", "HAS_TIME",
				    "HAS_SECONDS", "HAS_ZONE", "NO_TIME", "NO_ZONE", "FRACTION", "ZONE_MINUTES",
				    "NOT_NUMBER", "GROUPS", "AMBIGUOUS", "TOO_LONG", "DIGITS" };

#define E TDK_NORM_EXACT

/* Every form read and written, and every reason a date is refused, in both modes. */
static const struct {
	const char *in;
	int code;
	unsigned flags;
	const char *want;
} date_cases[] = {
	{ "20241105", 102, E, "20241105" },
	{ "20241105", 304, 0, "20241105000000Z" },
	{ "202411050930", 203, E, "202411050930" },
	{ "20241105093015", 204, E, "20241105093015" },
	{ "20241105093015Z", 304, E, "20241105093015Z" },
	{ "20241105093015+01", 304, E, "20241105093015+01" },
	{ "20241105093015+0100", 304, E, "20241105093015+01" },
	{ "20241105093015-00", 304, E, "20241105093015-00" },
	{ "2024-11-05", 102, E, "20241105" },
	{ "2024-11-05T09:30", 203, E, "202411050930" },
	{ "2024-11-05 09:30:15", 204, E, "20241105093015" },
	{ "2024-11-05T09:30:15,5Z", 204, 0, "20241105093015" },
	{ "20241105T0930Z", 304, E, "20241105093000Z" },
	{ "20241105T093015.25+01:00", 304, 0, "20241105093015+01" },
	{ "2024-11-05T09:30:15.000-05", 304, E, "20241105093015-05" },
	{ "2024-11-05Z", 304, 0, "20241105000000Z" },
	{ "2024-11-05+14:00", 304, 0, "20241105000000+14" },
	{ "2024-11-05T09:30:15", 102, 0, "20241105" },
	{ "2024-11-05T09:30:15+02", 204, 0, "20241105093015" },
	{ " \n2024-02-29\r\n", 102, E, "20240229" },
	{ "2000-02-29", 102, E, "20000229" },
	{ "0001-01-01", 102, E, "00010101" },
	{ "9999-12-31T23:59:59Z", 304, E, "99991231235959Z" },
	{ "1900-02-29", 102, 0, "ERR NO_SUCH_DATE" },
	{ "2023-02-29", 102, 0, "ERR NO_SUCH_DATE" },
	{ "0000-01-01", 102, 0, "ERR NO_SUCH_DATE" },
	{ "2024-04-31", 102, 0, "ERR NO_SUCH_DATE" },
	{ "2024-00-10", 102, 0, "ERR NO_SUCH_DATE" },
	{ "2024-11-00", 102, 0, "ERR NO_SUCH_DATE" },
	{ "2024-11-05T24:00:00", 304, 0, "ERR NO_SUCH_DATE" },
	{ "2024-11-05T09:60", 203, 0, "ERR NO_SUCH_DATE" },
	{ "2024-11-05T23:59:60Z", 304, 0, "ERR NO_SUCH_DATE" },
	{ "2024-11-05t09:30", 203, 0, "ERR NOT_DATE" },
	{ "2024-11-05T09:30z", 304, 0, "ERR NOT_DATE" },
	{ "2024-11-05T0930", 203, 0, "ERR NOT_DATE" },
	{ "20241105T09:30", 203, 0, "ERR NOT_DATE" },
	{ "20241105 0930", 203, 0, "ERR NOT_DATE" },
	{ "2024-11-05T09:30:15.", 204, 0, "ERR NOT_DATE" },
	{ "2024-11-05T09:30+01:", 304, 0, "ERR NOT_DATE" },
	{ "2024-11-05T09", 304, 0, "ERR NOT_DATE" },
	{ "2024-11-5", 102, 0, "ERR NOT_DATE" },
	{ "2024110", 102, 0, "ERR NOT_DATE" },
	{ "202411050930151", 204, 0, "ERR NOT_DATE" },
	{ "5 Nov 2024", 102, 0, "ERR NOT_DATE" },
	{ "", 102, 0, "ERR NOT_DATE" },
	{ "2024-11-05T09:30+15:00", 304, 0, "ERR BAD_ZONE" },
	{ "2024-11-05T09:30+14:30", 304, 0, "ERR BAD_ZONE" },
	{ "2024-11-05T09:30-05:60", 304, 0, "ERR BAD_ZONE" },
	{ "20241105", 999, 0, "ERR BAD_CODE" },
	{ "20241105", 0, E, "ERR BAD_CODE" },
	{ "2024-11-05T10:00Z", 102, E, "ERR HAS_TIME" },
	{ "2024-11-05Z", 102, E, "ERR HAS_TIME" },
	{ "2024-11-05T10:00:30", 203, E, "ERR HAS_SECONDS" },
	{ "2024-11-05T10:00:00", 203, E, "202411051000" },
	{ "2024-11-05T10:00Z", 203, E, "ERR HAS_ZONE" },
	{ "20241105100000+01", 204, E, "ERR HAS_ZONE" },
	{ "2024-11-05", 304, E, "ERR NO_TIME" },
	{ "2024-11-05T10:00", 304, E, "ERR NO_ZONE" },
	{ "2024-11-05T10:00:00.5Z", 304, E, "ERR FRACTION" },
	{ "20241105T100000,1", 204, E, "ERR FRACTION" },
	{ "2024-11-05T09:30:15+05:30", 304, E, "ERR ZONE_MINUTES" },
	{ "2024-11-05T09:30:15+05:30", 304, 0, "ERR ZONE_MINUTES" },
	{ "2024-11-05T09:30:15+05:30", 204, 0, "20241105093015" },
};

/* Every form of number, with the decimal mark found or given, fitted to a format or not, and every refusal. */
static const struct {
	const char *in;
	char mark;
	int len, frac;   /* the format n..len,frac; len 0: none */
	const char *want;
} number_cases[] = {
	{ "1250.00", 0, 0, 0, "1250.00" },
	{ " +42 ", 0, 0, 0, "42" },
	{ "-0.5", 0, 0, 0, "-0.5" },
	{ "1,5", 0, 0, 0, "1.5" },
	{ "1.234,50", 0, 0, 0, "1234.50" },
	{ "1,234.50", 0, 0, 0, "1234.50" },
	{ "12,345,678", 0, 0, 0, "12345678" },
	{ "1.234.567,8", 0, 0, 0, "1234567.8" },
	{ "1 234,5", 0, 0, 0, "1234.5" },
	{ "1'234.5", 0, 0, 0, "1234.5" },
	{ "1\xc2\xa0" "234,5", 0, 0, 0, "1234.5" },
	{ "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567", 0, 0, 0, "1234567" },
	{ "1.234", 0, 0, 0, "1.234" },
	{ ".5", 0, 0, 0, "0.5" },
	{ "-,5", 0, 0, 0, "-0.5" },
	{ "5.", 0, 0, 0, "5" },
	{ "0,234", 0, 0, 0, "0.234" },
	{ "1234,567", 0, 0, 0, "1234.567" },
	{ "007", 0, 0, 0, "007" },
	{ "1,234", 0, 0, 0, "ERR AMBIGUOUS" },
	{ "-999,000", 0, 0, 0, "ERR AMBIGUOUS" },
	{ "12,34,567", 0, 0, 0, "ERR GROUPS" },
	{ "1.234.5", 0, 0, 0, "ERR GROUPS" },
	{ "1,2.3,4", 0, 0, 0, "ERR GROUPS" },
	{ "1 234.567,8", 0, 0, 0, "ERR GROUPS" },
	{ "1234,567,890", 0, 0, 0, "ERR GROUPS" },
	{ "1 23", 0, 0, 0, "ERR GROUPS" },
	{ "1\xc2\xa0" "234 567", 0, 0, 0, "ERR GROUPS" },
	{ "1,,5", 0, 0, 0, "ERR GROUPS" },
	{ "'123", 0, 0, 0, "ERR GROUPS" },
	{ "abc", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "-", 0, 0, 0, "ERR NOT_NUMBER" },
	{ ".", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "1e5", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "+-1", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "1.5 000", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "1\xc2", 0, 0, 0, "ERR NOT_NUMBER" },
	{ "1.234,50", ',', 0, 0, "1234.50" },
	{ "1,234", '.', 0, 0, "1234" },
	{ "1,234", ',', 0, 0, "1.234" },
	{ " +1,020,000 ", '.', 0, 0, "1020000" },
	{ "1.2.3", '.', 0, 0, "ERR NOT_NUMBER" },
	{ "1.5", ',', 0, 0, "ERR GROUPS" },
	{ "1,5000", 0, 16, 2, "1.50" },
	{ "12.000", 0, 16, 0, "12" },
	{ "00012", 0, 5, 0, "00012" },
	{ "0.123456", 0, 6, 6, "0.123456" },
	{ "1,5055", 0, 16, 2, "ERR DIGITS" },
	{ "123456", 0, 5, 0, "ERR DIGITS" },
};

/* s with its control characters shown as '^', for a test's name. */
static const char *shown(const char *s)
{
	static char b[64];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(b); i++)
		b[i] = (unsigned char)s[i] < ' ' ? '^' : s[i];
	b[i] = 0;
	return b;
}

static void table(void)
{
	char out[TDK_NORM_NUMBER_MAX], want[40], big[TDK_NORM_DIGITS_MAX + 2];
	struct tdk_norm_when w;
	struct tdk_norm_num num;
	enum tdk_norm_why why;
	size_t i;

	for (i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
		why = tdk_norm_when_parse(date_cases[i].in, strlen(date_cases[i].in), &w);
		if (!why)
			why = tdk_norm_when_write(&w, date_cases[i].code, date_cases[i].flags, out);
		if (why)
			snprintf(out, sizeof(out), "ERR %s", whys[why]);
		is_str(out, date_cases[i].want, "date '%s' to %d%s", shown(date_cases[i].in), date_cases[i].code,
		       date_cases[i].flags ? ", exact" : "");
		ok(*tdk_norm_why_text(why, date_cases[i].code), "date '%s': a sentence", shown(date_cases[i].in));
	}
	for (i = 0; i < sizeof(number_cases) / sizeof(number_cases[0]); i++) {
		why = tdk_norm_num_parse(number_cases[i].in, strlen(number_cases[i].in), number_cases[i].mark, &num);
		if (!why && number_cases[i].len)
			why = tdk_norm_num_fit(&num, (unsigned)number_cases[i].len, (unsigned)number_cases[i].frac);
		if (!why)
			tdk_norm_num_write(&num, out);
		else
			snprintf(out, sizeof(out), "ERR %s", whys[why]);
		is_str(out, number_cases[i].want, "number '%s', mark '%c'", number_cases[i].in,
		       number_cases[i].mark ? number_cases[i].mark : '?');
	}
	tdk_norm_num_parse("1,234", 5, 0, &num);
	snprintf(want, sizeof(want), "%.*s|%.*s", (int)num.nint, num.digits, (int)num.nfrac, num.digits + num.nint);
	is_str(want, "1|234", "an ambiguous number is held as if the comma were a decimal mark");
	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ok(tdk_norm_num_parse(big, sizeof(big) - 1, 0, &num) == TDK_NORM_TOO_LONG, "more digits than the limit");
	ok(tdk_norm_num_parse(big, sizeof(big) - 2, 0, &num) == TDK_NORM_OK && num.nint == TDK_NORM_DIGITS_MAX,
	   "as many digits as the limit");
	tdk_norm_num_write(&num, out);
	ok(strlen(out) == TDK_NORM_DIGITS_MAX, "and written");
	big[0] = '.';
	ok(tdk_norm_num_parse(big, sizeof(big) - 1, 0, &num) == TDK_NORM_TOO_LONG,
	   "a fraction of as many digits as the limit: its 0 makes one more (found by fuzz-norm)");
	num.neg = 1;
	num.nint = TDK_NORM_DIGITS_MAX - 1;
	num.nfrac = 1;
	tdk_norm_num_write(&num, out);
	ok(strlen(out) + 1 <= TDK_NORM_NUMBER_MAX, "the longest number fits its buffer");
	ok(!strcmp(tdk_norm_why_text(TDK_NORM_TOO_LONG, 0), "has more digits than tdk reads in a number (120)"),
	   "the limit in the sentence is the header's");
	memset(&w, 0, sizeof(w));
	w.y = 2028, w.mo = 2, w.d = 29;
	ok(tdk_norm_when_check(&w) == TDK_NORM_OK, "a caller's leap day");
	w.y = 2027;
	ok(tdk_norm_when_check(&w) == TDK_NORM_NO_SUCH_DATE, "a caller's 29 February 2027");
}

static int parse(const char *text, struct tdk_manifest *m, unsigned long *errors)
{
	struct tdk_diag d;
	int r;

	tdk_diag_init(&d, "t.manifest");
	r = tdk_manifest_parse(m, text, strlen(text), &d);
	*errors = d.errors;
	return r;
}

static void manifests(void)
{
	struct tdk_manifest m;
	unsigned long errors;
	int r;

	r = parse("# a map\nname = a-to-b\nsummary = from a to b\n\nsource = edifact CUSDEC D96B D16A\n"
		  "target = xml urn:x Root\ncarries = X/Y BGM/1004\ncarries = Z\ndrops = FTX free text\r\n", &m, &errors);
	ok(r == 0 && !errors, "a manifest reads");
	is_str(m.name, "a-to-b", "its name");
	is_str(m.summary, "from a to b", "its summary");
	ok(m.source.kind == TDK_MANIFEST_EDIFACT && m.source.nreleases == 2, "an edifact source with two releases");
	is_str(m.source.message, "CUSDEC", "the source message");
	is_str(m.source.releases[1], "D16A", "the second release");
	ok(m.target.kind == TDK_MANIFEST_XML, "an xml target");
	is_str(m.target.ns, "urn:x", "the target namespace");
	is_str(m.target.root, "Root", "the target root");
	ok(m.ncarries == 2 && m.ndrops == 1, "two carries, one drops");
	is_str(m.carries[0].rest, "BGM/1004", "a carries line's source");
	is_str(m.carries[1].rest, "", "a carries line without a source");
	is_str(m.drops[0].rest, "free text", "a drops line, CR dropped");
	ok(m.drops[0].line == 9, "the drops line's number");
	tdk_manifest_release(&m);

	r = parse("name = x\nsource = edifact CUSDEC\ntarget = xml urn:x Root\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "an edifact vocabulary without a release");
	tdk_manifest_release(&m);
	r = parse("name = x\nsource = xml urn:x\ntarget = xml urn:x Root\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "an xml vocabulary without a root");
	tdk_manifest_release(&m);
	r = parse("name = x\nsource = json y\ntarget = xml urn:x Root\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "an unknown vocabulary kind");
	tdk_manifest_release(&m);
	r = parse("name = x\ntarget = bogus y\ntarget = xml urn:x Root\nsource = xml a b\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 2, "a target given again after a broken one (found by fuzz-manifest)");
	tdk_manifest_release(&m);
	r = parse("name = x\nname = y\nsource = xml a b\ntarget = xml urn:x Root\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "a name given twice");
	tdk_manifest_release(&m);
	r = parse("name = x\nsource = xml a b\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "no target");
	tdk_manifest_release(&m);
	r = parse("name = x\ncolour = red\nsource = xml a b\ntarget = xml c d\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "an unknown key");
	tdk_manifest_release(&m);
	r = parse("just words\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors >= 1, "a line that is no key = value");
	tdk_manifest_release(&m);
	r = parse("name = x\nsource = xml a b\ntarget = xml c d\ncarries =\n", &m, &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "an empty carries line");
	tdk_manifest_release(&m);
	{
		char big[TDK_MANIFEST_LINE_MAX + 32];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		r = parse(big, &m, &errors);
		ok(r == TDK_EXIT_NEGATIVE && errors == 1, "a line longer than the limit");
		tdk_manifest_release(&m);
	}
	{
		static const char nul[] = "name = x\0y\nsource = xml a b\ntarget = xml c d\n";
		struct tdk_diag d;

		tdk_diag_init(&d, "t.manifest");
		r = tdk_manifest_parse(&m, nul, sizeof(nul) - 1, &d);
		ok(r == TDK_EXIT_NEGATIVE && d.errors == 1, "a NUL byte");
		tdk_manifest_release(&m);
	}
}

int main(void)
{
	dates();
	numbers();
	table();
	manifests();
	return done();
}
