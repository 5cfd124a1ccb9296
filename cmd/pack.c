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

/*
 * The entry name and the file of one operand, in *it; *own holds what it
 * points into (the caller frees it).  An operand that holds '=' is
 * "name=path" (split at the first '='), as verify --data reads "uri=file",
 * unless it starts with "./": the file a=b is given as ./a=b, and any path
 * holding '=' as ./path or name=path.  Otherwise the name is the file's own
 * name (its last component), or with -C dir the operand as written, folders
 * kept and a leading "./" dropped.  With dir, a relative path is read from
 * dir, as tar -C does.  Returns 0 or -1 (out of memory).
 */
static int item_of(const char *arg, const char *dir, struct tdk_pack_item *it, char **own)
{
	const char *eq = strchr(arg, '='), *path = arg, *name;
	size_t nlen, n;
	int named = eq && strncmp(arg, "./", 2);

	if (named) {
		path = eq + 1;
		name = arg;
		nlen = (size_t)(eq - arg);
	} else if (dir) {
		for (name = arg; name[0] == '.' && name[1] == '/';)
			name += 2;
		nlen = strlen(name);
	} else {
		/* The last component: "docs/" names the folder docs, refused later as an input. */
		for (nlen = strlen(arg); nlen > 1 && arg[nlen - 1] == '/';)
			nlen--;
		for (name = arg + nlen; name > arg && name[-1] != '/';)
			name--;
		nlen = (size_t)(arg + nlen - name);
	}
	/* One allocation: the name, then the path (joined to dir when relative). */
	n = nlen + 1 + (dir ? strlen(dir) + 1 : 0) + strlen(path) + 1;
	*own = malloc(n);
	if (!*own)
		return -1;
	memcpy(*own, name, nlen);
	(*own)[nlen] = '\0';
	it->name = *own;
	it->path = *own + nlen + 1;
	if (dir && path[0] != '/')
		snprintf(*own + nlen + 1, n - nlen - 1, "%s/%s", dir, path);
	else
		memcpy(*own + nlen + 1, path, strlen(path) + 1);
	it->mime = tdk_mime_of(it->name);
	/* A name without a known extension ("scan=scan-0042.pdf"): the file's may tell. */
	if (!strcmp(it->mime, "application/octet-stream"))
		it->mime = tdk_mime_of(path);
	return 0;
}

int cmd_pack(int argc, char **argv, struct tdk_ctx *ctx)
{
	const char *output = NULL, *key = NULL, *cert = NULL, *pass_file = NULL, *digest = NULL;
	const char *dir = NULL;
	unsigned long pass_fd = TDK_NO_FD;
	int quiet = 0;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('o', "output", &output, "file", NULL, "the container to write (required)"),
		TDK_OPT_STRING_('C', "input-dir", &dir, "dir", NULL,
				"read the files from dir and name them as given, folders kept"),
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
	const struct tdk_cmd_usage u = { "pack", "[name=]file ...",
		"Pack files into an ASiC-E container, optionally signed with XAdES baseline B." };
	struct tdk_pack_item *items = NULL;
	char **own = NULL;
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
	own = calloc((size_t)nfiles, sizeof(*own));
	if (!items || !own) {
		code = tdk_error(ctx, "pack", TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; i < nfiles; i++)
		if (item_of(argv[i], dir, &items[i], &own[i]) < 0) {
			code = tdk_error(ctx, "pack", TDK_EXIT_INTERNAL, "out of memory");
			goto out;
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
	for (i = 0; own && i < nfiles; i++)
		free(own[i]);
	free(own);
	free(items);
	tdk_report_finish(&rep);
	tdk_sign_lib_shutdown();
	return code;
}
