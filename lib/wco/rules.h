/*
 * The rules of tdk harmonise: which elements and attributes of a document
 * hold which kind of value (a country, a currency, a unit, a package type, a
 * date, a number, a code, an identifier), read from small text files.
 *
 * One rule a line; a word starting with '#' starts a comment that runs to
 * the end of the line; blank lines are ignored:
 *
 *     namespace urn:wco:datamodel:WCO:DEC-DMS:2
 *     country  CountryCode
 *     currency @currencyID
 *     number   GoodsMeasure/GrossMassMeasure  format=n..16,6
 *     id       /MetaData/Declaration/FunctionalReferenceID format=an..22
 *     code     TypeCode case=upper format=an..3
 *     date     DateTimeString
 *     keep     MetaData/AgencyAssignedCustomizationVersionCode
 *
 * The kind comes first (country, currency, unit, package, date, number,
 * code, id, or keep: leave the value alone), then the selector, then
 * options.  A selector is a simple subset of XPath over local names: steps
 * separated by '/', '*' for any one element, a leading '/' anchoring the
 * path at the root element (otherwise it may start at any depth, as '//'
 * would), and a last step '@NAME' for an attribute of the element the steps
 * before it select ('@currencyID' alone: that attribute on any element).
 * With a WCO dictionary (tdk_harm_rules_set_dict, wco/dict.h), a selector
 * "wco:POINTER" ("wco:42A/D026"; or "wco:D026", the last steps of a pointer
 * when only one has them) selects the element the WCO DM pointer
 * names, by the dictionary's path of local names from Declaration (matched
 * at any depth, so inside a MetaData envelope too), and lends the rule the
 * dictionary's format, which a format= option overrides.
 * Options: format=FMT (an..22, an3, a2, n..16,6, n5: the longest value, or
 * the only length, and for numbers the total and fraction digits),
 * case=upper (a code list in capitals), date=102|304 (the format code of a
 * date, when the element has no formatCode attribute to say it).
 * A namespace line limits the file's rules to documents that use one of the
 * namespaces the file names; a file without one applies to every document.
 * Several files are kept in order: for each value the first rule that
 * selects it wins, so files read first override those read later.
 *
 * Faults are HARM-RULES errors at the line and column of the word at fault,
 * under the file's name.  Nothing here prints.
 */
#ifndef TDK_WCO_RULES_H
#define TDK_WCO_RULES_H

#include <stddef.h>

#include "util/diag.h"

/* The largest rules file read, the most rules kept, the most steps in one selector. */
#define TDK_HARM_RULES_FILE_MAX ((size_t)1 << 20)
#define TDK_HARM_RULES_MAX 8192
#define TDK_HARM_STEPS_MAX 32
/* The most files (and so namespace groups) in one set. */
#define TDK_HARM_FILES_MAX 64

enum tdk_harm_kind {
	TDK_HARM_KEEP, TDK_HARM_COUNTRY, TDK_HARM_CURRENCY, TDK_HARM_UNIT, TDK_HARM_PACKAGE,
	TDK_HARM_DATE, TDK_HARM_NUMBER, TDK_HARM_CODE, TDK_HARM_ID
};

/* A format: the longest value (or its only length when exact), and for numbers the digits. */
struct tdk_harm_format {
	int set;               /* 0: no format given */
	int numeric;           /* n: digits; a/an: characters */
	int exact;             /* "an3": exactly 3; "an..3": at most 3 */
	unsigned len;          /* characters, or total digits of a number */
	unsigned frac;         /* fraction digits of a number (n..16,6: 6) */
};

struct tdk_harm_rule {
	enum tdk_harm_kind kind;
	char *steps[TDK_HARM_STEPS_MAX];  /* local names, "*" for any; pointers into mem */
	char *mem;                        /* the selector's text, owned */
	size_t nsteps;
	int anchored;                     /* the selector started with '/' */
	const char *attr;                 /* the attribute's local name, or NULL for the element's text */
	struct tdk_harm_format format;
	int upper;                        /* case=upper */
	int date;                         /* date=102|304, 0: from the formatCode attribute */
	unsigned file;                    /* index of the file in the set */
	char where[96];                   /* "dec-dms.rules:14", for reports */
};

struct tdk_wco_dict;

/* A set of rules, from one or more files.  Owns its memory; tdk_harm_rules_release() frees it. */
struct tdk_harm_rules {
	struct tdk_harm_rule *v;
	size_t n, cap;
	/* per file: its namespaces ("" ended list in one NUL-separated block), NULL when none */
	char *ns[TDK_HARM_FILES_MAX];
	size_t nns[TDK_HARM_FILES_MAX];
	unsigned nfiles;
	const struct tdk_wco_dict *dict;  /* borrowed; NULL: wco: selectors are refused */
};

/* Sets up an empty set. */
void tdk_harm_rules_init(struct tdk_harm_rules *r);

/* Lets wco: selectors be resolved through dict (borrowed: it must outlive the set's loading). */
void tdk_harm_rules_set_dict(struct tdk_harm_rules *r, const struct tdk_wco_dict *dict);

/*
 * Reads the rules in the n bytes at p, reporting under name (the rule labels
 * use name's last component), and appends them to r.  Returns 0;
 * TDK_EXIT_NEGATIVE when the text has faults (every one is reported, and no
 * rule of that text is kept); TDK_EXIT_INTERNAL when memory runs out.
 */
int tdk_harm_rules_parse(struct tdk_harm_rules *r, const char *name, const char *p, size_t n, struct tdk_diag *d);

/*
 * The same from the file path: TDK_EXIT_IO with HARM-RULES-READ when it cannot
 * be read or is larger than TDK_HARM_RULES_FILE_MAX.
 */
int tdk_harm_rules_load(struct tdk_harm_rules *r, const char *path, struct tdk_diag *d);

/*
 * Every file whose name ends in ".rules" in dir, in the order of their
 * names.  A missing folder is HARM-RULES-READ (TDK_EXIT_IO).
 */
int tdk_harm_rules_load_dir(struct tdk_harm_rules *r, const char *dir, struct tdk_diag *d);

/*
 * The folder of the shipped rules: $TDK_HARMONISE_DIR when set, else
 * data/harmonise in tdk's data folder (tdk_share_dir()).  Writes it into
 * buf[0..n) and returns buf.
 */
const char *tdk_harm_rules_dir(char *buf, size_t n);

/* The kind's name as rules files spell it ("country"). */
const char *tdk_harm_kind_name(enum tdk_harm_kind k);

/* Frees what r holds and leaves it empty. */
void tdk_harm_rules_release(struct tdk_harm_rules *r);

#endif
