/*
 * The CDS file-upload flow's documents (upload.h): the FileUploadRequest,
 * the FileUploadResponse read through lib/xml, and the multipart form.
 */
#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "net/upload.h"
#include "xml/xml.h"

int tdk_upload_request(struct tdk_buf *out, const char *id, unsigned long group, const struct tdk_upload_file *f,
		       size_t n)
{
	size_t i, len = id ? strlen(id) : 0;
	int rc = 0;

	if (!len || len > 22)
		return -1;
	rc |= tdk_buf_addl(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<FileUploadRequest xmlns=\"hmrc:fileupload\">\n  <DeclarationID>");
	rc |= tdk_xml_escapes(out, id);
	rc |= tdk_buf_addf(out, "</DeclarationID>\n  <FileGroupSize>%lu</FileGroupSize>\n  <Files>\n", group);
	for (i = 0; i < n; i++) {
		rc |= tdk_buf_addf(out, "    <File>\n      <FileSequenceNo>%lu</FileSequenceNo>\n", f[i].seq);
		if (f[i].type) {
			rc |= tdk_buf_addl(out, "      <DocumentType>");
			rc |= tdk_xml_escapes(out, f[i].type);
			rc |= tdk_buf_addl(out, "</DocumentType>\n");
		}
		rc |= tdk_buf_addl(out, "    </File>\n");
	}
	rc |= tdk_buf_addl(out, "  </Files>\n</FileUploadRequest>\n");
	return rc ? -1 : 0;
}

/* ---- the response ---- */

static int named(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (named(n, name))
			return n;
	return NULL;
}

/*
 * The element's text, trimmed, into *out (owned).  Returns 0, -1 out of
 * memory, -2 too long, -3 a control character.
 */
static int text_of(xmlNodePtr n, char **out)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = c ? (const char *)c : "";
	size_t len, i;
	int rc = 0;

	*out = NULL;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	for (i = 0; i < len && !rc; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			rc = -3;
	if (!rc && len > TDK_UPLOAD_TEXT_MAX)
		rc = -2;
	if (!rc && !(*out = strndup(s, len)))
		rc = -1;
	xmlFree(c);
	return rc;
}

static int bad(struct tdk_diag *d, int rc, const char *what)
{
	if (rc == -1)
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-LIMIT", NULL, "out of memory");
	else if (rc == -2)
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-LIMIT", NULL, "%s is longer than %u bytes", what,
			     TDK_UPLOAD_TEXT_MAX);
	else
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-SHAPE", NULL, "%s holds a control character", what);
	return -1;
}

static int read_fields(xmlNodePtr fields, struct tdk_upload_slot *s, struct tdk_diag *d)
{
	xmlNodePtr c;
	int rc;

	for (c = fields ? fields->children : NULL; c; c = c->next) {
		struct tdk_upload_field *f;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (s->nfields == TDK_UPLOAD_FIELDS_MAX) {
			tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-LIMIT", NULL, "a File has more than %u Fields",
				     TDK_UPLOAD_FIELDS_MAX);
			return -1;
		}
		if (!(f = realloc(s->fields, (s->nfields + 1) * sizeof(*f))))
			return bad(d, -1, NULL);
		s->fields = f;
		f += s->nfields;
		f->value = NULL;
		if (!(f->name = strdup((const char *)c->name)))
			return bad(d, -1, NULL);
		s->nfields++;
		if (strlen(f->name) > TDK_UPLOAD_TEXT_MAX)
			return bad(d, -2, "a field's name");
		if ((rc = text_of(c, &f->value)) != 0)
			return bad(d, rc, "a field's value");
	}
	return 0;
}

static int read_file(xmlNodePtr file, struct tdk_upload_response *r, struct tdk_diag *d)
{
	xmlNodePtr ref = child(file, "Reference"), req = child(file, "UploadRequest"), href = child(req, "Href");
	struct tdk_upload_slot *s;
	int rc;

	if (!ref || !href) {
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-SHAPE", NULL, "File %zu has no %s", r->n + 1,
			     ref ? "UploadRequest/Href" : "Reference");
		return -1;
	}
	if (r->n == TDK_UPLOAD_FILES_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-LIMIT", NULL, "more than %u Files", TDK_UPLOAD_FILES_MAX);
		return -1;
	}
	if (!(s = realloc(r->v, (r->n + 1) * sizeof(*s))))
		return bad(d, -1, NULL);
	r->v = s;
	s += r->n++;
	memset(s, 0, sizeof(*s));
	if ((rc = text_of(ref, &s->reference)) != 0)
		return bad(d, rc, "a Reference");
	if ((rc = text_of(href, &s->href)) != 0)
		return bad(d, rc, "an Href");
	if (!s->reference[0] || !s->href[0]) {
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-SHAPE", NULL, "File %zu has an empty %s", r->n,
			     s->reference[0] ? "Href" : "Reference");
		return -1;
	}
	return read_fields(child(req, "Fields"), s, d);
}

int tdk_upload_response_parse(const char *p, size_t n, const char *name, struct tdk_upload_response *r,
			      struct tdk_diag *d)
{
	struct tdk_xml_limits lim;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, c;
	unsigned long errors = d->errors;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (n > TDK_UPLOAD_RESPONSE_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-LIMIT", NULL, "the FileUploadResponse is larger than %u bytes",
			     TDK_UPLOAD_RESPONSE_MAX);
		return -1;
	}
	tdk_xml_limits_init(&lim);
	lim.max_depth = 32;
	if (!(doc = tdk_xml_parse_ex(p, n, name, "UPLOAD", 0, &lim, d)))
		return -1;
	root = xmlDocGetRootElement(doc);
	if (d->errors > errors)    /* an error the parser went past (a namespace name that is no URI) */
		goto out;
	if (!named(root, "FileUploadResponse")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "UPLOAD-SHAPE", NULL, "the answer is not a FileUploadResponse");
		goto out;
	}
	for (c = child(root, "Files"); c && (c = c->children) != NULL;) {
		for (; c; c = c->next)
			if (named(c, "File") && read_file(c, r, d) < 0)
				goto out;
		break;
	}
	rc = 0;
out:
	if (rc)
		tdk_upload_response_release(r);
	xmlFreeDoc(doc);
	return rc;
}

const struct tdk_upload_slot *tdk_upload_response_find(const struct tdk_upload_response *r, const char *ref)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].reference, ref))
			return &r->v[i];
	return NULL;
}

void tdk_upload_response_release(struct tdk_upload_response *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < r->v[i].nfields; k++) {
			free(r->v[i].fields[k].name);
			free(r->v[i].fields[k].value);
		}
		free(r->v[i].fields);
		free(r->v[i].reference);
		free(r->v[i].href);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- the form ---- */

/* The first occurrence of needle[0..k) in hay[0..n), or NULL (memmem is not in POSIX 2008). */
static const char *find(const void *hay, size_t n, const void *needle, size_t k)
{
	const char *h = hay, *e;

	if (!k || n < k)
		return NULL;
	for (e = h + n - k; h <= e; h++) {
		if (!(h = memchr(h, *(const char *)needle, (size_t)(e - h) + 1)))
			return NULL;
		if (!memcmp(h, needle, k))
			return h;
	}
	return NULL;
}

int tdk_upload_boundary(char *out, const void *data, size_t len)
{
	static const char a[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	unsigned char r[TDK_UPLOAD_BOUNDARY_LEN - 8];
	int tries;

	for (tries = 0; tries < 4; tries++) {
		size_t got = 0, i;

		while (got < sizeof(r)) {
			ssize_t k = getrandom(r + got, sizeof(r) - got, 0);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return -1;
			got += (size_t)k;
		}
		memcpy(out, "tdk-form", 8);
		for (i = 0; i < sizeof(r); i++)
			out[8 + i] = a[r[i] % (sizeof(a) - 1)];
		out[TDK_UPLOAD_BOUNDARY_LEN] = '\0';
		if (!data || !find(data, len, out, TDK_UPLOAD_BOUNDARY_LEN))
			return 0;
	}
	return -1;
}

/* A name as a quoted-string's content: '"', CR, LF percent-encoded. */
static int add_quoted(struct tdk_buf *out, const char *s)
{
	int rc = 0;

	for (; *s && !rc; s++)
		rc = *s == '"' ? tdk_buf_addl(out, "%22") : *s == '\r' ? tdk_buf_addl(out, "%0D")
		   : *s == '\n' ? tdk_buf_addl(out, "%0A") : tdk_buf_addc(out, *s);
	return rc;
}

int tdk_upload_form_write(struct tdk_buf *out, const char *boundary, const struct tdk_upload_slot *s,
			  const char *filename, const char *ctype, const void *data, size_t len)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nfields && !rc; i++) {
		rc |= tdk_buf_addf(out, "--%s\r\nContent-Disposition: form-data; name=\"", boundary);
		rc |= add_quoted(out, s->fields[i].name);
		rc |= tdk_buf_addl(out, "\"\r\n\r\n");
		rc |= tdk_buf_adds(out, s->fields[i].value);
		rc |= tdk_buf_addl(out, "\r\n");
	}
	rc |= tdk_buf_addf(out, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"", boundary);
	rc |= add_quoted(out, filename);
	rc |= tdk_buf_addf(out, "\"\r\nContent-Type: %s\r\n\r\n", ctype);
	rc |= tdk_buf_add(out, data, len);
	rc |= tdk_buf_addf(out, "\r\n--%s--\r\n", boundary);
	return rc ? -1 : 0;
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

/* The value of parameter key (a token or a quoted string) in a header's value h, into out; 0 or -1. */
static int param(const char *h, const char *end, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), n = 0;
	const char *p = h;

	while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if ((size_t)(end - p) <= klen || strncasecmp(p, key, klen) || p[klen] != '=')
			continue;
		p += klen + 1;
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"' && n + 1 < cap; p++)
				out[n++] = *p == '\\' && p + 1 < end ? *++p : *p;
			if (p >= end || *p != '"')
				return -1;
		} else {
			for (; p < end && *p != ';' && *p != ' ' && *p != '\t' && n + 1 < cap; p++)
				out[n++] = *p;
		}
		out[n] = '\0';
		/* A NUL or another control character in a name cuts it or hides something: refused. */
		return n && strlen(out) == n && !has_ctl(out) ? 0 : -1;
	}
	return -1;
}

/* Reads one part's headers [p, end) into part; returns 0 or -1 (no form-data name). */
static int part_headers(const char *p, const char *end, struct tdk_upload_part *part)
{
	static const char cd[] = "content-disposition:";
	char name[TDK_UPLOAD_TEXT_MAX + 1], fname[TDK_UPLOAD_TEXT_MAX + 1];

	while (p < end) {
		const char *eol = find(p, (size_t)(end - p), "\r\n", 2), *v;

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > sizeof(cd) - 1 && !strncasecmp(p, cd, sizeof(cd) - 1)) {
			for (v = p + sizeof(cd) - 1; v < eol && (*v == ' ' || *v == '\t'); v++)
				;
			if ((size_t)(eol - v) < 9 || strncasecmp(v, "form-data", 9) ||
			    param(v, eol, "name", name, sizeof(name)) < 0)
				return -1;
			if (!(part->name = strdup(name)))
				return -1;
			if (param(v, eol, "filename", fname, sizeof(fname)) == 0 && !(part->filename = strdup(fname)))
				return -1;
			return 0;
		}
		p = eol + 2;
	}
	return -1;
}

static int form_fail(struct tdk_upload_form *f, const char **why, const char *w)
{
	tdk_upload_form_release(f);
	*why = w;
	return -1;
}

int tdk_upload_form_parse(const char *ctype, const char *p, size_t n, struct tdk_upload_form *f, const char **why)
{
	char b[80], delim[84];
	const char *end = p + n, *cur;
	size_t dl;

	memset(f, 0, sizeof(*f));
	if (!ctype || strncasecmp(ctype, "multipart/form-data", 19))
		return form_fail(f, why, "the body is not multipart/form-data");
	if (param(ctype, ctype + strlen(ctype), "boundary", b, sizeof(b)) < 0 || strlen(b) > 70)
		return form_fail(f, why, "the Content-Type names no boundary (of 1 to 70 characters)");
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", b);
	/* The first delimiter may open the body without its CRLF. */
	if (n >= dl - 2 && !memcmp(p, delim + 2, dl - 2))
		cur = p + dl - 2;
	else if ((cur = find(p, n, delim, dl)) != NULL)
		cur += dl;
	else
		return form_fail(f, why, "the body holds no boundary");
	for (;;) {
		const char *hend, *next;
		struct tdk_upload_part *v;

		if ((size_t)(end - cur) >= 2 && !memcmp(cur, "--", 2))
			return 0;
		if ((size_t)(end - cur) < 2 || memcmp(cur, "\r\n", 2))
			return form_fail(f, why, "a boundary is not followed by a line break");
		cur += 2;
		if (!(hend = find(cur, (size_t)(end - cur), "\r\n\r\n", 4)))
			return form_fail(f, why, "a part's headers do not end");
		if (!(next = find(hend + 4, (size_t)(end - hend - 4), delim, dl)))
			return form_fail(f, why, "the form has no final boundary");
		if (f->n == TDK_UPLOAD_FIELDS_MAX + 1)
			return form_fail(f, why, "the form has too many parts");
		if (!(v = realloc(f->v, (f->n + 1) * sizeof(*v))))
			return form_fail(f, why, "out of memory");
		f->v = v;
		v += f->n++;
		memset(v, 0, sizeof(*v));
		if (part_headers(cur, hend + 2, v) < 0)
			return form_fail(f, why, "a part has no Content-Disposition: form-data with a name");
		v->data = hend + 4;
		v->len = (size_t)(next - v->data);
		cur = next + dl;
	}
}

void tdk_upload_form_release(struct tdk_upload_form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].filename);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}
