/* The writers' shared output buffer; see writer.h. */
#include <string.h>

#include "edi/writer.h"
#include "util/exitcode.h"

#define BLOCK 65536

void tdk_edi_out_init(struct tdk_edi_out *o, struct tdk_output *out, struct tdk_diag *d)
{
	o->out = out;
	o->d = d;
	/* A block plus the largest segment a writer may add at once. */
	tdk_buf_init(&o->buf, (size_t)256 << 20);
	tdk_buf_init(&o->tmp, (size_t)64 << 20);
}

void tdk_edi_out_release(struct tdk_edi_out *o)
{
	tdk_buf_release(&o->buf);
	tdk_buf_release(&o->tmp);
}

int tdk_edi_out_flush(struct tdk_edi_out *o, int force)
{
	if (!force && o->buf.len < BLOCK)
		return 0;
	if (tdk_output_write(o->out, o->buf.data ? o->buf.data : "", o->buf.len) < 0)
		return TDK_EXIT_IO;
	tdk_buf_reset(&o->buf);
	return 0;
}
