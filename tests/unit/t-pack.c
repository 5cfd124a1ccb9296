/* Unit tests of lib/pack that need no container: the media type of a data object by its name. */
#include "tap.h"
#include "pack/pack.h"

int main(void)
{
	is_str(tdk_mime_of("declaration.xml"), "text/xml", "an XML declaration is text/xml");
	is_str(tdk_mime_of("docs/INVOICE.PDF"), "application/pdf", "the extension's case is ignored");
	is_str(tdk_mime_of("cusdec.edi"), "application/EDIFACT", "EDIFACT has its IANA type");
	is_str(tdk_mime_of("scan.jpeg"), "image/jpeg", "a four-letter extension");
	is_str(tdk_mime_of("lines.csv"), "text/csv", "CSV");
	is_str(tdk_mime_of("archive.tar.gz"), "application/octet-stream", "an unknown extension");
	is_str(tdk_mime_of(".xml"), "application/octet-stream", "a name that is only an extension");
	is_str(tdk_mime_of("xml"), "application/octet-stream", "no dot, no extension");
	is_str(tdk_mime_of(""), "application/octet-stream", "the empty name");
	return done();
}
