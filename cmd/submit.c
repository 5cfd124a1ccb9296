/*
 * tdk submit: send documents to a single window, once.  Each document is
 * validated as `tdk validate` would with the endpoint's catalog and rules
 * (an invalid one is not sent), claimed in the journal (lib/net/journal.h:
 * a document the journal holds for the endpoint is not sent again, its
 * recorded outcome is reported), POSTed (lib/net/rest.h) with a token
 * (lib/net/auth.h), and its answer recorded before it is reported.  Runs
 * under the per-document driver (cmd/run.h): -j N sends N at once, each
 * worker with its own connection; the workers share one journal handle,
 * which commits their writes in groups.
 */
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "submit.h"
#include "submit-as2.h"
#include "submit-as4.h"
#include "xml/xml.h"
#include "net/cds-error.h"

static const char *const submit_exts[] = { ".xml", ".asice", ".sce", NULL };

static struct submit_slot *take(struct submit *s)
{
	struct submit_slot *sl = NULL;
	size_t i;

	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->nslots && !sl; i++)
		if (!s->slots[i].busy)
			sl = &s->slots[i];
	if (sl)
		sl->busy = 1;
	pthread_mutex_unlock(&s->mu);
	return sl;
}

void submit_give(struct submit *s, struct submit_slot *sl)
{
	pthread_mutex_lock(&s->mu);
	sl->busy = 0;
	pthread_mutex_unlock(&s->mu);
}

/*
 * The journal, opened by the first worker that needs it and shared by all
 * (lib/net/journal.h: the begins and answers of the workers are committed
 * together, one sync for all that wait at the moment).
 */
static int journal_ready(struct submit *s, struct tdk_doc *doc)
{
	int r = 0;

	pthread_mutex_lock(&s->jmu);
	if (!s->j)
		r = tdk_journal_open(&s->j, s->o.journal, 0, &doc->d);
	pthread_mutex_unlock(&s->jmu);
	return r;
}

/* Opens the slot's connection and journal on first use. */
static int slot_ready(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc)
{
	struct tdk_http_opts ho;
	int r;

	if (sl->ready)
		return 0;
	if ((r = journal_ready(s, doc)) != 0)
		return r;
	tdk_auth_http_opts(s->e, &ho);
	if (tdk_http_init(&sl->http, &ho, &doc->d))
		return TDK_EXIT_INTERNAL;
	sl->j = s->j;
	sl->ready = 1;
	return 0;
}

void submit_json_key(struct tdk_doc *doc, const char *k, const char *v)
{
	if (!v)
		return;
	tdk_buf_addf(&doc->json, ",\"%s\":\"", k);
	tdk_json_escape(&doc->json, v, strlen(v));
	tdk_buf_addc(&doc->json, '"');
}

/* The verdict of a document the journal already holds: its recorded outcome, and its status. */
int submit_held(struct tdk_doc *doc, const struct tdk_journal_row *row)
{
	const char *st = row->state;
	int code = !strcmp(st, "accepted") ? 0 : !strcmp(st, "rejected") ? 1
		 : !strcmp(st, "final") ? (row->outcome && !strcmp(row->outcome, "rejected")) : TDK_EXIT_REMOTE;

	tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-HELD", NULL,
		     "the journal holds this document for endpoint '%s' (submission %lld, %s): not sent again; "
		     "--resend sends it once more", row->endpoint, (long long)row->sub, st);
	snprintf(doc->why, sizeof(doc->why), "already submitted: %s%s%s", row->outcome ? row->outcome : st,
		 row->conversation_id ? ", conversation " : "", row->conversation_id ? row->conversation_id : "");
	doc->verdict = doc->why;
	submit_json_key(doc, "state", st);
	submit_json_key(doc, "conversation_id", row->conversation_id);
	tdk_buf_adds(&doc->json, ",\"sent\":false");
	return code;
}

/* A header's value as a string into out[0..n), or NULL when absent. */
static const char *header(const struct tdk_http_resp *r, const char *name, char *out, size_t n)
{
	size_t len;
	const char *v = tdk_http_resp_header(r, name, &len);

	if (!v || !len || len >= n)
		return NULL;
	memcpy(out, v, len);
	out[len] = '\0';
	return out;
}

/* A 400 or 403: the errorResponse as diagnostics in the file sent, and as the journal's detail. */
static void server_errors(struct tdk_doc *doc, const struct tdk_http_resp *r, const char *code, struct tdk_buf *detail)
{
	struct tdk_cds_error ce = { 0 };
	struct tdk_diag quiet;
	size_t i;

	tdk_diag_init(&quiet, doc->name);
	if (tdk_cds_error_parse(r->body.data ? r->body.data : "", r->body.len, doc->name, &ce, &quiet)) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, code, NULL, "the server answered %ld without an errorResponse",
			     r->status);
		tdk_buf_addf(detail, "%ld", r->status);
		return;
	}
	tdk_buf_addf(detail, "%s: %s\n", ce.code, ce.message);
	if (!ce.n)
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, code, NULL, "the server answered %ld %s: %s", r->status, ce.code,
			     ce.message);
	for (i = 0; i < ce.n; i++) {
		struct tdk_diag_loc loc = { 0, 0, 0, { 0 } };
		const char *rest = ce.v[i].message;

		tdk_cds_error_position(ce.v[i].message, &loc.line, &loc.col, &rest);
		while (*rest == ' ')
			rest++;
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, code, loc.line ? &loc : NULL, "the server: %s: %s", ce.v[i].code,
			     rest);
		if (detail->len < SUBMIT_DETAIL_MAX)
			tdk_buf_addf(detail, "%s: %s\n", ce.v[i].code, ce.v[i].message);
	}
	tdk_cds_error_release(&ce);
}

/* The verdict of a document sent, once its answer is recorded. */
static int report(struct tdk_doc *doc, enum tdk_rest_result res, const struct tdk_http_resp *r, const char *requeue,
		  const char *conv, int status)
{
	const char *state = "unknown";

	switch (res) {
	case TDK_REST_ACCEPTED:
		state = "accepted";
		snprintf(doc->why, sizeof(doc->why), "accepted, conversation %s", conv ? conv : "(none given)");
		break;
	case TDK_REST_REJECTED:
	case TDK_REST_REFUSED:
		state = "rejected";
		snprintf(doc->why, sizeof(doc->why), "%s (%ld)", res == TDK_REST_REJECTED ? "rejected" : "refused",
			 r->status);
		break;
	case TDK_REST_UNKNOWN:
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-UNKNOWN", NULL,
			     "the outcome is unknown (%s): the document may have arrived, and it is not sent again "
			     "by itself; tdk poll settles it, tdk journal list --unknown lists it",
			     r->status ? "an unexpected status" : "no answer after the body was sent");
		snprintf(doc->why, sizeof(doc->why), "unknown: may have arrived");
		break;
	default:
		state = "queued";
		if (res == TDK_REST_SETTINGS)
			tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-SETTINGS", NULL, "the server answered %ld: %s",
				     r->status, requeue);
		else if (res == TDK_REST_CREDENTIALS && r->status == 401)
			tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-UNAUTHORIZED", NULL,
				     "%s: check the endpoint's client-id, secret and scope", requeue);
		else if (res == TDK_REST_BUSY)
			tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-BUSY", NULL, "%s", requeue);
		tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-QUEUED", NULL,
			     "not taken by the server: queued in the journal, a later tdk submit sends it");
		snprintf(doc->why, sizeof(doc->why), "queued: not sent");
		break;
	}
	doc->verdict = doc->why;
	submit_json_key(doc, "state", state);
	submit_json_key(doc, "conversation_id", conv);
	tdk_buf_addf(&doc->json, ",\"sent\":true,\"http_status\":%ld", r->status);
	return status;
}

/* The answer, recorded before it is reported; returns the document's status. */
static int record(struct submit_slot *sl, struct tdk_doc *doc, int64_t sub, enum tdk_rest_result res,
		  const struct tdk_http_resp *r, int code)
{
	char conv[128], receipt[128], hdrs[400];
	struct tdk_journal_answer a = { "unknown", (int)r->status, NULL, NULL, NULL, NULL, r->body.data,
					r->body.len, NULL };
	struct tdk_buf detail = TDK_BUF_INIT(SUBMIT_DETAIL_MAX * 2);
	int rc, status = TDK_EXIT_REMOTE;
	const char *requeue = NULL;

	switch (res) {
	case TDK_REST_ACCEPTED:
		a.state = "accepted";
		a.conversation_id = header(r, "X-Conversation-ID", conv, sizeof(conv));
		a.receipt_id = header(r, "X-Receipt-ID", receipt, sizeof(receipt));
		snprintf(hdrs, sizeof(hdrs), "X-Conversation-ID: %s%s%s\n", a.conversation_id ? a.conversation_id : "",
			 a.receipt_id ? "\nX-Receipt-ID: " : "", a.receipt_id ? a.receipt_id : "");
		a.headers = hdrs;
		status = 0;
		break;
	case TDK_REST_REJECTED:
	case TDK_REST_REFUSED:
		a.state = "rejected";
		server_errors(doc, r, res == TDK_REST_REJECTED ? "SUBMIT-REJECTED" : "SUBMIT-FORBIDDEN", &detail);
		a.detail = detail.data;
		status = 1;
		break;
	case TDK_REST_CREDENTIALS:
		requeue = "the server refused the credentials (401) after one renewal";
		status = TDK_EXIT_TRUST;
		break;
	case TDK_REST_SETTINGS:
		requeue = tdk_rest_settings_hint(r->status);
		status = TDK_EXIT_USAGE;
		break;
	case TDK_REST_BUSY:
		requeue = "the server stayed busy (429 or 503) through the retries";
		break;
	case TDK_REST_NOT_SENT:
		requeue = "the request did not reach the server";
		status = code ? code : TDK_EXIT_REMOTE;
		break;
	case TDK_REST_UNKNOWN:
		a.detail = r->status ? "an answer that says neither accepted nor rejected"
				     : "no answer after the whole request was sent";
		break;
	}
	if (requeue)
		rc = tdk_journal_requeue(sl->j, sub, requeue, &doc->d);
	else
		rc = tdk_journal_answer(sl->j, sub, &a, NULL, &doc->d);
	tdk_buf_release(&detail);
	if (rc)
		return tdk_doc_fail(doc, rc, "the journal could not record the answer for '%s'", doc->qname);
	return report(doc, res, r, requeue, a.conversation_id, status);
}

int submit_claim(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_journal_doc *jd,
		 struct tdk_journal_row *row)
{
	int r;

	if (s->o.resend) {
		r = tdk_journal_find(sl->j, jd->endpoint, jd->sha256, row, &doc->d);
		if (r == TDK_JOURNAL_HELD) {
			int64_t sub = row->sub;

			tdk_journal_row_release(row);
			tdk_diag_add(&doc->d, TDK_SEV_WARNING, "SUBMIT-RESEND", NULL,
				     "sent again on request (--resend): submission %lld", (long long)sub);
			return tdk_journal_resend(sl->j, sub, "tdk submit --resend", row, &doc->d);
		}
		if (r != TDK_JOURNAL_NONE)
			return r;
	}
	return tdk_journal_begin(sl->j, jd, row, &doc->d);
}

/* The ID child of the first Declaration element under n (depth first), or NULL. */
static xmlNode *declaration_id(xmlNode *n, int depth)
{
	xmlNode *c, *f;

	for (; n && depth < 16; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, "Declaration"))
			for (c = n->children; c; c = c->next)
				if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "ID"))
					return c;
		if ((f = declaration_id(n->children, depth + 1)))
			return f;
	}
	return NULL;
}

/* The MRN the notification recorded in row gave (Response/Declaration/ID), into out; "" when none. */
static void mrn_of(const struct tdk_journal_row *row, char *out, size_t n)
{
	struct tdk_diag quiet;
	xmlDoc *doc;
	xmlNode *id;
	xmlChar *t;

	out[0] = '\0';
	if (!row->body || !row->kind || strcmp(row->kind, "notify"))
		return;
	tdk_diag_init(&quiet, "notification");
	if (!(doc = tdk_xml_parse(row->body, strlen(row->body), "notification", "SUBMIT", NULL, &quiet)))
		return;
	if ((id = declaration_id(xmlDocGetRootElement(doc), 0)) && (t = xmlNodeGetContent(id))) {
		if (strlen((const char *)t) < n && strspn((const char *)t, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
		    strlen((const char *)t))
			snprintf(out, n, "%s", (const char *)t);
		xmlFree(t);
	}
	xmlFreeDoc(doc);
}

static void sent_from(struct submit_sent *out, const char *state, const struct tdk_journal_row *row)
{
	if (!out)
		return;
	snprintf(out->state, sizeof(out->state), "%s", state);
	snprintf(out->outcome, sizeof(out->outcome), "%s", row && row->outcome ? row->outcome : "");
	if (row)
		mrn_of(row, out->mrn, sizeof(out->mrn));
}

static const char *state_of(enum tdk_rest_result res)
{
	return res == TDK_REST_ACCEPTED ? "accepted" : res == TDK_REST_REJECTED || res == TDK_REST_REFUSED ? "rejected"
	       : res == TDK_REST_UNKNOWN ? "unknown" : "queued";
}

/*
 * A token before the claim.  The claim makes the document "sending", which
 * a kill turns into "unknown" for a person to decide; a document still
 * waiting for its token has not left, so it is claimed only once a token
 * is in hand (cached or granted; tdk_rest_post takes the same one again).
 * A document the journal already holds needs none: its recorded outcome is
 * reported by the claim, even with the token endpoint down.  Without a
 * token nothing is written: a later run sends the document.  Returns 0 to
 * go on, or the document's status.
 */
static int token_first(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_journal_doc *jd,
		       struct submit_sent *out)
{
	struct tdk_journal_row row;
	struct tdk_oauth_token t;
	int r, held_here;

	memset(&row, 0, sizeof(row));
	r = tdk_journal_find(sl->j, jd->endpoint, jd->sha256, &row, &doc->d);
	held_here = r == TDK_JOURNAL_HELD && row.state && strcmp(row.state, "queued");
	tdk_journal_row_release(&row);
	if (r != TDK_JOURNAL_HELD && r != TDK_JOURNAL_NONE)
		return tdk_doc_fail(doc, r, "the journal could not be read for '%s'", doc->qname);
	if (held_here && !s->o.resend)
		return 0;
	tdk_oauth_token_init(&t);
	r = tdk_auth_token(&s->auth, &sl->http, &t, &doc->d);
	tdk_oauth_token_release(&t);
	if (!r)
		return 0;
	snprintf(doc->why, sizeof(doc->why), "not sent: no token");
	doc->verdict = doc->why;
	submit_json_key(doc, "state", "not sent");
	tdk_buf_addl(&doc->json, ",\"sent\":false");
	sent_from(out, "not sent", NULL);
	return r;
}

int submit_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const char *name,
		const struct tdk_buf *body, struct submit_sent *out)
{
	char sha[TDK_JOURNAL_HASH_HEX + 1], lrn[TDK_REST_LRN_MAX + 1];
	struct tdk_journal_doc jd = { s->e->name, "rest", sha, name, NULL, NULL };
	struct tdk_journal_row row;
	struct tdk_http_resp resp;
	enum tdk_rest_result res;
	unsigned tries;
	int r, code;

	memset(&row, 0, sizeof(row));
	if (out)
		memset(out, 0, sizeof(*out));
	if (tdk_journal_sha256_hex(body->data ? body->data : "", body->len, sha))
		return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "cannot hash '%s'", doc->qname);
	if (tdk_rest_lrn(body->data ? body->data : "", body->len, lrn, sizeof(lrn))) {
		jd.lrn = lrn;
		if (out)
			snprintf(out->lrn, sizeof(out->lrn), "%s", lrn);
	}
	submit_json_key(doc, "lrn", jd.lrn);
	if ((r = token_first(s, sl, doc, &jd, out)) != 0)
		return r;
	r = submit_claim(s, sl, doc, &jd, &row);
	if (r == TDK_JOURNAL_HELD) {
		sent_from(out, row.state, &row);
		r = submit_held(doc, &row);
		tdk_journal_row_release(&row);
		return r;
	}
	if (r)
		return tdk_doc_fail(doc, r, "the journal could not claim '%s'", doc->qname);
	tdk_http_resp_init(&resp);
	res = tdk_rest_post(&s->auth, &sl->http, body->data ? body->data : "", body->len, &resp, &tries, &code,
			    &doc->d);
	r = record(sl, doc, row.sub, res, &resp, code);
	sent_from(out, state_of(res), NULL);
	tdk_http_resp_release(&resp);
	tdk_journal_row_release(&row);
	return r;
}

int submit_check(struct submit *s, struct tdk_doc *doc, const char *name, const struct tdk_buf *body)
{
	struct tdk_input saved = doc->in;
	int r;

	tdk_input_open_mem(&doc->in, name, body->data ? body->data : "", body->len);
	r = tdk_validate_xml_one(&s->xv, doc, 0);
	doc->in = saved;
	if (r == 1 || (r == 0 && doc->d.errors)) {
		tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-INVALID", NULL, "not sent: the document is not valid");
		doc->verdict = "invalid, not sent";
		return 1;
	}
	if (r == 0 && doc->partial) {
		tdk_diag_add(&doc->d, TDK_SEV_WARNING, "SUBMIT-UNCHECKED", NULL,
			     "no schema is registered for its namespace (the endpoint's catalog): sent well-formed only");
		doc->partial = NULL;
		doc->verdict = NULL;
	}
	return r;
}

int submit_take(struct submit *s, struct tdk_doc *doc, struct submit_slot **slp)
{
	int r;

	if (!(*slp = take(s)))
		return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "no worker free for '%s'", doc->qname);
	if ((r = slot_ready(s, *slp, doc)) != 0) {
		submit_give(s, *slp);
		*slp = NULL;
		return tdk_doc_fail(doc, r, "cannot set up the connection or the journal for '%s'", doc->qname);
	}
	return 0;
}

int submit_is_dossier(const struct tdk_buf *body)
{
	return body->len >= 4 && !memcmp(body->data, "PK\3\4", 4);
}

static int submit_doc(void *arg, struct tdk_doc *doc)
{
	struct submit *s = arg;
	struct tdk_buf body = TDK_BUF_INIT(SUBMIT_DOC_MAX);
	struct submit_slot *sl = NULL;
	int r;

	if (tdk_input_read_all(&doc->in, SUBMIT_DOC_MAX, &body)) {
		r = tdk_doc_fail(doc, TDK_EXIT_IO, "cannot read '%s' (or it is larger than 64 MiB)", doc->qname);
		goto out;
	}
	if (s->as2 || s->as4) {
		if ((r = submit_take(s, doc, &sl)) == 0)
			r = s->as2 ? submit_as2_send(s, sl, doc, &body) : submit_as4_send(s, sl, doc, &body);
		goto out;
	}
	if (submit_is_dossier(&body)) {
		r = submit_dossier(s, doc, &body);
		goto out;
	}
	if (!s->o.no_validate && (r = submit_check(s, doc, doc->name, &body)) != 0)
		goto out;
	if ((r = submit_take(s, doc, &sl)) != 0)
		goto out;
	r = submit_send(s, sl, doc, doc->name, &body, NULL);
out:
	if (sl)
		submit_give(s, sl);
	tdk_buf_release(&body);
	return r;
}

/* Loads the endpoints file and finds the endpoint (rest, as4 or as2). */
static int load_endpoint(struct tdk_run *run, struct submit *s, struct tdk_endpoints *eps)
{
	char buf[4096];
	const char *path = s->o.endpoints ? s->o.endpoints : tdk_endpoints_default_path(buf, sizeof(buf));
	struct tdk_diag d;
	int r;

	if (!path)
		return tdk_error(run->ctx, "submit", TDK_EXIT_USAGE, "no endpoints file: HOME is not set; name one "
				 "with --endpoints");
	tdk_run_diag(run, &d, path);
	if ((r = tdk_endpoints_load(eps, path, &d)) != 0)
		return r;
	if (!(s->e = tdk_endpoints_find(eps, s->o.endpoint)))
		return tdk_error(run->ctx, "submit", TDK_EXIT_USAGE, "no endpoint '%s' in %s (tdk endpoint list "
				 "shows them)", s->o.endpoint, path);
	if (!s->e->value[TDK_EK_URL])
		return tdk_error(run->ctx, "submit", TDK_EXIT_USAGE, "endpoint '%s' has no url", s->e->name);
	if (s->e->profile == TDK_PROFILE_AS2)
		return submit_as2_load(s, eps, &d);
	if (s->e->profile == TDK_PROFILE_AS4)
		return submit_as4_load(s, eps, &d);
	if ((r = tdk_auth_init(&s->auth, eps, s->e, 0, &d)) != 0)
		return r;
	if (s->e->path[TDK_EK_CATALOG])
		s->xv.catalogs.v[s->xv.catalogs.n++] = s->e->path[TDK_EK_CATALOG];
	s->xv.rules = s->e->path[TDK_EK_RULES];
	return 0;
}

int cmd_submit(int argc, char **argv, struct tdk_ctx *ctx)
{
	struct submit s;
	struct tdk_run_opts ro;
	const struct tdk_opt opts[] = {
		TDK_OPT_STRING_('e', "endpoint", &s.o.endpoint, "name", NULL, "the endpoint to submit to (required)"),
		TDK_OPT_STRING_(0, "endpoints", &s.o.endpoints, "file", NULL,
				"the endpoints file (default $TDK_ENDPOINTS, else $XDG_CONFIG_HOME/tdk/endpoints)"),
		TDK_OPT_STRING_(0, "journal", &s.o.journal, "file", NULL,
				"the journal (default $TDK_JOURNAL, else $XDG_STATE_HOME/tdk/journal.db)"),
		TDK_OPT_FLAG_(0, "no-validate", &s.o.no_validate, "send without validating first (warns)"),
		TDK_OPT_FLAG_(0, "resend", &s.o.resend, "send a document the journal already holds once more"),
		TDK_RUN_REPORT_OPTIONS(&ro),
		TDK_RUN_INPUT_OPTIONS(&ro),
		TDK_OPT_END_
	};
	const struct tdk_cmd_usage u = { "submit", "[file ...]",
		"Send documents (and dossiers from tdk pack) to a single window once: validate, journal, POST, record." };
	struct tdk_run run = { "submit", submit_exts,
			       { "accepted", "not accepted", "sent, not validated", "not sent or unknown" },
			       submit_doc, &s, NULL, 0, 0, NULL, NULL, { 0 }, "", 0, NULL };
	struct tdk_endpoints eps;
	size_t i;
	int nfiles, r;

	memset(&s, 0, sizeof(s));
	tdk_run_opts_init(&ro);
	ro.progress = "sent";
	if ((r = tdk_parse_options(ctx, &u, opts, argc, argv, &nfiles)) >= 0)
		return r;
	if (!s.o.endpoint) {
		fprintf(ctx->err, "tdk submit: -e names the endpoint to submit to\n");
		tdk_usage_line(ctx->err, &u, opts);
		return TDK_EXIT_USAGE;
	}
	if ((r = tdk_run_begin(&run, ctx, &ro)) >= 0)
		return r;
	tdk_endpoints_init(&eps);
	pthread_mutex_init(&s.mu, NULL);
	pthread_mutex_init(&s.jmu, NULL);
	s.nslots = ro.jobs > 1 ? ro.jobs : 1;
	if ((r = load_endpoint(&run, &s, &eps)) != 0 || !(s.slots = calloc(s.nslots, sizeof(*s.slots)))) {
		run.setup_code = r ? r : TDK_EXIT_INTERNAL;
		run.setup_error = "the endpoint cannot be used (see its diagnostics)";
	} else if (s.o.no_validate) {
		fprintf(ctx->err, "tdk submit: warning: --no-validate: the documents are sent without being validated\n");
	} else {
		run.setup_code = tdk_validate_xml_setup(&run, &s.xv);
	}
	r = tdk_run_documents(&run, argv, nfiles);
	for (i = 0; s.slots && i < s.nslots; i++) {
		if (s.slots[i].ready)
			tdk_http_release(&s.slots[i].http);
	}
	tdk_journal_free(s.j);
	free(s.slots);
	tdk_validate_xml_release(&s.xv);
	tdk_auth_release(&s.auth);
	submit_as2_release(&s);
	submit_as4_release(&s);
	tdk_endpoints_release(&eps);
	pthread_mutex_destroy(&s.mu);
	pthread_mutex_destroy(&s.jmu);
	return r;
}
