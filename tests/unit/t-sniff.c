/*
 * Unit tests of lib/util/sniff.c: real-looking inputs of every kind, and
 * hostile ones (empty, a byte order mark only, UNA cut short, binary with
 * UNB inside, CSV whose first field is UNH, text starting UNB+ with no
 * terminator).  Every sample is also sniffed from a copy of exactly its
 * length on the heap, so that the sanitizer build catches a read past it.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/sniff.h"

#define S(lit) lit, sizeof(lit) - 1

static const char *const names[] = {
	"empty", "EDIFACT", "XML", "XSD", "JSON", "ZIP", "PDF", "CSV", "text", "binary"
};

/* Sniffs n bytes at p from a heap copy of exactly n bytes. */
static enum tdk_sniff_kind sniff(const char *p, size_t n, int whole, struct tdk_sniff *s)
{
	char *copy = malloc(n ? n : 1);
	enum tdk_sniff_kind k;

	if (!copy)
		abort();
	memcpy(copy, p, n);
	k = tdk_sniff(copy, n, whole, s);
	/* What points into the sample is checked against the caller's bytes. */
	if (s->root)
		s->root = p + (s->root - copy);
	if (s->ns)
		s->ns = p + (s->ns - copy);
	free(copy);
	return k;
}

static void is_kind(const char *p, size_t n, int whole, enum tdk_sniff_kind want, const char *what)
{
	struct tdk_sniff s;
	enum tdk_sniff_kind k = sniff(p, n, whole, &s);

	ok(k == want && s.kind == k, "%s: %s", what, names[want]);
	if (k != want)
		printf("#   got %s\n", names[k]);
}

static void edifact(void)
{
	struct tdk_sniff s;

	is_kind(S("UNA:+.? 'UNB+UNOC:3+SENDER+RECIPIENT+260101:1200+1'UNH+1+INVOIC:D:96A:UN'"), 0,
		TDK_SNIFF_EDIFACT, "an interchange with UNA");
	is_kind(S("UNB+UNOA:2+5412345678908:14+8798765432106:14+960101:1000+12345555'\r\n"
		  "UNH+1+ORDERS:D:96A:UN'\r\nBGM+220+128576+9'\r\n"), 1, TDK_SNIFF_EDIFACT,
		"UNB without UNA, segments on lines");
	is_kind(S("\xEF\xBB\xBF\n  UNB+UNOC:3+A+B+260101:1200+1'UNZ+0+1'"), 1, TDK_SNIFF_EDIFACT,
		"after a byte order mark and blanks");
	is_kind(S("UNG+INVOIC+SENDER+RECIP+260101:1200+1+UN+D:96A'UNH+1+INVOIC:D:96A:UN'"), 0,
		TDK_SNIFF_EDIFACT, "a group header first");
	is_kind(S("UNH+1+CUSDEC:D:96B:UN'BGM+929+DEC1+9'DTM+137:20260101:102'"), 1,
		TDK_SNIFF_EDIFACT, "a message without envelope");
	is_kind(S("UNB\x1dUNOB\x1f" "3\x1dSENDER\x1dRECIP\x1d" "260101\x1f" "1200\x1d" "1\x1c"
		  "UNH\x1d" "1\x1dORDERS\x1f" "D\x1f" "96A\x1fUN\x1c"), 1, TDK_SNIFF_EDIFACT,
		"syntax level B (IS3, IS1, IS4)");
	is_kind(S("UNA|^,\\ ~UNB^UNOC|3^A^B^260101|1200^1~"), 1, TDK_SNIFF_EDIFACT,
		"a UNA with other service characters");
	is_kind(S("UNB+UNOC:3+A?'B+C+260101:1200+1'UNZ+0+1'"), 1, TDK_SNIFF_EDIFACT,
		"a released apostrophe in UNB");
	is_kind(S("BGM+380+INV42+9'DTM+137:20260101:102'NAD+BY+5412345000013::9'"), 1,
		TDK_SNIFF_EDIFACT, "a run of segments without service segments");
	is_kind(S("BGM+380+INV42+9'"), 1, TDK_SNIFF_EDIFACT, "one whole segment, alone");
	is_kind(S("BGM+380+INV42+9'DT"), 0, TDK_SNIFF_TEXT,
		"one segment and a cut one are too few for a run");
	is_kind(S("UNB+UNOC:3+A+B+260101:1200+1'UN"), 0, TDK_SNIFF_EDIFACT,
		"UNB and a sample cut within the next tag");
	sniff(S("UNA:+.? 'UNB+UNOC:3+A+B+1'"), 1, &s);
	ok(s.sep == '\'' && s.start == 0, "the segment terminator is given");
	sniff(S("UNA:+,? #UNB+UNOC:3+A+B+1#"), 1, &s);
	ok(s.sep == '#', "the terminator of the UNA");
	is_str(s.what, "UN/EDIFACT", "described as UN/EDIFACT");
	is_str(s.readers, "tdk validate, tdk convert", "read by validate and convert");
}

static void edifact_hostile(void)
{
	is_kind(S("UNA"), 1, TDK_SNIFF_TEXT, "'UNA' alone");
	is_kind(S("UNA:+."), 1, TDK_SNIFF_TEXT, "UNA cut within its service characters");
	is_kind(S("UNANIMOUS DECISION OF THE BOARD\n"), 1, TDK_SNIFF_TEXT, "a word starting with UNA");
	is_kind(S("UNA::.? 'UNB::UNOC'"), 1, TDK_SNIFF_TEXT, "a UNA whose separators are one character");
	is_kind(S("UNB+UNOC:3+SENDER+RECIPIENT+260101:1200+1\nUNH+1+INVOIC:D:96A:UN\n"), 1,
		TDK_SNIFF_TEXT, "text starting UNB+ with no terminator");
	is_kind(S("UNB+ is the interchange header. It's followed by UNH, the message header.\n"), 1,
		TDK_SNIFF_TEXT, "prose starting UNB+ with an apostrophe later");
	is_kind(S("UNB"), 1, TDK_SNIFF_TEXT, "'UNB' alone");
	is_kind(S("UNB+"), 1, TDK_SNIFF_TEXT, "'UNB+' alone");
	is_kind(S("UNH,1,INVOIC,D,96A\nUNH,2,ORDERS,D,96A\nUNH,3,DESADV,D,01B\n"), 1, TDK_SNIFF_CSV,
		"CSV whose first field is UNH");
	is_kind(S("UNH;1;INVOIC\nBGM;380;42\n"), 1, TDK_SNIFF_CSV, "semicolon CSV starting UNH");
	{
		char bin[600];
		size_t i;

		/* A deterministic noise with NULs, UNB+...' inside. */
		for (i = 0; i < sizeof(bin); i++)
			bin[i] = (char)((i * 131 + 7) % 251);
		memcpy(bin + 100, "UNB+UNOC:3+A+B+1'", 17);
		is_kind(bin, sizeof(bin), 0, TDK_SNIFF_BINARY, "binary with UNB+...' inside");
		memcpy(bin, "UNB+UNOC:3+A+B+1'", 17);
		is_kind(bin, sizeof(bin), 0, TDK_SNIFF_BINARY, "binary that starts with UNB+...'");
		for (i = 0; i < sizeof(bin); i++)
			if (!bin[i])
				bin[i] = 1;
		is_kind(bin, sizeof(bin), 0, TDK_SNIFF_BINARY, "control bytes without a NUL");
	}
	is_kind(S("UNB+UNOC:3+A+B+1'\0\0\0\0"), 1, TDK_SNIFF_BINARY, "an interchange with NULs after it");
	is_kind(S("UNB+UNOC:3+A+B+1'hello world"), 1, TDK_SNIFF_TEXT,
		"UNB followed by something that is no segment");
}

/* Text not recognised as UN/EDIFACT that starts as it does: a broken interchange, most likely. */
static void edifact_start(void)
{
	struct tdk_sniff s;

	sniff(S("UNB+UNOC:3+SENDER+RECIPIENT+260101:1200+1\n"), 1, &s);
	ok(s.kind == TDK_SNIFF_TEXT && s.edifact_start, "UNB+ with no terminator starts as EDIFACT");
	sniff(S("UNA:+."), 1, &s);
	ok(s.kind == TDK_SNIFF_TEXT && s.edifact_start, "a UNA cut short starts as EDIFACT");
	sniff(S("UNA123456FOO2TEST6"), 1, &s);
	ok(s.kind == TDK_SNIFF_TEXT && s.edifact_start, "a UNA with digits for separators starts as EDIFACT");
	sniff(S("SEG"), 1, &s);
	ok(s.kind == TDK_SNIFF_TEXT && s.edifact_start, "a tag and the end of the input");
	sniff(S("Dear customer,\nthe invoice.\n"), 1, &s);
	ok(!s.edifact_start, "a letter does not");
	sniff(S("UNH,1,INVOIC\nUNH,2,ORDERS\n"), 1, &s);
	ok(s.kind == TDK_SNIFF_CSV && !s.edifact_start, "CSV whose first field is UNH does not");
	sniff(S("UNB+UNOC:3+A+B+1'UNZ+0+1'"), 1, &s);
	ok(s.kind == TDK_SNIFF_EDIFACT && !s.edifact_start, "recognised EDIFACT needs no hint");
	is_kind(S("RFF:5'\nDEF:6'"), 1, TDK_SNIFF_EDIFACT, "segments whose tag a component separator follows");
}

static void xml(void)
{
	struct tdk_sniff s;

	is_kind(S("<?xml version=\"1.0\"?>\n<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"/>"), 1,
		TDK_SNIFF_XML, "a WCO declaration");
	sniff(S("<?xml version=\"1.0\"?>\n<!-- a comment <x> -->\n<md:MetaData xmlns:ds=\"urn:x\" "
		"xmlns:md=\"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2\">"), 0, &s);
	ok(s.kind == TDK_SNIFF_XML && s.root && s.root_len == 8 && !memcmp(s.root, "MetaData", 8) &&
	   s.ns && s.ns_len == 44 && !memcmp(s.ns, "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2", 44),
	   "the root's local name and the namespace its prefix is bound to");
	sniff(S("<Declaration xmlns='urn:a' "), 0, &s);
	ok(s.ns && s.ns_len == 5 && !memcmp(s.ns, "urn:a", 5), "single quotes");
	sniff(S("<Decl"), 0, &s);
	ok(s.kind == TDK_SNIFF_XML && !s.root, "a root name the sample cuts is not given");
	sniff(S("<p: xmlns:p=\"urn:p\">"), 1, &s);
	ok(s.kind == TDK_SNIFF_XML && !s.root, "a prefix with no local name has no root name (fuzz)");
	sniff(S("<a:Decl xmlns=\"urn:default\" xmlns:b=\"urn:b\">"), 1, &s);
	ok(s.root && !s.ns, "a prefix that is not bound in the sample: no namespace");
	is_kind(S("<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
		  "targetNamespace=\"urn:tdk\">"), 1, TDK_SNIFF_XSD, "an XML Schema, prefix xs");
	is_kind(S("<schema xmlns=\"http://www.w3.org/2001/XMLSchema\">"), 1, TDK_SNIFF_XSD,
		"an XML Schema in the default namespace");
	is_kind(S("<?xml version=\"1.0\"?><!DOCTYPE xsd:schema [ <!ENTITY a \"]>\"> ]>\n"
		  "<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"/>"), 1, TDK_SNIFF_XSD,
		"an XML Schema after a doctype with an internal subset");
	is_kind(S("<schema xmlns=\"urn:not-xsd\"><!-- <xs:schema xmlns:xs="
		  "\"http://www.w3.org/2001/XMLSchema\"> --></schema>"), 1, TDK_SNIFF_XML,
		"a root named schema in another namespace");
	is_kind(S("<!-- <xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"> -->\n<doc/>"), 1,
		TDK_SNIFF_XML, "xs:schema in a comment is not the root");
	is_kind(S("<xs:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"), 1, TDK_SNIFF_XML,
		"the XSD namespace bound to another prefix than the root's");
	is_kind(S("\xEF\xBB\xBF\r\n\t<a/>"), 1, TDK_SNIFF_XML, "after a byte order mark and blanks");
	is_kind(S("<a>\0\0\0</a>"), 1, TDK_SNIFF_XML, "a NUL in markup is the XML parser's to report");
	is_kind(S("<?xml"), 1, TDK_SNIFF_XML, "an XML declaration cut short");
	is_kind(S("<!-- never closed"), 1, TDK_SNIFF_XML, "a comment never closed");
	is_kind(S("<!DOCTYPE a [ <!ENTITY x \"]\">"), 1, TDK_SNIFF_XML, "a doctype cut in its subset");
	is_kind(S("\xFF\xFE<\0?\0x\0m\0l\0"), 1, TDK_SNIFF_XML, "UTF-16LE XML with a byte order mark");
	is_kind(S("\xFE\xFF\0 \0<\0a\0/\0>"), 1, TDK_SNIFF_XML, "UTF-16BE XML after a blank");
	is_kind(S("<\0?\0x\0m\0l\0 \0"), 1, TDK_SNIFF_XML, "UTF-16LE XML without a byte order mark");
	is_kind(S("\0<\0?\0x\0m\0l"), 1, TDK_SNIFF_XML, "UTF-16BE XML without a byte order mark");
	is_kind(S("\xFF\xFEh\0i\0"), 1, TDK_SNIFF_TEXT, "UTF-16 text");
	is_kind(S("\xFF\xFE"), 1, TDK_SNIFF_TEXT, "a UTF-16 byte order mark only");
	sniff(S("\xFF\xFE \0<\0"), 1, &s);
	ok(s.start == 4, "UTF-16: start is the offset of the '<'");
	sniff(S("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"), 1, &s);
	is_str(s.what, "an XML Schema", "an XML Schema described");
}

static void json_zip_pdf(void)
{
	is_kind(S("{\"interchange\": {\"UNB\": []}}"), 1, TDK_SNIFF_JSON, "a JSON object");
	is_kind(S("\n{}"), 1, TDK_SNIFF_JSON, "an empty JSON object");
	is_kind(S("[{\"a\": 1}]"), 1, TDK_SNIFF_JSON, "an array of objects");
	is_kind(S("[ -1.5, 2 ]"), 1, TDK_SNIFF_JSON, "an array of numbers");
	is_kind(S("[null]"), 1, TDK_SNIFF_JSON, "an array starting null");
	is_kind(S("{"), 0, TDK_SNIFF_JSON, "a brace that the sample cuts");
	is_kind(S("{"), 1, TDK_SNIFF_TEXT, "a lone brace, whole");
	is_kind(S("[section]\nkey=value\n"), 1, TDK_SNIFF_TEXT, "an INI file is not a JSON array");
	is_kind(S("{\\rtf1\\ansi hello}"), 1, TDK_SNIFF_TEXT, "RTF is not a JSON object");
	is_kind(S("PK\3\4\24\0\0\0\0\0"), 0, TDK_SNIFF_ZIP, "a ZIP local header");
	is_kind(S("PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), 1, TDK_SNIFF_ZIP, "an empty ZIP");
	is_kind(S("PK\7\10PK\3\4"), 0, TDK_SNIFF_ZIP, "a spanned ZIP marker");
	is_kind(S("PK"), 1, TDK_SNIFF_TEXT, "'PK' alone");
	is_kind(S("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), 0, TDK_SNIFF_PDF, "a PDF");
	is_kind(S("%PDF"), 1, TDK_SNIFF_TEXT, "'%PDF' without its dash");
	is_kind(S("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), 0, TDK_SNIFF_BINARY, "a PNG");
	is_kind(S("\x1f\x8b\x08\0\0\0\0\0"), 0, TDK_SNIFF_BINARY, "gzip");
}

static void csv_text(void)
{
	struct tdk_sniff s;

	sniff(S("id,name,amount\n1,\"Acme, Inc.\",12.50\n2,\"Quote \"\"q\"\"\",3\n"), 1, &s);
	ok(s.kind == TDK_SNIFF_CSV && s.sep == ',', "comma CSV with quoted commas and quotes");
	is_str(s.what, "CSV (comma-separated values)", "comma CSV described");
	sniff(S("Artikel;Menge;Preis\r\nSchraube;100;0,05\r\nMutter;200;0,03\r\n"), 1, &s);
	ok(s.kind == TDK_SNIFF_CSV && s.sep == ';', "semicolon CSV with decimal commas");
	is_str(s.what, "CSV (semicolon-separated values)", "semicolon CSV described");
	is_str(s.readers, "tdk pack (as a document of a dossier)", "CSV is only packed");
	is_kind(S("a,b\n\"multi\nline\",c\n"), 1, TDK_SNIFF_CSV, "a quoted field over two lines");
	is_kind(S("a,b,c\n1,2,3\n4,5"), 0, TDK_SNIFF_CSV, "a last line that the sample cuts is left out");
	is_kind(S("a,b,c\n1,2,3\n4,5"), 1, TDK_SNIFF_TEXT, "a short last line, whole, is not CSV");
	is_kind(S("a,b,c\n\n1,2,3\n"), 1, TDK_SNIFF_CSV, "a blank line between records");
	is_kind(S("a,b,c\n1,2\n"), 1, TDK_SNIFF_TEXT, "field counts that differ");
	is_kind(S("a,b\n\"never closed,c\n"), 1, TDK_SNIFF_TEXT, "a quote never closed, whole");
	is_kind(S("just one,line\n"), 1, TDK_SNIFF_TEXT, "one line is not CSV");
	is_kind(S("Dear customer,\nplease find the invoice attached.\n"), 1, TDK_SNIFF_TEXT,
		"a letter is text");
	is_kind(S("caf\xe9 cr\xe8me\n"), 1, TDK_SNIFF_TEXT, "Latin-1 text is text");
	is_kind(S("\x1b[1mbold\x1b[0m and plain, a long line of text around it all\n"), 1,
		TDK_SNIFF_TEXT, "a few escape sequences are still text");
}

static void empty(void)
{
	struct tdk_sniff s;

	is_kind("", 0, 1, TDK_SNIFF_EMPTY, "nothing");
	is_kind(S("\xEF\xBB\xBF"), 1, TDK_SNIFF_EMPTY, "a byte order mark only");
	is_kind(S("\xEF\xBB\xBF \r\n\t\n"), 1, TDK_SNIFF_EMPTY, "a byte order mark and blanks");
	is_kind(S("   "), 0, TDK_SNIFF_TEXT, "blanks that go on past the sample");
	is_kind(S("\xEF\xBB"), 1, TDK_SNIFF_TEXT, "half a byte order mark");
	sniff("", 0, 1, &s);
	ok(s.readers == NULL && !strcmp(s.what, "an empty input"), "an empty input has no reader");
}

static void limits(void)
{
	static char big[TDK_SNIFF_MAX * 2];
	struct tdk_sniff s;
	size_t i;

	/* CSV lines up to the sample's end and past it: what lies beyond is not read. */
	for (i = 0; i + 6 <= sizeof(big); i += 6)
		memcpy(big + i, "a,b,c\n", 6);
	big[TDK_SNIFF_MAX + 1] = '\0';
	ok(tdk_sniff(big, sizeof(big), 1, &s) == TDK_SNIFF_CSV, "only TDK_SNIFF_MAX bytes are read");
	memset(big, ' ', sizeof(big));
	ok(tdk_sniff(big, sizeof(big), 1, &s) == TDK_SNIFF_TEXT,
	   "blanks past TDK_SNIFF_MAX: the input is not known to be empty");
	for (i = 0; i < 10; i++)
		ok(tdk_sniff_what((enum tdk_sniff_kind)i) && *tdk_sniff_what((enum tdk_sniff_kind)i) &&
		   (i == TDK_SNIFF_EMPTY || tdk_sniff_readers((enum tdk_sniff_kind)i)),
		   "kind %s has a description and readers", names[i]);
	ok(tdk_sniff_readers(TDK_SNIFF_ZIP) && strstr(tdk_sniff_readers(TDK_SNIFF_ZIP), "tdk unpack"),
	   "a ZIP is read by unpack");
}

int main(void)
{
	edifact();
	edifact_hostile();
	edifact_start();
	xml();
	json_zip_pdf();
	csv_text();
	empty();
	limits();
	return done();
}
