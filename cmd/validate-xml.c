/*
 * tdk validate, the XML half: checks XML documents for well-formedness
 * (XML 1.0, Namespaces in XML), against XSD 1.0 schemas found by --schema or
 * through OASIS XML catalogs, and against ISO Schematron rules (ISO/IEC
 * 19757-3, libxml2's subset), and XML Schema documents for whether they
 * compile.  A document whose namespace no catalog names is well-formed and
 * checked in part, never invalid for want of a schema.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "validate.h"

/* ---- catalogs ---- */

static int exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The catalog tdk ships: beside the sources when run from the build tree, else installed. */
static int shipped_catalog(char *out, size_t n)
{
	snprintf(out, n, "%s/xsd/catalog.xml", tdk_share_dir());
	return exists(out);
}

/* A setup fault is said under the file at fault, and is every input's reason for not being checked. */
static int add_catalog(struct tdk_run *run, struct tdk_validate_xml *xv, const char *path)
{
	struct tdk_diag d;
	int r;

	if (run)
		tdk_run_diag(run, &d, path);
	else
		tdk_diag_init(&d, path);
	r = tdk_xml_schemas_add_catalog(&xv->set, path, &d);
	if (r && run)
		run->setup_error = "a catalog cannot be used (see its diagnostics)";
	return r;
}

static int load_catalogs(struct tdk_run *run, struct tdk_validate_xml *xv)
{
	const char *env = getenv("TDK_CATALOG");
	char path[4200];
	size_t i;
	int r = TDK_EXIT_OK;

	for (i = 0; i < xv->catalogs.n && !r; i++)
		r = add_catalog(run, xv, xv->catalogs.v[i]);
	/* TDK_CATALOG: files separated by colons, looked up after --catalog. */
	while (!r && env && *env) {
		const char *colon = strchr(env, ':');
		size_t n = colon ? (size_t)(colon - env) : strlen(env);

		if (n && n < sizeof(path)) {
			snprintf(path, sizeof(path), "%.*s", (int)n, env);
			r = add_catalog(run, xv, path);
		}
		env = colon ? colon + 1 : NULL;
	}
	if (!r) {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

		if (xdg && *xdg)
			snprintf(path, sizeof(path), "%s/tdk/catalog.xml", xdg);
		else
			snprintf(path, sizeof(path), "%s/.config/tdk/catalog.xml", home ? home : "");
		if ((xdg && *xdg) || (home && *home)) {
			if (exists(path))
				r = add_catalog(run, xv, path);
		}
	}
	if (!r && shipped_catalog(path, sizeof(path)))
		r = add_catalog(run, xv, path);
	return r;
}

/* --schema: a file, or a name a catalog maps to one; compiled once for every input. */
static int load_schema(struct tdk_run *run, struct tdk_validate_xml *xv)
{
	struct tdk_diag d;
	const char *catalog = NULL;
	char *file = exists(xv->schema) ? strdup(xv->schema) : tdk_xml_schemas_resolve(&xv->set, xv->schema, &catalog);
	int r;

	tdk_run_diag(run, &d, xv->schema);
	if (!file) {
		tdk_diag_add(&d, TDK_SEV_ERROR, "XML-XSD-UNKNOWN", NULL,
			     "--schema '%s' is neither a file nor a name registered in a catalog", xv->schema);
		r = TDK_EXIT_IO;
	} else if (catalog && !exists(file)) {
		tdk_diag_add(&d, TDK_SEV_ERROR, "XML-CATALOG", NULL,
			     "catalog '%s' maps '%s' to '%s', which cannot be read", catalog, xv->schema, file);
		r = TDK_EXIT_IO;
	} else {
		r = tdk_xml_schemas_get(&xv->set, file, &d, &xv->opts.schema);
		xv->opts.mode = TDK_XML_SCHEMA_FIXED;
	}
	if (r)
		run->setup_error = "the schema set cannot be used (see its diagnostics)";
	free(file);
	return r;
}

int tdk_validate_xml_setup(struct tdk_run *run, struct tdk_validate_xml *xv)
{
	struct tdk_diag d;
	int r;

	if (tdk_xml_schemas_init(&xv->set) < 0)
		return run ? tdk_error(run->ctx, "validate", TDK_EXIT_INTERNAL, "out of memory") : TDK_EXIT_INTERNAL;
	xv->set_ready = 1;
	tdk_xml_opts_init(&xv->opts);
	xv->opts.set = &xv->set;
	xv->opts.use_schema_location = xv->use_schema_location;
	if (xv->max_size)
		xv->opts.limits.max_size = xv->max_size;
	if (xv->max_depth)
		xv->opts.limits.max_depth = xv->max_depth;
	tdk_xml_limit_opts_apply(&xv->limits, &xv->opts.limits);
	if (xv->well_formed)
		xv->opts.mode = TDK_XML_SCHEMA_NONE;
	if ((r = load_catalogs(run, xv)) || !run)
		return r;
	if (xv->schema && !xv->well_formed && (r = load_schema(run, xv)))
		return r;
	if (xv->rules) {
		tdk_run_diag(run, &d, xv->rules);
		r = tdk_xml_rules_load(xv->rules, &d, &xv->opts.rules);
		if (r)
			run->setup_error = "the rules cannot be used (see their diagnostics)";
	}
	return r;
}

void tdk_validate_xml_release(struct tdk_validate_xml *xv)
{
	if (xv->opts.rules)
		tdk_xml_rules_free(xv->opts.rules);
	xv->opts.rules = NULL;
	if (xv->set_ready)
		tdk_xml_schemas_release(&xv->set);
	xv->set_ready = 0;
}

/* ---- one input ---- */

int tdk_validate_xml_one(struct tdk_validate_xml *xv, struct tdk_doc *doc, int schema_doc)
{
	int unchecked = 0, r;

	if (schema_doc)
		return tdk_xml_check_schema(&xv->set, doc->path, &doc->d);
	r = tdk_xml_validate(&doc->in, &xv->opts, &doc->d, &unchecked);
	if (r == TDK_EXIT_IO && doc->in.err)
		return tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s': %s", doc->qname,
				    strerror(doc->in.err));
	if (r == TDK_EXIT_INTERNAL && !doc->d.errors)
		return tdk_doc_fail(doc, r, "out of memory while reading '%s'", doc->qname);
	if (r == TDK_EXIT_OK && unchecked) {
		doc->partial = "no schema is registered for its namespace";
		doc->verdict = "well-formed, schema not checked";
	}
	return r;
}

/* Collects the first error of a check whose diagnostics are not shown. */
struct first_error {
	char msg[TDK_DIAG_MSG_MAX];
	unsigned long line;
};

static void keep_first(void *arg, const struct tdk_diag_item *it)
{
	struct first_error *f = arg;

	if (it->sev == TDK_SEV_ERROR && !f->msg[0]) {
		snprintf(f->msg, sizeof(f->msg), "%s", it->msg);
		f->line = it->loc.line;
	}
}

/* Checks p[0..n) quietly: 0 valid, 1 invalid (first error in *fe), -1 not checked by a schema. */
static int quiet_check(struct tdk_validate_xml *xv, const char *name, const char *p, size_t n,
		       struct first_error *fe)
{
	struct tdk_input in;
	struct tdk_diag d;
	int unchecked = 0, r;

	tdk_input_open_mem(&in, name, p, n);
	tdk_diag_init(&d, name);
	d.emit = keep_first;
	d.arg = fe;
	r = tdk_xml_validate(&in, &xv->opts, &d, &unchecked);
	if (unchecked || (r != TDK_EXIT_OK && r != TDK_EXIT_NEGATIVE))
		return -1;
	return r == TDK_EXIT_NEGATIVE || d.errors ? 1 : 0;
}

int tdk_validate_xml_still_valid(struct tdk_validate_xml *xv, struct tdk_diag *d, const char *before, size_t nb,
				 const char *after, size_t na)
{
	struct first_error fa, fb;

	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	if (quiet_check(xv, d->file, after, na, &fa) != 1 || quiet_check(xv, d->file, before, nb, &fb) != 0)
		return 0;
	tdk_diag_add(d, TDK_SEV_WARNING, "SIGN-SCHEMA", NULL, "the signed document no longer validates "
		     "against the schema registered for its namespace (line %lu of the result: %.200s); sign it "
		     "--detached, or put it in a signed dossier with 'tdk pack' (see SCHEMAS in tdk-sign(1))",
		     fa.line, fa.msg);
	return 1;
}
