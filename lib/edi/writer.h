/*
 * What the writers (XML, JSON, EDIFACT) share: an output buffer that is
 * handed to the tdk_output in large blocks, and a scratch buffer for one
 * value being decoded or re-encoded.  Internal to lib/edi.
 */
#ifndef TDK_EDI_WRITER_H
#define TDK_EDI_WRITER_H

#include "util/buf.h"
#include "util/diag.h"
#include "util/io.h"

#define TDK_EDI_XML_NS "urn:tdk:edifact:1"
/* The same form with the names of the UNTDID directories (tdk convert --names directory). */
#define TDK_EDI_XML_DIR_NS "urn:tdk:edifact:directory:1"

struct tdk_edi_out {
	struct tdk_output *out;
	struct tdk_diag *d;
	struct tdk_buf buf;
	struct tdk_buf tmp;      /* scratch, capped at 64 MiB */
};

void tdk_edi_out_init(struct tdk_edi_out *o, struct tdk_output *out, struct tdk_diag *d);
void tdk_edi_out_release(struct tdk_edi_out *o);

/* Writes the buffer out once it holds a block, or always when force is set.  Returns a TDK_EXIT_* status. */
int tdk_edi_out_flush(struct tdk_edi_out *o, int force);

#endif
