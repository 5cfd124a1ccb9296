/*
 * The SwA profile 1.1 pieces libxmlsec1 lacks: the
 * Attachment-Content-Signature transform (§5.4.1: the attachment's content,
 * MIME content canonicalisation by its type) and the input of cid:
 * references from the attachments the caller gave, plus what the wss files
 * share (finding an attachment, the security header).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <openssl/rand.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/io.h>
#include <xmlsec/transforms.h>

#include "net/wss-int.h"
#include "util/exitcode.h"
#include "xml/xml.h"

static _Thread_local const struct tdk_wss_attachment *cur;
static _Thread_local size_t ncur;

void tdk_wss_set_attachments(const struct tdk_wss_attachment *a, size_t n)
{
	cur = a;
	ncur = a ? n : 0;
}

void tdk_wss_err(struct tdk_diag *d, const xmlNode *n, const char *code, const char *fmt, ...)
{
	struct tdk_diag_loc loc = { 0 };
	va_list ap;

	if (n)
		loc.line = (unsigned long)xmlGetLineNo(n);
	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, code, n ? &loc : NULL, fmt, ap);
	va_end(ap);
}

const struct tdk_wss_attachment *tdk_wss_find(const struct tdk_wss_attachment *a, size_t n, const char *uri)
{
	struct tdk_buf b = TDK_BUF_INIT(4096);
	const struct tdk_wss_attachment *found = NULL;
	size_t i;

	if (!uri || strncmp(uri, "cid:", 4) || tdk_uri_decode(uri + 4, &b) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if (a[i].cid && !strcmp(a[i].cid, b.data ? b.data : "")) {
			found = &a[i];
			break;
		}
out:
	tdk_buf_release(&b);
	return found;
}

int tdk_wss_cid_uri(struct tdk_buf *b, const char *cid)
{
	const char *ok = "-._~!$&'()*+,;=:@/";
	const char *c;

	if (tdk_buf_adds(b, "cid:") < 0)
		return -1;
	for (c = cid ? cid : ""; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr(ok, *c)))
			return tdk_uri_encode(cid, b);
	return tdk_buf_adds(b, cid ? cid : "");
}

void tdk_wss_attachments_release(struct tdk_wss_attachment *a, size_t n)
{
	size_t i;

	for (i = 0; a && i < n; i++) {
		if (a[i].owned) {
			free(a[i].owned);
			a[i].owned = NULL;
			a[i].data = NULL;
			a[i].len = 0;
		}
		if (a[i].owned_type) {
			free(a[i].owned_type);
			a[i].owned_type = NULL;
			a[i].type = NULL;
		}
	}
}

xmlNodePtr tdk_wss_header(xmlDocPtr doc, int make, const char **ns)
{
	xmlNodePtr env = xmlDocGetRootElement(doc), h;

	*ns = tdk_node_is(env, "Envelope", TDK_NS_SOAP12) ? TDK_NS_SOAP12 : TDK_NS_SOAP11;
	if (!tdk_node_is(env, "Envelope", *ns))
		return NULL;
	if ((h = tdk_node_child(env, "Header", *ns)) || !make)
		return h;
	h = xmlNewDocNode(doc, env->ns, (const xmlChar *)"Header", NULL);
	if (!h)
		return NULL;
	if (env->children)
		return xmlAddPrevSibling(env->children, h);
	return xmlAddChild(env, h);
}

xmlNodePtr tdk_wss_security(xmlDocPtr doc, int make)
{
	const char *ns;
	xmlNodePtr h = tdk_wss_header(doc, make, &ns), sec;
	xmlNsPtr wsse, soap;

	if (!h)
		return NULL;
	if ((sec = tdk_node_child(h, "Security", TDK_NS_WSSE)) || !make)
		return sec;
	if (!(sec = xmlNewChild(h, NULL, (const xmlChar *)"Security", NULL)) ||
	    !(wsse = xmlNewNs(sec, (const xmlChar *)TDK_NS_WSSE, (const xmlChar *)"wsse")))
		return NULL;
	xmlSetNs(sec, wsse);
	soap = xmlSearchNsByHref(doc, h, (const xmlChar *)ns);
	/* SOAP 1.2 §5.2.3 writes "true"; SOAP 1.1 §4.2.3 writes "1". */
	if (!soap || !xmlSetNsProp(sec, soap, (const xmlChar *)"mustUnderstand",
				   (const xmlChar *)(strcmp(ns, TDK_NS_SOAP12) ? "1" : "true")))
		return NULL;
	return sec;
}

/* Whether the media type t (parameters after ';' ignored) is type/sub with sub ending in suffix, case-insensitively. */
static int type_is(const char *t, const char *type, const char *suffix)
{
	size_t tl = strlen(type), n, sl = strlen(suffix);

	if (!t || strncasecmp(t, type, tl) || t[tl] != '/')
		return 0;
	t += tl + 1;
	n = strcspn(t, "; \t");
	return !sl || (n >= sl && !strncasecmp(t + n - sl, suffix, sl) && (n == sl || suffix[0] == '+'));
}

/* Text with every line ending (CR LF, lone CR, lone LF) as CR LF: RFC 2045's canonical text. */
static int crlf(const unsigned char *p, size_t len, unsigned char **out, size_t *outlen)
{
	size_t i, o = 0;
	unsigned char *q;

	if (len > ((size_t)-1) / 2 - 1 || !(q = malloc(2 * len + 1)))
		return -1;
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
				i++;
			q[o++] = '\r';
			q[o++] = '\n';
		} else {
			q[o++] = p[i];
		}
	}
	*out = q;
	*outlen = o;
	return 0;
}

/* XML content in exclusive canonical form without comments (read through lib/xml). */
static int xml_canon(const unsigned char *p, size_t len, unsigned char **out, size_t *outlen)
{
	struct tdk_diag d;
	xmlDocPtr doc;
	xmlChar *c = NULL;
	int n;

	tdk_diag_init(&d, "attachment");
	doc = tdk_xml_parse_ex((const char *)p, len, "attachment", "WSS", 0, NULL, &d);
	if (!doc)
		return -1;
	n = xmlC14NDocDumpMemory(doc, NULL, XML_C14N_EXCLUSIVE_1_0, NULL, 0, &c);
	xmlFreeDoc(doc);
	if (n < 0 || !(*out = malloc((size_t)n + 1))) {
		xmlFree(c);
		return -1;
	}
	memcpy(*out, c, (size_t)n);
	*outlen = (size_t)n;
	xmlFree(c);
	return 0;
}

int tdk_wss_swa_canon(const char *type, const unsigned char *data, size_t len, unsigned char **out,
		      size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (type_is(type, "text", "xml") || type_is(type, "application", "xml") || type_is(type, "text", "+xml") ||
	    type_is(type, "application", "+xml"))
		return xml_canon(data, len, out, outlen);
	if (type_is(type, "text", ""))
		return crlf(data, len, out, outlen);
	if (!(*out = malloc(len + 1)))
		return -1;
	if (len)
		memcpy(*out, data, len);
	*outlen = len;
	return 0;
}

/*
 * The transform: gathers the attachment's octets, which the cid: input
 * before it read, and hands on their canonical form once the input ends.
 * The attachment's type comes from the attachment the reference's URI names.
 */
static int swa_execute(xmlSecTransformPtr tr, int last, xmlSecTransformCtxPtr ctx)
{
	const struct tdk_wss_attachment *a;
	unsigned char *c = NULL;
	size_t clen = 0;
	int r;

	if (tr->status == xmlSecTransformStatusNone)
		tr->status = xmlSecTransformStatusWorking;
	if (tr->status == xmlSecTransformStatusFinished)
		return xmlSecBufferGetSize(&tr->inBuf) ? -1 : 0;
	if (tr->status != xmlSecTransformStatusWorking || !last)
		return 0;
	a = tdk_wss_find(cur, ncur, (const char *)ctx->uri);
	if (!a || tdk_wss_swa_canon(a->type, xmlSecBufferGetData(&tr->inBuf), xmlSecBufferGetSize(&tr->inBuf),
				    &c, &clen) < 0)
		return -1;
	r = xmlSecBufferAppend(&tr->outBuf, c, (xmlSecSize)clen);
	free(c);
	xmlSecBufferEmpty(&tr->inBuf);
	if (r < 0)
		return -1;
	tr->status = xmlSecTransformStatusFinished;
	return 0;
}

static xmlSecTransformKlass swa_klass = {
	sizeof(xmlSecTransformKlass), sizeof(xmlSecTransform),
	(const xmlChar *)"swa-attachment-content", (const xmlChar *)WSS_ALG_SWA_CONTENT,
	xmlSecTransformUsageDSigTransform,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	xmlSecTransformDefaultGetDataType, xmlSecTransformDefaultPushBin, xmlSecTransformDefaultPopBin,
	NULL, NULL, swa_execute, NULL, NULL
};

/* The input of cid: URIs: the bytes of the attachment of this thread's operation. */
struct cid_stream {
	const struct tdk_wss_attachment *a;
	size_t pos;
};

static int cid_match(const char *uri)
{
	return tdk_wss_find(cur, ncur, uri) != NULL;
}

static void *cid_open(const char *uri)
{
	const struct tdk_wss_attachment *a = tdk_wss_find(cur, ncur, uri);
	struct cid_stream *s;

	if (!a || !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->a = a;
	return s;
}

static int cid_read(void *ctx, char *buf, int len)
{
	struct cid_stream *s = ctx;
	size_t n = s->a->len - s->pos;

	if (len <= 0)
		return 0;
	if (n > (size_t)len)
		n = (size_t)len;
	if (n)
		memcpy(buf, s->a->data + s->pos, n);
	s->pos += n;
	return (int)n;
}

static int cid_close(void *ctx)
{
	free(ctx);
	return 0;
}

const void *tdk_wss_swa_transform(void)
{
	return &swa_klass;
}

const char *tdk_wss_wsu_id(xmlDocPtr doc, xmlNodePtr n, const char *prefix)
{
	xmlAttrPtr a = xmlHasNsProp(n, (const xmlChar *)"Id", (const xmlChar *)TDK_NS_WSU);
	xmlNsPtr ns;
	char id[64];

	if (!a) {
		tdk_sign_new_id(id, sizeof(id), prefix);
		if (!(ns = xmlSearchNsByHref(doc, n, (const xmlChar *)TDK_NS_WSU)) &&
		    !(ns = xmlNewNs(n, (const xmlChar *)TDK_NS_WSU, (const xmlChar *)"wsu")))
			return NULL;
		if (!(a = xmlSetNsProp(n, ns, (const xmlChar *)"Id", (const xmlChar *)id)) ||
		    !xmlAddID(NULL, doc, (const xmlChar *)id, a))
			return NULL;
	}
	return a->children && a->children->type == XML_TEXT_NODE ? (const char *)a->children->content : NULL;
}

static int init_rc = TDK_EXIT_INTERNAL;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_run(void)
{
	if (xmlSecTransformIdsRegister(&swa_klass) < 0 ||
	    xmlSecIORegisterCallbacks(cid_match, cid_open, cid_read, cid_close) < 0)
		return;
	init_rc = 0;
}

int tdk_wss_lib_init(void)
{
	pthread_once(&init_once, init_run);
	return init_rc;
}
