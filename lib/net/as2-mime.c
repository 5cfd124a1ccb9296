/*
 * The MIME the AS2 layers need, read with the limits of as2.h: one entity's
 * header fields (folded lines joined), the media type and its parameters, a
 * multipart body cut on its boundary, base64 both ways and the canonical
 * (CRLF) form.  Anything else MIME may carry is left to the payload's reader.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/as2-int.h"
#include "util/exitcode.h"

char *as2_strndup(const char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

void as2_entity_release(struct as2_entity *e)
{
	free(e->ctype);
	free(e->cte);
	free(e->disposition);
	memset(e, 0, sizeof(*e));
}

/* The end of the line at p (the byte after its LF, or end). */
static const unsigned char *line_end(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* Length of the line [p, q) without its CRLF or LF. */
static size_t line_len(const unsigned char *p, const unsigned char *q)
{
	size_t n = (size_t)(q - p);

	if (n && p[n - 1] == '\n')
		n--;
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

int as2_field(const unsigned char *f, size_t n, const char *name, char **value)
{
	const unsigned char *colon = memchr(f, ':', n);
	size_t nl, k;
	char *v;

	if (!colon || colon == f)
		return -1;
	nl = (size_t)(colon - f);
	if (strlen(name) != nl || strncasecmp((const char *)f, name, nl))
		return 0;
	f = colon + 1;
	n -= nl + 1;
	if (!(v = malloc(n + 1)))
		return -2;
	for (k = 0; n; f++, n--)
		if (*f != '\r' && *f != '\n')
			v[k++] = *f == '\t' ? ' ' : *f < 0x20 || *f == 0x7f ? '?' : (char)*f;
	while (k && v[k - 1] == ' ')
		k--;
	v[k] = '\0';
	for (k = 0; v[k] == ' '; k++)
		;
	memmove(v, v + k, strlen(v + k) + 1);
	*value = v;
	return 1;
}

int as2_keep(const unsigned char *f, size_t n, const char *const *names, char **const *slots, size_t k)
{
	char *v = NULL;
	size_t i;
	int r;

	for (i = 0; i < k; i++) {
		if ((r = as2_field(f, n, names[i], &v)) < 0)
			return r;
		if (r) {
			if (*slots[i])
				free(v);
			else
				*slots[i] = v;
			return 0;
		}
	}
	return 0;
}

/* Keeps the value of a field an entity needs. */
static int keep_field(void *arg, const unsigned char *f, size_t n)
{
	static const char *const names[] = { "content-type", "content-transfer-encoding", "content-disposition" };
	struct as2_entity *e = arg;
	char **slots[3];

	slots[0] = &e->ctype;
	slots[1] = &e->cte;
	slots[2] = &e->disposition;
	return as2_keep(f, n, names, slots, 3);
}

int as2_fields(const unsigned char *data, size_t n, int need_blank, int (*fn)(void *, const unsigned char *, size_t),
	       void *arg, size_t *body_off, struct tdk_diag *d)
{
	const unsigned char *p = data, *end = data + n, *f = NULL, *q = data;
	size_t fields = 0;
	int r;

	for (;; p = q) {
		if (p >= end && need_blank) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-MALFORMED", NULL,
				     "the mime headers do not end in an empty line");
			return TDK_EXIT_IO;
		}
		q = p < end ? line_end(p, end) : end;
		if (p < end && (*p == ' ' || *p == '\t') && f && line_len(p, q))
			continue;
		if (f) {
			if ((size_t)(p - f) > TDK_AS2_MAX_HEADER_LEN || ++fields > TDK_AS2_MAX_HEADERS) {
				tdk_diag_add(d, TDK_SEV_ERROR, "AS2-LIMIT", NULL,
					     "a mime header is longer than %u bytes, or there are more than %u",
					     TDK_AS2_MAX_HEADER_LEN, TDK_AS2_MAX_HEADERS);
				return TDK_EXIT_IO;
			}
			if ((r = fn(arg, f, (size_t)(p - f))) == -2)
				return TDK_EXIT_INTERNAL;
			if (r) {
				tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-MALFORMED", NULL,
					     "a header line has no field name and colon");
				return TDK_EXIT_IO;
			}
		}
		if (p >= end || (!line_len(p, q) && q > p))
			break;
		f = p;
	}
	*body_off = (size_t)(q - data);
	return 0;
}

int as2_entity_parse(const unsigned char *data, size_t n, struct as2_entity *e, struct tdk_diag *d)
{
	size_t off = 0;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = as2_fields(data, n, 1, keep_field, e, &off, d)))
		return rc;
	e->body.p = data + off;
	e->body.n = n - off;
	return 0;
}

int as2_top(const char *content_type, const void *data, size_t n, struct as2_entity *top, struct tdk_diag *d)
{
	memset(top, 0, sizeof(*top));
	if (n > TDK_AS2_MAX_BODY) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-LIMIT", NULL, "the body is over %u bytes", TDK_AS2_MAX_BODY);
		return TDK_EXIT_IO;
	}
	if (!content_type)
		return as2_entity_parse(data, n, top, d);
	if (!(top->ctype = as2_strndup(content_type, strlen(content_type))))
		return TDK_EXIT_INTERNAL;
	top->body.p = data;
	top->body.n = n;
	return 0;
}

int as2_type_is(const char *ctype, const char *type)
{
	size_t n = strlen(type);

	if (!ctype || strncasecmp(ctype, type, n))
		return 0;
	ctype += n;
	while (*ctype == ' ')
		ctype++;
	return *ctype == '\0' || *ctype == ';';
}

int as2_param(const char *ctype, const char *name, char *out, size_t size)
{
	const char *p = ctype ? strchr(ctype, ';') : NULL;
	size_t nl = strlen(name), k;

	while (p) {
		p++;
		while (*p == ' ')
			p++;
		if (!strncasecmp(p, name, nl) && p[nl] == '=') {
			p += nl + 1;
			k = 0;
			if (*p == '"') {
				for (p++; *p && *p != '"' && k + 1 < size; p++)
					out[k++] = *p == '\\' && p[1] ? *++p : *p;
			} else {
				for (; *p && *p != ';' && *p != ' ' && k + 1 < size; p++)
					out[k++] = *p;
			}
			out[k] = '\0';
			return 1;
		}
		while (*p && *p != ';') {
			if (*p++ != '"')
				continue;
			while (*p && *p != '"')
				p += p[0] == '\\' && p[1] ? 2 : 1;
			if (*p)
				p++;
		}
		if (!*p)
			break;
	}
	return 0;
}

/* 1 for a delimiter line, 2 for the close delimiter, 0 otherwise. */
static int delimiter(const unsigned char *p, size_t n, const char *b, size_t bl)
{
	if (n < bl + 2 || p[0] != '-' || p[1] != '-' || memcmp(p + 2, b, bl))
		return 0;
	p += bl + 2;
	n -= bl + 2;
	if (n >= 2 && p[0] == '-' && p[1] == '-') {
		p += 2;
		n -= 2;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		return n ? 0 : 2;
	}
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	return n ? 0 : 1;
}

int as2_multipart(struct as2_slice body, const char *boundary, struct as2_slice *parts, size_t *nparts,
		  struct tdk_diag *d)
{
	const unsigned char *p = body.p, *end = body.p + body.n, *q, *start = NULL;
	size_t bl = strlen(boundary), k = 0;
	int t;

	*nparts = 0;
	if (!bl || bl > 70) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-MALFORMED", NULL, "a multipart entity without a valid boundary");
		return TDK_EXIT_IO;
	}
	for (; p < end; p = q) {
		q = line_end(p, end);
		if (!(t = delimiter(p, line_len(p, q), boundary, bl)))
			continue;
		if (start) {
			const unsigned char *e = p;

			if (e > start && e[-1] == '\n')
				e--;
			if (e > start && e[-1] == '\r')
				e--;
			if (k == TDK_AS2_MAX_PARTS) {
				tdk_diag_add(d, TDK_SEV_ERROR, "AS2-LIMIT", NULL, "a multipart entity has more than %u parts",
					     TDK_AS2_MAX_PARTS);
				return TDK_EXIT_IO;
			}
			parts[k].p = start;
			parts[k++].n = (size_t)(e - start);
		}
		if (t == 2) {
			*nparts = k;
			if (k)
				return 0;
			break;
		}
		start = q;
	}
	tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-TRUNCATED", NULL,
		     "the multipart entity ends before its closing boundary \"--%s--\"", boundary);
	return TDK_EXIT_IO;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int as2_b64_decode(struct as2_slice in, struct tdk_buf *out)
{
	unsigned long acc = 0;
	int bits = 0, pad = 0;
	size_t i;

	for (i = 0; i < in.n; i++) {
		int c = in.p[i];
		const char *x;

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !c || !(x = strchr(b64, c)))
			return -1;
		acc = (acc << 6 | (unsigned long)(x - b64)) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (tdk_buf_addc(out, (int)(acc >> bits & 0xff)))
				return -2;
		}
	}
	return pad > 2 ? -1 : 0;
}

int as2_b64_encode(const unsigned char *p, size_t n, struct tdk_buf *out, int wrap)
{
	size_t i, col = 0;
	char q[4];

	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 | (i + 1 < n ? (unsigned long)p[i + 1] << 8 : 0) |
				  (i + 2 < n ? p[i + 2] : 0);

		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		if (tdk_buf_add(out, q, 4))
			return -1;
		if (wrap && (col += 4) == 76 && i + 3 < n) {
			if (tdk_buf_add(out, "\r\n", 2))
				return -1;
			col = 0;
		}
	}
	return wrap ? tdk_buf_add(out, "\r\n", 2) : 0;
}

int as2_canon(struct as2_slice in, struct tdk_buf *out)
{
	size_t i;

	for (i = 0; i < in.n; i++) {
		if (in.p[i] == '\n' && (i == 0 || in.p[i - 1] != '\r') && tdk_buf_addc(out, '\r'))
			return -1;
		if (tdk_buf_addc(out, in.p[i]))
			return -1;
	}
	return 0;
}

int as2_entity_decode(const struct as2_entity *e, struct tdk_buf *out, struct tdk_diag *d)
{
	const char *cte = e->cte ? e->cte : "7bit";
	int r;

	if (!strcasecmp(cte, "base64")) {
		if ((r = as2_b64_decode(e->body, out)) == -2)
			return TDK_EXIT_INTERNAL;
		if (r) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-ENCODING", NULL, "the base64 body has a byte outside base64");
			return TDK_EXIT_IO;
		}
		return 0;
	}
	if (strcasecmp(cte, "7bit") && strcasecmp(cte, "8bit") && strcasecmp(cte, "binary")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS2-MIME-ENCODING", NULL,
			     "content-transfer-encoding %.60s is not one of base64, 7bit, 8bit, binary", cte);
		return TDK_EXIT_IO;
	}
	return tdk_buf_add(out, e->body.p, e->body.n) ? TDK_EXIT_INTERNAL : 0;
}
