/*
 * The inside of tdk submit, shared by cmd/submit.c (documents),
 * cmd/submit-dossier.c (ASiC-E dossiers: the declaration, then the other
 * documents through the file-upload flow) and cmd/submit-as2.c (profile as2).
 */
#ifndef TDK_CMD_SUBMIT_H
#define TDK_CMD_SUBMIT_H

#include <pthread.h>

#include "run.h"
#include "validate.h"
#include "net/auth.h"
#include "net/journal.h"
#include "net/rest.h"
#include "sign/sign.h"

/* The largest document (or dossier) sent. */
#define SUBMIT_DOC_MAX ((size_t)64 << 20)
/* The most errors of a 400 kept in the journal's detail. */
#define SUBMIT_DETAIL_MAX 4096

struct submit_opts {
	const char *endpoint, *endpoints, *journal;
	int no_validate, resend;
};

/* One worker's connection and journal handle; taken by one document at a time. */
struct submit_slot {
	int busy, ready;
	struct tdk_http http;
	struct tdk_journal *j;       /* the process's one journal (struct submit's), borrowed */
};

struct submit {
	struct submit_opts o;
	const struct tdk_endpoint *e;
	struct tdk_auth auth;
	struct tdk_validate_xml xv;
	pthread_mutex_t mu;
	pthread_mutex_t jmu;         /* opening j */
	struct tdk_journal *j;       /* shared by the workers: their writes are committed in groups */
	struct submit_slot *slots;
	size_t nslots;
	struct submit_as2 *as2;      /* profile as2: the key and the partner's certificate; else NULL */
	struct submit_as4 *as4;      /* profile as4: the same; else NULL */
};

/* Where a declaration stands once submit_send() has sent it or found it held. */
struct submit_sent {
	char state[16];                      /* the journal's state: accepted, rejected, unknown, queued, final */
	char outcome[32];                    /* the final outcome, or "" */
	char lrn[TDK_REST_LRN_MAX + 1];      /* "" when none */
	char mrn[40];                        /* the MRN a notification gave, or "" */
};

/*
 * Validates body (the document doc, or a member of it named name) as `tdk
 * validate` would.  Returns 0 when it may be sent, else its status.
 */
int submit_check(struct submit *s, struct tdk_doc *doc, const char *name, const struct tdk_buf *body);

/*
 * A free worker with its connection and journal ready, into *slp; give it
 * back with submit_give().  Returns 0 or the document's status (said).
 */
int submit_take(struct submit *s, struct tdk_doc *doc, struct submit_slot **slp);
void submit_give(struct submit *s, struct submit_slot *sl);

/*
 * Journals, sends and records body, named name in the journal (doc->name
 * for a document): the one way a declaration is sent.  Fills out (may be
 * NULL).  Returns the document's status.
 */
int submit_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const char *name,
		const struct tdk_buf *body, struct submit_sent *out);

/*
 * Claims the document jd in the journal (with --resend, claims it again:
 * SUBMIT-RESEND).  Returns TDK_JOURNAL_MINE with row the sending row,
 * TDK_JOURNAL_HELD with row its last row, or an exit code.
 */
int submit_claim(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_journal_doc *jd,
		 struct tdk_journal_row *row);

/* The verdict of a document the journal already holds (SUBMIT-HELD); returns its status. */
int submit_held(struct tdk_doc *doc, const struct tdk_journal_row *row);

/* Adds ,"k":"v" to the document's JSON verdict (nothing when v is NULL). */
void submit_json_key(struct tdk_doc *doc, const char *k, const char *v);

/* Whether body starts as a ZIP archive (a dossier) does. */
int submit_is_dossier(const struct tdk_buf *body);

/*
 * Submits the dossier read into body (cmd/submit-dossier.c).  Returns the
 * document's status: the worst of the declaration's and the uploads'.
 */
int submit_dossier(struct submit *s, struct tdk_doc *doc, const struct tdk_buf *body);

/* The key of an as2 or as4 endpoint and its partner's certificate (X509 *), loaded once per process. */
struct submit_keys {
	struct tdk_signer signer;
	int signer_loaded, lib;
	void *partner;
};

/*
 * Loads into k (zeroed) the key of e (key, its passphrase from
 * key-passphrase-file, -fd or -env) and its partner-cert, both valid now;
 * the diagnostics are SUBMIT-AS2-KEY and SUBMIT-AS2-CERT, or with as4 set
 * SUBMIT-AS4-KEY and SUBMIT-AS4-CERT.
 * Returns 0; TDK_EXIT_IO for a file that cannot be read; TDK_EXIT_TRUST
 * for a key or certificate refused; TDK_EXIT_INTERNAL.  k is released with
 * submit_keys_release whatever happened.
 */
int submit_keys_load(struct submit_keys *k, const struct tdk_endpoints *eps, const struct tdk_endpoint *e,
		     int as4, struct tdk_diag *d);
void submit_keys_release(struct submit_keys *k);

/* How one message profile (as2, as4) makes, claims and sends a message, for submit_msg_send(). */
struct submit_msg {
	const char *profile;     /* "as2" or "as4", the journal's */
	const char *id_name;     /* what the profile calls its message id: "Message-ID", "MessageId" */
	const char *type;        /* the payload's MIME type */
	/* A new message id into out[0..n); returns 0 or -1. */
	int (*make_id)(const struct submit *s, char *out, size_t n);
	/* Claims jd: as submit_claim(), which it may be. */
	int (*claim)(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_journal_doc *jd,
		     struct tdk_journal_row *row);
	/* Sends body as row->message_id, records and reports the end; returns the document's status. */
	int (*post)(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body,
		    const char *type, const struct tdk_journal_row *row);
};

/*
 * Sends body as one message of profile m: validated when it is XML (unless
 * --no-validate), hashed, given a new message id, claimed in the journal
 * (the begin row fixes the id before the first send; a resend takes the
 * one the journal holds), reported held when the journal holds it, else
 * posted.  Returns the document's status.
 */
int submit_msg_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body,
		    const struct submit_msg *m);

/*
 * Records the answer a to a send of submission sub, or, when a->state is
 * NULL (the request did not reach the partner), puts it back to queued
 * with a->detail as the reason.  Returns 0, or the document's status after
 * saying why.
 */
int submit_msg_record(struct submit_slot *sl, struct tdk_doc *doc, int64_t sub, const struct tdk_journal_answer *a);

/* This host's name as the right side of a msg-id (RFC 5322 dot-atom-text), or "tdk", into out[0..n). */
void submit_id_host(char *out, size_t n);

/*
 * The MIME type a document travels as in an as2 or as4 message: XML
 * application/xml, EDIFACT
 * application/EDIFACT (RFC 1767), anything else application/octet-stream.
 */
const char *submit_payload_type(const struct tdk_buf *b);

#endif
