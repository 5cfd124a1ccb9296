/*
 * libFuzzer target: arbitrary bytes as a received AS4 message
 * (lib/net/as4.h tdk_as4_read: MIME, the SOAP envelope, the ebMS header,
 * the PartInfo references), once as a whole MIME entity and once as the
 * body of a multipart/related Content-Type, then decompressed within a
 * small bound.  The reader never crashes or leaks; a message read clean has
 * an envelope, no ebMS error code, at most the limit of attachments, each
 * with a Content-ID; a fault always leaves an ebMS error code and an error.
 */
#include <stdint.h>
#include <stdlib.h>

#include "net/as4.h"
#include "util/exitcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *ct, const uint8_t *data, size_t size)
{
	struct tdk_ebms_msg hdr;
	struct tdk_as4_msg m;
	struct tdk_diag d;
	int ret;

	tdk_diag_init(&d, "fuzz");
	tdk_as4_msg_init(&m);
	tdk_ebms_msg_init(&hdr);
	ret = tdk_as4_read(ct, (const char *)data, size, "fuzz", &m, &hdr, &d);
	if (ret == TDK_EXIT_OK) {
		if (!m.env || m.ebms_code || d.errors || m.natt > TDK_AS4_MAX_ATTACHMENTS)
			abort();
		for (size_t i = 0; i < m.natt; i++)
			if (!m.att[i].cid || !m.att[i].cid[0] || !m.att[i].type)
				abort();
		ret = tdk_as4_decompress(&m, 1u << 20, &d);
		if (ret == TDK_EXIT_NEGATIVE && !m.ebms_code)
			abort();
	} else if (ret == TDK_EXIT_NEGATIVE && (!d.errors || !m.ebms_code)) {
		abort();
	}
	tdk_as4_msg_release(&m);
	tdk_ebms_msg_release(&hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(NULL, data, size);
	one("multipart/related; boundary=\"b\"; type=\"application/soap+xml\"", data, size);
	return 0;
}
