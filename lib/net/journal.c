/*
 * The submission journal's rules on either backend (journal-int.h): the
 * choice of backend, the append step with its hash chain and head file, and
 * the recovery of sends whose process died.  journal.h says what the
 * journal promises; journal-ops.c holds the state changes, journal-chain.c
 * the canonical encoding and verify, journal-sqlite.c and journal-pg.c the
 * two backends.
 */
#include <errno.h>
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

int journal_exec(struct tdk_journal *j, const char *sql, struct tdk_diag *d)
{
	return j->ops->exec(j, sql, NULL, 0, d);
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

static int64_t number(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

int journal_read_row(int n, const char *const *v, struct tdk_journal_row *r)
{
	int c;

	tdk_journal_row_release(r);
	if (n < JOURNAL_NCOLS)
		return -1;
	r->seq = number(v[0]);
	r->sub = number(v[1]);
	r->http_status = number(v[14]);
	for (c = 2; c <= 20; c++) {
		char **f = text_field(r, c);

		if (f && journal_set(f, v[c]) < 0)
			return -1;
	}
	return 0;
}

/* What journal_walk() and journal_last() read rows with. */
struct reader {
	int (*fn)(void *arg, const struct tdk_journal_row *row);
	void *arg;
	struct tdk_journal_row *row;
};

static int read_one(void *arg, int n, const char *const *v)
{
	struct reader *rd = arg;

	if (journal_read_row(n, v, rd->row) < 0)
		return TDK_EXIT_INTERNAL;
	return rd->fn ? rd->fn(rd->arg, rd->row) : TDK_JOURNAL_HELD;
}

int journal_walk(struct tdk_journal *j, const char *sql, const char *const *p, int n,
		 int (*fn)(void *arg, const struct tdk_journal_row *row), void *arg, struct tdk_diag *d)
{
	struct tdk_journal_row row = { 0 };
	struct reader rd = { fn, arg, &row };
	int r = journal_query(j, sql, p, n, read_one, &rd, d);

	tdk_journal_row_release(&row);
	return r;
}

int journal_last(struct tdk_journal *j, const char *sql, const char *a, const char *b, struct tdk_journal_row *row,
		 struct tdk_diag *d)
{
	const char *p[2] = { a, b };
	struct reader rd = { NULL, NULL, row };
	int r = journal_query(j, sql, p, b ? 2 : 1, read_one, &rd, d);

	return r ? r : TDK_JOURNAL_NONE;
}

/* Keeps the seq and hash of the one row selected. */
static int tail_one(void *arg, int n, const char *const *v)
{
	struct { int64_t seq; char *hash; } *t = arg;

	if (n < 2 || !v[1] || strlen(v[1]) != TDK_JOURNAL_HASH_HEX)
		return TDK_EXIT_IO;
	t->seq = number(v[0]);
	memcpy(t->hash, v[1], TDK_JOURNAL_HASH_HEX + 1);
	return 0;
}

int journal_tail(struct tdk_journal *j, int64_t *seq, char hash[TDK_JOURNAL_HASH_HEX + 1], struct tdk_diag *d)
{
	struct { int64_t seq; char *hash; } t = { 0, hash };
	int r;

	memset(hash, '0', TDK_JOURNAL_HASH_HEX);
	hash[TDK_JOURNAL_HASH_HEX] = '\0';
	r = journal_query(j, "SELECT seq, hash FROM rows ORDER BY seq DESC LIMIT 1", NULL, 0, tail_one, &t, d);
	if (r == TDK_EXIT_IO && !d->errors)
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-CORRUPT", NULL, "the last row has no hash");
	*seq = t.seq;
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
	char now[80], hex[TDK_JOURNAL_HASH_HEX + 1], prev[TDK_JOURNAL_HASH_HEX + 1], num[3][32];
	const char *p[JOURNAL_NCOLS];
	int64_t last;
	int rc, c;

	if ((rc = journal_tail(j, &last, prev, d)))
		return rc;
	r->seq = last + 1;
	stamp(now);
	if (!r->sub)
		r->sub = r->seq;
	if (journal_set(&r->prev, prev) < 0 || journal_set(&r->time, now) < 0 || tdk_journal_row_hash(r, hex) < 0 ||
	    journal_set(&r->hash, hex) < 0)
		return TDK_EXIT_INTERNAL;
	snprintf(num[0], sizeof(num[0]), "%lld", (long long)r->seq);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)r->sub);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)r->http_status);
	p[0] = num[0];
	p[1] = num[1];
	p[14] = num[2];
	for (c = 2; c <= 20; c++)
		if (c != 14)
			p[c] = *text_field(r, c);
	return j->ops->exec(j, "INSERT INTO rows(" JOURNAL_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			    " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)", p, JOURNAL_NCOLS, d);
}

int journal_begin_tx(struct tdk_journal *j, struct tdk_diag *d)
{
	return j->ops->begin(j, d);
}

void journal_rollback(struct tdk_journal *j)
{
	j->ops->rollback(j);
}

/* Writes the head file atomically: "SEQ HASH\n". */
int journal_write_head(struct tdk_journal *j, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(256);
	struct tdk_output out;
	int r = 0, opened;

	if ((r = tdk_journal_head(j, &b, d)))
		goto out;
	if (tdk_buf_addc(&b, '\n') < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	/*
	 * A PostgreSQL journal's head is in the state folder, which may not
	 * exist yet.  Not synced (journal.h: a crash may leave it behind, or
	 * empty on some file systems; never ahead of the committed rows).
	 */
	memset(&out, 0, sizeof(out));
	opened = journal_make_folders(j->head_path) == 0 && tdk_output_open(&out, j->head_path, NULL) == 0;
	out.nosync = 1;
	if (!opened || tdk_output_write(&out, b.data, b.len) < 0 || tdk_output_commit(&out) < 0) {
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
	return journal_write_head(j, d);
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

/* Keeps the last row of each submission in state sending. */
static int keep_sending(void *arg, const struct tdk_journal_row *row)
{
	struct { struct tdk_journal *j; struct tdk_journal_row *rows; size_t n, cap; } *k = arg;
	struct tdk_journal_row *grown, *to;

	if (!journal_sender_gone(k->j, row->detail))
		return 0;
	if (k->n == k->cap) {
		if (k->cap > 1u << 20 || !(grown = realloc(k->rows, (k->cap * 2 + 8) * sizeof(*grown))))
			return TDK_EXIT_INTERNAL;
		k->rows = grown;
		k->cap = k->cap * 2 + 8;
	}
	to = memset(&k->rows[k->n], 0, sizeof(*to));
	if (journal_set(&to->kind, "recover") < 0)
		return TDK_EXIT_INTERNAL;
	k->n++;
	to->seq = row->seq;
	to->sub = row->sub;
	to->http_status = 0;
	if (journal_set(&to->endpoint, row->endpoint) < 0 || journal_set(&to->profile, row->profile) < 0 ||
	    journal_set(&to->sha256, row->sha256) < 0 || journal_set(&to->name, row->name) < 0 ||
	    journal_set(&to->lrn, row->lrn) < 0 || journal_set(&to->state, "unknown") < 0 ||
	    journal_set(&to->conversation_id, row->conversation_id) < 0 ||
	    journal_set(&to->receipt_id, row->receipt_id) < 0 || journal_set(&to->message_id, row->message_id) < 0 ||
	    journal_set(&to->outcome, row->outcome) < 0 ||
	    journal_set(&to->detail, "the sending process ended before an answer was recorded") < 0)
		return TDK_EXIT_INTERNAL;
	return 0;
}

/*
 * Every submission whose last row is sending, by a process that has ended
 * on this host: unknown.  Rows of other hosts are left alone (journal.h).
 */
static int recover(struct tdk_journal *j, struct tdk_diag *d)
{
	static const char q[] = "SELECT " JOURNAL_COLS " FROM rows r WHERE seq = (SELECT max(seq) FROM rows WHERE"
				" sub = r.sub) AND state = 'sending' ORDER BY seq";
	struct { struct tdk_journal *j; struct tdk_journal_row *rows; size_t n, cap; } k = { j, NULL, 0, 0 };
	size_t i;
	int r;

	if ((r = journal_begin_tx(j, d)))
		return r;
	r = journal_walk(j, q, NULL, 0, keep_sending, &k, d);
	for (i = 0; !r && i < k.n; i++)
		r = journal_append(j, &k.rows[i], d);
	for (i = 0; i < k.n; i++)
		tdk_journal_row_release(&k.rows[i]);
	free(k.rows);
	if (r) {
		journal_rollback(j);
		return r;
	}
	return k.n ? journal_commit(j, d) : journal_exec(j, "COMMIT", d);
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
int journal_make_folders(const char *path)
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

/* Whether where names a PostgreSQL journal. */
static int is_pg(const char *where)
{
	return where && (!strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11));
}

int tdk_journal_name(const char *where, struct tdk_buf *out)
{
	const char *auth, *at, *colon, *pw;
	size_t end;

	tdk_buf_reset(out);
	if (!is_pg(where))
		return tdk_buf_adds(out, where) < 0 || tdk_buf_addc(out, '\0') < 0 ? -1 : 0;
	auth = strstr(where, "://") + 3;
	end = strcspn(auth, "/?#");
	at = memchr(auth, '@', end);
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	/* user:password@host: the password is left out; so is the value of a password= parameter. */
	if (colon) {
		if (tdk_buf_add(out, where, (size_t)(colon - where)) < 0)
			return -1;
		where = at;
	}
	for (pw = strstr(where, "password="); pw && pw[-1] != '?' && pw[-1] != '&'; pw = strstr(pw + 1, "password="))
		;
	if (pw) {
		if (tdk_buf_add(out, where, (size_t)(pw + 9 - where)) < 0)
			return -1;
		where = pw + strcspn(pw, "&");
	}
	return tdk_buf_adds(out, where) < 0 || tdk_buf_addc(out, '\0') < 0 ? -1 : 0;
}

/* The head file: beside a file journal; for PostgreSQL in this host's state folder, named by the URL. */
static int head_path(struct tdk_journal *j, struct tdk_buf *b)
{
	char hex[TDK_JOURNAL_HASH_HEX + 1];
	const char *s = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	tdk_buf_reset(b);
	if (!is_pg(j->path))
		return tdk_buf_addf(b, "%s.head", j->path) < 0 || tdk_buf_addc(b, '\0') < 0 ? -1 : 0;
	if (tdk_journal_sha256_hex(j->path, strlen(j->path), hex) < 0)
		return -1;
	if (s && *s == '/')
		return tdk_buf_addf(b, "%s/tdk/journal-pg-%.16s.head", s, hex) < 0 || tdk_buf_addc(b, '\0') < 0 ? -1 : 0;
	if (h && *h)
		return tdk_buf_addf(b, "%s/.local/state/tdk/journal-pg-%.16s.head", h, hex) < 0 ||
		       tdk_buf_addc(b, '\0') < 0 ? -1 : 0;
	return tdk_buf_addf(b, "journal-pg-%.16s.head", hex) < 0 || tdk_buf_addc(b, '\0') < 0 ? -1 : 0;
}

int tdk_journal_open(struct tdk_journal **jp, const char *where, unsigned flags, struct tdk_diag *d)
{
	struct tdk_buf def = TDK_BUF_INIT(4096), b = TDK_BUF_INIT(4096);
	struct tdk_journal *j = NULL;
	int r = TDK_EXIT_INTERNAL;

	*jp = NULL;
	if (!where && tdk_journal_default_path(&def) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "JOURNAL-OPEN", NULL,
			     "no journal path: set XDG_STATE_HOME or HOME, or give --journal");
		r = TDK_EXIT_USAGE;
		goto out;
	}
	if (!where)
		where = def.data;
	if (!(j = calloc(1, sizeof(*j))))
		goto out;
	if (journal_sync_init(j) < 0)
		goto out;
	j->ops = is_pg(where) ? &journal_pg_ops : &journal_sqlite_ops;
	j->flags = flags;
	journal_self(j);
	if (tdk_journal_name(where, &b) < 0 || !(j->path = strdup(b.data)) || head_path(j, &b) < 0 ||
	    !(j->head_path = strdup(b.data)))
		goto out;
	if ((r = j->ops->open(j, where, d)) || (!(flags & TDK_JOURNAL_RDONLY) && (r = recover(j, d))))
		goto out;
	*jp = j;
	j = NULL;
out:
	tdk_journal_free(j);
	tdk_buf_release(&def);
	tdk_buf_release(&b);
	return r;
}

void tdk_journal_free(struct tdk_journal *j)
{
	if (!j)
		return;
	if (j->db)
		j->ops->close(j);
	free(j->path);
	free(j->head_path);
	journal_sync_release(j);
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
