/*
 * tdk pack: puts a paperless dossier (the declaration and its supporting
 * documents) into one ASiC-E container per ETSI EN 319 162-1: the mimetype
 * entry first and stored, the data objects under the names given, the
 * OpenDocument manifest META-INF/manifest.xml, and with --key a XAdES
 * baseline B signature META-INF/signatures0.xml over every data object
 * (EN 319 132-1).  The container is written atomically.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "pack/pack.h"
#include "sigcmd.h"
#include "sign/sign.h"

int cmd_pack(int argc, char **argv, struct tdk_ctx *ctx)
{
	const char *output = NULL, *key = NULL, *cert = NULL, *pass_file = NULL, *digest = NULL;
	unsigned long pass_fd = TDK_NO_FD;
	int quiet = 0;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('o', "output", &output, "file", NULL, "the container to write (required)"),
		TDK_OPT_STRING_('k', "key", &key, "file", NULL,
				"sign every file with this key (PEM, PKCS#8 or PKCS#12)"),
		TDK_OPT_STRING_(0, "cert", &cert, "file", NULL,
				"signer certificate (and chain) when the key file has none"),
		TDK_OPT_STRING_(0, "passphrase-file", &pass_file, "file", NULL,
				"read the key's passphrase from the first line of file"),
		TDK_OPT_ULONG_(0, "passphrase-fd", &pass_fd, "fd",
			       "read the key's passphrase from file descriptor fd"),
		TDK_OPT_STRING_(0, "digest", &digest, "alg", "sha256|sha384|sha512",
				"digest and signature hash (default sha256)"),
		TDK_OPT_FLAG_('q', "quiet", &quiet, "print no diagnostics; the exit status tells"),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "pack", "file ...",
		"Pack files into an ASiC-E container, optionally signed with XAdES baseline B." };
	struct tdk_pack_item *items = NULL;
	struct tdk_sign_opts so = { 0 };
	struct tdk_signer signer;
	struct tdk_report rep;
	struct tdk_diag d;
	int nfiles, i, r, code = TDK_EXIT_OK, loaded = 0;

	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
#ifdef __GLIBC__
	/*
	 * libzip sets up a deflate stream (a few hundred KiB) per entry; without
	 * this, glibc hands the memory back and asks for it again every time.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
#endif
	if (!output || !nfiles) {
		fprintf(ctx->err, "tdk pack: %s\n", !output ? "-o is required" : "no file to pack");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	tdk_report_init(&rep, NULL, ctx->err, "tdk pack");
	rep.quiet = quiet;
	tdk_diag_init(&d, output);
	d.emit = tdk_report_emit;
	d.arg = &rep;
	items = calloc((size_t)nfiles, sizeof(*items));
	if (!items) {
		code = tdk_error(ctx, "pack", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		const char *n = argv[i];

		/* A file is stored under the name given, less a leading "./". */
		while (n[0] == '.' && n[1] == '/')
			n += 2;
		items[i].name = n;
		items[i].path = argv[i];
		items[i].mime = tdk_mime_of(argv[i]);
	}
	if (key) {
		const struct tdk_signer_opts sgo = { key, cert, pass_file, pass_fd };

		if (tdk_sign_lib_init()) {
			code = tdk_error(ctx, "pack", TDK_EXIT_INTERNAL, "cannot initialise libxmlsec1");
			goto out;
		}
		if ((code = tdk_cmd_load_signer(ctx, "pack", &signer, &sgo, &d)))
			goto out;
		loaded = 1;
		so.mode = TDK_SIGN_DETACHED;
		so.xades = 1;
		so.digest = digest;
		so.now = time(NULL);
	}
	code = tdk_asic_write(output, items, (size_t)nfiles, loaded ? &signer : NULL, &so, &d);
out:
	if (loaded)
		tdk_signer_release(&signer);
	free(items);
	tdk_report_finish(&rep);
	tdk_sign_lib_shutdown();
	return code;
}
