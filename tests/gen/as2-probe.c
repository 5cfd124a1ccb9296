/*
 * as2-probe: drives lib/net/as2.h from the command line for the tests, until
 * tdk submit and tdk serve speak AS2.  Keys and certificates are PEM files.
 *
 *   as2-probe send --payload F --type T [--sign ALG --key K --cert C]
 *             [--encrypt CIPHER --partner P [--oaep]] [--compress] [--mic-alg A]
 *             [--entity F] [--body F]
 *
 * builds a body; prints "content-type: ..." and "mic: ..."; --entity writes
 * it as a MIME entity (the Content-Type header, MIME-Version, an empty line,
 * the body), --body the body alone.
 *
 *   as2-probe recv --in F [--content-type T] [--key K --cert C] [--partner P]
 *             [--require-signed] [--require-encrypted] [--mic-alg A] [--out F]
 *
 * reads a body (an entity with its headers, or the body alone under
 * --content-type); prints "type:", "mic:" and the layers found; --out writes
 * the payload.
 *
 *   as2-probe mdn --recipient R --original-id ID [--mic M] [--error E]
 *             [--sign ALG --key K --cert C] --entity F
 *   as2-probe mdn-read --in F [--partner P] [--require-signed]
 *             [--message-id ID] [--mic M]
 *
 * make and check an MDN; mdn-read prints what it says.  Diagnostics go to
 * standard error; the exit status is the library's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "net/as2.h"
#include "util/exitcode.h"
#include "util/io.h"

static void emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	(void)arg;
	if (tdk_diag_format_text(&b, it) == 0)
		fputs(b.data, stderr);
	tdk_buf_release(&b);
}

struct opts {
	const char *cmd, *payload, *type, *sign, *key, *cert, *encrypt, *partner, *mic_alg, *entity, *body, *in,
		*ctype, *out, *recipient, *original_id, *mic, *error, *message_id;
	int oaep, compress, require_signed, require_encrypted;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const char *const names[] = { "--payload", "--type", "--sign", "--key", "--cert", "--encrypt",
		"--partner", "--mic-alg", "--entity", "--body", "--in", "--content-type", "--out", "--recipient",
		"--original-id", "--mic", "--error", "--message-id" };
	const char **slots[] = { &o->payload, &o->type, &o->sign, &o->key, &o->cert, &o->encrypt, &o->partner,
		&o->mic_alg, &o->entity, &o->body, &o->in, &o->ctype, &o->out, &o->recipient, &o->original_id,
		&o->mic, &o->error, &o->message_id };
	int i;
	size_t k;

	memset(o, 0, sizeof(*o));
	if (argc < 2)
		return -1;
	o->cmd = argv[1];
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--oaep"))
			o->oaep = 1;
		else if (!strcmp(argv[i], "--compress"))
			o->compress = 1;
		else if (!strcmp(argv[i], "--require-signed"))
			o->require_signed = 1;
		else if (!strcmp(argv[i], "--require-encrypted"))
			o->require_encrypted = 1;
		else {
			for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if (!strcmp(argv[i], names[k]) && i + 1 < argc) {
					*slots[k] = argv[++i];
					break;
				}
			if (k == sizeof(names) / sizeof(names[0]))
				return -1;
		}
	}
	return 0;
}

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return k;
}

static X509 *load_cert(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	X509 *c = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return c;
}

static int slurp(const char *path, char **data, size_t *n)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_AS2_MAX_BODY + 1);
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t k;

	if (!f)
		return -1;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (tdk_buf_add(&b, chunk, k)) {
			fclose(f);
			tdk_buf_release(&b);
			return -1;
		}
	fclose(f);
	*n = b.len;
	*data = tdk_buf_detach(&b);
	return *data ? 0 : -1;
}

static int spill(const char *path, const char *head, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int r;

	if (!f)
		return -1;
	if (head)
		fprintf(f, "Content-Type: %s\r\nMIME-Version: 1.0\r\n\r\n", head);
	r = fwrite(p, 1, n, f) == n ? 0 : -1;
	return fclose(f) || r ? -1 : 0;
}

static int send_cmd(const struct opts *o, EVP_PKEY *key, X509 *cert, X509 *partner, struct tdk_diag *d)
{
	struct tdk_as2_send s = { o->sign, o->encrypt, o->compress, o->oaep, o->mic_alg, key, cert, partner };
	struct tdk_as2_msg m;
	char *pl = NULL;
	size_t n = 0;
	int rc;

	if (!o->payload || !o->type || slurp(o->payload, &pl, &n))
		return TDK_EXIT_IO;
	rc = tdk_as2_build(&s, pl, n, o->type, &m, d);
	if (!rc) {
		printf("content-type: %s\nmic: %s\n", m.content_type, m.mic);
		if ((o->entity && spill(o->entity, m.content_type, m.body, m.len)) ||
		    (o->body && spill(o->body, NULL, m.body, m.len)))
			rc = TDK_EXIT_IO;
	}
	tdk_as2_msg_release(&m);
	free(pl);
	return rc;
}

static int recv_cmd(const struct opts *o, EVP_PKEY *key, X509 *cert, X509 *partner, struct tdk_diag *d)
{
	struct tdk_as2_recv r = { key, cert, partner, o->require_signed, o->require_encrypted, o->mic_alg };
	struct tdk_as2_in in;
	char *data = NULL;
	size_t n = 0;
	int rc;

	if (!o->in || slurp(o->in, &data, &n))
		return TDK_EXIT_IO;
	rc = tdk_as2_read(&r, o->ctype, data, n, &in, d);
	if (!rc) {
		printf("type: %s\nmic: %s\nsigned: %d\nencrypted: %d\ncompressed: %d\nbytes: %zu\n", in.content_type,
		       in.mic, in.was_signed, in.was_encrypted, in.was_compressed, in.len);
		if (o->out && spill(o->out, NULL, in.payload, in.len))
			rc = TDK_EXIT_IO;
	}
	tdk_as2_in_release(&in);
	free(data);
	return rc;
}

static int mdn_cmd(const struct opts *o, EVP_PKEY *key, X509 *cert, struct tdk_diag *d)
{
	struct tdk_as2_mdn m = { "tdk as2-probe", o->recipient, o->original_id, o->mic, o->error, NULL, o->sign,
				 key, cert };
	struct tdk_as2_msg out;
	int rc = tdk_as2_mdn_build(&m, &out, d);

	if (!rc && o->entity && spill(o->entity, out.content_type, out.body, out.len))
		rc = TDK_EXIT_IO;
	if (!rc)
		printf("content-type: %s\n", out.content_type);
	tdk_as2_msg_release(&out);
	return rc;
}

static int mdn_read_cmd(const struct opts *o, X509 *partner, struct tdk_diag *d)
{
	struct tdk_as2_mdn_check c = { partner, o->require_signed, o->message_id, o->mic };
	struct tdk_as2_mdn_result res;
	char *data = NULL;
	size_t n = 0;
	int rc;

	if (!o->in || slurp(o->in, &data, &n))
		return TDK_EXIT_IO;
	rc = tdk_as2_mdn_read(&c, o->ctype, data, n, &res, d);
	printf("signed: %d\noriginal-message-id: %s\ndisposition: %s\nmic: %s\nprocessed: %d\n", res.was_signed,
	       res.original_id ? res.original_id : "-", res.disposition ? res.disposition : "-",
	       res.mic ? res.mic : "-", res.processed);
	tdk_as2_mdn_result_release(&res);
	free(data);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct tdk_diag d;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL, *partner = NULL;
	int rc = TDK_EXIT_USAGE;

	tdk_diag_init(&d, "as2-probe");
	d.emit = emit;
	if (parse(argc, argv, &o)) {
		fputs("usage: as2-probe send|recv|mdn|mdn-read [options] (see tests/gen/as2-probe.c)\n", stderr);
		return TDK_EXIT_USAGE;
	}
	if ((o.key && !(key = load_key(o.key))) || (o.cert && !(cert = load_cert(o.cert))) ||
	    (o.partner && !(partner = load_cert(o.partner)))) {
		fputs("as2-probe: cannot read a key or certificate\n", stderr);
		rc = TDK_EXIT_IO;
	} else if (!strcmp(o.cmd, "send"))
		rc = send_cmd(&o, key, cert, partner, &d);
	else if (!strcmp(o.cmd, "recv"))
		rc = recv_cmd(&o, key, cert, partner, &d);
	else if (!strcmp(o.cmd, "mdn"))
		rc = mdn_cmd(&o, key, cert, &d);
	else if (!strcmp(o.cmd, "mdn-read"))
		rc = mdn_read_cmd(&o, partner, &d);
	EVP_PKEY_free(key);
	X509_free(cert);
	X509_free(partner);
	return rc;
}
