/* Unit tests of lib/net/journal: the canonical encoding, the default path, the rules of each step. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/journal.h"
#include "tap.h"
#include "util/exitcode.h"

static void hex_of(const char *s, char out[65])
{
	tdk_journal_sha256_hex(s, strlen(s), out);
}

static void encoding(void)
{
	struct tdk_journal_row r = { 0 };
	char got[65], want[65], kind[] = "answer", time[] = "2026-12-02T11:30:00.000Z", ep[] = "cds", prof[] = "rest",
	     sha[] = "ab", name[] = "d.xml", state[] = "accepted", conv[] = "c-1", prev[] = "00", empty[] = "";

	r.seq = 12;
	r.sub = 10;
	r.kind = kind;
	r.time = time;
	r.endpoint = ep;
	r.profile = prof;
	r.sha256 = sha;
	r.name = name;
	r.state = state;
	r.conversation_id = conv;
	r.http_status = 202;
	r.prev = prev;
	ok(tdk_journal_row_hash(&r, got) == 0, "a row hashes");
	hex_of("tdk-journal-1\n2:12,2:10,6:answer,24:2026-12-02T11:30:00.000Z,3:cds,4:rest,2:ab,5:d.xml,-,"
	       "8:accepted,3:c-1,-,-,-,3:202,-,-,-,-,2:00,", want);
	is_str(got, want, "the hash is the SHA-256 of the netstrings journal.h documents");
	r.lrn = empty;
	tdk_journal_row_hash(&r, want);
	ok(strcmp(got, want) != 0, "an empty field is not an absent one");
}

static void default_path(void)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	setenv("TDK_JOURNAL", "/x/j.db", 1);
	ok(tdk_journal_default_path(&b) == 0 && !strcmp(b.data, "/x/j.db"), "TDK_JOURNAL first");
	unsetenv("TDK_JOURNAL");
	setenv("XDG_STATE_HOME", "/s", 1);
	ok(tdk_journal_default_path(&b) == 0 && !strcmp(b.data, "/s/tdk/journal.db"), "then XDG_STATE_HOME");
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/h", 1);
	ok(tdk_journal_default_path(&b) == 0 && !strcmp(b.data, "/h/.local/state/tdk/journal.db"),
	   "a relative XDG_STATE_HOME is ignored, as the XDG spec says: HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	ok(tdk_journal_default_path(&b) == -1, "neither: no default");
	tdk_buf_release(&b);
}

/* A URL's password never reaches a message: user:password@, and a password= parameter. */
static void names(void)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	ok(tdk_journal_name("/x/j.db", &b) == 0 && !strcmp(b.data, "/x/j.db"), "name: a file is itself");
	ok(tdk_journal_name("postgresql://u:pw@db:5432/tdk", &b) == 0 && !strcmp(b.data, "postgresql://u@db:5432/tdk"),
	   "name: user:password@ loses the password");
	ok(tdk_journal_name("postgres://u@db/tdk?sslmode=require&password=pw&x=1", &b) == 0 &&
	   !strcmp(b.data, "postgres://u@db/tdk?sslmode=require&password=&x=1"), "name: so does password=");
	ok(tdk_journal_name("postgresql://db/tdk?apassword=pw", &b) == 0 &&
	   !strcmp(b.data, "postgresql://db/tdk?apassword=pw"), "name: only the parameter named password");
	ok(tdk_journal_name("postgresql://u:p:w@db/tdk?host=/s&password=pw", &b) == 0 &&
	   !strcmp(b.data, "postgresql://u@db/tdk?host=/s&password="), "name: both");
	tdk_buf_release(&b);
}

static void steps(const char *path)
{
	static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct tdk_journal *a = NULL, *b = NULL;
	struct tdk_journal_row row = { 0 };
	struct tdk_journal_doc doc = { "cds", "rest", sha, "d.xml", "LRN1", "m1@tdk" };
	struct tdk_journal_answer ans = { 0 };
	struct tdk_journal_note note = { 0 };
	struct tdk_diag d;
	int64_t bad, rows, sub = 0;

	tdk_diag_init(&d, path);
	ok(tdk_journal_open(&a, path, 0, &d) == 0 && tdk_journal_open(&b, path, 0, &d) == 0, "two handles on one journal");
	ok(tdk_journal_begin(a, &doc, &row, &d) == TDK_JOURNAL_MINE && !strcmp(row.state, "sending") && row.sub == 1,
	   "the first begin holds the document, sending");
	ok(tdk_journal_begin(b, &doc, &row, &d) == TDK_JOURNAL_HELD && row.sub == 1, "the second finds it held");
	ok(tdk_journal_find(b, "cds", sha, &row, &d) == TDK_JOURNAL_HELD && !strcmp(row.lrn, "LRN1"), "find");
	ok(tdk_journal_find(b, "other", sha, &row, &d) == TDK_JOURNAL_NONE, "find: another endpoint holds nothing");
	ans.state = "maybe";
	ok(tdk_journal_answer(a, 1, &ans, NULL, &d) == TDK_EXIT_USAGE, "an answer is accepted, rejected or unknown");
	ans.state = "accepted";
	ans.conversation_id = "conv";
	ans.http_status = 202;
	ok(tdk_journal_answer(a, 1, &ans, &row, &d) == 0 && !strcmp(row.conversation_id, "conv"), "accepted");
	ok(row.message_id && !strcmp(row.message_id, "m1@tdk"), "the message id fixed at begin is carried by the later rows");
	ok(tdk_journal_answer(a, 1, &ans, NULL, &d) == TDK_EXIT_USAGE, "answered twice: JOURNAL-STATE");
	ok(tdk_journal_answer(a, 99, &ans, NULL, &d) == TDK_EXIT_USAGE, "no such submission");
	ok(tdk_journal_requeue(a, 1, "x", &d) == TDK_EXIT_USAGE, "requeue needs sending");
	doc.sha256 = "XYZ";
	ok(tdk_journal_begin(a, &doc, &row, &d) == TDK_EXIT_USAGE, "a SHA-256 that is not 64 hex digits is refused");
	doc.sha256 = sha;
	doc.profile = "ftp";
	ok(tdk_journal_begin(a, &doc, &row, &d) == TDK_EXIT_USAGE, "a profile other than rest, as4, as2 is refused");
	note.endpoint = "cds";
	note.outcome = "cleared";
	ok(tdk_journal_notify(a, &note, &sub, &d) == TDK_EXIT_USAGE, "a notification names a conversation or an LRN");
	note.conversation_id = "conv";
	note.final = 1;
	ok(tdk_journal_notify(b, &note, &sub, &d) == 0 && sub == 1, "a notification by conversation id");
	ok(tdk_journal_get(a, "1", &row, &d) == TDK_JOURNAL_HELD && !strcmp(row.state, "final") &&
	   !strcmp(row.outcome, "cleared"), "the submission is final, cleared");
	ok(tdk_journal_get(a, sha, &row, &d) == TDK_JOURNAL_HELD && row.sub == 1, "got by SHA-256");
	ok(tdk_journal_verify(b, NULL, &bad, &rows, &d) == 0 && rows == 4 && bad == 0, "four rows (queued, sending, accepted, final) verify");
	ok(tdk_journal_verify(b, "1234567890123456789012345678901234567890123456789012345678901234", &bad, &rows, &d) ==
	   TDK_EXIT_NEGATIVE, "a head of digits alone is a hash (that no row has), not a number and a hash");
	ok(tdk_journal_verify(b, "4 1234", &bad, &rows, &d) == TDK_EXIT_USAGE, "a short hash is no head");
	ok(tdk_journal_verify(b, " 4 ab", &bad, &rows, &d) == TDK_EXIT_USAGE, "a leading space is no head");
	tdk_journal_row_release(&row);
	tdk_journal_free(a);
	tdk_journal_free(b);
	ok(d.errors >= 10, "each refusal left a diagnostic");
}

/* Notifications: ids recognised, the rank rule, unmatched ones kept, the match skipping them. */
static void notes(const char *path)
{
	static const char sha[] = "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct tdk_journal *j = NULL;
	struct tdk_journal_row row = { 0 };
	struct tdk_journal_doc doc = { "cds", "rest", sha, "n.xml", "LRN9", NULL };
	struct tdk_journal_answer ans = { 0 };
	struct tdk_journal_note note = { 0 };
	struct tdk_diag d;
	int64_t sub = 0, bad, rows;

	tdk_diag_init(&d, path);
	ok(tdk_journal_open(&j, path, 0, &d) == 0, "opened");
	ok(tdk_journal_begin(j, &doc, &row, &d) == TDK_JOURNAL_MINE, "begun");
	ans.state = "unknown";
	ok(tdk_journal_answer(j, row.sub, &ans, NULL, &d) == 0, "unknown");
	note.endpoint = "cds";
	note.lrn = "LRN9";
	note.outcome = "cleared";
	note.final = 1;
	note.id = "n-1";
	note.keep_unmatched = 1;
	ok(tdk_journal_notify(j, &note, &sub, &d) == 0 && sub == row.sub, "an unknown settled by LRN, final");
	ok(tdk_journal_notify(j, &note, &sub, &d) == TDK_JOURNAL_HELD && sub == row.sub, "the same id again: held");
	ok(tdk_journal_noted(j, "cds", "n-1", &row, &d) == TDK_JOURNAL_HELD && !strcmp(row.message_id, "n-1"),
	   "the id is noted");
	ok(tdk_journal_noted(j, "other", "n-1", &row, &d) == TDK_JOURNAL_NONE, "not for another endpoint");
	note.id = "n-2";
	note.outcome = "accepted";
	note.final = 0;
	ok(tdk_journal_notify(j, &note, &sub, &d) == 0, "an earlier step arriving late is recorded");
	ok(tdk_journal_match(j, "cds", NULL, "LRN9", &row, &d) == TDK_JOURNAL_HELD && !strcmp(row.state, "final") &&
	   !strcmp(row.outcome, "cleared") && !strcmp(row.message_id, "n-2"), "... and the final outcome stands");
	note.id = "n-3";
	note.outcome = "malformed";
	ok(tdk_journal_notify(j, &note, &sub, &d) == 0 && tdk_journal_match(j, "cds", NULL, "LRN9", &row, &d) ==
	   TDK_JOURNAL_HELD && !strcmp(row.outcome, "cleared"), "a malformed one changes nothing");
	note.id = "n-4";
	note.outcome = "rejected";
	note.final = 1;
	ok(tdk_journal_notify(j, &note, &sub, &d) == 0 && tdk_journal_match(j, "cds", NULL, "LRN9", &row, &d) ==
	   TDK_JOURNAL_HELD && !strcmp(row.outcome, "rejected"), "a rejection outranks clearance");
	note.id = "n-5";
	note.lrn = "NOBODY";
	note.conversation_id = "conv-x";
	ok(tdk_journal_notify(j, &note, &sub, &d) == TDK_JOURNAL_NONE && sub > row.sub, "unmatched: kept");
	ok(tdk_journal_get(j, "NOBODY", &row, &d) == TDK_JOURNAL_NONE &&
	   tdk_journal_noted(j, "cds", "n-5", &row, &d) == TDK_JOURNAL_HELD && !strcmp(row.state, "unmatched") &&
	   !strcmp(row.name, "notification n-5") && row.sub == sub, "as a row of its own, state unmatched");
	ok(tdk_journal_match(j, "cds", "conv-x", "NOBODY", &row, &d) == TDK_JOURNAL_NONE,
	   "which no later notification matches");
	note.id = "n-6";
	note.keep_unmatched = 0;
	ok(tdk_journal_notify(j, &note, &sub, &d) == TDK_JOURNAL_NONE &&
	   tdk_journal_noted(j, "cds", "n-6", &row, &d) == TDK_JOURNAL_NONE, "without keep_unmatched nothing is written");
	note.lrn = NULL;
	note.conversation_id = NULL;
	ok(tdk_journal_notify(j, &note, &sub, &d) == TDK_EXIT_USAGE, "nothing to match by, not kept: refused");
	note.keep_unmatched = 1;
	ok(tdk_journal_notify(j, &note, &sub, &d) == TDK_JOURNAL_NONE, "nothing to match by, kept");
	doc.sha256 = "2123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	doc.lrn = "LRN10";
	ok(tdk_journal_begin(j, &doc, &row, &d) == TDK_JOURNAL_MINE, "another one begun: sending");
	note.lrn = "LRN10";
	note.id = "n-7";
	ok(tdk_journal_notify(j, &note, &sub, &d) == TDK_JOURNAL_SENDING && sub == row.sub &&
	   tdk_journal_noted(j, "cds", "n-7", &row, &d) == TDK_JOURNAL_NONE,
	   "a notification of a submission being sent: nothing written");
	ok(tdk_journal_answer(j, sub, &ans, NULL, &d) == 0, "so that the sender records its answer");
	ok(tdk_journal_verify(j, NULL, &bad, &rows, &d) == 0 && bad == 0, "the chain verifies");
	tdk_journal_row_release(&row);
	tdk_journal_free(j);
}

/* Writes n bytes of s over the head file (what a crash may leave of a head written without a sync). */
static void put_head(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fwrite(s, 1, n, f);
		fclose(f);
	}
}

/* Counts the JOURNAL-HEAD errors and the JOURNAL-TAMPERED ones: arg is int[2]. */
static void count_codes(void *arg, const struct tdk_diag_item *it)
{
	int *n = arg;

	n[0] += !strcmp(it->code, "JOURNAL-HEAD");
	n[1] += !strcmp(it->code, "JOURNAL-TAMPERED");
}

/* A head file left empty, short or zero-filled: an error, never a pass and never JOURNAL-TAMPERED. */
static void damaged_head(const char *path, const char *head)
{
	static const char zeros[90];
	struct tdk_journal *j = NULL;
	struct tdk_diag d;
	int64_t bad, rows;
	char good[128] = "";
	int codes[2] = { 0, 0 };
	FILE *f = fopen(head, "r");

	if (f) {
		if (!fgets(good, sizeof(good), f))
			good[0] = '\0';
		fclose(f);
	}
	tdk_diag_init(&d, path);
	d.emit = count_codes;
	d.arg = codes;
	ok(tdk_journal_open(&j, path, TDK_JOURNAL_RDONLY, &d) == 0, "damaged head: opened");
	put_head(head, "", 0);
	ok(tdk_journal_verify(j, NULL, &bad, &rows, &d) == TDK_EXIT_IO && bad == 0, "an empty head file: an I/O error");
	put_head(head, good, 20);
	ok(tdk_journal_verify(j, NULL, &bad, &rows, &d) == TDK_EXIT_IO && bad == 0, "a short one: the same");
	put_head(head, zeros, sizeof(zeros));
	ok(tdk_journal_verify(j, NULL, &bad, &rows, &d) == TDK_EXIT_IO && bad == 0, "a zero-filled one: the same");
	ok(d.errors == 3 && codes[0] == 3 && codes[1] == 0, "each a JOURNAL-HEAD error, none JOURNAL-TAMPERED");
	put_head(head, good, strlen(good));
	ok(tdk_journal_verify(j, NULL, &bad, &rows, &d) == 0, "the head rewritten: verifies");
	tdk_journal_free(j);
}

/* The group commit: threads sharing one handle. */
#define THREADS 6
#define ROUNDS 12

struct worker {
	struct tdk_journal *j;
	pthread_barrier_t *bar;
	int id, same;          /* same: every thread begins the same document each round */
	int mine, held, answered, refused, errors;
};

/* The SHA-256 (as hex) of a document named by round and thread (-1: the one all threads share). */
static void doc_sha(int round, int id, char sha[65])
{
	char name[64];

	snprintf(name, sizeof(name), "doc %d %d", round, id);
	hex_of(name, sha);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct tdk_journal_answer ans = { 0 };
	struct tdk_journal_row row = { 0 };
	struct tdk_diag d;
	char sha[65];
	int i, r;

	tdk_diag_init(&d, "thread");
	ans.state = "accepted";
	ans.http_status = 202;
	for (i = 0; i < ROUNDS; i++) {
		struct tdk_journal_doc doc = { "cds", "rest", sha, "t.xml", NULL, NULL };

		doc_sha(i, w->same ? -1 : w->id, sha);
		pthread_barrier_wait(w->bar);
		r = tdk_journal_begin(w->j, &doc, &row, &d);
		w->mine += r == TDK_JOURNAL_MINE;
		w->held += r == TDK_JOURNAL_HELD;
		if (r == TDK_JOURNAL_MINE && !strcmp(row.state, "sending") &&
		    tdk_journal_answer(w->j, row.sub, &ans, &row, &d) == 0 && !strcmp(row.state, "accepted"))
			w->answered++;
		/* A step that fails in a group rolls back its own rows only, and tells its own caller. */
		if (!w->same && tdk_journal_answer(w->j, (int64_t)1 << 40, &ans, NULL, &d) == TDK_EXIT_USAGE)
			w->refused++;
	}
	w->errors = (int)d.errors;
	tdk_journal_row_release(&row);
	return NULL;
}

/* THREADS threads on one handle, each beginning and answering its own documents, or all the same one. */
static void threads(const char *path, int same)
{
	struct tdk_journal *j = NULL;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	pthread_barrier_t bar;
	struct tdk_diag d;
	int64_t bad, rows, before = 0;
	struct tdk_buf head = TDK_BUF_INIT(256);
	int i, mine = 0, held = 0, answered = 0, refused = 0, errors = 0, started = 0;

	tdk_diag_init(&d, path);
	ok(tdk_journal_open(&j, path, 0, &d) == 0, "%s: one handle for %d threads", same ? "same" : "own", THREADS);
	if (!j)
		return;
	tdk_journal_verify(j, NULL, &bad, &before, &d);
	pthread_barrier_init(&bar, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ j, &bar, i, same, 0, 0, 0, 0, 0 };
		started += pthread_create(&t[i], NULL, work, &w[i]) == 0;
	}
	for (i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		mine += w[i].mine;
		held += w[i].held;
		answered += w[i].answered;
		refused += w[i].refused;
		errors += w[i].errors;
	}
	pthread_barrier_destroy(&bar);
	ok(started == THREADS && errors == refused && refused == (same ? 0 : THREADS * ROUNDS),
	   "%s: %d threads, no error but the answers to no submission, each refused to its caller (%d)",
	   same ? "same" : "own", THREADS, refused);
	if (same) {
		ok(mine == ROUNDS && held == ROUNDS * (THREADS - 1),
		   "the same document begun by %d threads at once, %d times: exactly one MINE each time (%d MINE, %d HELD)",
		   THREADS, ROUNDS, mine, held);
	} else {
		ok(mine == ROUNDS * THREADS && held == 0, "every thread's own document is its own (%d MINE)", mine);
	}
	ok(answered == mine, "every MINE answered accepted (%d)", answered);
	ok(tdk_journal_verify(j, NULL, &bad, &rows, &d) == 0 && bad == 0 && rows == before + 3 * mine,
	   "the chain verifies against the head file, three rows per submission");
	ok(tdk_journal_head(j, &head, &d) == 0 && strtoll(head.data, NULL, 10) == rows, "the head names the last row");
	tdk_buf_release(&head);
	tdk_journal_free(j);
}

/* Three processes making one new journal at once, ten times: each opens it (SQLite's WAL switch waits). */
static void fresh_race(const char *dir)
{
	char path[96], side[104];
	int round, k, opened = 0, status, go[2];
	pid_t pid[3];

	for (round = 0; round < 10; round++) {
		snprintf(path, sizeof(path), "%s/fresh%d.db", dir, round);
		if (pipe(go) < 0)
			break;
		for (k = 0; k < 3; k++) {
			if ((pid[k] = fork()) == 0) {
				struct tdk_journal *j = NULL;
				struct tdk_diag d;
				char c;

				/* All start when the parent closes the pipe. */
				close(go[1]);
				if (read(go[0], &c, 1) < 0)
					_exit(2);
				tdk_diag_init(&d, path);
				_exit(tdk_journal_open(&j, path, 0, &d) == 0 ? 0 : 1);
			}
		}
		close(go[0]);
		close(go[1]);
		for (k = 0; k < 3; k++)
			opened += pid[k] > 0 && waitpid(pid[k], &status, 0) == pid[k] && WIFEXITED(status) &&
				  WEXITSTATUS(status) == 0;
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	ok(opened == 30, "three processes making one new journal at once, ten times: every open succeeds (%d)", opened);
}

/* With a journal's URL (tests/t5042-journal-pg-group.sh): the threads on it only. */
int main(int argc, char **argv)
{
	char dir[] = "/tmp/t-journal.XXXXXX", path[64], head[80];

	char abc[65];

	if (argc > 1) {
		threads(argv[1], 0);
		threads(argv[1], 1);
		return done();
	}

	ok(tdk_journal_sha256_hex("abc", 3, abc) == 0 &&
	   !strcmp(abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	   "SHA-256 of abc, the FIPS 180-2 example");
	encoding();
	default_path();
	names();
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/j.db", dir);
	snprintf(head, sizeof(head), "%s.head", path);
	steps(path);
	notes(path);
	damaged_head(path, head);
	threads(path, 0);
	threads(path, 1);
	fresh_race(dir);
	unlink(head);
	unlink(path);
	rmdir(dir);
	return done();
}
