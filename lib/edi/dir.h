/*
 * UN/EDIFACT directories (UNTDID): the model of one release and its loader.
 *
 * A release is read from the files UNECE publishes, never from a converted
 * copy: the release zip as downloaded (an outer zip of inner zips), its
 * members (the inner zips), or those unzipped into a folder.  Files up to
 * D.01B are in IBM code page 437, later ones in ASCII; both layouts of every
 * file are read (see the loader, dir-load.c, for the columns).
 *
 *   messages    EDMD/TRMD  one file per message, the segment table
 *   segments    EDSD/TRSD  elements and composites of each segment
 *   composites  EDCD/TRCD  components of each composite
 *   elements    EDED/TRED  simple data elements and their representation
 *   code lists  UNCL (and UNSL, the service code lists, where a release has it)
 *
 * A loaded release is one position-independent image: fixed-size records
 * that refer to each other by index and to their text by offset into a string
 * table.  The same bytes are the compiled cache on disk, so that opening a
 * cached release is a read (or mmap) and a check of the header.
 *
 * Every table is sorted by tag, so that lookups are binary searches; codes are
 * sorted by value within their list.
 */
#ifndef TDK_EDI_DIR_H
#define TDK_EDI_DIR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

#define TDK_DIR_NONE 0xFFFFFFFFu

/* A simple data element (EDED): "an..35" is kind 'x', var 1, max 35; "n3" is kind 'n', var 0, max 3. */
struct tdk_dir_element {
	char tag[6];
	char kind;               /* 'a' alphabetic, 'n' numeric, 'x' alphanumeric */
	char var;                /* 1: up to max characters; 0: exactly max */
	uint32_t max;
	uint32_t name;           /* string */
	uint32_t codes;          /* index of its code list, or TDK_DIR_NONE */
};

/*
 * One code of a code list; deleted is set for entries marked X (still valid in
 * the release).  key is tdk_dir_code_key() of the value and len its length:
 * lookups compare those, and the text only past its eighth byte.
 */
struct tdk_dir_code {
	uint64_t key;
	uint32_t value, name;    /* strings */
	uint32_t deleted, len;
};

/* The first 8 bytes of a value (n bytes), big-endian and zero-padded: keys order as the values do. */
static inline uint64_t tdk_dir_code_key(const char *v, size_t n)
{
	uint64_t k = 0;
	size_t i;

	for (i = 0; i < n && i < 8; i++)
		k |= (uint64_t)(unsigned char)v[i] << (56 - 8 * i);
	return k;
}

struct tdk_dir_codelist {
	char tag[6];
	uint32_t name;           /* string */
	uint32_t first, n;       /* its codes: codes[first .. first + n), sorted by value */
};

/*
 * A member of a segment (a simple element or a composite, with the status and
 * repeat of the segment table) or of a composite (a component: always a
 * simple element, repeat 1).
 */
struct tdk_dir_member {
	char tag[6];             /* as the release writes it, e.g. "C507" or "2005" */
	char status;             /* 'M' or 'C' */
	char composite;          /* 1: ref is an index in composites[] */
	uint32_t repeat;         /* 1 where the release gives no repeat count */
	uint32_t ref;            /* index in elements[] or composites[]; TDK_DIR_NONE if undefined */
	uint32_t pos;            /* the position number: 10, 20, ... */
};

struct tdk_dir_composite {
	char tag[6];
	uint32_t name;
	uint32_t first, n;       /* members[first .. first + n) */
	uint32_t last_m;         /* 1 + the index of its last mandatory member; 0 when none is */
};

struct tdk_dir_segment {
	char tag[4];
	uint32_t name;
	uint32_t first, n;       /* members[first .. first + n) */
	uint32_t last_m;         /* 1 + the index of its last mandatory member; 0 when none is */
	uint32_t deps, ndeps;    /* its dependency notes: deps[deps .. deps + ndeps) */
};

/*
 * A dependency note of a segment, as EDSD gives it under "Dependency note:"
 * ("040  D5(040,030) If first, then all", TDT in D.16A): type 1 to 7 (ISO
 * 9735-1:2002 clause 11, see tdk_edi_dep_met()) over n of the segment's
 * members, by their index in the segment (0 for its first member).
 */
#define TDK_DIR_DEP_MAX 8

struct tdk_dir_dep {
	uint32_t type, n;
	uint32_t member[TDK_DIR_DEP_MAX];
};

/*
 * One entry of a message's segment table, in table order.  A group entry is
 * followed by its contents, which end before `end` (counted, like every node
 * index within a message, from the message's first node); its first entry
 * is the trigger segment.
 */
struct tdk_dir_node {
	char tag[4];             /* the segment tag; "" for a group */
	char status;             /* 'M' or 'C' */
	uint32_t group;          /* the group number for a group, 0 for a segment */
	uint32_t repeat;         /* maximum occurrences */
	uint32_t pos;            /* position number in the table, e.g. 120 */
	uint32_t end;            /* group: just past its contents, counted from the message's first node */
	uint32_t seg;            /* index in segments[]; TDK_DIR_NONE for service segments (UNH, UNS, UNT) */
	uint32_t name;           /* the segment name the table gives */
	uint32_t next_m;         /* the first mandatory entry of its level at or after it, or the
				    level's end: what passing over a stretch of the table misses */
	uint32_t pad;
};

struct tdk_dir_message {
	char type[8];            /* "CUSDEC" */
	uint32_t name;           /* "Customs declaration message" */
	uint32_t first, n;       /* nodes[first .. first + n) */
};

/* What the release's own indexes (EDMDI1, EDSDI1, EDEDI1, EDCDI1) count; 0 when an index is absent. */
struct tdk_dir_counts {
	uint32_t messages, segments, elements, composites;
};

/* A loaded release.  The pointers point into one image that tdk_dir_free() releases. */
struct tdk_dir {
	char release[8];                         /* "D96B" */
	const struct tdk_dir_message *messages;
	const struct tdk_dir_node *nodes;
	const struct tdk_dir_segment *segments;
	const struct tdk_dir_member *members;
	const struct tdk_dir_composite *composites;
	const struct tdk_dir_element *elements;
	const struct tdk_dir_codelist *lists;
	const struct tdk_dir_code *codes;
	const struct tdk_dir_dep *deps;
	const char *strings;
	uint32_t nmessages, nnodes, nsegments, nmembers, ncomposites, nelements, nlists, ncodes, ndeps, nstrings;
	struct tdk_dir_counts index;             /* the counts the release's indexes give */
	uint32_t service_lists;                  /* code lists taken from UNSL */
	void *image;                             /* owned: the whole image */
	size_t size;
	int mapped;                              /* image is an mmap */
};

/* The text at a string offset ("" for TDK_DIR_NONE). */
static inline const char *tdk_dir_str(const struct tdk_dir *d, uint32_t off)
{
	return off == TDK_DIR_NONE || off >= d->nstrings ? "" : d->strings + off;
}

/* Lookups by tag; NULL when the release has no such entry. */
const struct tdk_dir_message *tdk_dir_message(const struct tdk_dir *d, const char *type);
const struct tdk_dir_segment *tdk_dir_segment(const struct tdk_dir *d, const char *tag);
const struct tdk_dir_composite *tdk_dir_composite(const struct tdk_dir *d, const char *tag);
const struct tdk_dir_element *tdk_dir_element(const struct tdk_dir *d, const char *tag);

/* The code of list l with value v (n bytes, not NUL-terminated), or NULL: a binary search on keys. */
const struct tdk_dir_code *tdk_dir_code(const struct tdk_dir *d, const struct tdk_dir_codelist *l,
					const char *v, size_t n);

/*
 * The canonical name of a release from what a user or a UNH writes: "D96B"
 * from "D.96B", "d96b", "96B" or "D" + "96B".  Writes it to out (8 bytes) and
 * returns 0, or -1 when the text is not a UNTDID release name.
 */
int tdk_dir_release_name(char out[8], const char *version, const char *release);

/* True when release a comes before release b ("D96B" < "D01C": years 88 to 99 are the 1900s). */
int tdk_dir_release_before(const char *a, const char *b);

/*
 * Loads a release from path: a release zip, a folder holding its members
 * (zipped or unzipped, in subfolders or not), or one member zip.  Faults
 * (a truncated zip, a broken record) go to d with the file and line.
 * On success *out is a new release that the caller frees with tdk_dir_free().
 * Returns 0, TDK_EXIT_IO when nothing can be read or no release is found,
 * TDK_EXIT_NEGATIVE when the files are broken, TDK_EXIT_INTERNAL without memory.
 */
int tdk_dir_load(struct tdk_dir **out, const char *path, struct tdk_diag *d);

/*
 * The same from n files held in memory, for tests and fuzzing: names[i] as a
 * release names its files ("EDSD.18T", "CUSDEC_D.96B", or a zip of them such
 * as "EDMD.ZIP"), data[i] its sizes[i] bytes.  The files are not kept.
 */
int tdk_dir_load_mem(struct tdk_dir **out, size_t n, const char *const names[], const char *const data[],
		     const size_t sizes[], struct tdk_diag *d);

void tdk_dir_free(struct tdk_dir *dir);

/* ---- Where releases live ---- */

/*
 * The search path: TDK_DIRECTORY_PATH (colon-separated), then the user's data
 * directory ($XDG_DATA_HOME/tdk/directories, by default
 * ~/.local/share/tdk/directories), then SHARE/directories, where SHARE is
 * the shipped data folder (tdk_share_dir() in util/path.h).  In
 * each folder a release is a subfolder or a zip named after it, in any case:
 * d96b/, D96B/, d96b.zip.
 */
struct tdk_dir_path {
	char **dirs;
	size_t n;
};

/*
 * Fills p from the environment and share (the shipped data folder, or NULL
 * for none).  Returns 0 or -1 without memory; release with tdk_dir_path_release().
 */
int tdk_dir_path_init(struct tdk_dir_path *p, const char *share);
void tdk_dir_path_release(struct tdk_dir_path *p);

/* The user's data directory for releases (where `tdk dir install` puts them), in a new string. */
char *tdk_dir_user_dir(void);

/* Finds release (canonical name) on the path; returns a new string with its location, or NULL. */
char *tdk_dir_find(const struct tdk_dir_path *p, const char *release);

/*
 * A set of open releases for one run: each release is found on the path (or
 * taken from `explicit`, a release location or a folder of releases, when
 * set), loaded through the compiled cache ($XDG_CACHE_HOME/tdk/directories,
 * ~/.cache/tdk/directories) and kept for the next message that names it.
 * Threads may share a set: its functions take its lock, and a loaded release
 * is read-only.
 */
struct tdk_dir_set {
	struct tdk_dir_path path;
	const char *explicit_path;  /* --directory; not owned */
	int no_cache;
	pthread_mutex_t lock;
	struct tdk_dir_set_entry {
		char release[8];
		struct tdk_dir *dir;    /* NULL: not found or broken (reported once) */
		int status;             /* what tdk_dir_set_get() returned the first time */
	} *entries;
	size_t n;
};

/* share as for tdk_dir_path_init(); explicit_path is borrowed and may be NULL. */
int tdk_dir_set_init(struct tdk_dir_set *s, const char *share, const char *explicit_path);
void tdk_dir_set_release(struct tdk_dir_set *s);

/*
 * The release named (canonical name) from the set, loading it on first use.
 * Returns 0 with *dir set; TDK_EXIT_IO when it is not installed (*dir NULL);
 * another TDK_EXIT_* when it is broken (faults in d on first use only).
 */
int tdk_dir_set_get(struct tdk_dir_set *s, const char *release, struct tdk_dir **dir, struct tdk_diag *d);

/* ---- The release a message names ---- */

/*
 * What one input has been told about missing releases, so that each is said
 * once per input whatever order a batch's workers take it in: zero it for
 * each input.
 */
struct tdk_dir_told {
	char missing[16][8];
	size_t nmissing;
};

/* The release and message a UNH names. */
struct tdk_dir_unh {
	char type[16], version[8], release[8], agency[8];   /* S009: 0065, 0052, 0054, 0051 as written */
	char canon[8];                      /* the release's canonical name ("D96B"); "" when none */
	struct tdk_dir *dir;                /* the release, or NULL; owned by the set */
	const struct tdk_dir_message *msg;  /* its definition of the message, or NULL */
};

enum {
	TDK_DIR_UNH_FOUND,       /* u->dir and u->msg are set */
	TDK_DIR_UNH_NOT_UNTDID,  /* the UNH names no UNTDID release: 0051 is not UN, or 0052 and 0054
	                            are not a release name */
	TDK_DIR_UNH_MISSING,     /* the release is not installed */
	TDK_DIR_UNH_BROKEN,      /* the release cannot be loaded (its faults went to d when first loaded) */
	TDK_DIR_UNH_NO_MESSAGE,  /* the release has no such message: u->dir is set, u->msg NULL */
};

struct tdk_edi_seg;

/*
 * Looks up the release and message UNH names (S009) in s and fills u.  A
 * release that is not installed is a warning, EDI-DIR-RELEASE at UNH's
 * S009, once per input (told); the caller says what else follows from each
 * answer.  Returns one of TDK_DIR_UNH_*.
 */
int tdk_dir_set_unh(struct tdk_dir_set *s, const struct tdk_edi_seg *unh, struct tdk_dir_told *told,
		    struct tdk_dir_unh *u, struct tdk_diag *d);

#endif
