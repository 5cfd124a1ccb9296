/*
 * XML signatures: XMLDSig 1.1 (enveloped, enveloping, detached) and XAdES
 * baseline B (ETSI EN 319 132-1), on libxmlsec1 with its OpenSSL back end.
 *
 * Nothing here prints: every problem becomes a diagnostic in a caller-owned
 * struct tdk_diag with a stable code (SIGN-* while signing, VERIFY-* while
 * verifying), and functions return an exit code from util/exitcode.h.
 *
 * Documents are parsed with no network access, no DTD loading and no entity
 * substitution; a document that declares entities is refused.  A signature's
 * references are resolved only inside the document, or against data the
 * caller hands over explicitly (struct tdk_sig_data: the files of a
 * container, or a detached document named on the command line); libxmlsec1's
 * own file and network input is switched off for the life of the process.
 */
#ifndef TDK_SIGN_H
#define TDK_SIGN_H

#include <stddef.h>
#include <time.h>

#include <libxml/tree.h>

#include "util/buf.h"
#include "util/diag.h"
#include "xml/xml.h"   /* tdk_xml_parse: signatures read documents through lib/xml */

/*
 * Sets up libxml2's structured error handler, libxmlsec1 and its OpenSSL back
 * end once per process, with the error callbacks turned into silence (errors
 * are collected per operation instead) and the input callbacks replaced by
 * tdk's resolver.  Call it once, before any thread signs or verifies; it is
 * not itself thread-safe.  Returns 0, or TDK_EXIT_INTERNAL when a library
 * refuses.
 *
 * Threads.  After it, any number of threads may sign and verify at once,
 * each with its own struct tdk_diag and its own documents, sharing one
 * loaded struct tdk_signer or struct tdk_trust read-only: the per-operation
 * state (error sink, first libxmlsec1 error, the data the resolver serves,
 * the allocation-failure count) is the calling thread's; the signer's key is
 * duplicated for each signature; a trust's keys manager is only looked up
 * in (its certificate store is an OpenSSL X509_STORE, which locks itself).
 * tdk_signer_load, tdk_trust_load and their release functions are not to
 * run while another thread uses the same object.  A document (xmlDoc) is
 * one thread's at a time.
 */
int tdk_sign_lib_init(void);
void tdk_sign_lib_shutdown(void);

/*
 * How many allocation failures libxml2 and libxmlsec1 have reported on the
 * calling thread (tdk_xml_oom_count).  A caller compares the count before
 * and after an operation: when it grew, a failure or a "malformed" finding
 * may be the want of memory, and the answer is an internal error, never a
 * verdict.
 */
unsigned long tdk_sig_oom_count(void);

/* The libxmlsec1 version this build runs on, e.g. "1.2.37". */
const char *tdk_sign_lib_version(void);

/*
 * Asks for the passphrase of the key file name into buf (size bytes, NUL
 * terminated).  Returns its length, or -1 when none can be had.  The caller
 * of tdk_signer_load wipes nothing: tdk_signer_load wipes buf after use.
 */
typedef int tdk_passphrase_fn(void *arg, const char *name, char *buf, size_t size);

/*
 * A fresh identifier for an Id attribute: prefix and 16 random hex digits,
 * into out (size bytes, cut to fit, NUL-terminated).
 */
void tdk_sign_new_id(char *out, size_t size, const char *prefix);

/* A private key with its certificate and the certificates that chain it. */
struct tdk_signer {
	void *pkey;             /* EVP_PKEY *; owned */
	void *cert;             /* X509 *; owned */
	void *chain;            /* STACK_OF(X509) *; owned, may be empty */
	void *xkey;             /* xmlSecKeyPtr built from the above; owned */
	int ec;                 /* the key is an EC key (else RSA) */
};

/*
 * Loads a signing key from key_path: PEM (traditional or PKCS#8, encrypted or
 * not), DER PKCS#8, or PKCS#12 (which may carry the certificate and chain).
 * cert_path, when not NULL, names a PEM or DER certificate (PEM may add the
 * chain); otherwise the certificate must be in the key file.  The passphrase
 * is asked for through pass only when the file is encrypted.  The key must
 * match the certificate, the certificate must be valid at time now and allow
 * digital signatures.  Returns 0; TDK_EXIT_IO when a file cannot be read;
 * TDK_EXIT_TRUST for a wrong passphrase, a mismatch, an expired certificate,
 * an unsupported key type (codes SIGN-KEY-*, SIGN-CERT-*).
 */
int tdk_signer_load(struct tdk_signer *s, const char *key_path, const char *cert_path,
		    tdk_passphrase_fn *pass, void *pass_arg, time_t now, struct tdk_diag *d);
void tdk_signer_release(struct tdk_signer *s);

/*
 * Data a signature refers to outside its own document: the members of a
 * container or a detached document, each under the URI a reference uses
 * (relative, percent-decoded when matched).  Borrowed: the caller keeps the
 * bytes alive during the operation.
 */
struct tdk_sig_item {
	const char *uri;        /* the name references use, e.g. "invoice.pdf" */
	const unsigned char *data;
	size_t len;
	const char *mime;       /* media type for XAdES DataObjectFormat, or NULL */
	int covered;            /* set by verification: a valid reference covers it */
};

struct tdk_sig_data {
	struct tdk_sig_item *items;
	size_t n;
};

enum tdk_sign_mode { TDK_SIGN_ENVELOPED, TDK_SIGN_ENVELOPING, TDK_SIGN_DETACHED };

struct tdk_sign_opts {
	enum tdk_sign_mode mode;
	int xades;              /* add XAdES baseline B signed properties */
	const char *digest;     /* "sha256" (default), "sha384", "sha512" */
	const char *id;         /* enveloped: sign only the element with this ID */
	time_t now;             /* signing time for XAdES */
};

/*
 * Signs doc in place (enveloped: the signature becomes the root's last child;
 * enveloping: doc's root moves into a ds:Object of a new ds:Signature root).
 * Returns 0, or an exit code with diagnostics (SIGN-*).
 */
int tdk_sign_doc(xmlDocPtr *doc, const struct tdk_signer *s, const struct tdk_sign_opts *o,
		 struct tdk_diag *d);

/*
 * Makes a detached signature over the items of data: a new document whose
 * root is ds:Signature (xades=0 or 1), or, with asic set, an
 * asic:XAdESSignatures root holding it (ETSI EN 319 162-1 §A.5).  Stores the
 * new document in *out, which the caller frees with xmlFreeDoc.
 */
int tdk_sign_detached(xmlDocPtr *out, struct tdk_sig_data *data, int asic, const struct tdk_signer *s,
		      const struct tdk_sign_opts *o, struct tdk_diag *d);

/*
 * Trust for verification: explicit anchors only.  The certificate pools
 * (untrusted files and folders) trust nothing by themselves: they let a
 * signature that names its certificate (X509IssuerSerial, X509SKI,
 * X509SubjectName, KeyName) or carries only a key value be tied to a
 * certificate, whose chain to an anchor is then checked.
 */
struct tdk_trust {
	const char *const *ca_files;        /* trusted roots (PEM bundles or DER files) */
	size_t nca;
	const char *const *untrusted_files; /* intermediate or signer certificates */
	size_t nuntrusted;
	const char *const *cert_dirs;       /* folders of such certificates (PEM or DER files) */
	size_t ndirs;
	const char *const *cert_files;      /* pinned signer certificates: the key must be one of theirs */
	size_t ncert;
	const char *hmac_key_file;  /* shared HMAC secret */
	int insecure;               /* check the cryptography only; trust the document's own key */
	time_t at;                  /* verification time, when at_set */
	int at_set;                 /* at is given; else the signing time (XAdES, CAdES), else now */
	void *store;                /* X509_STORE * built by tdk_trust_load */
	void *untrusted;            /* STACK_OF(X509) *: the pool */
	void *pinned;               /* STACK_OF(X509) *, or NULL */
	void *mngr;                 /* xmlSecKeysMngrPtr holding the certificates above, made once */
};

/*
 * Loads the files and folders named in t (in a folder, every regular file that
 * holds a PEM or DER certificate; other files are skipped).  Returns 0 or
 * TDK_EXIT_TRUST (VERIFY-TRUST-*).
 */
int tdk_trust_load(struct tdk_trust *t, struct tdk_diag *d);
void tdk_trust_release(struct tdk_trust *t);

#define TDK_NS_DSIG   "http://www.w3.org/2000/09/xmldsig#"
#define TDK_NS_ASIC   "http://uri.etsi.org/02918/v1.2.1#"

/* True when n is an element named name in namespace ns (NULL: in no namespace). */
int tdk_node_is(const xmlNode *n, const char *name, const char *ns);

/* The first child element of n named name in ns, or NULL. */
xmlNodePtr tdk_node_child(const xmlNode *n, const char *name, const char *ns);

/*
 * The node after n in document order, within n's root element: its first
 * child, else the next sibling of n or of its nearest ancestor; NULL at the
 * end.  Walks a tree without recursion, so depth costs no stack.
 */
xmlNodePtr tdk_node_next(xmlNodePtr n);

/* The text of n (may be NULL) without white space, as base64 and number values carry it: malloc'd, or NULL. */
char *tdk_node_b64(const xmlNode *n);

/* What a verification found, for the report. */
struct tdk_ref_report {
	char *uri;              /* as written */
	char *covers;           /* "whole document", "/a/b[2] (element 'Id')", "file 'x.pdf'" */
	int ok;                 /* digest matched */
};

/* What kind of proof a report describes; XMLDSig (with xades set for XAdES) unless said. */
enum tdk_sig_kind {
	TDK_SIG_XMLDSIG = 0,    /* ds:Signature, XAdES when xades is set */
	TDK_SIG_CADES,          /* CMS SignedData, CAdES (ETSI EN 319 122-1) */
	TDK_SIG_TIMESTAMP       /* RFC 3161 time-stamp token: a time assertion, not a signature */
};

struct tdk_sig_report {
	enum tdk_sig_kind kind;
	char *id;               /* ds:Signature/@Id, or NULL */
	char *signer;           /* subject of the signer (or TSA) certificate, or NULL */
	char *signing_time;     /* XAdES SigningTime as written, CAdES signing-time or TSTInfo
	                           genTime as YYYY-MM-DDTHH:MM:SSZ, or NULL */
	char *algorithm;        /* SignatureMethod URI, or the CMS signature algorithm's name */
	int xades;
	int whole;              /* covers the whole document */
	int valid;              /* the end verdict for this signature */
	struct tdk_ref_report *refs;
	size_t nrefs;
};

/* Defaults of struct tdk_verify_opts's limits (0 there means these). */
#define TDK_VERIFY_XPATH_NODES  10000               /* nodes a document may have for XPath transforms */
#define TDK_VERIFY_XPATH_OPS    10000000UL          /* libxml2 XPath operations of a signature's expressions */
#define TDK_VERIFY_SIG_SIZE     ((size_t)16 << 20)  /* bytes of a signature document */

struct tdk_verify_opts {
	int allow_partial;      /* do not fail when the document is only partly signed */
	int container;          /* signatures of a container: the data are the files, not the document */
	int allow_xslt;         /* run XSLT transforms (after authentication); else refused */
	size_t max_xpath_nodes; /* XPath transforms only on documents of at most this many nodes */
	size_t max_sig_size;    /* most bytes of a signature document (a container's signature files) */
	unsigned long max_xpath_ops; /* libxml2 operations all a signature's XPath expressions may take */
	const struct tdk_xml_limits *xml;  /* limits on reading its XML; NULL: the defaults */
};

/*
 * Verifies every ds:Signature in doc.  Each signature is authenticated
 * first (W3C XML Signature Best Practices §2.1): its transform policy
 * (VERIFY-XSLT, VERIFY-TRANSFORM-LIMIT), then the signature value over
 * SignedInfo with the signer's key and that key's trust, then a bounded dry
 * run of its XPath expressions (VERIFY-TRANSFORM-LIMIT); only then are its
 * references (and their transforms) processed, and the verdict completed (at any depth, except ones nested inside
 * another signature's ds:Object, which are counter-signatures and are listed
 * but not required).  data holds the external data references may use (may
 * be NULL).  Fills *reps (array of *nreps, freed with tdk_sig_reports_free).
 * Returns 0 when every signature verifies and, unless allowed, covers the
 * whole document; TDK_EXIT_NEGATIVE otherwise; TDK_EXIT_TRUST for setup
 * problems.
 */
int tdk_verify_doc(xmlDocPtr doc, struct tdk_sig_data *data, const struct tdk_trust *t,
		   const struct tdk_verify_opts *o, struct tdk_sig_report **reps, size_t *nreps,
		   struct tdk_diag *d);
void tdk_sig_reports_free(struct tdk_sig_report *reps, size_t n);

/*
 * Appends to rp->refs, which must have room, a reference uri that covers
 * "file 'file'" with verdict ok.  Returns 0, or -1 when memory runs out.
 */
int tdk_sig_report_add_file(struct tdk_sig_report *rp, const char *uri, const char *file, int ok);

/* Percent-decodes a URI reference (RFC 3986 §2.1) into out; returns 0 or -1 on a bad escape. */
int tdk_uri_decode(const char *s, struct tdk_buf *out);

/* Percent-encodes a relative path for a reference URI: unreserved and '/' kept. */
int tdk_uri_encode(const char *s, struct tdk_buf *out);

#endif
