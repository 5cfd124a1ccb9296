/*
 * tdk map: run a mapping between vocabularies, an XSLT 1.0 stylesheet
 * (W3C XSLT 1.0, XPath 1.0, EXSLT) on libxslt with tdk's extension
 * functions (urn:tdk:xslt:1), over each input.  A shipped map is NAME.xsl
 * with NAME.manifest in tdk's data/maps (its source and target vocabularies,
 * what it carries and what it drops); a user's stylesheet is FILE.xsl.
 * UN/EDIFACT input is converted in-process to tdk's EDIFACT XML in directory
 * naming (as `tdk convert -t xml --names directory` writes it), an EDIFACT
 * target back to UN/EDIFACT and checked against its UNTDID release; an XML
 * result is checked against the schema a catalog registers for its
 * namespace.  Stylesheets read and write no file and no network, and run
 * under limits (tdk-map(1), SECURITY and LIMITS).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "map-int.h"
#include "dir.h"

static const struct tdk_cmd_usage map_usage = { "map", "NAME|FILE.xsl [file ...]",
	"Map documents between vocabularies with XSLT: shipped maps (UN/EDIFACT CUSDEC and GOVCBR, WCO "
	"Data Model versions) or a stylesheet of your own." };

static const char *const map_exts[] = { ".edi", ".edifact", ".xml", NULL };
static const char *const flat_exts[] = { ".csv", ".txt", NULL };

/* Where the shipped maps are: $TDK_MAPS_DIR, else data/maps in tdk's data folder. */
static void maps_dir(char *out, size_t n)
{
	tdk_data_dir(out, n, "TDK_MAPS_DIR", "maps");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the shipped maps (their manifests), sorted, NULL-ended; free with free_names(). */
static char **map_names(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **v = NULL, **t;
	size_t n = 0, cap = 0, k;

	while (dp && (e = readdir(dp))) {
		k = strlen(e->d_name);
		if (e->d_name[0] == '.' || k < 10 || strcmp(e->d_name + k - 9, ".manifest"))
			continue;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 16;
			if (!(t = realloc(v, cap * sizeof(*v))))
				break;
			v = t;
		}
		if (!(v[n] = strndup(e->d_name, k - 9)))
			break;
		n++;
	}
	if (dp)
		closedir(dp);
	if (!v && !(v = calloc(1, sizeof(*v))))
		return NULL;
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static void free_names(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Whether the operand names a stylesheet file rather than a shipped map. */
static int is_file(const char *what)
{
	size_t n = strlen(what);

	return strchr(what, '/') || (n > 4 && !strcmp(what + n - 4, ".xsl")) ||
	       (n > 5 && !strcmp(what + n - 5, ".xslt"));
}

/* Loads NAME's manifest into m; 0, 2 (not a map: said, with did-you-mean) or the load's status. */
static int load_manifest(struct tdk_ctx *ctx, const char *name, struct tdk_manifest *man, char *xsl, size_t nx)
{
	char dir[4096], path[4200];
	struct tdk_diag d;
	struct stat st;
	char **names;
	int r;

	maps_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s.manifest", dir, name);
	if (stat(path, &st) < 0 || strlen(name) > 200) {
		if ((names = map_names(dir)))
			tdk_suggest(ctx, "map", "a shipped map (tdk map --list names them)", name,
				    (const char *const *)names);
		free_names(names);
		return TDK_EXIT_USAGE;
	}
	tdk_diag_init(&d, path);
	d.emit = tdk_dir_report_diag;
	d.arg = ctx;
	if ((r = tdk_manifest_load(man, path, &d)))
		return r;
	if (xsl)
		snprintf(xsl, nx, "%s/%s.xsl", dir, name);
	return TDK_EXIT_OK;
}

/* --list: every shipped map with what it reads and writes. */
static int list_maps(struct tdk_ctx *ctx, int json)
{
	char dir[4096], **names;
	struct tdk_manifest man;
	size_t i;
	int r = TDK_EXIT_OK, k;

	maps_dir(dir, sizeof(dir));
	if (!(names = map_names(dir)))
		return tdk_error(ctx, "map", TDK_EXIT_INTERNAL, "out of memory");
	for (i = 0; names[i]; i++) {
		if ((k = load_manifest(ctx, names[i], &man, NULL, 0))) {
			r = r > k ? r : k;
		} else if (json) {
			fputs("{\"name\":", ctx->out);
			tdk_json_str(ctx->out, man.name);
			fputs(",\"source\":", ctx->out);
			tdk_json_str(ctx->out, man.source.text);
			fputs(",\"target\":", ctx->out);
			tdk_json_str(ctx->out, man.target.text);
			fputs(",\"summary\":", ctx->out);
			tdk_json_str(ctx->out, man.summary ? man.summary : "");
			fputs("}\n", ctx->out);
		} else {
			fprintf(ctx->out, "%s\t%s\t%s\t%s\n", man.name, man.source.text, man.target.text,
				man.summary ? man.summary : "");
		}
		tdk_manifest_release(&man);
	}
	free_names(names);
	return tdk_finish_output(ctx, "map", r);
}

static void coverage_lines(struct tdk_ctx *ctx, const char *map, const char *kind, const struct tdk_manifest_line *v,
			   size_t n, int json)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!json) {
			fprintf(ctx->out, "%s\t%s\t%s\n", kind, v[i].what, v[i].rest);
			continue;
		}
		fputs("{\"map\":", ctx->out);
		tdk_json_str(ctx->out, map);
		fprintf(ctx->out, ",\"kind\":\"%s\",\"what\":", kind);
		tdk_json_str(ctx->out, v[i].what);
		fputs(",\"detail\":", ctx->out);
		tdk_json_str(ctx->out, v[i].rest);
		fputs("}\n", ctx->out);
	}
}

/* --coverage NAME: what the map carries, then what it drops. */
static int coverage(struct tdk_ctx *ctx, const char *name, int json)
{
	struct tdk_manifest man;
	int r;

	if ((r = load_manifest(ctx, name, &man, NULL, 0))) {
		tdk_manifest_release(&man);
		return r;
	}
	if (!json)
		fprintf(ctx->out, "# %s: %s -> %s\n", man.name, man.source.text, man.target.text);
	coverage_lines(ctx, man.name, "carries", man.carries, man.ncarries, json);
	coverage_lines(ctx, man.name, "drops", man.drops, man.ndrops, json);
	tdk_manifest_release(&man);
	return tdk_finish_output(ctx, "map", TDK_EXIT_OK);
}

/* --param NAME=VALUE: pairs for the stylesheet, the names copied; 2 for a malformed one. */
static int set_params(struct tdk_ctx *ctx, struct tdk_map *m)
{
	size_t i, total = 0, off = 0;

	for (i = 0; i < m->params.n; i++)
		total += strlen(m->params.v[i]) + 1;
	if (!(m->pnames = malloc(total + 1)))
		return tdk_error(ctx, "map", TDK_EXIT_INTERNAL, "out of memory");
	for (i = 0; i < m->params.n; i++) {
		const char *p = m->params.v[i], *eq = strchr(p, '=');

		if (!eq || eq == p)
			return tdk_error(ctx, "map", TDK_EXIT_USAGE, "--param '%s': say NAME=VALUE", p);
		memcpy(m->pnames + off, p, (size_t)(eq - p));
		m->pnames[off + (size_t)(eq - p)] = 0;
		m->pv[2 * i] = m->pnames + off;
		m->pv[2 * i + 1] = eq + 1;
		off += (size_t)(eq - p) + 1;
	}
	m->pv[2 * m->params.n] = NULL;
	return -1;
}

/* The setup behind the documents: stylesheet, catalogs, releases, code lists.  Returns the setup's status. */
static int setup(struct tdk_run *run, struct tdk_map *m, const char *xsl)
{
	struct tdk_diag d;
	int r;

	if (m->from) {
		tdk_run_diag(run, &d, m->columns);
		if ((r = tdk_map_flat_new(&m->flat, m->from, m->columns, &d))) {
			run->setup_error = "the column map cannot be used (see its diagnostics)";
			return r == TDK_EXIT_NEGATIVE ? TDK_EXIT_IO : r;
		}
		tdk_map_flat_limits(m->flat, m->field_max, m->fields_max, m->record_max);
		goto schema;
	}
	if (tdk_dir_set_init(&m->dirs, tdk_share_dir(), m->directory) < 0)
		return TDK_EXIT_INTERNAL;
	m->have_dirs = 1;
	m->dirs.no_cache = m->no_cache;
	tdk_wco_xslt_init(&m->ext, &m->dirs);
	m->have_ext = 1;
	tdk_xslt_init();
	tdk_wco_xslt_register();
	tdk_run_diag(run, &d, xsl);
	/* A stylesheet that does not compile is a broken setup, as a schema that does not compile is. */
	if ((r = tdk_xslt_compile(&m->x, xsl, NULL, &d))) {
		run->setup_error = r == TDK_EXIT_IO ? "the stylesheet cannot be read (see its diagnostics)" :
			"the stylesheet cannot be used (see its diagnostics)";
		return r == TDK_EXIT_NEGATIVE ? TDK_EXIT_IO : r;
	}
schema:
	if (m->no_validate || tdk_map_edi_target(m))
		return TDK_EXIT_OK;
	m->xv.catalogs = m->catalogs;
	m->have_xv = 1;
	return tdk_validate_xml_setup(run, &m->xv);
}

static void release(struct tdk_map *m)
{
	tdk_xslt_free(m->x);
	tdk_map_flat_free(m->flat);
	if (m->have_xv)
		tdk_validate_xml_release(&m->xv);
	if (m->have_ext)
		tdk_wco_xslt_release(&m->ext);
	if (m->have_dirs)
		tdk_dir_set_release(&m->dirs);
	if (m->have_man)
		tdk_manifest_release(&m->man);
	free(m->pnames);
}

/* Checks what the options say together; returns -1 to go on, else the exit status. */
static int check_options(struct tdk_ctx *ctx, struct tdk_map *m, const struct tdk_run_opts *ro, int nargs,
			 const struct tdk_opt *opts)
{
	if (m->list || m->coverage) {
		if (nargs || (m->list && m->coverage) || m->from || m->columns)
			goto usage;
		return -1;
	}
	if ((m->from || m->columns) && (!m->from || !m->columns)) {
		fprintf(ctx->err, "tdk map: --from and --columns go together (tdk-columns(5))\n");
		goto usage;
	}
	if (!m->from && !nargs) {
		fprintf(ctx->err, "tdk map: say which map (a shipped map's name, see --list) or stylesheet (FILE.xsl)\n");
		goto usage;
	}
	/* The inputs: the operands after the map's name, or all of them with --from. */
	if ((nargs > (m->from ? 1 : 2) || ro->dir || ro->files_from) && !ro->outdir) {
		fprintf(ctx->err, "tdk map: several inputs need -O dir (one output file each)\n");
		goto usage;
	}
	return -1;
usage:
	tdk_usage_line(ctx->err, &map_usage, opts);
	return TDK_EXIT_USAGE;
}

/* A shipped map's manifest, its stylesheet's path in xsl; -1 to go on, else the exit status. */
static int find_map(struct tdk_ctx *ctx, struct tdk_map *m, const char *what, char *xsl, size_t n)
{
	int r;

	if (is_file(what)) {
		snprintf(xsl, n, "%s", what);
		if (m->to && !strcmp(m->to, "edifact"))
			return tdk_error(ctx, "map", TDK_EXIT_USAGE, "-t edifact: a stylesheet of your own writes what "
					 "it writes (convert tdk's EDIFACT XML with tdk convert -t edifact)");
		return -1;
	}
	if ((r = load_manifest(ctx, what, &m->man, xsl, n)))
		return tdk_manifest_release(&m->man), r;
	m->have_man = 1;
	if (m->to && !tdk_map_edi_target(m))
		return tdk_error(ctx, "map", TDK_EXIT_USAGE, "-t %s: map '%s' writes %s, not UN/EDIFACT", m->to,
				 m->man.name, m->man.target.text);
	return -1;
}

int cmd_map(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct tdk_map m;
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_FLAG_(0, "list", &m.list, "list the shipped maps: name, source, target, summary"),
		TDK_OPT_STRING_(0, "coverage", &m.coverage, "name", NULL,
				"list what the shipped map name carries and what it drops"),
		TDK_OPT_STRING_(0, "from", &m.from, "kind", "csv|fixed",
				"read CSV or fixed-width records and map them by --columns (tdk-columns(5))"),
		TDK_OPT_STRING_(0, "columns", &m.columns, "file", NULL,
				"the column map for --from: which column or position goes where"),
		TDK_OPT_SIZE_(0, "max-field-size", &m.field_max, "bytes",
			      "--from: longest field (default 64K, or the column map's limit)"),
		TDK_OPT_ULONG_(0, "max-fields", &m.fields_max, "n",
			       "--from: most fields in a record (default 1024, or the column map's limit)"),
		TDK_OPT_SIZE_(0, "max-record-size", &m.record_max, "bytes",
			      "--from: longest record (default 1M, or the column map's limit)"),
		TDK_OPT_LIST_(0, "param", &m.params, "name=value",
			      "set the stylesheet's top-level parameter name to the string value (repeatable)"),
		TDK_OPT_STRING_('t', "to", &m.to, "format", "edifact|xml",
				"for a map that writes UN/EDIFACT: the interchange (default) or tdk's EDIFACT XML"),
		TDK_OPT_LIST_(0, "catalog", &m.catalogs, "file",
			      "look the result's schema up in this XML catalog first (repeatable)"),
		TDK_OPT_FLAG_(0, "no-validate", &m.no_validate, "do not check the result against its schema"),
		TDK_OPT_STRING_('D', "directory", &m.directory, "path", NULL,
				"read UNTDID releases from path instead of the search path"),
		TDK_OPT_FLAG_(0, "no-cache", &m.no_cache, "read release files, not the compiled cache"),
		TDK_RUN_OUTDIR_OPTION(&ro, "write each input's result into dir, under its name with .xml, .edi "
				      "or .txt"),
		TDK_OPT_ULONG_(0, "max-depth", &m.limits.max_depth, "n",
			       "most nested template calls (default 1000)"),
		TDK_OPT_ULONG_(0, "max-variables", &m.limits.max_vars, "n",
			       "most live variables and parameters (default 100000)"),
		TDK_OPT_ULONG_(0, "max-nodes", &m.limits.max_nodes, "n",
			       "most nodes one run creates (default 2000000)"),
		TDK_OPT_ULONG_(0, "max-steps", &m.limits.max_steps, "n",
			       "most XPath evaluation steps of one run (default 200000000)"),
		TDK_OPT_SIZE_(0, "max-output", &m.limits.max_output, "bytes",
			      "largest result (default 256M)"),
		TDK_OPT_SIZE_(0, "max-memory", &m.limits.max_memory, "bytes",
			      "most memory one run may take (default 512M)"),
		TDK_RUN_STRICT_OPTION(&ro),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_OPT_END_
	};
	struct tdk_run run = { "map", map_exts, { "mapped", "invalid", "mapped in part", "not mapped" },
			       tdk_map_one, &m, tdk_map_out_name, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	char xsl[4300];
	int nargs, r, json;

	memset(&m, 0, sizeof(m));
	tdk_xslt_limits_init(&m.limits);
	tdk_run_opts_init(&ro);
	m.ro = &ro;
	if ((r = tdk_parse_options(ctx, &map_usage, opts, argc, argv, &nargs)) >= 0)
		return r;
	if ((r = check_options(ctx, &m, &ro, nargs, opts)) >= 0)
		return r;
	json = ro.format && !strcmp(ro.format, "json");
	if (m.list)
		return list_maps(ctx, json);
	if (m.coverage)
		return coverage(ctx, m.coverage, json);
	if (m.from) {
		run.exts = flat_exts;
		run.out_name = NULL;  /* under -O, a declaration's file is named after its key, not its input */
		snprintf(xsl, sizeof(xsl), "%s", m.columns);
	} else if ((r = find_map(ctx, &m, argv[0], xsl, sizeof(xsl))) >= 0 || (r = set_params(ctx, &m)) >= 0)
		goto out;
	run.data_on_stdout = !ro.outdir;
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		goto out;
	if ((run.setup_code = setup(&run, &m, xsl)) && !run.setup_error)
		run.setup_error = "the setup failed (see its diagnostics)";
	r = m.from ? tdk_run_documents(&run, argv, nargs) : tdk_run_documents(&run, argv + 1, nargs - 1);
out:
	release(&m);
	return r;
}
