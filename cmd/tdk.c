/*
 * tdk: the trade document kit.  main() finds the command in the table below
 * and runs it; `tdk --help`, `tdk --version`, `tdk help CMD` (the manual
 * page) and `tdk --list-commands` (for the shell completions) live here.
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cmd.h"
#include "util/io.h"
#include "xml/xml.h"

extern char **environ;

const struct tdk_cmd tdk_commands[] = {
	{ "codes", cmd_codes, "look up code lists: countries, currencies, units, package types, UNCL",
	  cmd_codes_complete },
	{ "convert", cmd_convert, "convert UN/EDIFACT to XML or JSON and back, losslessly", NULL },
	{ "endpoint", cmd_endpoint, "list, show and check the endpoints to submit to: settings, secrets, TLS",
	  cmd_endpoint_complete },
	{ "explain", cmd_explain, "explain DMS notifications: name the element behind each error pointer", NULL },
	{ "dir", cmd_dir, "show and install UN/EDIFACT directories: messages, segments, elements, codes",
	  cmd_dir_complete },
	{ "harmonise", cmd_harmonise, "rewrite declaration values to WCO DM codes and formats", NULL },
	{ "map", cmd_map, "map documents between vocabularies with XSLT: UN/EDIFACT, WCO Data Model", NULL },
	{ "validate", cmd_validate, "check UN/EDIFACT interchanges (ISO 9735, UNTDID) and XML documents "
	  "(XSD, Schematron)", NULL },
	{ "submit", cmd_submit, "send documents to a single window once: validate, journal, POST, record", NULL },
	{ "poll", cmd_poll, "pull a single window's notifications: outcomes, MRNs, rejections explained",
	  cmd_poll_complete },
	{ "serve", cmd_serve, "run a single window on the loopback: OAuth, CDS declarations, notifications", NULL },
	{ "sign", cmd_sign, "sign XML documents: XMLDSig enveloped, enveloping, detached; XAdES B", NULL },
	{ "verify", cmd_verify, "verify XML signatures, XAdES and ASiC-E containers", NULL },
	{ "journal", cmd_journal, "list, show, export and verify the journal of submissions", NULL },
	{ "pack", cmd_pack, "pack files into an ASiC-E container, optionally signed", NULL },
	{ "unpack", cmd_unpack, "list or safely extract a ZIP or ASiC container", NULL },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct tdk_cmd *c;

	fprintf(f, "usage: tdk [--help] [--version] command [option ...] [file ...]\n\n"
		   "Commands:\n");
	for (c = tdk_commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\n'tdk help COMMAND' opens a command's manual page; 'tdk COMMAND --help' "
		   "summarises it.\nExit status: 0 ok, 1 invalid or rejected, 2 usage error, 3 input or "
		   "output error,\n4 network failure, 5 key or trust setup error, 70 internal error.\n");
}

static const struct tdk_cmd *find(const char *name)
{
	const struct tdk_cmd *c;

	for (c = tdk_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* "tdk: 'valdate' is not a tdk command; did you mean 'validate'?" */
static void not_a_command(struct tdk_ctx *ctx, const char *name, const char *word)
{
	const char *names[sizeof(tdk_commands) / sizeof(tdk_commands[0]) + 1];
	size_t i;

	for (i = 0; tdk_commands[i].name; i++)
		names[i] = tdk_commands[i].name;
	names[i++] = "help";
	names[i] = NULL;
	tdk_suggest(ctx, name, "a tdk command", word, names);
}

/*
 * `tdk --complete CMD WORD...`: the words that may come next (the command's
 * completer), one a line; exit 1 when file names come next.
 */
static int complete(struct tdk_ctx *ctx, int argc, char **argv)
{
	const struct tdk_cmd *c = argc > 0 ? find(argv[0]) : NULL;

	if (!c || !c->complete)
		return 1;
	return c->complete(argc, argv, ctx);
}

/* Runs man(1) with args; true when it showed a page. */
static int run_man(struct tdk_ctx *ctx, char **args)
{
	pid_t pid;
	int st;

	fflush(ctx->out);
	return posix_spawnp(&pid, "man", NULL, NULL, args, environ) == 0 && waitpid(pid, &st, 0) == pid &&
	       WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * `tdk help CMD`: the manual page through man(1), the one shipped with this
 * binary first (the source tree's man/, or MANDIR beside the shipped data
 * folder), then man's own search; the built-in help when there is none.
 */
static int help_command(struct tdk_ctx *ctx, const char *name)
{
	const struct tdk_cmd *c = find(name);
	const char *const local[] = { "man", "../man/man1" };
	char page[64], file[4200], man[] = "man", lflag[] = "-l", opt[] = "--help", cmdname[64];
	char *args[4], *argv[3];
	size_t i;

	if (!c) {
		not_a_command(ctx, "help", name);
		return TDK_EXIT_USAGE;
	}
	args[0] = man;
	args[1] = lflag;
	args[2] = file;
	args[3] = NULL;
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s/tdk-%s.1", tdk_share_dir(), local[i], name);
		if (access(file, R_OK) == 0 && run_man(ctx, args))
			return TDK_EXIT_OK;
	}
	snprintf(page, sizeof(page), "tdk-%s", name);
	args[1] = page;
	args[2] = NULL;
	if (run_man(ctx, args))
		return TDK_EXIT_OK;
	/* No man(1) or no page installed: the command's own help still answers. */
	snprintf(cmdname, sizeof(cmdname), "%s", name);
	argv[0] = cmdname;
	argv[1] = opt;
	argv[2] = NULL;
	return c->fn(2, argv, ctx);
}

int main(int argc, char **argv)
{
	struct tdk_ctx ctx = { stdin, stdout, stderr, 0, 0 };
	const struct tdk_cmd *c;
	int r;

	ctx.err_tty = isatty(STDERR_FILENO);
	/* An interrupted -o write leaves no temporary file behind (DESIGN.md: atomic outputs). */
	tdk_tmp_remove_on_signals();
	LIBXML_TEST_VERSION
	tdk_xml_local_input();
	if (argc < 2) {
		usage(stderr);
		return TDK_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return tdk_finish_output(&ctx, NULL, TDK_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tdk %s\n", TDK_VERSION);
		return tdk_finish_output(&ctx, NULL, TDK_EXIT_OK);
	}
	if (!strcmp(argv[1], "--complete")) {
		r = complete(&ctx, argc - 2, argv + 2);
		return tdk_finish_output(&ctx, NULL, r);
	}
	if (!strcmp(argv[1], "--list-commands")) {
		for (c = tdk_commands; c->name; c++)
			printf("%s\t%s\n", c->name, c->summary);
		return tdk_finish_output(&ctx, NULL, TDK_EXIT_OK);
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return tdk_finish_output(&ctx, NULL, TDK_EXIT_OK);
		}
		r = help_command(&ctx, argv[2]);
		return tdk_finish_output(&ctx, NULL, r);
	}
	c = find(argv[1]);
	if (!c) {
		not_a_command(&ctx, NULL, argv[1]);
		usage(stderr);
		return TDK_EXIT_USAGE;
	}
	r = c->fn(argc - 1, argv + 1, &ctx);
	xmlCleanupParser();
	return tdk_finish_output(&ctx, c->name, r);
}
