/*
 * Unit tests of lib/xml's tree reader (tdk_xml_parse, tree.c), the one front
 * door signatures read documents through: the limits of struct
 * tdk_xml_limits hold there as in validate (size, depth, attributes, text),
 * errors carry the caller's code and position, and nothing needs
 * tdk_sign_lib_init first.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "sign/sign.h"
#include "tap.h"

static char codes[512];

static void on_diag(void *arg, const struct tdk_diag_item *it)
{
	size_t n = strlen(codes);

	(void)arg;
	snprintf(codes + n, sizeof(codes) - n, "%s%s", n ? " " : "", it->code);
}

/* Parses doc with lim (NULL: defaults); 1 when a tree came back. codes holds the diagnostics. */
static int parse(const char *doc, const char *prefix, const struct tdk_xml_limits *lim)
{
	struct tdk_diag d;
	xmlDocPtr x;

	codes[0] = '\0';
	tdk_diag_init(&d, "t.xml");
	d.emit = on_diag;
	x = tdk_xml_parse(doc, strlen(doc), "t.xml", prefix, lim, &d);
	xmlFreeDoc(x);
	return x != NULL;
}

int main(void)
{
	struct tdk_xml_limits l;
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);
	struct tdk_diag d;
	xmlDocPtr x;

	ok(parse("<a><b Id='x'/></a>", "SIGN", NULL), "a small document parses");
	is_str(codes, "", "without diagnostics");

	tdk_xml_limits_init(&l);
	l.max_depth = 3;
	ok(parse("<a><b><c/></b></a>", "VERIFY", &l), "three levels within --max-depth 3");
	ok(!parse("<a><b><c><d/></c></b></a>", "VERIFY", &l), "four levels over --max-depth 3: refused");
	is_str(codes, "XML-LIMIT-DEPTH", "as XML-LIMIT-DEPTH, as validate says it");
	ok(!parse("<a><b/><b><c><d/></c></b></a>", "VERIFY", &l), "deep in a later sibling: refused too");

	tdk_xml_limits_init(&l);
	l.max_size = 10;
	ok(!parse("<a>0123456789</a>", "SIGN", &l), "17 bytes over --max-size 10: refused");
	is_str(codes, "XML-LIMIT-SIZE", "as XML-LIMIT-SIZE");

	tdk_xml_limits_init(&l);
	l.max_attrs = 2;
	ok(!parse("<a x='1' y='2' z='3'/>", "SIGN", &l), "three attributes over 2: refused by the guard");
	is_str(codes, "XML-LIMIT-ATTRS", "as XML-LIMIT-ATTRS");

	ok(!parse("<a><b></a>", "SIGN", NULL), "not well-formed");
	ok(!strncmp(codes, "SIGN-XML", 8) && !strstr(codes, "VERIFY"), "reported under the caller's code SIGN-XML");
	ok(!parse("<a><b Id='x'/><c Id='x'/></a>", "VERIFY", NULL), "two elements with one ID");
	is_str(codes, "VERIFY-DUPLICATE-ID", "as VERIFY-DUPLICATE-ID");
	ok(!parse("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "VERIFY", NULL), "a declared entity");
	is_str(codes, "VERIFY-XML-ENTITY", "as VERIFY-XML-ENTITY");

	tdk_diag_init(&d, "t.xml");
	x = tdk_xml_parse("<a>&#233;</a>", 13, "t.xml", "SIGN", NULL, &d);
	ok(x && tdk_xml_dump(x, &b) == 0 && b.len && strstr(b.data, "<a>\xc3\xa9</a>"),
	   "tdk_xml_dump writes the tree as UTF-8");
	xmlFreeDoc(x);
	tdk_buf_release(&b);
	xmlCleanupParser();
	return done();
}
