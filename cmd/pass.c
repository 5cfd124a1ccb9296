/*
 * validate -p: the bytes that were checked, passed through to standard
 * output from the one open of the input; see pass.h for how a regular file
 * and a spooled input are each kept honest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "pass.h"

#define DIGEST 32  /* SHA-256 */
/* The digests of a 64 TiB file; past that the tap gives up rather than grow without end. */
#define DIGESTS_MAX (((size_t)1 << 26) * DIGEST)

/* Reads n bytes at off; returns the count (less only at the end of the file) or -1. */
static ssize_t pread_all(int fd, char *p, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, p + got, n - got, off + (off_t)got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* The memory spool is full: move it to an unlinked file in $TMPDIR. */
static int spool_to_file(struct tdk_pass *p)
{
	const char *dir = getenv("TMPDIR");
	struct tdk_buf path = TDK_BUF_INIT(8192);
	int r = -1;

	if (!dir || !*dir)
		dir = "/tmp";
	if (tdk_buf_addf(&path, "%s/tdk-validate-XXXXXX", dir) < 0) {
		errno = ENAMETOOLONG;
		goto out;
	}
	p->spool = mkstemp(path.data);
	if (p->spool < 0)
		goto out;
	unlink(path.data);
	if (tdk_write_all(p->spool, p->mem.data ? p->mem.data : "", p->mem.len) < 0)
		goto out;
	tdk_buf_release(&p->mem);
	r = 0;
out:
	tdk_buf_release(&path);
	return r;
}

static int block_end(struct tdk_pass *p)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(p->md, md, &n) != 1 || n != DIGEST ||
	    EVP_DigestInit_ex(p->md, EVP_sha256(), NULL) != 1)
		return ENOMEM;
	if (tdk_buf_add(&p->digests, md, DIGEST) < 0)
		return p->digests.len + DIGEST > p->digests.max ? EFBIG : ENOMEM;
	p->inblock = 0;
	return 0;
}

static int tap_regular(struct tdk_pass *p, const char *s, size_t n)
{
	while (n) {
		size_t k = TDK_PASS_BLOCK - p->inblock;
		int e;

		if (k > n)
			k = n;
		if (EVP_DigestUpdate(p->md, s, k) != 1)
			return ENOMEM;
		p->inblock += k;
		s += k;
		n -= k;
		if (p->inblock == TDK_PASS_BLOCK && (e = block_end(p)))
			return e;
	}
	return 0;
}

static int tap_spool(struct tdk_pass *p, const char *s, size_t n)
{
	if (p->spool < 0) {
		if (tdk_buf_add(&p->mem, s, n) == 0)
			return 0;
		if (p->mem.len + n <= p->mem.max)
			return ENOMEM;
		if (spool_to_file(p) < 0)
			return errno ? errno : EIO;
	}
	return tdk_write_all(p->spool, s, n) < 0 ? errno : 0;
}

static void tap(void *arg, const void *s, size_t n)
{
	struct tdk_pass *p = arg;

	if (p->err)
		return;
	p->total += n;
	p->err = p->regular ? tap_regular(p, s, n) : tap_spool(p, s, n);
}

int tdk_pass_begin(struct tdk_pass *p, struct tdk_input *in)
{
	struct stat st;

	memset(p, 0, sizeof(*p));
	p->fd = in->fd;
	p->spool = -1;
	tdk_buf_init(&p->mem, TDK_PASS_MEMORY);
	tdk_buf_init(&p->digests, DIGESTS_MAX);
	/*
	 * Only a regular file can be read twice through one descriptor.  The
	 * bytes read ahead and not yet consumed (the driver's look at the
	 * input's first bytes) are the start of what is checked.
	 */
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (p->start = lseek(in->fd, 0, SEEK_CUR)) >= 0) {
		p->start -= (off_t)(in->npeek - in->ipeek);
		p->regular = 1;
		p->md = EVP_MD_CTX_new();
		if (!p->md || EVP_DigestInit_ex(p->md, EVP_sha256(), NULL) != 1) {
			tdk_pass_release(p);
			return TDK_EXIT_INTERNAL;
		}
	}
	in->tap = tap;
	in->tap_arg = p;
	if (in->npeek > in->ipeek)
		tap(p, in->peek + in->ipeek, in->npeek - in->ipeek);
	return 0;
}

/* The regular file again, block by block, each one written only if it is the block checked. */
static int write_regular(struct tdk_pass *p, struct tdk_ctx *ctx, const char *name)
{
	char *buf = NULL;
	uint64_t off;
	size_t i;
	int r = TDK_EXIT_OK;

	if (p->inblock && (p->err = block_end(p)))
		return -1;
	if (p->total && !(buf = malloc(TDK_PASS_BLOCK))) {
		p->err = ENOMEM;
		return -1;
	}
	for (off = 0, i = 0; off < p->total; off += TDK_PASS_BLOCK, i++) {
		size_t want = p->total - off < TDK_PASS_BLOCK ? (size_t)(p->total - off) : TDK_PASS_BLOCK;
		unsigned char md[DIGEST];
		ssize_t got = pread_all(p->fd, buf, want, p->start + (off_t)off);

		if (got < 0) {
			r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot read '%s' again: %s", name,
				      strerror(errno));
			break;
		}
		if ((size_t)got != want || EVP_Digest(buf, want, md, NULL, EVP_sha256(), NULL) != 1 ||
		    memcmp(md, p->digests.data + i * DIGEST, DIGEST)) {
			r = tdk_error(ctx, "validate", TDK_EXIT_IO,
				      "'%s' changed while it was checked: not passed through from byte %llu on",
				      name, (unsigned long long)off);
			break;
		}
		if (fwrite(buf, 1, want, ctx->out) != want) {
			r = TDK_EXIT_IO;
			break;
		}
	}
	free(buf);
	return r;
}

static int write_spool(struct tdk_pass *p, struct tdk_ctx *ctx, const char *name)
{
	char buf[65536];
	uint64_t off;

	if (p->spool < 0)
		return fwrite(p->mem.data ? p->mem.data : "", 1, p->mem.len, ctx->out) == p->mem.len ?
		       TDK_EXIT_OK : TDK_EXIT_IO;
	for (off = 0; off < p->total;) {
		size_t want = p->total - off < sizeof(buf) ? (size_t)(p->total - off) : sizeof(buf);
		ssize_t got = pread_all(p->spool, buf, want, (off_t)off);

		if (got != (ssize_t)want)
			return tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot read the spool of '%s': %s",
					 name, got < 0 ? strerror(errno) : "truncated");
		if (fwrite(buf, 1, want, ctx->out) != want)
			return TDK_EXIT_IO;
		off += want;
	}
	return TDK_EXIT_OK;
}

int tdk_pass_write(struct tdk_pass *p, struct tdk_ctx *ctx, const char *path)
{
	struct tdk_buf scratch = TDK_BUF_INIT(16384);
	const char *name = tdk_name(&scratch, strcmp(path, "-") ? path : "<stdin>");
	int r = TDK_EXIT_OK;

	if (!p->err)
		r = p->regular ? write_regular(p, ctx, name) : write_spool(p, ctx, name);
	if (p->err == ENOMEM)
		r = tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory while keeping '%s' to pass it through",
			      name);
	else if (p->err)
		r = tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot keep '%s' to pass it through: %s", name,
			      strerror(p->err));
	/* A write that failed is reported once, as standard output. */
	r = tdk_finish_output(ctx, "validate", r);
	tdk_buf_release(&scratch);
	return r;
}

void tdk_pass_release(struct tdk_pass *p)
{
	if (!p)
		return;
	EVP_MD_CTX_free(p->md);
	p->md = NULL;
	tdk_buf_release(&p->digests);
	tdk_buf_release(&p->mem);
	if (p->spool >= 0)
		close(p->spool);
	p->spool = -1;
}
