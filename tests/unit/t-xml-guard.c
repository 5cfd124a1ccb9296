/* Unit tests of the XML input guard (lib/xml/guard.c): tokens, limits, positions, chunking. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xml/xml.h"

/* Runs doc through a guard with the given limits, in chunks of step bytes (0: whole). */
static size_t run(const char *doc, size_t len, unsigned long attrs, size_t text, size_t step,
		  struct tdk_xml_guard *g)
{
	struct tdk_xml_limits l;
	size_t off = 0;

	tdk_xml_limits_init(&l);
	l.max_attrs = attrs;
	l.max_text = text;
	tdk_xml_guard_init(g, &l);
	if (!step)
		step = len ? len : 1;
	while (off < len) {
		size_t n = len - off < step ? len - off : step;
		size_t k = tdk_xml_guard_scan(g, doc + off, n);

		if (g->fired)
			return off + k;
		off += n;
	}
	return len;
}

static void test_tokens(void)
{
	static const char doc[] =
		"<?xml version='1.0'?>\n"
		"<a b=\">\" c='\"'><!-- ' \" > <b x='1' y='2'> --><?p ' \" > ?>"
		"<![CDATA[ ' \" > <b x='1' y='2' z='3'> ]]>text</a>\n";
	struct tdk_xml_guard g;
	size_t n = strlen(doc), step, stop;

	for (step = 0; step <= 5; step++) {
		ok(run(doc, n, 2, 1 << 20, step, &g) == n && !g.fired,
		   "quotes and '>' in values, comments, PIs and CDATA are not markup (chunks of %zu)", step);
	}
	stop = run(doc, n, 1, 1 << 20, 0, &g);
	ok(stop < n && g.fired == TDK_XML_GUARD_ATTRS && g.at.line == 2 &&
	   g.at.col == 12, "the second attribute passes a limit of 1 at its quote, 2:12 (%lu:%lu)",
	   g.at.line, g.at.col);
	is_str(g.msg, "element 'a' has more than 1 attributes (--max-attributes)", "the message names the element");
}

static void test_lengths(void)
{
	struct tdk_xml_guard g;
	char *doc = malloc(200);
	size_t i;

	memcpy(doc, "<a>", 3);
	memset(doc + 3, 'x', 10);
	memcpy(doc + 13, "</a>", 4);
	ok(run(doc, 17, 8, 10, 3, &g) == 17 && !g.fired, "a text node of exactly --max-text bytes passes");
	ok(run(doc, 17, 8, 9, 3, &g) == 12 && g.fired == TDK_XML_GUARD_TEXT && g.at.col == 13,
	   "one byte more stops at that byte, 1:13");
	is_str(g.msg, "a text node is longer than 9 bytes (--max-text)", "text message");
	for (i = 0; i < 5; i++) {
		static const char *const docs[] = {
			"<a><!--xxxxxxxxxx--></a>", "<a><?p xxxxxxxxxx?></a>",
			"<a><![CDATA[xxxxxxxxxxxx]]></a>", "<a v='xxxxxxxxxxxx'/>",
			"<!DOCTYPE a [<!ATTLIST a id ID #IMPLIED>]><a/>",
		};
		static const char *const msgs[] = {
			"a comment is longer", "a processing instruction is longer",
			"a CDATA section is longer", "attribute 'v' of element 'a' is longer",
			"a document type declaration is longer",
		};

		run(docs[i], strlen(docs[i]), 8, 9, 2, &g);
		ok(g.fired == TDK_XML_GUARD_TEXT && !strncmp(g.msg, msgs[i], strlen(msgs[i])), "%s", msgs[i]);
	}
	free(doc);
}

static void test_dtd(void)
{
	static const char doc[] =
		"<!DOCTYPE a [\n<!-- it's ] > -->\n<!ATTLIST a id ID #IMPLIED>\n"
		"<!ENTITY e \"]>'\">\n]>\n<a id='1'/>";
	struct tdk_xml_guard g;
	size_t n = strlen(doc), stop;

	stop = run(doc, n, 1, 1 << 20, 1, &g);
	ok(stop == n && !g.fired,
	   "a comment and a literal with ']' and '>' do not end the internal subset");
	ok(g.entity.line == 4 && g.entity.col == 1, "the entity declaration is noted at 4:1 (%lu:%lu)",
	   g.entity.line, g.entity.col);
	ok(run("<!DOCTYPE a><a/>", 16, 1, 1 << 20, 0, &g) == 16 && !g.entity.line,
	   "no entity noted without a declaration");
}

static void test_utf16(void)
{
	static const char ascii[] = "<a b='1' c='2'/>";
	char doc[2 + 2 * sizeof(ascii)];
	struct tdk_xml_guard g;
	size_t i, n = 2, stop;

	doc[0] = '\xFF';
	doc[1] = '\xFE';
	for (i = 0; ascii[i]; i++) {
		doc[n++] = ascii[i];
		doc[n++] = '\0';
	}
	stop = run(doc, n, 1, 1 << 20, 3, &g);
	ok(stop < n && g.fired == TDK_XML_GUARD_ATTRS && g.at.col == 12,
	   "UTF-16LE: the second attribute at 1:12 (%lu)", g.at.col);
	ok(run(doc + 2, n - 2, 1, 1 << 20, 0, &g) < n - 2 && g.fired == TDK_XML_GUARD_ATTRS,
	   "UTF-16LE without a byte order mark");
}

int main(void)
{
	test_tokens();
	test_lengths();
	test_dtd();
	test_utf16();
	return done();
}
