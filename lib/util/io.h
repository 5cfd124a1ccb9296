/*
 * Input and output for documents.  Input is read in chunks from a file or
 * standard input, never loaded whole (tdk_read_all loads it, with a cap, for
 * the formats that need every byte).  Output to a named file is atomic:
 * bytes go to a temporary file beside the target, which is renamed over it
 * on commit and removed on abort, so a killed run leaves the old file or the
 * new one, never half of one.  The target is treated as cp(1) treats it: a
 * symbolic link is followed (the link stays, the file it names is replaced),
 * an existing file keeps its mode (and, for root, its owner), and an
 * existing target that is not a regular file (a device, a FIFO, a socket)
 * is written through, never replaced.  Temporary files are registered so
 * that SIGINT, SIGTERM and SIGHUP remove them (tdk_tmp_remove_on_signals).
 */
#ifndef TDK_IO_H
#define TDK_IO_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct tdk_input {
	int fd;            /* -1 when closed */
	int owned;         /* close fd on tdk_input_close */
	const char *name;  /* borrowed: "-" for standard input */
	uint64_t nread;    /* bytes read so far */
	int err;           /* errno of the last failure, 0 if none */
	char peek[512];    /* bytes read ahead by tdk_input_peek, returned first by reads */
	size_t npeek, ipeek;
	/*
	 * When set, called once with every byte read from fd, in order, before
	 * it is handed out (by a read or a peek): what the caller saw, e.g. to
	 * pass on exactly the bytes that were checked.  Set after tdk_input_open.
	 */
	void (*tap)(void *arg, const void *p, size_t n);
	void *tap_arg;
	const char *mem;   /* an input opened on memory (tdk_input_open_mem): its bytes, borrowed */
	size_t memlen, mempos;
};

/* Opens path for reading; "-" is standard input.  Returns 0, or -1 with errno kept in in->err. */
int tdk_input_open(struct tdk_input *in, const char *path);

/* Opens an input on the n bytes at p (borrowed; they must outlive the input), named name. */
void tdk_input_open_mem(struct tdk_input *in, const char *name, const void *p, size_t n);

/* Reads up to n bytes.  Returns the count, 0 at end of input, -1 on error (in->err set). */
ssize_t tdk_input_read(struct tdk_input *in, void *buf, size_t n);

/*
 * Reads ahead up to n bytes (at most 512) without consuming them: later reads
 * return them first.  Returns the number available, or -1 on error.
 */
ssize_t tdk_input_peek(struct tdk_input *in, const char **p, size_t n);

/* Closes the input if it was opened by tdk_input_open; standard input is left open. */
void tdk_input_close(struct tdk_input *in);

struct tdk_output {
	FILE *fp;          /* where bytes go: the temporary file, the target itself, or the
	                      borrowed stream */
	char *path;        /* target path (links resolved), NULL for the borrowed stream; owned */
	char *tmp;         /* temporary path, NULL when writing through; owned */
	int direct;        /* writing straight into an existing device, FIFO or socket */
	int slot;          /* the temporary's entry in the signal registry, or -1 */
	int err;           /* errno of the first failure */
	/*
	 * Set by the caller after tdk_output_open(): commit renames without
	 * syncing the file first.  A crash then leaves the old file or the new
	 * one, but on a file system that does not write a file's data before a
	 * rename over an older one is recorded (ext4 does, by auto_da_alloc;
	 * XFS does not) the new name may hold an empty or short file: only for
	 * a file whose loss its reader tolerates and detects.
	 */
	int nosync;
};

/*
 * Opens an output: path NULL or "-" writes to the borrowed stream dflt;
 * anything else as the header says: a temporary file beside the file path
 * names (after following links), or the existing non-regular file itself.
 * A folder is refused (EISDIR).  Returns 0, or -1 with errno kept in out->err.
 */
int tdk_output_open(struct tdk_output *out, const char *path, FILE *dflt);

/* Writes n bytes.  Returns 0, or -1 on error (remembered for commit). */
int tdk_output_write(struct tdk_output *out, const void *p, size_t n);

/*
 * Flushes and, for a named file, syncs (unless out->nosync) and renames
 * the temporary file over the target.  Returns 0, or -1 with out->err set (the temporary is removed).
 */
int tdk_output_commit(struct tdk_output *out);

/* Discards a named output (removes the temporary file); a borrowed stream is only flushed. */
void tdk_output_abort(struct tdk_output *out);

/* Writes all n bytes to fd, again after EINTR or a short write.  Returns 0, or -1 with errno. */
int tdk_write_all(int fd, const void *p, size_t n);

/* Copies the whole of in to out.  Returns 0, or -1 on a read or write error. */
int tdk_copy(struct tdk_input *in, struct tdk_output *out);

/*
 * Reads a whole file, a pipe or standard input ("-") into b (set up here
 * with the cap max; the caller releases it).  Returns 0, or -1 with errno:
 * EFBIG when the input is longer than max, ENOMEM, or the read's error.
 */
struct tdk_buf;
int tdk_read_all(const char *path, size_t max, struct tdk_buf *b);

/* The same from an open input, from where it stands; the input stays open. */
int tdk_input_read_all(struct tdk_input *in, size_t max, struct tdk_buf *b);

/*
 * The registry of live temporary files, for removal on a signal.  A slot
 * holds a folder descriptor (AT_FDCWD for a path) and a name below it;
 * tdk_tmp_register returns the slot, or -1 when the registry is full or the
 * name too long (the file is then only removed by the normal paths).  The
 * descriptor must stay open until tdk_tmp_unregister.  Thread-safe.
 */
int tdk_tmp_register(int dirfd, const char *name);
void tdk_tmp_unregister(int slot);

/*
 * Creates the new file name below dirfd (O_EXCL, never through a link, mode
 * 0600), registered before it exists, so that no signal finds it created
 * and not yet registered.  A name ending in "XXXXXX" gets those six
 * characters chosen at random, in place, and another try when taken, as
 * mkstemp(3) does.  Returns the descriptor and sets *slot (-1: not
 * registered), or returns -1 with errno.
 */
int tdk_tmp_create(int dirfd, char *name, int *slot);

/*
 * The mode a new file gets (0666 less the umask).  The umask can only be
 * read by setting it, so it is read once, by tdk_tmp_remove_on_signals in
 * main() before any thread starts (or at the first call), and kept.
 */
mode_t tdk_new_file_mode(void);

/*
 * Installs, once per process, a handler for SIGINT, SIGTERM and SIGHUP
 * (those not ignored) that removes every registered temporary and then dies
 * of the same signal.  For main(); library code never installs handlers.
 */
void tdk_tmp_remove_on_signals(void);

#endif
