/*
 * tdk map's pieces shared between cmd/map.c (the command, its stylesheets,
 * the target schema check and the output) and cmd/map-flat.c (CSV and
 * fixed-width records turned into WCO DM declarations by a column map).
 *
 * A flat input yields one declaration per record, or per group of records
 * sharing a key; each is handed to tdk_map_emit(), which checks it against
 * the target schema when one is registered and writes it where the
 * document's output goes.
 */
#ifndef TDK_CMD_MAP_H
#define TDK_CMD_MAP_H

#include <libxml/tree.h>

#include "run.h"

/* The command's state: options, the compiled stylesheet or column map, the target schema (cmd/map.c). */
struct tdk_map;

/*
 * Checks out (a document built for doc, the input it came from) against the
 * target schema when one is registered, and writes it: to standard output,
 * or under -O DIR as NAME.xml (name: the declaration's key, e.g. its LRN,
 * made safe for a file name).  Diagnostics go to doc's report.  Returns the
 * document's exit status (0, 1 invalid, 3 cannot write).  Does not take out.
 */
int tdk_map_emit(struct tdk_map *m, struct tdk_doc *doc, xmlDocPtr out, const char *name);

/* The flat-file reader's state (cmd/map-flat.c). */
struct tdk_map_flat;

/*
 * Reads the column map FILE for --from FROM ("csv" or "fixed") into a new
 * struct tdk_map_flat that the caller frees with tdk_map_flat_free().
 * Returns 0, 2 for a usage error (unknown FROM), 3 when the file cannot be
 * read, 1 when the column map is wrong (diagnostics in d, with line and
 * column of the column map).
 */
int tdk_map_flat_new(struct tdk_map_flat **f, const char *from, const char *columns, struct tdk_diag *d);

/*
 * Sets the reader's limits from the command line, over those of the column
 * map: the longest field and record in bytes, the most fields in a record;
 * 0 leaves a limit as it is (tdk-columns(5), LIMITS, gives the defaults).
 */
void tdk_map_flat_limits(struct tdk_map_flat *f, size_t field_max, size_t fields_max, size_t record_max);

/*
 * Maps one flat input (doc->in, already opened by the driver) to declarations,
 * calling tdk_map_emit(m, doc, decl, key) for each.  Returns the document's
 * exit status.  Safe to call from several threads with one f.
 */
int tdk_map_flat_one(struct tdk_map_flat *f, struct tdk_map *m, struct tdk_doc *doc);

void tdk_map_flat_free(struct tdk_map_flat *f);

#endif
