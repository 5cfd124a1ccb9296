/*
 * libFuzzer target: the XML input guard (lib/xml/guard.c) on arbitrary bytes,
 * with small limits taken from the first two bytes so that every limit path
 * runs.  Invariant: the guard's verdict does not depend on how the document
 * is cut into chunks: the whole document at once and the same bytes in
 * chunks of 1 to 16 bytes stop (or not) for the same limit at the same line
 * and column, and note the same entity declaration.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdk_xml_limits l;
	struct tdk_xml_guard whole, parts;
	size_t off, step;

	if (size < 2)
		return 0;
	tdk_xml_limits_init(&l);
	l.max_attrs = data[0] % 8;
	l.max_text = 1 + (size_t)data[1] * 4;
	step = 1 + (size_t)(data[0] / 8 % 16);
	data += 2;
	size -= 2;
	tdk_xml_guard_init(&whole, &l);
	tdk_xml_guard_init(&parts, &l);
	whole.no_dtd = parts.no_dtd = (int)(size & 1);
	tdk_xml_guard_scan(&whole, data, size);
	for (off = 0; off < size && !parts.fired; off += step)
		tdk_xml_guard_scan(&parts, data + off, size - off < step ? size - off : step);
	if (whole.fired != parts.fired || whole.at.line != parts.at.line || whole.at.col != parts.at.col ||
	    whole.entity.line != parts.entity.line || whole.entity.col != parts.entity.col)
		abort();
	return 0;
}
