/*
 * Unit tests of lib/wco/norm.c (dates to UNCL 2379 format codes, numbers to
 * the XML Schema decimal form) and lib/wco/manifest.c (map manifests).
 */
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
	date("20241105093015-0530", "304", "20241105093015-0530");
	date("2024-11-05", "102", "20241105");
	date("2024-11-05T09:30", "304", "20241105093000Z");
	date("2024-11-05T09:30:15.250Z", "204", "20241105093015");
	date("2024-11-05T09:30:15+01:00", "304", "20241105093015+01");
	date("2024-11-05T09:30:15-05:30", "304", "20241105093015-0530");
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
	manifests();
	return done();
}
