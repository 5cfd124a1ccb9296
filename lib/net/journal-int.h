/*
 * Inside the journal (lib/net/journal*.c): the handle, the SQL helpers and
 * the append step that every writing function shares.  Not for callers.
 */
#ifndef TDK_NET_JOURNAL_INT_H
#define TDK_NET_JOURNAL_INT_H

#include <sqlite3.h>

#include "net/journal.h"

struct tdk_journal {
	sqlite3 *db;
	char *path, *head_path;
	unsigned flags;
	char self[160];   /* this process as the sending row names it: "pid@host start" */
};

/* The columns of a row in the order of struct tdk_journal_row, for SELECT. */
#define JOURNAL_COLS "seq, sub, kind, time, endpoint, profile, sha256, name, lrn, state, conversation_id, " \
	"receipt_id, message_id, outcome, http_status, headers, body_sha256, body, detail, prev, hash"

/* Reports the database's last error on d with code and a lead-in; returns the exit code (3 or 70). */
int journal_fail(struct tdk_journal *j, struct tdk_diag *d, const char *what);

/* Runs sql (no result rows); returns 0 or journal_fail's code. */
int journal_exec(struct tdk_journal *j, const char *sql, struct tdk_diag *d);

/* Prepares sql into *st; returns 0 or journal_fail's code. */
int journal_prepare(struct tdk_journal *j, const char *sql, sqlite3_stmt **st, struct tdk_diag *d);

/* Copies the current result row of st (selected with JOURNAL_COLS) into r; returns 0 or -1 (memory). */
int journal_read_row(sqlite3_stmt *st, struct tdk_journal_row *r);

/*
 * The last row of a submission selected by sql with its text parameters a
 * and b (b may be NULL): TDK_JOURNAL_HELD with row filled, TDK_JOURNAL_NONE,
 * or an exit code.
 */
int journal_last(struct tdk_journal *j, const char *sql, const char *a, const char *b, struct tdk_journal_row *row,
		 struct tdk_diag *d);

/* Replaces *field with a copy of v (NULL allowed); returns 0 or -1. */
int journal_set(char **field, const char *v);

/*
 * Inside an open write transaction: numbers r after the last row, chains it
 * (prev, hash), stamps its time and inserts it; r->sub 0 means r starts a
 * submission.  Returns 0 or an exit code.
 */
int journal_append(struct tdk_journal *j, struct tdk_journal_row *r, struct tdk_diag *d);

/* BEGIN IMMEDIATE, and COMMIT followed by the head file; ROLLBACK. */
int journal_begin_tx(struct tdk_journal *j, struct tdk_diag *d);
int journal_commit(struct tdk_journal *j, struct tdk_diag *d);
void journal_rollback(struct tdk_journal *j);

/* Whether the sending process named by detail ("pid@host start") has ended on this host. */
int journal_sender_gone(const struct tdk_journal *j, const char *detail);

/* Fills j->self for this process. */
void journal_self(struct tdk_journal *j);

#endif
