/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one negotiated audio stream is, as plain data: the outcome of an
 * SDP offer/answer (lib/sdp turns it into this) and the input of the media
 * engine (media.h starts a call's stream from it). No pointers, no SIP, no
 * state: it can be copied, compared and zeroed.
 *
 * Keys: tx is the key this phone SENDS with (the one in the SDP this phone
 * wrote), rx the key the far end sends with (the one in the far end's SDP),
 * RFC 4568 5.1. Zero the struct with media_stream_params_clear() when done
 * with it; the key bytes must never be logged.
 */
#ifndef UCPHONE_MEDIA_PARAMS_H
#define UCPHONE_MEDIA_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/ucphone.h>

/* Codecs the engine runs (enum order is not a preference order). */
enum media_codec {
	MEDIA_CODEC_NONE,
	MEDIA_CODEC_PCMU,	/* G.711 mu-law, static PT 0, 8000 Hz */
	MEDIA_CODEC_PCMA,	/* G.711 A-law, static PT 8, 8000 Hz */
	MEDIA_CODEC_G722,	/* static PT 9, RTP clock 8000, audio 16 kHz */
	MEDIA_CODEC_OPUS,	/* dynamic PT, RTP clock 48000 */
	__MEDIA_CODEC_LAST
};

#define MEDIA_CODEC_MAX (__MEDIA_CODEC_LAST - 1)

/*
 * Direction as seen from this phone (RFC 3264 6.1: a=sendonly in the far
 * end's SDP is MEDIA_DIR_RECVONLY here; lib/sdp does that flip). The two
 * low bits are "we send" and "we receive".
 */
enum media_dir {
	MEDIA_DIR_INACTIVE = 0,
	MEDIA_DIR_SENDONLY = 1,
	MEDIA_DIR_RECVONLY = 2,
	MEDIA_DIR_SENDRECV = 3,
};

#define MEDIA_DIR_SENDS(d) (((d) & MEDIA_DIR_SENDONLY) != 0)
#define MEDIA_DIR_RECEIVES(d) (((d) & MEDIA_DIR_RECVONLY) != 0)

/* RFC 3389 comfort noise, static payload type (8000 Hz). */
#define MEDIA_PT_CN 13

/* No telephone-event negotiated. */
#define MEDIA_PT_NONE 0xff

/*
 * One SRTP master key for one direction. Lengths as the suite demands
 * (AES-CM-128: 16 + 14, AES-256-CM: 32 + 14, AEAD-128: 16 + 12,
 * AEAD-256: 32 + 12). mki_len 0: no MKI in packets; else 1..4 bytes,
 * mki big-endian on the wire after the payload (RFC 3711 3.1).
 */
struct media_srtp_key {
	uint8_t key[UCPHONE_SRTP_KEY_MAX];
	uint8_t key_len;
	uint8_t salt[UCPHONE_SRTP_SALT_MAX];
	uint8_t salt_len;
	uint8_t mki_len;
	uint32_t mki;
};

struct media_stream_params {
	/* The phone's end: the port of the socket media_call_open() bound. */
	uint16_t local_rtp_port;
	uint16_t local_rtcp_port;	/* == local_rtp_port with rtcp_mux */

	/* The far end (c= and m= port; a=rtcp or port + 1). Port 0: none. */
	struct sockaddr_storage remote_rtp;
	struct sockaddr_storage remote_rtcp;
	bool rtcp_mux;			/* RFC 5761, both sides agreed */

	/*
	 * Payload types: the far end's SDP numbers what we send, ours what it
	 * sends (RFC 3264 6.1); they differ only for dynamic types.
	 */
	enum media_codec codec;
	uint8_t pt;			/* payload type we send */
	uint8_t rx_pt;			/* payload type the far end sends */
	uint32_t clock_rate;		/* RTP timestamp clock (Hz) */
	uint32_t ptime_ms;		/* packet time we send: 20, 40 or 60 */

	uint8_t tel_event_pt;		/* RFC 4733 we send, MEDIA_PT_NONE: none */
	uint8_t rx_tel_event_pt;	/* RFC 4733 the far end sends */
	uint16_t tel_event_events;	/* bit n set: event n (0-15) */

	enum media_dir dir;

	/*
	 * Opus: the far end's fmtp (RFC 7587 6.1), hints for what we send:
	 * useinbandfec=1 (it decodes in-band FEC), usedtx=1, maxplaybackrate
	 * (0: not given).
	 */
	bool opus_fec;
	bool opus_dtx;
	uint32_t opus_max_playback_rate;
	/* RFC 3389 comfort noise (CN/8000, static PT 13) agreed both ways */
	bool cn;

	/* SRTP (suite UNSPEC and srtp false: plain RTP, policy allowed it) */
	bool srtp;
	enum ucphone_srtp_suite suite;
	struct media_srtp_key tx;	/* what this phone sends with */
	struct media_srtp_key rx;	/* what the far end sends with */
};

/*
 * The helpers are inline so that this header stays plain data: lib/sdp
 * and the media engine use it without linking each other.
 */

/* Zeroes the whole struct, keys included, in a way the compiler keeps. */
static inline void media_stream_params_clear(struct media_stream_params *p)
{
	explicit_bzero(p, sizeof(*p));
}

/* "PCMU", "PCMA", "G722", "opus", or "none". */
static inline const char *media_codec_name(enum media_codec codec)
{
	switch (codec) {
	case MEDIA_CODEC_PCMU:
		return "PCMU";
	case MEDIA_CODEC_PCMA:
		return "PCMA";
	case MEDIA_CODEC_G722:
		return "G722";
	case MEDIA_CODEC_OPUS:
		return "opus";
	default:
		return "none";
	}
}

/* "sendrecv", "sendonly", "recvonly", "inactive". */
static inline const char *media_dir_name(enum media_dir dir)
{
	switch (dir & MEDIA_DIR_SENDRECV) {
	case MEDIA_DIR_SENDRECV:
		return "sendrecv";
	case MEDIA_DIR_SENDONLY:
		return "sendonly";
	case MEDIA_DIR_RECVONLY:
		return "recvonly";
	default:
		return "inactive";
	}
}

#endif /* UCPHONE_MEDIA_PARAMS_H */
