/* The capped buffer; see buf.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void tdk_buf_init(struct tdk_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void tdk_buf_release(struct tdk_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

int tdk_buf_grow(struct tdk_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > b->max || b->len > b->max - n || b->len + n == (size_t)-1)
		return -1;
	need = b->len + n + 1;  /* room for the NUL */
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	if (!b->data)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int tdk_buf_add_slow(struct tdk_buf *b, const void *p, size_t n)
{
	if (tdk_buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int tdk_buf_adds(struct tdk_buf *b, const char *s)
{
	return tdk_buf_add(b, s, strlen(s));
}

int tdk_buf_vaddf(struct tdk_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || tdk_buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int tdk_buf_addf(struct tdk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tdk_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *tdk_fmt_u(char *o, unsigned long long v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	static const unsigned long long p10[] = {
		10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
		1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
		1000000000000000000ULL, 10000000000000000000ULL,
	};
	size_t n = 1;
	char *end;

	/* digits first, then written from the end: no copy afterwards */
	while (n < 20 && v >= p10[n - 1])
		n++;
	end = o + n;
	o = end;
	while (v > 0xffffffffULL) {
		unsigned k = (unsigned)(v % 100) * 2;

		v /= 100;
		*--o = pairs[k + 1];
		*--o = pairs[k];
	}
	/* the rest in 32 bits, where dividing by 100 is a cheap multiplication */
	{
		uint32_t w = (uint32_t)v;

		while (w >= 100) {
			unsigned k = (w % 100) * 2;

			w /= 100;
			*--o = pairs[k + 1];
			*--o = pairs[k];
		}
		v = w;
	}
	if (v >= 10) {
		*--o = pairs[v * 2 + 1];
		*--o = pairs[v * 2];
	} else {
		*--o = (char)('0' + v);
	}
	return end;
}

int tdk_buf_addu(struct tdk_buf *b, unsigned long long v)
{
	char d[24];

	return tdk_buf_add(b, d, (size_t)(tdk_fmt_u(d, v) - d));
}

char *tdk_buf_detach(struct tdk_buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

int tdk_word_in(const char *words, const char *v)
{
	size_t n = strlen(v);
	const char *p = words;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && !memcmp(p, v, n))
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

int tdk_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
