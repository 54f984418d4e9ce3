// SPDX-License-Identifier: GPL-2.0-only
/*
 * The media engine: the real-time thread and the main loop's API to it
 * (media.h). The thread is clocked by the capture PCM (one blocking read
 * per 20 ms frame) while anything plays, and sleeps on the command
 * eventfd otherwise.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "media/alloc_count.h"
#include "media/media_internal.h"
#include "media/media_tone.h"
#include "media/mixer.h"
#include "media/stream_codec.h"

#define PORT_MIN_DEFAULT 16384
#define PORT_MAX_DEFAULT 32766

uint64_t media_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void kick(int fd)
{
	uint64_t one = 1;

	/* an eventfd write only fails when the counter would overflow */
	if (write(fd, &one, sizeof(one)) < 0)
		return;
}

static void drain_fd(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		return;
}

/* ---- the media thread ---- */

void engine_emit(struct media_engine *e, const struct media_event *ev)
{
	if (!spsc_ring_push(&e->evts, ev))
		atomic_store_explicit(&e->evt_overflow, true, memory_order_relaxed);
	kick(e->evt_fd);
}

static void thread_error(struct media_engine *e, int err)
{
	struct media_event ev = { .type = MEDIA_EVENT_STREAM_ERROR, .error = err,
				  .time_ns = media_now_ns() };

	engine_emit(e, &ev);
}

static void do_attach(struct media_engine *e, struct media_call *c)
{
	if (e->n_active == MEDIA_CALLS_MAX)
		return;
	/* a device that failed in an earlier call gets another chance */
	e->audio_failed = false;
	e->active[e->n_active++] = c;
	stream_attach(e, c, media_now_ns());
}

static void do_detach(struct media_engine *e, struct media_call *c)
{
	for (unsigned int i = 0; i < e->n_active; i++) {
		if (e->active[i] != c)
			continue;
		stream_detach(e, c, media_now_ns());
		e->active[i] = e->active[--e->n_active];
		break;
	}
}

static void do_dtmf(struct stream *s, const struct dtmf_req *d)
{
	if (s->dtmf_head - s->dtmf_tail >= DTMF_QUEUE)
		return;
	s->dtmf_q[s->dtmf_head % DTMF_QUEUE] = *d;
	s->dtmf_head++;
}

/* Runs queued commands; false when told to quit. */
static bool commands(struct media_engine *e)
{
	struct cmd cmd;

	/* the eventfd only wakes an idle thread: drained there, not per frame */
	while (spsc_ring_pop(&e->cmds, &cmd)) {
		switch (cmd.type) {
		case CMD_ATTACH:
			do_attach(e, cmd.call);
			break;
		case CMD_DETACH:
			do_detach(e, cmd.call);
			kick(e->ack_fd);
			break;
		case CMD_DTMF:
			do_dtmf(&cmd.call->s, &cmd.dtmf);
			break;
		case CMD_PARAMS:
			cmd.call->s.p = cmd.params;
			explicit_bzero(&cmd.params, sizeof(cmd.params));
			break;
		case CMD_TONE:
			tone_player_set(&e->tone, e->cfg.tone_country, cmd.tone);
			e->audio_failed = false;
			break;
		case CMD_SET_AUDIO: {
			bool was = e->audio.running;

			media_audio_stop(&e->audio);
			e->ack_cmd.audio = e->audio;
			e->audio = cmd.audio;
			e->audio.xruns = e->ack_cmd.audio.xruns;
			e->audio_failed = false;
			if (was && media_audio_start(&e->audio) < 0)
				e->audio_failed = true;
			kick(e->ack_fd);
			break;
		}
		case CMD_ECHO_CANCEL:
			e->ec_on = cmd.on;
			if (!cmd.on)
				atomic_store_explicit(&e->echo_delay_ms, 0, memory_order_relaxed);
			break;
		case CMD_QUIT:
			media_audio_stop(&e->audio);
			kick(e->ack_fd);
			return false;
		}
	}
	return true;
}

/*
 * A device error other than an xrun (a stalled period clock: -EIO once the
 * wait for a period times out, 100-220 ms; a lost stream state): the
 * streams are prepared and started again, counted as an xrun, and the main
 * loop is told. A card that ran half a second since its last restart
 * stalled once (a late interrupt, a starved virtual board): restarted
 * again, however often that happens in a call. One that fails again and
 * again within half a second of each restart is broken: after
 * AUDIO_RESTARTS_MAX such restarts in a row the audio stops until the
 * next call or tone.
 */
#define AUDIO_GOOD_FRAMES 25
#define AUDIO_RESTARTS_MAX 3

static void audio_error(struct media_engine *e, int err)
{
	struct media_event ev = { .type = MEDIA_EVENT_AUDIO_RESTART, .error = err };

	media_audio_stop(&e->audio);
	if (e->audio_good >= AUDIO_GOOD_FRAMES)
		e->audio_restarts = 0;
	e->audio_good = 0;
	if (e->audio_restarts < AUDIO_RESTARTS_MAX) {
		e->audio_restarts++;
		e->audio.xruns++;
		ev.time_ns = media_now_ns();
		engine_emit(e, &ev);
		if (media_audio_start(&e->audio) == 0)
			return;
	}
	e->audio_failed = true;
	e->audio_restarts = 0;
	thread_error(e, err);
}

/* One 20 ms frame with audio running. */
static void frame(struct media_engine *e)
{
	int16_t cap[MEDIA_FRAME_MAX], out[MEDIA_FRAME_MAX];
	int16_t heard[MEDIA_CALLS_MAX][MEDIA_FRAME_MAX], send[MEDIA_CALLS_MAX][MEDIA_FRAME_MAX];
	struct mixer_leg legs[MEDIA_CALLS_MAX];
	int32_t mix[MEDIA_FRAME_MAX] = { 0 };
	unsigned int n = e->audio.frame;
	uint64_t a0 = alloc_count_thread(), now, used;
	int rc;

	rc = media_audio_read(&e->audio, cap);
	if (rc < 0) {
		audio_error(e, rc);
		return;
	}
	media_echo_capture(e, cap);
	if (atomic_load_explicit(&e->muted, memory_order_relaxed))
		memset(cap, 0, sizeof(cap));
	media_cn_frame(e, cap);
	now = media_now_ns();
	for (unsigned int i = 0; i < e->n_active; i++) {
		struct media_call *c = e->active[i];

		legs[i].heard = stream_tick_rx(e, c, heard[i], now) ? heard[i] : NULL;
		legs[i].joined = atomic_load_explicit(&c->conference, memory_order_relaxed);
		legs[i].send = send[i];
	}
	mixer_frame(cap, legs, e->n_active, mix, n);
	for (unsigned int i = 0; i < e->n_active; i++)
		stream_tick_tx(e, e->active[i], send[i], now);
	tone_player_mix(&e->tone, mix);
	for (unsigned int i = 0; i < n; i++)
		out[i] = mixer_clip(mix[i]);
	media_echo_played(e, out);
	rc = media_audio_write(&e->audio, out);
	if (rc < 0)
		audio_error(e, rc);
	else if (e->audio_good < AUDIO_GOOD_FRAMES)
		e->audio_good++;
	atomic_store_explicit(&e->xruns, e->audio.xruns, memory_order_relaxed);
	used = alloc_count_thread() - a0;
	for (unsigned int i = 0; i < e->n_active; i++)
		atomic_fetch_add_explicit(&e->active[i]->s.st.thread_allocs, used,
					  memory_order_relaxed);
}

static void *thread_main(void *arg)
{
	struct media_engine *e = arg;

	for (;;) {
		bool busy = e->n_active > 0 || e->tone.on;

		if (!busy || e->audio_failed) {
			struct pollfd pfd = { .fd = e->cmd_fd, .events = POLLIN };

			media_audio_stop(&e->audio);
			drain_fd(e->cmd_fd);
			if (!commands(e))
				return NULL;
			if ((e->n_active > 0 || e->tone.on) && !e->audio_failed)
				continue;
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				thread_error(e, -errno);
			if (!commands(e))
				return NULL;
			continue;
		}
		if (!e->audio.running) {
			int rc = media_audio_start(&e->audio);

			if (rc < 0) {
				e->audio_failed = true;
				thread_error(e, rc);
				continue;
			}
			atomic_store_explicit(&e->audio_start_ns, media_now_ns(),
					      memory_order_relaxed);
		}
		frame(e);
		if (!commands(e))
			return NULL;
	}
}

/* ---- the main loop's side ---- */

static int wait_ack(struct media_engine *e)
{
	struct pollfd pfd = { .fd = e->ack_fd, .events = POLLIN };
	int rc;

	do {
		rc = poll(&pfd, 1, MEDIA_ACK_TIMEOUT_MS);
	} while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return rc < 0 ? -errno : -ETIMEDOUT;
	drain_fd(e->ack_fd);
	return 0;
}

static int send_cmd(struct media_engine *e, const struct cmd *cmd)
{
	if (!spsc_ring_push(&e->cmds, cmd))
		return -EAGAIN;
	kick(e->cmd_fd);
	return 0;
}

static int start_thread(struct media_engine *e)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = e->cfg.rt_priority };
	int rc = EPERM;

	if (e->cfg.rt_priority > 0) {
		pthread_attr_init(&attr);
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
		rc = pthread_create(&e->thread, &attr, thread_main, e);
		pthread_attr_destroy(&attr);
		e->realtime = rc == 0;
	}
	/* not permitted (no CAP_SYS_NICE, no RLIMIT_RTPRIO): an ordinary thread */
	if (rc)
		rc = pthread_create(&e->thread, NULL, thread_main, e);
	if (rc)
		return -rc;
	pthread_setname_np(e->thread, "ucphone-media");
	e->thread_started = true;
	return 0;
}

int media_engine_new(const struct media_engine_config *cfg, struct media_engine **out)
{
	struct media_engine *e;
	uint16_t r;
	int rc;

	if (!cfg || cfg->rt_priority < 0 || cfg->rt_priority > 99 ||
	    !cfg->playback[0] || !cfg->capture[0] ||
	    (cfg->audio_rate && !media_audio_rate_ok(cfg->audio_rate)) ||
	    memchr(cfg->playback, 0, MEDIA_DEVICE_MAX) == NULL ||
	    memchr(cfg->capture, 0, MEDIA_DEVICE_MAX) == NULL ||
	    (cfg->rtp_port_min || cfg->rtp_port_max ?
	     (cfg->rtp_port_min < 1024 || cfg->rtp_port_max < cfg->rtp_port_min + 1) : false))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	e->cmd_fd = e->evt_fd = e->ack_fd = -1;
	if (!e->cfg.tone_country[0] || !media_tone_country_known(e->cfg.tone_country))
		memcpy(e->cfg.tone_country, "US", 3);
	if (!e->cfg.rtp_port_min) {
		e->cfg.rtp_port_min = PORT_MIN_DEFAULT;
		e->cfg.rtp_port_max = PORT_MAX_DEFAULT;
	}
	if (!e->cfg.jitter_delay_ms)
		e->cfg.jitter_delay_ms = 60;
	if (!e->cfg.audio_rate)
		e->cfg.audio_rate = MEDIA_RATE_DEFAULT;
	if (!e->cfg.rtp_timeout_ms)
		e->cfg.rtp_timeout_ms = 30000;
	if (e->cfg.local.ss_family != AF_INET6)
		e->cfg.local.ss_family = AF_INET;
	spsc_ring_init(&e->cmds, e->cmd_mem, CMD_SLOTS, sizeof(struct cmd));
	spsc_ring_init(&e->evts, e->evt_mem, EVT_SLOTS, sizeof(struct media_event));
	e->cmd_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	e->evt_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	e->ack_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (e->cmd_fd < 0 || e->evt_fd < 0 || e->ack_fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (getrandom(&r, sizeof(r), 0) != sizeof(r)) {
		rc = -EIO;
		goto fail;
	}
	e->next_port = (uint16_t)(e->cfg.rtp_port_min +
				  (r % ((e->cfg.rtp_port_max - e->cfg.rtp_port_min) / 2 + 1)) * 2);
	e->next_call_id = 1;
	rc = media_audio_open(&e->audio, e->cfg.playback, e->cfg.capture, e->cfg.audio_rate);
	if (rc < 0)
		goto fail;
	rc = tone_player_new(&e->tone, e->cfg.audio_rate);
	if (rc < 0)
		goto fail;
	rc = media_vad_new(&e->vad, e->cfg.audio_rate);
	if (rc < 0)
		goto fail;
	rc = media_echo_new(e);
	if (rc < 0)
		goto fail;
	rc = start_thread(e);
	if (rc < 0)
		goto fail;
	*out = e;
	return 0;
fail:
	media_echo_free(e);
	tone_player_free(&e->tone);
	media_vad_free(&e->vad);
	media_audio_close(&e->audio);
	if (e->cmd_fd >= 0)
		close(e->cmd_fd);
	if (e->evt_fd >= 0)
		close(e->evt_fd);
	if (e->ack_fd >= 0)
		close(e->ack_fd);
	free(e);
	return rc;
}

void media_engine_free(struct media_engine *e)
{
	struct cmd cmd = { .type = CMD_QUIT };

	if (!e)
		return;
	if (e->thread_started) {
		/* the ring has room unless the thread is wedged; then wait anyway */
		while (send_cmd(e, &cmd) < 0)
			usleep(1000);
		pthread_join(e->thread, NULL);
	}
	media_audio_close(&e->audio);
	media_echo_free(e);
	tone_player_free(&e->tone);
	media_vad_free(&e->vad);
	close(e->cmd_fd);
	close(e->evt_fd);
	close(e->ack_fd);
	free(e);
}

int media_engine_event_fd(const struct media_engine *e)
{
	return e->evt_fd;
}

int media_engine_next_event(struct media_engine *e, struct media_event *ev)
{
	if (atomic_exchange_explicit(&e->evt_overflow, false, memory_order_relaxed)) {
		memset(ev, 0, sizeof(*ev));
		ev->type = MEDIA_EVENT_OVERFLOW;
		ev->time_ns = media_now_ns();
		return 1;
	}
	if (spsc_ring_pop(&e->evts, ev))
		return 1;
	/* clear the eventfd, then look again: an event pushed in between stays */
	drain_fd(e->evt_fd);
	return spsc_ring_pop(&e->evts, ev) ? 1 : 0;
}

uint32_t media_engine_rate(const struct media_engine *e)
{
	return e->cfg.audio_rate;
}

bool media_engine_realtime(const struct media_engine *e)
{
	return e->realtime;
}

int media_engine_set_audio(struct media_engine *e, const char *playback,
			   const char *capture)
{
	struct cmd cmd = { .type = CMD_SET_AUDIO };
	int rc;

	if (!playback || !capture || strlen(playback) >= MEDIA_DEVICE_MAX ||
	    strlen(capture) >= MEDIA_DEVICE_MAX)
		return -EINVAL;
	rc = media_audio_open(&cmd.audio, playback, capture, e->cfg.audio_rate);
	if (rc < 0)
		return rc;
	rc = send_cmd(e, &cmd);
	if (rc < 0) {
		media_audio_close(&cmd.audio);
		return rc;
	}
	rc = wait_ack(e);
	if (rc < 0)
		return rc;	/* the thread holds both; freed with the engine */
	media_audio_close(&e->ack_cmd.audio);
	snprintf(e->cfg.playback, sizeof(e->cfg.playback), "%s", playback);
	snprintf(e->cfg.capture, sizeof(e->cfg.capture), "%s", capture);
	return 0;
}

int media_engine_set_echo_cancel(struct media_engine *e, bool on)
{
	struct cmd cmd = { .type = CMD_ECHO_CANCEL, .on = on };

	return send_cmd(e, &cmd);
}

int media_engine_tone(struct media_engine *e, enum media_tone tone)
{
	struct cmd cmd = { .type = CMD_TONE, .tone = tone };

	if (tone < MEDIA_TONE_NONE || tone >= __MEDIA_TONE_LAST)
		return -EINVAL;
	return send_cmd(e, &cmd);
}

const char *media_tone_name(enum media_tone tone)
{
	static const char *const names[] = {
		[MEDIA_TONE_NONE] = "none",
		[MEDIA_TONE_DIAL] = "dial",
		[MEDIA_TONE_RINGBACK] = "ringback",
		[MEDIA_TONE_BUSY] = "busy",
		[MEDIA_TONE_REORDER] = "reorder",
		[MEDIA_TONE_RING] = "ring",
		[MEDIA_TONE_CALL_WAITING] = "call-waiting",
	};

	if (tone < MEDIA_TONE_NONE || tone >= __MEDIA_TONE_LAST)
		return "unknown";
	return names[tone];
}

/* ---- calls ---- */

/*
 * The RTP socket's receive buffer: what the kernel holds while the media
 * thread is off the CPU. The default (rmem_default, ~208 KiB) counts each
 * datagram at its buffer's true size, up to 4 KiB on a virtio NIC: about
 * 1 s of 20 ms packets. 1 MiB rides out a few seconds' stall of a loaded
 * board; SO_RCVBUFFORCE (CAP_NET_ADMIN, the phone's daemon) passes
 * rmem_max, else SO_RCVBUF gets what rmem_max allows.
 */
#define RTP_RCVBUF (1024 * 1024)

static void grow_rcvbuf(int fd)
{
	int want = RTP_RCVBUF / 2;	/* the kernel doubles it for its own overhead */

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
}

static int bind_port(int fd, const struct sockaddr_storage *local, uint16_t port)
{
	struct sockaddr_storage ss = *local;
	socklen_t len;

	if (ss.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	}
	return bind(fd, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
}

int media_call_open(struct media_engine *e, struct media_call **out)
{
	unsigned int pairs = (e->cfg.rtp_port_max - e->cfg.rtp_port_min) / 2 + 1;
	struct media_call *c;
	uint32_t cn;
	int rc = -EADDRINUSE;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->engine = e;
	c->rtp_fd = c->rtcp_fd = -1;
	for (unsigned int i = 0; i < pairs && i < 256; i++) {
		uint16_t port = e->next_port;

		e->next_port += 2;
		if (e->next_port > e->cfg.rtp_port_max || e->next_port < e->cfg.rtp_port_min)
			e->next_port = e->cfg.rtp_port_min & ~1;
		c->rtp_fd = socket(e->cfg.local.ss_family,
				   SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		c->rtcp_fd = socket(e->cfg.local.ss_family,
				    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->rtp_fd < 0 || c->rtcp_fd < 0) {
			rc = -errno;
			break;
		}
		/* receive stamps for jitter and RTT, read with each datagram */
		setsockopt(c->rtp_fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int));
		setsockopt(c->rtcp_fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int));
		grow_rcvbuf(c->rtp_fd);
		if (bind_port(c->rtp_fd, &e->cfg.local, port) == 0 &&
		    bind_port(c->rtcp_fd, &e->cfg.local, (uint16_t)(port + 1)) == 0) {
			c->rtp_port = port;
			c->rtcp_port = (uint16_t)(port + 1);
			rc = 0;
			break;
		}
		close(c->rtp_fd);
		close(c->rtcp_fd);
		c->rtp_fd = c->rtcp_fd = -1;
	}
	if (rc < 0) {
		if (c->rtp_fd >= 0)
			close(c->rtp_fd);
		if (c->rtcp_fd >= 0)
			close(c->rtcp_fd);
		free(c);
		return rc;
	}
	c->id = e->next_call_id++;
	if (!c->id)
		c->id = e->next_call_id++;
	if (getrandom(&cn, sizeof(cn), 0) != sizeof(cn))
		cn = (uint32_t)media_now_ns();
	/* RFC 7022: a random CNAME per call */
	snprintf(c->cname, sizeof(c->cname), "ucphone-%08x", cn);
	*out = c;
	return 0;
}

uint32_t media_call_id(const struct media_call *c)
{
	return c->id;
}

uint16_t media_call_rtp_port(const struct media_call *c)
{
	return c->rtp_port;
}

uint16_t media_call_rtcp_port(const struct media_call *c)
{
	return c->rtcp_port;
}

static bool params_ok(const struct media_stream_params *p)
{
	if (p->codec <= MEDIA_CODEC_NONE || p->codec > MEDIA_CODEC_MAX)
		return false;
	if (p->clock_rate != codec_clock(p->codec) ||
	    (p->ptime_ms != 20 && p->ptime_ms != 40 && p->ptime_ms != 60))
		return false;
	if (p->remote_rtp.ss_family != AF_INET && p->remote_rtp.ss_family != AF_INET6)
		return false;
	if (p->srtp) {
		if (p->tx.mki_len > 4 || p->rx.mki_len > 4)
			return false;
		if (p->suite <= UCPHONE_SRTP_SUITE_UNSPEC || p->suite > UCPHONE_SRTP_SUITE_MAX)
			return false;
	}
	return true;
}

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					   sizeof(struct sockaddr_in);
}

static void free_flows(struct chan *ch)
{
	srtp_flow_free(ch->tx);
	srtp_flow_free(ch->rx);
	ch->tx = ch->rx = NULL;
}

/* SDES's MKI value, big-endian in len bytes, as srtp_flow takes it. */
static void mki_bytes(uint8_t out[4], uint32_t mki, uint8_t len)
{
	for (unsigned int i = 0; i < len && i < 4; i++)
		out[i] = (uint8_t)(mki >> (8 * (len - 1 - i)));
}

static int new_flows(struct media_engine *e, struct chan *ch,
		     const struct media_stream_params *p, uint32_t ssrc)
{
	uint8_t tx_mki[4] = { 0 }, rx_mki[4] = { 0 };
	struct srtp_flow_params tx = {
		.dir = UCPHONE_SRTP_DIR_TX, .suite = p->suite,
		.master_key = p->tx.key, .master_key_len = p->tx.key_len,
		.master_salt = p->tx.salt, .master_salt_len = p->tx.salt_len,
		.ssrc_fixed = true, .ssrc = ssrc,
		.mki_len = p->tx.mki_len, .mki = tx_mki,
	};
	struct srtp_flow_params rx = {
		.dir = UCPHONE_SRTP_DIR_RX, .suite = p->suite,
		.master_key = p->rx.key, .master_key_len = p->rx.key_len,
		.master_salt = p->rx.salt, .master_salt_len = p->rx.salt_len,
		.mki_len = p->rx.mki_len, .mki = rx_mki,
	};
	int rc;

	mki_bytes(tx_mki, p->tx.mki, p->tx.mki_len);
	mki_bytes(rx_mki, p->rx.mki, p->rx.mki_len);

	rc = srtp_flow_new(&ch->tx, ch->fd, &tx, e->cfg.srtp_mode);
	if (rc < 0) {
		ch->tx = NULL;
		return rc;
	}
	rc = srtp_flow_new(&ch->rx, ch->fd, &rx, e->cfg.srtp_mode);
	if (rc < 0) {
		ch->rx = NULL;
		free_flows(ch);
		return rc;
	}
	return 0;
}

static void stream_free(struct media_call *c)
{
	if (!c->s.separate_rtcp)
		c->s.rtcp.tx = c->s.rtcp.rx = NULL;
	free_flows(&c->s.rtp);
	free_flows(&c->s.rtcp);
	stream_codec_close(&c->s);
	media_stream_params_clear(&c->s.p);
	c->started = false;
}

/* Sets up c->s from p on the main loop (stream not attached). */
static int stream_setup(struct media_call *c, const struct media_stream_params *p,
			bool keep_state, bool make_flows)
{
	struct media_engine *e = c->engine;
	struct stream *s = &c->s;
	struct {
		uint32_t ssrc, ts, rng;
		uint16_t seq;
	} r;
	int rc;

	if (connect(c->rtp_fd, (const struct sockaddr *)&p->remote_rtp, ss_len(&p->remote_rtp)) < 0)
		return -errno;
	if (!p->rtcp_mux && connect(c->rtcp_fd, (const struct sockaddr *)&p->remote_rtcp,
				    ss_len(&p->remote_rtcp)) < 0)
		return -errno;
	if (!keep_state) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return -EIO;
		stream_codec_close(s);
		memset(s, 0, sizeof(*s));
		/* RFC 3550 5.1: random SSRC, first sequence number and timestamp */
		s->ssrc = r.ssrc;
		s->seq = r.seq;
		s->ts = r.ts;
		s->rng = r.rng | 1;
		s->start_ns = media_now_ns();
		atomic_store(&s->st.rtt_us, -1);
		s->cn_dbov = 70.0f;
		noise_init_dbov(&s->cn, (int)s->rng, -s->cn_dbov, NOISE_CLASS_HOTH, 7);
	}
	rc = stream_codec_open(s, p, e->cfg.audio_rate, e->cfg.jitter_delay_ms);
	if (rc < 0)
		return rc;
	s->rtp.fd = c->rtp_fd;
	s->rtcp.fd = p->rtcp_mux ? c->rtp_fd : c->rtcp_fd;
	s->separate_rtcp = !p->rtcp_mux;
	if (make_flows) {
		s->rtp.tx = s->rtp.rx = s->rtcp.tx = s->rtcp.rx = NULL;
		if (p->srtp) {
			rc = new_flows(e, &s->rtp, p, s->ssrc);
			if (rc == 0 && s->separate_rtcp)
				rc = new_flows(e, &s->rtcp, p, s->ssrc);
			if (rc < 0) {
				free_flows(&s->rtp);
				free_flows(&s->rtcp);
				return rc;
			}
		}
		if (!s->separate_rtcp) {
			s->rtcp.tx = s->rtp.tx;
			s->rtcp.rx = s->rtp.rx;
		}
	}
	s->p = *p;
	c->started = true;
	return 0;
}

static int attach(struct media_call *c)
{
	struct cmd cmd = { .type = CMD_ATTACH, .call = c };
	int rc;

	if (c->engine->n_attached >= MEDIA_CALLS_MAX)
		return -EBUSY;
	rc = send_cmd(c->engine, &cmd);
	if (rc == 0) {
		c->attached = true;
		c->engine->n_attached++;
	}
	return rc;
}

static int detach(struct media_call *c)
{
	struct cmd cmd = { .type = CMD_DETACH, .call = c };
	int rc;

	if (!c->attached)
		return 0;
	rc = send_cmd(c->engine, &cmd);
	if (rc < 0)
		return rc;
	rc = wait_ack(c->engine);
	if (rc < 0)
		return rc;
	c->attached = false;
	c->engine->n_attached--;
	return 0;
}

int media_call_start(struct media_call *c, const struct media_stream_params *p)
{
	int rc;

	if (c->started)
		return -EALREADY;
	if (!params_ok(p))
		return -EOPNOTSUPP;
	rc = stream_setup(c, p, false, true);
	if (rc < 0) {
		stream_free(c);
		return rc;
	}
	rc = attach(c);
	if (rc < 0)
		stream_free(c);
	return rc;
}

static bool key_eq(const struct media_srtp_key *a, const struct media_srtp_key *b)
{
	return a->key_len == b->key_len && a->salt_len == b->salt_len &&
	       a->mki_len == b->mki_len && a->mki == b->mki &&
	       !memcmp(a->key, b->key, a->key_len) && !memcmp(a->salt, b->salt, a->salt_len);
}

static bool keys_same(const struct media_stream_params *a, const struct media_stream_params *b)
{
	return a->srtp == b->srtp && (!a->srtp || (a->suite == b->suite &&
						  key_eq(&a->tx, &b->tx) && key_eq(&a->rx, &b->rx)));
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return !memcmp(a, b, ss_len(a));
}

/* Same sockets' peers, codec and payload types: only the thread's view moves. */
static bool same_transport(const struct media_stream_params *a,
			   const struct media_stream_params *b)
{
	return a->rtcp_mux == b->rtcp_mux && same_addr(&a->remote_rtp, &b->remote_rtp) &&
	       (a->rtcp_mux || same_addr(&a->remote_rtcp, &b->remote_rtcp)) &&
	       a->codec == b->codec && a->pt == b->pt && a->rx_pt == b->rx_pt &&
	       a->clock_rate == b->clock_rate;
}

int media_call_update(struct media_call *c, const struct media_stream_params *p)
{
	struct stream *s = &c->s;
	struct media_stream_params old;
	int rc;

	if (!c->started)
		return -EINVAL;
	if (!params_ok(p))
		return -EOPNOTSUPP;
	if (c->attached && keys_same(&s->p, p) && same_transport(&s->p, p)) {
		/* hold, resume, a re-INVITE that changes nothing: no pause */
		struct cmd cmd = { .type = CMD_PARAMS, .call = c, .params = *p };

		rc = send_cmd(c->engine, &cmd);
		explicit_bzero(&cmd, sizeof(cmd));
		return rc;
	}
	rc = detach(c);
	if (rc < 0)
		return rc;
	old = s->p;
	if (keys_same(&old, p) && old.rtcp_mux == p->rtcp_mux) {
		/* same keys: SRTP state, SSRC, sequence and timestamp go on */
		struct chan rtp = s->rtp, rtcp = s->rtcp;

		rc = stream_setup(c, p, true, false);
		s->rtp.tx = rtp.tx;
		s->rtp.rx = rtp.rx;
		s->rtcp.tx = rtcp.tx;
		s->rtcp.rx = rtcp.rx;
	} else {
		/*
		 * New keys, SRTP switched on or off, or RTCP moved: new SRTP
		 * contexts (a new key starts at ROC 0, as Teams and
		 * rtpengine expect); sequence and timestamp go on.
		 */
		free_flows(&s->rtp);
		if (s->separate_rtcp)
			free_flows(&s->rtcp);
		s->rtcp.tx = s->rtcp.rx = NULL;
		rc = stream_setup(c, p, true, true);
	}
	media_stream_params_clear(&old);
	if (rc < 0) {
		stream_free(c);
		return rc;
	}
	return attach(c);
}

int media_call_stop(struct media_call *c)
{
	int rc;

	if (!c->started)
		return -EALREADY;
	rc = detach(c);
	if (rc < 0)
		return rc;
	stream_send_bye(c);
	free_flows(&c->s.rtp);
	if (c->s.separate_rtcp)
		free_flows(&c->s.rtcp);
	c->s.rtcp.tx = c->s.rtcp.rx = NULL;
	stream_free(c);
	return 0;
}

int media_call_send_dtmf(struct media_call *c, char digit, unsigned int duration_ms)
{
	struct cmd cmd = { .type = CMD_DTMF, .call = c };
	int ev = rtp_dtmf_event_of(digit);

	if (ev < 0)
		return -EINVAL;
	if (!c->started || c->s.p.tel_event_pt == MEDIA_PT_NONE ||
	    !(c->s.p.tel_event_events & (1U << ev)))
		return -EOPNOTSUPP;
	if (duration_ms == 0)
		duration_ms = 100;
	if (duration_ms < 40 || duration_ms > 1000)
		return -EINVAL;
	cmd.dtmf.event = (uint8_t)ev;
	cmd.dtmf.duration_ms = (uint16_t)duration_ms;
	return send_cmd(c->engine, &cmd);
}

int media_call_stats(const struct media_call *c, struct media_stats *o)
{
	const struct stream_stats *st = &c->s.st;

	memset(o, 0, sizeof(*o));
	o->tx_packets = atomic_load(&st->tx_packets);
	o->tx_bytes = atomic_load(&st->tx_bytes);
	o->rx_packets = atomic_load(&st->rx_packets);
	o->rx_bytes = atomic_load(&st->rx_bytes);
	o->rx_lost = atomic_load(&st->rx_lost);
	o->rx_late = atomic_load(&st->rx_late);
	o->rx_duplicates = atomic_load(&st->rx_duplicates);
	o->rx_malformed = atomic_load(&st->rx_malformed);
	o->rtcp_tx = atomic_load(&st->rtcp_tx);
	o->rtcp_rx = atomic_load(&st->rtcp_rx);
	o->jitter_us = atomic_load(&st->jitter_us);
	o->rtt_us = atomic_load(&st->rtt_us);
	o->remote_fraction_lost = atomic_load(&st->remote_fraction_lost);
	o->remote_cumulative_lost = atomic_load(&st->remote_cumulative_lost);
	o->remote_jitter_us = atomic_load(&st->remote_jitter_us);
	o->jb_delay_ms = atomic_load(&st->jb_delay_ms);
	o->jb_target_ms = atomic_load(&st->jb_target_ms);
	o->jb_jitter_ms = atomic_load(&st->jb_jitter_ms);
	o->jb_lost = atomic_load(&st->jb_lost);
	o->jb_dropped = atomic_load(&st->jb_dropped);
	o->jb_stretched = atomic_load(&st->jb_stretched);
	o->concealed = atomic_load(&st->concealed);
	o->fec_recovered = atomic_load(&st->fec_recovered);
	o->cn_frames = atomic_load(&st->cn_frames);
	o->cn_sent = atomic_load(&st->cn_sent);
	o->expected_loss_pct = atomic_load(&st->expected_loss_pct);
	o->dtmf_sent = atomic_load(&st->dtmf_sent);
	o->dtmf_received = atomic_load(&st->dtmf_received);
	o->frames = atomic_load(&st->frames);
	o->xruns = atomic_load_explicit(&c->engine->xruns, memory_order_relaxed);
	o->audio_start_ns = atomic_load_explicit(&c->engine->audio_start_ns,
						 memory_order_relaxed);
	o->send_jitter_max_us = atomic_load(&st->send_jitter_max_us);
	o->srtp = c->started && c->s.p.srtp;
	o->suite = c->s.p.suite;
	o->backend = c->s.rtp.tx ? srtp_flow_backend(c->s.rtp.tx) : SRTP_FLOW_KERNEL;
	if (c->s.rtp.rx && srtp_flow_backend(c->s.rtp.rx) == SRTP_FLOW_KERNEL) {
		struct srtp_flow_stats fs;

		/* the kernel's drops: a netlink query, main loop only */
		if (srtp_flow_stats(c->s.rtp.rx, &fs) == 0)
			o->rx_srtp_failures = fs.auth_failures + fs.replays;
	}
	o->allocs_counted = alloc_count_enabled();
	o->thread_allocs = atomic_load(&st->thread_allocs);
	o->start_ns = c->s.start_ns;
	o->first_played_ns = atomic_load(&st->first_played_ns);
	o->echo_delay_ms = atomic_load(&c->engine->echo_delay_ms);
	return 0;
}

void media_call_close(struct media_call *c)
{
	if (!c)
		return;
	if (c->started && media_call_stop(c) < 0 && c->attached) {
		/*
		 * The media thread did not let go of the call (wedged in a
		 * device): its memory and sockets stay rather than be freed
		 * under it.
		 */
		return;
	}
	close(c->rtp_fd);
	close(c->rtcp_fd);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

void media_engine_set_mute(struct media_engine *e, bool muted)
{
	atomic_store_explicit(&e->muted, muted, memory_order_relaxed);
}

void media_call_set_conference(struct media_call *c, bool on)
{
	atomic_store_explicit(&c->conference, on, memory_order_relaxed);
}

bool media_call_conference(const struct media_call *c)
{
	return atomic_load_explicit(&((struct media_call *)c)->conference,
				    memory_order_relaxed);
}

bool media_engine_muted(const struct media_engine *e)
{
	return atomic_load_explicit(&((struct media_engine *)e)->muted,
				    memory_order_relaxed);
}
