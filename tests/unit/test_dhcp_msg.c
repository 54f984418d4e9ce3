// SPDX-License-Identifier: GPL-2.0-only
/* DHCP codec (userspace/lib/dhcp/dhcp_msg.c): dnsmasq's real encodings and crafted ones. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/dhcp/dhcp_msg.h"

/* A BOOTREPLY skeleton; options appended at *len. */
static size_t reply_head(uint8_t *buf, uint8_t type)
{
	memset(buf, 0, 1500);
	buf[0] = 2;
	buf[1] = 1;
	buf[2] = 6;
	buf[4] = 0x12; buf[5] = 0x34; buf[6] = 0x56; buf[7] = 0x78;
	buf[16] = 10; buf[17] = 77; buf[18] = 0; buf[19] = 150;
	buf[236] = 0x63; buf[237] = 0x82; buf[238] = 0x53; buf[239] = 0x63;
	buf[240] = 53; buf[241] = 1; buf[242] = type;
	return 243;
}

static size_t add(uint8_t *buf, size_t len, uint8_t code, const void *v,
		  size_t n)
{
	buf[len] = code;
	buf[len + 1] = (uint8_t)n;
	memcpy(buf + len + 2, v, n);
	return len + 2 + n;
}

/* Exactly what dnsmasq 2.89 sends in the testbed. */
static const uint8_t dnsmasq_119[] = {
	4, 'c', 'o', 'r', 'p', 4, 't', 'e', 's', 't', 0, 0xc0, 5,
};
static const uint8_t dnsmasq_120[] = {
	0, 3, 's', 'i', 'p', 4, 'c', 'o', 'r', 'p', 4, 't', 'e', 's', 't', 0,
};
static const char dnsmasq_43[] =
	"\x05\x25/CertProv/CertProvisioningService.svc"
	"\x04\x03" "443" "\x03\x0d" "web.corp.test" "\x02\x05" "https"
	"\x01\x0c" "MS-UC-Client" "\xff";

TEST(dnsmasq_ack_decodes_every_option)
{
	uint8_t buf[1500], mask[] = { 255, 255, 255, 0 }, ip[] = { 10, 77, 0, 1 };
	uint8_t lease[] = { 0, 0, 0x0e, 0x10 };
	struct dhcp_reply r;
	const char *why = NULL;
	size_t len = reply_head(buf, DHCP_ACK);

	len = add(buf, len, 54, ip, 4);
	len = add(buf, len, 51, lease, 4);
	len = add(buf, len, 1, mask, 4);
	len = add(buf, len, 3, ip, 4);
	len = add(buf, len, 6, ip, 4);
	len = add(buf, len, 15, "corp.test", 9);
	len = add(buf, len, 119, dnsmasq_119, sizeof(dnsmasq_119));
	len = add(buf, len, 42, ip, 4);
	len = add(buf, len, 120, dnsmasq_120, sizeof(dnsmasq_120));
	len = add(buf, len, 43, dnsmasq_43, sizeof(dnsmasq_43) - 1);
	buf[len++] = 255;

	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_EQ(DHCP_ACK, r.type);
	EXPECT_EQ(htonl(0x0a4d0096), r.yiaddr);
	EXPECT_EQ(24, r.prefix_len);
	EXPECT_EQ(3600, r.lease_time);
	EXPECT_EQ(1, r.n_routers);
	EXPECT_EQ(1, r.n_dns);
	EXPECT_EQ(1, r.n_ntp);
	EXPECT_STREQ("corp.test", r.domain);
	ASSERT_EQ(2, r.n_search);
	EXPECT_STREQ("corp.test", r.search[0]);
	EXPECT_STREQ("test", r.search[1]);
	ASSERT_TRUE(r.sip.present);
	EXPECT_FALSE(r.sip.are_addresses);
	EXPECT_EQ(1, r.sip.count);
	EXPECT_STREQ("sip.corp.test", r.sip.names[0]);
	ASSERT_TRUE(r.ms_uc.present);
	EXPECT_STREQ("https://web.corp.test:443/CertProv/CertProvisioningService.svc",
		     r.ms_uc.url);
	EXPECT_EQ(0, r.bad_options);
}

/* RFC 3396: a 119 list over 255 bytes split over three instances. */
TEST(split_search_list_is_concatenated)
{
	uint8_t buf[1500], list[700];
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK), n = 0, off;
	char want[DHCP_NAME_MAX];

	for (int i = 0; i < 12; i++) {
		/* 40-char first label, no compression: 52 bytes each */
		list[n++] = 40;
		memset(list + n, 'a' + i, 40);
		n += 40;
		list[n++] = 4;
		memcpy(list + n, "corp", 4);
		n += 4;
		list[n++] = 4;
		memcpy(list + n, "test", 4);
		n += 4;
		list[n++] = 0;
	}
	ASSERT_GT(n, 255);
	for (off = 0; off < n; off += 250)
		len = add(buf, len, 119, list + off, n - off > 250 ? 250 : n - off);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	ASSERT_EQ(12, r.n_search);
	memset(want, 'l', 40);
	strcpy(want + 40, ".corp.test");
	EXPECT_STREQ(want, r.search[11]);
	EXPECT_EQ(0, r.bad_options);
}

/* A pointer in the second instance into the first (RFC 3397 4). */
TEST(pointer_across_split_instances)
{
	uint8_t buf[1500];
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK);

	len = add(buf, len, 119, dnsmasq_119, 11);
	len = add(buf, len, 119, "\x03" "eng\xc0\x00", 6);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	ASSERT_EQ(2, r.n_search);
	EXPECT_STREQ("eng.corp.test", r.search[1]);
}

TEST(bad_pointers_are_refused)
{
	char out[DHCP_NAME_MAX][DHCP_NAME_MAX];
	unsigned int n;
	/* forward */
	static const uint8_t fwd[] = { 0xc0, 2, 4, 'c', 'o', 'r', 'p', 0 };
	/* to itself */
	static const uint8_t self[] = { 4, 'c', 'o', 'r', 'p', 0xc0, 5 };
	/* loop: name at 0 ends in a pointer back to 0 */
	static const uint8_t loop[] = { 1, 'a', 0xc0, 0 };
	/* two names pointing at each other's pointer */
	static const uint8_t loop2[] = { 1, 'a', 0, 1, 'b', 0xc0, 8, 0, 0xc0, 3 };
	/* out of range */
	static const uint8_t range[] = { 1, 'a', 0, 0xc1, 0 };
	/* truncated label and truncated pointer */
	static const uint8_t trunc[] = { 5, 'a', 'b' };
	static const uint8_t trunc_ptr[] = { 1, 'a', 0, 0xc0 };
	/* reserved label type */
	static const uint8_t reserved[] = { 0x41, 'a', 0 };

	EXPECT_EQ(-EINVAL, dhcp_decode_search(fwd, sizeof(fwd), out, 16, &n));
	EXPECT_EQ(-EINVAL, dhcp_decode_search(self, sizeof(self), out, 16, &n));
	EXPECT_EQ(-EINVAL, dhcp_decode_search(loop, sizeof(loop), out, 16, &n));
	EXPECT_EQ(-EINVAL, dhcp_decode_search(loop2, sizeof(loop2), out, 16, &n));
	EXPECT_EQ(-EINVAL, dhcp_decode_search(range, sizeof(range), out, 16, &n));
	EXPECT_EQ(-EINVAL, dhcp_decode_search(trunc, sizeof(trunc), out, 16, &n));
	EXPECT_EQ(-EINVAL,
		  dhcp_decode_search(trunc_ptr, sizeof(trunc_ptr), out, 16, &n));
	EXPECT_EQ(-EINVAL,
		  dhcp_decode_search(reserved, sizeof(reserved), out, 16, &n));
	EXPECT_EQ(0, n);
}

TEST(bad_119_loses_nothing_else)
{
	uint8_t buf[1500];
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_OFFER);

	len = add(buf, len, 119, "\x01" "a\xc0\x00", 4);
	len = add(buf, len, 15, "corp.test", 9);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_EQ(0, r.n_search);
	EXPECT_TRUE(r.bad_options & DHCP_BAD_SEARCH);
	EXPECT_STREQ("corp.test", r.domain);
}

/*
 * A name that opens with a pointer to its own first byte: refused at once.
 * No label is read before the jump, so only the bound on the pointer's
 * target stops the walk; a wrong bound would spin on one packet. The
 * child's own alarm turns a spin into a failure in 2 s, not the harness's
 * 30 s.
 */
TEST(pointer_to_offset_zero_is_refused_at_once)
{
	char out[DHCP_NAME_MAX][DHCP_NAME_MAX];
	static const uint8_t at_zero[] = { 0xc0, 0x00 };
	/* the same after a good name: the pointer's own offset */
	static const uint8_t at_self[] = { 1, 'a', 0, 0xc0, 0x03 };
	/* option 120: offsets count from the encoding byte */
	static const uint8_t sip_self[] = { 0, 0xc0, 0x01 };
	struct dhcp_sip_servers sip;
	uint8_t buf[1500];
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK), pos = 0;
	unsigned int n = 7;

	alarm(2);
	EXPECT_EQ(-EINVAL, dns_name_decode(at_zero, sizeof(at_zero), &pos,
					   out[0]));
	EXPECT_EQ(0, pos);
	EXPECT_EQ(-EINVAL, dhcp_decode_search(at_zero, sizeof(at_zero), out, 16,
					      &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(-EINVAL, dhcp_decode_search(at_self, sizeof(at_self), out, 16,
					      &n));
	EXPECT_EQ(-EINVAL, dhcp_decode_sip(sip_self, sizeof(sip_self), &sip));
	EXPECT_FALSE(sip.present);

	/* in a whole ACK: 119 dropped, the domain and the lease kept */
	len = add(buf, len, 119, at_zero, sizeof(at_zero));
	len = add(buf, len, 15, "corp.test", 9);
	len = add(buf, len, 51, "\0\0\x0e\x10", 4);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_EQ(0, r.n_search);
	EXPECT_TRUE(r.bad_options & DHCP_BAD_SEARCH);
	EXPECT_STREQ("corp.test", r.domain);
	EXPECT_EQ(3600, r.lease_time);
	alarm(0);
}

/*
 * Option 15 is a name (RFC 1035 s2.3.4: labels of 1-63 octets, at most 253
 * characters, no empty label; no label begins or ends with a hyphen): a
 * malformed one is refused with its reason and the rest of the lease kept.
 */
TEST(malformed_domain_is_refused_lease_kept)
{
	static const char *const bad[] = {
		"..", ".corp..test.", "-.-", "corp..test", ".corp.test",
		"corp.-test", "corp.test-", ".",
	};
	char label[256], name[300];
	uint8_t buf[1500], ip[] = { 10, 77, 0, 1 };
	struct dhcp_reply r;
	const char *why;
	size_t len;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) + 2; i++) {
		const char *v = i < sizeof(bad) / sizeof(bad[0]) ? bad[i] : label;

		memset(label, 'a', sizeof(label));
		label[i == sizeof(bad) / sizeof(bad[0]) ? 255 : 64] = '\0';
		len = reply_head(buf, DHCP_ACK);
		len = add(buf, len, 6, ip, 4);
		len = add(buf, len, 15, v, strlen(v));
		buf[len++] = 255;
		ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
		EXPECT_STREQ("", r.domain) TH_LOG("option 15 '%s' taken", v);
		EXPECT_TRUE(r.bad_options & DHCP_BAD_DOMAIN);
		EXPECT_NE(NULL, r.domain_why);
		EXPECT_EQ(1, r.n_dns);
		EXPECT_EQ(htonl(0x0a4d0096), r.yiaddr);
	}

	/* The longest name and label that are still names; a final dot is the root. */
	memset(name, 0, sizeof(name));
	for (int i = 0; i < 4; i++)
		memset(name + i * 64, 'a' + i, 63);
	for (int i = 0; i < 3; i++)
		name[i * 64 + 63] = '.';
	name[253] = '\0';	/* 63+1+63+1+63+1+61 = 253 */
	len = reply_head(buf, DHCP_ACK);
	len = add(buf, len, 15, name, strlen(name));
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_STREQ(name, r.domain);
	EXPECT_EQ(0, r.bad_options);
	name[253] = 'x';	/* 254 characters */
	len = reply_head(buf, DHCP_ACK);
	len = add(buf, len, 15, name, 254);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_STREQ("", r.domain);
	EXPECT_TRUE(r.bad_options & DHCP_BAD_DOMAIN);

	len = reply_head(buf, DHCP_ACK);
	len = add(buf, len, 15, "Corp-1.test.", 12);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_STREQ("Corp-1.test", r.domain);
	EXPECT_EQ(0, r.bad_options);
}

TEST(sip_servers_as_addresses)
{
	static const uint8_t v[] = { 1, 10, 77, 0, 1, 10, 77, 0, 2 };
	static const uint8_t bad[] = { 1, 10, 77, 0 };
	static const uint8_t enc[] = { 2, 1, 'a', 0 };
	struct dhcp_sip_servers s;

	ASSERT_EQ(0, dhcp_decode_sip(v, sizeof(v), &s));
	EXPECT_TRUE(s.are_addresses);
	EXPECT_EQ(2, s.count);
	EXPECT_EQ(htonl(0x0a4d0002), s.addrs[1]);
	EXPECT_EQ(-EINVAL, dhcp_decode_sip(bad, sizeof(bad), &s));
	EXPECT_EQ(-EINVAL, dhcp_decode_sip(enc, sizeof(enc), &s));
}

TEST(ms_uc_any_order_with_or_without_ff)
{
	static const char fwd[] =
		"\x01\x0c" "MS-UC-Client" "\x02\x05" "https"
		"\x03\x0d" "web.corp.test" "\x04\x03" "443"
		"\x05\x25/CertProv/CertProvisioningService.svc";
	struct dhcp_ms_uc uc;

	ASSERT_EQ(0, dhcp_decode_ms_uc((const uint8_t *)fwd, sizeof(fwd) - 1,
				       &uc));
	EXPECT_STREQ("https://web.corp.test:443/CertProv/CertProvisioningService.svc",
		     uc.url);
	ASSERT_EQ(0, dhcp_decode_ms_uc((const uint8_t *)dnsmasq_43,
				       sizeof(dnsmasq_43) - 1, &uc));
	EXPECT_STREQ("web.corp.test", uc.fqdn);
	/* truncated TLV, foreign identifier, non-digit port */
	EXPECT_EQ(-EINVAL, dhcp_decode_ms_uc((const uint8_t *)fwd, 20, &uc));
	EXPECT_EQ(-EINVAL, dhcp_decode_ms_uc(
		(const uint8_t *)"\x01\x03" "CPE\x02\x01h\x03\x01w\x05\x01/",
		14, &uc));
	EXPECT_EQ(-EINVAL, dhcp_decode_ms_uc(
		(const uint8_t *)"\x02\x01h\x03\x01w\x04\x01x\x05\x01/", 12, &uc));
}

/*
 * Sub-options the phone does not read (codes other than 1-5) before, between
 * and after the ones it does, with pad bytes: skipped whole, value and all.
 * Their values hold bytes that read like sub-options 2 and 5, so a parser
 * that stepped over the code alone, or stopped at them, would not find the
 * URL below.
 */
TEST(ms_uc_skips_foreign_sub_options_and_pads)
{
	static const char v[] =
		"\x00\x00"
		"\x06\x06" "\x05\x01/\x02\x01x"
		"\x01\x0c" "MS-UC-Client"
		"\xfa\x00"
		"\x02\x05" "https"
		"\x00"
		"\x2b\x04" "\x03\x02" "ab"
		"\x03\x0d" "web.corp.test"
		"\x00\x00\x00"
		"\x04\x03" "443"
		"\x07\x03" "\x05\x01/"
		"\x05\x25/CertProv/CertProvisioningService.svc"
		"\x80\x02" "\xff\xff"
		"\x00"
		"\xff";
	uint8_t buf[1500];
	struct dhcp_ms_uc uc;
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK);

	ASSERT_EQ(0, dhcp_decode_ms_uc((const uint8_t *)v, sizeof(v) - 1, &uc));
	EXPECT_TRUE(uc.present);
	EXPECT_STREQ("MS-UC-Client", uc.identifier);
	EXPECT_STREQ("web.corp.test", uc.fqdn);
	EXPECT_STREQ("https://web.corp.test:443/CertProv/CertProvisioningService.svc",
		     uc.url);

	/* the same through a whole ACK, nothing reported bad */
	len = add(buf, len, 43, v, sizeof(v) - 1);
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	ASSERT_TRUE(r.ms_uc.present);
	EXPECT_STREQ("https://web.corp.test:443/CertProv/CertProvisioningService.svc",
		     r.ms_uc.url);
	EXPECT_EQ(0, r.bad_options);
}

TEST(overloaded_file_field_is_read)
{
	uint8_t buf[1500], ov = 1;
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK);

	len = add(buf, len, 52, &ov, 1);
	len = add(buf, len, 15, "corp", 4);
	buf[len++] = 255;
	/* the rest of option 15 in the file field */
	buf[108] = 15;
	buf[109] = 5;
	memcpy(buf + 110, ".test", 5);
	buf[115] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_STREQ("corp.test", r.domain);
}

TEST(unusable_messages_are_refused)
{
	uint8_t buf[1500];
	struct dhcp_reply r;
	const char *why = NULL;
	size_t len = reply_head(buf, DHCP_ACK);

	EXPECT_EQ(-EINVAL, dhcp_parse(buf, 100, &r, &why));
	EXPECT_NE(NULL, why);
	buf[242] = 9;
	EXPECT_EQ(-EINVAL, dhcp_parse(buf, len, &r, &why));
	buf[242] = DHCP_ACK;
	buf[241] = 200;		/* overruns the message */
	EXPECT_EQ(-EINVAL, dhcp_parse(buf, len, &r, &why));
	buf[241] = 1;
	buf[236] = 0;
	EXPECT_EQ(-EINVAL, dhcp_parse(buf, len, &r, &why));
}

TEST(discover_carries_the_asked_options)
{
	struct dhcp_build b = {
		.type = DHCP_DISCOVER, .xid = 0x11223344,
		.mac = { 2, 0, 0, 0, 0, 1 }, .vendor_class = "MS-UC-Client",
	};
	uint8_t buf[1500];
	int n = dhcp_build(&b, buf, sizeof(buf));
	const uint8_t *p;
	bool seen60 = false, seen55 = false, seen61 = false;

	ASSERT_GE(n, DHCP_MIN_LEN);
	EXPECT_EQ(1, buf[0]);
	for (p = buf + 240; *p != 255; p += 2 + p[1]) {
		if (p[0] == 60) {
			seen60 = true;
			EXPECT_EQ(0, memcmp(p + 2, "MS-UC-Client", 12));
		}
		if (p[0] == 55) {
			seen55 = true;
			EXPECT_NE(NULL, memchr(p + 2, 119, p[1]));
			EXPECT_NE(NULL, memchr(p + 2, 120, p[1]));
			EXPECT_NE(NULL, memchr(p + 2, 43, p[1]));
			EXPECT_NE(NULL, memchr(p + 2, 42, p[1]));
		}
		if (p[0] == 61)
			seen61 = p[1] == 7 && p[2] == 1;
	}
	EXPECT_TRUE(seen55 && seen60 && seen61);
	EXPECT_EQ(-ENOBUFS, dhcp_build(&b, buf, 100));
}

/* dnsmasq with an overriding dhcp-option=51 sends two instances. */
TEST(repeated_lease_time_takes_the_shortest)
{
	uint8_t buf[1500], hour[] = { 0, 0, 0x0e, 0x10 }, twenty[] = { 0, 0, 0, 20 };
	struct dhcp_reply r;
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK);

	len = add(buf, len, 51, hour, 4);
	len = add(buf, len, 51, twenty, 4);
	len = add(buf, len, 58, "\0\0\0", 3);	/* malformed: ignored */
	buf[len++] = 255;
	ASSERT_EQ(0, dhcp_parse(buf, len, &r, &why));
	EXPECT_EQ(20, r.lease_time);
	EXPECT_EQ(0, r.t1);
}

/* An ACK with option 51 and, where given, 58 and 59; times in seconds. */
static void lease_ack(uint32_t lease, uint32_t t1, uint32_t t2,
		      struct dhcp_reply *r)
{
	uint8_t buf[1500], v[4];
	const char *why;
	size_t len = reply_head(buf, DHCP_ACK);
	const uint32_t opts[][2] = { { 51, lease }, { 58, t1 }, { 59, t2 } };

	for (size_t i = 0; i < 3; i++) {
		if (!opts[i][1])
			continue;
		v[0] = (uint8_t)(opts[i][1] >> 24);
		v[1] = (uint8_t)(opts[i][1] >> 16);
		v[2] = (uint8_t)(opts[i][1] >> 8);
		v[3] = (uint8_t)opts[i][1];
		len = add(buf, len, (uint8_t)opts[i][0], v, 4);
	}
	buf[len++] = 255;
	memset(r, 0xa5, sizeof(*r));
	if (dhcp_parse(buf, len, r, &why) < 0)
		memset(r, 0, sizeof(*r));
}

/*
 * RFC 2131 4.4.5: without options 58 and 59 the phone renews at 0.5 and
 * rebinds at 0.875 of the lease. dnsmasq always sends both, so only this
 * test sees the defaults.
 */
TEST(lease_times_without_58_59_are_half_and_seven_eighths)
{
	struct dhcp_lease_times t;
	struct dhcp_reply r;

	lease_ack(1000, 0, 0, &r);
	ASSERT_EQ(1000, r.lease_time);
	ASSERT_EQ(0, r.t1);
	ASSERT_EQ(0, r.t2);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(500, t.renew);
	EXPECT_EQ(875, t.rebind);
	EXPECT_EQ(1000, t.expiry);

	/* the testbed's short lease, and one that does not divide evenly */
	lease_ack(20, 0, 0, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(10, t.renew);
	EXPECT_EQ(17, t.rebind);
	EXPECT_EQ(20, t.expiry);
	lease_ack(7, 0, 0, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(3, t.renew);
	EXPECT_EQ(6, t.rebind);

	/* "infinite" (0xffffffff): 7/8 without wrapping */
	lease_ack(0xffffffffu, 0, 0, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(2147483647u, t.renew);
	EXPECT_EQ(3758096383u, t.rebind);
	EXPECT_EQ(0xffffffffu, t.expiry);

	/* no option 51 at all: an hour */
	lease_ack(0, 0, 0, &r);
	ASSERT_EQ(0, r.lease_time);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(1800, t.renew);
	EXPECT_EQ(3150, t.rebind);
	EXPECT_EQ(3600, t.expiry);
}

TEST(lease_times_follow_58_59_inside_the_lease)
{
	struct dhcp_lease_times t;
	struct dhcp_reply r;

	lease_ack(1000, 300, 600, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(300, t.renew);
	EXPECT_EQ(600, t.rebind);

	/* one of the two sent: the other at its default */
	lease_ack(1000, 300, 0, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(300, t.renew);
	EXPECT_EQ(875, t.rebind);
	lease_ack(1000, 0, 950, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(500, t.renew);
	EXPECT_EQ(950, t.rebind);

	/* at or past the lease's end: ignored */
	lease_ack(1000, 1000, 2000, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(500, t.renew);
	EXPECT_EQ(875, t.rebind);

	/* T2 before T1: rebinding waits for renewing */
	lease_ack(1000, 900, 100, &r);
	dhcp_lease_times(&r, &t);
	EXPECT_EQ(900, t.renew);
	EXPECT_EQ(900, t.rebind);
}

TEST(mask_prefix)
{
	EXPECT_EQ(24, dhcp_mask_prefix(htonl(0xffffff00)));
	EXPECT_EQ(0, dhcp_mask_prefix(0));
	EXPECT_EQ(32, dhcp_mask_prefix(0xffffffff));
	EXPECT_EQ(-1, dhcp_mask_prefix(htonl(0xff00ff00)));
}

TEST_HARNESS_MAIN
