/*
 * Values brought to the forms the WCO Data Model prescribes: dates and times
 * to an EDIFACT format code (UNCL 2379), numbers to the XML Schema decimal
 * form.  Pure functions on strings; nothing is guessed: a value that can be
 * read two ways is refused.
 */
#ifndef TDK_WCO_NORM_H
#define TDK_WCO_NORM_H

#include <stddef.h>

/* The room a normalised date or number needs, with its NUL. */
#define TDK_NORM_DATE_MAX 32
#define TDK_NORM_NUMBER_MAX 128

/*
 * Reads value, a date or date and time in one of the forms of UNCL 2379 code
 * 102 (CCYYMMDD), 203 (CCYYMMDDhhmm), 204 (CCYYMMDDhhmmss), 304
 * (CCYYMMDDhhmmss followed by Z, +hh, -hh, +hhmm or -hhmm) or ISO 8601
 * (YYYY-MM-DD, optionally followed by Thh:mm, :ss, a fraction of a second
 * (dropped) and Z or an offset ±hh, ±hh:mm, ±hhmm; the basic forms
 * YYYYMMDDThhmm[ss] too), with blanks and line breaks around it, and writes
 * it to out in format code to: "102", "203", "204" or "304" (a time without
 * an offset is taken as UTC, written Z; an offset of whole hours as ±hh, any
 * other as ±hhmm).  A date alone gives the time 00:00:00.  The date must
 * exist (leap years counted), the time lie in 00:00:00..23:59:59.  Returns
 * 0, or -1 when value cannot be read or to is no code written here (out is
 * then "").
 */
int tdk_norm_date(const char *value, const char *to, char out[TDK_NORM_DATE_MAX]);

/*
 * Reads value, a decimal number with blanks around it, a sign (a leading '+'
 * is dropped), and either a '.' or a ',' as its decimal separator, with
 * thousands grouped by ',', '.', a space or an apostrophe when the other is
 * the decimal separator (groups of exactly three digits).  Writes it in the
 * XML Schema decimal form: digits, an optional '-', an optional '.', never a
 * change in value.  "1,234" and "1.234.5" are refused: the first can be read
 * two ways, the second none; "1.234" is one point two three four.  Returns
 * 0, or -1 (out is then "").
 */
int tdk_norm_number(const char *value, char out[TDK_NORM_NUMBER_MAX]);

#endif
