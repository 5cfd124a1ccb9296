/*
 * libFuzzer target: the UNTDID directory loader on arbitrary release files,
 * and the directory validator on what it loaded.
 *
 * The input is a set of files, each introduced by a line "@@ NAME" (the name
 * as a release names its files: "EDSD.18T", "GDSDEC_D.96T", "UNCL-2.96T", or
 * a zip of them); tests/fuzz/run.sh makes the seeds from the fixture releases
 * in tests/data/dir.  Any input must end in a release or in diagnostics, never
 * a crash, a leak or unbounded memory.  When a release loads, every lookup
 * must find what the tables hold, and every message of it validates an
 * interchange made of its own segment table (one segment per entry, with a
 * value taken from the input in each element) without a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/dir.h"
#include "edi/dirval.h"
#include "edi/edi.h"

#define MAX_FILES 64

/* Splits the input at "@@ NAME" lines; returns the number of files. */
static size_t split(const char *p, size_t n, char names[][64], const char **data, size_t *sizes)
{
	size_t k = 0, i = 0;

	while (i + 3 <= n && k < MAX_FILES) {
		const char *nl;
		size_t len, start;

		if (memcmp(p + i, "@@ ", 3) != 0) {
			nl = memchr(p + i, '\n', n - i);
			if (!nl)
				break;
			i = (size_t)(nl - p) + 1;
			continue;
		}
		nl = memchr(p + i, '\n', n - i);
		if (!nl)
			break;
		len = (size_t)(nl - (p + i + 3));
		if (len >= 64)
			len = 63;
		memcpy(names[k], p + i + 3, len);
		names[k][len] = '\0';
		start = (size_t)(nl - p) + 1;
		/* The file runs to the next "\n@@ " or the end. */
		for (i = start; i < n; i++)
			if (p[i] == '\n' && i + 4 <= n && !memcmp(p + i + 1, "@@ ", 3))
				break;
		data[k] = p + start;
		sizes[k] = (i < n ? i + 1 : n) - start;
		k++;
		i = i < n ? i + 1 : n;
	}
	return k;
}

/* Every table entry is found again by its tag, every code in its list. */
static void lookups(const struct tdk_dir *d)
{
	uint32_t i, j;

	for (i = 0; i < d->nmessages; i++)
		if (tdk_dir_message(d, d->messages[i].type) != &d->messages[i])
			abort();
	for (i = 0; i < d->nsegments; i++)
		if (tdk_dir_segment(d, d->segments[i].tag) != &d->segments[i])
			abort();
	for (i = 0; i < d->ncomposites; i++)
		if (tdk_dir_composite(d, d->composites[i].tag) != &d->composites[i])
			abort();
	for (i = 0; i < d->nelements; i++)
		if (tdk_dir_element(d, d->elements[i].tag) != &d->elements[i])
			abort();
	for (i = 0; i < d->nlists; i++)
		for (j = 0; j < d->lists[i].n; j++) {
			const struct tdk_dir_code *c = &d->codes[d->lists[i].first + j];
			const char *v = tdk_dir_str(d, c->value);
			const struct tdk_dir_code *f = tdk_dir_code(d, &d->lists[i], v, strlen(v));

			/* A list may hold a value twice; the one found must have that value. */
			if (!f || strcmp(tdk_dir_str(d, f->value), v) != 0)
				abort();
		}
}

static int feed_seg(struct tdk_buf *b, const char *s)
{
	return tdk_buf_add(b, s, strlen(s));
}

/* An interchange of each message of d: its segment table in order, values from the input. */
static void validate(struct tdk_dir *d, const uint8_t *in, size_t n)
{
	struct tdk_dir_set set;
	struct tdk_diag diag;
	struct tdk_edi_dirval *v;
	struct tdk_edi_sink sink;
	struct tdk_edi_opts o;
	struct tdk_edi_env *env;
	struct tdk_edi_handler h;
	struct tdk_edi_parser *p;
	struct tdk_buf b;
	char line[128];
	uint32_t m, i;
	size_t at = 0;

	memset(&set, 0, sizeof(set));
	if (!(set.entries = calloc(1, sizeof(*set.entries))))
		return;
	set.n = 1;
	memcpy(set.entries[0].release, d->release, sizeof(d->release));
	set.entries[0].dir = d;
	tdk_buf_init(&b, 1 << 20);
	feed_seg(&b, "UNA:+.? 'UNB+UNOC:3+A+B+180101:1200+1'");
	for (m = 0; m < d->nmessages && m < 8; m++) {
		const struct tdk_dir_message *msg = &d->messages[m];

		snprintf(line, sizeof(line), "UNH+%u+%s:D:%s:UN'", (unsigned)m + 1, msg->type, d->release + 1);
		feed_seg(&b, line);
		for (i = 1; i < msg->n; i++) {
			const struct tdk_dir_node *nd = &d->nodes[msg->first + i];
			char val[8];
			size_t k;

			if (nd->group || !strcmp(nd->tag, "UNT"))
				continue;
			for (k = 0; k < 4; k++, at++)
				val[k] = n ? "0A1B+:?'"[in[at % n] & 7] : 'A';
			val[4] = '\0';
			/* Release characters keep the value a value. */
			snprintf(line, sizeof(line), "%s+%s:%s+%s'", nd->tag, strchr(val, '+') || strchr(val, ':') ||
				 strchr(val, '\'') || strchr(val, '?') ? "1" : val, val[0] == '0' ? "1" : "A",
				 val[1] == '1' ? "22" : "X");
			feed_seg(&b, line);
		}
		snprintf(line, sizeof(line), "UNT+%u+%u'", (unsigned)msg->n, (unsigned)m + 1);
		feed_seg(&b, line);
	}
	snprintf(line, sizeof(line), "UNZ+%u+1'", (unsigned)m);
	feed_seg(&b, line);

	tdk_diag_init(&diag, "fuzz");
	diag.max_errors = 1000;
	v = tdk_edi_dirval_new(&set, &diag);
	if (v) {
		tdk_edi_dirval_sink(v, &sink);
		env = tdk_edi_env_new(&diag, 1, &sink);
		if (env) {
			tdk_edi_env_handler(env, &h);
			tdk_edi_opts_init(&o);
			o.mode = TDK_EDI_VALIDATE;
			if ((p = tdk_edi_parser_new(&o, &diag, &h))) {
				if (b.data)
					tdk_edi_parser_feed(p, b.data, b.len);
				tdk_edi_parser_finish(p);
				tdk_edi_parser_free(p);
			}
			tdk_edi_env_free(env);
		}
		tdk_edi_dirval_free(v);
	}
	tdk_buf_release(&b);
	free(set.entries);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char names[MAX_FILES][64];
	const char *files[MAX_FILES], *namep[MAX_FILES];
	size_t sizes[MAX_FILES], n, i;
	struct tdk_dir *d = NULL;
	struct tdk_diag diag;

	n = split((const char *)data, size, names, files, sizes);
	for (i = 0; i < n; i++)
		namep[i] = names[i];
	tdk_diag_init(&diag, "fuzz");
	if (tdk_dir_load_mem(&d, n, namep, files, sizes, &diag) == 0 && d) {
		lookups(d);
		validate(d, data, size);
	}
	tdk_dir_free(d);
	return 0;
}
