// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one application/simple-message-summary body (a NOTIFY
 * from the voice-mail server). An accepted body gives a NUL-terminated
 * account and counts within the limit.
 */
#include <string.h>

#include "lib/sip/msg_summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_summary s;

	if (msg_summary_parse((const char *)data, size, &s))
		return 0;
	if (!memchr(s.account, '\0', sizeof(s.account)) ||
	    s.voice_new > MSG_SUMMARY_COUNT_MAX || s.voice_old > MSG_SUMMARY_COUNT_MAX ||
	    s.urgent_new > MSG_SUMMARY_COUNT_MAX || s.urgent_old > MSG_SUMMARY_COUNT_MAX)
		__builtin_trap();
	return 0;
}
