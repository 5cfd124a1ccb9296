/*
 * Unit tests of lib/net/endpoint.c and lib/util/secret.c: values as parsed,
 * defaults, resolved file names, the Accept header, where the file is
 * found, faults with their positions, and the secret read from a
 * descriptor, a variable and a file byte for byte, a refused file, a line
 * too long wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/endpoint.h"
#include "tap.h"
#include "util/exitcode.h"
#include "util/secret.h"

static char codes[1024];

static void catch(void *arg, const struct tdk_diag_item *it)
{
	size_t n = strlen(codes);

	(void)arg;
	snprintf(codes + n, sizeof(codes) - n, "%s%s@%lu:%lu", n ? " " : "", it->code, it->loc.line, it->loc.col);
}

static int parse(struct tdk_endpoints *eps, const char *text)
{
	struct tdk_diag d;

	codes[0] = '\0';
	tdk_diag_init(&d, "t/ep");
	d.emit = catch;
	return tdk_endpoints_parse(eps, "t/ep", text, strlen(text), "/h/u", &d);
}

#define REST "[cds]\nprofile = rest\nurl = https://a.example/d\ngrant = client-credentials\n" \
	     "token-url = https://a.example/t\nclient-id = id\n"

static void test_values(void)
{
	struct tdk_endpoints eps;
	const struct tdk_endpoint *e;
	char buf[64];

	tdk_endpoints_init(&eps);
	ok(parse(&eps, REST "client-secret-env = S\napi-version = 2.0\ncatalog = ~/c.xml\nrules = r.sch\n"
		 "ca-file = /etc/ca.pem\ntimeout = 5\n[as]\nprofile = as4\nurl = http://localhost:1/\n"
		 "from-party = F\nto-party = T\nservice = s\naction = a\nkey = k.p12\npartner-cert = p.pem\n") == 0,
	   "a rest and an as4 endpoint parse");
	is_str(codes, "", "no diagnostics");
	ok(eps.n == 2, "two endpoints");
	e = tdk_endpoints_find(&eps, "cds");
	ok(e && e->profile == TDK_PROFILE_REST && e->line == 1, "cds: rest, at line 1");
	is_str(e ? e->path[TDK_EK_CATALOG] : NULL, "/h/u/c.xml", "~/ is HOME");
	is_str(e ? e->path[TDK_EK_RULES] : NULL, "t/r.sch", "a relative name is taken from the file's folder");
	is_str(e ? e->path[TDK_EK_CA_FILE] : NULL, "/etc/ca.pem", "an absolute name is kept");
	ok(e && e->timeout == 5 && e->connect_timeout == TDK_ENDPOINT_CONNECT_TIMEOUT_DEFAULT &&
	   e->retries == TDK_ENDPOINT_RETRIES_DEFAULT, "timeout set, the others defaulted");
	is_str(e ? tdk_endpoint_accept(e, buf, sizeof(buf)) : NULL, "application/vnd.hmrc.2.0+xml",
	       "api-version sets the Accept header");
	ok(e && tdk_endpoint_secret_source(e) == TDK_SECRET_ENV, "the secret comes from a variable");
	ok(e && e->vline[TDK_EK_URL] == 3 && e->kcol[TDK_EK_URL] == 1 && e->vcol[TDK_EK_URL] == 7,
	   "a value's position");
	e = tdk_endpoints_find(&eps, "as");
	ok(e && e->profile == TDK_PROFILE_AS4 && !tdk_endpoint_accept(e, buf, sizeof(buf)), "as: as4, no Accept");
	ok(!tdk_endpoints_find(&eps, "CDS"), "names are compared exactly");
	tdk_endpoints_release(&eps);
	ok(eps.n == 0 && !eps.e, "release empties");
}

static void test_faults(void)
{
	struct tdk_endpoints eps;

	tdk_endpoints_init(&eps);
	ok(parse(&eps, REST "client-secret-fd = 3\nclient-secret-file = s\n") == TDK_EXIT_USAGE && eps.n == 0,
	   "a fault refuses the whole file");
	is_str(codes, "ENDPOINT-CONFLICT@1:1", "two secret sources");
	parse(&eps, "x = 1\n[a]\nprofile = as2\nurl = https://a/\nas2-from = A\nas2-to = B\nkey = k\n"
		    "partner-cert = c\nsign = md5\nretries = 1x\n");
	is_str(codes, "ENDPOINT-UNKNOWN-KEY@1:1 ENDPOINT-VALUE@9:8 ENDPOINT-NUMBER@10:11",
	       "faults in file order, each at its column");
	parse(&eps, "[a]\nprofile = rest\nurl = https://a.example/\n");
	is_str(codes, "ENDPOINT-MISSING@1:1 ENDPOINT-MISSING@1:1 ENDPOINT-MISSING@1:1",
	       "grant, token-url and client-id missing");
	parse(&eps, "[a]\nprofile = as2\nurl = https://a/\nas2-from = A\nas2-to = B\nkey = ~x/k\npartner-cert = c\n");
	is_str(codes, "ENDPOINT-PATH@6:7", "~user refused");
	parse(&eps, "[a]\nprofile = as2\nurl = https://a/\nas2-from = A\nas2-to = B\nkey = k\npartner-cert = c\n"
		    "[b c]\nretries = 1x\nas2-to = C\n[d e]\n");
	is_str(codes, "ENDPOINT-NAME@8:2 ENDPOINT-NAME@11:2",
	       "the settings under a refused header belong to no endpoint, and are not checked twice");
	ok(parse(&eps, "") == 0 && eps.n == 0, "an empty file is no endpoint");
	tdk_endpoints_release(&eps);
}

static void test_default_path(void)
{
	char buf[256];

	setenv("HOME", "/h", 1);
	unsetenv("TDK_ENDPOINTS");
	unsetenv("XDG_CONFIG_HOME");
	is_str(tdk_endpoints_default_path(buf, sizeof(buf)), "/h/.config/tdk/endpoints", "under HOME");
	setenv("XDG_CONFIG_HOME", "relative", 1);
	is_str(tdk_endpoints_default_path(buf, sizeof(buf)), "/h/.config/tdk/endpoints",
	       "a relative XDG_CONFIG_HOME is ignored");
	setenv("XDG_CONFIG_HOME", "/x", 1);
	is_str(tdk_endpoints_default_path(buf, sizeof(buf)), "/x/tdk/endpoints", "under XDG_CONFIG_HOME");
	setenv("TDK_ENDPOINTS", "/e", 1);
	is_str(tdk_endpoints_default_path(buf, sizeof(buf)), "/e", "TDK_ENDPOINTS first");
	ok(!tdk_endpoints_default_path(buf, 2), "a name that does not fit");
	unsetenv("TDK_ENDPOINTS");
	unsetenv("XDG_CONFIG_HOME");
}

static void test_secrets(void)
{
	static const char secret[] = "s3cr3t value";
	struct tdk_endpoints eps;
	struct tdk_diag d;
	char buf[64], path[] = "/tmp/t-endpoint-XXXXXX", text[512];
	int p[2], fd, n;

	tdk_diag_init(&d, "?");
	d.emit = catch;
	tdk_endpoints_init(&eps);
	ok(pipe(p) == 0 && write(p[1], "s3cr3t value\r\nnext", 18) == 18, "a pipe holds a secret");
	close(p[1]);
	snprintf(text, sizeof(text), REST "client-secret-fd = %d\n", p[0]);
	parse(&eps, text);
	n = tdk_endpoint_secret(&eps, &eps.e[0], buf, sizeof(buf), &d);
	ok(n == (int)strlen(secret) && !strcmp(buf, secret), "from a descriptor: the first line, without CR LF");
	close(p[0]);

	setenv("T_SECRET", secret, 1);
	parse(&eps, REST "client-secret-env = T_SECRET\n");
	n = tdk_endpoint_secret(&eps, &eps.e[0], buf, sizeof(buf), &d);
	ok(n == (int)strlen(secret) && !strcmp(buf, secret) && !getenv("T_SECRET"),
	   "from a variable, which is then gone");

	fd = mkstemp(path);
	ok(fd >= 0 && write(fd, secret, strlen(secret)) == (ssize_t)strlen(secret), "a secret file");
	close(fd);
	snprintf(text, sizeof(text), REST "client-secret-file = %s\n", path);
	parse(&eps, text);
	chmod(path, 0600);
	n = tdk_endpoint_secret(&eps, &eps.e[0], buf, sizeof(buf), &d);
	ok(n == (int)strlen(secret) && !strcmp(buf, secret), "from a 0600 file, without a line end");
	chmod(path, 0640);
	codes[0] = '\0';
	n = tdk_endpoint_secret(&eps, &eps.e[0], buf, sizeof(buf), &d);
	ok(n == -TDK_EXIT_USAGE, "a 0640 file is refused");
	is_str(codes, "ENDPOINT-SECRET-MODE@7:22", "with its code at the setting's value");
	chmod(path, 0600);
	codes[0] = '\0';
	n = tdk_endpoint_secret(&eps, &eps.e[0], buf, 5, &d);
	ok(n == -TDK_EXIT_USAGE && !memchr(buf, 's', 5), "a secret longer than the buffer: refused, buffer wiped");
	unlink(path);
	tdk_secret_wipe(buf, sizeof(buf));
	ok(!memchr(buf, 's', sizeof(buf)), "tdk_secret_wipe clears");
	tdk_endpoints_release(&eps);
}

int main(void)
{
	test_values();
	test_faults();
	test_default_path();
	test_secrets();
	return done();
}
