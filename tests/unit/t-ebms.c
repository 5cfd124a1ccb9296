/*
 * Unit test of lib/net/ebms.h: the error code table, message ids, a built
 * UserMessage read back field by field, the settings a UserMessage needs,
 * a Receipt refused for a message with no UserMessage or no references, the
 * limits on PartInfo elements, and a P-Mode printed as an endpoints section.
 */
#include <stdio.h>
#include <string.h>

#include "net/ebms.h"
#include "net/endpoint.h"
#include "util/exitcode.h"
#include "tap.h"

static char last_code[64];

static void note(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	snprintf(last_code, sizeof(last_code), "%s", it->code);
}

static void diag(struct tdk_diag *d)
{
	tdk_diag_init(d, "t");
	d->emit = note;
	last_code[0] = 0;
}

static void codes(void)
{
	const char *desc, *sev, *cat;

	ok(tdk_ebms_error_lookup("EBMS:0006", &desc, &sev, &cat) && !strcmp(desc, "EmptyMessagePartitionChannel") &&
	   !strcmp(sev, "warning") && !strcmp(cat, "Communication"), "EBMS:0006 is a Communication warning");
	ok(tdk_ebms_error_lookup("EBMS:0303", &desc, NULL, NULL) && !strcmp(desc, "DecompressionFailure"),
	   "EBMS:0303 of the AS4 profile");
	ok(!tdk_ebms_error_lookup("EBMS:0012", NULL, NULL, NULL) && !tdk_ebms_error_lookup("0004", NULL, NULL, NULL),
	   "EBMS:0012 and a code without its prefix are unknown");
}

static void ids(void)
{
	char a[128], b[128], small[20];

	ok(!tdk_ebms_message_id("h.example", a, sizeof(a)) && !tdk_ebms_message_id("h.example", b, sizeof(b)) &&
	   strcmp(a, b) && strlen(a) == 36 + 10 && a[14] == '4' && !strcmp(a + 36, "@h.example"),
	   "two message ids: UUID version 4 at the host, different");
	ok(tdk_ebms_message_id("h.example", small, sizeof(small)) == -1, "an id that does not fit is refused");
}

static int endpoint(struct tdk_endpoints *eps, const char *text)
{
	struct tdk_diag d;

	diag(&d);
	tdk_endpoints_init(eps);
	return tdk_endpoints_parse(eps, "/tmp/endpoints", text, strlen(text), NULL, &d);
}

static void user_round_trip(void)
{
	static const char ini[] = "[ap]\nprofile = as4\nurl = https://ap.example/\nfrom-party = urn:a\n"
				  "to-party = urn:b&c\nservice = urn:s\naction = A<1>\nkey = k.p12\npartner-cert = c.pem\n";
	struct tdk_ebms_payload p[TDK_EBMS_MAX_PARTS + 1];
	struct tdk_buf out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct tdk_endpoints eps;
	struct tdk_ebms_msg m;
	struct tdk_diag d;
	int ret;

	ok(endpoint(&eps, ini) == 0 && eps.n == 1, "an as4 endpoint");
	for (size_t i = 0; i <= TDK_EBMS_MAX_PARTS; i++) {
		p[i].content_id = "part@x";
		p[i].mime_type = "text/xml";
		p[i].compressed = (int)(i & 1);
	}
	diag(&d);
	ret = tdk_ebms_build_user(&eps.e[0], "id-1@x", 0, p, 2, &out, &d);
	ok(ret == TDK_EXIT_OK && strstr(out.data, "<eb:Timestamp>1970-01-01T00:00:00Z</eb:Timestamp>") &&
	   strstr(out.data, "urn:b&amp;c") && strstr(out.data, "A&lt;1&gt;"), "built: the time, values escaped");
	tdk_ebms_msg_init(&m);
	diag(&d);
	ret = tdk_ebms_read(out.data, out.len, "um", &m, &d);
	ok(ret == TDK_EXIT_OK && m.soap12 && m.has_user && !m.has_signal && !strcmp(m.user.message_id, "id-1@x") &&
	   !strcmp(m.user.to.id, "urn:b&c") && !strcmp(m.user.action, "A<1>") && m.user.nparts == 2 &&
	   !strcmp(m.user.parts[1].href, "cid:part@x") && !strcmp(m.user.parts[1].compression, "application/gzip") &&
	   !m.user.parts[0].compression && !m.user.agreement, "read back: every value as built");
	diag(&d);
	ok(tdk_ebms_build_receipt(&m, NULL, 0, "r@x", 0, &out, &d) == TDK_EXIT_USAGE &&
	   !strcmp(last_code, "EBMS-RECEIPT"), "a Receipt without references is refused");
	tdk_ebms_msg_release(&m);

	/* One PartInfo more than the limit. */
	out.len = 0;
	diag(&d);
	ok(tdk_ebms_build_user(&eps.e[0], "id-2@x", 0, p, TDK_EBMS_MAX_PARTS + 1, &out, &d) == TDK_EXIT_OK,
	   "built with %d parts", TDK_EBMS_MAX_PARTS + 1);
	tdk_ebms_msg_init(&m);
	diag(&d);
	ret = tdk_ebms_read(out.data, out.len, "um", &m, &d);
	ok(ret == TDK_EXIT_NEGATIVE && !strcmp(last_code, "EBMS-LIMIT") && m.user.nparts == TDK_EBMS_MAX_PARTS,
	   "read: EBMS-LIMIT past %d parts, the first %d kept", TDK_EBMS_MAX_PARTS, TDK_EBMS_MAX_PARTS);
	tdk_ebms_msg_release(&m);

	p[0].content_id = "";
	diag(&d);
	ok(tdk_ebms_build_user(&eps.e[0], "id-3@x", 0, p, 1, &out, &d) == TDK_EXIT_USAGE &&
	   !strcmp(last_code, "EBMS-SETTING"), "a payload without a Content-ID: EBMS-SETTING");
	tdk_endpoints_release(&eps);
	tdk_buf_release(&out);
}

static void receipt_without_user(void)
{
	struct tdk_buf out = TDK_BUF_INIT(4096);
	char uri[] = "#a", alg[] = "http://www.w3.org/2001/04/xmlenc#sha256", dv[] = "AAAA";
	struct tdk_ebms_ref r = { uri, alg, dv, NULL };
	struct tdk_ebms_msg m;
	struct tdk_diag d;

	tdk_ebms_msg_init(&m);
	diag(&d);
	ok(tdk_ebms_build_receipt(&m, &r, 1, "r@x", 0, &out, &d) == TDK_EXIT_USAGE && !out.len,
	   "a Receipt for no UserMessage is refused, nothing written");
	diag(&d);
	ok(tdk_ebms_build_error("EBMS:9999", NULL, NULL, "e@x", 0, &out, &d) == TDK_EXIT_USAGE &&
	   !strcmp(last_code, "EBMS-ERROR-CODE") && !out.len, "an unknown error code is refused");
	tdk_buf_release(&out);
}

static void pmode_print(void)
{
	static const char hb[] = "<PMode xmlns='http://holodeck-b2b.org/schemas/2014/10/pmode'><id>p1</id>"
				 "<Initiator><PartyId type='urn:oasis:names:tc:ebcore:partyid-type:unregistered'>A"
				 "</PartyId></Initiator><Responder><PartyId>urn:b</PartyId><Role>R</Role></Responder>"
				 "<Leg><Protocol><Address>https://b.example/as4</Address></Protocol><UserMessageFlow>"
				 "<BusinessInfo><Action>Go</Action><Service><name>urn:s</name></Service><Mpc>urn:m</Mpc>"
				 "</BusinessInfo></UserMessageFlow></Leg></PMode>";
	struct tdk_buf out = TDK_BUF_INIT(4096);
	struct tdk_pmodes ps;
	struct tdk_diag d;

	tdk_pmodes_init(&ps);
	diag(&d);
	ok(tdk_pmode_read(hb, sizeof(hb) - 1, "hb", &ps, &d) == TDK_EXIT_OK && ps.n == 1 &&
	   !tdk_pmode_print(&ps.p[0], &out), "a Holodeck P-Mode loads");
	is_str(out.data, "[p1]\nprofile = as4\nurl = https://b.example/as4\n"
	       "from-party = urn:oasis:names:tc:ebcore:partyid-type:unregistered:A\nto-party = urn:b\n"
	       "to-role = R\nservice = urn:s\naction = Go\nmpc = urn:m\n", "printed as an endpoints section");
	ok(!strcmp(tdk_pmode_key(TDK_PMODE_MPC), "mpc") && !tdk_pmode_key(TDK_PMODE_NKEYS), "the key names");
	tdk_pmodes_release(&ps);
	tdk_buf_release(&out);
}

int main(void)
{
	codes();
	ids();
	user_round_trip();
	receipt_without_user();
	pmode_print();
	return done();
}
