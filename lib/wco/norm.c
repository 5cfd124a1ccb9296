/*
 * Dates and numbers to the forms of the WCO Data Model (norm.h).
 */
#include <stdio.h>
#include <string.h>

#include "wco/norm.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* value without the blanks around it: [*b, *e). */
static void trim(const char *value, const char **b, const char **e)
{
	const char *s = value, *t = value + strlen(value);

	while (s < t && is_blank(*s))
		s++;
	while (t > s && is_blank(t[-1]))
		t--;
	*b = s;
	*e = t;
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, const char *e, int n)
{
	int v = 0, i;

	if (e - s < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

struct when {
	int y, mo, d, h, mi, s;
	int zone;      /* 0: none, 1: given */
	int off;       /* minutes east of UTC */
};

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Z, ±hh, ±hh:mm or ±hhmm at s, up to e exactly. */
static int read_zone(const char *s, const char *e, struct when *w)
{
	int h, m = 0, sign;

	if (s == e)
		return 0;
	if (e - s == 1 && (*s == 'Z' || *s == 'z')) {
		w->zone = 1;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if ((h = digits(s, e, 2)) < 0)
		return -1;
	s += 2;
	if (s < e && *s == ':')
		s++;
	if (s < e) {
		if ((m = digits(s, e, 2)) < 0 || m > 59)
			return -1;
		s += 2;
	}
	if (s != e || h > 14)
		return -1;
	w->zone = 1;
	w->off = sign * (h * 60 + m);
	return 0;
}

/* hh[:]mm[[:]ss[.fff]] then a zone; sep: ':' for the extended form, 0 for the basic. */
static int read_time(const char *s, const char *e, char sep, struct when *w)
{
	if ((w->h = digits(s, e, 2)) < 0)
		return -1;
	s += 2;
	if (sep && (s == e || *s++ != sep))
		return -1;
	if ((w->mi = digits(s, e, 2)) < 0)
		return -1;
	s += 2;
	if (s < e && (sep ? *s == sep : is_digit(*s))) {
		s += sep ? 1 : 0;
		if ((w->s = digits(s, e, 2)) < 0)
			return -1;
		s += 2;
		if (s < e && (*s == '.' || *s == ',')) {
			for (s++; s < e && is_digit(*s); s++)
				;
		}
	}
	return read_zone(s, e, w);
}

static int read_date(const char *s, const char *e, struct when *w)
{
	const char *t;
	size_t n;

	memset(w, 0, sizeof(*w));
	if (e - s >= 10 && s[4] == '-' && s[7] == '-') {
		/* ISO 8601 extended: YYYY-MM-DD[Thh:mm[:ss[.f]][zone]] */
		if ((w->y = digits(s, e, 4)) < 0 || (w->mo = digits(s + 5, e, 2)) < 0 || (w->d = digits(s + 8, e, 2)) < 0)
			return -1;
		t = s + 10;
		if (t < e && (*t == 'T' || *t == 't' || *t == ' ') && read_time(t + 1, e, ':', w) < 0)
			return -1;
		if (t < e && !(*t == 'T' || *t == 't' || *t == ' ') && read_zone(t, e, w) < 0)
			return -1;
		return 0;
	}
	for (t = s; t < e && is_digit(*t); t++)
		;
	n = (size_t)(t - s);
	if (n < 8 || (w->y = digits(s, e, 4)) < 0 || (w->mo = digits(s + 4, e, 2)) < 0 ||
	    (w->d = digits(s + 6, e, 2)) < 0)
		return -1;
	if (n == 8 && t < e && (*t == 'T' || *t == 't'))
		return read_time(t + 1, e, 0, w);   /* ISO 8601 basic */
	if (n == 8)
		return t == e ? 0 : -1;
	if (n != 12 && n != 14)
		return -1;
	w->h = digits(s + 8, e, 2);
	w->mi = digits(s + 10, e, 2);
	if (n == 14)
		w->s = digits(s + 12, e, 2);
	return read_zone(t, e, w);
}

static int valid(const struct when *w)
{
	return w->y >= 1 && w->mo >= 1 && w->mo <= 12 && w->d >= 1 && w->d <= month_days(w->y, w->mo) &&
	       w->h <= 23 && w->mi <= 59 && w->s <= 59;
}

/* Appends the n low decimal digits of v at *o. */
static void put(char **o, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		(*o)[i] = (char)('0' + v % 10);
	*o += n;
}

int tdk_norm_date(const char *value, const char *to, char out[TDK_NORM_DATE_MAX])
{
	const char *b, *e;
	struct when w;
	char *o = out;
	int a, fields;

	out[0] = 0;
	trim(value, &b, &e);
	if (read_date(b, e, &w) < 0 || !valid(&w))
		return -1;
	if (!strcmp(to, "102"))
		fields = 3;
	else if (!strcmp(to, "203"))
		fields = 5;
	else if (!strcmp(to, "204") || !strcmp(to, "304"))
		fields = 6;
	else
		return -1;
	put(&o, w.y, 4);
	put(&o, w.mo, 2);
	put(&o, w.d, 2);
	if (fields >= 5) {
		put(&o, w.h, 2);
		put(&o, w.mi, 2);
	}
	if (fields == 6)
		put(&o, w.s, 2);
	if (!strcmp(to, "304")) {
		a = w.off < 0 ? -w.off : w.off;
		if (!a) {
			*o++ = 'Z';
		} else {
			*o++ = w.off < 0 ? '-' : '+';
			put(&o, a / 60, 2);
			if (a % 60)
				put(&o, a % 60, 2);
		}
	}
	*o = 0;
	return 0;
}

/*
 * The separators of a number: the last '.' or ',' is the decimal separator
 * unless the other kind follows it; the rest must be group separators with
 * exactly three digits between them and after the last.
 */
static int group_ok(const char *s, const char *e, char gsep, char dsep)
{
	const char *p, *last = NULL;
	size_t run = 0;
	int groups = 0;

	for (p = s; p < e && *p != dsep; p++) {
		if (*p == gsep) {
			if ((groups && run != 3) || (!groups && (run == 0 || run > 3)))
				return 0;
			groups++;
			run = 0;
			last = p;
		} else if (is_digit(*p)) {
			run++;
		} else {
			return 0;
		}
	}
	return !last || run == 3;
}

static int number_body(const char *value, char *out)
{
	const char *b, *e, *p, *dot = NULL, *comma = NULL;
	char dsep = 0, gsep = 0, *o = out;
	int ndots = 0, ncommas = 0, nother = 0, ndigits = 0;

	out[0] = 0;
	trim(value, &b, &e);
	if (b < e && (*b == '+' || *b == '-')) {
		if (*b == '-')
			*o++ = '-';
		b++;
	}
	if (b == e || (size_t)(e - b) >= TDK_NORM_NUMBER_MAX - 2)
		return -1;
	for (p = b; p < e; p++) {
		if (*p == '.')
			ndots++, dot = p;
		else if (*p == ',')
			ncommas++, comma = p;
		else if (*p == ' ' || *p == '\'')
			nother++, gsep = *p;
		else if (is_digit(*p))
			ndigits++;
		else
			return -1;
	}
	if (!ndigits)
		return -1;
	if (ndots && ncommas) {
		dsep = dot > comma ? '.' : ',';
		if ((dsep == '.' ? ndots : ncommas) != 1 || nother)
			return -1;
		gsep = dsep == '.' ? ',' : '.';
	} else if (ndots + ncommas == 1 && !nother) {
		dsep = ndots ? '.' : ',';
		/* "1,234": a decimal comma, or thousands? Never guessed. */
		if (dsep == ',' && e - comma == 4 && comma > b && is_digit(comma[-1]))
			return -1;
	} else if (ndots + ncommas > 1) {
		gsep = ndots ? '.' : ',';
		if (nother)
			return -1;
	} else if (ndots + ncommas == 1) {
		dsep = ndots ? '.' : ',';
	}
	if (gsep && !group_ok(b, e, gsep, dsep))
		return -1;
	for (p = b; p < e; p++) {
		if (is_digit(*p))
			*o++ = *p;
		else if (*p == dsep)
			*o++ = '.';
	}
	*o = 0;
	return 0;
}

int tdk_norm_number(const char *value, char out[TDK_NORM_NUMBER_MAX])
{
	if (number_body(value, out) < 0) {
		out[0] = 0;
		return -1;
	}
	return 0;
}
