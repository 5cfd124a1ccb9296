/*
 * Shared between the files of lib/sign only: the per-operation error sink and
 * the external data the resolver serves.  Both belong to the calling thread:
 * one operation at a time per thread, any number of threads at once.
 */
#ifndef TDK_SIGN_INT_H
#define TDK_SIGN_INT_H

#include <openssl/x509.h>
#include <xmlsec/keyinfo.h>

#include "sign/sign.h"

/* A C string as libxml2 wants it, without casting const away. */
#define TDK_XC (const xmlChar *)

#define TDK_NS_XADES  "http://uri.etsi.org/01903/v1.3.2#"
#define TDK_NS_XADES141 "http://uri.etsi.org/01903/v1.4.1#"
#define TDK_XADES_SIGNED_PROPS "http://uri.etsi.org/01903#SignedProperties"

/* Library errors on this thread go to d under code until the next call (NULL: dropped). */
void tdk_sig_set_sink(struct tdk_diag *d, const char *code);

/* The first libxmlsec1 error since the last tdk_sig_set_sink, or "". */
const char *tdk_sig_last_error(void);

/* The libxmlsec1 reason code (XMLSEC_ERRORS_R_*) of that first error, or 0. */
int tdk_sig_last_reason(void);

/* The data the resolver serves to this thread until the next call (NULL: nothing). */
void tdk_sig_set_data(struct tdk_sig_data *data);

/* The item of data a reference URI names (equal after percent-decoding), or NULL. */
struct tdk_sig_item *tdk_sig_data_find(const struct tdk_sig_data *data, const char *uri);

/* Base64 of DER digest of the certificate with the named digest; malloc'd, or NULL. */
char *tdk_cert_digest_b64(void *x509, const char *xmlsec_digest_uri);

/*
 * Checks the signer certificate cert against t: unless a certificate is
 * pinned, its chain to an anchor of t->store (with t->untrusted and extra as
 * intermediates) at time at, which when names in messages ("the signing
 * time"); then its key usage must allow signatures.  Shared by XAdES and
 * CMS verification so that both judge a chain the same way.  Returns 0, or 1
 * after an error diagnostic (VERIFY-CERT-EXPIRED, -UNTRUSTED, -USAGE) at loc.
 */
int tdk_cert_check(const struct tdk_trust *t, X509 *cert, STACK_OF(X509) *extra, time_t at,
		   const char *when, const struct tdk_diag_loc *loc, struct tdk_diag *d);

/*
 * Verifies the SignatureValue of the ds:Signature sig over its SignedInfo,
 * canonicalised with its CanonicalizationMethod (a C14N method; anything
 * else is refused), with *key (borrowed); when *key is NULL and kictx is
 * given, the key is read from KeyInfo through kictx's keys manager and
 * stored in *key, which the caller then destroys.  No reference is
 * processed and no URI resolved.  Returns 1 when the value verifies, 0 when
 * it does not (or the key does not fit the method), -1 when SignedInfo cannot
 * be processed or no key was found.
 */
int tdk_signedinfo_verify(xmlNodePtr sig, xmlSecKeyPtr *key, xmlSecKeyInfoCtxPtr kictx);

/*
 * The transforms a signature's references (and its manifests') would run,
 * judged before any runs: an XSLT transform unless o->allow_xslt
 * (VERIFY-XSLT); an XPath, XPath Filter 2.0 or XPointer transform, or an
 * XPointer URI other than #xpointer(/) and #xpointer(id('x')), on a document
 * of more than o->max_xpath_nodes nodes (VERIFY-TRANSFORM-LIMIT).  Returns 0,
 * or 1 after an error at loc.
 */
int tdk_transform_policy(xmlNodePtr sig, const struct tdk_verify_opts *o, const struct tdk_diag_loc *loc,
			 struct tdk_diag *d);

/*
 * Evaluates, before libxmlsec1 does, every XPath expression the references of
 * the authenticated signature sig (and of its manifests) will evaluate on
 * its document or on a file of data -- XPath and XPath Filter 2.0
 * transforms, XPointer transforms and same-document URIs -- with libxml2's
 * operation limit set to o->max_xpath_ops for all of them together, so that
 * libxmlsec1's own run, which has no limit, does no more work than the dry
 * run did; a file of data an XPath transform works on is held to
 * o->max_xpath_nodes too.  Expressions after a transform that makes octets
 * (C14N, XSLT, base64) are not evaluated.  Returns 0; TDK_EXIT_NEGATIVE
 * after VERIFY-TRANSFORM-LIMIT at loc; TDK_EXIT_INTERNAL when memory ran out.
 */
int tdk_transform_bound(xmlNodePtr sig, const struct tdk_sig_data *data, const struct tdk_verify_opts *o,
			const struct tdk_diag_loc *loc, struct tdk_diag *d);

/* The subject of a certificate in RFC 2253 form; malloc'd, or NULL. */
char *tdk_cert_subject(X509 *c);

#endif
