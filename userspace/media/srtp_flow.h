/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Protect this flow with these keys": SRTP for one direction of a call on
 * one UDP socket, in the kernel (ucphone-srtp.ko, which the first request
 * loads) when it is installed and in libsrtp2 otherwise, with the same
 * observable behaviour either way:
 *
 * - TX: srtp_flow_send() takes plain RTP/RTCP and SRTP/SRTCP leaves.
 *   Malformed RTP, or RTP of another SSRC than a fixed one, fails with
 *   -EINVAL and nothing is sent (counted as malformed); above 8192 bytes,
 *   -EMSGSIZE.
 * - RX: srtp_flow_recv() returns the next datagram that authenticates, is
 *   no replay and is inside the window, decrypted; the others are dropped
 *   and counted (auth failures, replays, malformed). -EAGAIN on a
 *   non-blocking socket when nothing acceptable is left.
 * - Both ways: datagrams that are not RTP version 2 (STUN, DTLS: RFC 7983)
 *   pass unchanged; RTCP is told apart by its second byte (RFC 5761).
 * - Re-key keeps ROC and replay state (libsrtp2's srtp_update()).
 * - MKI (SDES "inline:KEY|2^31|1:1", as OCS and Lync send): with
 *   params.mki_len 1..UCPHONE_SRTP_MKI_MAX, every packet sent carries the
 *   MKI before its tag, and a received packet with another MKI is dropped
 *   and counted in bad_mki (the AES-CM suites only; -EINVAL otherwise).
 *
 * Differences that stay visible: the first SRTCP index is 0 in the kernel
 * (RFC 3711 3.3.2) and 1 in libsrtp2; the AEAD (AES-GCM) suites exist in
 * the kernel only (Debian's libsrtp2 is built without OpenSSL), so with
 * SRTP_FLOW_AUTO they fail with -EOPNOTSUPP when the module cannot be loaded.
 * The keys are copied and wiped.
 */
#ifndef UCPHONE_SRTP_FLOW_H
#define UCPHONE_SRTP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/ucphone.h>

enum srtp_flow_backend {
	SRTP_FLOW_KERNEL,
	SRTP_FLOW_LIBSRTP,
};

enum srtp_flow_mode {
	SRTP_FLOW_AUTO,		/* the kernel if ucphone-srtp answers */
	SRTP_FLOW_FORCE_LIBSRTP,
	SRTP_FLOW_FORCE_KERNEL,
};

struct srtp_flow_params {
	enum ucphone_srtp_direction dir;
	enum ucphone_srtp_suite suite;
	const uint8_t *master_key;
	size_t master_key_len;
	const uint8_t *master_salt;
	size_t master_salt_len;
	bool ssrc_fixed;
	uint32_t ssrc;
	uint32_t window;	/* 0: 128 */
	/* The master key identifier as on the wire (SDES "1:1" is { 1 }). */
	const uint8_t *mki;
	size_t mki_len;		/* 0: no MKI; at most UCPHONE_SRTP_MKI_MAX */
};

struct srtp_flow_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t auth_failures;
	uint64_t replays;
	uint64_t malformed;
	uint64_t rtcp_packets;
	uint64_t bad_mki;	/* RX: dropped for an MKI not the flow's */
	uint32_t roc;
	uint16_t seq;
};

struct srtp_flow;

/* 0 or -errno (-EINVAL bad parameters, -EOPNOTSUPP suite not available). */
int srtp_flow_new(struct srtp_flow **out, int fd,
		  const struct srtp_flow_params *params, enum srtp_flow_mode mode);
void srtp_flow_free(struct srtp_flow *flow);
enum srtp_flow_backend srtp_flow_backend(const struct srtp_flow *flow);
const char *srtp_flow_backend_name(enum srtp_flow_backend backend);

ssize_t srtp_flow_send(struct srtp_flow *flow, const void *buf, size_t len);
ssize_t srtp_flow_recv(struct srtp_flow *flow, void *buf, size_t size);
/*
 * RX, for datagrams read from the flow's socket by the caller (recvmmsg):
 * makes one plain in place (*len updated). 0, or -errno when it is to be
 * dropped (counted in the stats); a kernel flow's datagrams arrive plain,
 * and what is not RTP/RTCP version 2 passes as it came.
 */
int srtp_flow_unprotect(struct srtp_flow *flow, void *buf, size_t *len);
int srtp_flow_rekey(struct srtp_flow *flow, const struct srtp_flow_params *params);
int srtp_flow_stats(struct srtp_flow *flow, struct srtp_flow_stats *stats);

#endif
