/*
 * MIME entities (RFC 2045, RFC 2046): the one reader and writer of tdk for
 * SOAP with Attachments (multipart/related, RFC 2387) and S/MIME
 * (multipart/signed, RFC 1847).  The reader keeps every part as byte ranges
 * of the input, with no copy, so that a signature over a part's exact bytes
 * (its header and body, as RFC 1847 section 2.1 signs them) can be checked;
 * it splits multipart bodies exactly as RFC 2046 section 5.1.1 says: the
 * CRLF before a boundary delimiter belongs to the delimiter, the preamble
 * and the epilogue are not parts, a line that starts with the delimiter and
 * goes on with other characters than transport padding is content.  Lines
 * may end in CRLF or in a bare LF (files stored with LF line ends); the
 * byte ranges keep whichever was there.  Every limit is explicit and every
 * refusal is a MIME-* diagnostic.  Nothing here prints.
 */
#ifndef TDK_MIME_H
#define TDK_MIME_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

#define TDK_MIME_MAX_HEADER (64u * 1024u)        /* bytes of one entity's header */
#define TDK_MIME_MAX_PARTS 256u                  /* entities in one message, the top included */
#define TDK_MIME_MAX_DEPTH 4u                    /* multipart nesting below the top entity */
#define TDK_MIME_MAX_SIZE (256u * 1024u * 1024u) /* bytes of the whole message */

/* The limits of one read; tdk_mime_limits_init gives the defaults above. */
struct tdk_mime_limits {
	size_t max_header;
	unsigned max_parts;
	unsigned max_depth;
	size_t max_size;
};

/* Sets the default limits. */
void tdk_mime_limits_init(struct tdk_mime_limits *lim);

/*
 * One entity: the top one (index 0) or a body part of a multipart entity.
 * The pointers point into the input given to tdk_mime_read (or, for the
 * header of the top entity read by tdk_mime_read_body, into the struct
 * tdk_mime), which the caller keeps alive as long as it uses them.  The
 * strings are NUL-terminated copies of the header's values, bounded in size.
 */
struct tdk_mime_part {
	const char *raw;          /* the part exactly: header, blank line, body (the body
	                             alone for the top entity of tdk_mime_read_body) */
	size_t raw_len;
	const char *header;       /* the header fields, up to and without the blank line */
	size_t header_len;
	const char *body;         /* the body, still transfer-encoded */
	size_t body_len;
	size_t offset;            /* the offset of raw in the input */
	int parent;               /* index of the enclosing multipart, -1 for the top */
	unsigned depth;           /* 0 for the top entity */
	char type[128];           /* "type/subtype" lowercased; "text/plain" by default */
	char cte[24];             /* Content-Transfer-Encoding lowercased; "7bit" by default */
	char content_id[256];     /* Content-ID without its angle brackets, or "" */
	char boundary[72];        /* the boundary parameter of a multipart, or "" */
	char start[256];          /* multipart/related's start, without angle brackets, or "" */
	char protocol[128];       /* multipart/signed's protocol, or "" */
	char micalg[64];          /* multipart/signed's micalg lowercased, or "" */
};

/* A message read: the entities in document order (a parent before its parts). */
struct tdk_mime {
	struct tdk_mime_part *parts; /* owned; nparts entries */
	size_t nparts;
	struct tdk_buf top;          /* the synthesised header of tdk_mime_read_body */
};

/* Sets up an empty message. */
void tdk_mime_init(struct tdk_mime *m);

/* Frees what the message holds and leaves it empty. */
void tdk_mime_release(struct tdk_mime *m);

/*
 * Reads a whole MIME entity (header fields, blank line, body) of len bytes,
 * with lim (NULL: the defaults), and the multipart bodies inside it.
 * An entity with no empty line is all header (RFC 2046 allows a body part
 * with header fields and no body).  Returns 0, or -1 with a MIME-* error in
 * d: MIME-HEADER (a header line that is no field), MIME-CONTENT-TYPE (a
 * Content-Type that is no type/subtype), MIME-PARAM (a malformed
 * parameter), MIME-CTE (an unknown transfer encoding, or a multipart in
 * base64 or quoted-printable), MIME-BOUNDARY (a multipart without a valid
 * boundary), MIME-NO-PARTS (no delimiter, or none before the close
 * delimiter), MIME-NO-CLOSE (no close delimiter), MIME-LIMIT-HEADER,
 * MIME-LIMIT-PARTS, MIME-LIMIT-DEPTH, MIME-LIMIT-SIZE, MIME-LIMIT-FIELD (a
 * value longer than its slot in struct tdk_mime_part), MIME-MEMORY.
 */
int tdk_mime_read(struct tdk_mime *m, const char *data, size_t len,
		  const struct tdk_mime_limits *lim, struct tdk_diag *d);

/*
 * The same for a body whose Content-Type came in another header (HTTP):
 * the top entity has the header "Content-Type: " content_type and the body
 * data.  Returns 0 or -1 with the diagnostics of tdk_mime_read.
 */
int tdk_mime_read_body(struct tdk_mime *m, const char *content_type, const char *data,
		       size_t len, const struct tdk_mime_limits *lim, struct tdk_diag *d);

/*
 * The root part of the multipart/related entity at index i (RFC 2387
 * section 3.2): the child whose Content-ID is the start parameter, or the
 * first child without one.  Returns its index, or -1 with MIME-START in d
 * when no child has that Content-ID or i is no multipart.
 */
int tdk_mime_related_root(const struct tdk_mime *m, size_t i, struct tdk_diag *d);

/* The index of the n-th (0-based) direct child of entity i, or -1. */
int tdk_mime_child(const struct tdk_mime *m, size_t i, size_t n);

/*
 * Finds the header field name (case-insensitive) in the len bytes of a
 * header block and appends its value to out, unfolded (RFC 5322 section
 * 2.2.3: a CRLF or LF followed by white space is removed) and trimmed.
 * Returns 1 when found, 0 when not, -1 when out is full.
 */
int tdk_mime_header(const char *header, size_t len, const char *name, struct tdk_buf *out);

/*
 * Finds the parameter name (case-insensitive) of a structured value such as
 * a Content-Type's ("multipart/related; type=\"application/soap+xml\"")
 * and appends its value to out: a token as it is, a quoted string without
 * its quotes and backslashes, RFC 2231 continuations (name*0, name*1, ...)
 * joined and an extended value (name*=charset'lang'%XX) percent-decoded.
 * Returns 1 when found, 0 when not, -1 when the value is malformed or out
 * is full.
 */
int tdk_mime_param(const char *value, const char *name, struct tdk_buf *out);

/*
 * Appends the body of part p decoded from its transfer encoding (base64,
 * quoted-printable; the others as they are) to out.  Returns 0, or -1 with
 * MIME-BASE64, MIME-QP or MIME-LIMIT-SIZE (out is full) in d.
 */
int tdk_mime_decode(const struct tdk_mime_part *p, struct tdk_buf *out, struct tdk_diag *d);

/* One part to write: its header fields (each line ending in CRLF; NULL for none) and body. */
struct tdk_mime_out {
	const char *header;
	const void *body;
	size_t len;
};

/*
 * Writes a multipart body of n parts to out, with a fresh random boundary
 * that occurs in no part, and sets ctype (reset first) to the Content-Type
 * that goes with it: type ("multipart/related", "multipart/signed"), the
 * boundary, then params as given (e.g. "type=\"application/soap+xml\";
 * start=\"<root>\"" or "protocol=\"application/pkcs7-signature\";
 * micalg=sha-256"; NULL for none).  Each part is written as its header, a
 * CRLF and its body, so a part that signs "header CRLF body" reads back as
 * exactly those bytes.  Returns 0, or -1 with MIME-LIMIT-SIZE (out or
 * ctype is full), MIME-HEADER (a part header not ending in CRLF) or
 * MIME-BOUNDARY (no random bytes) in d.
 */
int tdk_mime_write(struct tdk_buf *out, struct tdk_buf *ctype, const char *type,
		   const char *params, const struct tdk_mime_out *parts, size_t n,
		   struct tdk_diag *d);

#endif
