/*
 * Acknowledgement of received interchanges with CONTRL (ISO 9735-1:2002
 * clause 9 and annex; UNTDID D.96B part 4 chapter 2.3 section 10 for
 * versions 1 to 3).  A sink in front of the validator notes the structure
 * received; a diagnostics hook notes every error with its EDIFACT position;
 * tdk_edi_ack_write() then writes the report.
 *
 * Reporting levels and where an error goes:
 *   UCI  errors of UNA, UNB, UNZ and of what lies between groups and
 *        messages (0013/0135 names the segment, S011 the element);
 *   UCF  errors of UNG and UNE;
 *   UCM  errors of UNH and UNT, or without a segment position;
 *   UCS  an error of a segment of the message body (0096: its position
 *        counted from UNH = 1); a missing segment is reported at the
 *        position of the last segment before the place it was expected
 *        (UNSL 0096 note), on a UCS of its own;
 *   UCD  an error of a data element of that segment, under its UCS, with
 *        S011 (0098 element, 0104 component, 0136 occurrence in version 4).
 * UCI, UCF and UCM carry one error (the first); UCS carries the first
 * segment level error of its segment; up to 99 UCD follow a UCS, up to 999
 * UCS a UCM (the repeats of CONTRL's segment table).
 *
 * Actions (UNSL 0083): a level with an error of its own is rejected (4);
 * a message with any error is rejected (4); otherwise a level is
 * acknowledged (7: the next lower level is acknowledged unless it is
 * reported rejected).  Under an accepted level every group and message is
 * listed, under a rejected one only those with errors, all rejected.  The
 * receipt (TDK_ACK_RECEIPT) has UCI alone: 8 (UNB/UNZ received) or 4.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/contrl.h"
#include "edi/writer.h"
#include "util/exitcode.h"

#define NONE 0xFFFFFFFFu
#define VAL_MAX 36            /* characters kept of a value quoted back (an..35) */

/* ---- tdk diagnostic codes to UNSL 0085 ---- */

/* Where a code is reported when the position does not say. */
enum { AT_POS = 0, AT_ICH, AT_GRP };

struct code_map {
	const char *code;
	unsigned short syntax_error;   /* UNSL 0085 */
	char segment_kind;             /* 1: about the segment, not one of its elements */
	char level;                    /* AT_* */
	const char *tag;               /* the segment it is about when not the one at the position */
};

/* Sorted by code.  Keep in step with the table in tdk-validate(1). */
static const struct code_map code_map[] = {
	{ "EDI-CHARSET-INVALID", 21, 0, AT_POS, NULL },
	{ "EDI-CHARSET-REPERTOIRE", 21, 0, AT_POS, NULL },
	{ "EDI-CHARSET-UNKNOWN", 2, 0, AT_ICH, NULL },
	{ "EDI-CHARSET-UNSUPPORTED", 2, 0, AT_ICH, NULL },
	{ "EDI-CODE-UNKNOWN", 12, 0, AT_POS, NULL },
	{ "EDI-CTRL-UNE-COUNT", 29, 0, AT_POS, NULL },
	{ "EDI-CTRL-UNE-REF", 28, 0, AT_POS, NULL },
	{ "EDI-CTRL-UNT-COUNT", 29, 0, AT_POS, NULL },
	{ "EDI-CTRL-UNT-REF", 28, 0, AT_POS, NULL },
	{ "EDI-CTRL-UNZ-COUNT", 29, 0, AT_POS, NULL },
	{ "EDI-CTRL-UNZ-REF", 28, 0, AT_POS, NULL },
	{ "EDI-DIR-MESSAGE", 3, 0, AT_POS, NULL },
	{ "EDI-ELEM-FORMAT", 37, 0, AT_POS, NULL },
	{ "EDI-ELEM-LENGTH", 39, 0, AT_POS, NULL },
	{ "EDI-ELEM-MISSING", 13, 0, AT_POS, NULL },
	{ "EDI-ELEM-NUMERIC", 19, 0, AT_POS, NULL },
	{ "EDI-ELEM-REPEAT", 16, 0, AT_POS, NULL },
	{ "EDI-ELEM-TOO-MANY", 16, 0, AT_POS, NULL },
	{ "EDI-ENV-GROUP-MISMATCH", 31, 1, AT_GRP, NULL },
	{ "EDI-ENV-MIXED", 30, 1, AT_ICH, NULL },
	{ "EDI-ENV-OUTSIDE", 33, 1, AT_POS, NULL },
	{ "EDI-ENV-TRAILING", 33, 1, AT_ICH, NULL },
	{ "EDI-ENV-UNE-MISSING", 4, 1, AT_POS, "UNE" },
	{ "EDI-ENV-UNEXPECTED", 33, 1, AT_POS, NULL },
	{ "EDI-ENV-UNT-MISSING", 4, 1, AT_POS, "UNT" },
	{ "EDI-ENV-UNZ-MISSING", 4, 1, AT_POS, "UNZ" },
	{ "EDI-LIMIT-COMPONENTS", 16, 1, AT_POS, NULL },
	{ "EDI-MIG-CODE", 14, 0, AT_POS, NULL },
	{ "EDI-MIG-FORMAT", 37, 0, AT_POS, NULL },
	{ "EDI-MIG-LENGTH", 39, 0, AT_POS, NULL },
	{ "EDI-MIG-MISSING", 13, 0, AT_POS, NULL },
	{ "EDI-MIG-REPEAT", 35, 0, AT_POS, NULL },
	{ "EDI-MIG-VALUE", 14, 0, AT_POS, NULL },
	{ "EDI-STRUCT-MISSING", 13, 1, AT_POS, NULL },
	{ "EDI-STRUCT-ORDER", 15, 1, AT_POS, NULL },
	{ "EDI-STRUCT-REPEAT", 35, 1, AT_POS, NULL },
	{ "EDI-STRUCT-UNEXPECTED", 15, 1, AT_POS, NULL },
	{ "EDI-SVC-CODE", 12, 0, AT_POS, NULL },
	{ "EDI-SVC-DATE", 12, 0, AT_POS, NULL },
	{ "EDI-SVC-FORMAT", 37, 0, AT_POS, NULL },
	{ "EDI-SVC-LENGTH", 39, 0, AT_POS, NULL },
	{ "EDI-SVC-MISSING", 13, 0, AT_POS, NULL },
	{ "EDI-SVC-REPEAT", 16, 0, AT_POS, NULL },
	{ "EDI-SVC-TOO-MANY-COMPONENTS", 16, 0, AT_POS, NULL },
	{ "EDI-SVC-TOO-MANY-ELEMENTS", 16, 0, AT_POS, NULL },
	{ "EDI-SYNTAX-RELEASE", 22, 0, AT_POS, NULL },
	{ "EDI-SYNTAX-TAG", 6, 1, AT_POS, NULL },
	{ "EDI-SYNTAX-UNTERMINATED", 22, 1, AT_POS, NULL },
	{ "EDI-UNA-INVALID", 20, 1, AT_ICH, "UNA" },
	{ "EDI-UNA-POSITION", 1, 1, AT_ICH, "UNA" },
	{ "EDI-UNA-SHORT", 1, 1, AT_ICH, "UNA" },
};

static int cmp_map(const void *k, const void *e)
{
	return strcmp(k, ((const struct code_map *)e)->code);
}

static const struct code_map *lookup(const char *code)
{
	return bsearch(code, code_map, sizeof(code_map) / sizeof(code_map[0]), sizeof(code_map[0]), cmp_map);
}

/* "takes an..35; 'X' has 36 characters": 40 (too short) when the value is shorter than the length. */
static unsigned length_code(const char *msg)
{
	const char *p = msg ? strstr(msg, "takes ") : NULL, *q;
	unsigned long max = 0, len = 0;

	if (!p)
		return 39;
	for (p += 6; *p && (*p < '0' || *p > '9'); p++)
		;
	max = strtoul(p, NULL, 10);
	q = strstr(p, "' has ");
	if (!q)
		return 39;
	len = strtoul(q + 6, NULL, 10);
	return len < max ? 40 : 39;
}

unsigned tdk_edi_ack_code(const char *code, const char *msg)
{
	const struct code_map *m = lookup(code);

	if (!m)
		return 18;
	if (!strcmp(code, "EDI-STRUCT-REPEAT") || !strcmp(code, "EDI-MIG-REPEAT"))
		return msg && !strncmp(msg, "segment group", 13) ? 36 : 35;
	if (!strcmp(code, "EDI-ELEM-LENGTH"))
		return length_code(msg);
	if (!strcmp(code, "EDI-SVC-LENGTH"))
		return msg && strstr(msg, "exactly") ? 40 : 39;
	return m->syntax_error;
}

/* ---- What was received ---- */

struct val {
	char s[VAL_MAX * 4];   /* UTF-8 */
	unsigned char n;
};

/* An error: its level and position. */
enum { L_ICH, L_GRP, L_MSG, L_SEG, L_ELEM };

struct err {
	uint32_t ich, grp, msg;      /* where it belongs (NONE: not in one) */
	unsigned char level;
	unsigned char missing;       /* a missing segment: a UCS of its own */
	unsigned short code;         /* UNSL 0085 */
	unsigned long seg;           /* segment position in the message */
	char tag[4];                 /* the service segment named in 0013/0135 ("" none) */
	unsigned e, c, r;
};

struct msg {
	uint32_t ich, grp;
	struct val ref, id[7];
	unsigned nid;
	int errors;
};

struct grp {
	uint32_t ich;
	struct val ref, sender[2], recipient[2];
	int errors;
};

struct ich {
	int version, una, level_b, test, unb;
	char una_chars[6];
	char syntax_id[8];
	struct val ref, sender[4], recipient[4], sid, sver;
};

struct tdk_edi_ack {
	enum tdk_edi_ack_kind kind;
	char reference[16];
	time_t when;
	struct tdk_edi_sink next;

	struct ich *ichs;
	struct grp *grps;
	struct msg *msgs;
	struct err *errs;
	size_t nich, ngrp, nmsg, nerr, cich, cgrp, cmsg, cerr;
	uint32_t cur_ich, cur_grp, cur_msg;   /* open ones, or NONE */
	int oom;
};

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if (!(q = realloc(*p, c * size)))
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Keeps value e:c of seg as UTF-8, at most VAL_MAX - 1 characters. */
static void keep(struct val *v, const struct tdk_edi_seg *seg, size_t e, size_t c)
{
	const struct tdk_edi_value *x;
	struct tdk_buf b;
	size_t i, chars = 0, n;

	v->n = 0;
	if (e >= seg->nelem || c >= tdk_edi_seg_ncomps(seg, seg->elem[e]))
		return;
	x = &seg->comp[seg->rep[seg->elem[e]] + c];
	tdk_buf_init(&b, sizeof(v->s) * 2);
	if (seg->cs ? tdk_charset_to_utf8(seg->cs, &b, x->p, x->len) < 0 :
		      tdk_buf_add(&b, x->p, x->len) < 0) {
		tdk_buf_release(&b);
		return;
	}
	for (i = n = 0; i < b.len && n < sizeof(v->s); i++) {
		if (((unsigned char)b.data[i] & 0xC0) != 0x80 && ++chars > VAL_MAX - 1)
			break;
		n = i + 1;
	}
	memcpy(v->s, b.data ? b.data : "", n);
	v->n = (unsigned char)n;
	tdk_buf_release(&b);
}

static int a_begin(void *arg, int bom)
{
	struct tdk_edi_ack *a = arg;

	return a->next.begin ? a->next.begin(a->next.arg, bom) : 0;
}

static int a_interchange_begin(void *arg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_ack *a = arg;

	if (grow((void **)&a->ichs, &a->cich, a->nich, sizeof(*a->ichs)) < 0) {
		a->oom = 1;
	} else {
		struct ich *i = &a->ichs[a->nich];

		memset(i, 0, sizeof(*i));
		i->version = ich->version;
		i->una = ich->una;
		i->level_b = ich->level_b;
		memcpy(i->una_chars, ich->una_chars, sizeof(i->una_chars));
		memcpy(i->syntax_id, ich->syntax_id, sizeof(i->syntax_id));
		i->syntax_id[sizeof(i->syntax_id) - 1] = '\0';
		a->cur_ich = (uint32_t)a->nich++;
	}
	return a->next.interchange_begin ? a->next.interchange_begin(a->next.arg, ich) : 0;
}

static int a_group_begin(void *arg)
{
	struct tdk_edi_ack *a = arg;

	if (a->cur_ich != NONE && !grow((void **)&a->grps, &a->cgrp, a->ngrp, sizeof(*a->grps))) {
		memset(&a->grps[a->ngrp], 0, sizeof(a->grps[0]));
		a->grps[a->ngrp].ich = a->cur_ich;
		a->cur_grp = (uint32_t)a->ngrp++;
	} else if (a->cur_ich != NONE) {
		a->oom = 1;
	}
	return a->next.group_begin ? a->next.group_begin(a->next.arg) : 0;
}

static int a_message_begin(void *arg)
{
	struct tdk_edi_ack *a = arg;

	if (a->cur_ich != NONE && !grow((void **)&a->msgs, &a->cmsg, a->nmsg, sizeof(*a->msgs))) {
		memset(&a->msgs[a->nmsg], 0, sizeof(a->msgs[0]));
		a->msgs[a->nmsg].ich = a->cur_ich;
		a->msgs[a->nmsg].grp = a->cur_grp;
		a->cur_msg = (uint32_t)a->nmsg++;
	} else if (a->cur_ich != NONE) {
		a->oom = 1;
	}
	return a->next.message_begin ? a->next.message_begin(a->next.arg) : 0;
}

static int a_segment(void *arg, const struct tdk_edi_seg *seg)
{
	struct tdk_edi_ack *a = arg;
	size_t k;

	if (seg->svc == 'B' && a->cur_ich != NONE) {
		struct ich *i = &a->ichs[a->cur_ich];
		const struct tdk_edi_value *t = tdk_edi_seg_value(seg, 11, 0);

		i->unb = 1;
		keep(&i->sid, seg, 1, 0);
		keep(&i->sver, seg, 1, 1);
		for (k = 0; k < 4; k++) {
			keep(&i->sender[k], seg, 2, k);
			keep(&i->recipient[k], seg, 3, k);
		}
		keep(&i->ref, seg, 5, 0);
		i->test = t && t->len == 1 && t->p[0] == '1';
	} else if (seg->svc == 'G' && a->cur_grp != NONE) {
		struct grp *g = &a->grps[a->cur_grp];

		keep(&g->ref, seg, 5, 0);
		for (k = 0; k < 2; k++) {
			keep(&g->sender[k], seg, 2, k);
			keep(&g->recipient[k], seg, 3, k);
		}
	} else if (seg->svc == 'H' && a->cur_msg != NONE) {
		struct msg *m = &a->msgs[a->cur_msg];

		keep(&m->ref, seg, 1, 0);
		m->nid = seg->nelem > 2 ? (unsigned)tdk_edi_seg_ncomps(seg, seg->elem[2]) : 0;
		if (m->nid > 7)
			m->nid = 7;
		for (k = 0; k < m->nid; k++)
			keep(&m->id[k], seg, 2, k);
	}
	return a->next.segment ? a->next.segment(a->next.arg, seg) : 0;
}

static int a_message_end(void *arg)
{
	struct tdk_edi_ack *a = arg;

	a->cur_msg = NONE;
	return a->next.message_end ? a->next.message_end(a->next.arg) : 0;
}

static int a_group_end(void *arg)
{
	struct tdk_edi_ack *a = arg;

	a->cur_grp = NONE;
	return a->next.group_end ? a->next.group_end(a->next.arg) : 0;
}

static int a_interchange_end(void *arg)
{
	struct tdk_edi_ack *a = arg;

	a->cur_ich = a->cur_grp = a->cur_msg = NONE;
	return a->next.interchange_end ? a->next.interchange_end(a->next.arg) : 0;
}

static int a_end(void *arg, const char *ws, size_t n)
{
	struct tdk_edi_ack *a = arg;

	return a->next.end ? a->next.end(a->next.arg, ws, n) : 0;
}

struct tdk_edi_ack *tdk_edi_ack_new(enum tdk_edi_ack_kind kind, const char *reference, time_t when,
				    const struct tdk_edi_sink *next, struct tdk_edi_sink *sink)
{
	struct tdk_edi_ack *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->kind = kind;
	if (reference)
		snprintf(a->reference, sizeof(a->reference), "%s", reference);
	a->when = when;
	if (next)
		a->next = *next;
	a->cur_ich = a->cur_grp = a->cur_msg = NONE;
	memset(sink, 0, sizeof(*sink));
	sink->arg = a;
	sink->begin = a_begin;
	sink->interchange_begin = a_interchange_begin;
	sink->group_begin = a_group_begin;
	sink->message_begin = a_message_begin;
	sink->segment = a_segment;
	sink->message_end = a_message_end;
	sink->group_end = a_group_end;
	sink->interchange_end = a_interchange_end;
	sink->end = a_end;
	return a;
}

void tdk_edi_ack_free(struct tdk_edi_ack *a)
{
	if (!a)
		return;
	free(a->ichs);
	free(a->grps);
	free(a->msgs);
	free(a->errs);
	free(a);
}

static int tag_is(const char *tag, const char *a, const char *b)
{
	return !strcmp(tag, a) || (b && !strcmp(tag, b));
}

/*
 * Where an error belongs.  The envelope reports the faults of a header
 * before it announces the interchange, group or message the header opens:
 * an error on UNB, UNG or UNH outside one belongs to the one that comes next
 * (index n, not yet begun).
 */
void tdk_edi_ack_diag(struct tdk_edi_ack *a, const struct tdk_diag_item *it)
{
	const struct code_map *m;
	const char *tag = it->loc.edi.tag;
	struct err *e;
	uint32_t ich = a->cur_ich, grp = a->cur_grp, msg = a->cur_msg;

	if (it->sev != TDK_SEV_ERROR)
		return;
	if (grow((void **)&a->errs, &a->cerr, a->nerr, sizeof(*a->errs)) < 0) {
		a->oom = 1;
		return;
	}
	m = lookup(it->code);
	if (ich == NONE && (tag_is(tag, "UNB", NULL) || (m && m->tag && !strcmp(m->tag, "UNA"))))
		ich = (uint32_t)a->nich;
	if (ich != NONE && msg == NONE && tag_is(tag, "UNH", NULL) && !(m && m->level != AT_POS))
		msg = (uint32_t)a->nmsg;
	if (ich != NONE && grp == NONE && msg == NONE && tag_is(tag, "UNG", NULL))
		grp = (uint32_t)a->ngrp;
	if (ich == NONE)
		ich = a->nich ? (uint32_t)a->nich - 1 : 0;  /* after the last UNZ: the last interchange */
	e = &a->errs[a->nerr++];
	memset(e, 0, sizeof(*e));
	e->ich = ich;
	e->grp = grp;
	e->msg = msg;
	e->code = (unsigned short)tdk_edi_ack_code(it->code, it->msg);
	e->seg = it->loc.edi.segment;
	e->e = it->loc.edi.element;
	e->c = it->loc.edi.component;
	e->r = it->loc.edi.repetition;
	if (m && m->level == AT_ICH) {
		e->grp = e->msg = NONE;
		e->level = L_ICH;
	} else if (m && m->level == AT_GRP) {
		e->msg = NONE;
		e->level = e->grp != NONE ? L_GRP : L_ICH;
	} else if (e->msg != NONE) {
		/* A structure fault found at UNH or UNT is about the message body. */
		int body = !strncmp(it->code, "EDI-STRUCT-", 11) || !strncmp(it->code, "EDI-MIG-", 8);

		if ((tag_is(tag, "UNH", "UNT") && !body) || !e->seg || (m && m->tag))
			e->level = L_MSG;
		else
			e->level = (m && m->segment_kind) || !e->e ? L_SEG : L_ELEM;
		e->missing = !strcmp(it->code, "EDI-STRUCT-MISSING") || !strcmp(it->code, "EDI-MIG-MISSING");
		if (e->missing && e->level == L_SEG && e->seg > 1)
			e->seg--;   /* the last segment before the place it was expected */
	} else {
		e->level = e->grp != NONE ? L_GRP : L_ICH;
	}
	/* 0013/0135 names a service segment of the level itself. */
	if (m && m->tag)
		snprintf(e->tag, sizeof(e->tag), "%s", m->tag);
	else if ((e->level == L_ICH && tag_is(tag, "UNB", "UNZ")) ||
		 (e->level == L_GRP && tag_is(tag, "UNG", "UNE")) ||
		 (e->level == L_MSG && tag_is(tag, "UNH", "UNT")))
		memcpy(e->tag, tag, 3);
	if (e->level <= L_MSG && (!e->tag[0] || (m && m->tag)))
		e->e = e->c = e->r = 0;   /* S011 only with the segment it points into */
}

/* ---- Writing ---- */

struct w {
	struct tdk_edi_sink sink;
	struct tdk_edi_segbuild b;
	struct tdk_diag *d;
	int version;
	unsigned long nseg;       /* segments of the CONTRL message, UNH to UNT */
	int first, rc;
};

static void w_seg(struct w *w, const char *tag)
{
	tdk_edi_segbuild_reset(&w->b);
	w->rc |= tdk_edi_segbuild_comp(&w->b, tag, strlen(tag));
}

/* An element of n components (n may be 1); trailing empty components are left out. */
static void w_el(struct w *w, const struct val *const *v, size_t n)
{
	size_t i;

	while (n > 1 && (!v[n - 1] || !v[n - 1]->n))
		n--;
	w->rc |= tdk_edi_segbuild_elem(&w->b);
	for (i = 0; i < n; i++)
		w->rc |= tdk_edi_segbuild_comp(&w->b, v[i] ? v[i]->s : "", v[i] ? v[i]->n : 0);
}

static void w_str(struct w *w, const char *s)
{
	struct val v;
	const struct val *p = &v;

	v.n = (unsigned char)snprintf(v.s, sizeof(v.s), "%s", s ? s : "");
	w_el(w, &p, 1);
}

static void w_num(struct w *w, unsigned long n)
{
	char s[24];

	if (n)
		snprintf(s, sizeof(s), "%lu", n);
	else
		s[0] = '\0';
	w_str(w, s);
}

/* Ends the segment: trailing empty elements are left out. */
static void w_end(struct w *w, int in_message)
{
	struct tdk_edi_segbuild *b = &w->b;
	struct tdk_edi_seg seg;

	while (b->nelem > 1) {
		size_t r = b->elem[b->nelem - 1], c;
		int empty = r + 1 == b->nrep;

		for (c = b->rep[r]; empty && c < b->ncomp; c++)
			empty = !b->len[c];
		if (!empty)
			break;
		b->ncomp = b->rep[r];
		b->nrep = r;
		b->nelem--;
	}
	memset(&seg, 0, sizeof(seg));
	tdk_edi_segbuild_finish(b, &seg);
	seg.ws = w->first ? "" : "\n";
	seg.wslen = w->first ? 0 : 1;
	w->first = 0;
	if (in_message)
		w->nseg++;
	if (!w->rc && w->sink.segment)
		w->rc = w->sink.segment(w->sink.arg, &seg);
}

/* 0085, 0013/0135 and S011 of an error at the UCI, UCF or UCM level. */
static void w_error(struct w *w, const struct err *e)
{
	char s[3][24];
	struct val v[3];
	const struct val *p[3] = { &v[0], &v[1], &v[2] };
	size_t k;

	w_num(w, e ? e->code : 0);
	w_str(w, e ? e->tag : "");
	snprintf(s[0], sizeof(s[0]), "%u", e ? e->e : 0);
	snprintf(s[1], sizeof(s[1]), "%u", e ? e->c : 0);
	snprintf(s[2], sizeof(s[2]), "%u", e ? e->r : 0);
	for (k = 0; k < 3; k++) {
		v[k].n = (unsigned char)strlen(s[k]);
		memcpy(v[k].s, s[k], v[k].n + 1);
		if (!e || !e->e || (k == 1 && !e->c) || (k == 2 && (!e->r || w->version < 4)))
			v[k].n = 0;
	}
	w_el(w, p, 3);
}

static const struct err *own_error(const struct tdk_edi_ack *a, int level, uint32_t ich, uint32_t grp,
				   uint32_t msg)
{
	size_t i;

	for (i = 0; i < a->nerr; i++) {
		const struct err *e = &a->errs[i];

		if (e->level == level && e->ich == ich && (level < L_GRP || e->grp == grp) &&
		    (level < L_MSG || e->msg == msg))
			return e;
	}
	return NULL;
}

static int cmp_seg(const void *x, const void *y)
{
	const struct err *a = *(const struct err *const *)x, *b = *(const struct err *const *)y;

	if (a->seg != b->seg)
		return a->seg < b->seg ? -1 : 1;
	if (a->missing != b->missing)
		return a->missing < b->missing ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The UCS and UCD of message k. */
static void w_segments(struct w *w, const struct tdk_edi_ack *a, uint32_t k)
{
	const struct err **list = NULL;
	size_t n = 0, i, j, ucs = 0;

	for (i = 0; i < a->nerr; i++)
		n += a->errs[i].msg == k && a->errs[i].level >= L_SEG;
	if (!n || !(list = malloc(n * sizeof(*list)))) {
		w->rc |= n ? TDK_EXIT_INTERNAL : 0;
		return;
	}
	for (i = j = 0; i < a->nerr; i++)
		if (a->errs[i].msg == k && a->errs[i].level >= L_SEG)
			list[j++] = &a->errs[i];
	qsort(list, n, sizeof(*list), cmp_seg);
	for (i = 0; i < n && ucs < 999; i = j, ucs++) {
		const struct err *seg_err = NULL;
		size_t ucd = 0;

		/* The run of errors on one segment (a missing segment stands alone). */
		for (j = i; j < n && list[j]->seg == list[i]->seg && list[j]->missing == list[i]->missing &&
			    (j == i || !list[i]->missing); j++)
			if (list[j]->level == L_SEG && !seg_err)
				seg_err = list[j];
		w_seg(w, "UCS");
		w_num(w, list[i]->seg);
		w_num(w, seg_err ? seg_err->code : 0);
		w_end(w, 1);
		for (; i < j; i++) {
			struct val v[3];
			const struct val *p[3] = { &v[0], &v[1], &v[2] };

			if (list[i]->level != L_ELEM || ucd++ >= 99)
				continue;
			w_seg(w, "UCD");
			w_num(w, list[i]->code);
			v[0].n = (unsigned char)snprintf(v[0].s, sizeof(v[0].s), "%u", list[i]->e);
			v[1].n = list[i]->c ? (unsigned char)snprintf(v[1].s, sizeof(v[1].s), "%u", list[i]->c) : 0;
			v[2].n = list[i]->r && w->version >= 4 ?
				 (unsigned char)snprintf(v[2].s, sizeof(v[2].s), "%u", list[i]->r) : 0;
			w_el(w, p, 3);
			w_end(w, 1);
		}
	}
	free(list);
}

static int msg_rejected(const struct tdk_edi_ack *a, uint32_t k)
{
	size_t i;

	for (i = 0; i < a->nerr; i++)
		if (a->errs[i].msg == k && a->errs[i].level >= L_MSG)
			return 1;
	return 0;
}

/* A message can be quoted in UCM when its UNH gave what CONTRL requires. */
static int quotable(const struct msg *m, int version)
{
	size_t k;

	if (version >= 4)
		return 1;
	if (!m->ref.n || m->nid < 4)
		return 0;
	for (k = 0; k < 4; k++)
		if (!m->id[k].n)
			return 0;
	return 1;
}

static void w_ucm(struct w *w, const struct tdk_edi_ack *a, uint32_t k, int rejected)
{
	const struct msg *m = &a->msgs[k];
	const struct val *id[7];
	size_t i;

	w_seg(w, "UCM");
	w_el(w, (const struct val *[]){ &m->ref }, 1);
	for (i = 0; i < 7; i++)
		id[i] = i < m->nid ? &m->id[i] : NULL;
	w_el(w, id, m->nid ? m->nid : 1);
	w_num(w, rejected ? 4 : 7);
	w_error(w, own_error(a, L_MSG, m->ich, m->grp, k));
	w_end(w, 1);
	if (rejected)
		w_segments(w, a, k);
}

/* The messages of interchange i in group g (NONE: outside groups); parent_rejected lists only rejected ones. */
static void w_messages(struct w *w, const struct tdk_edi_ack *a, uint32_t i, uint32_t g, int parent_rejected)
{
	size_t k, n = 0;

	for (k = 0; k < a->nmsg && n < 999999; k++) {
		const struct msg *m = &a->msgs[k];
		int rej;

		if (m->ich != i || m->grp != g || !quotable(m, w->version))
			continue;
		rej = msg_rejected(a, (uint32_t)k);
		if (parent_rejected && !rej)
			continue;
		w_ucm(w, a, (uint32_t)k, rej || parent_rejected);
		n++;
	}
}

static int grp_has_errors(const struct tdk_edi_ack *a, uint32_t g)
{
	size_t i;

	for (i = 0; i < a->nerr; i++)
		if (a->errs[i].grp == g && a->errs[i].level >= L_GRP)
			return 1;
	return 0;
}

static int grp_quotable(const struct grp *g, int version)
{
	return g->ref.n && (version >= 4 || (g->sender[0].n && g->recipient[0].n));
}

static void w_groups(struct w *w, const struct tdk_edi_ack *a, uint32_t i, int parent_rejected)
{
	size_t k;

	for (k = 0; k < a->ngrp; k++) {
		const struct grp *g = &a->grps[k];
		const struct err *own;
		int rej;

		if (g->ich != i || !grp_quotable(g, w->version))
			continue;
		if (parent_rejected && !grp_has_errors(a, (uint32_t)k))
			continue;
		own = own_error(a, L_GRP, i, (uint32_t)k, NONE);
		rej = own || parent_rejected;
		w_seg(w, "UCF");
		w_el(w, (const struct val *[]){ &g->ref }, 1);
		w_el(w, (const struct val *[]){ &g->sender[0], &g->sender[1] }, 2);
		w_el(w, (const struct val *[]){ &g->recipient[0], &g->recipient[1] }, 2);
		w_num(w, rej ? 4 : 7);
		w_error(w, own);
		w_end(w, 1);
		w_messages(w, a, i, (uint32_t)k, rej);
	}
}

/* Messages and groups that cannot be quoted are reported at the interchange level. */
static const struct err *ich_error(const struct tdk_edi_ack *a, uint32_t i, int version)
{
	const struct err *e = own_error(a, L_ICH, i, NONE, NONE);
	size_t k;

	if (e)
		return e;
	for (k = 0; k < a->nerr; k++) {
		const struct err *x = &a->errs[k];

		if (x->ich != i)
			continue;
		if ((x->msg != NONE && x->msg < a->nmsg && !quotable(&a->msgs[x->msg], version)) ||
		    (x->msg != NONE && x->msg >= a->nmsg) ||
		    (x->grp != NONE && x->grp < a->ngrp && !grp_quotable(&a->grps[x->grp], version)) ||
		    (x->grp != NONE && x->grp >= a->ngrp))
			return x;
	}
	return NULL;
}

static void derive_reference(const struct tdk_edi_ack *a, const struct ich *i, char out[16])
{
	uint64_t h = 14695981039346656037ull;
	size_t k;

	if (a->reference[0]) {
		snprintf(out, 16, "%s", a->reference);
		return;
	}
	if (i->ref.n <= 13) {
		snprintf(out, 16, "A%.*s", (int)i->ref.n, i->ref.s);
		return;
	}
	for (k = 0; k < i->ref.n; k++) {
		h ^= (unsigned char)i->ref.s[k];
		h *= 1099511628211ull;
	}
	snprintf(out, 16, "H%013llu", (unsigned long long)(h % 10000000000000ull));
}

static int write_one(struct tdk_edi_ack *a, uint32_t i, struct tdk_output *out, struct tdk_diag *d)
{
	const struct ich *ich = &a->ichs[i];
	struct tdk_edi_writer *wr = NULL;
	struct tdk_edi_ich hdr;
	struct w w;
	const struct err *own;
	char ref[16], date[48], time_[32];
	struct tm tm;
	struct val vref, vdate, vtime;
	int r;

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.version = ich->version;
	w.first = !ich->una;
	tdk_edi_segbuild_init(&w.b, 1000);
	if (!(wr = tdk_edi_writer_new(out, d, &w.sink))) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.una = ich->una;
	memcpy(hdr.una_chars, ich->una_chars, sizeof(hdr.una_chars));
	hdr.level_b = ich->level_b;
	hdr.version = ich->version;
	memcpy(hdr.syntax_id, ich->syntax_id, sizeof(hdr.syntax_id));
	if ((r = w.sink.interchange_begin(w.sink.arg, &hdr)))
		goto out;

	derive_reference(a, ich, ref);
	vref.n = (unsigned char)snprintf(vref.s, sizeof(vref.s), "%s", ref);
	gmtime_r(&a->when, &tm);
	if (ich->version >= 4)
		snprintf(date, sizeof(date), "%04d%02d%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday);
	else
		snprintf(date, sizeof(date), "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
	snprintf(time_, sizeof(time_), "%02d%02d", tm.tm_hour, tm.tm_min);
	vdate.n = (unsigned char)snprintf(vdate.s, sizeof(vdate.s), "%s", date);
	vtime.n = (unsigned char)snprintf(vtime.s, sizeof(vtime.s), "%s", time_);

	/* UNB: the received recipient sends, the received sender receives (ISO 9735-1 clause 9). */
	w_seg(&w, "UNB");
	w_el(&w, (const struct val *[]){ &ich->sid, &ich->sver }, 2);
	w_el(&w, (const struct val *[]){ &ich->recipient[0], &ich->recipient[1], &ich->recipient[2],
					 ich->version >= 4 ? &ich->recipient[3] : NULL }, 4);
	w_el(&w, (const struct val *[]){ &ich->sender[0], &ich->sender[1], &ich->sender[2],
					 ich->version >= 4 ? &ich->sender[3] : NULL }, 4);
	w_el(&w, (const struct val *[]){ &vdate, &vtime }, 2);
	w_el(&w, (const struct val *[]){ &vref }, 1);
	if (ich->test) {
		int k;

		for (k = 0; k < 5; k++)
			w_str(&w, "");
		w_str(&w, "1");
	}
	w_end(&w, 0);

	w_seg(&w, "UNH");
	w_str(&w, "1");
	w_el(&w, (const struct val *[]){ &(struct val){ "CONTRL", 6 },
					 ich->version >= 4 ? &(struct val){ "4", 1 } : &(struct val){ "D", 1 },
					 ich->version >= 4 ? &(struct val){ "1", 1 } : &(struct val){ "3", 1 },
					 &(struct val){ "UN", 2 } }, 4);
	w_end(&w, 1);

	own = ich_error(a, i, ich->version);
	w_seg(&w, "UCI");
	w_el(&w, (const struct val *[]){ &ich->ref }, 1);
	w_el(&w, (const struct val *[]){ &ich->sender[0], &ich->sender[1], &ich->sender[2],
					 ich->version >= 4 ? &ich->sender[3] : NULL }, 4);
	w_el(&w, (const struct val *[]){ &ich->recipient[0], &ich->recipient[1], &ich->recipient[2],
					 ich->version >= 4 ? &ich->recipient[3] : NULL }, 4);
	w_num(&w, own ? 4 : a->kind == TDK_ACK_RECEIPT ? 8 : 7);
	w_error(&w, own);
	w_end(&w, 1);
	if (a->kind == TDK_ACK_CONTRL) {
		w_messages(&w, a, i, NONE, own != NULL);
		w_groups(&w, a, i, own != NULL);
	}

	w_seg(&w, "UNT");
	w_num(&w, w.nseg + 1);
	w_str(&w, "1");
	w_end(&w, 1);
	w_seg(&w, "UNZ");
	w_str(&w, "1");
	w_el(&w, (const struct val *[]){ &vref }, 1);
	w_end(&w, 0);
	if (w.rc) {
		r = w.rc < 0 ? TDK_EXIT_INTERNAL : w.rc;
		goto out;
	}
	if ((r = w.sink.interchange_end(w.sink.arg)))
		goto out;
	r = w.sink.end(w.sink.arg, "\n", 1);
out:
	tdk_edi_writer_free(wr);
	tdk_edi_segbuild_release(&w.b);
	return r;
}

int tdk_edi_ack_write(struct tdk_edi_ack *a, struct tdk_output *out, struct tdk_diag *d)
{
	size_t i;
	int r = 0;

	if (a->oom)
		return TDK_EXIT_INTERNAL;
	if (!a->nich)
		tdk_diag_add(d, TDK_SEV_WARNING, "EDI-ACK-UNB", NULL,
			     "no interchange to acknowledge: the input has no interchange header UNB");
	for (i = 0; i < a->nich && !r; i++) {
		const struct ich *ich = &a->ichs[i];

		if (!ich->unb || !ich->ref.n || !ich->sender[0].n || !ich->recipient[0].n || !ich->sid.n ||
		    !ich->sver.n) {
			tdk_diag_add(d, TDK_SEV_WARNING, "EDI-ACK-UNB", NULL,
				     "interchange %zu cannot be acknowledged with CONTRL: its UNB lacks the "
				     "syntax identifier, the control reference, the sender or the recipient "
				     "that UNB and UCI must quote", i + 1);
			continue;
		}
		r = write_one(a, (uint32_t)i, out, d);
	}
	a->nich = a->ngrp = a->nmsg = a->nerr = 0;
	a->cur_ich = a->cur_grp = a->cur_msg = NONE;
	return r;
}
