/* SPDX-License-Identifier: GPL-2.0 */
/* `ucphonectl srtp`: the kernel's SRTP sessions and their counters. */
#ifndef UCPHONECTL_SRTP_VIEW_H
#define UCPHONECTL_SRTP_VIEW_H

#include <stdbool.h>

/* Exit status as ucphonectl's: 0 ok, 1 the kernel refused. */
int ctl_srtp(bool json);

#endif
