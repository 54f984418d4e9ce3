// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: SDP bodies from the far end (lib/sdp). Each input is
 * parsed, answered as an offer, and taken as the answer to the phone's own
 * offer (Opus with its fmtp, G.722, G.711 and CN offered). Invariants: every refusal carries 400 or 488 and a printable
 * reason, every agreement names a codec and consistent key lengths, and
 * the phone's own answer is SDP it parses itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/sdp/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sdp parsed, again;

static void check_err(const struct sdp_error *err)
{
	if (err->status != 400 && err->status != 488)
		__builtin_trap();
	for (const char *c = err->reason; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			__builtin_trap();
}

static void check_params(const struct media_stream_params *p)
{
	if (p->codec <= MEDIA_CODEC_NONE || p->codec > MEDIA_CODEC_MAX)
		__builtin_trap();
	if (p->opus_max_playback_rate && (p->opus_max_playback_rate < 8000 ||
					  p->opus_max_playback_rate > 48000))
		__builtin_trap();
	if (p->codec != MEDIA_CODEC_OPUS && (p->opus_fec || p->opus_dtx))
		__builtin_trap();
	if (p->srtp && (p->tx.key_len != sdp_suite_key_len(p->suite) ||
			p->rx.key_len != sdp_suite_key_len(p->suite) ||
			p->rx.salt_len != sdp_suite_salt_len(p->suite)))
		__builtin_trap();
}

static void config(struct sdp_config *cfg, enum sdp_srtp_policy policy)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&cfg->local;

	memset(cfg, 0, sizeof(*cfg));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x0a4d0064);
	cfg->rtp_port = 20000;
	cfg->rtcp_port = 20001;
	cfg->srtp = policy;
	cfg->suites = 0x3e;
	/* the phone's default offer order, Opus fmtp and CN included */
	if (sdp_codec_list_parse(SDP_CODECS_DEFAULT, cfg->codecs, &cfg->n_codecs) < 0)
		__builtin_trap();
	cfg->tel_event = true;
	cfg->rtcp_mux = true;
	cfg->cn = true;
	cfg->opus_max_playback_rate = 8000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_error err;
	struct sdp_neg *neg;
	char out[SDP_OUT_MAX];
	size_t len;
	int rc;

	rc = sdp_parse(body, size, &parsed, &err);
	if (rc < 0)
		check_err(&err);
	else if (parsed.n_media > SDP_MEDIA_MAX)
		__builtin_trap();
	sdp_clear(&parsed);

	config(&cfg, size & 1 ? SDP_SRTP_OPTIONAL : SDP_SRTP_MANDATORY);
	if (sdp_neg_new(&neg, &cfg) < 0)
		return 0;
	rc = sdp_neg_offer_received(neg, body, size, out, sizeof(out), &len, &p, &err);
	if (rc < 0) {
		check_err(&err);
	} else {
		check_params(&p);
		if (len != strlen(out) || sdp_parse(out, len, &again, &err) < 0)
			__builtin_trap();
		sdp_clear(&again);
		media_stream_params_clear(&p);
	}
	if (sdp_neg_offer(neg, out, sizeof(out), &len, &err) == 0) {
		rc = sdp_neg_answer_received(neg, body, size, &p, &err);
		if (rc < 0)
			check_err(&err);
		else
			check_params(&p);
		media_stream_params_clear(&p);
	}
	sdp_neg_free(neg);
	return 0;
}
