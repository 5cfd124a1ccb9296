/* Chunked input, whole-file reads with a cap, atomic output and its temporaries; see io.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/io.h"

int tdk_input_open(struct tdk_input *in, const char *path)
{
	memset(in, 0, sizeof(*in));
	in->name = path;
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
		return 0;
	}
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		in->err = errno;
		return -1;
	}
	in->owned = 1;
	return 0;
}

void tdk_input_open_mem(struct tdk_input *in, const char *name, const void *p, size_t n)
{
	memset(in, 0, sizeof(*in));
	in->name = name;
	in->fd = -1;
	in->mem = p;
	in->memlen = n;
}

/* One read from the file, or from the memory the input was opened on. */
static ssize_t raw_read(struct tdk_input *in, void *buf, size_t n)
{
	ssize_t r;

	if (in->mem) {
		if (n > in->memlen - in->mempos)
			n = in->memlen - in->mempos;
		memcpy(buf, in->mem + in->mempos, n);
		in->mempos += n;
		return (ssize_t)n;
	}
	do
		r = read(in->fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

ssize_t tdk_input_read(struct tdk_input *in, void *buf, size_t n)
{
	ssize_t r;

	if (in->ipeek < in->npeek) {
		size_t k = in->npeek - in->ipeek;

		if (k > n)
			k = n;
		memcpy(buf, in->peek + in->ipeek, k);
		in->ipeek += k;
		return (ssize_t)k;
	}
	r = raw_read(in, buf, n);
	if (r < 0) {
		in->err = errno;
		return -1;
	}
	in->nread += (uint64_t)r;
	if (r && in->tap)
		in->tap(in->tap_arg, buf, (size_t)r);
	return r;
}

ssize_t tdk_input_peek(struct tdk_input *in, const char **p, size_t n)
{
	if (n > sizeof(in->peek))
		n = sizeof(in->peek);
	if (in->ipeek) {
		memmove(in->peek, in->peek + in->ipeek, in->npeek - in->ipeek);
		in->npeek -= in->ipeek;
		in->ipeek = 0;
	}
	while (in->npeek < n) {
		ssize_t r;

		r = raw_read(in, in->peek + in->npeek, n - in->npeek);
		if (r < 0) {
			in->err = errno;
			return -1;
		}
		if (r == 0)
			break;
		if (in->tap)
			in->tap(in->tap_arg, in->peek + in->npeek, (size_t)r);
		in->npeek += (size_t)r;
		in->nread += (uint64_t)r;
	}
	*p = in->peek;
	return (ssize_t)in->npeek;
}

void tdk_input_close(struct tdk_input *in)
{
	if (in->owned && in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	in->owned = 0;
}

/*
 * The registry of temporary files (io.h).  A slot's state goes 0 (free) ->
 * 1 (being filled) -> 2 (live) -> 0; the signal handler only reads live
 * slots, with atomic loads, and calls only unlinkat(2), which POSIX lists
 * as async-signal-safe.
 */
#define TMP_SLOTS 64
#define TMP_NAME_MAX 4096

static struct tmp_slot {
	int state;
	int dirfd;
	char name[TMP_NAME_MAX];
} tmp_slots[TMP_SLOTS];

int tdk_tmp_register(int dirfd, const char *name)
{
	size_t n = strlen(name);
	int i;

	if (n >= TMP_NAME_MAX)
		return -1;
	for (i = 0; i < TMP_SLOTS; i++) {
		int want = 0;

		if (!__atomic_compare_exchange_n(&tmp_slots[i].state, &want, 1, 0, __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
			continue;
		tmp_slots[i].dirfd = dirfd;
		memcpy(tmp_slots[i].name, name, n + 1);
		__atomic_store_n(&tmp_slots[i].state, 2, __ATOMIC_RELEASE);
		return i;
	}
	return -1;
}

void tdk_tmp_unregister(int slot)
{
	if (slot >= 0 && slot < TMP_SLOTS)
		__atomic_store_n(&tmp_slots[slot].state, 0, __ATOMIC_RELEASE);
}

int tdk_tmp_create(int dirfd, char *name, int *slot)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strlen(name);
	char *x = n >= 6 && !strcmp(name + n - 6, "XXXXXX") ? name + n - 6 : NULL;
	int tries, fd;

	for (tries = 0; tries < 100; tries++) {
		if (x) {
			unsigned char r[6];
			int k;

			if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
				return -1;
			for (k = 0; k < 6; k++)
				x[k] = set[r[k] % (sizeof(set) - 1)];
		}
		*slot = tdk_tmp_register(dirfd, name);
		fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		tdk_tmp_unregister(*slot);
		*slot = -1;
		if (errno != EEXIST || !x)
			return -1;
	}
	return -1;
}

static int umask_read;
static mode_t umask_kept;

mode_t tdk_new_file_mode(void)
{
	if (!umask_read) {
		umask_kept = umask(0);
		umask(umask_kept);
		umask_read = 1;
	}
	return 0666 & ~umask_kept;
}

static void tmp_on_signal(int sig)
{
	int i, saved = errno;

	for (i = 0; i < TMP_SLOTS; i++)
		if (__atomic_load_n(&tmp_slots[i].state, __ATOMIC_ACQUIRE) == 2)
			unlinkat(tmp_slots[i].dirfd, tmp_slots[i].name, 0);
	errno = saved;
	/* SA_RESETHAND restored the default action; the signal, blocked until we return, then ends us. */
	raise(sig);
}

void tdk_tmp_remove_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int done;
	struct sigaction sa, old;
	size_t i;

	if (done++)
		return;
	tdk_new_file_mode();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tmp_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* A signal the parent ignores (a background job's SIGINT) stays ignored, as sh(1) wants. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/*
 * The file a chain of symbolic links ends at, as a new string: what cp(1)
 * writes to.  The last name may not exist (a dangling link names the file
 * to create).  NULL with errno (ELOOP after 40 links, as the kernel counts).
 */
static char *follow_links(const char *path)
{
	char *cur = strdup(path), *next = NULL;
	char target[4096];
	int hops;

	for (hops = 0; cur && hops < 40; hops++) {
		struct stat st;
		const char *slash;
		ssize_t n;
		size_t dl;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		slash = strrchr(cur, '/');
		dl = target[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
		next = malloc(dl + (size_t)n + 1);
		if (!next)
			break;
		memcpy(next, cur, dl);
		memcpy(next + dl, target, (size_t)n + 1);
		free(cur);
		cur = next;
		next = NULL;
	}
	if (cur && hops == 40)
		errno = ELOOP;
	free(cur);
	return NULL;
}

/* The temporary file beside out->path, with the mode (and owner) the target should end with. */
static int open_temp(struct tdk_output *out, const struct stat *old)
{
	size_t n = strlen(out->path);
	int fd;

	out->tmp = malloc(n + sizeof(".tdk-XXXXXX"));
	if (!out->tmp)
		return -1;
	memcpy(out->tmp, out->path, n);
	memcpy(out->tmp + n, ".tdk-XXXXXX", sizeof(".tdk-XXXXXX"));
	fd = tdk_tmp_create(AT_FDCWD, out->tmp, &out->slot);
	if (fd < 0)
		return -1;
	if (old) {
		/* Replacing a file keeps what cp(1) keeps; the owner only root can give (chown first: it clears set-id bits). */
		if (fchown(fd, old->st_uid, old->st_gid) < 0) {
			/* Not root: the file becomes the writer's, as with any rewrite by rename. */
		}
		fchmod(fd, old->st_mode & 07777);
	} else {
		/* The temporary is 0600; a new document gets the usual permissions. */
		fchmod(fd, tdk_new_file_mode());
	}
	return fd;
}

/*
 * /dev/stdout, /dev/stderr and /dev/fd/N name a descriptor this process
 * already has: its number, or -1.  Writing through a duplicate keeps the
 * shell's open file (its offset, O_APPEND of `>>log`), which reopening the
 * name would not.
 */
static int named_fd(const char *path)
{
	char *end;
	long n;

	if (!strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) || !path[8])
		return -1;
	n = strtol(path + 8, &end, 10);
	return *end || n < 0 || n > 65535 ? -1 : (int)n;
}

int tdk_output_open(struct tdk_output *out, const char *path, FILE *dflt)
{
	struct stat st;
	int fd = -1, exists, nfd;

	memset(out, 0, sizeof(*out));
	out->slot = -1;
	if (!path || !strcmp(path, "-")) {
		out->fp = dflt;
		return 0;
	}
	/* stat(2) follows links as open(2) will, /proc's magic ones (/dev/stdout) included. */
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		goto fail;
	if (exists && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	nfd = named_fd(path);
	if ((exists && !S_ISREG(st.st_mode)) || nfd >= 0) {
		/* /dev/null, /dev/stdout, a FIFO: written through as cp(1) does; renaming would destroy it. */
		out->path = strdup(path);
		out->direct = 1;
		fd = !out->path ? -1 : nfd >= 0 ? fcntl(nfd, F_DUPFD_CLOEXEC, 3) :
		     open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	} else {
		out->path = follow_links(path);
		fd = out->path ? open_temp(out, exists ? &st : NULL) : -1;
	}
	if (fd < 0)
		goto fail;
	out->fp = fdopen(fd, "w");
	if (!out->fp)
		goto fail;
	return 0;
fail:
	out->err = errno ? errno : ENOMEM;
	if (fd >= 0)
		close(fd);
	if (out->tmp && fd >= 0)
		unlink(out->tmp);
	tdk_tmp_unregister(out->slot);
	free(out->path);
	free(out->tmp);
	out->path = out->tmp = NULL;
	out->slot = -1;
	return -1;
}

int tdk_output_write(struct tdk_output *out, const void *p, size_t n)
{
	if (out->err)
		return -1;
	if (n && fwrite(p, 1, n, out->fp) != n) {
		out->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* Ends a named output: the temporary removed unless it was renamed, every name freed. */
static void output_end(struct tdk_output *out)
{
	if (out->fp)
		fclose(out->fp);
	out->fp = NULL;
	if (out->tmp)
		unlink(out->tmp);
	tdk_tmp_unregister(out->slot);
	out->slot = -1;
	free(out->path);
	free(out->tmp);
	out->path = out->tmp = NULL;
}

int tdk_output_commit(struct tdk_output *out)
{
	int r = 0;

	if (!out->path) {
		if (fflush(out->fp) != 0 || ferror(out->fp)) {
			if (!out->err)
				out->err = errno ? errno : EIO;
		}
		return out->err ? -1 : 0;
	}
	/* A device or a FIFO cannot be synced (EINVAL); a file is, before it replaces the old one. */
	if (fflush(out->fp) != 0 || ferror(out->fp) || (!out->direct && !out->nosync && fsync(fileno(out->fp)) != 0)) {
		if (!out->err)
			out->err = errno ? errno : EIO;
	}
	if (fclose(out->fp) != 0 && !out->err)
		out->err = errno ? errno : EIO;
	out->fp = NULL;
	if (!out->err && out->tmp && rename(out->tmp, out->path) != 0)
		out->err = errno;
	if (out->err)
		r = -1;
	else if (out->tmp) {
		free(out->tmp);
		out->tmp = NULL;
	}
	output_end(out);
	return r;
}

void tdk_output_abort(struct tdk_output *out)
{
	if (!out->path) {
		if (out->fp)
			fflush(out->fp);
		return;
	}
	output_end(out);
}

int tdk_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int tdk_copy(struct tdk_input *in, struct tdk_output *out)
{
	char buf[65536];
	ssize_t n;

	while ((n = tdk_input_read(in, buf, sizeof(buf))) > 0)
		if (tdk_output_write(out, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

int tdk_input_read_all(struct tdk_input *in, size_t max, struct tdk_buf *b)
{
	char chunk[65536];
	ssize_t n;

	tdk_buf_init(b, max);
	while ((n = tdk_input_read(in, chunk, sizeof(chunk))) > 0)
		if (tdk_buf_add(b, chunk, (size_t)n) < 0) {
			errno = b->len + (size_t)n > max ? EFBIG : ENOMEM;
			return -1;
		}
	if (n < 0) {
		errno = in->err;
		return -1;
	}
	if (!b->data && tdk_buf_add(b, "", 0) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int tdk_read_all(const char *path, size_t max, struct tdk_buf *b)
{
	struct tdk_input in;
	int r, err;

	if (tdk_input_open(&in, path) < 0) {
		tdk_buf_init(b, max);
		errno = in.err;
		return -1;
	}
	r = tdk_input_read_all(&in, max, b);
	err = errno;
	tdk_input_close(&in);
	errno = err;
	return r;
}
