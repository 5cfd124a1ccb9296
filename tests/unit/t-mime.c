/*
 * Unit tests of lib/net/mime.h: a table of multipart bodies that RFC 2046
 * section 5.1.1 makes tricky (preamble and epilogue, the CRLF that belongs
 * to the delimiter, a boundary that is a prefix of a content line,
 * transport padding, folded and RFC 2231 parameters, empty parts, nesting),
 * each refusal with its MIME-* code, the transfer decodings, the root of
 * multipart/related, the writer read back, and the corpus's MIME messages
 * (phase4's AS4 SwA messages, node-libas2's S/MIME) when TDK_CORPUS is set:
 * the signed content of an S/MIME message, as the reader's byte range,
 * verifies against its signature part with OpenSSL's CMS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>

#include "net/mime.h"
#include "util/io.h"
#include "tap.h"

static char first_code[64];

static void keep_code(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	if (!first_code[0])
		snprintf(first_code, sizeof(first_code), "%s", it->code);
}

/* Reads s; returns the first diagnostic code, or the leaf bodies joined by '|'. */
static const char *run(const char *s, const struct tdk_mime_limits *lim, struct tdk_mime *m)
{
	static char got[512];
	struct tdk_diag d;
	size_t i, n = 0, leaves = 0;

	tdk_diag_init(&d, "t");
	d.emit = keep_code;
	first_code[0] = '\0';
	if (tdk_mime_read(m, s, strlen(s), lim, &d) < 0)
		return first_code[0] ? first_code : "no code";
	got[0] = '\0';
	for (i = 0; i < m->nparts; i++) {
		if (!strncmp(m->parts[i].type, "multipart/", 10))
			continue;
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%.*s", leaves++ ? "|" : "",
				      (int)m->parts[i].body_len, m->parts[i].body);
		if (n >= sizeof(got))
			break;
	}
	return got;
}

#define CT "Content-Type: multipart/related; boundary=bnd\r\n\r\n"

struct tcase {
	const char *name, *in, *want;
	unsigned max_parts, max_depth;
	size_t max_header;
};

static const struct tcase cases[] = {
	{ "preamble, two parts, epilogue", CT "preamble\r\n--bnd\r\nContent-ID: <a>\r\n\r\nA\r\n--bnd\r\n\r\nB\r\n--bnd--\r\nepilogue",
	  "A|B", 0, 0, 0 },
	{ "the CRLF before a delimiter is the delimiter's", CT "--bnd\r\n\r\nA\r\n\r\n\r\n--bnd--", "A\r\n\r\n", 0, 0, 0 },
	{ "a boundary that is a prefix of a content line", CT "--bnd\r\n\r\nx\r\n--bndX\r\n--bnd-\r\n--bnd--\r\n",
	  "x\r\n--bndX\r\n--bnd-", 0, 0, 0 },
	{ "the boundary inside a line is content", CT "--bnd\r\n\r\na --bnd b\r\n--bnd--", "a --bnd b", 0, 0, 0 },
	{ "transport padding after delimiters", CT "--bnd \t\r\n\r\nA\r\n--bnd--  \r\n", "A", 0, 0, 0 },
	{ "bare LF line ends", "Content-Type: multipart/related; boundary=bnd\n\n--bnd\nX: y\n\nA\n--bnd\n\nB\n--bnd--\n",
	  "A|B", 0, 0, 0 },
	{ "a folded Content-Type with a quoted boundary",
	  "Content-Type: multipart/related;\r\n\tboundary=\"----=_Part_0 x\";\r\n type=\"application/soap+xml\"\r\n\r\n"
	  "------=_Part_0 x\r\n\r\nA\r\n------=_Part_0 x--\r\n", "A", 0, 0, 0 },
	{ "RFC 2231 continuations", "Content-Type: multipart/mixed; boundary*0=\"b\"; boundary*1=nd\r\n\r\n--bnd\r\n\r\nA\r\n--bnd--",
	  "A", 0, 0, 0 },
	{ "RFC 2231 extended value", "Content-Type: multipart/mixed; boundary*=us-ascii'en'b%6Ed\r\n\r\n--bnd\r\n\r\nA\r\n--bnd--",
	  "A", 0, 0, 0 },
	{ "an empty part", CT "--bnd\r\n\r\n--bnd\r\n\r\nB\r\n--bnd--", "|B", 0, 0, 0 },
	{ "a part with a header and no body", CT "--bnd\r\nContent-Type: text/plain\r\n--bnd--", "", 0, 0, 0 },
	{ "nested multipart",
	  CT "--bnd\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n\r\nI1\r\n--in\r\n\r\nI2\r\n--in--\r\n--bnd\r\n\r\nB\r\n--bnd--",
	  "I1|I2|B", 0, 0, 0 },
	{ "a single part", "Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nhello", "hello", 0, 0, 0 },
	{ "no header at all", "\r\nhello", "hello", 0, 0, 0 },
	{ "a header line that is no field", "Content-Type: text/plain\r\nnot a field\r\n\r\nx", "MIME-HEADER", 0, 0, 0 },
	{ "a continuation first", " Content-Type: text/plain\r\n\r\nx", "MIME-HEADER", 0, 0, 0 },
	{ "a type without subtype", "Content-Type: text\r\n\r\nx", "MIME-CONTENT-TYPE", 0, 0, 0 },
	{ "an unterminated quoted boundary", "Content-Type: multipart/related; boundary=\"bnd\r\n\r\n--bnd--", "MIME-PARAM", 0, 0, 0 },
	{ "a parameter without value", "Content-Type: multipart/related; boundary\r\n\r\n", "MIME-PARAM", 0, 0, 0 },
	{ "an RFC 2231 value with a bad escape", "Content-Type: multipart/mixed; boundary*=us-ascii''b%6\r\n\r\n", "MIME-PARAM", 0, 0, 0 },
	{ "an unknown transfer encoding", "Content-Transfer-Encoding: x-uue\r\n\r\nx", "MIME-CTE", 0, 0, 0 },
	{ "a multipart in base64", "Content-Type: multipart/related; boundary=bnd\r\nContent-Transfer-Encoding: base64\r\n\r\n--bnd--",
	  "MIME-CTE", 0, 0, 0 },
	{ "a multipart without boundary", "Content-Type: multipart/related\r\n\r\n--bnd--", "MIME-BOUNDARY", 0, 0, 0 },
	{ "a boundary of 71 characters",
	  "Content-Type: multipart/related; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
	  "MIME-BOUNDARY", 0, 0, 0 },
	{ "a boundary ending in a space", "Content-Type: multipart/related; boundary=\"bnd \"\r\n\r\n", "MIME-BOUNDARY", 0, 0, 0 },
	{ "no delimiter", CT "just text\r\n", "MIME-NO-PARTS", 0, 0, 0 },
	{ "the close delimiter first", CT "--bnd--\r\n", "MIME-NO-PARTS", 0, 0, 0 },
	{ "no close delimiter", CT "--bnd\r\n\r\nA\r\n", "MIME-NO-CLOSE", 0, 0, 0 },
	{ "a delimiter followed by other text", CT "--bnd\r\n\r\nA\r\n--bnd--x\r\n", "MIME-NO-CLOSE", 0, 0, 0 },
	{ "a Content-ID past its slot", "Content-ID: <"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx>\r\n\r\n",
	  "MIME-LIMIT-FIELD", 0, 0, 0 },
	{ "more parts than the limit", CT "--bnd\r\n\r\nA\r\n--bnd\r\n\r\nB\r\n--bnd--", "MIME-LIMIT-PARTS", 2, 0, 0 },
	{ "parts up to the limit", CT "--bnd\r\n\r\nA\r\n--bnd\r\n\r\nB\r\n--bnd--", "A|B", 3, 0, 0 },
	{ "nesting deeper than the limit",
	  CT "--bnd\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n\r\nI1\r\n--in--\r\n--bnd--", "MIME-LIMIT-DEPTH", 0, 1, 0 },
	{ "a header longer than the limit", "Content-Type: text/plain\r\nX-Long: 0123456789\r\n\r\nx", "MIME-LIMIT-HEADER", 0, 0, 30 },
};

static void table(void)
{
	struct tdk_mime_limits lim;
	struct tdk_mime m;
	size_t i;

	tdk_mime_init(&m);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tdk_mime_limits_init(&lim);
		if (cases[i].max_parts)
			lim.max_parts = cases[i].max_parts;
		if (cases[i].max_depth)
			lim.max_depth = cases[i].max_depth;
		if (cases[i].max_header)
			lim.max_header = cases[i].max_header;
		is_str(run(cases[i].in, &lim, &m), cases[i].want, "%s", cases[i].name);
	}
	lim.max_size = 4;
	is_str(run("\r\nhello", &lim, &m), "MIME-LIMIT-SIZE", "a message larger than the limit");
	tdk_mime_release(&m);
}

static void fields_and_root(void)
{
	static const char *const msg =
		"Content-Type: Multipart/Related; boundary=bnd; start=\"<root@x>\"; type=\"application/soap+xml\"\r\n\r\n"
		"--bnd\r\nContent-ID: <att@x>\r\nContent-Transfer-Encoding: BASE64\r\n\r\naGVs\r\nbG8=\r\n"
		"--bnd\r\nContent-Type: application/soap+xml; charset=UTF-8\r\nContent-ID:\r\n <root@x>\r\n\r\n<S/>\r\n--bnd--\r\n";
	static const char *const raw2 =
		"Content-Type: application/soap+xml; charset=UTF-8\r\nContent-ID:\r\n <root@x>\r\n\r\n<S/>";
	struct tdk_buf b = TDK_BUF_INIT(1024);
	struct tdk_mime m;
	struct tdk_diag d;
	int k;

	tdk_diag_init(&d, "t");
	tdk_mime_init(&m);
	ok(tdk_mime_read(&m, msg, strlen(msg), NULL, &d) == 0 && m.nparts == 3, "a related message with start");
	is_str(m.parts[0].type, "multipart/related", "the type is lowercased");
	is_str(m.parts[0].start, "root@x", "start without its angle brackets");
	k = tdk_mime_related_root(&m, 0, &d);
	ok(k == 2, "the root is the part with that Content-ID, not the first");
	is_str(k == 2 ? m.parts[k].content_id : "", "root@x", "a folded Content-ID is unfolded");
	is_str(m.parts[1].cte, "base64", "the transfer encoding is lowercased");
	ok(tdk_mime_decode(&m.parts[1], &b, &d) == 0 && !strcmp(b.data, "hello"), "base64 across lines decoded");
	ok(m.parts[2].raw_len == strlen(raw2) && !memcmp(m.parts[2].raw, raw2, strlen(raw2)),
	   "a part's raw bytes are its header, blank line and body");
	ok(tdk_mime_child(&m, 0, 1) == 2 && tdk_mime_child(&m, 0, 2) == -1, "the children of the top");
	m.parts[0].start[0] = 'X';
	first_code[0] = '\0';
	d.emit = keep_code;
	ok(tdk_mime_related_root(&m, 0, &d) == -1 && !strcmp(first_code, "MIME-START"), "MIME-START when no part has it");
	m.parts[0].start[0] = '\0';
	ok(tdk_mime_related_root(&m, 0, &d) == 1, "without start, the first part is the root");
	tdk_buf_release(&b);
	tdk_mime_release(&m);
}

static const char *decode(const char *cte, const char *body, struct tdk_buf *b)
{
	struct tdk_mime_part p;
	struct tdk_diag d;

	memset(&p, 0, sizeof(p));
	snprintf(p.cte, sizeof(p.cte), "%s", cte);
	p.body = body;
	p.body_len = strlen(body);
	tdk_diag_init(&d, "t");
	d.emit = keep_code;
	first_code[0] = '\0';
	tdk_buf_reset(b);
	return tdk_mime_decode(&p, b, &d) < 0 ? first_code : b->data ? b->data : "";
}

static void decodings(void)
{
	struct tdk_buf b = TDK_BUF_INIT(64);

	is_str(decode("base64", "aGk=", &b), "hi", "base64 with padding");
	is_str(decode("base64", "aGk", &b), "MIME-BASE64", "base64 cut short");
	is_str(decode("base64", "aG*k", &b), "MIME-BASE64", "a byte that is not base64");
	is_str(decode("base64", "aG==aGk=", &b), "MIME-BASE64", "base64 after padding");
	is_str(decode("quoted-printable", "a=3Db=\r\nc  \r\nd", &b), "a=bc\r\nd",
	       "quoted-printable: escape, soft break, trailing space deleted");
	is_str(decode("quoted-printable", "a=3", &b), "MIME-QP", "a cut escape");
	is_str(decode("quoted-printable", "a=G1", &b), "MIME-QP", "an escape that is no hex");
	is_str(decode("binary", "a=G1", &b), "a=G1", "binary as it is");
	is_str(decode("base64", "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQg", &b),
	       "MIME-LIMIT-SIZE", "a decoded body past the buffer's cap");
	tdk_buf_release(&b);
}

static void writer(void)
{
	static const char bin[] = { 'a', '\0', '\r', '\n', '-', '-', '\r', '\n' };
	struct tdk_mime_out parts[3] = {
		{ "Content-Type: application/soap+xml\r\nContent-ID: <root>\r\n", "<S/>", 4 },
		{ NULL, bin, sizeof(bin) },
		{ "Content-ID: <att>\r\n", "", 0 },
	};
	struct tdk_buf out = TDK_BUF_INIT(4096), ct = TDK_BUF_INIT(512);
	struct tdk_mime m;
	struct tdk_diag d;
	size_t i;
	int same = 1;

	tdk_diag_init(&d, "t");
	tdk_mime_init(&m);
	ok(tdk_mime_write(&out, &ct, "multipart/related", "type=\"application/soap+xml\"; start=\"<root>\"", parts, 3, &d) == 0,
	   "three parts written");
	ok(!strncmp(ct.data, "multipart/related; boundary=\"", 29) && strstr(ct.data, "; start=\"<root>\""),
	   "the content type carries the boundary and the parameters");
	ok(tdk_mime_read_body(&m, ct.data, out.data, out.len, NULL, &d) == 0 && m.nparts == 4, "read back");
	for (i = 0; i < 3 && m.nparts == 4; i++) {
		const struct tdk_mime_part *p = &m.parts[i + 1];
		size_t hl = parts[i].header ? strlen(parts[i].header) : 0;

		same &= p->header_len == hl && !memcmp(p->header, parts[i].header ? parts[i].header : "", hl) &&
			p->body_len == parts[i].len && !memcmp(p->body, parts[i].body, parts[i].len);
	}
	ok(same, "each part reads back with its exact header and body bytes");
	ok(tdk_mime_related_root(&m, 0, &d) == 1, "the root by start");
	parts[0].header = "Content-Type: text/plain";
	ok(tdk_mime_write(&out, &ct, "multipart/related", NULL, parts, 1, &d) == -1, "MIME-HEADER: a header without CRLF");
	parts[0].header = "A: b\r\n\r\nC: d\r\n";
	ok(tdk_mime_write(&out, &ct, "multipart/related", NULL, parts, 1, &d) == -1, "MIME-HEADER: an empty line in a header");
	tdk_mime_release(&m);
	tdk_buf_release(&out);
	tdk_buf_release(&ct);
}

static void corpus_file(const char *dir, const char *rel, const char *type, size_t nparts)
{
	struct tdk_buf b = TDK_BUF_INIT(64u << 20);
	char path[1024];
	struct tdk_mime m;
	struct tdk_diag d;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	tdk_diag_init(&d, path);
	tdk_mime_init(&m);
	if (tdk_read_all(path, b.max, &b) < 0) {
		printf("ok %d # skip %s not readable\n", ++tap_n, rel);
	} else {
		ok(tdk_mime_read(&m, b.data, b.len, NULL, &d) == 0 && !strcmp(m.parts[0].type, type) &&
		   m.nparts == nparts, "%s: %s with %zu entities", rel, type, nparts);
	}
	tdk_mime_release(&m);
	tdk_buf_release(&b);
}

/*
 * The first part of the multipart/signed in path, its exact bytes with the
 * file's LF line ends made CRLF again (RFC 1847 signs the canonical form),
 * verifies against the decoded signature part: the byte range is the one
 * the signer signed.
 */
static void signed_range(const char *path)
{
	struct tdk_buf b = TDK_BUF_INIT(1u << 20), crlf = TDK_BUF_INIT(1u << 20), sig = TDK_BUF_INIT(1u << 20);
	struct tdk_mime m;
	struct tdk_diag d;
	const struct tdk_mime_part *c, *s;
	const unsigned char *der;
	CMS_ContentInfo *cms = NULL;
	BIO *content = NULL;
	size_t i;
	int good = 0;

	tdk_diag_init(&d, path);
	tdk_mime_init(&m);
	if (tdk_read_all(path, b.max, &b) < 0 || tdk_mime_read(&m, b.data, b.len, NULL, &d) < 0 ||
	    tdk_mime_child(&m, 0, 1) < 0)
		goto out;
	c = &m.parts[tdk_mime_child(&m, 0, 0)];
	s = &m.parts[tdk_mime_child(&m, 0, 1)];
	for (i = 0; i < c->raw_len; i++)
		if ((c->raw[i] == '\n' && (i == 0 || c->raw[i - 1] != '\r') && tdk_buf_addc(&crlf, '\r') < 0) ||
		    tdk_buf_addc(&crlf, c->raw[i]) < 0)
			goto out;
	if (tdk_mime_decode(s, &sig, &d) < 0)
		goto out;
	der = (const unsigned char *)sig.data;
	if (!(cms = d2i_CMS_ContentInfo(NULL, &der, (long)sig.len)) ||
	    !(content = BIO_new_mem_buf(crlf.data, (int)crlf.len)))
		goto out;
	good = CMS_verify(cms, NULL, NULL, content, NULL, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
	/* One byte more and it must fail. */
	if (good && tdk_buf_addc(&crlf, ' ') == 0) {
		BIO_free(content);
		content = BIO_new_mem_buf(crlf.data, (int)crlf.len);
		good = content && CMS_verify(cms, NULL, NULL, content, NULL, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1;
	}
out:
	ok(good, "%s: the signed part's byte range verifies against its signature, one byte more does not",
	   strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	tdk_mime_release(&m);
	tdk_buf_release(&b);
	tdk_buf_release(&crlf);
	tdk_buf_release(&sig);
}

static void corpus(void)
{
	const char *dir = getenv("TDK_CORPUS");
	char path[1024];

	if (!dir) {
		printf("ok %d # skip TDK_CORPUS not set\n", ++tap_n);
		return;
	}
	corpus_file(dir, "transport/as4/phase4/phase4-test/testfiles/WrongCompression.mime", "multipart/related", 3);
	corpus_file(dir, "transport/as4/phase4/phase4-peppol-client/dump-raw.as4out", "multipart/related", 3);
	corpus_file(dir, "transport/as2/node-libas2/content.signed.txt", "multipart/signed", 3);
	corpus_file(dir, "transport/as2/node-libas2/mdn.signed.txt", "multipart/signed", 5);
	snprintf(path, sizeof(path), "%s/transport/as2/node-libas2/content.signed.txt", dir);
	signed_range(path);
	snprintf(path, sizeof(path), "%s/transport/as2/node-libas2/mdn.signed.txt", dir);
	signed_range(path);
}

int main(void)
{
	table();
	fields_and_root();
	decodings();
	writer();
	corpus();
	return done();
}
