/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel log lines of the ucphone modules, for the troubleshooting
 * bundle: every record of /dev/kmsg (or, where that cannot be opened,
 * klogctl's buffer) whose text names "ucphone" (ucphone.ko, the drivers'
 * "ucphone-..." devices and messages), one line each:
 *
 *   [   12.345678] ucphone: family registered, UAPI 2
 */
#ifndef UCPHONECTL_KMSG_H
#define UCPHONECTL_KMSG_H

#include <stddef.h>

/* Most bytes kept; older lines go first past it. */
#define KMSG_KEEP_MAX (1024 * 1024)

/*
 * The lines as one malloc()ed text in *out (*len bytes). 0, or -errno
 * when neither source could be read (*out then NULL).
 */
int ctl_kmsg_read(const char *match, char **out, size_t *len);

#endif /* UCPHONECTL_KMSG_H */
