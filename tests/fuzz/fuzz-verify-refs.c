/*
 * libFuzzer target: verification's reference processing under a hostile
 * transform list.  The input is the content of ds:Transforms of the one
 * reference of an enveloped signature over a small fixed document.  The
 * signature value over SignedInfo is made here for every input, with a key
 * generated at start and trusted as the only anchor, so authentication
 * passes and the references (their transforms, then their digests) really
 * run, under the default policy (no XSLT, XPath on small documents only).
 * Every input must end in a verdict, never a crash, a leak or a runaway:
 * libFuzzer's -timeout catches the last.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/keys.h>
#include <xmlsec/nodeset.h>
#include <xmlsec/transforms.h>

#include "sign/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

/*
 * libxmlsec1 1.2.37 loses the output buffer of a transform chain that fails
 * inside (an XPath expression libxml2 refuses, as the OPC transform's in
 * tests/data/lsan-libxmlsec1.supp): 24 bytes, inside xmlSecDSigCtxVerify.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:xmlSecTransformCreateOutputBuffer\n";
}

/* The suppression needs whole stacks: the system's libxmlsec1 has no frame pointers. */
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static struct tdk_signer signer;
static struct tdk_trust trust;
static const char *anchors[1];
static char dir[64], cert_b64[4096];

/* A P-256 key and its self-signed certificate in a private folder: the one anchor. */
static void make_key(void)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	unsigned char *der = NULL;
	char key_path[96], cert_path[96];
	struct tdk_diag d;
	FILE *f;
	int n;

	snprintf(dir, sizeof(dir), "/tmp/fuzz-verify-refs.XXXXXX");
	if (!pk || !x || !nm || !mkdtemp(dir))
		abort();
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"fuzz signer", -1, -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, nm);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650);
	X509_set_pubkey(x, pk);
	if (!X509_sign(x, pk, EVP_sha256()))
		abort();
	snprintf(key_path, sizeof(key_path), "%s/key.pem", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", dir);
	if (!(f = fopen(key_path, "w")) || !PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) || fclose(f))
		abort();
	if (!(f = fopen(cert_path, "w")) || !PEM_write_X509(f, x) || fclose(f))
		abort();
	n = i2d_X509(x, &der);
	if (n <= 0 || (size_t)(4 * ((n + 2) / 3)) >= sizeof(cert_b64))
		abort();
	EVP_EncodeBlock((unsigned char *)cert_b64, der, n);
	OPENSSL_free(der);
	X509_NAME_free(nm);
	X509_free(x);
	EVP_PKEY_free(pk);
	tdk_diag_init(&d, "fuzz setup");
	if (tdk_signer_load(&signer, key_path, cert_path, NULL, NULL, time(NULL), &d))
		abort();
	anchors[0] = strdup(cert_path);
	trust.ca_files = anchors;
	trust.nca = 1;
	if (tdk_trust_load(&trust, &d))
		abort();
	/* Both are in memory now: leave nothing behind in /tmp. */
	unlink(key_path);
	unlink(cert_path);
	rmdir(dir);
}

/* Signs SignedInfo alone (exclusive C14N, ECDSA-SHA256), as a signer would, without running the references. */
static int sign_signedinfo(xmlDocPtr doc)
{
	xmlNodePtr sig = xmlDocGetRootElement(doc)->last, si, cm, sm, sv;
	xmlSecTransformCtx tctx;
	xmlSecTransformPtr c14n, alg;
	xmlSecNodeSetPtr nodes = NULL;
	xmlSecBufferPtr out;
	char *b64 = NULL;
	int r = -1;

	si = sig ? xmlFirstElementChild(sig) : NULL;
	cm = si ? xmlFirstElementChild(si) : NULL;
	sm = cm ? xmlNextElementSibling(cm) : NULL;
	sv = si ? xmlNextElementSibling(si) : NULL;
	if (!sm || !sv || xmlSecTransformCtxInitialize(&tctx) < 0)
		return -1;
	c14n = xmlSecTransformCtxNodeRead(&tctx, cm, xmlSecTransformUsageC14NMethod);
	alg = c14n ? xmlSecTransformCtxNodeRead(&tctx, sm, xmlSecTransformUsageSignatureMethod) : NULL;
	if (!alg)
		goto out;
	alg->operation = xmlSecTransformOperationSign;
	if (xmlSecTransformSetKey(alg, signer.xkey) < 0)
		goto out;
	nodes = xmlSecNodeSetGetChildren(doc, si, 1, 0);
	if (!nodes || xmlSecTransformCtxXmlExecute(&tctx, nodes) < 0 || !(out = tctx.result))
		goto out;
	b64 = malloc(4 * ((xmlSecBufferGetSize(out) + 2) / 3) + 1);
	if (!b64)
		goto out;
	EVP_EncodeBlock((unsigned char *)b64, xmlSecBufferGetData(out), (int)xmlSecBufferGetSize(out));
	xmlNodeSetContent(sv, (const xmlChar *)b64);
	r = 0;
out:
	free(b64);
	if (nodes)
		xmlSecNodeSetDestroy(nodes);
	xmlSecTransformCtxFinalize(&tctx);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const char head[] =
		"<D xmlns=\"urn:x\" Id=\"d\"><i n=\"1\">one</i><i n=\"2\"><!-- c --><?p i?>two</i>"
		"<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
		"<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
		"<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>"
		"<ds:Reference URI=\"\"><ds:Transforms>";
	static const char tail[] =
		"</ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
		"<ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference>"
		"</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s"
		"</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></D>";
	struct tdk_verify_opts o = { 1, 0, 0, 0, 0 };
	struct tdk_sig_report *reps = NULL;
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);
	struct tdk_diag d;
	xmlDocPtr doc = NULL;
	size_t nreps = 0;
	int r;

	if (!ready) {
		if (tdk_sign_lib_init())
			abort();
		make_key();
		ready = 1;
	}
	tdk_diag_init(&d, "fuzz.xml");
	if (tdk_buf_adds(&b, head) < 0 || tdk_buf_add(&b, data, size) < 0 ||
	    tdk_buf_addf(&b, tail, cert_b64) < 0)
		goto out;
	doc = tdk_xml_parse(b.data, b.len, "fuzz.xml", "VERIFY", NULL, &d);
	if (!doc || sign_signedinfo(doc) < 0)
		goto out;
	r = tdk_verify_doc(doc, NULL, &trust, &o, &reps, &nreps, &d);
	/* TDK_FUZZ_DEBUG=1: the verdict of each input, to check that seeds authenticate. */
	if (getenv("TDK_FUZZ_DEBUG"))
		fprintf(stderr, "verdict %d, %lu errors, %zu references\n", r, d.errors,
			nreps ? reps[0].nrefs : 0);
out:
	tdk_sig_reports_free(reps, nreps);
	xmlFreeDoc(doc);
	tdk_buf_release(&b);
	return 0;
}
