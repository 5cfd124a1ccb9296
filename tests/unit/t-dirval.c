/*
 * Unit tests of tdk_edi_dirval_partial(): how many messages were checked at
 * the syntax level only, and why the first was, for the per-document driver.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edi/dirval.h"
#include "util/io.h"
#include "tap.h"

static char codes[1024];

static void on_diag(void *arg, const struct tdk_diag_item *it)
{
	size_t n = strlen(codes);

	(void)arg;
	snprintf(codes + n, sizeof(codes) - n, "%s%s", n ? " " : "", it->code);
}

/* Validates text against the releases of folder dirs; returns the partial count and copies the reason. */
static unsigned long run(const char *dirs, const char *text, char *why, size_t size)
{
	char path[] = "/tmp/t-dirval.XXXXXX";
	struct tdk_dir_set set;
	struct tdk_edi_dirval *v;
	struct tdk_edi_sink sink;
	struct tdk_input in;
	struct tdk_diag d;
	const char *w = NULL;
	unsigned long n = 0;
	int fd = mkstemp(path);

	codes[0] = why[0] = '\0';
	if (fd < 0 || tdk_write_all(fd, text, strlen(text)) < 0 || close(fd) < 0)
		return 999;
	tdk_diag_init(&d, "t");
	d.emit = on_diag;
	if (tdk_dir_set_init(&set, "/nonexistent", dirs) < 0 || !(v = tdk_edi_dirval_new(&set, &d)))
		return 999;
	tdk_edi_dirval_sink(v, &sink);
	if (tdk_input_open(&in, path) == 0) {
		tdk_edi_parse_input(&in, NULL, &d, &sink, 1, NULL);
		tdk_input_close(&in);
		n = tdk_edi_dirval_partial(v, &w);
		snprintf(why, size, "%s", w ? w : "(null)");
	}
	ok(tdk_edi_dirval_partial(v, NULL) == n, "the count without a reason asked");
	tdk_edi_dirval_free(v);
	tdk_dir_set_release(&set);
	unlink(path);
	return n;
}

#define UNB "UNB+UNOA:3+S+R+241105:1402+I1'"

int main(void)
{
	const char *repo = getenv("REPO");
	char dirs[4096], why[128];
	unsigned long n;

	snprintf(dirs, sizeof(dirs), "%s/tests/data/dir", repo ? repo : ".");

	n = run(dirs, UNB "UNH+1+GDSRES:D:18T:UN'BGM+1'RFF+AAA:1'UNT+4+1'UNZ+1+I1'", why, sizeof(why));
	ok(n == 0, "a message of an installed release is checked in full (%lu)", n);
	is_str(why, "(null)", "and has no reason");
	is_str(codes, "", "and no diagnostic");

	n = run(dirs, UNB "UNH+1+CUSCAR:D:03B:UN'BGM+85'UNT+3+1'UNZ+1+I1'", why, sizeof(why));
	ok(n == 1, "a message of a release that is not installed: syntax only (%lu)", n);
	is_str(why, "release D03B is not installed", "its reason");
	is_str(codes, "EDI-DIR-RELEASE", "the warning for the missing release is kept");

	n = run(dirs, UNB "UNH+1+ORDERS:D:96A:EN:EAN008'BGM+220'UNT+3+1'UNZ+1+I1'", why, sizeof(why));
	ok(n == 1, "a message of another agency than UN: syntax only (%lu)", n);
	is_str(why, "UNH names no UNTDID release ('D:96A:EN')", "its reason");

	n = run(dirs, UNB "UNH+1+CUSCAR:D:03B:UN'BGM+85'UNT+3+1'UNH+2+CUSCAR:D:03B:UN'BGM+85'UNT+3+2'"
		"UNH+3+ORDERS:1:921:EN'BGM+220'UNT+3+3'UNZ+3+I1'", why, sizeof(why));
	ok(n == 3, "three messages, each counted (%lu)", n);
	is_str(why, "release D03B is not installed", "the reason is the first one's");
	is_str(codes, "EDI-DIR-RELEASE", "the missing release is said once");

	n = run(dirs, UNB "UNH+1+CONTRL:D:3:UN'UCI+I1+S+R+7'UNT+3+1'UNZ+1+I1'", why, sizeof(why));
	ok(n == 0, "CONTRL is checked against ISO 9735 in full (%lu)", n);
	return done();
}
