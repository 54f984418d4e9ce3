/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ucphonectl calls` (and the replies to dial, answer, hangup, dtmf,
 * press): the phone's call state and, per call, the far end, codec, SRTP
 * suite and whether it runs in the kernel, RTCP loss, jitter and
 * round-trip time, and the jitter buffer's delay.
 */
#ifndef UCPHONECTL_CALLS_VIEW_H
#define UCPHONECTL_CALLS_VIEW_H

#include <stdio.h>

#include <json-c/json.h>

void ctl_print_calls(FILE *out, struct json_object *calls);

#endif
