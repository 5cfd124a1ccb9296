/*
 * libFuzzer target: tdk harmonise's rules parser (lib/wco/rules.c), and the
 * engine it drives (lib/wco/harmonise*.c).  The input is a rules text, then
 * a line "@@", then an XML document.  The rules either fail with
 * diagnostics and keep nothing, or load with none; a document harmonised
 * without an error harmonises again to itself (nothing to change), and the
 * scan of its bytes never disagrees with the parser (an internal error).
 * The country and currency lists are read once from iso-codes when it is
 * installed, units and packages from the tree's data/codes, and the WCO
 * dictionary for wco: selectors from data/wco.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "wco/dict.h"
#include "wco/harmonise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tdk_harm lists;
static struct tdk_wco_dict dict;
static int lists_read, have_dict;

static void read_lists(void)
{
	struct tdk_diag d;
	int k;

	lists_read = 1;
	setenv("TDK_CODES_DATA_DIR", "data/codes", 0);
	for (k = 0; k < 4; k++) {
		tdk_diag_init(&d, "fuzz");
		if (tdk_codes_load(&lists.lists[k], (enum tdk_codes_list)k, NULL, &d) == 0)
			lists.loaded[k] = 1;
	}
	tdk_diag_init(&d, "fuzz");
	have_dict = tdk_wco_dict_load(&dict, "data/wco", &d) == 0;
}

static void harmonise(const struct tdk_harm_rules *rs, const char *doc, size_t n)
{
	struct tdk_harm h = lists;
	struct tdk_buf out = TDK_BUF_INIT((size_t)64 << 20), again = TDK_BUF_INIT((size_t)64 << 20);
	struct tdk_diag d;
	unsigned long changes = 0;
	int r;

	h.rules = rs;
	tdk_diag_init(&d, "fuzz.xml");
	r = tdk_harm_doc(&h, doc, n, "fuzz.xml", NULL, &out, &changes, &d);
	if (r == TDK_EXIT_INTERNAL)
		abort();
	if (r == TDK_EXIT_OK) {
		if (!changes && (out.len != n || memcmp(out.data, doc, n)))
			abort();
		tdk_diag_init(&d, "again.xml");
		r = tdk_harm_doc(&h, out.data ? out.data : "", out.len, "again.xml", NULL, &again, &changes, &d);
		if (r != TDK_EXIT_OK || changes || again.len != out.len || memcmp(again.data, out.data, out.len))
			abort();
	}
	tdk_buf_release(&out);
	tdk_buf_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *sep = NULL;
	struct tdk_harm_rules rs;
	struct tdk_diag d;
	size_t i, k, nrules = size;
	int r;

	if (!lists_read)
		read_lists();
	for (i = 0; i + 4 <= size; i++)
		if (!memcmp(p + i, "\n@@\n", 4)) {
			sep = p + i + 4;
			nrules = i + 1;
			break;
		}
	tdk_harm_rules_init(&rs);
	if (have_dict)
		tdk_harm_rules_set_dict(&rs, &dict);
	tdk_diag_init(&d, "fuzz.rules");
	r = tdk_harm_rules_parse(&rs, "fuzz.rules", p, nrules, &d);
	if ((r && (rs.n || !d.errors)) || (!r && d.errors))
		abort();
	for (i = 0; i < rs.n; i++)
		for (k = 0; k < rs.v[i].nsteps; k++)
			if (!rs.v[i].steps[k][0])
				abort();
	if (!r && sep)
		harmonise(&rs, sep, size - (size_t)(sep - p));
	tdk_harm_rules_release(&rs);
	return 0;
}
