// SPDX-License-Identifier: GPL-2.0-only
/*
 * SDP offer/answer for one call (RFC 3264) with SDES keys (RFC 4568):
 * the phone's offers and answers, and the agreed stream as a struct
 * media_stream_params. See sdp.h for the rules it follows.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <openssl/evp.h>

#include "lib/util/secret.h"
#include "lib/sdp/sdp_text.h"

#define TEL_EVENT_PT 101
#define OPUS_PT 111

struct codec_info {
	const char *name;
	uint8_t static_pt;	/* 0xff: dynamic */
	uint32_t clock;
	uint8_t channels;
};

static const struct codec_info codecs[] = {
	[MEDIA_CODEC_PCMU] = { "PCMU", 0, 8000, 1 },
	[MEDIA_CODEC_PCMA] = { "PCMA", 8, 8000, 1 },
	[MEDIA_CODEC_G722] = { "G722", 9, 8000, 1 },
	[MEDIA_CODEC_OPUS] = { "opus", 0xff, 48000, 2 },
};

/* The order suites are offered in. */
static const enum ucphone_srtp_suite suite_order[] = {
	UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,
	UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32,
	UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80,
	UCPHONE_SRTP_AEAD_AES_128_GCM,
	UCPHONE_SRTP_AEAD_AES_256_GCM,
};

#define N_SUITES (sizeof(suite_order) / sizeof(suite_order[0]))

struct sdp_neg {
	struct sdp_config cfg;
	char user[SDP_TOKEN_MAX];
	uint64_t sess_id, version;
	char last_rest[SDP_OUT_MAX];	/* our last SDP after its o= line */
	bool sent_any;
	enum media_dir local_dir;

	/* Our own keys, one per suite, made when first needed. */
	struct media_srtp_key keys[UCPHONE_SRTP_SUITE_MAX + 1];
	bool rekey;

	/* Our outstanding offer */
	bool offer_pending;
	bool last_offer_ours;		/* the last offer was ours, not the far end's */
	bool offer_srtp;		/* it carried a=crypto lines */
	enum ucphone_srtp_suite offer_tag_suite[N_SUITES + 1];	/* by tag */
	unsigned int offer_n_tags;

	bool agreed;
	struct media_stream_params cur;
	/* what the far end's last SDP allows, from the phone's side */
	enum media_dir far_dir, far_dir_pending;

	struct sdp peer;		/* the far end's last SDP (scratch) */
};

struct out {
	char *p;
	size_t size, len;
	bool overflow;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->overflow = true;
		return;
	}
	o->len += (size_t)n;
}

static void put_addr(struct out *o, const struct sockaddr_storage *ss)
{
	char text[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
		put(o, "IN IP6 %s", text);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
		put(o, "IN IP4 %s", text);
	}
}

static const char *dir_attr(enum media_dir d)
{
	return media_dir_name(d);
}

/* Flips the far end's written direction into ours, RFC 3264 6.1. */
static enum media_dir flip(enum sdp_dir d)
{
	switch (d) {
	case SDP_DIR_SENDONLY:
		return MEDIA_DIR_RECVONLY;
	case SDP_DIR_RECVONLY:
		return MEDIA_DIR_SENDONLY;
	case SDP_DIR_INACTIVE:
		return MEDIA_DIR_INACTIVE;
	default:
		return MEDIA_DIR_SENDRECV;
	}
}

static bool have_suite(const struct sdp_neg *neg, enum ucphone_srtp_suite s)
{
	return s > UCPHONE_SRTP_SUITE_UNSPEC && s <= UCPHONE_SRTP_SUITE_MAX &&
	       (neg->cfg.suites & (1U << s));
}

static int new_key(struct media_srtp_key *k, enum ucphone_srtp_suite s)
{
	size_t kl = sdp_suite_key_len(s), sl = sdp_suite_salt_len(s);

	secret_zero(k, sizeof(*k));
	if (getrandom(k->key, kl, 0) != (ssize_t)kl ||
	    getrandom(k->salt, sl, 0) != (ssize_t)sl) {
		secret_zero(k, sizeof(*k));
		return -EIO;
	}
	k->key_len = (uint8_t)kl;
	k->salt_len = (uint8_t)sl;
	return 0;
}

/* Our key for suite s: kept across re-offers unless a re-key was asked. */
static int own_key(struct sdp_neg *neg, enum ucphone_srtp_suite s,
		   struct media_srtp_key **out)
{
	struct media_srtp_key *k = &neg->keys[s];
	int rc;

	if (k->key_len == 0 || neg->rekey) {
		rc = new_key(k, s);
		if (rc < 0)
			return rc;
	}
	*out = k;
	return 0;
}

/* a=crypto:TAG SUITE inline:B64[|LIFETIME][|MKI:LEN] */
static void put_crypto(struct out *o, unsigned int tag, enum ucphone_srtp_suite s,
		       const struct media_srtp_key *k, uint64_t lifetime)
{
	uint8_t raw[UCPHONE_SRTP_KEY_MAX + UCPHONE_SRTP_SALT_MAX];
	unsigned char b64[(sizeof(raw) + 2) / 3 * 4 + 1];
	int n;

	memcpy(raw, k->key, k->key_len);
	memcpy(raw + k->key_len, k->salt, k->salt_len);
	n = EVP_EncodeBlock(b64, raw, k->key_len + k->salt_len);
	put(o, "a=crypto:%u %s inline:%.*s", tag, sdp_suite_name(s), n, (const char *)b64);
	if (lifetime) {
		unsigned int e = (unsigned int)__builtin_ctzll(lifetime);

		if (lifetime == (1ULL << e))
			put(o, "|2^%u", e);
		else
			put(o, "|%llu", (unsigned long long)lifetime);
	}
	if (k->mki_len)
		put(o, "|%u:%u", k->mki, k->mki_len);
	put(o, "\r\n");
	secret_zero(raw, sizeof(raw));
	secret_zero(b64, sizeof(b64));
}

static void put_format(const struct sdp_neg *neg, struct out *o, uint8_t pt,
		       enum media_codec c)
{
	const struct codec_info *ci = &codecs[c];

	if (ci->channels > 1)
		put(o, "a=rtpmap:%u %s/%u/%u\r\n", pt, ci->name, ci->clock, ci->channels);
	else
		put(o, "a=rtpmap:%u %s/%u\r\n", pt, ci->name, ci->clock);
	/* Opus: what this phone receives (RFC 7587 6.1): FEC it decodes, mono;
	 * the card plays and captures at the same rate */
	if (c == MEDIA_CODEC_OPUS) {
		put(o, "a=fmtp:%u useinbandfec=1;stereo=0;sprop-stereo=0", pt);
		if (neg->cfg.opus_max_playback_rate)
			put(o, ";maxplaybackrate=%u;sprop-maxcapturerate=%u",
			    neg->cfg.opus_max_playback_rate, neg->cfg.opus_max_playback_rate);
		put(o, "\r\n");
	}
}

/* The agreed Opus stream's hints from the far end's format. */
static void opus_params(const struct sdp_format *f, struct media_stream_params *p)
{
	if (p->codec == MEDIA_CODEC_OPUS)
		sdp_opus_fmtp(f, &p->opus_fec, &p->opus_dtx, &p->opus_max_playback_rate);
}

static uint8_t offer_pt(enum media_codec c)
{
	return codecs[c].static_pt == 0xff ? OPUS_PT : codecs[c].static_pt;
}

/*
 * Finishes an SDP: "v=0", our o= line (the version grows when the rest
 * differs from the last SDP we sent, RFC 3264 8), then the rest.
 */
static int finish(struct sdp_neg *neg, const struct out *rest, char *buf,
		  size_t size, size_t *len, struct sdp_error *err)
{
	struct out o = { buf, size, 0, false };

	if (rest->overflow) {
		sdp_set_error(err, 500, "SDP too long for the buffer");
		return -ENOSPC;
	}
	if (neg->sent_any && strcmp(neg->last_rest, rest->p) != 0)
		neg->version++;
	put(&o, "v=0\r\no=%s %llu %llu ", neg->user, (unsigned long long)neg->sess_id,
	    (unsigned long long)neg->version);
	put_addr(&o, &neg->cfg.local);
	put(&o, "\r\n%s", rest->p);
	if (o.overflow) {
		sdp_set_error(err, 500, "SDP too long for the buffer");
		return -ENOSPC;
	}
	snprintf(neg->last_rest, sizeof(neg->last_rest), "%s", rest->p);
	neg->sent_any = true;
	*len = o.len;
	return 0;
}

static void put_session(struct sdp_neg *neg, struct out *o)
{
	put(o, "s=-\r\nc=");
	put_addr(o, &neg->cfg.local);
	put(o, "\r\nt=0 0\r\n");
}

int sdp_neg_new(struct sdp_neg **out, const struct sdp_config *cfg)
{
	struct sdp_neg *neg;
	uint64_t id;

	if (!cfg || cfg->n_codecs == 0 || cfg->n_codecs > MEDIA_CODEC_MAX ||
	    (cfg->local.ss_family != AF_INET && cfg->local.ss_family != AF_INET6) ||
	    cfg->rtp_port == 0 ||
	    (cfg->srtp != SDP_SRTP_OFF &&
	     !(cfg->suites & ((1U << (UCPHONE_SRTP_SUITE_MAX + 1)) - 2))))
		return -EINVAL;
	for (unsigned int i = 0; i < cfg->n_codecs; i++)
		if (cfg->codecs[i] <= MEDIA_CODEC_NONE || cfg->codecs[i] > MEDIA_CODEC_MAX)
			return -EINVAL;
	if (cfg->user && (!cfg->user[0] || strlen(cfg->user) >= SDP_TOKEN_MAX ||
			  strpbrk(cfg->user, " \r\n\t")))
		return -EINVAL;
	neg = calloc(1, sizeof(*neg));
	if (!neg)
		return -ENOMEM;
	neg->cfg = *cfg;
	neg->cfg.user = NULL;
	snprintf(neg->user, sizeof(neg->user), "%s", cfg->user ? cfg->user : "-");
	if (!neg->cfg.ptime_ms)
		neg->cfg.ptime_ms = 20;
	/* A session id unique enough (RFC 4566 5.2); kept below 2^62. */
	if (getrandom(&id, sizeof(id), 0) != sizeof(id)) {
		free(neg);
		return -EIO;
	}
	neg->sess_id = (id >> 2) | 1;
	neg->version = 1;
	neg->local_dir = MEDIA_DIR_SENDRECV;
	*out = neg;
	return 0;
}

void sdp_neg_free(struct sdp_neg *neg)
{
	if (neg)
		secret_zero_free(neg, sizeof(*neg));
}

void sdp_neg_set_ports(struct sdp_neg *neg, uint16_t rtp_port, uint16_t rtcp_port)
{
	neg->cfg.rtp_port = rtp_port;
	neg->cfg.rtcp_port = rtcp_port;
}

void sdp_neg_set_direction(struct sdp_neg *neg, enum media_dir dir)
{
	neg->local_dir = dir & MEDIA_DIR_SENDRECV;
}

enum media_dir sdp_neg_far_direction(const struct sdp_neg *neg)
{
	return neg->agreed ? neg->far_dir : MEDIA_DIR_SENDRECV;
}

int sdp_neg_rekey(struct sdp_neg *neg)
{
	neg->rekey = true;
	return 0;
}

static void put_audio_common(struct sdp_neg *neg, struct out *o, bool mux)
{
	put(o, "a=ptime:%u\r\n", neg->cfg.ptime_ms);
	if (neg->cfg.rtcp_port)
		put(o, "a=rtcp:%u\r\n", neg->cfg.rtcp_port);
	if (mux)
		put(o, "a=rtcp-mux\r\n");
}

int sdp_neg_offer(struct sdp_neg *neg, char *buf, size_t size, size_t *len,
		  struct sdp_error *err)
{
	char rest_buf[SDP_OUT_MAX];
	struct out o = { rest_buf, sizeof(rest_buf), 0, false };
	bool srtp = neg->cfg.srtp != SDP_SRTP_OFF;
	bool agreed_plain = neg->agreed && !neg->cur.srtp;
	unsigned int tag = 0;
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	/* Once a call settled on plain RTP (srtp=optional), it stays so. */
	if (agreed_plain)
		srtp = false;
	put_session(neg, &o);
	/*
	 * srtp=optional offers RTP/AVP with a=crypto, as OCS/Lync and
	 * baresip's "srtp" mode do: a plain-only far end can still answer.
	 */
	put(&o, "m=audio %u %s", neg->cfg.rtp_port,
	    neg->cfg.srtp == SDP_SRTP_MANDATORY ? "RTP/SAVP" : "RTP/AVP");
	for (unsigned int i = 0; i < neg->cfg.n_codecs; i++)
		put(&o, " %u", offer_pt(neg->cfg.codecs[i]));
	if (neg->cfg.cn)
		put(&o, " %u", MEDIA_PT_CN);
	if (neg->cfg.tel_event)
		put(&o, " %u", TEL_EVENT_PT);
	put(&o, "\r\n");
	for (unsigned int i = 0; i < neg->cfg.n_codecs; i++)
		put_format(neg, &o, offer_pt(neg->cfg.codecs[i]), neg->cfg.codecs[i]);
	if (neg->cfg.cn)
		put(&o, "a=rtpmap:%u CN/8000\r\n", MEDIA_PT_CN);
	if (neg->cfg.tel_event)
		put(&o, "a=rtpmap:%u telephone-event/8000\r\na=fmtp:%u 0-16\r\n",
		    TEL_EVENT_PT, TEL_EVENT_PT);
	put_audio_common(neg, &o, neg->cfg.rtcp_mux);
	memset(neg->offer_tag_suite, 0, sizeof(neg->offer_tag_suite));
	if (srtp) {
		for (unsigned int i = 0; i < N_SUITES; i++) {
			enum ucphone_srtp_suite s = suite_order[i];
			struct media_srtp_key *k;

			if (!have_suite(neg, s))
				continue;
			/* Settled on a suite: re-offer only that one. */
			if (neg->agreed && neg->cur.srtp && neg->cur.suite != s)
				continue;
			rc = own_key(neg, s, &k);
			if (rc < 0) {
				sdp_set_error(err, 500, "no random bytes for SRTP keys");
				return rc;
			}
			neg->offer_tag_suite[++tag] = s;
			put_crypto(&o, tag, s, k, 0);
		}
	}
	put(&o, "a=%s\r\n", dir_attr(neg->local_dir));
	rc = finish(neg, &o, buf, size, len, err);
	secret_zero(rest_buf, sizeof(rest_buf));
	if (rc < 0)
		return rc;
	neg->rekey = false;
	neg->offer_pending = true;
	neg->last_offer_ours = true;
	neg->offer_srtp = srtp;
	neg->offer_n_tags = tag;
	return 0;
}

/* Which of our codecs a format of the far end's m= line is. */
static enum media_codec codec_of(const struct sdp_neg *neg, const struct sdp_format *f)
{
	for (unsigned int i = 0; i < neg->cfg.n_codecs; i++) {
		enum media_codec c = neg->cfg.codecs[i];
		const struct codec_info *ci = &codecs[c];

		if (f->has_rtpmap) {
			if (!strcasecmp(f->encoding, ci->name) && f->clock_rate == ci->clock &&
			    (c != MEDIA_CODEC_OPUS || f->channels == 2) &&
			    (c == MEDIA_CODEC_OPUS || f->channels == 1))
				return c;
		} else if (f->pt == ci->static_pt) {
			return c;
		}
	}
	return MEDIA_CODEC_NONE;
}

static const struct sdp_format *tel_event_of(const struct sdp_media *m)
{
	for (unsigned int i = 0; i < m->n_formats; i++) {
		const struct sdp_format *f = &m->formats[i];

		if (f->has_rtpmap && !strcasecmp(f->encoding, "telephone-event") &&
		    f->clock_rate == 8000)
			return f;
	}
	return NULL;
}

/* Events 0-15 (the DTMF ones) a telephone-event fmtp lists ("0-16,32"). */
static uint16_t tel_events(const struct sdp_format *f)
{
	struct sdp_span rest, item;
	uint16_t bits = 0;

	if (!f->has_fmtp)
		return 0xffff;	/* absent: 0-15 (RFC 4733 2.4.1) */
	rest = (struct sdp_span){ f->fmtp, strlen(f->fmtp) };
	while (sdp_span_token(&rest, ", ", &item)) {
		const char *dash = memchr(item.p, '-', item.n);
		struct sdp_span a = { item.p, dash ? (size_t)(dash - item.p) : item.n };
		struct sdp_span b = dash ? (struct sdp_span){ dash + 1, item.n - a.n - 1 } : a;
		uint64_t lo, hi;

		if (!sdp_span_u64(a, 255, &lo) || !sdp_span_u64(b, 255, &hi) || lo > hi)
			continue;
		for (uint64_t e = lo; e <= hi && e < 16; e++)
			bits |= (uint16_t)(1U << e);
	}
	return bits;
}

static void set_addr(struct sockaddr_storage *ss, const struct sdp_addr *a, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->v6, 16);
		s6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *s4 = (void *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->v4, 4);
		s4->sin_port = htons(port);
	}
}

/* Addresses, ports, direction and ptime of the agreed stream. */
static void fill_transport(struct sdp_neg *neg, const struct sdp_media *m,
			   bool mux, struct media_stream_params *p)
{
	static const uint8_t any4[4];
	const struct sdp_addr *ra = m->rtcp_addr.family ? &m->rtcp_addr : &m->conn;

	p->local_rtp_port = neg->cfg.rtp_port;
	p->local_rtcp_port = mux ? neg->cfg.rtp_port : neg->cfg.rtcp_port;
	p->rtcp_mux = mux;
	set_addr(&p->remote_rtp, &m->conn, m->port);
	if (mux)
		p->remote_rtcp = p->remote_rtp;
	else
		set_addr(&p->remote_rtcp, ra, m->rtcp_port ? m->rtcp_port :
			 (uint16_t)(m->port + 1));
	neg->far_dir_pending = flip(m->dir);
	/* c=0.0.0.0: RFC 2543 hold, nothing is sent there (RFC 3264 8.4) */
	if (m->conn.family == AF_INET && !memcmp(m->conn.v4, any4, 4))
		neg->far_dir_pending = (enum media_dir)(neg->far_dir_pending &
							MEDIA_DIR_RECVONLY);
	p->dir = neg->local_dir & neg->far_dir_pending;
	/* The far end's a=ptime is what it wants to receive. */
	p->ptime_ms = (m->ptime_ms == 40 || m->ptime_ms == 60) ? m->ptime_ms : 20;
}

static void set_rx_key(struct media_srtp_key *rx, const struct sdp_crypto *c)
{
	const struct sdp_key *k = &c->keys[0];
	size_t kl = sdp_suite_key_len(c->suite);

	memset(rx, 0, sizeof(*rx));
	memcpy(rx->key, k->key_salt, kl);
	rx->key_len = (uint8_t)kl;
	memcpy(rx->salt, k->key_salt + kl, k->key_salt_len - kl);
	rx->salt_len = (uint8_t)(k->key_salt_len - kl);
	rx->mki = k->mki;
	rx->mki_len = k->mki_len;
}

static void agree(struct sdp_neg *neg, const struct media_stream_params *p,
		  struct media_stream_params *out)
{
	media_stream_params_clear(&neg->cur);
	neg->cur = *p;
	neg->far_dir = neg->far_dir_pending;
	neg->agreed = true;
	*out = *p;
}

void sdp_neg_reopen_offer(struct sdp_neg *neg)
{
	if (neg->agreed && neg->last_offer_ours)
		neg->offer_pending = true;
}

int sdp_neg_answer_received(struct sdp_neg *neg, const char *body, size_t len,
			    struct media_stream_params *out, struct sdp_error *err)
{
	struct media_stream_params p = { 0 };
	const struct sdp_format *te;
	struct sdp_media *m;
	int rc;

	if (!neg->offer_pending) {
		sdp_set_error(err, 400, "SDP answer without an offer");
		return -EPROTO;
	}
	rc = sdp_parse(body, len, &neg->peer, err);
	if (rc < 0)
		return rc == -E2BIG ? -EPROTO : rc;
	neg->offer_pending = false;
	rc = -EPROTO;
	if (neg->peer.n_media != 1 || strcmp(neg->peer.media[0].media, "audio")) {
		sdp_set_error(err, 488, "answer does not match the offer's m= line");
		goto out;
	}
	m = &neg->peer.media[0];
	if (m->port == 0) {
		sdp_set_error(err, 488, "far end refused the audio stream");
		goto out;
	}
	for (unsigned int i = 0; i < m->n_formats && !p.codec; i++) {
		p.codec = codec_of(neg, &m->formats[i]);
		if (p.codec) {
			p.pt = m->formats[i].pt;
			p.rx_pt = offer_pt(p.codec);
			opus_params(&m->formats[i], &p);
		}
	}
	if (!p.codec) {
		sdp_set_error(err, 488, "answer has no codec the phone offered");
		goto out;
	}
	p.clock_rate = codecs[p.codec].clock;
	p.cn = neg->cfg.cn && sdp_has_cn(m);
	te = neg->cfg.tel_event ? tel_event_of(m) : NULL;
	p.tel_event_pt = te ? te->pt : MEDIA_PT_NONE;
	p.rx_tel_event_pt = te ? TEL_EVENT_PT : MEDIA_PT_NONE;
	p.tel_event_events = te ? tel_events(te) : 0;
	fill_transport(neg, m, neg->cfg.rtcp_mux && m->rtcp_mux, &p);

	if (neg->offer_srtp && m->n_crypto) {
		const struct sdp_crypto *c = &m->crypto[0];

		if (m->n_crypto != 1 || !c->usable || c->tag == 0 ||
		    c->tag > neg->offer_n_tags || neg->offer_tag_suite[c->tag] != c->suite) {
			sdp_set_error(err, 488, "answer's a=crypto is not one the phone offered");
			goto out;
		}
		p.srtp = true;
		p.suite = c->suite;
		p.tx = neg->keys[c->suite];
		set_rx_key(&p.rx, c);
	} else if (neg->cfg.srtp == SDP_SRTP_MANDATORY || m->proto == SDP_PROTO_RTP_SAVP ||
		   m->proto == SDP_PROTO_RTP_SAVPF) {
		sdp_set_error(err, 488, "far end answered without SRTP keys");
		goto out;
	}
	agree(neg, &p, out);
	rc = 0;
out:
	media_stream_params_clear(&p);
	sdp_clear(&neg->peer);
	return rc;
}

/*
 * The crypto line to answer with: index into m->crypto, -1 for plain RTP,
 * or -EPROTO with err set.
 */
static int choose_crypto(const struct sdp_neg *neg, const struct sdp_media *m,
			 struct sdp_error *err)
{
	bool savp = m->proto == SDP_PROTO_RTP_SAVP || m->proto == SDP_PROTO_RTP_SAVPF;
	int found = -1;

	if (neg->cfg.srtp == SDP_SRTP_OFF) {
		if (savp) {
			sdp_set_error(err, 488, "SRTP offered; the phone runs srtp=off");
			return -EPROTO;
		}
		if (m->encryption == SDP_ENCRYPTION_REQUIRED) {
			sdp_set_error(err, 488, "Encryption Levels not compatible");
			return -EPROTO;
		}
		return -1;
	}
	for (unsigned int i = 0; i < m->n_crypto && found < 0; i++)
		if (m->crypto[i].usable && have_suite(neg, m->crypto[i].suite))
			found = (int)i;
	if (found >= 0 && (savp || m->encryption != SDP_ENCRYPTION_REJECTED))
		return found;
	if (neg->cfg.srtp == SDP_SRTP_MANDATORY) {
		if (savp || m->n_crypto)
			sdp_set_error(err, 488, "no acceptable a=crypto line");
		else if (m->encryption != SDP_ENCRYPTION_UNSET)
			sdp_set_error(err, 488, "Encryption Levels not compatible");
		else
			sdp_set_error(err, 488, "plain RTP offered; the phone requires SRTP");
		return -EPROTO;
	}
	if (savp) {
		sdp_set_error(err, 488, "no acceptable a=crypto line");
		return -EPROTO;
	}
	if (m->encryption == SDP_ENCRYPTION_REQUIRED) {
		sdp_set_error(err, 488, "Encryption Levels not compatible");
		return -EPROTO;
	}
	return -1;
}

/* Picks the stream to answer in m; 0, or -EPROTO with err set. */
static int accept_media(struct sdp_neg *neg, const struct sdp_media *m,
			struct media_stream_params *p, int *crypto_idx,
			struct sdp_error *err)
{
	const struct sdp_format *te;
	int ci;

	memset(p, 0, sizeof(*p));
	if (m->proto == SDP_PROTO_OTHER) {
		sdp_set_error(err, 488, "audio transport is not RTP");
		return -EPROTO;
	}
	for (unsigned int i = 0; i < m->n_formats && !p->codec; i++) {
		p->codec = codec_of(neg, &m->formats[i]);
		p->pt = p->rx_pt = m->formats[i].pt;
		opus_params(&m->formats[i], p);
	}
	if (!p->codec) {
		sdp_set_error(err, 488, "no common codec");
		return -EPROTO;
	}
	ci = choose_crypto(neg, m, err);
	if (ci < -1)
		return ci;
	*crypto_idx = ci;
	p->clock_rate = codecs[p->codec].clock;
	p->cn = neg->cfg.cn && sdp_has_cn(m);
	te = neg->cfg.tel_event ? tel_event_of(m) : NULL;
	p->tel_event_pt = p->rx_tel_event_pt = te ? te->pt : MEDIA_PT_NONE;
	p->tel_event_events = te ? tel_events(te) : 0;
	fill_transport(neg, m, neg->cfg.rtcp_mux && m->rtcp_mux, p);
	return 0;
}

static void put_rejected(struct out *o, const struct sdp_media *m)
{
	put(o, "m=%s 0 %s %s\r\n", m->media, m->proto_name, m->first_fmt);
}

int sdp_neg_offer_received(struct sdp_neg *neg, const char *body, size_t len,
			   char *buf, size_t size, size_t *len_out,
			   struct media_stream_params *out, struct sdp_error *err)
{
	char rest_buf[SDP_OUT_MAX];
	struct out o = { rest_buf, sizeof(rest_buf), 0, false };
	struct media_stream_params p = { 0 };
	struct sdp_error first = { 0 };
	const struct sdp_media *m = NULL;
	const struct sdp_crypto *c = NULL;
	int ci = -1, rc, chosen = -1;

	rc = sdp_parse(body, len, &neg->peer, err);
	if (rc < 0)
		return rc;
	for (unsigned int i = 0; i < neg->peer.n_media && chosen < 0; i++) {
		struct sdp_error e = { 0 };

		m = &neg->peer.media[i];
		if (strcmp(m->media, "audio") || m->port == 0)
			continue;
		if (accept_media(neg, m, &p, &ci, &e) == 0) {
			chosen = (int)i;
		} else if (!first.status) {
			first = e;
		}
	}
	if (chosen < 0) {
		if (first.status)
			*err = first;
		else
			sdp_set_error(err, 488, "no audio stream offered");
		rc = -EPROTO;
		goto out;
	}
	m = &neg->peer.media[chosen];

	put_session(neg, &o);
	for (unsigned int i = 0; i < neg->peer.n_media; i++) {
		const struct sdp_media *mi = &neg->peer.media[i];

		if ((int)i != chosen) {
			put_rejected(&o, mi);
			continue;
		}
		put(&o, "m=audio %u %s %u", neg->cfg.rtp_port, mi->proto_name, p.pt);
		if (p.cn)
			put(&o, " %u", MEDIA_PT_CN);
		if (p.tel_event_pt != MEDIA_PT_NONE)
			put(&o, " %u", p.tel_event_pt);
		put(&o, "\r\n");
		put_format(neg, &o, p.pt, p.codec);
		if (p.cn)
			put(&o, "a=rtpmap:%u CN/8000\r\n", MEDIA_PT_CN);
		if (p.tel_event_pt != MEDIA_PT_NONE)
			put(&o, "a=rtpmap:%u telephone-event/8000\r\na=fmtp:%u 0-15\r\n",
			    p.tel_event_pt, p.tel_event_pt);
		put_audio_common(neg, &o, p.rtcp_mux);
		if (ci >= 0) {
			struct media_srtp_key *k;
			bool same_suite;

			c = &mi->crypto[ci];
			same_suite = neg->agreed && neg->cur.srtp && neg->cur.suite == c->suite;
			if (!same_suite)
				neg->keys[c->suite].key_len = 0;
			rc = own_key(neg, c->suite, &k);
			if (rc < 0) {
				sdp_set_error(err, 500, "no random bytes for SRTP keys");
				goto out;
			}
			/* Peers that send an MKI (OCS, Lync) expect one back. */
			k->mki_len = c->keys[0].mki_len;
			k->mki = c->keys[0].mki_len ? 1 : 0;
			p.srtp = true;
			p.suite = c->suite;
			p.tx = *k;
			set_rx_key(&p.rx, c);
			put_crypto(&o, c->tag, c->suite, k,
				   c->keys[0].has_lifetime ? c->keys[0].lifetime : 0);
		}
		put(&o, "a=%s\r\n", dir_attr(p.dir));
	}
	rc = finish(neg, &o, buf, size, len_out, err);
	if (rc < 0)
		goto out;
	neg->rekey = false;
	neg->offer_pending = false;
	neg->last_offer_ours = false;
	agree(neg, &p, out);
out:
	secret_zero(rest_buf, sizeof(rest_buf));
	media_stream_params_clear(&p);
	sdp_clear(&neg->peer);
	return rc;
}

int sdp_neg_current(const struct sdp_neg *neg, struct media_stream_params *out)
{
	if (!neg->agreed)
		return -ENOENT;
	*out = neg->cur;
	return 0;
}
