/*
 * The journal's hash chain: the canonical encoding of a row (journal.h),
 * the head, and verify, which recomputes every row's hash and link and
 * checks the last rows against a head kept outside the journal.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/journal-int.h"
#include "util/exitcode.h"
#include "util/io.h"

void tdk_journal_row_release(struct tdk_journal_row *r)
{
	char **f[] = { &r->kind, &r->time, &r->endpoint, &r->profile, &r->sha256, &r->name, &r->lrn, &r->state,
		       &r->conversation_id, &r->receipt_id, &r->message_id, &r->outcome, &r->headers,
		       &r->body_sha256, &r->body, &r->detail, &r->prev, &r->hash };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		free(*f[i]);
	memset(r, 0, sizeof(*r));
}

/* One field as a netstring: "LEN:BYTES,", or "-," when absent. */
static int field(struct tdk_buf *b, const char *s)
{
	if (!s)
		return tdk_buf_addl(b, "-,");
	return tdk_buf_addu(b, strlen(s)) < 0 || tdk_buf_addc(b, ':') < 0 || tdk_buf_adds(b, s) < 0 ||
			       tdk_buf_addc(b, ',') < 0 ? -1 : 0;
}

/* A number as a netstring of its decimal digits. */
static int number(struct tdk_buf *b, int64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	return field(b, s);
}

int tdk_journal_sha256_hex(const void *p, size_t n, char hex[TDK_JOURNAL_HASH_HEX + 1])
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned hl = 0, i;

	if (EVP_Digest(p, n, h, &hl, EVP_sha256(), NULL) != 1 || hl != 32)
		return -1;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return 0;
}

int tdk_journal_row_hash(const struct tdk_journal_row *r, char hex[TDK_JOURNAL_HASH_HEX + 1])
{
	const char *text[] = { r->kind, r->time, r->endpoint, r->profile, r->sha256, r->name, r->lrn, r->state,
			       r->conversation_id, r->receipt_id, r->message_id, r->outcome };
	const char *rest[] = { r->headers, r->body_sha256, r->body, r->detail, r->prev };
	struct tdk_buf b = TDK_BUF_INIT((size_t)64 << 20);
	unsigned i;
	int rc = -1;

	if (tdk_buf_addl(&b, "tdk-journal-1\n") < 0 || number(&b, r->seq) < 0 || number(&b, r->sub) < 0)
		goto out;
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (field(&b, text[i]) < 0)
			goto out;
	if (number(&b, r->http_status) < 0)
		goto out;
	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		if (field(&b, rest[i]) < 0)
			goto out;
	rc = tdk_journal_sha256_hex(b.data, b.len, hex);
out:
	tdk_buf_release(&b);
	return rc;
}

int tdk_journal_head(struct tdk_journal *j, struct tdk_buf *out, struct tdk_diag *d)
{
	char hash[TDK_JOURNAL_HASH_HEX + 1];
	int64_t seq;
	int r;

	tdk_buf_reset(out);
	if ((r = journal_tail(j, &seq, hash, d)))
		return r;
	if (tdk_buf_addf(out, "%lld %s", (long long)seq, hash) < 0 || tdk_buf_addc(out, '\0') < 0)
		return TDK_EXIT_INTERNAL;
	out->len--;
	return 0;
}

/* What verify walks with. */
struct chain {
	struct tdk_diag *d;
	char prev[TDK_JOURNAL_HASH_HEX + 1];
	int64_t seq, bad, head_seq;
	char head_hash[TDK_JOURNAL_HASH_HEX + 1];
	int head_seen;
};

static int tampered(struct chain *c, int64_t seq, const char *why)
{
	c->bad = seq;
	tdk_diag_add(c->d, TDK_SEV_ERROR, "JOURNAL-TAMPERED", NULL, "row %lld: %s", (long long)seq, why);
	return TDK_EXIT_NEGATIVE;
}

static int check_row(void *arg, const struct tdk_journal_row *r)
{
	struct chain *c = arg;
	char hex[TDK_JOURNAL_HASH_HEX + 1];

	c->seq++;
	if (tdk_journal_row_hash(r, hex) < 0)
		return TDK_EXIT_INTERNAL;
	if (r->seq != c->seq)
		return tampered(c, c->seq, r->seq > c->seq ? "missing: the rows jump from the one before to a later one"
							   : "out of order");
	if (!r->prev || strcmp(r->prev, c->prev))
		return tampered(c, c->seq, "does not follow the row before it (its previous hash differs)");
	if (!r->hash || strcmp(r->hash, hex))
		return tampered(c, c->seq, "changed: its content does not match its hash");
	if (r->sub < 1 || r->sub > r->seq)
		return tampered(c, c->seq, "names a submission that does not exist");
	if (c->head_seq == -2 && !strcmp(c->head_hash, hex))
		c->head_seen = 1;
	if (c->head_seq == r->seq) {
		c->head_seen = 1;
		if (strcmp(c->head_hash, hex))
			return tampered(c, c->seq, "does not match the head kept outside the journal");
	}
	memcpy(c->prev, hex, sizeof(c->prev));
	return 0;
}

/* Reads "SEQ HASH" or "HASH" (a newline after it allowed) into c; returns 0 or -1. */
static int parse_head(struct chain *c, const char *s)
{
	const char *h = s, *sp = strchr(s, ' ');
	size_t n;

	c->head_seq = -2;   /* a hash alone: some row must have it */
	if (sp) {
		if (sp == s || strspn(s, "0123456789") != (size_t)(sp - s) || sp - s > 18)
			return -1;
		c->head_seq = strtoll(s, NULL, 10);
		h = sp + 1;
	}
	n = strspn(h, "0123456789abcdef");
	if (n != TDK_JOURNAL_HASH_HEX || (h[n] && strcmp(h + n, "\n")))
		return -1;
	memcpy(c->head_hash, h, TDK_JOURNAL_HASH_HEX);
	c->head_hash[TDK_JOURNAL_HASH_HEX] = '\0';
	return 0;
}

/* The head from the head file into buf; returns 0, 1 when there is none, or an exit code. */
static int read_head(struct tdk_journal *j, struct tdk_buf *buf, struct tdk_diag *d)
{
	if (tdk_read_all(j->head_path, 256, buf) == 0 && tdk_buf_addc(buf, '\0') == 0)
		return 0;
	if (errno == ENOENT) {
		tdk_diag_add(d, TDK_SEV_NOTE, "JOURNAL-NO-HEAD", NULL,
			     "no head file %s: a cut tail cannot be seen without a head (--head)", j->head_path);
		return 1;
	}
	tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-HEAD", NULL, "cannot read the head file %s: %s", j->head_path,
		     strerror(errno));
	return TDK_EXIT_IO;
}

/*
 * A head that does not parse: from the head file, an I/O error (never a
 * pass and never JOURNAL-TAMPERED: the file is written without a sync,
 * journal.h); given by the caller, a usage error.
 */
static int bad_head(const struct tdk_journal *j, int from_file, struct tdk_diag *d)
{
	if (!from_file) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-HEAD", NULL, "a head is \"SEQ HASH\" or a hash of 64 hex digits");
		return TDK_EXIT_USAGE;
	}
	tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-HEAD", NULL, "the head file %s is not \"SEQ HASH\": empty or short "
		     "after a crash, or changed; the next write to the journal rewrites it, and --head checks against a "
		     "head kept elsewhere", j->head_path);
	return TDK_EXIT_IO;
}

int tdk_journal_verify(struct tdk_journal *j, const char *head, int64_t *bad, int64_t *rows, struct tdk_diag *d)
{
	struct tdk_buf buf = TDK_BUF_INIT(256);
	struct chain c = { 0 };
	int r = 0;

	c.d = d;
	c.head_seq = -1;
	memset(c.prev, '0', TDK_JOURNAL_HASH_HEX);
	*bad = 0;
	*rows = 0;
	if (!head && (r = read_head(j, &buf, d)) == 0)
		head = buf.data;
	if (r > 1)
		goto out;
	r = 0;
	if (head && parse_head(&c, head) < 0) {
		r = bad_head(j, head == buf.data, d);
		goto out;
	}
	r = tdk_journal_rows(j, check_row, &c, d);
	*rows = c.seq;
	if (!r && c.head_seq == -2 && !c.head_seen)
		r = tampered(&c, c.seq + 1, "missing: no row has the head's hash, the journal was cut");
	else if (!r && c.head_seq > 0 && !c.head_seen)
		r = tampered(&c, c.head_seq, "missing: the journal was cut before the head's row");
	*bad = c.bad;
out:
	tdk_buf_release(&buf);
	return r;
}
