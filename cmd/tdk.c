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
	{ "convert", cmd_convert, "convert UN/EDIFACT to XML or JSON and back, losslessly" },
	{ "dir", cmd_dir, "show UN/EDIFACT directories: messages, segments, elements, codes" },
	{ "validate", cmd_validate, "check UN/EDIFACT interchanges against ISO 9735" },
	{ "sign", cmd_sign, "sign XML documents: XMLDSig enveloped, enveloping, detached; XAdES B" },
	{ "verify", cmd_verify, "verify XML signatures, XAdES and ASiC-E containers" },
	{ "pack", cmd_pack, "pack files into an ASiC-E container, optionally signed" },
	{ "unpack", cmd_unpack, "list or safely extract a ZIP or ASiC container" },
	{ NULL, NULL, NULL },
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

/* `tdk help CMD`: the manual page through man(1); the built-in help when there is none. */
static int help_command(struct tdk_ctx *ctx, const char *name)
{
	const struct tdk_cmd *c = find(name);
	char page[64], man[] = "man", opt[] = "--help";
	char *args[3];
	pid_t pid;
	int st;

	if (!c)
		return tdk_error(ctx, "help", TDK_EXIT_USAGE, "no such command '%s'", name);
	char exe[4096], local[4200], lflag[] = "-l";
	char *largs[4];
	ssize_t n;

	snprintf(page, sizeof(page), "tdk-%s", name);
	args[0] = man;
	args[1] = page;
	args[2] = NULL;
	/* From the source tree (build/<flavour>/tdk), the page beside the sources. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(local, sizeof(local), "%s/../../man/%s.1", exe, page);
			if (access(local, R_OK) == 0) {
				largs[0] = man;
				largs[1] = lflag;
				largs[2] = local;
				largs[3] = NULL;
				fflush(ctx->out);
				if (posix_spawnp(&pid, "man", NULL, NULL, largs, environ) == 0 &&
				    waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
					return TDK_EXIT_OK;
			}
		}
	}
	fflush(ctx->out);
	if (posix_spawnp(&pid, "man", NULL, NULL, args, environ) == 0 &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return TDK_EXIT_OK;
	/* No man(1) or no page installed: the command's own help still answers. */
	{
		char cmdname[64];
		char *argv[3];

		snprintf(cmdname, sizeof(cmdname), "%s", name);
		argv[0] = cmdname;
		argv[1] = opt;
		argv[2] = NULL;
		return c->fn(2, argv, ctx);
	}
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
		fprintf(stderr, "tdk: '%s' is not a tdk command\n", argv[1]);
		usage(stderr);
		return TDK_EXIT_USAGE;
	}
	r = c->fn(argc - 1, argv + 1, &ctx);
	xmlCleanupParser();
	return tdk_finish_output(&ctx, c->name, r);
}
