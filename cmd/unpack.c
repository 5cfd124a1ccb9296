/*
 * tdk unpack: lists or extracts a ZIP or ASiC container.  It reads
 * leniently (as ASiC validators do) but extracts safely: nothing lands
 * outside the folder (no absolute names, no "..", no links followed or
 * created), duplicate names and links are refused, and the entry count,
 * total inflated size and compression ratio are limited (each a flag), on
 * the bytes actually inflated.  Every entry is checked before the first
 * byte is written; an existing file is replaced only with --overwrite; on
 * an error, what this run created goes again and nothing else.  "-" reads
 * the container from standard input.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pack/pack.h"

int cmd_unpack(int argc, char **argv, struct tdk_ctx *ctx)
{
	const char *dir = ".";
	struct tdk_zip_limits lim;
	size_t max_size;
	int list = 0, quiet = 0, overwrite = 0;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('C', "output-dir", &dir, "dir", NULL,
				"extract into dir (created if missing; default the current folder)"),
		TDK_OPT_ALIAS_("directory", "output-dir"),
		TDK_OPT_FLAG_('l', "list", &list, "list the entries instead of extracting them"),
		TDK_OPT_FLAG_(0, "overwrite", &overwrite, "replace files that exist (default: refuse)"),
		TDK_OPT_ULONG_(0, "max-entries", &lim.max_entries, "n", "most entries (default 10000)"),
		TDK_OPT_SIZE_(0, "max-total", &max_size, "bytes", "most bytes inflated in all (default 1G)"),
		TDK_OPT_ALIAS_("max-size", "max-total"),
		TDK_OPT_ULONG_(0, "max-ratio", &lim.max_ratio, "n",
			       "highest compression ratio of an entry (default 100)"),
		TDK_OPT_FLAG_('q', "quiet", &quiet, "print no diagnostics; the exit status tells"),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "unpack", "container",
		"List or safely extract a ZIP or ASiC container." };
	struct tdk_buf q = TDK_BUF_INIT(4096);
	struct tdk_container c;
	struct tdk_report rep;
	struct tdk_diag d;
	int nargs, r;
	size_t i;

	tdk_zip_limits_init(&lim);
	max_size = (size_t)lim.max_total;
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nargs)) >= 0)
		return r;
	if (nargs != 1 || !lim.max_entries || !max_size || !lim.max_ratio) {
		/* A limit of 0 would refuse every container: a mistake, not a wish for no limit. */
		fprintf(ctx->err, "tdk unpack: %s\n", nargs != 1 ? "one container, please" :
			"a limit of 0 refuses everything; --max-entries, --max-total and --max-ratio "
			"take a positive number");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	lim.max_total = max_size;
	tdk_report_init(&rep, NULL, ctx->err, "tdk unpack");
	rep.quiet = quiet;
	tdk_diag_init(&d, argv[0]);
	d.emit = tdk_report_emit;
	d.arg = &rep;
	r = tdk_container_open(&c, argv[0], &lim, !list, &d);
	if (!r && list) {
		for (i = 0; i < c.n; i++)
			fprintf(ctx->out, "%12llu %12llu %-8s %s%s\n", (unsigned long long)c.e[i].size,
				(unsigned long long)c.e[i].csize, c.e[i].stored ? "stored" : "deflated",
				tdk_name(&q, c.e[i].name),
				c.e[i].link ? " (link)" : c.e[i].unsafe ? " (unsafe name)" : "");
	} else if (!r) {
		r = tdk_container_extract(&c, dir, overwrite, &d);
	}
	tdk_buf_release(&q);
	tdk_container_release(&c);
	tdk_report_finish(&rep);
	return r;
}
