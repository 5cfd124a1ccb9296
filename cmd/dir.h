/*
 * The parts of tdk dir(1) that live in files of their own.
 */
#ifndef TDK_CMD_DIR_H
#define TDK_CMD_DIR_H

#include "cmd.h"

/* The emit callback of dir's diagnostics: text lines on ctx->err; arg is the struct tdk_ctx. */
void tdk_dir_report_diag(void *arg, const struct tdk_diag_item *it);

/*
 * `tdk dir install SOURCE`: SOURCE is a release zip as UNECE publishes it or
 * a folder holding a release's files (zipped or not), and must load as a
 * release (tdk_dir_load) before anything is written.  A zip is copied to the
 * user's data directory as dYYx.zip, a folder as the folder dYYx/ (copied to
 * a temporary folder beside it, then renamed into place); the other form of
 * the same release is removed, so that one of them is found.  Reports on
 * ctx->err; returns a TDK_EXIT_* code.
 */
int tdk_dir_install(struct tdk_ctx *ctx, const char *source);

#endif
