/*
 * libFuzzer target: the WS-Security header reader of lib/net/wss.h on any
 * SOAP envelope: the envelope, the wsse:Security header, the AS4 profile's
 * algorithms, the references counted, the BinarySecurityToken found by its
 * wsu:Id and its certificate decoded.  No certificate is given, so every
 * input that gets that far ends in WSS-NEEDS-KEY or WSS-NEEDS-ATTACHMENT
 * before any cryptography; every refusal has a code and never a crash.
 * The same envelope is then read as an AS4 receiver reads it, with one
 * attachment given: its coverage (WSS-COVERAGE) and its xenc:EncryptedKey
 * and EncryptedData (algorithms, CipherValue) up to the key that is not
 * there (WSS-DECRYPT); the attachment comes back untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/wss.h"
#include "util/exitcode.h"
#include "xml/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_wss_result res;
	struct tdk_diag d;
	xmlDocPtr doc;
	int r;

	tdk_diag_init(&d, "fuzz");
	if (!(doc = tdk_xml_parse((const char *)data, size, "fuzz", "VERIFY", NULL, &d)))
		return 0;
	r = tdk_wss_verify(doc, NULL, &res, &d);
	if (r == 0 || (r == TDK_EXIT_NEGATIVE && !d.errors) || res.attachments > res.refs ||
	    memchr(res.token, '\0', sizeof(res.token)) == NULL)
		abort();
	if (res.missing && strcmp(res.missing, "key") && strcmp(res.missing, "attachment"))
		abort();
	{
		static const unsigned char bytes[] = "attachment";
		struct tdk_wss_attachment a = { "p1@tdk.test", "application/xml", bytes, sizeof(bytes) - 1, NULL, NULL };
		unsigned long before = d.errors;

		r = tdk_wss_verify_msg(doc, NULL, &a, 1, &res, &d);
		if (r == 0 || (r == TDK_EXIT_NEGATIVE && d.errors == before))
			abort();
		before = d.errors;
		r = tdk_wss_decrypt(doc, NULL, &a, 1, &d);
		if ((r == TDK_EXIT_NEGATIVE && d.errors == before) || a.data != bytes || a.owned || a.owned_type)
			abort();
		tdk_wss_attachments_release(&a, 1);
	}
	xmlFreeDoc(doc);
	return 0;
}
