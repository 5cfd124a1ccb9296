/*
 * The release a message names: UNH's message identifier (S009: 0065 type,
 * 0052 version, 0054 release, 0051 controlling agency, ISO 9735-1:2002
 * annex C) looked up in a set of releases, for every command that reads
 * messages with their directory (validate, convert --names directory).
 */
#include <stdio.h>
#include <string.h>

#include "edi/dir.h"
#include "edi/edi.h"
#include "util/exitcode.h"

/* Whether the release was said to be missing in this input already; remembers it when not. */
static int told_missing(struct tdk_dir_told *told, const char *canon)
{
	size_t i;

	for (i = 0; i < told->nmissing; i++)
		if (!strcmp(told->missing[i], canon))
			return 1;
	if (told->nmissing < sizeof(told->missing) / sizeof(told->missing[0]))
		snprintf(told->missing[told->nmissing++], sizeof(told->missing[0]), "%s", canon);
	return 0;
}

int tdk_dir_set_unh(struct tdk_dir_set *s, const struct tdk_edi_seg *unh, struct tdk_dir_told *told,
		    struct tdk_dir_unh *u, struct tdk_diag *d)
{
	struct tdk_diag_loc loc;
	int r;

	memset(u, 0, sizeof(*u));
	tdk_edi_seg_str(unh, 2, 0, u->type, sizeof(u->type));
	tdk_edi_seg_str(unh, 2, 1, u->version, sizeof(u->version));
	tdk_edi_seg_str(unh, 2, 2, u->release, sizeof(u->release));
	tdk_edi_seg_str(unh, 2, 3, u->agency, sizeof(u->agency));
	/* Only UN messages (0051 UN) of a directory version D are defined by the UNTDID releases. */
	if (strcmp(u->agency, "UN") || tdk_dir_release_name(u->canon, u->version, u->release) < 0) {
		u->canon[0] = '\0';
		return TDK_DIR_UNH_NOT_UNTDID;
	}
	r = tdk_dir_set_get(s, u->canon, &u->dir, d);
	if (!u->dir && r != TDK_EXIT_IO)
		return TDK_DIR_UNH_BROKEN;
	if (!u->dir) {
		if (!told_missing(told, u->canon)) {
			const char *c = u->canon;

			tdk_edi_seg_loc(unh, &loc, 2, 0, 0);
			tdk_diag_add(d, TDK_SEV_WARNING, "EDI-DIR-RELEASE", &loc,
				     "release %s is not installed, so its messages are checked against ISO 9735 "
				     "only; get d%c%c%c.zip from UNECE and run 'tdk dir install d%c%c%c.zip', or "
				     "name it with --directory", c, c[1], c[2], c[3] - 'A' + 'a', c[1], c[2],
				     c[3] - 'A' + 'a');
		}
		return TDK_DIR_UNH_MISSING;
	}
	if (!(u->msg = tdk_dir_message(u->dir, u->type)))
		return TDK_DIR_UNH_NO_MESSAGE;
	return TDK_DIR_UNH_FOUND;
}
