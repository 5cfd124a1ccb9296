/*
 * Shared by the EDIFACT fuzz targets: feeding input in uneven chunks, and
 * what the conversion targets hold tdk convert to: EDIFACT that the
 * writer produced with success passes `tdk validate` at the syntax level.
 * The syntax level is the lexical layer and the UNA and tag rules of ISO 9735
 * (EDI-SYNTAX-*, EDI-UNA-INVALID, EDI-UNA-SHORT, EDI-CHARSET-INVALID and
 * -REPERTOIRE for control characters); the envelope, control counts and service segment contents are
 * the document's own business, which convert carries over as it finds them.
 * Header-only, for tests/fuzz.
 */
#ifndef TDK_FUZZ_EDI_H
#define TDK_FUZZ_EDI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"

/* Feeds data through a new parser in uneven chunks, to exercise framing across boundaries. */
static void fuzz_feed(const uint8_t *data, size_t size, const struct tdk_edi_handler *h,
		 struct tdk_diag *d, enum tdk_edi_mode mode, int tags_only)
{
	struct tdk_edi_opts o;
	struct tdk_edi_parser *p;
	size_t i = 0, step = size ? (data[0] % 7) + 1 : 1;

	tdk_edi_opts_init(&o);
	o.mode = mode;
	o.max_segment = 4096;
	o.max_components = 256;
	o.tags_only = tags_only;
	p = tdk_edi_parser_new(&o, d, h);
	if (!p)
		return;
	while (i < size) {
		size_t n = size - i < step ? size - i : step;

		if (tdk_edi_parser_feed(p, (const char *)data + i, n))
			break;
		i += n;
		step = step * 3 % 61 + 1;
	}
	tdk_edi_parser_finish(p);
	tdk_edi_parser_free(p);
}

struct fuzz_codes {
	unsigned long syntax;     /* syntax-level errors */
	unsigned long write;      /* EDI-WRITE-* errors */
	unsigned long other;      /* any other error */
	unsigned long unknown_cs; /* EDI-CHARSET-UNKNOWN, error or warning */
	int skip_charset;         /* the set is not known for sure: no charset codes */
	char first[TDK_DIAG_MSG_MAX + 64];  /* the first syntax-level or EDI-WRITE-* error, else any */
};

/*
 * A graphic ISO 646 character outside UNOA's or UNOB's repertoire (lower case)
 * is data that convert keeps as read, to stay lossless, and warns about
 * (EDI-WRITE-REPERTOIRE); every other repertoire fault counts.
 */
static int fuzz_is_syntax(const struct tdk_diag_item *it, int skip_charset)
{
	if (!strncmp(it->code, "EDI-SYNTAX-", 11) || !strcmp(it->code, "EDI-UNA-INVALID") ||
	    !strcmp(it->code, "EDI-UNA-SHORT"))
		return 1;
	if (skip_charset)
		return 0;
	return !strcmp(it->code, "EDI-CHARSET-INVALID") ||
	       (!strcmp(it->code, "EDI-CHARSET-REPERTOIRE") && strncmp(it->msg, "character '", 11));
}

static void fuzz_codes_emit(void *arg, const struct tdk_diag_item *it)
{
	struct fuzz_codes *c = arg;
	int keep;

	if (!strcmp(it->code, "EDI-CHARSET-UNKNOWN"))
		c->unknown_cs++;
	if (it->sev != TDK_SEV_ERROR)
		return;
	keep = !c->syntax && !c->write;
	if (!strncmp(it->code, "EDI-WRITE-", 10)) {
		c->write++;
	} else if (fuzz_is_syntax(it, c->skip_charset)) {
		c->syntax++;
	} else {
		keep = keep && !c->other;
		c->other++;
	}
	if (keep)
		snprintf(c->first, sizeof(c->first), "%lu:%lu [%s] %s", it->loc.line, it->loc.col,
			 it->code, it->msg);
}

/* Sets up d to sort its errors into c. */
static void fuzz_codes_init(struct fuzz_codes *c, struct tdk_diag *d, const char *name)
{
	memset(c, 0, sizeof(*c));
	tdk_diag_init(d, name);
	d->emit = fuzz_codes_emit;
	d->arg = c;
}

/*
 * Validates data as `tdk validate` does (with --charset charset when not
 * NULL) and sorts the errors into c; skip_charset leaves the charset codes
 * out of the syntax level.
 */
static void fuzz_validate(const char *data, size_t size, const char *charset, int skip_charset,
			  struct fuzz_codes *c)
{
	struct tdk_diag d;
	struct tdk_edi_opts o;
	struct tdk_edi_env *env;
	struct tdk_edi_handler h;
	struct tdk_edi_parser *p;

	fuzz_codes_init(c, &d, "out.edi");
	c->skip_charset = skip_charset;
	env = tdk_edi_env_new(&d, 1, NULL);
	if (!env)
		return;
	tdk_edi_env_handler(env, &h);
	tdk_edi_opts_init(&o);
	o.mode = TDK_EDI_VALIDATE;
	o.charset = charset;
	p = tdk_edi_parser_new(&o, &d, &h);
	if (p) {
		if (!tdk_edi_parser_feed(p, data, size))
			tdk_edi_parser_finish(p);
		tdk_edi_parser_free(p);
	}
	tdk_edi_env_free(env);
}

/* Aborts, with the fault on stderr, when EDIFACT the writer wrote with success fails validate's syntax level. */
static void fuzz_written_valid(const char *data, size_t size, const char *charset, int skip_charset)
{
	struct fuzz_codes c;

	fuzz_validate(data, size, charset, skip_charset, &c);
	if (c.syntax) {
		fprintf(stderr, "syntax fault in the written EDIFACT: %s\n", c.first);
		abort();
	}
}

/*
 * A sink in front of the EDIFACT writer's that notes the character set the
 * interchanges are written in: the charset the XML or JSON names (which
 * overrides UNB, as convert --charset does), or none when each UNB says.
 */
struct fuzz_tap {
	struct tdk_edi_sink next;
	char charset[8];
	int named, mixed;
};

static int fuzz_tap_ich(void *arg, const struct tdk_edi_ich *ich)
{
	struct fuzz_tap *t = arg;

	if (t->named && strcmp(t->charset, ich->syntax_id))
		t->mixed = 1;
	if (!t->named && ich->syntax_id[0]) {
		t->named = 1;
		snprintf(t->charset, sizeof(t->charset), "%s", ich->syntax_id);
	} else if (!ich->syntax_id[0] && t->named) {
		t->mixed = 1;
	}
	return t->next.interchange_begin ? t->next.interchange_begin(t->next.arg, ich) : 0;
}

#define FUZZ_FWD(name, params, args)                                                    \
	static int fuzz_tap_##name params                                              \
	{                                                                              \
		struct fuzz_tap *t = arg;                                              \
		return t->next.name ? t->next.name args : 0;                           \
	}
FUZZ_FWD(begin, (void *arg, int bom), (t->next.arg, bom))
FUZZ_FWD(group_begin, (void *arg), (t->next.arg))
FUZZ_FWD(message_begin, (void *arg), (t->next.arg))
FUZZ_FWD(segment, (void *arg, const struct tdk_edi_seg *seg), (t->next.arg, seg))
FUZZ_FWD(message_end, (void *arg), (t->next.arg))
FUZZ_FWD(group_end, (void *arg), (t->next.arg))
FUZZ_FWD(interchange_end, (void *arg), (t->next.arg))
FUZZ_FWD(end, (void *arg, const char *ws, size_t n), (t->next.arg, ws, n))
#undef FUZZ_FWD

static void fuzz_tap_init(struct fuzz_tap *t, const struct tdk_edi_sink *next, struct tdk_edi_sink *sink)
{
	memset(t, 0, sizeof(*t));
	t->next = *next;
	sink->arg = t;
	sink->begin = fuzz_tap_begin;
	sink->interchange_begin = fuzz_tap_ich;
	sink->group_begin = fuzz_tap_group_begin;
	sink->message_begin = fuzz_tap_message_begin;
	sink->segment = fuzz_tap_segment;
	sink->message_end = fuzz_tap_message_end;
	sink->group_end = fuzz_tap_group_end;
	sink->interchange_end = fuzz_tap_interchange_end;
	sink->end = fuzz_tap_end;
}

/* The charset to validate what went through t with: the one the XML or JSON named, if one for all. */
static const char *fuzz_tap_charset(const struct fuzz_tap *t)
{
	return t->named && !t->mixed ? t->charset : NULL;
}

#endif
