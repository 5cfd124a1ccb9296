/*
 * tdk serve's Pull Notifications API (hmrc/api-notification-pull):
 * GET /notifications/unpulled, /unpulled/{id} (which marks it pulled),
 * /pulled, /pulled/{id}, /conversationId/{id}[/unpulled|/pulled], lists as
 * <resource> of <link rel="notification">.  A notification is there once
 * its delay has passed.  Application-restricted: any valid Bearer token.
 */
#include <stdlib.h>
#include <string.h>

#include "net/serve-int.h"

static void pull_error(struct serve_req *r, unsigned status, const char *code, const char *msg)
{
	struct tdk_buf b = TDK_BUF_INIT(1024);

	tdk_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errorResponse>\n  <code>%s</code>\n"
		     "  <message>%s</message>\n</errorResponse>\n", code, msg);
	serve_answer(r, status, "application/xml; charset=UTF-8", b.data);
	tdk_buf_release(&b);
}

static void link_row(void *arg, int ncol, const char *const *v)
{
	tdk_buf_addf(arg, "  <link rel=\"notification\" href=\"/notifications/%s/%s\"/>\n",
		     v[1] && !strcmp(v[1], "1") ? "pulled" : "unpulled", v[0]);
}

static void body_row(void *arg, int ncol, const char *const *v)
{
	struct serve_req *r = arg;

	serve_header(r, "X-Conversation-ID", v[1]);
	serve_answer(r, 200, "application/xml; charset=UTF-8", v[0]);
}

/* A list: which is "unpulled", "pulled" or NULL (both), conv NULL or a conversation. */
static void list(struct serve_req *r, const char *self, const char *which, const char *conv)
{
	struct tdk_buf b = TDK_BUF_INIT(1u << 24), sql = TDK_BUF_INIT(1024);
	char now[24];
	const char *p[2];
	int np = 1, n;

	snprintf(now, sizeof(now), "%lld", (long long)serve_now());
	p[0] = now;
	tdk_buf_addl(&sql, "SELECT id, pulled FROM notifications WHERE due <= ?");
	if (which)
		tdk_buf_adds(&sql, !strcmp(which, "pulled") ? " AND pulled = 1" : " AND pulled = 0");
	if (conv) {
		tdk_buf_addl(&sql, " AND conversation_id = ?");
		p[np++] = conv;
	}
	tdk_buf_addl(&sql, " ORDER BY seq LIMIT 60000");
	tdk_buf_addl(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<resource href=\"");
	tdk_xml_escapes(&b, self);
	tdk_buf_addl(&b, "\">\n  <link rel=\"self\" href=\"");
	tdk_xml_escapes(&b, self);
	tdk_buf_addl(&b, "\"/>\n");
	pthread_mutex_lock(&r->s->lock);
	n = serve_store_query(r->s, sql.data, np, p, link_row, &b);
	pthread_mutex_unlock(&r->s->lock);
	tdk_buf_addl(&b, "</resource>\n");
	if (n < 0)
		pull_error(r, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
	else
		serve_answer(r, 200, "application/xml; charset=UTF-8", b.data);
	tdk_buf_release(&b);
	tdk_buf_release(&sql);
}

/* One notification; taking an unpulled one marks it pulled in the same lock. */
static void one(struct serve_req *r, const char *id, int pulled)
{
	char now[24];
	const char *p[3];
	int n;

	snprintf(now, sizeof(now), "%lld", (long long)serve_now());
	p[0] = id, p[1] = pulled ? "1" : "0", p[2] = now;
	pthread_mutex_lock(&r->s->lock);
	n = serve_store_query(r->s, "SELECT body, conversation_id FROM notifications WHERE id = ? AND pulled = ? "
			      "AND due <= ?", 3, p, body_row, r);
	if (n == 1 && !pulled && serve_store_exec(r->s, "UPDATE notifications SET pulled = 1 WHERE id = ?", 1, p))
		n = -1;
	pthread_mutex_unlock(&r->s->lock);
	if (n < 0)
		pull_error(r, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
	else if (n == 0)
		pull_error(r, 404, "NOT_FOUND", "Resource was not found");
}

void serve_pull(struct serve_req *r, const char *sub)
{
	const char *acc = serve_req_header(r, "Accept");
	char conv[64];
	const char *rest;

	if (strcmp(r->method, "GET")) {
		pull_error(r, 405, "METHOD_NOT_ALLOWED", "Method not allowed");
		return;
	}
	if (!acc || strcmp(acc, "application/vnd.hmrc.1.0+xml")) {
		pull_error(r, 406, "ACCEPT_HEADER_INVALID", "The accept header is missing or invalid");
		return;
	}
	if (!serve_bearer_ok(r, NULL)) {
		pull_error(r, 401, "UNAUTHORIZED", "Bearer token is missing or not authorized");
		return;
	}
	if (!strcmp(sub, "/unpulled") || !strcmp(sub, "/unpulled/"))
		list(r, "/notifications/unpulled/", "unpulled", NULL);
	else if (!strcmp(sub, "/pulled") || !strcmp(sub, "/pulled/"))
		list(r, "/notifications/pulled/", "pulled", NULL);
	else if (!strncmp(sub, "/unpulled/", 10) && strlen(sub + 10) == 36)
		one(r, sub + 10, 0);
	else if (!strncmp(sub, "/pulled/", 8) && strlen(sub + 8) == 36)
		one(r, sub + 8, 1);
	else if (!strncmp(sub, "/conversationId/", 16) && strlen(sub + 16) >= 36) {
		snprintf(conv, sizeof(conv), "%.36s", sub + 16);
		rest = sub + 52;
		if (*rest && strcmp(rest, "/unpulled") && strcmp(rest, "/pulled") && strcmp(rest, "/"))
			pull_error(r, 404, "NOT_FOUND", "Resource was not found");
		else
			list(r, r->url, !strcmp(rest, "/unpulled") ? "unpulled" : !strcmp(rest, "/pulled") ? "pulled" : NULL,
			     conv);
	} else {
		pull_error(r, 404, "NOT_FOUND", "Resource was not found");
	}
}
