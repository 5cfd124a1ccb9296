/*
 * tdk validate's two halves: cmd/validate.c parses the command line, tells
 * each document's format and checks UN/EDIFACT; cmd/validate-xml.c checks
 * XML documents and XML schemas.  Both run under the driver (cmd/run.h).
 */
#ifndef TDK_VALIDATE_H
#define TDK_VALIDATE_H

#include "run.h"
#include "xmlopt.h"
#include "xml/xml.h"

/* The XML options, filled by the option table in cmd/validate.c, and what setup makes of them. */
struct tdk_validate_xml {
	const char *schema;             /* --schema: a file or a catalog name */
	const char *rules;              /* --rules FILE.sch */
	struct tdk_optlist catalogs;    /* --catalog, in order */
	int use_schema_location;        /* --use-schema-location */
	int well_formed;                /* --well-formed: no schema */
	size_t max_size;                /* 0: the default */
	unsigned long max_depth;
	struct tdk_xml_limit_opts limits;  /* --max-attributes, --max-text */
	/* Made by tdk_validate_xml_setup, shared read-only by the workers. */
	struct tdk_xml_schemas set;
	struct tdk_xml_opts opts;
	int set_ready;
};

/*
 * Loads the catalogs (--catalog, TDK_CATALOG, the user's, the shipped one),
 * compiles --schema and --rules.  A fault is reported through the run's
 * report; returns 0 or its exit status, and then sets run->setup_error.
 * With run NULL, only the catalogs are loaded, and a fault is not reported
 * (sign checks its results against the registered schemas, if any).
 */
int tdk_validate_xml_setup(struct tdk_run *run, struct tdk_validate_xml *xv);

/*
 * When the document before was valid against the schema registered for its
 * namespace and after (the same, signed) is not, warns in d (SIGN-SCHEMA)
 * with the first error, and returns 1; else 0.  Nothing is reported of the
 * checks themselves.
 */
int tdk_validate_xml_still_valid(struct tdk_validate_xml *xv, struct tdk_diag *d, const char *before, size_t nb,
				 const char *after, size_t na);

/* Checks one XML document (schema_doc: an XML Schema, compiled from its file). */
int tdk_validate_xml_one(struct tdk_validate_xml *xv, struct tdk_doc *doc, int schema_doc);

/* Frees what setup made.  Safe after a failed setup. */
void tdk_validate_xml_release(struct tdk_validate_xml *xv);

#endif
