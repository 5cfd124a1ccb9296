/* Unit tests of lib/wco/dict.c: the dictionary reader and its lookups. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/exitcode.h"
#include "wco/dict.h"

static const char small[] =
	"# a comment\n"
	"42A\tDeclaration\tDeclaration\t\t\t\tA declaration\n"
	"42A/D026\tFunctionalReferenceID\tDeclaration/FunctionalReferenceID\tan..35\t\t2/5\tThe LRN\r\n"
	"\n"
	"42A/67A/68A/23A/65A/128\tNetNetWeightMeasure\tDeclaration/GoodsShipment/GovernmentAgencyGoodsItem/"
	"Commodity/GoodsMeasure/NetNetWeightMeasure\tn..16,6\tunit\t6/1\tNet mass\n"
	"42A/56A/G005\tID\tDeclaration/ExitOffice/ID\tan..17\tcustoms-offices\t\t\n"
	"42A/42A\tDeclaration\t\t\t\t\t\n"
	"07B/42A/D026\tFunctionalReferenceID\tResponse/Declaration/FunctionalReferenceID\t\t\t\t";

static char first[64];   /* the first diagnostic's code and line: "CODE@LINE" */

static void keep_first(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	if (!*first)
		snprintf(first, sizeof(first), "%s@%lu", it->code, it->loc.line);
}

static void diag(struct tdk_diag *d)
{
	tdk_diag_init(d, "t");
	d->emit = keep_first;
	first[0] = '\0';
}

/* Loads text; returns "STATUS ERRORS ENTRIES FIRST-CODE@LINE". */
static const char *load(const char *text)
{
	static char out[128];
	struct tdk_wco_dict dict;
	struct tdk_diag d;
	int r;

	diag(&d);
	r = tdk_wco_dict_load_mem(&dict, "t.tsv", text, strlen(text), &d);
	snprintf(out, sizeof(out), "%d %lu %zu %s", r, d.errors, dict.n, *first ? first : "-");
	tdk_wco_dict_release(&dict);
	return out;
}

int main(void)
{
	struct tdk_wco_dict dict;
	struct tdk_diag d;
	const struct tdk_wco_elem *e;
	size_t n;
	int r;

	diag(&d);
	r = tdk_wco_dict_load_mem(&dict, "t.tsv", small, sizeof(small) - 1, &d);
	ok(r == 0 && dict.n == 6 && d.errors == 0, "a small dictionary loads (a last line without a newline too)");
	e = tdk_wco_dict_by_pointer(&dict, "42A/67A/68A/23A/65A/128");
	ok(e && !strcmp(e->id, "128") && !strcmp(e->name, "NetNetWeightMeasure"), "by pointer: the ID and name");
	ok(e && !strcmp(e->format, "n..16,6") && !strcmp(e->codelist, "unit") && !strcmp(e->ucc, "6/1"),
	   "format, code list and UCC data element");
	e = tdk_wco_dict_by_pointer(&dict, "42A/D026");
	is_str(e ? e->description : NULL, "The LRN", "a CRLF line ends before the CR");
	ok(tdk_wco_dict_by_pointer(&dict, "42A") == &dict.v[0] && !strcmp(dict.v[0].id, "42A"), "the root is its own ID");
	ok(!tdk_wco_dict_by_pointer(&dict, "42A/") && !tdk_wco_dict_by_pointer(&dict, "") &&
	   !tdk_wco_dict_by_pointer(&dict, "42a"), "no partial, empty or lower-case pointer");
	e = tdk_wco_dict_by_path(&dict, "Declaration/ExitOffice/ID");
	is_str(e ? e->pointer : NULL, "42A/56A/G005", "by path");
	ok(!tdk_wco_dict_by_path(&dict, "") && !tdk_wco_dict_by_path(&dict, "Declaration/ExitOffice"),
	   "an entry without a path is never found by path; a missing path is not");
	e = tdk_wco_dict_by_suffix(&dict, "56A/G005", &n);
	ok(e && n == 1 && !strcmp(e->pointer, "42A/56A/G005"), "by suffix: the one pointer ending so");
	ok(!tdk_wco_dict_by_suffix(&dict, "D026", &n) && n == 2, "an ambiguous suffix finds none and counts two");
	ok(!tdk_wco_dict_by_suffix(&dict, "026", &n) && n == 0, "a suffix matches whole IDs only");
	ok(tdk_wco_dict_by_suffix(&dict, "07B/42A/D026", &n) && n == 1, "a whole pointer is its own suffix");
	ok(!tdk_wco_dict_by_suffix(&dict, "42A/D026", &n) && n == 2, "and the suffix of a longer one");
	e = tdk_wco_dict_resolve(&dict, "42A/67A/56A/G005", &n);
	ok(e && !strcmp(e->pointer, "42A/56A/G005") && n == 2, "resolve: the suffix after the step the schemas lack");
	e = tdk_wco_dict_resolve(&dict, "42A/D026", &n);
	ok(e && !strcmp(e->pointer, "42A/D026") && n == 0, "resolve: an exact pointer drops nothing");
	ok(!tdk_wco_dict_resolve(&dict, "42A/99Z/D026", &n) && n == 0,
	   "resolve: one step alone is never taken for the pointer");
	ok(!tdk_wco_dict_resolve(&dict, "X/Y", &n), "resolve: nothing known");
	ok(!tdk_wco_dict_id_name(&dict, "67A"), "an ID with no entry has no name");
	is_str(tdk_wco_dict_id_name(&dict, "G005"), "ID", "an ID's name");
	{
		struct tdk_buf b = TDK_BUF_INIT(4096);

		ok(tdk_wco_dict_steps(&dict, "42A/56A/G005/X1", &b) == 0 && tdk_buf_addc(&b, 0) == 0, "steps");
		is_str(b.data, "Declaration/[56A]/ID/[X1]", "steps: a prefix's name, an ID's name, the ID in brackets");
		tdk_buf_release(&b);
	}
	tdk_wco_dict_release(&dict);
	ok(dict.n == 0 && !dict.v && !tdk_wco_dict_by_pointer(&dict, "42A"), "released: empty and still usable");

	is_str(load(""), "0 0 0 -", "an empty file is an empty dictionary");
	is_str(load("42A\tDeclaration\n"), "3 1 0 WCO-DICT-SHAPE@1", "two fields are refused");
	is_str(load("#\n42A\t\t\t\t\t\t\t\n"), "3 1 0 WCO-DICT-SHAPE@2", "eight fields are refused, at the line");
	is_str(load("42a\t\t\t\t\t\t\n"), "3 1 0 WCO-DICT-SHAPE@1", "a lower-case ID is refused");
	is_str(load("42A//D026\t\t\t\t\t\t\n"), "3 1 0 WCO-DICT-SHAPE@1", "an empty step is refused");
	is_str(load("\t\t\t\t\t\t\n"), "3 1 0 WCO-DICT-SHAPE@1", "an empty pointer is refused");
	is_str(load("42A\t\t\t\t\t\t\n42A\t\t\t\t\t\t\n"), "3 1 0 WCO-DICT-SHAPE@2", "a pointer twice is refused");
	{
		static const char nul[] = "42A\tx\0y\t\t\t\t\t\n";

		diag(&d);
		r = tdk_wco_dict_load_mem(&dict, "t.tsv", nul, sizeof(nul) - 1, &d);
		ok(r == TDK_EXIT_IO && dict.n == 0 && d.errors == 1 && !strncmp(first, "WCO-DICT-SHAPE@1", 16),
		   "a NUL byte in a line is refused");
		tdk_wco_dict_release(&dict);
		}
	{
		size_t big = TDK_WCO_DICT_FILE_MAX + 1;
		char *p = calloc(big, 1);

		diag(&d);
		r = p ? tdk_wco_dict_load_mem(&dict, "t.tsv", p, big, &d) : -1;
		ok(r == TDK_EXIT_IO && d.errors == 1 && !strncmp(first, "WCO-DICT-LIMIT", 14), "a file over the cap");
		tdk_wco_dict_release(&dict);
			free(p);
	}
	diag(&d);
	r = tdk_wco_dict_load(&dict, "/nonexistent", &d);
	ok(r == TDK_EXIT_IO && d.errors == 1 && !strncmp(first, "WCO-DICT-MISSING", 16), "a missing file");
	tdk_wco_dict_release(&dict);
	return done();
}
