/*
 * Times as signatures and their options write them.  One strict reader of
 * the XML Schema dateTime form (XML Schema 1.0 part 2 §3.2.7), which is what
 * XAdES SigningTime carries and what `tdk verify --at` takes.
 */
#ifndef TDK_TIME_H
#define TDK_TIME_H

#include <time.h>

/*
 * Reads s, which must be exactly YYYY-MM-DDTHH:MM:SS, optionally followed by
 * a fraction of a second (.digits, dropped) and by Z or an offset +HH:MM or
 * -HH:MM (none: UTC).  The date must exist in the proleptic Gregorian
 * calendar (leap years counted), the year lie in 1970..9999, the hour in
 * 0..23 (24:00:00 is refused: write the next day), minutes and seconds in
 * 0..59, an offset within 14:00.  Stores the instant in *t and returns 0;
 * returns -1 and leaves *t alone for anything else.  Every valid input is a
 * real instant: 1970-01-01T00:00:00 is 0, not "now".
 */
int tdk_time_parse(const char *s, time_t *t);

#endif
