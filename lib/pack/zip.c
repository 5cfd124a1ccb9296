/*
 * Reading ZIP containers safely with libzip: the directory checked before any
 * byte is used, the limits enforced on the inflated bytes, extraction that
 * cannot leave its folder (openat with O_NOFOLLOW from the folder down, no
 * links created, temporary names renamed into place, everything removed again
 * on failure).  See pack.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "pack/pack.h"
#include "util/exitcode.h"
#include "util/io.h"

void tdk_zip_limits_init(struct tdk_zip_limits *l)
{
	l->max_entries = 10000;
	l->max_total = (uint64_t)1 << 30;
	l->max_ratio = 100;
}

/* APPNOTE 4.4.17: names are relative, '/'-separated; refuse what could escape or confuse. */
static int unsafe_name(const char *s)
{
	const char *p = s;

	if (!*s || *s == '/' || strchr(s, '\\') || (s[0] && s[1] == ':'))
		return 1;
	while (*p) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);

		if ((n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.') || (n == 0 && q))
			return 1;
		if (!q)
			break;
		p = q + 1;
	}
	return 0;
}

static void init(struct tdk_container *c, const char *path, const struct tdk_zip_limits *lim)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	if (lim)
		c->lim = *lim;
	else
		tdk_zip_limits_init(&c->lim);
	tdk_buf_init(&c->qname, 4096);
}

/* An entry's name as reports print it (util/diag.h); valid until the next call. */
static const char *qname(struct tdk_container *c, const char *name)
{
	return tdk_name(&c->qname, name);
}

static int zip_failed(struct tdk_diag *d, zip_error_t *ze)
{
	tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "not a readable ZIP container: %s",
		     zip_error_strerror(ze));
	return TDK_EXIT_IO;
}

/* Reads the directory of c->zip: names, links, duplicates, the entry count. */
static int scan(struct tdk_container *c, int strict, struct tdk_diag *d)
{
	zip_t *za = c->zip;
	zip_int64_t n, i, k;
	int r = 0;

	n = zip_get_num_entries(za, 0);
	if (n < 0 || (uint64_t)n > c->lim.max_entries) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-LIMIT-ENTRIES", NULL, "%lld entries, more than the "
			     "limit of %lu (--max-entries)", (long long)n, c->lim.max_entries);
		return TDK_EXIT_NEGATIVE;
	}
	c->e = calloc(n ? (size_t)n : 1, sizeof(*c->e));
	if (!c->e)
		return TDK_EXIT_INTERNAL;
	for (i = 0; i < n; i++) {
		struct tdk_zip_entry *e = &c->e[c->n];
		zip_stat_t st;
		zip_uint8_t os;
		zip_uint32_t attr;

		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME)) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "entry %lld cannot be read: %s",
				     (long long)i, zip_strerror(za));
			return TDK_EXIT_IO;
		}
		e->name = strdup(st.name);
		if (!e->name)
			return TDK_EXIT_INTERNAL;
		c->n++;
		e->size = st.valid & ZIP_STAT_SIZE ? st.size : 0;
		e->csize = st.valid & ZIP_STAT_COMP_SIZE ? st.comp_size : 0;
		e->stored = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
		e->dir = e->name[0] && e->name[strlen(e->name) - 1] == '/';
		if (zip_file_get_external_attributes(za, (zip_uint64_t)i, 0, &os, &attr) == 0 &&
		    os == ZIP_OPSYS_UNIX && S_ISLNK((mode_t)(attr >> 16)))
			e->link = 1;
		e->unsafe = unsafe_name(e->name) || strlen(e->name) != strlen(st.name);
		if (e->unsafe && strict) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-UNSAFE-NAME", NULL, "entry '%s' has an absolute "
				     "path or a '..' component: it would land outside the folder",
				     qname(c, e->name));
			r = TDK_EXIT_NEGATIVE;
		}
		if (e->link && strict) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-LINK", NULL, "entry '%s' is a symbolic link; "
				     "links are never extracted", qname(c, e->name));
			r = TDK_EXIT_NEGATIVE;
		}
		for (k = 0; k + 1 < (zip_int64_t)c->n; k++)
			if (!strcmp(c->e[k].name, e->name)) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PACK-DUPLICATE", NULL, "two entries are named "
					     "'%s'", qname(c, e->name));
				r = TDK_EXIT_NEGATIVE;
				break;
			}
	}
	return r;
}

int tdk_container_open_mem(struct tdk_container *c, const char *name, const void *data, size_t len,
			   const struct tdk_zip_limits *lim, int strict, struct tdk_diag *d)
{
	zip_source_t *src;
	zip_error_t ze;
	int r;

	init(c, name, lim);
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (src && !(c->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)))
		zip_source_free(src);
	r = c->zip ? scan(c, strict, d) : zip_failed(d, &ze);
	zip_error_fini(&ze);
	if (!r)
		r = tdk_zip_check_overlap(c, -1, data, len, d);
	return r;
}

/* "-", a pipe or a device: libzip needs to seek, so the bytes are read into memory, with a cap. */
static int open_stream(struct tdk_container *c, const char *path, const struct tdk_zip_limits *lim,
		       int strict, struct tdk_diag *d)
{
	struct tdk_buf b;
	int r;

	init(c, path, lim);
	if (tdk_read_all(path, c->lim.max_total > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)c->lim.max_total,
			 &b) < 0) {
		if (errno == EFBIG)
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-LIMIT-SIZE", NULL, "the container is longer than "
				     "%llu bytes (--max-size)", (unsigned long long)c->lim.max_total);
		else
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-READ", NULL, "cannot read the container: %s",
				     strerror(errno));
		tdk_buf_release(&b);
		tdk_buf_release(&c->qname);
		return errno == ENOMEM ? TDK_EXIT_INTERNAL : TDK_EXIT_IO;
	}
	tdk_buf_release(&c->qname);
	r = tdk_container_open_mem(c, path, b.data, b.len, lim, strict, d);
	/* The container keeps the bytes: libzip reads entries from them until release. */
	c->mem = tdk_buf_detach(&b);
	return r;
}

int tdk_container_open(struct tdk_container *c, const char *path, const struct tdk_zip_limits *lim,
		       int strict, struct tdk_diag *d)
{
	struct stat st;
	int err = 0, fd, r;

	if (!strcmp(path, "-") || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
		return open_stream(c, path, lim, strict, d);
	init(c, path, lim);
	c->zip = zip_open(path, ZIP_RDONLY, &err);
	if (!c->zip) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, err);
		r = zip_failed(d, &ze);
		zip_error_fini(&ze);
		return r;
	}
	r = scan(c, strict, d);
	fd = r ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0)
			r = tdk_zip_check_overlap(c, fd, NULL, (uint64_t)st.st_size, d);
		close(fd);
	}
	return r;
}

void tdk_container_release(struct tdk_container *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->e[i].name);
		free(c->e[i].data);
	}
	free(c->e);
	if (c->zip)
		zip_discard(c->zip);
	free(c->mem);
	tdk_buf_release(&c->qname);
	memset(c, 0, sizeof(*c));
}

long tdk_container_find(const struct tdk_container *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].name, name))
			return (long)i;
	return -1;
}

/*
 * Inflates entry i chunk by chunk, enforcing the limits, into the file fd,
 * or memory (fd -1), or nowhere (fd -2: only counted, and the CRC checked
 * by libzip at the end).
 */
static int inflate_entry(struct tdk_container *c, size_t i, int fd, struct tdk_diag *d)
{
	struct tdk_zip_entry *e = &c->e[i];
	zip_file_t *zf = zip_fopen_index(c->zip, i, 0);
	uint64_t got = 0, ratio_cap;
	struct tdk_buf b = TDK_BUF_INIT((size_t)-1 / 2);
	char chunk[65536];
	zip_int64_t n;
	int r = 0;

	if (!zf) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "entry '%s' cannot be opened: %s", qname(c, e->name),
			     zip_strerror(c->zip));
		return TDK_EXIT_IO;
	}
	/* A stored entry inflates to itself; the ratio applies to compressed ones (at least 1 KiB). */
	ratio_cap = e->stored ? UINT64_MAX : (e->csize > 1024 ? e->csize : 1024) * c->lim.max_ratio;
	while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0) {
		got += (uint64_t)n;
		c->total += (uint64_t)n;
		if (got > ratio_cap) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-LIMIT-RATIO", NULL, "entry '%s' inflates more "
				     "than %lu times its compressed size (--max-ratio): a zip bomb?", qname(c, e->name),
				     c->lim.max_ratio);
			r = TDK_EXIT_NEGATIVE;
			goto out;
		}
		if (c->total > c->lim.max_total) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-LIMIT-SIZE", NULL, "the entries inflate to more "
				     "than %llu bytes (--max-size)", (unsigned long long)c->lim.max_total);
			r = TDK_EXIT_NEGATIVE;
			goto out;
		}
		if (got > e->size) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "entry '%s' is longer than its "
				     "header says", qname(c, e->name));
			r = TDK_EXIT_NEGATIVE;
			goto out;
		}
		if (fd >= 0) {
			if (tdk_write_all(fd, chunk, (size_t)n) < 0) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s",
					     qname(c, e->name), strerror(errno));
				r = TDK_EXIT_IO;
				goto out;
			}
		} else if (fd == -1 && tdk_buf_add(&b, chunk, (size_t)n) < 0) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
	}
	if (n < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "entry '%s' is damaged: %s", qname(c, e->name),
			     zip_file_strerror(zf));
		r = TDK_EXIT_IO;
		goto out;
	}
	if (fd == -1) {
		free(e->data);
		e->len = b.len;
		e->data = (unsigned char *)tdk_buf_detach(&b);
		if (!e->data)
			e->data = calloc(1, 1);
	}
out:
	tdk_buf_release(&b);
	zip_fclose(zf);
	return r;
}

int tdk_container_load(struct tdk_container *c, size_t i, struct tdk_diag *d)
{
	if (c->e[i].data)
		return 0;
	return inflate_entry(c, i, -1, d);
}

/* What one extraction did, so that a failure can undo exactly that. */
struct run {
	int root;
	char **made;            /* files and folders this run created, relative to root, in order */
	size_t nmade;
};

static int remember(struct run *x, const char *rel, size_t n)
{
	char *p = strndup(rel, n);

	if (!p)
		return -1;
	x->made[x->nmade++] = p;
	return 0;
}

/*
 * Opens (creating) the folders of rel below the root one component at a
 * time, never through a link; the folders made are remembered.  Returns the
 * offset of the last component in rel, with its folder in *out, or -1.
 */
static int open_dirs(struct run *x, char *rel, int *out)
{
	char *p = rel, *slash;
	int cur = dup(x->root);

	if (cur < 0)
		return -1;
	while ((slash = strchr(p, '/')) != NULL) {
		int next;

		*slash = '\0';
		if (mkdirat(cur, p, 0777) == 0) {
			if (remember(x, rel, (size_t)(slash - rel)) < 0) {
				*slash = '/';
				close(cur);
				return -1;
			}
		} else if (errno != EEXIST) {
			*slash = '/';
			close(cur);
			return -1;
		}
		next = openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		*slash = '/';
		close(cur);
		if (next < 0)
			return -1;
		cur = next;
		p = slash + 1;
	}
	*out = cur;
	return (int)(p - rel);
}

/*
 * Before the first write: every entry safe, inflating within the limits
 * with a good CRC, and (without overwrite) no file in the way.  Returns 0
 * or an exit code.
 */
static int check_all(struct tdk_container *c, int root, int overwrite, struct tdk_diag *d)
{
	size_t i;
	int r = 0;

	for (i = 0; i < c->n && !r; i++)
		if (c->e[i].unsafe || c->e[i].link)
			r = TDK_EXIT_NEGATIVE;
		else if (!c->e[i].dir)
			r = inflate_entry(c, i, -2, d);
	c->total = 0;
	for (i = 0; i < c->n && !r; i++) {
		struct stat st;

		if (c->e[i].dir || overwrite || fstatat(root, c->e[i].name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-EXISTS", NULL, "'%s' exists; nothing was extracted "
			     "(--overwrite replaces files)", qname(c, c->e[i].name));
		r = TDK_EXIT_IO;
	}
	return r;
}

/* Writes one file entry: a registered temporary, renamed into place. */
static int extract_one(struct tdk_container *c, size_t i, struct run *x, int overwrite, struct tdk_diag *d)
{
	struct tdk_zip_entry *e = &c->e[i];
	char *rel = strdup(e->name), tmp[64];
	int dfd = -1, fd = -1, off, slot = -1, r = TDK_EXIT_IO, existed, placed = 0;
	struct stat st;

	if (!rel)
		return TDK_EXIT_INTERNAL;
	off = open_dirs(x, rel, &dfd);
	if (off < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create the folder of '%s' "
			     "(a link or a file in the way?): %s", qname(c, e->name), strerror(errno));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".tdk-unpack-%ld-%zu", (long)getpid(), i);
	fd = tdk_tmp_create(dfd, tmp, &slot);
	if (fd >= 0)
		fchmod(fd, tdk_new_file_mode());
	if (fd < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s", qname(c, e->name),
			     strerror(errno));
		goto out;
	}
	r = inflate_entry(c, i, fd, d);
	if (close(fd) < 0 && !r) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s", qname(c, e->name),
			     strerror(errno));
		r = TDK_EXIT_IO;
	}
	if (r)
		goto out;
	existed = fstatat(dfd, rel + off, &st, AT_SYMLINK_NOFOLLOW) == 0;
	/* Without --overwrite, link(2) refuses a name that appeared since the check; rename(2) would not. */
	if ((overwrite ? renameat(dfd, tmp, dfd, rel + off) : linkat(dfd, tmp, dfd, rel + off, 0)) < 0) {
		if (errno == EEXIST)
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-EXISTS", NULL, "'%s' exists (--overwrite "
				     "replaces files)", qname(c, e->name));
		else
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s",
				     qname(c, e->name), strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	placed = overwrite;
	if (!existed && remember(x, rel, strlen(rel)) < 0)
		r = TDK_EXIT_INTERNAL;
out:
	if (fd >= 0 && !placed)
		unlinkat(dfd, tmp, 0);
	tdk_tmp_unregister(slot);
	free(rel);
	if (dfd >= 0)
		close(dfd);
	return r;
}

int tdk_container_extract(struct tdk_container *c, const char *dir, int overwrite, struct tdk_diag *d)
{
	struct run x = { -1, NULL, 0 };
	size_t i, depth = 1;
	int r = 0, made_root;

	/* At most one file and one folder per '/' per entry. */
	for (i = 0; i < c->n; i++)
		depth += 1 + (size_t)(strlen(c->e[i].name) / 2 + 1);
	x.made = calloc(depth, sizeof(*x.made));
	if (!x.made)
		return TDK_EXIT_INTERNAL;
	made_root = mkdir(dir, 0777) == 0;
	if (!made_root && errno != EEXIST) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create '%s': %s", dir,
			     strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	x.root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x.root < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot open '%s': %s", dir,
			     strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	r = check_all(c, x.root, overwrite, d);
	for (i = 0; i < c->n && !r; i++) {
		char *full;
		int dfd;

		if (!c->e[i].dir) {
			r = extract_one(c, i, &x, overwrite, d);
			continue;
		}
		/* A folder entry: open_dirs creates every component that ends in '/'. */
		full = strdup(c->e[i].name);
		if (!full || open_dirs(&x, full, &dfd) < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create folder '%s' "
				     "(a link or a file in the way?): %s", qname(c, c->e[i].name),
				     strerror(errno));
			r = TDK_EXIT_IO;
		} else {
			close(dfd);
		}
		free(full);
	}
	/* Undo in reverse: files, then the folders that held them; rmdir leaves a folder that is not empty. */
	for (i = x.nmade; r && i-- > 0;)
		if (unlinkat(x.root, x.made[i], 0) < 0)
			unlinkat(x.root, x.made[i], AT_REMOVEDIR);
out:
	for (i = 0; i < x.nmade; i++)
		free(x.made[i]);
	free(x.made);
	if (x.root >= 0)
		close(x.root);
	if (r && made_root)
		rmdir(dir);
	return r;
}
