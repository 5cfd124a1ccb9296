/*
 * Where a release's files are read from: folders, zips and zips in zips
 * (the release zip as downloaded holds the member zips), each file handed
 * to the loader (dir-load.c) by its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "edi/dir-impl.h"
#include "pack/pack.h"
#include "util/exitcode.h"
#include "util/io.h"

static int is_zip_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcasecmp(name + n - 4, ".zip");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * Zips are opened without ZIP_CHECKCONS.  That flag also compares every
 * local header with its central directory record, field by field (version
 * needed to extract, method, time, name, CRC and sizes), and UNECE's
 * release zips, written by FAT-era zippers, do not always repeat the same
 * values there: D.11B's outer zip is refused as "Zip archive inconsistent"
 * while unzip -t and Python, which read the central directory as APPNOTE
 * 4.3.12 makes it the authority, read it whole.  What that check guarded
 * is kept otherwise: the entry count and sizes are bounded here, no two
 * entries may share bytes of the file (tdk_zip_check_overlap, the
 * non-recursive zip bomb), each member is read to its end so that libzip
 * checks its CRC (ZIP_ER_CRC), and one that is longer than its record
 * claims is refused.
 */
static int walk_zip(struct dir_build *b, zip_t *za, const char *zname, int nesting);

/* Entry count and overlap of za, whose bytes are at mem or in fd.  Returns 1 to read it, 0 to skip it, -1 without memory. */
static int zip_bounds(struct dir_build *b, zip_t *za, const char *zname, int fd, const unsigned char *mem,
		      uint64_t size)
{
	struct tdk_container c;
	zip_int64_t i, n = zip_get_num_entries(za, 0);
	int r;

	if (n > MAX_ENTRIES)
		return tdk_dir_fault(b, zname, 0, "%lld entries, more than %d", (long long)n, MAX_ENTRIES), 0;
	memset(&c, 0, sizeof(c));
	c.path = zname;
	c.n = (size_t)n;
	if (n && !(c.e = calloc((size_t)n, sizeof(*c.e)))) {
		b->oom = 1;
		return -1;
	}
	/* The overlap check reads the names, to say which entries share bytes. */
	for (i = 0, r = 0; i < n && !r; i++) {
		const char *nm = zip_get_name(za, (zip_uint64_t)i, 0);

		if (!(c.e[i].name = strdup(nm ? nm : "")))
			r = TDK_EXIT_INTERNAL;
	}
	if (!r)
		r = tdk_zip_check_overlap(&c, fd, mem, size, b->d);
	for (i = 0; i < n; i++)
		free(c.e[i].name);
	free(c.e);
	if (r == TDK_EXIT_INTERNAL) {
		b->oom = 1;
		return -1;
	}
	if (r)
		return tdk_dir_fault(b, zname, 0, "not a readable zip: entries share bytes of the file"), 0;
	return 1;
}

static int open_zip_mem(struct dir_build *b, const char *zname, char *data, size_t n, int nesting)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	int r;

	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(data, n, 0, &ze))) {
		zip_error_fini(&ze);
		b->oom = 1;
		return -1;
	}
	if (!(za = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		tdk_dir_fault(b, zname, 0, "not a readable zip: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return 0;
	}
	zip_error_fini(&ze);
	r = zip_bounds(b, za, zname, -1, (const unsigned char *)data, n);
	if (r > 0)
		r = walk_zip(b, za, zname, nesting);
	zip_discard(za);
	return r;
}

/* Reads member i of za (size bytes) to its end, so that libzip checks its CRC.  Returns 0, or 1 when it is damaged. */
/*
 * Reads member i whole; on a fault says why in why[0..n).  libzip's error
 * strings belong to the file handle and go with zip_fclose: copied first.
 */
static int read_member(zip_t *za, zip_uint64_t i, char *data, zip_uint64_t size, char *why, size_t n)
{
	zip_file_t *zf = zip_fopen_index(za, i, 0);
	zip_int64_t got, more;
	char extra;

	if (!zf) {
		snprintf(why, n, "%s", zip_strerror(za));
		return 1;
	}
	got = zip_fread(zf, data, size);
	more = got < 0 || (zip_uint64_t)got != size ? -1 : zip_fread(zf, &extra, 1);
	snprintf(why, n, "%s", more < 0 ? zip_file_strerror(zf) : "longer than its directory record says");
	if (got >= 0 && (zip_uint64_t)got != size)
		snprintf(why, n, "shorter than its directory record says");
	zip_fclose(zf);
	return more != 0;
}

static int walk_zip(struct dir_build *b, zip_t *za, const char *zname, int nesting)
{
	zip_int64_t i, n = zip_get_num_entries(za, 0);

	for (i = 0; i < n; i++) {
		zip_stat_t st;
		const char *name;
		char *data, why[256];
		int r;

		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME) ||
		    !(st.valid & ZIP_STAT_SIZE))
			continue;
		name = base_name(st.name);
		if (!*name)
			continue;
		if (!is_zip_name(name)) {
			char rel[4], type[7];

			if (tdk_dir_classify(name, rel, type) < 0)
				continue;
		} else if (nesting >= MAX_NESTING) {
			continue;
		}
		if (st.size > MAX_ENTRY_BYTES || b->total + st.size > MAX_TOTAL_BYTES) {
			tdk_dir_fault(b, zname, 0, "member '%s' is too large (%llu bytes)", name, (unsigned long long)st.size);
			continue;
		}
		if (!(data = malloc(st.size ? st.size : 1))) {
			b->oom = 1;
			return -1;
		}
		if (read_member(za, (zip_uint64_t)i, data, st.size, why, sizeof(why))) {
			tdk_dir_fault(b, zname, 0, "member '%s' is damaged: %s", name, why);
			free(data);
			continue;
		}
		b->total += st.size;
		r = is_zip_name(name) ? open_zip_mem(b, name, data, st.size, nesting + 1) :
			tdk_dir_add_file(b, name, zname, data, st.size);
		free(data);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Reads the release file at path into f, within the caps.  Returns 0, 1 after a fault, -1 without memory. */
static int read_file(struct dir_build *b, const char *path, struct tdk_buf *f)
{
	size_t left = MAX_TOTAL_BYTES - b->total;

	if (tdk_read_all(path, left < MAX_ENTRY_BYTES ? left : MAX_ENTRY_BYTES, f) < 0) {
		if (errno == ENOMEM) {
			b->oom = 1;
			return -1;
		}
		if (errno == EFBIG)
			return tdk_dir_fault(b, path, 0, "too large"), 1;
		return tdk_dir_fault(b, path, 0, "cannot %s: %s", errno == ENOENT || errno == EACCES ? "open" : "read",
			     strerror(errno)), 1;
	}
	b->total += f->len;
	return 0;
}

static int walk_path(struct dir_build *b, const char *path, int nesting)
{
	struct stat st;
	const char *name = base_name(path);

	if (stat(path, &st) < 0)
		return tdk_dir_fault(b, path, 0, "cannot open: %s", strerror(errno)), 0;
	if (S_ISDIR(st.st_mode)) {
		char **names;
		size_t nn, i;
		int r = 0, k;

		if (nesting >= MAX_NESTING)
			return 0;
		/* I-EDI folders (unzipped IDMD and the like) are not part of the batch directory. */
		if (nesting && (name[0] == 'I' || name[0] == 'i') && (name[1] == 'D' || name[1] == 'd'))
			return 0;
		if ((k = tdk_dir_list(path, MAX_ENTRIES, &names, &nn)) == -1)
			return tdk_dir_fault(b, path, 0, "cannot open: %s", strerror(errno)), 0;
		if (k < 0) {
			b->oom = 1;
			return -1;
		}
		for (i = 0; i < nn && !r; i++)
			r = walk_path(b, names[i], nesting + 1);
		tdk_dir_list_free(names, nn);
		if (r < 0)
			b->oom = 1;
		return r;
	}
	if (is_zip_name(name)) {
		zip_t *za;
		int err = 0, r, fd;

		if (!(za = zip_open(path, ZIP_RDONLY, &err))) {
			zip_error_t ze;

			zip_error_init_with_code(&ze, err);
			tdk_dir_fault(b, path, 0, "not a readable zip: %s", zip_error_strerror(&ze));
			zip_error_fini(&ze);
			return 0;
		}
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			zip_discard(za);
			return tdk_dir_fault(b, path, 0, "cannot open: %s", strerror(errno)), 0;
		}
		r = zip_bounds(b, za, name, fd, NULL, (uint64_t)st.st_size);
		close(fd);
		if (r > 0)
			r = walk_zip(b, za, name, nesting);
		zip_discard(za);
		return r;
	} else {
		struct tdk_buf f = TDK_BUF_INIT(0);
		char rel[4], type[7];
		int r;

		if (tdk_dir_classify(name, rel, type) < 0)
			return 0;
		if (!(r = read_file(b, path, &f)))
			r = tdk_dir_add_file(b, name, NULL, f.data, f.len);
		tdk_buf_release(&f);
		return r < 0 ? -1 : r > 0 ? 0 : r;
	}
}

int tdk_dir_build_read(struct dir_build *b, const char *path)
{
	return walk_path(b, path, 0);
}

int tdk_dir_build_mem(struct dir_build *b, const char *name, const char *data, size_t n)
{
	char *copy;
	int r;

	if (n > MAX_ENTRY_BYTES || b->total + n > MAX_TOTAL_BYTES)
		return tdk_dir_fault(b, name, 0, "too large"), 0;
	if (!is_zip_name(name))
		return (b->total += n), tdk_dir_add_file(b, base_name(name), NULL, data, n);
	/* libzip reads a zip from a buffer it may not change: a copy of our own. */
	if (!(copy = malloc(n ? n : 1)))
		return -1;
	memcpy(copy, data, n);
	b->total += n;
	r = open_zip_mem(b, base_name(name), copy, n, 1);
	free(copy);
	return r;
}
