/*
 * The command layer: argument parsing, help, the command table.
 *
 * How to add a command NAME:
 *   1. cmd/NAME.c defines int cmd_NAME(int argc, char **argv, struct tdk_ctx *ctx),
 *      starting with a paragraph on what it does and which standard it follows.
 *      It declares its options once, in a struct tdk_opt table, and calls
 *      tdk_parse_options(); usage, --help and the completion words come from
 *      that table.
 *   2. Add it to the commands[] table in cmd/tdk.c (and its declaration below),
 *      with a completer when its operands are not all files (cmd_dir_complete).
 *   3. Write man/tdk-NAME.1 (mdoc) whose SYNOPSIS matches `tdk NAME --help`,
 *      with EXIT STATUS and EXAMPLES; tests/t0002-man.sh checks both.
 *   4. Add shell tests (tests/tNNNN-NAME-*.sh); the completions pick the
 *      command up by themselves through `tdk --list-commands`, its options
 *      through `--complete-options` and its operands through `tdk --complete`.
 *   An option renamed keeps its old name as TDK_OPT_ALIAS_(old, new), listed
 *   in the man page as an alias.
 */
#ifndef TDK_CMD_H
#define TDK_CMD_H

#include <stdio.h>

#include "util/diag.h"
#include "util/exitcode.h"
#include "util/path.h"

/* Where a command reads and writes: the process streams, or others under a test or fuzzer. */
struct tdk_ctx {
	FILE *in, *out, *err;
	int err_tty;            /* stderr is a terminal: progress may be shown */
	int out_failed;         /* a failure to write out has been reported: say it once */
};

enum tdk_opt_type {
	TDK_OPT_END = 0,
	TDK_OPT_FLAG,       /* int *: set to 1 */
	TDK_OPT_STRING,     /* const char **: the argument */
	TDK_OPT_ULONG,      /* unsigned long *: a whole number */
	TDK_OPT_SIZE,       /* size_t *: bytes, with an optional K, M or G suffix (powers of 1024) */
	TDK_OPT_LIST,       /* struct tdk_optlist *: every argument of a repeated option, in order */
	TDK_OPT_ALIAS       /* another name of the option whose long name is in arg: accepted,
	                       listed in --help and the man page as an alias, left out of the
	                       synopsis and the completions */
};

/* The arguments of a repeatable option (borrowed from argv); at most TDK_OPTLIST_MAX. */
#define TDK_OPTLIST_MAX 64
struct tdk_optlist {
	const char *v[TDK_OPTLIST_MAX];
	size_t n;
};

struct tdk_opt {
	char shrt;              /* 0 when the option has no short form */
	const char *lng;        /* without the leading "--" */
	enum tdk_opt_type type;
	void *value;
	const char *arg;        /* the argument's name in usage and man page, e.g. "format" */
	const char *choices;    /* "edifact|xml|json": the only values accepted, or NULL */
	const char *help;
};

#define TDK_OPT_FLAG_(s, l, v, h)            { s, l, TDK_OPT_FLAG, v, NULL, NULL, h }
#define TDK_OPT_STRING_(s, l, v, a, c, h)    { s, l, TDK_OPT_STRING, v, a, c, h }
#define TDK_OPT_ULONG_(s, l, v, a, h)        { s, l, TDK_OPT_ULONG, v, a, NULL, h }
#define TDK_OPT_SIZE_(s, l, v, a, h)         { s, l, TDK_OPT_SIZE, v, a, NULL, h }
#define TDK_OPT_LIST_(s, l, v, a, h)         { s, l, TDK_OPT_LIST, v, a, NULL, h }
#define TDK_OPT_ALIAS_(l, target)            { 0, l, TDK_OPT_ALIAS, NULL, target, NULL, NULL }
#define TDK_OPT_END_                         { 0, NULL, TDK_OPT_END, NULL, NULL, NULL, NULL }

struct tdk_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct tdk_ctx *ctx);
	const char *summary;
	/*
	 * For `tdk --complete NAME WORD...` (the shell completions): prints the
	 * operands that may follow the words typed, one a line, and returns 0;
	 * returns 1 when a file name comes next.  NULL: operands are files.
	 */
	int (*complete)(int argc, char **argv, struct tdk_ctx *ctx);
};

/* What a command says about itself for usage and help. */
struct tdk_cmd_usage {
	const char *name;       /* "convert" */
	const char *operands;   /* "[file ...]" */
	const char *summary;    /* one line */
};

/*
 * Parses argv[1..] against opts.  Options and operands may be mixed; "--"
 * ends options.  On success returns -1 and leaves the operands in
 * argv[0..*nargs) (argv is rearranged).  Otherwise returns the exit code the
 * command should end with: 0 after --help, -h (unless opts give -h a meaning
 * of their own) or --complete-options (printed to ctx->out), 2 after a usage
 * error (reason and synopsis on ctx->err; an unknown long option close to a
 * known one is answered with "did you mean").
 */
int tdk_parse_options(struct tdk_ctx *ctx, const struct tdk_cmd_usage *u, const struct tdk_opt *opts,
		      int argc, char **argv, int *nargs);

/* Writes the one-line synopsis "usage: tdk NAME [-q] ..." to f. */
void tdk_usage_line(FILE *f, const struct tdk_cmd_usage *u, const struct tdk_opt *opts);

/*
 * The closest of a set of words to one mistyped, for "did you mean": feed
 * every candidate to tdk_closest_try(), then tdk_closest_best() gives the
 * nearest by edit distance (insertions, deletions, substitutions and swaps
 * of two neighbours count one each), or NULL when none is close enough to
 * be a likely typo: one edit for words of up to four characters, two for
 * longer ones.  The strings are borrowed.
 */
struct tdk_closest {
	const char *word;
	const char *best;
	unsigned dist;
};
void tdk_closest_init(struct tdk_closest *c, const char *word);
void tdk_closest_try(struct tdk_closest *c, const char *candidate);
const char *tdk_closest_best(const struct tdk_closest *c);

/*
 * "tdk NAME: 'word' is not WHAT" on ctx->err, with "; did you mean 'x'?" when
 * one of the NULL-terminated words is close to it.
 */
void tdk_suggest(struct tdk_ctx *ctx, const char *name, const char *what, const char *word,
		 const char *const *words);

/* "tdk NAME: message\n" on ctx->err; returns code so that `return tdk_error(...)` reads well. */
int tdk_error(struct tdk_ctx *ctx, const char *name, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Flushes and checks ctx->out: a full disk is an error (exit 3).  Returns
 * the worse of code and TDK_EXIT_IO when it fails; the failure is reported
 * once, however often this is called (by a command, then by main).
 */
int tdk_finish_output(struct tdk_ctx *ctx, const char *name, int code);

/*
 * Reports that the output path could not be written (errno err); standard
 * output when path is NULL or "-", and then only once, as tdk_finish_output
 * does.  Returns TDK_EXIT_IO.
 */
int tdk_output_error(struct tdk_ctx *ctx, const char *name, const char *path, int err);

/* Writes s to f as a JSON string (quoted, escaped), or null when s is NULL. */
void tdk_json_str(FILE *f, const char *s);

/* Diagnostics to the terminal or a report, by --format. */
enum tdk_report_format { TDK_REPORT_TEXT, TDK_REPORT_JSON, TDK_REPORT_JUNIT };

struct tdk_report {
	enum tdk_report_format format;
	FILE *fp;                 /* text and JSON lines go here as they come */
	struct tdk_junit junit;   /* JUnit is written at the end */
	int quiet;                /* -q: nothing at all */
	int failed;               /* a line or test case could not be built (out of memory, a cap) */
};

/* Parses a --format value; returns 0 or -1 when it is not text, json or junit. */
int tdk_report_init(struct tdk_report *r, const char *format, FILE *fp, const char *suite);

/* The emit callback for struct tdk_diag; arg is the struct tdk_report. */
void tdk_report_emit(void *arg, const struct tdk_diag_item *it);

/* Ends the report of one document: its JUnit test case, of that kind, with that message. */
void tdk_report_case(struct tdk_report *r, const char *name, enum tdk_junit_kind kind, const char *message,
		     double seconds);

/*
 * Writes what is left (the JUnit XML) and frees the report.  Returns 0, or
 * -1 when some of the report was lost (r->failed, or the JUnit XML could not
 * be built): the caller says so and exits with TDK_EXIT_INTERNAL, never 0.
 */
int tdk_report_finish(struct tdk_report *r);

/* The commands, one per file in cmd/. */
int cmd_codes(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_codes_complete(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_endpoint(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_endpoint_complete(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_explain(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_convert(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_dir(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_dir_complete(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_harmonise(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_map(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_validate(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_serve(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_sign(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_verify(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_journal(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_submit(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_poll(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_poll_complete(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_pack(int argc, char **argv, struct tdk_ctx *ctx);
int cmd_unpack(int argc, char **argv, struct tdk_ctx *ctx);

/* The table of commands, ending with a NULL name. */
extern const struct tdk_cmd tdk_commands[];

#endif
