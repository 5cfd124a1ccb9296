/*
 * tdk map --from csv|fixed --columns FILE: CSV (RFC 4180) and fixed-width
 * records turned into WCO DM declarations by a column map (tdk-columns(5);
 * lib/wco/colmap.h reads it, lib/util/csv.h reads the records), each
 * declaration handed to tdk_map_emit() for the schema check and the output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "util/io.h"
#include "wco/colmap.h"

struct tdk_map_flat {
	struct tdk_colmap cm;
	char *columns;   /* the column map's path: the name its diagnostics carry */
};

int tdk_map_flat_new(struct tdk_map_flat **fp, const char *from, const char *columns, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_COLMAP_FILE_MAX);
	struct tdk_map_flat *f = NULL;
	const char *file = d->file;
	int r = TDK_EXIT_INTERNAL, fixed;

	*fp = NULL;
	if (!from || (strcmp(from, "csv") && strcmp(from, "fixed"))) {
		tdk_diag_add(d, TDK_SEV_ERROR, "COLMAP-FROM", NULL, "--from takes csv or fixed, not '%s'", from ? from : "");
		return TDK_EXIT_USAGE;
	}
	fixed = !strcmp(from, "fixed");
	if (!(f = calloc(1, sizeof(*f))) || !(f->columns = strdup(columns)))
		goto out;
	d->file = f->columns;
	if (tdk_read_all(columns, TDK_COLMAP_FILE_MAX, &b) < 0) {
		r = errno == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
		tdk_diag_add(d, TDK_SEV_ERROR, "COLMAP-READ", NULL, "cannot read the column map: %s",
			     errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		goto out;
	}
	if ((r = tdk_colmap_parse(&f->cm, fixed, f->columns, b.data ? b.data : "", b.len, d)))
		goto out;
	r = tdk_colmap_load_codes(&f->cm, d);
out:
	d->file = file;
	tdk_buf_release(&b);
	if (r && f) {
		tdk_map_flat_free(f);
		f = NULL;
	}
	*fp = f;
	return r;
}

void tdk_map_flat_limits(struct tdk_map_flat *f, size_t field_max, size_t fields_max, size_t record_max)
{
	if (field_max)
		f->cm.csv.field_max = field_max;
	if (fields_max)
		f->cm.csv.fields_max = fields_max;
	if (record_max)
		f->cm.csv.record_max = record_max;
}

struct emit_arg {
	struct tdk_map *m;
	struct tdk_doc *doc;
};

static int emit(void *arg, xmlDocPtr out, const char *key)
{
	struct emit_arg *a = arg;

	return tdk_map_emit(a->m, a->doc, out, key);
}

int tdk_map_flat_one(struct tdk_map_flat *f, struct tdk_map *m, struct tdk_doc *doc)
{
	struct emit_arg a = { m, doc };
	int r;

	r = tdk_flat_map(&f->cm, &doc->in, &doc->d, emit, &a);
	if (r == TDK_EXIT_IO)
		return tdk_doc_fail(doc, r, "cannot read '%s': %s", doc->qname, strerror(doc->in.err));
	if (r == TDK_EXIT_INTERNAL)
		return tdk_doc_fail(doc, r, "out of memory");
	return r;
}

void tdk_map_flat_free(struct tdk_map_flat *f)
{
	if (!f)
		return;
	tdk_colmap_release(&f->cm);
	free(f->columns);
	free(f);
}
