// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-srtp.ko through the real packet path: two UDP sockets on
 * loopback, one of them handed to the kernel with UCPHONE_CMD_SRTP_NEW, the
 * other speaking SRTP through libsrtp2. Checks the libsrtp2 reference
 * packets (RFC 3711 B.3 keys), byte-for-byte interop in both directions for
 * every AES-CM suite across a sequence number wrap, AES-GCM (RFC 7714)
 * against an OpenSSL implementation, replays, reordering,
 * late and tampered packets, re-keying, SRTCP, bad netlink input, a random
 * request storm and unload. Runs as root inside the test VM.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/ucphone.h>
#include <openssl/evp.h>
#include <srtp2/srtp.h>

#include "kselftest_harness.h"
#include "ksft_util.h"
#include "nltest.h"

#define NOBODY 65534
#define PKT_MAX 1600

/* libsrtp2's reference packet keys: the RFC 3711 B.3 master key and salt. */
static const uint8_t key128[30] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c,
	0x06, 0xde, 0x41, 0x39, 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
	0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};

static const uint8_t key256[46] = {
	0xf0, 0xf0, 0x49, 0x14, 0xb5, 0x13, 0xf2, 0x76, 0x3a, 0x1b, 0x1f, 0xa1,
	0x30, 0xf1, 0x0e, 0x29, 0x98, 0xf6, 0xf6, 0xe4, 0x3e, 0x43, 0x09, 0xd1,
	0xe6, 0x22, 0xa0, 0xe3, 0x32, 0xb9, 0xf1, 0xb6, 0x3b, 0x04, 0x80, 0x3d,
	0xe5, 0x1e, 0xe7, 0xc9, 0x64, 0x23, 0xab, 0x5b, 0x78, 0xd2,
};

static const uint8_t rekey128[30] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
	0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
};

static const uint8_t ref_rtp[] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab,
};

static const uint8_t ref_srtp[] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
	0x4e, 0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15,
	0x94, 0x9d, 0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b,
	0x8d, 0xbb,
};

static const uint8_t ref_rtcp[] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};

static const uint8_t ref_srtcp[] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0x71, 0x28, 0x03, 0x5b,
	0xe4, 0x87, 0xb9, 0xbd, 0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8,
	0x80, 0x00, 0x00, 0x01, 0x99, 0x3e, 0x08, 0xcd, 0x54, 0xd6, 0xc1, 0x23,
	0x07, 0x98,
};

struct stats {
	uint32_t roc, srtcp_index;
	uint16_t seq;
	uint64_t packets, bytes, auth_failures, replays, malformed, rtcp_packets;
	uint64_t bad_mki;
	uint8_t mki[UCPHONE_SRTP_MKI_MAX];
	size_t mki_len;
};

/* Two UDP sockets on loopback, connected to each other. */
static int udp_pair(int fds[2])
{
	struct sockaddr_in addr[2];
	socklen_t len = sizeof(addr[0]);
	int i;

	for (i = 0; i < 2; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&addr[i], 0, sizeof(addr[i]));
		addr[i].sin_family = AF_INET;
		addr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fds[i] < 0 || bind(fds[i], (void *)&addr[i], sizeof(addr[i])) ||
		    getsockname(fds[i], (void *)&addr[i], &len))
			return -1;
	}
	if (connect(fds[0], (void *)&addr[1], sizeof(addr[1])) ||
	    connect(fds[1], (void *)&addr[0], sizeof(addr[0])))
		return -1;
	return 0;
}

/* One datagram within 200 ms; -1 when none came. */
static int recv_one(int fd, uint8_t *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 200) != 1)
		return -1;
	return recv(fd, buf, size, MSG_DONTWAIT);
}

static bool nothing_queued(int fd)
{
	uint8_t buf[PKT_MAX];

	return recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc, size_t payload)
{
	size_t i;

	buf[0] = 0x80;
	buf[1] = 0x00;		/* PCMU */
	buf[2] = seq >> 8;
	buf[3] = seq;
	buf[4] = buf[5] = buf[6] = 0;
	buf[7] = seq & 0x7f;	/* timestamp */
	buf[8] = ssrc >> 24;
	buf[9] = ssrc >> 16;
	buf[10] = ssrc >> 8;
	buf[11] = ssrc;
	for (i = 0; i < payload; i++)
		buf[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + payload;
}

static size_t make_rtcp(uint8_t *buf, uint32_t ssrc, uint8_t fill)
{
	size_t len = 28, i;

	buf[0] = 0x80;
	buf[1] = 200;		/* SR */
	buf[2] = 0;
	buf[3] = len / 4 - 1;
	buf[4] = ssrc >> 24;
	buf[5] = ssrc >> 16;
	buf[6] = ssrc >> 8;
	buf[7] = ssrc;
	for (i = 8; i < len; i++)
		buf[i] = fill + i;
	return len;
}

static size_t master_key_len(uint32_t suite)
{
	return suite == UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80 ||
	       suite == UCPHONE_SRTP_AEAD_AES_256_GCM ? 32 : 16;
}

static bool is_gcm(uint32_t suite)
{
	return suite == UCPHONE_SRTP_AEAD_AES_128_GCM ||
	       suite == UCPHONE_SRTP_AEAD_AES_256_GCM;
}

/* libsrtp2 at the other end, with an MKI when @mki_len; NULL on failure. */
static srtp_t lib_session_mki(uint32_t suite, const uint8_t *keysalt,
			      bool inbound, uint32_t ssrc, const uint8_t *mki,
			      unsigned int mki_len)
{
	srtp_master_key_t master = {
		.key = (unsigned char *)keysalt,
		.mki_id = (unsigned char *)mki, .mki_size = mki_len,
	};
	srtp_master_key_t *keys[1] = { &master };
	srtp_policy_t policy;
	srtp_t session;

	memset(&policy, 0, sizeof(policy));
	switch (suite) {
	case UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
		srtp_crypto_policy_set_rtp_default(&policy.rtcp);
		break;
	case UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy.rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy.rtcp);
		break;
	default:
		srtp_crypto_policy_set_rtp_default(&policy.rtp);
		srtp_crypto_policy_set_rtp_default(&policy.rtcp);
	}
	policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_specific;
	policy.ssrc.value = ssrc;
	if (mki_len) {
		policy.keys = keys;
		policy.num_master_keys = 1;
	} else {
		policy.key = (unsigned char *)keysalt;
	}
	policy.window_size = 128;
	if (srtp_create(&session, &policy) != srtp_err_status_ok)
		return NULL;
	return session;
}

static srtp_t lib_session(uint32_t suite, const uint8_t *keysalt, bool inbound,
			  uint32_t ssrc)
{
	return lib_session_mki(suite, keysalt, inbound, ssrc, NULL, 0);
}

FIXTURE(srtp) {
	int nl;
	uint16_t family;
	int fds[2];		/* [0] the kernel's, [1] libsrtp2's */
	struct nlt_msg msg;
	struct nlt_reply reply;
};

FIXTURE_VARIANT(srtp) {
	uint32_t suite;
	const uint8_t *keysalt;
};

FIXTURE_VARIANT_ADD(srtp, aes_cm_128_hmac_sha1_80) {
	.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,
	.keysalt = key128,
};

FIXTURE_VARIANT_ADD(srtp, aes_cm_128_hmac_sha1_32) {
	.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32,
	.keysalt = key128,
};

FIXTURE_VARIANT_ADD(srtp, aes_256_cm_hmac_sha1_80) {
	.suite = UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80,
	.keysalt = key256,
};

FIXTURE_SETUP(srtp)
{
	ASSERT_EQ(srtp_err_status_ok, srtp_init());
	if (!ksft_module_loaded("ucphone_srtp"))
		ASSERT_EQ(0, ksft_sh("modprobe ucphone-srtp"));
	self->nl = nlt_open();
	ASSERT_LE(0, self->nl);
	ASSERT_EQ(0, nlt_resolve(self->nl, UCPHONE_GENL_NAME, &self->family,
				 NULL, NULL));
	ASSERT_EQ(0, udp_pair(self->fds));
}

FIXTURE_TEARDOWN(srtp)
{
	close(self->fds[0]);
	close(self->fds[1]);
	close(self->nl);
}

struct new_args {
	int fd;
	uint32_t dir, suite;
	const uint8_t *keysalt;
	size_t key_len, salt_len;
	int64_t ssrc;		/* -1: any */
	uint32_t flags, id;
	uint32_t window;	/* 0: the default */
	const uint8_t *mki;
	size_t mki_len;
};

static void put_new(struct nlt_msg *msg, uint16_t family,
		    const struct new_args *a)
{
	size_t nest;

	nlt_init(msg, family, UCPHONE_CMD_SRTP_NEW, 0);
	nest = nlt_nest_start(msg, UCPHONE_A_SRTP);
	nlt_put_u32(msg, UCPHONE_SRTP_A_FD, a->fd);
	nlt_put_u32(msg, UCPHONE_SRTP_A_DIRECTION, a->dir);
	nlt_put_u32(msg, UCPHONE_SRTP_A_SUITE, a->suite);
	nlt_put(msg, UCPHONE_SRTP_A_MASTER_KEY, a->keysalt, a->key_len);
	if (a->salt_len)
		nlt_put(msg, UCPHONE_SRTP_A_MASTER_SALT, a->keysalt + a->key_len,
			a->salt_len);
	if (a->ssrc >= 0)
		nlt_put_u32(msg, UCPHONE_SRTP_A_SSRC, a->ssrc);
	if (a->flags)
		nlt_put_u32(msg, UCPHONE_SRTP_A_FLAGS, a->flags);
	if (a->id)
		nlt_put_u32(msg, UCPHONE_SRTP_A_ID, a->id);
	if (a->window)
		nlt_put_u32(msg, UCPHONE_SRTP_A_WINDOW, a->window);
	if (a->mki_len)
		nlt_put(msg, UCPHONE_SRTP_A_MKI, a->mki, a->mki_len);
	nlt_nest_end(msg, nest);
}

/* The new session's id, or -errno. */
static int new_session(struct _test_data_srtp *self, int fd, uint32_t dir,
		       uint32_t suite, const uint8_t *keysalt, int64_t ssrc)
{
	struct new_args a = {
		.fd = fd, .dir = dir, .suite = suite, .keysalt = keysalt,
		.key_len = master_key_len(suite), .salt_len = is_gcm(suite) ? 12 : 14,
		.ssrc = ssrc,
	};
	const struct nlattr *nest;
	int ret;

	put_new(&self->msg, self->family, &a);
	ret = nlt_request(self->nl, &self->msg, &self->reply);
	if (ret)
		return ret;
	nest = nlt_msg_attr(&self->reply, UCPHONE_A_SRTP);
	if (!nest || !nlt_nest_attr(nest, UCPHONE_SRTP_A_ID))
		return -EPROTO;
	return nlt_u32(nlt_nest_attr(nest, UCPHONE_SRTP_A_ID));
}

static uint64_t stat_u64(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *attr = nlt_nest_attr(nest, type);

	return attr ? nlt_u64(attr) : UINT64_MAX;
}

static int get_session(struct _test_data_srtp *self, uint32_t id,
		       struct stats *st)
{
	const struct nlattr *nest, *stats;
	size_t n;
	int ret;

	nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_GET, 0);
	n = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
	nlt_put_u32(&self->msg, UCPHONE_SRTP_A_ID, id);
	nlt_nest_end(&self->msg, n);
	ret = nlt_request(self->nl, &self->msg, &self->reply);
	if (ret)
		return ret;
	nest = nlt_msg_attr(&self->reply, UCPHONE_A_SRTP);
	stats = nest ? nlt_nest_attr(nest, UCPHONE_SRTP_A_STATS) : NULL;
	if (!stats || !nlt_nest_attr(nest, UCPHONE_SRTP_A_ROC) ||
	    nlt_nest_attr(nest, UCPHONE_SRTP_A_MASTER_KEY) ||
	    nlt_nest_attr(nest, UCPHONE_SRTP_A_MASTER_SALT))
		return -EPROTO;
	st->roc = nlt_u32(nlt_nest_attr(nest, UCPHONE_SRTP_A_ROC));
	st->seq = nlt_u16(nlt_nest_attr(nest, UCPHONE_SRTP_A_SEQ));
	st->srtcp_index = nlt_u32(nlt_nest_attr(nest, UCPHONE_SRTP_A_SRTCP_INDEX));
	st->packets = stat_u64(stats, UCPHONE_SRTP_STATS_A_PACKETS);
	st->bytes = stat_u64(stats, UCPHONE_SRTP_STATS_A_BYTES);
	st->auth_failures = stat_u64(stats, UCPHONE_SRTP_STATS_A_AUTH_FAILURES);
	st->replays = stat_u64(stats, UCPHONE_SRTP_STATS_A_REPLAYS);
	st->malformed = stat_u64(stats, UCPHONE_SRTP_STATS_A_MALFORMED);
	st->rtcp_packets = stat_u64(stats, UCPHONE_SRTP_STATS_A_RTCP_PACKETS);
	st->bad_mki = stat_u64(stats, UCPHONE_SRTP_STATS_A_BAD_MKI);
	st->mki_len = 0;
	if (nlt_nest_attr(nest, UCPHONE_SRTP_A_MKI)) {
		const struct nlattr *mki = nlt_nest_attr(nest, UCPHONE_SRTP_A_MKI);

		st->mki_len = mki->nla_len - NLA_HDRLEN;
		if (st->mki_len > sizeof(st->mki))
			return -EPROTO;
		memcpy(st->mki, (const uint8_t *)mki + NLA_HDRLEN, st->mki_len);
	}
	return 0;
}

/* libsrtp2's reference packet, protected by the kernel: same bytes. */
TEST_F(srtp, reference_packet_protected_by_kernel)
{
	uint8_t buf[PKT_MAX];
	struct stats st;
	int id;

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "the reference packet is AES_CM_128_HMAC_SHA1_80");
	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
			 variant->suite, key128, 0xcafebabe);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	ASSERT_EQ(sizeof(ref_rtp), send(self->fds[0], ref_rtp, sizeof(ref_rtp), 0));
	ASSERT_EQ(sizeof(ref_srtp), recv_one(self->fds[1], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, ref_srtp, sizeof(ref_srtp)));
	/* SRTCP: the index starts at 0 here (RFC 3711 3.3.2), at 1 in libsrtp2. */
	ASSERT_EQ(sizeof(ref_rtcp), send(self->fds[0], ref_rtcp, sizeof(ref_rtcp), 0));
	ASSERT_EQ(sizeof(ref_srtcp), recv_one(self->fds[1], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, ref_rtcp, 8));
	EXPECT_EQ(0x80, buf[24]);
	EXPECT_EQ(0, buf[27]);
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(1, st.packets);
	EXPECT_EQ(sizeof(ref_rtp), st.bytes);
	EXPECT_EQ(0x1234, st.seq);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(1, st.srtcp_index);
}

/* libsrtp2's reference SRTP and SRTCP packets, unprotected by the kernel. */
TEST_F(srtp, reference_packet_unprotected_by_kernel)
{
	uint8_t buf[PKT_MAX];
	struct stats st;
	int id;

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "the reference packet is AES_CM_128_HMAC_SHA1_80");
	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
			 variant->suite, key128, -1);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	ASSERT_EQ(sizeof(ref_srtp), send(self->fds[1], ref_srtp, sizeof(ref_srtp), 0));
	ASSERT_EQ(sizeof(ref_rtp), recv_one(self->fds[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, ref_rtp, sizeof(ref_rtp)));
	ASSERT_EQ(sizeof(ref_srtcp), send(self->fds[1], ref_srtcp, sizeof(ref_srtcp), 0));
	ASSERT_EQ(sizeof(ref_rtcp), recv_one(self->fds[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, ref_rtcp, sizeof(ref_rtcp)));
	/* The same two again: replays, dropped. */
	send(self->fds[1], ref_srtp, sizeof(ref_srtp), 0);
	send(self->fds[1], ref_srtcp, sizeof(ref_srtcp), 0);
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_TRUE(nothing_queued(self->fds[0]));
	EXPECT_EQ(1, st.packets);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(2, st.replays);
	EXPECT_EQ(0xcafebabe & 0, st.roc);
}

/* libsrtp2 protects, the kernel unprotects, across ROC 0 -> 1. */
TEST_F(srtp, libsrtp_to_kernel_across_wrap)
{
	uint8_t plain[PKT_MAX], wire[PKT_MAX], got[PKT_MAX];
	srtp_t lib;
	struct stats st;
	int id, i, len, n;

	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
			 variant->suite, variant->keysalt, -1);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	lib = lib_session(variant->suite, variant->keysalt, false, 0x12345678);
	ASSERT_NE(NULL, lib);
	for (i = 0; i < 20; i++) {
		len = make_rtp(plain, 65530 + i, 0x12345678, 160 + i);
		memcpy(wire, plain, len);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, wire, &len));
		ASSERT_EQ(len, send(self->fds[1], wire, len, 0));
		n = recv_one(self->fds[0], got, sizeof(got));
		ASSERT_EQ(172 + i, n);
		ASSERT_EQ(0, memcmp(got, plain, n));
	}
	for (i = 0; i < 3; i++) {
		len = make_rtcp(plain, 0x12345678, i);
		memcpy(wire, plain, len);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect_rtcp(lib, wire, &len));
		ASSERT_EQ(len, send(self->fds[1], wire, len, 0));
		n = recv_one(self->fds[0], got, sizeof(got));
		ASSERT_EQ(28, n);
		ASSERT_EQ(0, memcmp(got, plain, n));
	}
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(20, st.packets);
	EXPECT_EQ(1, st.roc);
	EXPECT_EQ(13, st.seq);
	EXPECT_EQ(3, st.rtcp_packets);
	EXPECT_EQ(0, st.auth_failures + st.replays + st.malformed);
	srtp_dealloc(lib);
}

/* The kernel protects: byte-for-byte what libsrtp2 makes, and it unprotects. */
TEST_F(srtp, kernel_to_libsrtp_across_wrap)
{
	uint8_t plain[PKT_MAX], ref[PKT_MAX], got[PKT_MAX];
	srtp_t tx, rx;
	struct stats st;
	int id, i, len, n;

	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
			 variant->suite, variant->keysalt, 0x0badcafe);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	tx = lib_session(variant->suite, variant->keysalt, false, 0x0badcafe);
	rx = lib_session(variant->suite, variant->keysalt, true, 0);
	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, rx);
	for (i = 0; i < 20; i++) {
		len = make_rtp(plain, 65525 + i, 0x0badcafe, 1188 - 50 * i);
		memcpy(ref, plain, len);
		ASSERT_EQ(len, send(self->fds[0], plain, len, 0));
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(tx, ref, &len));
		n = recv_one(self->fds[1], got, sizeof(got));
		ASSERT_EQ(len, n);
		ASSERT_EQ(0, memcmp(got, ref, n));
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect(rx, got, &n));
		ASSERT_EQ(0, memcmp(got, plain, n));
	}
	for (i = 0; i < 3; i++) {
		len = make_rtcp(plain, 0x0badcafe, i);
		ASSERT_EQ(len, send(self->fds[0], plain, len, 0));
		n = recv_one(self->fds[1], got, sizeof(got));
		ASSERT_EQ(len + 14, n);
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect_rtcp(rx, got, &n));
		ASSERT_EQ(len, n);
		ASSERT_EQ(0, memcmp(got, plain, n));
	}
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(20, st.packets);
	EXPECT_EQ(1, st.roc);
	EXPECT_EQ(3, st.rtcp_packets);
	EXPECT_EQ(3, st.srtcp_index);
	srtp_dealloc(tx);
	srtp_dealloc(rx);
}

/*
 * Inside the window reordering is fine; exact replays, packets older than
 * the window and flipped bits are dropped and counted.
 */
TEST_F(srtp, replay_reorder_late_tamper)
{
	static const int order[] = { 1, 2, 4, 3, 3, 300, 100, 250, 251, 252, 251, 300 };
	uint8_t wire[300][64], got[PKT_MAX];
	int wire_len[300];
	srtp_t lib;
	struct stats st;
	int id, i, len, delivered = 0;

	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
			 variant->suite, variant->keysalt, 0x600d600d);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	lib = lib_session(variant->suite, variant->keysalt, false, 0x600d600d);
	ASSERT_NE(NULL, lib);
	for (i = 1; i < 300; i++) {
		len = make_rtp(wire[i], i, 0x600d600d, 20);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, wire[i], &len));
		wire_len[i] = len;
	}
	/* Packet 300 is protected last so libsrtp2's own state stays ordered. */
	for (i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++) {
		int seq = order[i] == 300 ? 299 : order[i];
		uint8_t pkt[64];

		memcpy(pkt, wire[seq], wire_len[seq]);
		if (i == 8)
			pkt[14] ^= 0x01;		/* payload bit */
		if (i == 9)
			pkt[wire_len[seq] - 1] ^= 0x80;	/* tag bit */
		send(self->fds[1], pkt, wire_len[seq], 0);
		if (recv_one(self->fds[0], got, sizeof(got)) == 32) {
			EXPECT_EQ(seq >> 8, got[2]);
			EXPECT_EQ(seq & 0xff, got[3]);
			delivered++;
		}
	}
	/* Delivered: 1 2 4 3 299 250 251; dropped: 3 again, 100, two tampered, 251, 299. */
	EXPECT_EQ(7, delivered);
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(7, st.packets);
	EXPECT_EQ(3, st.replays);
	EXPECT_EQ(2, st.auth_failures);
	EXPECT_EQ(299, st.seq);
	srtp_dealloc(lib);
}

/*
 * The edge of the replay window (RFC 3711 3.3.2): with newest index N and
 * a window of W, index N - W is one window behind and refused (counted as
 * a replay) even though never seen; N - W + 1, never seen either, is the
 * oldest still accepted. libsrtp2 draws the line at the same place. For
 * the default window, ones set with UCPHONE_SRTP_A_WINDOW, and SRTCP's
 * fixed 128. A window that is no power of two (1000) is the one that
 * tells: the bitmap's size is a power of two, so with W = 64 or 128 index
 * N - W shares N's bit, which hides a bound off by one.
 */
TEST_F(srtp, replay_window_edge)
{
	static const uint32_t windows[] = { 0, 64, 1000 };
	uint8_t wire[3][PKT_MAX], got[PKT_MAX];
	int wire_len[3], fds[2], id, i, j, len;
	struct stats st;
	srtp_t lib;

	for (i = 0; i < (int)(sizeof(windows) / sizeof(windows[0])); i++) {
		uint32_t w = windows[i] ? windows[i] : 128;
		const uint16_t newest = 2000;
		const uint16_t seqs[3] = { newest - w, newest - w + 1, newest };
		struct new_args a = {
			.dir = UCPHONE_SRTP_DIR_RX, .suite = variant->suite,
			.keysalt = variant->keysalt,
			.key_len = master_key_len(variant->suite),
			.salt_len = 14, .ssrc = 0x5eed, .window = windows[i],
		};
		const struct nlattr *nest;

		ASSERT_EQ(0, udp_pair(fds));
		a.fd = fds[0];
		put_new(&self->msg, self->family, &a);
		ASSERT_EQ(0, nlt_request(self->nl, &self->msg, &self->reply))
			TH_LOG("%s", self->reply.extack);
		nest = nlt_msg_attr(&self->reply, UCPHONE_A_SRTP);
		ASSERT_NE(NULL, nest);
		id = nlt_u32(nlt_nest_attr(nest, UCPHONE_SRTP_A_ID));
		lib = lib_session(variant->suite, variant->keysalt, false, 0x5eed);
		ASSERT_NE(NULL, lib);
		/* libsrtp2 protects in order; the wire sees the newest first. */
		for (j = 0; j < 3; j++) {
			len = make_rtp(wire[j], seqs[j], 0x5eed, 40);
			ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, wire[j], &len));
			wire_len[j] = len;
		}
		send(fds[1], wire[2], wire_len[2], 0);
		ASSERT_EQ(52, recv_one(fds[0], got, sizeof(got)));
		/* Exactly one window behind the newest: late, refused. */
		send(fds[1], wire[0], wire_len[0], 0);
		EXPECT_EQ(-1, recv_one(fds[0], got, sizeof(got)))
			TH_LOG("window %u: index newest - %u was accepted", w, w);
		ASSERT_EQ(0, get_session(self, id, &st));
		EXPECT_EQ(1, st.replays);
		EXPECT_EQ(1, st.packets);
		/* One less than that: inside, never seen, accepted. */
		send(fds[1], wire[1], wire_len[1], 0);
		EXPECT_EQ(52, recv_one(fds[0], got, sizeof(got)))
			TH_LOG("window %u: index newest - %u was refused", w, w - 1);
		EXPECT_EQ(seqs[1] >> 8, got[2]);
		EXPECT_EQ(seqs[1] & 0xff, got[3]);
		/* ... once. */
		send(fds[1], wire[1], wire_len[1], 0);
		EXPECT_EQ(-1, recv_one(fds[0], got, sizeof(got)));
		ASSERT_EQ(0, get_session(self, id, &st));
		EXPECT_EQ(2, st.packets);
		EXPECT_EQ(2, st.replays);
		EXPECT_EQ(0, st.auth_failures + st.malformed);
		EXPECT_EQ(newest, st.seq);
		srtp_dealloc(lib);
		close(fds[0]);
		close(fds[1]);
	}

	/* SRTCP: libsrtp2 numbers its packets from 1; keep 72, 73 and 200. */
	ASSERT_EQ(0, udp_pair(fds));
	id = new_session(self, fds[0], UCPHONE_SRTP_DIR_RX, variant->suite,
			 variant->keysalt, -1);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	lib = lib_session(variant->suite, variant->keysalt, false, 0x5eed);
	ASSERT_NE(NULL, lib);
	for (j = 1; j <= 200; j++) {
		uint8_t *buf = j == 72 ? wire[0] : j == 73 ? wire[1] : wire[2];

		len = make_rtcp(buf, 0x5eed, j);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect_rtcp(lib, buf, &len));
		wire_len[j == 72 ? 0 : j == 73 ? 1 : 2] = len;
	}
	send(fds[1], wire[2], wire_len[2], 0);
	ASSERT_EQ(28, recv_one(fds[0], got, sizeof(got)));
	send(fds[1], wire[0], wire_len[0], 0);
	EXPECT_EQ(-1, recv_one(fds[0], got, sizeof(got)))
		TH_LOG("SRTCP index 200 - 128 was accepted");
	send(fds[1], wire[1], wire_len[1], 0);
	EXPECT_EQ(28, recv_one(fds[0], got, sizeof(got)))
		TH_LOG("SRTCP index 200 - 127 was refused");
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(2, st.rtcp_packets);
	EXPECT_EQ(1, st.replays);
	EXPECT_EQ(200, st.srtcp_index);
	srtp_dealloc(lib);
	close(fds[0]);
	close(fds[1]);
}

/* The MKI each variant tries: OCS's one byte, and the longest, and two. */
static size_t variant_mki(uint32_t suite, uint8_t *mki)
{
	static const uint8_t bytes[UCPHONE_SRTP_MKI_MAX] = { 0x01, 0xa5, 0x5a, 0x7e };

	memcpy(mki, bytes, sizeof(bytes));
	return suite == UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80 ? 1 :
	       suite == UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32 ? UCPHONE_SRTP_MKI_MAX : 2;
}

/* A session with an MKI; its id or -errno. */
static int new_mki_session(struct _test_data_srtp *self, int fd, uint32_t dir,
			   uint32_t suite, const uint8_t *keysalt, int64_t ssrc,
			   const uint8_t *mki, size_t mki_len)
{
	struct new_args a = {
		.fd = fd, .dir = dir, .suite = suite, .keysalt = keysalt,
		.key_len = master_key_len(suite), .salt_len = 14,
		.ssrc = ssrc, .mki = mki, .mki_len = mki_len,
	};
	const struct nlattr *nest;
	int ret;

	put_new(&self->msg, self->family, &a);
	ret = nlt_request(self->nl, &self->msg, &self->reply);
	if (ret)
		return ret;
	nest = nlt_msg_attr(&self->reply, UCPHONE_A_SRTP);
	if (!nest || !nlt_nest_attr(nest, UCPHONE_SRTP_A_ID))
		return -EPROTO;
	return nlt_u32(nlt_nest_attr(nest, UCPHONE_SRTP_A_ID));
}

/*
 * MKI (RFC 3711 3.1) as OCS and Lync send it: the kernel's SRTP with an
 * MKI is byte for byte libsrtp2's srtp_protect_mki(), across the wrap, and
 * libsrtp2 takes its SRTCP; GET reports the MKI.
 */
TEST_F(srtp, mki_kernel_to_libsrtp)
{
	uint8_t plain[PKT_MAX], ref[PKT_MAX], got[PKT_MAX], mki[UCPHONE_SRTP_MKI_MAX];
	size_t mki_len = variant_mki(variant->suite, mki);
	srtp_t tx, rx;
	struct stats st;
	int id, i, len, n;

	id = new_mki_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
			     variant->suite, variant->keysalt, 0x0c5, mki, mki_len);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	tx = lib_session_mki(variant->suite, variant->keysalt, false, 0x0c5,
			     mki, mki_len);
	rx = lib_session_mki(variant->suite, variant->keysalt, true, 0, mki,
			     mki_len);
	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, rx);
	for (i = 0; i < 8; i++) {
		len = make_rtp(plain, 65532 + i, 0x0c5, 160);
		memcpy(ref, plain, len);
		ASSERT_EQ(len, send(self->fds[0], plain, len, 0));
		ASSERT_EQ(srtp_err_status_ok, srtp_protect_mki(tx, ref, &len, 1, 0));
		n = recv_one(self->fds[1], got, sizeof(got));
		ASSERT_EQ(len, n);
		ASSERT_EQ(0, memcmp(got, ref, n));
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect_mki(rx, got, &n, 1));
		ASSERT_EQ(172, n);
		ASSERT_EQ(0, memcmp(got, plain, n));
	}
	/*
	 * SRTCP: header | payload | E+index | MKI | tag (10 bytes in every
	 * suite). libsrtp2 2.5 looks for an SRTCP MKI before a tag of the
	 * RTP tag's length, 4 bytes with _32, so there it takes the packet
	 * with the MKI cut out (the tag does not cover it) instead.
	 */
	len = make_rtcp(plain, 0x0c5, 9);
	ASSERT_EQ(len, send(self->fds[0], plain, len, 0));
	n = recv_one(self->fds[1], got, sizeof(got));
	ASSERT_EQ(len + 4 + (int)mki_len + 10, n);
	EXPECT_EQ(0, memcmp(got + len + 4, mki, mki_len));
	if (variant->suite == UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32) {
		memmove(got + len + 4, got + len + 4 + mki_len, 10);
		n -= mki_len;
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect_rtcp_mki(rx, got, &n, 0));
	} else {
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect_rtcp_mki(rx, got, &n, 1));
	}
	ASSERT_EQ(len, n);
	ASSERT_EQ(0, memcmp(got, plain, n));
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(8, st.packets);
	EXPECT_EQ(1, st.roc);
	ASSERT_EQ(mki_len, st.mki_len);
	EXPECT_EQ(0, memcmp(st.mki, mki, mki_len));
	srtp_dealloc(tx);
	srtp_dealloc(rx);
}

/*
 * libsrtp2 protects with an MKI, the kernel unprotects; a packet with
 * another MKI, or with none, is dropped and counted as a bad MKI (and
 * costs the stream nothing: the same packet with the right MKI passes).
 */
TEST_F(srtp, mki_libsrtp_to_kernel_and_bad_mki)
{
	uint8_t plain[PKT_MAX], wire[PKT_MAX], bad[PKT_MAX], got[PKT_MAX];
	uint8_t mki[UCPHONE_SRTP_MKI_MAX];
	size_t mki_len = variant_mki(variant->suite, mki);
	size_t tag_len = variant->suite == UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32 ? 4 : 10;
	srtp_t lib, plain_lib;
	struct stats st;
	int id, i, len, n;

	id = new_mki_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
			     variant->suite, variant->keysalt, -1, mki, mki_len);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	lib = lib_session_mki(variant->suite, variant->keysalt, false, 0x0c5,
			      mki, mki_len);
	plain_lib = lib_session(variant->suite, variant->keysalt, false, 0x0c5);
	ASSERT_NE(NULL, lib);
	ASSERT_NE(NULL, plain_lib);
	for (i = 0; i < 6; i++) {
		len = make_rtp(plain, 65533 + i, 0x0c5, 100);
		memcpy(wire, plain, len);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect_mki(lib, wire, &len, 1, 0));
		ASSERT_EQ(100 + 12 + mki_len + tag_len, len);
		if (i == 3) {
			/* The last MKI byte flipped: the tag does not cover it. */
			memcpy(bad, wire, len);
			bad[len - tag_len - 1] ^= 0x40;
			send(self->fds[1], bad, len, 0);
			EXPECT_EQ(-1, recv_one(self->fds[0], got, sizeof(got)));
		}
		send(self->fds[1], wire, len, 0);
		n = recv_one(self->fds[0], got, sizeof(got));
		ASSERT_EQ(112, n);
		ASSERT_EQ(0, memcmp(got, plain, n));
	}
	/* SRTCP with the MKI. */
	len = make_rtcp(plain, 0x0c5, 3);
	memcpy(wire, plain, len);
	ASSERT_EQ(srtp_err_status_ok, srtp_protect_rtcp_mki(lib, wire, &len, 1, 0));
	send(self->fds[1], wire, len, 0);
	ASSERT_EQ(28, recv_one(self->fds[0], got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, plain, 28));
	/* SRTCP with a wrong MKI (its tag is 10 bytes in every suite). */
	len = make_rtcp(plain, 0x0c5, 4);
	memcpy(wire, plain, len);
	ASSERT_EQ(srtp_err_status_ok, srtp_protect_rtcp_mki(lib, wire, &len, 1, 0));
	wire[len - 10 - mki_len] ^= 0x01;
	send(self->fds[1], wire, len, 0);
	EXPECT_EQ(-1, recv_one(self->fds[0], got, sizeof(got)));
	/* A sender that leaves the MKI out (a payload byte stands there). */
	len = make_rtp(plain, 7, 0x0c5, 100);
	plain[12 + 99] = (uint8_t)~mki[mki_len - 1];
	memcpy(wire, plain, len);
	ASSERT_EQ(srtp_err_status_ok, srtp_protect(plain_lib, wire, &len));
	if (wire[len - tag_len - 1] == mki[mki_len - 1])
		wire[len - tag_len - 1] ^= 0xff;	/* keystream chose it */
	send(self->fds[1], wire, len, 0);
	EXPECT_EQ(-1, recv_one(self->fds[0], got, sizeof(got)));
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_EQ(6, st.packets);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(3, st.bad_mki);
	EXPECT_EQ(0, st.auth_failures + st.replays + st.malformed);
	srtp_dealloc(lib);
	srtp_dealloc(plain_lib);
}

/* An MKI the module does not take is refused, and clearly. */
TEST_F(srtp, mki_bad_requests)
{
	static const uint8_t mki[UCPHONE_SRTP_MKI_MAX + 1] = { 1, 2, 3, 4, 5 };
	uint8_t keysalt[46];
	struct new_args a = {
		.fd = self->fds[0], .dir = UCPHONE_SRTP_DIR_TX,
		.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, .keysalt = key128,
		.key_len = 16, .salt_len = 14, .ssrc = -1,
		.mki = mki, .mki_len = UCPHONE_SRTP_MKI_MAX + 1,
	};

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "suite independent");
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-ERANGE, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(0, self->reply.extack[0]);
	/* An empty one. */
	a.mki_len = 0;
	put_new(&self->msg, self->family, &a);
	{
		/* put_new leaves an absent MKI out: add a zero-length one. */
		struct nlattr *nest = (struct nlattr *)(self->msg.buf + NLMSG_HDRLEN +
							GENL_HDRLEN);

		nlt_put(&self->msg, UCPHONE_SRTP_A_MKI, mki, 0);
		nest->nla_len += NLA_HDRLEN;
	}
	EXPECT_EQ(-ERANGE, nlt_request(self->nl, &self->msg, &self->reply));
	/* With an AEAD suite. */
	memset(keysalt, 7, sizeof(keysalt));
	a.suite = UCPHONE_SRTP_AEAD_AES_128_GCM;
	a.keysalt = keysalt;
	a.salt_len = 12;
	a.mki_len = 1;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EINVAL, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "MKI"));
}

/* Re-INVITE: new keys in one step, index state kept, old keys refused. */
TEST_F(srtp, rekey_mid_stream)
{
	uint8_t wire[PKT_MAX], got[PKT_MAX];
	struct new_args a = {
		.fd = self->fds[0], .dir = UCPHONE_SRTP_DIR_RX,
		.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, .keysalt = rekey128,
		.key_len = 16, .salt_len = 14, .ssrc = -1,
		.flags = UCPHONE_SRTP_F_REPLACE,
	};
	srtp_t old_lib, new_lib;
	struct stats st;
	int id, i, len;

	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
			 variant->suite, variant->keysalt, -1);
	ASSERT_LT(0, id) TH_LOG("%s", self->reply.extack);
	old_lib = lib_session(variant->suite, variant->keysalt, false, 42);
	new_lib = lib_session(a.suite, rekey128, false, 42);
	ASSERT_NE(NULL, old_lib);
	ASSERT_NE(NULL, new_lib);
	for (i = 0; i < 10; i++) {
		len = make_rtp(wire, 65530 + i, 42, 160);
		if (i == 5) {
			a.id = id;
			put_new(&self->msg, self->family, &a);
			ASSERT_EQ(0, nlt_request(self->nl, &self->msg, &self->reply))
				TH_LOG("%s", self->reply.extack);
		}
		ASSERT_EQ(srtp_err_status_ok,
			  srtp_protect(i < 5 ? old_lib : new_lib, wire, &len));
		send(self->fds[1], wire, len, 0);
		ASSERT_EQ(172, recv_one(self->fds[0], got, sizeof(got)));
	}
	/* The old key after the re-key fails authentication. */
	len = make_rtp(wire, 10, 42, 160);
	ASSERT_EQ(srtp_err_status_ok, srtp_protect(old_lib, wire, &len));
	send(self->fds[1], wire, len, 0);
	ASSERT_EQ(0, get_session(self, id, &st));
	EXPECT_TRUE(nothing_queued(self->fds[0]));
	EXPECT_EQ(10, st.packets);
	EXPECT_EQ(1, st.auth_failures);
	EXPECT_EQ(1, st.roc);
	srtp_dealloc(old_lib);
	srtp_dealloc(new_lib);
}

/* STUN and DTLS share the socket (RFC 7983): they pass untouched. */
TEST_F(srtp, non_rtp_passes_and_sessions_die_with_socket)
{
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
	uint8_t got[PKT_MAX];
	struct stats st;
	int rx, tx;

	rx = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
			 variant->suite, variant->keysalt, -1);
	tx = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
			 variant->suite, variant->keysalt, 7);
	ASSERT_LT(0, rx);
	ASSERT_LT(0, tx);
	ASSERT_EQ(sizeof(stun), send(self->fds[1], stun, sizeof(stun), 0));
	ASSERT_EQ(sizeof(stun), recv_one(self->fds[0], got, sizeof(got)));
	ASSERT_EQ(sizeof(stun), send(self->fds[0], stun, sizeof(stun), 0));
	ASSERT_EQ(sizeof(stun), recv_one(self->fds[1], got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, stun, sizeof(stun)));
	/* What would send around the protection is refused. */
	EXPECT_EQ(-1, send(self->fds[0], got, 40, MSG_MORE));
	EXPECT_EQ(EOPNOTSUPP, errno);
	{
		int off = 0;

		EXPECT_EQ(-1, setsockopt(self->fds[0], SOL_UDP, UDP_ENCAP, &off,
					 sizeof(off)));
		EXPECT_EQ(EBUSY, errno);
	}
	/* Malformed RTP from the daemon is refused, not sent in the clear. */
	got[0] = 0x80;
	EXPECT_EQ(-1, send(self->fds[0], got, 8, 0));
	ASSERT_EQ(0, get_session(self, tx, &st));
	EXPECT_EQ(1, st.malformed);
	close(self->fds[0]);
	EXPECT_EQ(-ENOENT, get_session(self, rx, &st));
	EXPECT_EQ(-ENOENT, get_session(self, tx, &st));
	self->fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
}

TEST_F(srtp, bad_requests_get_clear_errors)
{
	struct new_args a = {
		.fd = self->fds[0], .dir = UCPHONE_SRTP_DIR_TX,
		.suite = UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80, .keysalt = key128,
		.key_len = 16, .salt_len = 14, .ssrc = -1,
	};
	int tcp, esp, id, type = UDP_ENCAP_ESPINUDP;

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "suite independent");
	/* Key length wrong for the suite. */
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EINVAL, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "32 bytes"));
	/* Salt missing. */
	a.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80;
	a.salt_len = 0;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EINVAL, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "MASTER_SALT"));
	a.salt_len = 14;
	/* An AEAD suite's salt is 12 bytes. */
	a.suite = UCPHONE_SRTP_AEAD_AES_128_GCM;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EINVAL, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "12 bytes"));
	a.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80;
	a.salt_len = 14;
	/* Unknown suite: the core's policy. */
	a.suite = UCPHONE_SRTP_SUITE_MAX + 1;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-ERANGE, nlt_request(self->nl, &self->msg, &self->reply));
	a.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80;
	/* A bogus fd. */
	a.fd = 9999;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EBADF, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "fd"));
	/* A TCP socket. */
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	a.fd = tcp;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EPROTOTYPE, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "UDP"));
	close(tcp);
	/* A socket another kernel user (IPsec NAT-T) owns. */
	esp = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, setsockopt(esp, SOL_UDP, UDP_ENCAP, &type, sizeof(type)));
	a.fd = esp;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EBUSY, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "another kernel user"));
	close(esp);
	/* A second TX session on one socket. */
	a.fd = self->fds[0];
	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX, a.suite, key128, -1);
	ASSERT_LT(0, id);
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-EBUSY, nlt_request(self->nl, &self->msg, &self->reply));
	EXPECT_NE(NULL, strstr(self->reply.extack, "TX session"));
	/* Re-key of a session that does not exist. */
	a.flags = UCPHONE_SRTP_F_REPLACE;
	a.id = 0x7ffffff0;
	put_new(&self->msg, self->family, &a);
	EXPECT_EQ(-ENOENT, nlt_request(self->nl, &self->msg, &self->reply));
	/* DEL of an unknown id. */
	{
		size_t n;

		nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_DEL, 0);
		n = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
		nlt_put_u32(&self->msg, UCPHONE_SRTP_A_ID, 0x7ffffff0);
		nlt_nest_end(&self->msg, n);
		EXPECT_EQ(-ENOENT, nlt_request(self->nl, &self->msg, &self->reply));
		nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_DEL, 0);
		n = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
		nlt_put_u32(&self->msg, UCPHONE_SRTP_A_ID, id);
		nlt_nest_end(&self->msg, n);
		EXPECT_EQ(0, nlt_request(self->nl, &self->msg, &self->reply));
	}
}

TEST_F(srtp, unprivileged_caller_refused)
{
	pid_t child;
	int status;

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "suite independent");
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct new_args a = {
			.fd = self->fds[0], .dir = UCPHONE_SRTP_DIR_TX,
			.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,
			.keysalt = key128, .key_len = 16, .salt_len = 14, .ssrc = -1,
		};

		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		put_new(&self->msg, self->family, &a);
		_exit(nlt_request(self->nl, &self->msg, &self->reply) == -EPERM ? 0 : 11);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The AES-CM PRF (RFC 3711 4.3.3) in OpenSSL, a 12-byte AEAD salt padded. */
static void ref_prf(const uint8_t *key, size_t key_len, const uint8_t *salt,
		    uint8_t label, uint8_t *out, int len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t iv[16] = { 0 }, zero[32] = { 0 };
	int n;

	memcpy(iv, salt, 12);
	iv[7] ^= label;
	EVP_EncryptInit_ex(c, key_len == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr(),
			   NULL, key, iv);
	EVP_EncryptUpdate(c, out, &n, zero, len);
	EVP_CIPHER_CTX_free(c);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * RFC 7714 protection in OpenSSL, independent of the kernel's: SRTP with
 * @counter as ROC, or SRTCP (E set) with @counter as index. New length.
 */
static int ref_gcm(const uint8_t *keysalt, size_t key_len, bool rtcp,
		   uint8_t *pkt, int len, uint32_t counter)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t k[32], salt[12], iv[12] = { 0 }, e_index[4];
	int n, i, hdr = rtcp ? 8 : 12;

	ref_prf(keysalt, key_len, keysalt + key_len, rtcp ? 3 : 0, k, key_len);
	ref_prf(keysalt, key_len, keysalt + key_len, rtcp ? 5 : 2, salt, 12);
	memcpy(iv + 2, pkt + (rtcp ? 4 : 8), 4);
	if (rtcp) {
		put_be32(iv + 8, counter);
	} else {
		put_be32(iv + 6, counter);
		memcpy(iv + 10, pkt + 2, 2);
	}
	for (i = 0; i < 12; i++)
		iv[i] ^= salt[i];
	put_be32(e_index, 0x80000000u | counter);
	EVP_EncryptInit_ex(c, key_len == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(),
			   NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
	EVP_EncryptInit_ex(c, NULL, NULL, k, iv);
	EVP_EncryptUpdate(c, NULL, &n, pkt, hdr);
	if (rtcp)
		EVP_EncryptUpdate(c, NULL, &n, e_index, 4);
	EVP_EncryptUpdate(c, pkt + hdr, &n, pkt + hdr, len - hdr);
	EVP_EncryptFinal_ex(c, pkt + len, &n);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, pkt + len);
	EVP_CIPHER_CTX_free(c);
	len += 16;
	if (rtcp) {
		memcpy(pkt + len, e_index, 4);
		len += 4;
	}
	return len;
}

/* AEAD_AES_128_GCM and _256_GCM both ways, across a wrap, with SRTCP. */
TEST_F(srtp, aes_gcm_against_openssl)
{
	static const uint32_t suites[] = {
		UCPHONE_SRTP_AEAD_AES_128_GCM, UCPHONE_SRTP_AEAD_AES_256_GCM,
	};
	uint8_t plain[PKT_MAX], ref[PKT_MAX], got[PKT_MAX];
	unsigned int v;
	int i, len, n, fds[2];

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "runs once for both GCM suites");
	for (v = 0; v < 2; v++) {
		uint32_t suite = suites[v];
		size_t key_len = master_key_len(suite);
		struct stats st;
		int tx, rx;

		ASSERT_EQ(0, udp_pair(fds));
		tx = new_session(self, fds[0], UCPHONE_SRTP_DIR_TX, suite, key256, 0x51);
		rx = new_session(self, fds[0], UCPHONE_SRTP_DIR_RX, suite, key256, -1);
		ASSERT_LT(0, tx) TH_LOG("%s", self->reply.extack);
		ASSERT_LT(0, rx) TH_LOG("%s", self->reply.extack);
		for (i = 0; i < 6; i++) {
			uint16_t seq = 65533 + i;
			uint32_t roc = seq < 65533 ? 1 : 0;

			/* Kernel protects: the reference's bytes exactly. */
			len = make_rtp(plain, seq, 0x51, 100 + i);
			memcpy(ref, plain, len);
			ASSERT_EQ(len, send(fds[0], plain, len, 0));
			n = ref_gcm(key256, key_len, false, ref, len, roc);
			ASSERT_EQ(n, recv_one(fds[1], got, sizeof(got)));
			ASSERT_EQ(0, memcmp(got, ref, n));
			/* Reference protects: the kernel delivers plain. */
			len = make_rtp(plain, seq, 0x52, 100 + i);
			memcpy(ref, plain, len);
			n = ref_gcm(key256, key_len, false, ref, len, roc);
			ASSERT_EQ(n, send(fds[1], ref, n, 0));
			ASSERT_EQ(len, recv_one(fds[0], got, sizeof(got)));
			ASSERT_EQ(0, memcmp(got, plain, len));
		}
		/* A replay and a fresh packet with a flipped tag bit are dropped. */
		send(fds[1], ref, n, 0);
		len = make_rtp(plain, 4, 0x52, 100);
		memcpy(ref, plain, len);
		n = ref_gcm(key256, key_len, false, ref, len, 1);
		ref[n - 1] ^= 1;
		send(fds[1], ref, n, 0);
		/* SRTCP: kernel index 0 out, reference index 7 in. */
		len = make_rtcp(plain, 0x51, 3);
		memcpy(ref, plain, len);
		ASSERT_EQ(len, send(fds[0], plain, len, 0));
		n = ref_gcm(key256, key_len, true, ref, len, 0);
		ASSERT_EQ(n, recv_one(fds[1], got, sizeof(got)));
		ASSERT_EQ(0, memcmp(got, ref, n));
		len = make_rtcp(plain, 0x52, 9);
		memcpy(ref, plain, len);
		n = ref_gcm(key256, key_len, true, ref, len, 7);
		ASSERT_EQ(n, send(fds[1], ref, n, 0));
		ASSERT_EQ(len, recv_one(fds[0], got, sizeof(got)));
		ASSERT_EQ(0, memcmp(got, plain, len));
		ASSERT_EQ(0, get_session(self, rx, &st));
		EXPECT_TRUE(nothing_queued(fds[0]));
		EXPECT_EQ(6, st.packets);
		EXPECT_EQ(1, st.roc);
		EXPECT_EQ(1, st.replays);
		EXPECT_EQ(1, st.auth_failures);
		EXPECT_EQ(1, st.rtcp_packets);
		EXPECT_EQ(7, st.srtcp_index);
		close(fds[0]);
		close(fds[1]);
	}
}

/* IPv6, where the receive hook fixes the IPv6 payload length instead. */
TEST_F(srtp, ipv6_both_directions)
{
	struct sockaddr_in6 addr[2];
	socklen_t alen = sizeof(addr[0]);
	uint8_t plain[PKT_MAX], wire[PKT_MAX], got[PKT_MAX];
	srtp_t tx, rx;
	int fds[2], i, len, n;

	for (i = 0; i < 2; i++) {
		fds[i] = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&addr[i], 0, sizeof(addr[i]));
		addr[i].sin6_family = AF_INET6;
		addr[i].sin6_addr = in6addr_loopback;
		if (fds[i] < 0 || bind(fds[i], (void *)&addr[i], sizeof(addr[i])))
			SKIP(return, "no IPv6 loopback");
		ASSERT_EQ(0, getsockname(fds[i], (void *)&addr[i], &alen));
	}
	ASSERT_EQ(0, connect(fds[0], (void *)&addr[1], sizeof(addr[1])));
	ASSERT_EQ(0, connect(fds[1], (void *)&addr[0], sizeof(addr[0])));
	ASSERT_LT(0, new_session(self, fds[0], UCPHONE_SRTP_DIR_RX,
				 variant->suite, variant->keysalt, -1));
	ASSERT_LT(0, new_session(self, fds[0], UCPHONE_SRTP_DIR_TX,
				 variant->suite, variant->keysalt, 5));
	tx = lib_session(variant->suite, variant->keysalt, false, 6);
	rx = lib_session(variant->suite, variant->keysalt, true, 0);
	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, rx);
	for (i = 0; i < 5; i++) {
		len = make_rtp(plain, 1000 + i, 6, 160);
		memcpy(wire, plain, len);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(tx, wire, &len));
		ASSERT_EQ(len, send(fds[1], wire, len, 0));
		ASSERT_EQ(172, recv_one(fds[0], got, sizeof(got)));
		ASSERT_EQ(0, memcmp(got, plain, 172));
		len = make_rtp(plain, 2000 + i, 5, 160);
		ASSERT_EQ(len, send(fds[0], plain, len, 0));
		n = recv_one(fds[1], got, sizeof(got));
		ASSERT_LT(172, n);
		ASSERT_EQ(srtp_err_status_ok, srtp_unprotect(rx, got, &n));
		ASSERT_EQ(0, memcmp(got, plain, 172));
	}
	srtp_dealloc(tx);
	srtp_dealloc(rx);
	close(fds[0]);
	close(fds[1]);
}

/* `ucphonectl srtp` shows the session and its counters, never its key. */
TEST_F(srtp, ucphonectl_lists_sessions_without_keys)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 64], out[4096] = "", hex[8], want[32];
	uint8_t plain[PKT_MAX];
	ssize_t n;
	FILE *p;
	size_t i;
	int id;

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "suite independent");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = 0;
	/* build/tests/kselftest/ucphone_srtp_test -> build/userspace/ctl */
	snprintf(cmd, sizeof(cmd), "%s/../../userspace/ctl/ucphonectl --json srtp",
		 dirname(exe));
	id = new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
			 variant->suite, key128, 0x1234);
	ASSERT_LT(0, id);
	send(self->fds[0], plain, make_rtp(plain, 7, 0x1234, 160), 0);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	EXPECT_LT(0, fread(out, 1, sizeof(out) - 1, p));
	ASSERT_EQ(0, pclose(p));
	TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\"id\":%d", id);
	EXPECT_NE(NULL, strstr(out, want));
	EXPECT_NE(NULL, strstr(out, "\"packets\":1"));
	EXPECT_NE(NULL, strstr(out, "AES_CM_128_HMAC_SHA1_80"));
	/* No run of the key's bytes, in hex or decimal, in the output. */
	for (i = 0; i + 1 < sizeof(key128); i++) {
		snprintf(hex, sizeof(hex), "%02x%02x", key128[i], key128[i + 1]);
		EXPECT_EQ(NULL, strstr(out, hex));
	}
}

/* Tens of thousands of random requests: errors only, never a splat. */
TEST_F(srtp, random_request_storm)
{
	static const uint16_t cmds[] = {
		UCPHONE_CMD_SRTP_NEW, UCPHONE_CMD_SRTP_DEL, UCPHONE_CMD_SRTP_GET,
	};
	uint8_t junk[48];
	int socks[4], i, j, ok = 0;
	time_t start = time(NULL);

	if (variant->suite != UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80)
		SKIP(return, "suite independent");
	srand(3711);
	for (i = 0; i < 4; i++)
		socks[i] = socket(i & 1 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	for (i = 0; i < 20000; i++) {
		uint16_t cmd = cmds[rand() % 3];
		int attrs = rand() % 9;
		size_t nest;

		nlt_init(&self->msg, self->family, cmd,
			 cmd == UCPHONE_CMD_SRTP_GET && rand() % 4 == 0 ? NLM_F_DUMP : 0);
		nest = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
		for (j = 0; j < attrs; j++) {
			uint16_t type = rand() % (UCPHONE_SRTP_A_MAX + 2);
			size_t len;

			for (len = 0; len < sizeof(junk); len++)
				junk[len] = rand();
			switch (type) {
			case UCPHONE_SRTP_A_FD:
				nlt_put_u32(&self->msg, type, rand() % 2 ? socks[rand() % 4] : rand() % 64);
				break;
			case UCPHONE_SRTP_A_DIRECTION:
			case UCPHONE_SRTP_A_SUITE:
			case UCPHONE_SRTP_A_FLAGS:
				nlt_put_u32(&self->msg, type, rand() % 7);
				break;
			case UCPHONE_SRTP_A_ID:
				nlt_put_u32(&self->msg, type, rand() % 64);
				break;
			case UCPHONE_SRTP_A_MASTER_KEY:
				nlt_put(&self->msg, type, junk, rand() % 2 ? 16 : rand() % 40);
				break;
			case UCPHONE_SRTP_A_MASTER_SALT:
				nlt_put(&self->msg, type, junk, rand() % 2 ? 14 : rand() % 20);
				break;
			default:
				nlt_put(&self->msg, type, junk, rand() % 12);
			}
		}
		nlt_nest_end(&self->msg, nest);
		if (nlt_request(self->nl, &self->msg, &self->reply) == 0)
			ok++;
		if (i % 1000 == 999)
			for (j = 0; j < 4; j++) {
				close(socks[j]);
				socks[j] = socket(j & 1 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
			}
	}
	for (i = 0; i < 4; i++)
		close(socks[i]);
	TH_LOG("20000 requests, %d accepted, %ld s", ok, (long)(time(NULL) - start));
	EXPECT_LT(0, ok);
	/* The module still works. */
	EXPECT_LT(0, new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
				 UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, key128, -1));
}

/*
 * A live session pins the module: rmmod says "in use" rather than let the
 * call fail open; once the socket is closed the module unloads cleanly.
 */
TEST_F(srtp, unload_waits_for_sessions)
{
	uint8_t plain[PKT_MAX];
	int i, len, ret = -1;

	if (variant->suite != UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80)
		SKIP(return, "runs once, last");
	ASSERT_LT(0, new_session(self, self->fds[0], UCPHONE_SRTP_DIR_TX,
				 variant->suite, variant->keysalt, -1));
	ASSERT_LT(0, new_session(self, self->fds[0], UCPHONE_SRTP_DIR_RX,
				 variant->suite, variant->keysalt, -1));
	for (i = 0; i < 50; i++) {
		len = make_rtp(plain, i, 99, 160);
		send(self->fds[0], plain, len, 0);
		send(self->fds[1], plain, len, 0);
	}
	EXPECT_NE(0, ksft_sh("rmmod ucphone_srtp 2>/dev/null"));
	EXPECT_TRUE(ksft_module_loaded("ucphone_srtp"));
	close(self->fds[0]);
	self->fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
	/* Sessions are freed after an RCU grace period. */
	for (i = 0; i < 50 && ret; i++) {
		ret = ksft_sh("rmmod ucphone_srtp 2>/dev/null");
		if (ret)
			usleep(100000);
	}
	EXPECT_EQ(0, ret);
	EXPECT_FALSE(ksft_module_loaded("ucphone_srtp"));
}

TEST_HARNESS_MAIN
