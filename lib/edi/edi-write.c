/*
 * XML/JSON -> EDIFACT: a sink that serialises segments with the service
 * characters of the interchange (its UNA, or the defaults of ISO 9735-1:2002
 * clause 5 for its level and syntax version), inserts the release character
 * before every service character inside a value (clause 5 note 1), and
 * re-encodes UTF-8 values in the interchange's character set.  What cannot be
 * written faithfully is an error with its position: a character outside the
 * set, a service character in a value when no release character exists, a
 * repetition when the syntax version has no repetition separator.
 *
 * XML and JSON are read from anyone, so nothing is written that `tdk validate`
 * would refuse at the syntax level: layout is line breaks and blanks only
 * (else a "layout" could carry segments), the UNA holds six usable service
 * characters (clause 5), a tag is a code of three upper-case letters or
 * digits (clause 7.1), and a value holds no control character and no Unicode
 * noncharacter: the release character restores the meaning of service
 * characters only (ISO 9735-1:2002 clause 7.1), and no syntax level has
 * controls in its repertoire (UNOA and UNOB are subsets of ISO 646 without
 * them, annex A; the ISO 8859 and ISO 10646 levels exclude C0 and C1), so they
 * are refused, never written raw.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "edi/writer.h"
#include "util/exitcode.h"

/* Outside interchanges data is ISO 8859-1, as the parser reads it there. */
#define OUTSIDE_CHARSET "UNOC"

struct tdk_edi_writer {
	struct tdk_edi_out o;
	struct tdk_edi_chars ch;
	struct tdk_charset cs;
	int have_cs;             /* cs set up for UTF-8 values; else values are written as they come */
	int need_unb;            /* take the character set and version from UNB (no attributes) */
	int una, level_b, version;
	char una_chars[6];       /* the interchange's UNA, when una is set */
	int failed;
	int told_repertoire;     /* EDI-WRITE-REPERTOIRE said for this interchange */
	int in_ich;              /* inside an interchange container */
	unsigned long ich_segs;  /* segments handed over since the interchange began */
};

static void w_error(struct tdk_edi_writer *w, const struct tdk_edi_seg *seg, const char *code,
		    unsigned e, unsigned c, unsigned r, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void w_error(struct tdk_edi_writer *w, const struct tdk_edi_seg *seg, const char *code,
		    unsigned e, unsigned c, unsigned r, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	tdk_edi_seg_loc(seg, &loc, e, c, r);
	va_start(ap, fmt);
	tdk_diag_addv(w->o.d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	w->failed = 1;
}

/* Layout between segments is what the parser takes as layout: no service character. */
static int layout_ok(const struct tdk_edi_writer *w, const char *ws, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)ws[i];

		if ((c != ' ' && c != '\t' && c != '\r' && c != '\n') || tdk_edi_chars_is_service(&w->ch, c))
			return 0;
	}
	return 1;
}

static int put_layout(struct tdk_edi_writer *w, const struct tdk_edi_seg *seg, const char *ws, size_t n)
{
	if (layout_ok(w, ws, n))
		return tdk_buf_add(&w->o.buf, ws ? ws : "", n);
	w_error(w, seg, "EDI-WRITE-LAYOUT", 0, 0, 0,
		"layout holds a character that is not a line break or a blank, or is a service "
		"character; it is not written");
	return 0;
}

/*
 * The first control character of the encoded value v[0..n) (C0, DEL and C1:
 * no syntax level has them in its repertoire, ISO 9735-1:2002 annex A) or, in
 * UTF-8, noncharacter: its byte offset, or n.  Service characters are
 * released, or refused for want of a release character.  The graphic
 * characters of ISO 646 that UNOA and UNOB leave out (lower case, '#', '@'...)
 * are written as they come, as convert reads them: they frame nothing, and
 * convert stays lossless for the many interchanges that use them (the peers'
 * own test files among them); validate reports them (EDI-CHARSET-REPERTOIRE),
 * and so the writer warns (EDI-WRITE-REPERTOIRE): the first of them is at
 * *graphic, or n.
 */
static size_t outside_repertoire(const struct tdk_edi_writer *w, const unsigned char *v, size_t n,
				 uint32_t *cp, size_t *graphic)
{
	const struct tdk_charset *cs = &w->cs;
	size_t i = 0, k;

	*graphic = n;
	while (i < n) {
		if (v[i] < 0x80 || cs->kind != TDK_CS_UTF8) {
			*cp = cs->map[v[i]];
			if (cs->cls[v[i]] != TDK_CS_OK && !tdk_edi_chars_is_service(&w->ch, v[i])) {
				if (v[i] < 0x20 || v[i] >= 0x7f)
					return i;
				if (*graphic == n)
					*graphic = i;
			}
			i++;
			continue;
		}
		k = tdk_utf8_seq(v + i, n - i, cp);
		if (!k) {
			*cp = 0xfffd;
			return i;
		}
		if (*cp < 0xa0 || tdk_unicode_noncharacter(*cp))
			return i;
		i += k;
	}
	return n;
}

static int set_charset(struct tdk_edi_writer *w, const char *id)
{
	if (w->have_cs)
		tdk_charset_release(&w->cs);
	w->have_cs = 0;
	if (!id || !id[0])
		return 0;
	if (tdk_charset_init(&w->cs, id) < 0) {
		tdk_charset_release(&w->cs);
		return -1;
	}
	w->have_cs = 1;
	return 0;
}

static void set_chars(struct tdk_edi_writer *w, const struct tdk_edi_ich *ich)
{
	if (ich->una) {
		const unsigned char *u = (const unsigned char *)ich->una_chars;

		w->ch.comp = u[0];
		w->ch.elem = u[1];
		w->ch.dec = u[2];
		w->ch.rel = u[3] == ' ' ? 0 : u[3];
		w->ch.rep = w->version >= 4 && u[4] != ' ' ? u[4] : 0;
		w->ch.term = u[5];
	} else {
		tdk_edi_chars_default(&w->ch, w->level_b, w->version);
	}
}

static int e_begin(void *arg, int bom)
{
	struct tdk_edi_writer *w = arg;

	if (bom && tdk_buf_add(&w->o.buf, "\xEF\xBB\xBF", 3))
		return TDK_EXIT_INTERNAL;
	return 0;
}

static int e_interchange_begin(void *arg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = 0;

	w->told_repertoire = 0;
	w->in_ich = 1;
	w->ich_segs = 0;
	w->una = ich->una;
	memcpy(w->una_chars, ich->una_chars, sizeof(w->una_chars));
	w->level_b = ich->level_b;
	/* Until its UNB, the parser reads an interchange with no repetition
	 * separator, whatever the attribute says: version_from_unb() sets it. */
	w->version = 0;
	w->need_unb = !ich->cs && !ich->syntax_id[0];
	if (ich->cs) {
		/* From EDIFACT: values are already in the set. */
		set_charset(w, NULL);
	} else if (set_charset(w, ich->syntax_id[0] ? ich->syntax_id : OUTSIDE_CHARSET) < 0) {
		struct tdk_diag_loc loc;

		memset(&loc, 0, sizeof(loc));
		tdk_diag_add(w->o.d, TDK_SEV_ERROR, "EDI-CHARSET-UNSUPPORTED", &loc,
			     "character set '%s' is not supported for writing", ich->syntax_id);
		return TDK_EXIT_NEGATIVE;
	}
	if (ich->una) {
		struct tdk_edi_seg none;
		char msg[160];

		memset(&none, 0, sizeof(none));
		none.line = ich->una_line;
		none.col = ich->una_col;
		r |= put_layout(w, &none, ich->una_ws, ich->una_wslen);
		if (tdk_edi_una_fault(ich->una_chars, 1, msg, sizeof(msg))) {
			w_error(w, &none, "EDI-WRITE-UNA", 0, 0, 0, "%s", msg);
		} else {
			r |= tdk_buf_adds(b, "UNA");
			r |= tdk_buf_add(b, ich->una_chars, 6);
		}
	}
	set_chars(w, ich);
	return r ? TDK_EXIT_INTERNAL : 0;
}

/* From a UNB without interchange attributes: its S001 gives the set. */
static void charset_from_unb(struct tdk_edi_writer *w, const struct tdk_edi_seg *seg)
{
	const struct tdk_edi_value *id = tdk_edi_seg_value(seg, 1, 0);
	char name[8] = "";

	if (id && id->len < sizeof(name)) {
		memcpy(name, id->p, id->len);
		name[id->len] = '\0';
	}
	if (!name[0] || set_charset(w, name) < 0)
		set_charset(w, OUTSIDE_CHARSET);  /* read as ISO 8859-1, as the parser does */
	w->need_unb = 0;
}

/*
 * The syntax version is the one UNB S001 0002 declares, as the parser reads
 * it whatever the interchange's attribute says: it decides whether there is
 * a repetition separator (version 4), so whether its character is released.
 */
static void version_from_unb(struct tdk_edi_writer *w, const struct tdk_edi_seg *seg)
{
	const struct tdk_edi_value *v = tdk_edi_seg_value(seg, 1, 1);
	struct tdk_edi_ich ich;

	w->version = v && v->len == 1 && v->p[0] >= '1' && v->p[0] <= '4' ? v->p[0] - '0' : 0;
	memset(&ich, 0, sizeof(ich));
	ich.una = w->una;
	memcpy(ich.una_chars, w->una_chars, sizeof(ich.una_chars));
	ich.level_b = w->level_b;
	set_chars(w, &ich);
}

static int put_value(struct tdk_edi_writer *w, const struct tdk_edi_seg *seg,
		     const struct tdk_edi_value *v, unsigned e, unsigned c, unsigned r)
{
	struct tdk_buf *b = &w->o.buf;
	const char *p = v->p;
	size_t n = v->len, i, start = 0;
	int rc = 0;

	if (!seg->cs && w->have_cs) {
		size_t bad = 0;
		int k;

		tdk_buf_reset(&w->o.tmp);
		k = tdk_charset_from_utf8(&w->cs, &w->o.tmp, v->p, v->len, &bad);
		if (k == -1)
			return -1;
		if (k == -2) {
			uint32_t cp = 0;

			tdk_utf8_seq((const unsigned char *)v->p + bad, v->len - bad, &cp);
			w_error(w, seg, "EDI-WRITE-CHARSET", e, c, r,
				"character U+%04X at position %zu cannot be represented in %s (%s)",
				(unsigned)cp, bad + 1, w->cs.id, w->cs.encoding);
			return 0;
		}
		p = w->o.tmp.data ? w->o.tmp.data : "";
		n = w->o.tmp.len;
	}
	if (!seg->cs && w->have_cs) {
		uint32_t cp = 0;

		size_t g;

		i = outside_repertoire(w, (const unsigned char *)p, n, &cp, &g);
		if (g < n && i == n && !w->told_repertoire) {
			struct tdk_diag_loc loc;

			w->told_repertoire = 1;
			tdk_edi_seg_loc(seg, &loc, e, c, r);
			tdk_diag_add(w->o.d, TDK_SEV_WARNING, "EDI-WRITE-REPERTOIRE", &loc,
				     "character '%c' at position %zu is not in the repertoire of %s: written "
				     "as read, and tdk validate reports it; a level that has it (UNOB has lower "
				     "case) would make the interchange valid", p[g], g + 1, w->cs.id);
		}
		if (i < n) {
			w_error(w, seg, "EDI-WRITE-CHARSET", e, c, r,
				"character U+%04X at position %zu is a control character or a noncharacter, "
				"which %s cannot carry; only service characters can be released", (unsigned)cp, i + 1, w->cs.id);
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (!tdk_edi_chars_is_service(&w->ch, ch))
			continue;
		if (!w->ch.rel) {
			w_error(w, seg, "EDI-WRITE-RELEASE", e, c, r,
				"value holds service character 0x%02X and the interchange has no release "
				"character", ch);
			return 0;
		}
		rc |= tdk_buf_add(b, p + start, i - start);
		rc |= tdk_buf_addc(b, w->ch.rel);
		start = i;
	}
	rc |= tdk_buf_add(b, p + start, n - start);
	return rc;
}

static int e_segment(void *arg, const struct tdk_edi_seg *seg)
{
	struct tdk_edi_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	size_t e, r, c;
	int rc = 0;

	/* A UNB opens an interchange wherever it stands (ISO 9735-1:2002 clause 5:
	 * one without a UNA right before it is read with the default separators),
	 * as the parser reads it: written after its interchange's first segment, it
	 * would start another, and the rest would be read with other characters. */
	if (w->in_ich && w->ich_segs++ && tdk_edi_seg_is(seg, "UNB")) {
		w_error(w, seg, "EDI-WRITE-TAG", 0, 0, 0,
			"a UNB segment opens an interchange and can only be its first segment; it is "
			"not written");
		return 0;
	}
	if (tdk_edi_seg_is(seg, "UNB")) {
		if (w->need_unb)
			charset_from_unb(w, seg);
		version_from_unb(w, seg);
	}
	if (tdk_edi_tag_fault(seg, w->version)) {
		w_error(w, seg, "EDI-WRITE-TAG", 0, 0, 0,
			"segment tag is not a code of three upper-case letters or digits%s; it is not "
			"written", w->version >= 4 ? " without components" : "");
		return 0;
	}
	/* UNA is no segment: written as one, it would be read as a service string advice. */
	if (tdk_edi_seg_is(seg, "UNA")) {
		w_error(w, seg, "EDI-WRITE-TAG", 0, 0, 0,
			"a segment cannot be tagged 'UNA'; the service string advice is written from "
			"the interchange's una only");
		return 0;
	}
	rc |= put_layout(w, seg, seg->ws, seg->wslen);
	for (e = 0; e < seg->nelem; e++) {
		size_t nr = tdk_edi_seg_nreps(seg, e);

		if (e)
			rc |= tdk_buf_addc(b, w->ch.elem);
		if (nr > 1 && !w->ch.rep) {
			w_error(w, seg, "EDI-WRITE-REPETITION", (unsigned)e, 0, 2,
				"element has %zu repetitions but syntax version %d has no repetition "
				"separator", nr, w->version);
			nr = 1;
		}
		for (r = seg->elem[e]; r < seg->elem[e] + nr; r++) {
			size_t nc = tdk_edi_seg_ncomps(seg, r);

			if (r > seg->elem[e])
				rc |= tdk_buf_addc(b, w->ch.rep);
			for (c = 0; c < nc; c++) {
				if (c)
					rc |= tdk_buf_addc(b, w->ch.comp);
				rc |= put_value(w, seg, &seg->comp[seg->rep[r] + c], (unsigned)e,
						(unsigned)c + 1, nr > 1 ? (unsigned)(r - seg->elem[e]) + 1 : 0);
			}
		}
	}
	rc |= tdk_buf_addc(b, w->ch.term);
	if (rc)
		return TDK_EXIT_INTERNAL;
	return tdk_edi_out_flush(&w->o, 0);
}

static int e_interchange_end(void *arg)
{
	struct tdk_edi_writer *w = arg;

	w->una = 0;
	w->in_ich = 0;
	return set_charset(w, OUTSIDE_CHARSET) < 0 ? TDK_EXIT_INTERNAL : 0;
}

static int e_end(void *arg, const char *ws, size_t n)
{
	struct tdk_edi_writer *w = arg;
	struct tdk_edi_seg none;

	memset(&none, 0, sizeof(none));
	if (put_layout(w, &none, ws, n))
		return TDK_EXIT_INTERNAL;
	return tdk_edi_out_flush(&w->o, 1);
}

/* The sink's calls; tdk_edi_writer_new() hands out a copy bound to the writer. */
static const struct tdk_edi_sink edifact_sink = {
	.begin = e_begin,
	.interchange_begin = e_interchange_begin,
	.segment = e_segment,
	.interchange_end = e_interchange_end,
	.end = e_end,
};

struct tdk_edi_writer *tdk_edi_writer_new(struct tdk_output *out, struct tdk_diag *d,
					  struct tdk_edi_sink *sink)
{
	struct tdk_edi_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	tdk_edi_out_init(&w->o, out, d);
	tdk_edi_chars_default(&w->ch, 0, 0);
	if (set_charset(w, OUTSIDE_CHARSET) < 0) {
		tdk_edi_writer_free(w);
		return NULL;
	}
	*sink = edifact_sink;
	sink->arg = w;
	return w;
}

void tdk_edi_writer_free(struct tdk_edi_writer *w)
{
	if (!w)
		return;
	if (w->have_cs)
		tdk_charset_release(&w->cs);
	tdk_edi_out_release(&w->o);
	free(w);
}
