/*
 * ZIP containers and ASiC-E (ETSI EN 319 162-1) on libzip.
 *
 * Reading is lenient about layout, as the validators are (a mimetype entry
 * that is not first, deflated or with a byte order mark is a warning), and
 * strict about safety: entry names are checked before anything is used (no
 * absolute paths, no "..", no duplicates, no links), and every limit is
 * explicit (entry count, total uncompressed size, compression ratio) and
 * enforced on the bytes actually inflated, not on the sizes the archive
 * claims.  Writing is strict: mimetype first, stored, no extra field, so the
 * media type sits at byte 38 (the IANA magic), then the data objects,
 * META-INF/manifest.xml and, when signed, META-INF/signatures0.xml.
 *
 * Diagnostics: PACK-* for ZIP-level problems, ASIC-* for the ASiC layer.
 */
#ifndef TDK_PACK_H
#define TDK_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "sign/sign.h"
#include "util/diag.h"

#define TDK_ASIC_E_MIME "application/vnd.etsi.asic-e+zip"
#define TDK_ASIC_S_MIME "application/vnd.etsi.asic-s+zip"

struct tdk_zip_limits {
	unsigned long max_entries;   /* default 10000 */
	uint64_t max_total;          /* bytes, all entries inflated; default 1 GiB; also the most
	                                bytes a container read from a pipe may have */
	unsigned long max_ratio;     /* inflated / compressed per entry; default 100 */
};

void tdk_zip_limits_init(struct tdk_zip_limits *l);

struct tdk_zip_entry {
	char *name;                  /* as stored (UTF-8 expected); owned */
	uint64_t size, csize;        /* as the central directory claims */
	int stored;                  /* no compression */
	int dir;                     /* name ends in '/' */
	int link;                    /* a symbolic link (Unix mode in the external attributes) */
	int unsafe;                  /* absolute, "..", empty component, backslash or NUL */
	unsigned char *data;         /* inflated contents when loaded; owned */
	size_t len;
};

struct tdk_container {
	void *zip;                   /* zip_t *; owned */
	const char *path;            /* borrowed */
	struct tdk_zip_entry *e;
	size_t n;
	uint64_t total;              /* bytes inflated so far */
	struct tdk_zip_limits lim;
	struct tdk_buf qname;        /* scratch for quoting names in messages (tdk_name) */
	char *mem;                   /* the bytes of a container read from a pipe; owned */
};

/*
 * Opens the ZIP at path and reads its directory; checks names, duplicates,
 * links, the entry count, and that no two entries share bytes of the file
 * (PACK-OVERLAP).  "-", a pipe or a device is read into memory first, up to
 * lim->max_total bytes (PACK-LIMIT-SIZE, TDK_EXIT_IO past it).  Unsafe
 * names are flagged (and reported as errors when strict is set).  Returns
 * 0, TDK_EXIT_IO for a file that is not a readable ZIP (PACK-ZIP), or
 * TDK_EXIT_NEGATIVE after a safety error.  Release with
 * tdk_container_release.
 */
int tdk_container_open(struct tdk_container *c, const char *path, const struct tdk_zip_limits *lim,
		       int strict, struct tdk_diag *d);

/*
 * The same over len bytes at data, reported under name; data is borrowed
 * and must outlive the container.
 */
int tdk_container_open_mem(struct tdk_container *c, const char *name, const void *data, size_t len,
			   const struct tdk_zip_limits *lim, int strict, struct tdk_diag *d);

/*
 * Internal to lib/pack: reports PACK-OVERLAP when two entries of c share
 * bytes of the archive, read from fd (pread) or, when mem is not NULL, from
 * the size bytes at mem.  Returns 0 or an exit code.
 */
int tdk_zip_check_overlap(const struct tdk_container *c, int fd, const unsigned char *mem,
			  uint64_t size, struct tdk_diag *d);
void tdk_container_release(struct tdk_container *c);

/* Inflates entry i into memory, enforcing the limits.  Returns 0 or an exit code. */
int tdk_container_load(struct tdk_container *c, size_t i, struct tdk_diag *d);

/* Index of the entry named name, or -1. */
long tdk_container_find(const struct tdk_container *c, const char *name);

/*
 * Extracts every entry under dir (created if missing) without following or
 * creating links.  Every entry is inflated and checked against the limits
 * (and its CRC) before the first byte is written, and no file that exists
 * is replaced unless overwrite is set (PACK-EXISTS, TDK_EXIT_IO, nothing
 * written).  Files are written to temporary names (removed on SIGINT or
 * SIGTERM, see util/io.h) and renamed; on an error, the files and folders
 * this run created are removed again, and nothing that was there before.
 * Returns 0 or an exit code.
 */
int tdk_container_extract(struct tdk_container *c, const char *dir, int overwrite, struct tdk_diag *d);

/* One data object to pack: the name inside the container and the file it comes from. */
struct tdk_pack_item {
	const char *name;
	const char *path;
	const char *mime;
};

/*
 * The media type of a data object, guessed from its name's extension (case
 * ignored): "text/xml", "application/pdf", ..., "application/octet-stream"
 * when the extension is not known.  A static string.
 */
const char *tdk_mime_of(const char *name);

/*
 * Writes an ASiC-E container at out (atomically) holding items, with the
 * manifest, and signed with s (XAdES baseline B over every item) when s is
 * not NULL.  Names must be relative, without "." or ".." components, control
 * characters or reserved names (PACK-NAME), and unique (PACK-DUPLICATE);
 * otherwise nothing is read or written and the answer is TDK_EXIT_USAGE.
 * Returns 0 or an exit code.
 */
int tdk_asic_write(const char *out, const struct tdk_pack_item *items, size_t n,
		   const struct tdk_signer *s, const struct tdk_sign_opts *so, struct tdk_diag *d);

/*
 * What verifying a container found.  Each signature file (XAdES), CAdES
 * signature (.p7s) or time-stamp token (.tst) verified has an entry; the
 * reports' kind tells which.
 */
struct tdk_asic_sigfile {
	char *name;                          /* META-INF/signatures0.xml, signature001.p7s, ... */
	struct tdk_sig_report *reps;
	size_t nreps;
};

struct tdk_asic_report {
	char *mimetype;                      /* as found, or NULL */
	struct tdk_asic_sigfile *sigs;
	size_t nsigs;
	char **files;                        /* data objects, in container order */
	int *covered;                        /* per file: a valid signature covers it (or, when
	                                        timestamp_only, a valid time-stamp token) */
	size_t nfiles;
	int timestamp_only;                  /* time-stamp tokens and no signature */
};

/*
 * Verifies every signature of the container at path against trust t: XAdES
 * (META-INF/...signatures...xml), CAdES baseline B (META-INF/...p7s: in
 * ASiC-S over the data object, in ASiC-E over the ASiCManifest naming it,
 * whose references are then checked), and time-stamp tokens
 * (META-INF/...tst, likewise) except the archive time-stamps of level LTA,
 * which are not checked.  Reports which files each covers and which files
 * none covers (an unsigned file is an error: ASIC-UNSIGNED-FILE).  A
 * container with time-stamps and no signature verifies when they cover
 * every file, with the warning ASIC-TIMESTAMP-ONLY.  Returns 0, 1 (does not
 * verify, or a structural fault), 3 (not a readable ZIP), 5 (trust setup).
 */
int tdk_asic_verify(const char *path, const struct tdk_zip_limits *lim, const struct tdk_trust *t,
		    const struct tdk_verify_opts *o, struct tdk_asic_report *rep, struct tdk_diag *d);

/* The same for a container already in memory (read from a pipe), reported under name. */
int tdk_asic_verify_mem(const char *name, const void *data, size_t len, const struct tdk_zip_limits *lim,
			const struct tdk_trust *t, const struct tdk_verify_opts *o,
			struct tdk_asic_report *rep, struct tdk_diag *d);
void tdk_asic_report_release(struct tdk_asic_report *rep);

#endif
