/*
 * Inside the journal (lib/net/journal*.c): the handle, the seam between the
 * journal's rules and its two backends (journal-sqlite.c, journal-pg.c),
 * and the helpers every writing function shares.  Not for callers.
 *
 * The seam: a backend runs SQL with text parameters written ?1, ?2 ...
 * (journal-pg.c turns them into $1, $2), each value a string or NULL for
 * SQL NULL, and hands result rows back as arrays of strings.  The SQL the
 * rules send is the subset both SQLite and PostgreSQL read alike.
 */
#ifndef TDK_NET_JOURNAL_INT_H
#define TDK_NET_JOURNAL_INT_H

#include <pthread.h>

#include "net/journal.h"

struct tdk_journal;

/* Called with each result row: its n values (NULL for SQL NULL); non-zero stops the query and is returned. */
typedef int (*journal_cols_fn)(void *arg, int n, const char *const *v);

/* A backend: every function reports its own failure on d and returns an exit code. */
struct journal_ops {
	/* Opens where (already told apart by scheme) into j->db and checks or makes the schema. */
	int (*open)(struct tdk_journal *j, const char *where, struct tdk_diag *d);
	/* Runs sql with n text parameters (n 0: sql may hold several statements). */
	int (*exec)(struct tdk_journal *j, const char *sql, const char *const *p, int n, struct tdk_diag *d);
	/* Runs a SELECT, calling fn with each row; returns 0, fn's non-zero, or an exit code. */
	int (*query)(struct tdk_journal *j, const char *sql, const char *const *p, int n, journal_cols_fn fn,
		     void *arg, struct tdk_diag *d);
	/* Opens the writing transaction that orders every writer (journal.h says how). */
	int (*begin)(struct tdk_journal *j, struct tdk_diag *d);
	/* Rolls back the open transaction, if any; never fails. */
	void (*rollback)(struct tdk_journal *j);
	/* Closes j->db. */
	void (*close)(struct tdk_journal *j);
	/* Whether a transaction is open (an error may have ended it). */
	int (*in_tx)(struct tdk_journal *j);
};

extern const struct journal_ops journal_sqlite_ops;
extern const struct journal_ops journal_pg_ops;

struct tdk_journal {
	const struct journal_ops *ops;
	void *db;          /* the backend's connection */
	char *path;        /* the file, or the URL without its password */
	char *head_path;
	unsigned flags;
	char self[160];    /* this process as the sending row names it: "pid@host start" */
	/* Sharing between threads (journal-group.c). */
	pthread_mutex_t db_mu;     /* recursive: the connection serves one thread at a time */
	pthread_mutex_t mu;        /* the queue and committing */
	pthread_cond_t cv;         /* a group was committed */
	struct step *queue, **tail;
	int committing, synced;
};

/*
 * A write step, run by journal_write() inside the open transaction: returns
 * the caller's result; *keep (preset -1: keep when the result is 0) says
 * whether its rows are committed (1) or rolled back (0).
 */
typedef int (*journal_step_fn)(struct tdk_journal *j, void *arg, int *keep, struct tdk_diag *d);

/*
 * Runs fn(arg) in a transaction under the write lock, grouped with the
 * steps other threads hand to j at the same moment (journal.h), and returns
 * after its transaction committed and the head was written: fn's result,
 * or the exit code of a begin or commit that failed; fn's diagnostics, and
 * the group's, go to d.
 */
int journal_write(struct tdk_journal *j, journal_step_fn fn, void *arg, struct tdk_diag *d);

/* j->ops->query with the connection held (db_mu). */
int journal_query(struct tdk_journal *j, const char *sql, const char *const *p, int n, journal_cols_fn fn,
		  void *arg, struct tdk_diag *d);

/* Sets up and releases the members that sharing needs; init returns 0 or -1. */
int journal_sync_init(struct tdk_journal *j);
void journal_sync_release(struct tdk_journal *j);

/* Writes the head file (journal.h) from the last committed row; 0 or an exit code (JOURNAL-HEAD). */
int journal_write_head(struct tdk_journal *j, struct tdk_diag *d);

/* The columns of a row in the order of struct tdk_journal_row, for SELECT. */
#define JOURNAL_COLS "seq, sub, kind, time, endpoint, profile, sha256, name, lrn, state, conversation_id, " \
	"receipt_id, message_id, outcome, http_status, headers, body_sha256, body, detail, prev, hash"
/* The number of JOURNAL_COLS. */
#define JOURNAL_NCOLS 21
/* The journal's format, kept in its meta table. */
#define JOURNAL_FORMAT "tdk-journal-1"

/*
 * The tables of both backends, one text so that they cannot drift: I is
 * the type of the whole numbers ("INTEGER" in SQLite, where "seq INTEGER
 * PRIMARY KEY" is the rowid; "BIGINT" in PostgreSQL).
 */
#define JOURNAL_SCHEMA(I) \
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);" \
	"CREATE TABLE rows(seq " I " PRIMARY KEY, sub " I " NOT NULL, kind TEXT NOT NULL, time TEXT NOT NULL," \
	" endpoint TEXT NOT NULL, profile TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT, lrn TEXT," \
	" state TEXT NOT NULL, conversation_id TEXT, receipt_id TEXT, message_id TEXT, outcome TEXT," \
	" http_status " I " NOT NULL DEFAULT 0, headers TEXT, body_sha256 TEXT, body TEXT, detail TEXT," \
	" prev TEXT NOT NULL, hash TEXT NOT NULL);" \
	"CREATE TABLE claims(endpoint TEXT NOT NULL, sha256 TEXT NOT NULL, sub " I " NOT NULL," \
	" PRIMARY KEY(endpoint, sha256));" \
	"CREATE INDEX rows_sub ON rows(sub, seq);" \
	"CREATE INDEX rows_conv ON rows(endpoint, conversation_id);" \
	"CREATE INDEX rows_lrn ON rows(endpoint, lrn);" \
	"CREATE INDEX rows_msg ON rows(endpoint, message_id);" \
	"INSERT INTO meta VALUES('format', '" JOURNAL_FORMAT "');"

/* Runs sql (no result rows, no parameter); returns 0 or an exit code. */
int journal_exec(struct tdk_journal *j, const char *sql, struct tdk_diag *d);

/* Copies values selected with JOURNAL_COLS into r; returns 0 or -1 (memory, a short row). */
int journal_read_row(int n, const char *const *v, struct tdk_journal_row *r);

/*
 * The last row of a submission selected by sql with its text parameters a
 * and b (b may be NULL): TDK_JOURNAL_HELD with row filled, TDK_JOURNAL_NONE,
 * or an exit code.
 */
int journal_last(struct tdk_journal *j, const char *sql, const char *a, const char *b, struct tdk_journal_row *row,
		 struct tdk_diag *d);

/*
 * Calls fn with each row that sql (selecting JOURNAL_COLS, with n text
 * parameters p) returns; same returns as tdk_journal_each().
 */
int journal_walk(struct tdk_journal *j, const char *sql, const char *const *p, int n,
		 int (*fn)(void *arg, const struct tdk_journal_row *row), void *arg, struct tdk_diag *d);

/* The last row's sequence number (0 when empty) and hash (64 zeros when empty); 0 or an exit code. */
int journal_tail(struct tdk_journal *j, int64_t *seq, char hash[TDK_JOURNAL_HASH_HEX + 1], struct tdk_diag *d);

/* Replaces *field with a copy of v (NULL allowed); returns 0 or -1. */
int journal_set(char **field, const char *v);

/*
 * Inside an open write transaction: numbers r after the last row, chains it
 * (prev, hash), stamps its time and inserts it; r->sub 0 means r starts a
 * submission.  Returns 0 or an exit code.
 */
int journal_append(struct tdk_journal *j, struct tdk_journal_row *r, struct tdk_diag *d);

/* The backend's writing transaction; COMMIT followed by the head file; ROLLBACK. */
int journal_begin_tx(struct tdk_journal *j, struct tdk_diag *d);
int journal_commit(struct tdk_journal *j, struct tdk_diag *d);
void journal_rollback(struct tdk_journal *j);

/* Whether the sending process named by detail ("pid@host start") has ended on this host. */
int journal_sender_gone(const struct tdk_journal *j, const char *detail);

/* Fills j->self for this process. */
void journal_self(struct tdk_journal *j);

/* Creates the folders on the way to path's file, each 0700; returns 0 or -1 (errno set). */
int journal_make_folders(const char *path);

#endif
