/*
 * Overlapping ZIP entries (the "non-recursive zip bomb": many central
 * directory records pointing into one deflate stream, so that a few hundred
 * KiB inflate to gigabytes).  libzip does not expose where an entry's bytes
 * lie, so the end of central directory record (APPNOTE 4.3.16, ZIP64
 * 4.3.14-15), the central directory (4.3.12) and each local header (4.3.7)
 * are read here: entry k occupies [local header offset, start of data +
 * compressed size), and no two such ranges may share a byte.  Archives whose
 * records cannot be found (a prefix before the ZIP, a damaged directory) are
 * left to libzip's own checks.  See pack.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "pack/pack.h"
#include "util/exitcode.h"

struct raw {
	int fd;                        /* read with pread when mem is NULL */
	const unsigned char *mem;
	uint64_t size;
};

struct range {
	uint64_t start, end;
	size_t idx;
};

static int raw_read(const struct raw *r, uint64_t off, void *buf, size_t n)
{
	if (off > r->size || n > r->size - off)
		return -1;
	if (r->mem) {
		memcpy(buf, r->mem + off, n);
		return 0;
	}
	while (n) {
		ssize_t k = pread(r->fd, buf, n, (off_t)off);

		if (k <= 0)
			return -1;
		buf = (char *)buf + k;
		off += (uint64_t)k;
		n -= (size_t)k;
	}
	return 0;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Finds the central directory: its offset and size.  Returns 0, or -1 when there is none to read. */
static int find_cd(const struct raw *r, uint64_t *off, uint64_t *size)
{
	unsigned char tail[65557], z[56];
	size_t n = r->size < sizeof(tail) ? (size_t)r->size : sizeof(tail), i;
	uint64_t base = r->size - n;

	if (n < 22 || raw_read(r, base, tail, n) < 0)
		return -1;
	for (i = n - 22 + 1; i-- > 0;)
		if (!memcmp(tail + i, "PK\5\6", 4))
			break;
	if (i == (size_t)-1)
		return -1;
	*size = le(tail + i + 12, 4);
	*off = le(tail + i + 16, 4);
	if (*off != 0xFFFFFFFF && *size != 0xFFFFFFFF)
		return 0;
	/* ZIP64: the locator sits just before the end record and points at the ZIP64 end record. */
	if (i < 20 || memcmp(tail + i - 20, "PK\6\7", 4) ||
	    raw_read(r, le(tail + i - 20 + 8, 8), z, sizeof(z)) < 0 || memcmp(z, "PK\6\6", 4))
		return -1;
	*size = le(z + 40, 8);
	*off = le(z + 48, 8);
	return 0;
}

/* The ZIP64 extended information field (APPNOTE 4.5.3) replaces the 32-bit fields that are all ones. */
static void zip64_fields(const unsigned char *x, size_t xlen, uint64_t *usize, uint64_t *csize,
			 uint64_t *lho)
{
	while (xlen >= 4) {
		size_t id = (size_t)le(x, 2), len = (size_t)le(x + 2, 2), k = 4;

		if (len > xlen - 4)
			return;
		if (id == 1) {
			uint64_t *f[3] = { usize, csize, lho };
			int j;

			for (j = 0; j < 3; j++)
				if (*f[j] == 0xFFFFFFFF && k + 8 <= 4 + len) {
					*f[j] = le(x + k, 8);
					k += 8;
				}
			return;
		}
		x += 4 + len;
		xlen -= 4 + len;
	}
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Reads the ranges of the entries from the central directory at cd (cdsize bytes). */
static size_t read_ranges(const struct raw *r, const unsigned char *cd, uint64_t cdsize, size_t n,
			  struct range *rg)
{
	uint64_t p = 0;
	size_t k, got = 0;

	for (k = 0; k < n && p + 46 <= cdsize && !memcmp(cd + p, "PK\1\2", 4); k++) {
		const unsigned char *e = cd + p;
		uint64_t csize = le(e + 20, 4), usize = le(e + 24, 4), lho = le(e + 42, 4);
		size_t nlen = (size_t)le(e + 28, 2), xlen = (size_t)le(e + 30, 2), clen = (size_t)le(e + 32, 2);
		unsigned char lh[30];

		if (p + 46 + nlen + xlen > cdsize)
			break;
		zip64_fields(e + 46 + nlen, xlen, &usize, &csize, &lho);
		p += 46 + nlen + xlen + clen;
		if (raw_read(r, lho, lh, sizeof(lh)) < 0 || memcmp(lh, "PK\3\4", 4))
			continue;
		rg[got].start = lho;
		rg[got].end = lho + 30 + le(lh + 26, 2) + le(lh + 28, 2) + csize;
		rg[got++].idx = k;
	}
	return got;
}

int tdk_zip_check_overlap(const struct tdk_container *c, int fd, const unsigned char *mem,
			  uint64_t size, struct tdk_diag *d)
{
	struct raw r = { fd, mem, size };
	struct range *rg = NULL;
	unsigned char *buf = NULL;
	const unsigned char *cd;
	uint64_t cdoff, cdsize, end = 0;
	size_t n, k, last = 0;
	int ret = 0;

	/* A directory larger than 10000 records of 64 KiB names could describe is not read. */
	if (c->n < 2 || find_cd(&r, &cdoff, &cdsize) < 0 || cdoff > size || cdsize > size - cdoff ||
	    cdsize > (uint64_t)c->n * (46 + 3 * 65535) || cdsize > ((uint64_t)1 << 30))
		return 0;
	cd = mem ? mem + cdoff : (buf = malloc(cdsize ? (size_t)cdsize : 1));
	rg = calloc(c->n, sizeof(*rg));
	if (!cd || !rg) {
		ret = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (buf && raw_read(&r, cdoff, buf, (size_t)cdsize) < 0)
		goto out;
	n = read_ranges(&r, cd, cdsize, c->n, rg);
	qsort(rg, n, sizeof(*rg), by_start);
	for (k = 0; k < n; k++) {
		if (k && rg[k].start < end) {
			struct tdk_buf q1 = TDK_BUF_INIT(4096), q2 = TDK_BUF_INIT(4096);

			tdk_diag_add(d, TDK_SEV_ERROR, "PACK-OVERLAP", NULL, "entries '%s' and '%s' share bytes "
				     "of the file: an overlapping zip bomb?", tdk_name(&q1, c->e[rg[last].idx].name),
				     tdk_name(&q2, c->e[rg[k].idx].name));
			tdk_buf_release(&q1);
			tdk_buf_release(&q2);
			ret = TDK_EXIT_NEGATIVE;
			break;
		}
		if (rg[k].end > end) {
			end = rg[k].end;
			last = k;
		}
	}
out:
	free(buf);
	free(rg);
	return ret;
}
