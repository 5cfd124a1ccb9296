/*
 * A document sent to a REST single window (see rest.h).
 */
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net/rest.h"
#include "util/exitcode.h"
#include "xml/xml.h"

/* The first element child of parent named name (any namespace), or NULL. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

/* Copies text without the blanks around it into out[0..size); returns 1, or 0 when empty or too long. */
static int trimmed(const char *text, char *out, size_t size)
{
	size_t len;

	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	len = strlen(text);
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (!len || len >= size || len > TDK_REST_LRN_MAX)
		return 0;
	memcpy(out, text, len);
	out[len] = '\0';
	return 1;
}

int tdk_rest_lrn(const char *p, size_t n, char *out, size_t size)
{
	struct tdk_diag quiet;
	xmlDocPtr doc;
	xmlNodePtr root, decl, ref;
	xmlChar *text;
	int found = 0;

	tdk_diag_init(&quiet, "lrn");
	if (!size || !(doc = tdk_xml_parse_ex(p, n, "lrn", "SUBMIT", 0, NULL, &quiet)))
		return 0;
	/* The Declaration is the root, or a child of the root (a WCO MetaData wrapper). */
	root = xmlDocGetRootElement(doc);
	decl = root && strcmp((const char *)root->name, "Declaration") ? child(root, "Declaration") : root;
	ref = child(decl ? decl : root, "FunctionalReferenceID");
	if (ref && (text = xmlNodeGetContent(ref))) {
		found = trimmed((const char *)text, out, size);
		xmlFree(text);
	}
	xmlFreeDoc(doc);
	return found;
}

const char *tdk_rest_settings_hint(long status)
{
	switch (status) {
	case 404:
		return "the server has no such resource: check the endpoint's url";
	case 406:
		return "the server refused the Accept header: check the endpoint's api-version";
	case 415:
		return "the server refused the Content-Type application/xml; charset=UTF-8: check that the "
		       "endpoint's url takes XML declarations";
	default:
		return "the endpoint's settings do not fit the server";
	}
}

/* An HTTP failure (or a token not got) as the document's fate. */
static enum tdk_rest_result failed(const struct tdk_http_resp *r, int rc, int *code)
{
	*code = rc;
	if (r->status == 401)
		return TDK_REST_CREDENTIALS;
	switch (r->outcome) {
	case TDK_HTTP_UNKNOWN:
	case TDK_HTTP_TOO_LARGE:
		*code = TDK_EXIT_REMOTE;
		return TDK_REST_UNKNOWN;
	case TDK_HTTP_INTERNAL:
		return r->body_sent ? TDK_REST_UNKNOWN : TDK_REST_NOT_SENT;
	case TDK_HTTP_TRUST:
		*code = TDK_EXIT_TRUST;
		return TDK_REST_NOT_SENT;
	case TDK_HTTP_REFUSED:
		*code = TDK_EXIT_USAGE;
		return TDK_REST_NOT_SENT;
	default:
		return TDK_REST_NOT_SENT;
	}
}

/* The delay a 429 or 503 asks for, or -1 when it asks for none (or one too long to wait). */
static long retry_delay(const struct tdk_http_resp *r)
{
	size_t len;
	const char *v;
	long s;

	if (r->status != 429 && r->status != 503)
		return -1;
	if (!(v = tdk_http_resp_header(r, "Retry-After", &len)) || tdk_http_retry_after(v, len, time(NULL), &s))
		return -1;
	return s <= TDK_REST_RETRY_AFTER_MAX ? s : -1;
}

static enum tdk_rest_result meaning(long status)
{
	switch (status) {
	case 202:
		return TDK_REST_ACCEPTED;
	case 400:
		return TDK_REST_REJECTED;
	case 401:
		return TDK_REST_CREDENTIALS;
	case 403:
		return TDK_REST_REFUSED;
	case 404:
	case 406:
	case 415:
		return TDK_REST_SETTINGS;
	case 429:
	case 503:
		return TDK_REST_BUSY;
	default:
		return TDK_REST_UNKNOWN;
	}
}

void tdk_rest_headers(const struct tdk_endpoint *e, const char *id_header, struct tdk_rest_headers *h)
{
	char accept[96];
	size_t k = 0;

	if (tdk_endpoint_accept(e, accept, sizeof(accept))) {
		snprintf(h->accept, sizeof(h->accept), "Accept: %s", accept);
		h->v[k++] = h->accept;
	}
	h->v[k++] = "Content-Type: application/xml; charset=UTF-8";
	if (e->value[TDK_EK_BADGE_ID]) {
		snprintf(h->badge, sizeof(h->badge), "X-Badge-Identifier: %s", e->value[TDK_EK_BADGE_ID]);
		h->v[k++] = h->badge;
	}
	if (e->value[TDK_EK_SUBMITTER_ID]) {
		snprintf(h->id, sizeof(h->id), "%s: %s", id_header, e->value[TDK_EK_SUBMITTER_ID]);
		h->v[k++] = h->id;
	}
	h->v[k] = NULL;
}

enum tdk_rest_result tdk_rest_post(const struct tdk_auth *a, struct tdk_http *h, const void *body, size_t n,
				   struct tdk_http_resp *r, unsigned *tries, int *code, struct tdk_diag *d)
{
	const struct tdk_endpoint *e = a->e;
	struct tdk_rest_headers hd;
	struct tdk_http_req req = { "POST", e->value[TDK_EK_URL], hd.v, body, n };
	unsigned long attempt;
	int rc;

	*code = 0;
	*tries = 0;
	tdk_rest_headers(e, "X-Submitter-Identifier", &hd);
	for (attempt = 0;; attempt++) {
		long wait;
		struct timespec ts;

		r->outcome = TDK_HTTP_NOT_SENT;
		r->status = 0;
		++*tries;
		if ((rc = tdk_auth_request(a, h, &req, r, d)) != 0)
			return failed(r, rc, code);
		if (attempt >= e->retries || (wait = retry_delay(r)) < 0)
			break;
		ts.tv_sec = wait;
		ts.tv_nsec = 0;
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	return meaning(r->status);
}
