/*
 * edi-gen: valid UN/EDIFACT instances of a message built from its directory
 * definition, and mutations of them that a validator must reject, each with
 * the diagnostic code it must raise.  No one publishes CUSDEC or GOVCBR
 * interchanges, so the tests make their own from the release files.
 *
 *   edi-gen [-D path] [--seed n] [--messages n] [--mutate kind[:n]] [--expect] [--positions] release message
 *   edi-gen [-D path] --list release
 *
 * The release (D96B, D.96B, 96B) is found through -D (a release folder or
 * zip, or a folder of releases) or the search path of lib/edi/dir.h
 * (TDK_DIRECTORY_PATH, the user's data folder, the install prefix) and loaded
 * through the compiled cache like `tdk validate` does.
 *
 * The interchange on standard output is syntax version 3, level C (ISO 9735
 * Amendment 1:1992): UNA, UNB, the messages (UNH carrying type, version,
 * release and agency UN; UNT with the segment count of the message, UNH and
 * UNT included), UNZ with the count of messages; one segment a line.
 *
 * A message holds every mandatory segment and group; every conditional
 * segment and group at depth 0 to 2 (top level, in a group, in a group in a
 * group) once, deeper ones when the seeded generator says so, and now and
 * then a second occurrence where the table allows it.  Each emitted segment
 * is checked against the segment table with the reading rule of the UNTDID
 * (a segment is taken at the first position at or after the current one, in
 * the current group and then in each enclosing group, where its tag is
 * allowed and its repeats are not used up; a group is entered by its trigger
 * segment, its first), so that the instance reads back as it was built; a
 * conditional segment that would be read elsewhere is left out.  Every
 * mandatory data element and component is filled, some conditional ones too,
 * with values of their representation (a, n, an; the length, exactly for
 * fixed lengths; a decimal mark in some numbers, which ISO 9735 does not count
 * toward the length) and, for coded elements, a code of the release's list
 * that is not marked for deletion.
 *
 * --mutate KIND[:N] changes the first message at the N-th place (default 1)
 * where the change is possible, and says on standard error what it did and
 * which diagnostic a directory validator must raise (--expect prints only
 * that code, on standard output, instead of the interchange):
 *
 *   drop        remove a mandatory segment that is not a group's trigger,
 *               the rest still reading at its place       EDI-STRUCT-MISSING
 *   repeat      one occurrence more than a segment's maximum, where the
 *               extra one has no later position to go to  EDI-STRUCT-REPEAT
 *   unexpected  a segment of the release that the message does not have,
 *               after the second segment                  EDI-STRUCT-UNEXPECTED
 *   element     a mandatory simple element, composite or component (in a
 *               composite that stays present) left empty  EDI-ELEM-MISSING
 *   format      a letter in a numeric element             EDI-ELEM-FORMAT
 *   length      one character more than an element's maximum length
 *                                                         EDI-ELEM-LENGTH
 *   code        a value of the right representation that is not in the
 *               element's code list                       EDI-CODE-UNKNOWN
 *
 * Element mutations pick uncoded elements (format, length) so that no second
 * diagnostic follows from the same value.  Control counts stay right.
 *
 * --list names the messages of the release; --positions writes, for each
 * segment written, "MESSAGE SEGMENT TAG POSITION" to standard error (the table
 * position it was built for), to see where a validator reads it differently.
 *
 * Exit status: 0 done; 1 the mutation has no place in this message; 2 usage;
 * 3 the release cannot be found or read; 70 the message cannot be built (a
 * mandatory segment would read at another position) or out of memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/dir.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/exitcode.h"
#include "util/path.h"

#define NONE TDK_DIR_NONE
#define MAX_DEPTH 32            /* groups nested deeper than this are refused */
#define MAX_SEGMENTS 20000      /* segments in one message, extra occurrences stop before */
#define MAX_REPEAT_MUTATION 99  /* the repeat mutation writes at most this many + 1 copies */

/* ---- The seeded generator ---- */

static uint64_t rng_state;

/* splitmix64: a well-mixed 64-bit sequence from any seed, the same on every machine. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
	return n ? (unsigned)(rng() % n) : 0;
}

/* ---- The segment table ---- */

static int is_group(const struct tdk_dir_node *n)
{
	return n->tag[0] == '\0';
}

/*
 * The node index just past group g's contents.  The loader keeps `end`
 * relative to the message's first node (the image is checked that way), so
 * it is made absolute here.
 */
static uint32_t group_end(const struct tdk_dir *d, const struct tdk_dir_message *m, uint32_t g)
{
	return m->first + d->nodes[g].end;
}

/* The next entry at the same level as node c. */
static uint32_t next_sib(const struct tdk_dir *d, const struct tdk_dir_message *m, uint32_t c)
{
	return is_group(&d->nodes[c]) ? group_end(d, m, c) : c + 1;
}

/* The tag that opens node c: its own, or its trigger segment's for a group. */
static const char *open_tag(const struct tdk_dir *d, uint32_t c)
{
	return is_group(&d->nodes[c]) ? d->nodes[c + 1].tag : d->nodes[c].tag;
}

/* Whether segment node c is the trigger (first entry) of a group. */
static int is_trigger(const struct tdk_dir *d, const struct tdk_dir_message *m, uint32_t c)
{
	return c > m->first && is_group(&d->nodes[c - 1]);
}

/*
 * The reading rule, as a reader of the segment table applies it: a stack of
 * open groups, each with its current position and the occurrences used there.
 */
struct frame {
	uint32_t lo, hi;    /* the entries of this level: nodes[lo, hi) */
	uint32_t cur;       /* the current position (an entry of this level), NONE before the first */
	uint32_t cnt;       /* occurrences at cur (of the segment, or of the group) */
};

struct matcher {
	const struct tdk_dir *d;
	const struct tdk_dir_message *msg;
	int top;
	struct frame st[MAX_DEPTH];
};

static void matcher_init(struct matcher *m, const struct tdk_dir *d, const struct tdk_dir_message *msg)
{
	m->d = d;
	m->msg = msg;
	m->top = 0;
	m->st[0].lo = msg->first;
	m->st[0].hi = msg->first + msg->n;
	m->st[0].cur = NONE;
	m->st[0].cnt = 0;
}

static int push(struct matcher *t, uint32_t g)
{
	struct frame *f;

	if (t->top + 1 >= MAX_DEPTH)
		return -1;
	f = &t->st[++t->top];
	f->lo = g + 1;
	f->hi = group_end(t->d, t->msg, g);
	f->cur = g + 1;
	f->cnt = 1;
	return 0;
}

/*
 * Where a segment with this tag is read next: the node index of its position,
 * or NONE when it has no place (unexpected, or its repeats are used up).  The
 * state moves on only when commit is set and a place was found.
 */
static uint32_t matcher_feed(struct matcher *m, const char *tag, int commit)
{
	const struct tdk_dir *d = m->d;
	struct matcher t = *m;
	uint32_t r = NONE;
	int lv;

	for (lv = t.top; lv >= 0 && r == NONE; lv--) {
		struct frame *f = &t.st[lv];
		uint32_t c;

		t.top = lv;
		if (f->cur != NONE) {
			const struct tdk_dir_node *n = &d->nodes[f->cur];

			if (strcmp(open_tag(d, f->cur), tag) == 0 && f->cnt < n->repeat) {
				f->cnt++;
				if (!is_group(n))
					r = f->cur;
				else if (push(&t, f->cur) == 0)
					r = f->cur + 1;
				break;
			}
		}
		for (c = f->cur == NONE ? f->lo : next_sib(d, t.msg, f->cur); c < f->hi; c = next_sib(d, t.msg, c)) {
			if (strcmp(open_tag(d, c), tag) != 0 || d->nodes[c].repeat == 0)
				continue;
			f->cur = c;
			f->cnt = 1;
			if (!is_group(&d->nodes[c]))
				r = c;
			else if (push(&t, c) == 0)
				r = c + 1;
			break;
		}
	}
	if (r != NONE && commit)
		*m = t;
	return r;
}

/* ---- Segment instances and their values ---- */

/* One data element of an instance: its components (one for a simple element); NULL is empty. */
struct field {
	uint32_t n;
	char **v;
};

struct inst {
	uint32_t node;          /* position in the table; NONE for a segment outside the message (mutation) */
	uint32_t seg;           /* index in segments[], NONE for a service segment */
	char tag[4];
	uint32_t n;             /* fields[0, n): the data elements */
	struct field *f;
	char *service;          /* the data of a service segment after its tag (UNS), or NULL */
};

struct gen {
	const struct tdk_dir *d;
	const struct tdk_dir_message *msg;
	struct matcher m;
	struct inst *seq;
	size_t n, cap;
	int failed;             /* a mandatory segment could not be placed */
	char why[256];
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("edi-gen: out of memory\n", stderr);
		exit(TDK_EXIT_INTERNAL);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		fputs("edi-gen: out of memory\n", stderr);
		exit(TDK_EXIT_INTERNAL);
	}
	return p;
}

static void inst_free(struct inst *in)
{
	uint32_t i, j;

	for (i = 0; i < in->n; i++) {
		for (j = 0; j < in->f[i].n; j++)
			free(in->f[i].v[j]);
		free(in->f[i].v);
	}
	free(in->f);
	free(in->service);
	memset(in, 0, sizeof *in);
}

static void inst_copy(struct inst *to, const struct inst *from)
{
	uint32_t i, j;

	*to = *from;
	to->f = xcalloc(from->n, sizeof *to->f);
	for (i = 0; i < from->n; i++) {
		to->f[i].n = from->f[i].n;
		to->f[i].v = xcalloc(from->f[i].n, sizeof(char *));
		for (j = 0; j < from->f[i].n; j++)
			to->f[i].v[j] = from->f[i].v[j] ? xstrdup(from->f[i].v[j]) : NULL;
	}
	to->service = from->service ? xstrdup(from->service) : NULL;
}

static void set_value(struct inst *in, uint32_t e, uint32_t c, const char *v)
{
	free(in->f[e].v[c]);
	in->f[e].v[c] = v ? xstrdup(v) : NULL;
}

/* The element definition of member mb, or NULL when the release leaves it undefined. */
static const struct tdk_dir_element *member_element(const struct tdk_dir *d, const struct tdk_dir_member *mb)
{
	return mb->composite || mb->ref == NONE || mb->ref >= d->nelements ? NULL : &d->elements[mb->ref];
}

static const struct tdk_dir_composite *member_composite(const struct tdk_dir *d, const struct tdk_dir_member *mb)
{
	return !mb->composite || mb->ref == NONE || mb->ref >= d->ncomposites ? NULL : &d->composites[mb->ref];
}

/* Whether v meets the representation of e: its characters and its length (ISO 9735: sign and decimal mark do not count). */
static int conforms(const struct tdk_dir_element *e, const char *v)
{
	size_t len = 0;
	const char *p;

	for (p = v; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (e->kind == 'n') {
			if (ch >= '0' && ch <= '9')
				len++;
			else if (!((ch == '.' || ch == '-') && p[1]))
				return 0;
		} else {
			if (e->kind == 'a' && !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
				return 0;
			if (ch < 0x20 || ch == 0x7F)
				return 0;
			len++;
		}
	}
	if (len == 0)
		return 0;
	return e->var ? len <= e->max : len == e->max;
}

static const struct tdk_dir_codelist *element_list(const struct tdk_dir *d, const struct tdk_dir_element *e)
{
	if (e->codes == NONE || e->codes >= d->nlists || d->lists[e->codes].n == 0)
		return NULL;
	return &d->lists[e->codes];
}

/* A value of e's representation that is not one of its codes, in buf (64 bytes), or NULL. */
static const char *make_value(const struct tdk_dir_element *e, char *buf, size_t size)
{
	static const char alnum[] = "A1B2C3D4E5F6G7H8J9K0LMNPQRSTUVWXYZ";
	unsigned len, i, lim;

	lim = e->kind == 'n' ? 6 : e->kind == 'a' ? 8 : 12;
	if (e->max == 0)
		return NULL;
	len = e->var ? 1 + rnd(e->max < lim ? e->max : lim) : e->max;
	if (len >= size)
		len = (unsigned)size - 1;
	for (i = 0; i < len; i++) {
		if (e->kind == 'n')
			buf[i] = (char)((i == 0 ? '1' + rnd(9) : '0' + rnd(10)));
		else if (e->kind == 'a')
			buf[i] = (char)('A' + rnd(26));
		else
			buf[i] = alnum[(i + rnd(sizeof alnum - 1)) % (sizeof alnum - 1)];
	}
	buf[len] = '\0';
	/* Now and then a decimal mark (the UNA's '.'), which is not counted in the length. */
	if (e->kind == 'n' && e->var && len >= 2 && e->max >= 3 && rnd(4) == 0) {
		memmove(buf + len, buf + len - 1, 2);
		buf[len - 1] = '.';
	}
	return buf;
}

/* A code of e's list that e can carry and that is not marked for deletion, or NULL. */
static const char *pick_code(const struct tdk_dir *d, const struct tdk_dir_element *e)
{
	const struct tdk_dir_codelist *l = element_list(d, e);
	uint32_t i, ok = 0, k;

	if (!l)
		return NULL;
	for (i = 0; i < l->n; i++) {
		const struct tdk_dir_code *c = &d->codes[l->first + i];

		if (!c->deleted && conforms(e, tdk_dir_str(d, c->value)))
			ok++;
	}
	if (ok == 0)
		return NULL;
	k = rnd(ok);
	for (i = 0; i < l->n; i++) {
		const struct tdk_dir_code *c = &d->codes[l->first + i];

		if (!c->deleted && conforms(e, tdk_dir_str(d, c->value)) && k-- == 0)
			return tdk_dir_str(d, c->value);
	}
	return NULL;
}

/* Fills one element with a valid value; returns 0, or -1 when none can be made (a list with no usable code). */
static int fill_value(const struct tdk_dir *d, struct inst *in, uint32_t e, uint32_t c, const struct tdk_dir_element *el)
{
	char buf[64];
	const char *v;

	if (!el)
		return -1;
	if (element_list(d, el))
		v = pick_code(d, el);
	else
		v = make_value(el, buf, sizeof buf);
	if (!v)
		return -1;
	set_value(in, e, c, v);
	return 0;
}

/* Fills a composite: its mandatory components, some conditional ones, at least one. */
static int fill_composite(const struct tdk_dir *d, struct inst *in, uint32_t e, const struct tdk_dir_composite *cp)
{
	uint32_t j, filled = 0;
	int rc = 0;

	for (j = 0; j < cp->n; j++) {
		const struct tdk_dir_member *cm = &d->members[cp->first + j];

		if (cm->status == 'M' || rnd(2) == 0) {
			if (fill_value(d, in, e, j, member_element(d, cm)) == 0)
				filled++;
			else if (cm->status == 'M')
				rc = -1;
		}
	}
	for (j = 0; j < cp->n && filled == 0; j++)
		if (fill_value(d, in, e, j, member_element(d, &d->members[cp->first + j])) == 0)
			filled++;
	return filled ? rc : -1;
}

/* Sets up the fields of a segment instance from its definition, all empty. */
static void inst_shape(const struct tdk_dir *d, struct inst *in, uint32_t seg)
{
	const struct tdk_dir_segment *s = &d->segments[seg];
	uint32_t i;

	in->seg = seg;
	memcpy(in->tag, s->tag, sizeof in->tag);
	in->n = s->n;
	in->f = xcalloc(s->n, sizeof *in->f);
	for (i = 0; i < s->n; i++) {
		const struct tdk_dir_member *mb = &d->members[s->first + i];
		const struct tdk_dir_composite *cp = member_composite(d, mb);

		in->f[i].n = cp ? cp->n : 1;
		in->f[i].v = xcalloc(in->f[i].n, sizeof(char *));
	}
}

static int inst_has(const struct inst *in, uint32_t i)
{
	uint32_t j;

	for (j = 0; j < in->f[i].n; j++)
		if (in->f[i].v[j])
			return 1;
	return 0;
}

static void inst_clear(struct inst *in, uint32_t i)
{
	uint32_t j;

	for (j = 0; j < in->f[i].n; j++)
		set_value(in, i, j, NULL);
}

/*
 * Makes the filled segment meet its release's dependency notes (ISO 9735-1
 * clause 11): the notes' elements are conditional, so the first is kept or
 * filled where D1 or D3 needs one, and the others are cleared as the type
 * requires (D2 none, D4 and D1 none but the first given, D5 to D7 not the
 * first).
 */
static void inst_deps(const struct tdk_dir *d, struct inst *in)
{
	const struct tdk_dir_segment *s = &d->segments[in->seg];
	uint32_t i, k;

	for (i = s->deps; i < s->deps + s->ndeps; i++) {
		const struct tdk_dir_dep *dep = &d->deps[i];
		uint32_t first = dep->member[0], kept = TDK_DIR_NONE;
		const struct tdk_dir_member *mb = &d->members[s->first + first];
		const struct tdk_dir_composite *cp = member_composite(d, mb);

		if ((dep->type == 1 || dep->type == 3) && !inst_has(in, first))
			(void)(cp ? fill_composite(d, in, first, cp) : fill_value(d, in, first, 0, member_element(d, mb)));
		for (k = 0; k < dep->n; k++) {
			uint32_t m = dep->member[k];
			int keep = dep->type == 3 ? 1 : dep->type == 2 ? 0 : dep->type >= 5 ? k != 0 :
				   kept == TDK_DIR_NONE && inst_has(in, m);

			if (!keep)
				inst_clear(in, m);
			else if (inst_has(in, m))
				kept = m;
		}
	}
}

/* Fills the data elements of a segment: every mandatory one, some conditional ones, at least one. */
static int inst_fill(const struct tdk_dir *d, struct inst *in)
{
	const struct tdk_dir_segment *s = &d->segments[in->seg];
	uint32_t i, filled = 0;
	int rc = 0;

	for (i = 0; i < s->n; i++) {
		const struct tdk_dir_member *mb = &d->members[s->first + i];
		const struct tdk_dir_composite *cp = member_composite(d, mb);
		int r;

		if (mb->status != 'M' && rnd(2) != 0)
			continue;
		r = cp ? fill_composite(d, in, i, cp) : fill_value(d, in, i, 0, member_element(d, mb));
		if (r == 0)
			filled++;
		else if (mb->status == 'M')
			rc = -1;
	}
	for (i = 0; i < s->n && filled == 0; i++) {
		const struct tdk_dir_member *mb = &d->members[s->first + i];
		const struct tdk_dir_composite *cp = member_composite(d, mb);

		if ((cp ? fill_composite(d, in, i, cp) : fill_value(d, in, i, 0, member_element(d, mb))) == 0)
			filled++;
	}
	inst_deps(d, in);
	return rc;
}

/* ---- Building a message ---- */

static void seq_add(struct gen *g, const struct inst *in)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct inst *p = realloc(g->seq, cap * sizeof *p);

		if (!p) {
			fputs("edi-gen: out of memory\n", stderr);
			exit(TDK_EXIT_INTERNAL);
		}
		g->seq = p;
		g->cap = cap;
	}
	g->seq[g->n++] = *in;
}

static void seq_insert(struct gen *g, size_t at, const struct inst *in)
{
	seq_add(g, in);
	memmove(&g->seq[at + 1], &g->seq[at], (g->n - 1 - at) * sizeof *g->seq);
	g->seq[at] = *in;
}

static void seq_remove(struct gen *g, size_t at)
{
	inst_free(&g->seq[at]);
	memmove(&g->seq[at], &g->seq[at + 1], (g->n - at - 1) * sizeof *g->seq);
	g->n--;
}

static void seq_release(struct gen *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		inst_free(&g->seq[i]);
	free(g->seq);
	g->seq = NULL;
	g->n = g->cap = 0;
}

/* Counts the UNS entries of the message before node c, and in all. */
static void uns_rank(const struct tdk_dir *d, const struct tdk_dir_message *m, uint32_t c, int *before, int *all)
{
	uint32_t i;

	*before = *all = 0;
	for (i = m->first; i < m->first + m->n; i++)
		if (strcmp(d->nodes[i].tag, "UNS") == 0) {
			(*all)++;
			if (i < c)
				(*before)++;
		}
}

/*
 * Emits segment node c if the reading rule puts it there.  Returns 1 when
 * emitted, 0 when it would be read elsewhere.
 */
static int emit(struct gen *g, uint32_t c)
{
	const struct tdk_dir *d = g->d;
	const struct tdk_dir_node *n = &d->nodes[c];
	struct inst in;

	if (matcher_feed(&g->m, n->tag, 0) != c)
		return 0;
	matcher_feed(&g->m, n->tag, 1);
	memset(&in, 0, sizeof in);
	in.node = c;
	in.seg = n->seg;
	memcpy(in.tag, n->tag, sizeof in.tag);
	if (n->seg != NONE && n->seg < d->nsegments) {
		inst_shape(d, &in, n->seg);
		if (inst_fill(d, &in) < 0 && !g->failed)
			fprintf(stderr, "edi-gen: warning: %s at position %u: a mandatory element has no usable value\n",
				n->tag, n->pos);
	} else if (strcmp(n->tag, "UNS") == 0) {
		/* ISO 9735 0081: D ends the header section, S the detail section.  A message
		 * with one UNS has it between header and detail when it comes in the first half. */
		int before, all;

		uns_rank(d, g->msg, c, &before, &all);
		if (all >= 2)
			in.service = xstrdup(before == 0 ? "D" : "S");
		else
			in.service = xstrdup(c - g->msg->first < g->msg->n / 2 ? "D" : "S");
	} else if (strcmp(n->tag, "UNH") != 0 && strcmp(n->tag, "UNT") != 0) {
		snprintf(g->why, sizeof g->why, "segment %s at position %u has no definition in the release",
			 n->tag, n->pos);
		g->failed = 1;
	}
	seq_add(g, &in);
	return 1;
}

/* How many occurrences of node c to write. */
static unsigned occurrences(struct gen *g, const struct tdk_dir_node *n, int depth)
{
	unsigned k;

	if (n->status == 'M')
		k = 1;
	else if (depth <= 2)
		k = 1;
	else
		k = rnd(2);
	if (k && n->repeat >= 2 && g->n < MAX_SEGMENTS / 4 && rnd(4) == 0)
		k = 2;
	return k;
}

/* Builds the entries [lo, hi) of one level, depth 0 for the message itself. */
static void build_level(struct gen *g, uint32_t lo, uint32_t hi, int depth)
{
	const struct tdk_dir *d = g->d;
	uint32_t c;

	for (c = lo; c < hi && !g->failed; c = next_sib(d, g->msg, c)) {
		const struct tdk_dir_node *n = &d->nodes[c];
		unsigned k, o;

		if (is_group(n) && (group_end(d, g->msg, c) <= c + 1 || group_end(d, g->msg, c) > hi ||
				    is_group(&d->nodes[c + 1]))) {
			snprintf(g->why, sizeof g->why, "group at position %u has no trigger segment or a bad end", n->pos);
			g->failed = 1;
			break;
		}
		if (depth >= MAX_DEPTH - 1) {
			snprintf(g->why, sizeof g->why, "groups nested deeper than %d", MAX_DEPTH - 1);
			g->failed = 1;
			break;
		}
		k = occurrences(g, n, depth);
		if (g->n >= MAX_SEGMENTS)
			k = n->status == 'M';
		for (o = 0; o < k && !g->failed; o++) {
			uint32_t want = is_group(n) ? c + 1 : c;

			if (!emit(g, want)) {
				if (n->status == 'M' && o == 0) {
					snprintf(g->why, sizeof g->why,
						 "mandatory %s%s at position %u would be read at another position",
						 is_group(n) ? "group of " : "", d->nodes[want].tag, n->pos);
					g->failed = 1;
				}
				break;
			}
			if (is_group(n))
				build_level(g, c + 2, group_end(d, g->msg, c), depth + 1);
		}
	}
}

/*
 * Reads the tags of seq[0, n) with the reading rule from the start of the
 * message and writes where each one lands (NONE: no place) to at[].
 */
static void read_back(const struct gen *g, const struct inst *seq, size_t n, uint32_t *at)
{
	struct matcher m;
	size_t i;

	matcher_init(&m, g->d, g->msg);
	for (i = 0; i < n; i++)
		at[i] = matcher_feed(&m, seq[i].tag, 1);
}

/* ---- Mutations ---- */

enum kind { MUT_NONE, MUT_DROP, MUT_REPEAT, MUT_UNEXPECTED, MUT_ELEMENT, MUT_FORMAT, MUT_LENGTH, MUT_CODE };

static const struct {
	const char *name, *code;
} kinds[] = {
	[MUT_NONE] = { "", "" },
	[MUT_DROP] = { "drop", "EDI-STRUCT-MISSING" },
	[MUT_REPEAT] = { "repeat", "EDI-STRUCT-REPEAT" },
	[MUT_UNEXPECTED] = { "unexpected", "EDI-STRUCT-UNEXPECTED" },
	[MUT_ELEMENT] = { "element", "EDI-ELEM-MISSING" },
	[MUT_FORMAT] = { "format", "EDI-ELEM-FORMAT" },
	[MUT_LENGTH] = { "length", "EDI-ELEM-LENGTH" },
	[MUT_CODE] = { "code", "EDI-CODE-UNKNOWN" },
};

/* Position of an instance for the report: its segment number (UNH = 1) and table position. */
static void describe(const struct gen *g, size_t i, char *buf, size_t size)
{
	const struct inst *in = &g->seq[i];

	if (in->node != NONE)
		snprintf(buf, size, "segment %zu '%s' (table position %u)", i + 1, in->tag, g->d->nodes[in->node].pos);
	else
		snprintf(buf, size, "segment %zu '%s'", i + 1, in->tag);
}

/*
 * How many occurrences of seq[i]'s position come in a row ending at i, and
 * starting at i, within one occurrence of its group: a trigger segment begins
 * a new occurrence each time, so its run is itself.
 */
static void run_of(const struct gen *g, size_t i, size_t *before, size_t *after)
{
	size_t j;

	if (g->seq[i].node != NONE && is_trigger(g->d, g->msg, g->seq[i].node)) {
		*before = *after = 1;
		return;
	}
	for (j = i; j > 0 && g->seq[j - 1].node == g->seq[i].node; j--)
		;
	*before = i - j + 1;
	for (j = i; j + 1 < g->n && g->seq[j + 1].node == g->seq[i].node; j++)
		;
	*after = j - i + 1;
}

/* Whether the tags of seq read back to at[] except where skip[] says NONE is expected. */
static int reads_as(const struct gen *g, const struct inst *seq, size_t n, const uint32_t *want)
{
	uint32_t *at = xcalloc(n, sizeof *at);
	size_t i;
	int ok = 1;

	read_back(g, seq, n, at);
	for (i = 0; i < n && ok; i++)
		ok = at[i] == want[i];
	free(at);
	return ok;
}

static int mutate_drop(struct gen *g, unsigned nth, char *what, size_t size)
{
	const struct tdk_dir *d = g->d;
	size_t i, j, k, before, after;
	struct inst *tmp = xcalloc(g->n, sizeof *tmp);
	uint32_t *want = xcalloc(g->n, sizeof *want);
	int found = 0;

	for (i = 0; i < g->n && !found; i++) {
		const struct tdk_dir_node *n;

		if (g->seq[i].node == NONE)
			continue;
		n = &d->nodes[g->seq[i].node];
		if (n->status != 'M' || n->seg == NONE || is_trigger(d, g->msg, g->seq[i].node))
			continue;
		run_of(g, i, &before, &after);
		if (before + after - 1 != 1)
			continue;
		for (j = 0, k = 0; j < g->n; j++)
			if (j != i) {
				tmp[k] = g->seq[j];
				want[k++] = g->seq[j].node;
			}
		if (!reads_as(g, tmp, k, want) || --nth)
			continue;
		describe(g, i, what, size);
		strncat(what, " removed", size - strlen(what) - 1);
		seq_remove(g, i);
		found = 1;
	}
	free(tmp);
	free(want);
	return found;
}

struct cand {
	size_t i;
	uint32_t repeat;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->repeat != y->repeat)
		return x->repeat < y->repeat ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int mutate_repeat(struct gen *g, unsigned nth, char *what, size_t size)
{
	const struct tdk_dir *d = g->d;
	struct cand *cands = xcalloc(g->n, sizeof *cands);
	size_t nc = 0, i, j, k, extra, before, after;
	int found = 0;

	for (i = 0; i < g->n; i++) {
		const struct tdk_dir_node *n;
		struct inst *tmp;
		uint32_t *want;

		if (g->seq[i].node == NONE)
			continue;
		n = &d->nodes[g->seq[i].node];
		if (n->seg == NONE || n->repeat > MAX_REPEAT_MUTATION)
			continue;
		run_of(g, i, &before, &after);
		if (after != 1)
			continue;
		/* Occurrences to add so that the position holds repeat + 1 in a row. */
		extra = n->repeat + 1 - before;
		tmp = xcalloc(g->n + extra, sizeof *tmp);
		want = xcalloc(g->n + extra, sizeof *want);
		for (j = 0, k = 0; j < g->n; j++) {
			tmp[k] = g->seq[j];
			want[k++] = g->seq[j].node;
			if (j == i) {
				size_t e;

				for (e = 0; e < extra; e++) {
					tmp[k] = g->seq[j];
					want[k++] = e + 1 < extra ? g->seq[j].node : NONE;
				}
			}
		}
		if (reads_as(g, tmp, k, want)) {
			cands[nc].i = i;
			cands[nc++].repeat = n->repeat;
		}
		free(tmp);
		free(want);
	}
	qsort(cands, nc, sizeof *cands, cand_cmp);
	if (nth <= nc) {
		const struct tdk_dir_node *n;

		i = cands[nth - 1].i;
		n = &d->nodes[g->seq[i].node];
		run_of(g, i, &before, &after);
		extra = n->repeat + 1 - before;
		describe(g, i, what, size);
		snprintf(what + strlen(what), size - strlen(what), " written %u times, %u allowed",
			 n->repeat + 1, n->repeat);
		for (j = 0; j < extra; j++) {
			struct inst in;

			inst_copy(&in, &g->seq[i]);
			seq_insert(g, i + 1, &in);
		}
		found = 1;
	}
	free(cands);
	return found;
}

/* Whether tag appears anywhere in the message's table. */
static int in_message(const struct gen *g, const char *tag)
{
	uint32_t i;

	for (i = g->msg->first; i < g->msg->first + g->msg->n; i++)
		if (strcmp(g->d->nodes[i].tag, tag) == 0)
			return 1;
	return 0;
}

static int mutate_unexpected(struct gen *g, unsigned nth, char *what, size_t size)
{
	const struct tdk_dir *d = g->d;
	uint32_t s;
	struct inst in;

	if (g->n < 3)
		return 0;
	for (s = 0; s < d->nsegments; s++) {
		if (in_message(g, d->segments[s].tag) || --nth)
			continue;
		memset(&in, 0, sizeof in);
		in.node = NONE;
		inst_shape(d, &in, s);
		inst_fill(d, &in);
		seq_insert(g, 2, &in);
		describe(g, 2, what, size);
		strncat(what, ", which the message does not have, inserted", size - strlen(what) - 1);
		return 1;
	}
	return 0;
}

/*
 * Walks the data elements of the message's segments in order, simple ones and
 * components alike, and calls fn on each until it returns 1 (taken).
 */
typedef int (*slot_fn)(struct gen *g, struct inst *in, uint32_t e, uint32_t c, const struct tdk_dir_member *mb,
		       const struct tdk_dir_member *cm, void *arg);

static int each_slot(struct gen *g, slot_fn fn, void *arg, size_t *at)
{
	const struct tdk_dir *d = g->d;
	size_t i;
	uint32_t e, c;

	for (i = 0; i < g->n; i++) {
		struct inst *in = &g->seq[i];
		const struct tdk_dir_segment *s;

		if (in->seg == NONE || in->node == NONE)
			continue;
		s = &d->segments[in->seg];
		for (e = 0; e < s->n && e < in->n; e++) {
			const struct tdk_dir_member *mb = &d->members[s->first + e];
			const struct tdk_dir_composite *cp = member_composite(d, mb);

			if (!cp) {
				if (fn(g, in, e, 0, mb, NULL, arg)) {
					*at = i;
					return 1;
				}
				continue;
			}
			for (c = 0; c < cp->n && c < in->f[e].n; c++)
				if (fn(g, in, e, c, mb, &d->members[cp->first + c], arg)) {
					*at = i;
					return 1;
				}
		}
	}
	return 0;
}

struct slot_arg {
	unsigned nth;
	enum kind kind;
	char detail[200];
};

/* Makes sure composite e holds some component other than c, filling a valid one if needed. */
static int keep_composite(struct gen *g, struct inst *in, uint32_t e, uint32_t c)
{
	const struct tdk_dir *d = g->d;
	const struct tdk_dir_member *mb = &d->members[d->segments[in->seg].first + e];
	const struct tdk_dir_composite *cp = member_composite(d, mb);
	uint32_t j;

	for (j = 0; j < in->f[e].n; j++)
		if (j != c && in->f[e].v[j])
			return 1;
	for (j = 0; cp && j < cp->n; j++)
		if (j != c && fill_value(d, in, e, j, member_element(d, &d->members[cp->first + j])) == 0)
			return 1;
	return 0;
}

/* A fresh composite whose mandatory components are filled, for a mutation inside an empty one. */
static int open_composite(struct gen *g, struct inst *in, uint32_t e, uint32_t c)
{
	const struct tdk_dir *d = g->d;
	const struct tdk_dir_member *mb = &d->members[d->segments[in->seg].first + e];
	const struct tdk_dir_composite *cp = member_composite(d, mb);
	uint32_t j;

	for (j = 0; j < in->f[e].n; j++)
		if (in->f[e].v[j])
			return 0;
	for (j = 0; cp && j < cp->n; j++)
		if (j != c && d->members[cp->first + j].status == 'M' &&
		    fill_value(d, in, e, j, member_element(d, &d->members[cp->first + j])) < 0)
			return -1;
	return 0;
}

static int slot_element(struct gen *g, struct inst *in, uint32_t e, uint32_t c, const struct tdk_dir_member *mb,
			const struct tdk_dir_member *cm, void *arg)
{
	struct slot_arg *a = arg;
	uint32_t j;

	if (!cm) {
		if (mb->status != 'M' || --a->nth)
			return 0;
		set_value(in, e, 0, NULL);
		snprintf(a->detail, sizeof a->detail, "mandatory element %u (%s) left empty", e + 1, mb->tag);
		return 1;
	}
	if (c == 0 && mb->status == 'M') {
		/* The mandatory composite as a whole. */
		if (--a->nth == 0) {
			for (j = 0; j < in->f[e].n; j++)
				set_value(in, e, j, NULL);
			snprintf(a->detail, sizeof a->detail, "mandatory composite %u (%s) left empty", e + 1, mb->tag);
			return 1;
		}
	}
	if (cm->status != 'M' || in->f[e].n < 2)
		return 0;
	/* A mandatory component of a composite that stays present: the composite is written
	 * (it is mandatory or already holds a value) and another component keeps a value. */
	if (mb->status != 'M') {
		int any = 0;

		for (j = 0; j < in->f[e].n; j++)
			any |= in->f[e].v[j] != NULL;
		if (!any)
			return 0;
	}
	if (--a->nth)
		return 0;
	if (!keep_composite(g, in, e, c)) {
		a->nth++;
		return 0;
	}
	set_value(in, e, c, NULL);
	snprintf(a->detail, sizeof a->detail, "mandatory component %u (%s) of element %u (%s) left empty",
		 c + 1, cm->tag, e + 1, mb->tag);
	return 1;
}

/*
 * A code of composite element e that is not in its UNCL list is an error only
 * while the composite's code list responsible agency (3055) is absent, empty
 * or 6, UN/ECE (tdk-validate(1), Codes): an agency the filling chose is taken
 * away, or made 6 where 3055 is mandatory.
 */
static void uncl_agency(const struct tdk_dir *d, struct inst *in, uint32_t e, const struct tdk_dir_member *mb)
{
	const struct tdk_dir_composite *cp = member_composite(d, mb);
	uint32_t j;

	for (j = 0; cp && j < cp->n && j < in->f[e].n; j++) {
		const struct tdk_dir_member *cm = &d->members[cp->first + j];

		if (!strcmp(cm->tag, "3055") && in->f[e].v[j] && strcmp(in->f[e].v[j], "6"))
			set_value(in, e, j, cm->status == 'M' ? "6" : NULL);
	}
}

static int slot_value(struct gen *g, struct inst *in, uint32_t e, uint32_t c, const struct tdk_dir_member *mb,
		      const struct tdk_dir_member *cm, void *arg)
{
	const struct tdk_dir *d = g->d;
	struct slot_arg *a = arg;
	const struct tdk_dir_element *el = member_element(d, cm ? cm : mb);
	char v[1100];
	uint32_t i, len;

	if (!el || el->max == 0 || el->max + 2 > sizeof v)
		return 0;
	switch (a->kind) {
	case MUT_FORMAT:
		if (el->kind != 'n' || element_list(d, el))
			return 0;
		if (el->max == 1)
			memcpy(v, "A", 2);
		else if (el->var)
			memcpy(v, "1A", 3);
		else {
			for (i = 0; i < el->max; i++)
				v[i] = (char)('1' + i % 9);
			v[1] = 'A';
			v[el->max] = '\0';
		}
		break;
	case MUT_LENGTH:
		if (element_list(d, el))
			return 0;
		len = el->max + 1;
		for (i = 0; i < len; i++)
			v[i] = el->kind == 'n' ? (char)('1' + i % 9) : el->kind == 'a' ? (char)('A' + i % 26)
				: (i % 2 ? (char)('0' + i % 10) : (char)('A' + i % 26));
		v[len] = '\0';
		break;
	case MUT_CODE: {
		static const char *const tries[] = { "ZZQ", "QQZ", "XQZ", "ZQ9", "QZ", "ZQ", "Q", "Z",
						     "9Q8", "Q9", "999", "998", "989", "99", "98", "9", "8" };
		const struct tdk_dir_codelist *l = element_list(d, el);
		size_t t;

		if (!l)
			return 0;
		v[0] = '\0';
		for (t = 0; t < sizeof tries / sizeof *tries; t++) {
			const char *s = tries[t];
			size_t sl = strlen(s);

			if (!el->var && sl != el->max) {
				/* A fixed length: pad the try to it. */
				if (el->max >= sizeof v - 1)
					continue;
				for (i = 0; i < el->max; i++)
					v[i] = s[i % sl];
				v[el->max] = '\0';
			} else {
				memcpy(v, s, sl + 1);
			}
			if (conforms(el, v) && !tdk_dir_code(d, l, v, strlen(v)))
				break;
			v[0] = '\0';
		}
		if (!v[0])
			return 0;
		break;
	}
	default:
		return 0;
	}
	if (--a->nth)
		return 0;
	if (cm && open_composite(g, in, e, c) < 0) {
		a->nth++;
		return 0;
	}
	set_value(in, e, c, v);
	if (cm && a->kind == MUT_CODE && strcmp(cm->tag, "3055"))
		uncl_agency(d, in, e, mb);
	if (cm)
		snprintf(a->detail, sizeof a->detail, "component %u (%s) of element %u (%s) set to '%.40s%s'",
			 c + 1, cm->tag, e + 1, mb->tag, v, strlen(v) > 40 ? "..." : "");
	else
		snprintf(a->detail, sizeof a->detail, "element %u (%s) set to '%.40s%s'",
			 e + 1, mb->tag, v, strlen(v) > 40 ? "..." : "");
	return 1;
}

static int mutate_slot(struct gen *g, enum kind kind, unsigned nth, char *what, size_t size)
{
	struct slot_arg a;
	size_t at;

	memset(&a, 0, sizeof a);
	a.nth = nth;
	a.kind = kind;
	if (!each_slot(g, kind == MUT_ELEMENT ? slot_element : slot_value, &a, &at))
		return 0;
	describe(g, at, what, size);
	snprintf(what + strlen(what), size - strlen(what), ": %s", a.detail);
	return 1;
}

static int mutate(struct gen *g, enum kind kind, unsigned nth, char *what, size_t size)
{
	switch (kind) {
	case MUT_DROP:
		return mutate_drop(g, nth, what, size);
	case MUT_REPEAT:
		return mutate_repeat(g, nth, what, size);
	case MUT_UNEXPECTED:
		return mutate_unexpected(g, nth, what, size);
	case MUT_ELEMENT:
	case MUT_FORMAT:
	case MUT_LENGTH:
	case MUT_CODE:
		return mutate_slot(g, kind, nth, what, size);
	default:
		return 0;
	}
}

/* ---- Writing ---- */

/* Writes a value with the release character of UNA:+.? ' before each service character. */
static void put_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '+' || *v == ':' || *v == '\'' || *v == '?')
			putc('?', out);
		putc(*v, out);
	}
}

static void put_segment(FILE *out, const struct inst *in)
{
	uint32_t e, c, last_e = 0, last_c;

	fputs(in->tag, out);
	for (e = 0; e < in->n; e++)
		for (c = 0; c < in->f[e].n; c++)
			if (in->f[e].v[c])
				last_e = e + 1;
	for (e = 0; e < last_e; e++) {
		putc('+', out);
		last_c = 0;
		for (c = 0; c < in->f[e].n; c++)
			if (in->f[e].v[c])
				last_c = c + 1;
		for (c = 0; c < last_c; c++) {
			if (c)
				putc(':', out);
			if (in->f[e].v[c])
				put_value(out, in->f[e].v[c]);
		}
	}
	fputs("'\n", out);
}

static void put_message(FILE *out, const struct gen *g, const char *release, unsigned long ref, FILE *trace)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct inst *in = &g->seq[i];

		if (trace)
			fprintf(trace, "%lu %zu %s %u\n", ref, i + 1, in->tag,
				in->node == NONE ? 0 : g->d->nodes[in->node].pos);

		if (strcmp(in->tag, "UNH") == 0 && in->seg == NONE)
			fprintf(out, "UNH+%lu+%s:D:%s:UN'\n", ref, g->msg->type, release + 1);
		else if (strcmp(in->tag, "UNT") == 0 && in->seg == NONE)
			fprintf(out, "UNT+%zu+%lu'\n", g->n, ref);
		else if (in->service)
			fprintf(out, "%s+%s'\n", in->tag, in->service);
		else
			put_segment(out, in);
	}
}

/* ---- The command ---- */

static void emit_diag(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);

	(void)arg;
	if (tdk_diag_format_text(&b, it) == 0 && b.data)
		fputs(b.data, stderr);
	tdk_buf_release(&b);
}

/* "D96B" from D96B, D.96B, d96b or 96B; -1 when the text is not a release name. */
static int release_name(char out[8], const char *s)
{
	size_t n = 0;

	if (*s == 'D' || *s == 'd')
		s++;
	if (*s == '.')
		s++;
	if (strlen(s) != 3 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	out[n++] = 'D';
	out[n++] = s[0];
	out[n++] = s[1];
	out[n++] = (char)(s[2] >= 'a' && s[2] <= 'z' ? s[2] - 'a' + 'A' : s[2]);
	out[n] = '\0';
	return out[3] >= 'A' && out[3] <= 'Z' ? 0 : -1;
}

static const char usage[] =
	"usage: edi-gen [-D path] [--seed n] [--messages n] [--mutate kind[:n]] [--expect] [--positions] release message\n"
	"       edi-gen [-D path] --list release\n"
	"kinds: drop repeat unexpected element format length code\n";

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "directory", required_argument, NULL, 'D' },
		{ "seed", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'n' },
		{ "mutate", required_argument, NULL, 'm' },
		{ "expect", no_argument, NULL, 'e' },
		{ "list", no_argument, NULL, 'l' },
		{ "positions", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dpath = NULL;
	unsigned long seed = 1, messages = 1, nth = 1, i;
	enum kind kind = MUT_NONE;
	int expect = 0, list = 0, trace = 0, opt, rc = TDK_EXIT_OK;
	char release[8], what[512] = "";
	struct tdk_dir_set set;
	struct tdk_dir *dir = NULL;
	struct tdk_diag diag;
	struct gen g;
	int set_open = 0;

	memset(&g, 0, sizeof g);
	while ((opt = getopt_long(argc, argv, "D:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'D':
			dpath = optarg;
			break;
		case 's':
			if (parse_ulong(optarg, &seed) < 0)
				goto usage;
			break;
		case 'n':
			if (parse_ulong(optarg, &messages) < 0 || messages == 0)
				goto usage;
			break;
		case 'm': {
			char *colon = strchr(optarg, ':');
			size_t len = colon ? (size_t)(colon - optarg) : strlen(optarg), k;

			kind = MUT_NONE;
			for (k = 1; k < sizeof kinds / sizeof *kinds; k++)
				if (strlen(kinds[k].name) == len && strncmp(kinds[k].name, optarg, len) == 0)
					kind = (enum kind)k;
			if (kind == MUT_NONE || (colon && (parse_ulong(colon + 1, &nth) < 0 || nth == 0)))
				goto usage;
			break;
		}
		case 'e':
			expect = 1;
			break;
		case 'l':
			list = 1;
			break;
		case 'p':
			trace = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return TDK_EXIT_OK;
		default:
			goto usage;
		}
	}
	if (argc - optind != (list ? 1 : 2) || release_name(release, argv[optind]) < 0 || (expect && !kind))
		goto usage;

	tdk_diag_init(&diag, "edi-gen");
	diag.emit = emit_diag;
	if (tdk_dir_set_init(&set, tdk_share_dir(), dpath) < 0) {
		fputs("edi-gen: out of memory\n", stderr);
		return TDK_EXIT_INTERNAL;
	}
	set_open = 1;
	rc = tdk_dir_set_get(&set, release, &dir, &diag);
	if (rc != 0 || !dir) {
		fprintf(stderr, "edi-gen: release %s cannot be loaded%s\n", release,
			rc == TDK_EXIT_IO ? " (not installed: give -D or set TDK_DIRECTORY_PATH)" : "");
		rc = rc ? rc : TDK_EXIT_IO;
		goto out;
	}
	if (list) {
		for (i = 0; i < dir->nmessages; i++)
			printf("%s\n", dir->messages[i].type);
		goto out;
	}

	g.d = dir;
	g.msg = tdk_dir_message(dir, argv[optind + 1]);
	if (!g.msg) {
		fprintf(stderr, "edi-gen: release %s has no message %s\n", release, argv[optind + 1]);
		rc = TDK_EXIT_IO;
		goto out;
	}
	/* The same seed gives the same interchange for a message of a release. */
	rng_state = seed * 0x100000001B3ULL;
	for (i = 0; g.msg->type[i]; i++)
		rng_state = (rng_state ^ (unsigned char)g.msg->type[i]) * 0x100000001B3ULL;

	if (!expect)
		fputs("UNA:+.? '\nUNB+UNOC:3+TDKGEN+TDKTEST+180101:1200+1'\n", stdout);
	for (i = 1; i <= messages; i++) {
		uint32_t *at;
		size_t k;

		matcher_init(&g.m, dir, g.msg);
		build_level(&g, g.msg->first, g.msg->first + g.msg->n, 0);
		if (g.failed) {
			fprintf(stderr, "edi-gen: %s %s: cannot build a valid instance: %s\n", release, g.msg->type, g.why);
			rc = TDK_EXIT_INTERNAL;
			goto out;
		}
		/* The instance must read back position by position as it was built. */
		at = xcalloc(g.n, sizeof *at);
		read_back(&g, g.seq, g.n, at);
		for (k = 0; k < g.n && at[k] == g.seq[k].node; k++)
			;
		free(at);
		if (k < g.n) {
			fprintf(stderr, "edi-gen: %s %s: segment %zu '%s' does not read back at its position\n",
				release, g.msg->type, k + 1, g.seq[k].tag);
			rc = TDK_EXIT_INTERNAL;
			goto out;
		}
		if (i == 1 && kind != MUT_NONE) {
			if (!mutate(&g, kind, (unsigned)nth, what, sizeof what)) {
				fprintf(stderr, "edi-gen: %s %s: no place for mutation %s:%lu\n", release, g.msg->type,
					kinds[kind].name, nth);
				rc = TDK_EXIT_NEGATIVE;
				goto out;
			}
			fprintf(stderr, "edi-gen: %s %s: %s:%lu: %s; expect %s\n", release, g.msg->type,
				kinds[kind].name, nth, what, kinds[kind].code);
			if (expect) {
				printf("%s\n", kinds[kind].code);
				goto out;
			}
		}
		put_message(stdout, &g, release, i, trace ? stderr : NULL);
		seq_release(&g);
	}
	printf("UNZ+%lu+1'\n", messages);

out:
	seq_release(&g);
	if (set_open)
		tdk_dir_set_release(&set);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("edi-gen: cannot write the output\n", stderr);
		rc = tdk_exit_worst(rc, TDK_EXIT_IO);
	}
	return rc;

usage:
	fputs(usage, stderr);
	return TDK_EXIT_USAGE;
}
