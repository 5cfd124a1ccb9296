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
 * attachment: the SwA Attachment-Content-Signature transform is not
 * available to libxmlsec1; res->missing is "attachment") or the VERIFY-*
 * diagnostics of tdk_verify_doc; TDK_EXIT_TRUST or TDK_EXIT_INTERNAL as
 * tdk_verify_doc.
 */
int tdk_wss_verify(xmlDocPtr doc, const struct tdk_trust *t, struct tdk_wss_result *res,
		   struct tdk_diag *d);

#endif
