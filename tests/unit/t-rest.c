/* Unit test of lib/net/rest.h: the LRN of a declaration, and the sentence of a 404, 406 or 415. */
#include <string.h>

#include "net/rest.h"
#include "tap.h"

static const char *lrn(const char *xml, char *out, size_t n)
{
	return tdk_rest_lrn(xml, strlen(xml), out, n) ? out : "(none)";
}

int main(void)
{
	char b[TDK_REST_LRN_MAX + 1], small[4], longer[TDK_REST_LRN_MAX + 200];

	is_str(lrn("<Declaration xmlns=\"urn:x\"><FunctionalReferenceID>G001</FunctionalReferenceID>"
		   "</Declaration>", b, sizeof(b)), "G001", "the root Declaration's FunctionalReferenceID");
	is_str(lrn("<md:MetaData xmlns:md=\"urn:md\"><Declaration xmlns=\"urn:d\"><Agent><FunctionalReferenceID>"
		   "NO</FunctionalReferenceID></Agent><FunctionalReferenceID>\n  Import_1\n</FunctionalReferenceID>"
		   "</Declaration></md:MetaData>", b, sizeof(b)), "Import_1",
	       "inside the MetaData wrapper, the Declaration's own child, trimmed; not a nested one");
	is_str(lrn("<Declaration><FunctionalReferenceID>  </FunctionalReferenceID></Declaration>", b, sizeof(b)),
	       "(none)", "an empty LRN is none");
	is_str(lrn("<Declaration><FunctionalReferenceID>G001</FunctionalReferenceID></Declaration>", small,
		   sizeof(small)), "(none)", "an LRN longer than the room is none, not cut");
	memset(longer, 'A', sizeof(longer));
	memcpy(longer, "<D><FunctionalReferenceID>", 26);
	memcpy(longer + 26 + TDK_REST_LRN_MAX + 1, "</FunctionalReferenceID></D>", 29);
	is_str(lrn(longer, b, sizeof(b)), "(none)", "an LRN over TDK_REST_LRN_MAX is none");
	/* The malformed twins. */
	is_str(lrn("<Declaration><FunctionalReferenceID>G001</Declaration>", b, sizeof(b)), "(none)",
	       "a document that is not well-formed has none");
	is_str(lrn("<!DOCTYPE d [<!ENTITY e \"G\">]><Declaration><FunctionalReferenceID>&e;</FunctionalReferenceID>"
		   "</Declaration>", b, sizeof(b)), "(none)", "a declared entity is refused, not expanded");
	is_str(lrn("", b, sizeof(b)), "(none)", "an empty document has none");
	ok(strstr(tdk_rest_settings_hint(406), "api-version") && strstr(tdk_rest_settings_hint(404), "url") &&
	   strstr(tdk_rest_settings_hint(415), "Content-Type"), "404, 406 and 415 name url, api-version, Content-Type");
	return done();
}
