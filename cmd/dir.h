/*
 * The parts of tdk dir(1) that live in files of their own.
 */
#ifndef TDK_CMD_DIR_H
#define TDK_CMD_DIR_H

#include "cmd.h"
#include "edi/dir.h"

/* The emit callback of dir's diagnostics: text lines on ctx->err; arg is the struct tdk_ctx. */
void tdk_dir_report_diag(void *arg, const struct tdk_diag_item *it);

/*
 * Opens release arg (any spelling tdk_dir_release_name() takes) from the
 * search path, or from directory when it is not NULL (-D), into set, which
 * is set up here whatever happens and which the caller releases with
 * tdk_dir_set_release(); *dir is owned by the set.  Reports on ctx->err as
 * "tdk CMD: ...", with how to install a release that is missing.  Returns 0,
 * TDK_EXIT_USAGE for a name that is no release, TDK_EXIT_IO when it is not
 * installed, or what loading it returned.
 */
int tdk_dir_open_release(struct tdk_ctx *ctx, const char *cmd, struct tdk_dir_set *set, const char *directory,
			 int no_cache, const char *arg, struct tdk_dir **dir);

/*
 * A release's code list by its data element tag ("1001"), the service code
 * lists (UNSL) included, which have no data element in the release's EDED;
 * NULL when it has none.
 */
const struct tdk_dir_codelist *tdk_dir_code_list(const struct tdk_dir *d, const char *tag);

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
