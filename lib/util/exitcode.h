/*
 * The exit codes every tdk command answers with, as DESIGN.md lists them.
 * Library functions return the same numbers as their status, so that a
 * command can pass a library status straight through to exit().
 */
#ifndef TDK_EXITCODE_H
#define TDK_EXITCODE_H

enum tdk_exit {
	TDK_EXIT_OK       = 0,  /* ok, valid, verified, accepted */
	TDK_EXIT_NEGATIVE = 1,  /* document invalid, signature does not verify, rejected */
	TDK_EXIT_USAGE    = 2,  /* usage error */
	TDK_EXIT_IO       = 3,  /* cannot read or write, or malformed beyond recovery */
	TDK_EXIT_REMOTE   = 4,  /* network or remote failure with unknown outcome */
	TDK_EXIT_TRUST    = 5,  /* key, certificate or trust setup error */
	TDK_EXIT_INTERNAL = 70  /* internal error (out of memory, a bug) */
};

/* The worse of two exit codes: internal beats trust, trust beats remote, and so on down to ok. */
static inline int tdk_exit_worst(int a, int b)
{
	return a > b ? a : b;
}

#endif
