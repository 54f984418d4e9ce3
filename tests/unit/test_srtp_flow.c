// SPDX-License-Identifier: GPL-2.0
/*
 * srtp_flow, the daemon's "protect this flow" API. On the host it runs on
 * libsrtp2; inside the test VM (tests/vm/guest.d/srtp-flow.sh) the same
 * assertions run with UCPHONE_SRTP_FLOW=kernel against ucphone-srtp.ko,
 * which is what makes the two backends observably the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <srtp2/srtp.h>

#include "kselftest_harness.h"
#include "media/srtp_flow.h"

static const uint8_t key[16] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
	0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
};
static const uint8_t salt[14] = {
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a,
	0xab, 0xe6,
};
static const uint8_t key2[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static enum srtp_flow_mode test_mode(void)
{
	const char *mode = getenv("UCPHONE_SRTP_FLOW");

	return mode && !strcmp(mode, "kernel") ? SRTP_FLOW_FORCE_KERNEL :
						 SRTP_FLOW_FORCE_LIBSRTP;
}

static struct srtp_flow_params params(enum ucphone_srtp_direction dir,
				      const uint8_t *k)
{
	struct srtp_flow_params p = {
		.dir = dir, .suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,
		.master_key = k, .master_key_len = 16,
		.master_salt = salt, .master_salt_len = 14,
	};

	return p;
}

static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc)
{
	memset(buf, 0x33, 172);
	buf[0] = 0x80;
	buf[1] = 0;
	buf[2] = seq >> 8;
	buf[3] = seq;
	buf[8] = ssrc >> 24;
	buf[9] = ssrc >> 16;
	buf[10] = ssrc >> 8;
	buf[11] = ssrc;
	return 172;
}

static bool readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 200) == 1;
}

FIXTURE(flow) {
	int fds[2];		/* [0] sends, [1] receives (non-blocking) */
};

FIXTURE_SETUP(flow)
{
	struct sockaddr_in addr[2];
	socklen_t len = sizeof(addr[0]);
	int i;

	for (i = 0; i < 2; i++) {
		self->fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&addr[i], 0, sizeof(addr[i]));
		addr[i].sin_family = AF_INET;
		addr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ASSERT_EQ(0, bind(self->fds[i], (void *)&addr[i], sizeof(addr[i])));
		ASSERT_EQ(0, getsockname(self->fds[i], (void *)&addr[i], &len));
	}
	ASSERT_EQ(0, connect(self->fds[0], (void *)&addr[1], sizeof(addr[1])));
	ASSERT_EQ(0, connect(self->fds[1], (void *)&addr[0], sizeof(addr[0])));
	fcntl(self->fds[1], F_SETFL, O_NONBLOCK);
}

FIXTURE_TEARDOWN(flow)
{
	close(self->fds[0]);
	close(self->fds[1]);
}

TEST_F(flow, round_trip_across_wrap_with_rekey)
{
	struct srtp_flow_params tx_p = params(UCPHONE_SRTP_DIR_TX, key);
	struct srtp_flow_params rx_p = params(UCPHONE_SRTP_DIR_RX, key);
	struct srtp_flow *tx, *rx;
	struct srtp_flow_stats st;
	uint8_t pkt[200], got[200];
	int i;

	tx_p.ssrc_fixed = true;
	tx_p.ssrc = 0xabcd;
	ASSERT_EQ(0, srtp_flow_new(&tx, self->fds[0], &tx_p, test_mode()));
	ASSERT_EQ(0, srtp_flow_new(&rx, self->fds[1], &rx_p, test_mode()));
	TH_LOG("backend: %s", srtp_flow_backend_name(srtp_flow_backend(tx)));
	for (i = 0; i < 12; i++) {
		size_t len = make_rtp(pkt, 65530 + i, 0xabcd);

		if (i == 6) {
			tx_p.master_key = key2;
			rx_p.master_key = key2;
			ASSERT_EQ(0, srtp_flow_rekey(tx, &tx_p));
			ASSERT_EQ(0, srtp_flow_rekey(rx, &rx_p));
		}
		ASSERT_EQ(len, srtp_flow_send(tx, pkt, len));
		ASSERT_TRUE(readable(self->fds[1]));
		ASSERT_EQ(len, srtp_flow_recv(rx, got, sizeof(got)));
		ASSERT_EQ(0, memcmp(got, pkt, len));
	}
	/* RTCP on the same flow. */
	pkt[1] = 200;
	ASSERT_EQ(28, srtp_flow_send(tx, pkt, 28));
	ASSERT_TRUE(readable(self->fds[1]));
	ASSERT_EQ(28, srtp_flow_recv(rx, got, sizeof(got)));
	ASSERT_EQ(0, memcmp(got, pkt, 28));
	/* The wrong SSRC and a runt are refused, not sent. */
	make_rtp(pkt, 1, 0x9999);
	EXPECT_EQ(-EINVAL, srtp_flow_send(tx, pkt, 172));
	EXPECT_EQ(-EINVAL, srtp_flow_send(tx, pkt, 9));

	ASSERT_EQ(0, srtp_flow_stats(tx, &st));
	EXPECT_EQ(12, st.packets);
	EXPECT_EQ(12 * 172, st.bytes);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(2, st.malformed);
	EXPECT_EQ(1, st.roc);
	EXPECT_EQ(5, st.seq);
	ASSERT_EQ(0, srtp_flow_stats(rx, &st));
	EXPECT_EQ(12, st.packets);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(1, st.roc);
	EXPECT_EQ(5, st.seq);
	EXPECT_EQ(0, st.auth_failures + st.replays + st.malformed);
	srtp_flow_free(tx);
	srtp_flow_free(rx);
}

/* Replays, late and tampered packets are dropped and counted; STUN passes. */
TEST_F(flow, drop_rules)
{
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
	struct srtp_flow_params rx_p = params(UCPHONE_SRTP_DIR_RX, key);
	uint8_t wire[300][200], got[200], keysalt[30];
	srtp_policy_t policy;
	struct srtp_flow *rx;
	struct srtp_flow_stats st;
	int len[300], i;
	srtp_t lib;

	ASSERT_EQ(0, srtp_flow_new(&rx, self->fds[1], &rx_p, test_mode()));
	memcpy(keysalt, key, 16);
	memcpy(keysalt + 16, salt, 14);
	memset(&policy, 0, sizeof(policy));
	srtp_crypto_policy_set_rtp_default(&policy.rtp);
	srtp_crypto_policy_set_rtp_default(&policy.rtcp);
	policy.ssrc.type = ssrc_any_outbound;
	policy.key = keysalt;
	policy.window_size = 128;
	/* On libsrtp2, srtp_flow_new() initialised it (once per process). */
	if (test_mode() == SRTP_FLOW_FORCE_KERNEL)
		ASSERT_EQ(srtp_err_status_ok, srtp_init());
	ASSERT_EQ(srtp_err_status_ok, srtp_create(&lib, &policy));
	for (i = 1; i < 300; i++) {
		len[i] = make_rtp(wire[i], i, 77);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, wire[i], &len[i]));
	}
	send(self->fds[0], wire[1], len[1], 0);
	send(self->fds[0], wire[1], len[1], 0);		/* replay */
	send(self->fds[0], wire[299], len[299], 0);
	send(self->fds[0], wire[100], len[100], 0);	/* late */
	wire[200][20] ^= 1;
	send(self->fds[0], wire[200], len[200], 0);	/* tampered */
	send(self->fds[0], stun, sizeof(stun), 0);
	ASSERT_TRUE(readable(self->fds[1]));
	EXPECT_EQ(172, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(1, got[3]);
	EXPECT_EQ(172, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(299 & 0xff, got[3]);
	EXPECT_EQ(sizeof(stun), srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, stun, sizeof(stun)));
	EXPECT_EQ(-EAGAIN, srtp_flow_recv(rx, got, sizeof(got)));
	ASSERT_EQ(0, srtp_flow_stats(rx, &st));
	EXPECT_EQ(2, st.packets);
	EXPECT_EQ(2, st.replays);
	EXPECT_EQ(1, st.auth_failures);
	EXPECT_EQ(299, st.seq);
	srtp_dealloc(lib);
	srtp_flow_free(rx);
}

/*
 * The media thread reads its datagrams itself (recvmmsg) and has each made
 * plain in place: the same drop rules and counters as srtp_flow_recv().
 */
TEST_F(flow, unprotect_in_place)
{
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
	struct srtp_flow_params rx_p = params(UCPHONE_SRTP_DIR_RX, key);
	uint8_t wire[300][200], got[200], keysalt[30];
	unsigned int plain = 0, dropped = 0;
	srtp_policy_t policy;
	struct srtp_flow *rx;
	struct srtp_flow_stats st;
	int len[300], i;
	ssize_t n;
	srtp_t lib;

	ASSERT_EQ(0, srtp_flow_new(&rx, self->fds[1], &rx_p, test_mode()));
	memcpy(keysalt, key, 16);
	memcpy(keysalt + 16, salt, 14);
	memset(&policy, 0, sizeof(policy));
	srtp_crypto_policy_set_rtp_default(&policy.rtp);
	srtp_crypto_policy_set_rtp_default(&policy.rtcp);
	policy.ssrc.type = ssrc_any_outbound;
	policy.key = keysalt;
	policy.window_size = 128;
	if (test_mode() == SRTP_FLOW_FORCE_KERNEL)
		ASSERT_EQ(srtp_err_status_ok, srtp_init());
	ASSERT_EQ(srtp_err_status_ok, srtp_create(&lib, &policy));
	for (i = 1; i < 300; i++) {
		len[i] = make_rtp(wire[i], i, 77);
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, wire[i], &len[i]));
	}
	send(self->fds[0], wire[1], len[1], 0);
	send(self->fds[0], wire[1], len[1], 0);		/* replay */
	send(self->fds[0], wire[299], len[299], 0);
	wire[200][20] ^= 1;
	send(self->fds[0], wire[200], len[200], 0);	/* tampered */
	send(self->fds[0], stun, sizeof(stun), 0);
	ASSERT_TRUE(readable(self->fds[1]));
	while ((n = recv(self->fds[1], got, sizeof(got), MSG_DONTWAIT)) >= 0) {
		size_t l = (size_t)n;

		if (srtp_flow_unprotect(rx, got, &l) < 0) {
			dropped++;
			continue;
		}
		plain++;
		if (l == 172) {
			EXPECT_EQ(0x33, got[100]);
		} else {
			EXPECT_EQ(0, memcmp(got, stun, sizeof(stun)));
		}
	}
	EXPECT_EQ(3, plain);	/* 1, 299 and the STUN */
	/* the kernel drops before the reader sees anything */
	EXPECT_EQ(test_mode() == SRTP_FLOW_FORCE_KERNEL ? 0 : 2, dropped);
	ASSERT_EQ(0, srtp_flow_stats(rx, &st));
	EXPECT_EQ(2, st.packets);
	EXPECT_EQ(1, st.replays);
	EXPECT_EQ(1, st.auth_failures);
	EXPECT_EQ(299, st.seq);
	srtp_dealloc(lib);
	srtp_flow_free(rx);
}

/* libsrtp2 protecting without an MKI, the reference for the wire bytes. */
static srtp_t lib_sender(void)
{
	uint8_t keysalt[30];
	srtp_policy_t policy;
	srtp_t lib = NULL;

	memcpy(keysalt, key, 16);
	memcpy(keysalt + 16, salt, 14);
	memset(&policy, 0, sizeof(policy));
	srtp_crypto_policy_set_rtp_default(&policy.rtp);
	srtp_crypto_policy_set_rtp_default(&policy.rtcp);
	policy.ssrc.type = ssrc_any_outbound;
	policy.key = keysalt;
	policy.window_size = 128;
	/* On libsrtp2, srtp_flow_new() initialised it (once per process). */
	if (test_mode() == SRTP_FLOW_FORCE_KERNEL)
		srtp_init();
	if (srtp_create(&lib, &policy) != srtp_err_status_ok)
		return NULL;
	return lib;
}

/*
 * OCS and Lync key lines ("inline:KEY|2^31|1:1") put a one-byte MKI in
 * every packet: header | payload | MKI | tag, the tag over header and
 * payload only (RFC 3711 3.1). So the wire bytes are libsrtp2's packet
 * without MKI with the MKI slipped in before an identical tag.
 */
TEST_F(flow, mki_on_the_wire_and_refused_when_wrong)
{
	static const uint8_t mki[1] = { 0x01 }, other_mki[1] = { 0x02 };
	struct srtp_flow_params tx_p = params(UCPHONE_SRTP_DIR_TX, key);
	struct srtp_flow_params rx_p = params(UCPHONE_SRTP_DIR_RX, key);
	uint8_t pkt[200], ref[200], wire[200], got[200];
	struct srtp_flow *tx, *rx;
	struct srtp_flow_stats st;
	int ref_len, n, i;
	srtp_t lib;

	tx_p.mki = mki;
	tx_p.mki_len = 1;
	rx_p.mki = mki;
	rx_p.mki_len = 1;
	ASSERT_EQ(0, srtp_flow_new(&tx, self->fds[0], &tx_p, test_mode()));
	lib = lib_sender();
	ASSERT_NE(NULL, lib);
	TH_LOG("backend: %s", srtp_flow_backend_name(srtp_flow_backend(tx)));

	/* TX: byte for byte, three packets. */
	for (i = 0; i < 3; i++) {
		size_t len = make_rtp(pkt, 1000 + i, 0x4d4b49);

		memcpy(ref, pkt, len);
		ref_len = len;
		ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, ref, &ref_len));
		ASSERT_EQ(len, srtp_flow_send(tx, pkt, len));
		ASSERT_TRUE(readable(self->fds[1]));
		n = recv(self->fds[1], wire, sizeof(wire), 0);
		ASSERT_EQ(ref_len + 1, n);
		EXPECT_EQ(0, memcmp(wire, ref, ref_len - 10));
		EXPECT_EQ(0x01, wire[ref_len - 10]);
		EXPECT_EQ(0, memcmp(wire + ref_len - 9, ref + ref_len - 10, 10));
	}
	/* SRTCP: header | payload | E+index | MKI | tag. */
	make_rtp(pkt, 0, 0x4d4b49);
	pkt[1] = 200;
	ASSERT_EQ(28, srtp_flow_send(tx, pkt, 28));
	ASSERT_TRUE(readable(self->fds[1]));
	n = recv(self->fds[1], wire, sizeof(wire), 0);
	ASSERT_EQ(28 + 4 + 1 + 10, n);
	EXPECT_EQ(0x80, wire[28]);
	EXPECT_EQ(0x01, wire[32]);

	/* RX: what the sender's flow makes comes back; a wrong MKI does not. */
	ASSERT_EQ(0, srtp_flow_new(&rx, self->fds[1], &rx_p, test_mode()));
	make_rtp(pkt, 1003, 0x4d4b49);
	ASSERT_EQ(172, srtp_flow_send(tx, pkt, 172));
	ASSERT_TRUE(readable(self->fds[1]));
	ASSERT_EQ(172, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, pkt, 172));
	pkt[1] = 200;
	ASSERT_EQ(28, srtp_flow_send(tx, pkt, 28));
	ASSERT_TRUE(readable(self->fds[1]));
	ASSERT_EQ(28, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, pkt, 28));
	/*
	 * Packet 1004 with MKI 2 (the tag does not cover the MKI), written
	 * raw: the sending flow ends first, or the kernel would protect the
	 * SRTP once more.
	 */
	srtp_flow_free(tx);
	tx = NULL;
	make_rtp(pkt, 1004, 0x4d4b49);
	memcpy(ref, pkt, 172);
	ref_len = 172;
	ASSERT_EQ(srtp_err_status_ok, srtp_protect(lib, ref, &ref_len));
	memcpy(wire, ref, ref_len - 10);
	wire[ref_len - 10] = other_mki[0];
	memcpy(wire + ref_len - 9, ref + ref_len - 10, 10);
	send(self->fds[0], wire, ref_len + 1, 0);
	/* ... the same packet with MKI 1: accepted, the wrong one cost nothing. */
	wire[ref_len - 10] = mki[0];
	send(self->fds[0], wire, ref_len + 1, 0);
	ASSERT_TRUE(readable(self->fds[1]));
	ASSERT_EQ(172, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, pkt, 172));
	EXPECT_EQ(-EAGAIN, srtp_flow_recv(rx, got, sizeof(got)));
	ASSERT_EQ(0, srtp_flow_stats(rx, &st));
	EXPECT_EQ(2, st.packets);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(1, st.bad_mki);
	EXPECT_EQ(0, st.auth_failures + st.replays + st.malformed);
	EXPECT_EQ(1004, st.seq);

	srtp_dealloc(lib);
	srtp_flow_free(tx);
	srtp_flow_free(rx);
}

/*
 * AES_CM_128_HMAC_SHA1_32 with an MKI: RTP's tag is 4 bytes, SRTCP's 10,
 * and the MKI sits before each (libsrtp2 2.5 alone looks for the SRTCP
 * MKI before a 4-byte tag).
 */
TEST_F(flow, mki_with_short_rtp_tag)
{
	static const uint8_t mki[2] = { 0x01, 0x02 };
	struct srtp_flow_params tx_p = params(UCPHONE_SRTP_DIR_TX, key);
	struct srtp_flow_params rx_p = params(UCPHONE_SRTP_DIR_RX, key);
	uint8_t pkt[200], got[200];
	struct srtp_flow *tx, *rx;
	struct srtp_flow_stats st;

	tx_p.suite = rx_p.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32;
	tx_p.mki = rx_p.mki = mki;
	tx_p.mki_len = rx_p.mki_len = sizeof(mki);
	ASSERT_EQ(0, srtp_flow_new(&tx, self->fds[0], &tx_p, test_mode()));
	ASSERT_EQ(0, srtp_flow_new(&rx, self->fds[1], &rx_p, test_mode()));
	make_rtp(pkt, 5, 0x32);
	ASSERT_EQ(172, srtp_flow_send(tx, pkt, 172));
	ASSERT_TRUE(readable(self->fds[1]));
	ASSERT_EQ(172, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, pkt, 172));
	pkt[1] = 201;
	ASSERT_EQ(40, srtp_flow_send(tx, pkt, 40));
	ASSERT_TRUE(readable(self->fds[1]));
	ASSERT_EQ(40, srtp_flow_recv(rx, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, pkt, 40));
	ASSERT_EQ(0, srtp_flow_stats(rx, &st));
	EXPECT_EQ(1, st.packets);
	EXPECT_EQ(1, st.rtcp_packets);
	EXPECT_EQ(0, st.bad_mki + st.auth_failures + st.replays + st.malformed);
	srtp_flow_free(tx);
	srtp_flow_free(rx);
}

TEST_F(flow, bad_parameters)
{
	struct srtp_flow_params p = params(UCPHONE_SRTP_DIR_TX, key);
	struct srtp_flow *flow;

	p.suite = UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80;
	EXPECT_EQ(-EINVAL, srtp_flow_new(&flow, self->fds[0], &p, test_mode()));
	/* AEAD: the kernel has it; Debian's libsrtp2 (no OpenSSL) has not. */
	p.suite = UCPHONE_SRTP_AEAD_AES_128_GCM;
	p.master_salt_len = 12;
	if (test_mode() == SRTP_FLOW_FORCE_KERNEL) {
		ASSERT_EQ(0, srtp_flow_new(&flow, self->fds[0], &p, test_mode()));
		srtp_flow_free(flow);
	} else {
		EXPECT_EQ(-EOPNOTSUPP, srtp_flow_new(&flow, self->fds[0], &p, test_mode()));
	}
	/* An MKI longer than UCPHONE_SRTP_MKI_MAX, or without its bytes. */
	p = params(UCPHONE_SRTP_DIR_TX, key);
	p.mki = (const uint8_t *)"\1\2\3\4\5";
	p.mki_len = UCPHONE_SRTP_MKI_MAX + 1;
	EXPECT_EQ(-EINVAL, srtp_flow_new(&flow, self->fds[0], &p, test_mode()));
	p.mki = NULL;
	p.mki_len = 1;
	EXPECT_EQ(-EINVAL, srtp_flow_new(&flow, self->fds[0], &p, test_mode()));
}

/*
 * OCS/Lync key with "|2^31|1:1": a 1-byte MKI sits between the encrypted
 * payload and the tag (RFC 3711 3.1) in every packet. The kernel has no
 * MKI, so such a flow runs in libsrtp2 whichever backend the test asks
 * for, and a receiver keyed without the MKI drops the packets.
 */
TEST_HARNESS_MAIN
