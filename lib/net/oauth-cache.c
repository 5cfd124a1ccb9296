/*
 * The token cache (oauth.h): DIR/NAME.token ("key value" lines: type,
 * expires_at, scope, access_token) and DIR/NAME.refresh (refresh_token),
 * both 0600 in a 0700 folder, written through a temporary file renamed over
 * the old one, read only when no one else can read them.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/oauth-int.h"
#include "util/exitcode.h"

#define CACHE_FILE_MAX (4 * TDK_OAUTH_TOKEN_MAX)

static int cache_fail(struct tdk_diag *d, const char *code, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int cache_fail(struct tdk_diag *d, const char *code, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, code, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

/* The cache folder: c->cache_dir, $XDG_CACHE_HOME/tdk (absolute only), or $HOME/.cache/tdk. */
static int cache_dir(const struct tdk_oauth_client *c, char *out, size_t n, struct tdk_diag *d)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int w;

	if (c->cache_dir)
		w = snprintf(out, n, "%s", c->cache_dir);
	else if (x && x[0] == '/')
		w = snprintf(out, n, "%s/tdk", x);
	else if (home && home[0] == '/')
		w = snprintf(out, n, "%s/.cache/tdk", home);
	else
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "no cache folder: HOME is not set");
	if (w < 0 || (size_t)w >= n)
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "the cache folder's name is too long");
	return 0;
}

/* Makes dir and its missing parents 0700; refuses a folder others may write or that is not ours. */
static int make_dir(char *dir, struct tdk_diag *d)
{
	struct stat st;
	char *s;

	for (s = dir + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				int e = errno;

				*s = '/';
				return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", dir, strerror(e));
			}
			*s = '/';
		}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return cache_fail(d, "OAUTH-CACHE-MODE", TDK_EXIT_TRUST,
				  "%s: the cache folder must be a folder of ours that no one else can write", dir);
	return 0;
}

static int valid_name(const char *name)
{
	const char *s;

	if (!name[0] || name[0] == '.' || strlen(name) > 100)
		return 0;
	for (s = name; *s; s++)
		if (!(((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') || (*s >= '0' && *s <= '9') || strchr("._-", *s)))
			return 0;
	return 1;
}

static int path_of(const struct tdk_oauth_client *c, const char *ext, char *out, size_t n, int make,
		   struct tdk_diag *d)
{
	char dir[4096];
	int rc;

	if (!valid_name(c->name))
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_USAGE,
				  "the endpoint name cannot name a cache file (letters, digits, '.', '_', '-')");
	if ((rc = cache_dir(c, dir, sizeof(dir), d)) != 0 || (make && (rc = make_dir(dir, d)) != 0))
		return rc;
	if ((size_t)snprintf(out, n, "%s/%s.%s", dir, c->name, ext) >= n)
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "the cache file's name is too long");
	return 0;
}

/* Reads path whole into b; 1 when it does not exist.  Refuses a file others can read. */
static int read_private(const char *path, struct tdk_buf *b, struct tdk_diag *d)
{
	struct stat st;
	char chunk[4096];
	ssize_t k;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 1 : cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		rc = cache_fail(d, "OAUTH-CACHE-MODE", TDK_EXIT_TRUST,
				"%s: a cache file must be ours and readable by no one else (mode 0600)", path);
		goto out;
	}
	while ((k = read(fd, chunk, sizeof(chunk))) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || tdk_buf_add(b, chunk, (size_t)k) < 0) {
			rc = cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: unreadable or too large", path);
			break;
		}
	}
out:
	tdk_wipe(chunk, sizeof(chunk));
	close(fd);
	return rc;
}

/* The value of "key value" in the text, copied; NULL when absent. */
static char *field(const struct tdk_buf *b, const char *key)
{
	const char *p = b->data, *end = p ? p + b->len : NULL, *eol;
	size_t n = strlen(key);

	for (; p && p < end; p = eol + 1) {
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			eol = end;
		if ((size_t)(eol - p) > n && !memcmp(p, key, n) && p[n] == ' ')
			return strndup(p + n + 1, (size_t)(eol - p - n - 1));
	}
	return NULL;
}

int tdk_oauth_cache_load(const struct tdk_oauth_client *c, time_t now, struct tdk_oauth_token *t,
			 struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(CACHE_FILE_MAX);
	char path[4200], *at = NULL;
	int rc;

	tdk_oauth_token_release(t);
	if ((rc = path_of(c, "refresh", path, sizeof(path), 0, d)) != 0 || (rc = read_private(path, &b, d)) > 1)
		goto out;
	t->refresh_token = field(&b, "refresh_token");
	tdk_buf_reset(&b);
	if ((rc = path_of(c, "token", path, sizeof(path), 0, d)) != 0 || (rc = read_private(path, &b, d)) != 0)
		goto out;
	t->access_token = field(&b, "access_token");
	t->scope = field(&b, "scope");
	at = field(&b, "expires_at");
	t->expires_at = at ? (time_t)strtoll(at, NULL, 10) : 0;
	memcpy(t->token_type, "Bearer", 7);
	/* A token that could not go into a header line as it is counts as none. */
	rc = t->access_token && oauth_is_b64token(t->access_token, strlen(t->access_token)) &&
	     (!t->expires_at || t->expires_at - TDK_OAUTH_EXPIRY_SKEW > now) ? 0 : 1;
	if (rc) {
		char *keep = t->refresh_token;

		t->refresh_token = NULL;
		tdk_oauth_token_release(t);
		t->refresh_token = keep;
	}
out:
	free(at);
	oauth_buf_wipe(&b);
	return rc;
}

/* Writes text to path atomically, mode 0600. */
static int write_private(const char *path, const struct tdk_buf *text, struct tdk_diag *d)
{
	char tmp[4300];
	size_t off = 0;
	ssize_t k;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", path, strerror(errno));
	while (off < text->len) {
		if ((k = write(fd, text->data + off, text->len - off)) < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	if (off < text->len || fchmod(fd, 0600) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", path, strerror(e));
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", path, strerror(e));
	}
	return 0;
}

int tdk_oauth_cache_store(const struct tdk_oauth_client *c, const struct tdk_oauth_token *t, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(CACHE_FILE_MAX);
	char path[4200];
	int rc;

	if (t->refresh_token) {
		if ((rc = path_of(c, "refresh", path, sizeof(path), 1, d)) != 0)
			goto out;
		if (tdk_buf_addl(&b, "tdk-oauth-refresh 1\nrefresh_token ") < 0 || tdk_buf_adds(&b, t->refresh_token) < 0 ||
		    tdk_buf_addc(&b, '\n') < 0) {
			rc = cache_fail(d, "OAUTH-CACHE", TDK_EXIT_INTERNAL, "out of memory");
			goto out;
		}
		if ((rc = write_private(path, &b, d)) != 0)
			goto out;
		tdk_buf_reset(&b);
	}
	if ((rc = path_of(c, "token", path, sizeof(path), 1, d)) != 0)
		goto out;
	if (tdk_buf_addf(&b, "tdk-oauth-token 1\ntype Bearer\nexpires_at %lld\n", (long long)t->expires_at) < 0 ||
	    (t->scope && !strchr(t->scope, '\n') && tdk_buf_addf(&b, "scope %s\n", t->scope) < 0) ||
	    tdk_buf_addl(&b, "access_token ") < 0 || tdk_buf_adds(&b, t->access_token) < 0 ||
	    tdk_buf_addc(&b, '\n') < 0) {
		rc = cache_fail(d, "OAUTH-CACHE", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	rc = write_private(path, &b, d);
out:
	oauth_buf_wipe(&b);
	return rc;
}

int tdk_oauth_cache_drop(const struct tdk_oauth_client *c, struct tdk_diag *d)
{
	char path[4200];
	int rc;

	if ((rc = path_of(c, "token", path, sizeof(path), 0, d)) != 0)
		return rc;
	if (unlink(path) < 0 && errno != ENOENT)
		return cache_fail(d, "OAUTH-CACHE", TDK_EXIT_IO, "%s: %s", path, strerror(errno));
	return 0;
}
