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
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "validate.h"
#include "edi/dirval.h"
#include "edi/edi.h"
#include "util/io.h"
#include "validate-ack.h"

struct validate_opts {
	int pass, quiet, syntax_only, no_cache;
	const char *format, *charset, *directory;
	struct tdk_dir_set *dirs;
	unsigned long max_errors;
	size_t max_segment, max_components;
	struct tdk_validate_ack *ack;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int validate_one(struct tdk_ctx *ctx, const struct validate_opts *vo, struct tdk_report *rep,
			const char *path, struct tdk_input *inp)
{
	struct tdk_edi_opts eo;
	struct tdk_edi_dirval *dv = NULL;
	struct tdk_edi_sink sink, ack_sink, *sinkp = NULL;
	struct tdk_diag d;
	struct tdk_input in = *inp;
	struct tdk_buf scratch = TDK_BUF_INIT(16384);
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	const char *peek;
	double t0 = now();
	int r, code = TDK_EXIT_OK;
	ssize_t np;

	tdk_diag_init(&d, name);
	d.emit = tdk_report_emit;
	d.arg = rep;
	d.max_errors = vo->max_errors;
	tdk_edi_opts_init(&eo);
	eo.mode = TDK_EDI_VALIDATE;
	eo.charset = vo->charset;
	if (vo->max_segment)
		eo.max_segment = vo->max_segment;
	if (vo->max_components)
		eo.max_components = vo->max_components;

	if (vo->dirs) {
		if (!(dv = tdk_edi_dirval_new(vo->dirs, &d))) {
			r = tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
			goto out_close;
		}
		tdk_edi_dirval_sink(dv, &sink);
		sinkp = &sink;
	}
	if ((r = tdk_validate_ack_begin(vo->ack, ctx, &d, dv, &ack_sink, &sinkp)))
		goto out_close;

	np = tdk_input_peek(&in, &peek, 64);
	if (np > 0) {
		ssize_t i = 0;

		if (np >= 3 && !memcmp(peek, "\xEF\xBB\xBF", 3))
			i = 3;
		while (i < np && (peek[i] == ' ' || peek[i] == '\n' || peek[i] == '\r' || peek[i] == '\t'))
			i++;
		if (i < np && (peek[i] == '<' || peek[i] == '{')) {
			tdk_diag_add(&d, TDK_SEV_ERROR, "TDK-FORMAT", NULL,
				     "input is %s; tdk validate checks UN/EDIFACT interchanges (use "
				     "'tdk convert' to turn the %s form back into EDIFACT)",
				     peek[i] == '<' ? "XML" : "JSON", peek[i] == '<' ? "XML" : "JSON");
			code = TDK_EXIT_NEGATIVE;
			goto report;
		}
	}

	r = tdk_edi_parse_input(&in, &eo, &d, sinkp, 1, NULL);
	if (r == TDK_EXIT_IO) {
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot read '%s': %s", tdk_name(&scratch, name),
			      strerror(in.err ? in.err : EIO));
		goto out_close;
	}
	if (r) {
		r = tdk_error(ctx, "validate", r, "out of memory while reading '%s'", tdk_name(&scratch, name));
		goto out_close;
	}
	code = tdk_validate_ack_end(vo->ack, ctx, &d, d.errors ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK);
	tdk_validate_note_stopped(rep, &d);

report:
	tdk_report_document(rep, name, d.errors, now() - t0);
	r = code;
out_close:
	tdk_edi_dirval_free(dv);
	tdk_buf_release(&scratch);
	*inp = in;
	return r;
}

static int validate_edifact(struct tdk_ctx *ctx, const void *vo, struct tdk_report *rep, const char *path,
			    struct tdk_input *in)
{
	return validate_one(ctx, vo, rep, path, in);
}

int cmd_validate(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct validate_opts vo = { 0 };
	struct tdk_validate_xml xv = { 0 };
	const struct tdk_validate_edifact edi = { validate_edifact, &vo };
	struct tdk_validate_ack ack = { 0 };
	const struct tdk_opt opts[] = {
		TDK_OPT_FLAG_('p', "pass", &vo.pass,
			      "pass a valid input through to standard output (one input only)"),
		TDK_OPT_FLAG_('q', "quiet", &vo.quiet, "print nothing; the exit status tells"),
		TDK_OPT_STRING_(0, "format", &vo.format, "format", "text|json|junit",
				"diagnostics as text (stderr), JSON lines or a JUnit report (stdout)"),
		TDK_OPT_ULONG_(0, "max-errors", &vo.max_errors, "n",
			       "stop reporting a document after n errors (default 100, 0: no limit)"),
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
		TDK_OPT_STRING_(0, "schema", &xv.schema, "schema", NULL,
				"XML: check against this XSD file, or this name in a catalog"),
		TDK_OPT_LIST_(0, "catalog", &xv.catalogs, "file",
			      "XML: look schemas up in this OASIS catalog too (repeatable)"),
		TDK_OPT_FLAG_(0, "use-schema-location", &xv.use_schema_location,
			      "XML: follow xsi:schemaLocation (local files only)"),
		TDK_OPT_FLAG_(0, "well-formed", &xv.well_formed, "XML: check well-formedness only"),
		TDK_OPT_STRING_(0, "rules", &xv.rules, "file", NULL,
				"XML: apply these ISO Schematron rules"),
		TDK_OPT_SIZE_(0, "max-size", &xv.max_size, "bytes",
			      "XML: largest document accepted (default 1G)"),
		TDK_OPT_ULONG_(0, "max-depth", &xv.max_depth, "n",
			       "XML: deepest element nesting (default 256)"),
		TDK_XML_LIMIT_OPTIONS(&xv.limits),
		TDK_OPT_STRING_('r', "recursive", &xv.dir, "dir", NULL,
				"check the .xml, .xsd, .edi and .edifact files under dir"),
		TDK_OPT_STRING_(0, "files-from", &xv.files_from, "file", NULL,
				"check the files named in file, one a line ('-': standard input)"),
		TDK_OPT_FLAG_('0', "null", &xv.nul, "names in --files-from end with NUL, not a line break"),
		TDK_OPT_ULONG_('j', "jobs", &xv.jobs, "n", "check n inputs at once (default 1)"),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "validate", "[file ...]",
		"Check UN/EDIFACT interchanges against the syntax rules of ISO 9735, versions 1 to 4,\n"
		"and their messages against their UNTDID directory; check XML documents\n"
		"for well-formedness, against XSD schemas and Schematron rules." };
	struct tdk_report rep;
	struct tdk_dir_set dirs;
	int nfiles, r, code;

	vo.max_errors = 100;
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (vo.pass && (nfiles > 1 || xv.dir || xv.files_from)) {
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
	if (tdk_report_init(&rep, vo.format, vo.format && strcmp(vo.format, "text") && !vo.pass ?
			    ctx->out : ctx->err, "tdk validate") < 0)
		return TDK_EXIT_USAGE;
	rep.quiet = vo.quiet;
	if (!vo.syntax_only) {
		if (tdk_dir_set_init(&dirs, tdk_share_dir(), vo.directory) < 0) {
			tdk_report_finish(&rep);
			return tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
		}
		dirs.no_cache = vo.no_cache;
		vo.dirs = &dirs;
	}
	vo.ack = &ack;
	if ((r = tdk_validate_ack_init(&ack, ctx, vo.pass, vo.format, vo.syntax_only, vo.dirs)) >= 0) {
		tdk_report_finish(&rep);
		if (vo.dirs)
			tdk_dir_set_release(vo.dirs);
		return r;
	}
	/* Acknowledgements come in input order, from one worker. */
	if (ack.ack)
		xv.jobs = 1;
	xv.pass = vo.pass;
	xv.quiet = vo.quiet;
	xv.max_errors = vo.max_errors;
	code = tdk_validate_run(ctx, &xv, &rep, argv, nfiles, &edi);
	code = tdk_validate_ack_finish(&ack, ctx, code);
	if (tdk_report_finish(&rep) < 0)
		code = tdk_exit_worst(code, tdk_error(ctx, "validate", TDK_EXIT_INTERNAL,
						      "out of memory: the report is incomplete"));
	if (vo.dirs)
		tdk_dir_set_release(vo.dirs);
	return code;
}
