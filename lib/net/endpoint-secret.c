/*
 * An endpoint's client secret: described without being read (for `tdk
 * endpoint show`), and read the one way tdk reads secrets (util/secret.h);
 * the passphrase of its key (as4, as2) read the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/endpoint.h"
#include "util/exitcode.h"
#include "util/secret.h"

enum tdk_secret_source tdk_endpoint_secret_source(const struct tdk_endpoint *e)
{
	if (e->value[TDK_EK_CLIENT_SECRET_FILE])
		return TDK_SECRET_FILE;
	if (e->value[TDK_EK_CLIENT_SECRET_FD])
		return TDK_SECRET_FD;
	if (e->value[TDK_EK_CLIENT_SECRET_ENV])
		return TDK_SECRET_ENV;
	return TDK_SECRET_NONE;
}

const char *tdk_endpoint_secret_describe(const struct tdk_endpoint *e, char *buf, size_t n)
{
	const char *path = e->path[TDK_EK_CLIENT_SECRET_FILE], *v;
	struct stat st;

	switch (tdk_endpoint_secret_source(e)) {
	case TDK_SECRET_FILE:
		if (stat(path, &st) < 0)
			snprintf(buf, n, "%s", errno == ENOENT ? "missing" : "cannot be read");
		else if (tdk_secret_file_check(&st) == TDK_SECRET_FILE_OK)
			snprintf(buf, n, "%04o, %lld bytes", (unsigned)(st.st_mode & 07777), (long long)st.st_size);
		else
			snprintf(buf, n, "%04o, uid %lu: refused", (unsigned)(st.st_mode & 07777),
				 (unsigned long)st.st_uid);
		break;
	case TDK_SECRET_FD:
		snprintf(buf, n, "descriptor %ld, %s", e->secret_fd,
			 fcntl((int)e->secret_fd, F_GETFD) < 0 ? "not open" : "open");
		break;
	case TDK_SECRET_ENV:
		v = getenv(e->value[TDK_EK_CLIENT_SECRET_ENV]);
		if (v)
			snprintf(buf, n, "set, %zu bytes", strlen(v));
		else
			snprintf(buf, n, "not set");
		break;
	default:
		snprintf(buf, n, "none");
		break;
	}
	return buf;
}

static int secret_fault(struct tdk_diag *d, const struct tdk_endpoint *e, int k, const char *code, int status,
			const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int secret_fault(struct tdk_diag *d, const struct tdk_endpoint *e, int k, const char *code, int status,
			const char *fmt, ...)
{
	struct tdk_diag_loc loc = { 0 };
	va_list ap;

	loc.line = e->vline[k];
	loc.col = e->vcol[k];
	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	return -status;
}

/* The three keys that name one secret, and what the secret is called in messages. */
struct secret_keys {
	int file, fd, env;
	const char *what;     /* "client secret", "key passphrase" */
};

static const struct secret_keys client_secret = { TDK_EK_CLIENT_SECRET_FILE, TDK_EK_CLIENT_SECRET_FD,
						  TDK_EK_CLIENT_SECRET_ENV, "client secret" };
static const struct secret_keys key_passphrase = { TDK_EK_KEY_PASSPHRASE_FILE, TDK_EK_KEY_PASSPHRASE_FD,
						   TDK_EK_KEY_PASSPHRASE_ENV, "key passphrase" };

static int secret_file(struct tdk_diag *d, const struct tdk_endpoint *e, const struct secret_keys *sk, char *buf,
		       size_t size)
{
	const int k = sk->file;
	const char *path = e->path[k];
	enum tdk_secret_file_fault f;
	struct stat st;
	int fd, n, err;

	fd = tdk_secret_file_open(path, &st, &f);
	if (fd < 0 && f == TDK_SECRET_FILE_MODE)
		return secret_fault(d, e, k, "ENDPOINT-SECRET-MODE", TDK_EXIT_USAGE, "%s file '%s' has "
				    "mode %04o, open to %s: refused; run: chmod 600 '%s'", sk->what, path,
				    (unsigned)(st.st_mode & 07777), (st.st_mode & 070) ? "the group" : "others", path);
	if (fd < 0 && f == TDK_SECRET_FILE_OWNER)
		return secret_fault(d, e, k, "ENDPOINT-SECRET-MODE", TDK_EXIT_USAGE, "%s file '%s' "
				    "belongs to uid %lu, not to you (uid %lu): refused", sk->what, path,
				    (unsigned long)st.st_uid, (unsigned long)geteuid());
	if (fd < 0 && f == TDK_SECRET_FILE_NOT_REGULAR)
		return secret_fault(d, e, k, "ENDPOINT-SECRET-MODE", TDK_EXIT_USAGE, "%s file '%s' is "
				    "not a regular file: refused", sk->what, path);
	if (fd < 0)
		return secret_fault(d, e, k, "ENDPOINT-SECRET", errno == ENOENT ? TDK_EXIT_USAGE : TDK_EXIT_IO,
				    "cannot open %s file '%s': %s", sk->what, path, strerror(errno));
	n = tdk_secret_read_line(fd, buf, size);
	err = errno;
	close(fd);
	if (n < 0)
		return secret_fault(d, e, k, "ENDPOINT-SECRET", err == EMSGSIZE ? TDK_EXIT_USAGE : TDK_EXIT_IO,
				    "cannot read %s file '%s': %s", sk->what, path,
				    err == EMSGSIZE ? "first line too long for a secret" : strerror(err));
	return n;
}

/* Reads the secret sk names from whichever of its keys e sets (the parser let one at most). */
static int read_secret(const struct tdk_endpoints *eps, const struct tdk_endpoint *e, const struct secret_keys *sk,
		       char *buf, size_t size, struct tdk_diag *d)
{
	const char *saved = d->file;
	long fd;
	int n = 0;

	d->file = eps->file;
	if (e->value[sk->file]) {
		n = secret_file(d, e, sk, buf, size);
	} else if (e->value[sk->fd]) {
		fd = sk->fd == TDK_EK_CLIENT_SECRET_FD ? e->secret_fd : strtol(e->value[sk->fd], NULL, 10);
		n = tdk_secret_read_line((int)fd, buf, size);
		if (n < 0)
			n = secret_fault(d, e, sk->fd, "ENDPOINT-SECRET", errno == EBADF ? TDK_EXIT_USAGE : TDK_EXIT_IO,
					 "cannot read the %s from descriptor %ld: %s", sk->what, fd,
					 errno == EMSGSIZE ? "first line too long for a secret" : strerror(errno));
	} else if (e->value[sk->env]) {
		n = tdk_secret_from_env(e->value[sk->env], buf, size);
		if (n < 0)
			n = secret_fault(d, e, sk->env, "ENDPOINT-SECRET", TDK_EXIT_USAGE,
					 "cannot read the %s from the variable %s: %s", sk->what, e->value[sk->env],
					 errno == ENOENT ? "not set" : "too long for a secret");
	} else {
		n = secret_fault(d, e, TDK_EK_PROFILE, "ENDPOINT-SECRET", TDK_EXIT_USAGE, "endpoint '%s' has no %s%s",
				 e->name, sk->what, sk == &key_passphrase ? " (key-passphrase-file, -fd or -env) and "
				 "its key is encrypted" : "");
	}
	if (n == 0)
		n = secret_fault(d, e, TDK_EK_PROFILE, "ENDPOINT-SECRET", TDK_EXIT_USAGE,
				 "endpoint '%s': the %s is empty", e->name, sk->what);
	d->file = saved;
	return n;
}

int tdk_endpoint_secret(const struct tdk_endpoints *eps, const struct tdk_endpoint *e, char *buf, size_t size,
			struct tdk_diag *d)
{
	return read_secret(eps, e, &client_secret, buf, size, d);
}

int tdk_endpoint_key_passphrase(const struct tdk_endpoints *eps, const struct tdk_endpoint *e, char *buf,
				size_t size, struct tdk_diag *d)
{
	return read_secret(eps, e, &key_passphrase, buf, size, d);
}
