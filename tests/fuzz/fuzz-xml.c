/*
 * libFuzzer target: arbitrary bytes through the safe XML loader, as a
 * document checked for well-formedness and, when a schema compiled from the
 * first input that looks like one exists, against a small fixed schema; with
 * small limits so that every limit path runs.  DTDs, entities, encodings and
 * bad UTF-8 must all end in diagnostics, never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>

#include "util/exitcode.h"
#include "xml/xml.h"

static const char schema_text[] =
	"<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:f' "
	"xmlns='urn:f' elementFormDefault='qualified'>"
	"<xs:element name='a'><xs:complexType><xs:sequence>"
	"<xs:element name='b' type='xs:dateTime' minOccurs='0' maxOccurs='unbounded'/>"
	"<xs:element name='c' type='xs:decimal' minOccurs='0'/>"
	"</xs:sequence><xs:attribute name='n' type='xs:int'/></xs:complexType></xs:element>"
	"</xs:schema>";

static struct tdk_xml_schemas set;
static void *schema;

static void setup(void)
{
	char path[] = "/tmp/tdk-fuzz-xml-XXXXXX";
	struct tdk_diag d;
	int fd;

	if (tdk_xml_schemas_init(&set) < 0)
		abort();
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	if (write(fd, schema_text, sizeof(schema_text) - 1) != (ssize_t)(sizeof(schema_text) - 1))
		abort();
	close(fd);
	/* The loader reads schema documents only: give it the name it expects. */
	{
		char xsd[64];

		snprintf(xsd, sizeof(xsd), "%s.xsd", path);
		if (rename(path, xsd) != 0)
			abort();
		tdk_diag_init(&d, xsd);
		if (tdk_xml_schemas_get(&set, xsd, &d, &schema) != TDK_EXIT_OK)
			abort();
		unlink(xsd);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tdk_xml_opts o;
	struct tdk_input in;
	struct tdk_diag d;
	FILE *tmp;
	int pass;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > 1 << 20)
		return 0;
	tmp = tmpfile();
	if (!tmp)
		return 0;
	if (size && fwrite(data, 1, size, tmp) != size)
		goto out;
	fflush(tmp);
	for (pass = 0; pass < 2; pass++) {
		rewind(tmp);
		memset(&in, 0, sizeof(in));
		in.fd = fileno(tmp);
		in.name = "fuzz.xml";
		tdk_xml_opts_init(&o);
		o.limits.max_depth = 64;
		o.limits.max_attrs = 16;
		o.limits.max_text = 4096;
		o.limits.max_size = 1 << 19;
		o.mode = pass ? TDK_XML_SCHEMA_FIXED : TDK_XML_SCHEMA_NONE;
		o.schema = schema;
		o.set = &set;
		tdk_diag_init(&d, "fuzz.xml");
		d.max_errors = 50;
		tdk_xml_validate(&in, &o, &d, NULL);
	}
out:
	fclose(tmp);
	return 0;
}
