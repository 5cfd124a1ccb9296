/*
 * as4-probe: drives lib/net/as4.h from the command line for the tests,
 * until tdk submit and tdk serve use it.  Diagnostics go to standard error;
 * the exit status is the library's.  CT is a Content-Type: "@FILE" reads it
 * from FILE, "-" means the message file is a whole MIME entity with its
 * header, anything else is the Content-Type itself.
 *
 *   as4-probe build ENDPOINTS NAME BODY CTFILE [-z] [-i ID] [-s KEY CERT [-a] [-E CERT]] FILE=TYPE ...
 *                          builds a UserMessage of endpoint NAME with the payloads (-z: compressed),
 *                          writes the body to BODY and the Content-Type to CTFILE, prints the MessageId;
 *                          -s signs it with KEY (lib/net/wss.h; -a: the signature leaves the
 *                          attachments out, -H: it covers eb:Messaging alone, as a forger's would),
 *                          -E then encrypts it for CERT's owner
 *   as4-probe read CT FILE [-x] [-m MAX] [-o DIR] [-e ENVELOPE]
 *                          reads a message: prints its MessageId and one line per attachment
 *                          "attachment: N CID TYPE LEN [gzip MIMETYPE]"; -x decompresses (within MAX
 *                          bytes), -o writes attachment N to DIR/N, -e the envelope to ENVELOPE
 *   as4-probe receipt CT FILE
 *                          prints a non-repudiation Receipt for the message, from its signature's references
 *   as4-probe check RECEIPT CT SENT ID
 *                          checks the Receipt in RECEIPT (an envelope) against the sent message SENT
 *   as4-probe errors FILE  turns the Error signal in FILE (an envelope) into diagnostics
 *   as4-probe build ... -k KEY CERT [-p PARTNER]
 *                          seals the message (tdk_as4_seal): signed with KEY, encrypted for PARTNER
 *   as4-probe answer CT FILE SENTCT SENT ID PARTNER
 *                          checks the answer FILE to the sent message SENT (tdk_as4_answer_check,
 *                          trusting PARTNER) and prints its verdict and the signal's MessageId
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "net/as4.h"
#include "net/endpoint.h"
#include "net/wss.h"
#include "sign/sign.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "xml/xml.h"
#include "wss-forge.h"

#define MAXPAY 16

static void emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	(void)arg;
	if (tdk_diag_format_text(&b, it) == 0)
		fputs(b.data, stderr);
	tdk_buf_release(&b);
}

static int load(const char *path, size_t max, struct tdk_buf *b)
{
	if (tdk_read_all(path, max, b) != 0) {
		fprintf(stderr, "as4-probe: cannot read %s\n", path);
		return -1;
	}
	return 0;
}

static int save(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(p, 1, n, f) != n;

	if (f && fclose(f))
		bad = 1;
	if (bad)
		fprintf(stderr, "as4-probe: cannot write %s\n", path);
	return bad ? -1 : 0;
}

/* Reads message file path with Content-Type argument ct into m and hdr. */
static int read_msg(const char *ct, const char *path, struct tdk_as4_msg *m, struct tdk_ebms_msg *hdr,
		    struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(0), c = TDK_BUF_INIT(4096);
	int ret = TDK_EXIT_IO;

	if (load(path, TDK_AS4_MAX_MESSAGE, &b) || (ct[0] == '@' && load(ct + 1, 4096, &c)))
		goto out;
	while (c.len && (c.data[c.len - 1] == '\n' || c.data[c.len - 1] == '\r'))
		c.data[--c.len] = '\0';
	ret = tdk_as4_read(!strcmp(ct, "-") ? NULL : ct[0] == '@' ? c.data : ct, b.data ? b.data : "", b.len, path,
			   m, hdr, d);
out:
	tdk_buf_release(&b);
	tdk_buf_release(&c);
	return ret;
}

/* What -s, -a and -E (or -k and -p: through tdk_as4_seal) ask of a message built. */
struct seal {
	const char *key, *cert, *encrypt_to;
	int skip_att, header_only, lib;
};

/* Signs (and encrypts) m as s asks, the attachments bridged through tdk_as4_wss_view/_take. */
static int seal(const struct seal *s, struct tdk_as4_msg *m, struct tdk_diag *d)
{
	struct tdk_wss_attachment a[TDK_WSS_MAX_ATTACHMENTS];
	struct tdk_signer sg;
	X509 *to = NULL;
	size_t n;
	int ret;

	memset(&sg, 0, sizeof(sg));
	n = tdk_as4_wss_view(m, a);
	if (tdk_sign_lib_init())
		return TDK_EXIT_INTERNAL;
	ret = tdk_signer_load(&sg, s->key, s->cert, NULL, NULL, time(NULL), d);
	if (!ret && s->lib) {
		FILE *f = s->encrypt_to ? fopen(s->encrypt_to, "r") : NULL;

		to = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
		if (f)
			fclose(f);
		ret = s->encrypt_to && !to ? TDK_EXIT_IO : tdk_as4_seal(m, &sg, to, d);
		goto out;
	}
	if (!ret)
		ret = tdk_wss_sign(m->env, &sg, a, s->skip_att ? 0 : n, d);
	if (!ret && s->header_only && wss_forge_header_only(m->env, &sg) < 0)
		ret = TDK_EXIT_INTERNAL;
	if (!ret && s->encrypt_to) {
		FILE *f = fopen(s->encrypt_to, "r");

		to = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
		if (f)
			fclose(f);
		ret = !to ? TDK_EXIT_IO : tdk_wss_encrypt(m->env, to, a, n, d);
		if (!ret && tdk_as4_wss_take(m, a, n) < 0)
			ret = TDK_EXIT_INTERNAL;
	}
out:
	X509_free(to);
	tdk_wss_attachments_release(a, n);
	tdk_signer_release(&sg);
	return ret;
}

static int cmd_build(char **argv, int argc, struct tdk_diag *d)
{
	struct tdk_as4_payload p[MAXPAY];
	struct tdk_buf data[MAXPAY], body = TDK_BUF_INIT(TDK_AS4_MAX_MESSAGE), ct = TDK_BUF_INIT(4096);
	struct tdk_endpoints eps;
	const struct tdk_endpoint *ep;
	struct tdk_as4_msg m;
	const char *id = NULL;
	struct seal sl = { NULL, NULL, NULL, 0, 0, 0 };
	int z = 0, n = 0, ret;

	tdk_endpoints_init(&eps);
	tdk_as4_msg_init(&m);
	ret = tdk_endpoints_load(&eps, argv[0], d);
	if (ret)
		goto out;
	ret = TDK_EXIT_USAGE;
	if (!(ep = tdk_endpoints_find(&eps, argv[1])))
		goto out;
	for (int i = 4; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!strcmp(argv[i], "-z")) {
			z = 1;
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			id = argv[++i];
		} else if ((!strcmp(argv[i], "-k") || !strcmp(argv[i], "-s")) && i + 2 < argc) {
			sl.lib = argv[i][1] == 'k';
			sl.key = argv[++i];
			sl.cert = argv[++i];
		} else if ((!strcmp(argv[i], "-E") || !strcmp(argv[i], "-p")) && i + 1 < argc) {
			sl.encrypt_to = argv[++i];
		} else if (!strcmp(argv[i], "-a")) {
			sl.skip_att = 1;
		} else if (!strcmp(argv[i], "-H")) {
			sl.header_only = 1;
		} else if (eq && n < MAXPAY) {
			*eq = '\0';
			tdk_buf_init(&data[n], 0);
			if (load(argv[i], TDK_AS4_MAX_PAYLOAD + 1, &data[n])) {
				tdk_buf_release(&data[n]);
				ret = TDK_EXIT_IO;
				goto out;
			}
			p[n].name = argv[i];
			p[n].type = eq + 1;
			p[n].bytes = data[n].data;
			p[n].len = data[n].len;
			n++;
		} else {
			goto out;
		}
	}
	ret = tdk_as4_build(ep, p, (size_t)n, id, z, (long long)time(NULL), &m, d);
	if (ret == TDK_EXIT_OK && sl.key)
		ret = seal(&sl, &m, d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_serialise(&m, &body, &ct, d);
	if (ret == TDK_EXIT_OK) {
		if (save(argv[2], body.data, body.len) || save(argv[3], ct.data, ct.len))
			ret = TDK_EXIT_IO;
		else
			printf("%s\n", m.message_id);
	}
out:
	while (n > 0)
		tdk_buf_release(&data[--n]);
	tdk_buf_release(&body);
	tdk_buf_release(&ct);
	tdk_as4_msg_release(&m);
	tdk_endpoints_release(&eps);
	return ret;
}

static int write_parts(const struct tdk_as4_msg *m, const char *dir, const char *env)
{
	struct tdk_buf b = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE * 4);
	char path[4096];
	int bad = 0;

	for (size_t i = 0; dir && i < m->natt; i++) {
		snprintf(path, sizeof(path), "%s/%zu", dir, i + 1);
		bad |= save(path, m->att[i].bytes ? (const void *)m->att[i].bytes : "", m->att[i].len);
	}
	if (env && m->env)
		bad |= tdk_xml_dump(m->env, &b) || save(env, b.data, b.len);
	tdk_buf_release(&b);
	return bad ? TDK_EXIT_IO : TDK_EXIT_OK;
}

static int cmd_read(char **argv, int argc, struct tdk_diag *d)
{
	const char *dir = NULL, *env = NULL;
	struct tdk_ebms_msg hdr;
	struct tdk_as4_msg m;
	size_t max = 0;
	int x = 0, ret, r;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-x"))
			x = 1;
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			max = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "-e") && i + 1 < argc)
			env = argv[++i];
		else
			return TDK_EXIT_USAGE;
	}
	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	ret = read_msg(argv[0], argv[1], &m, &hdr, d);
	if (ret == TDK_EXIT_OK && x)
		ret = tdk_as4_decompress(&m, max, d);
	if (hdr.has_user && hdr.user.message_id)
		printf("message-id: %s\n", hdr.user.message_id);
	if (hdr.has_signal && hdr.signal.message_id)
		printf("signal-message-id: %s\n", hdr.signal.message_id);
	for (size_t i = 0; i < m.natt; i++)
		printf("attachment: %zu %s %s %zu%s%s\n", i + 1, m.att[i].cid, m.att[i].type, m.att[i].len,
		       m.att[i].compressed ? " gzip " : "", m.att[i].compressed ? m.att[i].mime_type : "");
	if (m.ebms_code)
		printf("ebms-error: %s\n", m.ebms_code);
	r = write_parts(&m, dir, env);
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
	return ret == TDK_EXIT_OK ? r : ret;
}

static int cmd_receipt(char **argv, struct tdk_diag *d)
{
	struct tdk_buf out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct tdk_ebms_msg hdr;
	struct tdk_as4_msg m;
	char id[128];
	int ret;

	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	ret = read_msg(argv[0], argv[1], &m, &hdr, d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_ebms_message_id("tdk.example", id, sizeof(id)) ? TDK_EXIT_INTERNAL :
		      tdk_ebms_build_receipt(&hdr, hdr.sig_refs, hdr.nsig_refs, id, (long long)time(NULL), &out, d);
	if (ret == TDK_EXIT_OK)
		fwrite(out.data, 1, out.len, stdout);
	tdk_buf_release(&out);
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
	return ret;
}

static int cmd_check(char **argv, struct tdk_diag *d)
{
	struct tdk_ebms_msg rh, sh;
	struct tdk_as4_msg r, s;
	int ret;

	tdk_as4_msg_init(&r);
	tdk_as4_msg_init(&s);
	tdk_ebms_msg_init(&rh);
	tdk_ebms_msg_init(&sh);
	ret = read_msg("application/soap+xml", argv[0], &r, &rh, d);
	if (ret != TDK_EXIT_INTERNAL && r.env) {
		ret = read_msg(argv[1], argv[2], &s, &sh, d);
		if (ret != TDK_EXIT_INTERNAL && s.env)
			ret = tdk_as4_receipt_check(r.env, s.env, argv[3], d);
	}
	tdk_as4_msg_release(&r);
	tdk_as4_msg_release(&s);
	tdk_ebms_msg_release(&rh);
	tdk_ebms_msg_release(&sh);
	return ret;
}

static int cmd_errors(const char *path, struct tdk_diag *d)
{
	struct tdk_ebms_msg hdr;
	struct tdk_as4_msg m;
	int ret;

	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	ret = read_msg("application/soap+xml", path, &m, &hdr, d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_signal_errors(&hdr, d);
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
	return ret;
}

static int cmd_answer(char **argv, struct tdk_diag *d)
{
	static const char *const verdicts[] = { "accepted", "rejected", "untrusted", "mismatch", "unreadable" };
	struct tdk_buf b = TDK_BUF_INIT(0);
	struct tdk_as4_answer a = { TDK_AS4_UNREADABLE, NULL };
	struct tdk_ebms_msg sh;
	struct tdk_as4_msg s;
	struct tdk_trust t;
	int ret = TDK_EXIT_IO;

	tdk_as4_msg_init(&s);
	tdk_ebms_msg_init(&sh);
	memset(&t, 0, sizeof(t));
	t.cert_files = (const char *const *)&argv[5];
	t.ncert = 1;
	if (tdk_sign_lib_init())
		return TDK_EXIT_INTERNAL;
	if (load(argv[1], TDK_AS4_MAX_MESSAGE, &b) || (ret = tdk_trust_load(&t, d)) != 0)
		goto out;
	ret = read_msg(argv[2], argv[3], &s, &sh, d);
	if (ret != TDK_EXIT_INTERNAL && s.env)
		ret = tdk_as4_answer_check(argv[0], b.data ? b.data : "", b.len, s.env, argv[4], &t, &a, d);
	printf("%s %s\n", verdicts[a.verdict], a.signal_id ? a.signal_id : "-");
out:
	tdk_as4_answer_release(&a);
	tdk_trust_release(&t);
	tdk_buf_release(&b);
	tdk_as4_msg_release(&s);
	tdk_ebms_msg_release(&sh);
	tdk_sign_lib_shutdown();
	return ret;
}

int main(int argc, char **argv)
{
	struct tdk_diag d;
	int ret = TDK_EXIT_USAGE;

	tdk_xml_local_input();
	tdk_diag_init(&d, "as4-probe");
	d.emit = emit;
	if (argc >= 6 && !strcmp(argv[1], "build"))
		ret = cmd_build(argv + 2, argc - 2, &d);
	else if (argc >= 4 && !strcmp(argv[1], "read"))
		ret = cmd_read(argv + 2, argc - 2, &d);
	else if (argc == 4 && !strcmp(argv[1], "receipt"))
		ret = cmd_receipt(argv + 2, &d);
	else if (argc == 6 && !strcmp(argv[1], "check"))
		ret = cmd_check(argv + 2, &d);
	else if (argc == 3 && !strcmp(argv[1], "errors"))
		ret = cmd_errors(argv[2], &d);
	else if (argc == 8 && !strcmp(argv[1], "answer"))
		ret = cmd_answer(argv + 2, &d);
	else
		fprintf(stderr, "usage: as4-probe build|read|receipt|check|errors|answer ...\n");
	return ret;
}
