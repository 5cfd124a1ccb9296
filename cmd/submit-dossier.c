/*
 * tdk submit of a dossier: an ASiC-E container from `tdk pack`, read in
 * memory through lib/pack (its name checks and limits; nothing is written
 * to disk).  The declaration (the first data object, in container order,
 * that is a WCO declaration with its LRN) is validated and sent as a plain
 * declaration is (submit_send); once the journal holds it accepted, every
 * other entry (the other data objects, the signatures and the ASiC
 * manifests under META-INF; not the mimetype nor META-INF/manifest.xml)
 * goes through the endpoint's file-upload flow (lib/net/upload.h): one
 * FileUploadRequest for the documents not uploaded yet, then each document
 * to its upload URL.  Each upload is a submission of its own in the
 * journal, claimed before its first byte leaves and answered before it is
 * reported, under the endpoint name NAME/file-upload/LRN, so that a
 * document is uploaded once per declaration.
 */
#include <stdlib.h>
#include <string.h>

#include "submit.h"
#include "net/upload.h"
#include "pack/pack.h"

/* One document of the dossier. */
struct member {
	const char *name;          /* borrowed from the container */
	const unsigned char *data; /* borrowed from the container */
	size_t len;
	unsigned long seq;         /* FileSequenceNo: its place among the uploads, from 1 */
	char sha[TDK_JOURNAL_HASH_HEX + 1];
	int pending;               /* to upload in this run */
	int status;                /* its status */
	const char *state;         /* static: its state when known */
	char ref[64];              /* the Reference it went to */
};

struct dossier {
	struct submit *s;
	struct submit_slot *sl;
	struct tdk_doc *doc;
	struct submit_sent decl;
	struct member *m;
	size_t n;
	struct tdk_buf ep;         /* the journal's endpoint of the uploads */
	struct tdk_buf label;      /* scratch: "dossier!member" */
};

/* "DOSSIER!MEMBER", the name of a member in messages and the journal (in d->label). */
static const char *label(struct dossier *x, const char *member)
{
	tdk_buf_reset(&x->label);
	if (tdk_buf_addf(&x->label, "%s!%s", x->doc->name, member) < 0)
		return member;
	return x->label.data;
}

/* Loads every entry; the declaration's index into *decl (-1 when none).  Returns 0 or a status. */
static int load(struct tdk_container *c, struct dossier *x, long *decl)
{
	char lrn[TDK_REST_LRN_MAX + 1];
	size_t i;
	int r;

	*decl = -1;
	if (!(x->m = calloc(c->n ? c->n : 1, sizeof(*x->m))))
		return tdk_doc_fail(x->doc, TDK_EXIT_INTERNAL, "out of memory");
	for (i = 0; i < c->n; i++) {
		struct tdk_zip_entry *e = &c->e[i];
		int meta = !strncmp(e->name, "META-INF/", 9);

		if (e->dir || !strcmp(e->name, "mimetype") || !strcmp(e->name, "META-INF/manifest.xml"))
			continue;
		if ((r = tdk_container_load(c, i, &x->doc->d)) != 0)
			return r;
		if (*decl < 0 && !meta && tdk_rest_lrn((const char *)e->data, e->len, lrn, sizeof(lrn))) {
			*decl = (long)i;
			continue;
		}
		x->m[x->n].name = e->name;
		x->m[x->n].data = e->data ? e->data : (const unsigned char *)"";
		x->m[x->n].len = e->len;
		x->m[x->n].seq = x->n + 1;
		if (tdk_journal_sha256_hex(x->m[x->n].data, e->len, x->m[x->n].sha))
			return tdk_doc_fail(x->doc, TDK_EXIT_INTERNAL, "cannot hash '%s'", e->name);
		x->n++;
	}
	return 0;
}

/* The state of an upload the journal already holds, as its status; NONE and queued mean: upload it. */
static int held_upload(struct dossier *x, struct member *m, const struct tdk_journal_row *row)
{
	const char *st = row->state;

	if (!strcmp(st, "queued")) {
		m->pending = 1;
		return 0;
	}
	snprintf(m->ref, sizeof(m->ref), "%s", row->conversation_id ? row->conversation_id : "");
	m->state = !strcmp(st, "accepted") ? "accepted" : !strcmp(st, "rejected") ? "rejected"
		 : !strcmp(st, "sending") ? "sending" : "unknown";
	m->status = !strcmp(st, "accepted") ? 0 : !strcmp(st, "rejected") ? TDK_EXIT_NEGATIVE : TDK_EXIT_REMOTE;
	if (m->status == TDK_EXIT_REMOTE)
		tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, "SUBMIT-UPLOAD-UNKNOWN", NULL, "'%s': the journal holds its "
			     "upload as %s (submission %lld): it may have arrived and is not sent again", m->name, st,
			     (long long)row->sub);
	return 0;
}

/* Marks what the journal has not uploaded yet as pending.  Returns 0 or a status. */
static int pending(struct dossier *x)
{
	size_t i;
	int r;

	for (i = 0; i < x->n; i++) {
		struct tdk_journal_row row;

		memset(&row, 0, sizeof(row));
		r = tdk_journal_find(x->sl->j, x->ep.data, x->m[i].sha, &row, &x->doc->d);
		if (r == TDK_JOURNAL_NONE)
			x->m[i].pending = 1;
		else if (r == TDK_JOURNAL_HELD)
			held_upload(x, &x->m[i], &row);
		tdk_journal_row_release(&row);
		if (r != TDK_JOURNAL_NONE && r != TDK_JOURNAL_HELD)
			return r;
	}
	return 0;
}

/* The status an initiation's answer calls for, with its diagnostic. */
static int init_failed(struct dossier *x, const struct tdk_http_resp *r, int rc)
{
	long st = r->status;
	int code = rc ? rc : st == 400 || st == 403 ? TDK_EXIT_NEGATIVE : st == 401 ? TDK_EXIT_TRUST
		 : st == 404 || st == 406 || st == 415 ? TDK_EXIT_USAGE : TDK_EXIT_REMOTE;

	if (st)
		tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, "SUBMIT-UPLOAD-INIT", NULL, "the file-upload request was "
			     "answered %ld%s%s: no document uploaded", st, code == TDK_EXIT_USAGE ? ": " : "",
			     code == TDK_EXIT_USAGE ? "check the endpoint's file-upload-url and api-version" : "");
	else
		tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, "SUBMIT-UPLOAD-INIT", NULL, "the file-upload request got no "
			     "answer: no document uploaded; a later tdk submit asks again");
	return code ? code : TDK_EXIT_REMOTE;
}

/* POSTs the FileUploadRequest for the pending documents and reads the answer into up.  Returns 0 or a status. */
static int initiate(struct dossier *x, struct tdk_upload_response *up)
{
	const struct tdk_endpoint *e = x->s->e;
	struct tdk_upload_file f[TDK_UPLOAD_FILES_MAX];
	struct tdk_buf req = TDK_BUF_INIT(1u << 20);
	const char *id = x->decl.mrn[0] ? x->decl.mrn : x->decl.lrn;
	struct tdk_rest_headers hd;
	struct tdk_http_req hr = { "POST", e->value[TDK_EK_FILE_UPLOAD_URL], hd.v, NULL, 0 };
	struct tdk_http_resp resp;
	size_t i, np = 0;
	int rc;

	for (i = 0; i < x->n; i++)
		if (x->m[i].pending && np < TDK_UPLOAD_FILES_MAX)
			f[np++] = (struct tdk_upload_file){ x->m[i].seq, x->m[i].name };
	if (tdk_upload_request(&req, id, (unsigned long)x->n, f, np) < 0) {
		tdk_buf_release(&req);
		tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, "SUBMIT-UPLOAD-INIT", NULL, "the declaration's id '%s' is not "
			     "1 to 22 characters, as a FileUploadRequest's DeclarationID must be", id);
		return TDK_EXIT_NEGATIVE;
	}
	tdk_rest_headers(e, "X-EORI-Identifier", &hd);
	hr.body = req.data;
	hr.body_len = req.len;
	tdk_http_resp_init(&resp);
	rc = tdk_auth_request(&x->s->auth, &x->sl->http, &hr, &resp, &x->doc->d);
	if (rc || resp.status != 200)
		rc = init_failed(x, &resp, rc);
	else if (tdk_upload_response_parse(resp.body.data ? resp.body.data : "", resp.body.len, x->doc->name, up,
					   &x->doc->d) < 0)
		rc = TDK_EXIT_REMOTE;
	if (!rc && up->n != np) {
		tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, "SUBMIT-UPLOAD-INIT", NULL, "the FileUploadResponse gives %zu "
			     "Files for %zu documents: no document uploaded", up->n, np);
		rc = TDK_EXIT_REMOTE;
	}
	tdk_http_resp_release(&resp);
	tdk_buf_release(&req);
	return rc;
}

/* What the upload's answer means: its journal answer (a) or a requeue reason; returns its status. */
static int upload_meaning(const struct tdk_http_resp *r, int rc, struct tdk_journal_answer *a, const char **requeue)
{
	*requeue = NULL;
	if (!rc && r->status >= 200 && r->status < 300)
		return (a->state = "accepted", 0);
	if (!rc && r->status >= 400 && r->status < 500)
		return (a->state = "rejected", a->detail = "the upload service refused the document", TDK_EXIT_NEGATIVE);
	if (!rc || r->outcome == TDK_HTTP_UNKNOWN || r->outcome == TDK_HTTP_TOO_LARGE ||
	    (r->outcome == TDK_HTTP_INTERNAL && r->body_sent))
		return (a->state = "unknown", a->detail = rc ? "no answer after the whole upload was sent"
			: "an answer that says neither taken nor refused", TDK_EXIT_REMOTE);
	*requeue = "the upload did not reach the server";
	return r->outcome == TDK_HTTP_TRUST ? TDK_EXIT_TRUST : r->outcome == TDK_HTTP_REFUSED ? TDK_EXIT_USAGE
	       : TDK_EXIT_REMOTE;
}

static void upload_failed(struct dossier *x, const struct member *m, long status)
{
	int rej = !strcmp(m->state, "rejected"), unk = !strcmp(m->state, "unknown");
	char st[48] = "";

	if (status)
		snprintf(st, sizeof(st), " (the server answered %ld)", status);
	tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, rej ? "SUBMIT-UPLOAD-REJECTED" : unk ? "SUBMIT-UPLOAD-UNKNOWN"
		     : "SUBMIT-UPLOAD-QUEUED", NULL, "'%s': %s%s", m->name, rej ? "the upload was refused" : unk ?
		     "the upload's outcome is unknown: it may have arrived and is not sent again by itself" :
		     "not uploaded: queued in the journal, a later tdk submit sends it", st);
}

/* Claims, uploads and records member m to slot u.  Returns 0 or a status (m->status is set). */
static int upload_one(struct dossier *x, struct member *m, const struct tdk_upload_slot *u)
{
	const char *name = label(x, m->name), *requeue;
	struct tdk_journal_doc jd = { x->ep.data, "rest", m->sha, name, x->decl.lrn[0] ? x->decl.lrn : NULL, NULL };
	struct tdk_journal_answer a = { "unknown", 0, u->reference, NULL, NULL, NULL, NULL, 0, NULL };
	struct tdk_buf form = TDK_BUF_INIT(SUBMIT_DOC_MAX + (1u << 20));
	char boundary[TDK_UPLOAD_BOUNDARY_LEN + 1], ctype[128], *hdrs[2] = { ctype, NULL };
	struct tdk_http_req hr = { "POST", u->href, (const char *const *)hdrs, NULL, 0 };
	struct tdk_journal_row row;
	struct tdk_http_resp resp;
	int r, rc;

	memset(&row, 0, sizeof(row));
	tdk_http_resp_init(&resp);
	snprintf(m->ref, sizeof(m->ref), "%s", u->reference);
	if (tdk_upload_boundary(boundary, m->data, m->len) < 0 ||
	    tdk_upload_form_write(&form, boundary, u, m->name, tdk_mime_of(m->name), m->data, m->len) < 0) {
		r = m->status = tdk_doc_fail(x->doc, TDK_EXIT_INTERNAL, "cannot write the upload form of '%s'", m->name);
		goto out;
	}
	r = tdk_journal_begin(x->sl->j, &jd, &row, &x->doc->d);
	if (r == TDK_JOURNAL_HELD) {
		r = held_upload(x, m, &row);
		goto out;
	}
	if (r) {
		m->status = r;
		goto out;
	}
	snprintf(ctype, sizeof(ctype), "Content-Type: multipart/form-data; boundary=%s", boundary);
	hr.body = form.data;
	hr.body_len = form.len;
	/* To the URL the answer gave, with the fields it gave and never the token. */
	rc = tdk_http_request(&x->sl->http, &hr, &resp, &x->doc->d);
	m->status = upload_meaning(&resp, rc, &a, &requeue);
	a.http_status = (int)resp.status;
	a.body = resp.body.data;
	a.body_len = resp.body.len;
	r = requeue ? tdk_journal_requeue(x->sl->j, row.sub, requeue, &x->doc->d)
		    : tdk_journal_answer(x->sl->j, row.sub, &a, NULL, &x->doc->d);
	m->state = requeue ? "queued" : a.state;
	if (r)
		m->status = r;
	else if (m->status)
		upload_failed(x, m, resp.status);
out:
	tdk_journal_row_release(&row);
	tdk_http_resp_release(&resp);
	tdk_buf_release(&form);
	return r ? r : m->status;
}

/* Uploads what the journal does not hold yet.  Returns the worst status of the uploads. */
static int upload_all(struct dossier *x)
{
	struct tdk_upload_response up = { NULL, 0 };
	size_t i, k = 0, np = 0;
	int r, worst = 0;

	if ((r = pending(x)) != 0)
		return r;
	for (i = 0; i < x->n; i++) {
		np += x->m[i].pending;
		worst = tdk_exit_worst(worst, x->m[i].status);
	}
	if (!np)
		return worst;
	if (np > TDK_UPLOAD_FILES_MAX) {
		tdk_diag_add(&x->doc->d, TDK_SEV_ERROR, "SUBMIT-UPLOAD-INIT", NULL, "the dossier has %zu documents "
			     "to upload; at most %u go in one request", np, TDK_UPLOAD_FILES_MAX);
		return tdk_exit_worst(worst, TDK_EXIT_NEGATIVE);
	}
	if ((r = initiate(x, &up)) != 0)
		return tdk_exit_worst(worst, r);
	for (i = 0; i < x->n; i++)
		if (x->m[i].pending)
			worst = tdk_exit_worst(worst, upload_one(x, &x->m[i], &up.v[k++]));
	tdk_upload_response_release(&up);
	return worst;
}

/* The verdict: the declaration's, then what became of the documents; and the JSON uploads. */
static void verdict(struct dossier *x, int uploaded)
{
	struct tdk_doc *doc = x->doc;
	size_t i, ok = 0;
	char decl[sizeof(doc->why)];

	for (i = 0; i < x->n; i++)
		ok += x->m[i].state && !strcmp(x->m[i].state, "accepted");
	snprintf(decl, sizeof(decl), "%s", doc->verdict ? doc->verdict : "declaration sent");
	if (uploaded)
		snprintf(doc->why, sizeof(doc->why), "%.100s; %zu of %zu documents uploaded", decl, ok, x->n);
	else
		snprintf(doc->why, sizeof(doc->why), "%.100s; %zu documents not uploaded", decl, x->n);
	doc->verdict = doc->why;
	tdk_buf_addl(&doc->json, ",\"uploads\":[");
	for (i = 0; i < x->n; i++) {
		tdk_buf_adds(&doc->json, i ? ",{\"name\":\"" : "{\"name\":\"");
		tdk_json_escape(&doc->json, x->m[i].name, strlen(x->m[i].name));
		tdk_buf_addf(&doc->json, "\",\"sha256\":\"%s\",\"state\":\"%s\"", x->m[i].sha,
			     x->m[i].state ? x->m[i].state : "not sent");
		if (x->m[i].ref[0]) {
			tdk_buf_addl(&doc->json, ",\"reference\":\"");
			tdk_json_escape(&doc->json, x->m[i].ref, strlen(x->m[i].ref));
			tdk_buf_addc(&doc->json, '"');
		}
		tdk_buf_addc(&doc->json, '}');
	}
	tdk_buf_addc(&doc->json, ']');
}

/* Whether the declaration stands where its documents may follow it. */
static int may_upload(const struct submit_sent *d)
{
	return !strcmp(d->state, "accepted") || (!strcmp(d->state, "final") && strcmp(d->outcome, "rejected"));
}

/* After the declaration: the uploads, or why there are none.  Returns the uploads' status. */
static int documents(struct dossier *x)
{
	struct tdk_doc *doc = x->doc;
	struct tdk_buf names = TDK_BUF_INIT(1u << 16);
	size_t i;
	int r = 0;

	if (!x->n)
		return 0;
	if (!may_upload(&x->decl)) {
		tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-UPLOAD-WAIT", NULL, "the documents are uploaded once the "
			     "journal holds the declaration accepted (it holds it %s)", x->decl.state);
		verdict(x, 0);
		return 0;
	}
	if (!x->s->e->value[TDK_EK_FILE_UPLOAD_URL]) {
		for (i = 0; i < x->n; i++)
			tdk_buf_addf(&names, "%s'%s'", i ? ", " : "", x->m[i].name);
		tdk_diag_add(&doc->d, TDK_SEV_WARNING, "SUBMIT-NO-UPLOAD", NULL, "endpoint '%s' has no file-upload-url: "
			     "the declaration only was sent; not sent: %s", x->s->e->name, names.data ? names.data : "");
		tdk_buf_release(&names);
		verdict(x, 0);
		return 0;
	}
	if (tdk_buf_addf(&x->ep, "%s/file-upload/%s", x->s->e->name, x->decl.lrn) < 0)
		return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
	r = upload_all(x);
	verdict(x, 1);
	return r;
}

int submit_dossier(struct submit *s, struct tdk_doc *doc, const struct tdk_buf *body)
{
	struct dossier x;
	struct tdk_container c;
	struct tdk_zip_limits lim;
	struct tdk_buf dbody = TDK_BUF_INIT(0);
	const char *file = doc->d.file;
	char *dname = NULL;
	long di = -1;
	int r;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.doc = doc;
	tdk_buf_init(&x.ep, 4096);
	tdk_buf_init(&x.label, 8192);
	tdk_zip_limits_init(&lim);
	lim.max_total = SUBMIT_DOC_MAX;
	/* The container is released after a failed open too, as tdk unpack does. */
	if ((r = tdk_container_open_mem(&c, doc->name, body->data, body->len, &lim, 1, &doc->d)) != 0 ||
	    (r = load(&c, &x, &di)) != 0) {
		doc->verdict = "not a dossier tdk can read, not sent";
		goto out;
	}
	if (di < 0) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-NO-DECLARATION", NULL, "the dossier holds no declaration "
			     "(a data object whose root is a WCO Declaration with its FunctionalReferenceID): not sent");
		doc->verdict = "no declaration, not sent";
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	dbody.data = (char *)c.e[di].data;   /* read, never freed: the container owns it */
	dbody.len = c.e[di].len;
	if (!(dname = strdup(label(&x, c.e[di].name)))) {
		r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	doc->d.file = dname;
	if ((s->o.no_validate || (r = submit_check(s, doc, dname, &dbody)) == 0) &&
	    (r = submit_take(s, doc, &x.sl)) == 0)
		r = submit_send(s, x.sl, doc, dname, &dbody, &x.decl);
	doc->d.file = file;
	if (x.sl && x.decl.state[0])
		r = tdk_exit_worst(r, documents(&x));
out:
	free(dname);
	if (x.sl)
		submit_give(s, x.sl);
	free(x.m);
	tdk_buf_release(&x.ep);
	tdk_buf_release(&x.label);
	tdk_container_release(&c);
	return r;
}
