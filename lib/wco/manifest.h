/*
 * Map manifests: the small text file beside each shipped map
 * (data/maps/NAME.manifest) that says what the map reads and writes and
 * what it carries.  The format (tdk-map(1), MANIFESTS):
 *
 *     # a comment
 *     name = cusdec-to-wco
 *     summary = UN/EDIFACT CUSDEC (D.96B) to a WCO DM declaration
 *     source = edifact CUSDEC D96B D16A
 *     target = xml urn:wco:datamodel:WCO:DEC-DMS:2 Declaration
 *     carries = Declaration/FunctionCode BGM/C002/1001
 *     drops = FTX/C108 free text other than goods description
 *
 * One "key = value" a line; blank lines and lines starting with '#' are
 * skipped; name, source and target are required once each, summary at most
 * once, carries and drops repeat.  source and target are "edifact MESSAGE
 * RELEASE..." or "xml NAMESPACE ROOT".  A fault is MAP-MANIFEST at its line
 * and column; nothing is guessed.
 */
#ifndef TDK_WCO_MANIFEST_H
#define TDK_WCO_MANIFEST_H

#include <stddef.h>

#include "util/diag.h"

#define TDK_MANIFEST_FILE_MAX ((size_t)1 << 20)   /* bytes in one manifest */
#define TDK_MANIFEST_LINE_MAX 4096                /* bytes in one line */
#define TDK_MANIFEST_LINES_MAX 10000              /* carries and drops lines together */
#define TDK_MANIFEST_RELEASES_MAX 8               /* releases of an edifact vocabulary */

enum tdk_manifest_kind { TDK_MANIFEST_EDIFACT = 1, TDK_MANIFEST_XML = 2 };

/* A source or a target vocabulary. */
struct tdk_manifest_vocab {
	enum tdk_manifest_kind kind;      /* 0 until read */
	char *text;                       /* the value as written */
	char *message;                    /* edifact: the message type, "CUSDEC" */
	char *releases[TDK_MANIFEST_RELEASES_MAX]; /* edifact: "D96B" ... (as written) */
	size_t nreleases;
	char *ns, *root;                  /* xml: the namespace and the root's local name */
};

/* A "carries" or "drops" line: the first word, and the rest (may be ""). */
struct tdk_manifest_line {
	char *what, *rest;
	unsigned long line;
};

/* A manifest, owning every string. */
struct tdk_manifest {
	char *name, *summary;
	struct tdk_manifest_vocab source, target;
	struct tdk_manifest_line *carries, *drops;
	size_t ncarries, ndrops;
	size_t cap_carries, cap_drops;
};

/*
 * Reads the n bytes at p (reported under d's file) into m, which the caller
 * releases with tdk_manifest_release() whatever the result.  Returns 0,
 * TDK_EXIT_NEGATIVE after a fault (MAP-MANIFEST in d), TDK_EXIT_INTERNAL
 * when memory runs out.
 */
int tdk_manifest_parse(struct tdk_manifest *m, const char *p, size_t n, struct tdk_diag *d);

/* The same from the file path (TDK_EXIT_IO when it cannot be read, MAP-MANIFEST said). */
int tdk_manifest_load(struct tdk_manifest *m, const char *path, struct tdk_diag *d);

void tdk_manifest_release(struct tdk_manifest *m);

#endif
