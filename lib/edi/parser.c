/*
 * The streaming UN/EDIFACT lexer (ISO 9735-1:2002 clauses 5, 6 and 7).
 *
 * Bytes arrive in chunks of any size.  A segment is framed by searching for
 * the segment terminator with memchr and checking that it is not released
 * (an odd run of release characters before it, clause 5 note), then
 * tokenised in place: separators split it into elements, repetitions and
 * components, release characters are removed.  Layout between segments (line
 * breaks and blanks that are not service characters) is kept so that a
 * conversion can reproduce it.  Memory: one segment, capped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "util/exitcode.h"

enum { ST_START, ST_LAYOUT, ST_HEAD, ST_UNA, ST_SEG, ST_SKIP };

/* Byte classes of the tokeniser. */
enum { CL_DATA, CL_COMP, CL_ELEM, CL_REP, CL_REL, CL_NL, CL_OUTSIDE, CL_INVALID, CL_UTF8, CL_TERM };

#define IS1 0x1f
#define IS2 0x1e
#define IS3 0x1d
#define IS4 0x1c
#define WS_MAX 65536

struct tdk_edi_parser {
	struct tdk_edi_opts o;
	struct tdk_diag *d;
	struct tdk_edi_handler h;
	int state, status;

	uint64_t base;              /* offset of buf[0] in the current feed */
	unsigned long line;         /* line of the next byte */
	uint64_t line_start;        /* offset of the first byte of that line */

	struct tdk_buf ws;          /* layout before the next segment */
	struct tdk_buf una_ws;      /* layout before the UNA of the current interchange */
	int ws_overflow;

	char una[6];
	size_t unalen;

	struct tdk_buf raw;         /* the segment being framed, terminator excluded */
	uint64_t seg_off;
	unsigned long seg_line, seg_col;
	int rel_odd;                /* raw ends in an odd run of release characters */
	unsigned long skipped_nl;   /* line breaks inside a segment being skipped */

	int boundary;               /* the next UNB opens an interchange with fresh defaults */
	int dflt;                   /* the UNB being read had a default separator after its tag */
	int una_pending;            /* a UNA was read and awaits its UNB */
	struct tdk_edi_ich ich;
	struct tdk_charset cs;
	int have_cs;
	struct tdk_edi_chars ch;
	unsigned char cls[256];
	unsigned char neutral[256]; /* separators only: for the first reading of UNB */
	unsigned char fast[256];    /* cls with the terminator: for the tags-only fast path */
	unsigned char layout[256];  /* 1 for line breaks and blanks that are not service characters */
	int nl_service;             /* '\n' is a service character */
	struct {                    /* what the tables were last built for: most rebuilds change nothing */
		int valid, have_cs;
		char id[8];
		struct tdk_edi_chars ch;
	} built;

	int in_msg;
	int halted;                 /* reading stopped: what follows cannot be read as segments */
	uint64_t skipped;           /* bytes skipped of an oversized segment */
	unsigned long msg_segno, ich_segno, nseg;
	int any;                    /* anything but layout was read */

	struct tdk_edi_value *comp;
	uint32_t *rep, *elem;
	size_t capc, capr, cape;
	struct tdk_buf unb;         /* raw copy of UNB for its second reading */
	struct tdk_edi_seg seg;
	int quiet;                  /* no diagnostics (first reading of UNB) */
};

void tdk_edi_opts_init(struct tdk_edi_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_segment = (size_t)1 << 20;
	o->max_components = 10000;
}

void tdk_edi_chars_default(struct tdk_edi_chars *c, int level_b, int version)
{
	/* ISO 9735-1:2002 clause 5, table 1 (level A) and table 2 (level B). */
	if (level_b) {
		c->comp = IS1;
		c->elem = IS3;
		c->dec = '.';
		c->rel = 0;
		c->rep = version >= 4 ? IS2 : 0;
		c->term = IS4;
	} else {
		c->comp = ':';
		c->elem = '+';
		c->dec = '.';
		c->rel = '?';
		c->rep = version >= 4 ? '*' : 0;
		c->term = '\'';
	}
}

int tdk_edi_chars_is_service(const struct tdk_edi_chars *c, unsigned char ch)
{
	return ch == c->comp || ch == c->elem || ch == c->term || (c->rel && ch == c->rel) ||
	       (c->rep && ch == c->rep);
}

static void build_classes(struct tdk_edi_parser *p)
{
	const struct tdk_charset *cs = p->have_cs ? &p->cs : NULL;
	int strict = p->o.mode == TDK_EDI_VALIDATE;
	int b;

	if (p->built.valid && p->built.have_cs == p->have_cs && !memcmp(&p->built.ch, &p->ch, sizeof(p->ch)) &&
	    (!cs || !strcmp(p->built.id, cs->id)))
		return;
	p->built.valid = 1;
	p->built.have_cs = p->have_cs;
	p->built.ch = p->ch;
	memcpy(p->built.id, cs ? cs->id : "", cs ? sizeof(p->built.id) : 1);

	for (b = 0; b < 256; b++) {
		unsigned char k = CL_DATA;

		if (cs) {
			if (cs->kind == TDK_CS_UTF8 && b >= 0x80)
				k = CL_UTF8;
			else if (cs->cls[b] == TDK_CS_INVALID)
				k = CL_INVALID;
			else if (cs->cls[b] == TDK_CS_OUTSIDE && strict)
				k = CL_OUTSIDE;
		}
		/* XML 1.0 cannot carry C0 controls other than tab, line feed and carriage return. */
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
			k = CL_INVALID;
		if (b == '\n')
			k = CL_NL;
		p->cls[b] = k;
		p->neutral[b] = CL_DATA;
	}
	p->nl_service = tdk_edi_chars_is_service(&p->ch, '\n');
	if (p->nl_service)
		p->cls['\n'] = CL_DATA;
	p->cls[p->ch.comp] = p->neutral[p->ch.comp] = CL_COMP;
	p->cls[p->ch.elem] = p->neutral[p->ch.elem] = CL_ELEM;
	if (p->ch.rep)
		p->cls[p->ch.rep] = CL_REP;  /* not in neutral: UNB is read first without it */
	if (p->ch.rel)
		p->cls[p->ch.rel] = p->neutral[p->ch.rel] = CL_REL;
	memcpy(p->fast, p->cls, sizeof(p->fast));
	p->fast[p->ch.term] = CL_TERM;
	memset(p->layout, 0, sizeof(p->layout));
	p->layout['\n'] = p->layout['\r'] = p->layout[' '] = p->layout['\t'] = 1;
	p->layout[p->ch.comp] = p->layout[p->ch.elem] = p->layout[p->ch.term] = 0;
	if (p->ch.rel)
		p->layout[p->ch.rel] = 0;
	if (p->ch.rep)
		p->layout[p->ch.rep] = 0;
}

/*
 * Outside an interchange no set is declared: data is read as ISO 8859-1
 * (UNOC), which maps every byte, unless --charset says otherwise.  The
 * EDIFACT writer does the same, so such data survives a round trip.
 */
static void outside_charset(struct tdk_edi_parser *p)
{
	if (p->have_cs)
		tdk_charset_release(&p->cs);
	if (tdk_charset_init(&p->cs, p->o.charset ? p->o.charset : "UNOC") < 0) {
		tdk_charset_release(&p->cs);
		tdk_charset_init(&p->cs, "UNOC");
	}
	p->have_cs = 1;
	build_classes(p);
}

struct tdk_edi_parser *tdk_edi_parser_new(const struct tdk_edi_opts *opts, struct tdk_diag *d,
					  const struct tdk_edi_handler *h)
{
	struct tdk_edi_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (opts)
		p->o = *opts;
	else
		tdk_edi_opts_init(&p->o);
	if (p->o.max_segment < 16)
		p->o.max_segment = p->o.max_segment ? 16 : (size_t)1 << 20;
	if (!p->o.max_components)
		p->o.max_components = 10000;
	p->d = d;
	p->h = *h;
	p->line = 1;
	p->boundary = 1;
	tdk_buf_init(&p->ws, WS_MAX);
	tdk_buf_init(&p->una_ws, WS_MAX);
	tdk_buf_init(&p->raw, p->o.max_segment);
	tdk_buf_init(&p->unb, p->o.max_segment);
	tdk_edi_chars_default(&p->ch, 0, 0);
	p->ich.chars = p->ch;
	outside_charset(p);
	return p;
}

void tdk_edi_parser_free(struct tdk_edi_parser *p)
{
	if (!p)
		return;
	tdk_buf_release(&p->ws);
	tdk_buf_release(&p->una_ws);
	tdk_buf_release(&p->raw);
	tdk_buf_release(&p->unb);
	if (p->have_cs)
		tdk_charset_release(&p->cs);
	free(p->comp);
	free(p->rep);
	free(p->elem);
	free(p);
}

unsigned long tdk_edi_parser_segments(const struct tdk_edi_parser *p)
{
	return p->nseg;
}

int tdk_edi_parser_halted(const struct tdk_edi_parser *p)
{
	return p->halted;
}

/* Fills loc for the current segment; col from an absolute offset on the current line. */
static void seg_loc(const struct tdk_edi_parser *p, struct tdk_diag_loc *loc)
{
	memset(loc, 0, sizeof(*loc));
	loc->line = p->seg_line;
	loc->col = p->seg_col;
	loc->offset = p->seg_off;
	loc->edi.segment = p->seg.number;
	memcpy(loc->edi.tag, p->seg.tag, sizeof(loc->edi.tag));
}

static int grow(void **arr, size_t *cap, size_t need, size_t size, size_t max)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -1;
	n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	if (n > max)
		n = max;
	q = realloc(*arr, n * size);
	if (!q)
		return -2;
	*arr = q;
	*cap = n;
	return 0;
}

/* Whether byte c is among the three at p. */
static int byte_in3(const char *p, unsigned char c)
{
	return (unsigned char)p[0] == c || (unsigned char)p[1] == c || (unsigned char)p[2] == c;
}

/* The printable tag of a raw segment: bytes up to the first separator, others as '?'; returns its length. */
static size_t raw_tag(const struct tdk_edi_parser *p, const char *raw, size_t len, char tag[8])
{
	size_t i;

	for (i = 0; i < len && i < 7; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == p->ch.elem || c == p->ch.comp || (p->ch.rep && c == p->ch.rep))
			break;
		tag[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	tag[i] = '\0';
	return i;
}

struct tok {
	unsigned long line;
	uint64_t line_start;
	int told_release, told_outside, told_invalid;
};

static void tok_report(struct tdk_edi_parser *p, struct tok *t, size_t i, const char *code,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void tok_report(struct tdk_edi_parser *p, struct tok *t, size_t i, const char *code,
		       const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	if (p->quiet)
		return;
	seg_loc(p, &loc);
	loc.offset = p->seg_off + i;
	loc.line = t->line;
	loc.col = (unsigned long)(loc.offset - t->line_start) + 1;
	loc.edi.element = (unsigned)p->seg.nelem - 1;
	loc.edi.repetition = p->ch.rep ? (unsigned)(p->seg.nrep - p->elem[p->seg.nelem - 1]) : 0;
	loc.edi.component = (unsigned)(p->seg.ncomp - p->rep[p->seg.nrep - 1]) + 1;
	va_start(ap, fmt);
	tdk_diag_addv(p->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
}

/*
 * Splits raw[0..len) in place into elements, repetitions and components with
 * the class table cls.  Returns 0, or -1 when the segment has more components
 * than allowed (reported), -2 when memory runs out.
 *
 * The counts and array pointers live in locals while the loop runs: stores
 * through raw (a char pointer) may alias anything else in memory, so fields
 * of p would be reloaded after every byte written.
 */
static int tokenize(struct tdk_edi_parser *p, char *raw, size_t len, const unsigned char *cls)
{
	struct tdk_edi_seg *s = &p->seg;
	size_t i = 0, out = 0, cstart = 0, max = p->o.max_components;
	size_t nc = 0, nr = 0, ne = 0, capc, capr, cape;
	struct tdk_edi_value *comp;
	uint32_t *rep, *elem;
	struct tok t = { p->seg_line, p->seg_off - (p->seg_col - 1), 0, 0, 0 };
	int r;

	if ((!p->cape && (r = grow((void **)&p->elem, &p->cape, 1, sizeof(*p->elem), max))) ||
	    (!p->capr && (r = grow((void **)&p->rep, &p->capr, 1, sizeof(*p->rep), max))) ||
	    (!p->capc && (r = grow((void **)&p->comp, &p->capc, 1, sizeof(*p->comp), max))))
		return r == -2 ? -2 : -1;
	comp = p->comp;
	rep = p->rep;
	elem = p->elem;
	capc = p->capc;
	capr = p->capr;
	cape = p->cape;
	elem[ne++] = 0;
	rep[nr++] = 0;

/* Makes the locals visible to helpers that read p (diagnostics, growth). */
#define SYNC_OUT()                              \
	do {                                    \
		s->ncomp = nc;                  \
		s->nrep = nr;                   \
		s->nelem = ne;                  \
	} while (0)
#define GROW(arr, cap, need)                                                          \
	do {                                                                          \
		if ((need) > cap) {                                                   \
			if ((need) > max)                                             \
				goto too_many;                                        \
			if (grow((void **)&p->arr, &p->cap, (need), sizeof(*p->arr), max)) \
				return -2;                                            \
			arr = p->arr;                                                 \
			cap = p->cap;                                                 \
		}                                                                     \
	} while (0)
#define CLOSE_COMP()                                      \
	do {                                              \
		GROW(comp, capc, nc + 1);                 \
		comp[nc].p = raw + cstart;                \
		comp[nc].len = out - cstart;              \
		nc++;                                     \
		cstart = out;                             \
	} while (0)

	while (i < len) {
		unsigned char c = (unsigned char)raw[i];
		unsigned char k = cls[c];

		if (k == CL_DATA) {
			/* Runs of plain data: no store while nothing has been removed, else moved down whole. */
			if (out == i) {
				for (i++; i < len && cls[(unsigned char)raw[i]] == CL_DATA; i++)
					;
				out = i;
			} else {
				do
					raw[out++] = raw[i++];
				while (i < len && cls[(unsigned char)raw[i]] == CL_DATA);
			}
			continue;
		}
		switch (k) {
		case CL_COMP:
			CLOSE_COMP();
			i++;
			break;
		case CL_ELEM:
			CLOSE_COMP();
			GROW(elem, cape, ne + 1);
			GROW(rep, capr, nr + 1);
			elem[ne++] = (uint32_t)nr;
			rep[nr++] = (uint32_t)nc;
			i++;
			break;
		case CL_REP:
			CLOSE_COMP();
			GROW(rep, capr, nr + 1);
			rep[nr++] = (uint32_t)nc;
			i++;
			break;
		case CL_REL:
			/* ISO 9735-1:2002 clause 5: the release character restores the
			 * normal meaning of the one service character that follows it. */
			if (i + 1 < len && tdk_edi_chars_is_service(&p->ch, (unsigned char)raw[i + 1])) {
				raw[out++] = raw[i + 1];
				i += 2;
				break;
			}
			if (!t.told_release++) {
				SYNC_OUT();
				tok_report(p, &t, i, "EDI-SYNTAX-RELEASE",
					   "release character '%c' is not followed by a service character "
					   "(0x%02X follows)", c, i + 1 < len ? (unsigned char)raw[i + 1] : 0);
			}
			raw[out++] = (char)c;
			i++;
			break;
		case CL_NL:
			if (p->o.mode == TDK_EDI_VALIDATE && !t.told_outside++) {
				SYNC_OUT();
				tok_report(p, &t, i, "EDI-CHARSET-REPERTOIRE",
					   "line break inside a segment: the character repertoire has no "
					   "line break, only the terminator ends a segment");
			}
			t.line++;
			t.line_start = p->seg_off + i + 1;
			raw[out++] = (char)c;
			i++;
			break;
		case CL_OUTSIDE:
			if (!t.told_outside++) {
				SYNC_OUT();
				if (c >= 0x20 && c < 0x7f)
					tok_report(p, &t, i, "EDI-CHARSET-REPERTOIRE",
						   "character '%c' is not in the repertoire of %s", c,
						   p->cs.id);
				else
					tok_report(p, &t, i, "EDI-CHARSET-REPERTOIRE",
						   "character 0x%02X is not in the repertoire of %s", c,
						   p->cs.id);
			}
			raw[out++] = (char)c;
			i++;
			break;
		case CL_INVALID:
			if (!t.told_invalid++) {
				SYNC_OUT();
				if (c < 0x20)
					tok_report(p, &t, i, "EDI-CHARSET-INVALID",
						   "control character 0x%02X in a value", c);
				else
					tok_report(p, &t, i, "EDI-CHARSET-INVALID",
						   "byte 0x%02X is not a character of %s (%s)", c,
						   p->have_cs ? p->cs.id : "the declared set",
						   p->have_cs ? p->cs.encoding : "US-ASCII");
			}
			raw[out++] = (char)c;
			i++;
			break;
		case CL_UTF8: {
			uint32_t cp = 0;
			size_t n = tdk_utf8_seq((const unsigned char *)raw + i, len - i, &cp);

			if (!n) {
				if (!t.told_invalid++) {
					SYNC_OUT();
					tok_report(p, &t, i, "EDI-CHARSET-INVALID",
						   "byte 0x%02X does not start a valid UTF-8 sequence", c);
				}
				raw[out++] = (char)c;
				i++;
				break;
			}
			/* Noncharacters are not for interchange, and U+FFFE and U+FFFF are
			 * no XML 1.0 characters (§2.2): the XML form could not be read back. */
			if (tdk_unicode_noncharacter(cp)) {
				if (!t.told_invalid++) {
					SYNC_OUT();
					tok_report(p, &t, i, "EDI-CHARSET-INVALID",
						   "U+%04X is a Unicode noncharacter, not a character to "
						   "interchange", (unsigned)cp);
				}
			} else if (cp < 0xa0 && p->o.mode == TDK_EDI_VALIDATE && !t.told_outside++) {
				SYNC_OUT();
				tok_report(p, &t, i, "EDI-CHARSET-REPERTOIRE",
					   "control character U+%04X is not in the repertoire", (unsigned)cp);
			}
			memmove(raw + out, raw + i, n);
			out += n;
			i += n;
			break;
		}
		default:
			raw[out++] = (char)c;
			i++;
		}
	}
	CLOSE_COMP();
	SYNC_OUT();
	s->comp = p->comp;
	s->rep = p->rep;
	s->elem = p->elem;
	if (!p->nl_service) {
		p->line = t.line;
		p->line_start = t.line_start;
	}
	return 0;
#undef CLOSE_COMP
#undef GROW
#undef SYNC_OUT
too_many:
	s->ncomp = nc;
	s->nrep = nr;
	s->nelem = ne;
	s->comp = p->comp;
	s->rep = p->rep;
	s->elem = p->elem;
	if (!p->quiet) {
		struct tdk_diag_loc loc;

		seg_loc(p, &loc);
		tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-LIMIT-COMPONENTS", &loc,
			     "more than %zu components in one segment (--max-components)", max);
	}
	return -1;
}

static void copy_value(char *dst, size_t size, const struct tdk_edi_value *v)
{
	size_t n = v ? v->len : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, v->p, n);
	dst[n] = '\0';
}

static void count_lines(struct tdk_edi_parser *p, const char *b, size_t n, uint64_t off)
{
	const char *q = b, *end = b + n;

	/* The usual layout between segments is one line break: no search for it. */
	if (n == 1) {
		if (*b == '\n') {
			p->line++;
			p->line_start = off + 1;
		}
		return;
	}
	while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		p->line++;
		q++;
		p->line_start = off + (uint64_t)(q - b);
	}
}

/*
 * Validation without a sink needs only the tag of a data segment: check the
 * bytes (classes and release characters) without splitting.  Returns 0 and
 * fills the segment with its tag when everything is plain; -1 when anything
 * needs the full tokeniser (a diagnostic, a line break, a composite tag).
 */
static int scan_plain(struct tdk_edi_parser *p, char *raw, size_t len)
{
	const unsigned char *u = (const unsigned char *)raw, *cls = p->cls;
	struct tdk_edi_seg *s = &p->seg;
	size_t i = 0, tag = len, seps = 0, max = p->o.max_components;

	while (i < len) {
		unsigned char k = cls[u[i]];

		if (k == CL_DATA) {
			i++;
			continue;
		}
		if (k == CL_ELEM || k == CL_REP || k == CL_COMP) {
			if (++seps >= max)
				return -1;  /* the tokeniser reports the limit */
			if (tag == len) {
				if (k != CL_ELEM)
					return -1;
				tag = i;
			}
			i++;
			continue;
		}
		if (k == CL_REL && tag != len && i + 1 < len && tdk_edi_chars_is_service(&p->ch, u[i + 1]) &&
		    u[i + 1] != '\n') {
			i += 2;
			continue;
		}
		return -1;
	}
	if (!p->capc && grow((void **)&p->comp, &p->capc, 1, sizeof(*p->comp), p->o.max_components))
		return -1;
	if (!p->capr && grow((void **)&p->rep, &p->capr, 1, sizeof(*p->rep), p->o.max_components))
		return -1;
	if (!p->cape && grow((void **)&p->elem, &p->cape, 1, sizeof(*p->elem), p->o.max_components))
		return -1;
	p->comp[0].p = raw;
	p->comp[0].len = tag;
	p->rep[0] = 0;
	p->elem[0] = 0;
	s->comp = p->comp;
	s->rep = p->rep;
	s->elem = p->elem;
	s->ncomp = s->nrep = s->nelem = 1;
	return 0;
}

/*
 * Reads UNB S001 (syntax identifier and version) and sets up the interchange:
 * character set, repetition separator, class tables.
 */
static int setup_interchange(struct tdk_edi_parser *p)
{
	const struct tdk_edi_value *id = tdk_edi_seg_value(&p->seg, 1, 0);
	const struct tdk_edi_value *ver = tdk_edi_seg_value(&p->seg, 1, 1);
	const char *csid;
	char v[8];
	int r;

	copy_value(p->ich.syntax_id, sizeof(p->ich.syntax_id), id);
	copy_value(v, sizeof(v), ver);
	p->ich.version = (v[0] >= '1' && v[0] <= '4' && !v[1]) ? v[0] - '0' : 0;
	if (p->have_cs)
		tdk_charset_release(&p->cs);
	csid = p->o.charset ? p->o.charset : p->ich.syntax_id;
	r = tdk_charset_init(&p->cs, csid);
	p->have_cs = 1;
	if (r && !p->quiet) {
		struct tdk_diag_loc loc;

		seg_loc(p, &loc);
		loc.edi.element = 1;
		loc.edi.component = 1;
		if (r < 0)
			tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-CHARSET-UNSUPPORTED", &loc,
				     "syntax identifier '%s' (ISO 2022 code extension) is not supported; "
				     "bytes are read as ISO 8859-1", csid);
		else
			tdk_diag_add(p->d, !strncmp(csid, "UNO", 3) && p->o.mode == TDK_EDI_VALIDATE
				     ? TDK_SEV_ERROR : TDK_SEV_WARNING,
				     "EDI-CHARSET-UNKNOWN", &loc,
				     "syntax identifier '%s' is not a UN/ECE character set level; its "
				     "repertoire is not checked and bytes are read as ISO 8859-1", csid);
	}
	p->ich.cs = &p->cs;
	/* The repetition separator exists from syntax version 4 on; in versions 1 to
	 * 3 the fifth character of UNA is reserved (ISO 9735:1988 annex B). */
	if (p->ich.una) {
		unsigned char r5 = (unsigned char)p->ich.una_chars[4];

		p->ch.rep = (p->ich.version >= 4 && r5 != ' ') ? r5 : 0;
	} else if (p->dflt) {
		tdk_edi_chars_default(&p->ch, p->ich.level_b, p->ich.version);
	} else {
		/* No UNA, yet the tag is not followed by a default separator: the
		 * interchange keeps the characters it was framed with, which no
		 * form can record, so it is an error for conversion too. */
		struct tdk_diag_loc loc;

		seg_loc(p, &loc);
		tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-ENV-SEPARATORS", &loc,
			     "interchange header UNB has no UNA before it but is not followed by a "
			     "default data element separator ('+' or IS3)");
		p->ich.level_b = 0;
		p->ch.rep = 0;
	}
	p->ich.chars = p->ch;
	build_classes(p);
	return 0;
}

static int deliver(struct tdk_edi_parser *p)
{
	struct tdk_edi_seg *s = &p->seg;
	int r;

	s->comp = p->comp;
	s->rep = p->rep;
	s->elem = p->elem;
	s->cs = p->have_cs ? &p->cs : NULL;
	s->ws = p->ws.data ? p->ws.data : "";
	s->wslen = p->ws.len;
	s->line = p->seg_line;
	s->col = p->seg_col;
	s->offset = p->seg_off;
	r = p->h.segment ? p->h.segment(p->h.arg, s, &p->ich) : 0;
	tdk_buf_reset(&p->ws);
	return r;
}

/* A complete segment is in p->raw: number it, tokenise it, hand it on. */
static int process_segment(struct tdk_edi_parser *p, int terminated)
{
	struct tdk_edi_seg *s = &p->seg;
	static char empty[1];
	char *raw = p->raw.data ? p->raw.data : empty;
	size_t len = p->raw.len;
	size_t taglen;
	int is_unb, r;

	p->nseg++;
	s->rawlen = len + (terminated ? 1 : 0);
	taglen = raw_tag(p, raw, len, s->tag);
	is_unb = s->tag[0] == 'U' && s->tag[1] == 'N' && s->tag[2] == 'B' && !s->tag[3];
	if (is_unb) {
		p->in_msg = 0;
		p->ich_segno = 1;
	} else {
		p->ich_segno++;
	}
	if (s->tag[0] == 'U' && s->tag[1] == 'N' && s->tag[2] == 'H' && !s->tag[3]) {
		p->in_msg = 1;
		p->msg_segno = 1;
	} else if (p->in_msg) {
		p->msg_segno++;
	}
	s->number = p->in_msg ? p->msg_segno : p->ich_segno;

	if (is_unb) {
		/* First reading without repetition separator nor repertoire, to learn
		 * S001; then the real one with what it declares. */
		tdk_buf_reset(&p->unb);
		if (tdk_buf_add(&p->unb, raw, len) < 0)
			return TDK_EXIT_INTERNAL;
		p->quiet = 1;
		r = tokenize(p, raw, len, p->neutral);
		p->quiet = 0;
		if (r == -2)
			return TDK_EXIT_INTERNAL;
		if (!p->una_pending) {
			p->ich.una = 0;
			p->ich.una_ws = NULL;
			p->ich.una_wslen = 0;
		}
		if (r == 0)
			setup_interchange(p);
		memcpy(raw, p->unb.data, len);
	}
	if (p->nl_service)
		count_lines(p, raw, len, p->seg_off);
	if (p->o.tags_only && !(s->tag[0] == 'U' && s->tag[1] == 'N') && !p->nl_service &&
	    scan_plain(p, raw, len) == 0)
		r = 0;
	else
		r = tokenize(p, raw, len, p->cls);
	if (r == -2)
		return TDK_EXIT_INTERNAL;
	if (r < 0) {
		/* Too many components: the segment is reported and dropped. */
		tdk_buf_reset(&p->ws);
		tdk_buf_reset(&p->raw);
		return 0;
	}
	tdk_edi_seg_classify(s);
	/* The tag as read, release characters removed, for the diagnostics to come
	 * (differs from the raw one only when release characters were in it). */
	if (s->ncomp && p->comp[0].len != taglen) {
		size_t i, n = p->comp[0].len < 7 ? p->comp[0].len : 7;

		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p->comp[0].p[i];

			s->tag[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		s->tag[n] = '\0';
	}
	if (terminated && p->ch.term == '\n') {
		p->line++;
		p->line_start = p->seg_off + len + 1;
	}
	r = deliver(p);
	/* A UNA belongs to the segment right after it: when that is no UNB, the
	 * envelope opened an interchange for it already, and a later UNB does not
	 * inherit it. */
	p->una_pending = 0;
	if (is_unb) {
		p->boundary = 0;
	} else if (s->svc == 'Z') {
		p->boundary = 1;
		outside_charset(p);
	} else if (s->svc == 'T') {
		p->in_msg = 0;
	}
	tdk_buf_reset(&p->raw);
	return r;
}

static void una_done(struct tdk_edi_parser *p)
{
	struct tdk_edi_ich *ich = &p->ich;
	const unsigned char *u = (const unsigned char *)p->una;
	struct tdk_diag_loc loc;
	char msg[160];
	int k;

	memset(&loc, 0, sizeof(loc));
	loc.line = p->seg_line;
	loc.col = p->seg_col;
	loc.offset = p->seg_off;
	ich->una = 1;
	memcpy(ich->una_chars, p->una, 6);
	ich->una_line = p->seg_line;
	ich->una_col = p->seg_col;
	ich->level_b = 0;
	ich->version = 0;
	ich->syntax_id[0] = '\0';
	p->ch.comp = u[0];
	p->ch.elem = u[1];
	p->ch.dec = u[2];
	/* "If not used, insert space character" (ISO 9735 annex B, UNA4). */
	p->ch.rel = u[3] == ' ' ? 0 : u[3];
	p->ch.rep = 0;  /* decided by the syntax version in UNB */
	p->ch.term = u[5];
	ich->chars = p->ch;
	build_classes(p);
	k = tdk_edi_una_fault(p->una, p->o.mode == TDK_EDI_VALIDATE, msg, sizeof(msg));
	if (k) {
		/* At the character at fault: "UNA" and k - 1 characters before it. */
		loc.col += (unsigned long)k + 2;
		loc.offset += (uint64_t)k + 2;
		tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-UNA-INVALID", &loc, "%s", msg);
	}
	p->una_pending = 1;
	p->boundary = 1;
}

/* Start of a segment at absolute offset off. */
static void seg_start(struct tdk_edi_parser *p, uint64_t off)
{
	p->seg_off = off;
	p->seg_line = p->line;
	p->seg_col = (unsigned long)(off - p->line_start) + 1;
	p->rel_odd = 0;
	tdk_buf_reset(&p->raw);
	p->any = 1;
}

/*
 * Stops reading at absolute offset off with an error: the bytes there cannot
 * be taken for segments, and going on would only read on until killed (a
 * device such as /dev/zero) or report one fault per byte.
 */
static void halt(struct tdk_edi_parser *p, uint64_t off, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void halt(struct tdk_edi_parser *p, uint64_t off, const char *code, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = p->line;
	loc.col = (unsigned long)(off - p->line_start) + 1;
	loc.offset = off;
	va_start(ap, fmt);
	tdk_diag_addv(p->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	p->halted = 1;
}

static void oversize(struct tdk_edi_parser *p)
{
	struct tdk_diag_loc loc;

	memset(&loc, 0, sizeof(loc));
	loc.line = p->seg_line;
	loc.col = p->seg_col;
	loc.offset = p->seg_off;
	raw_tag(p, p->raw.data ? p->raw.data : "", p->raw.len, loc.edi.tag);
	loc.edi.segment = p->nseg + 1;
	tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-LIMIT-SEGMENT", &loc,
		     "segment is longer than %zu bytes (--max-segment-size); skipped to its terminator",
		     p->o.max_segment);
	count_lines(p, p->raw.data ? p->raw.data : "", p->raw.len, p->seg_off);
	p->skipped = p->raw.len;
	tdk_buf_reset(&p->raw);
	p->state = ST_SKIP;
}

/*
 * Validation without a sink: a data segment that lies whole in this chunk
 * and holds nothing but plain data, separators and proper release pairs is
 * checked and delivered (tag only) straight from the chunk, without copying
 * or splitting it.  Returns the bytes consumed (terminator included), or 0
 * when the segment needs the general path.
 */
static size_t fast_segment(struct tdk_edi_parser *p, const char *buf, size_t n)
{
	const unsigned char *u = (const unsigned char *)buf, *cls = p->fast;
	struct tdk_edi_seg *s = &p->seg;
	size_t j = 0, tag = 0, seps = 0, max = p->o.max_components;

	if (n >= 2 && u[0] == 'U' && u[1] == 'N')
		return 0;  /* service segments (and UNA) take the general path */
	while (j < n) {
		unsigned char k = cls[u[j]];

		if (k == CL_DATA) {
			j++;
		} else if (k == CL_ELEM) {
			if (!tag)
				tag = j;
			if (++seps >= max)
				return 0;  /* the general path reports the limit */
			j++;
		} else if (k == CL_COMP || k == CL_REP) {
			if (!tag || ++seps >= max)
				return 0;  /* a composite tag, or the limit */
			j++;
		} else if (k == CL_REL && tag && j + 1 < n && u[j + 1] != '\n' &&
			   tdk_edi_chars_is_service(&p->ch, u[j + 1])) {
			j += 2;
		} else if (k == CL_TERM) {
			break;
		} else {
			return 0;
		}
	}
	if (j >= n || tag != 3)
		return 0;
	if ((!p->capc && grow((void **)&p->comp, &p->capc, 1, sizeof(*p->comp), p->o.max_components)) ||
	    (!p->capr && grow((void **)&p->rep, &p->capr, 1, sizeof(*p->rep), p->o.max_components)) ||
	    (!p->cape && grow((void **)&p->elem, &p->cape, 1, sizeof(*p->elem), p->o.max_components)))
		return 0;
	p->nseg++;
	p->ich_segno++;
	if (p->in_msg)
		p->msg_segno++;
	s->number = p->in_msg ? p->msg_segno : p->ich_segno;
	s->rawlen = j + 1;
	memcpy(s->tag, buf, tag);
	s->tag[tag] = '\0';
	s->svc = 0;
	p->comp[0].p = buf;
	p->comp[0].len = tag;
	p->rep[0] = 0;
	p->elem[0] = 0;
	s->ncomp = s->nrep = s->nelem = 1;
	p->status = deliver(p);
	return j + 1;
}

int tdk_edi_parser_feed(struct tdk_edi_parser *p, const char *buf, size_t n)
{
	size_t i = 0;

	if (p->status || p->halted)
		return p->status;
	while (i < n && !p->status && !p->halted) {
		switch (p->state) {
		case ST_START:
			if (n - i >= 3 && !memcmp(buf + i, "\xEF\xBB\xBF", 3)) {
				i += 3;
				p->line_start = 3;
				if (p->h.begin)
					p->status = p->h.begin(p->h.arg, 1);
			} else if (p->h.begin) {
				p->status = p->h.begin(p->h.arg, 0);
			}
			p->state = ST_LAYOUT;
			break;
		case ST_LAYOUT: {
			size_t start = i;

			while (i < n && p->layout[(unsigned char)buf[i]])
				i++;
			if (i > start) {
				if (!p->ws_overflow && tdk_buf_add(&p->ws, buf + start, i - start) < 0) {
					struct tdk_diag_loc loc;

					memset(&loc, 0, sizeof(loc));
					loc.line = p->line;
					loc.offset = p->base + start;
					tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-LIMIT-LAYOUT", &loc,
						     "more than %d bytes of line breaks and blanks between "
						     "segments", WS_MAX);
					p->ws_overflow = 1;
				}
				count_lines(p, buf + start, i - start, p->base + start);
			}
			if (i < n) {
				unsigned char c = (unsigned char)buf[i];
				size_t k;

				/* A segment begins with its tag (ISO 9735-1:2002 clause 7.1); a
				 * control character that is no service character cannot begin one. */
				if ((c < 0x20 || c == 0x7f) && !tdk_edi_chars_is_service(&p->ch, c)) {
					halt(p, p->base + i, "EDI-SYNTAX-GARBAGE",
					     "control character 0x%02X where a segment should begin; the "
					     "input is not read further", c);
					break;
				}
				seg_start(p, p->base + i);
				p->state = ST_HEAD;
				if (p->o.tags_only && !p->boundary && !p->nl_service &&
				    (k = fast_segment(p, buf + i, n - i)) > 0) {
					i += k;
					p->state = ST_LAYOUT;
				}
			}
			break;
		}
		case ST_HEAD: {
			/* Byte by byte until the tag is known: "UNA" needs its own reading,
			 * and a UNB with no UNA before it chooses the level A or B default
			 * separators from the byte after its tag (ISO 9735-1:2002 clause 5:
			 * without UNA, the defaults apply), before it is framed. */
			unsigned char c = (unsigned char)buf[i];
			size_t need = p->raw.len >= 3 && !memcmp(p->raw.data, "UNB", 3) && !p->una_pending ? 4 : 3;

			/* The usual case, an ordinary tag whole in this chunk, at once. */
			if (!p->raw.len && n - i >= 3 && !p->rel_odd &&
			    !byte_in3(buf + i, p->ch.term) && (!p->ch.rel || !byte_in3(buf + i, p->ch.rel)) &&
			    memcmp(buf + i, "UNA", 3) != 0 &&
			    (p->una_pending || memcmp(buf + i, "UNB", 3) != 0)) {
				if (tdk_buf_add(&p->raw, buf + i, 3) < 0) {
					p->status = TDK_EXIT_INTERNAL;
					break;
				}
				i += 3;
				p->state = ST_SEG;
				break;
			}
			if (c == p->ch.term && !p->rel_odd) {
				i++;
				p->status = process_segment(p, 1);
				p->state = ST_LAYOUT;
				break;
			}
			if (tdk_buf_addc(&p->raw, c) < 0) {
				p->status = TDK_EXIT_INTERNAL;
				break;
			}
			p->rel_odd = p->ch.rel && c == p->ch.rel ? !p->rel_odd : 0;
			i++;
			if (p->raw.len == 3 && !memcmp(p->raw.data, "UNA", 3)) {
				p->unalen = 0;
				p->state = ST_UNA;
			} else if (p->raw.len == 3 && !memcmp(p->raw.data, "UNB", 3) && !p->una_pending) {
				break;  /* one more byte tells the separators */
			} else if (p->raw.len >= 3) {
				/* Only a tag that is exactly UNB, followed by a default data
				 * element separator, picks the defaults ("UNBX..." is not UNB). */
				p->dflt = need == 4 && ((unsigned char)p->raw.data[3] == IS3 ||
							p->raw.data[3] == '+');
				if (p->dflt) {
					p->ich.level_b = (unsigned char)p->raw.data[3] == IS3;
					tdk_edi_chars_default(&p->ch, p->ich.level_b, 0);
					build_classes(p);
					p->rel_odd = 0;
				}
				p->state = ST_SEG;
			}
			break;
		}
		case ST_UNA:
			if (buf[i] == '\n') {
				p->line++;
				p->line_start = p->base + i + 1;
			}
			p->una[p->unalen++] = buf[i++];
			if (p->unalen == 6) {
				tdk_buf_reset(&p->una_ws);
				if (tdk_buf_add(&p->una_ws, p->ws.data ? p->ws.data : "", p->ws.len) < 0) {
					p->status = TDK_EXIT_INTERNAL;
					break;
				}
				p->ich.una_ws = p->una_ws.data ? p->una_ws.data : "";
				p->ich.una_wslen = p->una_ws.len;
				una_done(p);
				if (p->h.una)
					p->status = p->h.una(p->h.arg, &p->ich);
				tdk_buf_reset(&p->ws);
				tdk_buf_reset(&p->raw);
				p->state = ST_LAYOUT;
			}
			break;
		case ST_SEG:
		case ST_SKIP: {
			const char *t = memchr(buf + i, p->ch.term, n - i);
			size_t end = t ? (size_t)(t - buf) : n, k = end, run = 0;
			int odd;

			if (p->ch.rel)
				while (k > i && (unsigned char)buf[k - 1] == p->ch.rel) {
					k--;
					run++;
				}
			odd = k == i ? (p->rel_odd ^ (int)(run & 1)) : (int)(run & 1);
			if (p->state == ST_SEG) {
				if (tdk_buf_add(&p->raw, buf + i, end - i) < 0) {
					oversize(p);
					count_lines(p, buf + i, end - i, p->base + i);
				}
			} else {
				count_lines(p, buf + i, end - i, p->base + i);
				p->skipped += end - i;
				if (!t && p->skipped / 16 > p->o.max_segment) {
					halt(p, p->base + n, "EDI-LIMIT-SEGMENT",
					     "no segment terminator in the %llu bytes after an oversized "
					     "segment began; the input is not read further",
					     (unsigned long long)p->skipped);
					break;
				}
			}
			if (!t) {
				p->rel_odd = odd;
				i = n;
				break;
			}
			if (odd) {
				/* A released terminator is data. */
				if (p->state == ST_SEG && tdk_buf_addc(&p->raw, (char)p->ch.term) < 0)
					oversize(p);
				p->rel_odd = 0;
				i = end + 1;
				break;
			}
			i = end + 1;
			if (p->state == ST_SEG) {
				p->status = process_segment(p, 1);
			} else {
				p->nseg++;
				tdk_buf_reset(&p->ws);
				if (p->ch.term == '\n') {
					p->line++;
					p->line_start = p->base + i;
				}
			}
			p->state = ST_LAYOUT;
			break;
		}
		}
	}
	p->base += n;
	return p->status;
}

int tdk_edi_parser_finish(struct tdk_edi_parser *p)
{
	struct tdk_diag_loc loc;

	if (p->status || p->halted)
		return p->status;
	if (p->state == ST_START && p->h.begin)
		p->status = p->h.begin(p->h.arg, 0);
	memset(&loc, 0, sizeof(loc));
	loc.line = p->seg_line;
	loc.col = p->seg_col;
	loc.offset = p->seg_off;
	switch (p->state) {
	case ST_UNA:
		tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-UNA-SHORT", &loc,
			     "input ends after %zu of the 6 characters of the service string advice UNA",
			     p->unalen);
		break;
	case ST_HEAD:
	case ST_SEG:
		raw_tag(p, p->raw.data ? p->raw.data : "", p->raw.len, loc.edi.tag);
		loc.edi.segment = 0;
		if (p->rel_odd)
			tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-SYNTAX-UNTERMINATED", &loc,
				     "input ends with a release character inside segment '%s'; the "
				     "segment has no terminator", loc.edi.tag);
		else
			tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-SYNTAX-UNTERMINATED", &loc,
				     "input ends inside segment '%s': no segment terminator '%c'",
				     loc.edi.tag, p->ch.term >= 0x20 && p->ch.term < 0x7f ? p->ch.term : '?');
		/* Hand the fragment on so the envelope does not cascade into more
		 * errors; without the dangling release character, already reported. */
		if (p->rel_odd && p->raw.len)
			p->raw.data[--p->raw.len] = '\0';
		p->status = process_segment(p, 0);
		break;
	case ST_SKIP:
		tdk_diag_add(p->d, TDK_SEV_ERROR, "EDI-SYNTAX-UNTERMINATED", &loc,
			     "input ends inside an oversized segment: no segment terminator");
		break;
	default:
		break;
	}
	if (!p->status && p->h.end)
		p->status = p->h.end(p->h.arg, p->ws.data ? p->ws.data : "", p->ws.len);
	return p->status;
}
