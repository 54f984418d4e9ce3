/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the media engine: the call and engine structures the main loop
 * and the media thread share. Who touches what:
 * - struct media_call's stream is the media thread's while attached, the
 *   main loop's otherwise (attach/detach go through the command ring and
 *   detach waits for the thread's acknowledgement);
 * - the counters in struct stream_stats are atomics written by the thread
 *   and read by the main loop at any time.
 */
#ifndef UCPHONE_MEDIA_INTERNAL_H
#define UCPHONE_MEDIA_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>

#include <speex/speex_resampler.h>

#include "media/codec.h"
#include "media/jitter.h"
#include "media/media.h"
#include "media/media_audio.h"
#include "media/media_tone.h"
#include "media/media_vad.h"
#include "media/cn_tx.h"
#include "media/loss_est.h"
#include "lib/rtp/rtp.h"
#include "lib/rtp/rtp_dtmf.h"
#include "media/spsc_ring.h"
#include "media/srtp_flow.h"

#define DTMF_QUEUE 32
#define PKT_MAX 1500

struct stream_stats {
	_Atomic uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	_Atomic uint64_t rx_lost, rx_late, rx_duplicates, rx_malformed;
	_Atomic uint64_t rtcp_tx, rtcp_rx, dtmf_sent, dtmf_received, frames;
	_Atomic uint32_t jitter_us, remote_fraction_lost, remote_cumulative_lost;
	_Atomic uint32_t remote_jitter_us, jb_delay_ms, send_jitter_max_us;
	_Atomic int32_t rtt_us;
	_Atomic uint64_t thread_allocs, first_played_ns;
	/* jitter buffer and concealment */
	_Atomic uint32_t jb_target_ms, jb_jitter_ms;
	_Atomic uint64_t concealed, fec_recovered, jb_dropped, jb_stretched, cn_frames;
	_Atomic uint64_t jb_lost;
	_Atomic uint64_t cn_sent;
	_Atomic uint32_t expected_loss_pct;
};

/* One channel: a socket and, with SRTP, its two flows. */
struct chan {
	int fd;
	struct srtp_flow *tx, *rx;
};

struct dtmf_req {
	uint8_t event;
	uint16_t duration_ms;
};

struct stream {
	struct media_stream_params p;
	struct chan rtp, rtcp;		/* rtcp.fd == rtp.fd with rtcp-mux */
	bool separate_rtcp;

	/* sending */
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts;
	struct codec codec;
	/* the card's rate to the codec's and back (NULL: the same rate) */
	SpeexResamplerState *to_codec, *to_card;
	unsigned int card_rate, card_frame;	/* the card's rate, samples per 20 ms */
	int16_t txbuf[CODEC_PCM_MAX];	/* up to 60 ms at the codec's rate */
	unsigned int txfill;		/* samples in txbuf */
	bool dtx_paused;		/* the encoder's DTX or comfort noise sent no audio last */
	struct cn_tx cn_tx;		/* comfort noise sent in silence */
	struct loss_est loss;		/* the far end's reported loss, smoothed */
	struct rtp_dtmf_tx dtmf_tx;
	struct dtmf_req dtmf_q[DTMF_QUEUE];
	unsigned int dtmf_head, dtmf_tail;
	uint64_t last_send_ns;
	uint64_t sent_packets, sent_octets;	/* for SR */
	bool sent_since_report;

	/* receiving */
	bool have_remote;
	struct rtp_source src;
	struct jb jb;
	unsigned int gap_units;		/* units concealed in a row */
	float cn_dbov;			/* comfort-noise level (RFC 3389), -dBov */
	noise_state_t cn;
	uint8_t unit[JB_UNIT_BYTES];	/* one unit cut from a packet */
	struct rtp_dtmf_rx dtmf_rx;
	uint64_t last_rx_ns;
	bool timeout_reported;
	bool first_played;
	bool jb_fed;

	/* RTCP */
	uint64_t next_rtcp_ns;
	bool first_rtcp;
	uint32_t rng;

	uint64_t start_ns;
	uint64_t detached_ns;		/* when the last detach happened */
	struct stream_stats st;
	uint8_t pkt[PKT_MAX];
};

struct media_call {
	struct media_engine *engine;
	uint32_t id;
	int rtp_fd, rtcp_fd;
	uint16_t rtp_port, rtcp_port;
	bool started;		/* stream set up (main loop's view) */
	bool attached;		/* handed to the thread */
	struct stream s;
	char cname[40];
	_Atomic bool conference;	/* joined to the bridge; the thread reads it */
};

enum cmd_type {
	CMD_ATTACH,
	CMD_DETACH,		/* acknowledged */
	CMD_DTMF,
	CMD_PARAMS,		/* direction, ptime, events: applied in place */
	CMD_TONE,
	CMD_SET_AUDIO,		/* acknowledged; old PCMs come back */
	CMD_ECHO_CANCEL,	/* the speakerphone's echo canceller on or off */
	CMD_QUIT,
};

struct cmd {
	enum cmd_type type;
	struct media_call *call;
	struct dtmf_req dtmf;
	enum media_tone tone;
	struct media_audio audio;
	struct media_stream_params params;
	bool on;
};

#define CMD_SLOTS 64
#define EVT_SLOTS 128

struct media_engine {
	struct media_engine_config cfg;
	pthread_t thread;
	bool thread_started;
	bool realtime;
	int cmd_fd, evt_fd, ack_fd;
	struct spsc_ring cmds, evts;
	struct cmd cmd_mem[CMD_SLOTS];
	struct media_event evt_mem[EVT_SLOTS];
	_Atomic bool evt_overflow;
	_Atomic uint64_t xruns;		/* the thread's audio.xruns, published */
	_Atomic uint64_t audio_start_ns;	/* when the card's streams last started */
	_Atomic bool muted;		/* capture replaced by silence */
	uint32_t next_call_id;
	unsigned int n_attached;	/* main loop's count of attached calls */
	uint16_t next_port;

	/* the thread's own */
	struct media_audio audio;
	struct media_call *active[MEDIA_CALLS_MAX];
	unsigned int n_active;
	struct tone_player tone;	/* made at start; played by the thread */
	struct media_vad vad;		/* the microphone's voice activity */
	struct cmd ack_cmd;		/* what a SET_AUDIO hands back */
	bool audio_failed;
	struct echo_canceller *ec;	/* made at start; used by the thread */
	bool ec_on;
	_Atomic uint32_t echo_delay_ms;	/* the card's measured echo-path delay */
	_Atomic uint64_t echo_errors;
	unsigned int audio_good;	/* frames the card ran since its last restart */
	unsigned int audio_restarts;	/* restarts in a row, each soon failing again */
};

/*
 * media_stream.c: the thread's per-frame work on one call, in two halves
 * so a conference can mix between them: receive and play the far end
 * into heard (false: nothing to hear), then send out (the microphone, or
 * the conference's mix for this leg), RTCP, the silence check. heard and
 * out: one frame at the card's rate (e->audio.frame samples).
 */
bool stream_tick_rx(struct media_engine *e, struct media_call *c,
		    int16_t *heard, uint64_t now_ns);
void stream_tick_tx(struct media_engine *e, struct media_call *c,
		    const int16_t *out, uint64_t now_ns);
void stream_attach(struct media_engine *e, struct media_call *c, uint64_t now_ns);
void stream_detach(struct media_engine *e, struct media_call *c, uint64_t now_ns);
/* Main loop, stream detached: the RTCP BYE that ends it. */
void stream_send_bye(struct media_call *c);

/* media_echo.c: the speakerphone's echo canceller on the thread's frames */
int media_echo_new(struct media_engine *e);
void media_echo_free(struct media_engine *e);
void media_echo_capture(struct media_engine *e, int16_t *cap);
void media_echo_played(struct media_engine *e, const int16_t *out);

/* media_cn.c: comfort noise sent in silence */
void media_cn_frame(struct media_engine *e, const int16_t *cap);
enum cn_tx_action stream_cn(struct media_engine *e, struct stream *s, uint64_t now_ns,
			    uint8_t *level);

/* media_engine.c: events from the thread */
void engine_emit(struct media_engine *e, const struct media_event *ev);
uint64_t media_now_ns(void);

#endif /* UCPHONE_MEDIA_INTERNAL_H */
