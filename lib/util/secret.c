/* Reading secrets from a file, a descriptor or the environment; see secret.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util/secret.h"

void tdk_secret_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

int tdk_secret_read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	if (!size) {
		errno = EMSGSIZE;
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			tdk_secret_wipe(buf, size);
			return -1;
		}
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= size) {
			tdk_secret_wipe(buf, size);
			errno = EMSGSIZE;
			return -1;
		}
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (int)n;
}

enum tdk_secret_file_fault tdk_secret_file_check(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return TDK_SECRET_FILE_NOT_REGULAR;
	if (st->st_uid != geteuid())
		return TDK_SECRET_FILE_OWNER;
	if (st->st_mode & 077)
		return TDK_SECRET_FILE_MODE;
	return TDK_SECRET_FILE_OK;
}

int tdk_secret_file_open(const char *path, struct stat *st, enum tdk_secret_file_fault *fault)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	*fault = TDK_SECRET_FILE_OK;
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	*fault = tdk_secret_file_check(st);
	if (*fault != TDK_SECRET_FILE_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

int tdk_secret_from_env(const char *name, char *buf, size_t size)
{
	char *v = getenv(name);
	size_t len;
	int r;

	if (!v) {
		errno = ENOENT;
		return -1;
	}
	len = strlen(v);
	if (len + 1 > size) {
		r = -1;
	} else {
		memcpy(buf, v, len + 1);
		r = (int)len;
	}
	tdk_secret_wipe(v, len);
	unsetenv(name);
	if (r < 0)
		errno = EMSGSIZE;
	return r;
}
