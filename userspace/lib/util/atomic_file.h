/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every file the phone keeps in its state directory (the endpoint id, the
 * sign-in identity, the DHCP lease, the learned roots...) is replaced
 * whole: a reader, or the phone after a power cut at any instant, finds
 * the old content or the new, never a mix, and no temporary is left by a
 * write that failed.
 *
 *	1. <name>.tmp in the same directory: a leftover of a writer killed
 *	   before it could clean up is removed, then the temporary is
 *	   created O_CREAT | O_EXCL | O_NOFOLLOW (a planted symlink is never
 *	   followed), mode 0600 unless asked otherwise
 *	2. every byte written, then fsync()
 *	3. renameat() over <name> (a symlink at <name> is replaced, not
 *	   followed)
 *	4. fsync() of the directory, so the rename survives a power cut
 *
 * Any failure before the rename removes the temporary and leaves <name>
 * as it was. One writer per file (the daemon holds its control lock).
 */
#ifndef UCPHONE_ATOMIC_FILE_H
#define UCPHONE_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

#define ATOMIC_FILE_SUFFIX ".tmp"

/* Where atomic_file_write() is; a test stops a writer at each. */
enum atomic_file_step {
	ATOMIC_FILE_CREATED,	/* the temporary exists, empty */
	ATOMIC_FILE_HALF,	/* half of the bytes written */
	ATOMIC_FILE_WRITTEN,	/* every byte written, not yet synced */
	ATOMIC_FILE_SYNCED,	/* synced and closed */
	ATOMIC_FILE_RENAMED,	/* in place; the directory not yet synced */
};

struct atomic_file_opts {
	mode_t mode;		/* 0: 0600 */
	/* Test seam: called after each step (NULL in the daemon). */
	void (*after_step)(enum atomic_file_step step, void *ctx);
	void *ctx;
};

/*
 * Replaces dirfd/name (a plain name, no '/') with len bytes of data.
 * opts may be NULL. Returns 0 or -errno; -errno after the rename (only
 * the directory's fsync failed) means the new file is in place but may
 * not survive a power cut.
 */
int atomic_file_write(int dirfd, const char *name, const void *data,
		      size_t len, const struct atomic_file_opts *opts);

#endif /* UCPHONE_ATOMIC_FILE_H */
