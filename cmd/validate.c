/*
 * tdk validate: checks UN/EDIFACT interchanges at the syntax level of ISO 9735
 * (versions 1 to 4): service string advice and service characters (part 1
 * clause 5, annex B), the release character, the character repertoire of the
 * syntax identifier (clause 6), the envelope of interchanges, groups and
 * messages with their control counts and references (clause 7.1), and the
 * structure of every service segment for its syntax version (annex C); then
 * every message against the UNTDID release its UNH names (lib/edi/dirval.c).
 * It reads in bounded memory, keeps going after errors up to --max-errors, and
 * with -p passes a valid input through to standard output.  The batch, and
 * XML documents and schemas, are in cmd/validate-xml.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "pass.h"
#include "validate.h"
#include "edi/dirval.h"
#include "edi/edi.h"
#include "util/io.h"
#include "validate-ack.h"

struct validate_opts {
	int pass, syntax_only, no_cache;
	const char *charset, *directory;
	struct tdk_dir_set *dirs;
	size_t max_segment, max_components;
	struct tdk_validate_ack *ack;
	struct tdk_validate_xml xv;
};

/* One UN/EDIFACT interchange: syntax, envelopes, and each message against its release. */
static int check_edifact(struct validate_opts *vo, struct tdk_doc *doc)
{
	struct tdk_edi_opts eo;
	struct tdk_edi_dirval *dv = NULL;
	struct tdk_edi_sink sink, ack_sink, *sinkp = NULL;
	struct tdk_diag *d = &doc->d;
	const char *why = NULL;
	int r;

	tdk_edi_opts_init(&eo);
	eo.mode = TDK_EDI_VALIDATE;
	eo.charset = vo->charset;
	if (vo->max_segment)
		eo.max_segment = vo->max_segment;
	if (vo->max_components)
		eo.max_components = vo->max_components;
	if (vo->dirs) {
		if (!(dv = tdk_edi_dirval_new(vo->dirs, d))) {
			r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
			goto out;
		}
		tdk_edi_dirval_sink(dv, &sink);
		sinkp = &sink;
	}
	if ((r = tdk_validate_ack_begin(vo->ack, doc->ctx, d, dv, &ack_sink, &sinkp)))
		goto out;
	r = tdk_edi_parse_input(&doc->in, &eo, d, sinkp, 1, NULL);
	if (r == TDK_EXIT_IO) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 strerror(doc->in.err ? doc->in.err : EIO));
		goto out;
	}
	if (r) {
		r = tdk_doc_fail(doc, r, "out of memory while reading '%s'", doc->qname);
		goto out;
	}
	r = tdk_validate_ack_end(vo->ack, doc->ctx, d, d->errors ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK);
	/* Messages checked against ISO 9735 only: valid as far as that goes, and said so. */
	if (r || d->errors) {
		;
	} else if (!vo->dirs) {
		doc->partial = "syntax only (--syntax-only)";
	} else if (tdk_edi_dirval_partial(dv, &why)) {
		snprintf(doc->why, sizeof(doc->why), "syntax only: %s", why);
		doc->partial = doc->why;
	}
	if (doc->partial)
		doc->verdict = "valid (syntax only)";
out:
	tdk_edi_dirval_free(dv);
	return r;
}

/* ---- one document, by its format ---- */

static int ends_xsd(const char *p)
{
	size_t n = strlen(p);

	return n > 4 && !strcasecmp(p + n - 4, ".xsd");
}

/*
 * A schema is compiled from its file by name, where its imports are; with -p
 * its bytes go through the tap first, and once it is compiled the name must
 * still be the file that was opened.  (A schema rewritten in place while it
 * is compiled is not caught: the compiler reads it by name.)
 */
static int drain(struct tdk_input *in)
{
	char buf[65536];
	ssize_t n;

	while ((n = tdk_input_read(in, buf, sizeof(buf))) > 0)
		;
	return n < 0 ? -1 : 0;
}

static int same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * What a document is, from its first bytes (the driver's sniff): 0 EDIFACT,
 * 1 XML, 2 an XML Schema (also by its name), 3 something tdk validate does
 * not read.  Text and binary bytes go to the EDIFACT parser, which says
 * best where a damaged interchange breaks.
 */
static int kind_of(const struct tdk_doc *doc)
{
	int stdin_ = !strcmp(doc->path, "-");

	switch (doc->sniff.kind) {
	case TDK_SNIFF_XSD:
		return stdin_ ? 1 : 2;  /* a schema is checked from its file, where its imports are */
	case TDK_SNIFF_XML:
		return !stdin_ && ends_xsd(doc->path) ? 2 : 1;
	case TDK_SNIFF_JSON: case TDK_SNIFF_ZIP: case TDK_SNIFF_PDF: case TDK_SNIFF_CSV:
		return 3;
	default:
		return !stdin_ && ends_xsd(doc->path) ? 2 : 0;
	}
}

static int validate_doc(void *arg, struct tdk_doc *doc)
{
	struct validate_opts *vo = arg;
	struct tdk_pass pass;
	int kind = 0, passing = 0, r;

	if (vo->pass) {
		if (tdk_pass_begin(&pass, &doc->in))
			return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
		passing = 1;
	}
	if ((kind = kind_of(doc)) == 3) {
		r = tdk_doc_wrong_format(doc, "validate", "UN/EDIFACT or XML");
		goto out;
	}
	if (kind == 2 && passing && drain(&doc->in) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 strerror(doc->in.err));
		goto out;
	}
	r = kind ? tdk_validate_xml_one(&vo->xv, doc, kind == 2) : check_edifact(vo, doc);
	if (kind == 2 && passing && r == TDK_EXIT_OK && !same_file(doc->in.fd, doc->path))
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "'%s' changed while it was checked: not "
				 "passed through", doc->qname);
	if (passing && r == TDK_EXIT_OK && !doc->d.errors)
		r = tdk_pass_write(&pass, doc->ctx, doc->path);
out:
	if (passing)
		tdk_pass_release(&pass);
	return r;
}

static const char *const validate_exts[] = { ".xml", ".xsd", ".edi", ".edifact", NULL };

int cmd_validate(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct validate_opts vo = { 0 };
	struct tdk_validate_xml *xv = &vo.xv;
	struct tdk_validate_ack ack = { 0 };
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_FLAG_('p', "pass", &vo.pass,
			      "pass a valid input through to standard output (one input only)"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_STRICT_OPTION(&ro),
		TDK_OPT_STRING_(0, "charset", &vo.charset, "id", NULL,
				"read data in this syntax identifier's character set (e.g. UNOW), "
				"whatever UNB declares"),
		TDK_OPT_SIZE_(0, "max-segment-size", &vo.max_segment, "bytes",
			      "longest segment accepted (default 1M)"),
		TDK_OPT_ULONG_(0, "max-components", &vo.max_components, "n",
			       "most components in one segment (default 10000)"),
		TDK_OPT_STRING_('D', "directory", &vo.directory, "path", NULL,
				"read UNTDID releases from path (a release zip or folder, or a folder of "
				"releases) instead of the search path"),
		TDK_OPT_FLAG_(0, "syntax-only", &vo.syntax_only,
			      "check ISO 9735 syntax only, not the messages against their directory"),
		TDK_OPT_FLAG_(0, "no-cache", &vo.no_cache, "read release files, not the compiled cache"),
		TDK_VALIDATE_ACK_OPTIONS(&ack),
		TDK_OPT_STRING_(0, "schema", &xv->schema, "schema", NULL,
				"XML: check against this XSD file, or this name in a catalog"),
		TDK_OPT_LIST_(0, "catalog", &xv->catalogs, "file",
			      "XML: look schemas up in this OASIS catalog too (repeatable)"),
		TDK_OPT_FLAG_(0, "use-schema-location", &xv->use_schema_location,
			      "XML: follow xsi:schemaLocation (local files only)"),
		TDK_OPT_FLAG_(0, "well-formed", &xv->well_formed, "XML: check well-formedness only"),
		TDK_OPT_STRING_(0, "rules", &xv->rules, "file", NULL,
				"XML: apply these ISO Schematron rules"),
		TDK_OPT_SIZE_(0, "max-size", &xv->max_size, "bytes",
			      "XML: largest document accepted (default 1G)"),
		TDK_OPT_ULONG_(0, "max-depth", &xv->max_depth, "n",
			       "XML: deepest element nesting (default 256)"),
		TDK_XML_LIMIT_OPTIONS(&xv->limits),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "validate", "[file ...]",
		"Check UN/EDIFACT interchanges against the syntax rules of ISO 9735, versions 1 to 4,\n"
		"and their messages against their UNTDID directory; check XML documents\n"
		"for well-formedness, against XSD schemas and Schematron rules." };
	struct tdk_run run = { "validate", validate_exts,
			       { "valid", "invalid", "checked in part", "not checked" },
			       validate_doc, &vo, NULL, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	struct tdk_dir_set dirs;
	int nfiles, r, code;

	tdk_run_opts_init(&ro);
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (vo.pass && (nfiles > 1 || ro.dir || ro.files_from)) {
		fprintf(ctx->err, "tdk validate: -p passes one input through, not %d\n", nfiles);
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (vo.charset) {
		struct tdk_charset cs;
		int k = tdk_charset_init(&cs, vo.charset);

		tdk_charset_release(&cs);
		if (k != 0)
			return tdk_error(ctx, "validate", TDK_EXIT_USAGE,
					 "--charset: '%s' is not a supported UN/ECE syntax identifier",
					 vo.charset);
	}
	/* Passed documents and acknowledgements go to standard output: the report goes to stderr. */
	run.data_on_stdout = vo.pass || (ack.ack && (!ack.output || !strcmp(ack.output, "-")));
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	if (!vo.syntax_only) {
		if (tdk_dir_set_init(&dirs, tdk_share_dir(), vo.directory) < 0) {
			tdk_report_finish(&run.report);
			return tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
		}
		dirs.no_cache = vo.no_cache;
		vo.dirs = &dirs;
	}
	vo.ack = &ack;
	if ((r = tdk_validate_ack_init(&ack, ctx, vo.pass, ro.format, vo.syntax_only, vo.dirs)) >= 0) {
		tdk_report_finish(&run.report);
		if (vo.dirs)
			tdk_dir_set_release(vo.dirs);
		return r;
	}
	/* Acknowledgements come in input order, from one worker. */
	run.serial = ack.ack != NULL;
	/* A setup that failed leaves every input unchecked; each one's verdict says why. */
	run.setup_code = tdk_validate_xml_setup(&run, xv);
	code = tdk_run_documents(&run, argv, nfiles);
	code = tdk_validate_ack_finish(&ack, ctx, code);
	tdk_validate_xml_release(xv);
	if (vo.dirs)
		tdk_dir_set_release(vo.dirs);
	return code;
}
