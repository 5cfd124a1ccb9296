/*
 * Flat records to WCO DM declarations by a column map (colmap.h): records
 * are read one at a time, grouped by their key into declarations, and each
 * declaration is built as an XML tree and handed on as soon as its group
 * ends, so that memory holds one declaration at a time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "wco/colmap.h"

struct flat {
	const struct tdk_colmap *cm;
	struct tdk_diag *d;
	struct tdk_csv csv;
	size_t *col;               /* per rule: the field index of a COLUMN rule */
	size_t keycol, typecol;
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlNsPtr ns, dsns;
	struct tdk_buf key, v;
	unsigned long items, decls;
	int open, bad, status;
	char **keys;               /* the keys of the declarations done: an open-addressing set */
	size_t nkeys, kcap;
	int (*emit)(void *arg, xmlDocPtr doc, const char *key);
	void *arg;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

/* Adds s to the set of keys done; returns 1 when it was there already, -1 out of memory. */
static int key_seen(struct flat *f, const char *s)
{
	size_t i;

	if (f->nkeys * 2 >= f->kcap) {
		size_t cap = f->kcap ? f->kcap * 2 : 64, k;
		char **v;

		if (f->nkeys >= TDK_FLAT_KEYS_MAX)
			return 0;
		if (!(v = calloc(cap, sizeof(*v))))
			return -1;
		for (k = 0; k < f->kcap; k++) {
			if (!f->keys[k])
				continue;
			for (i = hash(f->keys[k]) & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = f->keys[k];
		}
		free(f->keys);
		f->keys = v;
		f->kcap = cap;
	}
	for (i = hash(s) & (f->kcap - 1); f->keys[i]; i = (i + 1) & (f->kcap - 1))
		if (!strcmp(f->keys[i], s))
			return 1;
	if (!(f->keys[i] = strdup(s)))
		return -1;
	f->nkeys++;
	return 0;
}

static void report(struct flat *f, const char *code, const struct tdk_diag_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct flat *f, const char *code, const struct tdk_diag_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdk_diag_addv(f->d, TDK_SEV_ERROR, code, loc, fmt, ap);
	va_end(ap);
	f->bad = 1;
	f->status = tdk_exit_worst(f->status, TDK_EXIT_NEGATIVE);
}

/* A column map fault found against the data, reported at the column map's line. */
static int map_fault(struct flat *f, const struct tdk_colmap_src_ref *ref, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int map_fault(struct flat *f, const struct tdk_colmap_src_ref *ref, const char *fmt, ...)
{
	struct tdk_diag_loc loc;
	const char *file = f->d->file;
	va_list ap;

	memset(&loc, 0, sizeof(loc));
	loc.line = ref->line;
	loc.col = ref->col;
	f->d->file = f->cm->name;
	va_start(ap, fmt);
	tdk_diag_addv(f->d, TDK_SEV_ERROR, "COLMAP-COLUMN", &loc, fmt, ap);
	va_end(ap);
	f->d->file = file;
	return TDK_EXIT_NEGATIVE;
}

/* Finds a column by name in the header record or checks its number against the first record. */
static int bind_ref(struct flat *f, const struct tdk_colmap_src_ref *ref, size_t *col)
{
	const struct tdk_csv *c = &f->csv;
	size_t i;

	if (f->cm->fixed)
		return 0;
	if (!ref->name) {
		if (ref->colno > c->n)
			return map_fault(f, ref, "no column %zu: the records of %s have %zu", ref->colno, f->d->file, c->n);
		*col = ref->colno - 1;
		return 0;
	}
	if (!f->cm->header)
		return map_fault(f, ref, "the column '%s' is named, but the map says 'header no'", ref->name);
	for (i = 0; i < c->n; i++)
		if (!strcmp(tdk_csv_field(c, i), ref->name)) {
			*col = i;
			return 0;
		}
	return map_fault(f, ref, "no column '%s' in the header of %s", ref->name, f->d->file);
}

static int bind(struct flat *f)
{
	const struct tdk_colmap *cm = f->cm;
	size_t i;
	int r = 0;

	for (i = 0; i < cm->nrules; i++)
		if (cm->rules[i].src == TDK_COLMAP_COLUMN)
			r = tdk_exit_worst(r, bind_ref(f, &cm->rules[i].ref, &f->col[i]));
	if (cm->has_key)
		r = tdk_exit_worst(r, bind_ref(f, &cm->key, &f->keycol));
	if (cm->has_type)
		r = tdk_exit_worst(r, bind_ref(f, &cm->type, &f->typecol));
	return r;
}

/*
 * The value of a source in the record read last, into f->v, with its
 * position: a CSV field, or characters from..to of a fixed-width line
 * with the blanks around them taken off.
 */
static int source(struct flat *f, const struct tdk_colmap_src_ref *ref, size_t col, struct tdk_diag_loc *loc)
{
	const char *s, *a = NULL, *b = NULL;
	size_t ch = 0;

	tdk_buf_reset(&f->v);
	if (!f->cm->fixed) {
		tdk_csv_loc(&f->csv, col, loc);
		return tdk_buf_adds(&f->v, tdk_csv_field(&f->csv, col)) < 0 ? TDK_EXIT_INTERNAL : 0;
	}
	s = tdk_csv_field(&f->csv, 0);
	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) == 0x80)
			continue;
		ch++;
		if (ch == ref->from)
			a = s;
		if (ch == ref->to + 1) {
			b = s;
			break;
		}
	}
	if (!b)
		b = s;
	tdk_csv_loc(&f->csv, 0, loc);
	if (!a)
		return tdk_buf_addl(&f->v, "") < 0 ? TDK_EXIT_INTERNAL : 0;
	loc->col += (unsigned long)(a - tdk_csv_field(&f->csv, 0));
	loc->offset += (uint64_t)(a - tdk_csv_field(&f->csv, 0));
	while (a < b && *a == ' ')
		a++;
	while (b > a && b[-1] == ' ')
		b--;
	return tdk_buf_add(&f->v, a, (size_t)(b - a)) < 0 ? TDK_EXIT_INTERNAL : 0;
}

static unsigned rank(xmlNodePtr n)
{
	return (unsigned)(uintptr_t)n->_private;
}

/*
 * The index-th child named s->name of parent, made when missing; a new
 * element goes before the first sibling of a higher rank (the order of
 * the column map), after those of the same name.
 */
static xmlNodePtr child(struct flat *f, xmlNodePtr parent, const struct tdk_colmap_step *s, int fresh)
{
	xmlNodePtr c, n = NULL;
	unsigned seen = 0;

	for (c = parent->children; c && !fresh; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, s->name) && ++seen == s->index)
			return c;
	do {
		xmlNsPtr ns = f->dsns && !strcmp(s->name, "DateTimeString") ? f->dsns : f->ns;

		n = xmlNewDocNode(f->doc, ns, (const xmlChar *)s->name, NULL);
		if (!n)
			return NULL;
		n->_private = (void *)(uintptr_t)(s->rank + 1);
		for (c = parent->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && rank(c) > s->rank + 1)
				break;
		if (c)
			xmlAddPrevSibling(c, n);
		else
			xmlAddChild(parent, n);
	} while (!fresh && ++seen < s->index);
	return n;
}

/* Writes the value in f->v at the rule's path below base. */
static int put(struct flat *f, const struct tdk_colmap_rule *r, xmlNodePtr base, const char *format_code)
{
	size_t k = r->item ? f->cm->nitem : 0;
	xmlNodePtr n = base;

	for (; k < r->nsteps; k++)
		if (!(n = child(f, n, &r->steps[k], 0)))
			return TDK_EXIT_INTERNAL;
	if (r->attr)
		return xmlSetProp(n, (const xmlChar *)r->attr, (const xmlChar *)f->v.data) ? 0 : TDK_EXIT_INTERNAL;
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContentLen(n, (const xmlChar *)f->v.data, (int)f->v.len);
	if (format_code && !strcmp((const char *)n->name, "DateTimeString") &&
	    !xmlSetProp(n, (const xmlChar *)"formatCode", (const xmlChar *)format_code))
		return TDK_EXIT_INTERNAL;
	return 0;
}

/* Applies the rules of one level (item or not) to the record read last; number is the item's. */
static int apply(struct flat *f, int item, xmlNodePtr base, int counts)
{
	const struct tdk_colmap *cm = f->cm;
	struct tdk_diag_loc loc;
	size_t i, k;
	int r;

	for (i = 0; i < cm->nrules; i++) {
		const struct tdk_colmap_rule *ru = &cm->rules[i];
		const char *code = NULL;
		int e = 0;

		if (ru->item != item || (ru->src == TDK_COLMAP_COUNT) != counts)
			continue;
		memset(&loc, 0, sizeof(loc));
		tdk_buf_reset(&f->v);
		if (ru->src == TDK_COLMAP_COLUMN || ru->src == TDK_COLMAP_FIELD)
			r = source(f, &ru->ref, f->col[i], &loc);
		else if (ru->src == TDK_COLMAP_CONST)
			r = tdk_buf_adds(&f->v, ru->value);
		else
			r = tdk_buf_addu(&f->v, ru->src == TDK_COLMAP_SEQUENCE || counts ? f->items : 0);
		if (r)
			return TDK_EXIT_INTERNAL;
		for (k = 0; k < ru->nxf && !e; k++) {
			if (ru->xf[k].kind == TDK_XF_DATE)
				code = ru->xf[k].to;
			e = tdk_colmap_transform(cm, &ru->xf[k], &f->v, &loc, f->d);
		}
		if (e == TDK_EXIT_INTERNAL)
			return e;
		if (e) {
			f->bad = 1;
			f->status = tdk_exit_worst(f->status, e);
			continue;
		}
		if (f->v.len && (r = put(f, ru, base, code)))
			return r;
	}
	return 0;
}

static void clear_private(xmlNodePtr n)
{
	for (; n; n = n->next) {
		n->_private = NULL;
		clear_private(n->children);
	}
}

/* Ends the open declaration: the counts, then emit it unless it has a fault. */
static int finish(struct flat *f)
{
	int r = 0;

	if (!f->open)
		return 0;
	f->open = 0;
	if (apply(f, 0, f->root, 1))
		r = TDK_EXIT_INTERNAL;
	else if (!f->bad) {
		clear_private(xmlDocGetRootElement(f->doc));
		f->decls++;
		r = f->emit(f->arg, f->doc, f->key.data);
	}
	xmlFreeDoc(f->doc);
	f->doc = NULL;
	f->status = tdk_exit_worst(f->status, r);
	return r == TDK_EXIT_INTERNAL ? r : 0;
}

/* Opens a declaration for the key in f->key: the envelope, the root, the header rules. */
static int begin(struct flat *f)
{
	const struct tdk_colmap *cm = f->cm;
	xmlNodePtr top = NULL, m;
	xmlNsPtr mdns;
	size_t i;

	f->open = 1;
	f->bad = 0;
	f->items = 0;
	if (!(f->doc = xmlNewDoc((const xmlChar *)"1.0")))
		return TDK_EXIT_INTERNAL;
	if (cm->envelope) {
		if (!(top = xmlNewDocNode(f->doc, NULL, (const xmlChar *)"MetaData", NULL)))
			return TDK_EXIT_INTERNAL;
		xmlDocSetRootElement(f->doc, top);
		if (!(mdns = xmlNewNs(top, (const xmlChar *)TDK_NS_META_DMS, (const xmlChar *)"md")))
			return TDK_EXIT_INTERNAL;
		xmlSetNs(top, mdns);
		for (i = 0; i < cm->nmeta; i++)
			if (!(m = xmlNewDocNode(f->doc, mdns, (const xmlChar *)cm->meta_name[i], NULL)) || !xmlAddChild(top, m))
				return TDK_EXIT_INTERNAL;
			else
				xmlNodeAddContent(m, (const xmlChar *)cm->meta_value[i]);
	}
	if (!(f->root = xmlNewDocNode(f->doc, NULL, (const xmlChar *)cm->root, NULL)))
		return TDK_EXIT_INTERNAL;
	if (top)
		xmlAddChild(top, f->root);
	else
		xmlDocSetRootElement(f->doc, f->root);
	if (!(f->ns = xmlNewNs(f->root, (const xmlChar *)cm->ns, NULL)))
		return TDK_EXIT_INTERNAL;
	xmlSetNs(f->root, f->ns);
	f->dsns = NULL;
	if (!strcmp(cm->ns, TDK_NS_DEC_DMS) &&
	    !(f->dsns = xmlNewNs(f->root, (const xmlChar *)TDK_NS_DEC_DS, (const xmlChar *)"ds")))
		return TDK_EXIT_INTERNAL;
	return apply(f, 0, f->root, 0);
}

/* Adds one item to the open declaration from the record read last. */
static int add_item(struct flat *f)
{
	const struct tdk_colmap *cm = f->cm;
	xmlNodePtr n = f->root;
	size_t k;

	for (k = 0; k < cm->nitem; k++)
		if (!(n = child(f, n, &cm->item[k], k + 1 == cm->nitem)))
			return TDK_EXIT_INTERNAL;
	f->items++;
	return apply(f, 1, n, 0);
}

/* The record's key (its number when the map has none) into f->key; 0, or TDK_EXIT_INTERNAL. */
static int record_key(struct flat *f, struct tdk_buf *key)
{
	struct tdk_diag_loc loc;

	tdk_buf_reset(key);
	if (!f->cm->has_key)
		return tdk_buf_addu(key, f->csv.records) < 0 ? TDK_EXIT_INTERNAL : 0;
	if (source(f, &f->cm->key, f->keycol, &loc))
		return TDK_EXIT_INTERNAL;
	return tdk_buf_add(key, f->v.data, f->v.len) < 0 ? TDK_EXIT_INTERNAL : 0;
}

/* One data record: a new declaration when its key changes, an item when the map has items. */
static int record(struct flat *f, struct tdk_buf *key)
{
	const struct tdk_colmap *cm = f->cm;
	struct tdk_diag_loc loc;
	int hdr = 1, itm = cm->item != NULL, same, r;

	if (record_key(f, key))
		return TDK_EXIT_INTERNAL;
	if (cm->has_type) {
		if (source(f, &cm->type, f->typecol, &loc))
			return TDK_EXIT_INTERNAL;
		hdr = !strcmp(f->v.data, cm->type_header);
		itm = !strcmp(f->v.data, cm->type_item);
		if (!hdr && !itm) {
			report(f, "CSV-TYPE", &loc, "record type '%s' is neither '%s' (header) nor '%s' (item)", f->v.data,
			       cm->type_header, cm->type_item);
			return 0;
		}
	}
	same = f->open && !strcmp(key->data, f->key.data) && (!cm->has_type || !hdr || !cm->has_key);
	if (cm->has_type && itm && !f->open) {
		tdk_csv_loc(&f->csv, 0, &loc);
		report(f, "CSV-ORPHAN", &loc, "an item record with no header record before it");
		return 0;
	}
	if (cm->has_type && itm && cm->has_key && strcmp(key->data, f->key.data)) {
		tdk_csv_loc(&f->csv, cm->fixed ? 0 : f->keycol, &loc);
		report(f, "CSV-ORPHAN", &loc, "an item record of key '%s' after the header record of key '%s'",
		       key->data, f->key.data);
		return 0;
	}
	if (!same && !(cm->has_type && itm)) {
		if ((r = finish(f)))
			return r;
		if (cm->has_key && (r = key_seen(f, key->data))) {
			if (r < 0)
				return TDK_EXIT_INTERNAL;
			tdk_csv_loc(&f->csv, cm->fixed ? 0 : f->keycol, &loc);
			report(f, "CSV-KEY", &loc, "key '%s' was the key of a declaration before: records of one key must follow each other", key->data);
		}
		tdk_buf_reset(&f->key);
		if (tdk_buf_add(&f->key, key->data, key->len) < 0 || (r = begin(f)))
			return TDK_EXIT_INTERNAL;
	}
	return itm ? add_item(f) : 0;
}

static int run(struct flat *f)
{
	struct tdk_buf key = TDK_BUF_INIT(TDK_CSV_RECORD_MAX);
	int r, first = 1;

	while ((r = tdk_csv_next(&f->csv)) == TDK_CSV_RECORD) {
		if (first) {
			first = 0;
			if ((r = bind(f))) {
				f->status = tdk_exit_worst(f->status, r);
				break;
			}
			if (!f->cm->fixed && f->cm->header)
				continue;
		}
		if ((r = record(f, &key)))
			break;
	}
	tdk_buf_release(&key);
	if (r == TDK_CSV_IO)
		return TDK_EXIT_IO;
	if (r == TDK_CSV_NOMEM || r == TDK_EXIT_INTERNAL)
		return TDK_EXIT_INTERNAL;
	if (r == TDK_CSV_BAD) {
		f->bad = 1;
		f->status = tdk_exit_worst(f->status, TDK_EXIT_NEGATIVE);
	}
	if (first && f->status == 0) {
		struct tdk_diag_loc loc;

		memset(&loc, 0, sizeof(loc));
		tdk_diag_add(f->d, TDK_SEV_ERROR, "CSV-EMPTY", &loc, "no records");
		f->status = TDK_EXIT_NEGATIVE;
	}
	if (f->bad)
		f->open = 0;  /* the declaration read when the fault came is not emitted */
	return finish(f);
}

int tdk_flat_map(const struct tdk_colmap *cm, struct tdk_input *in, struct tdk_diag *d,
		 int (*emit)(void *arg, xmlDocPtr doc, const char *key), void *arg)
{
	struct flat f;
	size_t i;
	int r;

	memset(&f, 0, sizeof(f));
	f.cm = cm;
	f.d = d;
	f.emit = emit;
	f.arg = arg;
	tdk_buf_init(&f.key, TDK_CSV_RECORD_MAX);
	tdk_buf_init(&f.v, TDK_CSV_RECORD_MAX);
	tdk_csv_init(&f.csv, in, &cm->csv, d);
	r = TDK_EXIT_INTERNAL;
	if (!(f.col = calloc(cm->nrules + 1, sizeof(*f.col))))
		goto out;
	r = run(&f);
out:
	r = tdk_exit_worst(r, f.status);
	if (f.doc)
		xmlFreeDoc(f.doc);
	for (i = 0; i < f.kcap; i++)
		free(f.keys[i]);
	free(f.keys);
	free(f.col);
	tdk_buf_release(&f.key);
	tdk_buf_release(&f.v);
	tdk_csv_release(&f.csv);
	return r;
}
