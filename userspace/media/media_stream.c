// SPDX-License-Identifier: GPL-2.0-only
/*
 * One call's stream, as the media thread runs it every 20 ms frame:
 * receive what arrived (RTP cut into 20 ms codec units into the jitter
 * buffer, telephone-events, comfort-noise levels, RTCP), play the next
 * unit decoded or concealed (the codec's PLC, Opus FEC from the next
 * unit, comfort noise once a gap outlasts the PLC) resampled to the
 * card's rate, send the captured frame resampled to the codec's rate and
 * encoded (or a DTMF event in its place), report over RTCP, and notice a
 * silent far end. No allocation, no lock, no syscall beyond the sockets'
 * and the event ring's eventfd.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "media/media_internal.h"

#define SECOND_NS 1000000000ULL
#define RX_BATCH 4		/* datagrams per recvmmsg */
#define RTCP_BW 400.0		/* octets/s: 5 % of a G.711 call */
#define CN_AFTER_UNITS 3	/* concealed units before comfort noise takes over */
#define SILENT_RMS 100		/* about -50 dBFS: a frame the buffer may drop */

/* A CLOCK_MONOTONIC time in RTP timestamp units of clock (wrapping). */
static uint32_t ts_units(uint64_t ns, uint32_t clock)
{
	return (uint32_t)((ns / 1000ULL) * clock / 1000000ULL);
}

static void emit(struct media_engine *e, const struct media_call *c,
		 enum media_event_type type, uint64_t now_ns)
{
	struct media_event ev = { .type = type, .call_id = c->id, .time_ns = now_ns };

	engine_emit(e, &ev);
}

static ssize_t chan_send(struct chan *ch, const void *buf, size_t len)
{
	ssize_t n;

	if (ch->tx)
		return srtp_flow_send(ch->tx, buf, len);
	n = send(ch->fd, buf, len, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

static uint32_t rng_next(struct stream *s)
{
	/* xorshift32: RTCP jitter needs no cryptographic randomness */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 17;
	s->rng ^= s->rng << 5;
	return s->rng;
}

static void schedule_rtcp(struct stream *s, uint64_t now_ns, bool initial)
{
	double r = (double)(rng_next(s) % 1000000) / 1000000.0;
	uint32_t ms = rtcp_interval_ms(2, 2, RTCP_BW, s->sent_since_report, 100.0,
				       initial, r);

	s->next_rtcp_ns = now_ns + (uint64_t)ms * 1000000ULL;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * SECOND_NS + (uint64_t)ts.tv_nsec;
}

static void send_rtcp(struct media_call *c, bool bye)
{
	struct stream *s = &c->s;
	struct rtcp_sender_info sr;
	struct rtcp_report rb;
	uint8_t buf[RTCP_COMPOUND_MAX];
	size_t len;

	if (s->sent_since_report) {
		sr.ntp = rtp_ntp_from_ns(realtime_ns());
		sr.rtp_ts = s->ts;
		sr.packets = (uint32_t)s->sent_packets;
		sr.octets = (uint32_t)s->sent_octets;
	}
	/* DLSR: the SR's arrival stamp and now, both CLOCK_REALTIME */
	if (s->have_remote)
		rtp_source_report(&s->src, &rb, realtime_ns());
	len = rtcp_build(buf, sizeof(buf), s->ssrc, s->sent_since_report ? &sr : NULL,
			 s->have_remote ? &rb : NULL, c->cname, bye);
	if (len && chan_send(&s->rtcp, buf, len) > 0)
		atomic_fetch_add_explicit(&s->st.rtcp_tx, 1, memory_order_relaxed);
	s->sent_since_report = false;
}

/* arrival_rt: the datagram's receive stamp, CLOCK_REALTIME ns */
static void on_rtcp(struct media_call *c, const uint8_t *buf, size_t len, uint64_t arrival_rt)
{
	struct stream *s = &c->s;
	struct rtcp_info info;

	if (rtcp_parse(buf, len, &info) < 0) {
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&s->st.rtcp_rx, 1, memory_order_relaxed);
	if (info.has_sr && s->have_remote && info.ssrc == s->src.ssrc)
		rtp_source_sr(&s->src, info.sr.ntp, arrival_rt);
	for (unsigned int i = 0; i < info.n_reports; i++) {
		const struct rtcp_report *r = &info.reports[i];
		int64_t rtt;

		if (r->ssrc != s->ssrc)
			continue;
		atomic_store_explicit(&s->st.remote_fraction_lost, r->fraction_lost,
				      memory_order_relaxed);
		if (s->codec.ops && s->codec.ops->expected_loss) {
			unsigned int pct = loss_est_report(&s->loss, r->fraction_lost,
							   s->codec.cfg.fec);

			codec_expected_loss(&s->codec, pct);
			atomic_store_explicit(&s->st.expected_loss_pct, pct, memory_order_relaxed);
		}
		atomic_store_explicit(&s->st.remote_cumulative_lost,
				      (uint32_t)(r->cumulative_lost < 0 ? 0 : r->cumulative_lost),
				      memory_order_relaxed);
		atomic_store_explicit(&s->st.remote_jitter_us,
				      (uint32_t)((uint64_t)r->jitter * 1000000 / s->codec.clock),
				      memory_order_relaxed);
		rtt = rtcp_rtt_us(rtp_ntp_from_ns(arrival_rt), r->lsr, r->dlsr);
		if (rtt >= 0)
			atomic_store_explicit(&s->st.rtt_us, (int32_t)(rtt > INT32_MAX ? INT32_MAX : rtt),
					      memory_order_relaxed);
	}
}

static void on_dtmf(struct media_engine *e, struct media_call *c,
		    const struct rtp_packet *p, uint64_t now_ns)
{
	struct stream *s = &c->s;
	struct rtp_dtmf_payload ev;
	struct media_event out = { .type = MEDIA_EVENT_DTMF, .call_id = c->id,
				   .time_ns = now_ns };
	enum rtp_dtmf_rx_result r;

	if (rtp_dtmf_parse(p->payload, p->payload_len, &ev) < 0) {
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		return;
	}
	if (ev.event > 15 || !(s->p.tel_event_events & (1U << ev.event)))
		return;
	r = rtp_dtmf_rx_packet(&s->dtmf_rx, p->ts, &ev);
	out.dtmf.digit = rtp_dtmf_digit(ev.event);
	out.dtmf.event = ev.event;
	if (r == RTP_DTMF_RX_START || r == RTP_DTMF_RX_START_END) {
		out.dtmf.end = false;
		engine_emit(e, &out);
	}
	if (r == RTP_DTMF_RX_END || r == RTP_DTMF_RX_START_END) {
		out.dtmf.end = true;
		out.dtmf.duration_ms = (uint16_t)(ev.duration * 1000U / s->codec.clock);
		engine_emit(e, &out);
		atomic_fetch_add_explicit(&s->st.dtmf_received, 1, memory_order_relaxed);
	}
}

static void on_rtp(struct media_engine *e, struct media_call *c, const uint8_t *buf,
		   size_t len, uint64_t now_ns, uint64_t arrival_ns)
{
	struct stream *s = &c->s;
	struct codec *cd = &s->codec;
	uint32_t arrival = ts_units(arrival_ns, cd->clock);
	struct rtp_packet p;
	unsigned int units;

	if (rtp_parse(buf, len, &p) < 0 ||
	    (p.pt != s->p.rx_pt && p.pt != s->p.rx_tel_event_pt &&
	     !(s->p.cn && p.pt == MEDIA_PT_CN))) {
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		return;
	}
	if (!s->have_remote || p.ssrc != s->src.ssrc) {
		/* a new source (or a far end that restarted): fresh state */
		rtp_source_init(&s->src, p.ssrc, p.seq, p.ts, arrival);
		jb_flush(&s->jb);
		memset(&s->dtmf_rx, 0, sizeof(s->dtmf_rx));
		s->have_remote = true;
	} else {
		switch (rtp_source_update(&s->src, p.seq, p.ts, arrival)) {
		case RTP_SEQ_BAD:
			atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
			return;
		default:
			break;
		}
	}
	s->last_rx_ns = now_ns;
	s->timeout_reported = false;
	atomic_fetch_add_explicit(&s->st.rx_packets, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->st.rx_bytes, len, memory_order_relaxed);
	if (p.pt == s->p.rx_tel_event_pt && p.pt != s->p.rx_pt) {
		on_dtmf(e, c, &p, now_ns);
		return;
	}
	if (!MEDIA_DIR_RECEIVES(s->p.dir))
		return;
	if (p.pt == MEDIA_PT_CN && p.pt != s->p.rx_pt) {
		/* RFC 3389 3.1: the noise level in -dBov; silence follows */
		if (p.payload_len >= 1 && (float)(p.payload[0] & 0x7f) != s->cn_dbov) {
			s->cn_dbov = (float)(p.payload[0] & 0x7f);
			noise_init_dbov(&s->cn, (int)s->rng, -s->cn_dbov, NOISE_CLASS_HOTH, 7);
		}
		return;
	}
	units = codec_units(cd, p.payload, p.payload_len);
	if (units == 0 || units > 3) {
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		return;
	}
	for (unsigned int i = 0; i < units; i++) {
		int n = codec_unit(cd, p.payload, p.payload_len, i, s->unit, sizeof(s->unit));

		if (n <= 0) {
			atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
			return;
		}
		jb_put(&s->jb, p.ts + i * cd->unit_ts, s->unit, (size_t)n, arrival);
	}
	s->jb_fed = true;
}

/* The kernel's receive stamp of a datagram (CLOCK_REALTIME), else @rt. */
static uint64_t rx_stamp(struct msghdr *mh, uint64_t rt)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		struct timespec ts;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		return (uint64_t)ts.tv_sec * SECOND_NS + (uint64_t)ts.tv_nsec;
	}
	return rt;
}

/*
 * What arrived on one socket, read in batches (one recvmmsg for the usual
 * one or two datagrams of a frame, each with its kernel receive stamp:
 * jitter and RTT want the packet's arrival, not this frame's time).
 */
static void receive(struct media_engine *e, struct media_call *c, struct chan *ch,
		    uint64_t now_ns)
{
	uint8_t buf[RX_BATCH][PKT_MAX];
	union {
		char b[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct mmsghdr m[RX_BATCH];

	/* bounded: a flood cannot hold the thread past a frame's worth */
	for (int round = 0; round < 64 / RX_BATCH; round++) {
		uint64_t rt;
		int n;

		for (int i = 0; i < RX_BATCH; i++) {
			iov[i] = (struct iovec){ .iov_base = buf[i], .iov_len = PKT_MAX };
			m[i].msg_hdr = (struct msghdr){
				.msg_iov = &iov[i], .msg_iovlen = 1,
				.msg_control = ctl[i].b, .msg_controllen = sizeof(ctl[i].b),
			};
		}
		n = recvmmsg(ch->fd, m, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		rt = realtime_ns();
		for (int i = 0; i < n; i++) {
			size_t len = m[i].msg_len;
			uint64_t arrival = rx_stamp(&m[i].msg_hdr, rt);

			if (ch->rx && srtp_flow_unprotect(ch->rx, buf[i], &len) < 0)
				continue;
			if (rtp_is_rtcp(buf[i], len))
				on_rtcp(c, buf[i], len, arrival);
			else if (ch == &c->s.rtp)
				/* the jitter buffer's clock is the monotonic one */
				on_rtp(e, c, buf[i], len, now_ns,
				       now_ns - (rt > arrival ? rt - arrival : 0));
		}
		if (n < RX_BATCH)
			return;
	}
}

static double frame_rms(const int16_t *x, unsigned int n)
{
	double e = 0;

	for (unsigned int i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return sqrt(e / n);
}

static void publish_jb(struct stream *s)
{
	struct jb_stats js;

	jb_get_stats(&s->jb, &js);
	atomic_store_explicit(&s->st.jb_delay_ms, js.delay_ms, memory_order_relaxed);
	atomic_store_explicit(&s->st.jb_target_ms, js.target_ms, memory_order_relaxed);
	atomic_store_explicit(&s->st.jb_jitter_ms, js.jitter_ms, memory_order_relaxed);
	atomic_store_explicit(&s->st.rx_late, js.late, memory_order_relaxed);
	atomic_store_explicit(&s->st.rx_duplicates, js.duplicates, memory_order_relaxed);
	atomic_store_explicit(&s->st.jb_lost, js.lost, memory_order_relaxed);
	atomic_store_explicit(&s->st.jb_dropped, js.dropped, memory_order_relaxed);
	atomic_store_explicit(&s->st.jb_stretched, js.stretched, memory_order_relaxed);
}

/* One unit at the codec's rate to one card frame. */
static void to_card(struct stream *s, const int16_t *pcm, int16_t *out)
{
	spx_uint32_t in_len = s->codec.unit, out_len = s->card_frame;

	if (!s->to_card) {
		memcpy(out, pcm, sizeof(int16_t) * s->card_frame);
		return;
	}
	speex_resampler_process_int(s->to_card, 0, pcm, &in_len, out, &out_len);
	if (out_len < s->card_frame)
		memset(out + out_len, 0, sizeof(int16_t) * (s->card_frame - out_len));
}

/* The next unit played into frame (the card's frame); false while nothing was ever received. */
static bool play(struct media_engine *e, struct media_call *c, int16_t *frame,
		 uint64_t now_ns)
{
	struct stream *s = &c->s;
	struct codec *cd = &s->codec;
	int16_t pcm[CODEC_UNIT_MAX];
	unsigned int n = s->card_frame;
	struct jb_out o;
	bool played = false;

	jb_get(&s->jb, ts_units(now_ns, cd->clock), &o);
	/* a unit dropped to shrink the delay still runs through the decoder */
	if (o.skipped)
		codec_decode(cd, o.skipped, o.skipped_len, pcm);
	switch (o.kind) {
	case JB_IDLE:
		memset(pcm, 0, sizeof(int16_t) * cd->unit);
		break;
	case JB_FRAME:
		if (codec_decode(cd, o.data, o.len, pcm) == 0) {
			played = true;
			s->gap_units = 0;
			break;
		}
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		/* fall through: a unit the decoder refused is concealed */
	case JB_LOST:
	case JB_STRETCH:
		if (codec_conceal(cd, o.next, o.next_len, pcm) == 1) {
			atomic_fetch_add_explicit(&s->st.fec_recovered, 1, memory_order_relaxed);
			s->gap_units = 0;
		} else {
			s->gap_units++;
		}
		atomic_fetch_add_explicit(&s->st.concealed, 1, memory_order_relaxed);
		break;
	}
	to_card(s, pcm, frame);
	if (s->p.cn && s->gap_units > CN_AFTER_UNITS) {
		/* the concealment has faded out: comfort noise at the far end's level */
		for (unsigned int i = 0; i < n; i++)
			frame[i] = noise(&s->cn);
		atomic_fetch_add_explicit(&s->st.cn_frames, 1, memory_order_relaxed);
	}
	jb_set_silent(&s->jb, frame_rms(frame, n) < SILENT_RMS);
	if (played && !s->first_played) {
		s->first_played = true;
		atomic_store_explicit(&s->st.first_played_ns, now_ns, memory_order_relaxed);
		emit(e, c, MEDIA_EVENT_FIRST_PACKET, now_ns);
	}
	atomic_store_explicit(&s->st.rx_lost,
			      (uint64_t)(s->have_remote && rtp_source_lost(&s->src) > 0 ?
					 rtp_source_lost(&s->src) : 0),
			      memory_order_relaxed);
	atomic_store_explicit(&s->st.jitter_us,
			      (uint32_t)((uint64_t)(s->src.jitter_q4 >> 4) * 1000000ULL / cd->clock),
			      memory_order_relaxed);
	publish_jb(s);
	return s->jb_fed;
}

static void send_packet(struct stream *s, bool marker, uint8_t pt, uint32_t ts,
			const uint8_t *payload, size_t len, uint64_t now_ns)
{
	uint8_t *buf = s->pkt;

	rtp_write_header(buf, marker, pt, s->seq++, ts, s->ssrc);
	memcpy(buf + RTP_HEADER_LEN, payload, len);
	if (chan_send(&s->rtp, buf, RTP_HEADER_LEN + len) > 0) {
		atomic_fetch_add_explicit(&s->st.tx_packets, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&s->st.tx_bytes, RTP_HEADER_LEN + len,
					  memory_order_relaxed);
		s->sent_packets++;
		s->sent_octets += len;
		s->sent_since_report = true;
	}
	if (s->last_send_ns) {
		uint64_t gap = now_ns - s->last_send_ns;
		uint64_t want = (uint64_t)s->p.ptime_ms * 1000000ULL;
		uint32_t late = gap > want ? (uint32_t)((gap - want) / 1000) : 0;

		if (late > atomic_load_explicit(&s->st.send_jitter_max_us, memory_order_relaxed))
			atomic_store_explicit(&s->st.send_jitter_max_us, late,
					      memory_order_relaxed);
	}
	s->last_send_ns = now_ns;
}

/* One card frame to the codec's rate, appended to txbuf. */
static void to_codec(struct stream *s, const int16_t *cap)
{
	spx_uint32_t in_len = s->card_frame, out_len = s->codec.unit;
	int16_t *out = s->txbuf + s->txfill;

	if (!s->to_codec) {
		memcpy(out, cap, sizeof(int16_t) * s->card_frame);
	} else {
		speex_resampler_process_int(s->to_codec, 0, cap, &in_len, out, &out_len);
		if (out_len < s->codec.unit)
			memset(out + out_len, 0, sizeof(int16_t) * (s->codec.unit - out_len));
	}
	s->txfill += s->codec.unit;
}

static void send_frame(struct media_engine *e, struct media_call *c,
		       const int16_t *cap, uint64_t now_ns)
{
	struct stream *s = &c->s;
	struct codec *cd = &s->codec;
	unsigned int samples = cd->rate / 1000 * s->p.ptime_ms;	/* at the codec's rate */
	uint32_t ts_step = cd->clock / 1000 * s->p.ptime_ms;
	uint8_t payload[CODEC_PAYLOAD_MAX * 3];
	struct rtp_dtmf_packet dp;
	enum cn_tx_action cn;
	uint8_t level;
	int len;

	if (s->txfill + cd->unit > sizeof(s->txbuf) / sizeof(s->txbuf[0]))
		s->txfill = 0;
	to_codec(s, cap);
	if (s->txfill < samples)
		return;
	s->txfill = 0;
	/* a queued digit starts at this packet's timestamp */
	if (!s->dtmf_tx.active && s->dtmf_head != s->dtmf_tail &&
	    s->p.tel_event_pt != MEDIA_PT_NONE) {
		const struct dtmf_req *d = &s->dtmf_q[s->dtmf_tail % DTMF_QUEUE];

		rtp_dtmf_tx_start(&s->dtmf_tx, d->event, s->ts, d->duration_ms * (cd->clock / 1000U),
				  ts_step);
		s->dtmf_tail++;
	}
	if (s->dtmf_tx.active && rtp_dtmf_tx_next(&s->dtmf_tx, &dp)) {
		/* RFC 4733 2.5.1.3: the end packets go out three times */
		send_packet(s, dp.marker, s->p.tel_event_pt, dp.ts, dp.payload,
			    RTP_DTMF_PAYLOAD_LEN, now_ns);
		if (dp.last) {
			atomic_fetch_add_explicit(&s->st.dtmf_sent, 1, memory_order_relaxed);
			emit(e, c, MEDIA_EVENT_DTMF_SENT, now_ns);
		}
	} else if ((cn = stream_cn(e, s, now_ns, &level)) != CN_TX_AUDIO) {
		/* silence: its noise level now and then, audio resumes marked */
		if (cn == CN_TX_NOISE) {
			send_packet(s, false, MEDIA_PT_CN, s->ts, &level, 1, now_ns);
			atomic_fetch_add_explicit(&s->st.cn_sent, 1, memory_order_relaxed);
		}
		s->dtx_paused = true;
		s->last_send_ns = 0;	/* a pause, not a late send */
	} else {
		len = codec_encode(cd, s->txbuf, samples, payload, sizeof(payload));
		/* 0: Opus DTX, nothing to send; the first packet after it is marked */
		if (len > 0) {
			send_packet(s, s->dtx_paused, s->p.pt, s->ts, payload, (size_t)len, now_ns);
			s->dtx_paused = false;
		} else {
			s->dtx_paused = len == 0;
		}
	}
	s->ts += ts_step;
}

bool stream_tick_rx(struct media_engine *e, struct media_call *c,
		    int16_t *heard, uint64_t now_ns)
{
	struct stream *s = &c->s;
	uint64_t frame = atomic_fetch_add_explicit(&s->st.frames, 1, memory_order_relaxed);

	receive(e, c, &s->rtp, now_ns);
	/*
	 * RTCP comes every few seconds and each report carries its arrival
	 * stamp (RTT, jitter stay exact): its socket is looked at every
	 * 500 ms, one syscall in 25 frames rather than one in 5.
	 */
	if (s->separate_rtcp && frame % 25 == 0)
		receive(e, c, &s->rtcp, now_ns);
	return MEDIA_DIR_RECEIVES(s->p.dir) && play(e, c, heard, now_ns);
}

void stream_tick_tx(struct media_engine *e, struct media_call *c,
		    const int16_t *out, uint64_t now_ns)
{
	struct stream *s = &c->s;

	if (MEDIA_DIR_SENDS(s->p.dir))
		send_frame(e, c, out, now_ns);
	if (now_ns >= s->next_rtcp_ns) {
		send_rtcp(c, false);
		schedule_rtcp(s, now_ns, false);
	}
	if (MEDIA_DIR_RECEIVES(s->p.dir) && !s->timeout_reported &&
	    now_ns - s->last_rx_ns > (uint64_t)e->cfg.rtp_timeout_ms * 1000000ULL) {
		s->timeout_reported = true;
		emit(e, c, MEDIA_EVENT_RTP_TIMEOUT, now_ns);
	}
}

void stream_attach(struct media_engine *e, struct media_call *c, uint64_t now_ns)
{
	struct stream *s = &c->s;

	(void)e;
	if (s->detached_ns) {
		/*
		 * Re-attached after an update: the timeline went on while the
		 * stream was off the thread, so the timestamp and the playout
		 * point skip what was missed (the far end conceals a loss,
		 * not a shift).
		 */
		uint64_t frames = (now_ns - s->detached_ns) / 20000000ULL;

		if (frames > 50)
			frames = 50;
		s->ts += (uint32_t)frames * s->codec.unit_ts;
		jb_skip(&s->jb, (unsigned int)frames);
	} else {
		schedule_rtcp(s, now_ns, true);
	}
	s->last_rx_ns = now_ns;
	s->last_send_ns = 0;
	s->txfill = 0;
}

void stream_detach(struct media_engine *e, struct media_call *c, uint64_t now_ns)
{
	(void)e;
	c->s.txfill = 0;
	c->s.detached_ns = now_ns;
}

void stream_send_bye(struct media_call *c)
{
	send_rtcp(c, true);
}
