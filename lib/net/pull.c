/*
 * The Pull Notifications API client: lists and single notifications, as
 * lib/net/pull.h says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "net/pull.h"
#include "util/exitcode.h"
#include "xml/xml.h"

void tdk_pull_ids_release(struct tdk_pull_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

/* Appends the last segment of href when it is an id; returns 0 or -1 (memory). */
static int add_id(struct tdk_pull_ids *ids, const char *href)
{
	const char *id = strrchr(href, '/');
	size_t len;

	id = id ? id + 1 : href;
	len = strlen(id);
	if (!len || len > TDK_PULL_ID_MAX || strspn(id, "0123456789abcdefABCDEFghijklmnopqrstuvwxyz"
						      "GHIJKLMNOPQRSTUVWXYZ-") != len || ids->n >= TDK_PULL_IDS_MAX) {
		ids->dropped++;
		return 0;
	}
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 16;
		void *v = realloc(ids->v, cap * sizeof(*ids->v));

		if (!v)
			return -1;
		ids->v = v;
		ids->cap = cap;
	}
	memcpy(ids->v[ids->n++], id, len + 1);
	return 0;
}

int tdk_pull_ids_parse(const char *p, size_t n, const char *name, struct tdk_pull_ids *ids, struct tdk_diag *d)
{
	xmlDocPtr doc;
	xmlNodePtr root, c;
	int r = 0;

	ids->n = ids->dropped = 0;
	if (n > TDK_PULL_LIST_MAX || !tdk_xml_sniff(p, n)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PULL-LIST", NULL, n > TDK_PULL_LIST_MAX ?
			     "the list of notifications is larger than %u bytes" : "the list of notifications is not XML",
			     TDK_PULL_LIST_MAX);
		return TDK_EXIT_IO;
	}
	if (!(doc = tdk_xml_parse(p, n, name, "CDS", NULL, d)))
		return TDK_EXIT_IO;
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "resource")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PULL-LIST", NULL,
			     "the list of notifications is no resource element of links");
		r = TDK_EXIT_IO;
	}
	for (c = root ? root->children : NULL; c && !r; c = c->next) {
		xmlChar *rel, *href;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "link"))
			continue;
		rel = xmlGetProp(c, (const xmlChar *)"rel");
		href = xmlGetProp(c, (const xmlChar *)"href");
		if (rel && href && !strcmp((const char *)rel, "notification") && add_id(ids, (const char *)href) < 0)
			r = TDK_EXIT_INTERNAL;
		xmlFree(rel);
		xmlFree(href);
	}
	xmlFreeDoc(doc);
	return r;
}

int tdk_pull_init(struct tdk_pull *p, const struct tdk_auth *a, struct tdk_http *h, const char *base)
{
	size_t n = strlen(base);

	while (n && base[n - 1] == '/')
		n--;
	p->a = a;
	p->h = h;
	if (n >= sizeof(p->base))
		return -1;
	memcpy(p->base, base, n);
	p->base[n] = '\0';
	return 0;
}

/* GETs BASE/path into r; returns 0 with r->status 200, TDK_PULL_GONE (a 404, when gone_ok) or an exit code. */
static int get(struct tdk_pull *p, const char *path, int gone_ok, struct tdk_http_resp *r, struct tdk_diag *d)
{
	static const char *const headers[] = { "Accept: " TDK_PULL_ACCEPT, NULL };
	struct tdk_http_req req = { "GET", NULL, headers, NULL, 0 };
	char url[4096];
	int rc;

	if ((size_t)snprintf(url, sizeof(url), "%s/%s", p->base, path) >= sizeof(url)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PULL-SETTINGS", NULL, "the notifications-url is too long");
		return TDK_EXIT_USAGE;
	}
	req.url = url;
	if ((rc = tdk_auth_request(p->a, p->h, &req, r, d)) != 0)
		return rc;
	if (r->status == 200)
		return 0;
	if (r->status == 404 && gone_ok)
		return TDK_PULL_GONE;
	if (r->status == 401 || r->status == 403) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PULL-UNAUTHORIZED", NULL,
			     "the notifications API refused the token (%ld) after one renewal: check the endpoint's "
			     "notifications-grant, client-id, secret and scope", r->status);
		return TDK_EXIT_TRUST;
	}
	if (r->status == 404 || r->status == 406) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PULL-SETTINGS", NULL, "the notifications API answered %ld to '%s': %s",
			     r->status, path, r->status == 404 ? "check the endpoint's notifications-url"
			     : "it does not take Accept: " TDK_PULL_ACCEPT);
		return TDK_EXIT_USAGE;
	}
	tdk_diag_add(d, TDK_SEV_ERROR, "PULL-STATUS", NULL, "the notifications API answered %ld to '%s'", r->status,
		     path);
	return TDK_EXIT_REMOTE;
}

int tdk_pull_list(struct tdk_pull *p, const char *which, struct tdk_pull_ids *ids, struct tdk_diag *d)
{
	struct tdk_http_resp r;
	int rc;

	tdk_http_resp_init(&r);
	if (!(rc = get(p, which, 0, &r, d))) {
		rc = tdk_pull_ids_parse(r.body.data ? r.body.data : "", r.body.len, p->base, ids, d);
		if (rc == TDK_EXIT_IO)
			rc = TDK_EXIT_REMOTE;
	}
	tdk_http_resp_release(&r);
	return rc;
}

int tdk_pull_get(struct tdk_pull *p, const char *which, const char *id, struct tdk_http_resp *r, struct tdk_diag *d)
{
	char path[TDK_PULL_ID_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", which, id);
	return get(p, path, 1, r, d);
}
