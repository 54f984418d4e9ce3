/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDP for the phone's calls: parse what the far end sends (RFC 4566), write
 * the phone's offers and answers (RFC 3264), with SDES keys in a=crypto
 * lines (RFC 4568), and turn an agreed offer/answer into the media
 * engine's struct media_stream_params.
 *
 * Pure code: no daemon state, no I/O beyond getrandom() for keys, no
 * logging. Nothing recurses on input; every count is bounded (SDP_*_MAX)
 * and a body over a limit is refused, never truncated. The parser copies
 * what it keeps into fixed-size fields of struct sdp, so the body buffer
 * may be freed after sdp_parse().
 *
 * Errors carry the SIP answer a UAS gives (struct sdp_error): 400 for SDP
 * that is not SDP (syntax, missing v=/o=/s=/c=/m=, bad base64 in a key),
 * 488 Not Acceptable Here for SDP that is well formed but cannot be used
 * (no common codec, no acceptable crypto under srtp=mandatory, plain RTP
 * offered when SRTP is mandatory, a=encryption:required against srtp=off,
 * limits exceeded). The reason text is short, printable, and never holds
 * key material: it may go into a Warning header or the log.
 *
 * What is understood:
 * - v= o= s= c= (IN IP4/IP6, literal addresses; session level and per
 *   m= line) t= b= and any other line (skipped);
 * - m=audio PORT[/N] RTP/AVP|RTP/SAVP|RTP/AVPF|RTP/SAVPF fmt...; other
 *   media (video, application, ...) are kept as lines to refuse with
 *   port 0 in the answer (RFC 3264 6);
 * - a=rtpmap a=fmtp a=ptime a=maxptime a=sendrecv|sendonly|recvonly|
 *   inactive (session and media level) a=rtcp:PORT [IN IP4 addr]
 *   a=rtcp-mux;
 * - a=crypto:TAG SUITE inline:KEY_SALT_B64[|LIFETIME][|MKI:LEN][;inline:..]
 *   [session params] (RFC 4568 9.2): lifetime decimal or 2^n; MKI value
 *   and byte length 1..4 (OCS/Lync send `|2^31|1:1`); several lines with
 *   the same suite; unknown suites and lines with unknown mandatory
 *   session parameters are kept but never chosen (RFC 4568 6.3);
 * - a=encryption:required|optional|rejected ([MS-SDPEXT]), and OCS/Lync's
 *   optional SRTP, which is RTP/AVP *with* a=crypto lines: under
 *   srtp=mandatory or optional such a line is answered with SRTP (RTP/AVP
 *   and a crypto line echoed), under srtp=off with plain RTP.
 *
 * Offer/answer state lives in struct sdp_neg, one per call: the phone's
 * own keys (from getrandom, zeroed on free), the o= session id and version
 * (the version grows by one each time the phone's SDP changes, RFC 3264 8),
 * the last agreed stream. A re-offer keeps the same keys (so the far end
 * keeps its ROC) unless sdp_neg_rekey() was called, and offers only the
 * agreed suite once one is agreed (RFC 4568 7.1.4 and interop practice).
 */
#ifndef UCPHONE_SDP_H
#define UCPHONE_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/ucphone.h>

#include "lib/sdp/media_params.h"

#define SDP_BODY_MAX 16384	/* longest SDP body accepted */
#define SDP_LINES_MAX 512	/* lines in a body */
#define SDP_MEDIA_MAX 8		/* m= lines */
#define SDP_FORMATS_MAX 32	/* payload types on one m= line */
#define SDP_CRYPTO_MAX 16	/* a=crypto lines on one m= line */
#define SDP_CRYPTO_KEYS_MAX 2	/* inline: keys in one a=crypto line */
#define SDP_TOKEN_MAX 64	/* longest kept token (suite, encoding, ...) */
#define SDP_FMTP_MAX 128	/* longest kept a=fmtp parameter string */

/* Largest SDP this module writes; a buffer this big always suffices. */
#define SDP_OUT_MAX 4096

struct sdp_error {
	unsigned int status;	/* 400 or 488; 500 when getrandom fails */
	char reason[96];	/* e.g. "no common codec"; never key material */
};

enum sdp_proto {
	SDP_PROTO_OTHER,
	SDP_PROTO_RTP_AVP,
	SDP_PROTO_RTP_SAVP,
	SDP_PROTO_RTP_AVPF,
	SDP_PROTO_RTP_SAVPF,
};

/* a=sendrecv etc. as written in the SDP (the writer's point of view). */
enum sdp_dir {
	SDP_DIR_UNSET,		/* no attribute: sendrecv (RFC 3264 5.1) */
	SDP_DIR_SENDRECV,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
};

/* [MS-SDPEXT] a=encryption */
enum sdp_encryption {
	SDP_ENCRYPTION_UNSET,
	SDP_ENCRYPTION_REQUIRED,
	SDP_ENCRYPTION_OPTIONAL,
	SDP_ENCRYPTION_REJECTED,
};

/* The phone's srtp= setting. */
enum sdp_srtp_policy {
	SDP_SRTP_MANDATORY,	/* only SRTP; plain RTP offers get 488 */
	SDP_SRTP_OPTIONAL,	/* SRTP when the far end can, else plain */
	SDP_SRTP_OFF,		/* plain RTP only */
};

/* A literal IP address from c= or a=rtcp (no port). */
struct sdp_addr {
	int family;		/* AF_INET, AF_INET6, or 0: none given */
	union {
		uint8_t v4[4];
		uint8_t v6[16];
	};
};

struct sdp_key {
	uint8_t key_salt[UCPHONE_SRTP_KEY_MAX + UCPHONE_SRTP_SALT_MAX];
	uint8_t key_salt_len;	/* decoded bytes; checked against the suite */
	bool has_lifetime;
	uint64_t lifetime;	/* packets; 2^n expanded (n <= 63) */
	uint8_t mki_len;	/* 0: no MKI */
	uint32_t mki;
};

struct sdp_crypto {
	unsigned int tag;	/* 1..999999999 */
	enum ucphone_srtp_suite suite;	/* UNSPEC: not a suite we know */
	char suite_name[SDP_TOKEN_MAX];
	unsigned int n_keys;
	struct sdp_key keys[SDP_CRYPTO_KEYS_MAX];
	bool unencrypted_srtp, unencrypted_srtcp, unauthenticated_srtp;
	bool usable;		/* known suite, key lengths right, no unknown
				 * mandatory session parameter */
};

struct sdp_format {
	uint8_t pt;
	bool has_rtpmap;
	char encoding[SDP_TOKEN_MAX];	/* as written, e.g. "PCMU" */
	uint32_t clock_rate;
	uint8_t channels;		/* 1 when not written */
	bool has_fmtp;
	char fmtp[SDP_FMTP_MAX];
};

struct sdp_media {
	char media[SDP_TOKEN_MAX];	/* "audio", "video", ... */
	uint16_t port;			/* 0: stream refused/disabled */
	uint16_t port_count;		/* m=audio P/N; 1 when not written */
	enum sdp_proto proto;
	char proto_name[SDP_TOKEN_MAX];
	char first_fmt[SDP_TOKEN_MAX];	/* first format token as written */
	unsigned int n_formats;
	struct sdp_format formats[SDP_FORMATS_MAX];
	struct sdp_addr conn;		/* media c=, or the session's */
	uint32_t ptime_ms, maxptime_ms;	/* 0: not given */
	enum sdp_dir dir;		/* media, else session level */
	bool rtcp_mux;
	uint16_t rtcp_port;		/* a=rtcp, 0: not given */
	struct sdp_addr rtcp_addr;
	unsigned int n_crypto;
	struct sdp_crypto crypto[SDP_CRYPTO_MAX];
	enum sdp_encryption encryption;	/* media, else session level */
};

struct sdp {
	char origin_user[SDP_TOKEN_MAX];
	uint64_t sess_id, sess_version;
	struct sdp_addr origin_addr;
	struct sdp_addr conn;		/* session-level c= */
	enum sdp_dir dir;		/* session-level direction */
	enum sdp_encryption encryption;	/* session-level a=encryption */
	unsigned int n_media;
	struct sdp_media media[SDP_MEDIA_MAX];
};

/*
 * Parses body[0..len) (CRLF or LF line ends; a NUL inside is an error) into
 * *out, which the call zeroes first. 0, or -EINVAL (syntax: err->status
 * 400) / -E2BIG (a limit: 488) with err filled. A syntax error in an
 * a=crypto key (bad base64, key length wrong for the suite, MKI length
 * outside 1..4, lifetime over 2^63) makes that line unusable, not the
 * body: the far end's other lines may still do (RFC 4568 6.1).
 */
int sdp_parse(const char *body, size_t len, struct sdp *out,
	      struct sdp_error *err);
/* Zeroes *sdp, the keys it holds included. */
void sdp_clear(struct sdp *sdp);

/* "AES_CM_128_HMAC_SHA1_80" etc. as SDP writes them; NULL for UNSPEC. */
const char *sdp_suite_name(enum ucphone_srtp_suite suite);
/* Bytes of master key and of master salt the suite takes. */
size_t sdp_suite_key_len(enum ucphone_srtp_suite suite);
size_t sdp_suite_salt_len(enum ucphone_srtp_suite suite);

/* What the phone offers and accepts; copied into the sdp_neg. */
struct sdp_config {
	const char *user;		/* o= user name; NULL: "-" */
	struct sockaddr_storage local;	/* c= and o= address (port unused) */
	uint16_t rtp_port;		/* the engine's RTP socket */
	uint16_t rtcp_port;		/* its RTCP socket; 0: rtcp-mux only */
	enum sdp_srtp_policy srtp;
	/*
	 * Bit (1U << enum ucphone_srtp_suite) for each suite the phone's
	 * SRTP path can run (the AEAD suites only with the kernel module).
	 * Offered in the order AES_CM_128_HMAC_SHA1_80, _32, AES_256_CM,
	 * AEAD_AES_128_GCM, AEAD_AES_256_GCM; 0 with srtp != OFF: -EINVAL.
	 */
	uint32_t suites;
	/* Codecs in preference order (e.g. opus, G722, PCMU, PCMA); 1..MEDIA_CODEC_MAX. */
	enum media_codec codecs[MEDIA_CODEC_MAX];
	unsigned int n_codecs;
	uint32_t ptime_ms;		/* 0: 20 */
	bool tel_event;			/* offer telephone-event/8000 PT 101 0-16 */
	bool rtcp_mux;			/* offer a=rtcp-mux */
	bool cn;			/* offer and accept CN/8000 (RFC 3389, PT 13) */
	/* Opus: the most this phone plays and captures (maxplaybackrate,
	 * sprop-maxcapturerate: the sound card's rate); 0: not said */
	uint32_t opus_max_playback_rate;
};

struct sdp_neg;

/* New negotiation state for one call. 0, -EINVAL or -ENOMEM. */
int sdp_neg_new(struct sdp_neg **out, const struct sdp_config *cfg);
/* Zeroes every key and frees; NULL is fine. */
void sdp_neg_free(struct sdp_neg *neg);

/* New local ports (the engine opened new sockets); next SDP says so. */
void sdp_neg_set_ports(struct sdp_neg *neg, uint16_t rtp_port,
		       uint16_t rtcp_port);
/* Local direction to offer next (hold: SENDONLY; resume: SENDRECV). */
void sdp_neg_set_direction(struct sdp_neg *neg, enum media_dir dir);
/*
 * What the far end's last agreed SDP allows, from the phone's side:
 * MEDIA_DIR_SENDS when it takes audio (not a=sendonly/inactive, not the
 * old c=0.0.0.0 hold), MEDIA_DIR_RECEIVES when it sends. SENDRECV before
 * any agreement.
 */
enum media_dir sdp_neg_far_direction(const struct sdp_neg *neg);
/* Fresh keys for the next offer (a re-key). 0 or -errno from getrandom. */
int sdp_neg_rekey(struct sdp_neg *neg);

/*
 * Writes the phone's offer (INVITE, re-INVITE, or a 200 OK to an INVITE
 * without SDP) into buf (NUL-terminated; *len without the NUL). SRTP
 * mandatory or optional: m=audio ... RTP/SAVP with one a=crypto line per
 * suite in cfg->suites, each with its own key; off: RTP/AVP, no crypto.
 * 0, or -ENOSPC (buf too small) / -EIO (getrandom) with err filled.
 */
int sdp_neg_offer(struct sdp_neg *neg, char *buf, size_t size, size_t *len,
		  struct sdp_error *err);

/*
 * The far end's answer to the last offer. On 0 *out holds the agreed
 * stream (the caller clears it with media_stream_params_clear()); an
 * unacceptable answer (no offered codec, a crypto tag or suite we did not
 * offer, plain RTP under srtp=mandatory) fails with -EPROTO and err says
 * why: the caller ends the call (RFC 3264 has no 488 for answers).
 */
int sdp_neg_answer_received(struct sdp_neg *neg, const char *body,
			    size_t len, struct media_stream_params *out,
			    struct sdp_error *err);

/*
 * Another fork of the phone's offer answers (RFC 3261 13.2.2.4): a 2xx
 * from a different far end than the early answer came from. The last
 * offer is open again, so sdp_neg_answer_received() takes the new
 * answer in place of the early one. Nothing changes while an offer is
 * still pending.
 */
void sdp_neg_reopen_offer(struct sdp_neg *neg);

/*
 * The far end's offer (INVITE, re-INVITE, UPDATE). On 0, the answer is in
 * buf and *out holds the agreed stream; on -EINVAL (400) or -EPROTO /
 * -E2BIG (488) err holds the SIP status and reason to send, and the
 * previous agreement stays in force (RFC 3264 8: a refused re-offer
 * changes nothing). The first audio m= line with a usable codec is taken;
 * every other m= line is answered with port 0. Crypto: the first usable
 * a=crypto line in the far end's order whose suite is in cfg->suites;
 * the answer echoes its tag and suite with the phone's own key (a new key
 * when the suite changed or sdp_neg_rekey() was called, else the same).
 * The phone's offers carry no MKI. When the chosen line of a far end's
 * offer has an MKI (OCS/Lync `|2^31|1:1`), the answer's key carries one of
 * the same length with value 1 and the same lifetime, as those peers
 * expect; out->rx and out->tx then both have mki_len set.
 */
int sdp_neg_offer_received(struct sdp_neg *neg, const char *body, size_t len,
			   char *buf, size_t size, size_t *len_out,
			   struct media_stream_params *out,
			   struct sdp_error *err);

/*
 * The last agreed stream (a copy; clear it after use). -ENOENT when no
 * offer/answer has completed yet.
 */
int sdp_neg_current(const struct sdp_neg *neg, struct media_stream_params *out);

/*
 * Opus fmtp (RFC 7587 6.1) of the far end's format: useinbandfec=1,
 * usedtx=1, maxplaybackrate (0 when absent or below 8000).
 */
void sdp_opus_fmtp(const struct sdp_format *f, bool *fec, bool *dtx, uint32_t *max_playback);
/*
 * A codec preference list, names separated by commas, case ignored
 * ("opus,G722,PCMU,PCMA"): each known codec at most once. 0, or -EINVAL
 * (out untouched beyond what was parsed).
 */
#define SDP_CODECS_DEFAULT "opus,G722,PCMU,PCMA"
int sdp_codec_list_parse(const char *s, enum media_codec out[MEDIA_CODEC_MAX],
			 unsigned int *n);
/* Whether the m= line carries CN/8000 on static payload type 13. */
bool sdp_has_cn(const struct sdp_media *m);

#endif /* UCPHONE_SDP_H */
