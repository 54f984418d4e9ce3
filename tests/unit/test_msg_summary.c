// SPDX-License-Identifier: GPL-2.0-only
/*
 * message-summary bodies (RFC 3842): the RFC's example, counts with and
 * without urgent ones, case and spacing, what is skipped, hostile bodies
 * (a thousand lines, huge counts, NUL, no Messages-Waiting).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/msg_summary.h"

static int parse(const char *text, struct msg_summary *s)
{
	return msg_summary_parse(text, strlen(text), s);
}

TEST(rfc3842_example)
{
	struct msg_summary s;

	ASSERT_EQ(0, parse("Messages-Waiting: yes\r\n"
			   "Message-Account: sip:alice@vmail.example.com\r\n"
			   "Voice-Message: 4/8 (1/2)\r\n"
			   "Fax-Message: 2/1\r\n\r\n"
			   "To: <sip:alice@atlanta.example.com>\r\n"
			   "Voice-Message: 99/99\r\n", &s));
	EXPECT_TRUE(s.waiting);
	EXPECT_STREQ("sip:alice@vmail.example.com", s.account);
	EXPECT_TRUE(s.have_voice);
	EXPECT_EQ(4, s.voice_new);
	EXPECT_EQ(8, s.voice_old);
	EXPECT_EQ(1, s.urgent_new);
	EXPECT_EQ(2, s.urgent_old);
}

TEST(no_messages_lf_only_case)
{
	struct msg_summary s;

	ASSERT_EQ(0, parse("messages-waiting:no\nvoice-message:  0 / 3\n", &s));
	EXPECT_FALSE(s.waiting);
	EXPECT_EQ(0, s.voice_new);
	EXPECT_EQ(3, s.voice_old);
	EXPECT_EQ(0, s.urgent_new);
	EXPECT_EQ(0, parse("Messages-Waiting: YES", &s));
	EXPECT_TRUE(s.waiting);
	EXPECT_FALSE(s.have_voice);
	EXPECT_STREQ("", s.account);
}

TEST(bad_bodies_refused)
{
	struct msg_summary s = { .voice_new = 77 };

	EXPECT_EQ(-EINVAL, parse("", &s));
	EXPECT_EQ(-EINVAL, parse("Voice-Message: 1/2\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: maybe\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: yes\r\nMessages-Waiting: no\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: yes\r\nVoice-Message: 1\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: yes\r\nVoice-Message: 1/2 (3/4\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: yes\r\nVoice-Message: 1/2 (3/4) x\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: yes\r\nVoice-Message: -1/2\r\n", &s));
	EXPECT_EQ(-EINVAL, parse("Messages-Waiting: yes\r\nVoice-Message: 99999999999999999999/2\r\n", &s));
	EXPECT_EQ(-EINVAL, msg_summary_parse("Messages-Waiting: yes\0\r\n", 24, &s));
	EXPECT_EQ(-EMSGSIZE, msg_summary_parse("x", MSG_SUMMARY_MAX + 1, &s));
	EXPECT_EQ(77, s.voice_new);	/* untouched by every refusal */
}

/* A thousand lines (noise, then the real one last): parsed, quickly. */
TEST(thousand_lines)
{
	size_t cap = 1100 * 40, len = 0;
	char *body = malloc(cap);
	struct msg_summary s;

	ASSERT_NE(NULL, body);
	len += (size_t)snprintf(body + len, cap - len, "Messages-Waiting: yes\r\n");
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(body + len, cap - len, "X-Noise-%d: %d/%d\r\n", i, i, i);
	len += (size_t)snprintf(body + len, cap - len, "Voice-Message: 12/34\r\n");
	ASSERT_EQ(0, msg_summary_parse(body, len, &s));
	EXPECT_EQ(12, s.voice_new);
	EXPECT_EQ(34, s.voice_old);
	/* a thousand Voice-Message lines: the last counts */
	len = (size_t)snprintf(body, cap, "Messages-Waiting: no\r\n");
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(body + len, cap - len, "Voice-Message: %d/1\r\n", i);
	ASSERT_EQ(0, msg_summary_parse(body, len, &s));
	EXPECT_EQ(999, s.voice_new);
	free(body);
}

TEST_HARNESS_MAIN
