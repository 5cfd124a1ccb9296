/*
 * Unit tests of lib/net/as2: the MIC of RFC 4130 on a known digest, the MIME
 * helpers (parameters, multipart limits, base64 both ways), a build and read
 * in memory with keys made here (signed, compressed, encrypted with OAEP),
 * a decompression bomb stopped at TDK_AS2_MAX_BODY, and MDN fields refused.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "net/as2-int.h"
#include "util/exitcode.h"
#include "tap.h"

static const char *last_code;

static void emit(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	last_code = it->code;
}

static X509 *self_signed(EVP_PKEY *k, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	X509_NAME_free(n);
	return x;
}

static void helpers(struct tdk_diag *d)
{
	static const char ct[] = "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; "
				 "boundary=\"a;b \\\"c\"";
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);
	struct as2_slice parts[TDK_AS2_MAX_PARTS];
	char v[64];
	size_t np, i;
	int rc;

	ok(as2_param(ct, "boundary", v, sizeof(v)) && !strcmp(v, "a;b \"c"), "a quoted parameter with ; and \\\" in it");
	ok(as2_param(ct, "micalg", v, sizeof(v)) && !strcmp(v, "sha-256"), "a bare parameter");
	ok(!as2_param(ct, "name", v, sizeof(v)), "a parameter that is not there");
	ok(as2_type_is(ct, "Multipart/Signed") && !as2_type_is(ct, "multipart/sign"), "media types compare whole, in any case");
	for (i = 0; i <= TDK_AS2_MAX_PARTS; i++)
		tdk_buf_adds(&b, "--x\r\n\r\npart\r\n");
	tdk_buf_adds(&b, "--x--\r\n");
	rc = as2_multipart((struct as2_slice){ (unsigned char *)b.data, b.len }, "x", parts, &np, d);
	ok(rc == TDK_EXIT_IO && !strcmp(last_code, "AS2-LIMIT"), "17 parts: AS2-LIMIT");
	tdk_buf_reset(&b);
	ok(!as2_b64_encode((const unsigned char *)"any carnal pleas", 16, &b, 0) &&
	   !strcmp(b.data, "YW55IGNhcm5hbCBwbGVhcw=="), "base64 of the RFC 4648 style example");
	tdk_buf_release(&b);
}

static void round_trip(EVP_PKEY *ka, X509 *ca, EVP_PKEY *kb, X509 *cb, struct tdk_diag *d)
{
	static const char pay[] = "UNB+UNOC:3+A+B+260101:1200+1'\nUNZ+1+1'\n";
	struct tdk_as2_send s = { "sha384", "aes256-gcm", 1, 1, NULL, ka, ca, cb };
	struct tdk_as2_recv r = { kb, cb, ca, 1, 1, NULL };
	struct tdk_as2_msg m;
	struct tdk_as2_in in;
	int rc;

	rc = tdk_as2_build(&s, pay, sizeof(pay) - 1, "application/edifact", &m, d);
	ok(rc == 0 && strstr(m.content_type, "smime-type=authEnveloped-data"), "built: compressed, signed, aes256-gcm");
	rc = tdk_as2_read(&r, m.content_type, m.body, m.len, &in, d);
	ok(rc == 0 && in.len == sizeof(pay) - 1 && !memcmp(in.payload, pay, in.len), "read back whole");
	ok(in.was_signed && in.was_encrypted && in.was_compressed, "with every layer seen");
	ok(!strcmp(in.mic, m.mic) && strstr(in.mic, ", sha-384"), "the MIC on receipt is the MIC when sending");
	tdk_as2_in_release(&in);
	r.partner = cb;
	rc = tdk_as2_read(&r, m.content_type, m.body, m.len, &in, d);
	ok(rc == TDK_EXIT_NEGATIVE && !strcmp(last_code, "AS2-SIG-SIGNER"), "another partner certificate: AS2-SIG-SIGNER");
	tdk_as2_in_release(&in);
	tdk_as2_msg_release(&m);
	s.sign = NULL;
	s.encrypt = NULL;
	s.compress = 0;
	s.mic_alg = "sha1";
	rc = tdk_as2_build(&s, "abc", 3, "text/plain", &m, d);
	ok(rc == 0 && !strcmp(m.mic, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=, sha1"), "unsigned: the SHA-1 MIC of \"abc\"");
	tdk_as2_msg_release(&m);
}

static void bomb(struct tdk_diag *d)
{
	size_t n = (size_t)TDK_AS2_MAX_BODY + 4096;
	unsigned char *zeros = calloc(1, n);
	struct tdk_buf der = TDK_BUF_INIT(TDK_AS2_MAX_BODY);
	struct tdk_as2_recv r = { NULL, NULL, NULL, 0, 0, NULL };
	struct tdk_as2_in in;
	int rc;

	ok(zeros && !as2_compress((struct as2_slice){ zeros, n }, &der) && der.len < 200000, "64 MiB of zeros compress small");
	rc = tdk_as2_read(&r, "application/pkcs7-mime; smime-type=compressed-data", der.data, der.len, &in, d);
	ok(rc == TDK_EXIT_IO && !strcmp(last_code, "AS2-LIMIT"), "and are stopped at TDK_AS2_MAX_BODY: AS2-LIMIT");
	tdk_as2_in_release(&in);
	tdk_buf_release(&der);
	free(zeros);
}

static void mdn_fields(struct tdk_diag *d)
{
	struct tdk_as2_mdn m = { "tdk", "B", "<m@a>\r\nX-Injected: 1", NULL, NULL, NULL, NULL, NULL, NULL };
	struct tdk_as2_msg out;

	ok(tdk_as2_mdn_build(&m, &out, d) == TDK_EXIT_USAGE && !strcmp(last_code, "AS2-MDN-FIELD"),
	   "a Message-ID with a line break: AS2-MDN-FIELD");
	tdk_as2_msg_release(&out);
}

int main(void)
{
	struct tdk_diag d;
	EVP_PKEY *ka = EVP_RSA_gen(2048), *kb = EVP_RSA_gen(2048);
	X509 *ca = self_signed(ka, "a"), *cb = self_signed(kb, "b");

	tdk_diag_init(&d, "t-as2");
	d.emit = emit;
	helpers(&d);
	round_trip(ka, ca, kb, cb, &d);
	bomb(&d);
	mdn_fields(&d);
	X509_free(ca);
	X509_free(cb);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	return done();
}
