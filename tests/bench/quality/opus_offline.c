// SPDX-License-Identifier: GPL-2.0-only
/*
 * opus_offline IN.raw OUT.raw voip|audio BITRATE LOSS_PCT wb|fb linear|speex:
 * what an Opus encoder setting and the microphone's 8 -> 16 kHz step alone
 * do to speech, without a network or a call. IN is S16_LE mono 8 kHz
 * (quality.sh's espeak-ng speech); it goes the way the phone's microphone
 * goes in the quality bench (8 -> 16 kHz by linear interpolation, as
 * alsa-lib's plug does for the test card, or by speexdsp; 16 -> 48 kHz by
 * speexdsp at VOIP quality, as the media engine does), is
 * encoded in 20 ms frames with the given application, bitrate, expected
 * loss (in-band FEC on when above 0) and bandwidth cap, decoded by libopus
 * and taken back to 8 kHz; OUT is what qmeter compares with IN. The phone
 * sends "voip 24000 10 wb" at a 16 kHz card (codec_opus.c); baresip's
 * default is closer to "audio 64000 0 fb".
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <opus/opus.h>
#include <speex/speex_resampler.h>

int main(int argc, char **argv)
{
	int16_t in8[160], in16[320], in48[960], out48[960], out8[160], last = 0;
	SpeexResamplerState *up8, *up, *down;
	OpusEncoder *enc;
	OpusDecoder *dec;
	unsigned char pkt[1500];
	int app, bitrate, loss, err;
	FILE *in, *out;

	bool linear;

	if (argc != 8) {
		fprintf(stderr, "usage: opus_offline IN.raw OUT.raw voip|audio BITRATE LOSS_PCT wb|fb linear|speex\n");
		return 2;
	}
	app = strcmp(argv[3], "voip") ? OPUS_APPLICATION_AUDIO : OPUS_APPLICATION_VOIP;
	bitrate = atoi(argv[4]);
	loss = atoi(argv[5]);
	linear = !strcmp(argv[7], "linear");
	in = fopen(argv[1], "rb");
	out = fopen(argv[2], "wb");
	enc = opus_encoder_create(48000, 1, app, &err);
	dec = opus_decoder_create(48000, 1, &err);
	up8 = speex_resampler_init(1, 8000, 16000, SPEEX_RESAMPLER_QUALITY_VOIP, &err);
	up = speex_resampler_init(1, 16000, 48000, SPEEX_RESAMPLER_QUALITY_VOIP, &err);
	down = speex_resampler_init(1, 48000, 8000, SPEEX_RESAMPLER_QUALITY_VOIP, &err);
	if (!in || !out || !enc || !dec || !up8 || !up || !down) {
		fprintf(stderr, "opus_offline: cannot open the files or the codec\n");
		return 1;
	}
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
	opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(loss > 0));
	opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(loss));
	if (app == OPUS_APPLICATION_VOIP)
		opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	opus_encoder_ctl(enc, OPUS_SET_MAX_BANDWIDTH(strcmp(argv[6], "fb") ?
						     OPUS_BANDWIDTH_WIDEBAND :
						     OPUS_BANDWIDTH_FULLBAND));
	while (fread(in8, sizeof(in8[0]), 160, in) == 160) {
		spx_uint32_t n_in8 = 160, n_out16 = 320, n_in = 320, n_out = 960;
		int len;

		for (int i = 0; linear && i < 160; i++) {
			in16[2 * i] = (int16_t)((last + in8[i]) / 2);
			in16[2 * i + 1] = in8[i];
			last = in8[i];
		}
		if (!linear)
			speex_resampler_process_int(up8, 0, in8, &n_in8, in16, &n_out16);
		speex_resampler_process_int(up, 0, in16, &n_in, in48, &n_out);
		len = opus_encode(enc, in48, 960, pkt, sizeof(pkt));
		if (len < 0 || opus_decode(dec, pkt, len, out48, 960, 0) != 960)
			return 1;
		n_in = 960;
		n_out = 160;
		speex_resampler_process_int(down, 0, out48, &n_in, out8, &n_out);
		if (fwrite(out8, sizeof(out8[0]), n_out, out) != n_out)
			return 1;
	}
	opus_encoder_destroy(enc);
	opus_decoder_destroy(dec);
	speex_resampler_destroy(up8);
	speex_resampler_destroy(up);
	speex_resampler_destroy(down);
	fclose(in);
	return fclose(out) ? 1 : 0;
}
