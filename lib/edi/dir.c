/*
 * A release as one image: building it from the loader's tables, writing it to
 * the compiled cache, opening it again (with every reference checked, so that
 * a damaged cache file is refused rather than trusted), lookups, and the
 * search path of releases.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edi/dir-impl.h"
#include "util/exitcode.h"
#include "util/io.h"

/*
 * Bump when a record layout or what the loader reads from the release files
 * changes: an image of another format is rebuilt, never read.
 */
#define DIR_FORMAT 7

enum { A_MESSAGES, A_NODES, A_SEGMENTS, A_MEMBERS, A_COMPOSITES, A_ELEMENTS, A_LISTS, A_CODES, A_DEPS,
       A_STRINGS, A_COUNT };

struct dir_head {
	char magic[8];
	uint32_t byte_order;
	uint32_t format;
	uint64_t size;
	uint64_t stamp;          /* identity of the source files the image was built from */
	char release[8];
	uint32_t off[A_COUNT], cnt[A_COUNT];
	struct tdk_dir_counts index;
	uint32_t service_lists, pad;
};

static const char dir_magic[8] = { 'T', 'D', 'K', 'D', 'I', 'R', 0, 1 };
static const size_t rec_size[A_COUNT] = {
	sizeof(struct tdk_dir_message), sizeof(struct tdk_dir_node), sizeof(struct tdk_dir_segment),
	sizeof(struct tdk_dir_member), sizeof(struct tdk_dir_composite), sizeof(struct tdk_dir_element),
	sizeof(struct tdk_dir_codelist), sizeof(struct tdk_dir_code), sizeof(struct tdk_dir_dep), 1,
};

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Releases are named by year: 88 to 99 are the 1900s, the rest the 2000s; then A before B. */
static int release_key(const char *r)
{
	int y = (r[1] - '0') * 10 + (r[2] - '0');

	return (y >= 88 ? 1900 + y : 2000 + y) * 4 + (r[3] - 'A');
}

int tdk_dir_release_before(const char *a, const char *b)
{
	return release_key(a) < release_key(b);
}

int tdk_dir_release_name(char out[8], const char *version, const char *release)
{
	char s[16];
	size_t n = 0, i;
	const char *p;

	if (version && release) {
		if (strcmp(version, "D") && strcmp(version, "d"))
			return -1;
		p = release;
	} else {
		p = version ? version : release;
		if (!p)
			return -1;
		if (*p == 'D' || *p == 'd')
			p++;
		if (*p == '.')
			p++;
	}
	for (i = 0; p[i] && n < sizeof(s) - 1; i++)
		s[n++] = p[i];
	s[n] = '\0';
	if (n != 3 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	if (s[2] >= 'a' && s[2] <= 'z')
		s[2] = (char)(s[2] - 32);
	if (s[2] < 'A' || s[2] > 'Z')
		return -1;
	out[0] = 'D';
	memcpy(out + 1, s, 4);
	return 0;
}

/* ---- Sorting with the string table at hand (shell sort: no global state, no qsort_r) ---- */

static void sort_codes(struct tdk_dir_code *c, uint32_t n, const char *str)
{
	static const uint32_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	size_t g;

	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		uint32_t gap = gaps[g], i, j;

		for (i = gap; i < n; i++) {
			struct tdk_dir_code t = c[i];

			for (j = i; j >= gap && strcmp(str + c[j - gap].value, str + t.value) > 0; j -= gap)
				c[j] = c[j - gap];
			c[j] = t;
		}
	}
}

static int cmp_tag(const void *a, const void *b)
{
	/* Every record starts with its NUL-terminated tag. */
	return strcmp((const char *)a, (const char *)b);
}

static void *find_tag(const void *base, uint32_t n, size_t size, const char *tag)
{
	return base && tag ? bsearch(tag, base, n, size, cmp_tag) : NULL;
}

static int drop_duplicates(struct dir_build *b, void *base, uint32_t *n, size_t size, const char *what)
{
	uint32_t i, k = 0;
	char *p = base;

	for (i = 0; i < *n; i++) {
		if (k && !strcmp(p + (size_t)(k - 1) * size, p + (size_t)i * size)) {
			b->faults++;
			if (b->d)
				tdk_diag_add(b->d, TDK_SEV_ERROR, "EDI-DIR-BROKEN", NULL, "%s '%s' is defined twice",
					     what, p + (size_t)i * size);
			continue;
		}
		if (k != i)
			memcpy(p + (size_t)k * size, p + (size_t)i * size, size);
		k++;
	}
	*n = k;
	return 0;
}

/*
 * Sets next_m of the entries of one level, nodes[from, end) (a message's table
 * or a group's contents), and of the levels inside: each entry's next_m is the
 * first mandatory one among itself and its later siblings.
 */
void tdk_dir_next_mandatory(struct tdk_dir_node *nodes, uint32_t from, uint32_t end)
{
	uint32_t c, k, next, pending = from;

	for (c = from; c < end; c = next) {
		next = nodes[c].group ? nodes[c].end : c + 1;
		if (nodes[c].group)
			tdk_dir_next_mandatory(nodes, c + 1, nodes[c].end);
		if (nodes[c].status != 'M')
			continue;
		for (k = pending; k <= c; k = nodes[k].group ? nodes[k].end : k + 1)
			nodes[k].next_m = c;
		pending = next;
	}
	for (k = pending; k < end; k = nodes[k].group ? nodes[k].end : k + 1)
		nodes[k].next_m = end;
}

/* 1 + the index of the last mandatory member of members[0, n), or 0. */
uint32_t tdk_dir_last_mandatory(const struct tdk_dir_member *members, uint32_t n)
{
	while (n && members[n - 1].status != 'M')
		n--;
	return n;
}

/* Sorts the tables and turns tags into indexes. */
static void resolve(struct dir_build *b)
{
	uint32_t i, j;

	if (b->nmessages)
		qsort(b->messages, b->nmessages, sizeof(*b->messages), cmp_tag);
	if (b->nsegments)
		qsort(b->segments, b->nsegments, sizeof(*b->segments), cmp_tag);
	if (b->ncomposites)
		qsort(b->composites, b->ncomposites, sizeof(*b->composites), cmp_tag);
	if (b->nelements)
		qsort(b->elements, b->nelements, sizeof(*b->elements), cmp_tag);
	if (b->nlists)
		qsort(b->lists, b->nlists, sizeof(*b->lists), cmp_tag);
	drop_duplicates(b, b->messages, &b->nmessages, sizeof(*b->messages), "message");
	drop_duplicates(b, b->segments, &b->nsegments, sizeof(*b->segments), "segment");
	drop_duplicates(b, b->composites, &b->ncomposites, sizeof(*b->composites), "composite");
	drop_duplicates(b, b->elements, &b->nelements, sizeof(*b->elements), "data element");
	drop_duplicates(b, b->lists, &b->nlists, sizeof(*b->lists), "code list");
	for (i = 0; i < b->ncodes; i++) {
		const char *v = b->strings + b->codes[i].value;

		b->codes[i].len = (uint32_t)strlen(v);
		b->codes[i].key = tdk_dir_code_key(v, b->codes[i].len);
	}
	/* A table left empty by a broken release has no array: no offset into it. */
	for (i = 0; i < b->nlists; i++)
		if (b->lists[i].n)
			sort_codes(b->codes + b->lists[i].first, b->lists[i].n, b->strings);
	for (i = 0; i < b->nelements; i++) {
		struct tdk_dir_codelist *l = find_tag(b->lists, b->nlists, sizeof(*b->lists), b->elements[i].tag);

		b->elements[i].codes = l ? (uint32_t)(l - b->lists) : TDK_DIR_NONE;
	}
	for (i = 0; i < b->nsegments; i++)
		b->segments[i].last_m = b->segments[i].n ?
			tdk_dir_last_mandatory(b->members + b->segments[i].first, b->segments[i].n) : 0;
	for (i = 0; i < b->ncomposites; i++)
		b->composites[i].last_m = b->composites[i].n ?
			tdk_dir_last_mandatory(b->members + b->composites[i].first, b->composites[i].n) : 0;
	for (i = 0; i < b->nmembers; i++) {
		struct tdk_dir_member *m = &b->members[i];
		void *p = m->composite ?
			find_tag(b->composites, b->ncomposites, sizeof(*b->composites), m->tag) :
			find_tag(b->elements, b->nelements, sizeof(*b->elements), m->tag);

		m->ref = !p ? TDK_DIR_NONE : m->composite ?
			(uint32_t)((struct tdk_dir_composite *)p - b->composites) :
			(uint32_t)((struct tdk_dir_element *)p - b->elements);
	}
	for (i = 0; i < b->nmessages; i++) {
		const struct tdk_dir_message *m = &b->messages[i];

		for (j = m->first; j < m->first + m->n; j++) {
			struct tdk_dir_node *nd = &b->nodes[j];
			struct tdk_dir_segment *s;

			if (nd->group)
				continue;
			s = find_tag(b->segments, b->nsegments, sizeof(*b->segments), nd->tag);
			nd->seg = s ? (uint32_t)(s - b->segments) : TDK_DIR_NONE;
		}
		if (m->n)
			tdk_dir_next_mandatory(b->nodes + m->first, 0, m->n);
	}
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Points dir's tables into its image; the header has been checked. */
static void attach(struct tdk_dir *dir)
{
	const struct dir_head *h = dir->image;
	const char *base = dir->image;

	memcpy(dir->release, h->release, sizeof(dir->release));
	dir->release[7] = '\0';
	dir->messages = (const void *)(base + h->off[A_MESSAGES]);
	dir->nodes = (const void *)(base + h->off[A_NODES]);
	dir->segments = (const void *)(base + h->off[A_SEGMENTS]);
	dir->members = (const void *)(base + h->off[A_MEMBERS]);
	dir->composites = (const void *)(base + h->off[A_COMPOSITES]);
	dir->elements = (const void *)(base + h->off[A_ELEMENTS]);
	dir->lists = (const void *)(base + h->off[A_LISTS]);
	dir->codes = (const void *)(base + h->off[A_CODES]);
	dir->deps = (const void *)(base + h->off[A_DEPS]);
	dir->strings = base + h->off[A_STRINGS];
	dir->nmessages = h->cnt[A_MESSAGES];
	dir->nnodes = h->cnt[A_NODES];
	dir->nsegments = h->cnt[A_SEGMENTS];
	dir->nmembers = h->cnt[A_MEMBERS];
	dir->ncomposites = h->cnt[A_COMPOSITES];
	dir->nelements = h->cnt[A_ELEMENTS];
	dir->nlists = h->cnt[A_LISTS];
	dir->ncodes = h->cnt[A_CODES];
	dir->ndeps = h->cnt[A_DEPS];
	dir->nstrings = h->cnt[A_STRINGS];
	dir->index = h->index;
	dir->service_lists = h->service_lists;
}

static struct tdk_dir *build_image(struct dir_build *b)
{
	const void *src[A_COUNT] = { b->messages, b->nodes, b->segments, b->members, b->composites,
				     b->elements, b->lists, b->codes, b->deps, b->strings };
	const uint32_t cnt[A_COUNT] = { b->nmessages, b->nnodes, b->nsegments, b->nmembers, b->ncomposites,
					b->nelements, b->nlists, b->ncodes, b->ndeps, b->nstrings };
	struct tdk_dir *dir;
	struct dir_head *h;
	size_t size = align8(sizeof(*h)), i;
	char *img;

	for (i = 0; i < A_COUNT; i++)
		size += align8(cnt[i] * rec_size[i]);
	if (size > 0x7FFFFFFF || !(dir = calloc(1, sizeof(*dir))))
		return NULL;
	if (!(img = calloc(1, size))) {
		free(dir);
		return NULL;
	}
	h = (struct dir_head *)img;
	memcpy(h->magic, dir_magic, sizeof(dir_magic));
	h->byte_order = 0x01020304;
	h->format = DIR_FORMAT;
	h->size = size;
	memcpy(h->release, b->release, sizeof(h->release));
	h->index = b->index;
	h->service_lists = b->service_lists;
	size = align8(sizeof(*h));
	for (i = 0; i < A_COUNT; i++) {
		h->off[i] = (uint32_t)size;
		h->cnt[i] = cnt[i];
		if (cnt[i])
			memcpy(img + size, src[i], cnt[i] * rec_size[i]);
		size += align8(cnt[i] * rec_size[i]);
	}
	dir->image = img;
	dir->size = size;
	attach(dir);
	return dir;
}

static void build_release(struct dir_build *b)
{
	free(b->messages);
	free(b->nodes);
	free(b->segments);
	free(b->members);
	free(b->composites);
	free(b->elements);
	free(b->lists);
	free(b->codes);
	free(b->deps);
	free(b->strings);
}

/* Turns what was read into b (from path, as messages name it) into a release in *out. */
static int finish_load(struct dir_build *b, struct tdk_dir **out, const char *path, struct tdk_diag *d);

int tdk_dir_load(struct tdk_dir **out, const char *path, struct tdk_diag *d)
{
	struct dir_build b;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	b.d = d;
	if (access(path, R_OK) < 0) {
		if (d)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-DIR-RELEASE", NULL, "cannot open '%s': %s", path,
				     strerror(errno));
		return TDK_EXIT_IO;
	}
	if (tdk_dir_build_read(&b, path) < 0)
		b.oom = 1;
	return finish_load(&b, out, path, d);
}

int tdk_dir_load_mem(struct tdk_dir **out, size_t n, const char *const names[], const char *const data[],
		     const size_t sizes[], struct tdk_diag *d)
{
	struct dir_build b;
	size_t i;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	b.d = d;
	for (i = 0; i < n && !b.oom; i++)
		if (tdk_dir_build_mem(&b, names[i], data[i], sizes[i]) < 0)
			b.oom = 1;
	return finish_load(&b, out, "(memory)", d);
}

static int finish_load(struct dir_build *b, struct tdk_dir **out, const char *path, struct tdk_diag *d)
{
	int r = TDK_EXIT_OK;

	if (b->oom) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (!b->release[0] && b->faults) {
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	if (!b->release[0]) {
		if (d)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-DIR-RELEASE", NULL,
				     "'%s' holds no UNTDID release files (EDMD/TRMD, EDSD, EDED, EDCD, UNCL)", path);
		r = TDK_EXIT_IO;
		goto out;
	}
	if (b->mixed) {
		if (d)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-DIR-BROKEN", NULL,
				     "'%s' mixes the files of several releases; give one release", path);
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	if ((b->have & 15) != 15) {
		static const char *const what[] = { "segment directory (EDSD/TRSD)",
			"composite directory (EDCD/TRCD)", "element directory (EDED/TRED)", "code lists (UNCL)" };
		unsigned i;

		for (i = 0; i < 4; i++)
			if (!(b->have & (1u << i)) && d)
				tdk_diag_add(d, TDK_SEV_ERROR, "EDI-DIR-BROKEN", NULL, "release %s in '%s' has no %s",
					     b->release, path, what[i]);
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	if (!b->nmessages) {
		if (d)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-DIR-BROKEN", NULL,
				     "release %s in '%s' has no message definitions", b->release, path);
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	resolve(b);
	if (b->faults) {
		r = TDK_EXIT_NEGATIVE;
		goto out;
	}
	if (!(*out = build_image(b)))
		r = TDK_EXIT_INTERNAL;
out:
	build_release(b);
	return r;
}

/* ---- The compiled image on disk ---- */

static int save_stamped(const struct tdk_dir *dir, const char *path, uint64_t stamp)
{
	char tmp[PATH_MAX];
	struct dir_head h;
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	memcpy(&h, dir->image, sizeof(h));
	h.stamp = stamp;
	if (tdk_write_all(fd, &h, sizeof(h)) < 0 ||
	    tdk_write_all(fd, (const char *)dir->image + sizeof(h), dir->size - sizeof(h)) < 0 ||
	    fsync(fd) < 0 || close(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

static int in_range(uint32_t first, uint32_t n, uint32_t total)
{
	return first <= total && n <= total - first;
}

static int tag_ok(const char *tag, size_t size)
{
	return memchr(tag, '\0', size) != NULL;
}

static int check_dep(const struct tdk_dir_dep *dep, uint32_t nmembers)
{
	uint32_t k;

	if (dep->type < 1 || dep->type > 7 || dep->n < 2 || dep->n > TDK_DIR_DEP_MAX)
		return -1;
	for (k = 0; k < dep->n; k++)
		if (dep->member[k] >= nmembers)
			return -1;
	return 0;
}

/* Every reference of an image points inside it: a damaged or foreign file is refused, never followed. */
static int check_image(const struct tdk_dir *d)
{
	uint32_t i, j;

	if (!d->nstrings || d->strings[d->nstrings - 1] != '\0')
		return -1;
	for (i = 0; i < d->nmessages; i++) {
		const struct tdk_dir_message *m = &d->messages[i];

		if (!tag_ok(m->type, sizeof(m->type)) || !in_range(m->first, m->n, d->nnodes) || !m->n)
			return -1;
		for (j = 0; j < m->n; j++) {
			const struct tdk_dir_node *nd = &d->nodes[m->first + j];

			if (!tag_ok(nd->tag, sizeof(nd->tag)) || (nd->seg != TDK_DIR_NONE && nd->seg >= d->nsegments))
				return -1;
			if (nd->group && (nd->end <= j + 1 || nd->end > m->n))
				return -1;
			if (nd->next_m < j || nd->next_m > m->n)
				return -1;
		}
	}
	for (i = 0; i < d->nsegments; i++) {
		const struct tdk_dir_segment *s = &d->segments[i];

		if (!tag_ok(s->tag, sizeof(s->tag)) || !in_range(s->first, s->n, d->nmembers) || s->last_m > s->n ||
		    !in_range(s->deps, s->ndeps, d->ndeps))
			return -1;
		for (j = s->deps; j < s->deps + s->ndeps; j++)
			if (check_dep(&d->deps[j], s->n) < 0)
				return -1;
	}
	for (i = 0; i < d->ncomposites; i++)
		if (!tag_ok(d->composites[i].tag, sizeof(d->composites[i].tag)) ||
		    !in_range(d->composites[i].first, d->composites[i].n, d->nmembers) ||
		    d->composites[i].last_m > d->composites[i].n)
			return -1;
	for (i = 0; i < d->nmembers; i++) {
		const struct tdk_dir_member *m = &d->members[i];

		if (!tag_ok(m->tag, sizeof(m->tag)) ||
		    (m->ref != TDK_DIR_NONE && m->ref >= (m->composite ? d->ncomposites : d->nelements)))
			return -1;
	}
	for (i = 0; i < d->nelements; i++)
		if (!tag_ok(d->elements[i].tag, sizeof(d->elements[i].tag)) ||
		    (d->elements[i].codes != TDK_DIR_NONE && d->elements[i].codes >= d->nlists))
			return -1;
	for (i = 0; i < d->nlists; i++)
		if (!tag_ok(d->lists[i].tag, sizeof(d->lists[i].tag)) ||
		    !in_range(d->lists[i].first, d->lists[i].n, d->ncodes))
			return -1;
	for (i = 0; i < d->ncodes; i++)
		if (d->codes[i].value >= d->nstrings || d->codes[i].len != strlen(d->strings + d->codes[i].value))
			return -1;
	return 0;
}

static int map_file(struct tdk_dir **out, const char *path, uint64_t want_stamp)
{
	struct tdk_dir *dir = NULL;
	const struct dir_head *h;
	struct stat st;
	void *img;
	int fd, i;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(*h) || st.st_size > 0x7FFFFFFF) {
		close(fd);
		return -1;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED)
		return -1;
	h = img;
	if (memcmp(h->magic, dir_magic, sizeof(dir_magic)) || h->byte_order != 0x01020304 ||
	    h->format != DIR_FORMAT || h->size != (uint64_t)st.st_size || h->stamp != want_stamp)
		goto bad;
	for (i = 0; i < A_COUNT; i++)
		if (h->off[i] % 8 || h->off[i] > h->size || h->cnt[i] > (h->size - h->off[i]) / rec_size[i])
			goto bad;
	if (!(dir = calloc(1, sizeof(*dir))))
		goto bad;
	dir->image = img;
	dir->size = (size_t)st.st_size;
	dir->mapped = 1;
	attach(dir);
	if (tdk_dir_release_name(dir->release, dir->release, NULL) < 0 || check_image(dir) < 0)
		goto bad;
	*out = dir;
	return 0;
bad:
	free(dir);
	munmap(img, (size_t)st.st_size);
	return -1;
}

void tdk_dir_free(struct tdk_dir *dir)
{
	if (!dir)
		return;
	if (dir->mapped)
		munmap(dir->image, dir->size);
	else
		free(dir->image);
	free(dir);
}

/* ---- Lookups ---- */

const struct tdk_dir_message *tdk_dir_message(const struct tdk_dir *d, const char *type)
{
	return find_tag(d->messages, d->nmessages, sizeof(*d->messages), type);
}

const struct tdk_dir_segment *tdk_dir_segment(const struct tdk_dir *d, const char *tag)
{
	return find_tag(d->segments, d->nsegments, sizeof(*d->segments), tag);
}

const struct tdk_dir_composite *tdk_dir_composite(const struct tdk_dir *d, const char *tag)
{
	return find_tag(d->composites, d->ncomposites, sizeof(*d->composites), tag);
}

const struct tdk_dir_element *tdk_dir_element(const struct tdk_dir *d, const char *tag)
{
	return find_tag(d->elements, d->nelements, sizeof(*d->elements), tag);
}

const struct tdk_dir_code *tdk_dir_code(const struct tdk_dir *d, const struct tdk_dir_codelist *l,
					const char *v, size_t n)
{
	const struct tdk_dir_code *codes = d->codes + l->first;
	uint64_t key = tdk_dir_code_key(v, n);
	uint32_t lo = 0, hi = l->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = codes[mid].key < key ? -1 : codes[mid].key > key;

		if (!c) {
			/* Equal keys: equal values when the lengths and the bytes past the key agree. */
			const char *s = tdk_dir_str(d, codes[mid].value);
			size_t sl = codes[mid].len;

			if (sl == n && (n <= 8 || !memcmp(s + 8, v + 8, n - 8)))
				return &codes[mid];
			/* Else they decide in the order strcmp gives them. */
			sl = strlen(s);
			c = memcmp(s, v, sl < n ? sl : n);
			if (!c)
				c = sl < n ? -1 : sl > n;
			if (!c)
				return &codes[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- Where releases live ---- */

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", a, *a && a[strlen(a) - 1] != '/' ? "/" : "", b);
	return s;
}

static char *home_dir(const char *xdg, const char *fallback, const char *sub)
{
	const char *x = getenv(xdg), *home = getenv("HOME");
	char base[PATH_MAX];

	if (x && *x == '/')
		snprintf(base, sizeof(base), "%s", x);
	else if (home && *home)
		snprintf(base, sizeof(base), "%s/%s", home, fallback);
	else
		return NULL;
	return join(base, sub);
}

char *tdk_dir_user_dir(void)
{
	return home_dir("XDG_DATA_HOME", ".local/share", "tdk/directories");
}

static int path_add(struct tdk_dir_path *p, char *s)
{
	char **n;

	if (!s)
		return -1;
	if (!(n = realloc(p->dirs, (p->n + 1) * sizeof(*n)))) {
		free(s);
		return -1;
	}
	p->dirs = n;
	p->dirs[p->n++] = s;
	return 0;
}

int tdk_dir_path_init(struct tdk_dir_path *p, const char *share)
{
	const char *env = getenv("TDK_DIRECTORY_PATH");
	char *user;

	memset(p, 0, sizeof(*p));
	while (env && *env) {
		const char *e = strchr(env, ':');
		size_t n = e ? (size_t)(e - env) : strlen(env);

		if (n && path_add(p, strndup(env, n)) < 0)
			return -1;
		env += n + (e ? 1 : 0);
	}
	if ((user = tdk_dir_user_dir()) && path_add(p, user) < 0)
		return -1;
	if (share && *share && path_add(p, join(share, "directories")) < 0)
		return -1;
	return 0;
}

void tdk_dir_path_release(struct tdk_dir_path *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->dirs[i]);
	free(p->dirs);
	memset(p, 0, sizeof(*p));
}

/*
 * The entry of folder dir that holds release (a subfolder or a zip named
 * after it, in any case), or with release NULL the first entry named after any
 * release; in a new string, or NULL.
 */
static char *find_in(const char *dir, const char *release)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char *found = NULL;

	if (!dh)
		return NULL;
	while (!found && (de = readdir(dh))) {
		char stem[32], canon[8];
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n >= sizeof(stem))
			continue;
		memcpy(stem, de->d_name, n + 1);
		if (n > 4 && !strcasecmp(stem + n - 4, ".zip"))
			stem[n - 4] = '\0';
		if (tdk_dir_release_name(canon, stem, NULL) == 0 && (!release || !strcmp(canon, release)))
			found = join(dir, de->d_name);
	}
	closedir(dh);
	return found;
}

/* True when folder dir holds releases (entries named after one) rather than being one. */
static int holds_releases(const char *dir)
{
	char *any = find_in(dir, NULL);

	free(any);
	return any != NULL;
}

char *tdk_dir_find(const struct tdk_dir_path *p, const char *release)
{
	size_t i;
	char *s;

	for (i = 0; i < p->n; i++)
		if ((s = find_in(p->dirs[i], release)))
			return s;
	return NULL;
}

int tdk_dir_list(const char *path, size_t max, char ***names, size_t *n)
{
	DIR *dh = opendir(path);
	struct dirent *de;
	char **v = NULL;
	size_t k = 0, cap = 0;

	*names = NULL;
	*n = 0;
	if (!dh)
		return -1;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		if (k == cap) {
			char **g = k < max ? realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v)) : NULL;

			if (!g)
				goto fail;
			v = g;
		}
		if (!(v[k] = join(path, de->d_name)))
			goto fail;
		k++;
	}
	closedir(dh);
	if (k)
		qsort(v, k, sizeof(*v), cmp_strp);
	*names = v;
	*n = k;
	return 0;
fail:
	closedir(dh);
	tdk_dir_list_free(v, k);
	return -2;
}

void tdk_dir_list_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- The compiled cache ---- */

static void fnv(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		*h = (*h ^ *c++) * 0x100000001b3ULL;
}

/* The identity of a release's files: names, sizes and modification times, walked like the loader does. */
static void stamp_path(uint64_t *h, const char *path, int nesting)
{
	struct stat st;
	char **names;
	size_t n, i;

	if (stat(path, &st) < 0)
		return;
	fnv(h, path, strlen(path));
	fnv(h, &st.st_size, sizeof(st.st_size));
	fnv(h, &st.st_mtim, sizeof(st.st_mtim));
	if (S_ISDIR(st.st_mode) && nesting < 3 && tdk_dir_list(path, (size_t)-1, &names, &n) == 0) {
		for (i = 0; i < n; i++)
			stamp_path(h, names[i], nesting + 1);
		tdk_dir_list_free(names, n);
	}
}

static int mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++)
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char c = tmp[i];

			tmp[i] = '\0';
			if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
				return -1;
			tmp[i] = c;
		}
	return 0;
}

/* Loads the release at location through the cache; faults of a first load go to d. */
static int load_cached(struct tdk_dir **out, const char *location, const char *release, int no_cache,
		       struct tdk_diag *d)
{
	char real[PATH_MAX], name[64], *cdir = NULL, *cfile = NULL;
	uint64_t stamp = 0xcbf29ce484222325ULL;
	uint32_t fmt = DIR_FORMAT;
	int r;

	if (!realpath(location, real))
		snprintf(real, sizeof(real), "%s", location);
	fnv(&stamp, &fmt, sizeof(fmt));
	stamp_path(&stamp, real, 0);
	if (!no_cache && (cdir = home_dir("XDG_CACHE_HOME", ".cache", "tdk/directories"))) {
		snprintf(name, sizeof(name), "%s-%016llx.tdkdir", release, (unsigned long long)stamp);
		cfile = join(cdir, name);
		if (cfile && map_file(out, cfile, stamp) == 0 && !strcmp((*out)->release, release)) {
			r = TDK_EXIT_OK;
			goto out;
		}
		if (*out) {
			tdk_dir_free(*out);
			*out = NULL;
		}
	}
	if ((r = tdk_dir_load(out, location, d)))
		goto out;
	if (strcmp((*out)->release, release)) {
		if (d)
			tdk_diag_add(d, TDK_SEV_ERROR, "EDI-DIR-RELEASE", NULL, "'%s' holds release %s, not %s",
				     location, (*out)->release, release);
		tdk_dir_free(*out);
		*out = NULL;
		r = TDK_EXIT_IO;
		goto out;
	}
	/* The cache is an optimisation: failing to write it changes nothing else. */
	if (cfile && mkdirs(cdir) == 0)
		save_stamped(*out, cfile, stamp);
out:
	free(cdir);
	free(cfile);
	return r;
}

int tdk_dir_set_init(struct tdk_dir_set *s, const char *share, const char *explicit_path)
{
	memset(s, 0, sizeof(*s));
	s->explicit_path = explicit_path;
	if (pthread_mutex_init(&s->lock, NULL) != 0)
		return -1;
	if (tdk_dir_path_init(&s->path, share) < 0) {
		pthread_mutex_destroy(&s->lock);
		return -1;
	}
	return 0;
}

void tdk_dir_set_release(struct tdk_dir_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tdk_dir_free(s->entries[i].dir);
	free(s->entries);
	tdk_dir_path_release(&s->path);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof(*s));
}

static int set_get_locked(struct tdk_dir_set *s, const char *release, struct tdk_dir **dir, struct tdk_diag *d)
{
	struct tdk_dir_set_entry *e;
	char *location = NULL;
	size_t i;

	*dir = NULL;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->entries[i].release, release)) {
			*dir = s->entries[i].dir;
			return s->entries[i].status;
		}
	if (!(e = realloc(s->entries, (s->n + 1) * sizeof(*e))))
		return TDK_EXIT_INTERNAL;
	s->entries = e;
	e = &s->entries[s->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->release, release, sizeof(e->release));
	e->release[7] = '\0';
	if (s->explicit_path) {
		struct stat st;

		/* A folder of releases, or a release itself. */
		if (stat(s->explicit_path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !(location = find_in(s->explicit_path, release)) && holds_releases(s->explicit_path)) {
			e->status = TDK_EXIT_IO;
			return e->status;
		}
		if (!location)
			location = strdup(s->explicit_path);
	} else {
		location = tdk_dir_find(&s->path, release);
	}
	if (!location) {
		e->status = TDK_EXIT_IO;
		return e->status;
	}
	e->status = load_cached(&e->dir, location, release, s->no_cache, d);
	free(location);
	*dir = e->dir;
	return e->status;
}

int tdk_dir_set_get(struct tdk_dir_set *s, const char *release, struct tdk_dir **dir, struct tdk_diag *d)
{
	int r;

	pthread_mutex_lock(&s->lock);
	r = set_get_locked(s, release, dir, d);
	pthread_mutex_unlock(&s->lock);
	return r;
}
