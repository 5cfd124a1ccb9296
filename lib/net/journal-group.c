/*
 * The journal's group commit (journal.h): the writes that the threads of
 * one process hand to a shared handle at the same moment are committed in
 * one transaction, one sync.  Each write is a step (journal_step_fn) that
 * runs inside the open transaction; the first caller that finds no group
 * being committed commits every step waiting, in the order they came, each
 * under a savepoint of its own so that a step that fails or finds its
 * document held leaves nothing behind, and then wakes each caller with its
 * own result.  The connection serves one thread at a time (db_mu, which the
 * readers take too).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net/journal-int.h"
#include "util/exitcode.h"

/* The most steps one transaction commits; the rest wait for the next. */
#define GROUP_MAX 64
/* The diagnostics a step keeps for its caller (a step raises one or two). */
#define STEP_DIAGS 4

/* One caller's write, waiting in the queue. */
struct step {
	journal_step_fn fn;
	void *arg;
	struct tdk_diag d;                      /* what the step reports, kept in items for the caller */
	struct tdk_diag_item items[STEP_DIAGS];
	int nitems;
	int r, keep, done;
	struct step *next;
};

/* Keeps an item reported by a step (emitted on the committer's thread) for its caller. */
static void keep_item(void *arg, const struct tdk_diag_item *it)
{
	struct step *s = arg;

	if (s->nitems < STEP_DIAGS)
		s->items[s->nitems++] = *it;
}

static void step_init(struct step *s, journal_step_fn fn, void *arg, const char *file)
{
	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->arg = arg;
	tdk_diag_init(&s->d, file);
	s->d.emit = keep_item;
	s->d.arg = s;
}

/* A failure of the whole group (begin, commit, head), reported by g, given to step s with code r. */
static void share_failure(struct step *s, const struct step *g, int r)
{
	int i;

	for (i = 0; i < g->nitems; i++)
		tdk_diag_add(&s->d, g->items[i].sev, g->items[i].code, NULL, "%s", g->items[i].msg);
	s->r = r;
}

/* Runs step s inside the open transaction, under a savepoint when it shares it with others. */
static void run_step(struct tdk_journal *j, struct step *s, int alone)
{
	if (!alone && (s->r = j->ops->exec(j, "SAVEPOINT tdk_step", NULL, 0, &s->d)))
		return;
	s->keep = -1;
	s->r = s->fn(j, s->arg, &s->keep, &s->d);
	if (s->keep < 0)
		s->keep = s->r == 0;
	if (!alone)
		j->ops->exec(j, s->keep ? "RELEASE SAVEPOINT tdk_step" :
			     "ROLLBACK TO SAVEPOINT tdk_step; RELEASE SAVEPOINT tdk_step", NULL, 0, &s->d);
}

/*
 * Commits the steps q[0..n-1] in one transaction: each step's rows are kept
 * or rolled back on their own; the group's commit and head are shared.
 */
static void run_group(struct tdk_journal *j, struct step **q, size_t n)
{
	struct step g;
	size_t i, kept = 0;
	int r;

	step_init(&g, NULL, NULL, q[0]->d.file);
	pthread_mutex_lock(&j->db_mu);
	if ((r = journal_begin_tx(j, &g.d))) {
		for (i = 0; i < n; i++)
			share_failure(q[i], &g, r);
		goto out;
	}
	for (i = 0; i < n && j->ops->in_tx(j); i++) {
		run_step(j, q[i], n == 1);
		kept += q[i]->keep > 0;
	}
	if (!j->ops->in_tx(j)) {
		/* An error ended the transaction (SQLite does so on a full disk): nothing of it stands. */
		journal_rollback(j);
		tdk_diag_add(&g.d, TDK_SEV_ERROR, "JOURNAL-IO", NULL, "the journal's transaction was rolled back");
		for (i = 0; i < n; i++)
			if (!q[i]->r || q[i]->r >= TDK_JOURNAL_HELD)
				share_failure(q[i], &g, TDK_EXIT_IO);
		goto out;
	}
	if (!kept) {
		journal_rollback(j);
		goto out;
	}
	if ((r = journal_exec(j, "COMMIT", &g.d))) {
		journal_rollback(j);
		for (i = 0; i < n; i++)
			share_failure(q[i], &g, r);
	} else if ((r = journal_write_head(j, &g.d))) {
		/* The rows stand; each writer is told that the head could not follow (journal.h). */
		for (i = 0; i < n; i++)
			if (q[i]->keep > 0)
				share_failure(q[i], &g, r);
	}
out:
	pthread_mutex_unlock(&j->db_mu);
}

int journal_write(struct tdk_journal *j, journal_step_fn fn, void *arg, struct tdk_diag *d)
{
	struct step self, *batch[GROUP_MAX];
	size_t n;
	int i;

	step_init(&self, fn, arg, d->file);
	pthread_mutex_lock(&j->mu);
	*j->tail = &self;
	j->tail = &self.next;
	while (!self.done) {
		if (j->committing) {
			pthread_cond_wait(&j->cv, &j->mu);
			continue;
		}
		j->committing = 1;
		for (n = 0; n < GROUP_MAX && j->queue; n++) {
			batch[n] = j->queue;
			j->queue = j->queue->next;
		}
		if (!j->queue)
			j->tail = &j->queue;
		pthread_mutex_unlock(&j->mu);
		run_group(j, batch, n);
		pthread_mutex_lock(&j->mu);
		while (n)
			batch[--n]->done = 1;
		j->committing = 0;
		pthread_cond_broadcast(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
	for (i = 0; i < self.nitems; i++)
		tdk_diag_add(d, self.items[i].sev, self.items[i].code, NULL, "%s", self.items[i].msg);
	return self.r;
}

int journal_query(struct tdk_journal *j, const char *sql, const char *const *p, int n, journal_cols_fn fn,
		  void *arg, struct tdk_diag *d)
{
	int r;

	pthread_mutex_lock(&j->db_mu);
	r = j->ops->query(j, sql, p, n, fn, arg, d);
	pthread_mutex_unlock(&j->db_mu);
	return r;
}

int journal_sync_init(struct tdk_journal *j)
{
	pthread_mutexattr_t a;
	int r;

	if (pthread_mutexattr_init(&a))
		return -1;
	r = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE) || pthread_mutex_init(&j->db_mu, &a);
	pthread_mutexattr_destroy(&a);
	if (r)
		return -1;
	if (pthread_mutex_init(&j->mu, NULL)) {
		pthread_mutex_destroy(&j->db_mu);
		return -1;
	}
	if (pthread_cond_init(&j->cv, NULL)) {
		pthread_mutex_destroy(&j->mu);
		pthread_mutex_destroy(&j->db_mu);
		return -1;
	}
	j->tail = &j->queue;
	j->synced = 1;
	return 0;
}

void journal_sync_release(struct tdk_journal *j)
{
	if (!j->synced)
		return;
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	pthread_mutex_destroy(&j->db_mu);
	j->synced = 0;
}
