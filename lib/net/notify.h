/*
 * A notification of a single window, as the UK CDS sends it through the
 * Pull Notifications API: a WCO DMS Response (RES-DMS:2), the root or a
 * child of the DocumentMetaData-DMS:2 MetaData wrapper, whose FunctionCode
 * says what happened to the declaration (01 accepted, 03 rejected, 09
 * cleared ...), whose Declaration names the declaration by its LRN
 * (FunctionalReferenceID) and MRN (ID), and whose Error elements say what
 * is wrong in a rejection (ValidationCode and Pointer).
 *
 * The reader checks a notification before anything is believed: its size
 * (at most TDK_NOTIFY_BODY_MAX), that it is XML read through lib/xml (no
 * network, no entities, limits), against its schema when a schema set is
 * given whose catalogs name the DocumentMetaData-DMS:2 or the RES-DMS:2
 * namespace (by the root's namespace; else well-formedness only), the root
 * (MetaData or Response in those namespaces, or without a namespace) and a
 * function code it knows.  A notification that fails any check is
 * malformed: it is reported, never believed, and the caller keeps it.
 *
 * Outcomes have a rank: later steps of a declaration's life rank higher
 * (received < accepted < under control, documents required < released <
 * cleared < goods exited < cancelled < rejected), so that a notification
 * that arrives late (out of order) never replaces a later outcome.  A
 * final outcome ends the declaration's life as far as tdk waits for it.
 *
 * Nothing here prints or exits.  Ownership: struct tdk_notify owns its tree
 * until tdk_notify_release().
 */
#ifndef TDK_NET_NOTIFY_H
#define TDK_NET_NOTIFY_H

#include <stddef.h>

#include "util/diag.h"

/* The largest notification read; a larger one is malformed (NOTIFY-TOO-LARGE). */
#define TDK_NOTIFY_BODY_MAX (1u << 20)
/* The longest LRN and MRN kept. */
#define TDK_NOTIFY_REF_MAX 128

struct tdk_xml_schemas;

/* One notification, read. */
struct tdk_notify {
	char function_code[8];              /* as written: "01", "03" ... */
	const char *outcome;                /* static: tdk_notify_outcome()'s name for it */
	int final;                          /* the outcome is final */
	int rank;                           /* tdk_notify_rank(outcome) */
	char lrn[TDK_NOTIFY_REF_MAX + 1];   /* Declaration/FunctionalReferenceID, or "" */
	char mrn[TDK_NOTIFY_REF_MAX + 1];   /* Declaration/ID, or "" */
	unsigned errors;                    /* the Error elements */
	void *doc;                          /* the tree (an xmlDocPtr), owned */
	void *response;                     /* its Response element (an xmlNodePtr), in doc */
};

/*
 * Reads the notification buf[0..len), reported under name, into n (zeroed
 * first), checking it against its schema through set (NULL: no schema
 * check).  Returns 0, or TDK_EXIT_IO when it is malformed: d has the
 * faults (the reader's own codes NOTIFY-TOO-LARGE, NOTIFY-NOT-XML,
 * NOTIFY-ROOT, NOTIFY-FUNCTION, NOTIFY-INVALID beside those of lib/xml)
 * and why[0..size) a short sentence for the record; or TDK_EXIT_INTERNAL.
 */
int tdk_notify_read(const char *buf, size_t len, const char *name, struct tdk_xml_schemas *set,
		    struct tdk_notify *n, char *why, size_t size, struct tdk_diag *d);

/* Frees the tree of n; n stays readable but for doc and response. */
void tdk_notify_release(struct tdk_notify *n);

/*
 * The outcome of DMS function code fc ("accepted" for "01"), with *final
 * set when it is final; NULL for a code it does not know.  Static strings.
 */
const char *tdk_notify_outcome(const char *fc, int *final);

/*
 * The rank of an outcome word (as tdk_notify_outcome() names them, and
 * "accepted" or "rejected" as a server's answer records them); 0 for NULL
 * or a word it does not know.
 */
int tdk_notify_rank(const char *outcome);

#endif
