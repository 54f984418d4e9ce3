/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * application/simple-message-summary bodies (RFC 3842 section 5), as a
 * voice-mail server sends them in NOTIFY for the message-summary event:
 *
 *	Messages-Waiting: yes
 *	Message-Account: sip:alice@vmail.corp.test
 *	Voice-Message: 2/8 (0/2)
 *
 * Messages-Waiting (yes/no) is required; the Voice-Message line
 * ("new/old", optionally " (urgent new/urgent old)") is what the message
 * light and the screen show. Other message classes, unknown lines and the
 * optional message headers after the first empty line are skipped. Header
 * names are case-insensitive; counts above 999999 are refused as
 * malformed. No recursion and no allocation: a thousand-line body costs a
 * thousand line scans.
 */
#ifndef UCPHONE_SIP_MSG_SUMMARY_H
#define UCPHONE_SIP_MSG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSG_SUMMARY_MAX (64 * 1024)	/* longest body parsed */
#define MSG_SUMMARY_ACCOUNT_MAX 256
#define MSG_SUMMARY_COUNT_MAX 999999u

struct msg_summary {
	bool waiting;
	char account[MSG_SUMMARY_ACCOUNT_MAX];	/* "" when absent */
	bool have_voice;			/* a Voice-Message line came */
	uint32_t voice_new, voice_old, urgent_new, urgent_old;
};

/*
 * Parses body (len bytes, not NUL-terminated). 0, -EMSGSIZE (over
 * MSG_SUMMARY_MAX), -EINVAL (no or a bad Messages-Waiting line, a bad
 * Voice-Message line, a NUL byte). *out is written only on success.
 */
int msg_summary_parse(const char *body, size_t len, struct msg_summary *out);

#endif /* UCPHONE_SIP_MSG_SUMMARY_H */
