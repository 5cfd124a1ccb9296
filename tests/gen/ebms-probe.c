/*
 * ebms-probe: drives lib/net/ebms.h from the command line for the tests,
 * until tdk submit and tdk serve use it.  Diagnostics go to standard error;
 * the exit status is the library's.
 *
 *   ebms-probe read FILE            reads an ebMS 3 message and prints what it holds, one "key: value" a line
 *   ebms-probe verdict XSD FILE     prints the header's verdict as the corpus's VERDICTS.tsv words it:
 *                                   "not well-formed", "well-formed" (no eb:Messaging), "XSD ok" or
 *                                   "XSD FAIL: Element '{ns}name'" (the first element in fault); a fault
 *                                   that is not the schema's (XML-NAMESPACE) does not change it, but
 *                                   is reported and makes the exit status 1
 *   ebms-probe user ENDPOINTS NAME [CID=TYPE[:gz] ...]
 *                                   builds a UserMessage from endpoint NAME's as4 settings
 *   ebms-probe receipt FILE         builds a Receipt for the UserMessage in FILE from its signature's references
 *   ebms-probe error CODE [REF]     builds an Error signal
 *   ebms-probe pmode FILE           reads a Holodeck B2B or Domibus P-Mode, prints endpoints-file sections
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/ebms.h"
#include "net/endpoint.h"
#include "util/exitcode.h"
#include "util/io.h"
#include "xml/xml.h"

static char first_xsd[TDK_DIAG_MSG_MAX];

static void emit(void *arg, const struct tdk_diag_item *it)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	(void)arg;
	if (!first_xsd[0] && !strcmp(it->code, "XML-XSD"))
		snprintf(first_xsd, sizeof(first_xsd), "%s", it->msg);
	if (tdk_diag_format_text(&b, it) == 0)
		fputs(b.data, stderr);
	tdk_buf_release(&b);
}

static void show(const char *key, const char *v)
{
	if (v)
		printf("%s: %s\n", key, v);
}

static void print_user(const struct tdk_ebms_user *u)
{
	show("timestamp", u->timestamp);
	show("message-id", u->message_id);
	show("ref-to", u->ref_to);
	show("mpc", u->mpc);
	show("from-party", u->from.id);
	show("from-party-type", u->from.type);
	show("from-role", u->from.role);
	show("to-party", u->to.id);
	show("to-party-type", u->to.type);
	show("to-role", u->to.role);
	show("agreement", u->agreement);
	show("agreement-pmode", u->agreement_pmode);
	show("service", u->service);
	show("service-type", u->service_type);
	show("action", u->action);
	show("conversation-id", u->conversation_id);
	for (size_t i = 0; i < u->nprops; i++)
		printf("property: %s=%s\n", u->props[i].name ? u->props[i].name : "", u->props[i].value ? u->props[i].value : "");
	for (size_t i = 0; i < u->nparts; i++)
		printf("part: %s %s%s%s\n", u->parts[i].href ? u->parts[i].href : "(body)",
		       u->parts[i].mime_type ? u->parts[i].mime_type : "-", u->parts[i].compression ? " " : "",
		       u->parts[i].compression ? u->parts[i].compression : "");
}

static void print_signal(const struct tdk_ebms_signal *s)
{
	show("signal-timestamp", s->timestamp);
	show("signal-message-id", s->message_id);
	show("signal-ref-to", s->ref_to);
	if (s->receipt)
		printf("receipt: %s\n", s->nri ? "nri" : "plain");
	if (s->pull)
		printf("pull-request: %s\n", s->pull_mpc ? s->pull_mpc : "(default)");
	for (size_t i = 0; i < s->nrefs; i++)
		printf("nri: %s %s %s\n", s->refs[i].uri ? s->refs[i].uri : "", s->refs[i].digest_method ?
		       s->refs[i].digest_method : "", s->refs[i].digest_value ? s->refs[i].digest_value : "");
	for (size_t i = 0; i < s->nerrors; i++)
		printf("error: %s %s %s %s\n", s->errors[i].code ? s->errors[i].code : "-",
		       s->errors[i].severity ? s->errors[i].severity : "-", s->errors[i].category ?
		       s->errors[i].category : "-", s->errors[i].ref_in_error ? s->errors[i].ref_in_error : "-");
}

static int load(const char *path, struct tdk_buf *b)
{
	if (tdk_read_all(path, TDK_EBMS_MAX_SIZE + 1, b) != 0) {
		fprintf(stderr, "ebms-probe: cannot read %s\n", path);
		return -1;
	}
	return 0;
}

static int cmd_read(const char *path, struct tdk_diag *d, int receipt)
{
	struct tdk_buf b = TDK_BUF_INIT(0), out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct tdk_ebms_msg m;
	char id[128];
	int ret;

	if (load(path, &b))
		return TDK_EXIT_IO;
	tdk_ebms_msg_init(&m);
	ret = tdk_ebms_read(b.data, b.len, path, &m, d);
	if (!receipt) {
		if (m.has_user)
			print_user(&m.user);
		if (m.has_signal)
			print_signal(&m.signal);
	} else if (tdk_ebms_message_id("tdk.example", id, sizeof(id)) == 0) {
		ret = tdk_ebms_build_receipt(&m, m.sig_refs, m.nsig_refs, id, (long long)time(NULL), &out, d);
		if (ret == TDK_EXIT_OK)
			fwrite(out.data, 1, out.len, stdout);
	}
	tdk_ebms_msg_release(&m);
	tdk_buf_release(&b);
	tdk_buf_release(&out);
	return ret;
}

static void note_xml(void *arg, const struct tdk_diag_item *it)
{
	if (!strcmp(it->code, "EBMS-XML") || !strncmp(it->code, "XML-", 4))
		*(int *)arg = 1;
}

static int cmd_verdict(const char *xsd, const char *path, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(0);
	struct tdk_xml_schemas set;
	struct tdk_ebms_msg m;
	struct tdk_diag quiet;
	const char *p, *q;
	int ret = TDK_EXIT_OK, bad = 0;

	if (load(path, &b))
		return TDK_EXIT_IO;
	if (tdk_xml_schemas_init(&set)) {
		tdk_buf_release(&b);
		return TDK_EXIT_INTERNAL;
	}
	if (!tdk_ebms_is_message(b.data, b.len)) {
		/* No eb:Messaging: well-formedness alone, through the same reader. */
		tdk_diag_init(&quiet, path);
		quiet.emit = note_xml;
		quiet.arg = &bad;
		tdk_ebms_msg_init(&m);
		(void)tdk_ebms_read(b.data, b.len, path, &m, &quiet);
		tdk_ebms_msg_release(&m);
		puts(bad ? "not well-formed" : "well-formed");
		goto out;
	}
	ret = tdk_ebms_validate(b.data, b.len, path, &set, xsd, d);
	/* A fault outside the schema (lib/xml's XML-NAMESPACE on a declaration xmllint only warns of) leaves the
	 * header's XSD verdict as it is; the fault stays on standard error and in the exit status. */
	if (ret == TDK_EXIT_OK || (ret == TDK_EXIT_NEGATIVE && !first_xsd[0]))
		puts("XSD ok");
	else if (ret == TDK_EXIT_NEGATIVE && (p = strchr(first_xsd, '\'')) != NULL && (q = strchr(p + 1, '\'')) != NULL)
		printf("XSD FAIL: Element %.*s\n", (int)(q - p + 1), p);
out:
	tdk_xml_schemas_release(&set);
	tdk_buf_release(&b);
	return ret;
}

static int cmd_user(const char *file, const char *name, char **pay, int npay, struct tdk_diag *d)
{
	struct tdk_ebms_payload p[16];
	struct tdk_endpoints eps;
	const struct tdk_endpoint *ep;
	struct tdk_buf out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	char id[128];
	int ret;

	tdk_endpoints_init(&eps);
	ret = tdk_endpoints_load(&eps, file, d);
	if (ret)
		goto out;
	if (!(ep = tdk_endpoints_find(&eps, name)) || npay > 16) {
		fprintf(stderr, "ebms-probe: no endpoint %s, or too many payloads\n", name);
		ret = TDK_EXIT_USAGE;
		goto out;
	}
	for (int i = 0; i < npay; i++) {
		char *eq = strchr(pay[i], '='), *gz;

		p[i].content_id = pay[i];
		p[i].mime_type = NULL;
		p[i].compressed = 0;
		if (eq) {
			*eq = 0;
			p[i].mime_type = eq + 1;
			if ((gz = strstr(eq + 1, ":gz")) != NULL && !gz[3]) {
				*gz = 0;
				p[i].compressed = 1;
			}
		}
	}
	if (tdk_ebms_message_id("tdk.example", id, sizeof(id))) {
		ret = TDK_EXIT_INTERNAL;
		goto out;
	}
	ret = tdk_ebms_build_user(ep, id, (long long)time(NULL), p, (size_t)npay, &out, d);
	if (ret == TDK_EXIT_OK)
		fwrite(out.data, 1, out.len, stdout);
out:
	tdk_buf_release(&out);
	tdk_endpoints_release(&eps);
	return ret;
}

static int cmd_error(const char *code, const char *ref, struct tdk_diag *d)
{
	struct tdk_buf out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	char id[128];
	int ret = TDK_EXIT_INTERNAL;

	if (tdk_ebms_message_id("tdk.example", id, sizeof(id)) == 0)
		ret = tdk_ebms_build_error(code, ref, "built by ebms-probe", id, (long long)time(NULL), &out, d);
	if (ret == TDK_EXIT_OK)
		fwrite(out.data, 1, out.len, stdout);
	tdk_buf_release(&out);
	return ret;
}

static int cmd_pmode(const char *path, struct tdk_diag *d)
{
	struct tdk_buf b = TDK_BUF_INIT(0), out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct tdk_pmodes ps;
	int ret;

	if (load(path, &b))
		return TDK_EXIT_IO;
	tdk_pmodes_init(&ps);
	ret = tdk_pmode_read(b.data, b.len, path, &ps, d);
	for (size_t i = 0; i < ps.n; i++)
		if (tdk_pmode_print(&ps.p[i], &out) || (i + 1 < ps.n && tdk_buf_adds(&out, "\n")))
			ret = TDK_EXIT_INTERNAL;
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	tdk_pmodes_release(&ps);
	tdk_buf_release(&out);
	tdk_buf_release(&b);
	return ret;
}

int main(int argc, char **argv)
{
	struct tdk_diag d;

	tdk_xml_local_input();
	tdk_diag_init(&d, argc > 2 ? argv[argc - 1] : "-");
	d.emit = emit;
	if (argc == 3 && !strcmp(argv[1], "read"))
		return cmd_read(argv[2], &d, 0);
	if (argc == 3 && !strcmp(argv[1], "receipt"))
		return cmd_read(argv[2], &d, 1);
	if (argc == 4 && !strcmp(argv[1], "verdict"))
		return cmd_verdict(argv[2], argv[3], &d);
	if (argc >= 4 && !strcmp(argv[1], "user"))
		return cmd_user(argv[2], argv[3], argv + 4, argc - 4, &d);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "error"))
		return cmd_error(argv[2], argc == 4 ? argv[3] : NULL, &d);
	if (argc == 3 && !strcmp(argv[1], "pmode"))
		return cmd_pmode(argv[2], &d);
	fputs("usage: ebms-probe read|receipt|verdict XSD|user ENDPOINTS NAME [CID=TYPE[:gz]...]|error CODE [REF]|pmode FILE\n",
	      stderr);
	return TDK_EXIT_USAGE;
}
