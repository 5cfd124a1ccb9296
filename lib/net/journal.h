/*
 * The submission journal: the record that makes a submission happen once.
 *
 * A journal is an append-only ledger of events.  Every event is one row:
 * its sequence number (1, 2, 3 ... with no gap), the submission it belongs
 * to (the sequence number of that submission's first row), what happened
 * (kind), when, and the submission's whole state after the event: endpoint,
 * profile (rest, as4, as2), the document's SHA-256 and name, the LRN (or the
 * profile's own reference), state, conversation id, receipt id, message id
 * (AS4 and AS2), outcome, and the server's answer when the event is one
 * (HTTP status, the headers that matter, the SHA-256 of the body and the
 * body itself up to TDK_JOURNAL_BODY_MAX).  The current state of a
 * submission is its last row; nothing is ever updated or deleted.
 *
 * States and the events that move them:
 *
 *   (none) --begin--> queued --begin--> sending --answer--> accepted | rejected | unknown
 *   sending --requeue--> queued        (the request certainly did not reach the server)
 *   accepted | unknown --notify--> accepted | final  (final: outcome cleared, rejected ...)
 *   (none) --notify--> unmatched      (a notification kept that matches no submission)
 *   any but sending --resend--> sending (explicit, journaled: `tdk submit --resend`)
 *   sending, its process dead --recover--> unknown  (done by tdk_journal_open)
 *
 * Durability: SQLite in WAL mode with synchronous=FULL, or PostgreSQL with
 * synchronous_commit on; every function that writes returns only after its
 * transaction has committed, so a caller sends its first byte after
 * tdk_journal_begin() returned and reports an answer after
 * tdk_journal_answer() returned.
 *
 * Once and only once: a second table holds one claim per (endpoint,
 * sha256) under a UNIQUE constraint (its primary key).  Every writing
 * transaction first takes the journal's one write lock: in SQLite BEGIN
 * IMMEDIATE; in PostgreSQL LOCK TABLE rows IN EXCLUSIVE MODE, which
 * excludes every other writer and lets readers read.  So reading the claim
 * and writing the sending row are one step that no other process, on this
 * host or another, can interleave: of two processes beginning the same
 * document for the same endpoint, exactly one gets TDK_JOURNAL_MINE and the
 * other TDK_JOURNAL_HELD with the recorded submission.  A row lock on the
 * claim (SELECT ... FOR UPDATE) would not be enough in PostgreSQL: a claim
 * that does not exist yet cannot be locked, and the chain needs the rows
 * appended one at a time anyway (each row's prev is the hash of the one
 * before, its seq the next number); SERIALIZABLE would give the same order
 * by failing one of two writers, which would then have to retry.  The
 * table lock orders them by waiting (at most TDK_JOURNAL_BUSY_MS, then
 * JOURNAL-BUSY) and, in READ COMMITTED, each statement after it sees what
 * the writer before committed.  The UNIQUE constraint catches any path that
 * forgets the lock.  Writes are short (a few rows), so the lock is held
 * for milliseconds, not for a send.
 *
 * The two backends hold the same tables and the same rows: a row's hash is
 * computed from its fields as text (below), never by the database, so it
 * is the same whichever backend holds it, and an export of one verifies
 * as the other.
 *
 * Tamper evidence: each row carries prev (the hash of the row before it,
 * 64 zeros for row 1) and hash, the SHA-256 of the row's canonical
 * encoding: the bytes "tdk-journal-1\n", then each field in the order of
 * struct tdk_journal_row, each as its length in decimal, ':', its bytes
 * and ',' (a netstring), an absent value as "-,", numbers in decimal,
 * prev last.  Changing a row breaks its hash; removing or reordering a row
 * breaks its successor's prev (and the sequence).  A cut tail leaves a valid
 * chain, so after each append the journal writes the head (the last row's
 * sequence number and hash, "SEQ HASH\n") atomically to a file outside the
 * database: beside a file journal, named like it with ".head" appended; for
 * a PostgreSQL journal in this host's state folder,
 * $XDG_STATE_HOME/tdk/journal-pg-H.head (else under ~/.local/state), H the
 * first 16 hex digits of the SHA-256 of the URL without its password, so
 * that each host keeps its own witness of the shared journal.
 * tdk_journal_verify() checks the chain against it, or against a head the
 * caller kept elsewhere.  The head is written after the commit, so after a
 * crash, or when two writers race, it may name an earlier row than the
 * last: an earlier head is still checked (its row must be there with its
 * hash), never a false alarm.  It is replaced by a rename and not synced
 * (the rows are; a sync per commit would double the journal's cost): a
 * crash leaves an older head, the new one, or, on a file system that does
 * not write a file's data before the rename that replaces another (ext4
 * does; XFS may not), an empty or short file, which verify reports as
 * JOURNAL-HEAD (an error, never a pass nor a false JOURNAL-TAMPERED) until
 * the next write rewrites it.  A head never names a row that is not
 * committed.
 *
 * Recovery across hosts: the sending row names its process as
 * "pid@host start".  Opened for writing, the journal turns into unknown
 * only the sending rows of this host (same host name) whose process has
 * ended; a process on another host cannot be seen from here, so its row is
 * left sending until the journal is opened on that host (or a person
 * resends it).  Hosts that share a PostgreSQL journal must have distinct
 * host names.
 *
 * A PostgreSQL journal is opened with libpq from the URL as given
 * (postgresql:// or postgres://, with libpq's parameters).  The password
 * is the user's business and never asked: libpq reads it from the URL
 * (tdk_journal_open() then warns, JOURNAL-PASSWORD), else from PGPASSFILE
 * or ~/.pgpass, a service file, or needs none on a Unix socket with peer
 * authentication.  Messages name the URL without its password
 * (tdk_journal_name()).
 *
 * Group commit: a handle may be shared by the threads of one process (tdk
 * submit -j N shares one between its workers).  Its writes (begin, answer,
 * requeue, resend, notify) wait in one queue; the first caller that finds
 * no group being committed takes every write waiting at that moment (at
 * most 64), in the order they came, and runs them in ONE transaction under
 * the write lock (BEGIN IMMEDIATE; LOCK TABLE in PostgreSQL), each under a
 * savepoint of its own and appending its rows one at a time, so the chain,
 * the claim rule and every result are as if each had its own transaction;
 * one commit (one sync) and one head file follow, and each caller is
 * woken with its own result (MINE, HELD, its row, its error).  A caller
 * returns only after the commit that holds its row: "sending" is durable
 * before the first byte, the answer before it is reported.  Of two threads
 * beginning one document in one group, the later finds the earlier's
 * sending row (HELD).  A write that fails or finds its document held rolls
 * back to its savepoint and leaves the others' rows alone; a commit that
 * fails fails every write of the group (a HELD in it included), and a head
 * that cannot be written is reported to every write whose rows stand.  The
 * readers take the connection between groups.  Threads of one process
 * cost one sync per group instead of one per write; processes (and hosts)
 * still order themselves by the write lock.
 *
 * Ownership: a struct tdk_journal is owned by its opener and freed with
 * tdk_journal_free() once no thread uses it.  Strings passed in are
 * borrowed for the call; a struct tdk_journal_row filled by a function owns
 * its strings until tdk_journal_row_release().  Functions return 0 or an
 * exit code of util/exitcode.h (TDK_EXIT_IO for a journal that cannot be
 * read or written, TDK_EXIT_USAGE for a call out of order, TDK_EXIT_INTERNAL
 * for memory), with a diagnostic in d, except where said otherwise.  The
 * head file is written after the commit: when that fails the row is
 * recorded all the same and the call returns TDK_EXIT_IO (JOURNAL-HEAD), so
 * a caller that then does not send leaves a "sending" row that its exit
 * turns into "unknown", the side that never sends twice.
 */
#ifndef TDK_NET_JOURNAL_H
#define TDK_NET_JOURNAL_H

#include <stdint.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

/* A server's answer body is kept up to this size (its SHA-256 always). */
#define TDK_JOURNAL_BODY_MAX (64u * 1024u)
/* How long a write waits for another process's transaction, in milliseconds. */
#define TDK_JOURNAL_BUSY_MS 30000
/* The longest text field accepted (endpoint, name, LRN, ids, outcome, detail, headers). */
#define TDK_JOURNAL_FIELD_MAX 8192
/* The length of a hash in hex and of the head line. */
#define TDK_JOURNAL_HASH_HEX 64

/* Returned by tdk_journal_begin() and tdk_journal_find() beside 0 and the exit codes. */
#define TDK_JOURNAL_MINE 0     /* the caller holds the submission, now "sending" */
#define TDK_JOURNAL_HELD 100   /* the journal already holds the document: row is its last row */
#define TDK_JOURNAL_NONE 101   /* no such submission */
#define TDK_JOURNAL_SENDING 102 /* tdk_journal_notify(): the submission is being sent; nothing written */

/* One row as stored and hashed, in the order of the canonical encoding. */
struct tdk_journal_row {
	int64_t seq;             /* 1, 2, 3 ... */
	int64_t sub;             /* the submission: the seq of its first row */
	char *kind;              /* begin, send, answer, requeue, resend, recover, notify */
	char *time;              /* UTC, "2026-12-02T11:30:00.123Z" */
	char *endpoint;          /* the endpoint's name */
	char *profile;           /* rest, as4 or as2 */
	char *sha256;            /* the document's SHA-256, 64 lowercase hex digits */
	char *name;              /* the document's file name as given */
	char *lrn;               /* the LRN or the profile's reference; may be NULL */
	char *state;             /* queued, sending, accepted, rejected, unknown, final; unmatched */
	char *conversation_id;   /* may be NULL, as every field below */
	char *receipt_id;
	char *message_id;        /* AS4 and AS2; a notify row: the notification's id */
	char *outcome;           /* accepted, rejected, cleared, documents-required ... */
	int64_t http_status;     /* 0: no answer in this row */
	char *headers;           /* the headers that matter, "Name: value" lines */
	char *body_sha256;       /* the SHA-256 of the answer's whole body */
	char *body;              /* the body, up to TDK_JOURNAL_BODY_MAX */
	char *detail;            /* errors, a reason, the process that sends ("pid@host") */
	char *prev;              /* the previous row's hash */
	char *hash;              /* this row's hash */
};

/* Frees the strings of a row filled by this module and zeroes it. */
void tdk_journal_row_release(struct tdk_journal_row *r);

/*
 * The document a submission sends.  message_id (may be NULL) is the
 * profile's message id, fixed before the first send: AS4's eb:MessageId,
 * AS2's Message-ID.  The begin row keeps it and every later row of the
 * submission carries it, so that a resend reuses it.
 */
struct tdk_journal_doc {
	const char *endpoint, *profile, *sha256, *name, *lrn, *message_id;
};

/* A server's answer to a send, for tdk_journal_answer(); any field may be NULL or 0. */
struct tdk_journal_answer {
	const char *state;            /* accepted, rejected or unknown */
	int http_status;
	const char *conversation_id, *receipt_id, *message_id;
	const char *headers;          /* the headers that matter, "Name: value" lines */
	const void *body;             /* the whole body (its SHA-256 is recorded), and kept up to the max */
	size_t body_len;
	const char *detail;           /* the errors of a rejection, the reason of an unknown */
};

/* A notification from the server, for tdk_journal_notify(). */
struct tdk_journal_note {
	const char *endpoint;         /* where it was pulled from */
	const char *conversation_id;  /* matched first */
	const char *lrn;              /* matched when the conversation id finds nothing */
	const char *outcome;          /* accepted, rejected, cleared, documents-required ...; "malformed" */
	int final;                    /* the outcome ends the submission */
	const void *body;             /* the notification as received */
	size_t body_len;
	const char *detail;           /* the MRN, what is wrong with a malformed one */
	const char *id;               /* the server's id of the notification (kept as message_id), or NULL */
	int keep_unmatched;           /* keep one that matches nothing as a row of its own */
};

struct tdk_journal;

/* Open for reading only: no write, no recovery (verify, export, head). */
#define TDK_JOURNAL_RDONLY 1u

/*
 * The journal's default place: $TDK_JOURNAL (a path or a postgresql:// URL), else $XDG_STATE_HOME/tdk/journal.db,
 * else ~/.local/state/tdk/journal.db.  Appends it to out (reset first).
 * Returns 0, or -1 when neither XDG_STATE_HOME nor HOME is set or out cannot grow.
 */
int tdk_journal_default_path(struct tdk_buf *out);

/*
 * Opens the journal at where (a file path, a postgresql:// or postgres://
 * URL; NULL for the default path), creating it (a file with mode 0600, and
 * its folder with 0700; the tables in a PostgreSQL database) when it does
 * not exist and flags do not say TDK_JOURNAL_RDONLY.  A file or database
 * that is not a journal (not SQLite, another schema, corrupt) is
 * TDK_EXIT_IO with JOURNAL-CORRUPT; one that cannot be opened, reached or
 * created TDK_EXIT_IO with JOURNAL-OPEN.  Opened for writing, it recovers:
 * each submission in "sending" whose process (recorded as pid@host with
 * the process's start time) has ended on this host becomes "unknown" (kind
 * recover).
 */
int tdk_journal_open(struct tdk_journal **jp, const char *where, unsigned flags, struct tdk_diag *d);

/*
 * The name of the journal at where for messages: where itself, but a URL
 * without its password.  Into out (reset first, NUL-terminated); returns 0
 * or -1 when out cannot grow.
 */
int tdk_journal_name(const char *where, struct tdk_buf *out);

/* Closes and frees the journal; NULL is allowed. */
void tdk_journal_free(struct tdk_journal *j);

/* The name of the journal (its path, or its URL without the password) and its head file; borrowed from j. */
const char *tdk_journal_path(const struct tdk_journal *j);
const char *tdk_journal_head_path(const struct tdk_journal *j);

/*
 * The last row of the submission of doc->endpoint and doc->sha256 into row
 * (the caller releases it).  Returns TDK_JOURNAL_HELD when found,
 * TDK_JOURNAL_NONE when not, or an exit code.
 */
int tdk_journal_find(struct tdk_journal *j, const char *endpoint, const char *sha256, struct tdk_journal_row *row,
		     struct tdk_diag *d);

/*
 * The last row of submission id (a sequence number of any of its rows), or
 * of the submission whose document has that SHA-256 (on any endpoint: the
 * most recent).  Same returns as tdk_journal_find().
 */
int tdk_journal_get(struct tdk_journal *j, const char *id_or_sha256, struct tdk_journal_row *row,
		    struct tdk_diag *d);

/*
 * The last row of the submission of profile ("as2", "as4") whose message
 * id (struct tdk_journal_doc.message_id) is message_id, on any endpoint:
 * how a receipt that names only the message it answers finds its
 * submission.  Same returns as tdk_journal_find().
 */
int tdk_journal_by_message(struct tdk_journal *j, const char *profile, const char *message_id,
			   struct tdk_journal_row *row, struct tdk_diag *d);

/*
 * Claims doc for sending, in one transaction under the write lock: a document the
 * journal does not hold is recorded queued and then sending; one held in
 * state queued (it certainly never arrived) moves to sending.  Returns
 * TDK_JOURNAL_MINE with row the durable "sending" row: the caller may send.
 * Returns TDK_JOURNAL_HELD when the journal holds the document in any other
 * state (another process sends it, or it was sent): row is its last row and
 * nothing may be sent.  Or an exit code.  row is the caller's to release.
 */
int tdk_journal_begin(struct tdk_journal *j, const struct tdk_journal_doc *doc, struct tdk_journal_row *row,
		      struct tdk_diag *d);

/*
 * Records the answer to submission sub, which must be "sending" by this
 * process (begun or resent through a handle of this process): state
 * accepted (with its conversation id), rejected (detail: the errors) or
 * unknown (detail: why).  Durable on return; row (may be NULL) gets the new
 * last row.
 */
int tdk_journal_answer(struct tdk_journal *j, int64_t sub, const struct tdk_journal_answer *a,
		       struct tdk_journal_row *row, struct tdk_diag *d);

/*
 * sending (by this process) -> queued: the request certainly did not reach
 * the server (refused, DNS); reason in detail.
 */
int tdk_journal_requeue(struct tdk_journal *j, int64_t sub, const char *reason, struct tdk_diag *d);

/*
 * The explicit resend: any state but sending -> sending, kind resend, with
 * reason; row gets the new sending row.  Only on a person's request.
 */
int tdk_journal_resend(struct tdk_journal *j, int64_t sub, const char *reason, struct tdk_journal_row *row,
		       struct tdk_diag *d);

/*
 * Records a notification: it is matched to the submission of note->endpoint
 * with that conversation id, else with that LRN (most recent first:
 * tdk_journal_match()), and appended as a notify row with note->id as its
 * message_id.  The submission's outcome changes only when the
 * notification's outcome ranks above the one recorded (lib/net/notify.h:
 * tdk_notify_rank(); an answer's rejection ranks as a rejection, unknown
 * as nothing), so that a late notification of an earlier step (out of
 * order) or a duplicate changes nothing, and a "malformed" one (rank 0)
 * never does.  A submission still sending (its answer not recorded yet)
 * takes no notification: TDK_JOURNAL_SENDING, nothing written, so that the
 * sender records its answer; the caller leaves the notification for a
 * later run (it stays on the server's pulled list).  A changed
 * outcome makes the state final when note->final, else accepted (an
 * unknown that the server answered is thereby settled).  A notification
 * whose id the journal holds already for the endpoint (fetched twice) is
 * not written again: TDK_JOURNAL_HELD.  One that matches nothing is, with
 * note->keep_unmatched, kept as a row that starts a submission of its own
 * in state unmatched (name "notification ID", sha256 that of the body),
 * which no later notification matches; without it nothing is written (the
 * caller keeps the notification).  *sub gets the submission (may be NULL).
 * Returns 0, TDK_JOURNAL_HELD, TDK_JOURNAL_NONE (nothing matched),
 * TDK_JOURNAL_SENDING, or an exit code.  A notification without a conversation id and an LRN needs
 * keep_unmatched (else TDK_EXIT_USAGE).
 */
int tdk_journal_notify(struct tdk_journal *j, const struct tdk_journal_note *note, int64_t *sub,
		       struct tdk_diag *d);

/*
 * The last row of the submission of endpoint with conversation id conv,
 * else with that LRN (most recent first; either may be NULL), rows of
 * unmatched notifications left out.  Returns as tdk_journal_find().
 */
int tdk_journal_match(struct tdk_journal *j, const char *endpoint, const char *conv, const char *lrn,
		      struct tdk_journal_row *row, struct tdk_diag *d);

/*
 * The notify row that recorded the notification id of endpoint, into row.
 * Returns TDK_JOURNAL_HELD when the journal holds it, TDK_JOURNAL_NONE, or
 * an exit code.
 */
int tdk_journal_noted(struct tdk_journal *j, const char *endpoint, const char *id, struct tdk_journal_row *row,
		      struct tdk_diag *d);

/* Which submissions tdk_journal_each() visits. */
struct tdk_journal_filter {
	const char *endpoint;  /* only this endpoint; NULL: all */
	const char *state;     /* only this current state ("unknown" lists what a person must decide) */
};

/*
 * Calls fn with the last row of each submission the filter selects, in the
 * order they began; stops when fn returns non-zero and returns that value.
 */
int tdk_journal_each(struct tdk_journal *j, const struct tdk_journal_filter *f,
		     int (*fn)(void *arg, const struct tdk_journal_row *row), void *arg, struct tdk_diag *d);

/* Calls fn with every row in sequence (export); same returns as tdk_journal_each(). */
int tdk_journal_rows(struct tdk_journal *j, int (*fn)(void *arg, const struct tdk_journal_row *row), void *arg,
		     struct tdk_diag *d);

/*
 * Recomputes the chain.  head is "SEQ HASH" or just "HASH" kept outside the
 * journal, or NULL to read the head file (no file: the chain alone is
 * checked, and a note says so).  Returns 0 when intact; 1
 * (TDK_EXIT_NEGATIVE) with *bad the first row that does not match and a
 * JOURNAL-TAMPERED diagnostic naming it (a cut tail: *bad is the head's
 * row); or an exit code.  *rows gets the number of rows checked.
 */
int tdk_journal_verify(struct tdk_journal *j, const char *head, int64_t *bad, int64_t *rows, struct tdk_diag *d);

/* The current head, "SEQ HASH" (no newline), into out (reset first); "0 " and 64 zeros when empty. */
int tdk_journal_head(struct tdk_journal *j, struct tdk_buf *out, struct tdk_diag *d);

/* The SHA-256 of n bytes at p as 64 lowercase hex digits into hex[65]; returns 0 or -1. */
int tdk_journal_sha256_hex(const void *p, size_t n, char hex[TDK_JOURNAL_HASH_HEX + 1]);

/* The canonical encoding's hash of r (r->hash is not read) as 64 hex digits into hex[65]. */
int tdk_journal_row_hash(const struct tdk_journal_row *r, char hex[TDK_JOURNAL_HASH_HEX + 1]);

#endif
