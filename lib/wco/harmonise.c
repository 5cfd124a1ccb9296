/*
 * tdk harmonise's document walk (harmonise.h).  The tree from lib/xml says
 * which values there are and what they hold; a scan of the document's own
 * bytes, in step with the tree (the n-th start tag is the n-th element),
 * says where each value lies, so that a change replaces those bytes and
 * nothing else.  The document has passed the parser first, so the scan
 * reads well-formed XML only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "util/exitcode.h"
#include "util/io.h"
#include "util/sniff.h"
#include "wco/harmonise.h"

/* ---- Setup ---- */

static int load_symbols(struct tdk_harm *h, const char *path, struct tdk_diag *d)
{
	struct tdk_buf b;
	const char *p, *end, *eol, *tab, *saved = d->file;
	unsigned long line = 0;
	int r = 0;

	if (tdk_read_all(path, (size_t)1 << 20, &b) < 0) {
		d->file = path;
		tdk_diag_add(d, TDK_SEV_ERROR, "HARM-RULES-READ", NULL, "cannot read the unit symbols: %s",
			     strerror(errno));
		d->file = saved;
		tdk_buf_release(&b);
		return TDK_EXIT_IO;
	}
	if (!(h->symbols = calloc(TDK_HARM_SYMBOLS_MAX, sizeof(*h->symbols))) || tdk_buf_addc(&h->symstr, 0) < 0)
		r = TDK_EXIT_INTERNAL;
	for (p = b.data, end = b.data + b.len; !r && p && p < end; p = eol + (eol < end)) {
		line++;
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			eol = end;
		if (eol == p || *p == '#')
			continue;
		if (!(tab = memchr(p, '\t', (size_t)(eol - p))) || tab == p || tab + 1 == eol ||
		    h->nsymbols == TDK_HARM_SYMBOLS_MAX || memchr(p, '\0', (size_t)(eol - p))) {
			struct tdk_diag_loc loc = { line, 1, 0, { 0 } };

			d->file = path;
			tdk_diag_add(d, TDK_SEV_ERROR, "HARM-RULES", &loc, "not a symbol, a tab and a code");
			d->file = saved;
			r = TDK_EXIT_IO;
			break;
		}
		h->symbols[h->nsymbols].symbol = h->symstr.len;
		if (tdk_buf_add(&h->symstr, p, (size_t)(tab - p)) < 0 || tdk_buf_addc(&h->symstr, 0) < 0)
			r = TDK_EXIT_INTERNAL;
		h->symbols[h->nsymbols].code = h->symstr.len;
		if (tdk_buf_add(&h->symstr, tab + 1, (size_t)(eol - tab - 1 - (eol[-1] == '\r'))) < 0 ||
		    tdk_buf_addc(&h->symstr, 0) < 0)
			r = TDK_EXIT_INTERNAL;
		h->nsymbols++;
	}
	tdk_buf_release(&b);
	return r;
}

int tdk_harm_init(struct tdk_harm *h, const struct tdk_harm_rules *rules, const char *symbols_file,
		  struct tdk_diag *d)
{
	size_t i;
	int need[4] = { 0, 0, 0, 0 }, k, r;

	memset(h, 0, sizeof(*h));
	h->rules = rules;
	tdk_buf_init(&h->symstr, (size_t)1 << 20);
	for (i = 0; i < rules->n; i++)
		if (rules->v[i].kind >= TDK_HARM_COUNTRY && rules->v[i].kind <= TDK_HARM_PACKAGE)
			need[rules->v[i].kind - TDK_HARM_COUNTRY] = 1;
	for (k = 0; k < 4; k++) {
		if (!need[k])
			continue;
		if ((r = tdk_codes_load(&h->lists[k], (enum tdk_codes_list)k, NULL, d)))
			return r;
		h->loaded[k] = 1;
	}
	if (need[TDK_CODES_UNIT] && symbols_file)
		return load_symbols(h, symbols_file, d);
	return 0;
}

void tdk_harm_release(struct tdk_harm *h)
{
	int k;

	for (k = 0; k < 4; k++)
		if (h->loaded[k])
			tdk_codes_release(&h->lists[k]);
	free(h->symbols);
	tdk_buf_release(&h->symstr);
	memset(h, 0, sizeof(*h));
}

/* ---- The scan of the document's bytes ---- */

struct raw_attr {
	size_t name, name_len;     /* the qualified name as written */
	size_t val, val_len;       /* the value between its quotes */
	unsigned long line, col;
};

struct raw_el {
	size_t content, content_end;  /* after the start tag's '>', at the end tag's '<' (equal when empty) */
	size_t attr, nattr;           /* its attributes in the attribute array */
	unsigned long line, col;      /* where the content starts */
};

struct scan {
	const char *p;
	size_t n, i;
	unsigned long line, col;
	struct raw_el *el;
	size_t nel, capel;
	struct raw_attr *at;
	size_t nat, capat;
	size_t stack[260];
	size_t depth;
};

static void adv(struct scan *s, size_t k)
{
	for (; k && s->i < s->n; k--, s->i++) {
		if (s->p[s->i] == '\n') {
			s->line++;
			s->col = 1;
		} else
			s->col++;
	}
}

/* Moves past the first occurrence of the string end. */
static void skip_past(struct scan *s, const char *end)
{
	size_t k = strlen(end);

	while (s->i < s->n && (s->n - s->i < k || memcmp(s->p + s->i, end, k)))
		adv(s, 1);
	adv(s, k);
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	if (!(nv = realloc(*v, c * size)))
		return -1;
	*v = nv;
	*cap = c;
	return 0;
}

/* A start tag at s->i ('<' and a name); returns -1 when memory runs out or the tag is not as expected. */
static int start_tag(struct scan *s)
{
	struct raw_el *e;
	size_t idx;
	char q;

	if (grow((void **)&s->el, &s->capel, s->nel, sizeof(*s->el)) < 0)
		return -1;
	idx = s->nel++;
	e = &s->el[idx];
	memset(e, 0, sizeof(*e));
	e->attr = s->nat;
	adv(s, 1);
	while (s->i < s->n && !is_blank(s->p[s->i]) && s->p[s->i] != '>' && s->p[s->i] != '/')
		adv(s, 1);
	for (;;) {
		while (s->i < s->n && is_blank(s->p[s->i]))
			adv(s, 1);
		if (s->i >= s->n)
			return -1;
		if (s->p[s->i] == '/' || s->p[s->i] == '>')
			break;
		if (grow((void **)&s->at, &s->capat, s->nat, sizeof(*s->at)) < 0)
			return -1;
		s->at[s->nat].name = s->i;
		while (s->i < s->n && !is_blank(s->p[s->i]) && s->p[s->i] != '=')
			adv(s, 1);
		s->at[s->nat].name_len = s->i - s->at[s->nat].name;
		while (s->i < s->n && s->p[s->i] != '"' && s->p[s->i] != '\'')
			adv(s, 1);
		if (s->i >= s->n)
			return -1;
		q = s->p[s->i];
		adv(s, 1);
		s->at[s->nat].val = s->i;
		s->at[s->nat].line = s->line;
		s->at[s->nat].col = s->col;
		while (s->i < s->n && s->p[s->i] != q)
			adv(s, 1);
		s->at[s->nat].val_len = s->i - s->at[s->nat].val;
		adv(s, 1);
		s->nat++;
		s->el[idx].nattr++;
	}
	e = &s->el[idx];
	if (s->p[s->i] == '/') {
		adv(s, 2);
		e->content = e->content_end = s->i;
		e->line = s->line;
		e->col = s->col;
		return 0;
	}
	adv(s, 1);
	e->content = s->i;
	e->line = s->line;
	e->col = s->col;
	if (s->depth == sizeof(s->stack) / sizeof(s->stack[0]))
		return -1;
	s->stack[s->depth++] = idx;
	return 0;
}

/* A document type declaration: its internal subset may hold '>' in quotes, brackets and comments. */
static void skip_doctype(struct scan *s)
{
	size_t end = tdk_xml_past_decl(s->p, s->n, s->i);

	adv(s, end ? end - s->i : s->n - s->i);
}

/* Scans the whole document; returns 0, or -1 (out of memory, or bytes that are not the XML parsed). */
static int scan(struct scan *s)
{
	const char *p = s->p;

	if (s->n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		adv(s, 3);
	while (s->i < s->n) {
		size_t left = s->n - s->i;
		const char *c = p + s->i;

		if (*c != '<') {
			adv(s, 1);
			continue;
		}
		if (left >= 2 && c[1] == '?')
			skip_past(s, "?>");
		else if (left >= 4 && !memcmp(c, "<!--", 4))
			skip_past(s, "-->");
		else if (left >= 9 && !memcmp(c, "<![CDATA[", 9))
			skip_past(s, "]]>");
		else if (left >= 2 && c[1] == '!')
			skip_doctype(s);
		else if (left >= 2 && c[1] == '/') {
			if (!s->depth)
				return -1;
			s->el[s->stack[--s->depth]].content_end = s->i;
			skip_past(s, ">");
		} else if (start_tag(s) < 0)
			return -1;
	}
	return s->depth ? -1 : 0;
}

/* ---- The walk over the tree ---- */

struct edit {
	size_t off, len;        /* the bytes replaced */
	size_t text, text_len;  /* the new bytes, in the walk's text buffer */
};

struct walk {
	const struct tdk_harm *h;
	struct scan s;
	struct tdk_diag *d;
	const char *names[TDK_HARM_STEPS_MAX * 8 + 8];  /* local names from the root */
	size_t depth, elno;
	int active[TDK_HARM_FILES_MAX];
	struct edit *ed;
	size_t ned, caped;
	struct tdk_buf text, val, path, shown;
	unsigned long changes, errors;
	int status;
};

static int steps_match(const struct tdk_harm_rule *r, const char *const *names, size_t depth)
{
	size_t k, off;

	if (r->nsteps > depth || (r->anchored && r->nsteps != depth))
		return 0;
	off = depth - r->nsteps;
	for (k = 0; k < r->nsteps; k++)
		if (strcmp(r->steps[k], "*") && strcmp(r->steps[k], names[off + k]))
			return 0;
	return 1;
}

/* The first active rule for the element at the top of the walk (attr NULL) or for its attribute attr. */
static const struct tdk_harm_rule *find_rule(const struct walk *w, const char *attr)
{
	const struct tdk_harm_rules *rs = w->h->rules;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct tdk_harm_rule *r = &rs->v[i];

		if (!w->active[r->file] || !r->attr != !attr || (attr && strcmp(r->attr, attr)))
			continue;
		if (steps_match(r, w->names, w->depth))
			return r;
	}
	return NULL;
}

/* "/MetaData/Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Origin/CountryCode" into w->path. */
static int xpath(struct walk *w, xmlNodePtr node, const char *attr)
{
	char part[512];
	size_t len;
	xmlNodePtr n, sib;
	int r = 0;

	tdk_buf_reset(&w->path);
	if (attr && (r = tdk_buf_addf(&w->path, "/@%s", attr)) < 0)
		return r;
	for (n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		unsigned long idx = 1, total = 1;

		for (sib = n->prev; sib; sib = sib->prev)
			if (sib->type == XML_ELEMENT_NODE && !strcmp((const char *)sib->name, (const char *)n->name))
				idx++, total++;
		for (sib = n->next; sib; sib = sib->next)
			if (sib->type == XML_ELEMENT_NODE && !strcmp((const char *)sib->name, (const char *)n->name))
				total++;
		if (total > 1)
			snprintf(part, sizeof(part), "/%s[%lu]", (const char *)n->name, idx);
		else
			snprintf(part, sizeof(part), "/%s", (const char *)n->name);
		len = strlen(part);
		if (tdk_buf_grow(&w->path, len) < 0)
			return -1;
		memmove(w->path.data + len, w->path.data, w->path.len + 1);
		memcpy(w->path.data, part, len);
		w->path.len += len;
	}
	return 0;
}

/* Appends s with control characters and backslashes escaped as in C: a line break is shown as \n. */
static int show(struct tdk_buf *b, const char *s)
{
	int r = 0;

	for (; *s && !r; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '\n' || c == '\t' || c == '\r')
			r = tdk_buf_addf(b, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : '\\');
		else if (c < 0x20 || c == 0x7f)
			r = tdk_buf_addf(b, "\\x%02x", c);
		else
			r = tdk_buf_addc(b, c);
	}
	return r;
}

static const char *const change_codes[] = { NULL, "HARM-COUNTRY", "HARM-CURRENCY", "HARM-UNIT",
					    "HARM-PACKAGE", "HARM-DATE", "HARM-NUMBER", "HARM-CODE", "HARM-ID" };

/* Harmonises value (at bytes off..off+len, line:col) by rule r; records the edit. */
static void one_value(struct walk *w, xmlNodePtr node, const char *attr, const struct tdk_harm_rule *r,
		      const char *value, int date_code, size_t off, size_t len, unsigned long line, unsigned long col)
{
	struct tdk_diag_loc loc = { line, col, off, { 0 } };
	const char *code;
	char msg[400];
	int e;

	if (r->kind == TDK_HARM_KEEP || !*value || strlen(value) > TDK_HARM_VALUE_MAX)
		return;
	e = tdk_harm_value(w->h, r, value, date_code, &w->val, &code, msg, sizeof(msg));
	if (e == -2 || xpath(w, node, attr) < 0) {
		w->status = TDK_EXIT_INTERNAL;
		return;
	}
	if (e == -1) {
		tdk_diag_add(w->d, TDK_SEV_ERROR, code, &loc, "%s: %s (rule %s)", w->path.data, msg, r->where);
		w->errors++;
		return;
	}
	if (w->val.len == strlen(value) && !memcmp(w->val.data, value, w->val.len))
		return;
	if (grow((void **)&w->ed, &w->caped, w->ned, sizeof(*w->ed)) < 0) {
		w->status = TDK_EXIT_INTERNAL;
		return;
	}
	w->ed[w->ned].off = off;
	w->ed[w->ned].len = len;
	w->ed[w->ned].text = w->text.len;
	if (tdk_xml_escape(&w->text, w->val.data, w->val.len) < 0) {
		w->status = TDK_EXIT_INTERNAL;
		return;
	}
	w->ed[w->ned].text_len = w->text.len - w->ed[w->ned].text;
	w->ned++;
	w->changes++;
	tdk_buf_reset(&w->shown);
	if (show(&w->shown, value) < 0 || tdk_buf_addc(&w->shown, 0) < 0 || show(&w->shown, w->val.data) < 0) {
		w->status = TDK_EXIT_INTERNAL;
		return;
	}
	tdk_diag_add(w->d, TDK_SEV_NOTE, change_codes[r->kind], &loc, "%s: '%s' -> '%s' (rule %s)", w->path.data,
		     w->shown.data, w->shown.data + strlen(w->shown.data) + 1, r->where);
}

/* Whether the element holds text only (no child element, comment or instruction). */
static int text_only(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			return 0;
	return 1;
}

static int date_code_of(xmlNodePtr node)
{
	xmlChar *fc = xmlGetProp(node, (const xmlChar *)"formatCode");
	int code = 0;

	if (fc) {
		const char *p = (const char *)fc;

		while (is_blank(*p))
			p++;
		code = !strncmp(p, "102", 3) ? 102 : !strncmp(p, "304", 3) ? 304 : -1;
		xmlFree(fc);
	}
	return code;
}

/* The element's attributes: each one a rule selects, matched to its bytes by its qualified name. */
static void attributes(struct walk *w, xmlNodePtr node, const struct raw_el *re)
{
	xmlAttrPtr a;
	char qn[256];
	size_t k;

	for (a = node->properties; a && !w->status; a = a->next) {
		const struct tdk_harm_rule *r = find_rule(w, (const char *)a->name);
		xmlChar *v;

		if (!r)
			continue;
		if (a->ns && a->ns->prefix)
			snprintf(qn, sizeof(qn), "%s:%s", a->ns->prefix, a->name);
		else
			snprintf(qn, sizeof(qn), "%s", a->name);
		for (k = re->attr; k < re->attr + re->nattr; k++) {
			const struct raw_attr *ra = &w->s.at[k];

			if (ra->name_len == strlen(qn) && !memcmp(w->s.p + ra->name, qn, ra->name_len))
				break;
		}
		if (k == re->attr + re->nattr || !(v = xmlNodeListGetString(node->doc, a->children, 1)))
			continue;
		one_value(w, node, (const char *)a->name, r, (const char *)v, 0, w->s.at[k].val, w->s.at[k].val_len,
			  w->s.at[k].line, w->s.at[k].col);
		xmlFree(v);
	}
}

static void element(struct walk *w, xmlNodePtr node)
{
	const struct raw_el *re;
	const struct tdk_harm_rule *r;
	xmlNodePtr c;

	if (w->elno >= w->s.nel || w->depth >= sizeof(w->names) / sizeof(w->names[0])) {
		w->status = TDK_EXIT_INTERNAL;
		return;
	}
	re = &w->s.el[w->elno++];
	w->names[w->depth++] = (const char *)node->name;
	attributes(w, node, re);
	if (!w->status && text_only(node) && (r = find_rule(w, NULL))) {
		xmlChar *v = xmlNodeGetContent(node);

		if (v)
			one_value(w, node, NULL, r, (const char *)v, date_code_of(node), re->content,
				  re->content_end - re->content, re->line, re->col);
		xmlFree(v);
	}
	for (c = node->children; c && !w->status; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			element(w, c);
	w->depth--;
}

/* Which rules files apply: those naming no namespace, and those naming one the document uses. */
static void activate(struct walk *w, xmlNodePtr node)
{
	const struct tdk_harm_rules *rs = w->h->rules;
	unsigned f;
	size_t k, off;
	xmlNodePtr c;

	for (f = 0; f < rs->nfiles; f++) {
		if (!rs->nns[f])
			w->active[f] = 1;
		for (k = 0, off = 0; !w->active[f] && k < rs->nns[f]; k++) {
			if (node->ns && node->ns->href && !strcmp((const char *)node->ns->href, rs->ns[f] + off))
				w->active[f] = 1;
			off += strlen(rs->ns[f] + off) + 1;
		}
	}
	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			activate(w, c);
}

static int by_offset(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Whether the document is UTF-8: no other encoding declared, no UTF-16 or UTF-32 byte order mark. */
static int utf8_doc(xmlDocPtr doc, const char *buf, size_t len)
{
	const char *enc = (const char *)doc->encoding;

	if (len >= 2 && ((buf[0] == '\xff' && buf[1] == '\xfe') || (buf[0] == '\xfe' && buf[1] == '\xff')))
		return 0;
	if (len >= 2 && (!buf[0] || !buf[1]))
		return 0;
	return !enc || !strcasecmp(enc, "UTF-8") || !strcasecmp(enc, "UTF8") || !strcasecmp(enc, "US-ASCII") ||
	       !strcasecmp(enc, "ASCII");
}

static int splice(struct walk *w, const char *buf, size_t len, struct tdk_buf *out)
{
	size_t at = 0, k;

	if (w->ned)
		qsort(w->ed, w->ned, sizeof(*w->ed), by_offset);
	for (k = 0; k < w->ned; k++) {
		if (tdk_buf_add(out, buf + at, w->ed[k].off - at) < 0 ||
		    tdk_buf_add(out, w->text.data + w->ed[k].text, w->ed[k].text_len) < 0)
			return -1;
		at = w->ed[k].off + w->ed[k].len;
	}
	return tdk_buf_add(out, buf + at, len - at);
}

int tdk_harm_doc(const struct tdk_harm *h, const char *buf, size_t len, const char *name,
		 const struct tdk_xml_limits *lim, struct tdk_buf *out, unsigned long *changes, struct tdk_diag *d)
{
	struct walk w;
	xmlDocPtr doc;
	xmlNodePtr root;
	int r;

	*changes = 0;
	if (!(doc = tdk_xml_parse_ex(buf, len, name, "HARM", 0, lim, d)))
		return TDK_EXIT_NEGATIVE;
	memset(&w, 0, sizeof(w));
	w.h = h;
	w.d = d;
	w.s.p = buf;
	w.s.n = len;
	w.s.line = w.s.col = 1;
	tdk_buf_init(&w.text, (size_t)1 << 30);
	tdk_buf_init(&w.val, TDK_HARM_VALUE_MAX * 8);
	tdk_buf_init(&w.path, (size_t)1 << 20);
	tdk_buf_init(&w.shown, TDK_HARM_VALUE_MAX * 16);
	if (!utf8_doc(doc, buf, len)) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HARM-ENCODING", NULL, "the document is in %s: tdk harmonise reads "
			     "UTF-8 (iconv converts it)", doc->encoding ? (const char *)doc->encoding : "UTF-16");
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (scan(&w.s) < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "HARM-INTERNAL", NULL, "the document's bytes do not scan as they parsed");
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (root) {
		activate(&w, root);
		element(&w, root);
	}
	if (w.status) {
		r = w.status;
		goto out;
	}
	r = splice(&w, buf, len, out) < 0 ? TDK_EXIT_INTERNAL : w.errors ? TDK_EXIT_NEGATIVE : TDK_EXIT_OK;
	*changes = w.changes;
out:
	xmlFreeDoc(doc);
	free(w.s.el);
	free(w.s.at);
	free(w.ed);
	tdk_buf_release(&w.text);
	tdk_buf_release(&w.val);
	tdk_buf_release(&w.path);
	tdk_buf_release(&w.shown);
	return r;
}
