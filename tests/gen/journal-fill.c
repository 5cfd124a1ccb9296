/*
 * journal-fill: records submissions and answers in a journal through
 * lib/net/journal.h, from a script, for the tests of `tdk journal` until
 * `tdk submit` and `tdk poll` write it themselves.
 *
 *   journal-fill JOURNAL [SCRIPT]      (the script from standard input without SCRIPT)
 *
 * One command a line, words separated by spaces, "-" for an absent word:
 *
 *   begin ENDPOINT DOC [LRN [PROFILE [MESSAGE-ID]]]   claims the document whose
 *                                 SHA-256 is that of the word DOC (named DOC.xml,
 *                                 profile rest unless given); prints "mine SUB" or
 *                                 "held SUB STATE"
 *   answer SUB STATE STATUS [CONVERSATION]   accepted, rejected or unknown
 *   requeue SUB                   sending -> queued
 *   resend SUB                    the explicit resend
 *   notify ENDPOINT CONVERSATION LRN OUTCOME [final]
 *   hold SECONDS                  prints "holding" and sleeps (a test kills it here)
 *
 * SUB is a submission's number, ENDPOINT/DOC for the submission of that
 * document to that endpoint, or "mine" for the one the last begin of this
 * script holds (the line is skipped when that begin found it held).
 *
 * Exits 0, or with the exit code of the first call that failed (its
 * diagnostics on standard error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/journal.h"
#include "util/exitcode.h"

#define WORDS 8

static int64_t last_mine = -1;   /* the last begin's submission when it was mine, else 0 */

static void emit(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	fprintf(stderr, "%s: %s: [%s] %s\n", it->file ? it->file : "journal", tdk_severity_name(it->sev), it->code,
		it->msg);
}

static const char *word(char **w, int i)
{
	return i < WORDS && w[i] && strcmp(w[i], "-") ? w[i] : NULL;
}

static void sha256_hex(const char *s, char hex[65])
{
	tdk_journal_sha256_hex(s, strlen(s), hex);
}

static int do_begin(struct tdk_journal *j, char **w, struct tdk_diag *d)
{
	struct tdk_journal_row row = { 0 };
	struct tdk_journal_doc doc = { 0 };
	char hex[65], name[256];
	int r;

	if (!word(w, 1) || !word(w, 2))
		return TDK_EXIT_USAGE;
	sha256_hex(w[2], hex);
	snprintf(name, sizeof(name), "%s.xml", w[2]);
	doc.endpoint = w[1];
	doc.profile = word(w, 4) ? w[4] : "rest";
	doc.sha256 = hex;
	doc.name = name;
	doc.lrn = word(w, 3);
	doc.message_id = word(w, 5);
	r = tdk_journal_begin(j, &doc, &row, d);
	last_mine = r == TDK_JOURNAL_MINE ? row.sub : 0;
	if (r == TDK_JOURNAL_MINE)
		printf("mine %lld\n", (long long)row.sub);
	else if (r == TDK_JOURNAL_HELD)
		printf("held %lld %s\n", (long long)row.sub, row.state);
	tdk_journal_row_release(&row);
	return r == TDK_JOURNAL_HELD ? 0 : r;
}

/* A submission's number, or that of ENDPOINT/DOC; 0 when there is none. */
static int64_t sub_of(struct tdk_journal *j, const char *w, struct tdk_diag *d)
{
	struct tdk_journal_row row = { 0 };
	const char *slash = strchr(w, '/');
	char hex[65], ep[256];
	int64_t sub = 0;

	if (!strcmp(w, "mine"))
		return last_mine;
	if (!slash)
		return strtoll(w, NULL, 10);
	snprintf(ep, sizeof(ep), "%.*s", (int)(slash - w), w);
	sha256_hex(slash + 1, hex);
	if (tdk_journal_find(j, ep, hex, &row, d) == TDK_JOURNAL_HELD)
		sub = row.sub;
	tdk_journal_row_release(&row);
	return sub;
}

static int do_line(struct tdk_journal *j, char **w, struct tdk_diag *d)
{
	struct tdk_journal_answer a = { 0 };
	struct tdk_journal_note n = { 0 };
	char body[128];
	int r;

	if (!strcmp(w[0], "begin"))
		return do_begin(j, w, d);
	if ((!strcmp(w[0], "answer") || !strcmp(w[0], "requeue")) && word(w, 1) && !strcmp(w[1], "mine") &&
	    !last_mine)
		return 0;
	if (!strcmp(w[0], "answer") && word(w, 2) && word(w, 3)) {
		a.state = w[2];
		a.http_status = (int)strtol(w[3], NULL, 10);
		a.conversation_id = word(w, 4);
		snprintf(body, sizeof(body), "status %s", w[3]);
		a.body = body;
		a.body_len = strlen(body);
		a.headers = a.conversation_id ? "X-Conversation-ID: (as recorded)" : NULL;
		return tdk_journal_answer(j, sub_of(j, w[1], d), &a, NULL, d);
	}
	if (!strcmp(w[0], "requeue") && word(w, 1))
		return tdk_journal_requeue(j, sub_of(j, w[1], d), "connection refused", d);
	if (!strcmp(w[0], "resend") && word(w, 1)) {
		struct tdk_journal_row row = { 0 };

		r = tdk_journal_resend(j, sub_of(j, w[1], d), "a person decided", &row, d);
		tdk_journal_row_release(&row);
		return r;
	}
	if (!strcmp(w[0], "notify") && word(w, 4)) {
		int64_t sub = 0;

		n.endpoint = w[1];
		n.conversation_id = word(w, 2);
		n.lrn = word(w, 3);
		n.outcome = w[4];
		n.final = word(w, 5) && !strcmp(w[5], "final");
		r = tdk_journal_notify(j, &n, &sub, d);
		if (r == TDK_JOURNAL_NONE)
			printf("unmatched\n");
		else if (!r)
			printf("settled %lld\n", (long long)sub);
		return r == TDK_JOURNAL_NONE ? 0 : r;
	}
	if (!strcmp(w[0], "hold") && word(w, 1)) {
		printf("holding\n");
		fflush(stdout);
		sleep((unsigned)strtoul(w[1], NULL, 10));
		return 0;
	}
	return TDK_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct tdk_journal *j = NULL;
	struct tdk_diag d;
	char line[1024], *w[WORDS], *save;
	FILE *in = stdin;
	int r, i;

	if (argc < 2 || argc > 3 || (argc == 3 && !(in = fopen(argv[2], "r")))) {
		fprintf(stderr, "usage: journal-fill JOURNAL [SCRIPT]\n");
		return TDK_EXIT_USAGE;
	}
	tdk_diag_init(&d, argv[1]);
	d.emit = emit;
	if ((r = tdk_journal_open(&j, argv[1], 0, &d)))
		goto out;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = '\0';
		memset(w, 0, sizeof(w));
		for (i = 0, save = line; i < WORDS && (w[i] = strsep(&save, " ")); i++)
			;
		if (!w[0] || !*w[0] || *w[0] == '#')
			continue;
		fflush(stdout);
		if ((r = do_line(j, w, &d))) {
			if (r == TDK_EXIT_USAGE && !d.errors)
				fprintf(stderr, "journal-fill: cannot read the line '%s'\n", line);
			goto out;
		}
		fflush(stdout);
	}
out:
	tdk_journal_free(j);
	if (in != stdin)
		fclose(in);
	return r;
}
