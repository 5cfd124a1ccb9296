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

int tdk_container_open(struct tdk_container *c, const char *path, const struct tdk_zip_limits *lim,
		       int strict, struct tdk_diag *d)
{
	zip_t *za;
	zip_int64_t n, i, k;
	int err = 0, r = 0;

	memset(c, 0, sizeof(*c));
	c->path = path;
	if (lim)
		c->lim = *lim;
	else
		tdk_zip_limits_init(&c->lim);
	za = zip_open(path, ZIP_RDONLY, &err);
	if (!za) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, err);
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "not a readable ZIP container: %s",
			     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return TDK_EXIT_IO;
	}
	c->zip = za;
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
				     "path or a '..' component: it would land outside the folder", e->name);
			r = TDK_EXIT_NEGATIVE;
		}
		if (e->link && strict) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-LINK", NULL, "entry '%s' is a symbolic link; "
				     "links are never extracted", e->name);
			r = TDK_EXIT_NEGATIVE;
		}
		for (k = 0; k + 1 < (zip_int64_t)c->n; k++)
			if (!strcmp(c->e[k].name, e->name)) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PACK-DUPLICATE", NULL, "two entries are named "
					     "'%s'", e->name);
				r = TDK_EXIT_NEGATIVE;
				break;
			}
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

/* Inflates entry i chunk by chunk into sink (memory when fd < 0), enforcing the limits. */
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
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "entry '%s' cannot be opened: %s", e->name,
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
				     "than %lu times its compressed size (--max-ratio): a zip bomb?", e->name,
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
				     "header says", e->name);
			r = TDK_EXIT_NEGATIVE;
			goto out;
		}
		if (fd >= 0) {
			const char *p = chunk;
			size_t left = (size_t)n;

			while (left) {
				ssize_t w = write(fd, p, left);

				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0) {
					tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s",
						     e->name, strerror(errno));
					r = TDK_EXIT_IO;
					goto out;
				}
				p += w;
				left -= (size_t)w;
			}
		} else if (tdk_buf_add(&b, chunk, (size_t)n) < 0) {
			r = TDK_EXIT_INTERNAL;
			goto out;
		}
	}
	if (n < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-ZIP", NULL, "entry '%s' is damaged: %s", e->name,
			     zip_file_strerror(zf));
		r = TDK_EXIT_IO;
		goto out;
	}
	if (fd < 0) {
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

/* Opens (creating) the folder path below dfd one component at a time, never through a link. */
static int open_dirs(int dfd, char *rel, int *out)
{
	char *p = rel, *slash;
	int cur = dup(dfd);

	if (cur < 0)
		return -1;
	while ((slash = strchr(p, '/')) != NULL) {
		int next;

		*slash = '\0';
		if (mkdirat(cur, p, 0777) < 0 && errno != EEXIST) {
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

int tdk_container_extract(struct tdk_container *c, const char *dir, struct tdk_diag *d)
{
	char **done = calloc(c->n ? c->n : 1, sizeof(*done));
	size_t i, ndone = 0;
	int root = -1, r = 0;

	if (!done)
		return TDK_EXIT_INTERNAL;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create '%s': %s", dir,
			     strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot open '%s': %s", dir,
			     strerror(errno));
		r = TDK_EXIT_IO;
		goto out;
	}
	for (i = 0; i < c->n && !r; i++) {
		struct tdk_zip_entry *e = &c->e[i];
		char *rel = NULL, tmp[64];
		int dfd = -1, fd = -1, off;

		if (e->unsafe || e->link) {
			r = TDK_EXIT_NEGATIVE;
			break;
		}
		rel = strdup(e->name);
		if (!rel) {
			r = TDK_EXIT_INTERNAL;
			break;
		}
		if (e->dir) {
			char *full = malloc(strlen(rel) + 2);

			/* open_dirs creates every component that ends in '/'. */
			if (full) {
				snprintf(full, strlen(rel) + 2, "%s", rel);
				off = open_dirs(root, full, &dfd);
				free(full);
			} else {
				off = -1;
			}
			if (off < 0) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create folder '%s' "
					     "(a link or a file in the way?): %s", e->name, strerror(errno));
				r = TDK_EXIT_IO;
			} else {
				close(dfd);
			}
			free(rel);
			continue;
		}
		off = open_dirs(root, rel, &dfd);
		if (off < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot create the folder of '%s' "
				     "(a link or a file in the way?): %s", e->name, strerror(errno));
			free(rel);
			r = TDK_EXIT_IO;
			break;
		}
		snprintf(tmp, sizeof(tmp), ".tdk-unpack-%ld-%zu", (long)getpid(), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0) {
			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s", e->name,
				     strerror(errno));
			r = TDK_EXIT_IO;
		} else {
			r = inflate_entry(c, i, fd, d);
			if (close(fd) < 0 && !r) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s",
					     e->name, strerror(errno));
				r = TDK_EXIT_IO;
			}
			if (!r && renameat(dfd, tmp, dfd, rel + off) < 0) {
				tdk_diag_add(d, TDK_SEV_ERROR, "PACK-WRITE", NULL, "cannot write '%s': %s",
					     e->name, strerror(errno));
				r = TDK_EXIT_IO;
			}
			if (r)
				unlinkat(dfd, tmp, 0);
			else
				done[ndone++] = rel, rel = NULL;
		}
		free(rel);
		close(dfd);
	}
	if (r) {
		/* Leave nothing half-done: the files written so far go again. */
		for (i = 0; i < ndone; i++) {
			int dfd;
			int off = open_dirs(root, done[i], &dfd);

			if (off >= 0) {
				unlinkat(dfd, done[i] + off, 0);
				close(dfd);
			}
		}
	}
out:
	for (i = 0; i < ndone; i++)
		free(done[i]);
	free(done);
	if (root >= 0)
		close(root);
	return r;
}
