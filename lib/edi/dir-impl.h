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
	char *strings;
	uint32_t nmessages, nnodes, nsegments, nmembers, ncomposites, nelements, nlists, ncodes, nstrings;
	uint32_t cmessages, cnodes, csegments, cmembers, ccomposites, celements, clists, ccodes, cstrings;
	struct tdk_dir_counts index;
	uint32_t service_lists;
};

/* Reads every release file under path (a folder, a zip, zips in zips) into b. Returns 0 or -1 without memory. */
int tdk_dir_build_read(struct dir_build *b, const char *path);

/* qsort comparator of char * pointers by strcmp. */
int tdk_dir_cmp_strp(const void *a, const void *b);

#endif
