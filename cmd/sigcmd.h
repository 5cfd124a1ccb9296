/*
 * What sign, verify, pack and unpack share on the command side.
 *
 * Passphrases for signing keys, never from argv: from a file
 * (--passphrase-file), a file descriptor (--passphrase-fd), the environment
 * (TDK_PASSPHRASE), or a prompt on the controlling terminal with echo off,
 * in that order.  The caller's buffer is wiped by whoever consumes it.
 */
#ifndef TDK_SIGCMD_H
#define TDK_SIGCMD_H

#include <stddef.h>

struct tdk_passphrase_src {
	const char *file;       /* --passphrase-file, or NULL */
	unsigned long fd;       /* --passphrase-fd, or TDK_NO_FD */
	int err;                /* errno of the last failure */
	const char *failed;     /* what failed: "file", "descriptor", "terminal" */
	size_t max;             /* the longest passphrase the caller takes, in bytes */
};

#define TDK_NO_FD ((unsigned long)-1)

/* A tdk_passphrase_fn: fills buf with the first line of the source; returns its length or -1. */
int tdk_passphrase_get(void *arg, const char *name, char *buf, size_t size);

/*
 * Reports why the passphrase could not be read ("passphrase longer than N
 * bytes" for one that does not fit) on ctx->err; returns code.
 */
struct tdk_ctx;
int tdk_passphrase_error(struct tdk_ctx *ctx, const char *cmd, int code, const struct tdk_passphrase_src *s);

#endif
