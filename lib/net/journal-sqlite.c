/*
 * The journal's SQLite backend (journal-int.h): the file 0600 in a folder
 * 0700, WAL, synchronous=FULL, a busy timeout, BEGIN IMMEDIATE to order the
 * writers, and the schema.  journal.h says what the journal promises.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/journal-int.h"
#include "util/exitcode.h"

static const char schema[] = JOURNAL_SCHEMA("INTEGER");

/* Reports the database's last error on d with a lead-in; returns the exit code (3 or 70). */
static int fail(struct tdk_journal *j, struct tdk_diag *d, const char *what)
{
	sqlite3 *db = j->db;
	int e = db ? sqlite3_extended_errcode(db) & 0xff : SQLITE_CANTOPEN;
	const char *msg = db ? sqlite3_errmsg(db) : "cannot open";

	if (e == SQLITE_NOMEM) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-MEMORY", NULL, "%s: out of memory", what);
		return TDK_EXIT_INTERNAL;
	}
	if (e == SQLITE_CORRUPT || e == SQLITE_NOTADB)
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL,
			     "%s: the file is not a tdk journal or is damaged (%s)", what, msg);
	else if (e == SQLITE_BUSY || e == SQLITE_LOCKED)
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-BUSY", NULL,
			     "%s: another process held the journal for %d s (%s)", what, TDK_JOURNAL_BUSY_MS / 1000, msg);
	else
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-IO", NULL, "%s: %s", what, msg);
	return TDK_EXIT_IO;
}

/* Prepares sql and binds its n text parameters (NULL: SQL NULL). */
static int prepare(struct tdk_journal *j, const char *sql, const char *const *p, int n, sqlite3_stmt **st,
		   struct tdk_diag *d)
{
	int i;

	if (sqlite3_prepare_v2(j->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return fail(j, d, "cannot read the journal");
	}
	for (i = 0; i < n; i++)
		if (p[i])
			sqlite3_bind_text(*st, i + 1, p[i], -1, SQLITE_STATIC);
	return 0;
}

static int sq_exec(struct tdk_journal *j, const char *sql, const char *const *p, int n, struct tdk_diag *d)
{
	sqlite3_stmt *st;
	int r, s;

	if (!n)
		return sqlite3_exec(j->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(j, d, "cannot use the journal");
	if ((r = prepare(j, sql, p, n, &st, d)))
		return r;
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : fail(j, d, "cannot write the journal");
}

static int sq_query(struct tdk_journal *j, const char *sql, const char *const *p, int n, journal_cols_fn fn,
		    void *arg, struct tdk_diag *d)
{
	const char *v[JOURNAL_NCOLS];
	sqlite3_stmt *st;
	int r, s, c, nc;

	if ((r = prepare(j, sql, p, n, &st, d)))
		return r;
	nc = sqlite3_column_count(st);
	if (nc > JOURNAL_NCOLS)
		nc = JOURNAL_NCOLS;
	while (!r && (s = sqlite3_step(st)) == SQLITE_ROW) {
		for (c = 0; c < nc; c++)
			v[c] = (const char *)sqlite3_column_text(st, c);
		r = fn(arg, nc, v);
	}
	if (!r && s != SQLITE_DONE)
		r = fail(j, d, "cannot read the journal");
	sqlite3_finalize(st);
	return r;
}

static int sq_begin(struct tdk_journal *j, struct tdk_diag *d)
{
	return sq_exec(j, "BEGIN IMMEDIATE", NULL, 0, d);
}

static void sq_rollback(struct tdk_journal *j)
{
	if (!sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

static void sq_close(struct tdk_journal *j)
{
	sqlite3_close(j->db);
	j->db = NULL;
}

/* Makes the file and its folders when missing (0600 in 0700): open with O_CREAT sets the mode. */
static int create_file(const char *path, struct tdk_diag *d)
{
	int fd;

	if (journal_make_folders(path) < 0 || (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL, "cannot create the journal: %s", strerror(errno));
		return TDK_EXIT_IO;
	}
	close(fd);
	return 0;
}

/* The number of objects in the database, or -1. */
static int objects(struct tdk_journal *j)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(j->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A new journal gets the schema; two processes creating it at once are ordered by BEGIN IMMEDIATE. */
static int make_schema(struct tdk_journal *j, struct tdk_diag *d)
{
	int r, n;

	if ((r = sq_begin(j, d)))
		return r;
	if ((n = objects(j)) < 0) {
		r = fail(j, d, "cannot read the journal");
		sq_rollback(j);
		return r;
	}
	if (n == 0 && (r = sq_exec(j, schema, NULL, 0, d))) {
		sq_rollback(j);
		return r;
	}
	return sq_exec(j, "COMMIT", NULL, 0, d);
}

/* The schema: made on a new journal, checked on an old one. */
static int check_schema(struct tdk_journal *j, struct tdk_diag *d)
{
	sqlite3_stmt *st;
	const char *v;
	int r, n;

	if ((n = objects(j)) < 0)
		return fail(j, d, "cannot read the journal");
	if (n == 0 && (j->flags & TDK_JOURNAL_RDONLY)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL, "the journal is empty: nothing was ever recorded");
		return TDK_EXIT_IO;
	}
	if (n == 0 && (r = make_schema(j, d)))
		return r;
	if (sqlite3_prepare_v2(j->db, "SELECT value FROM meta WHERE key = 'format'", -1, &st, NULL) != SQLITE_OK) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL, "the file is an SQLite database but not a tdk journal");
		return TDK_EXIT_IO;
	}
	v = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	r = v && !strcmp(v, JOURNAL_FORMAT) ? 0 : TDK_EXIT_IO;
	if (r)
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL, "the journal's format is '%s', not " JOURNAL_FORMAT,
			     v ? v : "missing");
	sqlite3_finalize(st);
	return r;
}

/*
 * WAL mode.  Two processes making a new journal at once may find each
 * other's lock when the mode changes, which SQLite answers with
 * SQLITE_BUSY at once (its busy handler would deadlock them): tried again
 * until TDK_JOURNAL_BUSY_MS.
 */
static int set_wal(struct tdk_journal *j, struct tdk_diag *d)
{
	int rc, waited;

	for (waited = 0;; waited += 5) {
		rc = sqlite3_exec(j->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= TDK_JOURNAL_BUSY_MS)
			break;
		sqlite3_sleep(5);
	}
	return rc == SQLITE_OK ? 0 : fail(j, d, "cannot use the journal");
}

static int sq_open(struct tdk_journal *j, const char *where, struct tdk_diag *d)
{
	int ro = j->flags & TDK_JOURNAL_RDONLY, r;
	struct stat sb;
	sqlite3 *db = NULL;

	if (ro && stat(where, &sb) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL, "cannot open the journal: %s", strerror(errno));
		return TDK_EXIT_IO;
	}
	if (!ro && (r = create_file(where, d)))
		return r;
	r = sqlite3_open_v2(where, &db, ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
	j->db = db;
	if (r != SQLITE_OK)
		return fail(j, d, "cannot open the journal");
	sqlite3_busy_timeout(db, TDK_JOURNAL_BUSY_MS);
	if (!ro && (r = set_wal(j, d)))
		return r;
	if ((r = sq_exec(j, "PRAGMA synchronous=FULL", NULL, 0, d)))
		return r;
	return check_schema(j, d);
}

static int sq_in_tx(struct tdk_journal *j)
{
	return !sqlite3_get_autocommit(j->db);
}

const struct journal_ops journal_sqlite_ops = { sq_open, sq_exec, sq_query, sq_begin, sq_rollback, sq_close,
						sq_in_tx };
