/*
 * EDIFACT -> XML: the tdk EDIFACT vocabulary (namespace urn:tdk:edifact:1,
 * schema xsd/tdk-edifact.xsd), written as a stream:
 *
 *   <edifact bom?>
 *     <interchange charset encoding version una? una-ws? level?>
 *       <segment tag line col offset ws?> <e>value</e> <e><c/><c/></e>
 *                                         <e><r>..</r><r><c/><c/></r></e>
 *       <group> ... </group>  <message> ... </message>
 *     </interchange>
 *     <end ws?/>
 *   </edifact>
 *
 * An element with one component and no repetition is written as text; with
 * components as <c>; with repetitions as <r>.  "ws" keeps the line breaks and
 * blanks before a segment, so that XML -> EDIFACT gives back the input byte
 * for byte.  Values are decoded from the interchange's character set to UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "edi/writer.h"
#include "util/exitcode.h"

struct tdk_edi_xml_writer {
	struct tdk_edi_out o;
	/* For 8-bit sets, decoding and escaping in one pass: what each byte becomes
	 * (replen 0: the byte itself). Built for the set in tab_cs. */
	const struct tdk_charset *tab_cs;
	char rep[256][8];
	unsigned char replen[256];
};

static char *put_utf8(char *o, const char *p, size_t n);

/* Attribute values: also quotes, and every white space but the blank as a reference. */
static int put_attr(struct tdk_buf *b, const char *name, const char *s, size_t n)
{
	size_t i;
	int r = 0;

	r |= tdk_buf_addc(b, ' ');
	r |= tdk_buf_adds(b, name);
	r |= tdk_buf_addl(b, "=\"");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': r |= tdk_buf_addl(b, "&amp;"); break;
		case '<': r |= tdk_buf_addl(b, "&lt;"); break;
		case '>': r |= tdk_buf_addl(b, "&gt;"); break;
		case '"': r |= tdk_buf_addl(b, "&quot;"); break;
		case '\t':
			r |= tdk_buf_addl(b, "&#9;");
			break;
		case '\n':
			r |= tdk_buf_addl(b, "&#10;");
			break;
		case '\r':
			r |= tdk_buf_addl(b, "&#13;");
			break;
		default:
			if (c < 0x20)
				r |= tdk_buf_addl(b, "\xEF\xBF\xBD");  /* XML cannot carry it */
			else
				r |= tdk_buf_addc(b, c);
		}
	}
	r |= tdk_buf_addc(b, '"');
	return r ? -1 : 0;
}

static void build_table(struct tdk_edi_xml_writer *w, const struct tdk_charset *cs)
{
	struct tdk_buf one = TDK_BUF_INIT(16);
	unsigned b;

	for (b = 0; b < 256; b++) {
		char c = (char)b;

		tdk_buf_reset(&one);
		if (b < 0x80) {
			char esc[8];

			tdk_buf_add(&one, esc, (size_t)(put_utf8(esc, &c, 1) - esc));
		} else if (tdk_charset_to_utf8(cs, &one, &c, 1) < 0) {
			tdk_buf_adds(&one, "\xEF\xBF\xBD");  /* reported by the parser */
		}
		if (one.len == 1 && one.data[0] == c) {
			w->replen[b] = 0;
		} else {
			memcpy(w->rep[b], one.data, one.len);
			w->replen[b] = (unsigned char)one.len;
		}
	}
	tdk_buf_release(&one);
	w->tab_cs = cs;
}

/*
 * The segment path writes through a cursor into room reserved once per
 * segment (see seg_bound), without a capacity check per piece: this is
 * where EDIFACT -> XML spends its time.
 */
#define LIT(o, s) (memcpy((o), (s), sizeof(s) - 1), (o) + sizeof(s) - 1)

/* The most bytes a segment can take: a value byte grows to at most 6 (an
 * escaped or re-encoded character), each separator to at most 16 bytes of tags. */
static size_t seg_bound(const struct tdk_edi_seg *seg)
{
	size_t i, bytes = 0;

	for (i = 0; i < seg->ncomp; i++)
		bytes += seg->comp[i].len;
	return bytes * 6 + (seg->ncomp + seg->nrep + seg->nelem) * 16 + seg->wslen * 6 + 256;
}

/* The layout before a segment as the ws attribute; every byte is a blank or a line break. */
static char *put_ws(char *o, const char *ws, size_t n)
{
	size_t i;

	o = LIT(o, " ws=\"");
	for (i = 0; i < n; i++) {
		switch (ws[i]) {
		case '\n': o = LIT(o, "&#10;"); break;
		case '\r': o = LIT(o, "&#13;"); break;
		case '\t': o = LIT(o, "&#9;"); break;
		default: *o++ = ws[i]; break;
		}
	}
	*o++ = '"';
	return o;
}

/* UTF-8 text (from XML/JSON, or a UTF-8 set): escaped; an invalid sequence becomes U+FFFD. */
static char *put_utf8(char *o, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	while (i < n) {
		unsigned char c = u[i];

		if (c >= 0x80) {
			uint32_t cp;
			size_t k = tdk_utf8_seq(u + i, n - i, &cp);

			if (k) {
				memcpy(o, u + i, k);
				o += k;
				i += k;
			} else {
				o = LIT(o, "\xEF\xBF\xBD");
				i++;
			}
			continue;
		}
		switch (c) {
		case '&': o = LIT(o, "&amp;"); break;
		case '<': o = LIT(o, "&lt;"); break;
		case '>': o = LIT(o, "&gt;"); break;
		case '\r': o = LIT(o, "&#13;"); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				o = LIT(o, "\xEF\xBF\xBD");  /* reported by the parser */
			else
				*o++ = (char)c;
		}
		i++;
	}
	return o;
}

static char *put_value(struct tdk_edi_xml_writer *w, char *o, const struct tdk_edi_seg *seg,
		       const struct tdk_edi_value *v)
{
	const unsigned char *u = (const unsigned char *)v->p;
	size_t i;

	if (!seg->cs || seg->cs->kind == TDK_CS_UTF8)
		return put_utf8(o, v->p, v->len);
	if (w->tab_cs != seg->cs)
		build_table(w, seg->cs);
	for (i = 0; i < v->len; i++) {
		unsigned k = w->replen[u[i]];

		if (!k) {
			*o++ = (char)u[i];
		} else {
			memcpy(o, w->rep[u[i]], k);
			o += k;
		}
	}
	return o;
}

static char *put_rep(struct tdk_edi_xml_writer *w, char *o, const struct tdk_edi_seg *seg, size_t r)
{
	size_t c, nc = tdk_edi_seg_ncomps(seg, r);

	if (nc == 1)
		return put_value(w, o, seg, &seg->comp[seg->rep[r]]);
	for (c = 0; c < nc; c++) {
		const struct tdk_edi_value *v = &seg->comp[seg->rep[r] + c];

		if (!v->len) {
			o = LIT(o, "<c/>");
			continue;
		}
		o = LIT(o, "<c>");
		o = put_value(w, o, seg, v);
		o = LIT(o, "</c>");
	}
	return o;
}

static char *put_elem(struct tdk_edi_xml_writer *w, char *o, const struct tdk_edi_seg *seg, size_t e)
{
	size_t r, nr = tdk_edi_seg_nreps(seg, e), first = seg->elem[e];

	if (nr == 1 && tdk_edi_seg_ncomps(seg, first) == 1 && !seg->comp[seg->rep[first]].len)
		return LIT(o, "<e/>");
	o = LIT(o, "<e>");
	if (nr == 1) {
		o = put_rep(w, o, seg, first);
	} else {
		for (r = first; r < first + nr; r++) {
			o = LIT(o, "<r>");
			o = put_rep(w, o, seg, r);
			o = LIT(o, "</r>");
		}
	}
	return LIT(o, "</e>");
}

static int x_begin(void *arg, int bom)
{
	struct tdk_edi_xml_writer *w = arg;

	if (tdk_buf_addf(&w->o.buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<edifact xmlns=\"" TDK_EDI_XML_NS "\"%s>\n", bom ? " bom=\"true\"" : ""))
		return TDK_EXIT_INTERNAL;
	return 0;
}

static int x_interchange_begin(void *arg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_xml_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = 0;

	w->tab_cs = NULL;  /* the parser reuses its set for the next interchange */
	r |= tdk_buf_addl(b, "<interchange");
	if (ich->cs) {
		const char *id = tdk_charset_label(ich->cs->id);

		r |= put_attr(b, "charset", id, strlen(id));
		r |= put_attr(b, "encoding", ich->cs->encoding, strlen(ich->cs->encoding));
	} else if (ich->syntax_id[0]) {
		/* from XML or JSON: the set named there, passed on */
		const char *id = tdk_charset_label(ich->syntax_id);

		r |= put_attr(b, "charset", id, strlen(id));
	}
	if (ich->version)
		r |= tdk_buf_addf(b, " version=\"%d\"", ich->version);
	if (ich->una) {
		int u = 0, i;

		/* Service characters are ISO 646 graphic characters or blanks here; a
		 * control or 8-bit byte has no faithful place in the attribute. */
		for (i = 0; i < 6; i++)
			if ((unsigned char)ich->una_chars[i] >= 0x80 ||
			    ((unsigned char)ich->una_chars[i] < 0x20 && ich->una_chars[i] != '\t' &&
			     ich->una_chars[i] != '\n' && ich->una_chars[i] != '\r'))
				u = -2;
		if (!u)
			u = put_attr(b, "una", ich->una_chars, 6);
		if (u == -2) {
			struct tdk_diag_loc loc;

			memset(&loc, 0, sizeof(loc));
			loc.line = ich->una_line;
			loc.col = ich->una_col;
			tdk_diag_add(w->o.d, TDK_SEV_ERROR, "EDI-XML-UNREPRESENTABLE", &loc,
				     "UNA holds a control or non-ASCII character, which the XML form cannot carry");
			return TDK_EXIT_NEGATIVE;
		}
		r |= u;
		if (ich->una_wslen)
			r |= put_attr(b, "una-ws", ich->una_ws, ich->una_wslen);
	} else if (ich->level_b) {
		r |= tdk_buf_addl(b, " level=\"B\"");
	}
	r |= tdk_buf_addl(b, ">\n");
	return r ? TDK_EXIT_INTERNAL : 0;
}

static int x_simple(void *arg, const char *s)
{
	struct tdk_edi_xml_writer *w = arg;

	return tdk_buf_adds(&w->o.buf, s) ? TDK_EXIT_INTERNAL : 0;
}

static int x_group_begin(void *arg) { return x_simple(arg, "<group>\n"); }
static int x_group_end(void *arg) { return x_simple(arg, "</group>\n"); }
static int x_message_begin(void *arg) { return x_simple(arg, "<message>\n"); }
static int x_message_end(void *arg) { return x_simple(arg, "</message>\n"); }
static int x_interchange_end(void *arg)
{
	struct tdk_edi_xml_writer *w = arg;

	w->tab_cs = NULL;
	return x_simple(arg, "</interchange>\n");
}

static int x_segment(void *arg, const struct tdk_edi_seg *seg)
{
	struct tdk_edi_xml_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	size_t e = 1, i;
	char *o;

	if (tdk_buf_grow(b, seg_bound(seg)) < 0)
		return TDK_EXIT_INTERNAL;
	o = b->data + b->len;
	o = LIT(o, "<segment");
	if (tdk_edi_seg_nreps(seg, 0) == 1 && tdk_edi_seg_ncomps(seg, 0) == 1) {
		const struct tdk_edi_value *t = &seg->comp[0];
		int plain = t->len == 3;

		for (i = 0; plain && i < 3; i++)
			plain = (t->p[i] >= 'A' && t->p[i] <= 'Z') || (t->p[i] >= '0' && t->p[i] <= '9');
		if (plain) {
			o = LIT(o, " tag=\"");
			memcpy(o, t->p, 3);
			o += 3;
			*o++ = '"';
		} else {
			/* an odd tag: decoded and escaped as any attribute */
			b->len = (size_t)(o - b->data);
			tdk_buf_reset(&w->o.tmp);
			if (seg->cs)
				tdk_charset_to_utf8(seg->cs, &w->o.tmp, t->p, t->len);
			else
				tdk_buf_add(&w->o.tmp, t->p, t->len);
			if (put_attr(b, "tag", w->o.tmp.data ? w->o.tmp.data : "", w->o.tmp.len) < 0)
				return TDK_EXIT_INTERNAL;
			if (tdk_buf_grow(b, seg_bound(seg)) < 0)
				return TDK_EXIT_INTERNAL;
			o = b->data + b->len;
		}
	} else {
		e = 0;  /* no tag attribute: the first <e> is the tag */
	}
	if (seg->line) {
		o = LIT(o, " line=\"");
		o = tdk_fmt_u(o, seg->line);
		o = LIT(o, "\" col=\"");
		o = tdk_fmt_u(o, seg->col);
		o = LIT(o, "\" offset=\"");
		o = tdk_fmt_u(o, seg->offset);
		*o++ = '"';
	}
	if (seg->wslen)
		o = put_ws(o, seg->ws, seg->wslen);
	if (seg->nelem <= e) {
		o = LIT(o, "/>\n");
	} else {
		*o++ = '>';
		for (; e < seg->nelem; e++)
			o = put_elem(w, o, seg, e);
		o = LIT(o, "</segment>\n");
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
	return tdk_edi_out_flush(&w->o, 0);
}

static int x_end(void *arg, const char *ws, size_t n)
{
	struct tdk_edi_xml_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = 0;

	if (n) {
		r |= tdk_buf_addl(b, "<end");
		r |= put_attr(b, "ws", ws, n);
		r |= tdk_buf_addl(b, "/>\n");
	}
	r |= tdk_buf_addl(b, "</edifact>\n");
	if (r)
		return TDK_EXIT_INTERNAL;
	return tdk_edi_out_flush(&w->o, 1);
}

/* The sink's calls; tdk_edi_xml_writer_new() hands out a copy bound to the writer. */
static const struct tdk_edi_sink xml_sink = {
	.begin = x_begin,
	.interchange_begin = x_interchange_begin,
	.group_begin = x_group_begin,
	.message_begin = x_message_begin,
	.segment = x_segment,
	.message_end = x_message_end,
	.group_end = x_group_end,
	.interchange_end = x_interchange_end,
	.end = x_end,
};

struct tdk_edi_xml_writer *tdk_edi_xml_writer_new(struct tdk_output *out, struct tdk_diag *d,
						  struct tdk_edi_sink *sink)
{
	struct tdk_edi_xml_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	tdk_edi_out_init(&w->o, out, d);
	*sink = xml_sink;
	sink->arg = w;
	return w;
}

void tdk_edi_xml_writer_free(struct tdk_edi_xml_writer *w)
{
	if (!w)
		return;
	tdk_edi_out_release(&w->o);
	free(w);
}
