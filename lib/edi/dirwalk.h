/*
 * A walk through a message's segment table (UNTDID EDMD), one segment tag at
 * a time: where each segment of a message stands, as the groups that are
 * open around it.  The rule is the directory validator's (dirval.c), ISO
 * 9735-1:2002 clause 7: a group begins with its trigger segment, segments
 * come in table order at most their maximum repeat, a segment whose repeats
 * are used up at its place may still open a new occurrence of an enclosing
 * group or a later group, and a segment that fits nowhere leaves the state
 * as it was.  The walk reports nothing: callers say what they need to.
 * Internal to lib/edi; fixed size, no allocation.
 */
#ifndef TDK_EDI_DIRWALK_H
#define TDK_EDI_DIRWALK_H

#include "edi/dir.h"

#define TDK_DIR_WALK_DEPTH 32

struct tdk_dir_walk {
	const struct tdk_dir *dir;
	const struct tdk_dir_message *msg;
	const struct tdk_dir_node *nodes;   /* dir->nodes + msg->first */
	struct tdk_dir_walk_frame {
		uint32_t g;      /* the group's node (index from the message's first), or TDK_DIR_NONE: the message */
		uint32_t cur;    /* the entry last taken, or TDK_DIR_NONE */
		uint32_t n;      /* its occurrences in this occurrence of the group */
	} stack[TDK_DIR_WALK_DEPTH];
	size_t depth;       /* frames in use; stack[0] is the message level */
};

/* Starts the walk of a message of release dir (both outlive the walk). */
void tdk_dir_walk_begin(struct tdk_dir_walk *w, const struct tdk_dir *dir, const struct tdk_dir_message *msg);

/*
 * Takes the segment with this tag (3 characters): returns the node it was
 * read as and sets *level to the frame that took it; the frames above
 * *level are closed, and when the node opens a group, a new frame for it is
 * on top (depth == *level + 2).  *over is set when the node was taken past
 * its maximum repeat.  Returns TDK_DIR_NONE, the walk unchanged, when the
 * segment fits nowhere.
 */
uint32_t tdk_dir_walk_step(struct tdk_dir_walk *w, const char *tag, size_t *level, int *over);

/* The first node of the table (any level) that is a segment with this tag, or TDK_DIR_NONE. */
uint32_t tdk_dir_walk_anywhere(const struct tdk_dir_walk *w, const char *tag);

#endif
