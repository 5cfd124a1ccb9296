/*
 * Character repertoires named by the syntax identifier (UNB S001 0001,
 * service code list 0001): UNOA and UNOB are the level A and B subsets of
 * ISO 646 (ISO 9735-1:2002 clause 6, annex A), UNOC to UNOK the parts of
 * ISO 8859, UNOW and UNOY ISO 10646 in UTF-8.  The 8-bit tables are built once
 * from the C library's iconv, which knows every part of ISO 8859.
 */
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"

/* Level A: upper case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < > */
static const char level_a_extra[] = " .,-()/='+:?!\"%&*;<>";

struct cs_def {
	const char *id;
	const char *encoding;
	enum tdk_charset_kind kind;
};

static const struct cs_def defs[] = {
	{ "UNOA", "US-ASCII", TDK_CS_ASCII },
	{ "UNOB", "US-ASCII", TDK_CS_ASCII },
	{ "UNOC", "ISO-8859-1", TDK_CS_8BIT },
	{ "UNOD", "ISO-8859-2", TDK_CS_8BIT },
	{ "UNOE", "ISO-8859-5", TDK_CS_8BIT },
	{ "UNOF", "ISO-8859-7", TDK_CS_8BIT },
	{ "UNOG", "ISO-8859-3", TDK_CS_8BIT },
	{ "UNOH", "ISO-8859-4", TDK_CS_8BIT },
	{ "UNOI", "ISO-8859-6", TDK_CS_8BIT },
	{ "UNOJ", "ISO-8859-8", TDK_CS_8BIT },
	{ "UNOK", "ISO-8859-9", TDK_CS_8BIT },
	{ "UNOW", "UTF-8", TDK_CS_UTF8 },
	{ "UNOY", "UTF-8", TDK_CS_UTF8 },
};

/* Code point of byte b in an ISO 8859 part, or UINT32_MAX where the part leaves it undefined. */
static uint32_t iconv_byte(iconv_t cd, unsigned char b)
{
	char in[1], out[8];
	char *ip = in, *op = out;
	size_t il = 1, ol = sizeof(out);
	uint32_t cp;

	in[0] = (char)b;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || ol != sizeof(out) - 4)
		return UINT32_MAX;
	memcpy(&cp, out, 4);
	return cp;
}

/*
 * The ISO 8859 tables, built once per process: a parser sets up a set for
 * every UNB and after every UNZ, and asking iconv byte by byte each time
 * was a good part of reading many small interchanges.  -j workers share them
 * under the lock.
 */
#define NDEFS (sizeof(defs) / sizeof(defs[0]))
static struct {
	int state;               /* 0 not built, 1 built, -1 iconv lacks the part */
	uint32_t map[256];
	unsigned char cls[256];
} tables[NDEFS];
static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;

static int build_8bit(struct tdk_charset *cs);

static int fill_8bit(struct tdk_charset *cs, size_t def)
{
	int r;

	pthread_mutex_lock(&tables_lock);
	if (!tables[def].state) {
		tables[def].state = build_8bit(cs) < 0 ? -1 : 1;
		memcpy(tables[def].map, cs->map, sizeof(cs->map));
		memcpy(tables[def].cls, cs->cls, sizeof(cs->cls));
	}
	r = tables[def].state;
	memcpy(cs->map, tables[def].map, sizeof(cs->map));
	memcpy(cs->cls, tables[def].cls, sizeof(cs->cls));
	pthread_mutex_unlock(&tables_lock);
	return r < 0 ? -1 : 0;
}

static int build_8bit(struct tdk_charset *cs)
{
	iconv_t cd = iconv_open("UCS-4LE", cs->encoding);
	int b;

	if (cd == (iconv_t)-1)
		return -1;
	for (b = 0; b < 256; b++) {
		uint32_t cp = b < 0x80 ? (uint32_t)b : iconv_byte(cd, (unsigned char)b);

		cs->map[b] = cp;
		if (cp == UINT32_MAX)
			cs->cls[b] = TDK_CS_INVALID;
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			cs->cls[b] = TDK_CS_OUTSIDE;  /* C0 and C1 controls, DEL */
		else
			cs->cls[b] = TDK_CS_OK;
	}
	iconv_close(cd);
	return 0;
}

int tdk_charset_init(struct tdk_charset *cs, const char *id)
{
	const struct cs_def *def = NULL;
	size_t i, di = 2;
	int b, r = 0;

	memset(cs, 0, sizeof(*cs));
	snprintf(cs->id, sizeof(cs->id), "%s", id);
	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(defs[i].id, id)) {
			def = &defs[i];
			di = i;
		}
	if (!def) {
		r = !strcmp(id, "UNOX") ? -1 : 1;
		def = &defs[2];  /* ISO 8859-1: every byte maps, so nothing is lost */
	} else {
		cs->known = 1;
	}
	cs->encoding = def->encoding;
	cs->kind = def->kind;
	switch (cs->kind) {
	case TDK_CS_ASCII:
		for (b = 0; b < 256; b++) {
			cs->map[b] = b < 0x80 ? (uint32_t)b : UINT32_MAX;
			if (b >= 0x80)
				cs->cls[b] = TDK_CS_INVALID;
			else if ((b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
				 (b && strchr(level_a_extra, b)))
				cs->cls[b] = TDK_CS_OK;
			else if (b >= 'a' && b <= 'z' && !strcmp(id, "UNOB"))
				cs->cls[b] = TDK_CS_OK;
			else
				cs->cls[b] = TDK_CS_OUTSIDE;
		}
		break;
	case TDK_CS_8BIT:
		if (fill_8bit(cs, di) < 0)
			return -1;
		break;
	case TDK_CS_UTF8:
		for (b = 0; b < 256; b++) {
			cs->map[b] = b < 0x80 ? (uint32_t)b : UINT32_MAX;
			cs->cls[b] = b < 0x20 || b == 0x7f ? TDK_CS_OUTSIDE : TDK_CS_OK;
		}
		break;
	}
	if (!cs->known)
		for (b = 0; b < 256; b++)
			if (cs->cls[b] == TDK_CS_OUTSIDE && b >= 0x20)
				cs->cls[b] = TDK_CS_OK;  /* repertoire unknown: only controls stand out */
	return r;
}

const char *tdk_charset_label(const char *id)
{
	size_t i;

	if (!id[0])
		return "UNOC";
	for (i = 0; id[i]; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7e || id[i] == '"' ||
		    id[i] == '&' || id[i] == '<' || id[i] == '\\')
			return "UNOC";
	return id;
}

void tdk_charset_release(struct tdk_charset *cs)
{
	free(cs->rev);
	cs->rev = NULL;
}

size_t tdk_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (!n)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int tdk_unicode_noncharacter(uint32_t cp)
{
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

static int put_utf8(struct tdk_buf *out, uint32_t c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		return tdk_buf_addc(out, (int)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return tdk_buf_add(out, u, n);
}

int tdk_charset_to_utf8(const struct tdk_charset *cs, struct tdk_buf *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, start;

	if (cs->kind == TDK_CS_UTF8) {
		while (i < n) {
			uint32_t c;
			size_t k;

			if (s[i] < 0x80) {
				i++;
				continue;
			}
			k = tdk_utf8_seq(s + i, n - i, &c);
			if (!k)
				return -1;
			i += k;
		}
		return tdk_buf_add(out, p, n);
	}
	while (i < n) {
		start = i;
		while (i < n && s[i] < 0x80)
			i++;
		if (i > start && tdk_buf_add(out, p + start, i - start) < 0)
			return -1;
		if (i < n) {
			if (cs->map[s[i]] == UINT32_MAX || put_utf8(out, cs->map[s[i]]) < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

static int build_rev(struct tdk_charset *cs)
{
	int b;

	cs->rev = calloc(TDK_CS_REV_MAX, sizeof(*cs->rev));
	if (!cs->rev)
		return -1;
	for (b = 255; b >= 0; b--)
		if (cs->map[b] < TDK_CS_REV_MAX)
			cs->rev[cs->map[b]] = (uint16_t)(b + 1);
	return 0;
}

int tdk_charset_from_utf8(struct tdk_charset *cs, struct tdk_buf *out, const char *s, size_t n,
			  size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start;

	if (cs->kind == TDK_CS_UTF8)
		return tdk_buf_add(out, s, n);
	while (i < n) {
		uint32_t c;
		size_t k;

		start = i;
		while (i < n && u[i] < 0x80)
			i++;
		if (i > start && tdk_buf_add(out, s + start, i - start) < 0)
			return -1;
		if (i >= n)
			break;
		k = tdk_utf8_seq(u + i, n - i, &c);
		if (cs->kind == TDK_CS_ASCII || !k || c >= TDK_CS_REV_MAX) {
			*bad = i;
			return -2;
		}
		if (!cs->rev && build_rev(cs) < 0)
			return -1;
		/* rev holds byte + 1, so that 0 means "not in the set". */
		if (cs->rev[c]) {
			if (tdk_buf_addc(out, cs->rev[c] - 1) < 0)
				return -1;
		} else {
			*bad = i;
			return -2;
		}
		i += k;
	}
	return 0;
}
