/* Unit tests of lib/util/csv.c: RFC 4180 records, fixed-width lines, and every fault with its position. */
#include <string.h>

#include "tap.h"
#include "util/csv.h"

static char got[4096], codes[256];

static void catch(void *arg, const struct tdk_diag_item *it)
{
	size_t n = strlen(codes);

	(void)arg;
	snprintf(codes + n, sizeof(codes) - n, "%s%s@%lu:%lu", n ? " " : "", it->code, it->loc.line, it->loc.col);
}

/* Reads text with delimiter delim (and field limit fmax when not 0): records as "a|b;c|d", faults in codes. */
static int rd(const char *text, size_t len, char delim, size_t fmax)
{
	struct tdk_csv_opts o = { delim, fmax, 0, 0 };
	struct tdk_input in;
	struct tdk_diag d;
	struct tdk_csv c;
	size_t i, n = 0;
	int r;

	got[0] = codes[0] = '\0';
	tdk_diag_init(&d, "t.csv");
	d.emit = catch;
	tdk_input_open_mem(&in, "t.csv", text, len);
	tdk_csv_init(&c, &in, &o, &d);
	while ((r = tdk_csv_next(&c)) == TDK_CSV_RECORD) {
		for (i = 0; i < c.n; i++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? "|" : (n ? ";" : ""),
					      tdk_csv_field(&c, i));
	}
	tdk_csv_release(&c);
	return r;
}

#define RD(s, delim) rd((s), sizeof(s) - 1, (delim), 0)

int main(void)
{
	struct tdk_csv_opts o = { ',', 0, 0, 0 };
	struct tdk_input in;
	struct tdk_diag d;
	struct tdk_csv c;
	struct tdk_diag_loc loc;

	ok(RD("a,b\r\n1,2\r\n", ',') == TDK_CSV_END && !strcmp(got, "a|b;1|2") && !*codes, "CRLF records");
	ok(RD("a,b\n1,2", ',') == TDK_CSV_END && !strcmp(got, "a|b;1|2"), "LF records, the last without a line end");
	ok(RD("a,b\r1,2\r", ',') == TDK_CSV_END && !strcmp(got, "a|b;1|2"), "lone CRs end records too");
	ok(RD("x,\"a \"\"b\"\", c\"\n", ',') == TDK_CSV_END && !strcmp(got, "x|a \"b\", c"),
	   "a quoted field with doubled quotes and the delimiter");
	ok(RD("x,\"two\r\nlines\"\ny,z\n", ',') == TDK_CSV_END && !strcmp(got, "x|two\r\nlines;y|z"),
	   "a line break inside quotes is kept");
	ok(RD("a,,\"\"\n", ',') == TDK_CSV_END && !strcmp(got, "a||"), "empty fields, quoted or not");
	ok(RD("a,b\n\n1,2\n\n", ',') == TDK_CSV_END && !strcmp(got, "a|b;1|2"), "empty lines are no records");
	ok(RD("\"\"\n", ',') == TDK_CSV_END && !strcmp(got, ""), "a quoted empty field is a record");
	ok(RD("a;b\n1,5;2\n", ';') == TDK_CSV_END && !strcmp(got, "a|b;1,5|2"), "';' as the delimiter");
	ok(RD("a\tb\n1\t2\n", '\t') == TDK_CSV_END && !strcmp(got, "a|b;1|2"), "tab as the delimiter");
	ok(RD("\xEF\xBB\xBF" "a,b\n1,2\n", ',') == TDK_CSV_END && !strcmp(got, "a|b;1|2") && !strcmp(codes, "CSV-BOM@1:1"),
	   "a byte order mark is skipped with a note");
	ok(RD("na\xC3\xAF" "ve,\xE2\x82\xAC\n", ',') == TDK_CSV_END && !*codes, "UTF-8 is read");

	ok(RD("a,b\n1,2,3\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-RAGGED@2:1") && !strcmp(got, "a|b"),
	   "a record with more fields than the first: CSV-RAGGED at its line");
	ok(RD("a,b\n1\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-RAGGED@2:1"), "and one with fewer");
	ok(RD("a,b\n1,\"open\n2,3\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-QUOTE@2:3"),
	   "a quote left open: CSV-QUOTE at the opening quote");
	ok(RD("a,b\"c\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-QUOTE-STRAY@1:4"),
	   "a quote inside an unquoted field");
	ok(RD("\"a\"b,c\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-QUOTE-STRAY@1:4"), "text after a closing quote");
	ok(rd("a,b\n1,x\0y\n", 10, ',', 0) == TDK_CSV_BAD && !strcmp(codes, "CSV-NUL@2:4"), "a NUL byte: CSV-NUL");
	ok(RD("a,b\n1,\xC3(\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-ENCODING@2:3"),
	   "a broken UTF-8 sequence: CSV-ENCODING at its first byte");
	ok(RD("a,\xC0\xAF" "\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-ENCODING@1:3"), "an overlong form");
	ok(RD("a,\xED\xA0\x80" "\n", ',') == TDK_CSV_BAD && !strcmp(codes, "CSV-ENCODING@1:3"), "a surrogate");
	ok(RD("a,\xE2\x82", ',') == TDK_CSV_BAD && !strncmp(codes, "CSV-ENCODING", 12), "the input ends inside a sequence");
	ok(rd("a,b\nshort,toolong\n", 18, ',', 5) == TDK_CSV_BAD && !strcmp(codes, "CSV-LIMIT@2:7"),
	   "a field over the limit: CSV-LIMIT at the field");

	ok(RD("ABC  12\r\nDEF\"\"34\n", 0) == TDK_CSV_END && !strcmp(got, "ABC  12;DEF\"\"34"),
	   "fixed width: a line is a record, quotes are text");

	o.fields_max = 2;
	tdk_diag_init(&d, "t.csv");
	tdk_input_open_mem(&in, "t.csv", "a,b,c\n", 6);
	tdk_csv_init(&c, &in, &o, &d);
	ok(tdk_csv_next(&c) == TDK_CSV_BAD && d.errors == 1, "more fields than the limit: CSV-LIMIT");
	ok(tdk_csv_next(&c) == TDK_CSV_END, "the reader stays at its end after a fault");
	tdk_csv_release(&c);

	o.fields_max = 0;
	o.record_max = 8;
	tdk_input_open_mem(&in, "t.csv", "abcd,efgh,ij\n", 13);
	tdk_csv_init(&c, &in, &o, &d);
	ok(tdk_csv_next(&c) == TDK_CSV_BAD && d.errors == 2, "a record over the limit: CSV-LIMIT");
	tdk_csv_release(&c);

	tdk_input_open_mem(&in, "t.csv", "a,b\n\"x\",y\n", 10);
	tdk_csv_init(&c, &in, NULL, &d);
	ok(tdk_csv_next(&c) == TDK_CSV_RECORD && tdk_csv_next(&c) == TDK_CSV_RECORD, "two records");
	tdk_csv_loc(&c, 1, &loc);
	ok(loc.line == 2 && loc.col == 5 && loc.offset == 8, "a field's position: line, column and offset");
	ok(!strcmp(tdk_csv_field(&c, 7), ""), "a field past the end is empty");
	tdk_csv_release(&c);
	return done();
}
