/* Segment accessors and the segment builder used by the XML and JSON readers; see edi.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"

const struct tdk_edi_value *tdk_edi_seg_value(const struct tdk_edi_seg *s, size_t e, size_t c)
{
	size_t r;

	if (e >= s->nelem)
		return NULL;
	r = s->elem[e];
	if (c >= tdk_edi_seg_ncomps(s, r))
		return NULL;
	return &s->comp[s->rep[r] + c];
}

void tdk_edi_seg_str(const struct tdk_edi_seg *s, size_t e, size_t c, char *out, size_t n)
{
	const struct tdk_edi_value *val = tdk_edi_seg_value(s, e, c);
	size_t k = 0;

	if (val)
		for (k = 0; k < val->len && k + 1 < n; k++)
			out[k] = val->p[k];
	out[k] = '\0';
}

int tdk_edi_seg_is(const struct tdk_edi_seg *s, const char *tag)
{
	const struct tdk_edi_value *v = tdk_edi_seg_value(s, 0, 0);
	size_t n = strlen(tag);

	return v && v->len == n && !memcmp(v->p, tag, n);
}

int tdk_edi_tag_fault(const struct tdk_edi_seg *s, int version)
{
	const struct tdk_edi_value *t = s->nelem && s->ncomp ? &s->comp[0] : NULL;
	size_t i;

	if (!t || t->len != 3)
		return 1;
	for (i = 0; i < 3; i++)
		if (!((t->p[i] >= 'A' && t->p[i] <= 'Z') || (t->p[i] >= '0' && t->p[i] <= '9')))
			return 1;
	return version >= 4 && tdk_edi_seg_ncomps(s, 0) > 1 ? 2 : 0;
}

int tdk_edi_seg_present(const struct tdk_edi_seg *s, size_t e)
{
	size_t r, c;

	if (e >= s->nelem)
		return 0;
	for (r = s->elem[e]; r < s->elem[e] + tdk_edi_seg_nreps(s, e); r++)
		for (c = 0; c < tdk_edi_seg_ncomps(s, r); c++)
			if (s->comp[s->rep[r] + c].len)
				return 1;
	return 0;
}

int tdk_edi_dep_met(const struct tdk_edi_seg *s, unsigned type, const uint32_t *elements, unsigned n)
{
	unsigned i, count = 0;
	int first = n && tdk_edi_seg_present(s, elements[0]);

	for (i = 0; i < n; i++)
		count += (unsigned)tdk_edi_seg_present(s, elements[i]);
	switch (type) {
	case 1: return count == 1;
	case 2: return count == 0 || count == n;
	case 3: return count >= 1;
	case 4: return count <= 1;
	case 5: return !first || count == n;
	case 6: return !first || count >= 2;
	case 7: return !first || count == 1;
	}
	return 1;
}

void tdk_edi_dep_describe(const struct tdk_edi_seg *s, unsigned type, const uint32_t *elements,
			  const uint32_t *positions, const char *const *names, unsigned n, char *out,
			  char *state, size_t size)
{
	size_t k = 0, m = 0;
	unsigned i;

	k += (size_t)snprintf(out, size, "D%u(", type);
	*state = '\0';
	for (i = 0; i < n && k < size && m < size; i++) {
		k += (size_t)snprintf(out + k, size - k, "%s%03u", i ? "," : "", (unsigned)positions[i] % 1000);
		m += (size_t)snprintf(state + m, size - m, "%s%s %s", i ? ", " : "", names[i],
				      tdk_edi_seg_present(s, elements[i]) ? "present" : "absent");
	}
	if (k < size)
		snprintf(out + k, size - k, ")");
}

const char *tdk_edi_dep_name(unsigned type)
{
	static const char *const names[] = { "", "one and only one", "all or none", "one or more", "one or none",
					     "if first, then all", "if first, then at least one more",
					     "if first, then none of the others" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "";
}

void tdk_edi_seg_classify(struct tdk_edi_seg *s)
{
	const struct tdk_edi_value *v = s->nelem && s->ncomp ? &s->comp[0] : NULL;

	s->svc = v && v->len == 3 && v->p[0] == 'U' && v->p[1] == 'N' ? v->p[2] : 0;
}

void tdk_edi_seg_loc(const struct tdk_edi_seg *s, struct tdk_diag_loc *loc, unsigned element,
		     unsigned component, unsigned repetition)
{
	memset(loc, 0, sizeof(*loc));
	loc->line = s->line;
	loc->col = s->col;
	loc->offset = s->offset;
	loc->edi.segment = s->number;
	memcpy(loc->edi.tag, s->tag, sizeof(loc->edi.tag));
	loc->edi.element = element;
	loc->edi.component = component;
	loc->edi.repetition = repetition;
}

void tdk_edi_segbuild_init(struct tdk_edi_segbuild *b, size_t max_components)
{
	memset(b, 0, sizeof(*b));
	tdk_buf_init(&b->text, (size_t)16 << 20);
	b->max = max_components ? max_components : 10000;
}

void tdk_edi_segbuild_release(struct tdk_edi_segbuild *b)
{
	tdk_buf_release(&b->text);
	free(b->off);
	free(b->len);
	free(b->rep);
	free(b->elem);
	free(b->vals);
	memset(b, 0, sizeof(*b));
}

void tdk_edi_segbuild_reset(struct tdk_edi_segbuild *b)
{
	tdk_buf_reset(&b->text);
	b->ncomp = b->nrep = b->nelem = 0;
}

/* All arrays share one capacity: there are never more elements or repetitions than components. */
static int reserve(struct tdk_edi_segbuild *b, size_t need)
{
	size_t n;

	if (need <= b->cap)
		return 0;
	if (need > b->max)
		return -1;
	n = b->cap ? b->cap * 2 : 32;
	if (n > b->max)
		n = b->max;
#define RE(f)                                                  \
	do {                                                   \
		void *q = realloc(b->f, n * sizeof(*b->f));   \
		if (!q)                                        \
			return -1;                             \
		b->f = q;                                      \
	} while (0)
	RE(off);
	RE(len);
	RE(rep);
	RE(elem);
	RE(vals);
#undef RE
	b->cap = n;
	return 0;
}

int tdk_edi_segbuild_elem(struct tdk_edi_segbuild *b)
{
	if (reserve(b, b->nelem + 1) < 0 || reserve(b, b->nrep + 1) < 0)
		return -1;
	b->elem[b->nelem++] = (uint32_t)b->nrep;
	b->rep[b->nrep++] = (uint32_t)b->ncomp;
	return 0;
}

int tdk_edi_segbuild_rep(struct tdk_edi_segbuild *b)
{
	if (!b->nelem)
		return tdk_edi_segbuild_elem(b);
	if (reserve(b, b->nrep + 1) < 0)
		return -1;
	b->rep[b->nrep++] = (uint32_t)b->ncomp;
	return 0;
}

int tdk_edi_segbuild_comp(struct tdk_edi_segbuild *b, const char *p, size_t n)
{
	if (!b->nelem && tdk_edi_segbuild_elem(b) < 0)
		return -1;
	if (reserve(b, b->ncomp + 1) < 0)
		return -1;
	b->off[b->ncomp] = b->text.len;
	b->len[b->ncomp] = n;
	if (tdk_buf_add(&b->text, p, n) < 0)
		return -1;
	b->ncomp++;
	return 0;
}

void tdk_edi_segbuild_finish(struct tdk_edi_segbuild *b, struct tdk_edi_seg *seg)
{
	const char *base = b->text.data ? b->text.data : "";
	size_t i;

	for (i = 0; i < b->ncomp; i++) {
		b->vals[i].p = base + b->off[i];
		b->vals[i].len = b->len[i];
	}
	seg->comp = b->vals;
	seg->rep = b->rep;
	seg->elem = b->elem;
	seg->ncomp = b->ncomp;
	seg->nrep = b->nrep;
	seg->nelem = b->nelem;
	seg->cs = NULL;
	tdk_edi_seg_classify(seg);
	seg->tag[0] = '\0';
	if (b->ncomp) {
		size_t n = b->len[0] < 7 ? b->len[0] : 7;

		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)base[b->off[0] + i];

			seg->tag[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		seg->tag[n] = '\0';
	}
}
