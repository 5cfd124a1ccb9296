/*
 * The MIME writer of multipart bodies (RFC 2046 section 5.1.1, for RFC 2387
 * multipart/related and RFC 1847 multipart/signed) and the transfer
 * decodings of RFC 2045 section 6 (base64, quoted-printable).
 */
#include <stdlib.h>
#include <string.h>

#include "net/mime.h"
#include "net/upload.h"

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int base64(const char *s, size_t n, struct tdk_buf *out, struct tdk_diag *d)
{
	unsigned long acc = 0;
	unsigned bits = 0, pad = 0, chars = 0;
	size_t i;
	int v;

	for (i = 0; i < n; i++) {
		if (space(s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			chars++;
			continue;
		}
		if (pad || (v = b64_value((unsigned char)s[i])) < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "MIME-BASE64", NULL,
				     "a byte that is not base64 at offset %zu of the body", i);
			return -1;
		}
		chars++;
		acc = (acc << 6) | (unsigned)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (tdk_buf_addc(out, (int)((acc >> bits) & 0xff)) < 0)
				goto full;
		}
	}
	if (chars % 4 || pad > 2) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MIME-BASE64", NULL, "base64 that does not end on a quantum");
		return -1;
	}
	return 0;
full:
	tdk_diag_add(d, TDK_SEV_ERROR, "MIME-LIMIT-SIZE", NULL, "the decoded body passes the limit");
	return -1;
}

static int qp(const char *s, size_t n, struct tdk_buf *out, struct tdk_diag *d)
{
	size_t i, j;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			/* Trailing white space is deleted (RFC 2045 section 6.7 rule 3). */
			for (j = i; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
				;
			if (j == n || s[j] == '\r' || s[j] == '\n') {
				i = j - 1;
				continue;
			}
		} else if (s[i] == '=') {
			for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
				;
			if (j == n || s[j] == '\n' || (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n')) {
				i = j < n && s[j] == '\r' ? j + 1 : j; /* a soft line break */
				continue;
			}
			if (i + 2 >= n || (hi = tdk_hex_value((unsigned char)s[i + 1])) < 0 ||
			    (lo = tdk_hex_value((unsigned char)s[i + 2])) < 0) {
				tdk_diag_add(d, TDK_SEV_ERROR, "MIME-QP", NULL,
					     "an '=' that is no escape at offset %zu of the body", i);
				return -1;
			}
			if (tdk_buf_addc(out, hi * 16 + lo) < 0)
				goto full;
			i += 2;
			continue;
		}
		if (tdk_buf_addc(out, s[i]) < 0)
			goto full;
	}
	return 0;
full:
	tdk_diag_add(d, TDK_SEV_ERROR, "MIME-LIMIT-SIZE", NULL, "the decoded body passes the limit");
	return -1;
}

int tdk_mime_decode(const struct tdk_mime_part *p, struct tdk_buf *out, struct tdk_diag *d)
{
	if (!strcmp(p->cte, "base64"))
		return base64(p->body, p->body_len, out, d);
	if (!strcmp(p->cte, "quoted-printable"))
		return qp(p->body, p->body_len, out, d);
	if (tdk_buf_add(out, p->body, p->body_len) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MIME-LIMIT-SIZE", NULL, "the body passes the limit");
		return -1;
	}
	return 0;
}

/* Whether "--" b occurs in s[0..n). */
static int occurs(const char *s, size_t n, const char *b, size_t bl)
{
	const char *p = s, *end = s + n;

	while ((size_t)(end - p) >= bl + 2 && (p = memchr(p, '-', (size_t)(end - p) - bl - 1))) {
		if (p[1] == '-' && !memcmp(p + 2, b, bl))
			return 1;
		p++;
	}
	return 0;
}

/* A part header must be fields each ending in CRLF, with no empty line. */
static int header_ok(const char *h)
{
	size_t n = strlen(h);

	return !n || (n >= 2 && !strcmp(h + n - 2, "\r\n") && !strstr(h, "\r\n\r\n") && h[0] != '\r' &&
		      !strstr(h, "\n\n"));
}

static int pick_boundary(char *b, const struct tdk_mime_out *parts, size_t n)
{
	size_t i, bl;
	int tries, clash;

	for (tries = 0; tries < 8; tries++) {
		if (tdk_upload_boundary(b, NULL, 0) < 0)
			return -1;
		bl = strlen(b);
		for (clash = 0, i = 0; i < n && !clash; i++)
			clash = (parts[i].header && occurs(parts[i].header, strlen(parts[i].header), b, bl)) ||
				occurs(parts[i].body, parts[i].len, b, bl);
		if (!clash)
			return 0;
	}
	return -1;
}

int tdk_mime_write(struct tdk_buf *out, struct tdk_buf *ctype, const char *type,
		   const char *params, const struct tdk_mime_out *parts, size_t n,
		   struct tdk_diag *d)
{
	char b[TDK_UPLOAD_BOUNDARY_LEN + 1];
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (parts[i].header && !header_ok(parts[i].header)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "MIME-HEADER", NULL,
				     "the header of part %zu does not end in CRLF or holds an empty line", i + 1);
			return -1;
		}
	if (pick_boundary(b, parts, n) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MIME-BOUNDARY", NULL, "no boundary could be drawn");
		return -1;
	}
	tdk_buf_reset(ctype);
	rc |= tdk_buf_addf(ctype, "%s; boundary=\"%s\"", type, b);
	if (params && *params)
		rc |= tdk_buf_addf(ctype, "; %s", params);
	for (i = 0; i < n && !rc; i++) {
		rc |= tdk_buf_addf(out, "%s--%s\r\n", i ? "\r\n" : "", b);
		if (parts[i].header)
			rc |= tdk_buf_adds(out, parts[i].header);
		rc |= tdk_buf_addl(out, "\r\n");
		rc |= tdk_buf_add(out, parts[i].body, parts[i].len);
	}
	if (!rc)
		rc = tdk_buf_addf(out, "\r\n--%s--\r\n", b);
	if (rc) {
		tdk_diag_add(d, TDK_SEV_ERROR, "MIME-LIMIT-SIZE", NULL, "the multipart body passes the limit");
		return -1;
	}
	return 0;
}
