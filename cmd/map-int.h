/*
 * tdk map's state, shared by its files: cmd/map.c (the command line, the
 * setup, --list and --coverage) and cmd/map-run.c (one document: its input
 * made ready for the stylesheet, the run, the result checked and written).
 */
#ifndef TDK_CMD_MAP_INT_H
#define TDK_CMD_MAP_INT_H

#include "map.h"
#include "validate.h"
#include "edi/dir.h"
#include "wco/manifest.h"
#include "wco/xslt-ext.h"
#include "xml/xslt.h"

struct tdk_map {
	/* The options. */
	struct tdk_optlist params, catalogs;
	const char *to, *directory, *coverage;
	int list, no_validate, no_cache;
	struct tdk_xslt_limits limits;
	const struct tdk_run_opts *ro;
	/* The setup, shared read-only by the workers. */
	struct tdk_xslt *x;                 /* the stylesheet (NULL for a flat input) */
	struct tdk_manifest man;            /* a shipped map's manifest */
	int have_man;
	const char *pv[2 * TDK_OPTLIST_MAX + 1];  /* --param as name, value pairs, NULL-ended */
	char *pnames;                       /* the names' storage */
	struct tdk_validate_xml xv;         /* the catalogs for the target schema check */
	int have_xv;
	struct tdk_dir_set dirs;            /* UNTDID releases: EDIFACT in and out, tdk:uncl */
	int have_dirs;
	struct tdk_wco_xslt ext;            /* the extension functions' code lists */
	int have_ext;
	struct tdk_map_flat *flat;          /* --from: the flat-file reader */
};

/* Whether the map reads, and writes, UN/EDIFACT (its manifest says so). */
int tdk_map_edi_source(const struct tdk_map *m);
int tdk_map_edi_target(const struct tdk_map *m);

/* The driver's function for one document (struct tdk_run's one): arg is the struct tdk_map. */
int tdk_map_one(void *arg, struct tdk_doc *doc);

/* The driver's output name under -O: the input's base name with .xml, .edi or .txt. */
int tdk_map_out_name(void *arg, const char *base, struct tdk_buf *b);

#endif
