/*
 * tdk harmonise's engine: rewrites the values of an XML document to the
 * form the WCO Data Model and the international code lists prescribe, as
 * its rules (wco/rules.h) say which element or attribute holds which kind
 * of value, and leaves every other byte of the document as it was.
 *
 * The document is parsed by lib/xml (tdk_xml_parse: no network, no DTD,
 * limits); the values are read from that tree, and each change is spliced
 * into the document's own bytes at the place the value occupies, so that
 * the XML declaration, comments, namespace declarations, the order of
 * attributes, their quotes and the white space outside the changed values
 * come out as they went in.  Documents must be UTF-8 (or ASCII).
 *
 * Kinds of value and what they become (a value already in its canonical
 * form is left as it is, whether its list knows it or not: checking codes
 * against their lists is validation, not harmonisation):
 *  - country: ISO 3166-1 alpha-2, from alpha-3, numeric, lower case or an
 *    English name as iso-codes gives it (name, official or common name; a
 *    name also matches the part of a listed name before its comma, so that
 *    "Congo" is the Congo and the Democratic Republic of the Congo: ambiguous);
 *  - currency: ISO 4217 alphabetic, from lower case, numeric or a name;
 *  - unit: a UN/ECE Rec 20 code (as the CDS list has them, "KGM#G" kept),
 *    from lower case, a name, or a symbol (kg, g, t, l, m3 ...: the file
 *    unit-symbols.tsv beside the shipped rules);
 *  - package: a UN/ECE Rec 21 code, from lower case or a name;
 *  - date: the format code the element declares (its formatCode attribute,
 *    or the rule's date=): 102 CCYYMMDD, 304 CCYYMMDDhhmmss then Z or +hh /
 *    -hh, from ISO 8601 forms; surrounding white space and line breaks go;
 *  - number: '.' as the decimal mark, no thousands separators, no leading
 *    '+', no surrounding white space; the value never changes, and a value
 *    with more digits than the format allows is an error, never rounded;
 *  - code: surrounding white space goes, letters become capitals under
 *    case=upper; id: surrounding white space goes.  A code or identifier
 *    longer than its format is an error (HARM-TOO-LONG), never cut.
 *
 * Diagnostics (under the document's name, with the value's line and column):
 * every change is a note, HARM-COUNTRY, HARM-CURRENCY, HARM-UNIT,
 * HARM-PACKAGE, HARM-DATE, HARM-NUMBER, HARM-CODE or HARM-ID, saying
 * "XPATH: 'old' -> 'new' (rule FILE:LINE)"; a value that cannot be
 * harmonised is an error and is left as it was: HARM-UNKNOWN (no entry of
 * the list), HARM-AMBIGUOUS (several, listed), HARM-TOO-LONG, HARM-DIGITS
 * (more digits than the format), HARM-BAD-DATE, HARM-BAD-NUMBER; a document
 * in another encoding is HARM-ENCODING.  Nothing here prints.
 */
#ifndef TDK_WCO_HARMONISE_H
#define TDK_WCO_HARMONISE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"
#include "wco/codes.h"
#include "wco/rules.h"
#include "xml/xml.h"

/* The longest value harmonised; longer ones are left alone (HARM-TOO-LONG when a format says so). */
#define TDK_HARM_VALUE_MAX 4096
/* The most unit symbols read from unit-symbols.tsv. */
#define TDK_HARM_SYMBOLS_MAX 1024

/* A unit symbol and the Rec 20 code it stands for (offsets into the symbols' strings). */
struct tdk_harm_symbol {
	size_t symbol, code;
};

/*
 * What the documents of a run share, read-only once set up, so that
 * several threads may harmonise at once: the rules (borrowed) and the code
 * lists they need (owned).
 */
struct tdk_harm {
	const struct tdk_harm_rules *rules;
	struct tdk_codes lists[4];          /* by enum tdk_codes_list; loaded when a rule needs it */
	int loaded[4];
	struct tdk_harm_symbol *symbols;    /* owned */
	size_t nsymbols;
	struct tdk_buf symstr;              /* the symbols' strings, NUL-separated */
};

/*
 * Sets h up for rules (borrowed; they must outlive h): loads the code lists
 * their kinds need (iso-codes for countries and currencies, data/codes for
 * units and packages) and, when a rule is of kind unit, the unit symbols
 * in symbols_file.  Faults go to d; returns 0, TDK_EXIT_IO or
 * TDK_EXIT_INTERNAL.  h is set up whatever happens: release it.
 */
int tdk_harm_init(struct tdk_harm *h, const struct tdk_harm_rules *rules, const char *symbols_file,
		  struct tdk_diag *d);

/* Frees what h owns. */
void tdk_harm_release(struct tdk_harm *h);

/*
 * Harmonises one value in (a NUL-terminated string, as the XML tree holds
 * it) by rule; date_code is the format code the element declares (102, 304;
 * 0 when it declares none).  Returns 0 with the harmonised value in out
 * (reset first; equal to in when nothing changes), -1 when the value cannot
 * be harmonised (*code is the error's code and msg[0..msglen) says why), or
 * -2 when memory runs out.
 */
int tdk_harm_value(const struct tdk_harm *h, const struct tdk_harm_rule *rule, const char *in, int date_code,
		   struct tdk_buf *out, const char **code, char *msg, size_t msglen);

/*
 * Harmonises the document buf[0..len), reported as name, parsed with the
 * limits lim (NULL: the defaults).  Appends the harmonised document to out
 * (the values in error left as they were) and sets *changes to the number
 * of values changed.  Returns TDK_EXIT_OK, TDK_EXIT_NEGATIVE (the document
 * is not well-formed XML, not UTF-8, or a value could not be harmonised) or
 * TDK_EXIT_INTERNAL.
 */
int tdk_harm_doc(const struct tdk_harm *h, const char *buf, size_t len, const char *name,
		 const struct tdk_xml_limits *lim, struct tdk_buf *out, unsigned long *changes, struct tdk_diag *d);

#endif
