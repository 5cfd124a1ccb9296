/*
 * The limits on reading XML that validate, sign and verify take:
 * --max-attributes and --max-text, checked on the bytes before libxml2 reads
 * them (lib/xml's guard).  A command declares them in its option table with
 * TDK_XML_LIMIT_OPTIONS and sets them on the library's limits with
 * tdk_xml_limit_opts_apply; 0, or an option not given, keeps what is there.
 */
#ifndef TDK_XMLOPT_H
#define TDK_XMLOPT_H

#include "cmd.h"
#include "xml/xml.h"

struct tdk_xml_limit_opts {
	unsigned long max_attrs;
	size_t max_text;
};

#define TDK_XML_LIMIT_OPTIONS(x) \
	TDK_OPT_ULONG_(0, "max-attributes", &(x)->max_attrs, "n", \
		       "XML: most attributes on one element (default 256)"), \
	TDK_OPT_SIZE_(0, "max-text", &(x)->max_text, "bytes", \
		      "XML: longest text node, attribute value, comment or processing instruction (default 10M)")

/* Sets on l (the defaults of tdk_xml_limits_init, say) the limits given. */
static inline void tdk_xml_limit_opts_apply(const struct tdk_xml_limit_opts *o, struct tdk_xml_limits *l)
{
	if (o->max_attrs)
		l->max_attrs = o->max_attrs;
	if (o->max_text)
		l->max_text = o->max_text;
}

#endif
