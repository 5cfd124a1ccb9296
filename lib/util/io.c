/* Chunked input and atomic output; see io.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/io.h"

int tdk_input_open(struct tdk_input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->name = path;
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
		return 0;
	}
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		in->err = errno;
		return -1;
	}
	in->owned = 1;
	return 0;
}

ssize_t tdk_input_read(struct tdk_input *in, void *buf, size_t n)
{
	ssize_t r;

	if (in->ipeek < in->npeek) {
		size_t k = in->npeek - in->ipeek;

		if (k > n)
			k = n;
		memcpy(buf, in->peek + in->ipeek, k);
		in->ipeek += k;
		return (ssize_t)k;
	}
	do
		r = read(in->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		in->err = errno;
		return -1;
	}
	in->nread += (uint64_t)r;
	if (r && in->tap)
		in->tap(in->tap_arg, buf, (size_t)r);
	return r;
}

ssize_t tdk_input_peek(struct tdk_input *in, const char **p, size_t n)
{
	if (n > sizeof(in->peek))
		n = sizeof(in->peek);
	if (in->ipeek) {
		memmove(in->peek, in->peek + in->ipeek, in->npeek - in->ipeek);
		in->npeek -= in->ipeek;
		in->ipeek = 0;
	}
	while (in->npeek < n) {
		ssize_t r;

		do
			r = read(in->fd, in->peek + in->npeek, n - in->npeek);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			in->err = errno;
			return -1;
		}
		if (r == 0)
			break;
		if (in->tap)
			in->tap(in->tap_arg, in->peek + in->npeek, (size_t)r);
		in->npeek += (size_t)r;
		in->nread += (uint64_t)r;
	}
	*p = in->peek;
	return (ssize_t)in->npeek;
}

void tdk_input_close(struct tdk_input *in)
{
	if (in->owned && in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	in->owned = 0;
}

int tdk_output_open(struct tdk_output *out, const char *path, FILE *dflt)
{
	size_t n;
	int fd;

	memset(out, 0, sizeof(*out));
	if (!path || !strcmp(path, "-")) {
		out->fp = dflt;
		return 0;
	}
	n = strlen(path);
	out->path = strdup(path);
	out->tmp = malloc(n + sizeof(".tdk-XXXXXX"));
	if (!out->path || !out->tmp) {
		out->err = ENOMEM;
		goto fail;
	}
	memcpy(out->tmp, path, n);
	memcpy(out->tmp + n, ".tdk-XXXXXX", sizeof(".tdk-XXXXXX"));
	fd = mkstemp(out->tmp);
	if (fd < 0) {
		out->err = errno;
		goto fail;
	}
	/* mkstemp creates 0600; a document gets the usual permissions. */
	{
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	out->fp = fdopen(fd, "w");
	if (!out->fp) {
		out->err = errno;
		close(fd);
		unlink(out->tmp);
		goto fail;
	}
	return 0;
fail:
	free(out->path);
	free(out->tmp);
	out->path = out->tmp = NULL;
	return -1;
}

int tdk_output_write(struct tdk_output *out, const void *p, size_t n)
{
	if (out->err)
		return -1;
	if (n && fwrite(p, 1, n, out->fp) != n) {
		out->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int tdk_output_commit(struct tdk_output *out)
{
	int r = 0;

	if (!out->path) {
		if (fflush(out->fp) != 0 || ferror(out->fp)) {
			if (!out->err)
				out->err = errno ? errno : EIO;
		}
		return out->err ? -1 : 0;
	}
	if (fflush(out->fp) != 0 || ferror(out->fp) || fsync(fileno(out->fp)) != 0) {
		if (!out->err)
			out->err = errno ? errno : EIO;
	}
	if (fclose(out->fp) != 0 && !out->err)
		out->err = errno ? errno : EIO;
	out->fp = NULL;
	if (!out->err && rename(out->tmp, out->path) != 0)
		out->err = errno;
	if (out->err) {
		unlink(out->tmp);
		r = -1;
	}
	free(out->path);
	free(out->tmp);
	out->path = out->tmp = NULL;
	return r;
}

void tdk_output_abort(struct tdk_output *out)
{
	if (!out->path) {
		if (out->fp)
			fflush(out->fp);
		return;
	}
	if (out->fp)
		fclose(out->fp);
	out->fp = NULL;
	unlink(out->tmp);
	free(out->path);
	free(out->tmp);
	out->path = out->tmp = NULL;
}

int tdk_copy(struct tdk_input *in, struct tdk_output *out)
{
	char buf[65536];
	ssize_t n;

	while ((n = tdk_input_read(in, buf, sizeof(buf))) > 0)
		if (tdk_output_write(out, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}
