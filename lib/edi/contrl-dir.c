/*
 * The definition of CONTRL (syntax and service report message) as a
 * directory of one message, for the directory validator: the segment table,
 * the segments UCI UCF UCM UCS UCD, their composites and data elements, and
 * the service code lists 0083 (action) and 0085 (syntax error).
 *
 * Syntax versions 1 to 3: CONTRL D:3, UNTDID D.96B part 4 chapter 2.3
 * section 10 (ISO 9735:1988 amendment 1:1992); codes from UNSL.96B.
 * Syntax version 4: CONTRL 4:1, ISO 9735-1:2002 with the syntax service
 * directories of its annex: UCF S006/S007 and UCM 0062/S009 become
 * conditional, 0013 becomes 0135, S011 gains 0136 (occurrence of the
 * element in error), S002/S003/S009 gain their version 4 components.  The
 * version 4 security data elements (0534, 0325, used with the security
 * segments of ISO 9735-5) and the package reference of UCM (0800, S020) are
 * not modelled: a CONTRL that uses them is reported with EDI-ELEM-TOO-MANY.
 *
 * The segment table is the same in both (positions as the standard numbers
 * them):
 *   0010 UNH M 1
 *   0020 UCI M 1
 *   0030 SG1 C 999999  UCM M 1; SG2 C 999: UCS M 1, UCD C 99
 *   0080 SG3 C 999999  UCF M 1; SG4 C 999999: UCM M 1; SG5 C 999: UCS M 1, UCD C 99
 *   0150 UNT M 1
 *
 * The tables are static: sorted by tag as dir.h requires, references by
 * index (the enums below), code values in a string table of three-byte slots
 * where slot k holds the decimal number k.  What the image builder derives
 * (code keys, next_m, last_m) is derived here once, on first use.
 */
#include <pthread.h>
#include <string.h>

#include "edi/contrl.h"
#include "edi/dir-impl.h"

enum {
	E0004, E0007, E0008, E0010, E0013, E0014, E0020, E0040, E0042, E0044, E0046, E0048, E0051,
	E0052, E0054, E0057, E0062, E0065, E0083, E0085, E0096, E0098, E0104, E0110, E0113, E0135,
	E0136, NELEMENTS
};
enum { CS002, CS003, CS006, CS007, CS009, CS011, NCOMPOSITES };
enum { SUCD, SUCF, SUCI, SUCM, SUCS, NSEGMENTS };
enum { L0083, L0085, NLISTS };

/* Slot k (3 bytes) holds "k": the values of the codes 1 to 44. */
static const char strings[] =
	"\0\0\0" "1\0\0" "2\0\0" "3\0\0" "4\0\0" "5\0\0" "6\0\0" "7\0\0" "8\0\0" "9\0\0" "10\0" "11\0"
	"12\0" "13\0" "14\0" "15\0" "16\0" "17\0" "18\0" "19\0" "20\0" "21\0" "22\0" "23\0" "24\0" "25\0"
	"26\0" "27\0" "28\0" "29\0" "30\0" "31\0" "32\0" "33\0" "34\0" "35\0" "36\0" "37\0" "38\0" "39\0"
	"40\0" "41\0" "42\0" "43\0" "44\0";

#define K(n) { 0, (n) * 3, TDK_DIR_NONE, 0, 0 }
#define N TDK_DIR_NONE

/* Sorted by value within each list: "1" < "10" < "2". */
static struct tdk_dir_code codes[] = {
	/* 0083 Action, coded: UNSL.96B */
	K(1), K(2), K(3), K(4), K(5), K(6), K(7), K(8),
	/* 0085 Syntax error, coded: UNSL.96B */
	K(1), K(10), K(11), K(12), K(13), K(14), K(15), K(16), K(17), K(18), K(19), K(2), K(20), K(21),
	K(22), K(23), K(24), K(25), K(26), K(27), K(28), K(29), K(3), K(30), K(31), K(32), K(33), K(34),
	K(35), K(36), K(37), K(38), K(39), K(4), K(40), K(41), K(42), K(43), K(44), K(5), K(6), K(7), K(8),
	K(9),
};

static const struct tdk_dir_codelist lists[NLISTS] = {
	[L0083] = { "0083", N, 0, 8 },
	[L0085] = { "0085", N, 8, 44 },
};

#define AN(t, max) { t, 'x', 1, max, N, N }
#define NUM(t, max) { t, 'n', 1, max, N, N }
#define CODED(t, l) { t, 'x', 1, 3, N, l }

static const struct tdk_dir_element elements3[NELEMENTS] = {
	[E0004] = AN("0004", 35), [E0007] = AN("0007", 4), [E0008] = AN("0008", 14),
	[E0010] = AN("0010", 35), [E0013] = { "0013", 'a', 0, 3, N, N }, [E0014] = AN("0014", 14),
	[E0020] = AN("0020", 14), [E0040] = AN("0040", 35), [E0042] = AN("0042", 35),
	[E0044] = AN("0044", 35), [E0046] = AN("0046", 35), [E0048] = AN("0048", 14),
	[E0051] = AN("0051", 2), [E0052] = AN("0052", 3), [E0054] = AN("0054", 3),
	[E0057] = AN("0057", 6), [E0062] = AN("0062", 14), [E0065] = AN("0065", 6),
	[E0083] = CODED("0083", L0083), [E0085] = CODED("0085", L0085), [E0096] = NUM("0096", 6),
	[E0098] = NUM("0098", 3), [E0104] = NUM("0104", 3), [E0110] = AN("0110", 6),
	[E0113] = AN("0113", 6), [E0135] = AN("0135", 3), [E0136] = NUM("0136", 6),
};

static const struct tdk_dir_element elements4[NELEMENTS] = {
	[E0004] = AN("0004", 35), [E0007] = AN("0007", 4), [E0008] = AN("0008", 35),
	[E0010] = AN("0010", 35), [E0013] = { "0013", 'a', 0, 3, N, N }, [E0014] = AN("0014", 35),
	[E0020] = AN("0020", 14), [E0040] = AN("0040", 35), [E0042] = AN("0042", 35),
	[E0044] = AN("0044", 35), [E0046] = AN("0046", 35), [E0048] = AN("0048", 14),
	[E0051] = AN("0051", 3), [E0052] = AN("0052", 3), [E0054] = AN("0054", 3),
	[E0057] = AN("0057", 6), [E0062] = AN("0062", 14), [E0065] = AN("0065", 6),
	[E0083] = CODED("0083", L0083), [E0085] = CODED("0085", L0085), [E0096] = NUM("0096", 6),
	[E0098] = NUM("0098", 3), [E0104] = NUM("0104", 3), [E0110] = AN("0110", 6),
	[E0113] = AN("0113", 6), [E0135] = AN("0135", 3), [E0136] = NUM("0136", 6),
};

#define SM(t, st, ref, pos) { t, st, 0, 1, ref, pos }
#define CM(t, st, ref, pos) { t, st, 1, 1, ref, pos }

/* Segments, then composites; the offsets are those of the segments[] and composites[] below. */
static const struct tdk_dir_member members3[] = {
	/* 0 UCD */ SM("0085", 'M', E0085, 10), CM("S011", 'M', CS011, 20),
	/* 2 UCF */ SM("0048", 'M', E0048, 10), CM("S006", 'M', CS006, 20), CM("S007", 'M', CS007, 30),
	SM("0083", 'M', E0083, 40), SM("0085", 'C', E0085, 50), SM("0013", 'C', E0013, 60),
	CM("S011", 'C', CS011, 70),
	/* 9 UCI */ SM("0020", 'M', E0020, 10), CM("S002", 'M', CS002, 20), CM("S003", 'M', CS003, 30),
	SM("0083", 'M', E0083, 40), SM("0085", 'C', E0085, 50), SM("0013", 'C', E0013, 60),
	CM("S011", 'C', CS011, 70),
	/* 16 UCM */ SM("0062", 'M', E0062, 10), CM("S009", 'M', CS009, 20), SM("0083", 'M', E0083, 30),
	SM("0085", 'C', E0085, 40), SM("0013", 'C', E0013, 50), CM("S011", 'C', CS011, 60),
	/* 22 UCS */ SM("0096", 'M', E0096, 10), SM("0085", 'C', E0085, 20),
	/* 24 S002 */ SM("0004", 'M', E0004, 10), SM("0007", 'C', E0007, 20), SM("0008", 'C', E0008, 30),
	/* 27 S003 */ SM("0010", 'M', E0010, 10), SM("0007", 'C', E0007, 20), SM("0014", 'C', E0014, 30),
	/* 30 S006 */ SM("0040", 'M', E0040, 10), SM("0007", 'C', E0007, 20),
	/* 32 S007 */ SM("0044", 'M', E0044, 10), SM("0007", 'C', E0007, 20),
	/* 34 S009 */ SM("0065", 'M', E0065, 10), SM("0052", 'M', E0052, 20), SM("0054", 'M', E0054, 30),
	SM("0051", 'M', E0051, 40), SM("0057", 'C', E0057, 50),
	/* 39 S011 */ SM("0098", 'M', E0098, 10), SM("0104", 'C', E0104, 20),
};

static const struct tdk_dir_member members4[] = {
	/* 0 UCD */ SM("0085", 'M', E0085, 10), CM("S011", 'M', CS011, 20),
	/* 2 UCF */ SM("0048", 'M', E0048, 10), CM("S006", 'C', CS006, 20), CM("S007", 'C', CS007, 30),
	SM("0083", 'M', E0083, 40), SM("0085", 'C', E0085, 50), SM("0135", 'C', E0135, 60),
	CM("S011", 'C', CS011, 70),
	/* 9 UCI */ SM("0020", 'M', E0020, 10), CM("S002", 'M', CS002, 20), CM("S003", 'M', CS003, 30),
	SM("0083", 'M', E0083, 40), SM("0085", 'C', E0085, 50), SM("0135", 'C', E0135, 60),
	CM("S011", 'C', CS011, 70),
	/* 16 UCM */ SM("0062", 'C', E0062, 10), CM("S009", 'C', CS009, 20), SM("0083", 'M', E0083, 30),
	SM("0085", 'C', E0085, 40), SM("0135", 'C', E0135, 50), CM("S011", 'C', CS011, 60),
	/* 22 UCS */ SM("0096", 'M', E0096, 10), SM("0085", 'C', E0085, 20),
	/* 24 S002 */ SM("0004", 'M', E0004, 10), SM("0007", 'C', E0007, 20), SM("0008", 'C', E0008, 30),
	SM("0042", 'C', E0042, 40),
	/* 28 S003 */ SM("0010", 'M', E0010, 10), SM("0007", 'C', E0007, 20), SM("0014", 'C', E0014, 30),
	SM("0046", 'C', E0046, 40),
	/* 32 S006 */ SM("0040", 'M', E0040, 10), SM("0007", 'C', E0007, 20),
	/* 34 S007 */ SM("0044", 'M', E0044, 10), SM("0007", 'C', E0007, 20),
	/* 36 S009 */ SM("0065", 'M', E0065, 10), SM("0052", 'M', E0052, 20), SM("0054", 'M', E0054, 30),
	SM("0051", 'M', E0051, 40), SM("0057", 'C', E0057, 50), SM("0110", 'C', E0110, 60),
	SM("0113", 'C', E0113, 70),
	/* 43 S011 */ SM("0098", 'M', E0098, 10), SM("0104", 'C', E0104, 20), SM("0136", 'C', E0136, 30),
};

/* The same segments in both versions; last_m comes from each version's members. */
static struct tdk_dir_segment segments3[NSEGMENTS] = {
	[SUCD] = { "UCD", N, 0, 2, 0 }, [SUCF] = { "UCF", N, 2, 7, 0 }, [SUCI] = { "UCI", N, 9, 7, 0 },
	[SUCM] = { "UCM", N, 16, 6, 0 }, [SUCS] = { "UCS", N, 22, 2, 0 },
};

/*
 * The dependency notes of version 4 (ISO 9735-1:2002 annex C, the syntax
 * service directories; the segments of CONTRL are those of ISO 9735-2),
 * over the members above (indexes in the segment): UCF and UCI
 * D5(060,050) and D5(070,060,050): a service segment tag (0135) comes with
 * the syntax error (0085), the data element identification (S011) with
 * both; UCM D2(010,020), D5(050,040) and D5(060,050,040).  The notes that
 * name the security and package elements (UCF, UCI 080 and 090; UCM
 * D1(010,070), D2(070,080) and those over 090 and 100) concern elements
 * tdk does not define: a segment that carries them has too many.
 */
static const struct tdk_dir_dep deps4[] = {
	/* 0 UCF */ { 5, 2, { 5, 4 } }, { 5, 3, { 6, 5, 4 } },
	/* 2 UCI */ { 5, 2, { 5, 4 } }, { 5, 3, { 6, 5, 4 } },
	/* 4 UCM */ { 2, 2, { 0, 1 } }, { 5, 2, { 4, 3 } }, { 5, 3, { 5, 4, 3 } },
};

static struct tdk_dir_segment segments4[NSEGMENTS] = {
	[SUCD] = { "UCD", N, 0, 2, 0, 0, 0 }, [SUCF] = { "UCF", N, 2, 7, 0, 0, 2 },
	[SUCI] = { "UCI", N, 9, 7, 0, 2, 2 }, [SUCM] = { "UCM", N, 16, 6, 0, 4, 3 },
	[SUCS] = { "UCS", N, 22, 2, 0, 0, 0 },
};

static struct tdk_dir_composite composites3[NCOMPOSITES] = {
	[CS002] = { "S002", N, 24, 3, 0 }, [CS003] = { "S003", N, 27, 3, 0 }, [CS006] = { "S006", N, 30, 2, 0 },
	[CS007] = { "S007", N, 32, 2, 0 }, [CS009] = { "S009", N, 34, 5, 0 }, [CS011] = { "S011", N, 39, 2, 0 },
};

static struct tdk_dir_composite composites4[NCOMPOSITES] = {
	[CS002] = { "S002", N, 24, 4, 0 }, [CS003] = { "S003", N, 28, 4, 0 }, [CS006] = { "S006", N, 32, 2, 0 },
	[CS007] = { "S007", N, 34, 2, 0 }, [CS009] = { "S009", N, 36, 7, 0 }, [CS011] = { "S011", N, 43, 3, 0 },
};

#define SEG(t, st, rep, pos, s) { t, st, 0, rep, pos, 0, s, N, 0, 0 }
#define GRP(g, st, rep, pos, end) { "", st, g, rep, pos, end, N, N, 0, 0 }

static struct tdk_dir_node nodes[] = {
	/* 0 */ SEG("UNH", 'M', 1, 10, N),
	/* 1 */ SEG("UCI", 'M', 1, 20, SUCI),
	/* 2 */ GRP(1, 'C', 999999, 30, 7),
	/* 3 */ SEG("UCM", 'M', 1, 40, SUCM),
	/* 4 */ GRP(2, 'C', 999, 50, 7),
	/* 5 */ SEG("UCS", 'M', 1, 60, SUCS),
	/* 6 */ SEG("UCD", 'C', 99, 70, SUCD),
	/* 7 */ GRP(3, 'C', 999999, 80, 14),
	/* 8 */ SEG("UCF", 'M', 1, 90, SUCF),
	/* 9 */ GRP(4, 'C', 999999, 100, 14),
	/* 10 */ SEG("UCM", 'M', 1, 110, SUCM),
	/* 11 */ GRP(5, 'C', 999, 120, 14),
	/* 12 */ SEG("UCS", 'M', 1, 130, SUCS),
	/* 13 */ SEG("UCD", 'C', 99, 140, SUCD),
	/* 14 */ SEG("UNT", 'M', 1, 150, N),
};

static const struct tdk_dir_message messages[] = { { "CONTRL", N, 0, sizeof(nodes) / sizeof(nodes[0]) } };

#define NOF(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

static const struct tdk_dir contrl3 = {
	.release = "9735v3", .messages = messages, .nodes = nodes, .segments = segments3,
	.members = members3, .composites = composites3, .elements = elements3, .lists = lists,
	.codes = codes, .strings = strings, .nmessages = 1, .nnodes = NOF(nodes),
	.nsegments = NSEGMENTS, .nmembers = NOF(members3), .ncomposites = NCOMPOSITES,
	.nelements = NELEMENTS, .nlists = NLISTS, .ncodes = NOF(codes), .nstrings = sizeof(strings) - 1,
	.service_lists = NLISTS,
};

static const struct tdk_dir contrl4 = {
	.release = "9735v4", .messages = messages, .nodes = nodes, .segments = segments4,
	.members = members4, .composites = composites4, .elements = elements4, .lists = lists,
	.codes = codes, .deps = deps4, .strings = strings, .nmessages = 1, .nnodes = NOF(nodes),
	.nsegments = NSEGMENTS, .nmembers = NOF(members4), .ncomposites = NCOMPOSITES,
	.nelements = NELEMENTS, .nlists = NLISTS, .ncodes = NOF(codes), .ndeps = NOF(deps4),
	.nstrings = sizeof(strings) - 1, .service_lists = NLISTS,
};

static pthread_once_t derived = PTHREAD_ONCE_INIT;

static void derive(void)
{
	uint32_t i;

	for (i = 0; i < NOF(codes); i++) {
		codes[i].len = (uint32_t)strlen(strings + codes[i].value);
		codes[i].key = tdk_dir_code_key(strings + codes[i].value, codes[i].len);
	}
	tdk_dir_next_mandatory(nodes, 0, NOF(nodes));
	for (i = 0; i < NSEGMENTS; i++) {
		segments3[i].last_m = tdk_dir_last_mandatory(members3 + segments3[i].first, segments3[i].n);
		segments4[i].last_m = tdk_dir_last_mandatory(members4 + segments4[i].first, segments4[i].n);
	}
	for (i = 0; i < NCOMPOSITES; i++) {
		composites3[i].last_m = tdk_dir_last_mandatory(members3 + composites3[i].first, composites3[i].n);
		composites4[i].last_m = tdk_dir_last_mandatory(members4 + composites4[i].first, composites4[i].n);
	}
}

const struct tdk_dir *tdk_edi_contrl_dir(const char *type, const char *version, const char *release,
					 const char *agency)
{
	if (strcmp(type, "CONTRL") || strcmp(agency, "UN"))
		return NULL;
	pthread_once(&derived, derive);
	if (!strcmp(version, "D") && !strcmp(release, "3"))
		return &contrl3;
	if (!strcmp(version, "4") && (!strcmp(release, "1") || !strcmp(release, "2")))
		return &contrl4;
	return NULL;
}
