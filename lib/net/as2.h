/*
 * AS2 (RFC 4130) message bodies and MDNs on OpenSSL's CMS.
 *
 * tdk_as2_build makes the body of an AS2 message from a payload: the payload
 * as a MIME entity, optionally compressed (RFC 5402 compressed-data, applied
 * before signing, so that the signature and the MIC cover what travels),
 * signed as S/MIME multipart/signed (RFC 5751), optionally encrypted
 * (enveloped-data, or authEnveloped-data for the GCM ciphers), and the MIC
 * of RFC 4130 section 7.3.1 that the MDN must return (over the signed entity;
 * unsigned, over the entity encrypted; else over the payload).  tdk_as2_read undoes
 * the layers of a received body with our key and the partner's certificate,
 * and tdk_as2_mdn_build and tdk_as2_mdn_read make and check the MDN
 * (multipart/report, RFC 3798/8098, signed or not).
 *
 * Nothing here prints: every problem is a diagnostic with an AS2-* code in a
 * caller-owned struct tdk_diag, and functions return an exit code of
 * util/exitcode.h.  Keys and certificates are the caller's (borrowed, never
 * freed here); results are owned by the result struct and freed by its
 * release function.  A partner's certificate is the only trust anchor: a
 * signature verifies only when it was made by that certificate's key (the
 * certificates the message carries are not used), and the certificate must
 * be valid now.
 *
 * Everything read is bounded by the limits below.
 */
#ifndef TDK_NET_AS2_H
#define TDK_NET_AS2_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/diag.h"

/* The largest body read or written, and the largest payload after decompression. */
#define TDK_AS2_MAX_BODY (64u << 20)
/* Header fields in one MIME entity (folded lines count once). */
#define TDK_AS2_MAX_HEADERS 64
/* Bytes of one header field, with its folded continuation lines. */
#define TDK_AS2_MAX_HEADER_LEN 4096
/* Layers (encryption, compression, signature, multipart) one body may nest. */
#define TDK_AS2_MAX_DEPTH 6
/* Parts of one multipart entity. */
#define TDK_AS2_MAX_PARTS 16
/* Room for a MIC as RFC 4130 writes it: base64 of a SHA-512 digest, ", sha-512". */
#define TDK_AS2_MIC_MAX 128

/* What to send: which layers, with which keys. */
struct tdk_as2_send {
	const char *sign;     /* MIC algorithm: sha1, sha256, sha384, sha512 (also sha-256 &c.); NULL: unsigned */
	const char *encrypt;  /* aes128-cbc, aes192-cbc, aes256-cbc, aes128-gcm, aes256-gcm, des-ede3-cbc; NULL: clear */
	int compress;         /* nonzero: RFC 5402 compressed-data (zlib), before signing */
	int oaep;             /* nonzero: RSAES-OAEP (SHA-256, MGF1-SHA-256) key transport, else RSA PKCS#1 v1.5 */
	const char *mic_alg;  /* MIC algorithm of an unsigned message (default sha256); ignored when signed */
	EVP_PKEY *key;        /* our signing key (when sign) */
	X509 *cert;           /* our certificate (when sign) */
	X509 *partner;        /* the recipient's certificate (when encrypt) */
};

/* A built body: the Content-Type to send it under, the bytes, the MIC. */
struct tdk_as2_msg {
	char *content_type;          /* owned */
	unsigned char *body;         /* owned; len bytes */
	size_t len;
	char mic[TDK_AS2_MIC_MAX];   /* "base64, sha-256" */
};

/*
 * Builds the body of an AS2 message carrying payload (n bytes) of MIME type
 * type into out (which the caller releases with tdk_as2_msg_release, also on
 * failure).  Returns 0; TDK_EXIT_USAGE for an unknown algorithm or cipher or
 * a missing key (AS2-ALG, AS2-KEY); TDK_EXIT_TRUST when OpenSSL refuses a
 * key (AS2-KEY); TDK_EXIT_INTERNAL.
 */
int tdk_as2_build(const struct tdk_as2_send *o, const void *payload, size_t n, const char *type,
		  struct tdk_as2_msg *out, struct tdk_diag *d);

/* Frees what out holds and clears it; out may be already released. */
void tdk_as2_msg_release(struct tdk_as2_msg *out);

/* How to read a received body. */
struct tdk_as2_recv {
	EVP_PKEY *key;        /* our decryption key; NULL: an encrypted body is refused */
	X509 *cert;           /* our certificate (picks our recipient info) */
	X509 *partner;        /* the sender's certificate; NULL: a signed body is refused */
	int require_signed;   /* nonzero: an unsigned body is refused (AS2-SIG-MISSING) */
	int require_encrypted;/* nonzero: a clear body is refused (AS2-ENC-MISSING) */
	const char *mic_alg;  /* the MIC algorithm the sender asked for; NULL: the signature's micalg, else sha256 */
};

/* A read body: the payload, its type, the MIC computed on receipt and the layers found. */
struct tdk_as2_in {
	unsigned char *payload;      /* owned; len bytes */
	size_t len;
	char *content_type;          /* owned; the payload entity's Content-Type */
	char mic[TDK_AS2_MIC_MAX];   /* as the MDN's Received-Content-MIC gives it */
	int was_signed, was_encrypted, was_compressed;
};

/*
 * Reads a received body: content_type is the Content-Type the body came
 * under, or NULL when data begins with the MIME headers of the entity.
 * Decrypts with r->key, decompresses, verifies the signature against
 * r->partner and computes the MIC (RFC 4130 section 7.3.1: over the signed
 * entity, headers included, in canonical form, when signed; over the
 * decrypted entity, headers included, when encrypted and unsigned; over the
 * payload otherwise).  Fills in (released by tdk_as2_in_release, also on failure).
 * Returns 0; TDK_EXIT_IO for a malformed or too large body (AS2-MIME-*,
 * AS2-LIMIT); TDK_EXIT_NEGATIVE when the signature does not verify or a
 * layer asked for is missing (AS2-SIG-*, AS2-ENC-MISSING); TDK_EXIT_TRUST
 * when the body cannot be decrypted with our key (AS2-DECRYPT) or no key was
 * given for a layer (AS2-KEY); TDK_EXIT_INTERNAL.
 */
int tdk_as2_read(const struct tdk_as2_recv *r, const char *content_type, const void *data, size_t n,
		 struct tdk_as2_in *in, struct tdk_diag *d);

/* Frees what in holds and clears it. */
void tdk_as2_in_release(struct tdk_as2_in *in);

/* An MDN to make. */
struct tdk_as2_mdn {
	const char *reporting_ua;     /* Reporting-UA, e.g. "tdk" */
	const char *recipient;        /* our AS2 name: Original-Recipient and Final-Recipient */
	const char *original_id;      /* the Message-ID answered, with its angle brackets */
	const char *mic;              /* Received-Content-MIC; NULL when none was computed */
	const char *error;            /* NULL: processed; else processed/error: error (e.g. "decryption-failed") */
	const char *text;             /* the human-readable part; NULL: a standard sentence */
	const char *sign;             /* MIC algorithm to sign with; NULL: unsigned */
	EVP_PKEY *key;
	X509 *cert;
};

/*
 * Builds an MDN into out (content_type and body; out->mic is left empty).
 * Returns 0; TDK_EXIT_USAGE for a missing field, a field with a line break,
 * an unknown algorithm (AS2-MDN-FIELD, AS2-ALG); TDK_EXIT_TRUST;
 * TDK_EXIT_INTERNAL.
 */
int tdk_as2_mdn_build(const struct tdk_as2_mdn *m, struct tdk_as2_msg *out, struct tdk_diag *d);

/* How to check a received MDN. */
struct tdk_as2_mdn_check {
	X509 *partner;              /* the MDN signer's certificate; NULL: a signed MDN cannot verify */
	int require_signed;         /* nonzero: an unsigned MDN is refused (AS2-MDN-UNSIGNED) */
	const char *message_id;     /* the Message-ID we sent (angle brackets optional); NULL: not checked */
	const char *mic;            /* the MIC computed when sending; NULL: not checked */
};

/* What a received MDN says. */
struct tdk_as2_mdn_result {
	char *original_id;          /* owned; Original-Message-ID */
	char *disposition;          /* owned; the Disposition field */
	char *mic;                  /* owned; Received-Content-MIC, or NULL */
	char *final_recipient;      /* owned; Final-Recipient, or NULL */
	int was_signed;
	int processed;              /* 1 when the disposition is processed without error or failure */
};

/*
 * Reads and checks an MDN (content_type as for tdk_as2_read).  Returns 0
 * when it verifies, answers our message, returns our MIC and says processed
 * (a warning modifier is a warning diagnostic, AS2-MDN-WARNING);
 * TDK_EXIT_NEGATIVE for a signature that does not verify, an unsigned MDN
 * where a signed one was asked, another Message-ID, another MIC, or an error
 * or failure disposition (AS2-SIG-*, AS2-MDN-UNSIGNED, AS2-MDN-MSGID,
 * AS2-MDN-MIC, AS2-MDN-ERROR); TDK_EXIT_IO for a malformed MDN
 * (AS2-MDN-MALFORMED, AS2-MIME-*, AS2-LIMIT); TDK_EXIT_INTERNAL.  res is
 * filled as far as the MDN could be read (released by
 * tdk_as2_mdn_result_release).
 */
int tdk_as2_mdn_read(const struct tdk_as2_mdn_check *c, const char *content_type, const void *data, size_t n,
		     struct tdk_as2_mdn_result *res, struct tdk_diag *d);

/* Frees what res holds and clears it. */
void tdk_as2_mdn_result_release(struct tdk_as2_mdn_result *res);

#endif
