/* Unit tests of lib/wco/harmonise-value.c and lib/wco/rules.c: one value per kind, and the rules parser. */
#include <string.h>

#include "tap.h"
#include "util/exitcode.h"
#include "wco/harmonise.h"

static const char countries[] =
	"{\"3166-1\": [\n"
	" {\"alpha_2\": \"CD\", \"alpha_3\": \"COD\", \"numeric\": \"180\", \"name\": \"Congo, The Democratic Republic of the\"},\n"
	" {\"alpha_2\": \"CG\", \"alpha_3\": \"COG\", \"numeric\": \"178\", \"name\": \"Congo\",\n"
	"  \"official_name\": \"Republic of the Congo\"},\n"
	" {\"alpha_2\": \"BO\", \"alpha_3\": \"BOL\", \"numeric\": \"068\", \"name\": \"Bolivia, Plurinational State of\",\n"
	"  \"common_name\": \"Bolivia\"},\n"
	" {\"alpha_2\": \"DE\", \"alpha_3\": \"DEU\", \"numeric\": \"276\", \"name\": \"Germany\"}\n"
	"]}\n";

static struct tdk_harm h;
static char out[512], close_msg[400];
static const char *code, *last_msg;

/* The value as harmonised by a rule of kind k with format f (NULL: none), or "ERR CODE". */
static const char *harm(enum tdk_harm_kind k, const char *f, int date, const char *in)
{
	struct tdk_harm_rules rs;
	struct tdk_harm_rule *r;
	struct tdk_buf b = TDK_BUF_INIT(4096);
	struct tdk_diag d;
	char text[128], msg[400];
	int e;

	tdk_harm_rules_init(&rs);
	tdk_diag_init(&d, "t");
	snprintf(text, sizeof(text), "%s X %s%s", tdk_harm_kind_name(k), f ? "format=" : "", f ? f : "");
	if (tdk_harm_rules_parse(&rs, "t.rules", text, strlen(text), &d) || rs.n != 1)
		return "RULES";
	r = &rs.v[0];
	r->date = date;
	r->upper = k == TDK_HARM_CODE;
	e = tdk_harm_value(&h, r, in, 0, &b, &code, msg, sizeof(msg));
	if (e == 0)
		snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	else
		snprintf(out, sizeof(out), "ERR %s", code);
	last_msg = msg[0] ? strstr(msg, "; close: ") : NULL;
	snprintf(close_msg, sizeof(close_msg), "%s", last_msg ? last_msg : "");
	tdk_buf_release(&b);
	tdk_harm_rules_release(&rs);
	return out;
}

/* One value per line: kind, format (NULL: none), date format code, value, what it becomes ("ERR CODE"). */
static const struct {
	enum tdk_harm_kind kind;
	const char *format;
	int date;
	const char *in, *want, *what;
} cases[] = {
	{ TDK_HARM_COUNTRY, NULL, 0, " deu ", "DE", "alpha-3 in lower case, padded" },
	{ TDK_HARM_COUNTRY, NULL, 0, "276", "DE", "numeric" },
	{ TDK_HARM_COUNTRY, NULL, 0, "Bolivia", "BO", "a common name" },
	{ TDK_HARM_COUNTRY, NULL, 0, "republic of the  congo", "CG", "an official name, any case, blanks" },
	{ TDK_HARM_COUNTRY, NULL, 0, "Congo", "ERR HARM-AMBIGUOUS", "Congo is ambiguous" },
	{ TDK_HARM_COUNTRY, NULL, 0, "ZZ", "ZZ", "a canonical code is left as it is, known or not" },
	{ TDK_HARM_COUNTRY, NULL, 0, "zz", "ERR HARM-UNKNOWN", "an unknown lower-case code" },
	{ TDK_HARM_COUNTRY, NULL, 0, "Germnay", "ERR HARM-UNKNOWN", "a name with a typing mistake" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "+1.234.567,5", "1234567.5", "thousands points, decimal comma" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "1\xc2\xa0" "234.50", "1234.50", "a no-break space groups" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "1,234,567", "1234567", "commas as thousands separators" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "-0,5", "-0.5", "a negative decimal comma" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "1,234", "ERR HARM-AMBIGUOUS", "1,234 is ambiguous" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "12,34,567", "ERR HARM-BAD-NUMBER", "groups of two are refused" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "1e3", "ERR HARM-BAD-NUMBER", "an exponent is no decimal" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "+", "ERR HARM-BAD-NUMBER", "a sign alone" },
	{ TDK_HARM_NUMBER, "n..5", 0, "123456", "ERR HARM-DIGITS", "more digits than n..5" },
	{ TDK_HARM_NUMBER, "n..5", 0, "00012", "00012", "leading zeros kept, not counted" },
	{ TDK_HARM_NUMBER, "n..16,2", 0, "1,5000", "1.50", "trailing zeros past the format go" },
	{ TDK_HARM_NUMBER, "n..16,2", 0, "1,5055", "ERR HARM-DIGITS", "never rounded" },
	{ TDK_HARM_DATE, NULL, 304, "2025-07-31T14:39:31+01:00", "20250731143931+01", "ISO to 304" },
	{ TDK_HARM_DATE, NULL, 304, "20250731T1439Z", "20250731143900Z", "basic ISO, no seconds" },
	{ TDK_HARM_DATE, NULL, 304, "2025-07-31T14:39:31.000-05", "20250731143931-05", "zero fraction" },
	{ TDK_HARM_DATE, NULL, 304, "2025-07-31T14:39:31.5Z", "ERR HARM-BAD-DATE", "a fraction" },
	{ TDK_HARM_DATE, NULL, 304, "2025-07-31T14:39:31", "ERR HARM-BAD-DATE", "no time zone" },
	{ TDK_HARM_DATE, NULL, 102, "\n2024-02-29\n", "20240229", "a leap day to 102" },
	{ TDK_HARM_DATE, NULL, 102, "2023-02-29", "ERR HARM-BAD-DATE", "no leap day in 2023" },
	{ TDK_HARM_DATE, NULL, 102, "20250731", "20250731", "102 stays 102" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, ".5", "0.5", "an XSD decimal without an integer part" },
	{ TDK_HARM_NUMBER, "n..16,6", 0, "12345,678", "12345.678", "no thousands grouping gives 12345,678" },
	{ TDK_HARM_NUMBER, "n..1,1", 0, "0.5", "0.5", "a leading zero is no digit of the format" },
	{ TDK_HARM_DATE, NULL, 304, "2025-07-31T14:39:31+15:00", "ERR HARM-BAD-DATE", "an offset past +14:00" },
	{ TDK_HARM_DATE, NULL, 304, "2025-07-31T1439Z", "ERR HARM-BAD-DATE", "extended and basic mixed" },
	{ TDK_HARM_DATE, NULL, 304, "20250731143931+00", "20250731143931+00", "a zero offset as given" },
	{ TDK_HARM_CODE, "an..3", 0, " imz ", "IMZ", "a code trimmed and in capitals" },
	{ TDK_HARM_CODE, "an..3", 0, "imzz", "ERR HARM-TOO-LONG", "a code longer than its format" },
	{ TDK_HARM_ID, "an..3", 0, "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9", "characters, not bytes" },
};

static void values(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(harm(cases[i].kind, cases[i].format, cases[i].date, cases[i].in), cases[i].want, "%s",
		       cases[i].what);
	harm(TDK_HARM_COUNTRY, NULL, 0, "Germnay");
	is_str(close_msg, "; close: DE (Germany)?", "an unknown name lists the names a typing mistake or two away");
	harm(TDK_HARM_COUNTRY, NULL, 0, "Atlantis");
	is_str(close_msg, "", "and none when none is close");
}

/* A rules text's status, its faults and the rules kept: "STATUS ERRORS RULES". */
static const char *faults_n(const char *text, size_t n)
{
	static char res[64];
	struct tdk_harm_rules rs;
	struct tdk_diag d;
	int r;

	tdk_harm_rules_init(&rs);
	tdk_diag_init(&d, "t");
	r = tdk_harm_rules_parse(&rs, "t.rules", text, n, &d);
	snprintf(res, sizeof(res), "%d %lu %zu", r, d.errors, rs.n);
	tdk_harm_rules_release(&rs);
	return res;
}

#define faults(s) faults_n(s, sizeof(s) - 1)

static void rules(void)
{
	struct tdk_harm_rules rs;
	struct tdk_diag d;
	const char text[] = "# c\nnamespace urn:x\n\ncountry /A/*/B  # trailing\nunit B/@unitCode\nnumber C format=n..16,6\n";

	tdk_harm_rules_init(&rs);
	tdk_diag_init(&d, "t");
	ok(tdk_harm_rules_parse(&rs, "dir/t.rules", text, sizeof(text) - 1, &d) == 0 && rs.n == 3 && rs.nfiles == 1,
	   "a rules text with a namespace, comments and three rules");
	ok(rs.v[0].anchored && rs.v[0].nsteps == 3 && !strcmp(rs.v[0].steps[1], "*") && !rs.v[0].attr,
	   "an anchored selector with a wildcard");
	ok(rs.v[1].nsteps == 1 && !strcmp(rs.v[1].attr, "unitCode"), "an attribute step");
	ok(rs.v[2].format.numeric && rs.v[2].format.len == 16 && rs.v[2].format.frac == 6, "n..16,6");
	is_str(rs.v[2].where, "t.rules:6", "a rule is named by the file's last component and its line");
	is_str(rs.ns[0], "urn:x", "the namespace is kept");
	tdk_harm_rules_release(&rs);
	is_str(faults("number X format=n..3,4\n"), "1 1 0", "more fraction than total digits");
	is_str(faults("id A/\n"), "1 1 0", "a selector ending in '/'");
	is_str(faults("id @a/b\n"), "1 1 0", "an attribute step that is not last");
	is_str(faults("id A\nbad B\nid C\n"), "1 1 0", "one fault: no rule of the text is kept");
	is_str(faults("id A\0B\n"), "1 1 0", "a NUL byte");
	is_str(faults("id A format=an0\n"), "1 1 0", "a length of 0");
	is_str(faults(""), "0 0 0", "an empty text");
}

int main(void)
{
	struct tdk_diag d;

	memset(&h, 0, sizeof(h));
	tdk_diag_init(&d, "t");
	ok(tdk_codes_load_mem(&h.lists[TDK_CODES_COUNTRY], TDK_CODES_COUNTRY, "c.json", countries,
			      sizeof(countries) - 1, &d) == 0, "a small country list");
	h.loaded[TDK_CODES_COUNTRY] = 1;
	values();
	rules();
	tdk_harm_release(&h);
	return done();
}
