// SPDX-License-Identifier: GPL-2.0-only
/*
 * One call's stream, as the media thread runs it every 20 ms frame:
 * receive what arrived (RTP into the jitter buffer, telephone-events,
 * RTCP), play the buffered audio with loss concealment, send the captured
 * frame (or a DTMF event in its place), report over RTCP, and notice a
 * silent far end. No allocation, no lock, no syscall beyond the sockets'
 * and the event ring's eventfd.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#include "media_internal.h"

#define SECOND_NS 1000000000ULL
#define RTCP_BW 400.0		/* octets/s: 5 % of a G.711 call */

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

static ssize_t chan_recv(struct chan *ch, void *buf, size_t size)
{
	ssize_t n;

	if (ch->rx)
		return srtp_flow_recv(ch->rx, buf, size);
	n = recv(ch->fd, buf, size, MSG_DONTWAIT);
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
		atomic_store_explicit(&s->st.remote_cumulative_lost,
				      (uint32_t)(r->cumulative_lost < 0 ? 0 : r->cumulative_lost),
				      memory_order_relaxed);
		atomic_store_explicit(&s->st.remote_jitter_us,
				      (uint32_t)((uint64_t)r->jitter * 1000000 / s->p.clock_rate),
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
		out.dtmf.duration_ms = (uint16_t)(ev.duration * 1000U / 8000U);
		engine_emit(e, &out);
		atomic_fetch_add_explicit(&s->st.dtmf_received, 1, memory_order_relaxed);
	}
}

static void on_rtp(struct media_engine *e, struct media_call *c, const uint8_t *buf,
		   size_t len, uint64_t now_ns, uint64_t arrival_ns)
{
	struct stream *s = &c->s;
	uint32_t arrival = (uint32_t)(arrival_ns / 125000ULL);	/* 8 kHz units */
	int16_t pcm[MEDIA_FRAME * 3];
	struct rtp_packet p;
	enum jbuf_put put;

	if (rtp_parse(buf, len, &p) < 0 ||
	    (p.pt != s->p.rx_pt && p.pt != s->p.rx_tel_event_pt)) {
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		return;
	}
	if (!s->have_remote || p.ssrc != s->src.ssrc) {
		/* a new source (or a far end that restarted): fresh state */
		rtp_source_init(&s->src, p.ssrc, p.seq, p.ts, arrival);
		jbuf_init(&s->jb, s->jb.delay / 8);
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
	if (p.payload_len > sizeof(pcm) / sizeof(pcm[0]) || p.payload_len % JBUF_BLOCK) {
		atomic_fetch_add_explicit(&s->st.rx_malformed, 1, memory_order_relaxed);
		return;
	}
	g711_decode(&s->dec, pcm, p.payload, (int)p.payload_len);
	put = jbuf_put(&s->jb, p.ts, pcm, p.payload_len);
	s->jb_fed = true;
	if (put == JBUF_PUT_LATE)
		atomic_fetch_add_explicit(&s->st.rx_late, 1, memory_order_relaxed);
	else if (put == JBUF_PUT_DUPLICATE)
		atomic_fetch_add_explicit(&s->st.rx_duplicates, 1, memory_order_relaxed);
}

static void receive(struct media_engine *e, struct media_call *c, struct chan *ch,
		    uint64_t now_ns)
{
	struct stream *s = &c->s;

	/* bounded: a flood cannot hold the thread past a frame's worth */
	for (int i = 0; i < 64; i++) {
		ssize_t n = chan_recv(ch, s->pkt, sizeof(s->pkt));

		if (n < 0)
			break;
		/*
		 * Jitter and RTT want the packet's arrival, not this frame's
		 * time: the kernel's receive stamp of the datagram just read
		 * (CLOCK_REALTIME).
		 */
		struct timespec ts;
		uint64_t arrival = realtime_ns();

		if (ioctl(ch->fd, SIOCGSTAMPNS, &ts) == 0)
			arrival = (uint64_t)ts.tv_sec * SECOND_NS + (uint64_t)ts.tv_nsec;
		if (rtp_is_rtcp(s->pkt, (size_t)n))
			on_rtcp(c, s->pkt, (size_t)n, arrival);
		else if (ch == &s->rtp)
			on_rtp(e, c, s->pkt, (size_t)n, now_ns, arrival);
	}
}

static void play(struct media_engine *e, struct media_call *c, int32_t mix[MEDIA_FRAME],
		 uint64_t now_ns)
{
	struct stream *s = &c->s;
	int16_t frame[MEDIA_FRAME], fill[MEDIA_FRAME];
	bool have[MEDIA_FRAME / JBUF_BLOCK], all = true, any = false;

	for (unsigned int b = 0; b < MEDIA_FRAME / JBUF_BLOCK; b++) {
		have[b] = jbuf_get_block(&s->jb, frame + b * JBUF_BLOCK);
		all = all && have[b];
		any = any || have[b];
	}
	/*
	 * spandsp's PLC is fed whole 20 ms frames: with shorter ones its
	 * history shift copies overlapping memory.
	 */
	if (all) {
		plc_rx(&s->plc, frame, MEDIA_FRAME);
	} else if (s->jb_fed) {
		plc_fillin(&s->plc, fill, MEDIA_FRAME);
		for (unsigned int b = 0; b < MEDIA_FRAME / JBUF_BLOCK; b++)
			if (!have[b])
				memcpy(frame + b * JBUF_BLOCK, fill + b * JBUF_BLOCK,
				       sizeof(int16_t) * JBUF_BLOCK);
	}
	if (any && !s->first_played) {
		s->first_played = true;
		atomic_store_explicit(&s->st.first_played_ns, now_ns, memory_order_relaxed);
		emit(e, c, MEDIA_EVENT_FIRST_PACKET, now_ns);
	}
	if (s->jb_fed)
		for (unsigned int i = 0; i < MEDIA_FRAME; i++)
			mix[i] += frame[i];
	atomic_store_explicit(&s->st.rx_lost,
			      (uint64_t)(s->have_remote && rtp_source_lost(&s->src) > 0 ?
					 rtp_source_lost(&s->src) : 0),
			      memory_order_relaxed);
	atomic_store_explicit(&s->st.jitter_us,
			      (s->src.jitter_q4 >> 4) * 125, memory_order_relaxed);
	atomic_store_explicit(&s->st.jb_delay_ms, jbuf_level(&s->jb) / 8,
			      memory_order_relaxed);
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

static void send_frame(struct media_engine *e, struct media_call *c,
		       const int16_t cap[MEDIA_FRAME], uint64_t now_ns)
{
	struct stream *s = &c->s;
	unsigned int samples = s->p.ptime_ms * 8;
	uint8_t payload[MEDIA_FRAME * 3];
	struct rtp_dtmf_packet dp;

	memcpy(s->txbuf + s->txfill, cap, sizeof(int16_t) * MEDIA_FRAME);
	s->txfill += MEDIA_FRAME;
	if (s->txfill < samples)
		return;
	s->txfill = 0;
	/* a queued digit starts at this packet's timestamp */
	if (!s->dtmf_tx.active && s->dtmf_head != s->dtmf_tail &&
	    s->p.tel_event_pt != MEDIA_PT_NONE) {
		const struct dtmf_req *d = &s->dtmf_q[s->dtmf_tail % DTMF_QUEUE];

		rtp_dtmf_tx_start(&s->dtmf_tx, d->event, s->ts, d->duration_ms * 8U, samples);
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
	} else {
		g711_encode(&s->enc, payload, s->txbuf, (int)samples);
		send_packet(s, false, s->p.pt, s->ts, payload, samples, now_ns);
	}
	s->ts += samples;
}

void stream_tick(struct media_engine *e, struct media_call *c,
		 const int16_t cap[MEDIA_FRAME], int32_t mix[MEDIA_FRAME], uint64_t now_ns)
{
	struct stream *s = &c->s;

	atomic_fetch_add_explicit(&s->st.frames, 1, memory_order_relaxed);
	receive(e, c, &s->rtp, now_ns);
	if (s->separate_rtcp)
		receive(e, c, &s->rtcp, now_ns);
	if (MEDIA_DIR_RECEIVES(s->p.dir))
		play(e, c, mix, now_ns);
	if (MEDIA_DIR_SENDS(s->p.dir))
		send_frame(e, c, cap, now_ns);
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
		int16_t scratch[JBUF_BLOCK];

		if (frames > 50)
			frames = 50;
		s->ts += (uint32_t)frames * MEDIA_FRAME;
		for (uint64_t i = 0; i < frames * (MEDIA_FRAME / JBUF_BLOCK); i++)
			jbuf_get_block(&s->jb, scratch);
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
