/*
 * libFuzzer target for lib/net/mime.h.  A first byte below 0x80 reads the
 * rest as a whole MIME entity: every entity must lie inside the input, its
 * header and body inside its raw bytes, its parent before it, and its body
 * must decode within a capped buffer or be refused with a code.  A first
 * byte of 0x80 or more writes the rest, cut at 0xFF bytes into at most
 * eight parts, as a multipart/related body, which must read back with
 * exactly the headers and bodies written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_read(const char *s, size_t n)
{
	struct tdk_mime_limits lim;
	struct tdk_buf out = TDK_BUF_INIT(1u << 16);
	struct tdk_mime m;
	struct tdk_diag d;
	size_t i;

	tdk_mime_limits_init(&lim);
	lim.max_parts = 64;
	tdk_diag_init(&d, "fuzz");
	tdk_mime_init(&m);
	if (tdk_mime_read(&m, s, n, &lim, &d) < 0 && !d.errors)
		abort();
	for (i = 0; i < m.nparts; i++) {
		const struct tdk_mime_part *p = &m.parts[i];

		if (p->raw < s || p->raw + p->raw_len > s + n || p->header < p->raw ||
		    p->header + p->header_len > p->raw + p->raw_len || p->body < p->header + p->header_len ||
		    p->body + p->body_len != p->raw + p->raw_len || p->parent >= (int)i || p->depth > lim.max_depth)
			abort();
		tdk_buf_reset(&out);
		d.errors = 0;
		if (tdk_mime_decode(p, &out, &d) < 0 && !d.errors)
			abort();
	}
	if (m.nparts && !strncmp(m.parts[0].type, "multipart/related", 17))
		tdk_mime_related_root(&m, 0, &d);
	tdk_mime_release(&m);
	tdk_buf_release(&out);
}

static void check_write(const char *s, size_t n)
{
	static const char *const headers[] = { NULL, "Content-ID: <root>\r\n",
					       "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n" };
	struct tdk_mime_out parts[8];
	struct tdk_buf out = TDK_BUF_INIT(1u << 20), ct = TDK_BUF_INIT(1024);
	struct tdk_mime m;
	struct tdk_diag d;
	const char *p = s, *end = s + n, *cut;
	size_t k = 0, i;

	while (k < 8) {
		cut = memchr(p, 0xff, (size_t)(end - p));
		parts[k].header = headers[k % 3];
		parts[k].body = p;
		parts[k].len = (size_t)((cut ? cut : end) - p);
		k++;
		if (!cut)
			break;
		p = cut + 1;
	}
	tdk_diag_init(&d, "fuzz");
	tdk_mime_init(&m);
	if (tdk_mime_write(&out, &ct, "multipart/related", "type=\"application/soap+xml\"", parts, k, &d) < 0)
		abort();
	if (tdk_mime_read_body(&m, ct.data, out.data, out.len, NULL, &d) < 0 || m.nparts != k + 1)
		abort();
	for (i = 0; i < k; i++) {
		const struct tdk_mime_part *q = &m.parts[i + 1];
		size_t hl = parts[i].header ? strlen(parts[i].header) : 0;

		if (q->parent != 0 || q->header_len != hl || memcmp(q->header, parts[i].header ? parts[i].header : "", hl) ||
		    q->body_len != parts[i].len || memcmp(q->body, parts[i].body, parts[i].len))
			abort();
	}
	tdk_mime_release(&m);
	tdk_buf_release(&out);
	tdk_buf_release(&ct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] < 0x80)
		check_read((const char *)data + 1, size - 1);
	else
		check_write((const char *)data + 1, size - 1);
	return 0;
}
