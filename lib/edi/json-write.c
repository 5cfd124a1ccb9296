/*
 * EDIFACT -> JSON: the same document model as the XML form, streamed.
 *
 *   {"format":"tdk-edifact","version":1,"bom":false,"content":[
 *    {"type":"interchange","charset":"UNOC","encoding":"ISO-8859-1","syntaxVersion":3,
 *     "una":":+.? '","unaWs":"\n","level":"B","content":[
 *      {"tag":"UNB","line":1,"col":10,"offset":9,"ws":"\n","elements":[["UNOC","3"],"X"]},
 *      {"type":"group","content":[...]}, {"type":"message","content":[...]} ]} ],
 *    "ws":"\n"}
 *
 * An element is a string (one component), an array of strings (components)
 * or {"repetitions":[...]} whose items are strings or arrays.  When the tag
 * has components, "tag" is absent and elements[0] is the tag element.  The
 * keys of a container come before its "content", so a reader can stream.
 */
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "edi/writer.h"
#include "util/exitcode.h"

#define DEPTH 8

struct tdk_edi_json_writer {
	struct tdk_edi_out o;
	int depth;
	int items[DEPTH];   /* items written so far at each depth */
};

static int put_str(struct tdk_buf *b, const char *s, size_t n)
{
	int r = 0;

	r |= tdk_buf_addc(b, '"');
	r |= tdk_json_escape(b, s, n);
	r |= tdk_buf_addc(b, '"');
	return r ? -1 : 0;
}

static int put_value(struct tdk_edi_json_writer *w, const struct tdk_edi_seg *seg,
		     const struct tdk_edi_value *v)
{
	if (!seg->cs)
		return put_str(&w->o.buf, v->p, v->len);
	tdk_buf_reset(&w->o.tmp);
	if (tdk_charset_to_utf8(seg->cs, &w->o.tmp, v->p, v->len) < 0) {
		size_t i;

		tdk_buf_reset(&w->o.tmp);
		for (i = 0; i < v->len; i++)
			if (tdk_charset_to_utf8(seg->cs, &w->o.tmp, v->p + i, 1) < 0 &&
			    tdk_buf_adds(&w->o.tmp, "\xEF\xBF\xBD") < 0)
				return -1;
	}
	return put_str(&w->o.buf, w->o.tmp.data ? w->o.tmp.data : "", w->o.tmp.len);
}

static int put_rep(struct tdk_edi_json_writer *w, const struct tdk_edi_seg *seg, size_t r)
{
	size_t c, nc = tdk_edi_seg_ncomps(seg, r);
	int rc = 0;

	if (nc == 1)
		return put_value(w, seg, &seg->comp[seg->rep[r]]);
	rc |= tdk_buf_addc(&w->o.buf, '[');
	for (c = 0; c < nc; c++) {
		if (c)
			rc |= tdk_buf_addc(&w->o.buf, ',');
		rc |= put_value(w, seg, &seg->comp[seg->rep[r] + c]);
	}
	rc |= tdk_buf_addc(&w->o.buf, ']');
	return rc ? -1 : 0;
}

static int put_elem(struct tdk_edi_json_writer *w, const struct tdk_edi_seg *seg, size_t e)
{
	size_t r, nr = tdk_edi_seg_nreps(seg, e), first = seg->elem[e];
	int rc = 0;

	if (nr == 1)
		return put_rep(w, seg, first);
	rc |= tdk_buf_addl(&w->o.buf, "{\"repetitions\":[");
	for (r = first; r < first + nr; r++) {
		if (r > first)
			rc |= tdk_buf_addc(&w->o.buf, ',');
		rc |= put_rep(w, seg, r);
	}
	rc |= tdk_buf_addl(&w->o.buf, "]}");
	return rc ? -1 : 0;
}

/* Separates an item from the one before it at the current depth. */
static int next_item(struct tdk_edi_json_writer *w)
{
	if (w->items[w->depth]++)
		return tdk_buf_addl(&w->o.buf, ",\n");
	return tdk_buf_addc(&w->o.buf, '\n');
}

static int open_container(struct tdk_edi_json_writer *w, const char *type)
{
	int r = next_item(w);

	r |= tdk_buf_addf(&w->o.buf, "{\"type\":\"%s\"", type);
	return r ? -1 : 0;
}

static int open_content(struct tdk_edi_json_writer *w)
{
	if (w->depth + 1 >= DEPTH)
		return -1;
	w->depth++;
	w->items[w->depth] = 0;
	return tdk_buf_addl(&w->o.buf, ",\"content\":[");
}

static int close_container(void *arg)
{
	struct tdk_edi_json_writer *w = arg;

	if (w->depth > 0)
		w->depth--;
	return tdk_buf_addl(&w->o.buf, "]}") ? TDK_EXIT_INTERNAL : 0;
}

static int j_begin(void *arg, int bom)
{
	struct tdk_edi_json_writer *w = arg;

	w->depth = 0;
	w->items[0] = 0;
	if (tdk_buf_addf(&w->o.buf, "{\"format\":\"tdk-edifact\",\"version\":1,\"bom\":%s,\"content\":[",
			 bom ? "true" : "false"))
		return TDK_EXIT_INTERNAL;
	return 0;
}

static int j_interchange_begin(void *arg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_json_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = open_container(w, "interchange");

	if (ich->cs) {
		const char *id = tdk_charset_label(ich->cs->id);

		r |= tdk_buf_addl(b, ",\"charset\":");
		r |= put_str(b, id, strlen(id));
		r |= tdk_buf_addl(b, ",\"encoding\":");
		r |= put_str(b, ich->cs->encoding, strlen(ich->cs->encoding));
	} else if (ich->syntax_id[0]) {
		/* from XML or JSON: the set named there, passed on */
		const char *id = tdk_charset_label(ich->syntax_id);

		r |= tdk_buf_addl(b, ",\"charset\":");
		r |= put_str(b, id, strlen(id));
	}
	if (ich->version)
		r |= tdk_buf_addf(b, ",\"syntaxVersion\":%d", ich->version);
	if (ich->una) {
		r |= tdk_buf_addl(b, ",\"una\":");
		r |= put_str(b, ich->una_chars, 6);
		if (ich->una_wslen) {
			r |= tdk_buf_addl(b, ",\"unaWs\":");
			r |= put_str(b, ich->una_ws, ich->una_wslen);
		}
	} else if (ich->level_b) {
		r |= tdk_buf_addl(b, ",\"level\":\"B\"");
	}
	r |= open_content(w);
	return r ? TDK_EXIT_INTERNAL : 0;
}

static int j_group_begin(void *arg)
{
	struct tdk_edi_json_writer *w = arg;

	return open_container(w, "group") || open_content(w) ? TDK_EXIT_INTERNAL : 0;
}

static int j_message_begin(void *arg)
{
	struct tdk_edi_json_writer *w = arg;

	return open_container(w, "message") || open_content(w) ? TDK_EXIT_INTERNAL : 0;
}

static int j_segment(void *arg, const struct tdk_edi_seg *seg)
{
	struct tdk_edi_json_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	size_t e = 1, first;
	int r = next_item(w);

	r |= tdk_buf_addc(b, '{');
	if (tdk_edi_seg_nreps(seg, 0) == 1 && tdk_edi_seg_ncomps(seg, 0) == 1) {
		r |= tdk_buf_addl(b, "\"tag\":");
		r |= put_value(w, seg, &seg->comp[0]);
		r |= tdk_buf_addc(b, ',');
	} else {
		e = 0;
	}
	if (seg->line) {
		r |= tdk_buf_addl(b, "\"line\":");
		r |= tdk_buf_addu(b, seg->line);
		r |= tdk_buf_addl(b, ",\"col\":");
		r |= tdk_buf_addu(b, seg->col);
		r |= tdk_buf_addl(b, ",\"offset\":");
		r |= tdk_buf_addu(b, seg->offset);
		r |= tdk_buf_addc(b, ',');
	}
	if (seg->wslen) {
		r |= tdk_buf_addl(b, "\"ws\":");
		r |= put_str(b, seg->ws, seg->wslen);
		r |= tdk_buf_addc(b, ',');
	}
	r |= tdk_buf_addl(b, "\"elements\":[");
	for (first = e; e < seg->nelem; e++) {
		if (e > first)
			r |= tdk_buf_addc(b, ',');
		r |= put_elem(w, seg, e);
	}
	r |= tdk_buf_addl(b, "]}");
	if (r)
		return TDK_EXIT_INTERNAL;
	return tdk_edi_out_flush(&w->o, 0);
}

static int j_end(void *arg, const char *ws, size_t n)
{
	struct tdk_edi_json_writer *w = arg;
	struct tdk_buf *b = &w->o.buf;
	int r = 0;

	r |= tdk_buf_addl(b, "\n]");
	if (n) {
		r |= tdk_buf_addl(b, ",\"ws\":");
		r |= put_str(b, ws, n);
	}
	r |= tdk_buf_addl(b, "}\n");
	if (r)
		return TDK_EXIT_INTERNAL;
	return tdk_edi_out_flush(&w->o, 1);
}

/* The sink's calls; tdk_edi_json_writer_new() hands out a copy bound to the writer. */
static const struct tdk_edi_sink json_sink = {
	.begin = j_begin,
	.interchange_begin = j_interchange_begin,
	.group_begin = j_group_begin,
	.message_begin = j_message_begin,
	.segment = j_segment,
	.message_end = close_container,
	.group_end = close_container,
	.interchange_end = close_container,
	.end = j_end,
};

struct tdk_edi_json_writer *tdk_edi_json_writer_new(struct tdk_output *out, struct tdk_diag *d,
						    struct tdk_edi_sink *sink)
{
	struct tdk_edi_json_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	tdk_edi_out_init(&w->o, out, d);
	*sink = json_sink;
	sink->arg = w;
	return w;
}

void tdk_edi_json_writer_free(struct tdk_edi_json_writer *w)
{
	if (!w)
		return;
	tdk_edi_out_release(&w->o);
	free(w);
}
