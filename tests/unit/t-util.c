/* Unit tests of lib/util: the capped buffer, diagnostics and their formats, atomic output. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/io.h"

static struct tdk_diag_item last;
static int emitted;

static void keep(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	last = *it;
	emitted++;
}

static void test_buf(void)
{
	struct tdk_buf b = TDK_BUF_INIT(8);

	ok(tdk_buf_adds(&b, "abcd") == 0 && b.len == 4, "add within the cap");
	ok(tdk_buf_add(&b, "efgh", 4) == 0 && b.len == 8, "add up to the cap exactly");
	ok(tdk_buf_addc(&b, 'x') == -1 && b.len == 8, "one byte past the cap is refused");
	ok(!strcmp(b.data, "abcdefgh"), "contents kept and NUL-terminated after a refusal");
	tdk_buf_reset(&b);
	ok(tdk_buf_addf(&b, "%d-%s", 42, "x") == 0 && !strcmp(b.data, "42-x"), "formatted add");
	ok(tdk_buf_addf(&b, "%s", "too long for it") == -1 && !strcmp(b.data, "42-x"),
	   "formatted add past the cap leaves the buffer unchanged");
	{
		static const unsigned long long vals[] = { 0, 9, 10, 99, 100, 12345, 4294967295ULL,
							   4294967296ULL, 18446744073709551615ULL };
		size_t k;
		int same = 1;

		for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
			char want[32], got[32];

			snprintf(want, sizeof(want), "%llu", vals[k]);
			*tdk_fmt_u(got, vals[k]) = '\0';
			if (strcmp(want, got))
				same = 0;
		}
		ok(same, "tdk_fmt_u writes 0, 9, 10, 99, 100, 2^32 - 1, 2^32 and 2^64 - 1 like printf");
	}
	tdk_buf_release(&b);
	ok(b.data == NULL && b.len == 0, "release empties");
	tdk_buf_init(&b, (size_t)-1);
	ok(tdk_buf_grow(&b, (size_t)-1) == -1, "growing by SIZE_MAX fails cleanly");
	tdk_buf_release(&b);
}

static void test_diag(void)
{
	struct tdk_diag d;
	struct tdk_diag_loc loc;
	struct tdk_buf b = TDK_BUF_INIT(4096);
	struct tdk_junit j;

	tdk_diag_init(&d, "x.edi");
	d.emit = keep;
	d.max_errors = 2;
	memset(&loc, 0, sizeof(loc));
	loc.line = 3;
	loc.col = 7;
	loc.offset = 99;
	loc.edi.segment = 9;
	memcpy(loc.edi.tag, "UNT", 4);
	loc.edi.element = 1;
	ok(tdk_diag_add(&d, TDK_SEV_ERROR, "EDI-CTRL-UNT-COUNT", &loc, "count %d is wrong", 88) == 0,
	   "first error accepted");
	tdk_diag_format_text(&b, &last);
	is_str(b.data, "x.edi:3:7: error: [EDI-CTRL-UNT-COUNT] segment 9 'UNT' element 1: count 88 is wrong\n",
	       "text format is file:line:col: severity: [CODE] position: message");
	tdk_buf_reset(&b);
	tdk_diag_format_json(&b, &last);
	is_str(b.data, "{\"file\":\"x.edi\",\"line\":3,\"column\":7,\"offset\":99,\"severity\":\"error\","
		       "\"code\":\"EDI-CTRL-UNT-COUNT\",\"segment\":9,\"tag\":\"UNT\",\"element\":1,"
		       "\"component\":0,\"repetition\":0,\"message\":\"count 88 is wrong\"}\n",
	       "JSON line carries every position field");
	ok(tdk_diag_add(&d, TDK_SEV_ERROR, "X", NULL, "second") == 1 && d.stopped,
	   "reaching --max-errors stops");
	ok(tdk_diag_add(&d, TDK_SEV_ERROR, "X", NULL, "third") == 1 && emitted == 2 && d.errors == 3,
	   "errors past the limit are counted, not emitted");
	tdk_buf_reset(&b);
	tdk_json_escape(&b, "a\"\\\n\x01", 5);
	is_str(b.data, "a\\\"\\\\\\n\\u0001", "JSON escaping of quotes, backslash, controls");
	tdk_buf_reset(&b);
	tdk_xml_escape(&b, "<&>\"'\x02", 6);
	is_str(b.data, "&lt;&amp;&gt;&quot;&apos;\xEF\xBF\xBD", "XML escaping replaces C0 controls");
	{
		struct tdk_buf s = TDK_BUF_INIT(256);

		is_str(tdk_name(&s, "d\xC3\xA9.asice"), "d\xC3\xA9.asice", "a plain name is printed as it is");
		is_str(tdk_name(&s, "d.asice: file 'evil.exe': signed\nx"),
		       "\"d.asice: file 'evil.exe': signed\\nx\"", "a newline in a name is quoted");
		is_str(tdk_name(&s, "\x1b[2Jx\"\\\t\x7f"), "\"\\033[2Jx\\\"\\\\\\t\\177\"",
		       "escape, quote, backslash, tab and DEL are quoted");
		is_str(tdk_name(&s, "\"q"), "\"\\\"q\"", "a leading double quote is quoted");
		tdk_buf_release(&s);
	}

	tdk_junit_init(&j, "suite");
	tdk_junit_case_add(&j, &last);
	tdk_junit_case_end(&j, "a<b.edi", TDK_JUNIT_FAILURE, "1 error", 0.5);
	tdk_junit_case_end(&j, "ok.edi", TDK_JUNIT_PASSED, NULL, 0.25);
	tdk_junit_case_end(&j, "gone.edi", TDK_JUNIT_ERROR, "cannot open 'gone.edi'", 0);
	tdk_junit_case_end(&j, "d03b.edi", TDK_JUNIT_SKIPPED, "release D.03B is not installed", 0);
	tdk_buf_reset(&b);
	tdk_junit_finish(&j, &b);
	ok(strstr(b.data, "tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\"") != NULL,
	   "JUnit counts tests, failures, errors and skipped");
	ok(strstr(b.data, "<error message=\"cannot open &apos;gone.edi&apos;\"/>") != NULL, "an error case says why");
	ok(strstr(b.data, "<skipped message=\"release D.03B is not installed\"/>") != NULL, "a skipped case says why");
	ok(strstr(b.data, "name=\"a&lt;b.edi\"") && strstr(b.data, "<failure message=\"1 error\""),
	   "JUnit escapes names and reports the failure");
	tdk_junit_release(&j);
	tdk_buf_release(&b);
}

static void test_output(void)
{
	const char *t = getenv("TMPDIR");
	char dir[256], path[300], tmpname[320];
	struct tdk_output o;
	struct stat st;
	FILE *f;
	char got[16] = "";

	snprintf(dir, sizeof(dir), "%s/tdk-unit-XXXXXX", t && *t ? t : "/tmp");
	ok(mkdtemp(dir) != NULL, "scratch folder");
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	ok(tdk_output_open(&o, path, stdout) == 0, "open a named output");
	snprintf(tmpname, sizeof(tmpname), "%s", o.tmp);
	tdk_output_write(&o, "new", 3);
	f = fopen(path, "r");
	ok(f && fread(got, 1, sizeof(got) - 1, f) == 3 && !strcmp(got, "old"),
	   "target untouched until commit");
	if (f)
		fclose(f);
	tdk_output_abort(&o);
	ok(stat(tmpname, &st) != 0, "abort removes the temporary file");
	ok(tdk_output_open(&o, path, stdout) == 0 && tdk_output_write(&o, "new", 3) == 0 &&
	   tdk_output_commit(&o) == 0, "commit");
	memset(got, 0, sizeof(got));
	f = fopen(path, "r");
	ok(f && fread(got, 1, sizeof(got) - 1, f) == 3 && !strcmp(got, "new"), "target replaced on commit");
	if (f)
		fclose(f);
	unlink(path);
	rmdir(dir);
	ok(tdk_output_open(&o, "/nonexistent-dir/x", stdout) == -1 && o.err, "cannot create: errno kept");
}

int main(void)
{
	test_buf();
	test_diag();
	test_output();
	return done();
}
