/*
 * XML documents, read safely: well-formedness, XSD 1.0 validation with
 * schemas found through OASIS XML catalogs, and ISO Schematron rules, all on
 * libxml2 and all reporting into a caller-owned struct tdk_diag.
 *
 * Safe loading (load.c).  Every document is read with a SAX push parser fed
 * in chunks from a struct tdk_input: no network, no DTD (a document type
 * declaration is refused before anything in it is read), no entity other
 * than the five predefined ones and character references, and hard limits on
 * the input size, the nesting depth, the attributes of one element and the
 * length of one text node or attribute value.  Schema validation runs on the
 * same stream (libxml2's SAX plug), so memory stays bounded whatever the
 * document's size; only Schematron rules, which evaluate XPath over the
 * whole document, need a tree.
 *
 * Schema sets (schema.c).  A struct tdk_xml_schemas holds the catalogs and
 * a cache of compiled schemas keyed by file, so that a batch compiles each
 * schema once.  While a schema compiles, libxml2 loads imports and includes
 * only through tdk's external entity loader, which resolves names through
 * the catalogs, refuses every network scheme, and reads only local regular
 * files that a catalog names or whose name ends in ".xsd".
 *
 * libxml2 keeps its error handler per thread: every function here installs
 * tdk's structured handler for the duration of the call and restores the
 * previous one, so nothing is ever printed by the library.
 */
#ifndef TDK_XML_H
#define TDK_XML_H

#include <stdint.h>
#include <stddef.h>

#include "util/diag.h"
#include "util/io.h"

/* Limits on one document; every one has a flag in tdk-validate(1). */
struct tdk_xml_limits {
	uint64_t max_size;        /* bytes of input (default 1 GiB); 0: none */
	unsigned long max_depth;  /* element nesting (default 256) */
	unsigned long max_attrs;  /* attributes on one element (default 256) */
	size_t max_text;          /* bytes in one text node or attribute value (default 10 MiB) */
};

/* Sets the defaults above. */
/*
 * Replaces libxml2's input callbacks, for the whole process, with local
 * files only: no http:// or ftp:// fetch, no "-" for standard input.  main()
 * calls it first, before any thread uses libxml2, so that no command (XSLT,
 * signatures, catalogs) reaches the network; later calls do nothing.
 */
void tdk_xml_local_input(void);

/*
 * Installs lib/xml's external entity loader for the whole process, once
 * (later calls do nothing): outside a schema compile or a catalog read on
 * the calling thread it refuses every entity, during one it reads the
 * catalogs' files and local schema documents only.  It is libxml2's only
 * loader in tdk: tdk_xml_schemas_init and tdk_sign_lib_init both call this
 * rather than set one of their own, since a second loader set after it
 * would refuse the catalogs and schemas that validation reads.
 */
void tdk_xml_entity_loader_install(void);

void tdk_xml_limits_init(struct tdk_xml_limits *l);

/* ---- The input guard (guard.c) ---- */

enum { TDK_XML_GUARD_TEXT = 1, TDK_XML_GUARD_ATTRS = 2, TDK_XML_GUARD_DTD = 3 };

/*
 * A streaming scanner that a document's bytes pass through, chunk by chunk,
 * before they reach libxml2: it counts the attributes of each start tag
 * (namespace declarations included) against max_attrs, and the bytes of each
 * text run, attribute value, comment, processing instruction, CDATA section,
 * tag and document type declaration against max_text, and stops at the byte
 * where a limit is passed, whatever libxml2 would have buffered first.  It
 * also notes the first entity declaration of an internal subset, or, when
 * no_dtd is set, stops at a document type declaration.  It checks
 * no other well-formedness rule.  Every reader of XML in tdk runs it: validate
 * (load.c), sign and verify, and convert's XML reader.  The fields are the
 * guard's own; callers set no_dtd and read only fired, at and entity.
 */
struct tdk_xml_guard {
	int fired;                  /* 0 or TDK_XML_GUARD_*: which limit stopped the read */
	int no_dtd;                 /* set by the caller: a DOCTYPE is refused (XML-DTD) */
	struct tdk_diag_loc at;     /* where the limit was passed */
	struct tdk_diag_loc entity; /* the first <!ENTITY of the internal subset; line 0: none */
	char msg[192];
	unsigned long max_attrs, nattrs;
	size_t max_text, run, dtd, skip;
	unsigned long line, col;
	int state, ret, quote, seq, in_dtd, elem_done;
	int unit, big, nunit;       /* code unit width (0: not known yet) and byte order */
	unsigned char head[4], unitbuf[4];
	const unsigned char *base, *cur;  /* single-byte input: where the scan began, the byte read */
	size_t nhead, namelen;
	char elem[64], attr[64], keyword[8];
};

/* Sets up a guard for one document with the attribute and text limits of l. */
void tdk_xml_guard_init(struct tdk_xml_guard *g, const struct tdk_xml_limits *l);

/*
 * Runs the next n bytes of the document through the guard.  Returns n when
 * they are all within the limits, or the offset in buf of the byte that
 * passes one (g->fired says which; later calls return 0).
 */
size_t tdk_xml_guard_scan(struct tdk_xml_guard *g, const void *buf, size_t n);

/*
 * Adds the guard's fault, if any, to d: XML-LIMIT-ATTRS, XML-LIMIT-TEXT or
 * XML-DTD at the byte where the limit was passed.  Returns TDK_EXIT_NEGATIVE after a
 * fault, TDK_EXIT_OK otherwise.
 */
int tdk_xml_guard_report(const struct tdk_xml_guard *g, struct tdk_diag *d);

/* tdk_xml_guard_scan, then tdk_xml_guard_report when a limit was passed. */
int tdk_xml_guard_feed(struct tdk_xml_guard *g, const void *buf, size_t n, struct tdk_diag *d);

/*
 * libxml2 says "extra content at the end of the document" also when the
 * input ends before the root element is closed.  For such an error (error is
 * an xmlError *), writes what happened into msg[0..n), naming the innermost
 * element left open, and returns 1; returns 0 for any other error.
 */
int tdk_xml_premature_end(const void *error, char *msg, size_t n);

/* ---- Catalogs and compiled schemas ---- */

struct tdk_xml_schema_entry;

struct tdk_xml_schemas {
	void **catalogs;           /* xmlCatalogPtr, in lookup order; owned */
	char **catalog_names;      /* the files they were read from; owned */
	size_t ncatalogs;
	char **names;              /* the names of the <uri> entries of those catalogs; owned */
	size_t nnames;
	struct tdk_xml_schema_entry *entries;  /* the cache, a list; owned */
	void *lock;                /* pthread mutex; the cache may be shared by workers */
};

/* Sets up an empty set: no catalog, no schema.  Returns 0, or -1 when out of memory. */
int tdk_xml_schemas_init(struct tdk_xml_schemas *s);

/* Frees the catalogs and every compiled schema. */
void tdk_xml_schemas_release(struct tdk_xml_schemas *s);

/*
 * Reads the OASIS XML catalog in file path and appends it to the lookup
 * order.  A missing or malformed catalog is an XML-CATALOG error in d under
 * the catalog's name; returns TDK_EXIT_OK or TDK_EXIT_IO.
 */
int tdk_xml_schemas_add_catalog(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d);

/*
 * Looks name (a namespace, a URI or a system identifier) up in the catalogs,
 * in order, as a <uri> entry then as a <system> entry.  Returns a new string
 * (a local path, the caller frees it with free()) or NULL when no catalog
 * has it.  *catalog is set to the file of the catalog that answered.
 */
char *tdk_xml_schemas_resolve(struct tdk_xml_schemas *s, const char *name, const char **catalog);

/*
 * The compiled schema whose entry document is the local file path, compiled
 * now if the cache does not have it.  Compile errors and warnings go to d
 * under the schema files' names (once: a schema that failed stays failed and
 * later calls only return the status).  Returns TDK_EXIT_OK and sets *schema
 * (an xmlSchemaPtr owned by the set), TDK_EXIT_IO when the schema cannot be
 * read or does not compile, or TDK_EXIT_INTERNAL.
 */
int tdk_xml_schemas_get(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d, void **schema);

/* ---- Schematron ---- */

/*
 * Compiles the ISO Schematron rules in path (libxml2's engine: XPath 1.0,
 * patterns, rules, assert and report).  Returns TDK_EXIT_OK and a new rule
 * set in *rules (free with tdk_xml_rules_free), or TDK_EXIT_IO with an
 * XML-RULE-COMPILE error in d.
 */
int tdk_xml_rules_load(const char *path, struct tdk_diag *d, void **rules);
void tdk_xml_rules_free(void *rules);

/* ---- Validation ---- */

enum tdk_xml_schema_mode {
	TDK_XML_SCHEMA_AUTO,      /* by the root's namespace through the catalogs */
	TDK_XML_SCHEMA_FIXED,     /* schema below, whatever the document says */
	TDK_XML_SCHEMA_NONE       /* well-formedness only */
};

struct tdk_xml_opts {
	struct tdk_xml_limits limits;
	enum tdk_xml_schema_mode mode;
	void *schema;                 /* xmlSchemaPtr for TDK_XML_SCHEMA_FIXED; borrowed */
	struct tdk_xml_schemas *set;  /* catalogs and cache for AUTO; borrowed */
	int use_schema_location;      /* AUTO: follow xsi:schemaLocation (local files only) */
	void *rules;                  /* Schematron rules, or NULL; borrowed */
};

/* Sets the default limits, AUTO mode, no set, no rules. */
void tdk_xml_opts_init(struct tdk_xml_opts *o);

/*
 * Reads the document in from its current position, streaming, and checks it
 * as o says.  Every fault is a diagnostic in d with line and column; the
 * caller chooses where they go through d->emit.  Stops reading at the first
 * fatal fault (not well-formed, a limit, a DTD) and when d's error limit is
 * reached.  Returns TDK_EXIT_OK (valid), TDK_EXIT_NEGATIVE (invalid),
 * TDK_EXIT_IO (cannot read the input, or its schema set is broken: missing,
 * does not compile, needs the network) or TDK_EXIT_INTERNAL.  In AUTO mode a
 * root whose namespace no catalog names is checked for well-formedness only:
 * the warning XML-XSD-UNKNOWN says so, and *unchecked (when not NULL) is set
 * to 1 (else 0).
 */
int tdk_xml_validate(struct tdk_input *in, const struct tdk_xml_opts *o, struct tdk_diag *d, int *unchecked);

/*
 * Compiles the schema document in path with all its imports and includes, as
 * a CI check of a schema set; errors and warnings go to d with their
 * positions.  Returns TDK_EXIT_OK, TDK_EXIT_NEGATIVE when it does not compile
 * (the schema set is what is being checked, so a fault is a negative answer)
 * or TDK_EXIT_IO when it cannot be read.
 */
int tdk_xml_check_schema(struct tdk_xml_schemas *s, const char *path, struct tdk_diag *d);

/*
 * Whether the first bytes p[0..n) look like XML (after a byte order mark
 * and blanks, a '<'; or UTF-16 XML), and whether the root of that XML is an
 * xs:schema: tdk_sniff (util/sniff.h) tells, which the per-document driver
 * calls for every kind of input.  Returns 0 (not XML), 1 (XML) or 2 (an XML
 * Schema document).
 */
int tdk_xml_sniff(const char *p, size_t n);

/* ---- Whole documents as trees (tree.c) ---- */

struct _xmlDoc;
struct tdk_buf;

/*
 * Parses the document buf[0..len) from memory into a tree, for readers that
 * need every node at once (signatures).  The bytes pass the input guard
 * first (attributes and text runs within lim, an internal subset that
 * declares entities refused), then the size and nesting limits of lim (NULL:
 * the defaults), with no network, no DTD loading and no entity substitution.
 * Attributes named Id, ID or id, and wsu:Id (TDK_NS_WSU, which WS-Security
 * references point at), are registered as XML IDs; two elements
 * with the same ID are an error (a classic of signature wrapping).
 * code_prefix is "SIGN", "VERIFY", "HARM", "MAP" or "CDS": libxml2's errors are <prefix>-XML, a
 * declared entity <prefix>-XML-ENTITY, a duplicate ID <prefix>-DUPLICATE-ID;
 * the limits are XML-LIMIT-SIZE, XML-LIMIT-DEPTH, XML-LIMIT-ATTRS and
 * XML-LIMIT-TEXT as for validate.  Errors are collected through a handler
 * installed on the calling thread for the call, so threads may parse at
 * once.  Returns a new document the caller frees with xmlFreeDoc, or NULL
 * with diagnostics added.
 */
#define TDK_NS_WSU "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"

struct _xmlDoc *tdk_xml_parse(const char *buf, size_t len, const char *name, const char *code_prefix,
			      const struct tdk_xml_limits *lim, struct tdk_diag *d);

/*
 * The same, registering IDs only when ids is set; tdk_xml_register_ids does it
 * later (on a document split by the caller), with the same duplicate check,
 * and returns 0, or -1 after a duplicate (reported).
 */
struct _xmlDoc *tdk_xml_parse_ex(const char *buf, size_t len, const char *name, const char *code_prefix,
				 int ids, const struct tdk_xml_limits *lim, struct tdk_diag *d);
int tdk_xml_register_ids(struct _xmlDoc *doc, const char *code_prefix, struct tdk_diag *d);

/* Serialises doc as it is (no reformatting) into out.  Returns 0, or -1 (out of room or memory). */
int tdk_xml_dump(struct _xmlDoc *doc, struct tdk_buf *out);

/*
 * How many allocation failures libxml2 has reported on the calling thread
 * through tdk's handlers (tdk_xml_oom_note counts one more, for a handler
 * outside lib/xml).  A caller compares the count before and after an
 * operation: when it grew, a "malformed" finding may be the want of memory.
 */
unsigned long tdk_xml_oom_count(void);
void tdk_xml_oom_note(void);

/*
 * Records the libxml2 error error (an xmlError *) in d under code, as the
 * tree reader does: errors and fatal errors only, with their line and
 * column, the message as libxml2 wrote it; an allocation failure is counted
 * (tdk_xml_oom_count) whether d is NULL or not.
 */
void tdk_xml_error_add(struct tdk_diag *d, const char *code, const void *error);

#endif
