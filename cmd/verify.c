/*
 * tdk verify: checks XML signatures (W3C XMLDSig 1.1 core validation), XAdES
 * signed properties (ETSI EN 319 132-1: SignedProperties covered, signing
 * certificate matching the key), and ASiC containers (ETSI EN 319 162-1:
 * every XAdES or CAdES (EN 319 122-1 baseline B) signature and RFC 3161
 * time-stamp token, and every file covered by one).  Trust comes only from
 * anchors named on the command line.  It reports what exactly each
 * signature covers and fails when a signature leaves part of its document
 * unsigned (signature wrapping).  A ZIP input is verified as a container.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "run.h"
#include "pack/pack.h"
#include "sigcmd.h"
#include "xmlopt.h"
#include "sign/cms.h"
#include "sign/sign.h"
#include "util/io.h"
#include "util/time.h"

#define DOC_MAX ((size_t)256 << 20)

struct verify_opts {
	struct tdk_optlist ca, cert, untrusted, certs, data;
	const char *hmac, *at;
	int insecure, allow_partial, allow_xslt;
	unsigned long max_entries, max_ratio, max_xpath_nodes, max_xpath_ops;
	size_t max_size, max_sig_size;
	struct tdk_xml_limit_opts xml;
};

static const char *kind_name(const struct tdk_sig_report *r)
{
	switch (r->kind) {
	case TDK_SIG_CADES:
		return "cades";
	case TDK_SIG_TIMESTAMP:
		return "timestamp";
	default:
		return r->xades ? "xades" : "xmldsig";
	}
}

/*
 * Prints the signatures' verdicts.  name is printed as it is (the caller
 * quotes it with tdk_name); what comes from the document (Id, signer,
 * signing time, reference URIs) is quoted here, so that none can forge a
 * verdict line.
 */
static void print_sigs(FILE *f, int json, const char *name, const struct tdk_sig_report *r, size_t n)
{
	struct tdk_buf q = TDK_BUF_INIT(1 << 20), qs = TDK_BUF_INIT(1 << 20), qt = TDK_BUF_INIT(1 << 20);
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (json) {
			fprintf(f, "%s{\"kind\":\"%s\",\"id\":", i ? "," : "", kind_name(&r[i]));
			tdk_json_str(f, r[i].id);
			fputs(",\"signer\":", f);
			tdk_json_str(f, r[i].signer);
			fputs(",\"signing_time\":", f);
			tdk_json_str(f, r[i].signing_time);
			fputs(",\"algorithm\":", f);
			tdk_json_str(f, r[i].algorithm);
			fprintf(f, ",\"xades\":%s,\"whole_document\":%s,\"valid\":%s,\"references\":[",
				r[i].xades ? "true" : "false", r[i].whole ? "true" : "false",
				r[i].valid ? "true" : "false");
			for (k = 0; k < r[i].nrefs; k++) {
				fprintf(f, "%s{\"uri\":", k ? "," : "");
				tdk_json_str(f, r[i].refs[k].uri);
				fputs(",\"covers\":", f);
				tdk_json_str(f, r[i].refs[k].covers);
				fprintf(f, ",\"ok\":%s}", r[i].refs[k].ok ? "true" : "false");
			}
			fputs("]}", f);
			continue;
		}
		fprintf(f, "%s: %s%s%s%s by %s%s%s: %s\n", name,
			r[i].kind == TDK_SIG_TIMESTAMP ? "time-stamp" : r[i].kind == TDK_SIG_CADES ?
			"CAdES signature" : "signature", r[i].id ? " '" : "",
			r[i].id ? tdk_name(&q, r[i].id) : "", r[i].id ? "'" : "",
			r[i].signer ? tdk_name(&qs, r[i].signer) :
			r[i].kind == TDK_SIG_TIMESTAMP ? "an unknown TSA" : "an unknown signer",
			r[i].signing_time ? " at " : "", r[i].signing_time ? tdk_name(&qt, r[i].signing_time) : "",
			r[i].valid ? "valid" : "NOT VALID");
		for (k = 0; k < r[i].nrefs; k++)
			fprintf(f, "  reference '%s' covers %s: %s\n", tdk_name(&q, r[i].refs[k].uri),
				r[i].refs[k].covers, r[i].refs[k].ok ? "ok" : "CHANGED");
	}
	tdk_buf_release(&q);
	tdk_buf_release(&qs);
	tdk_buf_release(&qt);
}

/* The ZIP signatures (APPNOTE 4.3.7, 4.3.16, 4.3.11): a local header, an empty archive's end, a span. */
static int zip_magic(const unsigned char *m, size_t n)
{
	return n >= 4 && m[0] == 'P' && m[1] == 'K' && (m[2] == 3 || m[2] == 5 || m[2] == 7);
}

struct verify_run {
	const struct verify_opts *vo;
	const struct tdk_trust *t;
	const struct tdk_zip_limits *lim;
};

/* What one document's verification found, for its report. */
struct found {
	struct tdk_sig_report *reps;
	size_t nreps;
	struct tdk_asic_report ar;
	int container;
};

/* A detached signature names its data; only the files given here answer. */
static int read_data(struct tdk_doc *doc, const struct verify_opts *vo, struct tdk_buf *dat, char **uris,
		     struct tdk_sig_item *items)
{
	size_t i;

	for (i = 0; i < vo->data.n; i++) {
		const char *arg = vo->data.v[i], *eq = strchr(arg, '=');
		const char *file = eq ? eq + 1 : arg;
		const char *slash = strrchr(file, '/');

		if (tdk_read_all(file, DOC_MAX, &dat[i]) < 0)
			return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", file,
					    strerror(errno));
		/* Without "uri=", the file's own name (its last path component) is the URI. */
		uris[i] = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(slash ? slash + 1 : file);
		if (!uris[i])
			return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
		items[i].uri = uris[i];
		items[i].data = (const unsigned char *)dat[i].data;
		items[i].len = dat[i].len;
	}
	return 0;
}

/* A signature document (XMLDSig, XAdES) or a detached CMS signature or time-stamp token. */
static int verify_signature(const struct verify_run *vr, struct tdk_doc *doc, struct tdk_verify_opts *o,
			    struct tdk_buf *in, struct found *fd)
{
	const struct verify_opts *vo = vr->vo;
	struct tdk_buf dat[TDK_OPTLIST_MAX];
	char *uris[TDK_OPTLIST_MAX] = { NULL };
	struct tdk_sig_item items[TDK_OPTLIST_MAX];
	struct tdk_sig_data data = { items, vo->data.n };
	struct tdk_diag *d = &doc->d;
	xmlDocPtr xdoc = NULL;
	unsigned long oom = tdk_sig_oom_count();
	size_t i;
	int kind, r;

	memset(items, 0, sizeof(items));
	for (i = 0; i < TDK_OPTLIST_MAX; i++)
		tdk_buf_init(&dat[i], 1);
	if ((r = read_data(doc, vo, dat, uris, items)))
		goto out;
	kind = tdk_cms_kind((const unsigned char *)in->data, in->len);
	if (kind >= 0) {
		/* A detached CAdES signature or time-stamp token (.p7s, .tst): one file. */
		if (vo->data.n != 1) {
			r = tdk_doc_fail(doc, TDK_EXIT_USAGE, "'%s' is a CMS signature or time-stamp "
					 "token: name the one file it covers with --data", doc->qname);
			goto out;
		}
		if (!(fd->reps = calloc(1, sizeof(*fd->reps)))) {
			r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
			goto out;
		}
		fd->nreps = 1;
		r = tdk_cms_verify_detached((enum tdk_sig_kind)kind, (const unsigned char *)in->data, in->len,
					    items[0].uri, items[0].data, items[0].len, vr->t, fd->reps, d);
		items[0].covered = !r;
	} else {
		xdoc = tdk_xml_parse(in->data, in->len, doc->name, "VERIFY", o->xml, d);
		/* A document that lost text for want of memory is not verified (VERIFY-NO-MEMORY). */
		if (xdoc && tdk_sig_oom_count() != oom) {
			xmlFreeDoc(xdoc);
			xdoc = NULL;
		}
		r = xdoc ? tdk_verify_doc(xdoc, vo->data.n ? &data : NULL, vr->t, o, &fd->reps, &fd->nreps, d) :
			   TDK_EXIT_NEGATIVE;
	}
	for (i = 0; i < vo->data.n && !r; i++)
		if (!items[i].covered) {
			tdk_diag_add(d, TDK_SEV_ERROR, "VERIFY-DATA-UNUSED", NULL, "no signature covers '%s' (--data)",
				     items[i].uri);
			r = TDK_EXIT_NEGATIVE;
		}
out:
	xmlFreeDoc(xdoc);
	for (i = 0; i < TDK_OPTLIST_MAX; i++) {
		tdk_buf_release(&dat[i]);
		free(uris[i]);
	}
	return r;
}

/* The verdicts of the signatures and files, as text lines or JSON members of the verdict object. */
static void report_found(struct tdk_doc *doc, const struct found *fd)
{
	FILE *f = doc->ctx->out;
	char *mem = NULL;
	size_t nmem = 0, i;
	struct tdk_buf qfile = TDK_BUF_INIT(1 << 20);
	int json = doc->rep->format == TDK_REPORT_JSON;

	if (json && !(f = open_memstream(&mem, &nmem))) {
		doc->rep->failed = 1;
		return;
	}
	if (json) {
		fprintf(f, ",\"container\":%s,\"signatures\":[", fd->container ? "true" : "false");
		if (fd->container) {
			int first = 1;

			for (i = 0; i < fd->ar.nsigs; i++)
				if (fd->ar.sigs[i].nreps) {
					if (!first)
						fputc(',', f);
					first = 0;
					print_sigs(f, 1, fd->ar.sigs[i].name, fd->ar.sigs[i].reps, fd->ar.sigs[i].nreps);
				}
			fputs("],\"files\":[", f);
			for (i = 0; i < fd->ar.nfiles; i++) {
				fprintf(f, "%s{\"name\":", i ? "," : "");
				tdk_json_str(f, fd->ar.files[i]);
				if (fd->ar.timestamp_only)
					fprintf(f, ",\"signed\":false,\"time_stamped\":%s}",
						fd->ar.covered[i] ? "true" : "false");
				else
					fprintf(f, ",\"signed\":%s}", fd->ar.covered[i] ? "true" : "false");
			}
		} else {
			print_sigs(f, 1, doc->name, fd->reps, fd->nreps);
		}
		fputs("]", f);
		fclose(f);
		if (tdk_buf_add(&doc->json, mem ? mem : "", nmem) < 0)
			doc->rep->failed = 1;
		free(mem);
	} else if (doc->rep->format == TDK_REPORT_TEXT && fd->container) {
		for (i = 0; i < fd->ar.nsigs; i++) {
			struct tdk_buf label = TDK_BUF_INIT(1 << 20);

			/* Container and entry each quoted as git quotes paths: no forged verdict line. */
			if (tdk_buf_add_name(&label, doc->name) == 0 && tdk_buf_addc(&label, ':') == 0 &&
			    tdk_buf_add_name(&label, fd->ar.sigs[i].name) == 0)
				print_sigs(f, 0, label.data, fd->ar.sigs[i].reps, fd->ar.sigs[i].nreps);
			tdk_buf_release(&label);
		}
		for (i = 0; i < fd->ar.nfiles; i++)
			fprintf(f, "%s: file '%s': %s\n", doc->qname, tdk_name(&qfile, fd->ar.files[i]),
				fd->ar.timestamp_only ? (fd->ar.covered[i] ? "time-stamped" : "NOT TIME-STAMPED") :
				fd->ar.covered[i] ? "signed" : "NOT SIGNED");
	} else if (doc->rep->format == TDK_REPORT_TEXT) {
		print_sigs(f, 0, doc->qname, fd->reps, fd->nreps);
	}
	tdk_buf_release(&qfile);
}

static int verify_doc(void *arg, struct tdk_doc *doc)
{
	const struct verify_run *vr = arg;
	const struct verify_opts *vo = vr->vo;
	struct tdk_verify_opts o = {
		.allow_partial = vo->allow_partial,
		.allow_xslt = vo->allow_xslt,
		.max_xpath_nodes = vo->max_xpath_nodes,
		.max_sig_size = vo->max_sig_size ? vo->max_sig_size : TDK_VERIFY_SIG_SIZE,
		.max_xpath_ops = vo->max_xpath_ops,
	};
	struct tdk_xml_limits xml_lim;
	struct tdk_buf in = TDK_BUF_INIT(1);
	struct found fd;
	struct stat st;
	const char *peek;
	unsigned long oom = tdk_sig_oom_count();
	ssize_t np;
	int regular, r;

	tdk_xml_limits_init(&xml_lim);
	tdk_xml_limit_opts_apply(&vo->xml, &xml_lim);
	o.xml = &xml_lim;
	memset(&fd, 0, sizeof(fd));
	regular = fstat(doc->in.fd, &st) == 0 && S_ISREG(st.st_mode) && strcmp(doc->path, "-");
	if ((np = tdk_input_peek(&doc->in, &peek, 4)) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 strerror(doc->in.err));
		goto out;
	}
	fd.container = zip_magic((const unsigned char *)peek, (size_t)np);
	if (fd.container && regular) {
		r = tdk_asic_verify(doc->path, vr->lim, vr->t, &o, &fd.ar, &doc->d);
	} else if (fd.container) {
		/* Standard input, a pipe, <(...): read once, whole. */
		if (tdk_input_read_all(&doc->in, DOC_MAX, &in) < 0) {
			r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
					 errno == EFBIG ? "longer than 256 MiB" : strerror(errno));
			goto out;
		}
		r = tdk_asic_verify_mem(doc->name, in.data, in.len, vr->lim, vr->t, &o, &fd.ar, &doc->d);
	} else if (tdk_input_read_all(&doc->in, o.max_sig_size, &in) < 0) {
		if (errno == EFBIG) {
			tdk_diag_add(&doc->d, TDK_SEV_ERROR, "VERIFY-SIZE-LIMIT", NULL, "more than %zu bytes, the "
				     "most a signature document may be (--max-signature-size)", o.max_sig_size);
			r = TDK_EXIT_IO;
		} else {
			r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
					 strerror(errno));
		}
		goto out;
	} else {
		r = verify_signature(vr, doc, &o, &in, &fd);
	}
	/* Out of memory is no verdict, whatever the failure looked like (a document cut short...). */
	if (tdk_sig_oom_count() != oom) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "VERIFY-NO-MEMORY", NULL, "out of memory: no verdict (a "
			     "signature document needs about 30 times its size; see --max-signature-size)");
		r = TDK_EXIT_INTERNAL;
	}
	if (!doc->rep->quiet)
		report_found(doc, &fd);
out:
	tdk_asic_report_release(&fd.ar);
	tdk_sig_reports_free(fd.reps, fd.nreps);
	tdk_buf_release(&in);
	return r;
}

static const char *const verify_exts[] = { ".xml", ".asice", ".sce", ".asics", ".scs", ".p7s", ".tst", NULL };

int cmd_verify(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct verify_opts vo = { 0 };
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_LIST_(0, "ca", &vo.ca, "file",
			      "trust anchors: root certificates, PEM bundle or one DER (repeatable)"),
		TDK_OPT_LIST_(0, "cert", &vo.cert, "file",
			      "trust exactly this signer certificate, PEM or DER (repeatable)"),
		TDK_OPT_LIST_(0, "untrusted", &vo.untrusted, "file",
			      "intermediate or signer certificates to build chains with (repeatable)"),
		TDK_OPT_LIST_(0, "certs", &vo.certs, "dir",
			      "a folder of certificates signatures may name (repeatable)"),
		TDK_OPT_STRING_(0, "hmac-key", &vo.hmac, "file", NULL, "shared secret for HMAC signatures"),
		TDK_OPT_FLAG_(0, "insecure", &vo.insecure,
			      "check the cryptography only, with the key the document carries"),
		TDK_OPT_STRING_(0, "at", &vo.at, "time", NULL,
				"check certificates at this UTC time (YYYY-MM-DDTHH:MM:SS)"),
		TDK_OPT_LIST_(0, "data", &vo.data, "[uri=]file",
			      "a document a detached signature refers to (repeatable)"),
		TDK_OPT_FLAG_(0, "allow-partial", &vo.allow_partial,
			      "accept signatures that cover only part of the document"),
		TDK_OPT_FLAG_(0, "allow-xslt", &vo.allow_xslt,
			      "run XSLT transforms of authenticated signatures (refused by default)"),
		TDK_OPT_ULONG_(0, "max-xpath-nodes", &vo.max_xpath_nodes, "n",
			       "XPath transforms only on documents of at most n nodes (default 10000)"),
		TDK_OPT_ULONG_(0, "max-xpath-ops", &vo.max_xpath_ops, "n",
			       "most XPath operations a signature's transforms may take (default 10000000)"),
		TDK_OPT_SIZE_(0, "max-signature-size", &vo.max_sig_size, "bytes",
			      "most bytes of a signature document (default 16M)"),
		TDK_XML_LIMIT_OPTIONS(&vo.xml),
		TDK_OPT_ULONG_(0, "max-entries", &vo.max_entries, "n",
			       "containers: most entries (default 10000)"),
		TDK_OPT_SIZE_(0, "max-total", &vo.max_size, "bytes",
			      "containers: most bytes inflated in all (default 1G)"),
		TDK_OPT_ALIAS_("max-size", "max-total"),
		TDK_OPT_ULONG_(0, "max-ratio", &vo.max_ratio, "n",
			       "containers: highest compression ratio of an entry (default 100)"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "verify", "[file ...]",
		"Verify XML signatures, XAdES properties and ASiC containers against explicit trust." };
	struct tdk_trust t;
	struct tdk_zip_limits lim;
	struct verify_run vr = { &vo, &t, &lim };
	struct tdk_run run = { "verify", verify_exts, { "verified", "NOT VERIFIED", "verified in part", "not checked" },
			       verify_doc, &vr, NULL, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	struct tdk_diag d;
	int nfiles, r, code = TDK_EXIT_OK;

	tdk_run_opts_init(&ro);
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (!nfiles && !ro.dir && !ro.files_from) {
		fprintf(ctx->err, "tdk verify: no file to verify\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	tdk_zip_limits_init(&lim);
	if (vo.max_entries)
		lim.max_entries = vo.max_entries;
	if (vo.max_size)
		lim.max_total = vo.max_size;
	if (vo.max_ratio)
		lim.max_ratio = vo.max_ratio;
	t.ca_files = vo.ca.v;
	t.nca = vo.ca.n;
	t.cert_files = vo.cert.v;
	t.ncert = vo.cert.n;
	t.untrusted_files = vo.untrusted.v;
	t.nuntrusted = vo.untrusted.n;
	t.cert_dirs = vo.certs.v;
	t.ndirs = vo.certs.n;
	t.hmac_key_file = vo.hmac;
	t.insecure = vo.insecure;
	if (vo.at && tdk_time_parse(vo.at, &t.at) < 0)
		return tdk_error(ctx, "verify", TDK_EXIT_USAGE, "--at: '%s' is not a UTC time "
				 "YYYY-MM-DDTHH:MM:SS (a real date, from 1970)", vo.at);
	t.at_set = vo.at != NULL;
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	if (tdk_sign_lib_init()) {
		tdk_report_finish(&run.report);
		return tdk_error(ctx, "verify", TDK_EXIT_INTERNAL, "cannot initialise libxmlsec1");
	}
	tdk_run_diag(&run, &d, "tdk verify");
	if ((run.setup_code = tdk_trust_load(&t, &d)))
		run.setup_error = "the trust anchors cannot be used (see their diagnostics)";
	code = tdk_run_documents(&run, argv, nfiles);
	tdk_trust_release(&t);
	tdk_sign_lib_shutdown();
	return code;
}
