/*
 * Dates and numbers to the forms of the WCO Data Model (norm.h): the one
 * reader of both in tdk.
 */
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

/* s[0..n) without the blanks around it: [*b, *e). */
static void trim(const char *s, size_t n, const char **b, const char **e)
{
	const char *t = s + n;

	while (s < t && is_blank(*s))
		s++;
	while (t > s && is_blank(t[-1]))
		t--;
	*b = s;
	*e = t;
}

const char *tdk_norm_why_text(enum tdk_norm_why why, int code)
{
	switch (why) {
	case TDK_NORM_OK:
		return "is read";
	case TDK_NORM_NOT_DATE:
		return "is no date tdk reads (ISO 8601, or EDIFACT format 102, 203, 204 or 304)";
	case TDK_NORM_NO_SUCH_DATE:
		return "is no date: the calendar has no such day or time (years 0001 to 9999, 00:00:00 to 23:59:59)";
	case TDK_NORM_BAD_ZONE:
		return "has a time zone offset outside -14:00 to +14:00";
	case TDK_NORM_BAD_CODE:
		return "cannot be written: the format code is none of 102, 203, 204 and 304";
	case TDK_NORM_HAS_TIME:
		return "has a time, which format 102 (CCYYMMDD) cannot carry";
	case TDK_NORM_HAS_SECONDS:
		return "has seconds, which format 203 (CCYYMMDDhhmm) cannot carry";
	case TDK_NORM_HAS_ZONE:
		return code == 203 ? "has a time zone, which format 203 cannot carry"
				   : "has a time zone, which format 204 cannot carry";
	case TDK_NORM_NO_TIME:
		return "has no time, which format 304 needs (CCYYMMDDhhmmss then Z or +hh)";
	case TDK_NORM_NO_ZONE:
		return "has no time zone, which format 304 needs (CCYYMMDDhhmmss then Z or +hh)";
	case TDK_NORM_FRACTION:
		return code == 203 ? "has fractions of a second, which format 203 cannot carry"
		       : code == 204 ? "has fractions of a second, which format 204 cannot carry"
				     : "has fractions of a second, which format 304 cannot carry";
	case TDK_NORM_ZONE_MINUTES:
		return "has a time zone offset with minutes, which format 304 cannot carry";
	case TDK_NORM_NOT_NUMBER:
		return "is not a number";
	case TDK_NORM_GROUPS:
		return "is not a number: its digits are not grouped in thousands";
	case TDK_NORM_AMBIGUOUS:
		return "can be read two ways: the comma is a thousands separator or a decimal mark";
	case TDK_NORM_TOO_LONG:
		return "has more digits than tdk reads in a number (120)";
	case TDK_NORM_DIGITS:
		return "has more digits than its format allows (never rounded)";
	}
	return "is refused";
}

/* ---- Dates ---- */

/* n digits at *p into *v, *p past them; -1 when they are not there. */
static int digits(const char **p, const char *e, int n, int *v)
{
	*v = 0;
	for (; n > 0; n--, (*p)++) {
		if (*p >= e || !is_digit(**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

/* 'Z', ±hh, ±hhmm or ±hh:mm at p, up to e exactly, or nothing. */
static enum tdk_norm_why read_zone(const char *p, const char *e, struct tdk_norm_when *w)
{
	if (p == e)
		return TDK_NORM_OK;
	if (e - p == 1 && *p == 'Z') {
		w->zone = 'Z';
		return TDK_NORM_OK;
	}
	if (*p != '+' && *p != '-')
		return TDK_NORM_NOT_DATE;
	w->zone = *p++;
	if (digits(&p, e, 2, &w->zh) < 0)
		return TDK_NORM_NOT_DATE;
	if (p < e) {
		p += *p == ':';
		if (digits(&p, e, 2, &w->zm) < 0 || p != e)
			return TDK_NORM_NOT_DATE;
	}
	if (w->zm > 59 || w->zh > 14 || (w->zh == 14 && w->zm))
		return TDK_NORM_BAD_ZONE;
	return TDK_NORM_OK;
}

/* hh:mm[:ss[frac]] (ext) or hhmm[ss[frac]] at *p, *p past it; -1 when it is not there. */
static int read_time(const char **p, const char *e, int ext, struct tdk_norm_when *w)
{
	if (digits(p, e, 2, &w->h) < 0 || (ext && (*p >= e || *(*p)++ != ':')) || digits(p, e, 2, &w->mi) < 0)
		return -1;
	w->has_time = 1;
	if (*p < e && (ext ? **p == ':' : is_digit(**p))) {
		*p += ext;
		if (digits(p, e, 2, &w->s) < 0)
			return -1;
		if (*p < e && (**p == '.' || **p == ',')) {
			if (++*p >= e || !is_digit(**p))
				return -1;
			for (; *p < e && is_digit(**p); (*p)++)
				w->frac_nonzero |= **p != '0';
		}
	}
	return 0;
}

enum tdk_norm_why tdk_norm_when_parse(const char *s, size_t n, struct tdk_norm_when *w)
{
	const char *p, *e;
	enum tdk_norm_why why;
	int ext;

	memset(w, 0, sizeof(*w));
	trim(s, n, &p, &e);
	if (digits(&p, e, 4, &w->y) < 0)
		return TDK_NORM_NOT_DATE;
	ext = p < e && *p == '-';
	p += ext;
	if (digits(&p, e, 2, &w->mo) < 0 || (ext && (p >= e || *p++ != '-')) || digits(&p, e, 2, &w->d) < 0)
		return TDK_NORM_NOT_DATE;
	if (p < e && (*p == 'T' || (ext && *p == ' ') || (!ext && is_digit(*p)))) {
		p += !is_digit(*p);
		if (read_time(&p, e, ext, w) < 0)
			return TDK_NORM_NOT_DATE;
	}
	if ((why = read_zone(p, e, w)))
		return why;
	return tdk_norm_when_check(w);
}

enum tdk_norm_why tdk_norm_when_check(const struct tdk_norm_when *w)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (w->y % 4 == 0 && w->y % 100 != 0) || w->y % 400 == 0;

	if (w->y < 1 || w->y > 9999 || w->mo < 1 || w->mo > 12 || w->d < 1 ||
	    w->d > days[w->mo - 1] + (w->mo == 2 && leap) || w->h < 0 || w->h > 23 || w->mi < 0 || w->mi > 59 ||
	    w->s < 0 || w->s > 59)
		return TDK_NORM_NO_SUCH_DATE;
	return TDK_NORM_OK;
}

/* Appends the n low decimal digits of v at *o. */
static void put(char **o, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		(*o)[i] = (char)('0' + v % 10);
	*o += n;
}

/* What format code cannot carry of w: a reason, or TDK_NORM_OK. */
static enum tdk_norm_why cannot_carry(const struct tdk_norm_when *w, int code, int exact)
{
	if (code != 102 && code != 203 && code != 204 && code != 304)
		return TDK_NORM_BAD_CODE;
	if (code == 304 && exact && !w->has_time)
		return TDK_NORM_NO_TIME;
	if (code == 304 && exact && !w->zone)
		return TDK_NORM_NO_ZONE;
	if (code == 304 && (w->zone == '+' || w->zone == '-') && w->zm)
		return TDK_NORM_ZONE_MINUTES;
	if (!exact)
		return TDK_NORM_OK;
	if (code == 102 && (w->has_time || w->zone))
		return TDK_NORM_HAS_TIME;
	if (code == 203 && w->s)
		return TDK_NORM_HAS_SECONDS;
	if ((code == 203 || code == 204) && w->zone)
		return TDK_NORM_HAS_ZONE;
	return w->frac_nonzero ? TDK_NORM_FRACTION : TDK_NORM_OK;
}

enum tdk_norm_why tdk_norm_when_write(const struct tdk_norm_when *w, int code, unsigned flags,
				      char out[TDK_NORM_DATE_MAX])
{
	enum tdk_norm_why why;
	char *o = out;

	out[0] = 0;
	if ((why = cannot_carry(w, code, (flags & TDK_NORM_EXACT) != 0)) || (why = tdk_norm_when_check(w)))
		return why;
	put(&o, w->y, 4);
	put(&o, w->mo, 2);
	put(&o, w->d, 2);
	if (code != 102) {
		put(&o, w->h, 2);
		put(&o, w->mi, 2);
	}
	if (code == 204 || code == 304)
		put(&o, w->s, 2);
	if (code == 304 && (w->zone == '+' || w->zone == '-')) {
		*o++ = w->zone;
		put(&o, w->zh, 2);
	} else if (code == 304) {
		*o++ = 'Z';
	}
	*o = 0;
	return TDK_NORM_OK;
}

int tdk_norm_date(const char *value, const char *to, char out[TDK_NORM_DATE_MAX])
{
	struct tdk_norm_when w;
	int code = 0;

	out[0] = 0;
	if (strlen(to) == 3 && is_digit(to[0]) && is_digit(to[1]) && is_digit(to[2]))
		code = (to[0] - '0') * 100 + (to[1] - '0') * 10 + (to[2] - '0');
	if (tdk_norm_when_parse(value, strlen(value), &w) || tdk_norm_when_write(&w, code, 0, out))
		return -1;
	return 0;
}

/* ---- Numbers ---- */

/* The length of a separator at p: ',', '.', ' ', '\'', U+00A0 or U+202F; 0 for anything else. */
static size_t sep_len(const char *p, const char *e)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*p == ',' || *p == '.' || *p == ' ' || *p == '\'')
		return 1;
	if (e - p >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (e - p >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf)
		return 3;
	return 0;
}

/* What a number's characters are: digits, separators, and of those '.', ',' and the others. */
struct shape {
	size_t ndigits, ndots, ncommas, nother;
	const char *last;   /* the last '.' or ',' */
};

static enum tdk_norm_why shape_of(const char *b, const char *e, struct shape *sh)
{
	const char *p;
	size_t l;

	memset(sh, 0, sizeof(*sh));
	for (p = b; p < e; p += l) {
		l = 1;
		if (is_digit(*p))
			sh->ndigits++;
		else if (*p == '.')
			sh->ndots++, sh->last = p;
		else if (*p == ',')
			sh->ncommas++, sh->last = p;
		else if ((l = sep_len(p, e)))
			sh->nother++;
		else
			return TDK_NORM_NOT_NUMBER;
	}
	if (!sh->ndigits)
		return TDK_NORM_NOT_NUMBER;
	return sh->ndigits > TDK_NORM_DIGITS_MAX ? TDK_NORM_TOO_LONG : TDK_NORM_OK;
}

/* The decimal mark of [b, e) into *dm (NULL: none); mark as for tdk_norm_num_parse. */
static enum tdk_norm_why find_mark(const char *b, const char *e, char mark, const struct shape *sh,
				   const char **dm)
{
	size_t before, after;
	char c;

	*dm = NULL;
	if (mark) {
		if ((mark == '.' ? sh->ndots : sh->ncommas) > 1)
			return TDK_NORM_NOT_NUMBER;
		*dm = memchr(b, mark, (size_t)(e - b));
		return TDK_NORM_OK;
	}
	if (!sh->last)
		return TDK_NORM_OK;
	c = *sh->last;
	if ((c == '.' ? sh->ndots : sh->ncommas) > 1)
		return TDK_NORM_OK;   /* a group separator */
	*dm = sh->last;
	if (c == '.' || sh->ndots || sh->nother)
		return TDK_NORM_OK;
	before = (size_t)(sh->last - b);
	after = (size_t)(e - sh->last - 1);
	/* "1,234": a decimal comma, or thousands? Never guessed; "0,234" and "1234,567" have no thousands. */
	return before >= 1 && before <= 3 && *b != '0' && after == 3 ? TDK_NORM_AMBIGUOUS : TDK_NORM_OK;
}

/* Copies the digits of [b, dm) grouped in thousands, and the fraction after dm, into num. */
static enum tdk_norm_why copy_digits(const char *b, const char *e, const char *dm, struct tdk_norm_num *num)
{
	const char *p, *end = dm ? dm : e, *gsep = NULL;
	size_t run = 0, l, gl = 0;

	for (p = b; p < end; p += l) {
		l = 1;
		if (is_digit(*p)) {
			num->digits[num->nint++] = *p;
			run++;
			continue;
		}
		l = sep_len(p, e);
		if (gsep ? (l != gl || memcmp(p, gsep, l) || run != 3) : (run < 1 || run > 3))
			return TDK_NORM_GROUPS;
		gsep = p;
		gl = l;
		run = 0;
	}
	if (gsep && run != 3)
		return TDK_NORM_GROUPS;
	for (p = dm ? dm + 1 : e; p < e; p++) {
		if (!is_digit(*p))
			return TDK_NORM_NOT_NUMBER;
		num->digits[num->nint + num->nfrac++] = *p;
	}
	return TDK_NORM_OK;
}

enum tdk_norm_why tdk_norm_num_parse(const char *s, size_t n, char mark, struct tdk_norm_num *num)
{
	const char *b, *e, *dm;
	enum tdk_norm_why why, w2;
	struct shape sh;

	memset(num, 0, sizeof(*num));
	trim(s, n, &b, &e);
	if (b < e && (*b == '+' || *b == '-'))
		num->neg = *b++ == '-';
	if ((why = shape_of(b, e, &sh)) || ((why = find_mark(b, e, mark, &sh, &dm)) && why != TDK_NORM_AMBIGUOUS))
		return why;
	w2 = copy_digits(b, e, dm, num);
	/* A missing integer part is written "0": one digit more to read back. */
	if (!w2 && !num->nint && num->nfrac == TDK_NORM_DIGITS_MAX)
		w2 = TDK_NORM_TOO_LONG;
	return why ? why : w2;
}

size_t tdk_norm_num_digits(const struct tdk_norm_num *num)
{
	size_t lead = 0;

	while (lead < num->nint && num->digits[lead] == '0')
		lead++;
	return num->nint - lead + num->nfrac;
}

enum tdk_norm_why tdk_norm_num_fit(struct tdk_norm_num *num, unsigned len, unsigned frac)
{
	while (num->nfrac > frac && num->digits[num->nint + num->nfrac - 1] == '0')
		num->nfrac--;
	return num->nfrac > frac || tdk_norm_num_digits(num) > len ? TDK_NORM_DIGITS : TDK_NORM_OK;
}

void tdk_norm_num_write(const struct tdk_norm_num *num, char out[TDK_NORM_NUMBER_MAX])
{
	char *o = out;

	if (num->neg)
		*o++ = '-';
	if (!num->nint)
		*o++ = '0';
	memcpy(o, num->digits, num->nint);
	o += num->nint;
	if (num->nfrac) {
		*o++ = '.';
		memcpy(o, num->digits + num->nint, num->nfrac);
		o += num->nfrac;
	}
	*o = 0;
}

int tdk_norm_number(const char *value, char out[TDK_NORM_NUMBER_MAX])
{
	struct tdk_norm_num num;

	out[0] = 0;
	if (tdk_norm_num_parse(value, strlen(value), 0, &num))
		return -1;
	tdk_norm_num_write(&num, out);
	return 0;
}
