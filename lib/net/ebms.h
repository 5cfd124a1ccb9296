/*
 * ebMS 3 message headers (OASIS ebMS 3.0 Core, the AS4 profile): the
 * eb:Messaging header of a SOAP 1.1 or 1.2 envelope, read and checked
 * against the rules of the core specification, section 5.2 (ebms.c,
 * ebms-check.c); checked against the ebMS 3 header XSD through lib/xml's
 * validator; built from tdk's P-Mode settings (ebms-build.c): a UserMessage,
 * a Receipt signal with its non-repudiation information, an Error signal;
 * and P-Modes of other products (Holodeck B2B, Domibus) read into those
 * settings (ebms-pmode.c).
 *
 * Every document is parsed through lib/xml's tree reader (no network, no
 * entities, the limits of struct tdk_xml_limits).  Every fault is an
 * EBMS-* (or PMODE-*) diagnostic in a caller-owned struct tdk_diag naming
 * the element; nothing here prints or exits.
 */
#ifndef TDK_NET_EBMS_H
#define TDK_NET_EBMS_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

struct tdk_endpoint;
struct tdk_xml_schemas;

/* The ebMS 3 core namespace. */
#define TDK_EBMS_NS "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"

/* Limits of one message; past them the reader stops with EBMS-LIMIT. */
#define TDK_EBMS_MAX_SIZE     (4 * 1024 * 1024)  /* bytes of one SOAP envelope */
#define TDK_EBMS_MAX_PARTS    64   /* PartInfo elements of one UserMessage */
#define TDK_EBMS_MAX_PROPS    64   /* MessageProperties, or PartProperties of one part */
#define TDK_EBMS_MAX_REFS     256  /* MessagePartNRInformation of one Receipt */
#define TDK_EBMS_MAX_ERRORS   64   /* Error elements of one SignalMessage */

/* A name/value pair (a Property); values are owned by the message. */
struct tdk_ebms_prop {
	char *name, *type, *value;
};

/* One eb:PartInfo: its href (NULL: the SOAP Body) and its PartProperties. */
struct tdk_ebms_part {
	char *href;
	char *mime_type, *compression;  /* the MimeType and CompressionType properties, or NULL */
	struct tdk_ebms_prop props[TDK_EBMS_MAX_PROPS];
	size_t nprops;
};

/* The first PartyId of From or To with its type, and the Role. */
struct tdk_ebms_party {
	char *id, *type, *role;
};

/* The parts of a UserMessage tdk reads; every string is owned, NULL when absent. */
struct tdk_ebms_user {
	char *timestamp, *message_id, *ref_to, *mpc;
	struct tdk_ebms_party from, to;
	char *agreement, *agreement_type, *agreement_pmode;
	char *service, *service_type, *action, *conversation_id;
	struct tdk_ebms_prop props[TDK_EBMS_MAX_PROPS];
	size_t nprops;
	struct tdk_ebms_part parts[TDK_EBMS_MAX_PARTS];
	size_t nparts;
};

/*
 * One ebbpsig:MessagePartNRInformation: a ds:Reference's URI and digest; and,
 * for a reference of a received signature, its ds:Transforms element
 * serialised with the namespaces it uses (NULL when it has none), which a
 * Receipt built from it copies.
 */
struct tdk_ebms_ref {
	char *uri, *digest_method, *digest_value;
	char *transforms;
};

/* One eb:Error of a SignalMessage. */
struct tdk_ebms_error {
	char *code, *severity, *category, *origin, *ref_in_error, *short_desc, *detail;
};

/* A SignalMessage: a Receipt (with its NRI references), Errors or a PullRequest. */
struct tdk_ebms_signal {
	char *timestamp, *message_id, *ref_to;
	int receipt;                    /* 1: has an eb:Receipt */
	int nri;                        /* 1: the Receipt holds ebbp:NonRepudiationInformation */
	int pull;                       /* 1: has an eb:PullRequest */
	char *pull_mpc;
	struct tdk_ebms_ref refs[TDK_EBMS_MAX_REFS];
	size_t nrefs;
	struct tdk_ebms_error errors[TDK_EBMS_MAX_ERRORS];
	size_t nerrors;
};

/* A read eb:Messaging header: the first UserMessage and the first SignalMessage. */
struct tdk_ebms_msg {
	int soap12;                     /* 1: SOAP 1.2, 0: SOAP 1.1 */
	int has_user, has_signal;
	struct tdk_ebms_user user;
	struct tdk_ebms_signal signal;
	/* The ds:References of the wsse:Security header's ds:Signature, for a Receipt's NRI. */
	struct tdk_ebms_ref sig_refs[TDK_EBMS_MAX_REFS];
	size_t nsig_refs;
};

/* Sets m up empty. */
void tdk_ebms_msg_init(struct tdk_ebms_msg *m);

/* Frees every string of m and sets it up empty again. */
void tdk_ebms_msg_release(struct tdk_ebms_msg *m);

/*
 * Reads the SOAP envelope buf[0..len) (name: the name diagnostics carry)
 * into m (set up with tdk_ebms_msg_init) and checks its eb:Messaging header
 * against ebMS 3 core section 5.2: EBMS-XML (not well-formed), EBMS-SOAP,
 * EBMS-NO-MESSAGING, EBMS-TWO-MESSAGING, EBMS-MISSING (a required element or
 * attribute, named), EBMS-TIMESTAMP, EBMS-HREF, EBMS-ERROR-CODE,
 * EBMS-SEVERITY, EBMS-RECEIPT, EBMS-SIGNAL, EBMS-TWO-USER, EBMS-LIMIT, and
 * the warning EBMS-EMPTY.  The references of the message's WS-Security
 * signature, if any, are kept in m->sig_refs (read, not verified).  Returns TDK_EXIT_OK, TDK_EXIT_NEGATIVE after a
 * fault (m holds what could be read), or TDK_EXIT_INTERNAL.
 */
int tdk_ebms_read(const char *buf, size_t len, const char *name, struct tdk_ebms_msg *m, struct tdk_diag *d);

/*
 * The same for an envelope already parsed (by lib/xml's tree reader): reads
 * doc's eb:Messaging header into m with the checks and diagnostics of
 * tdk_ebms_read, less EBMS-XML.  doc is left as it is.  Returns TDK_EXIT_OK,
 * TDK_EXIT_NEGATIVE or TDK_EXIT_INTERNAL.
 */
struct _xmlDoc;
int tdk_ebms_read_doc(struct _xmlDoc *doc, struct tdk_ebms_msg *m, struct tdk_diag *d);

/*
 * Whether buf[0..len) is a SOAP envelope whose Header holds an eb:Messaging
 * element: 1 yes, 0 no (not XML, another document), without diagnostics.
 */
int tdk_ebms_is_message(const char *buf, size_t len);

/*
 * Validates the envelope buf[0..len) against the compiled schema of the file
 * schema (an XSD that imports the ebMS 3 header XSD and a schema of the xml:
 * namespace, since the OASIS XSD imports it without a location), found and
 * compiled through set (its catalogs and cache).  The SOAP Header's content
 * is lax, so eb:Messaging gets full validation.  Faults are lib/xml's
 * XML-XSD diagnostics in d.  Returns TDK_EXIT_OK (valid), TDK_EXIT_NEGATIVE,
 * TDK_EXIT_IO (the schema cannot be read or compiled) or TDK_EXIT_INTERNAL.
 */
int tdk_ebms_validate(const char *buf, size_t len, const char *name, struct tdk_xml_schemas *set,
		      const char *schema, struct tdk_diag *d);

/* ---- Building (ebms-build.c) ---- */

/* One payload of a UserMessage to build: its Content-ID (without "cid:") and MIME type. */
struct tdk_ebms_payload {
	const char *content_id;
	const char *mime_type;
	int compressed;                 /* 1: CompressionType application/gzip */
};

/*
 * Writes into id[0..n) a fresh message id in RFC 2822 msg-id form without
 * the angle brackets: a random UUID, '@' and host.  Returns 0, or -1 (no
 * randomness, or n too small: 38 bytes and the host).
 */
int tdk_ebms_message_id(const char *host, char *id, size_t n);

/*
 * Appends to out a SOAP 1.2 envelope whose eb:Messaging header holds a
 * UserMessage made from the as4 settings of ep (from-party, from-role,
 * to-party, to-role, service, action, agreement, mpc), the message id id,
 * the UTC time now (seconds since the epoch) and a PartInfo for each of the
 * n payloads; the Body is empty.  A missing setting is an EBMS-SETTING error
 * naming the key.  Returns TDK_EXIT_OK, TDK_EXIT_USAGE or TDK_EXIT_INTERNAL.
 */
int tdk_ebms_build_user(const struct tdk_endpoint *ep, const char *id, long long now,
			const struct tdk_ebms_payload *p, size_t n, struct tdk_buf *out, struct tdk_diag *d);

/*
 * Appends to out a SOAP 1.2 envelope holding a Receipt signal (message id
 * id, time now) for the received UserMessage m, with one
 * MessagePartNRInformation for each of the nrefs references (the received
 * message's ds:References: their URI, ds:Transforms, digest method and value).  Returns
 * TDK_EXIT_OK, TDK_EXIT_USAGE (m has no UserMessage) or TDK_EXIT_INTERNAL.
 */
int tdk_ebms_build_receipt(const struct tdk_ebms_msg *m, const struct tdk_ebms_ref *refs, size_t nrefs,
			   const char *id, long long now, struct tdk_buf *out, struct tdk_diag *d);

/*
 * Appends to out a SOAP 1.2 envelope holding an Error signal with the code
 * code ("EBMS:0004"), its severity, category and short description from the
 * table of the core specification and the AS4 profile, ref_to (the message
 * in error, or NULL) and detail (ErrorDetail, or NULL).  An unknown code is
 * EBMS-ERROR-CODE.  Returns TDK_EXIT_OK, TDK_EXIT_USAGE or TDK_EXIT_INTERNAL.
 */
int tdk_ebms_build_error(const char *code, const char *ref_to, const char *detail, const char *id,
			 long long now, struct tdk_buf *out, struct tdk_diag *d);

/*
 * The short description, severity ("failure" or "warning") and category of
 * the ebMS error code code, or 0 when the core specification and the AS4
 * profile do not define it.
 */
int tdk_ebms_error_lookup(const char *code, const char **desc, const char **severity, const char **category);

/* ---- P-Modes of other products (ebms-pmode.c) ---- */

/* The as4 settings a P-Mode maps to: the endpoint keys from-party .. mpc, and url. */
enum { TDK_PMODE_URL, TDK_PMODE_FROM_PARTY, TDK_PMODE_FROM_ROLE, TDK_PMODE_TO_PARTY, TDK_PMODE_TO_ROLE,
       TDK_PMODE_SERVICE, TDK_PMODE_ACTION, TDK_PMODE_AGREEMENT, TDK_PMODE_MPC, TDK_PMODE_NKEYS };

/* One P-Mode read: its name and the settings (owned; NULL when the P-Mode leaves one unset). */
struct tdk_pmode {
	char *name;
	char *value[TDK_PMODE_NKEYS];
};


struct tdk_pmodes {
	struct tdk_pmode *p;         /* owned, grown as P-Modes are read */
	size_t n;
};

void tdk_pmodes_init(struct tdk_pmodes *ps);
void tdk_pmodes_release(struct tdk_pmodes *ps);

/* The endpoints-file key of setting k ("from-party" ...). */
const char *tdk_pmode_key(int k);

/*
 * Reads a Holodeck B2B P-Mode (root PMode) or a Domibus configuration (root
 * configuration: its parties, processes and legs, one P-Mode per leg of a
 * process for each initiator and responder pair) from buf[0..len) into ps.
 * A setting tdk needs that the file does not give, or a feature tdk lacks
 * (a pulling MEP, a two-way MEP, reliability, a party without an id), is a
 * PMODE-UNSUPPORTED or PMODE-MISSING error naming it; PMODE-XML, PMODE-ROOT
 * (neither product's root) and PMODE-REF (a leg naming what the file does
 * not define).  Returns TDK_EXIT_OK, TDK_EXIT_NEGATIVE (refused) or
 * TDK_EXIT_INTERNAL.
 */
int tdk_pmode_read(const char *buf, size_t len, const char *name, struct tdk_pmodes *ps, struct tdk_diag *d);

/* Appends P-Mode p to out as an endpoints-file section: "[name]", "profile = as4" and its settings. */
int tdk_pmode_print(const struct tdk_pmode *p, struct tdk_buf *out);

#endif
