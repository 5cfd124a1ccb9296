/*
 * Where tdk finds the data it ships (the XML schemas and their catalog, the
 * UNTDID releases installed system-wide), wherever the tree was installed.
 */
#ifndef TDK_PATH_H
#define TDK_PATH_H

#include <stddef.h>

/*
 * The folder of tdk's shipped data, without a trailing slash, found once per
 * process and then kept:
 *   1. BINDIR/../share/tdk beside the running executable (/proc/self/exe)
 *      when that folder exists, so that an installed tree works wherever it
 *      was installed or moved (make install PREFIX=... DESTDIR=...);
 *   2. the source tree, when the executable is build/FLAVOUR/tdk in it (the
 *      tree holds xsd/catalog.xml);
 *   3. otherwise the compiled data folder, TDK_DATADIR (DATADIR/tdk).
 * Under it, xsd/catalog.xml is the shipped catalog and directories/ the
 * system-wide UNTDID releases.  The string is static: the caller never frees
 * it.  Safe to call from several threads.
 */
const char *tdk_share_dir(void);

/*
 * A folder of shipped data: the environment variable env when it is set and
 * not empty (tests, other layouts), else tdk_share_dir() + "/data/" + sub.
 * Writes it into buf[0..n) and returns buf.
 */
const char *tdk_data_dir(char *buf, size_t n, const char *env, const char *sub);

#endif
