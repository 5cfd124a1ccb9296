/*
 * tdk serve's upload service: POST /upload/REF takes one document as the
 * CDS upload service (an S3 form POST) does: a multipart/form-data form
 * holding the fields the FileUploadResponse issued for REF (key, the
 * reference; acl) and then the field "file", last.  A reference not issued
 * or already used is 404; a form that is not multipart, misses a field,
 * changes one, or does not end with the file is 400, each with a sentence
 * saying which.  The document's SHA-256 is stored at the reference; 204.
 */
#include <stdio.h>
#include <string.h>

#include "net/serve-int.h"
#include "net/upload.h"

static void count_row(void *arg, int ncol, const char *const *v)
{
	(void)ncol;
	(void)v;
	++*(int *)arg;
}

/* Whether ref was issued and has not been used: 1, 0, or -1 when the store fails. */
static int expected(struct serve_req *r, const char *ref)
{
	const char *p[1] = { ref };
	int n = 0, rc;

	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_query(r->s, "SELECT 1 FROM uploads WHERE reference=? AND sha256 IS NULL", 1, p, count_row,
			       &n);
	pthread_mutex_unlock(&r->s->lock);
	return rc < 0 ? -1 : n > 0;
}

/* The value of field name among the form's parts before the last, or NULL when absent or given twice. */
static const struct tdk_upload_part *field(const struct tdk_upload_form *f, const char *name)
{
	const struct tdk_upload_part *found = NULL;
	size_t i;

	for (i = 0; i + 1 < f->n; i++)
		if (!strcmp(f->v[i].name, name)) {
			if (found)
				return NULL;
			found = &f->v[i];
		}
	return found;
}

static int is(const struct tdk_upload_part *p, const char *v)
{
	return p && p->len == strlen(v) && !memcmp(p->data, v, p->len);
}

/* The form's fault as a sentence, or NULL when it is the form tdk serve issued for ref. */
static const char *form_fault(const struct tdk_upload_form *f, const char *ref)
{
	const struct tdk_upload_part *last = f->n ? &f->v[f->n - 1] : NULL;
	size_t i;

	if (!last || strcmp(last->name, "file") || !last->filename)
		return "the form's last field must be \"file\", holding the document with its file name\n";
	for (i = 0; i + 1 < f->n; i++)
		if (!strcmp(f->v[i].name, "file"))
			return "the form has more than one \"file\" field\n";
	if (!field(f, "key"))
		return "the form lacks the field \"key\" (once) that the FileUploadResponse gave\n";
	if (!is(field(f, "key"), ref))
		return "the form's field \"key\" is not the reference of this upload URL\n";
	if (!is(field(f, "acl"), SERVE_UPLOAD_ACL))
		return "the form lacks the field \"acl\" that the FileUploadResponse gave, or changes it\n";
	return NULL;
}

void serve_upload(struct serve_req *r, const char *ref)
{
	struct tdk_upload_form f = { NULL, 0 };
	const char *why = NULL, *p[3];
	char sha[65], now[24];
	int rc;

	if (strcmp(r->method, "POST")) {
		serve_header(r, "Allow", "POST");
		serve_answer(r, 405, "text/plain", "POST the file as a multipart/form-data form\n");
		return;
	}
	if ((rc = expected(r, ref)) <= 0) {
		serve_answer(r, rc < 0 ? 500 : 404, "text/plain", rc < 0 ? "the upload cannot be stored\n"
			     : "no upload is expected at this reference\n");
		return;
	}
	if (tdk_upload_form_parse(serve_req_header(r, "Content-Type"), r->body.data ? r->body.data : "", r->body.len,
				  &f, &why) < 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "%s\n", why);
		serve_answer(r, 400, "text/plain", msg);
		return;
	}
	if ((why = form_fault(&f, ref)) != NULL) {
		serve_answer(r, 400, "text/plain", why);
		goto out;
	}
	serve_sha256(f.v[f.n - 1].data, f.v[f.n - 1].len, sha, NULL);
	snprintf(now, sizeof(now), "%lld", (long long)serve_now());
	p[0] = sha, p[1] = now, p[2] = ref;
	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_exec(r->s, "UPDATE uploads SET sha256=?, received=? WHERE reference=? AND sha256 IS NULL",
			      3, p);
	rc = rc ? -1 : serve_store_changes(r->s);
	pthread_mutex_unlock(&r->s->lock);
	if (rc < 0)
		serve_answer(r, 500, "text/plain", "the upload cannot be stored\n");
	else if (rc == 0)
		serve_answer(r, 404, "text/plain", "no upload is expected at this reference\n");
	else
		serve_answer(r, 204, NULL, NULL);
	if (rc > 0 && (r->f.bits & TDK_FAULT_DROP))
		r->drop = 1;
out:
	tdk_upload_form_release(&f);
}
