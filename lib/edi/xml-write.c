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

#include "edi/dirwalk.h"
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
	/* --names directory: messages named after their release (see xml-names below). */
	struct tdk_dir_set *set;        /* not NULL in that mode; not owned */
	int version;                    /* syntax version of the interchange */
	int pending;                    /* <message> not written yet: UNH decides its form */
	int named;                      /* the current message is written with directory names */
	int told_syntax;                /* the syntax-level fallback for non-UNTDID messages was reported */
	struct tdk_dir_told told;       /* releases said to be missing in this input */
	struct tdk_dir_walk walk;
	uint32_t open[TDK_DIR_WALK_DEPTH];  /* group numbers of the open <SGn> elements */
	size_t nopen;
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
			 "<edifact xmlns=\"%s\"%s>\n", w->set ? TDK_EDI_XML_DIR_NS : TDK_EDI_XML_NS,
			 bom ? " bom=\"true\"" : ""))
		return TDK_EXIT_INTERNAL;
	return 0;
}

static int x_interchange_begin(void *arg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_xml_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = 0;

	w->tab_cs = NULL;  /* the parser reuses its set for the next interchange */
	w->version = ich->version;
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
static int x_message_begin(void *arg)
{
	struct tdk_edi_xml_writer *w = arg;

	if (!w->set)
		return x_simple(arg, "<message>\n");
	w->pending = 1;
	w->named = 0;
	w->nopen = 0;
	return 0;
}

static int x_message_end(void *arg)
{
	struct tdk_edi_xml_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = 0;

	if (w->pending)
		r |= tdk_buf_addl(b, "<message>\n");
	while (w->nopen)
		r |= tdk_buf_addf(b, "</SG%u>\n", (unsigned)w->open[--w->nopen]);
	w->pending = w->named = 0;
	r |= tdk_buf_addl(b, "</message>\n");
	return r ? TDK_EXIT_INTERNAL : 0;
}
static int x_interchange_end(void *arg)
{
	struct tdk_edi_xml_writer *w = arg;

	w->tab_cs = NULL;
	return x_simple(arg, "</interchange>\n");
}

static int n_segment(struct tdk_edi_xml_writer *w, const struct tdk_edi_seg *seg);

static int x_segment(void *arg, const struct tdk_edi_seg *seg)
{
	struct tdk_edi_xml_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	size_t e = 1, i;
	char *o;

	if (w->set && (w->pending || w->named)) {
		int r = n_segment(w, seg);

		if (r <= 0)
			return r < 0 ? TDK_EXIT_INTERNAL : tdk_edi_out_flush(&w->o, 0);
		/* r > 0: this segment keeps the syntax-level form */
	}

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

/* ---- --names directory ---- */

/*
 * A message of a UNTDID release is written with the names of its directory:
 * <message type="CUSDEC" release="D96B">, then each segment as an element
 * named after its tag (<DTM>), inside an element per segment group (<SG2>);
 * its data elements and components after their tags, a simple data element
 * with a D before its number (<C507><D2005>137</D2005></C507>, <D1004>).
 * UNH, UNS and UNT take the names of ISO 9735 for the interchange's syntax
 * version.  What the directory does not define keeps the syntax-level names:
 * data elements and components past the definition are <e> and <c>, a
 * segment that does not fit the segment table stays a <segment tag="..">
 * where it occurs.  Every element is written, empty ones too, and repeated
 * data elements hold <r> children, so the reader needs no directory to write
 * the interchange back.
 */

/* How the data element at one position is named. */
struct named {
	char name[8];
	int composite;
	unsigned ncomp;                          /* components the directory defines */
	const struct tdk_edi_svc_item *svc;      /* their definitions, for a service segment */
	const struct tdk_dir_member *cm;         /* or for a segment of the release */
};

/* "C507" and "S009" as they are; a data element "2005" as "D2005". */
static void xml_name(char out[8], const char *tag)
{
	size_t i = 0, k = 0;

	if (tag[0] >= '0' && tag[0] <= '9')
		out[k++] = 'D';
	while (i < 5 && tag[i])
		out[k++] = tag[i++];
	out[k] = '\0';
}

static void comp_name(char out[8], const struct named *nd, size_t c)
{
	if (!nd->composite || c >= nd->ncomp)
		memcpy(out, "c", 2);
	else
		xml_name(out, nd->svc ? nd->svc[c].id : nd->cm[c].tag);
}

static char *put_name(char *o, const char *name)
{
	size_t n = strlen(name);

	memcpy(o, name, n);
	return o + n;
}

static char *put_named_rep(struct tdk_edi_xml_writer *w, char *o, const struct tdk_edi_seg *seg, size_t r,
			   const struct named *nd)
{
	size_t c, nc = tdk_edi_seg_ncomps(seg, r);
	char cn[8];

	if (!nd->composite && nc == 1)
		return put_value(w, o, seg, &seg->comp[seg->rep[r]]);
	for (c = 0; c < nc; c++) {
		const struct tdk_edi_value *v = &seg->comp[seg->rep[r] + c];

		comp_name(cn, nd, c);
		*o++ = '<';
		o = put_name(o, cn);
		if (!v->len) {
			o = LIT(o, "/>");
			continue;
		}
		*o++ = '>';
		o = put_value(w, o, seg, v);
		o = LIT(o, "</");
		o = put_name(o, cn);
		*o++ = '>';
	}
	return o;
}

static char *put_named_elem(struct tdk_edi_xml_writer *w, char *o, const struct tdk_edi_seg *seg, size_t e,
			    const struct named *nd)
{
	size_t r, nr = tdk_edi_seg_nreps(seg, e), first = seg->elem[e];

	*o++ = '<';
	o = put_name(o, nd->name);
	if (nr == 1 && tdk_edi_seg_ncomps(seg, first) == 1 && !seg->comp[seg->rep[first]].len)
		return LIT(o, "/>");
	*o++ = '>';
	if (nr == 1) {
		o = put_named_rep(w, o, seg, first, nd);
	} else {
		for (r = first; r < first + nr; r++) {
			if (tdk_edi_seg_ncomps(seg, r) == 1 && !seg->comp[seg->rep[r]].len) {
				o = LIT(o, "<r/>");
				continue;
			}
			o = LIT(o, "<r>");
			o = put_named_rep(w, o, seg, r, nd);
			o = LIT(o, "</r>");
		}
	}
	o = LIT(o, "</");
	o = put_name(o, nd->name);
	*o++ = '>';
	return o;
}

static void name_member(struct named *nd, const struct tdk_dir *dir, const struct tdk_edi_svc_item *svc,
			unsigned nsvc, const struct tdk_dir_segment *ds, size_t e)
{
	memset(nd, 0, sizeof(*nd));
	memcpy(nd->name, "e", 2);
	if (svc && e <= nsvc) {
		const struct tdk_edi_svc_item *it = &svc[e - 1];

		xml_name(nd->name, it->id);
		nd->composite = it->comps != NULL;
		nd->svc = it->comps;
		nd->ncomp = it->ncomps;
	} else if (ds && e <= ds->n) {
		const struct tdk_dir_member *m = &dir->members[ds->first + e - 1];

		xml_name(nd->name, m->tag);
		nd->composite = m->composite;
		if (m->composite && m->ref != TDK_DIR_NONE) {
			nd->cm = &dir->members[dir->composites[m->ref].first];
			nd->ncomp = dir->composites[m->ref].n;
		}
	}
}

/* A segment of a named message, taken in the segment table; the tag is plain. */
static int put_named(struct tdk_edi_xml_writer *w, const struct tdk_edi_seg *seg)
{
	const struct tdk_dir *dir = w->walk.dir;
	const struct tdk_edi_svc_item *svc = NULL;
	const struct tdk_dir_segment *ds = NULL;
	struct tdk_buf *b = &w->o.buf;
	struct named nd;
	unsigned nsvc = 0;
	size_t e, i, bytes = 0;
	char tag[4], *o;

	memcpy(tag, seg->comp[0].p, 3);
	tag[3] = '\0';
	if (seg->svc)
		svc = tdk_edi_service_def(tag, w->version ? w->version : 3, &nsvc);
	else
		ds = tdk_dir_segment(dir, tag);
	for (i = 0; i < seg->ncomp; i++)
		bytes += seg->comp[i].len;
	/* A value byte grows to at most 6; each component, repetition and element to at most 2 x 8 + 5 of tags. */
	if (tdk_buf_grow(b, bytes * 6 + (seg->ncomp + seg->nrep + seg->nelem) * 24 + seg->wslen * 6 + 256) < 0)
		return -1;
	o = b->data + b->len;
	*o++ = '<';
	o = put_name(o, tag);
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
	if (seg->nelem <= 1) {
		o = LIT(o, "/>\n");
	} else {
		*o++ = '>';
		for (e = 1; e < seg->nelem; e++) {
			name_member(&nd, dir, svc, nsvc, ds, e);
			o = put_named_elem(w, o, seg, e, &nd);
		}
		o = LIT(o, "</");
		o = put_name(o, tag);
		o = LIT(o, ">\n");
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
	return 0;
}

static int plain_tag(const struct tdk_edi_seg *seg)
{
	const struct tdk_edi_value *t = &seg->comp[0];
	size_t i;

	if (seg->nelem < 1 || tdk_edi_seg_nreps(seg, 0) != 1 || tdk_edi_seg_ncomps(seg, 0) != 1 || t->len != 3 ||
	    t->p[0] < 'A' || t->p[0] > 'Z')
		return 0;
	for (i = 1; i < 3; i++)
		if (!((t->p[i] >= 'A' && t->p[i] <= 'Z') || (t->p[i] >= '0' && t->p[i] <= '9')))
			return 0;
	return 1;
}

/* UNH decides how its message is written; returns -1 without memory. */
static int begin_named(struct tdk_edi_xml_writer *w, const struct tdk_edi_seg *unh)
{
	struct tdk_dir_unh u;
	struct tdk_diag_loc loc;

	w->pending = 0;
	w->named = 0;
	if (!tdk_edi_seg_is(unh, "UNH"))
		goto syntax;
	switch (tdk_dir_set_unh(w->set, unh, &w->told, &u, w->o.d)) {
	case TDK_DIR_UNH_FOUND:
		break;
	case TDK_DIR_UNH_NOT_UNTDID:
		if (!w->told_syntax) {
			tdk_edi_seg_loc(unh, &loc, 2, 0, 0);
			tdk_diag_add(w->o.d, TDK_SEV_WARNING, "EDI-NAMES-SYNTAX", &loc,
				     "message '%s' (version '%s', release '%s', agency '%s') is not defined by a "
				     "UNTDID release, so it and the others like it keep the syntax-level names",
				     u.type, u.version, u.release, u.agency);
		}
		w->told_syntax = 1;
		goto syntax;
	case TDK_DIR_UNH_NO_MESSAGE:
		tdk_edi_seg_loc(unh, &loc, 2, 1, 0);
		tdk_diag_add(w->o.d, TDK_SEV_WARNING, "EDI-DIR-MESSAGE", &loc,
			     "release %s has no message '%s', so this message keeps the syntax-level names",
			     u.canon, u.type);
		goto syntax;
	default:
		goto syntax;
	}
	tdk_dir_walk_begin(&w->walk, u.dir, u.msg);
	w->named = 1;
	w->nopen = 0;
	return tdk_buf_addf(&w->o.buf, "<message type=\"%s\" release=\"%s\">\n", u.msg->type, u.dir->release);
syntax:
	return tdk_buf_addl(&w->o.buf, "<message>\n");
}

/* A segment that fits nowhere in the segment table: the validator's diagnostic, as a warning. */
static void misfit(struct tdk_edi_xml_writer *w, const struct tdk_edi_seg *seg, int plain)
{
	const struct tdk_dir_message *m = w->walk.msg;
	struct tdk_diag_loc loc;
	char where[200];
	size_t i, k = 0;
	uint32_t a = plain ? tdk_dir_walk_anywhere(&w->walk, seg->comp[0].p) : TDK_DIR_NONE;

	where[0] = '\0';
	for (i = 0; i < w->nopen && k + 16 < sizeof(where); i++)
		k += (size_t)snprintf(where + k, sizeof(where) - k, "%sSG%u", i ? "/" : " in ", (unsigned)w->open[i]);
	if (!k)
		snprintf(where, sizeof(where), " at the message level");
	tdk_edi_seg_loc(seg, &loc, 0, 0, 0);
	if (a != TDK_DIR_NONE)
		tdk_diag_add(w->o.d, TDK_SEV_WARNING, "EDI-STRUCT-ORDER", &loc,
			     "segment '%s' is not allowed here%s (message %s places it at position %04u); kept as "
			     "<segment>", seg->tag, where, m->type, (unsigned)w->walk.nodes[a].pos);
	else
		tdk_diag_add(w->o.d, TDK_SEV_WARNING, "EDI-STRUCT-UNEXPECTED", &loc,
			     "segment '%s' is not part of message %s in release %s; kept as <segment>", seg->tag,
			     m->type, w->walk.dir->release);
}

/*
 * A segment in a message of --names directory: returns 0 when written, 1 when
 * the caller writes it in the syntax-level form, -1 without memory.
 */
static int n_segment(struct tdk_edi_xml_writer *w, const struct tdk_edi_seg *seg)
{
	struct tdk_buf *b = &w->o.buf;
	size_t level;
	uint32_t c;
	int over, plain;

	if (w->pending && begin_named(w, seg) < 0)
		return -1;
	if (!w->named)
		return 1;
	plain = plain_tag(seg);
	if (!plain || (c = tdk_dir_walk_step(&w->walk, seg->comp[0].p, &level, &over)) == TDK_DIR_NONE) {
		misfit(w, seg, plain);
		return 1;
	}
	while (w->nopen > level)
		if (tdk_buf_addf(b, "</SG%u>\n", (unsigned)w->open[--w->nopen]))
			return -1;
	if (w->walk.depth > level + 1) {
		w->open[w->nopen++] = w->walk.nodes[c].group;
		if (tdk_buf_addf(b, "<SG%u>\n", (unsigned)w->walk.nodes[c].group))
			return -1;
	}
	return put_named(w, seg);
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

struct tdk_edi_xml_writer *tdk_edi_xml_writer_new_names(struct tdk_output *out, struct tdk_diag *d,
							struct tdk_edi_sink *sink, struct tdk_dir_set *set)
{
	struct tdk_edi_xml_writer *w = tdk_edi_xml_writer_new(out, d, sink);

	if (w)
		w->set = set;
	return w;
}

void tdk_edi_xml_writer_free(struct tdk_edi_xml_writer *w)
{
	if (!w)
		return;
	tdk_edi_out_release(&w->o);
	free(w);
}
