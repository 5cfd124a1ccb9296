/*
 * libFuzzer target: arbitrary bytes as a CDS FileUploadResponse
 * (lib/net/upload.c).  A parse either fails with a diagnostic and leaves
 * nothing, or gives slots with a non-empty Reference and Href and fields
 * within their caps, without control characters.  Each slot's form, written
 * with a boundary chosen for the data, reads back (the form reader of tdk
 * serve) as its fields in order, then the file, byte for byte.  The bytes
 * are also read as a form themselves (boundary "b"): every part read lies
 * inside them, and has a name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/upload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void text(const char *s, int empty_ok)
{
	if (!s || strlen(s) > TDK_UPLOAD_TEXT_MAX || (!empty_ok && !*s))
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			abort();
}

/* The form of slot s holding data reads back as written. */
static void round_trip(const struct tdk_upload_slot *s, const uint8_t *data, size_t size)
{
	struct tdk_buf b = TDK_BUF_INIT(1u << 26);
	struct tdk_upload_form f;
	char boundary[TDK_UPLOAD_BOUNDARY_LEN + 1], ctype[128];
	const char *why = NULL;
	size_t i;

	if (tdk_upload_boundary(boundary, data, size) < 0 ||
	    tdk_upload_form_write(&b, boundary, s, "fuzz.bin", "application/octet-stream", data, size) < 0)
		abort();
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%s", boundary);
	if (tdk_upload_form_parse(ctype, b.data, b.len, &f, &why) < 0 || f.n != s->nfields + 1 || strcmp(f.v[f.n - 1].name, "file") || f.v[f.n - 1].len != size ||
	    (size && memcmp(f.v[f.n - 1].data, data, size)))
		abort();
	for (i = 0; i < s->nfields; i++)
		if (f.v[i].len != strlen(s->fields[i].value) || memcmp(f.v[i].data, s->fields[i].value, f.v[i].len))
			abort();
	tdk_upload_form_release(&f);
	tdk_buf_release(&b);
}

/* The bytes as tdk serve reads an upload form. */
static void as_form(const uint8_t *data, size_t size)
{
	struct tdk_upload_form f;
	const char *why = NULL, *p = (const char *)data;
	size_t i;

	if (tdk_upload_form_parse("multipart/form-data; boundary=\"b\"", p, size, &f, &why) < 0) {
		if (!why || f.n || f.v)
			abort();
		return;
	}
	if (f.n > TDK_UPLOAD_FIELDS_MAX + 1)
		abort();
	for (i = 0; i < f.n; i++)
		if (!f.v[i].name || !f.v[i].name[0] || f.v[i].data < p || f.v[i].data + f.v[i].len > p + size)
			abort();
	tdk_upload_form_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_upload_response r;
	struct tdk_diag d;
	size_t i, k;

	as_form(data, size);

	tdk_diag_init(&d, "fuzz");
	if (tdk_upload_response_parse((const char *)data, size, "fuzz.xml", &r, &d) < 0) {
		if (!d.errors || r.n || r.v)
			abort();
		return 0;
	}
	if (d.errors || r.n > TDK_UPLOAD_FILES_MAX)
		abort();
	for (i = 0; i < r.n; i++) {
		text(r.v[i].reference, 0);
		text(r.v[i].href, 0);
		if (r.v[i].nfields > TDK_UPLOAD_FIELDS_MAX)
			abort();
		for (k = 0; k < r.v[i].nfields; k++) {
			text(r.v[i].fields[k].name, 0);
			text(r.v[i].fields[k].value, 1);
		}
		if (tdk_upload_response_find(&r, r.v[i].reference) == NULL)
			abort();
	}
	if (r.n)
		round_trip(&r.v[0], data, size);
	tdk_upload_response_release(&r);
	return 0;
}
