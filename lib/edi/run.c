/* Driving the parser and the envelope over an input; see tdk_edi_parse_input() in edi.h. */
#include <stdlib.h>

#include "edi/edi.h"
#include "util/exitcode.h"
#include "util/io.h"

#define CHUNK (256 * 1024)

int tdk_edi_parse_input(struct tdk_input *in, const struct tdk_edi_opts *opts, struct tdk_diag *d,
			const struct tdk_edi_sink *sink, int check, unsigned long *segments)
{
	struct tdk_edi_env *env = NULL;
	struct tdk_edi_parser *p = NULL;
	struct tdk_edi_handler h;
	struct tdk_edi_opts o;
	char *buf = malloc(CHUNK);
	int r = TDK_EXIT_INTERNAL;
	ssize_t n;

	if (!buf)
		goto out;
	env = tdk_edi_env_new(d, check, sink);
	if (!env)
		goto out;
	tdk_edi_env_handler(env, &h);
	if (opts)
		o = *opts;
	else
		tdk_edi_opts_init(&o);
	o.tags_only = sink == NULL;
	p = tdk_edi_parser_new(&o, d, &h);
	if (!p)
		goto out;
	while ((n = tdk_input_read(in, buf, CHUNK)) > 0) {
		if ((r = tdk_edi_parser_feed(p, buf, (size_t)n)))
			goto out;
		if (d->stopped || tdk_edi_parser_halted(p)) {
			r = 0;  /* enough errors, or no more segments: the verdict is known */
			goto out;
		}
	}
	if (n < 0) {
		r = TDK_EXIT_IO;
		goto out;
	}
	r = tdk_edi_parser_finish(p);
out:
	if (segments)
		*segments = p ? tdk_edi_parser_segments(p) : 0;
	tdk_edi_parser_free(p);
	tdk_edi_env_free(env);
	free(buf);
	return r;
}
