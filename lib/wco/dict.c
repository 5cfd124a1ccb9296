/*
 * The WCO Data Model dictionary (dict.h): a tab-separated text file read
 * whole, its fields cut out in place, and two sorted indexes over it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "util/path.h"
#include "wco/dict.h"

#define NFIELDS 7

static void dict_init(struct tdk_wco_dict *dict)
{
	memset(dict, 0, sizeof(*dict));
}

static int shape(struct tdk_diag *d, unsigned long line, const char *what)
{
	struct tdk_diag_loc loc = { line, 1, 0, { 0 } };

	tdk_diag_add(d, TDK_SEV_ERROR, "WCO-DICT-SHAPE", &loc, "%s", what);
	return TDK_EXIT_IO;
}

/* A pointer is WCO IDs of [0-9A-Z] separated by single slashes. */
static int pointer_ok(const char *p)
{
	size_t run = 0;

	if (!*p || strlen(p) > TDK_WCO_POINTER_MAX)
		return 0;
	for (; *p; p++) {
		if (*p == '/') {
			if (!run)
				return 0;
			run = 0;
		} else if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z')) {
			run++;
		} else {
			return 0;
		}
	}
	return run > 0;
}

/* Cuts the line [p, eol) into its fields, NUL-terminating each in place. */
static int fields(char *p, char *eol, char **f)
{
	int n = 0;

	if (eol > p && eol[-1] == '\r')
		*--eol = '\0';
	*eol = '\0';
	f[n++] = p;
	for (; p < eol; p++) {
		if (*p != '\t')
			continue;
		if (n == NFIELDS)
			return -1;
		*p = '\0';
		f[n++] = p + 1;
	}
	return n == NFIELDS ? 0 : -1;
}

static int cmp_pointer(const void *a, const void *b)
{
	return strcmp((*(const struct tdk_wco_elem *const *)a)->pointer, (*(const struct tdk_wco_elem *const *)b)->pointer);
}

static int cmp_path(const void *a, const void *b)
{
	const struct tdk_wco_elem *x = *(const struct tdk_wco_elem *const *)a, *y = *(const struct tdk_wco_elem *const *)b;
	int c;

	if (!*x->path || !*y->path)
		return (!*x->path) - (!*y->path);
	/* Equal paths keep the order of the file, so that a lookup does not depend on qsort. */
	return (c = strcmp(x->path, y->path)) ? c : (x > y) - (x < y);
}

/* Builds the sorted indexes; a pointer twice is a fault at its later line. */
static int index_dict(struct tdk_wco_dict *dict, const unsigned long *lines, struct tdk_diag *d)
{
	size_t i;
	char what[96];

	if (!(dict->by_pointer = malloc((dict->n + 1) * sizeof(*dict->by_pointer))) ||
	    !(dict->by_path = malloc((dict->n + 1) * sizeof(*dict->by_path))))
		return TDK_EXIT_INTERNAL;
	for (i = 0; i < dict->n; i++)
		dict->by_pointer[i] = dict->by_path[i] = &dict->v[i];
	qsort(dict->by_pointer, dict->n, sizeof(*dict->by_pointer), cmp_pointer);
	qsort(dict->by_path, dict->n, sizeof(*dict->by_path), cmp_path);
	for (i = 1; i < dict->n; i++) {
		size_t a = (size_t)(dict->by_pointer[i - 1] - dict->v), b = (size_t)(dict->by_pointer[i] - dict->v);

		if (strcmp(dict->v[a].pointer, dict->v[b].pointer))
			continue;
		snprintf(what, sizeof(what), "pointer %.40s is on line %lu already", dict->v[a].pointer,
			 lines[a < b ? a : b]);
		return shape(d, lines[a < b ? b : a], what);
	}
	for (dict->npath = 0; dict->npath < dict->n && *dict->by_path[dict->npath]->path; dict->npath++)
		;
	return 0;
}

/* One entry from the fields of a line. */
static int entry(struct tdk_wco_dict *dict, char **f, unsigned long line, struct tdk_diag *d)
{
	struct tdk_wco_elem *e = &dict->v[dict->n];
	char *slash;

	if (!pointer_ok(f[0]))
		return shape(d, line, "the pointer is not WCO IDs separated by '/'");
	if (strlen(f[2]) > TDK_WCO_POINTER_MAX)
		return shape(d, line, "the path is too long");
	e->pointer = f[0];
	e->id = (slash = strrchr(f[0], '/')) ? slash + 1 : f[0];
	e->name = f[1];
	e->path = f[2];
	e->format = f[3];
	e->codelist = f[4];
	e->ucc = f[5];
	e->description = f[6];
	dict->n++;
	return 0;
}

/* Counts the lines that are entries, to size the table once. */
static size_t count_entries(const char *p, const char *end)
{
	size_t n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if (eol > p && *p != '#' && !(eol == p + 1 && *p == '\r'))
			n++;
		p = eol + 1;
	}
	return n;
}

static int parse(struct tdk_wco_dict *dict, size_t n, struct tdk_diag *d)
{
	char *p = dict->text, *end = dict->text + n, *eol, *f[NFIELDS];
	unsigned long line = 0, *lines = NULL;
	size_t max = count_entries(p, end);
	int r = 0;

	if (max > TDK_WCO_DICT_ENTRIES_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "WCO-DICT-LIMIT", NULL, "more than %d entries",
			     TDK_WCO_DICT_ENTRIES_MAX);
		return TDK_EXIT_IO;
	}
	if (!(dict->v = calloc(max + 1, sizeof(*dict->v))) || !(lines = calloc(max + 1, sizeof(*lines))))
		return TDK_EXIT_INTERNAL;
	while (p < end) {
		line++;
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			eol = end;
		if (eol == p || *p == '#' || (eol == p + 1 && *p == '\r')) {
			p = eol + 1;
			continue;
		}
		if (memchr(p, '\0', (size_t)(eol - p))) {
			r = shape(d, line, "a NUL byte in the line");
			goto out;
		}
		if (fields(p, eol, f) < 0) {
			r = shape(d, line, "the line is not seven fields separated by tabs");
			goto out;
		}
		lines[dict->n] = line;
		if ((r = entry(dict, f, line, d)))
			goto out;
		p = eol + 1;
	}
	r = index_dict(dict, lines, d);
out:
	free(lines);
	return r;
}

int tdk_wco_dict_load_mem(struct tdk_wco_dict *dict, const char *name, const char *p, size_t n,
			  struct tdk_diag *d)
{
	const char *saved = d->file;
	int r;

	dict_init(dict);
	snprintf(dict->file, sizeof(dict->file), "%s", name);
	d->file = dict->file;
	if (n > TDK_WCO_DICT_FILE_MAX) {
		tdk_diag_add(d, TDK_SEV_ERROR, "WCO-DICT-LIMIT", NULL, "the file is larger than %zu bytes",
			     TDK_WCO_DICT_FILE_MAX);
		r = TDK_EXIT_IO;
		goto out;
	}
	if (!(dict->text = malloc(n + 1))) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (n)
		memcpy(dict->text, p, n);
	dict->text[n] = '\0';
	r = parse(dict, n, d);
out:
	if (r)
		tdk_wco_dict_release(dict);
	d->file = saved;
	return r;
}

const char *tdk_wco_dict_dir(char *buf, size_t size)
{
	const char *e = getenv("TDK_WCO_DATA_DIR");

	if (e && *e)
		snprintf(buf, size, "%s", e);
	else
		snprintf(buf, size, "%s/data/wco", tdk_share_dir());
	return buf;
}

int tdk_wco_dict_load(struct tdk_wco_dict *dict, const char *dir, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_WCO_DICT_FILE_MAX);
	char path[4096], folder[4096];
	const char *saved = d->file;
	int r;

	dict_init(dict);
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : tdk_wco_dict_dir(folder, sizeof(folder)),
		 TDK_WCO_DICT_FILE);
	if (tdk_read_all(path, TDK_WCO_DICT_FILE_MAX, &b) == 0) {
		r = tdk_wco_dict_load_mem(dict, path, b.data ? b.data : "", b.len, d);
		goto out;
	}
	snprintf(dict->file, sizeof(dict->file), "%s", path);
	d->file = dict->file;
	r = errno == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
	if (errno == EFBIG)
		tdk_diag_add(d, TDK_SEV_ERROR, "WCO-DICT-LIMIT", NULL, "the file is larger than %zu bytes",
			     TDK_WCO_DICT_FILE_MAX);
	else if (errno != ENOMEM)
		tdk_diag_add(d, TDK_SEV_ERROR, "WCO-DICT-MISSING", NULL,
			     "cannot read the WCO dictionary: %s; it comes with tdk (make install puts it in the "
			     "data folder; TDK_WCO_DATA_DIR names another folder)",
			     strerror(errno));
	d->file = saved;
out:
	tdk_buf_release(&b);
	return r;
}

const struct tdk_wco_elem *tdk_wco_dict_by_pointer(const struct tdk_wco_dict *dict, const char *pointer)
{
	size_t lo = 0, hi = dict->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pointer, dict->by_pointer[mid]->pointer);

		if (!c)
			return dict->by_pointer[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct tdk_wco_elem *tdk_wco_dict_by_path(const struct tdk_wco_dict *dict, const char *path)
{
	size_t lo = 0, hi = dict->npath;

	if (!*path)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, dict->by_path[mid]->path);

		if (!c) {
			/* The first of equal paths in the file. */
			while (mid > 0 && !strcmp(path, dict->by_path[mid - 1]->path))
				mid--;
			return dict->by_path[mid];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct tdk_wco_elem *tdk_wco_dict_by_suffix(const struct tdk_wco_dict *dict, const char *suffix,
						  size_t *count)
{
	const struct tdk_wco_elem *found = NULL;
	size_t i, k = 0, n = strlen(suffix), m;

	for (i = 0; n && i < dict->n; i++) {
		const char *p = dict->v[i].pointer;

		m = strlen(p);
		if (m < n || strcmp(p + m - n, suffix) || (m > n && p[m - n - 1] != '/'))
			continue;
		found = &dict->v[i];
		k++;
	}
	if (count)
		*count = k;
	return k == 1 ? found : NULL;
}

const char *tdk_wco_dict_id_name(const struct tdk_wco_dict *dict, const char *id)
{
	size_t i;

	for (i = 0; i < dict->n; i++)
		if (*dict->v[i].name && !strcmp(dict->v[i].id, id))
			return dict->v[i].name;
	return NULL;
}

const struct tdk_wco_elem *tdk_wco_dict_resolve(const struct tdk_wco_dict *dict, const char *pointer,
						size_t *dropped)
{
	const struct tdk_wco_elem *e = tdk_wco_dict_by_pointer(dict, pointer);
	const char *s = pointer;
	size_t k = 0;

	while (!e && (s = strchr(s, '/'))) {
		s++;
		k++;
		if (!strchr(s, '/'))
			break;   /* one step alone names too much to be taken for the pointer */
		e = tdk_wco_dict_by_suffix(dict, s, NULL);
	}
	if (dropped)
		*dropped = e ? k : 0;
	return e;
}

int tdk_wco_dict_steps(const struct tdk_wco_dict *dict, const char *pointer, struct tdk_buf *out)
{
	char prefix[TDK_WCO_POINTER_MAX + 1];
	const struct tdk_wco_elem *e;
	const char *p = pointer, *end, *name;
	size_t n;

	while (*p) {
		end = strchr(p, '/');
		n = (size_t)((end ? end : p + strlen(p)) - pointer);
		if (n > TDK_WCO_POINTER_MAX)
			return -1;
		memcpy(prefix, pointer, n);
		prefix[n] = '\0';
		if (p != pointer && tdk_buf_addc(out, '/') < 0)
			return -1;
		if ((e = tdk_wco_dict_by_pointer(dict, prefix)) && *e->name)
			name = e->name;
		else
			name = tdk_wco_dict_id_name(dict, prefix + (size_t)(p - pointer));
		if (name ? tdk_buf_adds(out, name) < 0 : tdk_buf_addf(out, "[%s]", prefix + (p - pointer)) < 0)
			return -1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

void tdk_wco_dict_release(struct tdk_wco_dict *dict)
{
	free(dict->v);
	free(dict->text);
	free(dict->by_pointer);
	free(dict->by_path);
	dict->v = NULL;
	dict->text = NULL;
	dict->by_pointer = dict->by_path = NULL;
	dict->n = dict->npath = 0;
}
