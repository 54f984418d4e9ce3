/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ucphone: the generic netlink contract between the phone's kernel drivers
 * and its control daemon, ucphoned.
 *
 * This header is the whole contract: nothing else passes between the
 * ucphone kernel modules and userspace. Read it top to bottom and you know
 * every message, every attribute, its type and its length rules.
 *
 * The family is UCPHONE_GENL_NAME ("ucphone"), version UCPHONE_GENL_VERSION.
 * The kernel module ucphone.ko registers it; resolving the family name
 * through the generic netlink controller loads ucphone.ko on demand
 * (module alias "net-pf-16-proto-16-family-ucphone").
 *
 * Compatibility: UCPHONE_GENL_VERSION grows when a command or attribute is
 * added; existing numbers never change meaning. Every attribute is checked
 * against a strict policy: an unknown attribute, a wrong type, a wrong
 * length or a trailing byte makes the whole request fail with -EINVAL (or
 * -ERANGE for an out-of-range value), and the extended ACK names the
 * offending attribute. Nothing is half-applied.
 *
 * Messages from the kernel may gain attributes in later versions, always
 * numbered above the *_MAX of earlier ones: a listener skips attribute
 * numbers above the *_MAX it was built with, and event types above
 * UCPHONE_EVENT_MAX. Attributes it knows keep their type and meaning.
 *
 * Names (drivers, devices) are printable ASCII, 1 to UCPHONE_NAME_MAX - 1
 * characters, NUL-terminated; the kernel release is at most 64 characters.
 *
 * Permissions: commands that change state need CAP_NET_ADMIN (-EPERM
 * otherwise). Reading state does not, except where noted. Events are sent
 * in the initial network namespace only, and joining the "events" group
 * there needs CAP_NET_ADMIN in the initial user namespace: key events
 * reveal what a user dials, PINs included. In any other network namespace
 * the family answers commands and the group can be joined (by whoever
 * holds CAP_NET_ADMIN over that namespace, as in one made with
 * unshare -Urn), but nothing is ever sent on it there.
 *
 * UCPHONE_CMD_GET_INFO
 * --------------------
 * Request: no attributes. Reply (one message):
 *
 *    UCPHONE_A_VERSION: NLA_U32, the UAPI version the kernel speaks
 *    UCPHONE_A_KERNEL_RELEASE: NLA_NUL_STRING, the running kernel's release
 *    UCPHONE_A_DRIVERS: NLA_NESTED, one entry per bound driver instance
 *        (always present; empty when no driver is bound)
 *        0: NLA_NESTED (every entry has attribute type 0)
 *            UCPHONE_DRIVER_A_NAME: NLA_NUL_STRING, the kernel driver name
 *            UCPHONE_DRIVER_A_DEVICE: NLA_NUL_STRING, the device it drives
 *            UCPHONE_DRIVER_A_KIND: NLA_U32, enum ucphone_driver_kind
 *        0: NLA_NESTED
 *            ...
 *
 * UCPHONE_CMD_EVENT (kernel to userspace only)
 * --------------------------------------------
 * Multicast on group UCPHONE_MCGRP_EVENTS ("events") in the initial
 * network namespace only; a request with this command is refused with
 * -EOPNOTSUPP.
 *
 *    UCPHONE_A_EVENT: NLA_NESTED
 *        UCPHONE_EVENT_A_TYPE: NLA_U32, enum ucphone_event_type
 *        UCPHONE_EVENT_A_SEQ: NLA_U32, one counter for the whole family,
 *            starting at 1 when ucphone.ko loads and increasing by one per
 *            event sent, so a listener that sees a gap knows it lost events
 *            (socket overrun)
 *        UCPHONE_EVENT_A_TIMESTAMP: NLA_U64, CLOCK_BOOTTIME nanoseconds of
 *            the hardware edge that caused the event (not of the send)
 *        UCPHONE_EVENT_A_DRIVER: NLA_NUL_STRING, driver that sent it
 *        UCPHONE_EVENT_A_DEVICE: NLA_NUL_STRING, its device
 *        then, by type:
 *        UCPHONE_EVENT_DRIVER_BOUND, UCPHONE_EVENT_DRIVER_UNBOUND:
 *            UCPHONE_EVENT_A_DRIVER_KIND: NLA_U32, enum ucphone_driver_kind
 *        UCPHONE_EVENT_KEY:
 *            UCPHONE_EVENT_A_KEY_CODE: NLA_U32, Linux input key code
 *                (KEY_0.., KEY_NUMERIC_STAR, KEY_VOLUMEUP, ...)
 *            UCPHONE_EVENT_A_KEY_VALUE: NLA_U32, 1 pressed, 0 released
 *                (auto-repeat is the input device's business, never sent)
 *        UCPHONE_EVENT_HOOK:
 *            UCPHONE_EVENT_A_HOOK: NLA_U32, enum ucphone_hook_state
 *        UCPHONE_EVENT_RESET_BUTTON:
 *            UCPHONE_EVENT_A_RESET_KIND: NLA_U32, enum ucphone_reset_kind,
 *                what the press means by the phone's rules (a short press
 *                while running asks for a soft reset; held from power-on
 *                until boot progress completes asks for a hard reset)
 *            UCPHONE_EVENT_A_RESET_HOLD_MS: NLA_U32, measured hold time
 *            UCPHONE_EVENT_A_RESET_AT_POWER_ON: NLA_FLAG, the button was
 *                already held when the driver probed
 *            (with nobody in the events group, ucphone-reset logs a soft
 *            reset press and, only if its fallback_restart_ms parameter
 *            is set, restarts the phone itself when still nobody listens
 *            that long after; it never performs a hard reset)
 *        UCPHONE_EVENT_AUDIO_ROUTE:
 *            UCPHONE_EVENT_A_AUDIO_ROUTE: NLA_U32, enum ucphone_audio_route
 *
 * Listeners decide what to do; the kernel never waits for them.
 *
 * UCPHONE_CMD_SRTP_NEW (CAP_NET_ADMIN)
 * ------------------------------------
 * Protects (TX) or unprotects (RX) the RTP/RTCP of one call on the
 * caller's own UDP socket, in the kernel. Served by ucphone-srtp.ko, which
 * the first UCPHONE_CMD_SRTP_* request loads when it is not loaded yet;
 * when it cannot be loaded (not installed, forbidden by modprobe.d) the
 * request fails with -EOPNOTSUPP.
 *
 *    UCPHONE_A_SRTP: NLA_NESTED
 *        UCPHONE_SRTP_A_FD: NLA_S32, the caller's UDP socket (required)
 *        UCPHONE_SRTP_A_DIRECTION: NLA_U32, enum ucphone_srtp_direction
 *            (required)
 *        UCPHONE_SRTP_A_SUITE: NLA_U32, enum ucphone_srtp_suite (required)
 *        UCPHONE_SRTP_A_MASTER_KEY: NLA_BINARY, 16 or 32 bytes as the
 *            suite demands (required; never returned by any command)
 *        UCPHONE_SRTP_A_MASTER_SALT: NLA_BINARY, 14 bytes for AES-CM suites,
 *            12 for AEAD suites (required; never returned)
 *        UCPHONE_SRTP_A_SSRC: NLA_U32, host order. TX: the SSRC we send.
 *            RX: the SSRC we accept; absent means any SSRC.
 *        UCPHONE_SRTP_A_SEQ: NLA_U16, first sequence number (optional)
 *        UCPHONE_SRTP_A_ROC: NLA_U32, initial roll-over counter (optional)
 *        UCPHONE_SRTP_A_WINDOW: NLA_U32, replay window 64..32768
 *            (optional, default 128; SRTCP always uses 128)
 *        UCPHONE_SRTP_A_ID: NLA_U32, with UCPHONE_SRTP_F_REPLACE only: the
 *            session to re-key atomically
 *        UCPHONE_SRTP_A_FLAGS: NLA_U32, enum ucphone_srtp_flags
 *        UCPHONE_SRTP_A_MKI: NLA_BINARY, 1..UCPHONE_SRTP_MKI_MAX bytes
 *            (optional, since version 2; AES-CM suites only): the master
 *            key identifier, as it appears on the wire (SDES "|1:1" is the
 *            one byte 0x01); its length is the MKI length. Absent: packets
 *            carry no MKI, as before.
 *
 * Reply: UCPHONE_A_SRTP with UCPHONE_SRTP_A_ID, the new session's id.
 * A session ends with UCPHONE_CMD_SRTP_DEL or when its socket is closed.
 *
 * A socket carries at most one TX and one RX session; RTP and RTCP share
 * it (RFC 5761: a second byte of 192..223 is RTCP). With a TX session,
 * plain RTP/RTCP written with send()/sendto()/sendmsg() leaves as
 * SRTP/SRTCP, the datagram longer by the tag (and, for SRTCP, the 4-byte
 * E flag and index, which starts at 0): the daemon's MTU shrinks by as
 * much. With an RX session, SRTP/SRTCP that authenticates, is not a replay
 * and is not older than the window is read plain; anything else is dropped
 * and counted in UCPHONE_SRTP_A_STATS. Datagrams that are not RTP version
 * 2 (STUN, DTLS: RFC 7983) pass unchanged both ways. The kernel owns the
 * ROC and the indexes; UCPHONE_SRTP_A_SEQ/_ROC only seed them.
 *
 * Sending on a TX socket fails, and nothing leaves, with EINVAL for an
 * RTP packet that is malformed or of another SSRC than UCPHONE_SRTP_A_SSRC
 * (counted as malformed), EMSGSIZE above 8192 bytes, EOPNOTSUPP with
 * MSG_MORE, MSG_ZEROCOPY, UDP_CORK, UDP_SEGMENT or sendfile. While a
 * session is attached, setsockopt UDP_ENCAP, UDP_CORK, UDP_SEGMENT and
 * IPV6_ADDRFORM fail with EBUSY. Every session holds a reference on
 * ucphone-srtp.ko: the module cannot be unloaded under a call.
 *
 * UCPHONE_SRTP_F_REPLACE swaps the keys (and suite) of session
 * UCPHONE_SRTP_A_ID, which must be on the socket UCPHONE_SRTP_A_FD names,
 * in one step: a packet sees the old keys or the new ones. ROC, indexes
 * and replay windows carry over (as libsrtp2's srtp_update()), unless
 * UCPHONE_SRTP_A_SSRC names a new SSRC, which starts afresh.
 *
 * AEAD suites follow RFC 7714: 12-byte master salt, 16-byte tag, and
 * for SRTCP the E flag and index after the tag.
 *
 * MKI (RFC 3711 3.1): with UCPHONE_SRTP_A_MKI, a TX session puts the MKI
 * between the encrypted part and the tag of every SRTP packet
 * (header | payload | MKI | tag) and every SRTCP packet (header | payload
 * | E+index | MKI | tag); the tag covers what precedes the MKI, not the
 * MKI. The datagram grows by the MKI length as well. An RX session
 * expects exactly that MKI in every packet: a packet with another one
 * (in the place where this MKI would be) is dropped before any other
 * check and counted in UCPHONE_SRTP_STATS_A_BAD_MKI. One session holds one
 * master key, so one MKI; a re-key (UCPHONE_SRTP_F_REPLACE) sets the MKI
 * of the new key, and no MKI attribute means none. MKIs of 1 to 4 bytes
 * are supported (OCS and Lync send one byte); RFC 4568 allows up to 128,
 * and longer ones are refused with -ERANGE by the policy. The MKI is not
 * secret: UCPHONE_CMD_SRTP_GET reports it.
 *
 * Errors: EINVAL (missing attribute, key or salt length wrong for the
 * suite, an MKI with an AEAD suite), EBADF (fd not open
 * in the caller), EPROTOTYPE (not a UDP socket), EXDEV (socket in another
 * network namespace), EBUSY (socket used by another kernel user, such as
 * an IPsec or L2TP encapsulation, or already has a session in that
 * direction), ENOENT (no such session).
 *
 * UCPHONE_CMD_SRTP_DEL (CAP_NET_ADMIN)
 * ------------------------------------
 *    UCPHONE_A_SRTP: NLA_NESTED
 *        UCPHONE_SRTP_A_ID: NLA_U32 (required)
 *
 * UCPHONE_CMD_SRTP_GET
 * --------------------
 * With UCPHONE_A_SRTP/UCPHONE_SRTP_A_ID: that session. As a dump
 * (NLM_F_DUMP): every session, one message each, possibly over several
 * recv() calls. A session is described without key material:
 *
 *    UCPHONE_A_SRTP: NLA_NESTED
 *        UCPHONE_SRTP_A_ID, UCPHONE_SRTP_A_DIRECTION, UCPHONE_SRTP_A_SUITE,
 *        UCPHONE_SRTP_A_SSRC, UCPHONE_SRTP_A_WINDOW
 *        UCPHONE_SRTP_A_SEQ: NLA_U16, highest sequence number seen or sent
 *        UCPHONE_SRTP_A_ROC: NLA_U32, current roll-over counter
 *        UCPHONE_SRTP_A_SRTCP_INDEX: NLA_U32, TX: the next SRTCP index to
 *            send; RX: the highest accepted
 *        UCPHONE_SRTP_A_MKI: NLA_BINARY, only when the session has one
 *        UCPHONE_SRTP_A_STATS: NLA_NESTED
 *            UCPHONE_SRTP_STATS_A_PACKETS, _BYTES, _AUTH_FAILURES,
 *            _REPLAYS, _MALFORMED, _RTCP_PACKETS, and since version 2
 *            _BAD_MKI (RX packets dropped for a wrong MKI): NLA_U64 each
 *
 * Errors come back as a negative errno in the netlink ACK, with a message
 * in the extended ACK (NLMSGERR_ATTR_MSG) a user can read.
 */

#ifndef _UAPI_LINUX_UCPHONE_H
#define _UAPI_LINUX_UCPHONE_H

#include <linux/types.h>

#define UCPHONE_GENL_NAME "ucphone"
#define UCPHONE_GENL_VERSION 2
#define UCPHONE_MCGRP_EVENTS "events"

/* Longest driver or device name, with its NUL. */
#define UCPHONE_NAME_MAX 32
/* Longest SRTP master key and salt (AES-256: 32-byte key, 14-byte salt). */
#define UCPHONE_SRTP_KEY_MAX 32
#define UCPHONE_SRTP_SALT_MAX 14
/* Longest master key identifier a session takes (RFC 4568 allows 128). */
#define UCPHONE_SRTP_MKI_MAX 4

enum ucphone_cmd {
	UCPHONE_CMD_UNSPEC,
	UCPHONE_CMD_GET_INFO,
	UCPHONE_CMD_EVENT,
	UCPHONE_CMD_SRTP_NEW,
	UCPHONE_CMD_SRTP_DEL,
	UCPHONE_CMD_SRTP_GET,
	__UCPHONE_CMD_LAST
};

#define UCPHONE_CMD_MAX (__UCPHONE_CMD_LAST - 1)

enum ucphone_attr {
	UCPHONE_A_UNSPEC,
	UCPHONE_A_PAD,
	UCPHONE_A_VERSION,
	UCPHONE_A_KERNEL_RELEASE,
	UCPHONE_A_DRIVERS,
	UCPHONE_A_EVENT,
	UCPHONE_A_SRTP,
	__UCPHONE_A_LAST
};

#define UCPHONE_A_MAX (__UCPHONE_A_LAST - 1)

enum ucphone_driver_attr {
	UCPHONE_DRIVER_A_UNSPEC,
	UCPHONE_DRIVER_A_NAME,
	UCPHONE_DRIVER_A_DEVICE,
	UCPHONE_DRIVER_A_KIND,
	__UCPHONE_DRIVER_A_LAST
};

#define UCPHONE_DRIVER_A_MAX (__UCPHONE_DRIVER_A_LAST - 1)

enum ucphone_driver_kind {
	UCPHONE_DRIVER_KIND_UNSPEC,
	UCPHONE_DRIVER_KIND_KEYPAD,	/* dial pad, function keys, hook switch */
	UCPHONE_DRIVER_KIND_RESET,	/* reset button */
	UCPHONE_DRIVER_KIND_CODEC,	/* audio codec */
	UCPHONE_DRIVER_KIND_SOUND_CARD,	/* the phone's ASoC card */
	UCPHONE_DRIVER_KIND_SRTP,	/* SRTP fast path */
	UCPHONE_DRIVER_KIND_TEST,	/* test-only hardware model */
	__UCPHONE_DRIVER_KIND_LAST
};

#define UCPHONE_DRIVER_KIND_MAX (__UCPHONE_DRIVER_KIND_LAST - 1)

enum ucphone_event_type {
	UCPHONE_EVENT_UNSPEC,
	UCPHONE_EVENT_DRIVER_BOUND,
	UCPHONE_EVENT_DRIVER_UNBOUND,
	UCPHONE_EVENT_KEY,
	UCPHONE_EVENT_HOOK,
	UCPHONE_EVENT_RESET_BUTTON,
	UCPHONE_EVENT_AUDIO_ROUTE,
	__UCPHONE_EVENT_LAST
};

#define UCPHONE_EVENT_MAX (__UCPHONE_EVENT_LAST - 1)

enum ucphone_event_attr {
	UCPHONE_EVENT_A_UNSPEC,
	UCPHONE_EVENT_A_PAD,
	UCPHONE_EVENT_A_TYPE,
	UCPHONE_EVENT_A_SEQ,
	UCPHONE_EVENT_A_TIMESTAMP,
	UCPHONE_EVENT_A_DRIVER,
	UCPHONE_EVENT_A_DEVICE,
	UCPHONE_EVENT_A_DRIVER_KIND,
	UCPHONE_EVENT_A_KEY_CODE,
	UCPHONE_EVENT_A_KEY_VALUE,
	UCPHONE_EVENT_A_HOOK,
	UCPHONE_EVENT_A_RESET_KIND,
	UCPHONE_EVENT_A_RESET_HOLD_MS,
	UCPHONE_EVENT_A_RESET_AT_POWER_ON,
	UCPHONE_EVENT_A_AUDIO_ROUTE,
	__UCPHONE_EVENT_A_LAST
};

#define UCPHONE_EVENT_A_MAX (__UCPHONE_EVENT_A_LAST - 1)

enum ucphone_hook_state {
	UCPHONE_HOOK_UNSPEC,
	UCPHONE_HOOK_ON,	/* handset in its cradle */
	UCPHONE_HOOK_OFF,	/* handset lifted */
	__UCPHONE_HOOK_LAST
};

enum ucphone_reset_kind {
	UCPHONE_RESET_UNSPEC,
	UCPHONE_RESET_SOFT,	/* orderly restart of the phone */
	UCPHONE_RESET_HARD,	/* wipe to factory defaults, then restart */
	__UCPHONE_RESET_LAST
};

enum ucphone_audio_route {
	UCPHONE_AUDIO_ROUTE_UNSPEC,
	UCPHONE_AUDIO_ROUTE_HANDSET,
	UCPHONE_AUDIO_ROUTE_HEADSET,
	UCPHONE_AUDIO_ROUTE_SPEAKER,
	__UCPHONE_AUDIO_ROUTE_LAST
};

enum ucphone_srtp_attr {
	UCPHONE_SRTP_A_UNSPEC,
	UCPHONE_SRTP_A_PAD,
	UCPHONE_SRTP_A_ID,
	UCPHONE_SRTP_A_FD,
	UCPHONE_SRTP_A_DIRECTION,
	UCPHONE_SRTP_A_SUITE,
	UCPHONE_SRTP_A_MASTER_KEY,
	UCPHONE_SRTP_A_MASTER_SALT,
	UCPHONE_SRTP_A_SSRC,
	UCPHONE_SRTP_A_SEQ,
	UCPHONE_SRTP_A_ROC,
	UCPHONE_SRTP_A_SRTCP_INDEX,
	UCPHONE_SRTP_A_WINDOW,
	UCPHONE_SRTP_A_FLAGS,
	UCPHONE_SRTP_A_STATS,
	UCPHONE_SRTP_A_MKI,
	__UCPHONE_SRTP_A_LAST
};

#define UCPHONE_SRTP_A_MAX (__UCPHONE_SRTP_A_LAST - 1)

enum ucphone_srtp_direction {
	UCPHONE_SRTP_DIR_UNSPEC,
	UCPHONE_SRTP_DIR_TX,	/* plain RTP written, SRTP on the wire */
	UCPHONE_SRTP_DIR_RX,	/* SRTP on the wire, plain RTP read */
	__UCPHONE_SRTP_DIR_LAST
};

#define UCPHONE_SRTP_DIR_MAX (__UCPHONE_SRTP_DIR_LAST - 1)

enum ucphone_srtp_suite {
	UCPHONE_SRTP_SUITE_UNSPEC,
	UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,	/* RFC 3711, the default */
	UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32,	/* RFC 3711, SRTP only */
	UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80,	/* RFC 6188 */
	UCPHONE_SRTP_AEAD_AES_128_GCM,		/* RFC 7714 */
	UCPHONE_SRTP_AEAD_AES_256_GCM,		/* RFC 7714 */
	__UCPHONE_SRTP_SUITE_LAST
};

#define UCPHONE_SRTP_SUITE_MAX (__UCPHONE_SRTP_SUITE_LAST - 1)

enum ucphone_srtp_flags {
	/* NEW re-keys session UCPHONE_SRTP_A_ID in one step (re-INVITE). */
	UCPHONE_SRTP_F_REPLACE = 1U << 0,
	__UCPHONE_SRTP_F_ALL = UCPHONE_SRTP_F_REPLACE
};

enum ucphone_srtp_stats_attr {
	UCPHONE_SRTP_STATS_A_UNSPEC,
	UCPHONE_SRTP_STATS_A_PAD,
	UCPHONE_SRTP_STATS_A_PACKETS,
	UCPHONE_SRTP_STATS_A_BYTES,
	UCPHONE_SRTP_STATS_A_AUTH_FAILURES,
	UCPHONE_SRTP_STATS_A_REPLAYS,
	UCPHONE_SRTP_STATS_A_MALFORMED,
	UCPHONE_SRTP_STATS_A_RTCP_PACKETS,
	UCPHONE_SRTP_STATS_A_BAD_MKI,
	__UCPHONE_SRTP_STATS_A_LAST
};

#define UCPHONE_SRTP_STATS_A_MAX (__UCPHONE_SRTP_STATS_A_LAST - 1)

#endif /* _UAPI_LINUX_UCPHONE_H */
