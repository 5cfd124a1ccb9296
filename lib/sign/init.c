/*
 * Process-wide setup for signatures: libxml2 and libxmlsec1 error output
 * silenced and collected, every external entity refused (by lib/xml's
 * loader, the process's only one, which also serves schema compiles),
 * libxmlsec1's file and network input replaced by a resolver that only
 * knows the data the current operation was given; plus the URI escaping
 * shared by signing and verification.  Documents are parsed by lib/xml (tdk_xml_parse).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/valid.h>
#include <libxslt/security.h>
#include <libxslt/xslt.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/transforms.h>

#include "sign/sign.h"
#include "sign/sign-int.h"
#include "util/exitcode.h"
#include "xml/xml.h"

static int initialised;
static xsltSecurityPrefsPtr xslt_prefs;

/*
 * The state of the operation in progress on this thread: its error sink,
 * the first libxmlsec1 error, and the external data the resolver serves.
 * Thread-local, so that threads sign and verify at once, each into its own
 * struct tdk_diag: libxmlsec1's error callback and I/O callbacks are
 * process-wide, but they run on the thread whose operation raised them.
 */
static _Thread_local struct tdk_diag *cur_diag;
static _Thread_local const char *cur_code;
static _Thread_local char last_xmlsec[256];
static _Thread_local int last_reason;
static _Thread_local struct tdk_sig_data *cur_data;

static void xml_error(void *arg, xmlErrorPtr e);

unsigned long tdk_sig_oom_count(void)
{
	return tdk_xml_oom_count();
}

void tdk_sig_set_sink(struct tdk_diag *d, const char *code)
{
	/*
	 * libxml2 keeps its structured error handler per thread; a thread that
	 * existed before tdk_sign_lib_init, or ran lib/xml's own handlers, gets
	 * this one again for the operation.
	 */
	if (d && xmlStructuredError != xml_error)
		xmlSetStructuredErrorFunc(NULL, xml_error);
	cur_diag = d;
	cur_code = code;
	last_xmlsec[0] = '\0';
	last_reason = 0;
}

int tdk_sig_last_reason(void)
{
	return last_reason;
}

const char *tdk_sig_last_error(void)
{
	return last_xmlsec;
}

void tdk_sig_set_data(struct tdk_sig_data *data)
{
	cur_data = data;
}

static void xml_error(void *arg, xmlErrorPtr e)
{
	(void)arg;
	tdk_xml_error_add(cur_diag, cur_code ? cur_code : "VERIFY-XML", e);
}

static void xmlsec_error(const char *file, int line, const char *func, const char *obj,
			 const char *subject, int reason, const char *msg)
{
	const char *r = NULL;
	int has_msg = msg && *msg && strcmp(msg, "NULL");
	xmlSecSize i;

	(void)file;
	(void)line;
	(void)func;
	(void)obj;
	(void)subject;
	if (reason == XMLSEC_ERRORS_R_MALLOC_FAILED)
		tdk_xml_oom_note();
	for (i = 0; xmlSecErrorsGetMsg(i); i++)
		if (xmlSecErrorsGetCode(i) == reason) {
			r = xmlSecErrorsGetMsg(i);
			break;
		}
	/* Keep the first error of an operation: later ones are its consequences. */
	if (!last_xmlsec[0]) {
		last_reason = reason;
		snprintf(last_xmlsec, sizeof(last_xmlsec), "%s%s%s", r ? r : "error",
			 has_msg ? ": " : "", has_msg ? msg : "");
	}
}

/* The resolver: a reference URI matches an item when equal after percent-decoding. */
struct res_stream {
	const unsigned char *p;
	size_t len, pos;
};

struct tdk_sig_item *tdk_sig_data_find(const struct tdk_sig_data *data, const char *uri)
{
	struct tdk_buf b = TDK_BUF_INIT(1 << 16);
	struct tdk_sig_item *found = NULL;
	size_t i;

	if (!data || !uri || tdk_uri_decode(uri, &b) < 0)
		goto out;
	for (i = 0; i < data->n; i++)
		if (!strcmp(data->items[i].uri, b.data ? b.data : "")) {
			found = &data->items[i];
			break;
		}
out:
	tdk_buf_release(&b);
	return found;
}

static struct tdk_sig_item *res_find(const char *uri)
{
	return tdk_sig_data_find(cur_data, uri);
}

static int res_match(const char *uri)
{
	return res_find(uri) != NULL;
}

static void *res_open(const char *uri)
{
	struct tdk_sig_item *it = res_find(uri);
	struct res_stream *s;

	if (!it)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->p = it->data;
	s->len = it->len;
	return s;
}

static int res_read(void *ctx, char *buf, int len)
{
	struct res_stream *s = ctx;
	size_t n = s->len - s->pos;

	if (len <= 0)
		return 0;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, s->p + s->pos, n);
	s->pos += n;
	return (int)n;
}

static int res_close(void *ctx)
{
	free(ctx);
	return 0;
}

int tdk_sign_lib_init(void)
{
	if (initialised)
		return 0;
	xmlInitParser();
	/* This thread's handler, and the one every thread made later starts with. */
	xmlSetStructuredErrorFunc(NULL, xml_error);
	xmlThrDefSetStructuredErrorFunc(NULL, xml_error);
	/*
	 * lib/xml's loader refuses every entity outside a schema compile; one
	 * of our own would replace it, and schemas could no longer be read.
	 */
	tdk_xml_entity_loader_install();
	xmlSubstituteEntitiesDefault(0);
	xmlLoadExtDtdDefaultValue = 0;
	/* XSLT transforms inside signatures may not read or write anything. */
	xslt_prefs = xsltNewSecurityPrefs();
	if (!xslt_prefs)
		return TDK_EXIT_INTERNAL;
	xsltSetSecurityPrefs(xslt_prefs, XSLT_SECPREF_READ_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(xslt_prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(xslt_prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
	xsltSetSecurityPrefs(xslt_prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
	xsltSetSecurityPrefs(xslt_prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
	if (xmlSecInit() < 0)
		return TDK_EXIT_INTERNAL;
	if (xmlSecCheckVersion() != 1)
		goto fail;
	if (xmlSecCryptoAppInit(NULL) < 0)
		goto fail;
	if (xmlSecCryptoInit() < 0) {
		xmlSecCryptoAppShutdown();
		goto fail;
	}
	/* After the library's own setup, which installs the defaults (printing, permissive). */
	xmlSecErrorsDefaultCallbackEnableOutput(0);
	xmlSecErrorsSetCallback(xmlsec_error);
	xmlSecTransformXsltSetDefaultSecurityPrefs(xslt_prefs);
	/* Only tdk's resolver: no file://, no http://, no relative paths on disk. */
	xmlSecIOCleanupCallbacks();
	if (xmlSecIORegisterCallbacks(res_match, res_open, res_read, res_close) < 0) {
		tdk_sign_lib_shutdown();
		initialised = 0;
		return TDK_EXIT_INTERNAL;
	}
	initialised = 1;
	return 0;
fail:
	xmlSecShutdown();
	return TDK_EXIT_INTERNAL;
}

void tdk_sign_lib_shutdown(void)
{
	if (!initialised)
		return;
	xmlSecCryptoShutdown();
	xmlSecCryptoAppShutdown();
	xmlSecShutdown();
	xsltFreeSecurityPrefs(xslt_prefs);
	xslt_prefs = NULL;
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlThrDefSetStructuredErrorFunc(NULL, NULL);
	initialised = 0;
}

const char *tdk_sign_lib_version(void)
{
	return XMLSEC_VERSION;
}

int tdk_uri_decode(const char *s, struct tdk_buf *out)
{
	for (; *s; s++) {
		int c = (unsigned char)*s;

		if (c == '%') {
			int h = tdk_hex_value((unsigned char)s[1]), l = h < 0 ? -1 : tdk_hex_value((unsigned char)s[2]);

			if (h < 0 || l < 0)
				return -1;
			c = h * 16 + l;
			if (!c)
				return -1;
			s += 2;
		}
		if (tdk_buf_addc(out, c) < 0)
			return -1;
	}
	return tdk_buf_add(out, "", 0);
}

int tdk_uri_encode(const char *s, struct tdk_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";

	/* RFC 3986 §2.3 unreserved characters and the path separator stay as they are. */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			if (tdk_buf_addc(out, c) < 0)
				return -1;
		} else if (tdk_buf_addc(out, '%') < 0 || tdk_buf_addc(out, hex[c >> 4]) < 0 ||
			   tdk_buf_addc(out, hex[c & 15]) < 0) {
			return -1;
		}
	}
	return tdk_buf_add(out, "", 0);
}
