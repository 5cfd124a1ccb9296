/*
 * The submission journal on SQLite: opening (the folder 0700, the file
 * 0600, WAL, synchronous=FULL, a busy timeout), the schema, the append step
 * with its hash chain and head file, and the recovery of sends whose process
 * died.  journal.h says what the journal promises; journal-ops.c holds the
 * state changes and journal-chain.c the canonical encoding and verify.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net/journal-int.h"
#include "util/exitcode.h"
#include "util/io.h"

#define JOURNAL_FORMAT "tdk-journal-1"

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE rows(seq INTEGER PRIMARY KEY, sub INTEGER NOT NULL, kind TEXT NOT NULL, time TEXT NOT NULL,"
	" endpoint TEXT NOT NULL, profile TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT, lrn TEXT,"
	" state TEXT NOT NULL, conversation_id TEXT, receipt_id TEXT, message_id TEXT, outcome TEXT,"
	" http_status INTEGER NOT NULL DEFAULT 0, headers TEXT, body_sha256 TEXT, body TEXT, detail TEXT,"
	" prev TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TABLE claims(endpoint TEXT NOT NULL, sha256 TEXT NOT NULL, sub INTEGER NOT NULL,"
	" PRIMARY KEY(endpoint, sha256));"
	"CREATE INDEX rows_sub ON rows(sub, seq);"
	"CREATE INDEX rows_conv ON rows(endpoint, conversation_id);"
	"CREATE INDEX rows_lrn ON rows(endpoint, lrn);"
	"INSERT INTO meta VALUES('format', '" JOURNAL_FORMAT "');";

int journal_fail(struct tdk_journal *j, struct tdk_diag *d, const char *what)
{
	int e = j->db ? sqlite3_extended_errcode(j->db) & 0xff : SQLITE_CANTOPEN;
	const char *msg = j->db ? sqlite3_errmsg(j->db) : "cannot open";

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

int journal_exec(struct tdk_journal *j, const char *sql, struct tdk_diag *d)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return journal_fail(j, d, "cannot use the journal");
	return 0;
}

int journal_prepare(struct tdk_journal *j, const char *sql, sqlite3_stmt **st, struct tdk_diag *d)
{
	if (sqlite3_prepare_v2(j->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return journal_fail(j, d, "cannot read the journal");
	}
	return 0;
}

int journal_set(char **field, const char *v)
{
	char *c = NULL;

	if (v && !(c = strdup(v)))
		return -1;
	free(*field);
	*field = c;
	return 0;
}

/* The text fields of a row in order, for reading and writing columns 2..20. */
static char **text_field(struct tdk_journal_row *r, int col)
{
	char **f[] = { &r->kind, &r->time, &r->endpoint, &r->profile, &r->sha256, &r->name, &r->lrn, &r->state,
		       &r->conversation_id, &r->receipt_id, &r->message_id, &r->outcome, NULL, &r->headers,
		       &r->body_sha256, &r->body, &r->detail, &r->prev, &r->hash };

	return col >= 2 && col <= 20 ? f[col - 2] : NULL;
}

int journal_read_row(sqlite3_stmt *st, struct tdk_journal_row *r)
{
	int c;

	tdk_journal_row_release(r);
	r->seq = sqlite3_column_int64(st, 0);
	r->sub = sqlite3_column_int64(st, 1);
	r->http_status = sqlite3_column_int64(st, 14);
	for (c = 2; c <= 20; c++) {
		char **f = text_field(r, c);

		if (f && journal_set(f, (const char *)sqlite3_column_text(st, c)) < 0)
			return -1;
	}
	return 0;
}

int journal_last(struct tdk_journal *j, const char *sql, const char *a, const char *b, struct tdk_journal_row *row,
		 struct tdk_diag *d)
{
	sqlite3_stmt *st;
	int r, s;

	if ((r = journal_prepare(j, sql, &st, d)))
		return r;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		r = journal_read_row(st, row) < 0 ? TDK_EXIT_INTERNAL : TDK_JOURNAL_HELD;
	else if (s == SQLITE_DONE)
		r = TDK_JOURNAL_NONE;
	else
		r = journal_fail(j, d, "cannot read the journal");
	sqlite3_finalize(st);
	return r;
}

/* "2026-12-02T11:30:00.123Z" */
static void stamp(char out[80])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 80, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

int journal_append(struct tdk_journal *j, struct tdk_journal_row *r, struct tdk_diag *d)
{
	static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
	char now[80], hex[TDK_JOURNAL_HASH_HEX + 1];
	sqlite3_stmt *st;
	int rc, c, s;

	if ((rc = journal_prepare(j, "SELECT seq, hash FROM rows ORDER BY seq DESC LIMIT 1", &st, d)))
		return rc;
	s = sqlite3_step(st);
	r->seq = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) + 1 : 1;
	rc = journal_set(&r->prev, s == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 1) : zeros);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return journal_fail(j, d, "cannot read the journal");
	stamp(now);
	if (!r->sub)
		r->sub = r->seq;
	if (rc < 0 || !r->prev || journal_set(&r->time, now) < 0 || tdk_journal_row_hash(r, hex) < 0 ||
	    journal_set(&r->hash, hex) < 0)
		return TDK_EXIT_INTERNAL;
	if ((rc = journal_prepare(j, "INSERT INTO rows(" JOURNAL_COLS ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				  &st, d)))
		return rc;
	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_int64(st, 2, r->sub);
	sqlite3_bind_int64(st, 15, r->http_status);
	for (c = 2; c <= 20; c++)
		if (c != 14 && *text_field(r, c))
			sqlite3_bind_text(st, c + 1, *text_field(r, c), -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : journal_fail(j, d, "cannot write the journal");
}

int journal_begin_tx(struct tdk_journal *j, struct tdk_diag *d)
{
	return journal_exec(j, "BEGIN IMMEDIATE", d);
}

void journal_rollback(struct tdk_journal *j)
{
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Writes the head file atomically: "SEQ HASH\n". */
static int write_head(struct tdk_journal *j, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(256);
	struct tdk_output out;
	int r = 0;

	if ((r = tdk_journal_head(j, &b, d)))
		goto out;
	if (tdk_buf_addc(&b, '\n') < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (tdk_output_open(&out, j->head_path, NULL) < 0 || tdk_output_write(&out, b.data, b.len) < 0 ||
	    tdk_output_commit(&out) < 0) {
		if (out.tmp || out.path)
			tdk_output_abort(&out);
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-HEAD", NULL, "cannot write the head file %s: %s", j->head_path,
			     strerror(out.err ? out.err : errno));
		r = TDK_EXIT_IO;
	}
out:
	tdk_buf_release(&b);
	return r;
}

int journal_commit(struct tdk_journal *j, struct tdk_diag *d)
{
	int r;

	if ((r = journal_exec(j, "COMMIT", d))) {
		journal_rollback(j);
		return r;
	}
	return write_head(j, d);
}

/* The start time of process pid in clock ticks since boot (/proc/PID/stat field 22), or 0. */
static unsigned long long start_time(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;
	int field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: count from the last ')'. */
	if (!(p = strrchr(buf, ')')))
		return 0;
	for (field = 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned long long)(*p++ - '0');
	return v;
}

void journal_self(struct tdk_journal *j)
{
	char host[64] = "";

	gethostname(host, sizeof(host) - 1);
	snprintf(j->self, sizeof(j->self), "%ld@%s %llu", (long)getpid(), host, start_time((long)getpid()));
}

int journal_sender_gone(const struct tdk_journal *j, const char *detail)
{
	char host[64] = "", dhost[64];
	unsigned long long start;
	long pid;
	int n = 0;

	gethostname(host, sizeof(host) - 1);
	if (!detail || sscanf(detail, "%ld@%63s %llu%n", &pid, dhost, &start, &n) != 3 || !n || pid <= 0 ||
	    strcmp(host, dhost))
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 1;
	return start && start_time(pid) != start;
}

/* Every submission whose last row is sending, by a process that has ended: unknown. */
static int recover(struct tdk_journal *j, struct tdk_diag *d)
{
	static const char q[] = "SELECT " JOURNAL_COLS " FROM rows r WHERE seq = (SELECT max(seq) FROM rows WHERE"
				" sub = r.sub) AND state = 'sending' ORDER BY seq";
	struct tdk_journal_row row = { 0 };
	sqlite3_stmt *st = NULL;
	int r, s, any = 0;

	if ((r = journal_begin_tx(j, d)))
		return r;
	if ((r = journal_prepare(j, q, &st, d)))
		goto out;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (journal_read_row(st, &row) < 0) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		if (!journal_sender_gone(j, row.detail))
			continue;
		row.http_status = 0;
		if (journal_set(&row.kind, "recover") < 0 || journal_set(&row.state, "unknown") < 0 ||
		    journal_set(&row.headers, NULL) < 0 || journal_set(&row.body, NULL) < 0 ||
		    journal_set(&row.body_sha256, NULL) < 0 ||
		    journal_set(&row.detail, "the sending process ended before an answer was recorded") < 0) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
		if ((r = journal_append(j, &row, d)))
			goto out;
		any = 1;
	}
	if (s != SQLITE_DONE)
		r = journal_fail(j, d, "cannot read the journal");
out:
	sqlite3_finalize(st);
	tdk_journal_row_release(&row);
	if (r) {
		journal_rollback(j);
		return r;
	}
	return any ? journal_commit(j, d) : journal_exec(j, "COMMIT", d);
}

int tdk_journal_default_path(struct tdk_buf *out)
{
	const char *e = getenv("TDK_JOURNAL"), *s = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	tdk_buf_reset(out);
	if (e && *e)
		return tdk_buf_adds(out, e) < 0 || tdk_buf_addc(out, '\0') < 0 ? -1 : 0;
	if (s && *s == '/')
		return tdk_buf_addf(out, "%s/tdk/journal.db", s) < 0 || tdk_buf_addc(out, '\0') < 0 ? -1 : 0;
	if (h && *h)
		return tdk_buf_addf(out, "%s/.local/state/tdk/journal.db", h) < 0 || tdk_buf_addc(out, '\0') < 0 ? -1 : 0;
	return -1;
}

/* Creates the folders on the way to path's file, each 0700. */
static int make_folders(const char *path)
{
	char *p = strdup(path), *s;
	int r = 0;

	if (!p)
		return -1;
	for (s = strchr(p + 1, '/'); s && !r; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			r = -1;
		*s = '/';
	}
	free(p);
	return r;
}

/* Makes the file and its folders when missing (0600 in 0700): open with O_CREAT sets the mode. */
static int create_file(const char *path, struct tdk_diag *d)
{
	int fd;

	if (make_folders(path) < 0 || (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
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

	if ((r = journal_begin_tx(j, d)))
		return r;
	if ((n = objects(j)) < 0) {
		r = journal_fail(j, d, "cannot read the journal");
		journal_rollback(j);
		return r;
	}
	if (n == 0 && (r = journal_exec(j, schema, d))) {
		journal_rollback(j);
		return r;
	}
	return journal_exec(j, "COMMIT", d);
}

/* The schema: made on a new journal, checked on an old one. */
static int check_schema(struct tdk_journal *j, struct tdk_diag *d)
{
	sqlite3_stmt *st;
	const char *v;
	int r, n;

	if ((n = objects(j)) < 0)
		return journal_fail(j, d, "cannot read the journal");
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

/* Opens the database and sets it up; j->path is set. */
static int open_db(struct tdk_journal *j, struct tdk_diag *d)
{
	int ro = j->flags & TDK_JOURNAL_RDONLY, r;
	struct stat sb;

	if (ro && stat(j->path, &sb) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL, "cannot open the journal: %s", strerror(errno));
		return TDK_EXIT_IO;
	}
	if (!ro && (r = create_file(j->path, d)))
		return r;
	if (sqlite3_open_v2(j->path, &j->db, ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return journal_fail(j, d, "cannot open the journal");
	sqlite3_busy_timeout(j->db, TDK_JOURNAL_BUSY_MS);
	if (!ro && (r = journal_exec(j, "PRAGMA journal_mode=WAL", d)))
		return r;
	if ((r = journal_exec(j, "PRAGMA synchronous=FULL", d)) || (r = check_schema(j, d)))
		return r;
	return ro ? 0 : recover(j, d);
}

int tdk_journal_open(struct tdk_journal **jp, const char *where, unsigned flags, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);
	struct tdk_journal *j;
	size_t n;
	int r;

	*jp = NULL;
	if (where && (!strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-BACKEND", NULL,
			     "a PostgreSQL journal is not supported by this build; give a file");
		return TDK_EXIT_USAGE;
	}
	if (!where && tdk_journal_default_path(&b) < 0) {
		tdk_buf_release(&b);
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL,
			     "no journal path: set XDG_STATE_HOME or HOME, or give --journal");
		return TDK_EXIT_USAGE;
	}
	if (!where)
		where = b.data;
	n = strlen(where);
	if (!(j = calloc(1, sizeof(*j))) || !(j->path = strdup(where)) || !(j->head_path = malloc(n + 6))) {
		tdk_journal_free(j);
		tdk_buf_release(&b);
		return TDK_EXIT_INTERNAL;
	}
	memcpy(j->head_path, where, n);
	memcpy(j->head_path + n, ".head", 6);
	tdk_buf_release(&b);
	j->flags = flags;
	journal_self(j);
	if ((r = open_db(j, d))) {
		tdk_journal_free(j);
		return r;
	}
	*jp = j;
	return 0;
}

void tdk_journal_free(struct tdk_journal *j)
{
	if (!j)
		return;
	sqlite3_close(j->db);
	free(j->path);
	free(j->head_path);
	free(j);
}

const char *tdk_journal_path(const struct tdk_journal *j)
{
	return j->path;
}

const char *tdk_journal_head_path(const struct tdk_journal *j)
{
	return j->head_path;
}
