/*
 * libFuzzer target: arbitrary bytes as a map manifest (lib/wco/manifest.c).
 * A parse either fails with a diagnostic, or gives a manifest with a name,
 * a source and a target of a known kind whose words are all there, and
 * carries and drops lines each with a first word and a line number within
 * the input's lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "wco/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_vocab(const struct tdk_manifest_vocab *v)
{
	size_t i;

	if (v->kind == TDK_MANIFEST_EDIFACT) {
		if (!v->message || !*v->message || !v->nreleases || v->nreleases > TDK_MANIFEST_RELEASES_MAX)
			abort();
		for (i = 0; i < v->nreleases; i++)
			if (!v->releases[i] || !*v->releases[i])
				abort();
	} else if (v->kind == TDK_MANIFEST_XML) {
		if (!v->ns || !*v->ns || !v->root || !*v->root)
			abort();
	} else {
		abort();
	}
}

static void check_lines(const struct tdk_manifest_line *v, size_t n, unsigned long lines)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!v[i].what || !*v[i].what || !v[i].rest || !v[i].line || v[i].line > lines)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_manifest m;
	struct tdk_diag d;
	unsigned long lines = 1;
	size_t i;
	int r;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	tdk_diag_init(&d, "fuzz.manifest");
	r = tdk_manifest_parse(&m, (const char *)data, size, &d);
	if (r && r != TDK_EXIT_INTERNAL && !d.errors)
		abort();
	if (!r) {
		if (d.errors || !m.name || !*m.name)
			abort();
		check_vocab(&m.source);
		check_vocab(&m.target);
		check_lines(m.carries, m.ncarries, lines);
		check_lines(m.drops, m.ndrops, lines);
	}
	tdk_manifest_release(&m);
	return 0;
}
