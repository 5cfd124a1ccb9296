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

#include "run.h"
#include "validate.h"
#include "sigcmd.h"
#include "xmlopt.h"
#include "pack/pack.h"
#include "sign/sign.h"
#include "util/io.h"

#define DOC_MAX ((size_t)256 << 20)

struct sign_opts {
	const char *key, *cert, *pass_file, *digest, *id, *output;
	unsigned long pass_fd;
	int enveloping, detached, xades;
	struct tdk_xml_limit_opts xml;
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

struct sign_run {
	const struct sign_opts *so;
	const struct tdk_signer *signer;
	struct tdk_validate_xml *xv;   /* the registered schemas, to check results against; or NULL */
};

static int sign_doc(void *arg, struct tdk_doc *doc)
{
	const struct sign_run *sr = arg;
	const struct sign_opts *so = sr->so;
	const char *outpath = doc->outpath ? doc->outpath : so->output;
	struct tdk_buf in, out = TDK_BUF_INIT(DOC_MAX * 2);
	struct tdk_sign_opts o = { 0 };
	struct tdk_output w;
	struct tdk_diag *d = &doc->d;
	xmlDocPtr xdoc = NULL;
	unsigned long oom = tdk_sig_oom_count();
	int r;

	if (tdk_input_read_all(&doc->in, DOC_MAX, &in) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 errno == EFBIG ? "longer than 256 MiB" : strerror(errno));
		goto out;
	}
	o.mode = so->detached ? TDK_SIGN_DETACHED : so->enveloping ? TDK_SIGN_ENVELOPING :
		 TDK_SIGN_ENVELOPED;
	o.xades = so->xades;
	o.digest = so->digest;
	o.id = so->id;
	o.now = time(NULL);
	if (so->detached) {
		struct tdk_sig_item it = { base_name(doc->path), (const unsigned char *)in.data, in.len,
					   tdk_mime_of(doc->path), 0 };
		struct tdk_sig_data data = { &it, 1 };

		r = tdk_sign_detached(&xdoc, &data, 0, sr->signer, &o, d);
	} else {
		struct tdk_xml_limits lim;

		tdk_xml_limits_init(&lim);
		tdk_xml_limit_opts_apply(&so->xml, &lim);
		xdoc = tdk_xml_parse(in.data, in.len, doc->name, "SIGN", &lim, d);
		r = xdoc ? tdk_sign_doc(&xdoc, sr->signer, &o, d) : TDK_EXIT_NEGATIVE;
	}
	/*
	 * Out of memory is an internal error, not a malformed document; and
	 * libxml2 may lose text for want of memory and still return a document,
	 * which must not be signed.
	 */
	if (tdk_sig_oom_count() != oom) {
		tdk_diag_add(d, TDK_SEV_ERROR, "SIGN-NO-MEMORY", NULL, "out of memory");
		r = TDK_EXIT_INTERNAL;
	}
	if (r)
		goto out;
	if (tdk_xml_dump(xdoc, &out) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory writing '%s'", doc->qname);
		goto out;
	}
	/* An enveloped ds:Signature the document's schema does not allow: say so, and what to do instead. */
	if (sr->xv && !so->detached)
		tdk_validate_xml_still_valid(sr->xv, d, in.data, in.len, out.data, out.len);
	if (tdk_output_open(&w, outpath, doc->ctx->out) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot write '%s': %s", outpath, strerror(w.err));
		goto out;
	}
	if (tdk_output_write(&w, out.data, out.len) < 0 || tdk_output_commit(&w) < 0) {
		r = tdk_doc_output_fail(doc, "sign", outpath, w.err);
		tdk_output_abort(&w);
		goto out;
	}
	r = 0;
out:
	xmlFreeDoc(xdoc);
	tdk_buf_release(&in);
	tdk_buf_release(&out);
	return r;
}

/* Under -O: the input's own name; a detached signature NAME.sig.xml. */
static int sign_out_name(void *arg, const char *base, struct tdk_buf *b)
{
	const struct sign_run *sr = arg;

	if (tdk_buf_adds(b, base) < 0)
		return -1;
	return sr->so->detached ? tdk_buf_adds(b, ".sig.xml") : 0;
}

static const char *const sign_exts[] = { ".xml", NULL };

int cmd_sign(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct sign_opts so = { 0 };
	struct tdk_run_opts ro;
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
		TDK_RUN_OUTDIR_OPTION(&ro, "write each signed file into dir under its own name "
				      "(detached: NAME.sig.xml)"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_XML_LIMIT_OPTIONS(&so.xml),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "sign", "[file ...]",
		"Sign XML documents (XMLDSig enveloped, enveloping or detached; XAdES baseline B)." };
	struct tdk_signer signer;
	struct tdk_validate_xml xv;
	struct sign_run sr = { &so, &signer, NULL };
	struct tdk_run run = { "sign", sign_exts, { "signed", "invalid", "signed", "not signed" },
			       sign_doc, &sr, sign_out_name, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	struct tdk_diag d;
	int nfiles, i, r, code = TDK_EXIT_OK, loaded = 0, begun = 0;

	so.pass_fd = TDK_NO_FD;
	memset(&xv, 0, sizeof(xv));
	tdk_run_opts_init(&ro);
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (!so.key) {
		fprintf(ctx->err, "tdk sign: --key is required\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (so.enveloping + so.detached > 1 || (so.id && (so.enveloping || so.detached)) ||
	    (so.output && ro.outdir) || ((nfiles > 1 || ro.dir || ro.files_from) && !ro.outdir)) {
		fprintf(ctx->err, "tdk sign: %s\n", so.output && ro.outdir ? "conflicting options" :
			nfiles > 1 || ro.dir || ro.files_from ? "several files need -O dir" : "conflicting options");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (so.detached && (!nfiles && !ro.dir && !ro.files_from))
		return tdk_error(ctx, "sign", TDK_EXIT_USAGE, "--detached needs named files "
				 "(the signature refers to the file by name)");
	for (i = 0; so.detached && i < nfiles; i++)
		if (!strcmp(argv[i], "-"))
			return tdk_error(ctx, "sign", TDK_EXIT_USAGE, "--detached needs named files "
					 "(the signature refers to the file by name)");
	if (tdk_run_stdin_users(&ro, argv, nfiles) + !strcmp(so.key, "-") > 1)
		return tdk_error(ctx, "sign", TDK_EXIT_USAGE, "standard input can feed the key (-k -), the list "
				 "of files or the document, only one of them");
	run.data_on_stdout = !so.output && !ro.outdir;
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	begun = 1;
	if (tdk_sign_lib_init()) {
		run.setup_code = tdk_error(ctx, "sign", TDK_EXIT_INTERNAL, "cannot initialise libxmlsec1");
		run.setup_error = "cannot initialise libxmlsec1";
		goto run;
	}
	tdk_run_diag(&run, &d, so.key);
	{
		const struct tdk_signer_opts sgo = { so.key, so.cert, so.pass_file, so.pass_fd };

		run.setup_code = tdk_cmd_load_signer(ctx, "sign", &signer, &sgo, &d);
	}
	if (run.setup_code)
		run.setup_error = "the signing key cannot be used (see its diagnostics)";
	else
		loaded = 1;
	if (!so.detached && tdk_validate_xml_setup(NULL, &xv) == 0)
		sr.xv = &xv;
run:
	code = tdk_run_documents(&run, argv, nfiles);
	tdk_validate_xml_release(&xv);
	if (loaded)
		tdk_signer_release(&signer);
	if (begun)
		tdk_sign_lib_shutdown();
	return code;
}
