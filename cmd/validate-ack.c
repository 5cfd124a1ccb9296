/*
 * tdk validate --ack and --mig: acknowledgements and overlays.
 *
 * --ack contrl writes, for every interchange read, a CONTRL message (ISO
 * 9735-1:2002 clause 9 and annex; UNTDID D.96B part 4 chapter 2.3 section
 * 10 for syntax versions 1 to 3) in the interchange's syntax version that
 * accepts (UNSL 0083 code 7) or rejects (4) it at the interchange, group,
 * message, segment and data element level, with UNSL 0085 syntax error
 * codes; --ack receipt only acknowledges receipt (8) or rejects the
 * interchange (4).  The date and time of the CONTRL's UNB are the current
 * time, or SOURCE_DATE_EPOCH when it is set (for reproducible output).
 *
 * --mig applies a message implementation guideline overlay (tdk-validate(1), MIG overlays) on
 * top of the directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "validate-ack.h"

static void ack_emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_validate_ack *x = arg;

	if (x->collector)
		tdk_edi_ack_diag(x->collector, it);
	/* The acknowledgement needs every error, so the run goes on; the report keeps to --max-errors. */
	if (it->sev == TDK_SEV_ERROR && x->max_errors && x->shown >= x->max_errors) {
		x->hidden++;
		return;
	}
	if (it->sev == TDK_SEV_ERROR)
		x->shown++;
	if (x->emit)
		x->emit(x->emit_arg, it);
}

static time_t ack_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long long t;

	if (s && *s) {
		errno = 0;
		t = strtoull(s, &end, 10);
		if (!errno && !*end && t <= (unsigned long long)LLONG_MAX)
			return (time_t)t;
	}
	return time(NULL);
}

static int valid_reference(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > 14)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e || strchr(":+?'*", s[i]))
			return 0;
	return 1;
}

int tdk_validate_ack_init(struct tdk_validate_ack *x, struct tdk_ctx *ctx, int pass, const char *format,
			  int syntax_only, struct tdk_dir_set *dirs)
{
	int stdout_report = format && strcmp(format, "text");

	if (!x->ack && (x->output || x->reference))
		return tdk_error(ctx, "validate", TDK_EXIT_USAGE, "--ack-output and --ack-reference need --ack");
	if (x->ack && !x->output && (pass || stdout_report))
		return tdk_error(ctx, "validate", TDK_EXIT_USAGE,
				 "--ack writes to standard output, which %s uses already; name a file with "
				 "--ack-output", pass ? "-p" : "--format");
	if (x->reference && !valid_reference(x->reference))
		return tdk_error(ctx, "validate", TDK_EXIT_USAGE,
				 "--ack-reference: '%s' is not an interchange control reference (1 to 14 "
				 "printable characters, no separators)", x->reference);
	if (x->mig_path && syntax_only)
		return tdk_error(ctx, "validate", TDK_EXIT_USAGE,
				 "--mig narrows the directory; it cannot go with --syntax-only");
	if (x->mig_path) {
		struct tdk_diag d;
		struct tdk_report rep;
		int r;

		/* Faults of the overlay are reported like those of a document, under its name. */
		tdk_report_init(&rep, "text", ctx->err, "tdk validate");
		tdk_diag_init(&d, x->mig_path);
		d.emit = tdk_report_emit;
		d.arg = &rep;
		r = tdk_edi_mig_load(&x->mig, x->mig_path, dirs, &d);
		tdk_report_finish(&rep);
		if (r)
			return tdk_error(ctx, "validate", r, "%s: cannot use the overlay '%s'",
					 r == TDK_EXIT_USAGE ? "--mig" : "--mig", x->mig_path);
	}
	if (x->ack) {
		if (tdk_output_open(&x->out, x->output, ctx->out) < 0) {
			tdk_edi_mig_free(x->mig);
			x->mig = NULL;
			return tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot write '%s': %s", x->output,
					 strerror(x->out.err));
		}
		x->out_open = 1;
	}
	return -1;
}

int tdk_validate_ack_begin(struct tdk_validate_ack *x, struct tdk_ctx *ctx, struct tdk_diag *d,
			   struct tdk_edi_dirval *dv, struct tdk_edi_sink *storage, struct tdk_edi_sink **sink)
{
	if (dv && x->mig)
		tdk_edi_dirval_mig(dv, x->mig);
	if (!x->ack)
		return 0;
	tdk_edi_ack_free(x->collector);
	x->collector = tdk_edi_ack_new(strcmp(x->ack, "receipt") ? TDK_ACK_CONTRL : TDK_ACK_RECEIPT,
				       x->reference, ack_time(), *sink, storage);
	if (!x->collector)
		return tdk_error(ctx, "validate", TDK_EXIT_INTERNAL, "out of memory");
	*sink = storage;
	x->emit = d->emit;
	x->emit_arg = d->arg;
	x->max_errors = d->max_errors;
	x->shown = x->hidden = 0;
	d->emit = ack_emit;
	d->arg = x;
	d->max_errors = 0;
	return 0;
}

int tdk_validate_ack_end(struct tdk_validate_ack *x, struct tdk_ctx *ctx, struct tdk_diag *d, int code)
{
	int r;

	if (!x->collector)
		return code;
	if (x->hidden)
		fprintf(ctx->err, "%s: note: %lu more error%s not shown (--max-errors); the acknowledgement "
			"reports them\n", d->file, x->hidden, x->hidden == 1 ? "" : "s");
	r = tdk_edi_ack_write(x->collector, &x->out, d);
	tdk_edi_ack_free(x->collector);
	x->collector = NULL;
	d->emit = x->emit;
	d->arg = x->emit_arg;
	if (r == TDK_EXIT_INTERNAL)
		return tdk_exit_worst(code, tdk_error(ctx, "validate", r, "out of memory"));
	if (r)
		return tdk_exit_worst(code, tdk_error(ctx, "validate", TDK_EXIT_IO,
						      "cannot write the acknowledgement: %s",
						      strerror(x->out.err ? x->out.err : EIO)));
	return code;
}

int tdk_validate_ack_finish(struct tdk_validate_ack *x, struct tdk_ctx *ctx, int code)
{
	tdk_edi_ack_free(x->collector);
	x->collector = NULL;
	tdk_edi_mig_free(x->mig);
	x->mig = NULL;
	if (!x->out_open)
		return code;
	x->out_open = 0;
	if (code >= TDK_EXIT_USAGE && code != TDK_EXIT_NEGATIVE && x->output) {
		tdk_output_abort(&x->out);
		return code;
	}
	if (tdk_output_commit(&x->out) < 0)
		return tdk_exit_worst(code, tdk_error(ctx, "validate", TDK_EXIT_IO, "cannot write '%s': %s",
						      x->output ? x->output : "<stdout>",
						      strerror(x->out.err)));
	return code;
}
