/*
 * The one reader of dateTime values (see time.h).  No sscanf: it accepts
 * signs, blanks and short fields that the form does not allow.
 */
#include "util/time.h"

/* Reads exactly n decimal digits at *p; -1 when one is not a digit. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (civil calendar; y >= 1970). */
static long days_since_epoch(int y, int m, int d)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	long days = 0;
	int i;

	for (i = 1970; i < y; i++)
		days += leap(i) ? 366 : 365;
	return days + before[m - 1] + (m > 2 && leap(y)) + d - 1;
}

int tdk_time_parse(const char *s, time_t *t)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	long long v;

	if (!s)
		return -1;
	if ((y = digits(&p, 4)) < 0 || expect(&p, '-') || (mo = digits(&p, 2)) < 0 || expect(&p, '-') ||
	    (d = digits(&p, 2)) < 0 || expect(&p, 'T') || (h = digits(&p, 2)) < 0 || expect(&p, ':') ||
	    (mi = digits(&p, 2)) < 0 || expect(&p, ':') || (se = digits(&p, 2)) < 0)
		return -1;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if ((oh = digits(&p, 2)) < 0 || expect(&p, ':') || (om = digits(&p, 2)) < 0 ||
		    om > 59 || oh * 60 + om > 14 * 60)
			return -1;
	}
	if (*p || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || se > 59)
		return -1;
	v = (((long long)days_since_epoch(y, mo, d) * 24 + h) * 60 + mi) * 60 + se;
	v -= (long long)sign * (oh * 3600 + om * 60);
	if (v < 0 || (sizeof(time_t) < 8 && v > 0x7fffffffLL))
		return -1;
	*t = (time_t)v;
	return 0;
}
