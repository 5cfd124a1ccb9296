/*
 * AS4 messages built and serialised: a UserMessage of ebMS 3 core section
 * 5.2 (lib/net/ebms-build.c) parsed into a tree for the caller's
 * WS-Security steps, its payloads as attachments with a Content-ID each,
 * gzip-compressed as the AS4 profile's compression feature says (AS4
 * profile 1.0 section 3.1); then the whole as SOAP with Attachments
 * (multipart/related, RFC 2387, the envelope as the start part).  gzip and
 * its bounded inflation are here too.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "net/as4.h"
#include "net/ebms-int.h"
#include "net/mime.h"
#include "util/exitcode.h"
#include "xml/xml.h"

void tdk_as4_msg_init(struct tdk_as4_msg *m)
{
	memset(m, 0, sizeof(*m));
}

void tdk_as4_msg_release(struct tdk_as4_msg *m)
{
	for (size_t i = 0; i < m->natt; i++) {
		free(m->att[i].cid);
		free(m->att[i].type);
		free(m->att[i].bytes);
		free(m->att[i].mime_type);
	}
	free(m->att);
	free(m->message_id);
	xmlFreeDoc(m->env);
	tdk_as4_msg_init(m);
}

/* ---- gzip (RFC 1952) ---- */

int tdk_as4_gzip(const void *in, size_t n, struct tdk_buf *out)
{
	unsigned char chunk[16384];
	z_stream zs;
	int zr, ret = -1;

	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16: a gzip header and trailer around the deflate stream. */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	zs.next_in = in;
	zs.avail_in = (uInt)n;
	if ((size_t)zs.avail_in != n)
		goto out;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = deflate(&zs, Z_FINISH);
		if (zr == Z_STREAM_ERROR || tdk_buf_add(out, chunk, sizeof(chunk) - zs.avail_out) < 0)
			goto out;
	} while (zr != Z_STREAM_END);
	ret = 0;
out:
	deflateEnd(&zs);
	return ret;
}

int tdk_as4_gunzip(const void *in, size_t n, size_t max, struct tdk_buf *out)
{
	unsigned char chunk[16384];
	size_t got = 0, k;
	z_stream zs;
	int zr = Z_OK, ret = -1;

	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16: gzip only, not zlib or raw deflate. */
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return -1;
	zs.next_in = in;
	zs.avail_in = (uInt)n;
	if ((size_t)zs.avail_in != n)
		goto out;
	while (zr != Z_STREAM_END) {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			goto out;
		k = sizeof(chunk) - zs.avail_out;
		if (k > max - got) {
			ret = -2;
			goto out;
		}
		got += k;
		if (tdk_buf_add(out, chunk, k) < 0)
			goto out;
		if (zr == Z_OK && !k && !zs.avail_in)
			goto out; /* truncated: no input left and no progress */
	}
	ret = zs.avail_in ? -1 : 0;
out:
	inflateEnd(&zs);
	return ret;
}

/* ---- Building ---- */

/* A fresh msg-id (ebMS 3 core 5.2.2.1) at this host's name, or at "tdk.invalid" when it has none. */
static int fresh_id(char *id, size_t n)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0 || !host[0] || strchr(host, ' '))
		snprintf(host, sizeof(host), "tdk.invalid");
	host[sizeof(host) - 1] = '\0';
	return tdk_ebms_message_id(host, id, n);
}

/* Adds attachment k of m: a fresh Content-ID, payload p, gzip-compressed when compress is set. */
static int add_attachment(struct tdk_as4_msg *m, const struct tdk_as4_payload *p, int compress, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_AS4_MAX_MESSAGE);
	struct tdk_as4_att *a = &m->att[m->natt];
	char cid[320];

	if (fresh_id(cid, sizeof(cid)) < 0)
		return TDK_EXIT_INTERNAL;
	memset(a, 0, sizeof(*a));
	m->natt++;
	a->cid = strdup(cid);
	a->mime_type = strdup(p->type && *p->type ? p->type : "application/octet-stream");
	a->compressed = compress;
	a->type = strdup(compress ? "application/octet-stream" : a->mime_type ? a->mime_type : "");
	if (!a->cid || !a->mime_type || !a->type)
		return TDK_EXIT_INTERNAL;
	if (compress ? tdk_as4_gzip(p->bytes, p->len, &b) < 0 : tdk_buf_add(&b, p->bytes, p->len) < 0) {
		tdk_buf_release(&b);
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-LIMIT", NULL, "payload '%s' does not fit in a message",
			     p->name ? p->name : "-");
		return TDK_EXIT_USAGE;
	}
	a->len = b.len;
	a->bytes = (unsigned char *)tdk_buf_detach(&b);
	if (!a->bytes && a->len)
		return TDK_EXIT_INTERNAL;
	return TDK_EXIT_OK;
}

int tdk_as4_build(const struct tdk_endpoint *ep, const struct tdk_as4_payload *p, size_t n, const char *id,
		  int compress, long long now, struct tdk_as4_msg *m, struct tdk_diag *d)
{
	struct tdk_ebms_payload eps[TDK_AS4_MAX_ATTACHMENTS];
	struct tdk_buf env = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	char fresh[320];
	int ret = TDK_EXIT_INTERNAL;

	if (n > TDK_AS4_MAX_ATTACHMENTS) {
		tdk_diag_add(d, TDK_SEV_ERROR, "AS4-LIMIT", NULL, "%zu payloads; one message carries at most %d", n,
			     TDK_AS4_MAX_ATTACHMENTS);
		return TDK_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i].type && strpbrk(p[i].type, "\r\n\"")) {
			/* It goes into a MIME header and an XML property: one line, no quote. */
			tdk_diag_add(d, TDK_SEV_ERROR, "EBMS-SETTING", NULL, "payload '%s' has a MIME type with a line "
				     "break or a quote", p[i].name ? p[i].name : "-");
			return TDK_EXIT_USAGE;
		} else if (p[i].len > TDK_AS4_MAX_PAYLOAD) {
			tdk_diag_add(d, TDK_SEV_ERROR, "AS4-LIMIT", NULL, "payload '%s' has %zu bytes; the limit is %u",
				     p[i].name ? p[i].name : "-", p[i].len, TDK_AS4_MAX_PAYLOAD);
			return TDK_EXIT_USAGE;
		}
	if (!id) {
		if (fresh_id(fresh, sizeof(fresh)) < 0)
			return TDK_EXIT_INTERNAL;
		id = fresh;
	}
	if (!(m->message_id = strdup(id)) || (n && !(m->att = calloc(n, sizeof(*m->att)))))
		goto out;
	for (size_t i = 0; i < n; i++) {
		ret = add_attachment(m, &p[i], compress, d);
		if (ret != TDK_EXIT_OK)
			goto out;
		eps[i].content_id = m->att[i].cid;
		eps[i].mime_type = m->att[i].mime_type;
		eps[i].compressed = compress;
	}
	ret = tdk_ebms_build_user(ep, id, now, eps, n, &env, d);
	if (ret != TDK_EXIT_OK)
		goto out;
	m->env = ebms_parse(env.data, env.len, "as4", "EBMS-XML", d);
	ret = m->env && tdk_xml_register_ids(m->env, "VERIFY", d) == 0 ? TDK_EXIT_OK : TDK_EXIT_INTERNAL;
out:
	tdk_buf_release(&env);
	return ret;
}

/* ---- Serialising ---- */

int tdk_as4_serialise(const struct tdk_as4_msg *m, struct tdk_buf *body, struct tdk_buf *ctype,
		      struct tdk_diag *d)
{
	struct tdk_mime_out parts[TDK_AS4_MAX_ATTACHMENTS + 1];
	struct tdk_buf hdr[TDK_AS4_MAX_ATTACHMENTS + 1];
	struct tdk_buf env = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE), params = TDK_BUF_INIT(1024);
	char root[320];
	size_t n = m->natt + 1, i;
	int ret = TDK_EXIT_INTERNAL;

	tdk_buf_reset(body);
	tdk_buf_reset(ctype);
	if (m->natt > TDK_AS4_MAX_ATTACHMENTS || !m->env)
		return TDK_EXIT_INTERNAL;
	for (i = 0; i < n; i++)
		tdk_buf_init(&hdr[i], 4096);
	if (tdk_xml_dump(m->env, &env) < 0)
		goto full;
	if (!m->natt) {
		if (tdk_buf_add(body, env.data, env.len) < 0 || tdk_buf_adds(ctype, "application/soap+xml; charset=UTF-8"))
			goto full;
		ret = TDK_EXIT_OK;
		goto out;
	}
	if (fresh_id(root, sizeof(root)) < 0)
		goto out;
	if (tdk_buf_addf(&hdr[0], "Content-Type: application/soap+xml; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: binary\r\nContent-ID: <%s>\r\n", root) ||
	    tdk_buf_addf(&params, "type=\"application/soap+xml\"; start=\"<%s>\"", root))
		goto full;
	parts[0].header = hdr[0].data;
	parts[0].body = env.data;
	parts[0].len = env.len;
	for (i = 1; i < n; i++) {
		const struct tdk_as4_att *a = &m->att[i - 1];

		if (tdk_buf_addf(&hdr[i], "Content-Type: %s\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <%s>\r\n",
				 a->type ? a->type : "application/octet-stream", a->cid))
			goto full;
		parts[i].header = hdr[i].data;
		parts[i].body = a->bytes;
		parts[i].len = a->len;
	}
	ret = tdk_mime_write(body, ctype, "multipart/related", params.data, parts, n, d) < 0 ? TDK_EXIT_INTERNAL :
											      TDK_EXIT_OK;
	goto out;
full:
	tdk_diag_add(d, TDK_SEV_ERROR, "AS4-LIMIT", NULL, "the message does not fit in its buffer");
out:
	for (i = 0; i < n; i++)
		tdk_buf_release(&hdr[i]);
	tdk_buf_release(&env);
	tdk_buf_release(&params);
	return ret;
}
