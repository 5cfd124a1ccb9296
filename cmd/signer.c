/*
 * Loading the signing key for the commands that sign (sign, pack): the
 * passphrase from its source (see sigcmd.h), the key and certificate through
 * tdk_signer_load, the copy of the passphrase in the environment wiped, and
 * a passphrase that could not be read reported as such.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "sigcmd.h"
#include "sign/sign.h"

int tdk_cmd_load_signer(struct tdk_ctx *ctx, const char *cmd, struct tdk_signer *s,
			const struct tdk_signer_opts *o, struct tdk_diag *d)
{
	struct tdk_passphrase_src ps = { NULL, TDK_NO_FD, 0, NULL, 0 };
	const char *file = d->file;
	char *env;
	int code;

	ps.file = o->pass_file;
	ps.fd = o->pass_fd;
	d->file = o->key;
	code = tdk_signer_load(s, o->key, o->cert, tdk_passphrase_get, &ps, time(NULL), d);
	d->file = file;
	/* The passphrase from the environment has been used (or was not needed): wipe it. */
	env = getenv("TDK_PASSPHRASE");
	if (env)
		OPENSSL_cleanse(env, strlen(env));
	if (code && ps.failed)
		tdk_passphrase_error(ctx, cmd, code, &ps);
	return code;
}
