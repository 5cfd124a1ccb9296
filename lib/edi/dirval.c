/*
 * Validation of messages against their UNTDID directory, on top of the
 * syntax checks: the release and message come from UNH (S009: 0065 type,
 * 0052 version, 0054 release, 0051 agency), then every segment is matched
 * against the message's segment table and its data elements against the
 * segment, composite and element directories and the code lists.
 *
 * Segment tables are matched as ISO 9735-1:2002 clause 7 describes them: a
 * segment group begins with its trigger segment, which occurs once per
 * repetition of the group; within a group the segments come in table order,
 * each at most its maximum repeat; a mandatory segment or group that is
 * passed over is missing.  A segment that fits nowhere leaves the state as it
 * was, so that one stray segment is one error and the rest of the message is
 * still checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/contrl.h"
#include "edi/dirval.h"
#include "edi/mig.h"
#include "util/exitcode.h"

#define ROOT TDK_DIR_NONE
#define MAX_DEPTH 32
#define MEMO_SIZE 4096   /* code lookups remembered, a power of 2 */
/*
 * Segments of one message out of place (not in its table, out of order, past
 * their maximum repeat) reported one by one; past that they are counted, and
 * one note at the end of the message says how many (tdk-validate(1),
 * EDI-STRUCT-LIMIT): a stream of stray segments is not a stream of diagnostics.
 */
#define MAX_STRAY 100

struct frame {
	uint32_t g;      /* the group's node, or ROOT */
	uint32_t first;  /* its first entry (a group's trigger) */
	uint32_t end;    /* just past its entries */
	uint32_t cur;    /* the child node last matched, or TDK_DIR_NONE */
	uint32_t n;      /* its occurrences in this repetition */
};

struct tdk_edi_dirval {
	struct tdk_dir_set *set;
	struct tdk_diag *d;
	unsigned long partial;                 /* messages checked at the syntax level only */
	char why[96];                          /* why the first of them was */
	const struct tdk_dir *dir;             /* the release of the current message, or NULL */
	const struct tdk_dir_message *msg;     /* its definition, or NULL: not checked */
	const struct tdk_dir_node *nodes;      /* its segment table: dir->nodes + msg->first */
	struct frame stack[MAX_DEPTH];
	struct tdk_diag_loc last;               /* the last segment of the message */
	unsigned long stray;                    /* its segments out of place */
	size_t depth;
	int version;
	unsigned char dec;                      /* decimal mark from UNA */
	int utf8;
	struct tdk_dir_told told;               /* releases said to be missing in this input */
	const struct tdk_edi_mig *mig;          /* overlay narrowing the directory, or NULL */
	/* The last code lookups (values up to 8 bytes) of memo_dir, by list and value. */
	const struct tdk_dir *memo_dir;
	struct memo {
		uint64_t key;
		uint32_t list, len;             /* len: the value's length + 1; 0 for an empty slot */
		uint32_t known;
	} memo[MEMO_SIZE];
};

struct tdk_edi_dirval *tdk_edi_dirval_new(struct tdk_dir_set *set, struct tdk_diag *d)
{
	struct tdk_edi_dirval *v = calloc(1, sizeof(*v));

	if (v) {
		v->set = set;
		v->d = d;
		v->dec = '.';
	}
	return v;
}

void tdk_edi_dirval_free(struct tdk_edi_dirval *v)
{
	free(v);
}

unsigned long tdk_edi_dirval_partial(const struct tdk_edi_dirval *v, const char **why)
{
	if (why)
		*why = v->partial ? v->why : NULL;
	return v->partial;
}

void tdk_edi_dirval_mig(struct tdk_edi_dirval *v, const struct tdk_edi_mig *mig)
{
	v->mig = mig;
}

void tdk_edi_dirval_interchange(struct tdk_edi_dirval *v, const struct tdk_edi_ich *ich)
{
	v->version = ich->version;
	v->dec = ich->chars.dec ? ich->chars.dec : '.';
	v->utf8 = ich->cs && ich->cs->kind == TDK_CS_UTF8;
}

static const struct tdk_dir_node *node(const struct tdk_edi_dirval *v, uint32_t i)
{
	return &v->nodes[i];
}

/* A tag as one number, to compare in one step: "DTM" and its NUL (or a fourth character). */
static uint32_t tag_key(const char *tag)
{
	uint32_t k;

	memcpy(&k, tag, sizeof(k));
	return k;
}

static uint32_t next_sibling(const struct tdk_edi_dirval *v, uint32_t c)
{
	return node(v, c)->group ? node(v, c)->end : c + 1;
}

/* The tag a node is entered by: its own, or its trigger segment's. */
static uint32_t entry_key(const struct tdk_edi_dirval *v, uint32_t c)
{
	return tag_key(node(v, c)->group ? node(v, c + 1)->tag : node(v, c)->tag);
}

/* "SG6/SG7" for the open groups, "" at the message level. */
static void group_path(const struct tdk_edi_dirval *v, size_t depth, char *s, size_t n)
{
	size_t i, k = 0;

	s[0] = '\0';
	for (i = 1; i < depth && k + 12 < n; i++)
		k += (size_t)snprintf(s + k, n - k, "%sSG%u", i > 1 ? "/" : "", (unsigned)node(v, v->stack[i].g)->group);
}

static void where(const struct tdk_edi_dirval *v, size_t depth, char *s, size_t n)
{
	char path[160];

	group_path(v, depth, path, sizeof(path));
	if (*path)
		snprintf(s, n, " in %s", path);
	else
		snprintf(s, n, "%s", " at the message level");
}

/* A mandatory entry passed over; loc is the segment that came instead, or NULL at the message's end. */
static void missing(struct tdk_edi_dirval *v, const struct tdk_diag_loc *loc, uint32_t c, size_t depth)
{
	const struct tdk_dir_node *nd = node(v, c);
	const char *when = loc ? " before this segment" : " at the end of the message";
	char w[200];

	if (nd->status != 'M') {
		if (v->mig) {
			where(v, depth, w, sizeof(w));
			tdk_edi_mig_missing(v->mig, v->dir, v->msg, c, loc ? loc : &v->last, w, v->d);
		}
		return;
	}
	where(v, depth, w, sizeof(w));
	if (nd->group)
		tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-STRUCT-MISSING", loc ? loc : &v->last,
			     "mandatory segment group %u (%s, position %04u) is missing%s%s",
			     (unsigned)nd->group, node(v, c + 1)->tag, (unsigned)nd->pos, w, when);
	else
		tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-STRUCT-MISSING", loc ? loc : &v->last,
			     "mandatory segment '%s' (position %04u) is missing%s%s", nd->tag,
			     (unsigned)nd->pos, w, when);
}

/*
 * Reports the mandatory entries of frame k after its current one and before
 * `to`, stepping from one mandatory entry to the next (next_m), or through
 * all of them when an overlay is applied.
 */
static void passed_over(struct tdk_edi_dirval *v, const struct tdk_diag_loc *loc, size_t k, uint32_t to)
{
	const struct frame *f = &v->stack[k];
	uint32_t c = f->cur == TDK_DIR_NONE ? f->first : next_sibling(v, f->cur);

	if (to > f->end)
		to = f->end;
	/* An overlay may make conditional entries mandatory: then every entry is looked at. */
	if (v->mig) {
		for (; c < to; c = next_sibling(v, c))
			missing(v, loc, c, k + 1);
		return;
	}
	while (c < to && (c = node(v, c)->next_m) < to) {
		missing(v, loc, c, k + 1);
		c = next_sibling(v, c);
	}
}

static void push(struct tdk_edi_dirval *v, uint32_t g)
{
	if (v->depth < MAX_DEPTH) {
		v->stack[v->depth].g = g;
		v->stack[v->depth].first = g + 1;
		v->stack[v->depth].end = node(v, g)->end;
		v->stack[v->depth].cur = g + 1;
		v->stack[v->depth].n = 1;
		v->depth++;
	}
}

/* Where in the table a segment with this tag may stand, for the "out of order" message. */
static uint32_t anywhere(const struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg)
{
	uint32_t c, key = tag_key(seg->tag);

	for (c = 0; c < v->msg->n; c++)
		if (!node(v, c)->group && tag_key(node(v, c)->tag) == key)
			return c;
	return TDK_DIR_NONE;
}

/*
 * Takes entry c of frame k for seg: the frames inside k are left (what they
 * still required is missing), and c is either the current entry once more
 * (a repeat, reported past its maximum) or a later one (what lay between is
 * missing); a group is entered.
 */
static uint32_t take(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg, size_t k, uint32_t c)
{
	const struct tdk_diag_loc *loc = &v->last;
	struct frame *f = &v->stack[k];
	char w[200];

	while (v->depth > k + 1) {
		passed_over(v, loc, v->depth - 1, TDK_DIR_NONE);
		v->depth--;
	}
	if (c == f->cur) {
		f->n++;
		if (f->n > node(v, c)->repeat) {
			if (++v->stray <= MAX_STRAY) {
				where(v, k + 1, w, sizeof(w));
				if (node(v, c)->group)
					tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-STRUCT-REPEAT", loc,
						     "segment group %u occurs more than its maximum of %u%s",
						     (unsigned)node(v, c)->group, (unsigned)node(v, c)->repeat, w);
				else
					tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-STRUCT-REPEAT", loc,
						     "segment '%s' occurs more than its maximum of %u%s",
						     seg->tag, (unsigned)node(v, c)->repeat, w);
			}
		} else if (v->mig) {
			where(v, k + 1, w, sizeof(w));
			tdk_edi_mig_repeat(v->mig, v->dir, v->msg, c, f->n, loc, w, v->d);
		}
	} else {
		passed_over(v, loc, k, c);
		f->cur = c;
		f->n = 1;
	}
	if (!node(v, c)->group)
		return c;
	push(v, c);
	return c + 1;
}

/*
 * Matches seg in the segment table; v->last is already its position.
 *
 * The places a segment may take are tried in table order from where the
 * message stands, innermost group first: the current entry again while its
 * maximum repeat allows, a later entry of the same group, then the same in
 * each enclosing group, where an entry that is a group is entered by its
 * trigger segment (a new occurrence of a group that is open, or a later
 * group).  ISO 9735-1:2002 clause 7, as the UNTDID segment tables apply it: a
 * segment group's trigger occurs once per occurrence of the group, so a segment whose
 * repeats are used up at its place may still begin a new occurrence of an
 * enclosing group or a later group.  Only when it fits nowhere else does an
 * exhausted place take it, as a repeat error.
 *
 * Returns the node the segment was read as, or TDK_DIR_NONE when it fits nowhere.
 */
static uint32_t structure(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg)
{
	const struct tdk_diag_loc *loc = &v->last;
	size_t k, full_k = 0;
	uint32_t full = TDK_DIR_NONE, key = tag_key(seg->tag);
	char w[200];

	for (k = v->depth; k-- > 0;) {
		struct frame *f = &v->stack[k];
		uint32_t start = f->cur == TDK_DIR_NONE ? f->first : f->cur;
		uint32_t end = f->end, skip = k > 0 ? f->first : TDK_DIR_NONE, c;

		for (c = start; c < end; c = next_sibling(v, c)) {
			/* A group's trigger begins a new repetition: that is decided one level up. */
			if (c == skip)
				continue;
			if (entry_key(v, c) != key)
				continue;
			if (c == f->cur && f->n >= node(v, c)->repeat) {
				/* Used up here: kept in case it fits nowhere else. */
				if (full == TDK_DIR_NONE)
					full = c, full_k = k;
				continue;
			}
			return take(v, seg, k, c);
		}
	}
	if (full != TDK_DIR_NONE)
		return take(v, seg, full_k, full);
	if (++v->stray > MAX_STRAY)
		return TDK_DIR_NONE;
	where(v, v->depth, w, sizeof(w));
	if ((k = anywhere(v, seg)) != TDK_DIR_NONE)
		tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-STRUCT-ORDER", loc,
			     "segment '%s' is not allowed here%s (message %s places it at position %04u)",
			     seg->tag, w, v->msg->type, (unsigned)node(v, (uint32_t)k)->pos);
	else
		tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-STRUCT-UNEXPECTED", loc,
			     "segment '%s' is not part of message %s in release %s", seg->tag, v->msg->type,
			     v->dir->release);
	return TDK_DIR_NONE;
}

/* ---- Data elements ---- */

/*
 * Whether list holds the value p (n bytes).  The same few codes come again and
 * again (qualifiers), so answers are remembered in a small table indexed by a
 * hash of list and value.
 */
static int known_code(struct tdk_edi_dirval *v, uint32_t list, const char *p, size_t n)
{
	uint64_t key;
	struct memo *m;
	int known;

	if (n > 8)
		return tdk_dir_code(v->dir, &v->dir->lists[list], p, n) != NULL;
	key = tdk_dir_code_key(p, n);
	m = &v->memo[((key ^ (uint64_t)list << 40 ^ n) * 0x9E3779B97F4A7C15ull) >> 52 & (MEMO_SIZE - 1)];
	if (m->len == n + 1 && m->key == key && m->list == list)
		return (int)m->known;
	known = tdk_dir_code(v->dir, &v->dir->lists[list], p, n) != NULL;
	m->key = key;
	m->list = list;
	m->len = (uint32_t)n + 1;
	m->known = (uint32_t)known;
	return known;
}

static size_t chars(const struct tdk_edi_dirval *v, const char *p, size_t n)
{
	size_t i, c = 0;

	if (!v->utf8)
		return n;
	for (i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

/*
 * Reports an error at element e, component c, repetition r of seg: positions
 * are worked out only for what is reported, out of the way of the checks.
 */
static void report(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg, unsigned e, unsigned c, unsigned r,
		   const char *code, const char *fmt, ...) __attribute__((format(printf, 7, 8), noinline, cold));

static void report(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg, unsigned e, unsigned c, unsigned r,
		   const char *code, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	va_list ap;

	tdk_edi_seg_loc(seg, &loc, e, c, r);
	va_start(ap, fmt);
	tdk_diag_addv(v->d, TDK_SEV_ERROR, code, &loc, fmt, ap);
	va_end(ap);
}

static const char *kind_name(const struct tdk_dir_element *el)
{
	return el->kind == 'n' ? "n" : el->kind == 'a' ? "a" : "an";
}

/* How much of a value the messages show. */
#define SHOWN(val) ((val)->len > 40 ? 40 : (int)(val)->len)

/* codes: whether a coded value is looked up in the release's code list (see foreign_agency). */
static void value(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg, const struct tdk_dir_element *el,
		  const struct tdk_edi_value *val, unsigned e, unsigned c, unsigned r, int codes)
{
	size_t len, i;

	if (el->kind == 'n') {
		/*
		 * ISO 9735-1:2002 clause 12: a numeric value is digits with an
		 * optional leading minus sign and one decimal mark; neither the
		 * sign nor the mark counts toward the length.
		 */
		size_t digits = 0, marks = 0;
		int bad = 0;

		for (i = 0; i < val->len; i++) {
			unsigned char ch = (unsigned char)val->p[i];

			if (ch >= '0' && ch <= '9')
				digits++;
			else if (ch == '-' && i == 0)
				;
			else if (ch == v->dec || ch == '.' || ch == ',')
				marks++;
			else
				bad = 1;
		}
		if (bad || marks > 1 || !digits || (val->len && (val->p[val->len - 1] == v->dec))) {
			report(v, seg, e, c, r, marks > 1 || (!bad && digits) ? "EDI-ELEM-NUMERIC" : "EDI-ELEM-FORMAT",
			       "data element %s is numeric (%s%s%u); '%.*s' is not a number", el->tag, kind_name(el),
			       el->var ? ".." : "", (unsigned)el->max, SHOWN(val), val->p);
			return;
		}
		len = digits;
	} else {
		if (el->kind == 'a')
			for (i = 0; i < val->len; i++)
				if (val->p[i] >= '0' && val->p[i] <= '9') {
					report(v, seg, e, c, r, "EDI-ELEM-FORMAT",
					       "data element %s is alphabetic (a%s%u); '%.*s' has a digit", el->tag,
					       el->var ? ".." : "", (unsigned)el->max, SHOWN(val), val->p);
					return;
				}
		len = chars(v, val->p, val->len);
	}
	if (len > el->max || (!el->var && len != el->max)) {
		report(v, seg, e, c, r, "EDI-ELEM-LENGTH", "data element %s takes %s%s%u; '%.*s' has %zu character%s",
		       el->tag, kind_name(el), el->var ? ".." : "", (unsigned)el->max, SHOWN(val), val->p, len,
		       len == 1 ? "" : "s");
		return;
	}
	/* The service directories built in for CONTRL are no release 'tdk dir' can show. */
	if (codes && el->codes != TDK_DIR_NONE && !known_code(v, el->codes, val->p, val->len)) {
		if (v->dir->release[0] != 'D')
			report(v, seg, e, c, r, "EDI-CODE-UNKNOWN",
			       "'%.*s' is not a code of service code list %s of %s, which has %u codes",
			       SHOWN(val), val->p, el->tag, v->dir->release[5] == '4' ?
			       "ISO 9735-1:2002 (syntax version 4)" : "ISO 9735 syntax versions 1 to 3",
			       (unsigned)v->dir->lists[el->codes].n);
		else
			report(v, seg, e, c, r, "EDI-CODE-UNKNOWN",
			       "'%.*s' is not a code of list %s (%s) in release %s; 'tdk dir show %s %s' lists its %u codes",
			       SHOWN(val), val->p, el->tag, tdk_dir_str(v->dir, el->name), v->dir->release,
			       v->dir->release, el->tag, (unsigned)v->dir->lists[el->codes].n);
	}
}

/*
 * Whether a composite's codes belong to a list that another agency keeps: its
 * code list responsible agency (3055) is given and is not 6 (UN/ECE), as in
 * C224 '45G1:102:5', an ISO 6346 size and type code (agency 5, ISO).  UNCL
 * defines the codes of UN/ECE's lists only (UNTDID, UNCL introduction; 3055
 * code 6), so such codes, and the code list identification (1131) that
 * names the other agency's list, are not looked up in UNCL; the agency code
 * itself is.  A composite without a 3055 component, or with it empty, uses
 * UNCL.  vals are the k components given.
 */
static int foreign_agency(const struct tdk_dir_member *cms, uint32_t n, const struct tdk_edi_value *vals, size_t k)
{
	uint32_t j;

	for (j = 0; j < n && j < k; j++)
		if (!strcmp(cms[j].tag, "3055"))
			return vals[j].len && !(vals[j].len == 1 && vals[j].p[0] == '6');
	return 0;
}

static int empty(const struct tdk_edi_seg *seg, size_t rep)
{
	size_t i, n = tdk_edi_seg_ncomps(seg, rep);

	for (i = 0; i < n; i++)
		if (seg->comp[seg->rep[rep] + i].len)
			return 0;
	return 1;
}

static void elements(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg, const struct tdk_dir_segment *s)
{
	const struct tdk_dir_member *members = v->dir->members;
	unsigned e;

	if (seg->nelem - 1 > s->n)
		report(v, seg, s->n + 1, 0, 0, "EDI-ELEM-TOO-MANY", "segment '%s' has %zu data elements; release %s defines %u",
		       seg->tag, seg->nelem - 1, v->dir->release, (unsigned)s->n);
	for (e = 1; e <= s->n; e++) {
		const struct tdk_dir_member *m = &members[s->first + e - 1];
		size_t nreps = e < seg->nelem ? tdk_edi_seg_nreps(seg, e) : 0, r;
		int present = 0;

		/* Past the segment's last element and its last mandatory one there is nothing to check. */
		if (e >= seg->nelem && e > s->last_m)
			break;

		if (nreps > m->repeat)
			report(v, seg, e, 0, m->repeat + 1, "EDI-ELEM-REPEAT", "%s repeats %zu times; at most %u", m->tag,
			       nreps, (unsigned)m->repeat);
		for (r = 0; r < nreps; r++) {
			size_t rep = seg->elem[e] + r, k = tdk_edi_seg_ncomps(seg, rep), j;
			const struct tdk_edi_value *vals = &seg->comp[seg->rep[rep]];
			unsigned rr = nreps > 1 ? (unsigned)r + 1 : 0;

			if (empty(seg, rep))
				continue;
			present = 1;
			if (m->ref == TDK_DIR_NONE)
				continue;
			if (!m->composite) {
				if (k > 1)
					report(v, seg, e, 2, rr, "EDI-ELEM-TOO-MANY",
					       "%s is a simple data element; it has no components", m->tag);
				value(v, seg, &v->dir->elements[m->ref], &vals[0], e, 0, rr, 1);
				continue;
			}
			{
				const struct tdk_dir_composite *c = &v->dir->composites[m->ref];
				const struct tdk_dir_member *cms = &members[c->first];
				int foreign = foreign_agency(cms, c->n, vals, k);

				if (k > c->n)
					report(v, seg, e, c->n + 1, rr, "EDI-ELEM-TOO-MANY",
					       "composite %s has %zu components; release %s defines %u", m->tag, k,
					       v->dir->release, (unsigned)c->n);
				for (j = 0; j < c->n; j++) {
					const struct tdk_dir_member *cm = &cms[j];

					if (j >= k && j >= c->last_m)
						break;
					if (j >= k || !vals[j].len) {
						if (cm->status == 'M')
							report(v, seg, e, (unsigned)j + 1, rr, "EDI-ELEM-MISSING",
							       "mandatory component %s of %s is missing", cm->tag, m->tag);
						continue;
					}
					if (cm->ref != TDK_DIR_NONE)
						value(v, seg, &v->dir->elements[cm->ref], &vals[j], e, (unsigned)j + 1, rr,
						      !foreign || !strcmp(cm->tag, "3055"));
				}
			}
		}
		if (!present && m->status == 'M')
			report(v, seg, e, 0, 0, "EDI-ELEM-MISSING", "mandatory data element %s of segment '%s' is missing",
			       m->tag, seg->tag);
	}
}

/* The segment's dependency notes, as its release gives them (ISO 9735-1:2002 clause 11). */
static void dependencies(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg, const struct tdk_dir_segment *s)
{
	const struct tdk_dir_member *members = v->dir->members + s->first;
	uint32_t i, k;

	for (i = s->deps; i < s->deps + s->ndeps; i++) {
		const struct tdk_dir_dep *dep = &v->dir->deps[i];
		uint32_t el[TDK_DIR_DEP_MAX], pos[TDK_DIR_DEP_MAX];
		const char *names[TDK_DIR_DEP_MAX];
		char note[128], state[128];

		for (k = 0; k < dep->n; k++) {
			el[k] = dep->member[k] + 1;
			pos[k] = members[dep->member[k]].pos;
			names[k] = members[dep->member[k]].tag;
		}
		if (tdk_edi_dep_met(seg, dep->type, el, dep->n))
			continue;
		tdk_edi_dep_describe(seg, dep->type, el, pos, names, dep->n, note, state, sizeof(state));
		/* The service directories built in for CONTRL are no release. */
		report(v, seg, 0, 0, 0, "EDI-DEPENDENCY", "dependency note %s of %s%s is not met (%s): %s", note,
		       v->dir->release[0] == 'D' ? "release " : "syntax version 4 (ISO 9735-1 annex C)",
		       v->dir->release[0] == 'D' ? v->dir->release : "", tdk_edi_dep_name(dep->type), state);
	}
}

/* ---- Messages ---- */

/* A message checked at the syntax level only, and why (for the first). */
static void partial(struct tdk_edi_dirval *v, const struct tdk_dir_unh *u)
{
	if (!v->partial++) {
		if (u->canon[0])
			snprintf(v->why, sizeof(v->why), "release %s is not installed", u->canon);
		else
			snprintf(v->why, sizeof(v->why), "UNH names no UNTDID release ('%.8s:%.8s:%.8s')",
				 u->version, u->release, u->agency);
	}
}

static void begin_message(struct tdk_edi_dirval *v, const struct tdk_edi_seg *unh)
{
	struct tdk_dir_unh u;
	struct tdk_diag_loc loc;
	char type[16], ver[8], rel[8], agency[8];

	v->msg = NULL;
	v->dir = NULL;
	tdk_edi_seg_str(unh, 2, 0, type, sizeof(type));
	tdk_edi_seg_str(unh, 2, 1, ver, sizeof(ver));
	tdk_edi_seg_str(unh, 2, 2, rel, sizeof(rel));
	tdk_edi_seg_str(unh, 2, 3, agency, sizeof(agency));
	/* CONTRL is defined by ISO 9735, not by a release; other UN messages of version D by the UNTDID. */
	if ((v->dir = tdk_edi_contrl_dir(type, ver, rel, agency))) {
		v->msg = tdk_dir_message(v->dir, type);
	} else {
		switch (tdk_dir_set_unh(v->set, unh, &v->told, &u, v->d)) {
		case TDK_DIR_UNH_NOT_UNTDID:
		case TDK_DIR_UNH_MISSING:
			partial(v, &u);
			return;
		case TDK_DIR_UNH_BROKEN:
			return;
		case TDK_DIR_UNH_NO_MESSAGE:
			tdk_edi_seg_loc(unh, &loc, 2, 1, 0);
			tdk_diag_add(v->d, TDK_SEV_ERROR, "EDI-DIR-MESSAGE", &loc,
				     "release %s has no message '%s'; 'tdk dir list %s' lists its %u messages", u.canon,
				     u.type, u.canon, (unsigned)u.dir->nmessages);
			return;
		}
		v->dir = u.dir;
		v->msg = u.msg;
	}
	if (v->memo_dir != v->dir) {
		memset(v->memo, 0, sizeof(v->memo));
		v->memo_dir = v->dir;
	}
	tdk_edi_seg_loc(unh, &v->last, 0, 0, 0);
	if (!v->msg) {
		v->dir = NULL;
		return;
	}
	v->nodes = v->dir->nodes + v->msg->first;
	v->stray = 0;
	v->depth = 1;
	v->stack[0].g = ROOT;
	v->stack[0].first = 0;
	v->stack[0].end = v->msg->n;
	v->stack[0].cur = TDK_DIR_NONE;
	v->stack[0].n = 0;
}

void tdk_edi_dirval_segment(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg)
{
	const struct tdk_dir_segment *s;
	uint32_t c;

	if (seg->svc == 'H' && tdk_edi_seg_is(seg, "UNH"))
		begin_message(v, seg);
	if (!v->msg)
		return;
	tdk_edi_seg_loc(seg, &v->last, 0, 0, 0);
	c = structure(v, seg);
	/* Service segments (UNH, UNS, UNT) are checked by the syntax layer against ISO 9735. */
	if (seg->svc)
		return;
	/* The segment table has resolved the tag already; one out of place is looked up. */
	if (c != TDK_DIR_NONE && node(v, c)->seg != TDK_DIR_NONE)
		s = &v->dir->segments[node(v, c)->seg];
	else
		s = tdk_dir_segment(v->dir, seg->tag);
	if (s) {
		elements(v, seg, s);
		dependencies(v, seg, s);
	}
	if (v->mig && c != TDK_DIR_NONE)
		tdk_edi_mig_segment(v->mig, v->dir, v->msg, c, seg, v->dec, v->d);
}

void tdk_edi_dirval_message_end(struct tdk_edi_dirval *v)
{
	if (v->msg)
		while (v->depth) {
			passed_over(v, NULL, v->depth - 1, TDK_DIR_NONE);
			v->depth--;
		}
	if (v->msg && v->stray > MAX_STRAY)
		tdk_diag_add(v->d, TDK_SEV_NOTE, "EDI-STRUCT-LIMIT", &v->last,
			     "%lu more segments of this %s message are out of place in its segment table; only "
			     "the first %d are reported", v->stray - MAX_STRAY, v->msg->type, MAX_STRAY);
	v->msg = NULL;
	v->dir = NULL;
}

/* ---- As a sink ---- */

static int s_interchange(void *arg, const struct tdk_edi_ich *ich)
{
	tdk_edi_dirval_interchange(arg, ich);
	return 0;
}

static int s_segment(void *arg, const struct tdk_edi_seg *seg)
{
	tdk_edi_dirval_segment(arg, seg);
	return 0;
}

static int s_message_end(void *arg)
{
	tdk_edi_dirval_message_end(arg);
	return 0;
}

void tdk_edi_dirval_sink(struct tdk_edi_dirval *v, struct tdk_edi_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->arg = v;
	sink->interchange_begin = s_interchange;
	sink->segment = s_segment;
	sink->message_end = s_message_end;
}
