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
	const char *failed;     /* what failed: "file", "descriptor", "variable TDK_PASSPHRASE",
	                           "terminal" */
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

/* Where the signing key comes from: the options of a command that signs. */
struct tdk_signer_opts {
	const char *key;        /* --key */
	const char *cert;       /* --cert, or NULL when the key file holds the certificate */
	const char *pass_file;  /* --passphrase-file, or NULL */
	unsigned long pass_fd;  /* --passphrase-fd, or TDK_NO_FD */
};

/*
 * Loads the signer s for command cmd ("sign", "pack") with tdk_signer_load,
 * valid now, the passphrase (when the key is encrypted) read by
 * tdk_passphrase_get from o's sources.  Diagnostics go to d under the key's
 * name (d->file is restored before returning); a passphrase that cannot be
 * read is also reported on ctx->err.  TDK_PASSPHRASE is wiped from the
 * environment whatever the outcome.  libxmlsec1 must be initialised
 * (tdk_sign_lib_init).  Returns 0, and the caller releases s with
 * tdk_signer_release, or the exit code of tdk_signer_load.
 */
struct tdk_signer;
struct tdk_diag;
int tdk_cmd_load_signer(struct tdk_ctx *ctx, const char *cmd, struct tdk_signer *s,
			const struct tdk_signer_opts *o, struct tdk_diag *d);

#endif
