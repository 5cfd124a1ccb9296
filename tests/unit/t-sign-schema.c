/*
 * Signatures and schema validation in one process, as tdk serve has them:
 * a schema set made first, then libxmlsec1 initialised (tdk_sign_lib_init),
 * then a catalog read and its schema compiled and used.  Both go through
 * libxml2's one process-wide external entity loader, so the signature
 * setup must not replace the one that reads catalogs and schemas; and that
 * loader must still refuse a file outside a schema compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "sign/sign.h"
#include "tap.h"
#include "util/exitcode.h"
#include "xml/xml.h"

static char dir[64], xsd[96], cat[96];

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -1;
	r = fputs(text, f) < 0;
	return fclose(f) != 0 || r ? -1 : 0;
}

/* Validates text with set: the exit status, *errors the number of errors. */
static int validate(struct tdk_xml_schemas *set, const char *text, unsigned *errors)
{
	struct tdk_xml_opts o;
	struct tdk_input in;
	struct tdk_diag d;
	int unchecked = 0, r;

	tdk_xml_opts_init(&o);
	o.set = set;
	tdk_input_open_mem(&in, "doc", text, strlen(text));
	tdk_diag_init(&d, "doc");
	r = tdk_xml_validate(&in, &o, &d, &unchecked);
	*errors = d.errors + (unsigned)unchecked;
	return r;
}

int main(void)
{
	struct tdk_xml_schemas set;
	struct tdk_diag d;
	unsigned errors = 0;
	char catalog[256];
	int r;

	snprintf(dir, sizeof(dir), "/tmp/t-sign-schema.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(xsd, sizeof(xsd), "%s/d.xsd", dir);
	snprintf(cat, sizeof(cat), "%s/cat.xml", dir);
	snprintf(catalog, sizeof(catalog), "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">"
		 "<uri name=\"urn:t\" uri=\"%s\"/></catalog>\n", xsd);
	if (write_file(xsd, "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" "
		       "elementFormDefault=\"qualified\"><xs:element name=\"D\" type=\"xs:int\"/></xs:schema>\n") ||
	    write_file(cat, catalog))
		return 1;

	ok(tdk_xml_schemas_init(&set) == 0, "a schema set before the signature library");
	ok(tdk_sign_lib_init() == 0, "tdk_sign_lib_init");
	tdk_diag_init(&d, cat);
	r = tdk_xml_schemas_add_catalog(&set, cat, &d);
	ok(r == TDK_EXIT_OK && !d.errors, "the catalog reads after tdk_sign_lib_init (exit %d)", r);
	r = validate(&set, "<D xmlns=\"urn:t\">7</D>", &errors);
	ok(r == TDK_EXIT_OK && !errors, "a valid document validates: its schema was read (exit %d)", r);
	r = validate(&set, "<D xmlns=\"urn:t\">x</D>", &errors);
	ok(r == TDK_EXIT_NEGATIVE && errors == 1, "an invalid one does not (exit %d, %u errors)", r, errors);
	ok(xmlReadFile(xsd, NULL, XML_PARSE_NONET) == NULL, "outside a compile the loader refuses a file");
	tdk_sign_lib_shutdown();
	tdk_xml_schemas_release(&set);
	unlink(xsd);
	unlink(cat);
	rmdir(dir);
	return done();
}
