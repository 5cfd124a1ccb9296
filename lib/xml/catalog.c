/*
 * What keeps libxml2 off the network and on local files: the test for a URL,
 * libxml2's input replaced by local files only, and the check of a catalog's
 * entries (OASIS XML Catalogs, OASIS Standard V1.1, 7 October 2005), so that
 * an entry or a catalog chain that names a URL is reported against the
 * catalog when it is added, not met during a lookup for some document.
 */
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlIO.h>

#include "xml/internal.h"

int tdk_xml_is_network(const char *u)
{
	const char *c = strchr(u, ':');
	const char *p;

	if (!c || c == u || !strncmp(u, "file:", 5))
		return 0;
	for (p = u; p < c; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '+' || *p == '-' || *p == '.'))
			return 0;
	return 1;
}

const char *tdk_xml_strip_file(const char *u)
{
	if (!strncmp(u, "file://localhost/", 17))
		return u + 16;
	if (!strncmp(u, "file://", 7))
		return u + 7;
	if (!strncmp(u, "file:", 5))
		return u + 5;
	return u;
}

/*
 * libxml2's input for the whole process: local files only.  Its defaults
 * also fetch http:// and ftp:// URLs, and its catalog code reads a
 * nextCatalog or delegate catalog through them, outside the external entity
 * loader and whatever XML_PARSE_NONET says.  An open that fails here is
 * final: libxml2 tries its callbacks in turn, so the network ones must go.
 */
static int local_match(const char *uri)
{
	(void)uri;
	return 1;
}

static void *local_open(const char *uri)
{
	if (!uri || tdk_xml_is_network(uri) || !strcmp(uri, "-"))
		return NULL;
	return xmlFileOpen(uri);
}

void tdk_xml_local_input(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	xmlCleanupInputCallbacks();
	xmlRegisterInputCallbacks(local_match, local_open, xmlFileRead, xmlFileClose);
}

/* The entries of OASIS XML Catalogs 1.1 §6.5 that name a resource, or another catalog to read. */
static const struct {
	const char *elem, *attr;
	int catalog;
} targets[] = {
	{ "uri", "uri", 0 }, { "system", "uri", 0 }, { "public", "uri", 0 },
	{ "rewriteSystem", "rewritePrefix", 0 }, { "rewriteURI", "rewritePrefix", 0 },
	{ "systemSuffix", "uri", 0 }, { "uriSuffix", "uri", 0 }, { "delegatePublic", "catalog", 1 },
	{ "delegateSystem", "catalog", 1 }, { "delegateURI", "catalog", 1 }, { "nextCatalog", "catalog", 1 },
};

/* How deep catalogs that name catalogs are followed here (libxml2 stops at 50, lazily). */
#define CATALOG_DEPTH 8

static int check_catalog(const char *path, struct tdk_diag *d, int depth);

/*
 * One entry: its target, made absolute against the entry's base URI (the
 * catalog's location, or an xml:base, §6.3), must be a local file; a catalog
 * it names is checked in turn.  Returns the number of faults reported.
 */
static int check_entry(const char *path, xmlNodePtr n, size_t k, struct tdk_diag *d, int depth)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)targets[k].attr);
	xmlChar *base = v ? xmlNodeGetBase(n->doc, n) : NULL;
	xmlChar *full = v ? xmlBuildURI(v, base) : NULL;
	struct tdk_diag_loc loc = { 0 };
	const char *saved = d->file;
	int bad = 0;

	if (!full)
		goto out;
	if (tdk_xml_is_network((const char *)full)) {
		loc.line = (unsigned long)xmlGetLineNo(n);
		d->file = path;
		tdk_diag_add(d, TDK_SEV_ERROR, "XML-CATALOG", &loc,
			     "<%s %s=\"%s\"> is not a local file, and tdk never uses the network: "
			     "point it at a local copy", targets[k].elem, targets[k].attr,
			     (const char *)full);
		d->file = saved;
		bad = 1;
	} else if (targets[k].catalog && depth < CATALOG_DEPTH) {
		bad = check_catalog(tdk_xml_strip_file((const char *)full), d, depth + 1);
	}
out:
	xmlFree(full);
	xmlFree(base);
	xmlFree(v);
	return bad;
}

static int check_entries(const char *path, xmlNodePtr n, struct tdk_diag *d, int depth)
{
	static const char ns[] = "urn:oasis:names:tc:entity:xmlns:xml:catalog";
	int bad = 0;
	size_t k;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !n->ns || strcmp((const char *)n->ns->href, ns))
			continue;
		for (k = 0; k < sizeof(targets) / sizeof(targets[0]); k++)
			if (!strcmp((const char *)n->name, targets[k].elem))
				bad += check_entry(path, n, k, d, depth);
		bad += check_entries(path, n->children, d, depth);
	}
	return bad;
}

/*
 * A catalog named by another, read as libxml2 will read it when a lookup
 * reaches it: its faults are reported now, against it.  One that cannot be
 * read is libxml2's to skip, as it does.
 */
static int check_catalog(const char *path, struct tdk_diag *d, int depth)
{
	struct stat st;
	xmlDocPtr doc;
	int bad;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(doc = xmlReadFile(path, NULL, XML_PARSE_NONET)))
		return 0;
	bad = check_entries(path, doc->children, d, depth);
	xmlFreeDoc(doc);
	return bad;
}

int tdk_xml_catalog_check(const char *path, void *doc, struct tdk_diag *d)
{
	return check_entries(path, ((xmlDocPtr)doc)->children, d, 0);
}
