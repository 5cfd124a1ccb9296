/*
 * WS-Security 1.1 X.509 signatures of SOAP envelopes (OASIS WSS SOAP
 * Message Security 1.1, X.509 Token Profile 1.1) as the eDelivery AS4
 * profile 1.x uses them: the ds:Signature of the wsse:Security header,
 * checked against the AS4 profile's algorithms (exclusive C14N,
 * RSA-SHA256, SHA-256 digests, the SwA attachment transforms), then
 * verified by the one XMLDSig verifier of tdk (lib/sign/sign.h's
 * tdk_verify_doc) with the caller's trust: only a certificate the caller
 * gives is trusted, never the document's own token.  References to
 * wsu:Id resolve because lib/xml registers wsu:Id as an ID.  Nothing here
 * prints.
 *
 * tdk speaks the eDelivery AS4 profile 1.x (1.14/1.15 and the versions
 * before them that share its algorithms): signatures with exclusive C14N,
 * RSA-SHA256 and SHA-256 digests, attachments signed through the SwA
 * profile 1.1 Attachment-Content-Signature transform; encryption of the
 * attachments with AES-128-GCM, the one session key transported with
 * RSA-OAEP (xmlenc 1.1) with MGF1-SHA256 and a SHA-256 digest.  The AS4
 * profile 2.0's Ed25519 signatures and X25519 key agreement are not spoken.
 * Messages are signed first and then encrypted, as the AS4 profile orders;
 * a receiver decrypts (tdk_wss_decrypt), then verifies (tdk_wss_verify_msg).
 */
#ifndef TDK_WSS_H
#define TDK_WSS_H

#include <libxml/tree.h>

#include "sign/sign.h"
#include "util/diag.h"

#define TDK_NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define TDK_NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"
#define TDK_NS_WSSE   "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"

/* What tdk_wss_verify found, whatever its verdict. */
struct tdk_wss_result {
	unsigned refs;          /* ds:Reference elements of SignedInfo */
	unsigned attachments;   /* of which to attachments (cid:) */
	char token[256];        /* the subject of the wsse:BinarySecurityToken's certificate, or "" */
	const char *missing;    /* static: NULL, "key" or "attachment" when that is what is missing */
};

/*
 * Verifies the signature of the wsse:Security header of the SOAP 1.1 or 1.2
 * envelope doc (parsed by tdk_xml_parse, so that its IDs are registered)
 * with the loaded trust t: the signer's certificate is to be among
 * t->cert_files.  Returns 0 when it verifies; TDK_EXIT_NEGATIVE with
 * WSS-NO-SECURITY (no envelope or no wsse:Security header),
 * WSS-NO-SIGNATURE, WSS-ALGORITHM (an algorithm the AS4 profile does not
 * allow: the EBMS:0101 FailedAuthentication of the caller), WSS-TOKEN (a
 * security token reference to no X.509 token), WSS-NEEDS-KEY (no
 * certificate given: res->missing is "key", res->token names the token's
 * subject when it carries one), WSS-NEEDS-ATTACHMENT (a reference to an
 * attachment, which this function is not given: tdk_wss_verify_msg takes
 * them; res->missing is "attachment") or the VERIFY-* diagnostics of
 * tdk_verify_doc; TDK_EXIT_TRUST or TDK_EXIT_INTERNAL as tdk_verify_doc.
 * It checks no coverage: a receipt or an error signal is verified with it.
 */
int tdk_wss_verify(xmlDocPtr doc, const struct tdk_trust *t, struct tdk_wss_result *res,
		   struct tdk_diag *d);

/*
 * An attachment of an AS4 message as the MIME part that carries it: its
 * Content-ID without the "cid:" scheme and without angle brackets, its
 * content type, and its bytes (the part's body after its
 * Content-Transfer-Encoding is undone).  cid, type and data are borrowed
 * from the caller until tdk_wss_encrypt or tdk_wss_decrypt replaces data
 * and type: the replacements are then owned by the attachment (owned,
 * owned_type) and freed by tdk_wss_attachments_release, which the caller
 * calls once on the array whatever happened.
 */
struct tdk_wss_attachment {
	const char *cid;                /* e.g. "part1@example.com" */
	const char *type;               /* e.g. "application/xml" */
	const unsigned char *data;
	size_t len;
	unsigned char *owned;           /* data when a function replaced it, else NULL */
	char *owned_type;               /* type when a function replaced it with a string of its own, else NULL */
};

/* Frees what the functions below put into the n attachments a and points data and type back to nothing. */
void tdk_wss_attachments_release(struct tdk_wss_attachment *a, size_t n);

/* Most attachments one message may have for tdk_wss_sign, tdk_wss_encrypt and tdk_wss_decrypt. */
#define TDK_WSS_MAX_ATTACHMENTS 64

/*
 * Registers with libxmlsec1 the SwA profile 1.1 Attachment-Content-Signature
 * transform and the input of cid: references from the attachments of the
 * operation in progress on the calling thread.  Call it after
 * tdk_sign_lib_init and before any thread signs or verifies; calling it
 * again does nothing.  The functions below call it themselves.  Returns 0,
 * or TDK_EXIT_INTERNAL.
 */
int tdk_wss_lib_init(void);

/*
 * The bytes the Attachment-Content-Signature transform digests for content
 * of type type (SwA 1.1 §5.4.1, MIME content canonicalisation): XML content
 * (text/xml, application/xml, a type ending in +xml) in exclusive XML
 * canonical form without comments; other text/ types with every line
 * ending as CR LF; every other type as it is.  Stores a malloc'd copy in
 * *out and its length in *outlen.  Returns 0, or -1 when XML content is not
 * well-formed or memory runs out.
 */
int tdk_wss_swa_canon(const char *type, const unsigned char *data, size_t len, unsigned char **out,
		      size_t *outlen);

/*
 * Verifies an AS4 message as its receiver must, after decryption: the
 * signature of doc's wsse:Security header as tdk_wss_verify does, with the
 * n attachments a serving the references to them (cid:), then its coverage:
 * the signature must cover the eb:Messaging header, the SOAP Body and every
 * attachment given, each by a reference whose digest verified.  A
 * reference to an attachment not given gives WSS-NEEDS-ATTACHMENT
 * (res->missing is "attachment"); a signature that leaves out one of
 * them, WSS-COVERAGE; more than TDK_WSS_MAX_ATTACHMENTS attachments,
 * WSS-LIMIT.  Returns 0, or the exit codes of tdk_wss_verify.
 */
int tdk_wss_verify_msg(xmlDocPtr doc, const struct tdk_trust *t, const struct tdk_wss_attachment *a, size_t n,
		       struct tdk_wss_result *res, struct tdk_diag *d);

/*
 * Signs the SOAP 1.1 or 1.2 envelope doc (an eb:Messaging header and a
 * Body; made by the caller, e.g. lib/net/as4) and its n attachments a with
 * the signer s, an RSA key with its certificate: adds to the soap:Header a
 * wsse:Security header (mustUnderstand) holding the certificate as an
 * X.509v3 wsse:BinarySecurityToken and a ds:Signature with exclusive C14N
 * and RSA-SHA256 whose SHA-256 references are eb:Messaging and the Body
 * (each given a wsu:Id when it has none) and each attachment (cid:, with the
 * SwA Attachment-Content-Signature transform), its KeyInfo a
 * wsse:SecurityTokenReference to the token.  doc keeps its IDs registered.
 * Returns 0; TDK_EXIT_NEGATIVE with WSS-SIGN when doc is no envelope with
 * those parts or a wsse:Security header is already there, WSS-ALGORITHM
 * for a key that is not RSA, WSS-LIMIT for more than
 * TDK_WSS_MAX_ATTACHMENTS attachments; TDK_EXIT_INTERNAL.
 */
int tdk_wss_sign(xmlDocPtr doc, const struct tdk_signer *s, const struct tdk_wss_attachment *a, size_t n,
		 struct tdk_diag *d);

/*
 * Encrypts the n attachments a for the partner whose X.509 certificate
 * (X509 *) is partner, after tdk_wss_sign: each attachment's bytes become
 * IV (12 bytes) || AES-128-GCM ciphertext || tag (16 bytes) under one new
 * session key and its type application/octet-stream; the session key,
 * transported with RSA-OAEP (MGF1-SHA256, SHA-256) to the partner's key,
 * goes into an xenc:EncryptedKey at the top of the wsse:Security header
 * (made when absent) that names the certificate by issuer and serial
 * number and lists one xenc:EncryptedData per attachment (Type
 * Attachment-Content-Only, its MimeType the original type, a
 * xenc:CipherReference to cid: with the Attachment-Ciphertext transform).
 * Returns 0; TDK_EXIT_NEGATIVE with WSS-ENCRYPT when doc is no envelope,
 * the certificate's key is not RSA or n is 0, WSS-LIMIT for more than
 * TDK_WSS_MAX_ATTACHMENTS; TDK_EXIT_INTERNAL (then some attachments may
 * already be replaced: the caller sends nothing).
 */
int tdk_wss_encrypt(xmlDocPtr doc, void *partner, struct tdk_wss_attachment *a, size_t n, struct tdk_diag *d);

/*
 * Reverses tdk_wss_encrypt as the receiver, before tdk_wss_verify_msg: with
 * the private key of s (RSA), decrypts the session key of the
 * xenc:EncryptedKey of doc's wsse:Security header, then each attachment of
 * a its xenc:EncryptedData names, giving it back its bytes and the
 * EncryptedData's MimeType.  A message with no xenc:EncryptedKey is left
 * as it is (returns 0).  Returns 0; TDK_EXIT_NEGATIVE with WSS-ALGORITHM
 * (an algorithm other than the AS4 profile's), WSS-DECRYPT (the session
 * key does not decrypt with this key, or an attachment's ciphertext or tag
 * does not authenticate), WSS-NEEDS-ATTACHMENT (an EncryptedData names an
 * attachment not given); TDK_EXIT_INTERNAL.
 */
int tdk_wss_decrypt(xmlDocPtr doc, const struct tdk_signer *s, struct tdk_wss_attachment *a, size_t n,
		    struct tdk_diag *d);

#endif
