/*
 * Values brought to the forms the WCO Data Model prescribes: dates and times
 * to an EDIFACT format code (UNCL 2379), numbers to the XML Schema decimal
 * form.  The one reader of dates and numbers in tdk: the map engine's
 * extension functions (tdk:date, tdk:number), tdk harmonise and the column
 * map's transforms all read and write through it.  Each value is first
 * parsed into a struct, then written; either step says why it refuses with
 * an enum tdk_norm_why, which callers turn into their own diagnostic codes.
 * Pure functions on caller-owned memory; nothing is guessed: a value that
 * can be read two ways is refused.
 */
#ifndef TDK_WCO_NORM_H
#define TDK_WCO_NORM_H

#include <stddef.h>

/* The room a normalised date or number needs, with its NUL. */
#define TDK_NORM_DATE_MAX 32
#define TDK_NORM_NUMBER_MAX 128
/* The most digits a number may have (its integer and fraction digits; a missing integer part counts as its 0). */
#define TDK_NORM_DIGITS_MAX 120

/* Why a value was refused; TDK_NORM_OK (0) when it was not. */
enum tdk_norm_why {
	TDK_NORM_OK = 0,
	TDK_NORM_NOT_DATE,      /* in no form read here */
	TDK_NORM_NO_SUCH_DATE,  /* a day or time the calendar does not have, or year 0000 */
	TDK_NORM_BAD_ZONE,      /* an offset beyond -14:00..+14:00 or with minutes over 59 */
	TDK_NORM_BAD_CODE,      /* a format code other than 102, 203, 204 or 304 */
	TDK_NORM_HAS_TIME,      /* exact: a time (or a zone) for 102 */
	TDK_NORM_HAS_SECONDS,   /* exact: seconds other than 00 for 203 */
	TDK_NORM_HAS_ZONE,      /* exact: a time zone for 203 or 204 */
	TDK_NORM_NO_TIME,       /* exact: no time for 304 */
	TDK_NORM_NO_ZONE,       /* exact: no time zone for 304 */
	TDK_NORM_FRACTION,      /* exact: a fraction of a second other than zero */
	TDK_NORM_ZONE_MINUTES,  /* an offset with minutes for 304 (ZZZ is Z or +hh) */
	TDK_NORM_NOT_NUMBER,    /* no digits, or a character no number has */
	TDK_NORM_GROUPS,        /* separators that do not group the digits in thousands */
	TDK_NORM_AMBIGUOUS,     /* one comma and three digits: "1,234" */
	TDK_NORM_TOO_LONG,      /* more than TDK_NORM_DIGITS_MAX digits */
	TDK_NORM_DIGITS         /* more digits than the format n..L,F allows */
};

/*
 * A sentence (lower case, no final stop) that follows a quoted value in a
 * diagnostic and says why: "has no time zone, which format 304 needs ...".
 * code is the format code written to (it names the format in the sentence
 * for TDK_NORM_FRACTION).  Never NULL.
 */
const char *tdk_norm_why_text(enum tdk_norm_why why, int code);

/* A date read: the fields, and which parts the value had. */
struct tdk_norm_when {
	int y, mo, d, h, mi, s;   /* 0 when absent */
	int has_time;             /* a time was given */
	int frac_nonzero;         /* a fraction of a second other than zero was given (it is never written) */
	char zone;                /* 0: none, 'Z', '+' or '-' */
	int zh, zm;               /* the offset's hours and minutes, for '+' and '-' */
};

/*
 * Reads s[0..n), with blanks and line breaks around it, as a date or date
 * and time in one of these forms into *w:
 * - ISO 8601 extended: YYYY-MM-DD, then optionally 'T' or a space and
 *   hh:mm, :ss, a fraction of a second ('.' or ',' and digits);
 * - ISO 8601 basic and UNCL 2379: YYYYMMDD (102), then optionally 'T' or
 *   nothing and hhmm (203), ss (204), a fraction;
 * - either followed by a time zone: 'Z', ±hh, ±hhmm or ±hh:mm (304 is 204
 *   then Z or ±hh).
 * 'T' and 'Z' are capitals (ISO 8601, XML Schema); the two forms are not
 * mixed.  The date must exist (leap years counted, year 0001 to 9999), the
 * time lie in 00:00:00..23:59:59, the offset in -14:00..+14:00 (XML
 * Schema).  Returns TDK_NORM_OK, TDK_NORM_NOT_DATE, TDK_NORM_NO_SUCH_DATE or
 * TDK_NORM_BAD_ZONE.
 */
enum tdk_norm_why tdk_norm_when_parse(const char *s, size_t n, struct tdk_norm_when *w);

/*
 * Whether the date and time of w exist: TDK_NORM_OK or TDK_NORM_NO_SUCH_DATE
 * (the calendar check of tdk_norm_when_parse, for a caller that fills w
 * itself).
 */
enum tdk_norm_why tdk_norm_when_check(const struct tdk_norm_when *w);

/* With tdk_norm_when_write: refuse, rather than cut, what the format cannot carry. */
#define TDK_NORM_EXACT 1u

/*
 * Writes w in UNCL 2379 format code (102 CCYYMMDD, 203 CCYYMMDDhhmm, 204
 * CCYYMMDDhhmmss, 304 CCYYMMDDhhmmss then Z or ±hh) to out.  Without
 * TDK_NORM_EXACT what the format has no room for is cut (a time for 102,
 * seconds for 203, a zone for 102 to 204, a fraction always), a missing
 * time is midnight and a missing zone in 304 is UTC (Z); with it each of
 * those is refused (TDK_NORM_HAS_TIME ... TDK_NORM_FRACTION).  An offset
 * with minutes is refused for 304 either way: ZZZ has no room for them.
 * Returns TDK_NORM_OK, or the reason (out is then "").
 */
enum tdk_norm_why tdk_norm_when_write(const struct tdk_norm_when *w, int code, unsigned flags,
				      char out[TDK_NORM_DATE_MAX]);

/* A number read: its sign and digits, integer digits first (as given, leading zeros kept). */
struct tdk_norm_num {
	int neg;
	size_t nint, nfrac;
	char digits[TDK_NORM_DIGITS_MAX];
};

/*
 * Reads s[0..n), with blanks and line breaks around it, as a decimal number
 * into *num: an optional sign, digits, at most one decimal mark, and
 * thousands separators (',', '.', a space, an apostrophe, U+00A0 or U+202F;
 * one kind throughout) that leave one to three digits before the first and
 * exactly three after each, all before the decimal mark.  mark is the
 * decimal mark, '.' or ','; 0 finds it: the last '.' or ',' is the mark
 * unless it occurs more than once; "1.234" is one point two three four (the
 * XML Schema reading), but one comma after one to three digits, the first
 * not 0, and before exactly three ("1,234") can be read two ways and is
 * refused (TDK_NORM_AMBIGUOUS; *num then holds the comma read as a decimal
 * mark, for the message).  Returns TDK_NORM_OK, TDK_NORM_NOT_NUMBER,
 * TDK_NORM_GROUPS, TDK_NORM_AMBIGUOUS or TDK_NORM_TOO_LONG.
 */
enum tdk_norm_why tdk_norm_num_parse(const char *s, size_t n, char mark, struct tdk_norm_num *num);

/* The significant digits of num: all but the integer part's leading zeros (XML Schema totalDigits). */
size_t tdk_norm_num_digits(const struct tdk_norm_num *num);

/*
 * Fits num to the format n..len,frac: drops the fraction's trailing zeros
 * past frac (the value stays the same), then returns TDK_NORM_DIGITS when
 * it still has more than frac fraction digits or more than len significant
 * digits (never rounded), else TDK_NORM_OK.
 */
enum tdk_norm_why tdk_norm_num_fit(struct tdk_norm_num *num, unsigned len, unsigned frac);

/*
 * Writes num as an XML Schema decimal to out: '-' for a negative number,
 * the integer digits ("0" when there are none), and '.' and the fraction
 * digits when there are any.
 */
void tdk_norm_num_write(const struct tdk_norm_num *num, char out[TDK_NORM_NUMBER_MAX]);

/*
 * tdk:date: value read by tdk_norm_when_parse, written by
 * tdk_norm_when_write without TDK_NORM_EXACT in the format code the string
 * to names ("102", "203", "204" or "304").  Returns 0, or -1 (out is then
 * "").
 */
int tdk_norm_date(const char *value, const char *to, char out[TDK_NORM_DATE_MAX]);

/*
 * tdk:number: value read by tdk_norm_num_parse with the decimal mark found,
 * written by tdk_norm_num_write.  Returns 0, or -1 (out is then "").
 */
int tdk_norm_number(const char *value, char out[TDK_NORM_NUMBER_MAX]);

#endif
