/*
 * UTF-8 encoding of one code point (RFC 3629 §3), for the readers that
 * decode JSON's \u escapes.
 */
#ifndef TDK_UTF8_H
#define TDK_UTF8_H

#include <stddef.h>

/*
 * Writes the UTF-8 form of cp (at most U+10FFFF; the caller has refused
 * lone surrogates) to out and returns its length, 1 to 4 bytes.
 */
static inline size_t tdk_utf8_encode(char out[4], unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

#endif
