/*
 * A growable byte buffer with a hard cap.  Growing past the cap is an error
 * that the caller reports, never a crash and never an unbounded allocation
 * driven by untrusted input.  The contents are always NUL-terminated when
 * data is not NULL, so a buffer of text can be used as a C string.
 */
#ifndef TDK_BUF_H
#define TDK_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct tdk_buf {
	char *data;   /* NULL until the first byte is added; owned by the buffer */
	size_t len;   /* bytes in use, not counting the terminating NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* the cap: len never exceeds it */
};

#define TDK_BUF_INIT(max) { NULL, 0, 0, (max) }

/* Sets up an empty buffer that may hold at most max bytes. */
void tdk_buf_init(struct tdk_buf *b, size_t max);

/* Frees the memory and leaves the buffer empty, ready for reuse with the same cap. */
void tdk_buf_release(struct tdk_buf *b);

/* Makes room for n more bytes.  Returns 0, or -1 when len + n would pass the cap or memory runs out. */
int tdk_buf_grow(struct tdk_buf *b, size_t n);

/* Appends n bytes; returns 0 or -1 as tdk_buf_grow.  On -1 the buffer is unchanged. */
int tdk_buf_add_slow(struct tdk_buf *b, const void *p, size_t n);

static inline int tdk_buf_add(struct tdk_buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && b->data) {
		if (n)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return tdk_buf_add_slow(b, p, n);
}

/* Appends a NUL-terminated string. */
int tdk_buf_adds(struct tdk_buf *b, const char *s);

/* Appends printf-style formatted text. */
int tdk_buf_addf(struct tdk_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tdk_buf_vaddf(struct tdk_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Appends one byte. */
static inline int tdk_buf_addc(struct tdk_buf *b, int c)
{
	if (b->len + 1 >= b->cap && tdk_buf_grow(b, 1) < 0)
		return -1;
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
	return 0;
}

/* Appends a string literal without measuring it at run time. */
#define tdk_buf_addl(b, lit) tdk_buf_add((b), (lit), sizeof(lit) - 1)

/* Appends an unsigned number in decimal (faster than tdk_buf_addf on hot paths). */
int tdk_buf_addu(struct tdk_buf *b, unsigned long long v);

/* Writes v in decimal at o (at most 20 bytes, no NUL); returns the end. */
char *tdk_fmt_u(char *o, unsigned long long v);

/* The value of the hexadecimal digit c (0-9, a-f, A-F): 0 to 15, or -1 for any other character. */
int tdk_hex_value(int c);

/* Whether v is one of the words of the list words, separated by '|' ("text|json"). */
int tdk_word_in(const char *words, const char *v);

/* Empties the buffer without freeing it. */
static inline void tdk_buf_reset(struct tdk_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Hands the contents to the caller, who frees them; the buffer is left empty. */
char *tdk_buf_detach(struct tdk_buf *b);

#endif
