/*
 * tdk's XSLT extension functions, in namespace urn:tdk:xslt:1 (prefix tdk
 * by custom), for the stylesheets that `tdk map` runs (tdk-map(1),
 * EXTENSION FUNCTIONS):
 *
 *   tdk:code(list, value)      the canonical code of value in list ('country',
 *                              'currency', 'unit', 'package'; lib/wco/codes.h),
 *                              '' when value is no code of it;
 *   tdk:date(value, to)        value rewritten to EDIFACT format code to (102,
 *                              203, 204, 304; lib/wco/norm.h), '' when unreadable;
 *   tdk:number(value)          value as an XML Schema decimal, '' when not a number;
 *   tdk:uncl(release, element, code)
 *                              the name of a UNCL code in an installed UNTDID
 *                              release, '' when unknown;
 *   tdk:unmapped(nodes, reason)
 *                              '' ; a warning MAP-UNMAPPED per node at its
 *                              position (an error under strict).
 *
 * The code lists are loaded on first use and shared by every run (and
 * thread) of one struct tdk_wco_xslt; each run carries a struct
 * tdk_wco_xslt_doc with the diagnostics of its document.
 */
#ifndef TDK_WCO_XSLT_EXT_H
#define TDK_WCO_XSLT_EXT_H

#include <pthread.h>

#include "util/diag.h"
#include "wco/codes.h"

#define TDK_XSLT_EXT_NS "urn:tdk:xslt:1"

struct tdk_dir_set;

/* What every run shares: the code lists as loaded, the releases. */
struct tdk_wco_xslt {
	struct tdk_codes lists[4];  /* by enum tdk_codes_list */
	int state[4];               /* 0: not read yet, 1: loaded, -1: cannot be read */
	pthread_mutex_t lock;
	struct tdk_dir_set *dirs;   /* where tdk:uncl finds releases; borrowed, may be NULL */
};

/* One document's run. */
struct tdk_wco_xslt_doc {
	struct tdk_wco_xslt *shared;
	struct tdk_diag *d;         /* the document's diagnostics; borrowed */
	int strict;                 /* MAP-UNMAPPED is an error, not a warning */
	unsigned long unmapped;     /* how many nodes tdk:unmapped reported */
	unsigned failed;            /* bit per list: its failure to load was said */
};

/* Sets x up with no list read yet; dirs may be NULL (tdk:uncl then answers ''). */
void tdk_wco_xslt_init(struct tdk_wco_xslt *x, struct tdk_dir_set *dirs);
void tdk_wco_xslt_release(struct tdk_wco_xslt *x);

/*
 * Registers the functions with libxslt for the whole process (once; later
 * calls do nothing).  A function run outside a tdk_wco_xslt_setup context
 * answers ''.
 */
void tdk_wco_xslt_register(void);

/*
 * The setup hook of struct tdk_xslt_run (xml/xslt.h): arg is a struct
 * tdk_wco_xslt_doc, which must outlive the run; tctxt the transformation
 * context, whose _private it takes.
 */
void tdk_wco_xslt_setup(void *arg, void *tctxt);

#endif
