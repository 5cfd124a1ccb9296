/*
 * libFuzzer target: arbitrary bytes as the envelope of an AS4 Receipt or
 * Error signal answering a signed message (lib/net/as4.h
 * tdk_as4_receipt_check and tdk_as4_signal_errors).  The message is fixed
 * and signed with three references; the answer is whatever the fuzzer
 * gives.  Never a crash or a leak; a receipt that passes answers that
 * message and names its three references exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/as4.h"
#include "util/exitcode.h"
#include "xml/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REF(u, v)                                                                                          \
	"<ds:Reference URI=\"" u "\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>" \
	"<ds:DigestValue>" v "</ds:DigestValue></ds:Reference>"
static const char sent[] =
	"<S12:Envelope xmlns:S12=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:eb=\"" TDK_EBMS_NS "\">"
	"<S12:Header><wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/"
	"oasis-200401-wss-wssecurity-secext-1.0.xsd\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
	"<ds:SignedInfo>" REF("#m", "AAA=") REF("#b", "BBB=") REF("cid:p@x", "CCC=")
	"</ds:SignedInfo></ds:Signature></wsse:Security><eb:Messaging><eb:UserMessage><eb:MessageInfo>"
	"<eb:Timestamp>2026-01-01T00:00:00Z</eb:Timestamp><eb:MessageId>m1@x</eb:MessageId></eb:MessageInfo>"
	"<eb:PartyInfo><eb:From><eb:PartyId>a</eb:PartyId><eb:Role>r</eb:Role></eb:From><eb:To><eb:PartyId>b"
	"</eb:PartyId><eb:Role>r</eb:Role></eb:To></eb:PartyInfo><eb:CollaborationInfo><eb:Service>s</eb:Service>"
	"<eb:Action>a</eb:Action><eb:ConversationId>c</eb:ConversationId></eb:CollaborationInfo></eb:UserMessage>"
	"</eb:Messaging></S12:Header><S12:Body/></S12:Envelope>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static xmlDocPtr doc;
	struct tdk_ebms_msg hdr;
	struct tdk_as4_msg m;
	struct tdk_diag d;

	tdk_diag_init(&d, "fuzz");
	if (!doc && !(doc = tdk_xml_parse(sent, sizeof(sent) - 1, "sent", "VERIFY", NULL, &d)))
		abort();
	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	tdk_as4_read("application/soap+xml", (const char *)data, size, "fuzz", &m, &hdr, &d);
	if (m.env) {
		tdk_diag_init(&d, "fuzz");
		if (tdk_as4_receipt_check(m.env, doc, "m1@x", &d) == TDK_EXIT_OK &&
		    (d.errors || !hdr.signal.ref_to || strcmp(hdr.signal.ref_to, "m1@x") || hdr.signal.nrefs != 3))
			abort();
		tdk_as4_signal_errors(&hdr, &d);
	}
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
	return 0;
}
