/*
 * wss-probe: drives lib/net/wss.h from the command line for the tests,
 * until tdk submit and tdk serve use it.
 *
 *   wss-probe [--cert FILE]... [--att CID TYPE FILE]... [--dkey KEY --dcert CERT] FILE
 *   wss-probe --sign KEY CERT [--att CID TYPE FILE]... [--encrypt-to CERT] [--header-only] IN OUT
 *
 * The first form reads the SOAP envelope FILE, decrypts its attachments
 * with the key KEY (certificate CERT) when given, writing each plaintext
 * beside its file as FILE.dec, and verifies its WS-Security signature
 * trusting exactly the signer certificates given; with attachments it
 * verifies as an AS4 receiver (tdk_wss_verify_msg, coverage included).  It
 * prints one line: "verified", or "missing: key" / "missing: attachment",
 * or "refused", then the references and the token's subject.
 *
 * The second form signs the envelope IN with the attachments (and, with
 * --encrypt-to, encrypts them for that certificate's owner), writes the
 * envelope to OUT and each attachment's bytes as sent to its FILE.sent, and
 * prints "CID TYPE" per attachment.  --header-only then signs again with
 * a signature that leaves out all but eb:Messaging, as a forger would.
 * Diagnostics go to standard error as "[CODE] message"; the exit status is
 * the library's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <libxml/tree.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>

#include "net/wss.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "xml/xml.h"
#include "wss-forge.h"

#define MAXATT 8

struct probe {
	const char *certs[8], *files[MAXATT], *key, *kcert, *dkey, *dcert, *encrypt_to, *in, *out;
	int ncert, header_only;
	struct tdk_wss_attachment att[MAXATT];
	struct tdk_buf bytes[MAXATT];
	size_t natt;
};

static void emit(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	fprintf(stderr, "%s:%lu: [%s] %s\n", it->file, it->loc.line, it->code, it->msg);
}

static int write_file(const char *path, const char *suffix, const void *p, size_t n)
{
	char name[4096];
	FILE *f;
	int ok;

	if ((size_t)snprintf(name, sizeof(name), "%s%s", path, suffix) >= sizeof(name) || !(f = fopen(name, "wb")))
		return -1;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int args(struct probe *p, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cert") && i + 1 < argc && p->ncert < 8)
			p->certs[p->ncert++] = argv[++i];
		else if (!strcmp(argv[i], "--att") && i + 3 < argc && p->natt < MAXATT) {
			p->att[p->natt].cid = argv[++i];
			p->att[p->natt].type = argv[++i];
			p->files[p->natt++] = argv[++i];
		} else if (!strcmp(argv[i], "--dkey") && i + 1 < argc)
			p->dkey = argv[++i];
		else if (!strcmp(argv[i], "--dcert") && i + 1 < argc)
			p->dcert = argv[++i];
		else if (!strcmp(argv[i], "--sign") && i + 2 < argc) {
			p->key = argv[++i];
			p->kcert = argv[++i];
		} else if (!strcmp(argv[i], "--encrypt-to") && i + 1 < argc)
			p->encrypt_to = argv[++i];
		else if (!strcmp(argv[i], "--header-only"))
			p->header_only = 1;
		else
			break;
	}
	if (p->key && i + 2 == argc) {
		p->in = argv[i];
		p->out = argv[i + 1];
		return 0;
	}
	p->in = argv[i];
	return !p->key && i + 1 == argc && !p->dkey == !p->dcert ? 0 : -1;
}

static void *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (!f)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

static int sign(struct probe *p, xmlDocPtr doc, struct tdk_diag *d)
{
	struct tdk_signer s;
	struct tdk_buf out = TDK_BUF_INIT((size_t)64 << 20);
	X509 *partner = NULL;
	size_t i;
	int r;

	memset(&s, 0, sizeof(s));
	if ((r = tdk_signer_load(&s, p->key, p->kcert, NULL, NULL, time(NULL), d)))
		goto out;
	if ((r = tdk_wss_sign(doc, &s, p->att, p->natt, d)))
		goto out;
	if (p->header_only && wss_forge_header_only(doc, &s) < 0) {
		r = TDK_EXIT_INTERNAL;
		goto out;
	}
	if (p->encrypt_to && (!(partner = read_cert(p->encrypt_to)) ||
			      (r = tdk_wss_encrypt(doc, partner, p->att, p->natt, d)))) {
		r = r ? r : TDK_EXIT_IO;
		goto out;
	}
	r = TDK_EXIT_IO;
	if (tdk_xml_dump(doc, &out) < 0 || write_file(p->out, "", out.data, out.len) < 0)
		goto out;
	for (i = 0; i < p->natt; i++) {
		if (write_file(p->files[i], ".sent", p->att[i].data, p->att[i].len) < 0)
			goto out;
		printf("%s %s\n", p->att[i].cid, p->att[i].type);
	}
	r = 0;
out:
	X509_free(partner);
	tdk_buf_release(&out);
	tdk_signer_release(&s);
	return r;
}

static int verify(struct probe *p, xmlDocPtr doc, struct tdk_diag *d)
{
	struct tdk_wss_result res;
	struct tdk_signer s;
	struct tdk_trust t;
	size_t i;
	int r = 0;

	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	memset(&res, 0, sizeof(res));
	t.cert_files = p->certs;
	t.ncert = (size_t)p->ncert;
	/* Without a certificate there is no trust to load: the library says what is missing. */
	if (p->ncert && (r = tdk_trust_load(&t, d)))
		goto out;
	if (p->dkey) {
		if ((r = tdk_signer_load(&s, p->dkey, p->dcert, NULL, NULL, time(NULL), d)) ||
		    (r = tdk_wss_decrypt(doc, &s, p->att, p->natt, d)))
			goto out;
		for (i = 0; i < p->natt; i++)
			if (write_file(p->files[i], ".dec", p->att[i].data, p->att[i].len) < 0)
				r = TDK_EXIT_IO;
		if (r)
			goto out;
	}
	r = p->natt ? tdk_wss_verify_msg(doc, &t, p->att, p->natt, &res, d) : tdk_wss_verify(doc, &t, &res, d);
	printf("%s refs=%u attachments=%u token=%s\n",
	       !r ? "verified" : res.missing ? (res.missing[0] == 'k' ? "missing: key" : "missing: attachment") : "refused",
	       res.refs, res.attachments, res.token[0] ? res.token : "-");
out:
	tdk_signer_release(&s);
	tdk_trust_release(&t);
	return r;
}

int main(int argc, char **argv)
{
	static struct probe p;
	struct tdk_buf in = TDK_BUF_INIT((size_t)64 << 20);
	struct tdk_diag d;
	xmlDocPtr doc = NULL;
	size_t i;
	int r = TDK_EXIT_USAGE;

	if (args(&p, argc, argv) < 0) {
		fprintf(stderr, "usage: wss-probe [--cert file]... [--att cid type file]... [--dkey key --dcert cert] file\n"
			"       wss-probe --sign key cert [--att cid type file]... [--encrypt-to cert] [--header-only] in out\n");
		return TDK_EXIT_USAGE;
	}
	tdk_diag_init(&d, p.in);
	d.emit = emit;
	if (tdk_sign_lib_init())
		return TDK_EXIT_INTERNAL;
	r = TDK_EXIT_IO;
	for (i = 0; i < p.natt; i++) {
		tdk_buf_init(&p.bytes[i], (size_t)64 << 20);
		if (tdk_read_all(p.files[i], p.bytes[i].max, &p.bytes[i]) < 0)
			goto out;
		p.att[i].data = (const unsigned char *)p.bytes[i].data;
		p.att[i].len = p.bytes[i].len;
	}
	if (tdk_read_all(p.in, in.max, &in) < 0 ||
	    !(doc = tdk_xml_parse(in.data, in.len, p.in, "VERIFY", NULL, &d)))
		goto out;
	r = p.key ? sign(&p, doc, &d) : verify(&p, doc, &d);
out:
	tdk_wss_attachments_release(p.att, p.natt);
	for (i = 0; i < p.natt; i++)
		tdk_buf_release(&p.bytes[i]);
	xmlFreeDoc(doc);
	tdk_buf_release(&in);
	tdk_sign_lib_shutdown();
	return r;
}
