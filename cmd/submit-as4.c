/*
 * tdk submit over profile as4 (the eDelivery AS4 profile 1.x).  The
 * endpoint's key and the partner's certificate are loaded once per process
 * (cmd/submit-keys.c).  Each document is one payload of a UserMessage built
 * from the endpoint's P-Mode (lib/net/as4.h), its eb:MessageId fixed in the
 * journal's begin row before the first byte leaves; the message is signed,
 * then encrypted (lib/net/as4-seal.c), serialised as SOAP with Attachments
 * and POSTed; the synchronous Receipt is verified and its non-repudiation
 * information compared with what was signed before the answer is recorded.
 *
 * Unlike AS2 and REST, an AS4 message whose outcome is unknown is sent
 * again with the same MessageId: the AS4 profile's reception awareness
 * retries it, and the receiver's duplicate elimination (ebMS 3 core, the
 * AS4 profile) keeps it once.  Within one run a lost answer is retried up
 * to the endpoint's retries with a short backoff; a later tdk submit of a
 * document held unknown sends it again by itself (journal kind resend).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "submit-as4.h"
#include "net/as4.h"
#include "net/ebms.h"

struct submit_as4 {
	struct submit_keys k;
	struct tdk_trust trust;
	int trust_loaded;
	const char *certs[1];
	int encrypt, compress;
	char host[64];
};

/* Whether setting v of an as4 endpoint is on: yes, or unset (the default). */
static int on(const char *v)
{
	return !v || !strcmp(v, "yes");
}

int submit_as4_load(struct submit *s, const struct tdk_endpoints *eps, struct tdk_diag *d)
{
	const struct tdk_endpoint *e = s->e;
	struct submit_as4 *a;
	int r;

	if (!(a = calloc(1, sizeof(*a))))
		return TDK_EXIT_INTERNAL;
	s->as4 = a;
	a->encrypt = on(e->value[TDK_EK_ENCRYPT]);
	a->compress = on(e->value[TDK_EK_COMPRESS]);
	submit_id_host(a->host, sizeof(a->host));
	if ((r = submit_keys_load(&a->k, eps, e, 1, d)) != 0)
		return r;
	a->certs[0] = e->path[TDK_EK_PARTNER_CERT];
	a->trust.cert_files = a->certs;
	a->trust.ncert = 1;
	if ((r = tdk_trust_load(&a->trust, d)) != 0)
		return r;
	a->trust_loaded = 1;
	return 0;
}

void submit_as4_release(struct submit *s)
{
	struct submit_as4 *a = s->as4;

	if (!a)
		return;
	if (a->trust_loaded)
		tdk_trust_release(&a->trust);
	submit_keys_release(&a->k);
	free(a);
	s->as4 = NULL;
}

/* How one submission ended, for the journal and the report. */
struct as4_end {
	const char *state;          /* accepted, rejected, unknown; NULL: queued (requeue) */
	int status;                 /* the document's exit status */
	int again;                  /* the outcome is unknown and the message may be sent again now */
	long http_status;
	char detail[SUBMIT_DETAIL_MAX];
	char *receipt;              /* the signal's eb:MessageId (owned), or NULL */
};

/* Collects the AS4-ERROR messages of a rejection into the journal's detail. */
struct as4_watch {
	struct tdk_diag *out;
	char *detail;
	size_t size;
};

static void watch_emit(void *arg, const struct tdk_diag_item *it)
{
	struct as4_watch *w = arg;
	size_t n = strlen(w->detail);

	if (!strcmp(it->code, "AS4-ERROR") && n + 2 < w->size)
		snprintf(w->detail + n, w->size - n, "%s%s", n ? "\n" : "", it->msg);
	tdk_diag_add(w->out, it->sev, it->code, it->loc.line ? &it->loc : NULL, "%s", it->msg);
}

/* The answer of a request that was answered: checked, into end. */
static void answer_end(struct submit *s, struct tdk_doc *doc, const struct tdk_as4_msg *m,
		       const struct tdk_http_resp *r, struct as4_end *end)
{
	struct tdk_as4_answer ans = { TDK_AS4_UNREADABLE, NULL };
	struct as4_watch w = { &doc->d, end->detail, sizeof(end->detail) };
	struct tdk_diag wd;
	size_t len = 0;
	const char *ct = tdk_http_resp_header(r, "Content-Type", &len);
	char ctype[512];
	int rc;

	snprintf(ctype, sizeof(ctype), "%.*s", ct && len < sizeof(ctype) ? (int)len : 0, ct ? ct : "");
	end->detail[0] = '\0';
	tdk_diag_init(&wd, doc->d.file);
	wd.emit = watch_emit;
	wd.arg = &w;
	rc = r->body.len ? tdk_as4_answer_check(ctype[0] ? ctype : NULL, r->body.data, r->body.len, m->env,
						m->message_id, &s->as4->trust, &ans, &wd) : TDK_EXIT_REMOTE;
	free(end->receipt);
	end->receipt = ans.signal_id;
	ans.signal_id = NULL;
	end->state = "unknown";
	end->status = rc == TDK_EXIT_INTERNAL ? rc : TDK_EXIT_REMOTE;
	if (rc == TDK_EXIT_INTERNAL) {
		snprintf(end->detail, sizeof(end->detail), "the answer could not be checked");
	} else if (ans.verdict == TDK_AS4_ACCEPTED) {
		end->state = "accepted";
		end->status = 0;
		snprintf(end->detail, sizeof(end->detail), "a signed receipt whose non-repudiation information matches");
	} else if (ans.verdict == TDK_AS4_REJECTED) {
		end->state = "rejected";
		end->status = TDK_EXIT_NEGATIVE;
	} else if (ans.verdict == TDK_AS4_UNTRUSTED || ans.verdict == TDK_AS4_MISMATCH) {
		end->status = ans.verdict == TDK_AS4_UNTRUSTED ? TDK_EXIT_TRUST : TDK_EXIT_REMOTE;
		snprintf(end->detail, sizeof(end->detail), "%s", ans.verdict == TDK_AS4_UNTRUSTED ?
			 "a signal that partner-cert does not verify" : "a receipt for another message or content");
	} else if (r->status >= 400 && r->status < 500) {
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-AS4-REFUSED", NULL, "the partner answered %ld", r->status);
		end->state = "rejected";
		end->status = TDK_EXIT_NEGATIVE;
		snprintf(end->detail, sizeof(end->detail), "http status %ld", r->status);
	} else {
		end->again = 1;
		snprintf(end->detail, sizeof(end->detail), "an answer %ld without a signal that can be read", r->status);
	}
	tdk_as4_answer_release(&ans);
}

/* What one HTTP exchange says, into end; attempt counts the sends before this one. */
static void exchange_end(struct submit *s, struct tdk_doc *doc, const struct tdk_as4_msg *m, int attempt, int rc,
			 const struct tdk_http_resp *r, struct as4_end *end)
{
	int not_sent = rc < 0 && (r->outcome == TDK_HTTP_NOT_SENT || r->outcome == TDK_HTTP_TRUST ||
				  r->outcome == TDK_HTTP_REFUSED || (r->outcome == TDK_HTTP_INTERNAL && !r->body_sent));

	end->again = 0;
	end->http_status = r->status;
	if (not_sent && (!attempt || r->outcome != TDK_HTTP_NOT_SENT)) {
		/* Certainly not received, and no earlier send may have arrived: queued. */
		end->state = attempt ? "unknown" : NULL;
		end->status = r->outcome == TDK_HTTP_TRUST ? TDK_EXIT_TRUST : r->outcome == TDK_HTTP_REFUSED ?
			      TDK_EXIT_USAGE : r->outcome == TDK_HTTP_INTERNAL ? TDK_EXIT_INTERNAL : TDK_EXIT_REMOTE;
		snprintf(end->detail, sizeof(end->detail), "the request did not reach the partner");
	} else if (rc < 0) {
		end->state = "unknown";
		end->status = TDK_EXIT_REMOTE;
		end->again = 1;
		snprintf(end->detail, sizeof(end->detail), "%s", not_sent ? "the partner could not be reached again" :
			 "no answer after the whole request was sent");
	} else {
		answer_end(s, doc, m, r, end);
	}
}

/* The verdict of a document sent, once its answer is recorded. */
static int as4_report(struct tdk_doc *doc, const char *msgid, const struct as4_end *end, int sends)
{
	const char *state = end->state ? end->state : "queued";

	if (!end->state)
		tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-QUEUED", NULL,
			     "not taken by the partner: queued in the journal, a later tdk submit sends it");
	else if (!strcmp(state, "unknown"))
		tdk_diag_add(&doc->d, TDK_SEV_ERROR, "SUBMIT-UNKNOWN", NULL, "the outcome is unknown after %d "
			     "send%s (%s): a later tdk submit sends it again with the same MessageId", sends,
			     sends == 1 ? "" : "s", end->detail);
	snprintf(doc->why, sizeof(doc->why), "%s, message %.100s", state, msgid);
	doc->verdict = doc->why;
	submit_json_key(doc, "state", state);
	submit_json_key(doc, "message_id", msgid);
	submit_json_key(doc, "receipt_id", end->state && !strcmp(end->state, "accepted") ? end->receipt : NULL);
	tdk_buf_addf(&doc->json, ",\"sent\":%s,\"sends\":%d,\"http_status\":%ld", end->state ? "true" : "false",
		     sends, end->http_status);
	return end->status;
}

/* Records end (the answer's body: the receipt or the error signal) before it is reported. */
static int as4_record(struct submit_slot *sl, struct tdk_doc *doc, int64_t sub, const char *msgid,
		      const struct tdk_http_resp *r, const struct as4_end *end, int sends)
{
	int accepted = end->state && !strcmp(end->state, "accepted");
	struct tdk_journal_answer a = { end->state, (int)r->status, msgid, accepted ? end->receipt : NULL, msgid, NULL,
					r->body.data, r->body.len, end->detail };
	size_t len = 0;
	const char *ct = tdk_http_resp_header(r, "Content-Type", &len);
	char hdrs[600];
	int rc;

	snprintf(hdrs, sizeof(hdrs), "Content-Type: %.*s\n", ct && len < 500 ? (int)len : 0, ct ? ct : "");
	a.headers = hdrs;
	if ((rc = submit_msg_record(sl, doc, sub, &a)))
		return rc;
	return as4_report(doc, msgid, end, sends);
}

/*
 * Forwards the HTTP-* diagnostics of one send as warnings: a send whose
 * answer was lost is sent again, and the document's outcome is said by the
 * SUBMIT-* diagnostic of its last send.
 */
static void http_emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_diag *out = arg;
	enum tdk_severity sev = it->sev == TDK_SEV_ERROR && !strncmp(it->code, "HTTP-", 5) ? TDK_SEV_WARNING : it->sev;

	tdk_diag_add(out, sev, it->code, it->loc.line ? &it->loc : NULL, "%s", it->msg);
}

/* Waits before send number attempt + 1: 250 ms, doubled each time, at most 4 s. */
static void backoff(int attempt)
{
	long ms = 250L << (attempt < 4 ? attempt : 4);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Builds, seals and serialises the message of body (MIME type type) with the MessageId id. */
static int as4_make(struct submit *s, struct tdk_doc *doc, const struct tdk_buf *body, const char *type,
		    const char *id, struct tdk_as4_msg *m, struct tdk_buf *out, struct tdk_buf *ctype)
{
	struct tdk_as4_payload p = { doc->name, type, body->data ? body->data : "", body->len };
	int r;

	if ((r = tdk_as4_build(s->e, &p, 1, id, s->as4->compress, (long long)time(NULL), m, &doc->d)) != 0)
		return r;
	if ((r = tdk_as4_seal(m, &s->as4->k.signer, s->as4->encrypt ? s->as4->k.partner : NULL, &doc->d)) != 0)
		return r;
	return tdk_as4_serialise(m, out, ctype, &doc->d);
}

/* Builds the message for row's MessageId and POSTs it until its outcome is known; records and reports it. */
static int as4_post(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body,
		    const char *type, const struct tdk_journal_row *row)
{
	struct tdk_as4_msg m;
	struct tdk_buf out = TDK_BUF_INIT(TDK_AS4_MAX_MESSAGE), ctype = TDK_BUF_INIT(4096), hline = TDK_BUF_INIT(4200);
	struct tdk_http_req req = { "POST", s->e->value[TDK_EK_URL], NULL, NULL, 0 };
	struct tdk_http_resp resp;
	const char *hdrs[3];
	struct as4_end end;
	struct tdk_diag hd;
	int r, attempt = 0;

	memset(&end, 0, sizeof(end));
	tdk_as4_msg_init(&m);
	tdk_http_resp_init(&resp);
	if ((r = as4_make(s, doc, body, type, row->message_id, &m, &out, &ctype)) != 0 ||
	    tdk_buf_addf(&hline, "Content-Type: %s", ctype.data)) {
		/* Nothing left: the claim goes back to queued. */
		end.status = r ? r : TDK_EXIT_INTERNAL;
		snprintf(end.detail, sizeof(end.detail), "the message could not be built");
		r = as4_record(sl, doc, row->sub, row->message_id, &resp, &end, 0);
		goto out;
	}
	hdrs[0] = hline.data;
	hdrs[1] = "Expect:";
	hdrs[2] = NULL;
	req.headers = hdrs;
	req.body = out.data;
	req.body_len = out.len;
	tdk_diag_init(&hd, doc->d.file);
	hd.emit = http_emit;
	hd.arg = &doc->d;
	for (;;) {
		r = tdk_http_request(&sl->http, &req, &resp, &hd);
		exchange_end(s, doc, &m, attempt, r, &resp, &end);
		if (!end.again || (unsigned long)attempt >= s->e->retries)
			break;
		tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-AS4-RETRY", NULL, "%s: sent again with the same "
			     "MessageId (reception awareness)", end.detail);
		backoff(attempt++);
		tdk_http_resp_release(&resp);
		tdk_http_resp_init(&resp);
	}
	r = as4_record(sl, doc, row->sub, row->message_id, &resp, &end, attempt + 1);
out:
	free(end.receipt);
	tdk_as4_msg_release(&m);
	tdk_buf_release(&out);
	tdk_buf_release(&ctype);
	tdk_buf_release(&hline);
	tdk_http_resp_release(&resp);
	return r;
}

/*
 * Claims the document: begun (or claimed again with --resend), or, held
 * unknown, sent again by itself with the MessageId the journal holds.
 */
static int as4_claim(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_journal_doc *jd,
		     struct tdk_journal_row *row)
{
	int64_t sub;
	int r = submit_claim(s, sl, doc, jd, row);

	if (r != TDK_JOURNAL_HELD || !row->state || strcmp(row->state, "unknown"))
		return r;
	sub = row->sub;
	tdk_journal_row_release(row);
	tdk_diag_add(&doc->d, TDK_SEV_NOTE, "SUBMIT-AS4-RESEND", NULL, "submission %lld's outcome is unknown: sent "
		     "again with the same MessageId, which the partner's duplicate elimination keeps once",
		     (long long)sub);
	return tdk_journal_resend(sl->j, sub, "as4: the outcome is unknown; sent again with the same MessageId "
				  "(duplicate elimination)", row, &doc->d);
}

/* submit_msg's make_id: an eb:MessageId of this host. */
static int as4_make_id(const struct submit *s, char *out, size_t n)
{
	return tdk_ebms_message_id(s->as4->host, out, n);
}

int submit_as4_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body)
{
	const struct submit_msg m = { "as4", "MessageId", submit_is_dossier(body) ? "application/vnd.etsi.asic-e+zip" :
				      submit_payload_type(body), as4_make_id, as4_claim, as4_post };

	return submit_msg_send(s, sl, doc, body, &m);
}
