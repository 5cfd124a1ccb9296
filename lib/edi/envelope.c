/*
 * The envelope of ISO 9735-1:2002 clause 7.1 (interchange structure): UNA?
 * UNB (UNG (UNH ... UNT)+ UNE)* or (UNH ... UNT)* UNZ, with the control
 * counts and references that tie each trailer to its header:
 *   UNT 0074 = segments from UNH to UNT inclusive, 0062 = UNH 0062
 *   UNE 0060 = messages in the group, 0048 = UNG 0048
 *   UNZ 0036 = groups if groups are used, else messages; 0020 = UNB 0020
 * A functional group holds messages of one type and version (UNG 0038 and
 * S008 against UNH S009, ISO 9735:1988 annex B).  The tracker recovers from
 * every fault (a missing trailer is closed where the next header appears) so
 * that one error does not hide the rest, and passes the structure to a sink.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edi/edi.h"
#include "util/exitcode.h"

#define REF_MAX 40

struct tdk_edi_env {
	struct tdk_diag *d;
	int check;
	struct tdk_edi_sink sink;

	int in_ich, in_grp, in_msg;
	int una_pending;
	const struct tdk_edi_ich *una_ich;
	int version;
	int seen_unb, after_unz, told_outside, told_no_unb, any;
	struct tdk_edi_ich una_copy;  /* the pending UNA: the parser reuses its own for the next */
	struct tdk_buf una_ws;

	unsigned long ich_groups, ich_bare, grp_msgs, msg_segs;

	char unb_ref[REF_MAX], ung_ref[REF_MAX], unh_ref[REF_MAX];
	char ung_type[REF_MAX], ung_ver[REF_MAX], ung_rel[REF_MAX];
	int ung_has_type;
	unsigned long unb_line, ung_line, unh_line;

	struct tdk_diag_loc last;   /* where the last segment was, for faults found at the end */
};

struct tdk_edi_env *tdk_edi_env_new(struct tdk_diag *d, int check, const struct tdk_edi_sink *sink)
{
	struct tdk_edi_env *env = calloc(1, sizeof(*env));

	if (!env)
		return NULL;
	env->d = d;
	env->check = check;
	tdk_buf_init(&env->una_ws, 1 << 16);
	if (sink)
		env->sink = *sink;
	return env;
}

void tdk_edi_env_free(struct tdk_edi_env *env)
{
	if (env)
		tdk_buf_release(&env->una_ws);
	free(env);
}

static void fault(struct tdk_edi_env *env, const struct tdk_diag_loc *loc, const char *code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fault(struct tdk_edi_env *env, const struct tdk_diag_loc *loc, const char *code,
		  const char *fmt, ...)
{
	va_list ap;

	if (!env->check)
		return;
	va_start(ap, fmt);
	tdk_diag_addv(env->d, TDK_SEV_ERROR, code, loc, fmt, ap);
	va_end(ap);
}

static void copy_val(char *dst, const struct tdk_edi_value *v)
{
	size_t i, n = v ? v->len : 0;

	if (n >= REF_MAX)
		n = REF_MAX - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v->p[i];

		dst[i] = c >= 0x20 && c != 0x7f ? (char)c : '?';
	}
	dst[n] = '\0';
}

#define SINK(env, fn, ...) ((env)->sink.fn ? (env)->sink.fn((env)->sink.arg, ##__VA_ARGS__) : 0)

static int close_msg(struct tdk_edi_env *env, const struct tdk_diag_loc *loc)
{
	if (!env->in_msg)
		return 0;
	fault(env, loc, "EDI-ENV-UNT-MISSING", "message '%s' (UNH on line %lu) has no trailer UNT",
	      env->unh_ref, env->unh_line);
	env->in_msg = 0;
	return SINK(env, message_end);
}

static int close_grp(struct tdk_edi_env *env, const struct tdk_diag_loc *loc)
{
	int r = close_msg(env, loc);

	if (r || !env->in_grp)
		return r;
	fault(env, loc, "EDI-ENV-UNE-MISSING", "group '%s' (UNG on line %lu) has no trailer UNE",
	      env->ung_ref, env->ung_line);
	env->in_grp = 0;
	return SINK(env, group_end);
}

static int close_ich(struct tdk_edi_env *env, const struct tdk_diag_loc *loc)
{
	int r = close_grp(env, loc);

	if (r || !env->in_ich)
		return r;
	if (env->seen_unb)
		fault(env, loc, "EDI-ENV-UNZ-MISSING",
		      "interchange '%s' (UNB on line %lu) has no trailer UNZ", env->unb_ref, env->unb_line);
	env->in_ich = 0;
	return SINK(env, interchange_end);
}

/* Parses a count; -1 when it is empty or not all digits (the format check reports that). */
static long long count_of(const struct tdk_edi_value *v)
{
	long long n = 0;
	size_t i;

	if (!v || !v->len || v->len > 18)
		return -1;
	for (i = 0; i < v->len; i++) {
		if (v->p[i] < '0' || v->p[i] > '9')
			return -1;
		n = n * 10 + (v->p[i] - '0');
	}
	return n;
}

static void check_count(struct tdk_edi_env *env, const struct tdk_edi_seg *seg, const char *code,
			unsigned long actual, const char *what, const char *owner)
{
	const struct tdk_edi_value *v = tdk_edi_seg_value(seg, 1, 0);
	long long n = count_of(v);
	struct tdk_diag_loc loc;

	if (n < 0 || (unsigned long long)n == actual)
		return;
	tdk_edi_seg_loc(seg, &loc, 1, 0, 0);
	fault(env, &loc, code, "control count %lld does not match the %lu %s%s in %s", n, actual, what,
	      actual == 1 ? "" : "s", owner);
}

static void check_ref(struct tdk_edi_env *env, const struct tdk_edi_seg *seg, const char *code,
		      const char *expect, const char *header)
{
	const struct tdk_edi_value *v = tdk_edi_seg_value(seg, 2, 0);
	char got[REF_MAX];
	struct tdk_diag_loc loc;

	copy_val(got, v);
	if (!v || !v->len || !strcmp(got, expect))
		return;
	tdk_edi_seg_loc(seg, &loc, 2, 0, 0);
	fault(env, &loc, code, "reference '%s' does not match '%s' in %s", got, expect, header);
}

/* ISO 9735 clause 7.1: a segment tag is an upper-case code of three characters. */
static void check_tag(struct tdk_edi_env *env, const struct tdk_edi_seg *seg)
{
	struct tdk_diag_loc loc;
	int k = tdk_edi_tag_fault(seg, env->version);

	if (!k)
		return;
	tdk_edi_seg_loc(seg, &loc, 0, 0, 0);
	if (k == 1)
		fault(env, &loc, "EDI-SYNTAX-TAG",
		      "segment tag '%s' is not a code of three upper-case letters or digits", seg->tag);
	else
		fault(env, &loc, "EDI-SYNTAX-TAG",
		      "segment tag has components; explicit nesting indicators exist only before syntax "
		      "version 4");
}

static int on_begin(void *arg, int bom)
{
	struct tdk_edi_env *env = arg;

	if (bom && env->check)
		tdk_diag_add(env->d, TDK_SEV_WARNING, "EDI-BOM", NULL,
			     "input starts with a UTF-8 byte order mark, which ISO 9735 does not provide "
			     "for; it is ignored");
	return SINK(env, begin, bom);
}

static int on_una(void *arg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_env *env = arg;
	struct tdk_diag_loc loc;

	env->any = 1;
	memset(&loc, 0, sizeof(loc));
	loc.line = ich->una_line;
	loc.col = ich->una_col;
	env->last = loc;
	if (env->in_ich || env->in_grp || env->in_msg) {
		/* A UNA starts the next interchange: what is open ends here without
		 * its trailer, and that is the fault to report. */
		int r = close_ich(env, &loc);

		if (r)
			return r;
	} else if (env->una_pending) {
		/* The first one opens an empty interchange, so that nothing is lost. */
		int r;

		fault(env, &loc, "EDI-UNA-POSITION", "two service string advices UNA in a row");
		if ((r = SINK(env, interchange_begin, &env->una_copy)) || (r = SINK(env, interchange_end)))
			return r;
	}
	env->una_copy = *ich;
	tdk_buf_reset(&env->una_ws);
	if (tdk_buf_add(&env->una_ws, ich->una_ws ? ich->una_ws : "", ich->una_wslen) < 0)
		return TDK_EXIT_INTERNAL;
	env->una_copy.una_ws = env->una_ws.data;
	env->una_pending = 1;
	env->una_ich = ich;
	return 0;
}

static int begin_ich(struct tdk_edi_env *env, const struct tdk_edi_seg *seg,
		     const struct tdk_edi_ich *ich)
{
	struct tdk_diag_loc loc;
	int r;

	tdk_edi_seg_loc(seg, &loc, 0, 0, 0);
	if ((r = close_ich(env, &loc)))
		return r;
	env->in_ich = 1;
	env->ich_groups = env->ich_bare = 0;
	env->told_outside = 0;
	env->after_unz = 0;
	env->una_pending = 0;
	env->version = ich->version;
	return SINK(env, interchange_begin, ich);
}

static int on_segment(void *arg, const struct tdk_edi_seg *seg, const struct tdk_edi_ich *ich)
{
	struct tdk_edi_env *env = arg;
	struct tdk_diag_loc loc;
	int r = 0, svc = 0;

	env->any = 1;
	/* Faults found at the end of the input point there, not at a segment. */
	env->last.line = seg->line;
	env->last.col = seg->col;
	env->last.offset = seg->offset + seg->rawlen;
	if (!seg->svc && env->in_msg) {
		/* The common case, a data segment inside a message: count and check the tag. */
		env->msg_segs++;
		env->told_outside = 0;
		if (env->check)
			check_tag(env, seg);
		return SINK(env, segment, seg);
	}
	tdk_edi_seg_loc(seg, &loc, 0, 0, 0);

	if (seg->svc == 'B') {
		if ((r = begin_ich(env, seg, ich)))
			return r;
		env->seen_unb = 1;
		copy_val(env->unb_ref, tdk_edi_seg_value(seg, 5, 0));
		env->unb_line = seg->line;
		if (env->check)
			tdk_edi_check_service(seg, ich->version, env->d);
		return SINK(env, segment, seg);
	}
	if (env->una_pending && !env->in_ich) {
		fault(env, &loc, "EDI-UNA-POSITION",
		      "service string advice UNA is not followed by an interchange header UNB");
		if ((r = begin_ich(env, seg, env->una_ich)))
			return r;
	}
	if (!env->in_ich && !env->seen_unb && !env->told_no_unb) {
		env->told_no_unb = 1;
		fault(env, &loc, "EDI-ENV-NO-UNB", "segment comes before any interchange header UNB");
	} else if (!env->in_ich && env->after_unz && (seg->svc == 'G' || seg->svc == 'H') &&
		   !env->told_outside++) {
		/* a group or message after UNZ belongs to no interchange */
		fault(env, &loc, "EDI-ENV-TRAILING", "data after the interchange trailer UNZ");
	}

	if (seg->svc == 'G') {
		if ((r = close_grp(env, &loc)))
			return r;
		if (env->ich_bare)
			fault(env, &loc, "EDI-ENV-MIXED",
			      "functional group after messages outside groups; an interchange has either "
			      "groups or messages");
		env->in_grp = 1;
		env->ich_groups++;
		env->grp_msgs = 0;
		copy_val(env->ung_ref, tdk_edi_seg_value(seg, 5, 0));
		copy_val(env->ung_type, tdk_edi_seg_value(seg, 1, 0));
		copy_val(env->ung_ver, tdk_edi_seg_value(seg, 7, 0));
		copy_val(env->ung_rel, tdk_edi_seg_value(seg, 7, 1));
		env->ung_has_type = env->version < 4 && env->ung_type[0];
		env->ung_line = seg->line;
		if (env->check)
			tdk_edi_check_service(seg, env->version, env->d);
		if ((r = SINK(env, group_begin)))
			return r;
		return SINK(env, segment, seg);
	}
	if (seg->svc == 'H') {
		char type[REF_MAX], ver[REF_MAX], rel[REF_MAX];

		if ((r = close_msg(env, &loc)))
			return r;
		if (env->in_ich && !env->in_grp && env->ich_groups && !env->ich_bare)
			fault(env, &loc, "EDI-ENV-MIXED",
			      "message outside a functional group in an interchange that has groups");
		env->in_msg = 1;
		env->msg_segs = 1;
		if (env->in_grp)
			env->grp_msgs++;
		else
			env->ich_bare++;
		copy_val(env->unh_ref, tdk_edi_seg_value(seg, 1, 0));
		env->unh_line = seg->line;
		if (env->check) {
			tdk_edi_check_service(seg, env->version, env->d);
			copy_val(type, tdk_edi_seg_value(seg, 2, 0));
			copy_val(ver, tdk_edi_seg_value(seg, 2, 1));
			copy_val(rel, tdk_edi_seg_value(seg, 2, 2));
			if (env->in_grp && env->ung_has_type && type[0] && strcmp(type, env->ung_type)) {
				tdk_edi_seg_loc(seg, &loc, 2, 1, 0);
				fault(env, &loc, "EDI-ENV-GROUP-MISMATCH",
				      "message type '%s' differs from '%s' of its functional group (UNG 0038)",
				      type, env->ung_type);
			}
			if (env->in_grp && env->ung_ver[0] && ver[0] &&
			    (strcmp(ver, env->ung_ver) || strcmp(rel, env->ung_rel))) {
				tdk_edi_seg_loc(seg, &loc, 2, 2, 0);
				fault(env, &loc, "EDI-ENV-GROUP-MISMATCH",
				      "message version %s:%s differs from %s:%s of its functional group (UNG S008)",
				      ver, rel, env->ung_ver, env->ung_rel);
			}
		}
		if ((r = SINK(env, message_begin)))
			return r;
		return SINK(env, segment, seg);
	}
	if (seg->svc == 'T') {
		if (!env->in_msg) {
			fault(env, &loc, "EDI-ENV-UNEXPECTED", "message trailer UNT outside a message");
			return SINK(env, segment, seg);
		}
		env->msg_segs++;
		if (env->check) {
			char owner[REF_MAX + 16];

			tdk_edi_check_service(seg, env->version, env->d);
			snprintf(owner, sizeof(owner), "message '%s'", env->unh_ref);
			check_count(env, seg, "EDI-CTRL-UNT-COUNT", env->msg_segs, "segment", owner);
			check_ref(env, seg, "EDI-CTRL-UNT-REF", env->unh_ref, "UNH 0062");
		}
		if ((r = SINK(env, segment, seg)))
			return r;
		env->in_msg = 0;
		return SINK(env, message_end);
	}
	if (seg->svc == 'E') {
		if ((r = close_msg(env, &loc)))
			return r;
		if (!env->in_grp) {
			fault(env, &loc, "EDI-ENV-UNEXPECTED", "group trailer UNE outside a functional group");
			return SINK(env, segment, seg);
		}
		if (env->check) {
			char owner[REF_MAX + 16];

			tdk_edi_check_service(seg, env->version, env->d);
			snprintf(owner, sizeof(owner), "group '%s'", env->ung_ref);
			check_count(env, seg, "EDI-CTRL-UNE-COUNT", env->grp_msgs, "message", owner);
			check_ref(env, seg, "EDI-CTRL-UNE-REF", env->ung_ref, "UNG 0048");
		}
		if ((r = SINK(env, segment, seg)))
			return r;
		env->in_grp = 0;
		return SINK(env, group_end);
	}
	if (seg->svc == 'Z') {
		if ((r = close_grp(env, &loc)))
			return r;
		if (!env->in_ich) {
			fault(env, &loc, "EDI-ENV-UNEXPECTED", "interchange trailer UNZ without a header UNB");
			return SINK(env, segment, seg);
		}
		if (env->check) {
			char owner[REF_MAX + 16];

			tdk_edi_check_service(seg, env->version, env->d);
			snprintf(owner, sizeof(owner), "interchange '%s'", env->unb_ref);
			if (env->ich_groups)
				check_count(env, seg, "EDI-CTRL-UNZ-COUNT", env->ich_groups, "group", owner);
			else
				check_count(env, seg, "EDI-CTRL-UNZ-COUNT", env->ich_bare, "message", owner);
			check_ref(env, seg, "EDI-CTRL-UNZ-REF", env->unb_ref, "UNB 0020");
		}
		if ((r = SINK(env, segment, seg)))
			return r;
		env->in_ich = 0;
		env->after_unz = 1;
		return SINK(env, interchange_end);
	}

	/* A data segment, or UNS. */
	if (env->in_msg) {
		env->msg_segs++;
		env->told_outside = 0;
		if (env->check) {
			svc = tdk_edi_check_service(seg, env->version, env->d);
			if (!svc)
				check_tag(env, seg);
		}
	} else if (env->check) {
		/* One fault per run of stray segments; after UNZ nothing more, it is
		 * not EDIFACT any longer. */
		if (env->after_unz) {
			if (!env->told_outside++)
				fault(env, &loc, "EDI-ENV-TRAILING", "data after the interchange trailer UNZ");
		} else {
			if ((env->seen_unb || env->in_ich) && !env->told_outside++)
				fault(env, &loc, "EDI-ENV-OUTSIDE", "data segment outside a message");
			check_tag(env, seg);
		}
	}
	return SINK(env, segment, seg);
}

static int on_end(void *arg, const char *ws, size_t n)
{
	struct tdk_edi_env *env = arg;
	int r;

	if (env->una_pending && !env->in_ich) {
		struct tdk_diag_loc loc = env->last;

		fault(env, &loc, "EDI-UNA-POSITION",
		      "service string advice UNA is not followed by an interchange header UNB");
		if ((r = SINK(env, interchange_begin, env->una_ich)) || (r = SINK(env, interchange_end)))
			return r;
	}
	if ((r = close_ich(env, &env->last)))
		return r;
	/* Also when converting: an empty document is no interchange to convert. */
	if (!env->any && !env->d->errors)
		tdk_diag_add(env->d, TDK_SEV_ERROR, "EDI-EMPTY", NULL, "no EDIFACT data in the input");
	return SINK(env, end, ws, n);
}

void tdk_edi_env_handler(struct tdk_edi_env *env, struct tdk_edi_handler *h)
{
	memset(h, 0, sizeof(*h));
	h->arg = env;
	h->begin = on_begin;
	h->una = on_una;
	h->segment = on_segment;
	h->end = on_end;
}
