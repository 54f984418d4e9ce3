/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's media engine: one real-time thread that owns the sound card
 * (ALSA capture and playback PCMs, through alsa-lib), encodes and decodes
 * G.711 and G.722 (spandsp) and Opus (libopus), resampling (speexdsp)
 * where the codec's rate is not the card's, sends and receives each call's RTP/RTCP on the call's
 * UDP socket through srtp_flow (SRTP in ucphone-srtp.ko when the module is
 * there, else libsrtp2), runs an adaptive jitter buffer (jitter.h) with
 * each codec's loss concealment and comfort noise, plays the
 * phone's tones (spandsp's tone generator, per country) and sends and
 * receives DTMF as RFC 4733 telephone-events.
 *
 * Includes no SIP header: the call manager turns SDP into a struct
 * media_stream_params (media_params.h, lib/sdp does it) and hands it here.
 *
 * Threads. Every function here is for the daemon's main loop (one thread);
 * none blocks longer than one frame (media_call_close() and
 * media_engine_set_audio() wait for the media thread's acknowledgement,
 * bounded by MEDIA_ACK_TIMEOUT_MS). Commands reach the media thread through
 * a fixed-size lock-free ring and an eventfd; events come back the same
 * way: watch media_engine_event_fd() (EPOLLIN) from sd-event and drain
 * with media_engine_next_event(). Statistics are atomics the main loop
 * reads at any time.
 *
 * Real time. Per 20 ms frame the media thread allocates nothing, takes no
 * lock the main loop takes, and makes no syscall beyond ALSA's and the
 * socket's (recv/send, the eventfd). Everything a call needs (socket,
 * SRTP contexts, jitter-buffer ring, codec state) is allocated by
 * media_call_open()/media_call_start() on the main loop, and freed there
 * after the thread acknowledged the stop. The thread runs SCHED_FIFO at
 * cfg->rt_priority when permitted (CAP_SYS_NICE or RLIMIT_RTPRIO), else
 * SCHED_OTHER; media_engine_realtime() says which. With the libsrtp2
 * fallback, Debian's libsrtp2 (on NSS) allocates for every packet: the
 * engine counts those allocations and shows them in struct media_stats
 * rather than hiding them; the kernel and plain paths allocate nothing.
 *
 * Audio: one capture and one playback PCM, S16_LE mono at the card's rate
 * (cfg->audio_rate: 8, 16, 32 or 48 kHz; 16 kHz by default, so G.722 and
 * wideband Opus reach the loudspeaker; ALSA's plug layer converts where
 * the card differs), period = one frame. The
 * same code drives the phone's ES8311 card and, on a test host, any ALSA
 * PCM (tests/media/asound.conf: a file-backed, real-time-paced PCM).
 * While nothing plays (no call, no tone) the PCMs are stopped.
 */
#ifndef UCPHONE_MEDIA_H
#define UCPHONE_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/sdp/media_params.h"
#include "media/srtp_flow.h"

#define MEDIA_ACK_TIMEOUT_MS 500
#define MEDIA_CALLS_MAX 4		/* calls with an open stream at once */
#define MEDIA_DEVICE_MAX 64		/* longest ALSA device name, with NUL */

struct media_engine_config {
	/* ALSA PCM names for the current audio path ("default", "hw:0", ...) */
	char playback[MEDIA_DEVICE_MAX];
	char capture[MEDIA_DEVICE_MAX];
	int rt_priority;		/* SCHED_FIFO priority 1..99; 0: never */
	char tone_country[3];		/* ISO 3166 alpha-2; "" means "US" */
	/* Local address the RTP sockets bind to (port ignored; any address
	 * of the family when unspecified). */
	struct sockaddr_storage local;
	uint16_t rtp_port_min, rtp_port_max;	/* even port range; 0,0: 16384-32766 */
	enum srtp_flow_mode srtp_mode;	/* AUTO: the kernel if it answers */
	uint32_t jitter_delay_ms;	/* playout delay before jitter is known; 0: 60 */
	uint32_t rtp_timeout_ms;	/* no RTP that long: event; 0: 30000 */
	uint32_t audio_rate;		/* the card's rate: 8000, 16000, 32000 or
					 * 48000 Hz; 0: 16000 */
};

/* Tones the phone plays with or without a call (spandsp, per country). */
enum media_tone {
	MEDIA_TONE_NONE,
	MEDIA_TONE_DIAL,		/* off hook, nothing dialled */
	MEDIA_TONE_RINGBACK,		/* the far end rings */
	MEDIA_TONE_BUSY,		/* 486 */
	MEDIA_TONE_REORDER,		/* error, fast busy */
	MEDIA_TONE_RING,		/* incoming call, on the speaker path */
	MEDIA_TONE_CALL_WAITING,	/* a second call arrives during a call */
	__MEDIA_TONE_LAST
};

enum media_event_type {
	MEDIA_EVENT_DTMF,		/* a telephone-event arrived (start/end) */
	MEDIA_EVENT_FIRST_PACKET,	/* the first received packet was played */
	MEDIA_EVENT_RTP_TIMEOUT,	/* nothing received for rtp_timeout_ms */
	MEDIA_EVENT_STREAM_ERROR,	/* socket or ALSA failure; stream stopped */
	MEDIA_EVENT_DTMF_SENT,		/* media_call_send_dtmf() finished */
	MEDIA_EVENT_OVERFLOW,		/* events were lost (ring full) */
	MEDIA_EVENT_AUDIO_RESTART,	/* the card stalled; its streams restarted */
};

struct media_event {
	enum media_event_type type;
	uint32_t call_id;		/* media_call_id(); 0 for engine events */
	uint64_t time_ns;		/* CLOCK_MONOTONIC when it happened */
	union {
		struct {
			char digit;	/* '0'-'9', '*', '#', 'A'-'D' */
			uint8_t event;	/* RFC 4733 event code 0-15 */
			bool end;	/* false: start of the digit */
			uint16_t duration_ms;	/* with end */
		} dtmf;
		int error;		/* STREAM_ERROR, AUDIO_RESTART: -errno */
	};
};

struct media_stats {
	uint64_t tx_packets, tx_bytes;	/* RTP sent (payload + header) */
	uint64_t rx_packets, rx_bytes;	/* RTP received and accepted */
	uint64_t rx_lost;		/* sequence gaps never filled */
	uint64_t rx_late;		/* arrived after their playout time */
	uint64_t rx_duplicates;
	uint64_t rx_malformed;		/* bad RTP header, wrong PT/SSRC */
	uint64_t rx_srtp_failures;	/* auth failures and replays */
	uint64_t rtcp_tx, rtcp_rx;
	uint32_t jitter_us;		/* RFC 3550 A.8 interarrival jitter */
	int32_t rtt_us;			/* from RTCP LSR/DLSR; -1: none yet */
	uint32_t remote_fraction_lost;	/* last RR from the far end, /256 */
	uint32_t remote_cumulative_lost;
	uint32_t remote_jitter_us;
	uint32_t jb_delay_ms;		/* current jitter-buffer delay */
	uint32_t jb_target_ms;		/* the delay it steers to */
	uint32_t jb_jitter_ms;		/* peak jitter it measured */
	uint64_t jb_lost;		/* 20 ms units missing at playout */
	uint64_t jb_dropped;		/* units dropped to shrink the delay */
	uint64_t jb_stretched;		/* ticks concealed to grow the delay */
	uint64_t concealed;		/* 20 ms frames concealed (PLC, FEC, CN) */
	uint64_t fec_recovered;		/* lost units rebuilt from Opus FEC */
	uint64_t cn_frames;		/* frames of comfort noise played */
	uint64_t cn_sent;		/* RFC 3389 CN packets sent in silence */
	uint32_t expected_loss_pct;	/* Opus: loss the encoder protects against */
	uint32_t echo_delay_ms;		/* echo canceller's measured path delay */
	uint64_t dtmf_sent, dtmf_received;
	uint64_t frames;		/* 20 ms frames handled by the thread */
	uint64_t xruns;			/* ALSA under/overruns recovered */
	uint32_t send_jitter_max_us;	/* worst lateness of a send */
	/* SRTP */
	bool srtp;
	enum ucphone_srtp_suite suite;
	enum srtp_flow_backend backend;	/* kernel or libsrtp2 */
	/* Heap allocations made on the media thread since the stream started
	 * (the libsrtp2 fallback's per-packet ones included); thread_allocs
	 * counted is false when the build cannot count them. */
	bool allocs_counted;
	uint64_t thread_allocs;
	/* CLOCK_MONOTONIC ns: stream start, first received packet played,
	 * the card's capture and playback last started (their sample 0) */
	uint64_t start_ns, first_played_ns, audio_start_ns;
};

struct media_engine;
struct media_call;

/* Starts the media thread. 0 or -errno (-EINVAL bad config). */
int media_engine_new(const struct media_engine_config *cfg,
		     struct media_engine **out);
/* Stops every call and the thread, closes PCMs and sockets, frees. */
void media_engine_free(struct media_engine *engine);
/* Readable (eventfd) when media_engine_next_event() has something. */
int media_engine_event_fd(const struct media_engine *engine);
/* 1: *ev filled; 0: nothing left (the eventfd is drained). */
int media_engine_next_event(struct media_engine *engine, struct media_event *ev);
/* The sound card's sample rate (Hz): what the phone plays at most. */
uint32_t media_engine_rate(const struct media_engine *engine);
/* true when the thread runs SCHED_FIFO. */
bool media_engine_realtime(const struct media_engine *engine);

/*
 * The audio path changed (handset, headset, speaker): opens the new PCMs
 * on the main loop, hands them to the thread, closes the old ones once the
 * thread let go. A call carries on. 0 or -errno (old path kept).
 */
int media_engine_set_audio(struct media_engine *engine, const char *playback,
			   const char *capture);

/*
 * Microphone mute: from the next 20 ms frame the capture is replaced by
 * silence before encoding; RTP (and RTCP) keep flowing, so the far end
 * hears silence and the call stays up.
 */
void media_engine_set_mute(struct media_engine *engine, bool muted);
bool media_engine_muted(const struct media_engine *engine);

/*
 * Plays a tone on the playback path (mixed over call audio when a call
 * runs: call waiting). MEDIA_TONE_NONE stops it. Every tone repeats its
 * cadence until replaced or stopped.
 */
int media_engine_tone(struct media_engine *engine, enum media_tone tone);

/*
 * The speakerphone's echo cancelling, noise suppression and gain control
 * (webrtc-audio-processing) on the capture path, on or off; off for the
 * handset and the headset. 0 or -EAGAIN.
 */
int media_engine_set_echo_cancel(struct media_engine *engine, bool on);

/*
 * Opens the sockets for one call: an RTP socket bound to a free even port
 * in the range and an RTCP socket on port + 1 (kept while rtcp-mux is
 * agreed, for a re-INVITE that drops it). Nothing is sent until
 * media_call_start(). 0 or -errno.
 */
int media_call_open(struct media_engine *engine, struct media_call **out);
uint32_t media_call_id(const struct media_call *call);	/* never 0 */
uint16_t media_call_rtp_port(const struct media_call *call);
uint16_t media_call_rtcp_port(const struct media_call *call);

/*
 * Starts the stream as negotiated: SRTP contexts on the sockets (kernel
 * or libsrtp2), codec, jitter buffer, a random SSRC, sequence number and
 * timestamp (RFC 3550 5.1). -EOPNOTSUPP: codec or suite not available;
 * -EALREADY: already started (use media_call_update()); -EBUSY:
 * MEDIA_CALLS_MAX streams already run.
 */
int media_call_start(struct media_call *call,
		     const struct media_stream_params *params);

/*
 * A re-INVITE or UPDATE changed the stream: direction only (hold, resume),
 * the far end's address, codec, or keys. Same keys: SRTP state (ROC,
 * sequence, timestamp) carries on; new keys: the contexts are re-keyed
 * (a new far-end SSRC starts afresh). 0 or -errno (old stream kept).
 */
int media_call_update(struct media_call *call,
		      const struct media_stream_params *params);

/*
 * Stops the stream (RTCP BYE sent, SRTP contexts dropped) and waits for the
 * thread's acknowledgement; the sockets stay, and media_call_start() may
 * start it again (with new parameters). 0, or -EALREADY when not started.
 */
int media_call_stop(struct media_call *call);

/*
 * Sends one DTMF digit as RFC 4733 telephone-events (first packet with
 * the M bit, the duration growing every packet, the end packet three
 * times) lasting duration_ms (40..1000; 0: 100). Digits queue in order.
 * -EOPNOTSUPP when no telephone-event was negotiated (the caller sends
 * SIP INFO instead), -EINVAL for a character that is not a DTMF digit.
 */
int media_call_send_dtmf(struct media_call *call, char digit,
			 unsigned int duration_ms);

/*
 * The phone as a three-way conference bridge: from the next frame every
 * call joined hears the microphone plus every other joined call (each
 * decoded to the card's rate, mixed with saturation, encoded in its own
 * codec), never itself; the earpiece plays them all. A call not joined
 * hears the microphone alone. No wait: an atomic the thread reads.
 */
void media_call_set_conference(struct media_call *call, bool on);
bool media_call_conference(const struct media_call *call);

/* Copies the call's counters (atomics; no wait). */
int media_call_stats(const struct media_call *call, struct media_stats *out);

/*
 * Stops the stream (RTCP BYE sent), waits for the thread's
 * acknowledgement, closes the sockets and frees; NULL is fine.
 */
void media_call_close(struct media_call *call);

/* "dial", "ringback", ... for logs and the CLI. */
const char *media_tone_name(enum media_tone tone);

#endif /* UCPHONE_MEDIA_H */
