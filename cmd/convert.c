/*
 * tdk convert: UN/EDIFACT (ISO 9735, syntax versions 1 to 4) to XML or JSON
 * and back, losslessly.  The XML vocabulary is xsd/tdk-edifact.xsd; the JSON
 * form mirrors it.  Both keep the service string advice, the line breaks
 * between segments and every empty element and component, so that
 * EDIFACT -> XML -> EDIFACT gives back the input byte for byte; values are
 * UTF-8 and are re-encoded in the interchange's declared character set on
 * the way back, where a character the set lacks is an error, never a '?'.
 * With --names directory the XML names groups, segments, composites and data
 * elements after each message's UNTDID directory (the release from UNH S009)
 * and still converts back byte for byte without it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "run.h"
#include "edi/dir.h"
#include "edi/edi.h"
#include "util/io.h"

enum fmt { F_NONE, F_EDIFACT, F_XML, F_JSON };

static enum fmt fmt_of(const char *s)
{
	if (!s)
		return F_NONE;
	if (!strcmp(s, "edifact"))
		return F_EDIFACT;
	if (!strcmp(s, "xml"))
		return F_XML;
	return F_JSON;
}

/* tdk's EDIFACT XML, in either naming: urn:tdk:edifact:1 and urn:tdk:edifact:directory:1. */
#define TDK_EDIFACT_NS "urn:tdk:edifact:"

/* Whether a namespace name is the WCO's ("urn:wco:datamodel:..."). */
static int names_wco(const char *ns, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (!strncasecmp(ns + i, "wco", 3))
			return 1;
	return 0;
}

/*
 * The input's format, from the driver's sniff: EDIFACT (text and binary
 * bytes too: the EDIFACT parser says best where a damaged interchange
 * breaks), tdk's XML or JSON form; F_NONE, reported, for anything else.
 */
static enum fmt detect(struct tdk_doc *doc)
{
	const struct tdk_sniff *s = &doc->sniff;

	switch (s->kind) {
	case TDK_SNIFF_XML:
		/* XML of another vocabulary: a WCO Data Model declaration is mapped, not converted. */
		if (s->ns && (s->ns_len < strlen(TDK_EDIFACT_NS) || memcmp(s->ns, TDK_EDIFACT_NS, strlen(TDK_EDIFACT_NS)))) {
			tdk_diag_add(&doc->d, TDK_SEV_ERROR, "TDK-FORMAT", NULL, "input is XML in namespace "
				     "'%.*s', not tdk's EDIFACT XML ('" TDK_EDIFACT_NS "1'), which tdk convert reads; "
				     "%s", (int)(s->ns_len > 200 ? 200 : s->ns_len), s->ns,
				     names_wco(s->ns, s->ns_len) ?
				     "turning a WCO Data Model document into EDIFACT is the job of 'tdk map', which "
				     "this version of tdk does not have yet" : "tdk validate checks it");
			return F_NONE;
		}
		return F_XML;
	case TDK_SNIFF_JSON:
		return F_JSON;
	case TDK_SNIFF_XSD: case TDK_SNIFF_ZIP: case TDK_SNIFF_PDF: case TDK_SNIFF_CSV:
		tdk_doc_wrong_format(doc, "convert", "UN/EDIFACT or tdk's XML or JSON form of it");
		return F_NONE;
	default:
		return F_EDIFACT;
	}
}

struct convert_opts {
	const char *from, *to, *output, *charset, *names, *directory;
	int no_cache, by_dir;
	size_t max_segment;
	unsigned long max_components;
	struct tdk_dir_set set;
	int have_set;
};

/* The writer for the target format, feeding out; returns 0 or -1 without memory. */
struct writers {
	struct tdk_edi_xml_writer *xw;
	struct tdk_edi_json_writer *jw;
	struct tdk_edi_writer *ew;
};

static int open_writer(struct convert_opts *co, enum fmt t, struct tdk_output *out, struct tdk_diag *d,
		       struct tdk_edi_sink *sink, struct writers *w)
{
	switch (t) {
	case F_XML:
		w->xw = co->by_dir ? tdk_edi_xml_writer_new_names(out, d, sink, &co->set) :
				     tdk_edi_xml_writer_new(out, d, sink);
		return w->xw ? 0 : -1;
	case F_JSON:
		w->jw = tdk_edi_json_writer_new(out, d, sink);
		return w->jw ? 0 : -1;
	default:
		w->ew = tdk_edi_writer_new(out, d, sink);
		return w->ew ? 0 : -1;
	}
}

static int convert_doc(void *arg, struct tdk_doc *doc)
{
	struct convert_opts *co = arg;
	const char *output = doc->outpath ? doc->outpath : co->output;
	struct writers w = { NULL, NULL, NULL };
	struct tdk_edi_opts eo;
	struct tdk_edi_sink sink;
	struct tdk_diag *d = &doc->d;
	struct tdk_output out;
	enum fmt f, t;
	int r, opened = 0;

	f = co->from ? fmt_of(co->from) : detect(doc);
	if (f == F_NONE)
		return TDK_EXIT_NEGATIVE;
	t = co->to ? fmt_of(co->to) : f == F_EDIFACT ? F_XML : F_EDIFACT;
	if (co->by_dir && (t != F_XML || f != F_EDIFACT))
		return tdk_doc_fail(doc, TDK_EXIT_USAGE, "--names directory writes XML from EDIFACT "
				    "(-t xml); the XML it writes converts back without it");
	if (doc->in.err)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				    strerror(doc->in.err));
	if (tdk_output_open(&out, output, doc->ctx->out) < 0)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot create '%s': %s", output,
				    strerror(out.err));
	opened = 1;
	if (open_writer(co, t, &out, d, &sink, &w) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	tdk_edi_opts_init(&eo);
	eo.mode = TDK_EDI_CONVERT;
	eo.charset = co->charset;
	if (co->max_segment)
		eo.max_segment = co->max_segment;
	if (co->max_components)
		eo.max_components = co->max_components;
	switch (f) {
	case F_XML:
		r = tdk_edi_read_xml(&doc->in, d, &sink, eo.max_components);
		break;
	case F_JSON:
		r = tdk_edi_read_json(&doc->in, d, &sink, eo.max_components);
		break;
	default:
		r = tdk_edi_parse_input(&doc->in, &eo, d, &sink, 0, NULL);
		break;
	}
	if (r == TDK_EXIT_IO && doc->in.err)
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 strerror(doc->in.err));
	else if (r == TDK_EXIT_IO)
		r = tdk_doc_output_fail(doc, "convert", output, out.err);
	else if (r == TDK_EXIT_INTERNAL)
		r = tdk_doc_fail(doc, r, "out of memory");
	else if (!r && d->errors)
		r = TDK_EXIT_NEGATIVE;
	else if (r && !d->errors)
		r = tdk_doc_fail(doc, r, "'%s' could not be converted", doc->qname);
	/* The diagnostics said why; no half-written file is left behind. */
	if (r)
		goto out;
	opened = 0;
	if (tdk_output_commit(&out) < 0)
		r = tdk_doc_output_fail(doc, "convert", output, out.err);
out:
	if (opened)
		tdk_output_abort(&out);
	tdk_edi_xml_writer_free(w.xw);
	tdk_edi_json_writer_free(w.jw);
	tdk_edi_writer_free(w.ew);
	return r;
}

/* Under -O: the input's name with the target format's extension. */
static int convert_out_name(void *arg, const char *base, struct tdk_buf *b)
{
	const struct convert_opts *co = arg;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	enum fmt t = co->to ? fmt_of(co->to) : F_NONE;

	if (t == F_NONE) {
		/* Without -t the input's own extension says which way it goes. */
		int back = dot && (!strcasecmp(dot, ".xml") || !strcasecmp(dot, ".json"));

		t = back ? F_EDIFACT : F_XML;
	}
	if (tdk_buf_add(b, base, n) < 0)
		return -1;
	return tdk_buf_adds(b, t == F_XML ? ".xml" : t == F_JSON ? ".json" : ".edi");
}

static const char *const convert_exts[] = { ".edi", ".edifact", ".xml", ".json", NULL };

int cmd_convert(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct convert_opts co;
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('f', "from", &co.from, "format", "edifact|xml|json",
				"input format (default: detected from the first bytes)"),
		TDK_OPT_STRING_('t', "to", &co.to, "format", "edifact|xml|json",
				"output format (default: xml for EDIFACT input, edifact otherwise)"),
		TDK_OPT_STRING_('o', "output", &co.output, "file", NULL,
				"write to file, atomically, instead of standard output (one input)"),
		TDK_RUN_OUTDIR_OPTION(&ro, "write each input's conversion into dir, under its name with "
				      "the new format's extension"),
		TDK_OPT_STRING_(0, "charset", &co.charset, "id", NULL,
				"read EDIFACT data in this syntax identifier's character set (e.g. UNOW), "
				"whatever UNB declares"),
		TDK_OPT_SIZE_(0, "max-segment-size", &co.max_segment, "bytes",
			      "longest segment accepted (default 1M)"),
		TDK_OPT_ULONG_(0, "max-components", &co.max_components, "n",
			       "most components in one segment (default 10000)"),
		TDK_OPT_STRING_(0, "names", &co.names, "names", "syntax|directory",
				"XML names: syntax-level (default) or after each message's UNTDID directory"),
		TDK_OPT_STRING_('D', "directory", &co.directory, "path", NULL,
				"with --names directory: read releases from path instead of the search path"),
		TDK_OPT_FLAG_(0, "no-cache", &co.no_cache, "read release files, not the compiled cache"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "convert", "[file ...]",
		"Convert UN/EDIFACT interchanges to XML or JSON and back, losslessly." };
	struct tdk_run run = { "convert", convert_exts,
			       { "converted", "invalid", "converted in part", "not converted" },
			       convert_doc, &co, convert_out_name, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	int nargs, r, code;

	memset(&co, 0, sizeof(co));
	tdk_run_opts_init(&ro);
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nargs)) >= 0)
		return r;
	if ((nargs > 1 || ro.dir || ro.files_from) && !ro.outdir) {
		fprintf(ctx->err, "tdk convert: several inputs need -O dir (one output file each)\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (co.output && ro.outdir) {
		fprintf(ctx->err, "tdk convert: -o names one output file, -O a folder for many: not both\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (co.charset) {
		struct tdk_charset cs;
		int k = tdk_charset_init(&cs, co.charset);

		tdk_charset_release(&cs);
		if (k != 0)
			return tdk_error(ctx, "convert", TDK_EXIT_USAGE,
					 "--charset: '%s' is not a supported UN/ECE syntax identifier", co.charset);
	}
	co.by_dir = co.names && !strcmp(co.names, "directory");
	run.data_on_stdout = !co.output && !ro.outdir;
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	if (co.by_dir) {
		if (tdk_dir_set_init(&co.set, tdk_share_dir(), co.directory) < 0) {
			tdk_report_finish(&run.report);
			return tdk_error(ctx, "convert", TDK_EXIT_INTERNAL, "out of memory");
		}
		co.have_set = 1;
		co.set.no_cache = co.no_cache;
	}
	code = tdk_run_documents(&run, argv, nargs);
	if (co.have_set)
		tdk_dir_set_release(&co.set);
	return code;
}
