/*
 * What the files of lib/xml share and nobody else needs: turning libxml2's
 * structured errors into tdk diagnostics, and the hints.
 */
#ifndef TDK_XML_INTERNAL_H
#define TDK_XML_INTERNAL_H

#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "xml/xml.h"

/* The stable code for a libxml2 error (XML-SYNTAX, XML-XSD, ...). */
const char *tdk_xml_code(const xmlError *e);

/*
 * Records e in d with the code above.  line and col are used when the error
 * carries no position of its own (streaming validation has no nodes); file,
 * when not NULL, names the document (a schema file while compiling).
 * Returns what tdk_diag_add returns: 1 once d's error limit is reached.
 */
int tdk_xml_report(struct tdk_diag *d, const xmlError *e, unsigned long line, unsigned long col);

/*
 * The document's root, root_name, is in no namespace, or in one no schema
 * declares it in.  Looks for a namespace that would fit: one of the set's
 * registered names (and, when not NULL, the schema given) that declares a
 * global element root_name whose content admits child_name (NULL: none seen).
 * Adds an XML-HINT-NAMESPACE note at loc and returns 1 when one fits.
 */
int tdk_xml_namespace_hint(struct tdk_xml_schemas *s, xmlSchemaPtr given, const char *root_name,
			   const char *child_name, struct tdk_diag *d, const struct tdk_diag_loc *loc);

/* Whether u is a URL of a scheme other than file: (a network resource, or at least not a file). */
int tdk_xml_is_network(const char *u);

/* u without its file: scheme (and localhost authority): a local path. */
const char *tdk_xml_strip_file(const char *u);

/*
 * Checks the entries of the catalog doc (an xmlDocPtr read from path) and of
 * the local catalogs it names, at any depth up to 8: a target that is not a
 * local file is an XML-CATALOG error in d at the entry's file and line.
 * Returns the number of such errors.
 */
int tdk_xml_catalog_check(const char *path, void *doc, struct tdk_diag *d);

/* Saves and restores the calling thread's libxml2 structured error handler. */
struct tdk_xml_errsave {
	xmlStructuredErrorFunc fn;
	void *ctx;
};
void tdk_xml_errors_push(struct tdk_xml_errsave *sv, xmlStructuredErrorFunc fn, void *ctx);
void tdk_xml_errors_pop(const struct tdk_xml_errsave *sv);

#endif
