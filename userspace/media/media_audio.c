// SPDX-License-Identifier: GPL-2.0-only
/*
 * ALSA capture and playback for the media thread; see media_audio.h.
 */
#include <errno.h>
#include <string.h>

#include "media/media_audio.h"

#define PERIODS 4		/* buffer of 80 ms */
#define PRIME_FRAMES 2		/* 40 ms of silence queued at start */

static const int16_t silence[MEDIA_FRAME_MAX];

bool media_audio_rate_ok(unsigned int rate)
{
	return rate == 8000 || rate == 16000 || rate == 32000 || rate == 48000;
}

static int configure(snd_pcm_t *pcm, unsigned int want, unsigned int frame)
{
	snd_pcm_hw_params_t *hw;
	snd_pcm_sw_params_t *sw;
	snd_pcm_uframes_t period = frame, buffer = frame * PERIODS;
	unsigned int rate = want;
	int rc;

	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_sw_params_alloca(&sw);
	if ((rc = snd_pcm_hw_params_any(pcm, hw)) < 0 ||
	    (rc = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0 ||
	    (rc = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE)) < 0 ||
	    (rc = snd_pcm_hw_params_set_channels(pcm, hw, 1)) < 0 ||
	    (rc = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, NULL)) < 0 ||
	    (rc = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, NULL)) < 0 ||
	    (rc = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)) < 0 ||
	    (rc = snd_pcm_hw_params(pcm, hw)) < 0)
		return rc;
	if (rate != want)
		return -EINVAL;
	if ((rc = snd_pcm_sw_params_current(pcm, sw)) < 0 ||
	    (rc = snd_pcm_sw_params_set_avail_min(pcm, sw, frame)) < 0 ||
	    /* started explicitly by media_audio_start() */
	    (rc = snd_pcm_sw_params_set_start_threshold(pcm, sw,
			buffer * 2)) < 0 ||
	    (rc = snd_pcm_sw_params(pcm, sw)) < 0)
		return rc;
	return 0;
}

int media_audio_open(struct media_audio *a, const char *playback, const char *capture,
		     unsigned int rate)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (!media_audio_rate_ok(rate))
		return -EINVAL;
	a->rate = rate;
	a->frame = rate / 50;
	rc = snd_pcm_open(&a->play, playback, SND_PCM_STREAM_PLAYBACK, 0);
	if (rc < 0)
		goto fail;
	rc = snd_pcm_open(&a->cap, capture, SND_PCM_STREAM_CAPTURE, 0);
	if (rc < 0)
		goto fail;
	rc = configure(a->play, a->rate, a->frame);
	if (rc < 0)
		goto fail;
	rc = configure(a->cap, a->rate, a->frame);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	media_audio_close(a);
	return rc;
}

void media_audio_close(struct media_audio *a)
{
	if (a->play)
		snd_pcm_close(a->play);
	if (a->cap)
		snd_pcm_close(a->cap);
	a->play = NULL;
	a->cap = NULL;
}

int media_audio_start(struct media_audio *a)
{
	int rc;

	if (a->running)
		return 0;
	if ((rc = snd_pcm_prepare(a->play)) < 0 || (rc = snd_pcm_prepare(a->cap)) < 0)
		return rc;
	for (int i = 0; i < PRIME_FRAMES; i++)
		if ((rc = (int)snd_pcm_writei(a->play, silence, a->frame)) < 0)
			return rc;
	if ((rc = snd_pcm_start(a->play)) < 0 || (rc = snd_pcm_start(a->cap)) < 0)
		return rc;
	a->running = true;
	return 0;
}

void media_audio_stop(struct media_audio *a)
{
	if (!a->running)
		return;
	snd_pcm_drop(a->play);
	snd_pcm_drop(a->cap);
	a->running = false;
}

int media_audio_read(struct media_audio *a, int16_t *frame)
{
	snd_pcm_uframes_t got = 0;

	while (got < a->frame) {
		snd_pcm_sframes_t n = snd_pcm_readi(a->cap, frame + got, a->frame - got);

		if (n == -EPIPE || n == -ESTRPIPE) {
			a->xruns++;
			if ((n = snd_pcm_recover(a->cap, (int)n, 1)) < 0 ||
			    (n = snd_pcm_start(a->cap)) < 0)
				return (int)n;
			continue;
		}
		if (n == -EINTR || n == -EAGAIN)
			continue;
		if (n < 0)
			return (int)n;
		got += (snd_pcm_uframes_t)n;
	}
	return 0;
}

int media_audio_write(struct media_audio *a, const int16_t *frame)
{
	snd_pcm_uframes_t done = 0;

	while (done < a->frame) {
		snd_pcm_sframes_t n = snd_pcm_writei(a->play, frame + done, a->frame - done);

		if (n == -EPIPE || n == -ESTRPIPE) {
			a->xruns++;
			if ((n = snd_pcm_recover(a->play, (int)n, 1)) < 0)
				return (int)n;
			/* re-prime so the next period does not underrun at once */
			if ((n = snd_pcm_writei(a->play, silence, a->frame)) < 0 ||
			    (n = snd_pcm_start(a->play)) < 0)
				return (int)n;
			continue;
		}
		if (n == -EINTR || n == -EAGAIN)
			continue;
		if (n < 0)
			return (int)n;
		done += (snd_pcm_uframes_t)n;
	}
	return 0;
}

void media_audio_delay(struct media_audio *a, long *play, long *cap)
{
	snd_pcm_sframes_t d;

	*play = *cap = 0;
	if (!a->running)
		return;
	if (snd_pcm_delay(a->play, &d) == 0 && d > 0)
		*play = d;
	if (snd_pcm_delay(a->cap, &d) == 0 && d > 0)
		*cap = d;
}
