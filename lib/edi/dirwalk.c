/* The segment table walk; see dirwalk.h. */
#include <string.h>

#include "edi/dirwalk.h"

void tdk_dir_walk_begin(struct tdk_dir_walk *w, const struct tdk_dir *dir, const struct tdk_dir_message *msg)
{
	w->dir = dir;
	w->msg = msg;
	w->nodes = dir->nodes + msg->first;
	w->depth = 1;
	w->stack[0].g = TDK_DIR_NONE;
	w->stack[0].cur = TDK_DIR_NONE;
	w->stack[0].n = 0;
}

static uint32_t first_of(const struct tdk_dir_walk *w, uint32_t g)
{
	return g == TDK_DIR_NONE ? 0 : g + 1;
}

static uint32_t end_of(const struct tdk_dir_walk *w, uint32_t g)
{
	return g == TDK_DIR_NONE ? w->msg->n : w->nodes[g].end;
}

static uint32_t next_sibling(const struct tdk_dir_walk *w, uint32_t c)
{
	return w->nodes[c].group ? w->nodes[c].end : c + 1;
}

/* The tag a node is entered by: its own, or its trigger segment's. */
static int enters(const struct tdk_dir_walk *w, uint32_t c, const char *tag)
{
	const char *t = w->nodes[c].group ? w->nodes[c + 1].tag : w->nodes[c].tag;

	return !strncmp(t, tag, 3);
}

static uint32_t take(struct tdk_dir_walk *w, size_t k, uint32_t c, size_t *level, int *over)
{
	struct tdk_dir_walk_frame *f = &w->stack[k];

	w->depth = k + 1;
	*level = k;
	*over = 0;
	if (c == f->cur) {
		f->n++;
		*over = f->n > w->nodes[c].repeat;
	} else {
		f->cur = c;
		f->n = 1;
	}
	if (w->nodes[c].group && w->depth < TDK_DIR_WALK_DEPTH) {
		/* The trigger is taken as the group's first entry. */
		w->stack[w->depth].g = c;
		w->stack[w->depth].cur = c + 1;
		w->stack[w->depth].n = 1;
		w->depth++;
	}
	return c;
}

uint32_t tdk_dir_walk_step(struct tdk_dir_walk *w, const char *tag, size_t *level, int *over)
{
	size_t k, full_k = 0;
	uint32_t full = TDK_DIR_NONE;

	/*
	 * Innermost group first, from the current entry on: the current entry
	 * again while its repeats allow, a later entry, then the same in each
	 * enclosing level, where a group is entered by its trigger (a group's
	 * own trigger begins a new occurrence, decided one level up).  A place
	 * whose repeats are used up is taken only when nothing else fits.
	 */
	for (k = w->depth; k-- > 0;) {
		const struct tdk_dir_walk_frame *f = &w->stack[k];
		uint32_t first = first_of(w, f->g), end = end_of(w, f->g), c;

		for (c = f->cur == TDK_DIR_NONE ? first : f->cur; c < end; c = next_sibling(w, c)) {
			if (k > 0 && c == first)
				continue;
			if (!enters(w, c, tag))
				continue;
			if (c == f->cur && f->n >= w->nodes[c].repeat) {
				if (full == TDK_DIR_NONE)
					full = c, full_k = k;
				continue;
			}
			return take(w, k, c, level, over);
		}
	}
	if (full != TDK_DIR_NONE)
		return take(w, full_k, full, level, over);
	return TDK_DIR_NONE;
}

uint32_t tdk_dir_walk_anywhere(const struct tdk_dir_walk *w, const char *tag)
{
	uint32_t c;

	for (c = 0; c < w->msg->n; c++)
		if (!w->nodes[c].group && !strncmp(w->nodes[c].tag, tag, 3))
			return c;
	return TDK_DIR_NONE;
}
