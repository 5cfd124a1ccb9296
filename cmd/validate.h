/*
 * tdk validate's two halves: cmd/validate.c parses the command line and
 * checks UN/EDIFACT; cmd/validate-xml.c runs the batch (file arguments, -r,
 * --files-from, -j), tells each input's format, and checks XML documents and
 * XML schemas.  This is what they share.
 */
#ifndef TDK_VALIDATE_H
#define TDK_VALIDATE_H

#include "cmd.h"
#include "xmlopt.h"
#include "util/io.h"

/* The XML and batch options, filled by the option table in cmd/validate.c. */
struct tdk_validate_xml {
	const char *schema;             /* --schema: a file or a catalog name */
	const char *rules;              /* --rules FILE.sch */
	struct tdk_optlist catalogs;    /* --catalog, in order */
	int use_schema_location;        /* --use-schema-location */
	int well_formed;                /* --well-formed: no schema */
	size_t max_size;                /* 0: the default */
	unsigned long max_depth;
	struct tdk_xml_limit_opts limits;  /* --max-attributes, --max-text */
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

/* The inputs of a run, in order; the names are owned by the list. */
struct tdk_validate_inputs {
	char **v;
	size_t n, cap;
};

#define TDK_VALIDATE_NAME_MAX   4096               /* longest name listed, longest path under -r */
#define TDK_VALIDATE_INPUTS_MAX ((size_t)1 << 22)  /* most inputs in one run, most lines in a list */

/*
 * Gathers the inputs of a run into in: files[0..nfiles), then the names in
 * --files-from, then the files under -r in the order of their names; "-"
 * alone when there is none of these.  A list or a folder that is at fault is
 * reported through rep (TDK-LIST-NAME, TDK-LIMIT-FILES, TDK-WALK-PATH,
 * TDK-WALK-DEPTH), or on ctx->err when it cannot be read; one that gives no
 * file gets the warning TDK-NO-FILES.  The inputs gathered before a fault are
 * kept.  Returns the worst exit status met (TDK_EXIT_INTERNAL when out of
 * memory, said on ctx->err).  The caller releases in with
 * tdk_validate_inputs_release(), whatever the status.
 */
int tdk_validate_inputs(struct tdk_ctx *ctx, const struct tdk_validate_xml *xv, struct tdk_report *rep,
			char **files, int nfiles, struct tdk_validate_inputs *in);
void tdk_validate_inputs_release(struct tdk_validate_inputs *in);

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
