/*
 * Retry-After (RFC 9110 §10.2.3) and the HTTP-date it may carry (§5.6.7):
 * IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", and the two obsolete forms a
 * recipient must accept, RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and
 * asctime "Sun Nov  6 08:49:37 1994".  Read by hand, byte for byte: no
 * locale, no strptime.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/http.h"

#define MAX_DELAY 2147483647L

struct scan {
	const char *p, *end;
};

static int lit(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
		return -1;
	s->p += n;
	return 0;
}

/* Exactly n digits (n 1..4), or, with n negative, one or two (asctime's day after a space). */
static int digits(struct scan *s, int n, int *v)
{
	int i, want = n < 0 ? 2 : n;

	*v = 0;
	for (i = 0; i < want && s->p < s->end && *s->p >= '0' && *s->p <= '9'; i++)
		*v = *v * 10 + (*s->p++ - '0');
	return i == want || (n < 0 && i == 1) ? 0 : -1;
}

static int word(struct scan *s, const char *const *names, int count, int *v)
{
	int i;

	for (i = 0; i < count; i++)
		if (!lit(s, names[i])) {
			*v = i;
			return 0;
		}
	return -1;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const long_days[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
					  "Friday", "Saturday", "Sunday" };

static int clock_of(struct scan *s, struct tm *tm)
{
	return digits(s, 2, &tm->tm_hour) || lit(s, ":") || digits(s, 2, &tm->tm_min) || lit(s, ":") ||
	       digits(s, 2, &tm->tm_sec) ? -1 : 0;
}

static int parse_date(struct scan *s, struct tm *tm)
{
	struct scan at = *s;
	int wd;

	memset(tm, 0, sizeof(*tm));
	if (!word(s, long_days, 7, &wd)) {   /* RFC 850 */
		if (lit(s, ", ") || digits(s, 2, &tm->tm_mday) || lit(s, "-") || word(s, months, 12, &tm->tm_mon) ||
		    lit(s, "-") || digits(s, 2, &tm->tm_year) || lit(s, " ") || clock_of(s, tm) || lit(s, " GMT"))
			return -1;
		/* §5.6.7: a two-digit year more than 50 years in the future is in the past century. */
		tm->tm_year += tm->tm_year < 70 ? 100 : 0;
		return 0;
	}
	*s = at;
	if (word(s, days, 7, &wd))
		return -1;
	if (!lit(s, ", ")) {   /* IMF-fixdate */
		if (digits(s, 2, &tm->tm_mday) || lit(s, " ") || word(s, months, 12, &tm->tm_mon) || lit(s, " ") ||
		    digits(s, 4, &tm->tm_year) || lit(s, " ") || clock_of(s, tm) || lit(s, " GMT"))
			return -1;
	} else {   /* asctime */
		if (lit(s, " ") || word(s, months, 12, &tm->tm_mon) || lit(s, " "))
			return -1;
		if (s->p < s->end && *s->p == ' ')
			s->p++;
		if (digits(s, -1, &tm->tm_mday) || lit(s, " ") || clock_of(s, tm) || lit(s, " ") ||
		    digits(s, 4, &tm->tm_year))
			return -1;
	}
	tm->tm_year -= 1900;
	return 0;
}

static int valid(const struct tm *tm)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = tm->tm_year + 1900;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (tm->tm_mday < 1 || tm->tm_mday > mdays[tm->tm_mon] || (tm->tm_mon == 1 && !leap && tm->tm_mday > 28))
		return 0;
	return y >= 1970 && tm->tm_hour < 24 && tm->tm_min < 60 && tm->tm_sec < 61;
}

int tdk_http_retry_after(const char *str, size_t n, time_t now, long *seconds)
{
	struct scan s = { str, str + n };
	struct tm tm;
	long v = 0;
	time_t t;

	while (s.p < s.end && (*s.p == ' ' || *s.p == '\t'))
		s.p++;
	while (s.end > s.p && (s.end[-1] == ' ' || s.end[-1] == '\t'))
		s.end--;
	if (s.p == s.end)
		return -1;
	if (*s.p >= '0' && *s.p <= '9') {
		for (; s.p < s.end && *s.p >= '0' && *s.p <= '9'; s.p++)
			v = v > (MAX_DELAY - (*s.p - '0')) / 10 ? MAX_DELAY : v * 10 + (*s.p - '0');
		if (s.p != s.end)
			return -1;
		*seconds = v;
		return 0;
	}
	if (parse_date(&s, &tm) < 0 || s.p != s.end || !valid(&tm))
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*seconds = t <= now ? 0 : (t - now > MAX_DELAY ? MAX_DELAY : (long)(t - now));
	return 0;
}
