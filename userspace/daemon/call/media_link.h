/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The call manager's media side on the real thing: SDP offer/answer with
 * SDES keys (lib/sdp) and the real-time media engine (media/media.h), as
 * struct call_media_ops. One media_link per phone (it owns the engine);
 * one stream per call (an RTP socket pair and its negotiation state).
 */
#ifndef UCPHONED_CALL_MEDIA_LINK_H
#define UCPHONED_CALL_MEDIA_LINK_H

#include <sys/socket.h>

#include "call/call.h"
#include "core/log.h"
#include "media/media.h"
#include "lib/sdp/sdp.h"

struct media_link_config {
	struct media_engine_config engine;
	enum sdp_srtp_policy srtp;
	enum media_codec codecs[MEDIA_CODEC_MAX];	/* offer order */
	unsigned int n_codecs;
};

struct media_link;

int media_link_new(const struct media_link_config *cfg, const struct log *log,
		   struct media_link **out);
void media_link_free(struct media_link *ml);
/* The address SDP offers (the phone's end of the SIP flow). */
void media_link_set_local(struct media_link *ml,
			  const struct sockaddr_storage *local);
struct media_engine *media_link_engine(struct media_link *ml);

extern const struct call_media_ops media_link_ops;

#endif /* UCPHONED_CALL_MEDIA_LINK_H */
