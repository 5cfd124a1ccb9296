/*
 * Unit test of lib/net/as4.h: build, serialise and read back with 0, 1 and
 * 3 payloads, with and without compression (the bytes equal after
 * decompression, the MimeType restored); a fresh MessageId in msg-id form;
 * gzip and its bounds (a bomb stops at the limit, a corrupt or truncated
 * stream fails); twins of a built message with a part missing, one more,
 * one Content-ID twice, a CompressionType the AS4 profile does not allow;
 * the receipt check on a Receipt built from a message's signature
 * references and on its forgeries; an Error signal as diagnostics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/as4.h"
#include "net/endpoint.h"
#include "util/exitcode.h"
#include "xml/xml.h"
#include "tap.h"

static char codes[1024];

static void note(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	size_t n = strlen(codes);

	snprintf(codes + n, sizeof(codes) - n, "%s ", it->code);
}

static void diag(struct tdk_diag *d)
{
	tdk_diag_init(d, "t");
	d->emit = note;
	codes[0] = 0;
}

static const char endpoints[] = "[ap]\nprofile = as4\nurl = https://ap.example/msh\nfrom-party = urn:example:a\n"
				"to-party = urn:example:b\nservice = urn:example:s\naction = Submit\nkey = a.p12\n"
				"partner-cert = b.pem\n";

static struct tdk_endpoints eps;

/* Builds with n payloads, serialises, reads back; returns the read message's status. */
static int roundtrip(size_t n, int z, struct tdk_as4_msg *back, struct tdk_ebms_msg *hdr, const char *id)
{
	static const char big[] = "<doc>compressible compressible compressible compressible</doc>";
	struct tdk_as4_payload p[3] = { { "a.xml", "application/xml", big, sizeof(big) - 1 },
					{ "b.bin", "application/octet-stream", "\0\1\2\r\n--x", 8 },
					{ "c.txt", "text/plain", "", 0 } };
	struct tdk_buf body = TDK_BUF_INIT(TDK_AS4_MAX_MESSAGE), ct = TDK_BUF_INIT(4096);
	struct tdk_as4_msg m;
	struct tdk_diag d;
	int ret;

	diag(&d);
	tdk_as4_msg_init(&m);
	ret = tdk_as4_build(tdk_endpoints_find(&eps, "ap"), p, n, id, z, 1764633600, &m, &d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_serialise(&m, &body, &ct, &d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_read(ct.data, body.data, body.len, "t", back, hdr, &d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_decompress(back, 0, &d);
	for (size_t i = 0; ret == TDK_EXIT_OK && i < n; i++)
		if (back->att[i].len != p[i].len || memcmp(back->att[i].bytes, p[i].bytes, p[i].len) ||
		    strcmp(back->att[i].type, p[i].type) || strcmp(back->att[i].cid, m.att[i].cid))
			ret = -1;
	if (ret == TDK_EXIT_OK && (n ? !strstr(ct.data, "multipart/related") : strncmp(ct.data, "application/soap+xml", 20)))
		ret = -2;
	tdk_as4_msg_release(&m);
	tdk_buf_release(&body);
	tdk_buf_release(&ct);
	return ret;
}

static void roundtrips(void)
{
	static const size_t ns[] = { 0, 1, 3 };

	for (size_t i = 0; i < 3; i++)
		for (int z = 0; z < 2; z++) {
			struct tdk_as4_msg m;
			struct tdk_ebms_msg hdr;
			int ret;

			tdk_as4_msg_init(&m);
			tdk_ebms_msg_init(&hdr);
			ret = roundtrip(ns[i], z, &m, &hdr, NULL);
			ok(ret == TDK_EXIT_OK && m.natt == ns[i] && hdr.has_user && hdr.user.nparts == ns[i],
			   "%zu payloads%s: built, serialised, read and decompressed to the same bytes and types (%d)",
			   ns[i], z ? ", compressed" : "", ret);
			ok(hdr.user.message_id && strchr(hdr.user.message_id, '@') && !strchr(hdr.user.message_id, '<'),
			   "a fresh MessageId is a msg-id without angle brackets");
			tdk_as4_msg_release(&m);
			tdk_ebms_msg_release(&hdr);
		}
}

static void gzip_bounds(void)
{
	struct tdk_buf z = TDK_BUF_INIT(1u << 20), out = TDK_BUF_INIT(8u << 20);
	char *zeros = calloc(1, 4u << 20);

	if (!zeros || tdk_as4_gzip(zeros, 4u << 20, &z) < 0 || !z.data) {
		ok(0, "gzip");
		free(zeros);
		return;
	}
	ok(z.len < 8192, "4 MiB of zeros gzip to %zu bytes", z.len);
	ok(tdk_as4_gunzip(z.data, z.len, 1u << 20, &out) == -2 && out.len <= 1u << 20,
	   "a bomb stops at the 1 MiB bound (%zu bytes out)", out.len);
	tdk_buf_reset(&out);
	ok(tdk_as4_gunzip(z.data, z.len, 4u << 20, &out) == 0 && out.len == 4u << 20, "within the bound it inflates");
	tdk_buf_reset(&out);
	ok(tdk_as4_gunzip(z.data, z.len / 2, 4u << 20, &out) == -1, "a truncated stream fails");
	z.data[z.len / 2] ^= 0x55;
	tdk_buf_reset(&out);
	ok(tdk_as4_gunzip(z.data, z.len, 4u << 20, &out) == -1, "a corrupt stream fails");
	tdk_buf_reset(&out);
	ok(tdk_as4_gunzip("\x78\x9c\x03\x00\x00\x00\x00\x01", 8, 100, &out) == -1, "a zlib stream is not gzip");
	free(zeros);
	tdk_buf_release(&z);
	tdk_buf_release(&out);
}

/* Serialises a one-payload message whose envelope text has from replaced by to, and reads it. */
static int twin(const char *from, const char *to, int z, int extra, struct tdk_as4_msg *back)
{
	struct tdk_as4_payload p = { "a", "application/xml", "<a/>", 4 };
	struct tdk_buf body = TDK_BUF_INIT(TDK_AS4_MAX_MESSAGE), ct = TDK_BUF_INIT(4096), env = TDK_BUF_INIT(1 << 20);
	struct tdk_as4_msg m;
	struct tdk_ebms_msg hdr;
	struct tdk_diag d;
	char *at;
	int ret;

	diag(&d);
	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	ret = tdk_as4_build(tdk_endpoints_find(&eps, "ap"), &p, 1, "m1@t.example", z, 0, &m, &d);
	if (ret == TDK_EXIT_OK && from && tdk_xml_dump(m.env, &env) == 0 && (at = strstr(env.data, from))) {
		struct tdk_buf t = TDK_BUF_INIT(1 << 20);
		struct tdk_diag q;

		tdk_diag_init(&q, "q");
		tdk_buf_add(&t, env.data, (size_t)(at - env.data));
		tdk_buf_adds(&t, to);
		tdk_buf_adds(&t, at + strlen(from));
		xmlFreeDoc(m.env);
		m.env = tdk_xml_parse(t.data, t.len, "t", "VERIFY", NULL, &q);
		tdk_buf_release(&t);
	}
	if (extra) {
		m.natt = 2;
		m.att = realloc(m.att, 2 * sizeof(*m.att));
		m.att[1] = m.att[0];
		m.att[1].cid = strdup(extra == 1 ? "other@t.example" : m.att[0].cid);
		m.att[1].type = strdup("text/plain");
		m.att[1].bytes = (unsigned char *)strdup("x");
		m.att[1].len = 1;
		m.att[1].mime_type = NULL;
	}
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_serialise(&m, &body, &ct, &d);
	diag(&d);
	if (ret == TDK_EXIT_OK)
		ret = tdk_as4_read(ct.data, body.data, body.len, "t", back, &hdr, &d);
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
	tdk_buf_release(&body);
	tdk_buf_release(&ct);
	tdk_buf_release(&env);
	return ret;
}

static void twins(void)
{
	struct tdk_as4_msg m;
	struct tdk_diag d;

#define TWIN(from, to, z, extra, code, ebms, what)                                                          \
	do {                                                                                                  \
		int r_;                                                                                       \
		tdk_as4_msg_init(&m);                                                                         \
		r_ = twin(from, to, z, extra, &m);                                                            \
		ok(r_ == TDK_EXIT_NEGATIVE && strstr(codes, code) && m.ebms_code && !strcmp(m.ebms_code, ebms), \
		   "%s: %s with %s (%d, %s)", what, code, ebms, r_, codes);                                   \
		tdk_as4_msg_release(&m);                                                                      \
	} while (0)
	TWIN("href=\"cid:", "href=\"cid:gone", 0, 0, "AS4-MISSING-PART", "EBMS:0011", "a PartInfo naming no part");
	TWIN(NULL, NULL, 0, 1, "AS4-EXTRA-PART", "EBMS:0011", "a part no PartInfo names");
	TWIN(NULL, NULL, 0, 2, "AS4-MIME", "EBMS:0007", "two parts with one Content-ID");
	TWIN("application/gzip", "application/rar", 1, 0, "AS4-COMPRESSION", "EBMS:0003", "CompressionType rar");
	TWIN("<eb:Property name=\"MimeType\">application/xml</eb:Property>", "", 1, 0, "AS4-COMPRESSION", "EBMS:0003",
	     "compressed without MimeType");
	TWIN("<eb:MessageId>m1@t.example</eb:MessageId>", "", 0, 0, "AS4-ENVELOPE", "EBMS:0009", "no MessageId");
#undef TWIN
	tdk_as4_msg_init(&m);
	ok(twin(NULL, NULL, 1, 0, &m) == TDK_EXIT_OK && m.natt == 1 && m.att[0].compressed, "the original reads clean");
	free(m.att[0].bytes);
	m.att[0].bytes = (unsigned char *)strdup("not gzip");
	m.att[0].len = 8;
	diag(&d);
	ok(tdk_as4_decompress(&m, 0, &d) == TDK_EXIT_NEGATIVE && strstr(codes, "AS4-DECOMPRESS") && m.ebms_code &&
	   !strcmp(m.ebms_code, "EBMS:0303") && !strcmp((char *)m.att[0].bytes, "not gzip"),
	   "a part that is not gzip: AS4-DECOMPRESS, EBMS:0303, left as it was");
	tdk_as4_msg_release(&m);
}

#define SENT                                                                                                     \
	"<S12:Envelope xmlns:S12=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:eb=\"" TDK_EBMS_NS "\">"       \
	"<S12:Header><wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/"                         \
	"oasis-200401-wss-wssecurity-secext-1.0.xsd\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" \
	"<ds:SignedInfo>" REF("#m", "AAA=") REF("#b", "BBB=") REF("cid:p@x", "CCC=")                              \
	"</ds:SignedInfo></ds:Signature></wsse:Security><eb:Messaging><eb:UserMessage><eb:MessageInfo>"            \
	"<eb:Timestamp>2026-01-01T00:00:00Z</eb:Timestamp><eb:MessageId>m1@x</eb:MessageId></eb:MessageInfo>"      \
	"<eb:PartyInfo><eb:From><eb:PartyId>a</eb:PartyId><eb:Role>r</eb:Role></eb:From><eb:To><eb:PartyId>b"     \
	"</eb:PartyId><eb:Role>r</eb:Role></eb:To></eb:PartyInfo><eb:CollaborationInfo><eb:Service>s</eb:Service>" \
	"<eb:Action>a</eb:Action><eb:ConversationId>c</eb:ConversationId></eb:CollaborationInfo></eb:UserMessage>" \
	"</eb:Messaging></S12:Header><S12:Body/></S12:Envelope>"
#define REF(u, v)                                                                                          \
	"<ds:Reference URI=\"" u "\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>" \
	"<ds:DigestValue>" v "</ds:DigestValue></ds:Reference>"

/* Checks a receipt for SENT (with from replaced by to) against SENT; returns the status, codes in codes. */
static int check(const char *from, const char *to, const char *id)
{
	struct tdk_buf r = TDK_BUF_INIT(1 << 20), t = TDK_BUF_INIT(1 << 20);
	struct tdk_ebms_msg m;
	struct tdk_diag d;
	xmlDocPtr sent, rec = NULL;
	char *at;
	int ret = TDK_EXIT_INTERNAL;

	diag(&d);
	tdk_ebms_msg_init(&m);
	sent = tdk_xml_parse(SENT, strlen(SENT), "s", "VERIFY", NULL, &d);
	if (tdk_ebms_read(SENT, strlen(SENT), "s", &m, &d) == TDK_EXIT_OK &&
	    tdk_ebms_build_receipt(&m, m.sig_refs, m.nsig_refs, "r1@x", 0, &r, &d) == TDK_EXIT_OK) {
		if (from && (at = strstr(r.data, from))) {
			static const char end[] = "</ebbp:MessagePartNRInformation>";
			const char *rest = at + strlen(from);

			/* No replacement: the whole MessagePartNRInformation from goes. */
			if (!to && (rest = strstr(at, end)))
				rest += strlen(end);
			tdk_buf_add(&t, r.data, (size_t)(at - r.data));
			tdk_buf_adds(&t, to ? to : "");
			tdk_buf_adds(&t, rest ? rest : "");
		} else {
			tdk_buf_add(&t, r.data, r.len);
		}
		rec = tdk_xml_parse(t.data, t.len, "r", "VERIFY", NULL, &d);
	}
	diag(&d);
	if (sent && rec)
		ret = tdk_as4_receipt_check(rec, sent, id, &d);
	xmlFreeDoc(sent);
	xmlFreeDoc(rec);
	tdk_ebms_msg_release(&m);
	tdk_buf_release(&r);
	tdk_buf_release(&t);
	return ret;
}

static void receipts(void)
{
	int r;

	ok(check(NULL, NULL, "m1@x") == TDK_EXIT_OK && !codes[0], "the receipt built from the message checks");
	r = check(NULL, NULL, "m2@x");
	ok(r == TDK_EXIT_NEGATIVE && strstr(codes, "AS4-NRI-OTHER-MESSAGE"), "for another message: AS4-NRI-OTHER-MESSAGE");
	r = check("BBB=", "BBC=", "m1@x");
	ok(r == TDK_EXIT_NEGATIVE && strstr(codes, "AS4-NRI-DIGEST"), "a digest changed: AS4-NRI-DIGEST");
	r = check("<ebbp:MessagePartNRInformation><ds:Reference URI=\"cid:p@x\">", NULL, "m1@x");
	ok(r == TDK_EXIT_NEGATIVE && !strcmp(codes, "AS4-NRI-MISSING-REF "), "a reference dropped: AS4-NRI-MISSING-REF");
	r = check("URI=\"cid:p@x\"", "URI=\"cid:q@x\"", "m1@x");
	ok(r == TDK_EXIT_NEGATIVE && strstr(codes, "AS4-NRI-MISSING-REF") && strstr(codes, "AS4-NRI-EXTRA-REF"),
	   "a reference renamed: AS4-NRI-MISSING-REF and AS4-NRI-EXTRA-REF (%s)", codes);
	r = check("</ebbp:NonRepudiationInformation>", "<ebbp:MessagePartNRInformation><ds:Reference URI=\"#m\">"
		  "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAA="
		  "</ds:DigestValue></ds:Reference></ebbp:MessagePartNRInformation></ebbp:NonRepudiationInformation>", "m1@x");
	ok(r == TDK_EXIT_NEGATIVE && strstr(codes, "AS4-NRI-EXTRA-REF"), "a reference named twice: AS4-NRI-EXTRA-REF");
}

static void errors(void)
{
	struct tdk_buf b = TDK_BUF_INIT(1 << 20);
	struct tdk_ebms_msg m;
	struct tdk_diag d;

	diag(&d);
	tdk_ebms_msg_init(&m);
	ok(tdk_ebms_build_error("EBMS:0006", "m1@x", NULL, "e1@x", 0, &b, &d) == TDK_EXIT_OK &&
	   tdk_ebms_read(b.data, b.len, "e", &m, &d) == TDK_EXIT_OK && tdk_as4_signal_errors(&m, &d) == TDK_EXIT_OK &&
	   d.warnings == 1 && strstr(codes, "AS4-WARNING"), "a warning EBMS:0006 is AS4-WARNING, not a failure");
	tdk_ebms_msg_release(&m);
	tdk_buf_reset(&b);
	diag(&d);
	ok(tdk_ebms_build_error("EBMS:0004", "m1@x", "no", "e1@x", 0, &b, &d) == TDK_EXIT_OK &&
	   tdk_ebms_read(b.data, b.len, "e", &m, &d) == TDK_EXIT_OK &&
	   tdk_as4_signal_errors(&m, &d) == TDK_EXIT_NEGATIVE && strstr(codes, "AS4-ERROR"),
	   "a failure EBMS:0004 is AS4-ERROR");
	tdk_ebms_msg_release(&m);
	tdk_buf_release(&b);
}

int main(void)
{
	struct tdk_diag d;

	diag(&d);
	tdk_endpoints_init(&eps);
	if (tdk_endpoints_parse(&eps, "/tmp/endpoints", endpoints, strlen(endpoints), NULL, &d) != TDK_EXIT_OK) {
		printf("Bail out! endpoints\n");
		return 1;
	}
	roundtrips();
	gzip_bounds();
	twins();
	receipts();
	errors();
	tdk_endpoints_release(&eps);
	return done();
}
