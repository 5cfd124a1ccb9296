/*
 * The client of a Pull Notifications API (HMRC's api-notification-pull,
 * which tdk serve also answers): lists of notification ids, and single
 * notifications, from the endpoint's notifications-url (BASE below).
 *
 *   GET BASE/unpulled                 the ids not fetched yet
 *   GET BASE/unpulled/ID              one of them: the server marks it pulled
 *   GET BASE/pulled                   the ids fetched already
 *   GET BASE/pulled/ID                one of them, again
 *   GET BASE/conversationId/CID/unpulled   those of one conversation
 *
 * Every request carries Accept: application/vnd.hmrc.1.0+xml and a Bearer
 * token of the endpoint's notifications grant (lib/net/auth.h: renewed once
 * on a 401).  A list is a resource element holding one
 * <link rel="notification" href=".../ID"/> per notification; ids are kept
 * as the last segment of href.  A notification answers with its body and
 * its X-Conversation-ID header.
 *
 * Nothing here prints or exits.
 */
#ifndef TDK_NET_PULL_H
#define TDK_NET_PULL_H

#include <stddef.h>

#include "net/auth.h"
#include "net/http.h"
#include "util/diag.h"

/* The most ids read from one list (more are left for the next round); the longest id. */
#define TDK_PULL_IDS_MAX 10000
#define TDK_PULL_ID_MAX 64
/* The largest list read. */
#define TDK_PULL_LIST_MAX (8u << 20)
/* The Accept header of the API. */
#define TDK_PULL_ACCEPT "application/vnd.hmrc.1.0+xml"

/* A list of ids; zero it before use, tdk_pull_ids_release() frees it. */
struct tdk_pull_ids {
	char (*v)[TDK_PULL_ID_MAX + 1];
	size_t n, cap;
	size_t dropped;                 /* links past TDK_PULL_IDS_MAX, or whose id is not one */
};

void tdk_pull_ids_release(struct tdk_pull_ids *ids);

/*
 * Reads a list p[0..n), reported under name, into ids (emptied first): an
 * id is the href's last segment, made of letters, digits and '-' (others
 * are counted in dropped).  Returns 0; TDK_EXIT_IO with a diagnostic when
 * it is no list (PULL-LIST: too large, not XML, the root is not resource;
 * CDS-XML, XML-LIMIT-*); or TDK_EXIT_INTERNAL (memory).
 */
int tdk_pull_ids_parse(const char *p, size_t n, const char *name, struct tdk_pull_ids *ids, struct tdk_diag *d);

/* One endpoint's API: its auth and connection (borrowed), and BASE without a final '/'. */
struct tdk_pull {
	const struct tdk_auth *a;
	struct tdk_http *h;
	char base[2048];
};

/* Sets p up for the notifications-url base; returns 0, or -1 when it does not fit. */
int tdk_pull_init(struct tdk_pull *p, const struct tdk_auth *a, struct tdk_http *h, const char *base);

/*
 * GETs the list BASE/which ("unpulled", "pulled", "conversationId/CID/unpulled")
 * into ids.  Returns 0, or an exit code with a diagnostic: the HTTP
 * client's and the token's (TDK_EXIT_REMOTE, TDK_EXIT_TRUST),
 * PULL-UNAUTHORIZED (401 after a renewal: TDK_EXIT_TRUST), PULL-SETTINGS (404
 * or 406: the notifications-url or the API is wrong, TDK_EXIT_USAGE),
 * PULL-STATUS (any other status, TDK_EXIT_REMOTE), PULL-LIST (TDK_EXIT_REMOTE).
 */
int tdk_pull_list(struct tdk_pull *p, const char *which, struct tdk_pull_ids *ids, struct tdk_diag *d);

/* Returned by tdk_pull_get() beside 0 and the exit codes. */
#define TDK_PULL_GONE 100

/*
 * GETs the notification BASE/which/id (which "unpulled" or "pulled") into
 * r (initialised by the caller).  Returns 0 when it came (status 200);
 * TDK_PULL_GONE when the server has no such notification (404: another
 * client took it, or it is gone; nothing reported); or an exit code as
 * tdk_pull_list() (a 406 is PULL-SETTINGS).
 */
int tdk_pull_get(struct tdk_pull *p, const char *which, const char *id, struct tdk_http_resp *r,
		 struct tdk_diag *d);

#endif
