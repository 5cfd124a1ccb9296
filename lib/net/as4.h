/*
 * eDelivery AS4 messages (OASIS ebMS 3.0 Core, the AS4 profile 1.0 and the
 * eDelivery AS4 profile 1.x): a UserMessage built from an endpoint's P-Mode
 * with its payloads as SOAP with Attachments parts (as4.c), serialised as
 * multipart/related (RFC 2387) through lib/net/mime.h; a received message
 * read back into its envelope and attachments, the eb:PartInfo references
 * matched to the MIME parts (as4-read.c); the AS4 profile's compression
 * feature (gzip, section 3.1 of the AS4 profile) applied and undone with a
 * bounded output; a Receipt's non-repudiation information checked against
 * the signature of the message it answers, and an Error signal turned into
 * diagnostics (as4-nri.c).
 *
 * The order of the security steps is the caller's: it signs and encrypts
 * (lib/net/wss.h) between tdk_as4_build and tdk_as4_serialise, and it
 * verifies and decrypts between tdk_as4_read and tdk_as4_decompress, so the
 * attachments stay plain byte arrays in between.  Every fault is an AS4-*
 * diagnostic (or an EBMS-* one of lib/net/ebms.h for the header, MIME-* of
 * lib/net/mime.h for the packaging) in a caller-owned struct tdk_diag; the
 * faults of a received message also give the ebMS error code (ebMS 3 core
 * section 6.7.1, the AS4 profile) that a receiver answers with.  Nothing
 * here prints or exits.
 */
#ifndef TDK_NET_AS4_H
#define TDK_NET_AS4_H

#include <stddef.h>

#include <libxml/tree.h>

#include "net/ebms.h"
#include "util/buf.h"
#include "util/diag.h"

struct tdk_endpoint;

/* Limits of one message. */
#define TDK_AS4_MAX_ATTACHMENTS 64                 /* attachments of one message (ebms.h: PartInfo) */
#define TDK_AS4_MAX_PAYLOAD     (64u * 1024u * 1024u) /* bytes of one payload, decompressed */
#define TDK_AS4_MAX_MESSAGE     (256u * 1024u * 1024u) /* bytes of a serialised message */

/* One payload to send: a name for diagnostics, its MIME type and bytes (borrowed). */
struct tdk_as4_payload {
	const char *name;
	const char *type;
	const void *bytes;
	size_t len;
};

/*
 * One attachment of a message, owned by the message: its Content-ID without
 * "cid:" or angle brackets, the MIME type of the part as it travels
 * ("application/octet-stream" for a compressed part), its bytes; for a part
 * whose PartInfo says CompressionType application/gzip, compressed is 1 and
 * mime_type is the MimeType part property that tdk_as4_decompress restores.
 */
struct tdk_as4_att {
	char *cid;
	char *type;
	unsigned char *bytes;
	size_t len;
	int compressed;
	char *mime_type;
};

/*
 * A message: the SOAP envelope (IDs registered as lib/xml's tree reader
 * does, so that WS-Security references resolve) and its attachments, in
 * the order of the PartInfo elements.  message_id is the eb:MessageId of a
 * built message.  ebms_code is the ebMS error code (static) of the first
 * fault tdk_as4_read or tdk_as4_decompress found, or NULL.
 */
struct tdk_as4_msg {
	xmlDocPtr env;
	struct tdk_as4_att *att;
	size_t natt;
	char *message_id;
	const char *ebms_code;
};

/* Sets m up empty. */
void tdk_as4_msg_init(struct tdk_as4_msg *m);

/* Frees the envelope, every attachment and the message id of m, and sets it up empty again. */
void tdk_as4_msg_release(struct tdk_as4_msg *m);

/*
 * Builds into m (set up with tdk_as4_msg_init) a UserMessage from the as4
 * settings of ep (lib/net/ebms.h tdk_ebms_build_user: from-party, from-role,
 * to-party, to-role, service, action, agreement, mpc), with the MessageId
 * id or, when id is NULL, a fresh one (ebMS 3 core 5.2.2.1: an RFC 2822
 * msg-id without its angle brackets, a random UUID at this host's name), the
 * UTC time now, and one attachment with a PartInfo (href "cid:...",
 * PartProperties MimeType, and CompressionType application/gzip when
 * compress is set: the payload is then gzip-compressed) for each of the n
 * payloads; the SOAP 1.2 Body is empty.  Returns TDK_EXIT_OK;
 * TDK_EXIT_USAGE with EBMS-SETTING (a setting missing, a payload type with
 * a line break or a quote) or AS4-LIMIT (too
 * many or too large payloads); TDK_EXIT_INTERNAL (no randomness, memory).
 */
int tdk_as4_build(const struct tdk_endpoint *ep, const struct tdk_as4_payload *p, size_t n, const char *id,
		  int compress, long long now, struct tdk_as4_msg *m, struct tdk_diag *d);

/*
 * Serialises m into body (reset first) and sets ctype (reset first) to the
 * HTTP Content-Type that goes with it: a message with attachments as
 * multipart/related; type="application/soap+xml"; start="<...>" (SOAP with
 * Attachments: the envelope first, each attachment with its Content-ID and
 * Content-Type, binary transfer encoding); a message without attachments
 * (a signal) as application/soap+xml alone.  Returns TDK_EXIT_OK, or
 * TDK_EXIT_INTERNAL with the MIME-* diagnostic of tdk_mime_write or
 * AS4-LIMIT (body or ctype full).
 */
int tdk_as4_serialise(const struct tdk_as4_msg *m, struct tdk_buf *body, struct tdk_buf *ctype,
		      struct tdk_diag *d);

/*
 * Reads a received message into m (set up with tdk_as4_msg_init) and its
 * ebMS header into hdr (set up with tdk_ebms_msg_init): content_type is the
 * HTTP Content-Type and body[0..len) the HTTP body, or content_type is NULL
 * and body is a whole MIME entity with its header fields (a stored
 * message).  name is what diagnostics carry.  The envelope is the body of an
 * application/soap+xml (or text/xml) message, or the root part of a
 * multipart/related one (RFC 2387 start); each other part is an attachment
 * by its Content-ID, decoded from its transfer encoding; the eb:Messaging
 * header is read and checked by tdk_ebms_read_doc; each eb:PartInfo href
 * "cid:..." is matched to an attachment, and the attachments are put in
 * the order of the PartInfo elements.  Faults, with the ebMS code a
 * receiver answers with in m->ebms_code and at the head of the message:
 * AS4-MIME (EBMS:0007 MimeInconsistency: a MIME fault, a root part that is
 * no SOAP envelope, a part without Content-ID, two parts with one
 * Content-ID), AS4-ENVELOPE (EBMS:0009 InvalidHeader: the envelope not
 * well-formed or no ebMS header; the EBMS-* diagnostics say which),
 * AS4-MISSING-PART and AS4-EXTRA-PART (EBMS:0011 ExternalPayloadError: a
 * PartInfo naming no part, a part no PartInfo names), AS4-PART-TWICE and
 * AS4-COMPRESSION (EBMS:0003 ValueInconsistent: two PartInfo naming one
 * part; a CompressionType other than application/gzip, or one without a
 * MimeType), AS4-LIMIT.  Returns TDK_EXIT_OK, TDK_EXIT_NEGATIVE after a
 * fault (m and hdr hold what could be read) or TDK_EXIT_INTERNAL.
 */
int tdk_as4_read(const char *content_type, const char *body, size_t len, const char *name,
		 struct tdk_as4_msg *m, struct tdk_ebms_msg *hdr, struct tdk_diag *d);

/*
 * Decompresses, in place, each attachment of m read with compressed set
 * (after the caller has verified and decrypted it), within max bytes of
 * output each (0: TDK_AS4_MAX_PAYLOAD), and gives it back its MimeType
 * part property as its type.  A stream that is no gzip, is corrupt, is
 * truncated, or inflates past max (a compression bomb: inflation stops
 * there) is AS4-DECOMPRESS with EBMS:0303 DecompressionFailure in
 * m->ebms_code, and that attachment is left as it was.  Returns TDK_EXIT_OK,
 * TDK_EXIT_NEGATIVE or TDK_EXIT_INTERNAL.
 */
int tdk_as4_decompress(struct tdk_as4_msg *m, size_t max, struct tdk_diag *d);

/*
 * gzip (RFC 1952) of in[0..n) appended to out: returns 0, or -1 when out is
 * full or zlib fails.  tdk_as4_gunzip appends the inflated bytes of a gzip
 * stream to out, stopping with -2 when they would pass max, with -1 when the
 * stream is not gzip, corrupt or truncated, or has bytes after its end.
 */
int tdk_as4_gzip(const void *in, size_t n, struct tdk_buf *out);
int tdk_as4_gunzip(const void *in, size_t n, size_t max, struct tdk_buf *out);

/*
 * The sender's check of a Receipt (AS4 profile, non-repudiation of receipt:
 * ebbp:NonRepudiationInformation): receipt is the answer's envelope, sent
 * the signed envelope that was sent, sent_id its eb:MessageId.  The receipt
 * must answer sent_id (its RefToMessageId), and its MessagePartNRInformation
 * must hold exactly the ds:References of the sent message's WS-Security
 * signature: each with the same URI, DigestMethod and DigestValue, and
 * nothing else.  Faults: AS4-NRI-OTHER-MESSAGE (RefToMessageId is another
 * message's), AS4-NRI-NONE (no Receipt with non-repudiation information),
 * AS4-NRI-MISSING-REF (a signed reference the receipt does not name),
 * AS4-NRI-DIGEST (a reference whose digest or digest method differs),
 * AS4-NRI-EXTRA-REF (a reference the sender did not sign, or one named
 * twice), AS4-NRI-UNSIGNED (the sent message has no signature, so there is
 * nothing to check against), the Error signal's AS4-ERROR and the EBMS-*
 * faults of the receipt's header.  Neither signature is verified here (the
 * caller verifies the receipt's with lib/net/wss.h).  Returns TDK_EXIT_OK,
 * TDK_EXIT_NEGATIVE or TDK_EXIT_INTERNAL.
 */
int tdk_as4_receipt_check(xmlDocPtr receipt, xmlDocPtr sent, const char *sent_id, struct tdk_diag *d);

/*
 * Turns each eb:Error of the signal in hdr into a diagnostic whose message
 * starts with its ebMS code and short description ("EBMS:0004 Other: ...")
 * and goes on with its ErrorDetail and the message in error: an error
 * AS4-ERROR for severity failure, a warning AS4-WARNING for severity
 * warning.  Returns TDK_EXIT_NEGATIVE when one is a failure, else
 * TDK_EXIT_OK (also for a signal with no Error).
 */
int tdk_as4_signal_errors(const struct tdk_ebms_msg *hdr, struct tdk_diag *d);

/* ---- The receiver's composition (as4-open.c) ---- */

struct tdk_signer;
struct tdk_trust;
struct tdk_wss_attachment;

/*
 * The attachments of m as lib/net/wss.h takes them: fills a[0..n) (room for
 * TDK_WSS_MAX_ATTACHMENTS) with views that borrow m's Content-IDs, types
 * and bytes, and returns n (m->natt, at most TDK_WSS_MAX_ATTACHMENTS).
 */
size_t tdk_as4_wss_view(const struct tdk_as4_msg *m, struct tdk_wss_attachment *a);

/*
 * Moves into m's attachments what a WS-Security function (tdk_wss_encrypt,
 * tdk_wss_decrypt) put into the views a[0..n): the bytes and types it
 * replaced become m's own without a copy (a type the function did not
 * allocate is copied), and each view borrows from m again, so that
 * tdk_wss_attachments_release frees nothing twice.  Returns 0, or -1 when
 * memory runs out.
 */
int tdk_as4_wss_take(struct tdk_as4_msg *m, struct tdk_wss_attachment *a, size_t n);

/*
 * Opens a message m read by tdk_as4_read as its receiver: decrypts its
 * attachments with the private key of s when its wsse:Security header holds
 * an xenc:EncryptedKey (lib/net/wss.h tdk_wss_decrypt; s NULL: nothing is
 * decrypted), verifies its signature with the trust t, which is to hold the
 * sender's certificate alone, covering eb:Messaging, the Body and every
 * attachment (tdk_wss_verify_msg), then decompresses the compressed
 * attachments within max bytes each (tdk_as4_decompress; 0:
 * TDK_AS4_MAX_PAYLOAD).  The decrypted bytes and types move into m's
 * attachments, which keep owning them.  Faults, with the ebMS code in
 * m->ebms_code and at the head of the message, after the WSS-* diagnostic
 * that says why: AS4-DECRYPTION (EBMS:0102 FailedDecryption),
 * AS4-AUTHENTICATION (EBMS:0101 FailedAuthentication: no signature, another
 * signer, a digest that does not match, a part left uncovered),
 * AS4-DECOMPRESS (EBMS:0303 DecompressionFailure), AS4-LIMIT (EBMS:0004).
 * Returns TDK_EXIT_OK, TDK_EXIT_NEGATIVE or TDK_EXIT_INTERNAL.
 */
int tdk_as4_open(struct tdk_as4_msg *m, const struct tdk_signer *s, const struct tdk_trust *t, size_t max,
		 struct tdk_diag *d);

/* ---- The sender's composition (as4-seal.c) ---- */

/*
 * Secures the message m built by tdk_as4_build as the AS4 profile orders:
 * signs it (tdk_wss_sign with the signer s over eb:Messaging, the Body and
 * every attachment), then, when partner (an X509 *) is not NULL, encrypts
 * every attachment for it (tdk_wss_encrypt).  The encrypted bytes and
 * types replace those of m's attachments (m owns them; each payload is
 * copied once, by the encryption).  Returns TDK_EXIT_OK, or the exit code
 * and the WSS-* diagnostics of the step that failed; after a failure m is
 * not to be sent (its envelope may hold a part of the security header),
 * but it is whole and tdk_as4_msg_release frees it.
 */
int tdk_as4_seal(struct tdk_as4_msg *m, const struct tdk_signer *s, void *partner, struct tdk_diag *d);

/* What the synchronous answer to a sent message says (tdk_as4_answer_check). */
enum tdk_as4_verdict {
	TDK_AS4_ACCEPTED,       /* a Receipt, signed by the partner, whose NRI is the sent signature's */
	TDK_AS4_REJECTED,       /* an Error signal with an error of severity failure */
	TDK_AS4_UNTRUSTED,      /* a signal whose signature does not verify with the partner's certificate, or an unsigned Receipt */
	TDK_AS4_MISMATCH,       /* a verified Receipt for another message or with other digests */
	TDK_AS4_UNREADABLE      /* no ebMS signal could be read from the answer */
};

/* The answer's verdict and the eb:MessageId of its signal (malloc'd, or NULL); release with tdk_as4_answer_release. */
struct tdk_as4_answer {
	enum tdk_as4_verdict verdict;
	char *signal_id;
};

/* Frees what tdk_as4_answer_check put into a and sets it up empty. */
void tdk_as4_answer_release(struct tdk_as4_answer *a);

/*
 * Checks the synchronous answer (HTTP Content-Type content_type, which may
 * be NULL for application/soap+xml, and body[0..len)) to the message whose
 * signed envelope sent was sent with the eb:MessageId sent_id, trusting
 * only the partner's certificate in t (loaded with tdk_trust_load, its
 * cert_files the partner's).  A Receipt must verify (tdk_wss_verify: a
 * receipt has no attachments) and answer the sent message with the
 * sent signature's references (tdk_as4_receipt_check): accepted,
 * TDK_EXIT_OK.  An Error signal gives its errors as AS4-ERROR diagnostics
 * with their EBMS codes (tdk_as4_signal_errors), its signature verified
 * when it has one: rejected, TDK_EXIT_NEGATIVE (a signal of warnings only
 * and no receipt is unreadable).  A signal whose signature does not
 * verify, or a Receipt without one, is AS4-ANSWER-UNTRUSTED after the
 * WSS-* or VERIFY-* diagnostics: untrusted, TDK_EXIT_TRUST.  A verified
 * Receipt that answers another message or names other digests is
 * AS4-ANSWER-MISMATCH after the AS4-NRI-* diagnostics: TDK_EXIT_REMOTE.
 * An answer that holds no signal is AS4-ANSWER-UNREADABLE after the
 * AS4-* and EBMS-* diagnostics: TDK_EXIT_REMOTE.  Fills a (set up zeroed).
 * TDK_EXIT_INTERNAL for memory.
 */
int tdk_as4_answer_check(const char *content_type, const char *body, size_t len, xmlDocPtr sent,
			 const char *sent_id, const struct tdk_trust *t, struct tdk_as4_answer *a,
			 struct tdk_diag *d);

#endif
