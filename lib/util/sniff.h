/*
 * What an input is, told from its first bytes, so that a command reads it
 * with the right parser or says what it looks like and which command reads
 * it ("input looks like CSV (comma-separated values)"), instead of taking
 * anything that is not XML for EDIFACT.  No parsing beyond the sample, no
 * allocation, no libxml2: a sample of a few hundred bytes (tdk_input_peek
 * gives up to 512) is enough for every kind; up to TDK_SNIFF_MAX is used.
 *
 * Strong signs first: ZIP and PDF magic numbers, UTF-16 XML, a '<' (XML) or
 * a JSON opening after a UTF-8 byte order mark and white space.  Then, for
 * input that is not binary: UN/EDIFACT by its service segments (ISO 9735:
 * UNA with its six service characters, or UNB, UNG, UNH ending with a
 * segment terminator) or by a run of segments "TAG+...'" with valid tags;
 * CSV by lines with one consistent count of comma- or semicolon-separated
 * fields (RFC 4180 quoting); then text.
 */
#ifndef TDK_SNIFF_H
#define TDK_SNIFF_H

#include <stddef.h>

/* The most bytes tdk_sniff looks at; pass up to this many. */
#define TDK_SNIFF_MAX 4096

enum tdk_sniff_kind {
	TDK_SNIFF_EMPTY,     /* nothing, or only a byte order mark and white space */
	TDK_SNIFF_EDIFACT,   /* a UN/EDIFACT interchange, group, message or segments */
	TDK_SNIFF_XML,       /* an XML document (not an XML Schema) */
	TDK_SNIFF_XSD,       /* an XML Schema document: the root is xs:schema */
	TDK_SNIFF_JSON,
	TDK_SNIFF_ZIP,       /* a ZIP archive: an ASiC container, a UNTDID release, ... */
	TDK_SNIFF_PDF,
	TDK_SNIFF_CSV,
	TDK_SNIFF_TEXT,      /* text that is none of the above */
	TDK_SNIFF_BINARY     /* bytes that are not text (a NUL, or many control bytes) */
};

/* What tdk_sniff found.  Pointers into the sample are borrowed from the caller's bytes. */
struct tdk_sniff {
	enum tdk_sniff_kind kind;
	const char *what;       /* "CSV (semicolon-separated values)": for messages; static */
	const char *readers;    /* the tdk commands that read it, "tdk validate, tdk convert";
	                           NULL for an empty input; static */
	size_t start;           /* offset of the first byte after a UTF-8 byte order mark and
	                           white space (of the '<' in UTF-16 XML) */
	char sep;               /* CSV: the field separator; EDIFACT: the segment terminator */
	const char *root;       /* XML in UTF-8: the root element's local name, or NULL when the
	                           sample ends before it */
	size_t root_len;
	const char *ns;         /* XML in UTF-8: the root's namespace name, or NULL when the part
	                           of its start tag in the sample declares none */
	size_t ns_len;	/*
	 * Text that is not recognised as UN/EDIFACT yet starts as it does
	 * (UNA, or a segment tag and a default separator: "UNB+" with no
	 * segment terminator, a UNA whose service characters are letters):
	 * most likely a broken interchange, which the EDIFACT parser
	 * describes better than "plain text" would.
	 */
	int edifact_start;
};

/*
 * Tells what the n bytes at p are the start of.  whole says they are all of
 * the input (it ended within the sample), so that a last line or segment
 * without its end is judged as it is; otherwise the sample may cut it, and
 * it is left out.  p may hold any bytes, NUL included; nothing past p[n - 1]
 * or p[TDK_SNIFF_MAX - 1] is read.  Fills *s and returns s->kind.
 */
enum tdk_sniff_kind tdk_sniff(const void *p, size_t n, int whole, struct tdk_sniff *s);

/*
 * The description of a kind ("XML document"; CSV as comma-separated) and
 * the commands that read it, as tdk_sniff sets them.  Static strings.
 */
const char *tdk_sniff_what(enum tdk_sniff_kind k);
const char *tdk_sniff_readers(enum tdk_sniff_kind k);

/*
 * The offset just past the markup declaration ("<!DOCTYPE ...>") that starts
 * at buf[i], its quoted strings and its internal subset "[...]" (with the
 * comments in it) included; 0 when the n bytes end before it does.
 */
size_t tdk_xml_past_decl(const void *buf, size_t n, size_t i);

#endif
