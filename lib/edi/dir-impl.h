/*
 * Inside the directory code: the release under construction, shared by the
 * loader (dir-load.c) and the image builder (dir.c).
 */
#ifndef TDK_EDI_DIR_IMPL_H
#define TDK_EDI_DIR_IMPL_H

#include <stdio.h>

#include "edi/dir.h"

struct dir_build {
	struct tdk_diag *d;
	char release[8];
	int cp437, mixed, oom;
	unsigned have;             /* 1 segments, 2 composites, 4 elements, 8 code lists */
	unsigned long faults;
	size_t total;              /* bytes read, against the cap */
	uint32_t high[128];        /* code points of the upper half of the files' code page */
	struct tdk_dir_message *messages;
	struct tdk_dir_node *nodes;
	struct tdk_dir_segment *segments;
	struct tdk_dir_member *members;
	struct tdk_dir_composite *composites;
	struct tdk_dir_element *elements;
	struct tdk_dir_codelist *lists;
	struct tdk_dir_code *codes;
	struct tdk_dir_dep *deps;
	char *strings;
	uint32_t nmessages, nnodes, nsegments, nmembers, ncomposites, nelements, nlists, ncodes, ndeps, nstrings;
	uint32_t cmessages, cnodes, csegments, cmembers, ccomposites, celements, clists, ccodes, cdeps, cstrings;
	struct tdk_dir_counts index;
	uint32_t service_lists;
};

/* Limits on what a release may hold: far above any published release, low enough to bound memory. */
#define MAX_ENTRY_BYTES   (64u << 20)
#define MAX_TOTAL_BYTES   (512u << 20)
#define MAX_ENTRIES       20000
#define MAX_NESTING       3

/* Reports a fault of a release file (line 0: of the file as a whole) as EDI-DIR-BROKEN and counts it; returns -1. */
int tdk_dir_fault(struct dir_build *b, const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* What a file is from its name ("EDSD.16A", "CUSDEC_D.96B"): its kind, or -1 for a file to skip; rel gets "16A". */
int tdk_dir_classify(const char *name, char rel[4], char type[7]);

/*
 * Reads one release file (n bytes at data, named name, found in the zip
 * container or NULL) into b.  Returns 0, or -1 without memory.
 */
int tdk_dir_add_file(struct dir_build *b, const char *name, const char *container, const char *data, size_t n);

/* Reads every release file under path (a folder, a zip, zips in zips) into b. Returns 0 or -1 without memory. */
int tdk_dir_build_read(struct dir_build *b, const char *path);

/* Reads one file held in memory (a release file or a zip of them, by its name) into b; as above. */
int tdk_dir_build_mem(struct dir_build *b, const char *name, const char *data, size_t n);

/*
 * The entries of folder path (not those starting with '.'), as "path/name",
 * sorted so that a release reads the same on every file system.  Returns 0
 * with *names (free with tdk_dir_list_free()) and *n set; -1 when the folder
 * cannot be opened (errno set); -2 without memory or past max entries.
 */
int tdk_dir_list(const char *path, size_t max, char ***names, size_t *n);
void tdk_dir_list_free(char **names, size_t n);

/*
 * The fields derived from a table rather than read: next_m of the entries of
 * nodes[from, end) and of the levels inside them; and last_m of a segment or
 * composite whose members are members[0, n).  The image builder and the
 * tables written in code (CONTRL's) share them.
 */
void tdk_dir_next_mandatory(struct tdk_dir_node *nodes, uint32_t from, uint32_t end);
uint32_t tdk_dir_last_mandatory(const struct tdk_dir_member *members, uint32_t n);

#endif
