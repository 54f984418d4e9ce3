// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opus through libopus, mono at 48 kHz (RTP clock 48000, RFC 7587).
 *
 * Sending: 20 ms frames (OPUS_APPLICATION_VOIP); a 40 or 60 ms ptime packs
 * two or three of them into one packet with the repacketizer, so every
 * packet this phone sends can be cut back into 20 ms units. With the far
 * end's useinbandfec=1 the encoder adds in-band FEC, which libopus 1.3
 * only does with an expected loss above 0 % and at 20 kb/s or more: the
 * encoder runs at 24 kb/s and expects 10 % loss until the far end's RTCP
 * reports tell it better (loss_est.h, never under 5 % with FEC).
 * usedtx=1 turns DTX on (packets of 2 bytes or less are not sent, RFC
 * 7587 3.2); maxplaybackrate caps the encoded bandwidth.
 *
 * Receiving: packets of 20 ms frames (or 10 ms, two to a unit) are cut
 * into 20 ms units with the repacketizer; a lost unit is rebuilt from the
 * next unit's FEC data when it carries some, else concealed by the
 * decoder's own PLC. A single 40 or 60 ms SILK frame cannot be cut and is
 * refused as malformed.
 *
 * Encoder, decoder and repacketizer live in memory allocated at open
 * (opus_*_get_size + *_init): nothing allocates per frame.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <opus/opus.h>

#include "media/codec.h"
#include "media/loss_est.h"

#define OPUS_BITRATE_DEFAULT 24000

static void opus_close_(struct codec *c)
{
	free(c->opus.enc);
	free(c->opus.dec);
	free(c->opus.rp);
	c->opus.enc = c->opus.dec = c->opus.rp = NULL;
}

static int bandwidth_of(uint32_t rate)
{
	if (rate && rate <= 8000)
		return OPUS_BANDWIDTH_NARROWBAND;
	if (rate && rate <= 12000)
		return OPUS_BANDWIDTH_MEDIUMBAND;
	if (rate && rate <= 16000)
		return OPUS_BANDWIDTH_WIDEBAND;
	if (rate && rate <= 24000)
		return OPUS_BANDWIDTH_SUPERWIDEBAND;
	return OPUS_BANDWIDTH_FULLBAND;
}

static int opus_open_(struct codec *c)
{
	OpusEncoder *enc;
	OpusDecoder *dec;
	int bw = bandwidth_of(c->cfg.max_playback_rate);

	c->opus.enc = calloc(1, (size_t)opus_encoder_get_size(1));
	c->opus.dec = calloc(1, (size_t)opus_decoder_get_size(1));
	c->opus.rp = calloc(1, (size_t)opus_repacketizer_get_size());
	if (!c->opus.enc || !c->opus.dec || !c->opus.rp) {
		opus_close_(c);
		return -ENOMEM;
	}
	enc = c->opus.enc;
	dec = c->opus.dec;
	if (opus_encoder_init(enc, 48000, 1, OPUS_APPLICATION_VOIP) != OPUS_OK ||
	    opus_decoder_init(dec, 48000, 1) != OPUS_OK) {
		opus_close_(c);
		return -EINVAL;
	}
	opus_encoder_ctl(enc, OPUS_SET_BITRATE((opus_int32)(c->cfg.bitrate ?
							     c->cfg.bitrate :
							     OPUS_BITRATE_DEFAULT)));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(c->cfg.fec ? 1 : 0));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC((opus_int32)loss_est_initial(c->cfg.fec)));
	opus_encoder_ctl(enc, OPUS_SET_DTX(c->cfg.dtx ? 1 : 0));
	opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	/*
	 * Several frames go in one packet only with one TOC: a fixed
	 * bandwidth of at most wideband keeps the encoder in SILK mode.
	 */
	if (c->cfg.ptime_ms > CODEC_UNIT_MS)
		opus_encoder_ctl(enc, OPUS_SET_BANDWIDTH(bw > OPUS_BANDWIDTH_WIDEBAND ?
							 OPUS_BANDWIDTH_WIDEBAND : bw));
	else
		opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(bw));
	opus_repacketizer_init(c->opus.rp);
	return 0;
}

static int opus_enc(struct codec *c, const int16_t *pcm, unsigned int n, uint8_t *out,
		    size_t size)
{
	unsigned int frames = n / c->unit;
	uint8_t tmp[3][CODEC_PAYLOAD_MAX];
	opus_int32 len[3];
	unsigned int packed = 0;
	int total = 0;

	if (frames == 0 || frames > 3 || n % c->unit)
		return -EINVAL;
	for (unsigned int i = 0; i < frames; i++) {
		len[i] = opus_encode(c->opus.enc, pcm + i * c->unit, (int)c->unit, tmp[i],
				     sizeof(tmp[i]));
		if (len[i] < 0)
			return -EIO;
	}
	if (frames == 1) {
		/* DTX: 2 bytes or less is "nothing to send" (RFC 7587 3.2) */
		if (len[0] <= 2)
			return 0;
		if ((size_t)len[0] > size)
			return -ENOSPC;
		memcpy(out, tmp[0], (size_t)len[0]);
		return len[0];
	}
	opus_repacketizer_init(c->opus.rp);
	for (unsigned int i = 0; i < frames; i++) {
		/*
		 * A frame whose TOC differs (the encoder switched mode) ends
		 * the packet: the far end conceals the rest of its time.
		 */
		if (opus_repacketizer_cat(c->opus.rp, tmp[i], len[i]) != OPUS_OK)
			break;
		packed++;
	}
	if (packed)
		total = opus_repacketizer_out_range(c->opus.rp, 0, (int)packed, out,
						    (opus_int32)size);
	return total < 0 ? -ENOSPC : total;
}

/* Samples per frame and frames per 20 ms unit; false when not cuttable. */
static bool layout(const uint8_t *in, size_t len, int *nb, int *per_unit)
{
	int spf;

	const unsigned char *frames[48];
	opus_int16 sizes[48];

	/* the whole packet must parse (RFC 6716 3.4), not just its TOC */
	if (len < 1 || opus_packet_parse(in, (opus_int32)len, NULL, frames, sizes, NULL) <= 0)
		return false;
	*nb = opus_packet_get_nb_frames(in, (opus_int32)len);
	spf = opus_packet_get_samples_per_frame(in, 48000);
	if (*nb <= 0 || spf <= 0 || spf > 960 || 960 % spf)
		return false;
	*per_unit = 960 / spf;
	return *nb % *per_unit == 0;
}

static unsigned int opus_units(struct codec *c, const uint8_t *in, size_t len)
{
	int nb, per;

	(void)c;
	if (!layout(in, len, &nb, &per))
		return 0;
	return (unsigned int)(nb / per);
}

static int opus_unit(struct codec *c, const uint8_t *in, size_t len, unsigned int i,
		     uint8_t *out, size_t size)
{
	int nb, per;
	opus_int32 n;

	if (!layout(in, len, &nb, &per) || (int)(i + 1) * per > nb)
		return -EINVAL;
	if (nb == per) {
		if (len > size)
			return -ENOSPC;
		memcpy(out, in, len);
		return (int)len;
	}
	opus_repacketizer_init(c->opus.rp);
	if (opus_repacketizer_cat(c->opus.rp, in, (opus_int32)len) != OPUS_OK)
		return -EINVAL;
	n = opus_repacketizer_out_range(c->opus.rp, (int)i * per, (int)(i + 1) * per, out,
					(opus_int32)size);
	return n < 0 ? -EINVAL : n;
}

static int opus_dec(struct codec *c, const uint8_t *in, size_t len, int16_t *pcm)
{
	int n = opus_decode(c->opus.dec, in, (opus_int32)len, pcm, (int)c->unit, 0);

	return n == (int)c->unit ? 0 : -EINVAL;
}

/*
 * Whether a unit carries SILK LBRR (in-band FEC) data for the unit before
 * it: CELT-only packets never do; in SILK and hybrid ones the range coder's
 * first bits are one VAD flag per 20 ms SILK frame, then the LBRR flag
 * (RFC 6716 4.2.3), which the encoder writes with probability 1/2, so they
 * are plain bits of the first byte.
 */
static bool has_fec(const uint8_t *in, size_t len)
{
	const unsigned char *frames[48];
	opus_int16 sizes[48];
	int spf, silk_frames = 1;

	if (len < 2 || (in[0] & 0x80))
		return false;
	spf = opus_packet_get_samples_per_frame(in, 48000);
	if (spf > 960)
		silk_frames = spf / 960;
	if (opus_packet_parse(in, (opus_int32)len, NULL, frames, sizes, NULL) <= 0 ||
	    sizes[0] < 1)
		return false;
	return (frames[0][0] >> (7 - silk_frames)) & 1;
}

static int opus_conceal(struct codec *c, const uint8_t *next, size_t next_len, int16_t *pcm)
{
	if (next && has_fec(next, next_len) &&
	    opus_decode(c->opus.dec, next, (opus_int32)next_len, pcm, (int)c->unit, 1) ==
	    (int)c->unit)
		return 1;
	if (opus_decode(c->opus.dec, NULL, 0, pcm, (int)c->unit, 0) != (int)c->unit)
		memset(pcm, 0, sizeof(int16_t) * c->unit);
	return 0;
}

static void opus_expected_loss(struct codec *c, unsigned int percent)
{
	opus_encoder_ctl((OpusEncoder *)c->opus.enc, OPUS_SET_PACKET_LOSS_PERC((opus_int32)percent));
}

const struct codec_ops codec_opus_ops = {
	.open = opus_open_,
	.close = opus_close_,
	.encode = opus_enc,
	.units = opus_units,
	.unit = opus_unit,
	.decode = opus_dec,
	.conceal = opus_conceal,
	.expected_loss = opus_expected_loss,
};
