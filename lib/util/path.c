/*
 * The shipped data folder, found from the executable first so that a tree
 * installed under one PREFIX and moved to another (a packager's DESTDIR, a
 * tarball unpacked in $HOME) still finds its schemas.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"

#ifndef TDK_DATADIR
#define TDK_DATADIR "/usr/local/share/tdk"
#endif

static char share[PATH_MAX];
static pthread_once_t share_once = PTHREAD_ONCE_INIT;

/* Sets share to the real path of dir/rel when test, below it, exists with the type wanted. */
static int try_dir(const char *dir, const char *rel, const char *test, mode_t type)
{
	char cand[PATH_MAX + 64], real[PATH_MAX];
	struct stat st;
	int n;

	n = snprintf(cand, sizeof(cand), "%s/%s/%s", dir, rel, test);
	if (n < 0 || (size_t)n >= sizeof(cand) || stat(cand, &st) < 0 || (st.st_mode & S_IFMT) != type)
		return 0;
	snprintf(cand, sizeof(cand), "%s/%s", dir, rel);
	if (!realpath(cand, real))
		return 0;
	snprintf(share, sizeof(share), "%s", real);
	return 1;
}

static void find_share(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) && slash != exe) {
			*slash = '\0';
			if (try_dir(exe, "../share/tdk", ".", S_IFDIR) ||
			    try_dir(exe, "../..", "xsd/catalog.xml", S_IFREG))
				return;
		}
	}
	snprintf(share, sizeof(share), "%s", TDK_DATADIR);
}

const char *tdk_share_dir(void)
{
	pthread_once(&share_once, find_share);
	return share;
}

const char *tdk_data_dir(char *buf, size_t n, const char *env, const char *sub)
{
	const char *e = getenv(env);

	if (e && *e)
		snprintf(buf, n, "%s", e);
	else
		snprintf(buf, n, "%s/data/%s", tdk_share_dir(), sub);
	return buf;
}
