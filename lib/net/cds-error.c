/*
 * The CDS errorResponse body (cds-error.h), as a tree from lib/xml.
 */
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "net/cds-error.h"
#include "xml/xml.h"

/* The element's text, trimmed, cut to TDK_CDS_ERROR_TEXT_MAX, anything unprintable as '?'. */
static char *text_of(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = c ? (const char *)c : "";
	size_t len, i;
	char *out;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len > TDK_CDS_ERROR_TEXT_MAX)
		len = TDK_CDS_ERROR_TEXT_MAX;
	if ((out = malloc(len + 1)) != NULL) {
		for (i = 0; i < len; i++)
			out[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F ? s[i] : '?';
		out[len] = '\0';
	}
	xmlFree(c);
	return out;
}

static int named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The code and message children of n into *code and *message (first of each). */
static int pair(xmlNodePtr n, char **code, char **message)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next) {
		if (named(c, "code") && !*code && !(*code = text_of(c)))
			return -1;
		if (named(c, "message") && !*message && !(*message = text_of(c)))
			return -1;
	}
	if (!*code && !(*code = strdup("")))
		return -1;
	if (!*message && !(*message = strdup("")))
		return -1;
	return 0;
}

static int add_item(struct tdk_cds_error *e, xmlNodePtr n)
{
	struct tdk_cds_error_item it = { NULL, NULL }, *v;

	if (e->n == TDK_CDS_ERROR_ITEMS_MAX) {
		e->dropped++;
		return 0;
	}
	if (!(v = realloc(e->v, (e->n + 1) * sizeof(*v))))
		return -1;
	e->v = v;
	if (pair(n, &it.code, &it.message) < 0) {
		free(it.code);
		free(it.message);
		return -1;
	}
	e->v[e->n++] = it;
	return 0;
}

static int items(struct tdk_cds_error *e, xmlNodePtr root)
{
	xmlNodePtr c, x;

	for (c = root->children; c; c = c->next)
		if (named(c, "errors"))
			for (x = c->children; x; x = x->next)
				if (named(x, "error") && add_item(e, x) < 0)
					return -1;
	return 0;
}

int tdk_cds_error_parse(const char *p, size_t n, const char *name, struct tdk_cds_error *e, struct tdk_diag *d)
{
	struct tdk_xml_limits lim;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (n > TDK_CDS_ERROR_BODY_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "CDS-ERROR-LIMIT", NULL, "the error body is larger than %u bytes",
			     TDK_CDS_ERROR_BODY_MAX);
		return -1;
	}
	tdk_xml_limits_init(&lim);
	lim.max_depth = 32;
	if (!(doc = tdk_xml_parse_ex(p, n, name, "CDS", 0, &lim, d)))
		return -1;
	root = xmlDocGetRootElement(doc);
	if (!named(root, "errorResponse")) {
		tdk_diag_add(d, TDK_SEV_ERROR, "CDS-ERROR-SHAPE", NULL, "the body is not an errorResponse");
		goto out;
	}
	if (pair(root, &e->code, &e->message) < 0 || items(e, root) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "CDS-ERROR-LIMIT", NULL, "out of memory");
		goto out;
	}
	if (!e->code[0]) {
		tdk_diag_add(d, TDK_SEV_ERROR, "CDS-ERROR-SHAPE", NULL, "the errorResponse has no code");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		tdk_cds_error_release(e);
	xmlFreeDoc(doc);
	return rc;
}

void tdk_cds_error_release(struct tdk_cds_error *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i].code);
		free(e->v[i].message);
	}
	free(e->v);
	free(e->code);
	free(e->message);
	memset(e, 0, sizeof(*e));
}

static int number(const char **s, unsigned long *v)
{
	const char *p = *s;

	for (*v = 0; *p >= '0' && *p <= '9' && *v < 100000000UL; p++)
		*v = *v * 10 + (unsigned long)(*p - '0');
	if (p == *s || (*p >= '0' && *p <= '9'))
		return -1;
	*s = p;
	return 0;
}

int tdk_cds_error_position(const char *msg, unsigned long *line, unsigned long *col, const char **rest)
{
	static const char a[] = "Error at line ", b[] = ", column ";
	const char *s = msg;

	if (strncmp(s, a, sizeof(a) - 1))
		return 0;
	s += sizeof(a) - 1;
	if (number(&s, line) < 0 || strncmp(s, b, sizeof(b) - 1))
		return 0;
	s += sizeof(b) - 1;
	if (number(&s, col) < 0 || *s != ':')
		return 0;
	s++;
	while (*s == ' ')
		s++;
	*rest = s;
	return 1;
}
