/* Unit test of tdk_hex_value (lib/util/buf.h), the one hexadecimal digit decoder. */
#include <ctype.h>

#include "util/buf.h"
#include "tap.h"

int main(void)
{
	static const char digits[] = "0123456789abcdef";
	int c, same = 1, others = 1;

	for (c = 0; c < 16; c++)
		same &= tdk_hex_value(digits[c]) == c && tdk_hex_value(toupper((unsigned char)digits[c])) == c;
	ok(same, "0-9, a-f and A-F are 0 to 15");
	for (c = -1; c < 256; c++)
		if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F'))
			others &= tdk_hex_value(c) == -1;
	ok(others, "every other byte, and EOF, is -1 ('g', 'G', '/', ':', '@', '`', 0x80-0xFF)");
	return done();
}
