/*
 * libFuzzer target: arbitrary bytes as an AS4 message (lib/net/ebms.c).
 * The reader never crashes or leaks; a message read with no error has a
 * MessageInfo in each unit it holds, PartInfo hrefs that are cid: or '#'
 * ones, known error codes, and counts within the limits; a UserMessage
 * read clean builds a Receipt when it has references.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ebms.h"
#include "util/exitcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct tdk_ebms_msg *m)
{
	const struct tdk_ebms_user *u = &m->user;
	const struct tdk_ebms_signal *s = &m->signal;

	if (u->nparts > TDK_EBMS_MAX_PARTS || u->nprops > TDK_EBMS_MAX_PROPS || s->nrefs > TDK_EBMS_MAX_REFS ||
	    s->nerrors > TDK_EBMS_MAX_ERRORS || m->nsig_refs > TDK_EBMS_MAX_REFS)
		abort();
	if (m->has_user && (!u->message_id || !u->timestamp || !u->from.id || !u->to.id || !u->action))
		abort();
	for (size_t i = 0; i < u->nparts; i++)
		if (u->parts[i].href && u->parts[i].href[0] != '#' && strncmp(u->parts[i].href, "cid:", 4))
			abort();
	for (size_t i = 0; i < s->nerrors; i++)
		if (!s->errors[i].code || !tdk_ebms_error_lookup(s->errors[i].code, NULL, NULL, NULL))
			abort();
	if (m->has_signal && !s->message_id)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_buf out = TDK_BUF_INIT(TDK_EBMS_MAX_SIZE);
	struct tdk_ebms_msg m;
	struct tdk_diag d;
	int ret;

	tdk_diag_init(&d, "fuzz");
	tdk_ebms_msg_init(&m);
	ret = tdk_ebms_read((const char *)data, size, "fuzz", &m, &d);
	if (ret == TDK_EXIT_OK) {
		if (d.errors)
			abort();
		check(&m);
		if (m.has_user && m.nsig_refs &&
		    tdk_ebms_build_receipt(&m, m.sig_refs, m.nsig_refs, "r@fuzz", 0, &out, &d) != TDK_EXIT_OK)
			abort();
	} else if (ret == TDK_EXIT_NEGATIVE && !d.errors) {
		abort();
	}
	tdk_ebms_msg_release(&m);
	tdk_buf_release(&out);
	return 0;
}
