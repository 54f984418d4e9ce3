// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/media_link.h"
#include "lib/util/secret.h"

#define SUBSYS "call-media"

struct media_link {
	struct media_engine *engine;
	const struct log *log;
	enum sdp_srtp_policy srtp;
	enum media_codec codecs[MEDIA_CODEC_MAX];
	unsigned int n_codecs;
	struct sockaddr_storage local;
	uint32_t suites;
};

struct ml_stream {
	struct media_link *ml;
	struct media_call *call;
	struct sdp_neg *neg;
	bool started;
	bool tel_event;
	bool on_hold;		/* the phone holds: its microphone stays private */
};

int media_link_new(const struct media_link_config *cfg, const struct log *log,
		   struct media_link **out)
{
	struct media_link *ml = calloc(1, sizeof(*ml));
	int ret;

	if (!ml)
		return -ENOMEM;
	ml->log = log;
	ml->srtp = cfg->srtp;
	memcpy(ml->codecs, cfg->codecs, sizeof(ml->codecs));
	ml->n_codecs = cfg->n_codecs;
	ml->local = cfg->engine.local;
	/* the AES-CM suites run on both SRTP paths */
	ml->suites = (1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80) |
		     (1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32);
	ret = media_engine_new(&cfg->engine, &ml->engine);
	if (ret < 0) {
		free(ml);
		return ret;
	}
	*out = ml;
	return 0;
}

void media_link_free(struct media_link *ml)
{
	if (!ml)
		return;
	media_engine_free(ml->engine);
	free(ml);
}

void media_link_set_local(struct media_link *ml,
			  const struct sockaddr_storage *local)
{
	ml->local = *local;
}

struct media_engine *media_link_engine(struct media_link *ml)
{
	return ml->engine;
}

static void *ml_open(void *mctx, char *why, size_t why_len)
{
	struct media_link *ml = mctx;
	struct ml_stream *s = calloc(1, sizeof(*s));
	struct sdp_config cfg = { 0 };
	int ret;

	if (!s) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	s->ml = ml;
	ret = media_call_open(ml->engine, &s->call);
	if (ret < 0) {
		snprintf(why, why_len, "no RTP port (%s)", strerror(-ret));
		free(s);
		return NULL;
	}
	cfg.local = ml->local;
	cfg.rtp_port = media_call_rtp_port(s->call);
	cfg.rtcp_port = media_call_rtcp_port(s->call);
	cfg.srtp = ml->srtp;
	cfg.suites = ml->srtp == SDP_SRTP_OFF ? 0 : ml->suites;
	memcpy(cfg.codecs, ml->codecs, sizeof(cfg.codecs));
	cfg.n_codecs = ml->n_codecs;
	cfg.ptime_ms = 20;
	cfg.tel_event = true;
	cfg.rtcp_mux = true;
	cfg.cn = true;
	cfg.opus_max_playback_rate = media_engine_rate(ml->engine);
	ret = sdp_neg_new(&s->neg, &cfg);
	if (ret < 0) {
		snprintf(why, why_len, "cannot set up SDP (%s)", strerror(-ret));
		media_call_close(s->call);
		free(s);
		return NULL;
	}
	return s;
}

static void ml_close(void *stream)
{
	struct ml_stream *s = stream;

	if (!s)
		return;
	media_call_close(s->call);
	sdp_neg_free(s->neg);
	free(s);
}

static int ml_offer(void *stream, char *sdp, size_t cap, size_t *len)
{
	struct ml_stream *s = stream;
	struct sdp_error err;
	int ret = sdp_neg_offer(s->neg, sdp, cap, len, &err);

	if (ret < 0)
		log_warning(s->ml->log, SUBSYS, "cannot write the SDP offer",
			    LOG_STR("reason", err.reason));
	return ret;
}

static unsigned int ml_answer_received(void *stream, const char *sdp,
				       size_t len, char *why, size_t why_len)
{
	struct ml_stream *s = stream;
	struct media_stream_params p;
	struct sdp_error err = { 0 };
	int ret;

	/* before the stream runs, a later fork's answer replaces an early one */
	if (!s->started)
		sdp_neg_reopen_offer(s->neg);
	ret = sdp_neg_answer_received(s->neg, sdp, len, &p, &err);

	if (ret < 0) {
		snprintf(why, why_len, "%s", err.reason);
		log_warning(s->ml->log, SUBSYS, "SDP answer refused",
			    LOG_STR("reason", err.reason));
		return err.status ? err.status : 488;
	}
	s->tel_event = p.tel_event_pt != MEDIA_PT_NONE;
	media_stream_params_clear(&p);
	return 0;
}

static unsigned int ml_offer_received(void *stream, const char *sdp,
				      size_t len, char *ans, size_t cap,
				      size_t *alen, char *why, size_t why_len)
{
	struct ml_stream *s = stream;
	struct media_stream_params p;
	struct sdp_error err = { 0 };
	int ret = sdp_neg_offer_received(s->neg, sdp, len, ans, cap, alen, &p,
					 &err);

	if (ret < 0) {
		snprintf(why, why_len, "%s", err.reason);
		log_info(s->ml->log, SUBSYS, "SDP offer refused",
			 LOG_UINT("status", err.status), LOG_STR("reason", err.reason));
		return err.status ? err.status : 488;
	}
	s->tel_event = p.tel_event_pt != MEDIA_PT_NONE;
	media_stream_params_clear(&p);
	return 0;
}

static int ml_run(void *stream)
{
	struct ml_stream *s = stream;
	struct media_stream_params p;
	int ret = sdp_neg_current(s->neg, &p);

	if (ret < 0)
		return ret;
	/*
	 * On hold the SDP says sendonly (RFC 6337), but with no music on
	 * hold the phone sends no RTP at all: the held party must not hear
	 * the room. RTCP goes on.
	 */
	if (s->on_hold)
		p.dir = (enum media_dir)(p.dir & MEDIA_DIR_RECVONLY);
	ret = s->started ? media_call_update(s->call, &p) :
			   media_call_start(s->call, &p);
	if (ret == 0) {
		s->started = true;
		ret = (int)p.dir;
		log_info(s->ml->log, SUBSYS, "stream running",
			 LOG_STR("codec", media_codec_name(p.codec)),
			 LOG_STR("srtp", p.srtp ? sdp_suite_name(p.suite) : "off"),
			 LOG_STR("dir", media_dir_name(p.dir)));
	} else {
		log_warning(s->ml->log, SUBSYS, "stream cannot start",
			    LOG_ERRNO(ret));
	}
	media_stream_params_clear(&p);
	return ret;
}

static int ml_dtmf(void *stream, char digit)
{
	struct ml_stream *s = stream;

	if (!s->started || !s->tel_event)
		return -EOPNOTSUPP;
	return media_call_send_dtmf(s->call, digit, 160);
}

static int ml_tone(void *mctx, enum call_tone tone)
{
	static const enum media_tone map[] = {
		[CALL_TONE_NONE] = MEDIA_TONE_NONE,
		[CALL_TONE_DIAL] = MEDIA_TONE_DIAL,
		[CALL_TONE_RINGBACK] = MEDIA_TONE_RINGBACK,
		[CALL_TONE_BUSY] = MEDIA_TONE_BUSY,
		[CALL_TONE_REORDER] = MEDIA_TONE_REORDER,
		[CALL_TONE_RING] = MEDIA_TONE_RING,
		[CALL_TONE_CALL_WAITING] = MEDIA_TONE_CALL_WAITING,
	};
	struct media_link *ml = mctx;

	if ((unsigned int)tone >= sizeof(map) / sizeof(map[0]))
		return -EINVAL;
	return media_engine_tone(ml->engine, map[tone]);
}

static void ml_set_direction(void *stream, enum media_dir dir)
{
	struct ml_stream *s = stream;

	sdp_neg_set_direction(s->neg, dir);
	s->on_hold = dir != MEDIA_DIR_SENDRECV;
}

static enum media_dir ml_far_direction(void *stream)
{
	struct ml_stream *s = stream;

	return sdp_neg_far_direction(s->neg);
}

static struct json_object *ml_describe(void *stream)
{
	struct ml_stream *s = stream;
	struct json_object *o = json_object_new_object();
	struct media_stream_params p;
	struct media_stats st;

	if (!o)
		return NULL;
	if (sdp_neg_current(s->neg, &p) == 0) {
		json_object_object_add(o, "codec", json_object_new_string(media_codec_name(p.codec)));
		json_object_object_add(o, "media_direction", json_object_new_string(media_dir_name(p.dir)));
		json_object_object_add(o, "telephone_event",
				       json_object_new_boolean(p.tel_event_pt != MEDIA_PT_NONE));
		json_object_object_add(o, "rtcp_mux", json_object_new_boolean(p.rtcp_mux));
		media_stream_params_clear(&p);
	}
	if (media_call_stats(s->call, &st) == 0) {
		json_object_object_add(o, "srtp", json_object_new_boolean(st.srtp));
		if (st.srtp) {
			json_object_object_add(o, "srtp_suite",
					       json_object_new_string(sdp_suite_name(st.suite)));
			json_object_object_add(o, "srtp_in_kernel",
					       json_object_new_boolean(st.backend == SRTP_FLOW_KERNEL));
			json_object_object_add(o, "srtp_path",
					       json_object_new_string(srtp_flow_backend_name(st.backend)));
		}
		json_object_object_add(o, "rtp_sent", json_object_new_uint64(st.tx_packets));
		json_object_object_add(o, "rtp_received", json_object_new_uint64(st.rx_packets));
		json_object_object_add(o, "rtcp_sent", json_object_new_uint64(st.rtcp_tx));
		json_object_object_add(o, "rtcp_received", json_object_new_uint64(st.rtcp_rx));
		json_object_object_add(o, "lost", json_object_new_uint64(st.rx_lost));
		json_object_object_add(o, "late", json_object_new_uint64(st.rx_late));
		json_object_object_add(o, "srtp_failures", json_object_new_uint64(st.rx_srtp_failures));
		json_object_object_add(o, "jitter_ms", json_object_new_double(st.jitter_us / 1000.0));
		json_object_object_add(o, "rtt_ms", st.rtt_us < 0 ? NULL :
				       json_object_new_double(st.rtt_us / 1000.0));
		json_object_object_add(o, "far_end_fraction_lost",
				       json_object_new_double(st.remote_fraction_lost / 256.0));
		json_object_object_add(o, "far_end_cumulative_lost",
				       json_object_new_uint64(st.remote_cumulative_lost));
		json_object_object_add(o, "far_end_jitter_ms",
				       json_object_new_double(st.remote_jitter_us / 1000.0));
		json_object_object_add(o, "jitter_buffer_ms", json_object_new_uint64(st.jb_delay_ms));
		json_object_object_add(o, "jitter_buffer_target_ms",
				       json_object_new_uint64(st.jb_target_ms));
		json_object_object_add(o, "jitter_buffer_peak_jitter_ms",
				       json_object_new_uint64(st.jb_jitter_ms));
		json_object_object_add(o, "duplicates", json_object_new_uint64(st.rx_duplicates));
		json_object_object_add(o, "lost_at_playout", json_object_new_uint64(st.jb_lost));
		json_object_object_add(o, "concealed", json_object_new_uint64(st.concealed));
		json_object_object_add(o, "fec_recovered", json_object_new_uint64(st.fec_recovered));
		json_object_object_add(o, "comfort_noise_frames", json_object_new_uint64(st.cn_frames));
		json_object_object_add(o, "jitter_buffer_dropped", json_object_new_uint64(st.jb_dropped));
		json_object_object_add(o, "jitter_buffer_stretched",
				       json_object_new_uint64(st.jb_stretched));
		json_object_object_add(o, "echo_delay_ms", json_object_new_uint64(st.echo_delay_ms));
		/* the card's under/overruns and stalls recovered */
		json_object_object_add(o, "xruns", json_object_new_uint64(st.xruns));
		json_object_object_add(o, "dtmf_sent", json_object_new_uint64(st.dtmf_sent));
		if (st.first_played_ns > st.start_ns && st.start_ns)
			json_object_object_add(o, "first_audio_ms",
					       json_object_new_uint64((st.first_played_ns -
								       st.start_ns) / 1000000));
		json_object_object_add(o, "media_thread_allocs",
				       st.allocs_counted ? json_object_new_uint64(st.thread_allocs) : NULL);
	}
	return o;
}

static void ml_conference(void *stream, bool on)
{
	struct ml_stream *s = stream;

	media_call_set_conference(s->call, on);
}

const struct call_media_ops media_link_ops = {
	.open = ml_open,
	.close = ml_close,
	.offer = ml_offer,
	.answer_received = ml_answer_received,
	.offer_received = ml_offer_received,
	.run = ml_run,
	.dtmf = ml_dtmf,
	.tone = ml_tone,
	.set_direction = ml_set_direction,
	.far_direction = ml_far_direction,
	.describe = ml_describe,
	.conference = ml_conference,
};
