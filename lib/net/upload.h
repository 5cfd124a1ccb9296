/*
 * The CDS file-upload flow (the Customs Declarations API's file-upload
 * resource, namespace hmrc:fileupload): a FileUploadRequest names the
 * declaration and one File per document; the FileUploadResponse gives each
 * File a Reference and an UploadRequest (the Href to POST it to and the
 * Fields to send with it); each document then goes to its Href as a
 * multipart/form-data form (RFC 7578) holding the Fields in the order given
 * and the field "file" last, as the upload service asks.
 *
 * Here: the request writer, the response reader (through lib/xml: no
 * network, no entities, limits), and the form's writer and reader (the
 * reader is tdk serve's side).  Nothing here prints, exits or sends.
 *
 * Ownership: a struct tdk_upload_response and a struct tdk_upload_form own
 * their strings until their release; everything passed in is borrowed.
 */
#ifndef TDK_NET_UPLOAD_H
#define TDK_NET_UPLOAD_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

#define TDK_UPLOAD_RESPONSE_MAX (1u << 20)  /* a larger FileUploadResponse is refused (UPLOAD-LIMIT) */
#define TDK_UPLOAD_FILES_MAX 100            /* File elements read; more are UPLOAD-LIMIT */
#define TDK_UPLOAD_FIELDS_MAX 64            /* Fields of one File read; more are UPLOAD-LIMIT */
#define TDK_UPLOAD_TEXT_MAX 4096            /* bytes of a Reference, Href, field name or value */
#define TDK_UPLOAD_BOUNDARY_LEN 40          /* the length of a boundary tdk writes */

/* One field of a form: a name and its text. */
struct tdk_upload_field {
	char *name, *value;
};

/* One File of a FileUploadResponse. */
struct tdk_upload_slot {
	char *reference;                 /* never NULL, never empty */
	char *href;                      /* never NULL, never empty */
	struct tdk_upload_field *fields; /* in the order given */
	size_t nfields;
};

struct tdk_upload_response {
	struct tdk_upload_slot *v;       /* in the order given */
	size_t n;
};

/* One document of a FileUploadRequest: its sequence number (from 1) and its DocumentType (may be NULL). */
struct tdk_upload_file {
	unsigned long seq;
	const char *type;
};

/*
 * Appends a FileUploadRequest for the declaration id (its MRN or LRN: 1 to
 * 22 characters, as the schema allows) with FileGroupSize group and the n
 * files, escaped as XML wants, to out.  Returns 0, or -1 when out cannot
 * grow or id is empty or longer than 22.
 */
int tdk_upload_request(struct tdk_buf *out, const char *id, unsigned long group, const struct tdk_upload_file *f,
		       size_t n);

/*
 * Reads a FileUploadResponse p[0..n), reported under name: one slot per
 * Files/File in order, each with its Reference, UploadRequest/Href and the
 * child elements of UploadRequest/Fields as fields (name: the element's
 * local name; value: its text, trimmed).  Returns 0 with r filled, or -1
 * with a diagnostic and r empty: UPLOAD-XML (not well-formed), XML-LIMIT-*,
 * UPLOAD-LIMIT (a body, a text or a count past the caps above),
 * UPLOAD-SHAPE (another root, a File without Reference or Href, a text
 * holding a control character).
 */
int tdk_upload_response_parse(const char *p, size_t n, const char *name, struct tdk_upload_response *r,
			      struct tdk_diag *d);

/* The slot of reference ref in r, or NULL. */
const struct tdk_upload_slot *tdk_upload_response_find(const struct tdk_upload_response *r, const char *ref);

/* Frees what r holds and leaves it empty. */
void tdk_upload_response_release(struct tdk_upload_response *r);

/*
 * A boundary of TDK_UPLOAD_BOUNDARY_LEN characters (from the kernel's
 * random source) into out[TDK_UPLOAD_BOUNDARY_LEN + 1] that occurs nowhere
 * in data[0..len).  Returns 0 or -1.
 */
int tdk_upload_boundary(char *out, const void *data, size_t len);

/*
 * Appends to out the multipart/form-data body of slot s's fields, in their
 * order, then the field "file" holding data[0..len) with the file name
 * filename and the media type ctype, each part separated by boundary (which
 * must not occur in the data: tdk_upload_boundary).  A quote, CR or LF in a
 * name or file name is written %22, %0D, %0A as browsers do.  Returns 0 or -1
 * when out cannot grow.
 */
int tdk_upload_form_write(struct tdk_buf *out, const char *boundary, const struct tdk_upload_slot *s,
			  const char *filename, const char *ctype, const void *data, size_t len);

/* A form read back: its parts in order; the value of a part is borrowed from the body read. */
struct tdk_upload_part {
	char *name;                      /* owned */
	char *filename;                  /* owned; NULL when the part has none */
	const char *data;                /* borrowed from the body */
	size_t len;
};

struct tdk_upload_form {
	struct tdk_upload_part *v;
	size_t n;
};

/*
 * Reads the multipart/form-data body p[0..n) of the media type ctype (the
 * Content-Type header, which names the boundary) into f, at most
 * TDK_UPLOAD_FIELDS_MAX + 1 parts.  Returns 0, or -1 with a reason (a
 * static string) in *why and f empty: not multipart/form-data, no
 * boundary, a part without a Content-Disposition form-data name, no final
 * boundary, too many parts.
 */
int tdk_upload_form_parse(const char *ctype, const char *p, size_t n, struct tdk_upload_form *f, const char **why);

/* Frees what f holds and leaves it empty. */
void tdk_upload_form_release(struct tdk_upload_form *f);

#endif
