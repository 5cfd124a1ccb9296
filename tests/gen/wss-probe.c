/*
 * wss-probe: drives lib/net/wss.h from the command line for the tests,
 * until tdk submit and tdk serve use it.
 *
 *   wss-probe [--cert FILE]... FILE
 *
 * reads the SOAP envelope FILE, verifies its WS-Security signature trusting
 * exactly the signer certificates given, and prints one line: "verified",
 * or "missing: key" / "missing: attachment", or "refused", then the
 * references and the token's subject.  Diagnostics go to standard error as
 * "[CODE] message"; the exit status is the library's.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "net/wss.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "xml/xml.h"

static void emit(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	fprintf(stderr, "%s:%lu: [%s] %s\n", it->file, it->loc.line, it->code, it->msg);
}

int main(int argc, char **argv)
{
	const char *certs[8];
	struct tdk_buf in = TDK_BUF_INIT((size_t)64 << 20);
	struct tdk_wss_result res;
	struct tdk_trust t;
	struct tdk_diag d;
	xmlDocPtr doc = NULL;
	int i, n = 0, r = TDK_EXIT_USAGE;

	memset(&t, 0, sizeof(t));
	for (i = 1; i + 1 < argc && !strcmp(argv[i], "--cert") && n < 8; i += 2)
		certs[n++] = argv[i + 1];
	if (i != argc - 1) {
		fprintf(stderr, "usage: wss-probe [--cert file]... file\n");
		return TDK_EXIT_USAGE;
	}
	t.cert_files = certs;
	t.ncert = (size_t)n;
	tdk_diag_init(&d, argv[i]);
	d.emit = emit;
	if (tdk_sign_lib_init())
		return TDK_EXIT_INTERNAL;
	/* Without a certificate there is no trust to load: the library says what is missing. */
	if (n && (r = tdk_trust_load(&t, &d)))
		goto out;
	r = TDK_EXIT_IO;
	if (tdk_read_all(argv[i], in.max, &in) < 0 ||
	    !(doc = tdk_xml_parse(in.data, in.len, argv[i], "VERIFY", NULL, &d)))
		goto out;
	r = tdk_wss_verify(doc, &t, &res, &d);
	printf("%s refs=%u attachments=%u token=%s\n",
	       !r ? "verified" : res.missing ? (res.missing[0] == 'k' ? "missing: key" : "missing: attachment") : "refused",
	       res.refs, res.attachments, res.token[0] ? res.token : "-");
out:
	xmlFreeDoc(doc);
	tdk_buf_release(&in);
	tdk_trust_release(&t);
	tdk_sign_lib_shutdown();
	return r;
}
