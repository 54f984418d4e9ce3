/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state directory (/var/lib/ucphone): configuration and credentials
 * provisioned to the phone will live here, so it is private to the daemon.
 */
#ifndef UCPHONED_STATE_DIR_H
#define UCPHONED_STATE_DIR_H

#include "core/log.h"

/*
 * Creates path (mode 0700) if it is missing, insists that it is a
 * directory owned by us, tightens its mode to 0700, and returns an
 * O_DIRECTORY descriptor, or -errno.
 */
int state_dir_open(const char *path, const struct log *log);

#endif /* UCPHONED_STATE_DIR_H */
