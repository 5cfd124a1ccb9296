/*
 * The dictionary of the WCO Data Model as the UK CDS customises it: every
 * class and data element of a DEC-DMS:2 declaration (and of a RES-DMS:2
 * response) with its WCO pointer (the chain of WCO IDs from the root,
 * "42A/67A/68A/23A/65A/128"), its path of local names ("Declaration/.../
 * NetNetWeightMeasure"), its format ("n..16,6"), the code list it takes and
 * its EU UCC data element number.  The data is a text file compiled from
 * public facts by tests/gen/wco-dict.pl (data/wco/dictionary.tsv, which
 * names its sources): one entry a line, seven fields separated by tabs,
 *
 *     POINTER NAME PATH FORMAT CODELIST UCC DESCRIPTION
 *
 * lines starting with '#' are comments.  A dictionary is loaded once into a
 * struct tdk_wco_dict and looked up by pointer or by path in O(log n).
 * Nothing here prints: faults go to the caller's struct tdk_diag.
 */
#ifndef TDK_WCO_DICT_H
#define TDK_WCO_DICT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

/* The largest dictionary file read (the shipped one is about 100 KB). */
#define TDK_WCO_DICT_FILE_MAX ((size_t)8 << 20)
/* The most entries a dictionary holds (the shipped one has about 560). */
#define TDK_WCO_DICT_ENTRIES_MAX 65536
/* The longest pointer or path, in bytes; longer lines are refused. */
#define TDK_WCO_POINTER_MAX 1024
/* The file of the dictionary in its folder. */
#define TDK_WCO_DICT_FILE "dictionary.tsv"

/*
 * One class or data element.  Every string is NUL-terminated, owned by the
 * dictionary and valid until tdk_wco_dict_release(); "" when unknown.
 */
struct tdk_wco_elem {
	const char *pointer;     /* "42A/67A/68A/23A/65A/128" */
	const char *id;          /* the last ID of the pointer: "128" */
	const char *path;        /* local names from the root: "Declaration/GoodsShipment/
	                            GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/NetNetWeightMeasure" */
	const char *name;        /* "NetNetWeightMeasure" */
	const char *format;      /* "n..16,6", "an..22", "" when unknown */
	const char *codelist;    /* "country", "currency", "unit", "package", a CDS list name, or "" */
	const char *ucc;         /* the EU UCC data element, "6/1", or "" */
	const char *description; /* the WCO description */
};

/* A loaded dictionary.  Owns its memory; tdk_wco_dict_release() frees it. */
struct tdk_wco_dict {
	struct tdk_wco_elem *v;  /* in the order of the file */
	size_t n;
	char *text;              /* the file's bytes, the fields cut out of it with NULs */
	const struct tdk_wco_elem **by_pointer; /* the entries sorted by pointer */
	const struct tdk_wco_elem **by_path;    /* sorted by path, entries without a path last */
	size_t npath;            /* the entries that have a path */
	char file[4096];         /* the file read, for messages */
};

/*
 * The folder of the shipped dictionary: $TDK_WCO_DATA_DIR when set (tests),
 * else data/wco in tdk's data folder (tdk_share_dir()).
 */
const char *tdk_wco_dict_dir(char *buf, size_t size);

/*
 * Loads dir/dictionary.tsv (dir NULL: tdk_wco_dict_dir()), reporting under
 * the file's path.  Returns 0; TDK_EXIT_IO with a diagnostic when the file
 * is missing (WCO-DICT-MISSING), too large or has too many entries
 * (WCO-DICT-LIMIT), or has a line that is not seven fields with a pointer of
 * WCO IDs ([0-9A-Z] separated by '/'), or a pointer twice (WCO-DICT-SHAPE,
 * at the line); TDK_EXIT_INTERNAL when memory runs out.  dict is set up
 * whatever happens, so that the caller always releases it.
 */
int tdk_wco_dict_load(struct tdk_wco_dict *dict, const char *dir, struct tdk_diag *d);

/*
 * Loads a dictionary from the n bytes at p, reporting under name (for the
 * fuzz target and the unit tests); returns as tdk_wco_dict_load.
 */
int tdk_wco_dict_load_mem(struct tdk_wco_dict *dict, const char *name, const char *p, size_t n,
			  struct tdk_diag *d);

/* The entry of a pointer ("42A/D026", exactly), or NULL. */
const struct tdk_wco_elem *tdk_wco_dict_by_pointer(const struct tdk_wco_dict *dict, const char *pointer);

/* The entry of a path of local names ("Declaration/FunctionalReferenceID", exactly), or NULL. */
const struct tdk_wco_elem *tdk_wco_dict_by_path(const struct tdk_wco_dict *dict, const char *path);

/*
 * The entry whose pointer ends with "/suffix" or is suffix ("56A/G005" finds
 * "42A/56A/G005"), when exactly one does; NULL otherwise, *count (when not
 * NULL) set to the number of entries that do.  This completes pointers that a
 * response gives with a step the schemas do not have.
 */
const struct tdk_wco_elem *tdk_wco_dict_by_suffix(const struct tdk_wco_dict *dict, const char *suffix,
						  size_t *count);

/*
 * The name of WCO ID id (a class such as "67A" or a data element such as
 * "128"): that of the first entry in the file whose last ID it is and that
 * has a name; NULL when none has.  IDs name the same thing wherever they
 * occur in the model, so this names a step of a pointer the dictionary lacks.
 */
const char *tdk_wco_dict_id_name(const struct tdk_wco_dict *dict, const char *id);

/*
 * The entry that pointer names: its own, or when the dictionary has none
 * (a response may give a step the schemas do not have: "42A/67A/56A/G005"
 * where the schemas have "42A/56A/G005"), the one entry that its longest
 * suffix of whole steps ends ("56A/G005"), trying suffixes of at least two
 * steps.  *dropped (when not NULL) is the number of leading steps left out
 * (0 for an exact match).  NULL when neither is found.
 */
const struct tdk_wco_elem *tdk_wco_dict_resolve(const struct tdk_wco_dict *dict, const char *pointer,
						size_t *dropped);

/*
 * Appends to out the names of every step of pointer separated by '/'
 * ("Declaration/GoodsShipment/..."): the name of each prefix's entry, else
 * tdk_wco_dict_id_name() of its last ID, else the ID itself in brackets
 * ("[X99]").  Returns 0, or -1 when out is full (its cap) or memory runs out.
 */
int tdk_wco_dict_steps(const struct tdk_wco_dict *dict, const char *pointer, struct tdk_buf *out);

/* Frees what dict holds and leaves it empty. */
void tdk_wco_dict_release(struct tdk_wco_dict *dict);

#endif
