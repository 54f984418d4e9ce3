// SPDX-License-Identifier: GPL-2.0-only
/* NTP answers (lib/ntp/ntp_packet.c) and registrar ordering (lib/sip/registrar_plan.c). */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/ntp/ntp_packet.h"
#include "lib/sip/registrar_plan.h"

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void answer(uint8_t *b, uint64_t origin, uint64_t t2, uint64_t t3)
{
	memset(b, 0, NTP_PACKET_LEN);
	b[0] = 4 << 3 | 4;
	b[1] = 8;
	put64(b + 24, origin);
	put64(b + 32, t2);
	put64(b + 40, t3);
}

#define SEC(x) ((uint64_t)(x) << 32)

TEST(offset_and_delay_from_four_timestamps)
{
	uint8_t b[NTP_PACKET_LEN];
	struct ntp_answer a;
	uint64_t t1 = SEC(3900000000u), nonce = 0xdeadbeef12345678ull;

	/* server 10 s ahead, 100 ms each way, 20 ms inside the server */
	answer(b, nonce, t1 + SEC(10) + (SEC(1) / 10),
	       t1 + SEC(10) + (SEC(1) / 10) + SEC(1) / 50);
	ASSERT_EQ(NTP_OK, ntp_parse_answer(b, sizeof(b), nonce, t1,
					   t1 + SEC(1) / 5 + SEC(1) / 50, &a));
	EXPECT_LT(a.offset_ns - 10000000000LL, 1000);
	EXPECT_GT(a.offset_ns - 10000000000LL, -1000);
	EXPECT_LT(a.delay_ns - 200000000LL, 1000);
	EXPECT_GT(a.delay_ns - 200000000LL, -1000);
}

/* A server in NTP era 1 (2040: its seconds wrapped in 2036) is 14 years ahead. */
TEST(offset_across_the_2036_era_boundary)
{
	uint8_t b[NTP_PACKET_LEN];
	struct ntp_answer a;
	uint64_t t1 = ntp_from_unix_ns(1764000000LL * 1000000000LL);
	uint64_t t2 = SEC((2208988800ull + 2208988800ull) & 0xffffffffu);

	answer(b, 7, t2, t2);
	ASSERT_EQ(NTP_OK, ntp_parse_answer(b, sizeof(b), 7, t1, t1, &a));
	EXPECT_EQ((2208988800LL - 1764000000LL) * 1000000000LL, a.offset_ns);
}

TEST(answers_that_must_not_be_believed)
{
	uint8_t b[NTP_PACKET_LEN];
	struct ntp_answer a;

	answer(b, 1, SEC(2), SEC(2));
	EXPECT_EQ(NTP_BOGUS_ORIGIN, ntp_parse_answer(b, sizeof(b), 2, SEC(1),
						     SEC(3), &a));
	EXPECT_EQ(NTP_MALFORMED, ntp_parse_answer(b, 47, 1, SEC(1), SEC(3), &a));
	b[1] = 0;
	memcpy(b + 12, "RATE", 4);
	EXPECT_EQ(NTP_KISS, ntp_parse_answer(b, sizeof(b), 1, SEC(1), SEC(3), &a));
	EXPECT_STREQ("RATE", a.kiss);
	b[1] = 8;
	b[0] = 3 << 6 | 4 << 3 | 4;
	EXPECT_EQ(NTP_UNSYNCHRONISED,
		  ntp_parse_answer(b, sizeof(b), 1, SEC(1), SEC(3), &a));
	b[0] = 4 << 3 | 3;	/* a client packet echoed back */
	EXPECT_EQ(NTP_MALFORMED,
		  ntp_parse_answer(b, sizeof(b), 1, SEC(1), SEC(3), &a));
}

TEST(unix_time_round_trip)
{
	int64_t ns = 1764000000123456789LL;

	EXPECT_LT(ntp_to_unix_ns(ntp_from_unix_ns(ns)) - ns, 2);
	EXPECT_GT(ntp_to_unix_ns(ntp_from_unix_ns(ns)) - ns, -2);
}

TEST(certificate_time_is_the_system_clock_corrected_by_ntp)
{
	time_t t = 0;

	/* A clock 14 years behind NTP: certificates are checked in 2040. */
	EXPECT_TRUE(ntp_corrected_time(1764000000, 450000000LL * 1000000000LL +
					123, &t));
	EXPECT_EQ((time_t)1764000000 + 450000000, t);
	EXPECT_TRUE(ntp_corrected_time(1764000000, -3000000000LL, &t));
	EXPECT_EQ((time_t)1764000000 - 3, t);
	/* Under a second (or 0 after --set-clock stepped it): the system clock. */
	t = 42;
	EXPECT_FALSE(ntp_corrected_time(1764000000, 999999999, &t));
	EXPECT_FALSE(ntp_corrected_time(1764000000, -999999999, &t));
	EXPECT_FALSE(ntp_corrected_time(1764000000, 0, &t));
	EXPECT_EQ(42, t);
}

static uint32_t seq_rnd(void *ctx)
{
	uint32_t *v = ctx;

	return (*v)++;
}

TEST(srv_priority_then_weight)
{
	struct srv_record r[4] = {
		{ "c", 20, 0, 5061 }, { "a", 10, 0, 5061 },
		{ "b", 10, 100, 443 }, { "d", 5, 1, 5061 },
	};
	uint32_t seed = 0;
	int b_first = 0;

	srv_order(r, 4, seq_rnd, &seed);
	EXPECT_STREQ("d", r[0].target);
	EXPECT_STREQ("c", r[3].target);
	/* weight 100 against 0: b comes first almost always */
	for (int i = 0; i < 100; i++) {
		struct srv_record s[2] = { { "a", 1, 0, 1 }, { "b", 1, 100, 1 } };

		seed = (uint32_t)i * 7919u;
		srv_order(s, 2, seq_rnd, &seed);
		b_first += strcmp(s[0].target, "b") == 0;
	}
	EXPECT_GT(b_first, 90);
}

TEST(seed_order_and_suffix_names)
{
	char out[DHCP_NAME_MAX];
	const char suffixes[2][DHCP_NAME_MAX] = { "corp.test", "test" };

	ASSERT_EQ(9, registrar_steps_len);
	EXPECT_STREQ("_sipinternaltls._tcp", registrar_steps[0].label);
	EXPECT_STREQ("_sip._tls", registrar_steps[1].label);
	EXPECT_STREQ("_sipinternal._tcp", registrar_steps[2].label);
	EXPECT_EQ(SIP_TRANSPORT_TCP, registrar_steps[2].transport);
	EXPECT_STREQ("sipinternal", registrar_steps[3].label);
	EXPECT_EQ(5061, registrar_steps[3].port);
	EXPECT_EQ(443, registrar_steps[4].port);
	EXPECT_STREQ("sipexternal", registrar_steps[8].label);
	EXPECT_EQ(443, registrar_steps[8].port);
	ASSERT_EQ(0, registrar_name(&registrar_steps[5], "fabrikam.com",
				    suffixes, 2, 0, out));
	EXPECT_STREQ("sip.fabrikam.com", out);
	ASSERT_EQ(0, registrar_name(&registrar_steps[5], "fabrikam.com",
				    suffixes, 2, 2, out));
	EXPECT_STREQ("sip.fabrikam.com.test", out);
	EXPECT_EQ(-ENOENT, registrar_name(&registrar_steps[5], "fabrikam.com",
					  suffixes, 2, 3, out));
}

/* RFC 2782 "." (c-ares: ""): the name offers no server at all. */
TEST(srv_dot_target_means_not_available)
{
	struct srv_record recs[2] = {
		{ .target = "sip.corp.test", .port = 5061 },
		{ .target = "", .port = 1 },
	};

	EXPECT_FALSE(srv_unavailable(recs, 1));
	EXPECT_TRUE(srv_unavailable(recs, 2));
	EXPECT_TRUE(srv_unavailable(recs + 1, 1));
	strcpy(recs[1].target, ".");
	EXPECT_TRUE(srv_unavailable(recs, 2));
	EXPECT_FALSE(srv_unavailable(recs, 0));
}

TEST(server_names_inside_the_domain_only)
{
	EXPECT_TRUE(name_in_domain("corp.test", "corp.test"));
	EXPECT_TRUE(name_in_domain("sip.corp.test", "corp.test"));
	EXPECT_TRUE(name_in_domain("Pool1.EU.Corp.Test.", "corp.test"));
	EXPECT_TRUE(name_in_domain("sip.corp.test", "corp.test."));
	EXPECT_FALSE(name_in_domain("registrar.evil.test", "corp.test"));
	EXPECT_FALSE(name_in_domain("evilcorp.test", "corp.test"));
	EXPECT_FALSE(name_in_domain("corp.test.evil.test", "corp.test"));
	EXPECT_FALSE(name_in_domain("test", "corp.test"));
	EXPECT_FALSE(name_in_domain("", "corp.test"));
	EXPECT_FALSE(name_in_domain(".", "corp.test"));
	EXPECT_FALSE(name_in_domain("sip.corp.test", ""));
}

TEST_HARNESS_MAIN
