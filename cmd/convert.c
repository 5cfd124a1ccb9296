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

#include "cmd.h"
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

/* The first byte that is not a byte order mark or white space tells the format. */
static enum fmt detect(struct tdk_input *in)
{
	const char *p;
	ssize_t n = tdk_input_peek(in, &p, 256), i = 0;

	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '<')
		return F_XML;
	if (i < n && p[i] == '{')
		return F_JSON;
	return F_EDIFACT;
}

int cmd_convert(int argc, char **argv, struct tdk_ctx *ctx)
{
	const char *from = NULL, *to = NULL, *output = NULL, *charset = NULL, *names = NULL, *directory = NULL;
	int no_cache = 0;
	size_t max_segment = 0;
	unsigned long max_components = 0;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('f', "from", &from, "format", "edifact|xml|json",
				"input format (default: detected from the first bytes)"),
		TDK_OPT_STRING_('t', "to", &to, "format", "edifact|xml|json",
				"output format (default: xml for EDIFACT input, edifact otherwise)"),
		TDK_OPT_STRING_('o', "output", &output, "file", NULL,
				"write to file, atomically, instead of standard output"),
		TDK_OPT_STRING_(0, "charset", &charset, "id", NULL,
				"read EDIFACT data in this syntax identifier's character set (e.g. UNOW), "
				"whatever UNB declares"),
		TDK_OPT_SIZE_(0, "max-segment-size", &max_segment, "bytes",
			      "longest segment accepted (default 1M)"),
		TDK_OPT_ULONG_(0, "max-components", &max_components, "n",
			       "most components in one segment (default 10000)"),
		TDK_OPT_STRING_(0, "names", &names, "names", "syntax|directory",
				"XML names: syntax-level (default) or after each message's UNTDID directory"),
		TDK_OPT_STRING_('D', "directory", &directory, "path", NULL,
				"with --names directory: read releases from path instead of the search path"),
		TDK_OPT_FLAG_(0, "no-cache", &no_cache, "read release files, not the compiled cache"),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "convert", "[file]",
		"Convert UN/EDIFACT interchanges to XML or JSON and back, losslessly." };
	struct tdk_edi_opts eo;
	struct tdk_edi_sink sink;
	struct tdk_edi_xml_writer *xw = NULL;
	struct tdk_edi_json_writer *jw = NULL;
	struct tdk_edi_writer *ew = NULL;
	struct tdk_dir_set set;
	int by_dir, have_set = 0;
	struct tdk_report rep;
	struct tdk_diag d;
	struct tdk_input in;
	struct tdk_output out;
	const char *path, *name;
	enum fmt f, t;
	int nargs, r, opened = 0;

	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nargs)) >= 0)
		return r;
	if (nargs > 1) {
		fprintf(ctx->err, "tdk convert: one input at a time (got %d); loop or use xargs\n", nargs);
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if (charset) {
		struct tdk_charset cs;
		int k = tdk_charset_init(&cs, charset);

		tdk_charset_release(&cs);
		if (k != 0)
			return tdk_error(ctx, "convert", TDK_EXIT_USAGE,
					 "--charset: '%s' is not a supported UN/ECE syntax identifier", charset);
	}
	path = nargs ? argv[0] : "-";
	name = strcmp(path, "-") ? path : "<stdin>";
	if (tdk_input_open(&in, path) < 0)
		return tdk_error(ctx, "convert", TDK_EXIT_IO, "cannot open '%s': %s", path,
				 strerror(in.err));
	f = from ? fmt_of(from) : detect(&in);
	t = to ? fmt_of(to) : f == F_EDIFACT ? F_XML : F_EDIFACT;
	by_dir = names && !strcmp(names, "directory");
	if (by_dir && (t != F_XML || f != F_EDIFACT)) {
		tdk_input_close(&in);
		return tdk_error(ctx, "convert", TDK_EXIT_USAGE,
				 "--names directory writes XML from EDIFACT (-t xml); the XML it writes converts "
				 "back without it");
	}
	if (in.err) {
		r = tdk_error(ctx, "convert", TDK_EXIT_IO, "cannot read '%s': %s", path, strerror(in.err));
		goto out;
	}

	tdk_report_init(&rep, "text", ctx->err, "tdk convert");
	tdk_diag_init(&d, name);
	d.emit = tdk_report_emit;
	d.arg = &rep;
	d.max_errors = 100;
	if (tdk_output_open(&out, output, ctx->out) < 0) {
		r = tdk_error(ctx, "convert", TDK_EXIT_IO, "cannot create '%s': %s", output,
			      strerror(out.err));
		goto out_report;
	}
	opened = 1;
	switch (t) {
	case F_XML:
		if (!by_dir) {
			xw = tdk_edi_xml_writer_new(&out, &d, &sink);
			break;
		}
		if (tdk_dir_set_init(&set, tdk_share_dir(), directory) < 0)
			break;
		have_set = 1;
		set.no_cache = no_cache;
		xw = tdk_edi_xml_writer_new_names(&out, &d, &sink, &set);
		break;
	case F_JSON:
		jw = tdk_edi_json_writer_new(&out, &d, &sink);
		break;
	default:
		ew = tdk_edi_writer_new(&out, &d, &sink);
		break;
	}
	if (!xw && !jw && !ew) {
		r = tdk_error(ctx, "convert", TDK_EXIT_INTERNAL, "out of memory");
		goto out_report;
	}
	tdk_edi_opts_init(&eo);
	eo.mode = TDK_EDI_CONVERT;
	eo.charset = charset;
	if (max_segment)
		eo.max_segment = max_segment;
	if (max_components)
		eo.max_components = max_components;
	switch (f) {
	case F_XML:
		r = tdk_edi_read_xml(&in, &d, &sink, eo.max_components);
		break;
	case F_JSON:
		r = tdk_edi_read_json(&in, &d, &sink, eo.max_components);
		break;
	default:
		r = tdk_edi_parse_input(&in, &eo, &d, &sink, 0, NULL);
		break;
	}
	if (r == TDK_EXIT_IO && in.err) {
		r = tdk_error(ctx, "convert", TDK_EXIT_IO, "cannot read '%s': %s", path, strerror(in.err));
	} else if (r == TDK_EXIT_IO) {
		r = tdk_output_error(ctx, "convert", output, out.err);
	} else if (r == TDK_EXIT_INTERNAL) {
		r = tdk_error(ctx, "convert", r, "out of memory");
	} else if (!r && d.errors) {
		r = TDK_EXIT_NEGATIVE;
	} else if (r && !d.errors) {
		r = tdk_error(ctx, "convert", r, "'%s' could not be converted", name);
	}
	if (r) {
		/* The diagnostics said why; no half-written file is left behind. */
		tdk_output_abort(&out);
		opened = 0;
		goto out_report;
	}
	if (tdk_output_commit(&out) < 0)
		r = tdk_output_error(ctx, "convert", output, out.err);
	opened = 0;
out_report:
	if (opened)
		tdk_output_abort(&out);
	tdk_edi_xml_writer_free(xw);
	if (have_set)
		tdk_dir_set_release(&set);
	tdk_edi_json_writer_free(jw);
	tdk_edi_writer_free(ew);
	tdk_report_finish(&rep);
out:
	tdk_input_close(&in);
	return r;
}
