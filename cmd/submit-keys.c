/*
 * What tdk submit's message profiles (as2, as4) share: the endpoint's key
 * and the partner's certificate, loaded once per process, the right side
 * of the message ids they make, the MIME type of a payload, and the steps
 * of a send up to the post (submit_msg_send).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "submit.h"

/* What the passphrase callback needs: where the endpoint says the passphrase is. */
struct keys_pass {
	const struct tdk_endpoints *eps;
	const struct tdk_endpoint *e;
	struct tdk_diag *d;
	int failed;           /* the exit code of a passphrase that could not be read, else 0 */
};

static int keys_passphrase(void *arg, const char *name, char *buf, size_t size)
{
	struct keys_pass *p = arg;
	int n = tdk_endpoint_key_passphrase(p->eps, p->e, buf, size, p->d);

	(void)name;
	if (n < 0)
		p->failed = -n;
	return n < 0 ? -1 : n;
}

static X509 *read_cert(const char *path, const char *c, struct tdk_diag *d, int *code)
{
	FILE *f = fopen(path, "rb");
	X509 *x = NULL;

	if (!f) {
		tdk_diag_add(d, TDK_SEV_ERROR, c, NULL, "cannot open partner-cert '%s'", path);
		*code = TDK_EXIT_IO;
		return NULL;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		tdk_diag_add(d, TDK_SEV_ERROR, c, NULL, "partner-cert '%s' is not a PEM certificate", path);
		*code = TDK_EXIT_TRUST;
	} else if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0 ||
		   X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, c, NULL, "partner-cert '%s' is not valid now", path);
		*code = TDK_EXIT_TRUST;
		X509_free(x);
		x = NULL;
	}
	return x;
}

int submit_keys_load(struct submit_keys *k, const struct tdk_endpoints *eps, const struct tdk_endpoint *e,
		     int as4, struct tdk_diag *d)
{
	struct keys_pass pass = { eps, e, d, 0 };
	const char *file = d->file, *c = as4 ? "SUBMIT-AS4-KEY" : "SUBMIT-AS2-KEY";
	int r = 0;

	if (tdk_sign_lib_init()) {
		tdk_diag_add(d, TDK_SEV_ERROR, c, NULL, "the signature library cannot start");
		return TDK_EXIT_INTERNAL;
	}
	k->lib = 1;
	d->file = e->path[TDK_EK_KEY];
	r = tdk_signer_load(&k->signer, e->path[TDK_EK_KEY], NULL, keys_passphrase, &pass, time(NULL), d);
	d->file = file;
	if (r)
		return pass.failed ? pass.failed : r;
	k->signer_loaded = 1;
	if (!(k->partner = read_cert(e->path[TDK_EK_PARTNER_CERT], as4 ? "SUBMIT-AS4-CERT" : "SUBMIT-AS2-CERT", d, &r)))
		return r;
	return 0;
}

void submit_keys_release(struct submit_keys *k)
{
	if (k->signer_loaded)
		tdk_signer_release(&k->signer);
	X509_free(k->partner);
	if (k->lib)
		tdk_sign_lib_shutdown();
	memset(k, 0, sizeof(*k));
}

void submit_id_host(char *out, size_t n)
{
	char h[256];
	size_t i, o = 0;

	if (gethostname(h, sizeof(h)) < 0)
		h[0] = '\0';
	h[sizeof(h) - 1] = '\0';
	for (i = 0; h[i] && o + 1 < n; i++) {
		int ok = (h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9') ||
			 h[i] == '-' || (h[i] == '.' && o && out[o - 1] != '.');
		if (ok)
			out[o++] = h[i];
	}
	while (o && out[o - 1] == '.')
		o--;
	out[o] = '\0';
	if (!o)
		snprintf(out, n, "tdk");
}

const char *submit_payload_type(const struct tdk_buf *b)
{
	const char *p = b->data ? b->data : "";
	size_t i = 0;

	if (b->len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < b->len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < b->len && p[i] == '<')
		return "application/xml";
	if (b->len - i >= 3 && (!memcmp(p + i, "UNA", 3) || !memcmp(p + i, "UNB", 3)))
		return "application/EDIFACT";
	return "application/octet-stream";
}

int submit_msg_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body,
		    const struct submit_msg *m)
{
	char sha[TDK_JOURNAL_HASH_HEX + 1], msgid[160];
	struct tdk_journal_doc jd = { s->e->name, m->profile, sha, doc->name, NULL, msgid };
	struct tdk_journal_row row;
	int r;

	memset(&row, 0, sizeof(row));
	if (!s->o.no_validate && !strcmp(m->type, "application/xml") && (r = submit_check(s, doc, doc->name, body)) != 0)
		return r;
	if (tdk_journal_sha256_hex(body->data ? body->data : "", body->len, sha) || m->make_id(s, msgid, sizeof(msgid)))
		return tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "cannot hash '%s' or make its %s", doc->qname, m->id_name);
	r = m->claim(s, sl, doc, &jd, &row);
	if (r == TDK_JOURNAL_HELD)
		r = submit_held(doc, &row);
	else if (r)
		r = tdk_doc_fail(doc, r, "the journal could not claim '%s'", doc->qname);
	else if (!row.message_id)
		r = tdk_doc_fail(doc, TDK_EXIT_INTERNAL, "the journal holds no %s for '%s'", m->id_name, doc->qname);
	else
		r = m->post(s, sl, doc, body, m->type, &row);
	tdk_journal_row_release(&row);
	return r;
}

int submit_msg_record(struct submit_slot *sl, struct tdk_doc *doc, int64_t sub, const struct tdk_journal_answer *a)
{
	int rc = a->state ? tdk_journal_answer(sl->j, sub, a, NULL, &doc->d) :
			    tdk_journal_requeue(sl->j, sub, a->detail, &doc->d);

	return rc ? tdk_doc_fail(doc, rc, "the journal could not record the answer for '%s'", doc->qname) : 0;
}
