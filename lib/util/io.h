/*
 * Input and output for documents.  Input is read in chunks from a file or
 * standard input, never loaded whole.  Output to a named file is atomic: bytes
 * go to a temporary file beside the target, which is renamed over it on
 * commit and removed on abort, so a killed run leaves the old file or the new
 * one, never half of one.
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
};

/* Opens path for reading; "-" is standard input.  Returns 0, or -1 with errno kept in in->err. */
int tdk_input_open(struct tdk_input *in, const char *path);

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
	FILE *fp;          /* where bytes go: the temporary file, or the borrowed stream */
	char *path;        /* target path, NULL for the borrowed stream; owned */
	char *tmp;         /* temporary path; owned */
	int err;           /* errno of the first failure */
};

/*
 * Opens an output: path NULL or "-" writes to the borrowed stream dflt,
 * anything else to a temporary file in the same folder as path.
 * Returns 0, or -1 with errno kept in out->err.
 */
int tdk_output_open(struct tdk_output *out, const char *path, FILE *dflt);

/* Writes n bytes.  Returns 0, or -1 on error (remembered for commit). */
int tdk_output_write(struct tdk_output *out, const void *p, size_t n);

/*
 * Flushes and, for a named file, syncs and renames the temporary file over
 * the target.  Returns 0, or -1 with out->err set (the temporary is removed).
 */
int tdk_output_commit(struct tdk_output *out);

/* Discards a named output (removes the temporary file); a borrowed stream is only flushed. */
void tdk_output_abort(struct tdk_output *out);

/* Copies the whole of in to out.  Returns 0, or -1 on a read or write error. */
int tdk_copy(struct tdk_input *in, struct tdk_output *out);

#endif
