/*
 * AS4 messages read: the SOAP with Attachments packaging (RFC 2387, SwA
 * 1.0) through lib/net/mime.h, the envelope through lib/xml's tree reader,
 * the ebMS header through lib/net/ebms.h, then the eb:PartInfo references
 * matched to the MIME parts (ebMS 3 core 5.2.2.13), each fault with the
 * ebMS error code of core section 6.7.1 a receiver answers with; and the
 * AS4 profile's gzip compression undone within a bound (AS4 profile 1.0
 * section 3.1, EBMS:0303).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/as4.h"
#include "net/ebms-int.h"
#include "net/mime.h"
#include "sign/sign.h"
#include "util/exitcode.h"
#include "xml/xml.h"

/* The ebMS error codes of the faults found here (ebMS 3 core 6.7.1, AS4 profile). */
#define E_MIME     "EBMS:0007"  /* MimeInconsistency */
#define E_HEADER   "EBMS:0009"  /* InvalidHeader */
#define E_EXTERNAL "EBMS:0011"  /* ExternalPayloadError */
#define E_VALUE    "EBMS:0003"  /* ValueInconsistent */
#define E_DECOMP   "EBMS:0303"  /* DecompressionFailure */

/* Adds an error code whose message starts with the ebMS code ebms and its short description. */
static void fault(struct tdk_as4_msg *m, struct tdk_diag *d, const char *code, const char *ebms, const char *fmt, ...)
{
	char msg[TDK_DIAG_MSG_MAX];
	const char *desc = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tdk_ebms_error_lookup(ebms, &desc, NULL, NULL);
	if (!m->ebms_code)
		m->ebms_code = ebms;
	tdk_diag_add(d, TDK_SEV_ERROR, code, NULL, "%s %s: %s", ebms, desc, msg);
}

/* Whether a MIME type (lowercased by the MIME reader) is that of a SOAP envelope. */
static int soap_type(const char *t)
{
	return !strcmp(t, "application/soap+xml") || !strcmp(t, "text/xml");
}

/* Parses the envelope env[0..n) into m->env (IDs registered) and reads its header into hdr. */
static int read_envelope(const char *env, size_t n, const char *name, struct tdk_as4_msg *m,
			 struct tdk_ebms_msg *hdr, struct tdk_diag *d)
{
	unsigned long before = d->errors;
	int ret;

	m->env = ebms_parse(env, n, name, "EBMS-XML", d);
	if (!m->env || tdk_xml_register_ids(m->env, "VERIFY", d) < 0) {
		fault(m, d, "AS4-ENVELOPE", E_HEADER, "the SOAP envelope cannot be read");
		return TDK_EXIT_NEGATIVE;
	}
	ret = tdk_ebms_read_doc(m->env, hdr, d);
	if (ret == TDK_EXIT_OK && d->errors > before)
		ret = TDK_EXIT_NEGATIVE; /* a namespace error leaves a tree, and is still a fault */
	if (ret == TDK_EXIT_NEGATIVE && d->errors > before)
		fault(m, d, "AS4-ENVELOPE", E_HEADER, "the ebMS header is not valid (see above)");
	return ret;
}

/* Copies MIME part p (decoded) into a new attachment of m. */
static int add_part(struct tdk_as4_msg *m, const struct tdk_mime_part *p, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_AS4_MAX_MESSAGE);
	struct tdk_as4_att *a = &m->att[m->natt];

	for (size_t i = 0; i < m->natt; i++)
		if (!strcmp(m->att[i].cid, p->content_id)) {
			fault(m, d, "AS4-MIME", E_MIME, "two MIME parts have the Content-ID '%s'", p->content_id);
			return TDK_EXIT_NEGATIVE;
		}
	if (tdk_mime_decode(p, &b, d) < 0) {
		tdk_buf_release(&b);
		fault(m, d, "AS4-MIME", E_MIME, "part '%s' cannot be decoded", p->content_id);
		return TDK_EXIT_NEGATIVE;
	}
	memset(a, 0, sizeof(*a));
	m->natt++;
	a->len = b.len;
	a->bytes = (unsigned char *)tdk_buf_detach(&b);
	a->cid = strdup(p->content_id);
	a->type = strdup(p->type);
	return a->cid && a->type && (a->bytes || !a->len) ? TDK_EXIT_OK : TDK_EXIT_INTERNAL;
}

/* Decodes the SOAP envelope part p into env.  Returns 0, or -1 after a fault. */
static int decode_envelope(const struct tdk_mime_part *p, struct tdk_buf *env, struct tdk_as4_msg *m,
			   struct tdk_diag *d)
{
	if (tdk_mime_decode(p, env, d) == 0)
		return 0;
	fault(m, d, "AS4-MIME", E_MIME, "the SOAP envelope cannot be decoded");
	return -1;
}

/* Reads the multipart/related message mm: its root as the envelope, its other parts as attachments. */
static int read_related(const struct tdk_mime *mm, const char *name, struct tdk_as4_msg *m, struct tdk_ebms_msg *hdr,
			struct tdk_diag *d)
{
	struct tdk_buf env = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	int root = tdk_mime_related_root(mm, 0, d), c, ret = TDK_EXIT_OK, r;
	size_t k;

	if (root < 0 || !soap_type(mm->parts[root].type)) {
		fault(m, d, "AS4-MIME", E_MIME, root < 0 ? "the multipart/related message has no root part" :
		      "the root part is '%s', not a SOAP envelope", root < 0 ? "" : mm->parts[root].type);
		tdk_buf_release(&env);
		return TDK_EXIT_NEGATIVE;
	}
	if (decode_envelope(&mm->parts[root], &env, m, d) < 0) {
		tdk_buf_release(&env);
		return TDK_EXIT_NEGATIVE;
	}
	if (!(m->att = calloc(mm->nparts, sizeof(*m->att)))) {
		tdk_buf_release(&env);
		return TDK_EXIT_INTERNAL;
	}
	for (k = 0; (c = tdk_mime_child(mm, 0, k)) >= 0; k++) {
		if (c == root)
			continue;
		if (!mm->parts[c].content_id[0]) {
			fault(m, d, "AS4-MIME", E_MIME, "MIME part %zu has no Content-ID", k + 1);
			ret = TDK_EXIT_NEGATIVE;
			continue;
		}
		if (m->natt == TDK_AS4_MAX_ATTACHMENTS) {
			fault(m, d, "AS4-LIMIT", E_MIME, "more than %d attachments", TDK_AS4_MAX_ATTACHMENTS);
			ret = TDK_EXIT_NEGATIVE;
			break;
		}
		r = add_part(m, &mm->parts[c], d);
		if (r == TDK_EXIT_INTERNAL) {
			tdk_buf_release(&env);
			return r;
		}
		if (r != TDK_EXIT_OK)
			ret = r;
	}
	r = read_envelope(env.data, env.len, name, m, hdr, d);
	tdk_buf_release(&env);
	return r != TDK_EXIT_OK ? r : ret;
}

/* The index of the attachment whose Content-ID is href's "cid:" URL (RFC 2392, percent-decoded), or -1. */
static int find_cid(const struct tdk_as4_msg *m, const char *href)
{
	struct tdk_buf id = TDK_BUF_INIT(1024);
	int at = -1;

	if (strncasecmp(href, "cid:", 4) || tdk_uri_decode(href + 4, &id) < 0 || !id.data) {
		tdk_buf_release(&id);
		return -1;
	}
	for (size_t i = 0; i < m->natt && at < 0; i++)
		if (!strcmp(m->att[i].cid, id.data))
			at = (int)i;
	tdk_buf_release(&id);
	return at;
}

/* Checks the compression properties of part p (for attachment a): AS4 profile 1.0 section 3.1. */
static int check_compression(struct tdk_as4_msg *m, const struct tdk_ebms_part *p, struct tdk_as4_att *a,
			     struct tdk_diag *d)
{
	if (!p->compression)
		return TDK_EXIT_OK;
	if (strcmp(p->compression, "application/gzip")) {
		fault(m, d, "AS4-COMPRESSION", E_VALUE, "part '%s' has CompressionType '%.64s'; the AS4 profile "
		      "allows application/gzip only", p->href, p->compression);
		return TDK_EXIT_NEGATIVE;
	}
	if (!p->mime_type || !*p->mime_type) {
		fault(m, d, "AS4-COMPRESSION", E_VALUE, "compressed part '%s' has no MimeType part property", p->href);
		return TDK_EXIT_NEGATIVE;
	}
	a->compressed = 1;
	free(a->mime_type);
	a->mime_type = strdup(p->mime_type);
	return a->mime_type ? TDK_EXIT_OK : TDK_EXIT_INTERNAL;
}

/* Matches the PartInfo hrefs of hdr to the attachments, and puts these in PartInfo order. */
static int match_parts(struct tdk_as4_msg *m, const struct tdk_ebms_msg *hdr, struct tdk_diag *d)
{
	const struct tdk_ebms_user *u = &hdr->user;
	size_t placed = 0;
	int ret = TDK_EXIT_OK, at, r;

	for (size_t i = 0; hdr->has_user && i < u->nparts; i++) {
		const char *href = u->parts[i].href;
		struct tdk_as4_att t;

		if (!href || href[0] == '#')
			continue; /* the SOAP Body, or a part of it */
		at = find_cid(m, href);
		if (at < 0 || (size_t)at < placed) {
			if (at < 0)
				fault(m, d, "AS4-MISSING-PART", E_EXTERNAL, "eb:PartInfo href '%.200s' names no MIME part "
				      "of the message", href);
			else
				fault(m, d, "AS4-PART-TWICE", E_VALUE, "two eb:PartInfo elements name '%.200s'", href);
			ret = TDK_EXIT_NEGATIVE;
			continue;
		}
		t = m->att[placed];
		m->att[placed] = m->att[at];
		m->att[at] = t;
		r = check_compression(m, &u->parts[i], &m->att[placed], d);
		if (r == TDK_EXIT_INTERNAL)
			return r;
		if (r != TDK_EXIT_OK)
			ret = r;
		placed++;
	}
	for (size_t i = placed; i < m->natt; i++) {
		fault(m, d, "AS4-EXTRA-PART", E_EXTERNAL, "MIME part '%.200s' is named by no eb:PartInfo", m->att[i].cid);
		ret = TDK_EXIT_NEGATIVE;
	}
	return ret;
}

int tdk_as4_read(const char *content_type, const char *body, size_t len, const char *name,
		 struct tdk_as4_msg *m, struct tdk_ebms_msg *hdr, struct tdk_diag *d)
{
	struct tdk_mime mm;
	int ret, r;

	tdk_mime_init(&mm);
	if (content_type ? tdk_mime_read_body(&mm, content_type, body, len, NULL, d) < 0 :
			   tdk_mime_read(&mm, body, len, NULL, d) < 0) {
		fault(m, d, "AS4-MIME", E_MIME, "the message is not a MIME entity tdk can read");
		ret = TDK_EXIT_NEGATIVE;
		goto out;
	}
	if (!strcmp(mm.parts[0].type, "multipart/related")) {
		ret = read_related(&mm, name, m, hdr, d);
	} else if (soap_type(mm.parts[0].type) && mm.nparts == 1) {
		struct tdk_buf env = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);

		ret = decode_envelope(&mm.parts[0], &env, m, d) < 0 ? TDK_EXIT_NEGATIVE :
		      read_envelope(env.data, env.len, name, m, hdr, d);
		tdk_buf_release(&env);
	} else {
		fault(m, d, "AS4-MIME", E_MIME, "the message is '%s', neither a SOAP envelope nor multipart/related",
		      mm.parts[0].type);
		ret = TDK_EXIT_NEGATIVE;
	}
	if (ret == TDK_EXIT_INTERNAL || !m->env)
		goto out;
	r = match_parts(m, hdr, d);
	if (r != TDK_EXIT_OK && ret != TDK_EXIT_INTERNAL)
		ret = r;
out:
	tdk_mime_release(&mm);
	return ret;
}

int tdk_as4_decompress(struct tdk_as4_msg *m, size_t max, struct tdk_diag *d)
{
	int ret = TDK_EXIT_OK, r;

	if (!max)
		max = TDK_AS4_MAX_PAYLOAD;
	for (size_t i = 0; i < m->natt; i++) {
		struct tdk_as4_att *a = &m->att[i];
		struct tdk_buf b = TDK_BUF_INIT(max);
		char *t;

		if (!a->compressed)
			continue;
		r = tdk_as4_gunzip(a->bytes, a->len, max, &b);
		if (r < 0) {
			tdk_buf_release(&b);
			fault(m, d, "AS4-DECOMPRESS", E_DECOMP, r == -2 ? "part '%s' inflates past %zu bytes" :
			      "part '%s' is not a sound gzip stream", a->cid, max);
			ret = TDK_EXIT_NEGATIVE;
			continue;
		}
		if (!(t = strdup(a->mime_type ? a->mime_type : "application/octet-stream"))) {
			tdk_buf_release(&b);
			return TDK_EXIT_INTERNAL;
		}
		free(a->bytes);
		free(a->type);
		a->len = b.len;
		a->bytes = (unsigned char *)tdk_buf_detach(&b);
		a->type = t;
		a->compressed = 0;
		if (!a->bytes && a->len)
			return TDK_EXIT_INTERNAL;
	}
	return ret;
}
