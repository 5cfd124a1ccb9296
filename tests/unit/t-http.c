/*
 * Unit tests of lib/net: Retry-After in its three date forms and as
 * seconds, origins compared for redirects, the token response (RFC 6749
 * §5.1/§5.2) with a malformed twin beside each accepted form, and the CDS
 * errorResponse with the position its messages name.
 */
#include <string.h>
#include <time.h>

#include "net/cds-error.h"
#include "net/http.h"
#include "net/oauth.h"
#include "tap.h"

static long after(const char *s, time_t now)
{
	long v = -99;

	return tdk_http_retry_after(s, strlen(s), now, &v) < 0 ? -1 : v;
}

static void retry_after(void)
{
	time_t t0 = 784111777;   /* Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example */
	static const char *const bad[] = { "", " ", "-1", "1.5", "7s", "Sun, 06 Nov 1994 08:49:37 UTC",
					   "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
					   "Sunday, 06-Nov-94 08:49:37", "Sun Nov 6 08:49:37", "tomorrow",
					   "Sun, 06 Nov 1994 08:49:37 GMT x", "Sun, 6 Nov 1994 08:49:37 GMT" };
	size_t i;

	ok(after("120", t0) == 120, "delay-seconds");
	ok(after("  0 ", t0) == 0, "zero seconds, white space around");
	ok(after("99999999999999999999", t0) == 2147483647L, "a huge delay is capped, not wrapped");
	ok(after("Sun, 06 Nov 1994 08:49:37 GMT", t0 - 60) == 60, "IMF-fixdate a minute ahead");
	ok(after("Sunday, 06-Nov-94 08:49:37 GMT", t0 - 5) == 5, "the obsolete RFC 850 form");
	ok(after("Sun Nov  6 08:49:37 1994", t0 - 1) == 1, "the obsolete asctime form");
	ok(after("Sun, 06 Nov 1994 08:49:37 GMT", t0 + 100) == 0, "a date in the past is no delay");
	ok(after("Thu, 29 Feb 2024 00:00:00 GMT", 1709164800 - 10) == 10, "a leap day");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(after(bad[i], t0) == -1, "refused: '%s'", bad[i]);
}

static void origins(void)
{
	ok(tdk_http_same_origin("https://a.example/x", "https://A.EXAMPLE:443/y?z") == 1, "host case and default port");
	ok(tdk_http_same_origin("https://a.example/x", "https://a.example:8443/x") == 0, "another port");
	ok(tdk_http_same_origin("https://a.example/x", "http://a.example/x") == 0, "another scheme");
	ok(tdk_http_same_origin("https://a.example/x", "https://a.example.evil/x") == 0, "a longer host");
	ok(tdk_http_same_origin("https://a.example/x", "https://user@b.example/") == 0, "userinfo does not fool it");
	ok(tdk_http_same_origin("https://a.example/x", "::not a url") == -1, "an unreadable URL");
}

static int token(const char *json, int want, const char *code)
{
	struct tdk_oauth_token t;
	struct tdk_oauth_error e;
	struct tdk_diag d;
	int r;

	tdk_diag_init(&d, "t");
	tdk_oauth_token_init(&t);
	r = tdk_oauth_token_parse(json, strlen(json), 1000, &t, &e, &d);
	if (r == 0 && (t.expires_in >= 0 ? t.expires_at != 1000 + t.expires_in : t.expires_at != 0))
		r = 9;
	if (r == 1 && code && strcmp(e.error, code))
		r = 9;
	tdk_oauth_token_release(&t);
	return r == want && (want != -1 || d.errors == 1);
}

static void tokens(void)
{
	ok(token("{\"access_token\":\"2YotnFZFEjr1zCsicMWpAA\",\"token_type\":\"example\"}", -1, NULL),
	   "a type other than Bearer is refused");
	ok(token("{\"access_token\":\"2YotnFZFEjr1zCsicMWpAA\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
		 "\"refresh_token\":\"tGzv3JOkF0XG5Qx2TlKWIA\",\"example_parameter\":{\"a\":[1,2]}}", 0, NULL),
	   "RFC 6749 §5.1's example with Bearer; unknown members skipped");
	ok(token("{\"token_type\":\"bearer\",\"access_token\":\"a-b._~+/c==\",\"expires_in\":\"60\"}", 0, NULL),
	   "any case of Bearer, expires_in as a string of digits");
	ok(token("{\"token_type\":\"Bearer\",\"access_token\":\"abc\"}", 0, NULL), "no expires_in: unknown expiry");
	ok(token("{\"error\":\"invalid_grant\",\"error_description\":\"bad\\u0007code\"}", 1, "invalid_grant"),
	   "an error response");
	ok(token("{\"token_type\":\"Bearer\"}", -1, NULL), "twin: no access_token");
	ok(token("{\"access_token\":\"abc\"}", -1, NULL), "twin: no token_type");
	ok(token("{\"access_token\":\"abc\",\"access_token\":\"def\",\"token_type\":\"Bearer\"}", -1, NULL),
	   "twin: a member twice");
	ok(token("{\"access_token\":\"a\\r\\nX: y\",\"token_type\":\"Bearer\"}", -1, NULL),
	   "twin: a token that would forge a header line");
	ok(token("{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":-5}", -1, NULL),
	   "twin: a negative expires_in");
	ok(token("{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":1.5}", -1, NULL),
	   "twin: a fractional expires_in");
	ok(token("{\"access_token\":7,\"token_type\":\"Bearer\"}", -1, NULL), "twin: a token that is a number");
	ok(token("[\"access_token\"]", -1, NULL), "twin: not an object");
	ok(token("{\"access_token\":\"abc\",\"token_type\":\"Bearer\"} x", -1, NULL), "twin: text after the object");
	ok(token("", -1, NULL), "twin: an empty answer");
}

static void cds_errors(void)
{
	static const char ok400[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errorResponse>\n <code>BAD_REQUEST</code>\n"
		" <message>Payload is not valid according to schema</message>\n <errors>\n  <error>\n"
		"   <code>xml_validation_error</code>\n   <message>Error at line 13, column 13: no declaration "
		"found for element 'unknown'</message>\n  </error>\n </errors>\n</errorResponse>\n";
	static const char *const bad[] = {
		"<errorResponse><code>X</code>", "<other><code>X</code></other>", "<errorResponse><message>m</message></errorResponse>",
		"<!DOCTYPE e [<!ENTITY x \"y\">]><errorResponse><code>&x;</code></errorResponse>", "",
	};
	struct tdk_cds_error e;
	struct tdk_diag d;
	unsigned long line = 0, col = 0;
	const char *rest = NULL;
	size_t i;

	tdk_diag_init(&d, "t");
	ok(tdk_cds_error_parse(ok400, sizeof(ok400) - 1, "400.xml", &e, &d) == 0 && !d.errors, "a 400 errorResponse");
	is_str(e.code, "BAD_REQUEST", "its code");
	ok(e.n == 1 && !strcmp(e.v[0].code, "xml_validation_error"), "one error with its code");
	ok(e.n == 1 && tdk_cds_error_position(e.v[0].message, &line, &col, &rest) && line == 13 && col == 13 &&
	   !strcmp(rest, "no declaration found for element 'unknown'"), "the position its message names");
	tdk_cds_error_release(&e);
	ok(!tdk_cds_error_position("Error at line 13: x", &line, &col, &rest), "a message naming no column");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tdk_diag_init(&d, "t");
		ok(tdk_cds_error_parse(bad[i], strlen(bad[i]), "bad.xml", &e, &d) == -1 && d.errors && !e.code,
		   "twin %zu refused with a diagnostic", i + 1);
	}
}

int main(void)
{
	retry_after();
	origins();
	tokens();
	cds_errors();
	return done();
}
