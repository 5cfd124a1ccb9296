/*
 * Code lists tdk knows: ISO 3166-1 countries and ISO 4217 currencies, read
 * at run time from Debian's iso-codes package (its JSON files, never copied
 * into tdk), and UN/ECE Recommendations 20 (units) and 21 (package types),
 * compiled into tdk's data folder as text files in data/codes (tests/gen/codes-data.pl
 * writes them, naming their source).  A list is loaded once into a struct
 * tdk_codes and looked up by any of its codes, in any case.
 *
 * The JSON reader here is deliberately narrow: the iso-codes shape only
 * ({"3166-1": [{"alpha_2": "DE", ...}, ...]}), RFC 8259 syntax checked in
 * full, the file capped at TDK_CODES_FILE_MAX bytes and nesting at 32 levels.
 * Nothing here prints: faults go to the caller's struct tdk_diag.
 */
#ifndef TDK_WCO_CODES_H
#define TDK_WCO_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/diag.h"

/* The largest iso-codes file read: iso_3166-1.json is about 50 KB. */
#define TDK_CODES_FILE_MAX ((size_t)4 << 20)
/* The longest code looked up; longer words are not codes of any list tdk knows. */
#define TDK_CODES_WORD_MAX 64

enum tdk_codes_list { TDK_CODES_COUNTRY, TDK_CODES_CURRENCY, TDK_CODES_UNIT, TDK_CODES_PACKAGE };

/* One entry; each field is an offset into the list's strings, 0 when absent (the empty string). */
struct tdk_code {
	uint32_t code;      /* the canonical code: alpha-2 for a country, alphabetic for a currency,
	                       the Rec 20 or Rec 21 code */
	uint32_t alpha3;    /* a country's alpha-3 code */
	uint32_t numeric;   /* the three-digit numeric code */
	uint32_t name;      /* the English name as iso-codes gives it */
	uint32_t official;  /* a country's official name, when iso-codes has one */
	uint32_t common;    /* a country's common name, when iso-codes has one ("Bolivia") */
};

/* A loaded list.  Owns its memory; tdk_codes_release() frees it. */
struct tdk_codes {
	enum tdk_codes_list list;
	struct tdk_code *v;       /* in the order of the file */
	size_t n, cap;
	struct tdk_buf str;       /* every string, NUL-separated; offset 0 is "" */
	char path[4096];          /* the file read, for messages */
};

/* The string at offset off of c's strings. */
static inline const char *tdk_codes_str(const struct tdk_codes *c, uint32_t off)
{
	return c->str.data ? c->str.data + off : "";
}

/*
 * The folder of iso-codes' JSON files: $TDK_ISO_CODES_DIR when set (tests
 * and other layouts), else /usr/share/iso-codes/json.
 */
const char *tdk_codes_iso_dir(void);

/*
 * Loads a list from dir (when NULL: tdk_codes_iso_dir() for countries and
 * currencies; for units and packages $TDK_CODES_DATA_DIR when set (tests), else
 * data/codes in tdk's data folder, tdk_share_dir()), reporting under
 * the file's path.  A compiled list is text: lines "CODE<tab>NAME", lines
 * starting with '#' are comments.  Returns 0; TDK_EXIT_IO with a diagnostic when the file is
 * missing (CODES-DATA-MISSING, saying which package provides it), too large
 * (CODES-DATA-LIMIT), not JSON (JSON-SYNTAX) or not in the iso-codes shape
 * (CODES-DATA-SHAPE, also a compiled list's line without a code and a tab); TDK_EXIT_INTERNAL when memory runs out.  c is set up
 * whatever happens, so that the caller always releases it.
 */
int tdk_codes_load(struct tdk_codes *c, enum tdk_codes_list list, const char *dir, struct tdk_diag *d);

/*
 * Loads a list from the n bytes at p, reporting under name (for the fuzz
 * target and the unit tests); returns as tdk_codes_load.
 */
int tdk_codes_load_mem(struct tdk_codes *c, enum tdk_codes_list list, const char *name, const char *p,
		       size_t n, struct tdk_diag *d);

/*
 * The entry whose code, alpha-3 or numeric code is word, letters in any
 * case, a numeric code with or without its leading zeros; NULL when none is.
 */
const struct tdk_code *tdk_codes_find(const struct tdk_codes *c, const char *word);

/* Frees what c holds and leaves it empty. */
void tdk_codes_release(struct tdk_codes *c);

#endif
