/*
 * The input guard: a byte-level scanner that every XML document's bytes pass
 * through before libxml2 sees them, so that the limits on attributes and on
 * the length of one token hold while the document is read, not after a
 * token has been buffered whole.  libxml2 buffers a whole start tag, comment,
 * processing instruction or CDATA section before it calls back (and checks
 * duplicate attributes in quadratic time): a limit checked in a SAX callback
 * comes after the cost.
 *
 * It follows the markup of W3C XML 1.0 fifth edition just far enough to know
 * which token a byte belongs to: character data (§2.4), start and end tags
 * with their quoted attribute values (§3.1), comments (§2.5), processing
 * instructions (§2.6), CDATA sections (§2.7) and the document type
 * declaration with its internal subset (§2.8), whose quoted literals,
 * comments and processing instructions may hold any of the other delimiters.
 * It checks nothing else: well-formedness stays libxml2's job.
 *
 * Encodings (XML 1.0 Appendix F): the first four bytes tell UTF-16 and UCS-4
 * (either byte order, with or without a byte order mark) from the encodings
 * in which ASCII characters are single bytes; the delimiters are ASCII, so
 * the guard decodes only code units, never characters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/exitcode.h"
#include "xml/xml.h"

enum {
	S_TEXT, S_LT, S_TAG, S_VALUE, S_ETAG, S_BANG, S_DASH, S_CDATA_OPEN, S_COMMENT, S_PI,
	S_CDATA, S_DECL, S_SUBSET, S_SUBSET_LT, S_SUBSET_KEYWORD, S_SUBSET_DECL
};

void tdk_xml_guard_init(struct tdk_xml_guard *g, const struct tdk_xml_limits *l)
{
	memset(g, 0, sizeof(*g));
	g->max_attrs = l->max_attrs;
	g->max_text = l->max_text;
	g->line = 1;
	g->state = S_TEXT;
	g->ret = S_TEXT;
}

/* Whether c may be part of a name (XML 1.0 §2.3, loosely: only for the messages). */
static inline int name_char(int c)
{
	return c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '-' && c <= ':' && c != '/') ||
	       c == '_';
}

/*
 * Moves the line and column over p[0..n): lines end at LF, and a column
 * counts characters, so UTF-8 continuation bytes are not counted.
 */
static void advance(unsigned long *line, unsigned long *col, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *q = p, *nl, *last = NULL;

	while (q < end && (nl = memchr(q, '\n', (size_t)(end - q)))) {
		++*line;
		last = nl;
		q = nl + 1;
	}
	if (last) {
		*col = 0;
		p = last + 1;
	}
	for (; p < end; p++)
		*col += (*p & 0xC0) != 0x80;
}

/*
 * The position of the byte being read.  Single-byte input keeps the line and
 * column of where the current chunk's scan began (counting every byte would
 * halve the guard's speed) and counts up to the byte only when asked.
 */
static void here(const struct tdk_xml_guard *g, struct tdk_diag_loc *loc)
{
	unsigned long line = g->line, col = g->col;

	if (g->base)
		advance(&line, &col, g->base, (size_t)(g->cur - g->base));
	loc->line = line;
	loc->col = col + 1;
}

static void fire(struct tdk_xml_guard *g, int limit, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fire(struct tdk_xml_guard *g, int limit, const char *fmt, ...)
{
	va_list ap;

	g->fired = limit;
	here(g, &g->at);
	va_start(ap, fmt);
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	va_end(ap);
}

/* How much of g->elem, the first bytes of the start tag, is the element's name. */
static int elem_name(const struct tdk_xml_guard *g)
{
	int n = 0;

	while (g->elem[n] && name_char((unsigned char)g->elem[n]))
		n++;
	return n;
}

/* The token in progress is one byte too long. */
static void too_long(struct tdk_xml_guard *g)
{
	static const char *const what[] = {
		[S_TEXT] = "a text node", [S_ETAG] = "an end tag", [S_COMMENT] = "a comment",
		[S_PI] = "a processing instruction", [S_CDATA] = "a CDATA section",
	};

	if (g->state == S_TAG)
		fire(g, TDK_XML_GUARD_TEXT, "the start tag of element '%.*s' is longer than %zu bytes "
		     "outside its attribute values (--max-text)", elem_name(g), g->elem, g->max_text);
	else if (g->state == S_VALUE)
		fire(g, TDK_XML_GUARD_TEXT, "attribute '%s' of element '%.*s' is longer than %zu bytes "
		     "(--max-text)", g->attr, elem_name(g), g->elem, g->max_text);
	else
		fire(g, TDK_XML_GUARD_TEXT, "%s is longer than %zu bytes (--max-text)",
		     what[g->state] ? what[g->state] : "a token", g->max_text);
}

/* Keeps the last name seen in a start tag: the element's first, then each attribute's. */
static void take_name(struct tdk_xml_guard *g, int c)
{
	char *dst = g->nattrs || g->elem_done ? g->attr : g->elem;

	if (!name_char(c)) {
		if (g->namelen)
			g->elem_done = 1;
		g->namelen = 0;
		return;
	}
	if (g->namelen + 1 < sizeof(g->elem))
		dst[g->namelen++] = c < 0x80 ? (char)c : '?';
	dst[g->namelen] = '\0';
}

static void enter(struct tdk_xml_guard *g, int state)
{
	g->state = state;
	g->run = 0;
	g->seq = 0;
}

/* The end of a markup declaration's quoted literal, or of the declaration. */
static int in_literal(struct tdk_xml_guard *g, int c)
{
	if (g->quote) {
		if (c == g->quote)
			g->quote = 0;
		return 1;
	}
	if (c == '"' || c == '\'') {
		g->quote = c;
		return 1;
	}
	return 0;
}

static void step_dtd(struct tdk_xml_guard *g, int c)
{
	switch (g->state) {
	case S_DECL:
		if (in_literal(g, c))
			break;
		if (c == '[')
			enter(g, S_SUBSET);
		else if (c == '>')
			g->in_dtd = 0, enter(g, S_TEXT);
		break;
	case S_SUBSET:
		if (c == ']')
			enter(g, S_DECL);
		else if (c == '<')
			enter(g, S_SUBSET_LT);
		break;
	case S_SUBSET_LT:
		g->ret = S_SUBSET;
		if (c == '?')
			enter(g, S_PI);
		else if (c == '!')
			enter(g, S_SUBSET_KEYWORD);
		else
			enter(g, S_SUBSET_DECL);
		break;
	case S_SUBSET_KEYWORD:
		if (c == '-' && !g->seq) {
			enter(g, S_DASH);
			break;
		}
		if (c >= 'A' && c <= 'Z' && g->seq < 7) {
			g->keyword[g->seq++] = (char)c;
			g->keyword[g->seq] = '\0';
			break;
		}
		/* An entity declaration (§4.2): sign and verify refuse the document for it. */
		if (g->seq == 6 && !strcmp(g->keyword, "ENTITY") && !g->entity.line) {
			here(g, &g->entity);
			g->entity.col = g->entity.col > 8 ? g->entity.col - 8 : 1;
		}
		enter(g, S_SUBSET_DECL);
		in_literal(g, c);
		break;
	case S_SUBSET_DECL:
		if (!in_literal(g, c) && c == '>')
			enter(g, S_SUBSET);
		break;
	default:
		break;
	}
}

/* One character (its code unit; every non-ASCII one is 0x80) through the states. */
static void step(struct tdk_xml_guard *g, int c)
{
	int len = 0;

	switch (g->state) {
	case S_TEXT:
		if (c == '<')
			enter(g, S_LT);
		else
			len = 1;
		break;
	case S_LT:
		if (c == '!') {
			enter(g, S_BANG);
		} else if (c == '?') {
			g->ret = S_TEXT;
			enter(g, S_PI);
		} else if (c == '/') {
			enter(g, S_ETAG);
		} else {
			enter(g, S_TAG);
			g->nattrs = 0;
			g->elem_done = 0;
			g->namelen = 0;
			g->elem[0] = g->attr[0] = '\0';
			take_name(g, c);
			len = 1;
		}
		break;
	case S_TAG:
		if (c == '"' || c == '\'') {
			if (++g->nattrs > g->max_attrs) {
				fire(g, TDK_XML_GUARD_ATTRS,
				     "element '%.*s' has more than %lu attributes (--max-attributes)",
				     elem_name(g), g->elem,
				     g->max_attrs);
				return;
			}
			g->quote = c;
			enter(g, S_VALUE);
		} else if (c == '>') {
			enter(g, S_TEXT);
		} else if (c == '<') {
			/* Not well-formed; libxml2 says so.  Follow the new markup meanwhile. */
			enter(g, S_LT);
		} else {
			take_name(g, c);
			len = 1;
		}
		break;
	case S_VALUE:
		if (c == g->quote) {
			g->quote = 0;
			enter(g, S_TAG);
		} else {
			len = 1;
		}
		break;
	case S_ETAG:
		if (c == '>')
			enter(g, S_TEXT);
		else
			len = 1;
		break;
	case S_BANG:
		g->ret = S_TEXT;
		if (c == '-') {
			enter(g, S_DASH);
		} else if (c == '[') {
			enter(g, S_CDATA_OPEN);
		} else if (g->no_dtd) {
			fire(g, TDK_XML_GUARD_DTD, "document type declaration refused: tdk reads no DTD, "
			     "so that no entity can expand or fetch anything");
			g->at.col = g->at.col > 2 ? g->at.col - 2 : 1;
			return;
		} else {
			/* <!DOCTYPE (or markup that is not XML, which libxml2 refuses). */
			g->in_dtd = 1;
			g->dtd = 3;
			enter(g, S_DECL);
		}
		break;
	case S_DASH:
		if (c == '-')
			enter(g, S_COMMENT);
		else
			enter(g, g->ret == S_TEXT ? S_DECL : S_SUBSET_DECL);
		break;
	case S_CDATA_OPEN:
		if (c == "CDATA["[g->seq]) {
			if (++g->seq == 6)
				enter(g, S_CDATA);
		} else {
			enter(g, S_DECL);
		}
		break;
	case S_COMMENT:
		/* "-->" ends it (§2.5); "--" elsewhere is libxml2's error to report. */
		if (c == '>' && g->seq >= 2) {
			enter(g, g->ret);
			break;
		}
		g->seq = c == '-' ? g->seq + 1 : 0;
		len = 1;
		break;
	case S_PI:
		if (c == '>' && g->seq) {
			enter(g, g->ret);
			break;
		}
		g->seq = c == '?';
		len = 1;
		break;
	case S_CDATA:
		if (c == '>' && g->seq >= 2) {
			enter(g, S_TEXT);
			break;
		}
		g->seq = c == ']' ? g->seq + 1 : 0;
		len = 1;
		break;
	default:
		step_dtd(g, c);
		break;
	}
	if (g->in_dtd && ++g->dtd > g->max_text) {
		fire(g, TDK_XML_GUARD_TEXT, "a document type declaration is longer than %zu bytes "
		     "(--max-text)", g->max_text);
		return;
	}
	if (len && ++g->run > g->max_text)
		too_long(g);
}

/* XML 1.0 Appendix F.1: the code unit width and byte order from the first four bytes. */
static void detect(struct tdk_xml_guard *g)
{
	static const struct {
		const char head[4];
		size_t n;
		int unit, big, bom;
	} t[] = {
		{ "\0\0\xFE\xFF", 4, 4, 1, 4 }, { "\xFF\xFE\0\0", 4, 4, 0, 4 },
		{ "\0\0\0<", 4, 4, 1, 0 }, { "<\0\0\0", 4, 4, 0, 0 },
		{ "\xFE\xFF", 2, 2, 1, 2 }, { "\xFF\xFE", 2, 2, 0, 2 },
		{ "\0<\0?", 4, 2, 1, 0 }, { "<\0?\0", 4, 2, 0, 0 },
		{ "\xEF\xBB\xBF", 3, 1, 0, 3 },
	};
	size_t i;

	g->unit = 1;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (g->nhead >= t[i].n && !memcmp(g->head, t[i].head, t[i].n)) {
			g->unit = t[i].unit;
			g->big = t[i].big;
			g->skip = (size_t)t[i].bom;
			return;
		}
}

/* Bytes one at a time: the head before detection, UTF-16 and UCS-4. */
static void step_byte(struct tdk_xml_guard *g, unsigned char b)
{
	unsigned long cu = 0;
	int i;

	if (g->skip) {
		g->skip--;
		return;
	}
	if (g->unit == 1) {
		cu = b;
	} else {
		g->unitbuf[g->nunit++] = b;
		if (g->nunit < g->unit)
			return;
		g->nunit = 0;
		for (i = 0; i < g->unit; i++)
			cu = cu << 8 | g->unitbuf[g->big ? i : g->unit - 1 - i];
	}
	step(g, cu < 0x80 ? (int)cu : 0x80);
	if (g->fired)
		return;
	/* A UTF-8 continuation byte, or the second half of a surrogate pair, is no character of its own. */
	if (cu == '\n')
		g->line++, g->col = 0;
	else if (g->unit == 1 ? (cu & 0xC0) != 0x80 : !(g->unit == 2 && cu >= 0xDC00 && cu <= 0xDFFF))
		g->col++;
}

/*
 * Inside a comment, PI or CDATA section: to the next '>', then through the
 * states, which tell from the dashes, '?' or brackets before it whether it
 * ends the token.  Returns the offset of that '>' (or n); sets g->cur and
 * fires when the token passes the limit first.
 */
static size_t skip_to_end(struct tdk_xml_guard *g, const unsigned char *p, size_t i, size_t n)
{
	int x = g->state == S_COMMENT ? '-' : g->state == S_PI ? '?' : ']';
	const unsigned char *hit = memchr(p + i, '>', n - i);
	size_t span = hit ? (size_t)(hit - (p + i)) : n - i, t = 0;

	if (span > g->max_text - g->run) {
		g->cur = p + i + (g->max_text - g->run);
		too_long(g);
		return (size_t)(g->cur - p);
	}
	while (t < span && t < 2 && p[i + span - 1 - t] == x)
		t++;
	g->seq = t == span ? g->seq + (int)t : (int)t;
	if (x == '?')
		g->seq = g->seq > 0;
	g->run += span;
	return i + span;
}

/*
 * Inside a start tag, outside its values: to the next quote or angle
 * bracket.  The element's name is taken as it comes; of the attributes'
 * names only the last one before the stop matters (the one whose value comes
 * next), so it is taken backwards from there.  Returns the offset of the stop
 * (or n); sets g->cur and fires when the tag passes the limit first.
 */
static size_t skip_tag(struct tdk_xml_guard *g, const unsigned char *p, size_t i, size_t n)
{
	size_t j = i, k, len;

	while (j < n && p[j] != '"' && p[j] != '\'' && p[j] != '>' && p[j] != '<')
		j++;
	if (j - i > g->max_text - g->run) {
		g->cur = p + i + (g->max_text - g->run);
		too_long(g);
		return (size_t)(g->cur - p);
	}
	g->run += j - i;
	/* The element's name is cut from these bytes when a message needs it. */
	if (!g->elem_done && !g->nattrs) {
		k = sizeof(g->elem) - 1 - g->namelen;
		if (k > j - i)
			k = j - i;
		memcpy(g->elem + g->namelen, p + i, k);
		g->namelen += k;
		g->elem[g->namelen] = '\0';
		if (j < n) {
			g->elem_done = 1;
			g->namelen = 0;
		}
	}
	if (j == n || (p[j] != '"' && p[j] != '\''))
		return j;
	for (k = j; k > i && !name_char(p[k - 1]); k--)
		;
	for (len = 0; k > i && name_char(p[k - 1]) && len + 1 < sizeof(g->attr); k--)
		len++;
	if (len) {
		memcpy(g->attr, p + k, len);
		g->attr[len] = '\0';
	}
	g->namelen = 0;
	return j;
}

/*
 * Single-byte input: text, attribute values, end tags, tags, comments, PIs
 * and CDATA sections, which make most of a document, are skipped to their
 * delimiter; only the delimiters and the bytes between tokens go through the
 * states.  Returns where a limit was passed, or n.
 */
static size_t scan_bytes(struct tdk_xml_guard *g, const unsigned char *p, size_t i, size_t n)
{
	g->base = p + i;
	while (i < n) {
		if (g->state == S_COMMENT || g->state == S_PI || g->state == S_CDATA) {
			i = skip_to_end(g, p, i, n);
			if (g->fired || i == n)
				break;
		} else if (g->state == S_TAG) {
			i = skip_tag(g, p, i, n);
			if (g->fired || i == n)
				break;
		} else if (g->state == S_TEXT || g->state == S_VALUE || g->state == S_ETAG) {
			int stop = g->state == S_TEXT ? '<' : g->state == S_VALUE ? g->quote : '>';
			const unsigned char *hit = memchr(p + i, stop, n - i);
			size_t span = hit ? (size_t)(hit - (p + i)) : n - i;

			if (span > g->max_text - g->run) {
				i += g->max_text - g->run;
				g->cur = p + i;
				too_long(g);
				break;
			}
			g->run += span;
			i += span;
			if (!hit)
				break;
		}
		g->cur = p + i;
		step(g, p[i] < 0x80 ? p[i] : 0x80);
		if (g->fired)
			break;
		i++;
	}
	if (!g->fired)
		advance(&g->line, &g->col, g->base, (size_t)(p + n - g->base));
	g->base = NULL;
	return g->fired ? i : n;
}

size_t tdk_xml_guard_scan(struct tdk_xml_guard *g, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	size_t i = 0;

	if (g->fired)
		return 0;
	/* The first four bytes name the encoding; they are held until they have arrived. */
	while (!g->unit && i < n) {
		g->head[g->nhead++] = p[i++];
		if (g->nhead == sizeof(g->head)) {
			size_t k;

			detect(g);
			for (k = 0; k < g->nhead && !g->fired; k++)
				step_byte(g, g->head[k]);
			if (g->fired)
				return 0;
		}
	}
	if (g->unit == 1)
		return scan_bytes(g, p, i, n);
	for (; i < n; i++) {
		step_byte(g, p[i]);
		if (g->fired)
			return i;
	}
	return n;
}

int tdk_xml_guard_report(const struct tdk_xml_guard *g, struct tdk_diag *d)
{
	if (!g->fired)
		return TDK_EXIT_OK;
	static const char *const code[] = {
		[TDK_XML_GUARD_TEXT] = "XML-LIMIT-TEXT", [TDK_XML_GUARD_ATTRS] = "XML-LIMIT-ATTRS",
		[TDK_XML_GUARD_DTD] = "XML-DTD",
	};

	tdk_diag_add(d, TDK_SEV_ERROR, code[g->fired], &g->at, "%s", g->msg);
	return TDK_EXIT_NEGATIVE;
}

int tdk_xml_guard_feed(struct tdk_xml_guard *g, const void *buf, size_t n, struct tdk_diag *d)
{
	if (tdk_xml_guard_scan(g, buf, n) < n || g->fired)
		return tdk_xml_guard_report(g, d);
	return TDK_EXIT_OK;
}
