/*
 * tdk harmonise: rewrites the values of XML documents (WCO Data Model
 * declarations foremost) to the form the WCO DM and the international code
 * lists prescribe: ISO 3166-1 alpha-2 countries, ISO 4217 currencies,
 * UN/ECE Rec 20 units and Rec 21 package types, EDIFACT date formats 102
 * and 304, XSD decimal numbers, codes and identifiers without stray white
 * space.  Which element holds which kind of value is data: the shipped rules
 * (data/harmonise, $TDK_HARMONISE_DIR) cover DEC-DMS:2 and MAI 01A, and
 * --rules adds a user's own, read first.  Every change is a note with its
 * XPath, old and new value and the rule that made it; a value that cannot
 * be harmonised without a guess is an error.  The document is otherwise
 * written out byte for byte (lib/wco/harmonise.h).  --check writes nothing
 * and exits 1 when a change would be made.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "xmlopt.h"
#include "wco/dict.h"
#include "wco/harmonise.h"

struct harm_opts {
	struct tdk_optlist rules;
	int check, no_default;
	struct tdk_xml_limit_opts xml;
};

struct harm_run {
	const struct harm_opts *o;
	struct tdk_harm h;
	struct tdk_wco_dict dict;       /* for wco: selectors */
	struct tdk_xml_limits lim;
};

/* The largest document read. */
#define HARM_DOC_MAX ((size_t)256 << 20)

static int harm_doc(void *arg, struct tdk_doc *doc)
{
	const struct harm_run *hr = arg;
	struct tdk_buf in, out = TDK_BUF_INIT(HARM_DOC_MAX * 2);
	struct tdk_output w;
	unsigned long changes = 0;
	int r;

	if (doc->sniff.kind != TDK_SNIFF_XML && doc->sniff.kind != TDK_SNIFF_XSD)
		return tdk_doc_wrong_format(doc, "harmonise", "XML");
	if (tdk_input_read_all(&doc->in, HARM_DOC_MAX, &in) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				 errno == EFBIG ? "longer than 256 MiB" : strerror(errno));
		goto out;
	}
	r = tdk_harm_doc(&hr->h, in.data ? in.data : "", in.len, doc->name, &hr->lim, &out, &changes, &doc->d);
	if (r == TDK_EXIT_INTERNAL) {
		r = tdk_doc_fail(doc, r, "out of memory harmonising '%s'", doc->qname);
		goto out;
	}
	if (hr->o->check) {
		/* A document whose values are in error keeps the word "not harmonised", unless some would change. */
		if (changes)
			snprintf(doc->why, sizeof(doc->why), "%lu value%s to harmonise%s", changes,
				 changes == 1 ? "" : "s", r ? ", others in error" : "");
		else
			snprintf(doc->why, sizeof(doc->why), "harmonised");
		if (changes || !r)
			doc->verdict = doc->why;
		if (changes)
			r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	/* A document that is not XML has no output; one with values in error is written with them as they were. */
	if (!out.len && r)
		goto out;
	snprintf(doc->why, sizeof(doc->why), "%lu value%s harmonised", changes, changes == 1 ? "" : "s");
	if (!r)
		doc->verdict = doc->why;
	if (tdk_output_open(&w, doc->outpath, doc->ctx->out) < 0) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot write '%s': %s", doc->outpath, strerror(w.err));
		goto out;
	}
	if (tdk_output_write(&w, out.data, out.len) < 0 || tdk_output_commit(&w) < 0) {
		r = tdk_doc_output_fail(doc, "harmonise", doc->outpath, w.err);
		tdk_output_abort(&w);
	}
out:
	tdk_buf_release(&in);
	tdk_buf_release(&out);
	return r;
}

static int harm_out_name(void *arg, const char *base, struct tdk_buf *b)
{
	return tdk_buf_adds(b, base);
}

/* Reads the --rules files, then the shipped ones; the unit symbols come with the shipped rules. */
static int harm_setup(struct tdk_run *run, struct harm_run *hr, struct tdk_harm_rules *rules)
{
	const struct harm_opts *o = hr->o;
	char dir[4096], symbols[4200];
	struct tdk_diag d;
	size_t i;
	int r = 0;

	/* Quietly: without the dictionary only a wco: selector fails, and says so. */
	tdk_diag_init(&d, "dictionary");
	if (tdk_wco_dict_load(&hr->dict, NULL, &d) == 0)
		tdk_harm_rules_set_dict(rules, &hr->dict);
	for (i = 0; i < o->rules.n && !r; i++) {
		tdk_run_diag(run, &d, o->rules.v[i]);
		r = tdk_harm_rules_load(rules, o->rules.v[i], &d);
	}
	tdk_harm_rules_dir(dir, sizeof(dir));
	snprintf(symbols, sizeof(symbols), "%s/unit-symbols.tsv", dir);
	if (!r && !o->no_default) {
		tdk_run_diag(run, &d, dir);
		r = tdk_harm_rules_load_dir(rules, dir, &d);
	}
	if (r) {
		run->setup_error = "the rules cannot be used (see their diagnostics)";
		return r == TDK_EXIT_INTERNAL ? r : TDK_EXIT_IO;
	}
	tdk_run_diag(run, &d, "harmonise");
	if ((r = tdk_harm_init(&hr->h, rules, symbols, &d)))
		run->setup_error = "a code list cannot be read (see its diagnostics)";
	return r;
}

static const char *const harm_exts[] = { ".xml", NULL };

int cmd_harmonise(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct harm_opts ho;
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_LIST_(0, "rules", &ho.rules, "file",
			      "read rules from file too, before the shipped ones (repeatable)"),
		TDK_OPT_FLAG_(0, "no-default-rules", &ho.no_default, "use only the --rules files"),
		TDK_OPT_FLAG_(0, "check", &ho.check,
			      "change nothing; exit 1 when a value would be changed"),
		TDK_RUN_OUTDIR_OPTION(&ro, "write each harmonised file into dir under its own name"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_XML_LIMIT_OPTIONS(&ho.xml),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "harmonise", "[file ...]",
		"Rewrite the values of XML declarations to the codes and formats of the WCO Data Model: "
		"ISO 3166-1 countries, ISO 4217 currencies, UN/ECE Rec 20 units and Rec 21 packages, "
		"dates, numbers, codes and identifiers." };
	struct tdk_harm_rules rules;
	struct harm_run hr;
	struct tdk_run run = { "harmonise", harm_exts, { "harmonised", "not harmonised", "harmonised",
			       "not harmonised" }, harm_doc, &hr, harm_out_name, 0, 0, NULL, NULL, { 0 }, "", 0,
			       NULL };
	int nfiles, r, code;

	memset(&ho, 0, sizeof(ho));
	memset(&hr, 0, sizeof(hr));
	hr.o = &ho;
	tdk_harm_rules_init(&rules);
	tdk_run_opts_init(&ro);
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (ho.no_default && !ho.rules.n)
		return tdk_error(ctx, "harmonise", TDK_EXIT_USAGE, "--no-default-rules needs --rules file");
	if (ho.check && ro.outdir)
		return tdk_error(ctx, "harmonise", TDK_EXIT_USAGE, "--check writes nothing: -O has no use with it");
	if (!ho.check && !ro.outdir && (nfiles > 1 || ro.dir || ro.files_from))
		return tdk_error(ctx, "harmonise", TDK_EXIT_USAGE, "several files need -O dir (or --check)");
	if (tdk_run_stdin_users(&ro, argv, nfiles) > 1)
		return tdk_error(ctx, "harmonise", TDK_EXIT_USAGE, "standard input can feed the list of files or "
				 "the document, not both");
	tdk_xml_limits_init(&hr.lim);
	tdk_xml_limit_opts_apply(&ho.xml, &hr.lim);
	run.data_on_stdout = !ho.check && !ro.outdir;
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	run.setup_code = harm_setup(&run, &hr, &rules);
	code = tdk_run_documents(&run, argv, nfiles);
	tdk_harm_release(&hr.h);
	tdk_harm_rules_release(&rules);
	tdk_wco_dict_release(&hr.dict);
	return code;
}
