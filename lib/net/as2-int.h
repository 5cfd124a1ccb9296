/*
 * Inside lib/net/as2*.c: the small MIME reader the AS2 layers need (one
 * entity's headers, a multipart body's parts, base64), the MIC, and the
 * S/MIME signature made and checked with OpenSSL's CMS.  Limits are those of
 * as2.h.  Functions that can fail add a diagnostic and return an exit code.
 */
#ifndef TDK_NET_AS2_INT_H
#define TDK_NET_AS2_INT_H

#include <openssl/cms.h>

#include "net/as2.h"
#include "util/buf.h"

/* A piece of a borrowed buffer. */
struct as2_slice {
	const unsigned char *p;
	size_t n;
};

/* One MIME entity: its unfolded Content-Type and Content-Transfer-Encoding (owned, or NULL) and its body (borrowed). */
struct as2_entity {
	char *ctype;
	char *cte;
	char *disposition;          /* Content-Disposition, owned, or NULL */
	struct as2_slice body;
};

/* Reads the headers of the entity in data (n bytes) and finds its body; release with as2_entity_release. */
int as2_entity_parse(const unsigned char *data, size_t n, struct as2_entity *e, struct tdk_diag *d);
void as2_entity_release(struct as2_entity *e);

/*
 * Matches the header field f (n bytes, folded lines included) against name:
 * 1 with *value its unfolded value (owned; control characters made '?'),
 * 0 for another field, -1 for a line with no name and colon, -2 out of memory.
 */
int as2_field(const unsigned char *f, size_t n, const char *name, char **value);

/* Keeps field f in the first of the k slots whose name it has, unless that slot is set; as2_field's returns. */
int as2_keep(const unsigned char *f, size_t n, const char *const *names, char **const *slots, size_t k);

/*
 * The top entity of a received body: content_type with data as its body, or
 * (content_type NULL) data's own headers; release with as2_entity_release.
 */
int as2_top(const char *content_type, const void *data, size_t n, struct as2_entity *top, struct tdk_diag *d);

/*
 * Calls fn for each header field of data (n bytes, at most TDK_AS2_MAX_HEADERS,
 * each at most TDK_AS2_MAX_HEADER_LEN); fn returns 0, -1 (malformed) or -2 (out
 * of memory).  The fields end at an empty line, or with need_blank 0 at the
 * end; *body_off is where the body begins.
 */
int as2_fields(const unsigned char *data, size_t n, int need_blank, int (*fn)(void *, const unsigned char *, size_t),
	       void *arg, size_t *body_off, struct tdk_diag *d);

/* Nonzero when the media type of ctype (a Content-Type value) is type, ignoring case. */
int as2_type_is(const char *ctype, const char *type);

/* Copies parameter name of ctype, unquoted, into out (size bytes); returns 1 when found, 0 otherwise. */
int as2_param(const char *ctype, const char *name, char *out, size_t size);

/*
 * Splits a multipart body on boundary into at most TDK_AS2_MAX_PARTS parts (each the
 * bytes between the delimiter lines, the line break before the next delimiter excluded).
 */
int as2_multipart(struct as2_slice body, const char *boundary, struct as2_slice *parts, size_t *nparts,
		  struct tdk_diag *d);

/* Decodes base64 (line breaks and spaces skipped) into out; -1 for a byte outside the alphabet. */
int as2_b64_decode(struct as2_slice in, struct tdk_buf *out);

/* Encodes base64 into out: with wrap, in lines of 76 characters each ending CRLF; else on one line. */
int as2_b64_encode(const unsigned char *p, size_t n, struct tdk_buf *out, int wrap);

/* Appends p with every bare LF made CRLF (the canonical form of a MIME entity). */
int as2_canon(struct as2_slice in, struct tdk_buf *out);

/* The body of e with its transfer encoding undone: base64 decoded, 7bit, 8bit and binary as is. */
int as2_entity_decode(const struct as2_entity *e, struct tdk_buf *out, struct tdk_diag *d);

/* The digest of a MIC algorithm name (sha1, sha-256, ...) and its RFC 5751 name; 0, or -1 when unknown. */
int as2_md(const char *name, const EVP_MD **md, const char **micname);

/* out = "base64(digest of p), micname". */
int as2_mic(const EVP_MD *md, const char *micname, const void *p, size_t n, char out[TDK_AS2_MIC_MAX]);

/*
 * Signs entity (the bytes as given, binary) detached with key and cert and
 * appends the multipart/signed body to body; *ctype gets its Content-Type.
 */
int as2_sign(EVP_PKEY *key, X509 *cert, const EVP_MD *md, const char *micname, struct as2_slice entity,
	     struct tdk_buf *body, char **ctype, struct tdk_diag *d);

/*
 * Checks the multipart/signed entity e against partner: *signed_part gets the
 * signed entity (in outb, canonical when the raw bytes did not verify) and
 * *micalg the micalg parameter (static storage, or NULL).
 */
int as2_verify(const struct as2_entity *e, X509 *partner, struct tdk_buf *outb, struct as2_slice *signed_part,
	       const char **micalg, struct tdk_diag *d);

/* Appends the DER of an RFC 3274 compressed-data (zlib) of in to der. */
int as2_compress(struct as2_slice in, struct tdk_buf *der);

/* Inflates the content of the compressed-data cms into out, within TDK_AS2_MAX_BODY. */
int as2_uncompress(CMS_ContentInfo *cms, struct tdk_buf *out, struct tdk_diag *d);

/* Appends the DER of cms to der; 0 or -1. */
int as2_der(CMS_ContentInfo *cms, struct tdk_buf *der);

/* Copies s (n bytes) into a new NUL-terminated string; NULL when out of memory. */
char *as2_strndup(const char *s, size_t n);

#endif
