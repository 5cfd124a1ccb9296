/*
 * tdk poll's two halves: cmd/poll.c takes the options, names the
 * submissions, waits and reports; cmd/poll-fetch.c pulls the notifications
 * (lib/net/pull.h), reads them (lib/net/notify.h), stores each in the
 * journal before anything is said about it, and explains a rejection's
 * errors (cmd/explain.h).
 */
#ifndef TDK_POLL_INT_H
#define TDK_POLL_INT_H

#include <stdint.h>

#include "cmd.h"
#include "net/auth.h"
#include "net/http.h"
#include "net/journal.h"
#include "net/pull.h"
#include "wco/dict.h"
#include "xml/xml.h"

/* What a run holds; cmd/poll.c sets it up and frees it. */
struct poll {
	struct tdk_ctx *ctx;
	const char *endpoint, *endpoints, *journal, *wait, *format;
	int quiet;
	const struct tdk_endpoint *e;
	struct tdk_auth auth;
	struct tdk_http http;
	struct tdk_pull pull;
	struct tdk_journal *j;
	struct tdk_xml_schemas set;         /* the endpoint's catalog, when has_set */
	int has_set, has_http;
	struct tdk_wco_dict dict;           /* for the names of a rejection's pointers (empty when not installed) */
	struct tdk_report rep;
	struct tdk_diag d;                  /* the run's own diagnostics, under the endpoint's name */
	int64_t *subs;                      /* the submissions reported: named, or found */
	size_t nsubs, cap;
	int all;                            /* no operand: every submission not final, and those notified */
	char (*explained)[24];              /* "SUB FC" of the rejections explained in this run */
	size_t nexplained;
	unsigned long fetched, malformed, unmatched;
	unsigned long deferred;             /* notifications of submissions being sent, in this round */
};

/* Adds sub to p->subs once; returns 0 or -1 (memory). */
int poll_add_sub(struct poll *p, int64_t sub);

/*
 * One round: with recover, first the notifications on the pulled list the
 * journal does not hold (fetched by a run that ended before it stored
 * them), then every unpulled one.  Returns 0, or the exit code of a
 * failure that ends the run (network 4, credentials 5, settings 2,
 * journal 3); a malformed notification does not end it (p->malformed),
 * nor one left for a later round (p->deferred).
 */
int poll_round(struct poll *p, int recover);

#endif
