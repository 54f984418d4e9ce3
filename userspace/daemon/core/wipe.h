/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Factory wipe of the state directory: credentials, certificate chains and
 * configuration all live under it, so a hard reset empties it.
 *
 * The wipe is atomic: an empty directory is made beside the state
 * directory and swapped with it in one rename (renameat2 RENAME_EXCHANGE;
 * two renames where the filesystem lacks it), and only then is the old
 * content deleted. Whenever it is interrupted (power cut, crash), the
 * state directory holds either all the old state or none of it, and
 * wipe_recover() at the next start finishes the job: it removes a
 * half-deleted old tree and puts a missing state directory back.
 *
 * For a state directory DIR/NAME the helpers are DIR/.NAME.factory-new
 * (the empty directory to swap in) and DIR/.NAME.wiped (the old tree,
 * being deleted). Symbolic links inside are removed, never followed.
 */
#ifndef UCPHONED_WIPE_H
#define UCPHONED_WIPE_H

#include "core/log.h"

/* Empties the state directory at @path atomically; 0 or -errno. */
int wipe_state_dir(const char *path, const struct log *log);

/* Completes or rolls back an interrupted wipe; 0 when there was none. */
int wipe_recover(const char *path, const struct log *log);

/*
 * The steps of wipe_state_dir(), in order, so tests can stop between any
 * two as a power cut would.
 */
int wipe_step_prepare(const char *path, const struct log *log);
int wipe_step_swap(const char *path, const struct log *log);
int wipe_step_purge(const char *path, const struct log *log);

#endif /* UCPHONED_WIPE_H */
