/*
 * tdk sign: XML signatures over declarations and their documents, per W3C
 * XML Signature Syntax and Processing 1.1: enveloped (the default; the
 * signature goes inside the document's root and covers all of it, XMLDSig
 * §6.6.4), enveloping (the document moves inside ds:Object) or detached (a
 * separate signature document referring to the file by name), RSA-SHA256 or
 * ECDSA-SHA256 (or SHA-384/512) with exclusive canonicalisation and the
 * signer's certificate in KeyInfo.  --xades adds XAdES baseline B signed
 * properties (ETSI EN 319 132-1).  The key is loaded once; many files are
 * signed in one run (batch mode, -O DIR).  Passphrases never come from argv.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "sigcmd.h"
#include "xmlopt.h"
#include "pack/pack.h"
#include "sign/sign.h"
#include "util/io.h"

#define DOC_MAX ((size_t)256 << 20)

struct sign_opts {
	const char *key, *cert, *pass_file, *digest, *id, *output, *outdir, *format;
	unsigned long pass_fd;
	int enveloping, detached, xades, quiet;
	struct tdk_xml_limit_opts xml;
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int sign_one(struct tdk_ctx *ctx, const struct sign_opts *so, const struct tdk_signer *s,
		    struct tdk_report *rep, const char *path, const char *outpath)
{
	struct tdk_buf in, out = TDK_BUF_INIT(DOC_MAX * 2);
	struct tdk_sign_opts o = { 0 };
	struct tdk_output w;
	struct tdk_diag d;
	xmlDocPtr doc = NULL;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	unsigned long oom = tdk_sig_oom_count();
	int r;

	tdk_diag_init(&d, name);
	d.emit = tdk_report_emit;
	d.arg = rep;
	if (tdk_read_all(path, DOC_MAX, &in) < 0) {
		r = tdk_error(ctx, "sign", TDK_EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	o.mode = so->detached ? TDK_SIGN_DETACHED : so->enveloping ? TDK_SIGN_ENVELOPING :
		 TDK_SIGN_ENVELOPED;
	o.xades = so->xades;
	o.digest = so->digest;
	o.id = so->id;
	o.now = time(NULL);
	if (so->detached) {
		struct tdk_sig_item it = { base_name(path), (const unsigned char *)in.data, in.len,
					   tdk_mime_of(path), 0 };
		struct tdk_sig_data data = { &it, 1 };

		r = tdk_sign_detached(&doc, &data, 0, s, &o, &d);
	} else {
		struct tdk_xml_limits lim;

		tdk_xml_limits_init(&lim);
		tdk_xml_limit_opts_apply(&so->xml, &lim);
		doc = tdk_xml_parse(in.data, in.len, name, "SIGN", &lim, &d);
		r = doc ? tdk_sign_doc(&doc, s, &o, &d) : TDK_EXIT_NEGATIVE;
	}
	/*
	 * Out of memory is an internal error, not a malformed document; and
	 * libxml2 may lose text for want of memory and still return a document,
	 * which must not be signed.
	 */
	if (tdk_sig_oom_count() != oom) {
		tdk_diag_add(&d, TDK_SEV_ERROR, "SIGN-NO-MEMORY", NULL, "out of memory");
		r = TDK_EXIT_INTERNAL;
	}
	if (r)
		goto out;
	if (tdk_xml_dump(doc, &out) < 0) {
		r = tdk_error(ctx, "sign", TDK_EXIT_INTERNAL, "out of memory writing '%s'", name);
		goto out;
	}
	if (tdk_output_open(&w, outpath, ctx->out) < 0) {
		r = tdk_error(ctx, "sign", TDK_EXIT_IO, "cannot write '%s': %s", outpath, strerror(w.err));
		goto out;
	}
	if (tdk_output_write(&w, out.data, out.len) < 0 || tdk_output_commit(&w) < 0) {
		r = tdk_output_error(ctx, "sign", outpath, w.err);
		tdk_output_abort(&w);
		goto out;
	}
	r = 0;
out:
	xmlFreeDoc(doc);
	tdk_buf_release(&in);
	tdk_buf_release(&out);
	return r;
}

int cmd_sign(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct sign_opts so = { 0 };
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('k', "key", &so.key, "file", NULL,
				"private key: PEM, PKCS#8 or PKCS#12 (required)"),
		TDK_OPT_STRING_(0, "cert", &so.cert, "file", NULL,
				"signer certificate (and chain), PEM or DER, when the key file has none"),
		TDK_OPT_STRING_(0, "passphrase-file", &so.pass_file, "file", NULL,
				"read the key's passphrase from the first line of file"),
		TDK_OPT_ULONG_(0, "passphrase-fd", &so.pass_fd, "fd",
			       "read the key's passphrase from file descriptor fd"),
		TDK_OPT_FLAG_(0, "enveloping", &so.enveloping,
			      "put the document inside the signature (ds:Object)"),
		TDK_OPT_FLAG_(0, "detached", &so.detached,
			      "write a separate signature that refers to the file by name"),
		TDK_OPT_FLAG_(0, "xades", &so.xades, "add XAdES baseline B signed properties"),
		TDK_OPT_STRING_(0, "digest", &so.digest, "alg", "sha256|sha384|sha512",
				"digest and signature hash (default sha256)"),
		TDK_OPT_STRING_(0, "id", &so.id, "id", NULL,
				"enveloped: sign only the element with this Id"),
		TDK_OPT_STRING_('o', "output", &so.output, "file", NULL,
				"write the signed document here (one input; default standard output)"),
		TDK_OPT_STRING_('O', "output-dir", &so.outdir, "dir", NULL,
				"batch: write each signed file into dir under its own name "
				"(detached: NAME.sig.xml)"),
		TDK_OPT_STRING_(0, "format", &so.format, "format", "text|json|junit",
				"diagnostics as text (stderr), JSON lines or a JUnit report"),
		TDK_OPT_FLAG_('q', "quiet", &so.quiet, "print no diagnostics; the exit status tells"),
		TDK_XML_LIMIT_OPTIONS(&so.xml),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "sign", "[file ...]",
		"Sign XML documents (XMLDSig enveloped, enveloping or detached; XAdES baseline B)." };
	struct tdk_signer signer;
	struct tdk_report rep;
	struct tdk_diag d;
	char dash[] = "-";
	char *stdin_only[] = { dash };
	char **files;
	int nfiles, i, r, code = TDK_EXIT_OK, loaded = 0;

	so.pass_fd = TDK_NO_FD;
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	files = nfiles ? argv : stdin_only;
	if (!nfiles)
		nfiles = 1;
	if (!so.key) {
		fprintf(ctx->err, "tdk sign: --key is required\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (so.enveloping + so.detached > 1 || (so.id && (so.enveloping || so.detached)) ||
	    (so.output && so.outdir) || (nfiles > 1 && !so.outdir)) {
		fprintf(ctx->err, "tdk sign: %s\n", nfiles > 1 && !so.outdir ?
			"several files need -O dir" : "conflicting options");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (so.detached)
		for (i = 0; i < nfiles; i++)
			if (!strcmp(files[i], "-"))
				return tdk_error(ctx, "sign", TDK_EXIT_USAGE, "--detached needs named files "
						 "(the signature refers to the file by name)");
	if (tdk_report_init(&rep, so.format, so.format && strcmp(so.format, "text") ? ctx->out : ctx->err,
			    "tdk sign") < 0)
		return TDK_EXIT_USAGE;
	rep.quiet = so.quiet;
	if (tdk_sign_lib_init()) {
		code = tdk_error(ctx, "sign", TDK_EXIT_INTERNAL, "cannot initialise libxmlsec1");
		goto out;
	}
	tdk_diag_init(&d, so.key);
	d.emit = tdk_report_emit;
	d.arg = &rep;
	{
		const struct tdk_signer_opts sgo = { so.key, so.cert, so.pass_file, so.pass_fd };

		code = tdk_cmd_load_signer(ctx, "sign", &signer, &sgo, &d);
	}
	if (code)
		goto out;
	loaded = 1;
	if (so.outdir && mkdir(so.outdir, 0777) < 0 && errno != EEXIST) {
		code = tdk_error(ctx, "sign", TDK_EXIT_IO, "cannot create '%s': %s", so.outdir,
				 strerror(errno));
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		char *outpath = NULL;

		if (so.outdir) {
			const char *b = base_name(files[i]);
			size_t n = strlen(so.outdir) + strlen(b) + 16;

			outpath = malloc(n);
			if (!outpath) {
				code = tdk_error(ctx, "sign", TDK_EXIT_INTERNAL, "out of memory");
				break;
			}
			snprintf(outpath, n, "%s/%s%s", so.outdir, b, so.detached ? ".sig.xml" : "");
		}
		code = tdk_exit_worst(code, sign_one(ctx, &so, &signer, &rep, files[i],
						     outpath ? outpath : so.output));
		free(outpath);
	}
out:
	if (loaded)
		tdk_signer_release(&signer);
	tdk_report_finish(&rep);
	tdk_sign_lib_shutdown();
	return code;
}
