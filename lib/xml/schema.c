/*
 * Schema sets: OASIS XML Catalogs (OASIS Standard V1.1, 7 October 2005) to
 * find schemas by namespace or system identifier, the external entity loader
 * that is the only way libxml2 reads a file while a schema compiles, the
 * cache of compiled XSD 1.0 schemas, and the hints about broken schema sets.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/schematron.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>

#include "util/exitcode.h"
#include "xml/internal.h"

struct tdk_xml_schema_entry {
	struct tdk_xml_schema_entry *next;
	char *path;
	xmlSchemaPtr schema;
	int status;
};

/*
 * What the loader may read while a schema compiles on this thread; NULL
 * outside a compile, when it reads nothing at all.
 */
struct policy {
	struct tdk_xml_schemas *s;
	struct tdk_diag *d;
	const char *entry;       /* the schema being compiled: always allowed */
	int any_local;           /* reading catalogs: any local file (nextCatalog chains) */
	int refused;             /* a read was refused: the set needs what tdk will not do */
	unsigned long errors;
};

static _Thread_local struct policy *cur_policy;

static int ends_with_xsd(const char *p)
{
	size_t n = strlen(p);

	return n > 4 && !strcasecmp(p + n - 4, ".xsd");
}

static void refuse(struct policy *pol, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct policy *pol, const char *fmt, ...)
{
	va_list ap;

	pol->refused++;
	if (!pol->d)
		return;
	va_start(ap, fmt);
	tdk_diag_addv(pol->d, TDK_SEV_ERROR, "XML-EXTERNAL", NULL, fmt, ap);
	va_end(ap);
}

/*
 * The external entity loader for the whole process.  Outside a schema
 * compile it refuses everything (documents never need it: they have no DTD
 * and no entities).  During a compile: catalog first, then local schema
 * documents only.
 */
static xmlParserInputPtr loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	struct policy *pol = cur_policy;
	const char *catalog = NULL;
	char *mapped = NULL;
	const char *path;
	struct stat st;
	xmlParserInputPtr in = NULL;

	if (!pol || !url) {
		if (pol)
			refuse(pol, "refused to load '%s'", url ? url : id ? id : "?");
		return NULL;
	}
	mapped = pol->s ? tdk_xml_schemas_resolve(pol->s, url, &catalog) : NULL;
	if (!mapped && id && pol->s)
		mapped = tdk_xml_schemas_resolve(pol->s, id, &catalog);
	if (mapped) {
		path = mapped;
	} else if (tdk_xml_is_network(url)) {
		refuse(pol, "refused to fetch '%s': tdk never uses the network; register a local copy "
		       "with a catalog entry <system systemId=\"%s\" uri=\"FILE.xsd\"/>", url, url);
		goto out;
	} else {
		path = tdk_xml_strip_file(url);
		if (!ends_with_xsd(path) && !pol->any_local && !(pol->entry && !strcmp(path, pol->entry))) {
			refuse(pol, "refused to read '%s' while compiling a schema: only schema "
			       "documents (.xsd) and files named by a catalog are read", path);
			goto out;
		}
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		refuse(pol, "refused to read '%s': not a regular file", path);
		goto out;
	}
	/* A missing file: libxml2 says so, and the schema parser's warning carries the hint. */
	in = xmlNewInputFromFile(ctxt, path);
out:
	free(mapped);
	return in;
}

static pthread_once_t loader_once = PTHREAD_ONCE_INIT;

/*
 * libxml2's catalog lookups fetch and cache catalog files in shared tables
 * that it creates without a lock: workers of a batch (-j) that resolve at
 * once would each make one, and lose all but one.  Lookups take this lock;
 * it is recursive, since reading a catalog file comes back through loader.
 */
static pthread_mutex_t catalog_lock;

static void install_loader(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&catalog_lock, &a);
	pthread_mutexattr_destroy(&a);
	xmlInitParser();
	/* No implicit use of /etc/xml/catalog or XML_CATALOG_FILES: only the catalogs given. */
	xmlCatalogSetDefaults(XML_CATA_ALLOW_NONE);
	xmlSetExternalEntityLoader(loader);
	tdk_xml_local_input();
}

void tdk_xml_entity_loader_install(void)
{
	pthread_once(&loader_once, install_loader);
}

int tdk_xml_schemas_init(struct tdk_xml_schemas *s)
{
	pthread_mutex_t *m;

	memset(s, 0, sizeof(*s));
	tdk_xml_entity_loader_install();
	m = malloc(sizeof(*m));
	if (!m)
		return -1;
	pthread_mutex_init(m, NULL);
	s->lock = m;
	return 0;
}

void tdk_xml_schemas_release(struct tdk_xml_schemas *s)
{
	struct tdk_xml_schema_entry *e, *next;
	size_t i;

	for (i = 0; i < s->ncatalogs; i++) {
		xmlFreeCatalog(s->catalogs[i]);
		free(s->catalog_names[i]);
	}
	for (i = 0; i < s->nnames; i++)
		free(s->names[i]);
	for (e = s->entries; e; e = next) {
		next = e->next;
		xmlSchemaFree(e->schema);
		free(e->path);
		free(e);
	}
	free(s->catalogs);
	free(s->catalog_names);
	free(s->names);
	if (s->lock) {
		pthread_mutex_destroy(s->lock);
		free(s->lock);
	}
	memset(s, 0, sizeof(*s));
}

struct errctx {
	struct tdk_diag *d;
	const char *file;
	unsigned long errors;
	const char *code;        /* XML-CATALOG or XML-RULE-COMPILE */
};

static void catalog_error(void *arg, xmlErrorPtr e)
{
	struct errctx *c = arg;
	struct tdk_diag_loc loc;

	if (!e || e->level == XML_ERR_WARNING)
		return;
	memset(&loc, 0, sizeof(loc));
	loc.line = e->line > 0 ? (unsigned long)e->line : 0;
	loc.col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
	c->errors++;
	tdk_diag_add(c->d, TDK_SEV_ERROR, c->code, &loc, "'%s': %s", c->file,
		     e->message ? e->message : "malformed");
}

/* The names of the <uri> entries, for the namespace hint. */
static int collect_names(struct tdk_xml_schemas *s, xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "uri")) {
			xmlChar *name = xmlGetNoNsProp(n, (const xmlChar *)"name");
			char **v;

			if (name) {
				v = realloc(s->names, (s->nnames + 1) * sizeof(*v));
				if (!v || !(v[s->nnames] = strdup((const char *)name))) {
					if (v)
						s->names = v;
					xmlFree(name);
					return -1;
				}
				s->names = v;
				s->nnames++;
				xmlFree(name);
			}
		}
		if (collect_names(s, n->children) < 0)
			return -1;
	}
	return 0;
}

int tdk_xml_schemas_add_catalog(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d)
{
	struct errctx ec = { d, path, 0, "XML-CATALOG" };
	struct policy pol = { NULL, d, path, 1, 0, 0 };
	struct policy *prev = cur_policy;
	struct tdk_xml_errsave sv;
	const char *saved = d->file;
	xmlCatalogPtr cat = NULL;
	xmlDocPtr doc = NULL;
	void **cv;
	char **nv;
	struct stat st;
	int r = TDK_EXIT_IO;

	d->file = path;
	cur_policy = &pol;
	tdk_xml_errors_push(&sv, catalog_error, &ec);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-CATALOG", NULL, "cannot read catalog '%s': %s", path,
			     errno && stat(path, &st) != 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	if (!doc || !doc->children || ec.errors) {
		if (!ec.errors)
			tdk_diag_add(d, TDK_SEV_ERROR, "XML-CATALOG", NULL, "catalog '%s' is not XML", path);
		goto out;
	}
	if (!xmlDocGetRootElement(doc) || strcmp((const char *)xmlDocGetRootElement(doc)->name, "catalog")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-CATALOG", NULL,
			     "'%s' is not an OASIS XML catalog (its root is not 'catalog')", path);
		goto out;
	}
	if (tdk_xml_catalog_check(path, doc, d))
		goto out;
	cat = xmlLoadACatalog(path);
	if (!cat || ec.errors) {
		if (!ec.errors)
			tdk_diag_add(d, TDK_SEV_ERROR, "XML-CATALOG", NULL, "cannot load catalog '%s'", path);
		goto out;
	}
	cv = realloc(s->catalogs, (s->ncatalogs + 1) * sizeof(*cv));
	if (cv)
		s->catalogs = cv;
	nv = realloc(s->catalog_names, (s->ncatalogs + 1) * sizeof(*nv));
	if (nv)
		s->catalog_names = nv;
	if (!cv || !nv || !(nv[s->ncatalogs] = strdup(path)) ||
	    collect_names(s, xmlDocGetRootElement(doc)) < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	cv[s->ncatalogs++] = cat;
	cat = NULL;
	r = TDK_EXIT_OK;
out:
	xmlFreeCatalog(cat);
	xmlFreeDoc(doc);
	tdk_xml_errors_pop(&sv);
	cur_policy = prev;
	d->file = saved;
	return r;
}

char *tdk_xml_schemas_resolve(struct tdk_xml_schemas *s, const char *name, const char **catalog)
{
	size_t i;

	if (!s || !name)
		return NULL;
	for (i = 0; i < s->ncatalogs; i++) {
		xmlChar *v;
		char *r;

		pthread_mutex_lock(&catalog_lock);
		v = xmlACatalogResolveURI(s->catalogs[i], (const xmlChar *)name);
		if (!v)
			v = xmlACatalogResolveSystem(s->catalogs[i], (const xmlChar *)name);
		pthread_mutex_unlock(&catalog_lock);
		if (!v)
			continue;
		r = strdup(tdk_xml_strip_file((const char *)v));
		xmlFree(v);
		if (catalog)
			*catalog = s->catalog_names[i];
		return r;
	}
	return NULL;
}

/* Looks for a file named base under dir, at most depth levels down; returns a new path or NULL. */
static char *find_file(const char *dir, const char *base, int depth)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char *found = NULL;
	char path[4096];
	struct stat st;

	if (!dh)
		return NULL;
	while (!found && (de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISREG(st.st_mode) && !strcmp(de->d_name, base))
			found = strdup(path);
		else if (S_ISDIR(st.st_mode) && depth > 0)
			found = find_file(path, base, depth - 1);
	}
	closedir(dh);
	return found;
}

/*
 * A schema document that could not be found: say where a file of that name
 * is, near the schema that refers to it (XML-HINT-IMPORT).
 */
static void import_hint(struct tdk_diag *d, const xmlError *e)
{
	const char *m = e->message, *p, *q;
	char loc[1024], dir[4096], *slash, *found = NULL;
	const char *base, *saved;
	struct tdk_diag_loc where;
	size_t n;

	if (!m || !e->file || !(p = strstr(m, "at location '")))
		return;
	p += 13;
	if (!(q = strchr(p, '\'')) || (n = (size_t)(q - p)) >= sizeof(loc))
		return;
	memcpy(loc, p, n);
	loc[n] = '\0';
	base = strrchr(loc, '/') ? strrchr(loc, '/') + 1 : loc;
	snprintf(dir, sizeof(dir), "%s", e->file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	memset(&where, 0, sizeof(where));
	where.line = e->line > 0 ? (unsigned long)e->line : 0;
	if (tdk_xml_is_network(loc))
		return;
	saved = d->file;
	d->file = e->file;
	/* libxml2 has already made a relative location absolute against the importing schema. */
	if (loc[0] == '/' && !(strlen(loc) > strlen(dir) && !strncmp(loc, dir, strlen(dir)) &&
			       loc[strlen(dir)] == '/')) {
		char beside[8192];
		struct stat st;

		snprintf(beside, sizeof(beside), "%s/%s", dir, base);
		if (stat(beside, &st) == 0)
			tdk_diag_add(d, TDK_SEV_NOTE, "XML-HINT-IMPORT", &where,
				     "schemaLocation '%s' is an absolute path; a '%s' is beside this "
				     "schema: write schemaLocation=\"%s\"", loc, base, base);
		else
			tdk_diag_add(d, TDK_SEV_NOTE, "XML-HINT-IMPORT", &where,
				     "schemaLocation '%s' is an absolute path, which only works on the "
				     "machine it was written on: make it relative to this schema", loc);
		d->file = saved;
		return;
	}
	/* Two levels up, three down: the usual layout of a published schema set. */
	slash = strrchr(dir, '/');
	if (slash) {
		char up[4096];

		snprintf(up, sizeof(up), "%.*s", (int)(slash - dir), dir);
		slash = strrchr(up, '/');
		if (slash && slash != up)
			*slash = '\0';
		found = find_file(up, base, 3);
	}
	if (found)
		tdk_diag_add(d, TDK_SEV_NOTE, "XML-HINT-IMPORT", &where,
			     "schemaLocation '%s' does not exist; a schema of that name is at '%s': "
			     "fix the location, or map it with a catalog <system> entry", loc, found);
	else
		tdk_diag_add(d, TDK_SEV_NOTE, "XML-HINT-IMPORT", &where,
			     "schemaLocation '%s' does not exist, and no file of that name is near "
			     "this schema", loc);
	free(found);
	d->file = saved;
}

static void compile_error(void *arg, xmlErrorPtr e)
{
	struct policy *pol = arg;

	if (!e)
		return;
	/* libxml2's "failed to load external entity" repeats what the schema parser says next. */
	if (e->domain == XML_FROM_IO && e->level == XML_ERR_WARNING)
		return;
	if (e->level != XML_ERR_WARNING)
		pol->errors++;
	tdk_xml_report(pol->d, e, 0, 0);
	if (e->domain == XML_FROM_SCHEMASP && e->message && strstr(e->message, "at location '") &&
	    (strstr(e->message, "Failed to locate") || strstr(e->message, "failed to load")))
		import_hint(pol->d, e);
}

/* Compiles path with the loader's policy in force; diagnostics to d. */
static int compile(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d, xmlSchemaPtr *out)
{
	struct policy pol = { s, d, path, 0, 0, 0 };
	struct policy *prev = cur_policy;
	struct tdk_xml_errsave sv;
	xmlSchemaParserCtxtPtr pc = NULL;
	xmlSchemaPtr schema = NULL;
	int r = TDK_EXIT_OK;

	*out = NULL;
	cur_policy = &pol;
	tdk_xml_errors_push(&sv, compile_error, &pol);
	pc = xmlSchemaNewParserCtxt(path);
	if (!pc) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(pc, compile_error, &pol);
	schema = xmlSchemaParse(pc);
	if (!schema || pol.refused || pol.errors) {
		if (!pol.errors && !pol.refused)
			tdk_diag_add(d, TDK_SEV_ERROR, "XML-XSD-COMPILE", NULL, "schema '%s' does not compile",
				     path);
		xmlSchemaFree(schema);
		schema = NULL;
		r = TDK_EXIT_IO;
		goto out;
	}
	*out = schema;
out:
	xmlSchemaFreeParserCtxt(pc);
	tdk_xml_errors_pop(&sv);
	cur_policy = prev;
	return r;
}

int tdk_xml_schemas_get(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d, void **schema)
{
	struct tdk_xml_schema_entry *e;
	char *real = realpath(path, NULL);
	const char *key = real ? real : path;
	int r;

	*schema = NULL;
	pthread_mutex_lock(s->lock);
	for (e = s->entries; e; e = e->next)
		if (!strcmp(e->path, key))
			break;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e || !(e->path = strdup(key))) {
			free(e);
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		if (!real) {
			tdk_diag_add(d, TDK_SEV_ERROR, "XML-XSD-COMPILE", NULL, "cannot read schema '%s': %s",
				     path, strerror(errno));
			e->status = TDK_EXIT_IO;
		} else {
			e->status = compile(s, path, d, &e->schema);
		}
		e->next = s->entries;
		s->entries = e;
	}
	r = e->status;
	*schema = e->schema;
out:
	pthread_mutex_unlock(s->lock);
	free(real);
	return r;
}

int tdk_xml_check_schema(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d)
{
	xmlSchemaPtr schema = NULL;
	const char *saved = d->file;
	int r;

	if (access(path, R_OK) != 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-XSD-COMPILE", NULL, "cannot read schema '%s': %s", path,
			     strerror(errno));
		return TDK_EXIT_IO;
	}
	pthread_mutex_lock(s->lock);
	r = compile(s, path, d, &schema);
	pthread_mutex_unlock(s->lock);
	d->file = saved;
	xmlSchemaFree(schema);
	if (r == TDK_EXIT_IO)
		return TDK_EXIT_NEGATIVE;
	return r;
}

/* ---- the namespace hint ---- */

struct probe {
	int root_undeclared, child_unexpected;
};

static void probe_error(void *arg, xmlErrorPtr e)
{
	struct probe *p = arg;

	if (!e)
		return;
	if (e->code == XML_SCHEMAV_CVC_ELT_1)
		p->root_undeclared = 1;
	else if (e->code == XML_SCHEMAV_ELEMENT_CONTENT && e->message && strstr(e->message, "not expected"))
		p->child_unexpected = 1;
}

/* Whether schema declares {ns}root, and lets child (in ns) start its content. */
static int fits(xmlSchemaPtr schema, const char *ns, const char *root, const char *child)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr r, c;
	xmlNsPtr nsp;
	xmlSchemaValidCtxtPtr vc = NULL;
	struct probe pr = { 0, 0 };
	int ok = 0;

	if (!doc || !(r = xmlNewDocNode(doc, NULL, (const xmlChar *)root, NULL)))
		goto out;
	xmlDocSetRootElement(doc, r);
	nsp = xmlNewNs(r, (const xmlChar *)ns, NULL);
	xmlSetNs(r, nsp);
	if (child) {
		c = xmlNewChild(r, nsp, (const xmlChar *)child, NULL);
		if (!c)
			goto out;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc)
		goto out;
	xmlSchemaSetValidStructuredErrors(vc, probe_error, &pr);
	xmlSchemaValidateDoc(vc, doc);
	ok = !pr.root_undeclared && !pr.child_unexpected;
out:
	xmlSchemaFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	return ok;
}

int tdk_xml_namespace_hint(struct tdk_xml_schemas *s, xmlSchemaPtr given, const char *root_name,
			   const char *child_name, struct tdk_diag *d, const struct tdk_diag_loc *loc)
{
	struct tdk_diag quiet;
	struct tdk_xml_errsave sv;
	size_t i;
	int found = 0;

	if (!root_name || !root_name[0])
		return 0;
	tdk_diag_init(&quiet, NULL);
	tdk_xml_errors_push(&sv, probe_error, &(struct probe){ 0, 0 });
	for (i = 0; s && i < s->nnames && !found; i++) {
		char *path = tdk_xml_schemas_resolve(s, s->names[i], NULL);
		void *schema = NULL;

		if (path && tdk_xml_schemas_get(s, path, &quiet, &schema) == TDK_EXIT_OK &&
		    fits(schema, s->names[i], root_name, child_name)) {
			tdk_diag_add(d, TDK_SEV_NOTE, "XML-HINT-NAMESPACE", loc,
				     "did you mean namespace '%s'? Its schema declares '%s'%s%s%s; "
				     "the document's elements are in no namespace", s->names[i], root_name,
				     child_name ? " with '" : "", child_name ? child_name : "",
				     child_name ? "' inside" : "");
			found = 1;
		}
		free(path);
	}
	(void)given;
	tdk_xml_errors_pop(&sv);
	return found;
}

/* ---- Schematron ---- */

int tdk_xml_rules_load(const char *path, struct tdk_diag *d, void **rules)
{
	struct errctx ec = { d, path, 0, "XML-RULE-COMPILE" };
	struct policy pol = { NULL, d, path, 0, 0, 0 };
	struct tdk_xml_errsave sv;
	struct policy *prev = cur_policy;
	xmlSchematronParserCtxtPtr pc = NULL;
	xmlSchematronPtr sch = NULL;
	const char *saved = d->file;
	int r = TDK_EXIT_OK;

	*rules = NULL;
	d->file = path;
	cur_policy = &pol;
	tdk_xml_errors_push(&sv, catalog_error, &ec);
	if (access(path, R_OK) != 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-RULE-COMPILE", NULL, "cannot read rules '%s': %s", path,
			     strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	pc = xmlSchematronNewParserCtxt(path);
	if (pc)
		sch = xmlSchematronParse(pc);
	if (!sch) {
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-RULE-COMPILE", NULL,
			     "'%s' is not ISO Schematron that libxml2 can compile", path);
		r = TDK_EXIT_IO;
		goto out;
	}
	*rules = sch;
out:
	xmlSchematronFreeParserCtxt(pc);
	tdk_xml_errors_pop(&sv);
	cur_policy = prev;
	d->file = saved;
	return r;
}

void tdk_xml_rules_free(void *rules)
{
	xmlSchematronFree(rules);
}
