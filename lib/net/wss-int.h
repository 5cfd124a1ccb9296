/*
 * Shared between the files of lib/net/wss* only: the algorithm and
 * namespace names of the AS4 profile 1.x, the attachments of the operation
 * in progress on the calling thread (served to cid: references and read by
 * the SwA transform), and the diagnostic helper.
 */
#ifndef TDK_WSS_INT_H
#define TDK_WSS_INT_H

#include "net/wss.h"

#define WSS_ALG_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define WSS_ALG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define WSS_ALG_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define WSS_SWA "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1"
#define WSS_ALG_SWA_CONTENT WSS_SWA "#Attachment-Content-Signature-Transform"
#define WSS_ALG_SWA_COMPLETE WSS_SWA "#Attachment-Complete-Signature-Transform"
#define WSS_ALG_SWA_CIPHER WSS_SWA "#Attachment-Ciphertext-Transform"
#define WSS_SWA_CONTENT_ONLY WSS_SWA "#Attachment-Content-Only"
#define WSS_ALG_AES128_GCM "http://www.w3.org/2009/xmlenc11#aes128-gcm"
#define WSS_ALG_RSA_OAEP "http://www.w3.org/2009/xmlenc11#rsa-oaep"
#define WSS_ALG_MGF1_SHA256 "http://www.w3.org/2009/xmlenc11#mgf1sha256"
#define WSS_NS_XENC "http://www.w3.org/2001/04/xmlenc#"
#define WSS_NS_XENC11 "http://www.w3.org/2009/xmlenc11#"
#define WSS_NS_WSSE11 "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd"
#define WSS_NS_EB3 "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
#define WSS_X509V3 "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
#define WSS_BASE64 "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
#define WSS_ENCKEY_TOKEN "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey"

/* The attachments cid: references read on this thread until the next call (NULL, 0: none). */
void tdk_wss_set_attachments(const struct tdk_wss_attachment *a, size_t n);

/* The attachment of a (n of them) whose Content-ID the URI "cid:..." names, or NULL. */
const struct tdk_wss_attachment *tdk_wss_find(const struct tdk_wss_attachment *a, size_t n, const char *uri);

/* The SwA Attachment-Content-Signature transform's klass (an xmlSecTransformId), after tdk_wss_lib_init. */
const void *tdk_wss_swa_transform(void);

/* The wsu:Id of n, given one (tdk_sign_new_id with prefix) and registered when it has none; borrowed from n, or NULL. */
const char *tdk_wss_wsu_id(xmlDocPtr doc, xmlNodePtr n, const char *prefix);

/*
 * Appends to b the cid: URI of Content-ID cid (RFC 2392): the ID as it is
 * when every character may stand in a URI ('@' included, as AS4 peers
 * write it), else percent-encoded.  Returns 0, or -1.
 */
int tdk_wss_cid_uri(struct tdk_buf *b, const char *cid);

/* An error diagnostic at node n (may be NULL). */
void tdk_wss_err(struct tdk_diag *d, const xmlNode *n, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The soap:Header of doc's envelope (made when absent and make is set) and its namespace in *ns; NULL when doc is no envelope. */
xmlNodePtr tdk_wss_header(xmlDocPtr doc, int make, const char **ns);

/* The wsse:Security header of doc (made, mustUnderstand, when absent and make is set), or NULL. */
xmlNodePtr tdk_wss_security(xmlDocPtr doc, int make);

#endif
