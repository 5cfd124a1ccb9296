/*
 * Directory validation: every message checked against its UNTDID release
 * (segment table, segments, composites, data elements, code lists), as a
 * sink behind the envelope layer.  Releases come from a tdk_dir_set, loaded
 * on first use; a release that is not installed is a warning, once, and its
 * messages are checked at the syntax level only.
 */
#ifndef TDK_EDI_DIRVAL_H
#define TDK_EDI_DIRVAL_H

#include "edi/dir.h"
#include "edi/edi.h"

struct tdk_edi_dirval;

/* Returns a new validator reporting to d, or NULL without memory; free with tdk_edi_dirval_free(). */
struct tdk_edi_dirval *tdk_edi_dirval_new(struct tdk_dir_set *set, struct tdk_diag *d);
void tdk_edi_dirval_free(struct tdk_edi_dirval *v);

struct tdk_edi_mig;

/*
 * How many messages so far were checked at the syntax level only (their
 * release is not installed, or their UNH names no UNTDID release), and in
 * *why (when why is not NULL) a short reason for the first of them, e.g.
 * "release D03B is not installed" or "UNH names no UNTDID release
 * ('1:921:EN')"; *why is owned by v (NULL when the count is 0).
 */
unsigned long tdk_edi_dirval_partial(const struct tdk_edi_dirval *v, const char **why);

/* Applies an overlay (borrowed; NULL for none) on top of the directory, from the next message on. */
void tdk_edi_dirval_mig(struct tdk_edi_dirval *v, const struct tdk_edi_mig *mig);

/* The events, as a sink would get them. */
void tdk_edi_dirval_interchange(struct tdk_edi_dirval *v, const struct tdk_edi_ich *ich);
void tdk_edi_dirval_segment(struct tdk_edi_dirval *v, const struct tdk_edi_seg *seg);
void tdk_edi_dirval_message_end(struct tdk_edi_dirval *v);

/* Fills sink with callbacks that feed v. */
void tdk_edi_dirval_sink(struct tdk_edi_dirval *v, struct tdk_edi_sink *sink);

#endif
