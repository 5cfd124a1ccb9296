/*
 * tdk dir install: adds a UNTDID release, as downloaded (the release zip) or
 * as it is often kept (the zip unpacked into a folder), to the user's data
 * directory, where the search path finds it.  The files are copied as they
 * are: UNECE's licence allows redistributing the original files, never
 * modified copies (DESIGN.md, UN/EDIFACT directories).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir.h"
#include "edi/dir.h"
#include "util/io.h"

/* A release folder holds its member files, at most in a subfolder or two. */
#define INSTALL_MAX_DEPTH 4
#define INSTALL_MAX_FILES 4096

struct tree_copy {
	size_t files;
	int err;                  /* errno of the failure; E2BIG: a limit above */
	char where[PATH_MAX];     /* the path that failed */
};

/* Copies the file from to the new file to, atomically.  Returns 0, or -1 with errno. */
static int copy_file(const char *from, const char *to)
{
	struct tdk_input in;
	struct tdk_output out;
	int r = -1, e = 0;

	if (tdk_input_open(&in, from) < 0) {
		errno = in.err;
		return -1;
	}
	if (tdk_output_open(&out, to, NULL) < 0) {
		e = out.err;
		goto out;
	}
	if (tdk_copy(&in, &out) < 0) {
		e = in.err ? in.err : out.err;
		tdk_output_abort(&out);
		goto out;
	}
	if (tdk_output_commit(&out) < 0) {
		e = out.err;
		goto out;
	}
	r = 0;
out:
	tdk_input_close(&in);
	errno = e;
	return r;
}

static int join(char *out, const char *a, const char *b)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", a, b);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* Removes path and, when it is a folder, all below it (links are removed, not followed). */
static void rm_tree(const char *path, int depth)
{
	struct stat st;
	struct dirent *de;
	char child[PATH_MAX];
	DIR *dh;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if (depth > INSTALL_MAX_DEPTH + 1 || !(dh = opendir(path)))
		return;
	while ((de = readdir(dh)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && !join(child, path, de->d_name))
			rm_tree(child, depth + 1);
	closedir(dh);
	rmdir(path);
}

/* Copies the regular files and folders below from into the existing folder to. */
static int copy_tree(struct tree_copy *t, const char *from, const char *to, int depth)
{
	struct dirent *de;
	struct stat st;
	char a[PATH_MAX], b[PATH_MAX];
	DIR *dh = NULL;
	int r = -1;

	if (depth > INSTALL_MAX_DEPTH) {
		t->err = E2BIG;
		snprintf(t->where, sizeof(t->where), "%s", from);
		return -1;
	}
	if (!(dh = opendir(from))) {
		t->err = errno;
		snprintf(t->where, sizeof(t->where), "%s", from);
		return -1;
	}
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		if (join(a, from, de->d_name) < 0 || join(b, to, de->d_name) < 0) {
			t->err = ENAMETOOLONG;
			snprintf(t->where, sizeof(t->where), "%s", from);
			goto out;
		}
		/* Links are followed, as the loader follows them; devices and FIFOs are no release files. */
		if (stat(a, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(b, 0755) < 0) {
				t->err = errno;
				snprintf(t->where, sizeof(t->where), "%s", b);
				goto out;
			}
			if (copy_tree(t, a, b, depth + 1) < 0)
				goto out;
		} else if (S_ISREG(st.st_mode)) {
			if (++t->files > INSTALL_MAX_FILES) {
				t->err = E2BIG;
				snprintf(t->where, sizeof(t->where), "%s", from);
				goto out;
			}
			if (copy_file(a, b) < 0) {
				t->err = errno;
				snprintf(t->where, sizeof(t->where), "%s", b);
				goto out;
			}
		}
	}
	r = 0;
out:
	closedir(dh);
	return r;
}

/* Creates path and the folders above it. */
static int mkdirs(char *path)
{
	size_t i;

	for (i = 1; path[i]; i++)
		if (path[i] == '/') {
			path[i] = '\0';
			mkdir(path, 0755);
			path[i] = '/';
		}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* Puts the copied folder tmp in the place of dest, replacing what was there. */
static int swap_in(const char *udir, const char *stem, const char *tmp, const char *dest)
{
	char old[PATH_MAX];
	struct stat st;
	int n;

	if (lstat(dest, &st) == 0) {
		n = snprintf(old, sizeof(old), "%s/.%s-old.XXXXXX", udir, stem);
		if (n < 0 || n >= (int)sizeof(old) || !mkdtemp(old))
			return -1;
		/* rename(2) puts a folder in the place of an empty one. */
		if (rename(dest, old) < 0) {
			rmdir(old);
			return -1;
		}
		if (rename(tmp, dest) < 0) {
			int e = errno;

			rename(old, dest);
			errno = e;
			return -1;
		}
		rm_tree(old, 0);
		return 0;
	}
	return rename(tmp, dest);
}

/* Copies source (a folder when dir is set, else a zip) to dest. */
static int install_copy(struct tdk_ctx *ctx, const char *udir, const char *stem, const char *source,
			const char *dest, int dir)
{
	struct tdk_buf q = TDK_BUF_INIT(8192);
	struct tree_copy t = { 0, 0, "" };
	char tmp[PATH_MAX];
	int n, r = 0;

	if (!dir) {
		if (copy_file(source, dest) < 0)
			r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot write '%s': %s", tdk_name(&q, dest),
				      strerror(errno));
		goto out;
	}
	n = snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", udir, stem);
	if (n < 0 || n >= (int)sizeof(tmp) || !mkdtemp(tmp)) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot create a folder in '%s': %s", tdk_name(&q, udir),
			      strerror(n < 0 || n >= (int)sizeof(tmp) ? ENAMETOOLONG : errno));
		goto out;
	}
	chmod(tmp, 0755);
	if (copy_tree(&t, source, tmp, 0) < 0) {
		if (t.err == E2BIG)
			r = tdk_error(ctx, "dir", TDK_EXIT_IO, "'%s': more than %d files or %d levels of folders: "
				      "not a release folder", tdk_name(&q, t.where), INSTALL_MAX_FILES,
				      INSTALL_MAX_DEPTH);
		else
			r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot copy '%s': %s", tdk_name(&q, t.where),
				      strerror(t.err));
		rm_tree(tmp, 0);
		goto out;
	}
	if (swap_in(udir, stem, tmp, dest) < 0) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot write '%s': %s", tdk_name(&q, dest), strerror(errno));
		rm_tree(tmp, 0);
	}
out:
	tdk_buf_release(&q);
	return r;
}

int tdk_dir_install(struct tdk_ctx *ctx, const char *source)
{
	struct tdk_buf q = TDK_BUF_INIT(8192);
	struct tdk_dir *d = NULL;
	struct tdk_diag diag;
	struct stat st;
	char *udir = NULL, stem[8], dest[PATH_MAX], other[PATH_MAX];
	int r, dir;

	tdk_diag_init(&diag, source);
	diag.emit = tdk_dir_report_diag;
	diag.arg = ctx;
	if ((r = tdk_dir_load(&d, source, &diag))) {
		r = tdk_error(ctx, "dir", r, "'%s' is not a usable UNTDID release (a release zip, or a folder "
			      "holding a release's files)", tdk_name(&q, source));
		goto out;
	}
	dir = stat(source, &st) == 0 && S_ISDIR(st.st_mode);
	if (!(udir = tdk_dir_user_dir())) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "no data directory: set HOME or XDG_DATA_HOME");
		goto out;
	}
	if (mkdirs(udir) < 0) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "cannot create '%s': %s", tdk_name(&q, udir), strerror(errno));
		goto out;
	}
	snprintf(stem, sizeof(stem), "d%c%c%c", d->release[1], d->release[2], d->release[3] - 'A' + 'a');
	if (snprintf(dest, sizeof(dest), "%s/%s%s", udir, stem, dir ? "" : ".zip") >= (int)sizeof(dest) ||
	    snprintf(other, sizeof(other), "%s/%s%s", udir, stem, dir ? ".zip" : "") >= (int)sizeof(other)) {
		r = tdk_error(ctx, "dir", TDK_EXIT_IO, "'%s': %s", tdk_name(&q, udir), strerror(ENAMETOOLONG));
		goto out;
	}
	if ((r = install_copy(ctx, udir, stem, source, dest, dir)))
		goto out;
	/* The other form of the same release would be found first half of the time. */
	rm_tree(other, 0);
	fprintf(ctx->out, "installed %s (%u messages) as %s\n", d->release, (unsigned)d->nmessages,
		tdk_name(&q, dest));
out:
	tdk_dir_free(d);
	free(udir);
	tdk_buf_release(&q);
	return r;
}
