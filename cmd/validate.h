/*
 * tdk validate's two halves: cmd/validate.c parses the command line and
 * checks UN/EDIFACT; cmd/validate-xml.c runs the batch (file arguments, -r,
 * --files-from, -j), tells each input's format, and checks XML documents and
 * XML schemas.  This is what they share.
 */
#ifndef TDK_VALIDATE_H
#define TDK_VALIDATE_H

#include "cmd.h"
#include "util/io.h"

/* The XML and batch options, filled by the option table in cmd/validate.c. */
struct tdk_validate_xml {
	const char *schema;             /* --schema: a file or a catalog name */
	const char *rules;              /* --rules FILE.sch */
	struct tdk_optlist catalogs;    /* --catalog, in order */
	int use_schema_location;        /* --use-schema-location */
	int well_formed;                /* --well-formed: no schema */
	size_t max_size, max_text;      /* 0: the default */
	unsigned long max_depth, max_attrs;
	const char *dir;                /* -r DIR */
	const char *files_from;         /* --files-from FILE */
	int nul;                        /* -0 */
	unsigned long jobs;             /* -j N */
	/* Copied from the common options before tdk_validate_run. */
	int pass, quiet;
	unsigned long max_errors;
};

/*
 * Checks one UN/EDIFACT input that is already open; the EDIFACT half's entry,
 * vo is its private options.  Returns the input's exit status.
 */
struct tdk_validate_edifact {
	int (*fn)(struct tdk_ctx *ctx, const void *vo, struct tdk_report *rep, const char *path,
		  struct tdk_input *in);
	const void *vo;
};

/*
 * In a text report, the note that d stopped reporting after --max-errors
 * errors, under d's file name (quoted as reports quote names).
 */
void tdk_validate_note_stopped(struct tdk_report *rep, const struct tdk_diag *d);

/*
 * Checks every input: files[0..nfiles) then --files-from and -r, each by
 * its format (EDIFACT through edi, XML documents, .xsd schemas; JSON is
 * refused), with a verdict per file and a summary when there are several.
 * Reports through rep.  Returns the worst exit status.
 */
int tdk_validate_run(struct tdk_ctx *ctx, struct tdk_validate_xml *xv, struct tdk_report *rep,
		     char **files, int nfiles, const struct tdk_validate_edifact *edi);

#endif
