/*
 * The one per-document driver.  Every command that takes a list of
 * documents (validate, convert, sign, verify, and the commands to come)
 * runs them through here, so that the inputs (operands, "-", -r DIR,
 * --files-from FILE, -0), -j N workers, -O DIR, --format text|json|junit,
 * -q, --max-errors, --strict, the verdict per document, the summary and the
 * exit status mean the same in each.  A command supplies one function for
 * one document (struct tdk_run's one) and the words of its verdicts.
 *
 * The report contract (tdk(1), REPORTS):
 *  - text: one verdict line per document ("file: valid"), on standard output
 *    (standard error when standard output carries the documents), the
 *    diagnostics on standard error, and in a batch a summary line;
 *  - json: on standard output (standard error likewise), one object per
 *    diagnostic and one verdict object per document, with the same keys in
 *    every command: {"file","result","verdict","status"} and "reason" when
 *    the document was checked in part or not at all; result is one of ok,
 *    negative, partial, error; then in a batch {"summary":{...}};
 *  - junit: one testcase per input, always: a negative document is a
 *    failure; an input that cannot be read or written, a setup that failed
 *    (a schema set that does not compile, a catalog entry that points
 *    nowhere) is an error; a document checked only in part is skipped with
 *    the reason.
 *
 * Exit status: the worst of the documents' statuses in the order of
 * lib/util/exitcode.h (70 internal, 5 trust, 4 remote, 3 input or output,
 * 1 negative, 0), so 3 wins over 1: a run that could not read one input is
 * not reported as a mere negative answer.  A document checked in part
 * counts as 0 (with a warning), or as 1 under --strict.
 */
#ifndef TDK_RUN_H
#define TDK_RUN_H

#include "cmd.h"
#include "util/buf.h"
#include "util/io.h"
#include "util/sniff.h"

/* What the shared options set; the command's option table fills it through the macros below. */
struct tdk_run_opts {
	const char *format;         /* --format text|json|junit */
	int quiet;                  /* -q */
	int strict;                 /* --strict */
	unsigned long max_errors;   /* --max-errors; tdk_run_opts_init sets 100 */
	const char *dir;            /* -r DIR */
	const char *files_from;     /* --files-from FILE */
	int nul;                    /* -0 */
	unsigned long jobs;         /* -j N */
	const char *outdir;         /* -O DIR */
	/*
	 * Set by the command, not an option: the verb of a progress line
	 * ("sent"), or NULL for none.  When set, standard error is a terminal,
	 * -q is not given and there is more than one document, the driver keeps
	 * one line there, "12/200 sent: 9 accepted, 3 not sent or unknown" (the counts of
	 * the verdicts' words), rewritten as documents end, taken away before
	 * any other output and at the end.
	 */
	const char *progress;
};

void tdk_run_opts_init(struct tdk_run_opts *o);

#define TDK_RUN_REPORT_OPTIONS(o) \
	TDK_OPT_STRING_(0, "format", &(o)->format, "format", "text|json|junit", \
			"the report: text, JSON lines or JUnit XML (see REPORTS in tdk(1))"), \
	TDK_OPT_FLAG_('q', "quiet", &(o)->quiet, "print nothing; the exit status tells"), \
	TDK_OPT_ULONG_(0, "max-errors", &(o)->max_errors, "n", \
		       "stop reporting a document after n errors (default 100, 0: no limit)")

#define TDK_RUN_INPUT_OPTIONS(o) \
	TDK_OPT_STRING_('r', "recursive", &(o)->dir, "dir", NULL, \
			"take the documents under dir, by their names' extensions"), \
	TDK_OPT_STRING_(0, "files-from", &(o)->files_from, "file", NULL, \
			"take the files named in file, one a line ('-': standard input)"), \
	TDK_OPT_FLAG_('0', "null", &(o)->nul, "names in --files-from end with NUL, not a line break"), \
	TDK_OPT_ULONG_('j', "jobs", &(o)->jobs, "n", "handle n documents at once (default 1)")

#define TDK_RUN_STRICT_OPTION(o) \
	TDK_OPT_FLAG_(0, "strict", &(o)->strict, \
		      "a document checked only in part (no release, no schema) fails (exit 1)")

#define TDK_RUN_OUTDIR_OPTION(o, what) \
	TDK_OPT_STRING_('O', "output-dir", &(o)->outdir, "dir", NULL, what)

/* The longest name listed, the longest path under -r; the most inputs in one run. */
#define TDK_RUN_NAME_MAX   4096
#define TDK_RUN_INPUTS_MAX ((size_t)1 << 22)

/*
 * One document, as the driver hands it to the command.  The input is open
 * (in; its first bytes can be peeked) and d is set up: named after the
 * document, reporting to the worker's report, with --max-errors.  The
 * command reports through d (and ctx), and may set partial, verdict and json.
 */
struct tdk_doc {
	const char *path;           /* as given; "-" is standard input */
	const char *name;           /* for reports: the path, or "<stdin>" */
	const char *qname;          /* name quoted as reports quote names (tdk_name), for messages */
	const char *outpath;        /* under -O, this document's output file (NULL otherwise) */
	struct tdk_ctx *ctx;        /* the worker's streams */
	struct tdk_report *rep;     /* the worker's report */
	struct tdk_input in;        /* open, nothing consumed */
	struct tdk_sniff sniff;     /* what its first bytes look like (lib/util/sniff.h) */
	struct tdk_diag d;
	const char *partial;        /* set when checked only in part: why (a string that outlives the call) */
	const char *verdict;        /* set to word the verdict line otherwise ("valid (syntax only)") */
	struct tdk_buf json;        /* more members for the JSON verdict object: ",\"signatures\":[...]" */
	const char *error;          /* set by tdk_doc_fail: the reason the document was not handled */
	char why[160];              /* room for the command's partial or verdict text */
};

/*
 * Refuses a document whose first bytes say it is none of what the command
 * reads (TDK-FORMAT, exit 1): "input looks like CSV (comma-separated
 * values), not UN/EDIFACT or XML, which tdk validate reads (tdk pack ...
 * can take it)".  expects names what the command reads.
 */
int tdk_doc_wrong_format(struct tdk_doc *doc, const char *cmd, const char *expects);

/*
 * Records that the document could not be read or written, or its setup
 * failed: the message goes to ctx->err in a text report ("tdk CMD: ..."),
 * and is the reason of the JSON verdict and of the JUnit error otherwise.
 * Returns code.
 */
int tdk_doc_fail(struct tdk_doc *doc, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same for an output that could not be written: path, or standard output (NULL or "-"), said once. */
int tdk_doc_output_fail(struct tdk_doc *doc, const char *cmd, const char *path, int err);

struct tdk_run {
	const char *cmd;            /* "validate": messages and the JUnit suite ("tdk validate") */
	const char *const *exts;    /* -r takes files whose names end so (".xml"); NULL-ended */
	const char *words[4];       /* verdicts: ok, negative, partial, error ("valid", "invalid", ...) */
	/*
	 * Handles one document; returns its exit status.  Called from several
	 * threads at once under -j (unless serial): it must keep its state in
	 * doc and in what arg points to, read-only.
	 */
	int (*one)(void *arg, struct tdk_doc *doc);
	void *arg;
	/* Under -O: writes the output file's name for the input's base name into b. */
	int (*out_name)(void *arg, const char *base, struct tdk_buf *b);
	int data_on_stdout;         /* documents go to standard output: the report goes to stderr */
	int serial;                 /* one document at a time, whatever -j says */
	/* Set by tdk_run_begin; the command's setup reports through report. */
	struct tdk_ctx *ctx;
	const struct tdk_run_opts *o;
	struct tdk_report report;
	char suite[48];             /* "tdk validate" */
	int setup_code;             /* set by the command when its setup failed: no document is handled */
	const char *setup_error;    /* and why, for each document's verdict */
};

/*
 * Starts a run: checks the options that the driver owns (a usage error is
 * reported and returned: 2), and sets up the report.  Returns -1 to go on,
 * or the exit code to end with.
 */
int tdk_run_begin(struct tdk_run *run, struct tdk_ctx *ctx, const struct tdk_run_opts *o);

/*
 * How many of the run's readers take standard input: the list
 * (--files-from -) and the documents (an operand "-", or no input at all).
 * A command adds its own (sign -k -); more than one is a usage error.
 */
int tdk_run_stdin_users(const struct tdk_run_opts *o, char **files, int nfiles);

/*
 * Sets d up to report through the run's report: what a command's setup
 * (a catalog, a schema, a key) reports its faults through.
 */
void tdk_run_diag(struct tdk_run *run, struct tdk_diag *d, const char *file);

/*
 * Handles every input: files[0..nfiles), then --files-from, then -r; "-"
 * when there is none.  Prints the verdicts and the summary, writes the
 * report and frees it.  Returns the exit status of the run.
 */
int tdk_run_documents(struct tdk_run *run, char **files, int nfiles);

/* The inputs of a run, in order; the names are owned by the list. */
struct tdk_run_inputs {
	char **v;
	size_t n, cap;
};

/*
 * Gathers the inputs of a run: files[0..nfiles), then the names in
 * --files-from, then the files under -r in the order of their names; "-"
 * alone when there is none of these.  A list or a folder at fault is
 * reported as a document of its own (TDK-LIST-NAME, TDK-LIMIT-FILES,
 * TDK-WALK-PATH, TDK-WALK-DEPTH), one that gives no file gets the warning
 * TDK-NO-FILES.  Returns the worst status met (TDK_EXIT_INTERNAL when out
 * of memory).  The caller releases in with tdk_run_inputs_release().
 */
int tdk_run_inputs(struct tdk_run *run, char **files, int nfiles, struct tdk_run_inputs *in);
void tdk_run_inputs_release(struct tdk_run_inputs *in);

/* In a text report, the note that d stopped reporting after --max-errors errors. */
void tdk_run_note_stopped(struct tdk_report *rep, const struct tdk_diag *d);

#endif
