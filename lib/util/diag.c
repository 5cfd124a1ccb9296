/* Diagnostics and their three report formats; see diag.h. */
#include <stdio.h>
#include <string.h>

#include "util/diag.h"

void tdk_diag_init(struct tdk_diag *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = file;
}

const char *tdk_severity_name(enum tdk_severity sev)
{
	switch (sev) {
	case TDK_SEV_ERROR:
		return "error";
	case TDK_SEV_WARNING:
		return "warning";
	default:
		return "note";
	}
}

/* Messages quote input; what is not printable UTF-8 becomes '?', so reports stay text. */
static void sanitize(char *m)
{
	unsigned char *u = (unsigned char *)m;

	while (*u) {
		if (*u < 0x20 || *u == 0x7f) {
			*u++ = '?';
		} else if (*u < 0x80) {
			u++;
		} else {
			size_t n = 1, k;

			if (*u >= 0xc2 && *u <= 0xdf)
				n = 2;
			else if (*u >= 0xe0 && *u <= 0xef)
				n = 3;
			else if (*u >= 0xf0 && *u <= 0xf4)
				n = 4;
			for (k = 1; n > 1 && k < n; k++)
				if ((u[k] & 0xc0) != 0x80)
					n = 1;
			if (n == 1)
				*u++ = '?';
			else
				u += n;
		}
	}
}

int tdk_diag_add(struct tdk_diag *d, enum tdk_severity sev, const char *code,
		 const struct tdk_diag_loc *loc, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tdk_diag_addv(d, sev, code, loc, fmt, ap);
	va_end(ap);
	return r;
}

int tdk_diag_addv(struct tdk_diag *d, enum tdk_severity sev, const char *code,
		  const struct tdk_diag_loc *loc, const char *fmt, va_list ap)
{
	struct tdk_diag_item it;

	if (sev == TDK_SEV_ERROR) {
		d->errors++;
		if (d->stopped)
			return 1;
	} else if (sev == TDK_SEV_WARNING) {
		d->warnings++;
		if (d->stopped)
			return 1;
	} else {
		d->notes++;
	}
	/* Only counted when nobody reads it (validation for a verdict, fuzzing). */
	if (d->emit) {
		memset(&it, 0, sizeof(it));
		it.sev = sev;
		it.code = code;
		it.file = d->file ? d->file : "-";
		if (loc)
			it.loc = *loc;
		vsnprintf(it.msg, sizeof(it.msg), fmt, ap);
		sanitize(it.msg);
		d->emit(d->arg, &it);
	}
	if (sev == TDK_SEV_ERROR && d->max_errors && d->errors >= d->max_errors) {
		d->stopped = 1;
		return 1;
	}
	return 0;
}

static int name_needs_quotes(const char *s)
{
	if (*s == '"')
		return 1;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int tdk_buf_add_name(struct tdk_buf *out, const char *name)
{
	const unsigned char *u = (const unsigned char *)name;
	int r = 0;

	if (!name_needs_quotes(name))
		return tdk_buf_adds(out, name);
	r |= tdk_buf_addc(out, '"');
	for (; *u; u++) {
		switch (*u) {
		case '\n': r |= tdk_buf_addl(out, "\\n"); break;
		case '\t': r |= tdk_buf_addl(out, "\\t"); break;
		case '\r': r |= tdk_buf_addl(out, "\\r"); break;
		case '"': r |= tdk_buf_addl(out, "\\\""); break;
		case '\\': r |= tdk_buf_addl(out, "\\\\"); break;
		default:
			if (*u < 0x20 || *u == 0x7f)
				r |= tdk_buf_addf(out, "\\%03o", *u);
			else
				r |= tdk_buf_addc(out, *u);
		}
	}
	r |= tdk_buf_addc(out, '"');
	return r ? -1 : 0;
}

const char *tdk_name(struct tdk_buf *scratch, const char *name)
{
	if (!name_needs_quotes(name))
		return name;
	tdk_buf_reset(scratch);
	if (tdk_buf_add_name(scratch, name) < 0 || !scratch->data)
		return "?";
	return scratch->data;
}

/* "segment 9 'UNT' element 1 component 2 repetition 3: " or nothing. */
static int add_edi_pos(struct tdk_buf *out, const struct tdk_edi_pos *p)
{
	int r = 0;

	if (!p->segment)
		return 0;
	r |= tdk_buf_addf(out, "segment %lu '", p->segment);
	r |= tdk_buf_adds(out, p->tag);
	r |= tdk_buf_addc(out, '\'');
	if (p->element)
		r |= tdk_buf_addf(out, " element %u", p->element);
	if (p->component)
		r |= tdk_buf_addf(out, " component %u", p->component);
	if (p->repetition)
		r |= tdk_buf_addf(out, " repetition %u", p->repetition);
	r |= tdk_buf_adds(out, ": ");
	return r ? -1 : 0;
}

int tdk_diag_format_text(struct tdk_buf *out, const struct tdk_diag_item *it)
{
	int r = 0;

	r |= tdk_buf_add_name(out, it->file);
	if (it->loc.line)
		r |= tdk_buf_addf(out, ":%lu", it->loc.line);
	if (it->loc.line && it->loc.col)
		r |= tdk_buf_addf(out, ":%lu", it->loc.col);
	r |= tdk_buf_addf(out, ": %s: [%s] ", tdk_severity_name(it->sev), it->code);
	r |= add_edi_pos(out, &it->loc.edi);
	r |= tdk_buf_adds(out, it->msg);
	r |= tdk_buf_addc(out, '\n');
	return r ? -1 : 0;
}

int tdk_json_escape(struct tdk_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	int r = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char u[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		r |= tdk_buf_add(out, s + start, i - start);
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			rep = u;
		}
		r |= tdk_buf_adds(out, rep);
		start = i + 1;
	}
	r |= tdk_buf_add(out, s + start, n - start);
	return r ? -1 : 0;
}

int tdk_xml_escape(struct tdk_buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	int r = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case '\t': case '\n': case '\r':
			continue;
		default:
			if (c >= 0x20)
				continue;
			rep = "\xEF\xBF\xBD";  /* XML 1.0 cannot carry C0 controls */
		}
		r |= tdk_buf_add(out, s + start, i - start);
		r |= tdk_buf_adds(out, rep);
		start = i + 1;
	}
	r |= tdk_buf_add(out, s + start, n - start);
	return r ? -1 : 0;
}

int tdk_xml_escapes(struct tdk_buf *out, const char *s)
{
	return tdk_xml_escape(out, s, strlen(s));
}

int tdk_diag_format_json(struct tdk_buf *out, const struct tdk_diag_item *it)
{
	const struct tdk_edi_pos *p = &it->loc.edi;
	int r = 0;

	r |= tdk_buf_adds(out, "{\"file\":\"");
	r |= tdk_json_escape(out, it->file, strlen(it->file));
	r |= tdk_buf_addf(out, "\",\"line\":%lu,\"column\":%lu,\"offset\":%llu,"
			  "\"severity\":\"%s\",\"code\":\"%s\"",
			  it->loc.line, it->loc.col, (unsigned long long)it->loc.offset,
			  tdk_severity_name(it->sev), it->code);
	if (p->segment) {
		r |= tdk_buf_addf(out, ",\"segment\":%lu,\"tag\":\"", p->segment);
		r |= tdk_json_escape(out, p->tag, strlen(p->tag));
		r |= tdk_buf_addf(out, "\",\"element\":%u,\"component\":%u,\"repetition\":%u",
				  p->element, p->component, p->repetition);
	}
	r |= tdk_buf_adds(out, ",\"message\":\"");
	r |= tdk_json_escape(out, it->msg, strlen(it->msg));
	r |= tdk_buf_adds(out, "\"}\n");
	return r ? -1 : 0;
}

/* Reports can be large; the JUnit buffers are capped at 256 MiB each. */
#define JUNIT_MAX ((size_t)256 << 20)

void tdk_junit_init(struct tdk_junit *j, const char *suite)
{
	memset(j, 0, sizeof(*j));
	tdk_buf_init(&j->cases, JUNIT_MAX);
	tdk_buf_init(&j->current, JUNIT_MAX);
	j->suite = suite;
}

int tdk_junit_case_add(struct tdk_junit *j, const struct tdk_diag_item *it)
{
	struct tdk_buf line = TDK_BUF_INIT(4096);
	int r;

	r = tdk_diag_format_text(&line, it);
	if (!r)
		r = tdk_xml_escape(&j->current, line.data, line.len);
	tdk_buf_release(&line);
	return r;
}

int tdk_junit_case_end(struct tdk_junit *j, const char *name, enum tdk_junit_kind kind, const char *message,
		       double seconds)
{
	static const char *const elem[] = { NULL, "failure", "error", "skipped" };
	int r = 0;

	j->tests++;
	j->failures += kind == TDK_JUNIT_FAILURE;
	j->errors += kind == TDK_JUNIT_ERROR;
	j->skipped += kind == TDK_JUNIT_SKIPPED;
	r |= tdk_buf_adds(&j->cases, "  <testcase classname=\"");
	r |= tdk_xml_escapes(&j->cases, j->suite);
	r |= tdk_buf_adds(&j->cases, "\" name=\"");
	r |= tdk_xml_escapes(&j->cases, name);
	r |= tdk_buf_addf(&j->cases, "\" time=\"%.3f\"", seconds);
	if (kind == TDK_JUNIT_PASSED && !j->current.len) {
		r |= tdk_buf_adds(&j->cases, "/>\n");
		goto out;
	}
	r |= tdk_buf_adds(&j->cases, ">\n");
	if (kind != TDK_JUNIT_PASSED) {
		r |= tdk_buf_addf(&j->cases, "    <%s message=\"", elem[kind]);
		r |= tdk_xml_escapes(&j->cases, message ? message : "");
		r |= tdk_buf_adds(&j->cases, "\"");
		if (kind == TDK_JUNIT_FAILURE)
			r |= tdk_buf_adds(&j->cases, " type=\"invalid\"");
		if (kind == TDK_JUNIT_SKIPPED || !j->current.len) {
			r |= tdk_buf_adds(&j->cases, "/>\n");
		} else {
			r |= tdk_buf_adds(&j->cases, ">");
			r |= tdk_buf_add(&j->cases, j->current.data, j->current.len);
			r |= tdk_buf_addf(&j->cases, "</%s>\n", elem[kind]);
		}
	}
	/* A passed or skipped case keeps its warnings and notes. */
	if ((kind == TDK_JUNIT_PASSED || kind == TDK_JUNIT_SKIPPED) && j->current.len) {
		r |= tdk_buf_adds(&j->cases, "    <system-err>");
		r |= tdk_buf_add(&j->cases, j->current.data, j->current.len);
		r |= tdk_buf_adds(&j->cases, "</system-err>\n");
	}
	r |= tdk_buf_adds(&j->cases, "  </testcase>\n");
out:
	tdk_buf_reset(&j->current);
	return r ? -1 : 0;
}

int tdk_junit_merge(struct tdk_junit *dst, struct tdk_junit *src)
{
	int r = tdk_buf_add(&dst->cases, src->cases.data ? src->cases.data : "", src->cases.len);

	dst->tests += src->tests;
	dst->failures += src->failures;
	dst->errors += src->errors;
	dst->skipped += src->skipped;
	tdk_buf_reset(&src->cases);
	src->tests = src->failures = src->errors = src->skipped = 0;
	return r;
}

int tdk_junit_finish(struct tdk_junit *j, struct tdk_buf *out)
{
	int r = 0;

	r |= tdk_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	r |= tdk_buf_adds(out, " <testsuite name=\"");
	r |= tdk_xml_escapes(out, j->suite);
	r |= tdk_buf_addf(out, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"%lu\">\n", j->tests,
			  j->failures, j->errors, j->skipped);
	r |= tdk_buf_add(out, j->cases.data ? j->cases.data : "", j->cases.len);
	r |= tdk_buf_adds(out, " </testsuite>\n</testsuites>\n");
	return r ? -1 : 0;
}

void tdk_junit_release(struct tdk_junit *j)
{
	tdk_buf_release(&j->cases);
	tdk_buf_release(&j->current);
}
