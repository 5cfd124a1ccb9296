/* gen-edifact: write a deterministic UN/EDIFACT INVOIC D.96A interchange for `make bench`.
 *
 *   gen-edifact SIZE [OUT]
 *
 * SIZE is a byte count (suffixes k, M, G are powers of 1000).  Messages are added until the
 * output reaches SIZE, so the file ends up at most one message (about 7 KB) plus UNZ larger.
 * The interchange is UNOC (ISO 8859-1) with a UNA, one segment per line, and control counts
 * that hold: UNT counts its message's segments, UNZ counts the messages, CNT counts the line
 * items and the summary MOA is the sum of the line amounts.  Some party names carry release
 * characters (?+ ?: ?' ??) and Latin-1 letters.  A fixed seed and a 64-bit LCG make the
 * bytes identical on every run and machine.  On success it prints "BYTES SEGMENTS MESSAGES"
 * to standard output; SEGMENTS counts UNB..UNZ (UNA is a service string advice, not counted).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINES 20 /* line items per message */

static unsigned long long lcg_state = 0x5EED2024ULL;

/* Knuth's MMIX LCG; the high bits are the good ones. */
static unsigned long rnd(unsigned long n)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned long)((lcg_state >> 33) % n);
}

static char buf[1 << 16];
static size_t used;
static FILE *out;
static unsigned long long total, segments;

static void flush(void)
{
    if (used && fwrite(buf, 1, used, out) != used) {
        perror("gen-edifact: write");
        exit(1);
    }
    used = 0;
}

/* Append one segment; fmt holds its text without terminator. */
static void seg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void seg(const char *fmt, ...)
{
    va_list ap;
    int n;

    if (sizeof buf - used < 512)
        flush();
    va_start(ap, fmt);
    n = vsnprintf(buf + used, sizeof buf - used - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf - used - 2) {
        fputs("gen-edifact: segment too long\n", stderr);
        exit(1);
    }
    used += (size_t)n;
    buf[used++] = '\'';
    buf[used++] = '\n';
    total += (unsigned long long)n + 2;
    segments++;
}

/* Party names, already escaped for UNA:+.? ' ; "\xE9" etc. are ISO 8859-1 letters. */
static const char *const names[] = {
    "Fournisseur Soci\xE9t\xE9?+Cie",
    "Rue de l?'\xC9glise Trading",
    "M\xFCller und S\xF6hne GmbH",
    "ACME Wholesale Ltd",
    "Stra\xDF" "enbau 50?? Rabatt AG",
    "Nordic Supply A/S",
    "Caf\xE9 ?:Bar?: Import",
    "Garc\xED" "a y Pe\xF1" "a S.L.",
    "Plain Parts Inc",
    "Dupont?+Dupond SARL",
};
static const char *const cities[] = {
    "Bruxelles", "Li\xE8ge", "K\xF6ln", "London", "Malm\xF6", "Rotterdam", "Z\xFCrich",
    "Sevilla",
};
static const char *const colours[] = { "blue", "red", "green", "black", "white", "grey" };
static const char *const sizes[] = { "XS", "S", "M", "L", "XL" };
static const char *const units[] = { "PCE", "KGM", "MTR", "LTR", "SET" };
static const char *const currencies[] = { "EUR", "EUR", "EUR", "USD", "GBP", "SEK" };

static unsigned long long parse_size(const char *s)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno || end == s)
        return 0;
    switch (*end) {
    case 'k': n *= 1000ULL; end++; break;
    case 'M': n *= 1000000ULL; end++; break;
    case 'G': n *= 1000000000ULL; end++; break;
    }
    return *end ? 0 : n;
}

int main(int argc, char **argv)
{
    unsigned long long size, msgs = 0;

    if (argc < 2 || argc > 3 || !(size = parse_size(argv[1]))) {
        fputs("usage: gen-edifact SIZE [OUT]\n", stderr);
        return 2;
    }
    out = stdout;
    if (argc == 3 && !(out = fopen(argv[2], "wb"))) {
        perror(argv[2]);
        return 1;
    }

    memcpy(buf, "UNA:+.? '\n", 10);
    used = total = 10;
    seg("UNB+UNOC:3+5412345000013:14+5498765000019:14+240101:1200+IC0000001++INVOIC");

    while (total < size) {
        unsigned long long sum = 0, m = ++msgs;
        unsigned long long first = segments;
        const char *cur = currencies[rnd(sizeof currencies / sizeof *currencies)];
        int l;

        seg("UNH+M%llu+INVOIC:D:96A:UN:EAN008", m);
        seg("BGM+380+INV%08llu+9", m);
        seg("DTM+137:202401%02d:102", (int)(m % 28) + 1);
        seg("RFF+ON:ORD%07llu", m);
        seg("NAD+SU+5412345000013::9++%s+Rue de l?'\xC9glise %lu+%s++%05lu+BE",
            names[rnd(sizeof names / sizeof *names)], rnd(200) + 1,
            cities[rnd(sizeof cities / sizeof *cities)], rnd(90000) + 1000);
        seg("NAD+BY+54987650%05lu::9++%s+Hauptstra\xDF" "e %lu+%s++%05lu+DE", rnd(100000),
            names[rnd(sizeof names / sizeof *names)], rnd(300) + 1,
            cities[rnd(sizeof cities / sizeof *cities)], rnd(90000) + 1000);
        seg("CUX+2:%s:4", cur);
        for (l = 1; l <= LINES; l++) {
            unsigned long q = rnd(999) + 1, p = rnd(99900) + 100; /* price in cents */
            unsigned long long a = (unsigned long long)q * p;

            sum += a;
            seg("LIN+%d++%013llu:EN", l, 1000000000000ULL + (unsigned long long)rnd(4000000000UL) * 2000ULL + rnd(2000));
            seg("PIA+5+ART%05d:SA", l + (int)rnd(90000));
            seg("IMD+F++:::Article %d %s %s", l,
                colours[rnd(sizeof colours / sizeof *colours)],
                sizes[rnd(sizeof sizes / sizeof *sizes)]);
            seg("QTY+47:%lu:%s", q, units[rnd(sizeof units / sizeof *units)]);
            seg("MOA+203:%llu.%02llu", a / 100, a % 100);
            seg("PRI+AAA:%lu.%02lu", p / 100, p % 100);
            seg("TAX+7+VAT+++:::%s+S", rnd(4) ? "21" : "6");
        }
        seg("UNS+S");
        seg("CNT+2:%d", LINES);
        seg("MOA+86:%llu.%02llu", sum / 100, sum % 100);
        seg("UNT+%llu+M%llu", segments - first + 1, m);
    }
    seg("UNZ+%llu+IC0000001", msgs);
    flush();
    if (fflush(out) || (out != stdout && fclose(out))) {
        perror("gen-edifact: write");
        return 1;
    }
    fprintf(out == stdout ? stderr : stdout, "%llu %llu %llu\n", total, segments, msgs);
    return 0;
}
