/*
 * What `tdk validate` adds for acknowledgements (--ack, --ack-output,
 * --ack-reference: a CONTRL message per interchange received) and for
 * message implementation guidelines (--mig: an overlay that narrows the
 * directory).  validate.c declares the options with TDK_VALIDATE_ACK_OPTIONS
 * and calls the four functions below around its run and each document.
 */
#ifndef TDK_VALIDATE_ACK_H
#define TDK_VALIDATE_ACK_H

#include "cmd.h"
#include "edi/contrl.h"
#include "edi/dirval.h"
#include "edi/mig.h"
#include "util/io.h"

struct tdk_validate_ack {
	/* options */
	const char *ack, *output, *reference, *mig_path;
	/* state */
	struct tdk_edi_ack *collector;
	struct tdk_edi_mig *mig;
	struct tdk_output out;
	int out_open;
	void (*emit)(void *arg, const struct tdk_diag_item *it);   /* the report's, wrapped */
	void *emit_arg;
	unsigned long max_errors, shown, hidden;
};

#define TDK_VALIDATE_ACK_OPTIONS(x) \
	TDK_OPT_STRING_(0, "ack", &(x)->ack, "kind", "contrl|receipt", \
			"write a CONTRL acknowledgement of each interchange (receipt: UCI only)"), \
	TDK_OPT_STRING_(0, "ack-output", &(x)->output, "file", NULL, \
			"write the acknowledgements to file (default: standard output)"), \
	TDK_OPT_STRING_(0, "ack-reference", &(x)->reference, "ref", NULL, \
			"control reference of the CONTRL interchange (default: derived from the received one)"), \
	TDK_OPT_STRING_(0, "mig", &(x)->mig_path, "file", NULL, \
			"narrow the directory with a message implementation guideline overlay (tdk-validate(1): MIG overlays)")

/*
 * Checks the options against the rest (pass through, report format, syntax
 * only) and opens the acknowledgement output and the overlay.  Returns -1
 * to go on, or the exit code to end with (the reason is on ctx->err).
 */
int tdk_validate_ack_init(struct tdk_validate_ack *x, struct tdk_ctx *ctx, int pass, const char *format,
			  int syntax_only, struct tdk_dir_set *dirs);

/*
 * Before a document is read: puts the collector in front of *sink (which
 * may be NULL), wraps d's emit callback, gives the overlay to dv (may be
 * NULL).  Returns 0 or an exit code.
 */
int tdk_validate_ack_begin(struct tdk_validate_ack *x, struct tdk_ctx *ctx, struct tdk_diag *d,
			   struct tdk_edi_dirval *dv, struct tdk_edi_sink *storage, struct tdk_edi_sink **sink);

/* After a document: writes its acknowledgements.  Returns code, or a worse one when writing fails. */
int tdk_validate_ack_end(struct tdk_validate_ack *x, struct tdk_ctx *ctx, struct tdk_diag *d, int code);

/* At the end of the run: commits the output and frees everything.  Returns code or a worse one. */
int tdk_validate_ack_finish(struct tdk_validate_ack *x, struct tdk_ctx *ctx, int code);

#endif
