/*
 * The journal's PostgreSQL backend (journal-int.h), on libpq, for several
 * hosts that share one submission queue: the same tables as the SQLite
 * journal, every writing transaction opened with LOCK TABLE rows IN
 * EXCLUSIVE MODE (journal.h says why), synchronous_commit on, a lock
 * timeout of TDK_JOURNAL_BUSY_MS, and results read one row at a time so
 * that a long export stays in bounded memory.  libpq finds the password in
 * the URL, PGPASSFILE or ~/.pgpass, a service file, or needs none on a
 * socket; this file never asks for one.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/journal-int.h"
#include "util/exitcode.h"

/* Taken by the process that looks for the schema and makes it (pg_advisory_xact_lock). */
#define SCHEMA_LOCK "7630146893216731"

static const char schema[] = JOURNAL_SCHEMA("BIGINT");

/* libpq's notices (a NOTICE from the server) would go to stderr: the library never prints. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Reports a failed result (res may be NULL) on d; returns the exit code. */
static int fail(struct tdk_journal *j, const PGresult *res, struct tdk_diag *d, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(j->db);
	int n = (int)strcspn(msg, "\n");

	if (!res && PQstatus(j->db) == CONNECTION_OK) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-MEMORY", NULL, "%s: out of memory", what);
		return TDK_EXIT_INTERNAL;
	}
	if (state && (!strcmp(state, "55P03") || !strcmp(state, "40P01") || !strcmp(state, "57014")))
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-BUSY", NULL,
			     "%s: another process held the journal for %d s (%.*s)", what, TDK_JOURNAL_BUSY_MS / 1000, n,
			     msg);
	else if (state && (!strcmp(state, "42P01") || !strcmp(state, "42703")))
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL, "%s: the database is not a tdk journal (%.*s)",
			     what, n, msg);
	else
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-IO", NULL, "%s: %.*s", what, n, msg);
	return TDK_EXIT_IO;
}

/* sql with its parameters ?N written $N, as PostgreSQL reads them; NULL for memory. */
static char *dollars(const char *sql)
{
	char *s = strdup(sql), *q;

	for (q = s; q && (q = strchr(q, '?')); q++)
		if (q[1] >= '1' && q[1] <= '9')
			*q = '$';
	return s;
}

/* Sends sql with its n text parameters, asking for the rows one at a time; returns 0 or an exit code. */
static int send_sql(struct tdk_journal *j, const char *sql, const char *const *p, int n, int rows, struct tdk_diag *d)
{
	char *s = dollars(sql);
	int ok;

	if (!s)
		return TDK_EXIT_INTERNAL;
	ok = n ? PQsendQueryParams(j->db, s, n, NULL, p, NULL, NULL, 0) : PQsendQuery(j->db, s);
	free(s);
	if (!ok)
		return fail(j, NULL, d, "cannot use the journal");
	if (rows)
		PQsetSingleRowMode(j->db);
	return 0;
}

static int pg_exec(struct tdk_journal *j, const char *sql, const char *const *p, int n, struct tdk_diag *d)
{
	PGresult *res;
	int r, commit = !strcmp(sql, "COMMIT");

	if ((r = send_sql(j, sql, p, n, 0, d)))
		return r;
	while ((res = PQgetResult(j->db))) {
		ExecStatusType st = PQresultStatus(res);

		if (!r && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			r = fail(j, res, d, commit ? "cannot commit to the journal" : "cannot write the journal");
		/* A COMMIT of a transaction that failed answers ROLLBACK. */
		if (!r && commit && !strcmp(PQcmdStatus(res), "ROLLBACK"))
			r = fail(j, res, d, "the journal rolled the transaction back");
		PQclear(res);
	}
	return r;
}

static int pg_query(struct tdk_journal *j, const char *sql, const char *const *p, int n, journal_cols_fn fn,
		    void *arg, struct tdk_diag *d)
{
	const char *v[JOURNAL_NCOLS];
	PGresult *res;
	int r, c, nc;

	if ((r = send_sql(j, sql, p, n, 1, d)))
		return r;
	/* Every result is read, even after fn stopped: the connection then serves the next query. */
	while ((res = PQgetResult(j->db))) {
		ExecStatusType st = PQresultStatus(res);

		if (!r && st == PGRES_SINGLE_TUPLE) {
			nc = PQnfields(res) < JOURNAL_NCOLS ? PQnfields(res) : JOURNAL_NCOLS;
			for (c = 0; c < nc; c++)
				v[c] = PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
			r = fn(arg, nc, v);
		} else if (!r && st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE)
			r = fail(j, res, d, "cannot read the journal");
		PQclear(res);
	}
	return r;
}

static int pg_begin(struct tdk_journal *j, struct tdk_diag *d)
{
	return pg_exec(j, "BEGIN ISOLATION LEVEL READ COMMITTED; LOCK TABLE rows IN EXCLUSIVE MODE", NULL, 0, d);
}

static void pg_rollback(struct tdk_journal *j)
{
	if (PQtransactionStatus(j->db) != PQTRANS_IDLE)
		PQclear(PQexec(j->db, "ROLLBACK"));
}

static void pg_close(struct tdk_journal *j)
{
	PQfinish(j->db);
	j->db = NULL;
}

/* Copies the first value of the one row selected into the caller's char *[1] (NULL stays NULL). */
static int first(void *arg, int n, const char *const *v)
{
	char **out = arg;

	if (n < 1)
		return TDK_EXIT_IO;
	free(*out);
	*out = v[0] ? strdup(v[0]) : NULL;
	return v[0] && !*out ? TDK_EXIT_INTERNAL : 0;
}

/* What the database holds: 0 no journal's table, 1 the tables, 2 some but not all; or an exit code (negative). */
static int tables(struct tdk_journal *j, struct tdk_diag *d)
{
	char *v = NULL;
	int r;

	r = pg_query(j, "SELECT CAST((to_regclass('meta') IS NOT NULL) AS INT) + (to_regclass('rows') IS NOT NULL)::INT"
		     " + (to_regclass('claims') IS NOT NULL)::INT", NULL, 0, first, &v, d);
	if (r) {
		free(v);
		return -r;
	}
	r = v && !strcmp(v, "0") ? 0 : v && !strcmp(v, "3") ? 1 : 2;
	free(v);
	return r;
}

/* The schema: made in a new database (one process at a time), checked in an old one. */
static int check_schema(struct tdk_journal *j, struct tdk_diag *d)
{
	char *v = NULL;
	int r, t;

	if ((r = pg_exec(j, "BEGIN; SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", NULL, 0, d)))
		return r;
	if ((t = tables(j, d)) < 0) {
		r = -t;
		goto out;
	}
	if (t == 0 && (j->flags & TDK_JOURNAL_RDONLY)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL, "the journal is empty: nothing was ever recorded");
		r = TDK_EXIT_IO;
	} else if (t == 0)
		r = pg_exec(j, schema, NULL, 0, d);
	else if (t == 2) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL, "the database has some of a journal's tables only");
		r = TDK_EXIT_IO;
	}
	if (!r && !(r = pg_query(j, "SELECT value FROM meta WHERE key = 'format'", NULL, 0, first, &v, d)) &&
	    (!v || strcmp(v, JOURNAL_FORMAT))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL, "the journal's format is '%s', not " JOURNAL_FORMAT,
			     v ? v : "missing");
		r = TDK_EXIT_IO;
	}
out:
	free(v);
	if (r) {
		pg_rollback(j);
		return r;
	}
	return pg_exec(j, "COMMIT", NULL, 0, d);
}

/* Whether the URL carries a password (user:password@, or a password= parameter). */
static int has_password(const char *where)
{
	const char *auth = strstr(where, "://"), *q;
	size_t end;

	auth = auth ? auth + 3 : where;
	end = strcspn(auth, "/?#");
	q = memchr(auth, '@', end);
	if (q && memchr(auth, ':', (size_t)(q - auth)))
		return 1;
	for (q = strchr(where, '?'); q; q = strchr(q + 1, '&'))
		if (!strncmp(q + 1, "password=", 9))
			return 1;
	return 0;
}

static int pg_open(struct tdk_journal *j, const char *where, struct tdk_diag *d)
{
	char set[160];
	int r;

	if (has_password(where))
		tdk_diag_add(d, TDK_SEV_WARNING, "JOURNAL-PASSWORD", NULL,
			     "the journal's URL holds a password, which other users may read in the process list "
			     "or the environment; keep it in the password file (PGPASSFILE, ~/.pgpass) instead");
	j->db = PQconnectdb(where);
	if (!j->db) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-MEMORY", NULL, "cannot open the journal: out of memory");
		return TDK_EXIT_INTERNAL;
	}
	if (PQstatus(j->db) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(j->db);

		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL, "cannot open the journal: %.*s",
			     (int)strcspn(msg, "\n"), msg);
		return TDK_EXIT_IO;
	}
	PQsetNoticeProcessor(j->db, quiet, NULL);
	snprintf(set, sizeof(set), "SET client_encoding = 'UTF8'; SET synchronous_commit = on; SET lock_timeout = %d",
		 TDK_JOURNAL_BUSY_MS);
	if ((r = pg_exec(j, set, NULL, 0, d)) ||
	    ((j->flags & TDK_JOURNAL_RDONLY) && (r = pg_exec(j, "SET default_transaction_read_only = on", NULL, 0, d))))
		return r;
	return check_schema(j, d);
}

static int pg_in_tx(struct tdk_journal *j)
{
	return PQtransactionStatus(j->db) == PQTRANS_INTRANS;
}

const struct journal_ops journal_pg_ops = { pg_open, pg_exec, pg_query, pg_begin, pg_rollback, pg_close,
					    pg_in_tx };
