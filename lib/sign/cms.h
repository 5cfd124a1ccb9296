/*
 * CMS proofs over detached data, on OpenSSL 3's CMS and TS code: CAdES
 * baseline B signatures (ETSI EN 319 122-1) and RFC 3161 time-stamp tokens,
 * as ASiC containers carry them (ETSI EN 319 162-1: META-INF/...p7s and ...tst).
 *
 * Trust is the same as for XAdES (struct tdk_trust, sign.h): the signer or
 * TSA certificate is taken from the CMS certificates or the untrusted pool,
 * and must chain to an explicit anchor (or be a pinned --cert); with
 * t->insecure only the cryptography is checked.  Unsigned attributes
 * (signature time-stamps, counter-signatures, archive time-stamps: levels T,
 * LT and LTA) are not assessed, and a warning says so.  An algorithm this
 * build of OpenSSL does not implement is VERIFY-UNSUPPORTED-ALGORITHM, never
 * a failed signature.  Nothing here prints; diagnostics go to d.
 */
#ifndef TDK_CMS_H
#define TDK_CMS_H

#include <stddef.h>

#include "sign/sign.h"
#include "util/diag.h"

/*
 * Verifies the detached CAdES signature sig (siglen bytes of DER; PEM and bare
 * base64 are read too) over the len bytes of content: the signature value
 * over the signed attributes, the message-digest and content-type attributes
 * (by OpenSSL), the signer certificate against t, and the ESS
 * signing-certificate(-v2) attribute, whose certificate digest must be the
 * signer certificate's (its absence is a warning: baseline B requires it).
 * Fills rep->kind, signer, signing_time (the signing-time attribute),
 * algorithm, whole (set once the signed data is known to be content) and
 * valid, with new strings that tdk_sig_reports_free frees; the
 * caller owns rep and fills its refs.  Returns 0 when it verifies;
 * TDK_EXIT_NEGATIVE after an error diagnostic (VERIFY-CMS-MALFORMED,
 * VERIFY-SIGNATURE-VALUE, VERIFY-DIGEST, VERIFY-KEY-NOT-FOUND,
 * VERIFY-CERT-*, VERIFY-CADES-*, VERIFY-UNSUPPORTED-ALGORITHM);
 * TDK_EXIT_INTERNAL when memory runs out.
 */
int tdk_cades_verify(const unsigned char *sig, size_t siglen, const unsigned char *content, size_t len,
		     const struct tdk_trust *t, struct tdk_sig_report *rep, struct tdk_diag *d);

/*
 * Verifies the RFC 3161 TimeStampToken tok (toklen bytes, as sig above): a
 * CMS SignedData over a TSTInfo whose message imprint must be the hash of the
 * len bytes of content (with the hash the token names), signed by a TSA
 * certificate that chains to t's anchors and has the critical
 * extendedKeyUsage id-kp-timeStamping (RFC 3161 §2.3).  Fills rep like
 * tdk_cades_verify, with kind TDK_SIG_TIMESTAMP, the TSA's subject as
 * signer and genTime as signing_time.  Returns 0, TDK_EXIT_NEGATIVE
 * (VERIFY-TST-*, and the codes above) or TDK_EXIT_INTERNAL.
 */
int tdk_timestamp_verify(const unsigned char *tok, size_t toklen, const unsigned char *content,
			 size_t len, const struct tdk_trust *t, struct tdk_sig_report *rep,
			 struct tdk_diag *d);

/*
 * What the n bytes at p hold: TDK_SIG_TIMESTAMP for a CMS ContentInfo (DER,
 * PEM or bare base64) whose content is a TSTInfo, TDK_SIG_CADES for another
 * CMS, -1 for anything else (XML is recognised as such without parsing).
 */
int tdk_cms_kind(const unsigned char *p, size_t n);

/*
 * Verifies a detached CMS proof of the given kind (TDK_SIG_TIMESTAMP with
 * tdk_timestamp_verify, else tdk_cades_verify) over the len bytes of content,
 * which the report calls file name.  Fills rep as those do and, once the
 * proof was checked over content, with one reference that covers it (the
 * caller frees rep's strings with tdk_sig_reports_free).  Returns as they do.
 */
int tdk_cms_verify_detached(enum tdk_sig_kind kind, const unsigned char *p, size_t n, const char *name,
			    const unsigned char *content, size_t len, const struct tdk_trust *t,
			    struct tdk_sig_report *rep, struct tdk_diag *d);

/*
 * The digest of data with the XML digest algorithm uri (XMLDSig and XML
 * Encryption URIs: SHA-1, SHA-2, SHA-3), as base64 in out (at least 100
 * bytes).  Returns 0, or -1 when the algorithm is not one this build knows.
 */
int tdk_digest_b64(const char *uri, const unsigned char *data, size_t len, char *out, size_t size);

#endif
