/*
 * Shared between the files of verification only (verify.c, verify-key.c,
 * verify-refs.c): the state of one signature's verification, which its
 * phases fill in order, and the phases that live outside verify.c.
 */
#ifndef TDK_VERIFY_INT_H
#define TDK_VERIFY_INT_H

#include <stdarg.h>
#include <time.h>

#include <openssl/x509.h>
#include <xmlsec/xmldsig.h>

#include "sign/sign-int.h"

struct vctx {
	/* Given by tdk_verify_doc; borrowed. */
	xmlDocPtr doc;
	xmlNodePtr sig;
	struct tdk_sig_data *data;
	const struct tdk_trust *t;
	const struct tdk_verify_opts *o;
	struct tdk_sig_report *rep;
	struct tdk_diag *d;
	struct tdk_diag_loc loc;
	/* Found by the phases. */
	xmlNodePtr qp, sp;          /* XAdES QualifyingProperties, SignedProperties; NULL when absent */
	time_t at;                  /* when the signer certificate must be valid */
	STACK_OF(X509) *kicerts;    /* the certificates KeyInfo carries; owned */
	xmlChar *keyname;           /* KeyInfo's ds:KeyName, or NULL; owned */
	xmlSecKeyPtr key;           /* the authenticated key; owned until the core run takes it */
	X509 *pcert;                /* the pinned certificate whose key verified, or NULL; borrowed */
	xmlSecDSigCtxPtr ctx;       /* libxmlsec1's core validation; owned */
	int sp_covered;             /* a SignedInfo reference that held covers SignedProperties */
	char uncovered[256];        /* what a whole-document reference left out, or "" */
};

static inline void verr(struct vctx *v, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error diagnostic at the signature. */
static inline void verr(struct vctx *v, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdk_diag_addv(v->d, TDK_SEV_ERROR, code, &v->loc, fmt, ap);
	va_end(ap);
}

/* The first child of n named name in any XAdES namespace (1.1.1, 1.2.2, 1.3.2), or NULL. */
xmlNodePtr tdk_xades_child(const xmlNode *n, const char *name);

/*
 * verify-refs.c.  References the data given cannot answer, before anything
 * runs: 1 after reporting VERIFY-REF-UNRESOLVED, else 0.
 */
int tdk_verify_unresolved(struct vctx *v);

/*
 * verify-key.c.  Authenticate first: reads KeyInfo's certificates and key
 * name into v, finds the key whose value over SignedInfo verifies and checks
 * its certificate's trust at v->at, before any reference is processed.  Sets
 * v->key (and v->pcert).  Returns 0, or an exit code after reporting.
 */
int tdk_verify_authenticate(struct vctx *v);

/*
 * verify-key.c.  XMLDSig core validation with v->key (which it takes),
 * retried once with a padded ECDSA value normalised; sets v->ctx.  Returns
 * 0 when libxmlsec1 ran to a status, TDK_EXIT_NEGATIVE after explaining why
 * it could not, TDK_EXIT_INTERNAL.
 */
int tdk_verify_core(struct vctx *v);

/*
 * verify-key.c.  The signer certificate after the core run (see the
 * authentication), or NULL; a certificate taken from the anchors comes with
 * a reference in *owned, which the caller frees.
 */
X509 *tdk_verify_signer_cert(struct vctx *v, X509 **owned);

/*
 * verify-refs.c.  What each reference of v->ctx covers, into v->rep: the
 * digest verdict, the node set, VERIFY-DIGEST for one that failed, and
 * whether the signature covers the whole document.  Returns 0 when every
 * reference and the signature value held, else TDK_EXIT_NEGATIVE (reported)
 * or TDK_EXIT_INTERNAL.
 */
int tdk_verify_refs(struct vctx *v);

/*
 * verify-refs.c.  The verdict on coverage: an enveloping signature (or a
 * container's) must cover its objects; otherwise what tdk_verify_refs found.
 * Returns 0, or TDK_EXIT_NEGATIVE after VERIFY-PARTIAL unless allowed.
 */
int tdk_verify_coverage(struct vctx *v);

#endif
