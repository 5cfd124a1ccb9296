/* Reading passphrases without argv; see sigcmd.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "sigcmd.h"
#include "util/secret.h"

int tdk_passphrase_get(void *arg, const char *name, char *buf, size_t size)
{
	struct tdk_passphrase_src *s = arg;
	const char *env;
	int fd, n;

	s->max = size - 1;
	if (s->file) {
		fd = open(s->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			s->err = errno;
			s->failed = "file";
			return -1;
		}
		n = tdk_secret_read_line(fd, buf, size);
		s->err = n < 0 ? errno : 0;
		close(fd);
		if (n < 0)
			s->failed = "file";
		return n;
	}
	if (s->fd != TDK_NO_FD) {
		n = tdk_secret_read_line((int)s->fd, buf, size);
		if (n < 0) {
			s->err = errno;
			s->failed = "descriptor";
		}
		return n;
	}
	env = getenv("TDK_PASSPHRASE");
	if (env) {
		size_t len = strlen(env);

		if (len + 1 > size) {
			/* Said as for a file: "a passphrase is needed" would send the user astray. */
			s->err = EMSGSIZE;
			s->failed = "variable TDK_PASSPHRASE";
			return -1;
		}
		memcpy(buf, env, len + 1);
		return (int)len;
	}
	/* The terminal: prompt and answer on /dev/tty, never on stdin or stdout. */
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		s->err = errno;
		s->failed = "terminal";
		return -1;
	}
	{
		struct termios old, quiet;
		char prompt[512];
		int echo_off;

		snprintf(prompt, sizeof(prompt), "passphrase for '%s': ", name);
		if (write(fd, prompt, strlen(prompt)) < 0) {
			/* The prompt is a courtesy; reading still works. */
		}
		echo_off = tcgetattr(fd, &old) == 0;
		if (echo_off) {
			quiet = old;
			quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
			tcsetattr(fd, TCSAFLUSH, &quiet);
		}
		n = tdk_secret_read_line(fd, buf, size);
		if (echo_off)
			tcsetattr(fd, TCSAFLUSH, &old);
		if (write(fd, "\n", 1) < 0) {
			/* As above. */
		}
	}
	close(fd);
	return n;
}

int tdk_passphrase_error(struct tdk_ctx *ctx, const char *cmd, int code, const struct tdk_passphrase_src *s)
{
	if (s->err == EMSGSIZE)
		return tdk_error(ctx, cmd, code, "cannot read the passphrase %s%s%s%s: passphrase longer "
				 "than %zu bytes", s->failed, s->file ? " '" : "", s->file ? s->file : "",
				 s->file ? "'" : "", s->max);
	return tdk_error(ctx, cmd, code, "cannot read the passphrase %s: %s", s->failed, strerror(s->err));
}
