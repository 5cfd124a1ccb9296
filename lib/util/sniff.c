/* Telling what an input is from its first bytes; see sniff.h. */
#include <string.h>

#include "util/sniff.h"

#define PACKS "tdk pack (as a document of a dossier)"

/* Noun phrases that read after "input looks like". */
static const struct {
	const char *what, *readers;
} kinds[] = {
	[TDK_SNIFF_EMPTY] = { "an empty input", NULL },
	[TDK_SNIFF_EDIFACT] = { "UN/EDIFACT", "tdk validate, tdk convert" },
	[TDK_SNIFF_XML] = { "XML", "tdk validate, tdk sign, tdk verify, tdk convert (tdk's EDIFACT XML)" },
	[TDK_SNIFF_XSD] = { "an XML Schema", "tdk validate (which checks it as a schema set)" },
	[TDK_SNIFF_JSON] = { "JSON", "tdk convert (tdk's EDIFACT JSON)" },
	[TDK_SNIFF_ZIP] = { "a ZIP archive",
			    "tdk verify and tdk unpack (ASiC containers), tdk dir install (UNTDID releases)" },
	[TDK_SNIFF_PDF] = { "a PDF document", PACKS },
	[TDK_SNIFF_CSV] = { "CSV (comma-separated values)", PACKS },
	[TDK_SNIFF_TEXT] = { "plain text", PACKS },
	[TDK_SNIFF_BINARY] = { "binary data", PACKS },
};

/* The sample, as unsigned bytes, with what is known about its end. */
struct sample {
	const unsigned char *p;
	size_t n;
	int whole;
};

static int blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int alnum(unsigned char c)
{
	return upper(c) || digit(c) || (c >= 'a' && c <= 'z');
}

static size_t skip_blanks(const struct sample *x, size_t i)
{
	while (i < x->n && blank(x->p[i]))
		i++;
	return i;
}

/* Whether p[i..) starts with the n bytes of s. */
static int at(const struct sample *x, size_t i, const char *s, size_t n)
{
	return i <= x->n && x->n - i >= n && !memcmp(x->p + i, s, n);
}

/* ---- XML ---- */

/* The offset just past the first s (of n bytes) at or after i, or 0 when the sample has none. */
static size_t past(const struct sample *x, size_t i, const char *s, size_t n)
{
	for (; i + n <= x->n; i++)
		if (!memcmp(x->p + i, s, n))
			return i + n;
	return 0;
}

size_t tdk_xml_past_decl(const void *buf, size_t n, size_t i)
{
	const unsigned char *p = buf;
	unsigned char q = 0;
	int depth = 0;

	for (i += 2; i < n; i++) {
		unsigned char c = p[i];

		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']' && depth) {
			depth--;
		} else if (c == '<' && depth && n - i >= 4 && !memcmp(p + i, "<!--", 4)) {
			/* A comment of the internal subset may hold quotes, brackets and '>'. */
			for (i += 4; i + 3 <= n && memcmp(p + i, "-->", 3); i++)
				;
			if (i + 3 > n)
				return 0;
			i += 2;
		} else if (c == '>' && !depth) {
			return i + 1;
		}
	}
	return 0;
}

static size_t past_decl(const struct sample *x, size_t i)
{
	return tdk_xml_past_decl(x->p, x->n, i);
}

static int name_char(unsigned char c)
{
	return !blank(c) && c != '/' && c != '>' && c != '=' && c != '"' && c != '\'' && c != '<';
}

/*
 * Reads the root's start tag at i ('<' then a name) for its local name and
 * the namespace its prefix is bound to there (Namespaces in XML 1.0 §3: the
 * default namespace for an unprefixed name, xmlns:prefix for a prefixed
 * one).  A binding made by an attribute past the sample is not seen.
 */
static void root_tag(const struct sample *x, size_t i, struct tdk_sniff *s)
{
	size_t name = i + 1, colon = 0, plen;

	for (i = name; i < x->n && name_char(x->p[i]); i++)
		if (x->p[i] == ':' && !colon)
			colon = i;
	/* A name the sample cuts could be another: none then; nor "p:" with no local part. */
	if (i == name || i >= x->n || colon + 1 == i)
		return;
	s->root = (const char *)x->p + (colon ? colon + 1 : name);
	s->root_len = i - (colon ? colon + 1 : name);
	plen = colon ? colon - name : 0;
	while (i < x->n) {
		size_t an, alen;
		unsigned char q;

		i = skip_blanks(x, i);
		if (i >= x->n || !name_char(x->p[i]))
			return;
		for (an = i; i < x->n && name_char(x->p[i]); i++)
			;
		alen = i - an;
		i = skip_blanks(x, i);
		if (i >= x->n || x->p[i] != '=')
			return;
		i = skip_blanks(x, i + 1);
		if (i >= x->n || (x->p[i] != '"' && x->p[i] != '\''))
			return;
		q = x->p[i++];
		if (!memchr(x->p + i, q, x->n - i))
			return;
		if ((!plen && alen == 5 && at(x, an, "xmlns", 5)) ||
		    (plen && alen == 6 + plen && at(x, an, "xmlns:", 6) &&
		     !memcmp(x->p + an + 6, x->p + name, plen))) {
			s->ns = (const char *)x->p + i;
			s->ns_len = (size_t)((const unsigned char *)memchr(x->p + i, q, x->n - i) - (x->p + i));
		}
		i = (size_t)((const unsigned char *)memchr(x->p + i, q, x->n - i) - x->p) + 1;
	}
}

/* XML from its '<' at i: the prolog (declaration, comments, PIs, doctype) skipped to the root. */
static enum tdk_sniff_kind xml(const struct sample *x, size_t i, struct tdk_sniff *s)
{
	static const char xsd[] = "http://www.w3.org/2001/XMLSchema";

	while (i < x->n && x->p[i] == '<') {
		size_t next;

		if (at(x, i, "<?", 2))
			next = past(x, i + 2, "?>", 2);
		else if (at(x, i, "<!--", 4))
			next = past(x, i + 4, "-->", 3);
		else if (at(x, i, "<!", 2))
			next = past_decl(x, i);
		else {
			root_tag(x, i, s);
			break;
		}
		if (!next)
			break;
		i = skip_blanks(x, next);
	}
	if (s->root && s->root_len == 6 && !memcmp(s->root, "schema", 6) && s->ns &&
	    s->ns_len == sizeof(xsd) - 1 && !memcmp(s->ns, xsd, sizeof(xsd) - 1))
		return TDK_SNIFF_XSD;
	return TDK_SNIFF_XML;
}

/*
 * UTF-16 with a byte order mark, or an XML declaration without one (XML 1.0
 * appendix F: 3C 00 3F 00 is little-endian, 00 3C 00 3F big-endian): XML
 * when its first character that is not white space is '<', else text, in
 * *k.  Returns 0 when the sample does not say it is UTF-16.
 */
static int utf16(const struct sample *x, struct tdk_sniff *s, enum tdk_sniff_kind *k)
{
	size_t i;
	int le;

	if (at(x, 0, "\xFF\xFE", 2) || at(x, 0, "\xFE\xFF", 2)) {
		le = x->p[0] == 0xFF;
		i = 2;
	} else if (at(x, 0, "<\0?\0", 4) || at(x, 0, "\0<\0?", 4)) {
		le = x->p[0] == '<';
		i = 0;
	} else {
		return 0;
	}
	*k = TDK_SNIFF_TEXT;
	for (; i + 1 < x->n; i += 2) {
		unsigned char lo = x->p[le ? i : i + 1], hi = x->p[le ? i + 1 : i];

		if (hi || !blank(lo)) {
			s->start = i;
			if (!hi && lo == '<')
				*k = TDK_SNIFF_XML;
			break;
		}
	}
	return 1;
}

/* ---- JSON ---- */

/* A JSON text from '{' or '[' at i: what may follow the opening, or a cut sample. */
static int json(const struct sample *x, size_t i)
{
	unsigned char open = x->p[i];

	i = skip_blanks(x, i + 1);
	if (i >= x->n)
		return !x->whole;
	if (x->p[i] == '"' || x->p[i] == (open == '{' ? '}' : ']'))
		return 1;
	if (open == '{')
		return 0;
	/* An array's first value: "[section]" of an INI file is not one. */
	if (strchr("{[-", x->p[i]) || digit(x->p[i]))
		return 1;
	return at(x, i, "true", 4) || at(x, i, "false", 5) || at(x, i, "null", 4);
}

/* ---- binary ---- */

/*
 * A NUL, or more than one byte in 16 a control character that text does not
 * hold: C0 but the white space and IS1 to IS4 (ISO 9735 syntax level B
 * separators, 0x1C to 0x1F), and DEL.
 */
static int binary(const struct sample *x, size_t i)
{
	size_t bad = 0, n = x->n - i;

	for (; i < x->n; i++) {
		unsigned char c = x->p[i];

		if (!c)
			return 1;
		if ((c < 0x1c && !blank(c)) || c == 0x7f)
			bad++;
	}
	return bad * 16 > n;
}

/* ---- UN/EDIFACT ---- */

/* A segment tag: an upper-case letter, then two upper-case letters or digits (ISO 9735). */
static int tag(const struct sample *x, size_t i)
{
	return i + 3 <= x->n && upper(x->p[i]) && (upper(x->p[i + 1]) || digit(x->p[i + 1])) &&
	       (upper(x->p[i + 2]) || digit(x->p[i + 2]));
}

/*
 * The end of the segment whose data starts at i: the offset past its
 * terminator term (a character after the release character rel does not
 * count), or 0 when the sample holds none within 2 KiB or a NUL comes first.
 */
static size_t seg_end(const struct sample *x, size_t i, unsigned char term, unsigned char rel)
{
	size_t end = x->n - i > 2048 ? i + 2048 : x->n;

	for (; i < end; i++) {
		if (!x->p[i])
			return 0;
		if (rel && x->p[i] == rel)
			i++;
		else if (x->p[i] == term)
			return i + 1;
	}
	return 0;
}

/*
 * After a segment ending at i: the end of the sample, or the next segment's
 * tag followed by a data element separator, a component separator (the
 * explicit nesting indicators of syntax version 4) or the terminator, line
 * breaks between segments allowed.  A sample cut within the tag passes.
 */
static int next_ok(const struct sample *x, size_t i, unsigned char elem, unsigned char comp,
		   unsigned char term)
{
	size_t k;

	i = skip_blanks(x, i);
	if (i >= x->n)
		return 1;
	for (k = 0; k < 4; k++) {
		unsigned char c;

		if (i + k >= x->n)
			return !x->whole;
		c = x->p[i + k];
		if (k == 0 ? !upper(c) : k < 3 ? !upper(c) && !digit(c) : c != elem && c != comp && c != term)
			return 0;
	}
	return 1;
}

/*
 * The service string advice (ISO 9735 annex B, UNA): UNA and six
 * characters, component separator, data element separator, decimal mark,
 * release character (a space when there is none), repetition separator
 * (reserved in versions 1 to 3), segment terminator.  The three separators
 * must be distinct and none of them a letter, digit, space or NUL, which
 * "UNANIMOUS" is not; the other three only not NUL.  The parser checks the
 * rest and says what is wrong.
 */
static int una(const struct sample *x, size_t i, struct tdk_sniff *s)
{
	const unsigned char *c = x->p + i + 3;
	int k;

	if (!at(x, i, "UNA", 3) || x->n - i < 9)
		return 0;
	for (k = 0; k < 6; k++)
		if (!c[k] || ((k < 2 || k == 5) && alnum(c[k])))
			return 0;
	if (c[0] == ' ' || c[1] == ' ' || c[5] == ' ' || c[0] == c[1] || c[0] == c[5] || c[1] == c[5])
		return 0;
	s->sep = (char)c[5];
	return 1;
}

/*
 * UN/EDIFACT at i: UNA; or UNB, UNG or UNH followed by a default data
 * element separator ('+' at level A, IS3 at level B: ISO 9735-1:2002 clause
 * 5, tables 1 and 2) and ended by its terminator, then another segment or
 * the end; or, without service segments, at least two segments "TAG+...'"
 * (or "TAG:...'") in a row, or the whole input one.
 */
static int edifact(const struct sample *x, size_t i, struct tdk_sniff *s)
{
	size_t e = 0;
	int level_b, count;

	if (una(x, i, s))
		return 1;
	/* A UNA that una() refused is no segment of a run either. */
	if (at(x, i, "UNA", 3))
		return 0;
	if (at(x, i, "UNB", 3) || at(x, i, "UNG", 3) || at(x, i, "UNH", 3)) {
		level_b = i + 3 < x->n && x->p[i + 3] == 0x1d;
		if (i + 3 >= x->n || (x->p[i + 3] != '+' && !level_b))
			return 0;
		e = level_b ? seg_end(x, i + 4, 0x1c, 0) : seg_end(x, i + 4, '\'', '?');
		if (!e || !next_ok(x, e, level_b ? 0x1d : '+', level_b ? 0x1f : ':', level_b ? 0x1c : '\''))
			return 0;
		s->sep = level_b ? 0x1c : '\'';
		return 1;
	}
	for (count = 0; tag(x, i) && i + 3 < x->n && strchr("+:'", x->p[i + 3]) && x->p[i + 3]; count++) {
		e = x->p[i + 3] == '\'' ? i + 4 : seg_end(x, i + 4, '\'', '?');
		if (!e)
			break;
		i = skip_blanks(x, e);
	}
	if (count >= 2 || (count == 1 && x->whole && i >= x->n)) {
		s->sep = '\'';
		return 1;
	}
	return 0;
}

/*
 * Whether the text at i starts as UN/EDIFACT does, recognised or not: UNA,
 * or a segment tag followed by a default separator (level A or B) or by
 * the end of the input.
 */
static int edifact_start(const struct sample *x, size_t i)
{
	if (at(x, i, "UNA", 3))
		return 1;
	if (!tag(x, i))
		return 0;
	if (i + 3 >= x->n)
		return x->whole;
	return x->p[i + 3] && strchr("+:'\x1c\x1d\x1f", x->p[i + 3]);
}

/* ---- CSV ---- */

/*
 * The number of fields every line has when the lines are separated by sep
 * (RFC 4180: a quoted field may hold separators, line breaks and doubled
 * quotes), blank lines aside; 0 unless at least two lines have one count of
 * two or more.  A last line that the sample may cut is left out.
 */
static size_t csv(const struct sample *x, size_t i, unsigned char sep)
{
	size_t fields = 1, want = 0, lines = 0;
	int quoted = 0, empty = 1;

	for (; i < x->n; i++) {
		unsigned char c = x->p[i];

		if (quoted) {
			if (c == '"' && i + 1 < x->n && x->p[i + 1] == '"')
				i++;
			else if (c == '"')
				quoted = 0;
			continue;
		}
		if (c == '"') {
			quoted = 1;
			empty = 0;
		} else if (c == sep) {
			fields++;
			empty = 0;
		} else if (c == '\n') {
			if (!empty) {
				if (want && fields != want)
					return 0;
				want = fields;
				lines++;
			}
			fields = 1;
			empty = 1;
		} else if (c != '\r') {
			empty = 0;
		}
	}
	if (quoted && x->whole)
		return 0;
	if (!empty && x->whole && !quoted) {
		if (want && fields != want)
			return 0;
		want = fields;
		lines++;
	}
	return lines >= 2 && want >= 2 ? want : 0;
}

/* ---- all together ---- */

static enum tdk_sniff_kind text(const struct sample *x, size_t i, struct tdk_sniff *s)
{
	size_t comma, semi;

	if (binary(x, i))
		return TDK_SNIFF_BINARY;
	if (edifact(x, i, s))
		return TDK_SNIFF_EDIFACT;
	s->edifact_start = edifact_start(x, i);
	comma = csv(x, i, ',');
	semi = csv(x, i, ';');
	if (comma || semi) {
		s->sep = semi > comma ? ';' : ',';
		return TDK_SNIFF_CSV;
	}
	return TDK_SNIFF_TEXT;
}

enum tdk_sniff_kind tdk_sniff(const void *p, size_t n, int whole, struct tdk_sniff *s)
{
	struct sample x = { p, n > TDK_SNIFF_MAX ? TDK_SNIFF_MAX : n, whole && n <= TDK_SNIFF_MAX };
	enum tdk_sniff_kind k;
	size_t i = 0;

	memset(s, 0, sizeof(*s));
	if (at(&x, 0, "PK\3\4", 4) || at(&x, 0, "PK\5\6", 4) || at(&x, 0, "PK\7\10", 4)) {
		k = TDK_SNIFF_ZIP;
	} else if (at(&x, 0, "%PDF-", 5)) {
		k = TDK_SNIFF_PDF;
	} else if (!utf16(&x, s, &k)) {
		if (at(&x, 0, "\xEF\xBB\xBF", 3))
			i = 3;
		i = skip_blanks(&x, i);
		s->start = i;
		if (i >= x.n)
			k = x.whole ? TDK_SNIFF_EMPTY : TDK_SNIFF_TEXT;
		else if (x.p[i] == '<')
			k = xml(&x, i, s);
		else if ((x.p[i] == '{' || x.p[i] == '[') && json(&x, i))
			k = TDK_SNIFF_JSON;
		else
			k = text(&x, i, s);
	}
	s->kind = k;
	s->what = k == TDK_SNIFF_CSV && s->sep == ';' ? "CSV (semicolon-separated values)" : kinds[k].what;
	s->readers = kinds[k].readers;
	return k;
}

const char *tdk_sniff_what(enum tdk_sniff_kind k)
{
	return kinds[k].what;
}

const char *tdk_sniff_readers(enum tdk_sniff_kind k)
{
	return kinds[k].readers;
}
