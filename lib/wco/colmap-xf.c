/* The column map's transforms: trim, upper, number, date, code (tdk-columns(5), TRANSFORMS). */
#include <string.h>

#include "util/exitcode.h"
#include "wco/colmap.h"
#include "wco/norm.h"

static int fail(struct tdk_diag *d, const char *code, const struct tdk_diag_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct tdk_diag *d, const char *code, const struct tdk_diag_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdk_diag_addv(d, TDK_SEV_ERROR, code, loc, fmt, ap);
	va_end(ap);
	return TDK_EXIT_NEGATIVE;
}

static void trim(struct tdk_buf *v)
{
	size_t a = 0, n = v->len;

	while (a < n && (v->data[a] == ' ' || v->data[a] == '\t'))
		a++;
	while (n > a && (v->data[n - 1] == ' ' || v->data[n - 1] == '\t'))
		n--;
	memmove(v->data, v->data + a, n - a);
	v->len = n - a;
	v->data[v->len] = '\0';
}

/* A decimal number with dec as its decimal mark (lib/wco/norm.h reads it), written in XSD form. */
static int number(struct tdk_buf *v, char dec, const struct tdk_diag_loc *loc, struct tdk_diag *d)
{
	struct tdk_norm_num num;
	char out[TDK_NORM_NUMBER_MAX];

	if (tdk_norm_num_parse(v->data, v->len, dec, &num)) {
		if (!strpbrk(v->data, "0123456789"))
			return fail(d, "CSV-NUMBER", loc, "'%s' is not a number", v->data);
		return fail(d, "CSV-NUMBER", loc, "'%s' is not a number with '%c' as its decimal mark", v->data, dec);
	}
	tdk_norm_num_write(&num, out);
	tdk_buf_reset(v);
	return tdk_buf_adds(v, out) < 0 ? TDK_EXIT_INTERNAL : 0;
}

/* n digits at s into *out; 0 when they are not all digits. */
static int digits(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/*
 * Reads v by the format (YYYY MM DD hh mm ss and literal punctuation) and
 * writes it as format code to; the calendar and the writer are norm.h's.
 */
static int date(struct tdk_buf *v, const struct tdk_colmap_xf *xf, const struct tdk_diag_loc *loc,
		struct tdk_diag *d)
{
	static const char *const tok[] = { "YYYY", "MM", "DD", "hh", "mm", "ss" };
	struct tdk_norm_when w;
	int *f[6] = { &w.y, &w.mo, &w.d, &w.h, &w.mi, &w.s };
	const char *fmt = xf->fmt, *s;
	char out[TDK_NORM_DATE_MAX];
	int code;

	memset(&w, 0, sizeof(w));
	s = v->data ? v->data : "";
	while (*fmt) {
		size_t k, len;

		for (k = 0; k < 6 && strncmp(fmt, tok[k], strlen(tok[k])); k++)
			;
		if (k == 6) {
			if (*s++ != *fmt++)
				goto wrong;
			continue;
		}
		len = strlen(tok[k]);
		if (strlen(s) < len || !digits(s, len, f[k]))
			goto wrong;
		w.has_time |= k >= 3;
		s += len;
		fmt += len;
	}
	if (*s || !digits(xf->to, 3, &code) || tdk_norm_when_write(&w, code, 0, out))
		goto wrong;
	tdk_buf_reset(v);
	return tdk_buf_adds(v, out) < 0 ? TDK_EXIT_INTERNAL : 0;
wrong:
	return fail(d, "CSV-DATE", loc, "'%s' is not a date in the format %s", v->data ? v->data : "", xf->fmt);
}

int tdk_colmap_transform(const struct tdk_colmap *cm, const struct tdk_colmap_xf *xf, struct tdk_buf *v,
			 const struct tdk_diag_loc *loc, struct tdk_diag *d)
{
	static const char *const what[] = { "country code of ISO 3166-1", "currency code of ISO 4217",
					    "unit code of UN/ECE Recommendation 20",
					    "package type code of UN/ECE Recommendation 21" };
	const struct tdk_code *e;
	size_t i;

	if (!v->data && tdk_buf_addl(v, "") < 0)
		return TDK_EXIT_INTERNAL;
	switch (xf->kind) {
	case TDK_XF_TRIM:
		trim(v);
		return 0;
	case TDK_XF_UPPER:
		for (i = 0; i < v->len; i++)
			if (v->data[i] >= 'a' && v->data[i] <= 'z')
				v->data[i] = (char)(v->data[i] - 'a' + 'A');
		return 0;
	case TDK_XF_NUMBER:
		trim(v);
		return v->len ? number(v, xf->dec, loc, d) : 0;
	case TDK_XF_DATE:
		trim(v);
		return v->len ? date(v, xf, loc, d) : 0;
	case TDK_XF_CODE:
		trim(v);
		if (!v->len)
			return 0;
		e = tdk_codes_find(&cm->codes[xf->list], v->data);
		if (!e)
			return fail(d, "CSV-CODE", loc, "'%s' is not a %s", v->data, what[xf->list]);
		tdk_buf_reset(v);
		return tdk_buf_adds(v, tdk_codes_str(&cm->codes[xf->list], e->code)) < 0 ? TDK_EXIT_INTERNAL : 0;
	}
	return 0;
}
