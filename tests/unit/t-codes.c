/* Unit tests of lib/wco/codes.c: the iso-codes reader and the lookups. */
#include <string.h>

#include "tap.h"
#include "util/exitcode.h"
#include "wco/codes.h"

static const char countries[] =
	"{\"3166-1\": [\n"
	" {\"alpha_2\": \"AF\", \"alpha_3\": \"AFG\", \"numeric\": \"004\", \"name\": \"Afghanistan\"},\n"
	" {\"alpha_2\": \"DE\", \"alpha_3\": \"DEU\", \"numeric\": \"276\", \"name\": \"Germany\",\n"
	"  \"official_name\": \"Federal Republic of Germany\", \"flag\": \"\\ud83c\\udde9\\ud83c\\uddea\"}\n"
	"]}\n";

static const char *load_error(const char *json, enum tdk_codes_list list, int *status)
{
	static char code[64];
	struct tdk_codes c;
	struct tdk_diag d;

	tdk_diag_init(&d, "t");
	*status = tdk_codes_load_mem(&c, list, "t.json", json, strlen(json), &d);
	snprintf(code, sizeof(code), "%lu %zu", d.errors, c.n);
	tdk_codes_release(&c);
	return code;
}

int main(void)
{
	struct tdk_codes c;
	struct tdk_diag d;
	const struct tdk_code *e;
	int r;

	tdk_diag_init(&d, "t");
	r = tdk_codes_load_mem(&c, TDK_CODES_COUNTRY, "t.json", countries, sizeof(countries) - 1, &d);
	ok(r == 0 && c.n == 2 && d.errors == 0, "a small iso_3166-1.json loads");
	e = tdk_codes_find(&c, "deu");
	ok(e && !strcmp(tdk_codes_str(&c, e->code), "DE"), "alpha-3 in lower case finds the entry");
	ok(e && !strcmp(tdk_codes_str(&c, e->official), "Federal Republic of Germany"), "the official name is kept");
	ok(tdk_codes_find(&c, "4") == &c.v[0] && tdk_codes_find(&c, "004") == &c.v[0],
	   "a numeric code with or without its leading zeros");
	ok(!tdk_codes_find(&c, "0004") && !tdk_codes_find(&c, "") && !tdk_codes_find(&c, "D"),
	   "four digits, an empty word and a prefix find nothing");
	ok(!tdk_codes_find(&c, "DE\n") && !tdk_codes_find(&c, "d\xc3\xa9"), "no trailing newline, no other letters");
	ok(c.v[0].official == 0 && !strcmp(tdk_codes_str(&c, c.v[0].official), ""), "an absent field is empty");
	tdk_codes_release(&c);

	ok(!strcmp(load_error("{\"4217\": [{\"alpha_3\": \"EUR\", \"numeric\": \"978\", \"name\": \"Euro\"}]}",
			      TDK_CODES_CURRENCY, &r), "0 1") && r == 0, "a currency list loads");
	ok(!strcmp(load_error("{\"4217\": []}", TDK_CODES_COUNTRY, &r), "1 0") && r == TDK_EXIT_IO,
	   "a currency file read as countries is refused and leaves the list empty");
	ok(!strcmp(load_error("", TDK_CODES_COUNTRY, &r), "1 0") && r == TDK_EXIT_IO, "an empty file is refused");
	ok(!strcmp(load_error("{\"3166-1\": [{\"alpha_2\": \"DE\"}, ]}", TDK_CODES_COUNTRY, &r), "1 0") &&
	   r == TDK_EXIT_IO, "a trailing comma is refused");
	ok(!strcmp(load_error("{\"3166-1\": [{\"alpha_2\": \"DE\", \"x\": 01}]}", TDK_CODES_COUNTRY, &r), "1 0") &&
	   r == TDK_EXIT_IO, "a number with a leading zero is refused (RFC 8259 §6)");
	ok(!strcmp(load_error("{\"3166-1\": [{\"alpha_2\": \"\"}]}", TDK_CODES_COUNTRY, &r), "1 0") &&
	   r == TDK_EXIT_IO, "an empty code is refused");
	ok(!strcmp(load_error("{\"3166-1\": [{\"alpha_2\": \"\\ud800x\"}]}", TDK_CODES_COUNTRY, &r), "1 0") &&
	   r == TDK_EXIT_IO, "a high surrogate without a low one is refused");
	tdk_diag_init(&d, "t");
	r = tdk_codes_load_mem(&c, TDK_CODES_CURRENCY, "t.json",
			       "{\"4217\": [{\"alpha_3\": \"ABC\", \"numeric\": \"123\"}, {\"alpha_3\": \"123\"}]}", 68, &d);
	ok(r == 0 && c.n == 2 && (e = tdk_codes_find(&c, "123")) == &c.v[1],
	   "a code of digits is found as a code before another entry's numeric code");
	tdk_codes_release(&c);
	return done();
}
