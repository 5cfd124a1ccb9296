/*
 * tdk serve's route for asynchronous MDNs (RFC 4130 section 7.3): POST
 * /as2/mdn takes the MDN a partner sends back for a message tdk submit sent
 * with mdn=signed-async.  The MDN must come from a known partner (AS2-From),
 * be signed by that partner's certificate and name an Original-Message-ID;
 * it is then recorded into the journal of --journal as a notification of
 * the AS2 submission whose message id is that Message-ID (with its angle
 * brackets or without them), on any endpoint: outcome processed, or failed
 * when the disposition says error or failure, final either way.  An MDN
 * for a submission still being sent (it overtook the answer to its
 * message) is 503, to be sent again.
 * A forged or malformed MDN is recorded nowhere: a 4xx with its code in
 * the access log.
 */
#include <string.h>

#include "net/as2.h"
#include "net/journal.h"
#include "net/serve-int.h"
#include "util/exitcode.h"

/* The first error's code of a diagnostic sink. */
static void keep_code(void *arg, const struct tdk_diag_item *it)
{
	const char **code = arg;

	if (it->sev == TDK_SEV_ERROR && !*code)
		*code = it->code;
}

/* Records the MDN res (its sender checked) into the journal.  Returns 0, or -1 with r answered. */
static int record(struct serve_req *r, const struct tdk_as2_mdn_result *res)
{
	struct tdk_journal *j = NULL;
	struct tdk_journal_note n;
	struct tdk_journal_row row = { 0 };
	const char *code = NULL, *id = res->original_id;
	char other[1000];
	size_t len = strlen(id);
	struct tdk_diag d;
	int64_t sub = 0;
	int rc;

	tdk_diag_init(&d, "journal");
	d.emit = keep_code;
	d.arg = &code;
	memset(&n, 0, sizeof(n));
	n.conversation_id = res->original_id;
	n.outcome = res->processed ? "processed" : "failed";
	n.final = 1;
	n.body = r->body.data;
	n.body_len = r->body.len;
	n.detail = res->disposition;
	n.id = serve_req_header(r, "Message-ID");
	/* The same Message-ID with its angle brackets, or without them, as the sender recorded it. */
	if (len >= 2 && id[0] == '<' && id[len - 1] == '>')
		snprintf(other, sizeof(other), "%.*s", (int)(len - 2), id + 1);
	else
		snprintf(other, sizeof(other), "<%s>", id);
	/*
	 * The submission is found by its Message-ID on any endpoint: the MDN
	 * names its sender by AS2 name, the journal its endpoint by the name
	 * in the sender's endpoints file.
	 */
	if ((rc = tdk_journal_open(&j, r->s->o.as2.journal, 0, &d)) == 0 &&
	    (rc = tdk_journal_by_message(j, "as2", id, &row, &d)) == TDK_JOURNAL_NONE) {
		n.conversation_id = other;
		rc = tdk_journal_by_message(j, "as2", other, &row, &d);
	}
	/* Still sending: its conversation id (the Message-ID) comes with the answer, which notify matches on. */
	if (rc == TDK_JOURNAL_HELD && row.state && !strcmp(row.state, "sending"))
		rc = TDK_JOURNAL_SENDING;
	else if (rc == TDK_JOURNAL_HELD) {
		n.endpoint = row.endpoint;
		rc = tdk_journal_notify(j, &n, &sub, &d);
	}
	tdk_journal_row_release(&row);
	tdk_journal_free(j);
	if (rc == 0 || rc == TDK_JOURNAL_HELD)
		return 0;
	if (rc == TDK_JOURNAL_NONE)
		return serve_refuse(r, 404, "SERVE-AS2-UNMATCHED", "the journal holds no message with this Message-ID\n"), -1;
	if (rc == TDK_JOURNAL_SENDING)
		return serve_refuse(r, 503, "SERVE-AS2-SENDING", "the message is still being sent: send the MDN again\n"), -1;
	return serve_refuse(r, 500, code ? code : "SERVE-AS2-JOURNAL", "the journal cannot record the MDN\n"), -1;
}

void serve_as2_mdn(struct serve_req *r)
{
	const struct tdk_serve_as2 *a = &r->s->o.as2;
	const char *from = serve_req_header(r, "AS2-From"), *to = serve_req_header(r, "AS2-To");
	struct tdk_as2_mdn_result res = { 0 };
	struct tdk_as2_mdn_check c = { NULL, 1, NULL, NULL };
	const char *code = NULL;
	struct tdk_diag d;
	size_t i;
	int rc;

	if (strcmp(r->method, "POST")) {
		serve_header(r, "Allow", "POST");
		serve_refuse(r, 405, "SERVE-AS2-METHOD", "POST the MDN\n");
		return;
	}
	if (!a->key || !a->journal) {
		serve_refuse(r, 503, "SERVE-AS2-OFF", "tdk serve was started without --as2-key or --journal\n");
		return;
	}
	if (!to || strcmp(to, a->id)) {
		serve_refuse(r, 404, "SERVE-AS2-TO", "AS2-To is not the AS2 name of this receiver\n");
		return;
	}
	for (i = 0; from && i < a->npartners && !c.partner; i++)
		if (!strcmp(a->partners[i].id, from))
			c.partner = a->partners[i].cert;
	if (!c.partner) {
		serve_refuse(r, 403, "SERVE-AS2-FROM", "AS2-From is not a partner of this receiver\n");
		return;
	}
	tdk_diag_init(&d, "mdn");
	d.emit = keep_code;
	d.arg = &code;
	rc = tdk_as2_mdn_read(&c, serve_req_header(r, "Content-Type"), r->body.data ? r->body.data : "", r->body.len,
			      &res, &d);
	/* An error disposition is a verdict to record; a signature or a form that fails is not. */
	if ((rc == 0 || (rc == TDK_EXIT_NEGATIVE && code && !strcmp(code, "AS2-MDN-ERROR"))) && res.original_id) {
		if (record(r, &res) == 0)
			serve_answer(r, 200, NULL, NULL);
	} else {
		serve_refuse(r, rc == TDK_EXIT_INTERNAL ? 500 : 400, code ? code : "AS2-MDN-MALFORMED",
		       "the MDN was refused\n");
	}
	tdk_as2_mdn_result_release(&res);
}
