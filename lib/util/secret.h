/*
 * Reading secrets (client secrets, passphrases) the one way tdk reads them:
 * never from argv, only from a file the user alone can read, an open file
 * descriptor or an environment variable.  A secret is its source's first
 * line, without the line end, at most the caller's buffer less one byte;
 * the caller wipes the buffer with tdk_secret_wipe as soon as it is used.
 * Nothing here prints.
 */
#ifndef TDK_SECRET_H
#define TDK_SECRET_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * Reads one line (without its "\n" or "\r\n") from fd into buf[0..size).
 * Returns its length, or -1 with errno: EMSGSIZE when the line does not
 * fit (buf is wiped: /dev/zero or a key file given by mistake stops there),
 * or the read's error.
 */
int tdk_secret_read_line(int fd, char *buf, size_t size);

/*
 * Why a secret file is refused: TDK_SECRET_FILE_OK, or not a regular file,
 * owned by another user than the effective one, or open to the group or
 * others (any of the mode bits 077).
 */
enum tdk_secret_file_fault {
	TDK_SECRET_FILE_OK,
	TDK_SECRET_FILE_NOT_REGULAR,
	TDK_SECRET_FILE_OWNER,
	TDK_SECRET_FILE_MODE
};

/* Checks the status st of a secret file; returns what is wrong with it, or TDK_SECRET_FILE_OK. */
enum tdk_secret_file_fault tdk_secret_file_check(const struct stat *st);

/*
 * Opens path read-only (close-on-exec) and checks it with
 * tdk_secret_file_check on the descriptor itself, so that the file checked
 * is the file read.  Returns the descriptor, or -1 with errno set by open
 * (*fault is then TDK_SECRET_FILE_OK) or with *fault saying what is wrong
 * (the descriptor is closed).  st receives the file's status.
 */
int tdk_secret_file_open(const char *path, struct stat *st, enum tdk_secret_file_fault *fault);

/*
 * Reads the secret held in the environment variable name into
 * buf[0..size), then overwrites the variable's value in place and removes
 * it from the environment, so that no child process inherits it.  Returns
 * the length, or -1 with errno: ENOENT when the variable is not set,
 * EMSGSIZE when the value does not fit (the variable is wiped all the same).
 */
int tdk_secret_from_env(const char *name, char *buf, size_t size);

/* Overwrites n bytes at p in a way the compiler keeps (OPENSSL_cleanse). */
void tdk_secret_wipe(void *p, size_t n);

#endif
