/* The column map's transforms: trim, upper, number, date, code (tdk-columns(5), TRANSFORMS). */
#include <string.h>

#include "util/exitcode.h"
#include "wco/colmap.h"

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

/*
 * A decimal number with dec as its decimal mark: an optional sign, digits
 * with the other mark, blanks or apostrophes between them as thousands
 * separators, at most one decimal mark.  Written in XSD form: no
 * separators, '.' as the mark, no '+'.
 */
static int number(struct tdk_buf *v, char dec, const struct tdk_diag_loc *loc, struct tdk_diag *d)
{
	char thou = dec == ',' ? '.' : ',';
	size_t i = 0, o = 0, digits = 0;
	int marks = 0;

	trim(v);
	if (v->len && (v->data[0] == '+' || v->data[0] == '-')) {
		if (v->data[0] == '-')
			v->data[o++] = '-';
		i = 1;
	}
	for (; i < v->len; i++) {
		char c = v->data[i];

		if (c >= '0' && c <= '9') {
			v->data[o++] = c;
			digits++;
		} else if (c == dec && !marks) {
			v->data[o++] = '.';
			marks = 1;
		} else if ((c == thou || c == ' ' || c == '\'') && !marks && digits && i + 1 < v->len &&
			   v->data[i + 1] >= '0' && v->data[i + 1] <= '9') {
			continue;
		} else
			return fail(d, "CSV-NUMBER", loc, "'%s' is not a number with '%c' as its decimal mark", v->data, dec);
	}
	if (!digits)
		return fail(d, "CSV-NUMBER", loc, "'%s' is not a number", v->data);
	v->len = o;
	v->data[o] = '\0';
	return 0;
}

static int digits(const char *s, size_t n, unsigned *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (unsigned)(s[i] - '0');
	}
	return 1;
}

static unsigned days_in(unsigned y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Reads v by the format (YYYY MM DD hh mm ss and literal punctuation) and writes it as format code to. */
static int date(struct tdk_buf *v, const struct tdk_colmap_xf *xf, const struct tdk_diag_loc *loc,
		struct tdk_diag *d)
{
	unsigned f[6] = { 0, 0, 0, 0, 0, 0 };  /* year, month, day, hour, minute, second */
	const char *fmt = xf->fmt, *s;
	char out[24];
	int n;

	trim(v);
	s = v->data ? v->data : "";
	while (*fmt) {
		static const char *const tok[] = { "YYYY", "MM", "DD", "hh", "mm", "ss" };
		size_t k, len;

		for (k = 0; k < 6 && strncmp(fmt, tok[k], strlen(tok[k])); k++)
			;
		if (k == 6) {
			if (*s++ != *fmt++)
				goto wrong;
			continue;
		}
		len = strlen(tok[k]);
		if (strlen(s) < len || !digits(s, len, &f[k]))
			goto wrong;
		s += len;
		fmt += len;
	}
	if (*s || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > days_in(f[0], f[1]) || f[3] > 23 || f[4] > 59 ||
	    f[5] > 59)
		goto wrong;
	if (!strcmp(xf->to, "102"))
		n = snprintf(out, sizeof(out), "%04u%02u%02u", f[0], f[1], f[2]);
	else if (!strcmp(xf->to, "203"))
		n = snprintf(out, sizeof(out), "%04u%02u%02u%02u%02u", f[0], f[1], f[2], f[3], f[4]);
	else
		n = snprintf(out, sizeof(out), "%04u%02u%02u%02u%02u%02uZ", f[0], f[1], f[2], f[3], f[4], f[5]);
	tdk_buf_reset(v);
	return tdk_buf_add(v, out, (size_t)n) < 0 ? TDK_EXIT_INTERNAL : 0;
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
		return v->len ? number(v, xf->dec, loc, d) : 0;
	case TDK_XF_DATE:
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
