/*
 * validate -p: passing an input through to standard output once it has been
 * found valid: exactly the bytes that were checked, from the one open of it.
 * Opening it again by name would pass on whatever the name points to by then
 * (a file swapped in), nothing at all (a pipe, /dev/stdin, <(...)) or hang (a
 * FIFO whose writer is gone).  So a tap on the input (struct tdk_input's tap)
 * sees every byte the checker reads:
 *
 *  - a regular file is hashed in blocks of TDK_PASS_BLOCK bytes (SHA-256) and
 *    read again through the same descriptor, from the offset where checking
 *    began; each block is compared with its hash before it is written.  A
 *    file replaced by rename keeps its old inode behind the descriptor; one
 *    rewritten in place is refused at its first changed block;
 *  - anything else (a pipe, a FIFO, a terminal, a device) is spooled while it
 *    is checked: in memory up to TDK_PASS_MEMORY bytes, then in an unlinked
 *    temporary file in $TMPDIR; the spool is what is written.
 */
#ifndef TDK_PASS_H
#define TDK_PASS_H

#include <stdint.h>
#include <sys/types.h>

#include "cmd.h"
#include "util/buf.h"
#include "util/io.h"

#define TDK_PASS_MEMORY ((size_t)1 << 20)
#define TDK_PASS_BLOCK  ((size_t)1 << 20)

struct tdk_pass {
	int fd;                  /* the input's descriptor; borrowed */
	int regular;             /* 1: read again from fd; 0: spooled */
	off_t start;             /* fd's offset when checking began (regular) */
	uint64_t total;          /* bytes the tap has seen */
	void *md;                /* the running SHA-256 of the current block (an EVP_MD_CTX) */
	size_t inblock;          /* bytes of the current block hashed so far */
	struct tdk_buf digests;  /* the SHA-256 of each block, in order */
	struct tdk_buf mem;      /* the spool while it fits in memory */
	int spool;               /* the spool file once it does not; -1 before */
	int err;                 /* errno of the tap's first failure; it then does nothing */
};

/*
 * Sets p up for in, which has just been opened and not read, and installs
 * the tap on it; p must stay where it is until in is closed.  Returns 0, or
 * TDK_EXIT_INTERNAL when out of memory (p is then released).
 */
int tdk_pass_begin(struct tdk_pass *p, struct tdk_input *in);

/*
 * Writes the bytes the tap saw to ctx->out, after checking found them
 * valid.  Problems go to ctx->err under the command name "validate" and the
 * input's path: a file that changed while it was checked (nothing more is
 * written from the first changed block on), a spool that could not be
 * written, standard output that cannot be written.  Returns the exit status.
 */
int tdk_pass_write(struct tdk_pass *p, struct tdk_ctx *ctx, const char *path);

/* Frees what p holds and closes its spool; the input is left alone.  NULL-safe. */
void tdk_pass_release(struct tdk_pass *p);

#endif
