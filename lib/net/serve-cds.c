/*
 * tdk serve's Customs Declarations API: POST /customs/declarations (and
 * /amend, /cancellation-requests, /arrival-notification, /file-upload) with
 * the real API's checks in its order (Accept 406, Content-Type 415, Bearer
 * 401, badge or submitter 400, schema 400) and its errorResponse bodies; 202
 * with a fresh X-Conversation-ID.  The notifications follow the CDS stub's
 * rule: the first letter of the LRN chooses them, a digit after it delays them.
 */
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "net/serve-int.h"
#include "util/exitcode.h"
#include "xml/xml.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define MAX_SCHEMA_ERRORS 25     /* as the API's xml.max-errors */

static void cds_error(struct serve_req *r, unsigned status, const char *code, const char *msg)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);

	tdk_buf_addf(&b, XML_HEAD "<errorResponse>\n  <code>%s</code>\n  <message>%s</message>\n</errorResponse>\n",
		     code, msg);
	serve_answer(r, status, "application/xml; charset=UTF-8", b.data);
	tdk_buf_release(&b);
}

/* An identifier of 1..max characters of [0-9A-Z] (badge: 6..12). */
static int ident_ok(const char *v, size_t min, size_t max, int lower_ok)
{
	size_t n = v ? strlen(v) : 0, i;

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (lower_ok && v[i] >= 'a' && v[i] <= 'z')))
			return 0;
	return 1;
}

/* The header checks, in the API's order.  Returns 1 when the request may go on. */
static int cds_headers(struct serve_req *r, int upload)
{
	const char *acc = serve_req_header(r, "Accept"), *ct = serve_req_header(r, "Content-Type");
	const char *badge = serve_req_header(r, "X-Badge-Identifier");
	const char *sub = serve_req_header(r, upload ? "X-EORI-Identifier" : "X-Submitter-Identifier");

	if (!acc || (strcmp(acc, "application/vnd.hmrc.1.0+xml") && strcmp(acc, "application/vnd.hmrc.2.0+xml") &&
		     strcmp(acc, "application/vnd.hmrc.3.0+xml"))) {
		cds_error(r, 406, "ACCEPT_HEADER_INVALID", "The accept header is missing or invalid");
		return 0;
	}
	if (!ct || (strcasecmp(ct, "application/xml; charset=UTF-8") && strcasecmp(ct, "application/xml;charset=UTF-8"))) {
		cds_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", "The content type header is missing or invalid");
		return 0;
	}
	if (!serve_bearer_ok(r, "write:customs-declaration")) {
		cds_error(r, 401, "UNAUTHORIZED", "Bearer token is missing or not authorized");
		return 0;
	}
	if (!(badge && ident_ok(badge, 6, 12, 0)) && !(sub && ident_ok(sub, 1, 17, 1))) {
		cds_error(r, 400, "BAD_REQUEST", upload ? "X-Badge-Identifier or X-EORI-Identifier header is missing "
			  "or invalid" : "X-Badge-Identifier or X-Submitter-Identifier header is missing or invalid");
		return 0;
	}
	return 1;
}

struct schema_errors {
	struct tdk_buf *b;
	unsigned n;
};

static void collect(void *arg, const struct tdk_diag_item *it)
{
	struct schema_errors *e = arg;

	if (it->sev != TDK_SEV_ERROR || e->n >= MAX_SCHEMA_ERRORS)
		return;
	e->n++;
	tdk_buf_addf(e->b, "    <error>\n      <code>xml_validation_error</code>\n      <message>Error at line %lu, "
		     "column %lu: ", it->loc.line, it->loc.col);
	tdk_xml_escapes(e->b, it->msg);
	tdk_buf_addl(e->b, "</message>\n    </error>\n");
}

/* Validates the body with tdk's validator.  Returns 1 when valid, else answers 400 and returns 0. */
static int cds_validate(struct serve_req *r)
{
	struct tdk_buf errs = TDK_BUF_INIT(1u << 20), b = TDK_BUF_INIT(1u << 20);
	struct schema_errors e = { &errs, 0 };
	struct tdk_xml_opts o;
	struct tdk_input in;
	struct tdk_diag d;
	int unchecked = 0, rc;

	tdk_xml_opts_init(&o);
	o.set = r->s->o.schemas;
	tdk_input_open_mem(&in, "request", r->body.data ? r->body.data : "", r->body.len);
	tdk_diag_init(&d, "request");
	d.emit = collect;
	d.arg = &e;
	rc = tdk_xml_validate(&in, &o, &d, &unchecked);
	if (rc == TDK_EXIT_OK && !d.errors && !unchecked) {
		tdk_buf_release(&errs);
		return 1;
	}
	if (unchecked && !e.n)
		tdk_buf_addl(&errs, "    <error>\n      <code>xml_validation_error</code>\n      <message>Error at line 1,"
			     " column 1: no schema is registered for the namespace of the root element</message>\n"
			     "    </error>\n");
	tdk_buf_addf(&b, XML_HEAD "<errorResponse>\n  <code>BAD_REQUEST</code>\n  <message>Payload is not valid "
		     "according to schema</message>\n  <errors>\n%s  </errors>\n</errorResponse>\n",
		     errs.data ? errs.data : "");
	serve_answer(r, 400, "application/xml; charset=UTF-8", b.data);
	tdk_buf_release(&errs);
	tdk_buf_release(&b);
	return 0;
}

/* The text of the first element named name (any namespace) under node, depth first, or NULL. */
static xmlNode *find_elem(xmlNode *n, const char *name)
{
	for (; n; n = n->next) {
		xmlNode *f;

		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
			return n;
		if ((f = find_elem(n->children, name)))
			return f;
	}
	return NULL;
}

/* The LRN: Declaration/FunctionalReferenceID, into out (empty when none). */
static void lrn_of(xmlDoc *doc, char *out, size_t n)
{
	xmlNode *decl = find_elem(xmlDocGetRootElement(doc), "Declaration");
	xmlNode *f = decl ? find_elem(decl->children, "FunctionalReferenceID") : NULL;
	xmlChar *t = f ? xmlNodeGetContent(f) : NULL;

	snprintf(out, n, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

/* The stub's rule: a letter and the DMS function codes of the notifications it brings. */
static const struct outcome {
	char letter;
	const char *codes;       /* function codes, in the order sent */
} outcomes[] = {
	{ 'B', "03" },           /* rejected, with a CDS error */
	{ 'C', "01 09" },        /* accepted, cleared */
	{ 'D', "01 06" },        /* accepted, additional documents required */
	{ 'G', "01" },           /* accepted */
	{ 'N', "01 08" },        /* accepted, released */
	{ 'P', "" },             /* no notification */
	{ 'Q', "01 13" },        /* accepted, query */
	{ 'R', "02" },           /* received */
	{ 'U', "01 05" },        /* accepted, undergoing physical check */
	{ 'X', "01 08 16" },     /* accepted, released, goods exited */
	{ 0, "01" }              /* any other letter: accepted */
};

/* One RES-DMS:2 notification for the LRN with function code fc. */
static void notification(struct tdk_buf *b, const char *lrn, const char *fc, const char *when, const char *mrn)
{
	static const char ds[] = "<ds:DateTimeString formatCode=\"304\">";
	char cds[16] = "CDS12056";

	if (lrn[0] == 'B' && !strncmp(lrn + 1, "CDS", 3) && strlen(lrn) >= 9 &&
	    strspn(lrn + 4, "0123456789") >= 5)
		snprintf(cds, sizeof(cds), "%.8s", lrn + 1);
	tdk_buf_addf(b, XML_HEAD "<md:MetaData xmlns:md=\"urn:wco:datamodel:WCO:DocumentMetaData-DMS:2\" "
		     "xmlns=\"urn:wco:datamodel:WCO:RES-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Response_DS:DMS:2\">\n"
		     "  <md:WCODataModelVersionCode>3.6</md:WCODataModelVersionCode>\n"
		     "  <md:WCOTypeName>RES</md:WCOTypeName>\n  <md:ResponsibleCountryCode/>\n"
		     "  <md:ResponsibleAgencyName/>\n  <md:AgencyAssignedCustomizationCode/>\n"
		     "  <md:AgencyAssignedCustomizationVersionCode/>\n  <Response>\n"
		     "    <FunctionCode>%s</FunctionCode>\n    <FunctionalReferenceID>%s</FunctionalReferenceID>\n"
		     "    <IssueDateTime>%s%s</ds:DateTimeString></IssueDateTime>\n", fc, mrn, ds, when);
	if (!strcmp(fc, "03"))
		tdk_buf_addf(b, "    <Error>\n      <ValidationCode>%s</ValidationCode>\n      <Pointer>\n"
			     "        <DocumentSectionCode>42A</DocumentSectionCode>\n      </Pointer>\n      <Pointer>\n"
			     "        <DocumentSectionCode>67A</DocumentSectionCode>\n        <TagID>D026</TagID>\n"
			     "      </Pointer>\n    </Error>\n", cds);
	tdk_buf_addl(b, "    <Declaration>\n      <FunctionalReferenceID>");
	tdk_xml_escapes(b, lrn);
	tdk_buf_addf(b, "</FunctionalReferenceID>\n      <ID>%s</ID>\n      <VersionID>1</VersionID>\n"
		     "    </Declaration>\n  </Response>\n</md:MetaData>\n", mrn);
}

/*
 * An MRN in the form CDS gives (an18: two digits of the year, the country,
 * fourteen letters and digits, e.g. 26GB1F2A3B4C5D6E7F): here the year of
 * when and the conversation id's first fourteen hex digits, upper case.
 */
static void mrn_of(char mrn[24], const char *when, const char *conv)
{
	size_t k = 4;

	snprintf(mrn, 24, "%.2sGB", when + 2);
	for (; *conv && k < 18; conv++)
		if (*conv != '-')
			mrn[k++] = (char)(*conv >= 'a' && *conv <= 'f' ? *conv - 'a' + 'A' : *conv);
	mrn[k] = '\0';
}

/* Stores the notifications the LRN chooses for the conversation.  Returns 0 or -1. */
static int make_notifications(struct serve_req *r, const char *conv, const char *lrn)
{
	const struct outcome *o = outcomes;
	int64_t due = serve_now() + (lrn[0] && lrn[1] >= '0' && lrn[1] <= '9' ? lrn[1] - '0' : 0);
	const char *fc[8], *c;
	char when[24], mrn[24], id[37], seq[24], dues[24], buf[8][4];
	size_t n = 0, i, k, copies = r->f.bits & TDK_FAULT_DUPLICATE ? 2 : 1;
	time_t t = (time_t)due;
	struct tm tm;
	int rc = 0;

	while (o->letter && o->letter != lrn[0])
		o++;
	for (c = o->codes; *c && n < 8; n++) {
		snprintf(buf[n], sizeof(buf[n]), "%.2s", c);
		fc[n] = buf[n];
		c += 2;
		while (*c == ' ')
			c++;
	}
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y%m%d%H%M%SZ", &tm);
	mrn_of(mrn, when, conv);
	for (i = 0; i < n * copies && !rc; i++) {
		struct tdk_buf b = TDK_BUF_INIT(1u << 16);
		size_t j = r->f.bits & TDK_FAULT_REORDER ? n - 1 - i % n : i % n;
		const char *p[7];

		notification(&b, lrn, fc[j], when, mrn);
		k = (size_t)serve_now_ms() * 16 + i;
		snprintf(seq, sizeof(seq), "%zu", k);
		snprintf(dues, sizeof(dues), "%lld", (long long)due);
		if (serve_uuid(id) < 0 || !b.data)
			rc = -1;
		p[0] = id, p[1] = seq, p[2] = conv, p[3] = lrn, p[4] = dues, p[5] = b.data;
		if (!rc)
			rc = serve_store_exec(r->s, "INSERT INTO notifications(id,seq,conversation_id,lrn,due,body) "
					      "VALUES(?,?,?,?,?,?)", 6, p);
		tdk_buf_release(&b);
	}
	return rc;
}

/*
 * A FileUploadRequest: answered with one upload URL on this server per
 * File, with the fields serve_upload (serve-upload.c) checks: key (the
 * reference) and acl.
 */
static int file_upload(struct serve_req *r, xmlDoc *doc, const char *conv, struct tdk_buf *out)
{
	xmlNode *root = xmlDocGetRootElement(doc), *files = find_elem(root, "Files"), *f;
	int rc = 0, nfiles = 0;

	tdk_buf_addl(out, XML_HEAD "<FileUploadResponse xmlns=\"hmrc:fileupload\">\n  <Files>\n");
	for (f = files ? files->children : NULL; f && !rc; f = f->next) {
		char ref[37];
		const char *p[2];

		if (f->type != XML_ELEMENT_NODE || strcmp((const char *)f->name, "File"))
			continue;
		if (serve_uuid(ref) < 0 || ++nfiles > 100)
			return -1;
		p[0] = ref, p[1] = conv;
		rc = serve_store_exec(r->s, "INSERT INTO uploads(reference, conversation_id) VALUES(?,?)", 2, p);
		tdk_buf_addf(out, "    <File>\n      <Reference>%s</Reference>\n      <UploadRequest>\n"
			     "        <Href>http://127.0.0.1:%u/upload/%s</Href>\n        <Fields>\n"
			     "          <key>%s</key>\n          <acl>" SERVE_UPLOAD_ACL "</acl>\n        </Fields>\n"
			     "      </UploadRequest>\n    </File>\n", ref, r->s->port, ref, ref);
	}
	tdk_buf_addl(out, "  </Files>\n</FileUploadResponse>\n");
	return rc;
}

/* Stores the declaration and its notifications (or the upload slots) in one transaction. */
static int cds_store(struct serve_req *r, const char *kind, xmlDoc *doc, const char *conv, struct tdk_buf *out)
{
	char lrn[128], sha[65], now[24];
	const char *p[6];
	int rc;

	lrn_of(doc, lrn, sizeof(lrn));
	serve_sha256(r->body.data, r->body.len, sha, NULL);
	snprintf(now, sizeof(now), "%lld", (long long)serve_now());
	p[0] = conv, p[1] = lrn[0] ? lrn : NULL, p[2] = sha, p[3] = kind, p[4] = r->client, p[5] = now;
	pthread_mutex_lock(&r->s->lock);
	rc = serve_store_exec(r->s, "BEGIN IMMEDIATE", 0, NULL);
	if (!rc)
		rc = serve_store_exec(r->s, "INSERT INTO declarations VALUES(?,?,?,?,?,?)", 6, p);
	if (!rc && !strcmp(kind, "file-upload"))
		rc = file_upload(r, doc, conv, out);
	else if (!rc && strcmp(kind, "arrival-notification"))
		rc = make_notifications(r, conv, lrn);
	rc = serve_store_exec(r->s, rc ? "ROLLBACK" : "COMMIT", 0, NULL) || rc;
	pthread_mutex_unlock(&r->s->lock);
	return rc;
}

void serve_cds(struct serve_req *r, const char *sub)
{
	static const char *const kinds[] = { "", "/", "/amend", "/cancellation-requests", "/arrival-notification",
					     "/file-upload", NULL };
	struct tdk_buf out = TDK_BUF_INIT(1u << 20);
	struct tdk_diag d;
	xmlDoc *doc = NULL;
	char conv[37];
	size_t k;

	for (k = 0; kinds[k] && strcmp(kinds[k], sub); k++)
		;
	if (!kinds[k] || strcmp(r->method, "POST")) {
		cds_error(r, 404, "MATCHING_RESOURCE_NOT_FOUND", "A resource with the name in the request can not be "
			  "found in the API");
		return;
	}
	if (!cds_headers(r, k == 5) || !cds_validate(r))
		return;
	tdk_diag_init(&d, "request");
	if (!(doc = tdk_xml_parse(r->body.data, r->body.len, "request", "SERVE", NULL, &d)) || serve_uuid(conv) < 0 ||
	    cds_store(r, k < 2 ? "declaration" : kinds[k] + 1, doc, conv, &out)) {
		cds_error(r, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
		goto out;
	}
	snprintf(r->conversation, sizeof(r->conversation), "%s", conv);
	serve_header(r, "X-Conversation-ID", conv);
	/* The drop fault breaks what carries a document: the declarations and the uploads, not the initiation. */
	if ((r->f.bits & TDK_FAULT_DROP) && k != 5)
		r->drop = 1;
	if (k == 5)
		serve_answer(r, 200, "application/xml; charset=UTF-8", out.data);
	else
		serve_answer(r, 202, NULL, NULL);
out:
	if (doc)
		xmlFreeDoc(doc);
	tdk_buf_release(&out);
}
