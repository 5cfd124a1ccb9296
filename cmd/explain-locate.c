/*
 * tdk explain: a pointer named from the WCO dictionary and found in the
 * declaration (explain.h).  The steps of a pointer are found by the names
 * the dictionary gives their prefixes; an occurrence is the child whose
 * SequenceNumeric is the step's, or, where the elements have none (DMS then
 * counts them), the n-th.  Positions are the start tags' lines (libxml2's)
 * and columns found on that line in the document's bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "cmd.h"
#include "util/io.h"
#include "xml/xml.h"

#define DECL_MAX ((size_t)64 << 20)
#define DEPTH_MAX 256

int tdk_explain_local_is(xmlNodePtr node, const char *name)
{
	const char *n;

	if (!node || node->type != XML_ELEMENT_NODE || !node->name)
		return 0;
	n = (const char *)node->name;
	/* A namespace-stripped document may keep the prefix glued on ("_2MetaData"): the root only. */
	return !strcmp(n, name);
}

xmlNodePtr tdk_explain_child(xmlNodePtr parent, const char *name, xmlNodePtr after)
{
	xmlNodePtr c;

	for (c = after ? after->next : parent->children; c; c = c->next)
		if (tdk_explain_local_is(c, name))
			return c;
	return NULL;
}

void tdk_explain_text(xmlNodePtr node, char *out, size_t size)
{
	xmlChar *t = xmlNodeGetContent(node);
	const char *s = t ? (const char *)t : "";
	size_t n, i;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	out[n] = '\0';
	xmlFree(t);
}

int tdk_explain_is_id(const char *s)
{
	size_t n = strlen(s);

	return n && n < 16 && strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

/* ---- The declaration ---- */

/* Passes a diagnostic of the tree reader on under explain's own codes. */
static void rename_xml(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_diag *to = arg;
	const char *code = !strcmp(it->code, "VERIFY-XML")	  ? "EXPLAIN-XML" :
			   !strcmp(it->code, "VERIFY-XML-ENTITY") ? "EXPLAIN-XML-ENTITY" :
								    it->code;

	tdk_diag_add(to, it->sev, code, &it->loc, "%s", it->msg);
}

xmlDocPtr tdk_explain_parse(const char *buf, size_t len, const char *name, struct tdk_diag *d)
{
	struct tdk_diag inner;

	tdk_diag_init(&inner, d->file);
	inner.emit = rename_xml;
	inner.arg = d;
	return tdk_xml_parse_ex(buf ? buf : "", len, name, "VERIFY", 0, NULL, &inner);
}

int tdk_explain_decl_load(struct tdk_explain_decl *decl, const char *path, struct tdk_diag *d)
{
	struct tdk_input in;
	xmlNodePtr root;
	const char *saved = d->file;
	int r = 0;

	memset(decl, 0, sizeof(*decl));
	tdk_buf_init(&decl->buf, DECL_MAX);
	snprintf(decl->name, sizeof(decl->name), "%s", strcmp(path, "-") ? path : "<stdin>");
	d->file = decl->name;
	if (tdk_input_open(&in, path) < 0 || tdk_input_read_all(&in, DECL_MAX, &decl->buf) < 0) {
		r = errno == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
		tdk_diag_add(d, TDK_SEV_ERROR, "EXPLAIN-DECLARATION", NULL, "cannot read the declaration: %s",
			     errno == EFBIG ? "longer than 64 MiB" : strerror(errno));
		if (in.fd >= 0)
			tdk_input_close(&in);
		goto out;
	}
	tdk_input_close(&in);
	if (!(decl->doc = tdk_explain_parse(decl->buf.data, decl->buf.len, decl->name, d))) {
		r = TDK_EXIT_IO;
		goto out;
	}
	root = xmlDocGetRootElement(decl->doc);
	decl->root = tdk_explain_local_is(root, "Declaration") ? root : tdk_explain_child(root, "Declaration", NULL);
	if (!decl->root) {
		tdk_diag_add(d, TDK_SEV_ERROR, "EXPLAIN-DECLARATION", NULL,
			     "no Declaration element, as the root or a child of the root: it is no declaration");
		r = TDK_EXIT_IO;
	}
out:
	d->file = saved;
	return r;
}

void tdk_explain_decl_release(struct tdk_explain_decl *decl)
{
	xmlFreeDoc(decl->doc);
	decl->doc = NULL;
	decl->root = NULL;
	tdk_buf_release(&decl->buf);
}

/* ---- Finding the element ---- */

/*
 * The child of parent named name that step s selects: the first without a
 * SequenceNumeric; with one, the child whose SequenceNumeric child has that
 * value, or when none of them has one, the s->seq-th.  NULL when none;
 * *none_has is set when children of that name exist but not the occurrence.
 */
static xmlNodePtr select_child(xmlNodePtr parent, const char *name, const struct tdk_explain_step *s,
			       int *none_has)
{
	xmlNodePtr c = NULL, sq, nth = NULL;
	unsigned long k = 0;
	int numbered = 0;
	char text[32];

	*none_has = 0;
	while ((c = tdk_explain_child(parent, name, c))) {
		if (!s || !s->has_seq)
			return c;
		if (++k == s->seq)
			nth = c;
		if (!(sq = tdk_explain_child(c, "SequenceNumeric", NULL)))
			continue;
		numbered = 1;
		tdk_explain_text(sq, text, sizeof(text));
		if (strspn(text, "0123456789") == strlen(text) && *text && strtoul(text, NULL, 10) == s->seq)
			return c;
	}
	*none_has = k > 0;
	return numbered ? NULL : nth;
}

/* The ID of step j of pointer p ("42A/67A/68A", 1 gives "67A"), into out. */
static void step_id(const char *p, size_t j, char *out, size_t size)
{
	size_t n;

	while (j-- && (p = strchr(p, '/')))
		p++;
	n = p ? strcspn(p, "/") : 0;
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p ? p : "");
}

/*
 * The step of the notification that step j of the entry's pointer (of m
 * steps) stands for: its suffix aligns with the notification's last steps,
 * its leading steps with the notification's first when the IDs agree; all
 * of an entry of a prefix of the pointer with the first.
 */
static const struct tdk_explain_step *aligned(const struct tdk_explain_step *st, size_t n, size_t dropped,
					      size_t m, size_t j, const char *id)
{
	size_t tail = n - dropped;

	if (tail > m)   /* the entry of a prefix: its steps are the notification's first */
		return j < n && !strcmp(st[j].id, id) ? &st[j] : NULL;
	if (j + tail >= m)
		return &st[dropped + (j + tail - m)];
	return j < dropped && !strcmp(st[j].id, id) ? &st[j] : NULL;
}

/* Walks the declaration along the entry's pointer. */
static void walk(const struct tdk_wco_dict *dict, const struct tdk_wco_elem *e, const struct tdk_explain_step *st,
		 size_t n, struct tdk_explain_what *w)
{
	const char *p = e->pointer;
	const struct tdk_wco_elem *pe;
	const struct tdk_explain_step *s;
	char prefix[TDK_WCO_POINTER_MAX + 1], id[16];
	size_t m = 1, j, len;
	xmlNodePtr node = w->decl->root, next;
	int none_has;

	for (len = 0; p[len]; len++)
		m += p[len] == '/';
	pe = tdk_wco_dict_by_pointer(dict, (step_id(p, 0, id, sizeof(id)), id));
	if (!pe || !tdk_explain_local_is(node, pe->name)) {
		w->missing = pe ? pe->name : id;
		return;
	}
	for (j = 1, len = strcspn(p, "/"); j < m; j++) {
		len += 1 + strcspn(p + len + 1, "/");
		snprintf(prefix, sizeof(prefix), "%.*s", (int)len, p);
		step_id(p, j, id, sizeof(id));
		if (!(pe = tdk_wco_dict_by_pointer(dict, prefix)) || !*pe->name) {
			w->found = node;
			w->missing = id;
			return;
		}
		s = aligned(st, n, w->dropped, m, j, id);
		if (!(next = select_child(node, pe->name, s, &none_has))) {
			w->found = node;
			w->missing = pe->name;
			w->no_occurrence = none_has && s && s->has_seq;
			w->want_seq = s ? s->seq : 0;
			return;
		}
		node = next;
	}
	w->found = node;
	w->complete = 1;
}

void tdk_explain_pointer(const struct tdk_wco_dict *dict, const struct tdk_explain_decl *decl,
			 const struct tdk_explain_step *st, size_t n, const char *ptr, struct tdk_explain_what *w)
{
	char prefix[TDK_WCO_POINTER_MAX + 1];
	size_t i, len;

	w->e = ptr && n ? tdk_wco_dict_resolve(dict, ptr, &w->dropped) : NULL;
	for (i = 0; i < n && !w->unknown[0]; i++)
		if (!tdk_explain_is_id(st[i].id) || !tdk_wco_dict_id_name(dict, st[i].id))
			snprintf(w->unknown, sizeof(w->unknown), "%s", st[i].id);
	w->decl = decl;
	if (!decl)
		return;
	w->found = decl->root;
	if (w->e) {
		walk(dict, w->e, st, n, w);
		return;
	}
	/* The part of an unknown pointer that the dictionary knows: walked as far as it goes. */
	for (len = ptr ? strlen(ptr) : 0; len && !w->near; ) {
		while (len && ptr[len - 1] != '/')
			len--;
		if (!len--)
			break;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)len, ptr);
		w->near = tdk_wco_dict_by_pointer(dict, prefix);
	}
	if (w->near)
		walk(dict, w->near, st, n, w);
}

/* ---- Positions and the report ---- */

/*
 * The position of node's start tag in buf[0..len): libxml2 knows the line
 * where the tag ends; the tag begins there (the k-th of its name on that
 * line), or, when it spans lines, at the last "<name" before that line.
 * Only the line libxml2 gave when neither is found.
 */
static struct tdk_diag_loc pos_of(const char *buf, size_t len, xmlNodePtr node)
{
	struct tdk_diag_loc loc = { 0, 0, 0, { 0 } };
	long line = xmlGetLineNo(node), l = 1;
	char q[256];
	xmlNodePtr cur = xmlDocGetRootElement(node->doc);
	unsigned long k = 0;
	size_t i = 0, qn, e, start, last = (size_t)-1;

	if (line <= 0)
		return loc;
	loc.line = (unsigned long)line;
	if (!buf)
		return loc;
	snprintf(q, sizeof(q), "<%s%s%s", node->ns && node->ns->prefix ? (const char *)node->ns->prefix : "",
		 node->ns && node->ns->prefix ? ":" : "", (const char *)node->name);
	/* The elements of the same name on that line before node, in document order. */
	while (cur && cur != node) {
		if (cur->type == XML_ELEMENT_NODE && xmlGetLineNo(cur) == line && cur->ns == node->ns &&
		    !strcmp((const char *)cur->name, (const char *)node->name))
			k++;
		if (cur->children && cur->type == XML_ELEMENT_NODE) {
			cur = cur->children;
			continue;
		}
		while (cur && !cur->next)
			cur = cur->parent;
		cur = cur ? cur->next : NULL;
	}
	qn = strlen(q);
	for (; i < len && l < line; i++) {
		l += buf[i] == '\n';
		if (i + qn < len && !memcmp(buf + i, q, qn) && strchr(" \t\r\n/>", buf[i + qn]))
			last = i;
	}
	start = i;
	for (e = i; e < len && buf[e] != '\n'; e++)
		;
	for (; i + qn <= e; i++) {
		if (memcmp(buf + i, q, qn) || (i + qn < e && !strchr(" \t\r/>", buf[i + qn])))
			continue;
		if (!k--) {
			loc.col = (unsigned long)(i - start) + 1;
			loc.offset = i;
			return loc;
		}
	}
	if (last != (size_t)-1 && !k) {
		for (loc.line = 1, i = 0, start = 0; i < last; i++)
			if (buf[i] == '\n') {
				loc.line++;
				start = i + 1;
			}
		loc.col = (unsigned long)(last - start) + 1;
		loc.offset = last;
	}
	return loc;
}

/* The XPath of node by local names, "[k]" where siblings share the name: "/MetaData/Declaration/...". */
static void xpath_of(xmlNodePtr node, struct tdk_buf *b)
{
	xmlNodePtr up[DEPTH_MAX], c;
	size_t n = 0, k, count;

	for (; node && node->type == XML_ELEMENT_NODE && n < DEPTH_MAX; node = node->parent)
		up[n++] = node;
	while (n--) {
		tdk_buf_addf(b, "/%s", (const char *)up[n]->name);
		if (!up[n]->parent || up[n]->parent->type != XML_ELEMENT_NODE)
			continue;
		for (c = NULL, k = count = 0; (c = tdk_explain_child(up[n]->parent, (const char *)up[n]->name, c));) {
			count++;
			if (c == up[n])
				k = count;
		}
		if (count > 1)
			tdk_buf_addf(b, "[%zu]", k);
	}
}

/* Whether node has an element child (its value is then not shown). */
static int has_elements(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* "Declaration/GoodsShipment[1]/...": the names of the steps, each with its SequenceNumeric. */
static void names_of(const struct tdk_wco_dict *dict, const char *ptr, const struct tdk_explain_step *st,
		     size_t n, struct tdk_buf *b)
{
	struct tdk_buf names = TDK_BUF_INIT(8 * TDK_WCO_POINTER_MAX);
	const char *p, *slash;
	size_t i;

	if (tdk_wco_dict_steps(dict, ptr, &names) < 0 || tdk_buf_addc(&names, '\0') < 0)
		goto out;
	for (i = 0, p = names.data; i < n && p; i++, p = slash ? slash + 1 : NULL) {
		slash = strchr(p, '/');
		tdk_buf_addf(b, "%s%.*s", i ? "/" : "", (int)(slash ? (size_t)(slash - p) : strlen(p)), p);
		if (st[i].has_seq)
			tdk_buf_addf(b, "[%lu]", st[i].seq);
	}
out:
	tdk_buf_release(&names);
}

/* What the entry says of its element: "(n..16,6, code list unit, DE 6/1)", or "" when nothing. */
static void facts_of(const struct tdk_wco_elem *e, struct tdk_buf *b)
{
	const char *sep = " (";

	if (!e) {
		tdk_buf_adds(b, " (not in the WCO dictionary)");
		return;
	}
	if (*e->format) {
		tdk_buf_addf(b, "%s%s", sep, e->format);
		sep = ", ";
	}
	if (*e->codelist) {
		tdk_buf_addf(b, "%scode list %s", sep, e->codelist);
		sep = ", ";
	}
	if (*e->ucc) {
		tdk_buf_addf(b, "%sDE %s", sep, e->ucc);
		sep = ", ";
	}
	if (*sep == ',')
		tdk_buf_addc(b, ')');
}

struct tdk_diag_loc tdk_explain_pos(const struct tdk_explain_decl *decl, xmlNodePtr node)
{
	return pos_of(decl->buf.data, decl->buf.len, node);
}

/* Where a diagnostic goes: the element in the declaration, else the node in the notification. */
static struct tdk_diag_loc where(const struct tdk_explain_what *w, xmlNodePtr node, int in_decl)
{
	return in_decl ? pos_of(w->decl->buf.data, w->decl->buf.len, node) : pos_of(w->note_buf, w->note_len, node);
}

/* The error's message: the pointer and its names, what it names, where it is in the declaration. */
static void message(const struct tdk_wco_dict *dict, const char *desc, const char *ptr,
		    const struct tdk_explain_step *st, size_t n, const struct tdk_explain_what *w, struct tdk_buf *b)
{
	char value[64];

	if (!n) {
		tdk_buf_adds(b, "the error names no element (no pointer)");
	} else {
		tdk_buf_addf(b, "pointer %s", ptr);
		if (!w->unknown[0] || tdk_explain_is_id(w->unknown)) {
			tdk_buf_adds(b, " names ");
			names_of(dict, ptr, st, n, b);
		}
		facts_of(w->e, b);
	}
	if (w->decl && w->found && w->complete && w->near) {
		tdk_buf_adds(b, "; the declaration has its known part at ");
		xpath_of(w->found, b);
	} else if (w->decl && w->found && w->complete) {
		tdk_buf_adds(b, "; in the declaration ");
		xpath_of(w->found, b);
		if (n && !has_elements(w->found)) {
			tdk_explain_text(w->found, value, sizeof(value));
			tdk_buf_addf(b, " = '%s'", value);
		}
	} else if (w->decl && w->found && w->missing) {
		tdk_buf_addf(b, "; the declaration has no %s", w->missing);
		if (w->no_occurrence)
			tdk_buf_addf(b, " with SequenceNumeric %lu", w->want_seq);
		tdk_buf_adds(b, " in ");
		xpath_of(w->found, b);
	} else if (w->decl && !n) {
		tdk_buf_adds(b, "; the declaration as a whole");
	}
	if (*desc)
		tdk_buf_addf(b, "; DMS says: %s", desc);
}

void tdk_explain_report(struct tdk_diag *d, const struct tdk_wco_dict *dict, const char *code, const char *desc,
			const char *ptr, const struct tdk_explain_step *st, size_t n,
			const struct tdk_explain_what *w)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_DIAG_MSG_MAX * 4);
	struct tdk_diag_loc loc;
	const char *saved = d->file;
	size_t i;

	message(dict, desc, ptr, st, n, w, &b);
	if (w->decl && w->found) {
		loc = where(w, w->found, 1);
		d->file = w->decl->name;
	} else {
		loc = where(w, w->at, 0);
	}
	tdk_diag_add(d, TDK_SEV_ERROR, code, &loc, "%.*s", (int)b.len, b.data ? b.data : "");
	if (w->decl && w->found && w->no_occurrence)
		tdk_diag_add(d, TDK_SEV_WARNING, "EXPLAIN-NO-OCCURRENCE", &loc,
			     "no %s here has SequenceNumeric %lu: the pointer names no element of this declaration",
			     w->missing, w->want_seq);
	d->file = saved;
	for (i = 0; w->unknown[0] && i < n; i++)
		if (!strcmp(st[i].id, w->unknown)) {
			loc = where(w, st[i].at, 0);
			tdk_diag_add(d, TDK_SEV_WARNING, "EXPLAIN-POINTER-UNKNOWN", &loc,
				     "'%s' is no WCO ID of the dictionary: the pointer cannot be named in full", w->unknown);
			break;
		}
	if (w->e && w->dropped) {
		loc = where(w, w->at, 0);
		tdk_diag_add(d, TDK_SEV_NOTE, "EXPLAIN-STEP", &loc,
			     "the schemas have no pointer %s: read as %s, which its last %zu steps name", ptr,
			     w->e->pointer, n - w->dropped);
	}
	tdk_buf_release(&b);
}
