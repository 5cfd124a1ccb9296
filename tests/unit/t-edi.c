/* Unit tests of the EDIFACT lexer and character sets: segments as the parser delivers them. */
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "tap.h"

/* The segments of an input, flattened: "TAG+a:b*c+d'" with the parser's values, '|' between. */
static char flat[8192];
static char codes[2048];

static int on_seg(void *arg, const struct tdk_edi_seg *s, const struct tdk_edi_ich *ich)
{
	size_t e, r, c, n = strlen(flat);

	(void)arg;
	(void)ich;
	if (n)
		flat[n++] = '|';
	for (e = 0; e < s->nelem; e++) {
		if (e)
			flat[n++] = '+';
		for (r = s->elem[e]; r < s->elem[e] + tdk_edi_seg_nreps(s, e); r++) {
			if (r > s->elem[e])
				flat[n++] = '*';
			for (c = 0; c < tdk_edi_seg_ncomps(s, r); c++) {
				const struct tdk_edi_value *v = &s->comp[s->rep[r] + c];

				if (c)
					flat[n++] = ':';
				memcpy(flat + n, v->p, v->len);
				n += v->len;
			}
		}
	}
	flat[n] = '\0';
	return 0;
}

static void on_diag(void *arg, const struct tdk_diag_item *it)
{
	(void)arg;
	if (codes[0])
		strcat(codes, " ");
	strcat(codes, it->code);
}

/* Parses in in chunks of `chunk` bytes (to exercise every boundary). */
static void parse(const char *in, size_t len, size_t chunk, enum tdk_edi_mode mode)
{
	struct tdk_edi_handler h = { 0 };
	struct tdk_edi_opts o;
	struct tdk_diag d;
	struct tdk_edi_parser *p;
	size_t i;

	flat[0] = codes[0] = '\0';
	h.segment = on_seg;
	tdk_diag_init(&d, "t");
	d.emit = on_diag;
	tdk_edi_opts_init(&o);
	o.mode = mode;
	p = tdk_edi_parser_new(&o, &d, &h);
	for (i = 0; i < len; i += chunk)
		tdk_edi_parser_feed(p, in + i, len - i < chunk ? len - i : chunk);
	tdk_edi_parser_finish(p);
	tdk_edi_parser_free(p);
}

static void check(const char *in, const char *want, const char *want_codes, const char *what)
{
	size_t chunk, len = strlen(in);
	int same = 1;
	char first[8192];

	parse(in, len, len ? len : 1, TDK_EDI_VALIDATE);
	is_str(flat, want, "%s: segments", what);
	is_str(codes, want_codes, "%s: diagnostics", what);
	snprintf(first, sizeof(first), "%s", flat);
	for (chunk = 1; chunk < 12 && chunk < len; chunk++) {
		parse(in, len, chunk, TDK_EDI_VALIDATE);
		if (strcmp(flat, first))
			same = 0;
	}
	ok(same, "%s: same segments for every chunk size", what);
}

int main(void)
{
	struct tdk_charset cs;
	struct tdk_buf b = TDK_BUF_INIT(1024);
	size_t bad = 0;

	check("UNA:+.? 'RFF+PD?:5'", "RFF+PD:5", "", "release before a component separator");
	check("UNA:+.? 'RFF+PD??:5'", "RFF+PD?:5", "", "released release, then separator");
	check("UNA:+.? 'ERC+10:Craig?'s'", "ERC+10:Craig's", "", "released terminator is data");
	check("UNA:+.? 'QTY+136:12,235'", "QTY+136:12,235", "", "decimal mark is not a separator");
	check("UNA:+.? 'IMD+A:::B'", "IMD+A:::B", "", "empty components kept");
	check("UNA123456FOO2TEST6", "FOO+TEST", "EDI-UNA-INVALID",
	      "digits as service characters; '3' is no decimal mark");
	check("UNA+:.? ;SEG:+:;", "SEG+:+", "", "swapped element and component separators");
	check("RFF+5'\r\nDEF+6'\n", "RFF+5|DEF+6", "", "CR LF between segments is layout");
	check("EQD+CX?DU'", "EQD+CX?DU", "EDI-SYNTAX-RELEASE", "release before an ordinary character");
	check("RFF+A", "RFF+A", "EDI-SYNTAX-UNTERMINATED", "input ends inside a segment");
	check("RFF+A?'", "RFF+A'", "EDI-SYNTAX-UNTERMINATED", "input ends with a released terminator");
	check("UNA:+.", "", "EDI-UNA-SHORT", "truncated UNA");
	check("UNA::.? 'X'", "X", "EDI-UNA-INVALID", "UNA with one character twice");
	check("UNA:+.? 'UNB+UNOA:4+S+R+20240101:1200+1'COM+1:2*3:4'",
	      "UNB+UNOA:4+S+R+20240101:1200+1|COM+1:2*3:4",
	      "", "version 4 with UNA: reserved position blank, no repetition separator");
	check("UNB+UNOA:4+S+R+20240101:1200+1'COM+1:2*3:4'",
	      "UNB+UNOA:4+S+R+20240101:1200+1|COM+1:2*3:4", "",
	      "version 4 defaults: * separates repetitions");
	check("UNB+UNOA:3+S+R+240101:1200+1'COM+1:2*3:4'",
	      "UNB+UNOA:3+S+R+240101:1200+1|COM+1:2*3:4", "",
	      "version 3 defaults: * is data");
	check("UNB\x1dUNOB\x1f" "3\x1dS\x1dR\x1d" "240101\x1f" "1200\x1d" "1\x1cTST\x1d" "a\x1f" "b\x1c",
	      "UNB+UNOB:3+S+R+240101:1200+1|TST+a:b", "", "level B information separators");
	check("UNB+UNOA:3+S+R+240101:1200+1'NAD+x'", "UNB+UNOA:3+S+R+240101:1200+1|NAD+x",
	      "EDI-CHARSET-REPERTOIRE", "lower case is outside UNOA");
	check("UNB+UNOB:3+S+R+240101:1200+1'NAD+\xdf'", "UNB+UNOB:3+S+R+240101:1200+1|NAD+\xdf",
	      "EDI-CHARSET-INVALID", "a Latin-1 byte under UNOB");
	check("UNB+UNOW:4+S+R+20240101:1200+1'NAD+\xc3\x28'", "UNB+UNOW:4+S+R+20240101:1200+1|NAD+\xc3\x28",
	      "EDI-CHARSET-INVALID", "invalid UTF-8 under UNOW");
	check("UNB+UNOW:4+S+R+20240101:1200+1'NAD+\xc3\xa9'", "UNB+UNOW:4+S+R+20240101:1200+1|NAD+\xc3\xa9",
	      "", "valid UTF-8 under UNOW");
	check("RFF+A\x01" "B'", "RFF+A\x01" "B", "EDI-CHARSET-INVALID", "control character in a value");

	ok(tdk_charset_init(&cs, "UNOE") == 0, "UNOE known");
	ok(tdk_charset_to_utf8(&cs, &b, "\xc0\xeb", 2) == 0 && !strcmp(b.data, "\xd0\xa0\xd1\x8b"),
	   "UNOE (ISO 8859-5) decodes Cyrillic");
	tdk_buf_reset(&b);
	ok(tdk_charset_from_utf8(&cs, &b, "\xd0\xa0\xd1\x8b", 4, &bad) == 0 && !memcmp(b.data, "\xc0\xeb", 2),
	   "and encodes it back");
	tdk_buf_reset(&b);
	ok(tdk_charset_from_utf8(&cs, &b, "a\xe2\x82\xac", 4, &bad) == -2 && bad == 1,
	   "a character outside the set is refused with its offset");
	tdk_charset_release(&cs);
	ok(tdk_charset_init(&cs, "UNOX") == -1, "UNOX (ISO 2022) is not supported");
	tdk_charset_release(&cs);
	ok(tdk_charset_init(&cs, "IATB") == 1 && !cs.known, "a non-UN/ECE identifier reads as ISO 8859-1");
	tdk_charset_release(&cs);
	tdk_buf_release(&b);
	return done();
}
