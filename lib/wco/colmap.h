/*
 * Column maps: how the columns of a CSV file, or the positions of a
 * fixed-width record, become a WCO Data Model declaration (tdk-columns(5)
 * describes the text format).  tdk_colmap_parse reads one into a struct
 * tdk_colmap, which is read-only afterwards and may be shared between
 * threads; tdk_flat_map turns an input into declarations with it.
 *
 * Each rule takes a value (a column, a position range, a constant, the
 * item's number or the item count), passes it through its transforms and
 * writes it to an element path, e.g. Declaration/GoodsShipment/
 * GovernmentAgencyGoodsItem/Commodity/Description, or to an attribute
 * (a last step "@currencyID").  A path may be written as a WCO pointer
 * ("42A/67A/68A/23A/137"), which the WCO dictionary (lib/wco/dict.h,
 * loaded when the first pointer is met) turns into its path.  Siblings are written in the order in which
 * their paths first appear in the column map, so that a map written in the
 * order of the target schema gives declarations in that order (XSD
 * sequences are ordered); an empty value writes nothing.
 *
 * Diagnostics carry the line and column (1-based, bytes) of the column map:
 * COLMAP-SYNTAX (a line that is not one of the forms), COLMAP-DIRECTIVE (an
 * unknown first word), COLMAP-PATH (a path that is empty, has an empty or
 * invalid step, or another root than the others), COLMAP-TRANSFORM (an
 * unknown transform or one with wrong arguments), COLMAP-RANGE (a position
 * range that is not N-M with 1 <= N <= M), COLMAP-FROM (a rule of the
 * other format), COLMAP-POINTER (a pointer the dictionary does not
 * know), COLMAP-ITEM (item rules without an item directive, or the
 * other way round), COLMAP-LIMIT (over the limits below), and when the data
 * is read COLMAP-COLUMN (a column the input does not have).
 */
#ifndef TDK_WCO_COLMAP_H
#define TDK_WCO_COLMAP_H

#include <stddef.h>

#include <libxml/tree.h>

#include "util/csv.h"
#include "util/diag.h"
#include "util/io.h"
#include "wco/codes.h"
#include "wco/dict.h"

/* The largest column map read, the most rules, transforms per rule, steps per path, meta lines. */
#define TDK_COLMAP_FILE_MAX  ((size_t)1 << 20)
#define TDK_COLMAP_RULES_MAX 4096
#define TDK_COLMAP_XF_MAX    8
#define TDK_COLMAP_STEPS_MAX 32
#define TDK_COLMAP_META_MAX  16
/* The most declarations in one input whose keys are remembered (a key may not come back). */
#define TDK_FLAT_KEYS_MAX    ((size_t)1 << 20)

enum tdk_colmap_src { TDK_COLMAP_COLUMN, TDK_COLMAP_FIELD, TDK_COLMAP_CONST, TDK_COLMAP_SEQUENCE, TDK_COLMAP_COUNT };
enum tdk_colmap_xf_kind { TDK_XF_TRIM, TDK_XF_UPPER, TDK_XF_NUMBER, TDK_XF_DATE, TDK_XF_CODE };

/* One transform of a rule. */
struct tdk_colmap_xf {
	enum tdk_colmap_xf_kind kind;
	char dec;              /* number: the decimal mark, '.' or ',' */
	char fmt[32];          /* date: the input's format, e.g. "DD/MM/YYYY" */
	char to[4];            /* date: the format code written: "102", "203" or "304" */
	enum tdk_codes_list list; /* code: the list */
};

/* One step of a path: an element name and which of its same-named siblings (1-based; 1 by default). */
struct tdk_colmap_step {
	char *name;
	unsigned index;
	unsigned rank;         /* the order of this element among its siblings (first appearance) */
};

/* Where a value comes from: a column (by name or number) or a position range of a fixed-width record. */
struct tdk_colmap_src_ref {
	char *name;            /* a column's header name; NULL when by number */
	size_t colno;          /* a column by number, 1-based */
	size_t from, to;       /* a fixed-width range of characters, 1-based, inclusive */
	unsigned long line, col; /* where the column map names it */
};

struct tdk_colmap_rule {
	enum tdk_colmap_src src;
	struct tdk_colmap_src_ref ref;   /* COLUMN and FIELD */
	char *value;                     /* CONST */
	struct tdk_colmap_step *steps;   /* below the root (or below the item element for an item rule) */
	size_t nsteps;
	char *attr;                      /* the attribute written, or NULL for the element's text */
	int item;                        /* the path lies below the item element */
	struct tdk_colmap_xf xf[TDK_COLMAP_XF_MAX];
	size_t nxf;
	char *path;                      /* as written, for messages */
	unsigned long line, col;         /* of the rule's value source in the column map */
};

struct tdk_colmap {
	int fixed;                  /* records are fixed-width lines */
	int header;                 /* CSV: the first record names the columns (default yes) */
	struct tdk_csv_opts csv;    /* the delimiter and the limits */
	int has_key, has_type;
	struct tdk_colmap_src_ref key;   /* records with equal keys form one declaration */
	struct tdk_colmap_src_ref type;  /* the record type: header or item */
	char *type_header, *type_item;
	char *root;                 /* the declaration's root element, "Declaration" */
	struct tdk_colmap_step *item;    /* the item element's path below the root */
	size_t nitem;
	unsigned long item_line;
	int envelope;               /* 1: the DEC-DMS:2 MetaData envelope */
	char *ns;                   /* the declaration's namespace */
	char *meta_name[TDK_COLMAP_META_MAX], *meta_value[TDK_COLMAP_META_MAX];
	size_t nmeta;
	struct tdk_colmap_rule *rules;
	size_t nrules, cap;
	char **ranks;               /* every element path (names from the root), in order of appearance */
	size_t nranks, rcap;
	struct tdk_codes codes[4];  /* the lists the code transforms use, loaded by tdk_colmap_load_codes */
	int codes_used[4];
	struct tdk_wco_dict dict;   /* the WCO dictionary, when a path is written as a pointer */
	int have_dict;
	const char *name;           /* the column map's name for diagnostics; borrowed */
};

/* The namespaces of the DEC-DMS:2 envelope. */
#define TDK_NS_DEC_DMS   "urn:wco:datamodel:WCO:DEC-DMS:2"
#define TDK_NS_META_DMS  "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
#define TDK_NS_DEC_DS    "urn:wco:datamodel:WCO:Declaration_DS:DMS:2"

/*
 * Parses the n bytes at p, a column map for fixed-width records when fixed,
 * for CSV otherwise, reporting under name (borrowed; it must outlive cm).
 * Returns 0, TDK_EXIT_NEGATIVE when the map is wrong (diagnostics in d), or
 * TDK_EXIT_INTERNAL.  cm is set up whatever happens; the caller releases it.
 */
int tdk_colmap_parse(struct tdk_colmap *cm, int fixed, const char *name, const char *p, size_t n,
		     struct tdk_diag *d);

/*
 * Loads the code lists the map's code transforms use (lib/wco/codes.h).
 * Returns 0 or the status of tdk_codes_load.
 */
int tdk_colmap_load_codes(struct tdk_colmap *cm, struct tdk_diag *d);

/* Frees what cm holds. */
void tdk_colmap_release(struct tdk_colmap *cm);

/*
 * Applies one transform to the value in v (rewritten in place; the caller
 * owns v), reporting a value it cannot read (CSV-DATE, CSV-NUMBER,
 * CSV-CODE) at loc.  Returns 0 or TDK_EXIT_NEGATIVE.
 */
int tdk_colmap_transform(const struct tdk_colmap *cm, const struct tdk_colmap_xf *xf, struct tdk_buf *v,
			 const struct tdk_diag_loc *loc, struct tdk_diag *d);

/*
 * Maps the records of in to declarations with cm, handing each to emit
 * (with its key, or its record number when the map has no key), which
 * returns the declaration's status and does not take the document.
 * Data faults are reported under d's file, column faults of the map
 * (COLMAP-COLUMN) under cm's name, and grouping faults as CSV-KEY (a key
 * that comes back after another), CSV-TYPE (a record type that is neither),
 * CSV-ORPHAN (an item record with no header record before it).  A
 * declaration with a fault is not emitted.  Returns the worst status:
 * 0, 1 (faults in the data), 3 (a read error), 70, or emit's.
 */
int tdk_flat_map(const struct tdk_colmap *cm, struct tdk_input *in, struct tdk_diag *d,
		 int (*emit)(void *arg, xmlDocPtr doc, const char *key), void *arg);

#endif
