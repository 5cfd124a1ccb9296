/* Unit tests of lib/wco/colmap.c, colmap-xf.c and flat.c: the column map, the transforms, the declarations. */
#include <string.h>

#include <libxml/tree.h>

#include "tap.h"
#include "util/exitcode.h"
#include "wco/colmap.h"

static char codes[512], out[8192];

static void catch(void *arg, const struct tdk_diag_item *it)
{
	size_t n = strlen(codes);

	(void)arg;
	snprintf(codes + n, sizeof(codes) - n, "%s%s:%s@%lu:%lu", n ? " " : "", it->file, it->code, it->loc.line,
		 it->loc.col);
}

/* Parses map (for CSV unless fixed); returns the status, faults in codes. */
static int parse(struct tdk_colmap *cm, int fixed, const char *map, struct tdk_diag *d)
{
	codes[0] = '\0';
	tdk_diag_init(d, "data");
	d->emit = catch;
	return tdk_colmap_parse(cm, fixed, "map", map, strlen(map), d);
}

static int bad_map(const char *map)
{
	struct tdk_colmap cm;
	struct tdk_diag d;
	int r = parse(&cm, 0, map, &d);

	tdk_colmap_release(&cm);
	return r;
}

/* Appends each declaration, its root's children serialised without blanks, to out. */
static int emit(void *arg, xmlDocPtr doc, const char *key)
{
	xmlBufferPtr b = xmlBufferCreate();
	size_t n = strlen(out);

	(void)arg;
	xmlNodeDump(b, doc, xmlDocGetRootElement(doc), 0, 0);
	snprintf(out + n, sizeof(out) - n, "[%s]%s\n", key, (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return 0;
}

static int map(const char *colmap, int fixed, const char *data)
{
	struct tdk_colmap cm;
	struct tdk_input in;
	struct tdk_diag d;
	int r;

	out[0] = '\0';
	if ((r = parse(&cm, fixed, colmap, &d)) == 0) {
		tdk_input_open_mem(&in, "data", data, strlen(data));
		r = tdk_flat_map(&cm, &in, &d, emit, NULL);
	}
	tdk_colmap_release(&cm);
	return r;
}

static const char *xf(const char *spec, const char *value)
{
	static char res[600];
	char m[256];
	struct tdk_colmap cm;
	struct tdk_diag d;
	struct tdk_buf v = TDK_BUF_INIT(1024);

	snprintf(m, sizeof(m), "column 1 -> D/V | %s\n", spec);
	if (parse(&cm, 0, m, &d) || tdk_buf_adds(&v, value) < 0) {
		tdk_colmap_release(&cm);
		return "(map)";
	}
	if (tdk_colmap_transform(&cm, &cm.rules[0].xf[0], &v, NULL, &d))
		snprintf(res, sizeof(res), "!%s", codes);
	else
		snprintf(res, sizeof(res), "%s", v.data);
	tdk_buf_release(&v);
	tdk_colmap_release(&cm);
	return res;
}

int main(void)
{
	struct tdk_colmap cm;
	struct tdk_diag d;

	ok(parse(&cm, 0, "# c\nkey K\ncolumn \"A b\" -> D/X/Y[2]/@a | trim | upper # c\nconst D/Z = \"1 2\"\n", &d) == 0 &&
	   cm.nrules == 2 && !strcmp(cm.rules[0].ref.name, "A b") && cm.rules[0].steps[1].index == 2 &&
	   !strcmp(cm.rules[0].attr, "a") && cm.rules[0].nxf == 2 && !strcmp(cm.rules[1].value, "1 2") &&
	   !strcmp(cm.root, "D") && !strcmp(cm.ns, TDK_NS_DEC_DMS), "a map with quotes, an index, an attribute");
	tdk_colmap_release(&cm);
	ok(bad_map("column A D/X\n") == 1 && !strcmp(codes, "map:COLMAP-SYNTAX@1:1"), "a rule without '->': COLMAP-SYNTAX");
	ok(bad_map("column A -> D/X\ncolum B -> D/Y\n") == 1 && !strcmp(codes, "map:COLMAP-DIRECTIVE@2:1"),
	   "an unknown directive: COLMAP-DIRECTIVE at its line");
	ok(bad_map("column A -> D/X | lower\n") == 1 && !strcmp(codes, "map:COLMAP-TRANSFORM@1:19"),
	   "an unknown transform: COLMAP-TRANSFORM at its word");
	ok(bad_map("column A -> D/X | date DD/MM\n") == 1 && !strcmp(codes, "map:COLMAP-TRANSFORM@1:24"),
	   "a date format without a year");
	ok(bad_map("column A -> D/X\ncolumn B -> E/Y\n") == 1 && !strcmp(codes, "map:COLMAP-PATH@2:13"),
	   "a path from another root: COLMAP-PATH");
	ok(bad_map("column A -> D/X/\n") == 1 && !strcmp(codes, "map:COLMAP-PATH@1:13"), "an empty step");
	ok(bad_map("field 1-3 -> D/X\n") == 1 && !strcmp(codes, "map:COLMAP-FROM@1:1"), "a field rule in a CSV map");
	ok(bad_map("column A -> D/X \"open\n") == 1 && !strcmp(codes, "map:COLMAP-SYNTAX@1:17"), "a quote left open");
	ok(bad_map("# nothing\n") == 1 && !strncmp(codes, "map:COLMAP-SYNTAX", 17), "a map with no rule");
	ok(bad_map("item D/I\ncolumn A -> D/X\n") == 1 && !strcmp(codes, "map:COLMAP-ITEM@1:1"),
	   "an item directive with no rule below it");
	ok(bad_map("item D/I\ncolumn A -> D/I/X\ncount -> D/I/N\n") == 1 && !strcmp(codes, "map:COLMAP-ITEM@3:1"),
	   "a count inside the item");
	ok(parse(&cm, 1, "field 3-1 -> D/X\n", &d) == 1 && !strcmp(codes, "map:COLMAP-RANGE@1:7"), "a range backwards");
	tdk_colmap_release(&cm);

	is_str(xf("number ,", "1.234,50"), "1234.50", "number with a decimal comma and a thousands dot");
	is_str(xf("number", " +1,020,000 "), "1020000", "number: a plus and thousands commas go");
	is_str(xf("number", "1.2.3"), "!data:CSV-NUMBER@0:0", "number: two decimal marks are refused");
	is_str(xf("date DD/MM/YYYY -> 304", "29/02/2028"), "20280229000000Z", "date to 304");
	is_str(xf("date \"YYYY-MM-DD hh:mm\" -> 203", "2026-12-02 09:30"), "202612020930", "date and time to 203");
	is_str(xf("date DD/MM/YYYY", "29/02/2027"), "!data:CSV-DATE@0:0", "no 29 February in 2027");
	is_str(xf("date DD/MM/YYYY", "2/12/2026"), "!data:CSV-DATE@0:0", "a date not in its format: CSV-DATE");
	is_str(xf("date DD/MM/YYYY", "01/01/0000"), "!data:CSV-DATE@0:0", "no year 0000");
	is_str(xf("number ,", "1\xc2\xa0" "234,5"), "1234.5", "number: a no-break space groups");
	is_str(xf("number", "1,2,3"), "!data:CSV-NUMBER@0:0", "number: separators that do not group thousands");
	is_str(xf("number", "-"), "!data:CSV-NUMBER@0:0", "number: a sign alone");
	is_str(xf("upper", "ima"), "IMA", "upper");
	is_str(xf("trim", " \tx y "), "x y", "trim");

	ok(map("key K\nitem D/G/I\nconst D/F = 9\ncolumn K -> D/R\nsequence -> D/G/I/N\ncolumn V -> D/G/I/V\n"
	       "count -> D/Q\ncolumn H -> D/G/H\n",
	       0, "K,V,H\na,1,h\na,2,\nb,3,x\n") == 0, "records sharing a key form one declaration");
	is_str(out,
	       "[a]<D xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Declaration_DS:DMS:2\">"
	       "<F>9</F><R>a</R><G><I><N>1</N><V>1</V></I><I><N>2</N><V>2</V></I><H>h</H></G><Q>2</Q></D>\n"
	       "[b]<D xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Declaration_DS:DMS:2\">"
	       "<F>9</F><R>b</R><G><I><N>1</N><V>3</V></I><H>x</H></G><Q>1</Q></D>\n",
	       "elements in the order of the map, the items before a later sibling, the counts");
	ok(map("key K\ncolumn K -> D/R\n", 0, "K\na\nb\na\n") == 1 && strstr(codes, "CSV-KEY@4:1"),
	   "a key that comes back: CSV-KEY");
	ok(map("column Nope -> D/R\n", 0, "K\na\n") == 1 && !strcmp(codes, "map:COLMAP-COLUMN@1:8"),
	   "a column the header does not have: COLMAP-COLUMN at the map's line");
	ok(map("key 1\ntype 2 H I\nitem D/I\ncolumn 3 -> D/I/V\n", 0, "k,t,v\na,I,1\n") == 1 &&
	   !strcmp(codes, "data:CSV-ORPHAN@2:1"), "an item record before any header record: CSV-ORPHAN");
	ok(map("key 1\ntype 2 H I\nitem D/I\ncolumn 3 -> D/I/V\n", 0, "k,t,v\na,X,1\n") == 1 &&
	   !strcmp(codes, "data:CSV-TYPE@2:3"), "a record type that is neither: CSV-TYPE");
	ok(map("field 1-3 -> D/A\nfield 4-6 -> D/B | number ,\n", 1, "\xC3\xA9t\xC3\xA9" "1,5\nxy  2 \n") == 0,
	   "fixed width by characters");
	is_str(out,
	       "[1]<D xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Declaration_DS:DMS:2\">"
	       "<A>\xC3\xA9t\xC3\xA9</A><B>1.5</B></D>\n"
	       "[2]<D xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Declaration_DS:DMS:2\">"
	       "<A>xy</A><B>2</B></D>\n",
	       "a declaration per record without a key, blanks around a field taken off");
	ok(map("key 2-3\ntype 1 H I\nitem D/I\nfield 2-3 -> D/K\nfield 4-6 -> D/I/V\ncount -> D/N\n", 1,
	       "Hk1\nIk1abc\nIk1def\nHk2\nIk2ghi\n") == 0, "fixed width with a record type");
	is_str(out,
	       "[k1]<D xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Declaration_DS:DMS:2\">"
	       "<K>k1</K><I><V>abc</V></I><I><V>def</V></I><N>2</N></D>\n"
	       "[k2]<D xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\" xmlns:ds=\"urn:wco:datamodel:WCO:Declaration_DS:DMS:2\">"
	       "<K>k2</K><I><V>ghi</V></I><N>1</N></D>\n",
	       "header records and their item records, by positions");
	return done();
}
