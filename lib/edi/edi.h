/*
 * UN/EDIFACT at the syntax level (ISO 9735, syntax versions 1 to 4).
 *
 * Three layers, each usable alone:
 *
 *   tdk_edi_parser  a streaming lexer: bytes in, segments out.  It applies the
 *                   service string advice (UNA) or the default service
 *                   characters, reads the syntax identifier and version from
 *                   UNB to choose the character set and the repetition
 *                   separator, and reports lexical faults (release character
 *                   misuse, characters outside the repertoire, oversized
 *                   segments, input that ends inside a segment).
 *   tdk_edi_env     the envelope: interchanges (UNB/UNZ), groups (UNG/UNE)
 *                   and messages (UNH/UNT) with their control counts and
 *                   references, and the structure of every service segment
 *                   for the syntax version.  It turns the flat segment stream
 *                   into begin/end events for a sink.
 *   sinks           writers for XML, JSON and EDIFACT (edi-xml.c, edi-json.c,
 *                   edi-write.c); readers of XML and JSON feed the same sink
 *                   interface, so every conversion is reader -> sink.
 *
 * Memory is bounded by the largest segment (max_segment) and the largest
 * component count (max_components), whatever the input size.
 */
#ifndef TDK_EDI_H
#define TDK_EDI_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/diag.h"

/* ---- Service characters (ISO 9735-1:2002 clause 5 and annex B) ---- */

struct tdk_edi_chars {
	unsigned char comp;  /* component data element separator */
	unsigned char elem;  /* data element separator */
	unsigned char dec;   /* decimal mark */
	unsigned char rel;   /* release character; 0 when none is used */
	unsigned char rep;   /* repetition separator (version 4); 0 when none */
	unsigned char term;  /* segment terminator */
};

/*
 * The defaults when no UNA is present: level A  : + . ? ' (and * as the
 * repetition separator in version 4); level B uses the information separators
 * IS1 (1/15), IS3 (1/13) and IS4 (1/12), IS2 (1/14) for repetition, and no
 * release character.
 */
void tdk_edi_chars_default(struct tdk_edi_chars *c, int level_b, int version);

/* True when ch is one of the separators, the terminator or the release character in use. */
int tdk_edi_chars_is_service(const struct tdk_edi_chars *c, unsigned char ch);

/*
 * Checks the six characters of a service string advice UNA (ISO 9735-1:2002
 * clause 5 and annex B): each a character of ISO 646 (a control only as IS1
 * to IS4, the level B separators, or a line break), the separators, release
 * character and terminator distinct from each other (positions 4 and 5 may
 * be a space, "not used"); with strict, also the decimal mark a comma or a
 * full stop.  Returns 0, or the 1-based position at fault with the reason in
 * msg (lowercase, no final stop).
 */
int tdk_edi_una_fault(const char una[6], int strict, char *msg, size_t size);

/* ---- Character sets named by the syntax identifier (UNB S001 0001) ---- */

enum tdk_charset_kind { TDK_CS_ASCII, TDK_CS_8BIT, TDK_CS_UTF8 };

/* What a byte of the declared set is: part of the repertoire, encodable but outside it, or neither. */
enum { TDK_CS_OK = 0, TDK_CS_OUTSIDE = 1, TDK_CS_INVALID = 2 };

struct tdk_charset {
	char id[8];                  /* the syntax identifier it was made for, e.g. "UNOC" */
	const char *encoding;        /* "US-ASCII", "ISO-8859-1", "UTF-8" */
	enum tdk_charset_kind kind;
	int known;                   /* 0: not a UN/ECE level; read as ISO 8859-1 */
	unsigned char cls[256];      /* TDK_CS_* per byte (for UTF-8: the lead bytes) */
	uint32_t map[256];           /* code point of each byte (ASCII and 8-bit sets) */
	uint16_t *rev;               /* code point -> byte + 1 below TDK_CS_REV_MAX; owned, lazily built */
};

#define TDK_CS_REV_MAX 0x2200

/*
 * Sets up cs for a syntax identifier.  Returns 0 for a UN/ECE level (UNOA to
 * UNOK, UNOW, UNOY), 1 for an identifier that is not one (read as ISO 8859-1,
 * the repertoire unchecked), -1 for UNOX (ISO 2022 code extension, not
 * supported).  Release with tdk_charset_release().
 */
int tdk_charset_init(struct tdk_charset *cs, const char *id);
void tdk_charset_release(struct tdk_charset *cs);

/*
 * The name to write for a syntax identifier in the XML and JSON forms: id
 * itself when it is printable ASCII, else "UNOC", which reads the same way
 * (ISO 8859-1) as any identifier that is not a UN/ECE level.
 */
const char *tdk_charset_label(const char *id);

/* Appends n bytes of the set as UTF-8.  Returns 0, or -1 if a byte cannot be decoded or out is full. */
int tdk_charset_to_utf8(const struct tdk_charset *cs, struct tdk_buf *out, const char *p, size_t n);

/*
 * Appends UTF-8 text re-encoded in the set.  Returns 0, -1 when out is full,
 * or -2 when a character cannot be represented; *bad is then its byte offset in s.
 */
int tdk_charset_from_utf8(struct tdk_charset *cs, struct tdk_buf *out, const char *s, size_t n,
			  size_t *bad);

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 when it is not one (RFC 3629). */
size_t tdk_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * True when cp is a Unicode noncharacter (U+FDD0 to U+FDEF, and the last two
 * code points of every plane, U+FFFE and U+FFFF among them; Unicode 15 §23.7):
 * never interchanged, and U+FFFE and U+FFFF are not XML 1.0 characters (§2.2).
 */
int tdk_unicode_noncharacter(uint32_t cp);

/* ---- Segments ---- */

struct tdk_edi_value {
	const char *p;   /* the value with release characters removed; not NUL-terminated */
	size_t len;
};

/*
 * A segment as read: element 0 is the segment tag.  Elements contain
 * repetitions, repetitions contain components, stored flat:
 *   elem[e]  index in rep[] of the first repetition of element e
 *   rep[r]   index in comp[] of the first component of repetition r
 * Values point into parser-owned memory valid only during the callback.
 */
struct tdk_edi_seg {
	const struct tdk_edi_value *comp;
	const uint32_t *rep;
	const uint32_t *elem;
	size_t ncomp, nrep, nelem;
	const struct tdk_charset *cs;  /* NULL: values are UTF-8 (from XML or JSON) */
	const char *ws;                /* layout (line breaks, blanks) before the segment */
	size_t wslen;
	unsigned long number;          /* 1-based: from UNH in a message, else from UNB */
	unsigned long line, col;       /* of the first byte of the tag; 0 when not from text */
	uint64_t offset;
	size_t rawlen;                 /* bytes in the input, terminator included */
	char tag[8];                   /* printable copy of the tag for diagnostics */
	char svc;                      /* 'B' for UNB, 'H' for UNH...: the tag is "UN" and this; else 0 */
};

static inline size_t tdk_edi_seg_nreps(const struct tdk_edi_seg *s, size_t e)
{
	return (e + 1 < s->nelem ? s->elem[e + 1] : s->nrep) - s->elem[e];
}

static inline size_t tdk_edi_seg_ncomps(const struct tdk_edi_seg *s, size_t r)
{
	return (r + 1 < s->nrep ? s->rep[r + 1] : s->ncomp) - s->rep[r];
}

/* The first component of the first repetition of element e, or NULL when the segment has no element e. */
const struct tdk_edi_value *tdk_edi_seg_value(const struct tdk_edi_seg *s, size_t e, size_t c);

/*
 * Copies component c of element e (first repetition) into out (n bytes,
 * truncated, NUL-terminated); "" when the segment has no such component.
 */
void tdk_edi_seg_str(const struct tdk_edi_seg *s, size_t e, size_t c, char *out, size_t n);

/* True when the tag (element 0, first component) equals the 3-letter name. */
int tdk_edi_seg_is(const struct tdk_edi_seg *s, const char *tag);

/*
 * Checks the segment tag against ISO 9735-1:2002 clause 7.1: a code of three
 * upper-case letters or digits, without components (explicit nesting
 * indicators) from syntax version 4 on.  Returns 0, 1 for a bad code, 2 for
 * components in version 4.
 */
int tdk_edi_tag_fault(const struct tdk_edi_seg *s, int version);

/*
 * Dependency notes (ISO 9735-1:2002 clause 11): a rule over n data elements
 * of one segment, of type 1 to 7: D1 one and only one, D2 all or none, D3 one
 * or more, D4 one or none, D5 if the first then all, D6 if the first then at
 * least one more, D7 if the first then none of the others.  Elements are the
 * segment's element numbers (1-based), at most TDK_EDI_DEP_MAX of them.
 */
#define TDK_EDI_DEP_MAX 8

/* Whether element e of the segment is present: some repetition has a value. */
int tdk_edi_seg_present(const struct tdk_edi_seg *s, size_t e);

/* Whether the note of the given type over elements[0, n) holds for seg. */
int tdk_edi_dep_met(const struct tdk_edi_seg *s, unsigned type, const uint32_t *elements, unsigned n);

/*
 * Writes to out (size bytes) the note "D2(010,060,070)" from its type and
 * the elements' positions, and to state which of the elements, named by
 * names[i], are given: "0038 absent, 0051 present, S008 present".
 */
void tdk_edi_dep_describe(const struct tdk_edi_seg *s, unsigned type, const uint32_t *elements,
			  const uint32_t *positions, const char *const *names, unsigned n, char *out,
			  char *state, size_t size);

/* The note's wording ("all or none"), "" for a type that is not 1 to 7. */
const char *tdk_edi_dep_name(unsigned type);

/* Sets seg->svc from the tag: the third letter of a tag "UN?", else 0. */
void tdk_edi_seg_classify(struct tdk_edi_seg *s);

/* Fills loc with the segment's position (and element, component, repetition when not 0). */
void tdk_edi_seg_loc(const struct tdk_edi_seg *s, struct tdk_diag_loc *loc,
		     unsigned element, unsigned component, unsigned repetition);

/* ---- Interchange facts, as the parser found them ---- */

struct tdk_edi_ich {
	int una;                       /* a UNA was present */
	char una_chars[6];             /* its six characters */
	const char *una_ws;            /* layout before the UNA */
	size_t una_wslen;
	unsigned long una_line, una_col;
	int level_b;                   /* no UNA and the level B default separators */
	int version;                   /* 0002 syntax version number; 0 when unknown */
	char syntax_id[8];             /* 0001 as read */
	struct tdk_edi_chars chars;    /* in effect */
	const struct tdk_charset *cs;
};

/* ---- Sinks: where a document's structure goes ---- */

struct tdk_edi_sink {
	void *arg;
	int (*begin)(void *arg, int bom);
	int (*interchange_begin)(void *arg, const struct tdk_edi_ich *ich);
	int (*group_begin)(void *arg);
	int (*message_begin)(void *arg);
	int (*segment)(void *arg, const struct tdk_edi_seg *seg);
	int (*message_end)(void *arg);
	int (*group_end)(void *arg);
	int (*interchange_end)(void *arg);
	/* Trailing layout after the last segment; then the document is complete. */
	int (*end)(void *arg, const char *ws, size_t n);
};

/* ---- The streaming parser ---- */

enum tdk_edi_mode {
	TDK_EDI_CONVERT = 0,  /* report only what prevents a faithful conversion */
	TDK_EDI_VALIDATE = 1  /* report everything ISO 9735 asks for */
};

struct tdk_edi_opts {
	enum tdk_edi_mode mode;
	size_t max_segment;        /* bytes in one segment; default 1 MiB */
	size_t max_components;     /* components in one segment; default 10,000 */
	const char *charset;       /* overrides UNB S001 0001 when not NULL */
	int tags_only;             /* deliver data segments with their tag only (nothing reads the
				      rest): every check still runs, only the splitting is skipped */
};

void tdk_edi_opts_init(struct tdk_edi_opts *o);

struct tdk_edi_parser;

/*
 * Callbacks of the parser; the envelope layer (tdk_edi_env) is the usual
 * receiver.  A non-zero return stops the parser with that status.
 */
struct tdk_edi_handler {
	void *arg;
	int (*begin)(void *arg, int bom);
	/* A UNA: ich->una and ich->una_chars are set; the rest follows with UNB. */
	int (*una)(void *arg, const struct tdk_edi_ich *ich);
	/* Every segment; for UNB, ich describes the interchange it opens. */
	int (*segment)(void *arg, const struct tdk_edi_seg *seg, const struct tdk_edi_ich *ich);
	int (*end)(void *arg, const char *ws, size_t n);
};

/* Returns a new parser that the caller frees with tdk_edi_parser_free(), or NULL when out of memory. */
struct tdk_edi_parser *tdk_edi_parser_new(const struct tdk_edi_opts *opts, struct tdk_diag *d,
					  const struct tdk_edi_handler *h);
void tdk_edi_parser_free(struct tdk_edi_parser *p);

/*
 * Feeds n bytes.  Returns 0 to go on, or the non-zero status that stopped
 * parsing: TDK_EXIT_INTERNAL when memory ran out, or what a callback returned.
 */
int tdk_edi_parser_feed(struct tdk_edi_parser *p, const char *buf, size_t n);

/* Ends the input: reports a segment left open, delivers the trailing layout. */
int tdk_edi_parser_finish(struct tdk_edi_parser *p);

/* Segments delivered so far. */
unsigned long tdk_edi_parser_segments(const struct tdk_edi_parser *p);

/*
 * True once the parser stopped reading on input that cannot be taken for
 * segments (a control character where a segment begins, as in a run of NULs,
 * or no terminator long after an oversized segment); the error is in d.
 * Feeding more does nothing, and the caller should stop reading.
 */
int tdk_edi_parser_halted(const struct tdk_edi_parser *p);

/* ---- The envelope ---- */

struct tdk_edi_env;

/*
 * Returns a new envelope tracker that passes structure to sink (which may be
 * NULL) and, when check is set, reports envelope, control-count and
 * service-segment faults to d.  Freed with tdk_edi_env_free().
 */
struct tdk_edi_env *tdk_edi_env_new(struct tdk_diag *d, int check, const struct tdk_edi_sink *sink);
void tdk_edi_env_free(struct tdk_edi_env *env);

/* The handler to give tdk_edi_parser_new() so the parser feeds this envelope. */
void tdk_edi_env_handler(struct tdk_edi_env *env, struct tdk_edi_handler *h);

/*
 * Checks one service segment (UNB, UNG, UNH, UNT, UNE, UNZ, UNS) against its
 * definition for the syntax version: element and component counts, status,
 * format and length, the codes with fixed values, dates and times.  Returns
 * 1 if seg is a service segment, 0 if not.
 */
int tdk_edi_check_service(const struct tdk_edi_seg *seg, int version, struct tdk_diag *d);

/* A data element or composite of a service segment, as ISO 9735 defines it. */
struct tdk_edi_svc_item {
	const char *id;                          /* "0062", "S009" */
	char status;                             /* 'M' or 'C' */
	const char *repr;                        /* "an..14"; NULL for a composite */
	const struct tdk_edi_svc_item *comps;    /* a composite's components */
	unsigned ncomps;
};

/*
 * The definition of service segment tag ("UNB", "UNH", ...) in a syntax
 * version (versions 1 to 3 share one, version 4 has its own): static data,
 * with its element count in *n; NULL when tag is not a service segment.
 */
const struct tdk_edi_svc_item *tdk_edi_service_def(const char *tag, int version, unsigned *n);

/* ---- Everything together ---- */

struct tdk_input;

/*
 * Reads in to its end through a parser and an envelope, passing the
 * structure to sink (may be NULL).  check turns on the envelope, control and
 * service segment checks.  Stops early once d reaches its error limit.
 * Returns 0 (faults are in d), TDK_EXIT_IO when reading fails,
 * TDK_EXIT_INTERNAL when memory runs out, or what the sink returned.
 * *segments (may be NULL) receives the number of segments read.
 */
int tdk_edi_parse_input(struct tdk_input *in, const struct tdk_edi_opts *opts, struct tdk_diag *d,
			const struct tdk_edi_sink *sink, int check, unsigned long *segments);

/* ---- Writers (sinks) ---- */

struct tdk_output;

/*
 * A sink that writes the tdk EDIFACT XML vocabulary (xsd/tdk-edifact.xsd) to
 * out, streaming.  Returns NULL when out of memory; free with tdk_edi_xml_writer_free().
 * Errors (a value that cannot be decoded) go to d.
 */
struct tdk_edi_xml_writer;
struct tdk_edi_xml_writer *tdk_edi_xml_writer_new(struct tdk_output *out, struct tdk_diag *d,
						  struct tdk_edi_sink *sink);
void tdk_edi_xml_writer_free(struct tdk_edi_xml_writer *w);

/*
 * The same writer with the names of the UNTDID directories (namespace
 * urn:tdk:edifact:directory:1, described in tdk-convert(1)): each message of
 * a release in set (which outlives the writer) is written with the group,
 * segment, composite and data element names of its directory; messages whose
 * release is not installed or not a UNTDID release keep the syntax-level
 * names, with a warning in d.
 */
struct tdk_dir_set;
struct tdk_edi_xml_writer *tdk_edi_xml_writer_new_names(struct tdk_output *out, struct tdk_diag *d,
							struct tdk_edi_sink *sink, struct tdk_dir_set *set);

/* The same document model as JSON (documented in tdk-convert(1)). */
struct tdk_edi_json_writer;
struct tdk_edi_json_writer *tdk_edi_json_writer_new(struct tdk_output *out, struct tdk_diag *d,
						    struct tdk_edi_sink *sink);
void tdk_edi_json_writer_free(struct tdk_edi_json_writer *w);

/*
 * A sink that writes EDIFACT: service characters from the UNA or the
 * defaults, release characters where a value holds a service character, UTF-8
 * values re-encoded in the interchange's character set.  A character the set
 * cannot represent is an error with its position, never a substitute.
 */
struct tdk_edi_writer;
struct tdk_edi_writer *tdk_edi_writer_new(struct tdk_output *out, struct tdk_diag *d,
					  struct tdk_edi_sink *sink);
void tdk_edi_writer_free(struct tdk_edi_writer *w);

/* ---- Readers of the XML and JSON forms ---- */

/* Reads the XML form from in (streaming) and drives sink.  Returns a TDK_EXIT_* status. */
int tdk_edi_read_xml(struct tdk_input *in, struct tdk_diag *d, const struct tdk_edi_sink *sink,
		     size_t max_components);

/* Reads the JSON form from in (streaming) and drives sink.  Returns a TDK_EXIT_* status. */
int tdk_edi_read_json(struct tdk_input *in, struct tdk_diag *d, const struct tdk_edi_sink *sink,
		      size_t max_components);

/* ---- Building segments (for readers of XML and JSON) ---- */

/* A segment under construction, with UTF-8 values; the arrays are capped. */
struct tdk_edi_segbuild {
	struct tdk_buf text;                 /* the values, back to back */
	size_t *off;                         /* per component: offset in text */
	size_t *len;
	uint32_t *rep, *elem;
	struct tdk_edi_value *vals;
	size_t ncomp, nrep, nelem, cap, max;
};

void tdk_edi_segbuild_init(struct tdk_edi_segbuild *b, size_t max_components);
void tdk_edi_segbuild_release(struct tdk_edi_segbuild *b);
void tdk_edi_segbuild_reset(struct tdk_edi_segbuild *b);
/* Starts a new element / repetition; then tdk_edi_segbuild_comp() adds its components. Return 0 or -1 (limit). */
int tdk_edi_segbuild_elem(struct tdk_edi_segbuild *b);
int tdk_edi_segbuild_rep(struct tdk_edi_segbuild *b);
int tdk_edi_segbuild_comp(struct tdk_edi_segbuild *b, const char *p, size_t n);
/* Fills seg from the builder (values in UTF-8); valid until the builder changes. */
void tdk_edi_segbuild_finish(struct tdk_edi_segbuild *b, struct tdk_edi_seg *seg);

#endif
