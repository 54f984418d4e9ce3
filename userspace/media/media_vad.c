// SPDX-License-Identifier: GPL-2.0-only
/*
 * Voice activity on the microphone; see media_vad.h.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>

#include "media/media_vad.h"

int media_vad_new(struct media_vad *v, unsigned int rate)
{
	memset(v, 0, sizeof(*v));
	v->frame = rate / 50;
	v->level_dbov = v->floor_dbov = -127.0f;
	for (unsigned int i = 0; i < VAD_FLOOR_FRAMES; i++)
		v->levels[i] = -127.0f;
	/* spandsp's dBov: power_meter_level_dbov(0) is a 0 dBov mean square */
	v->ref_power = (double)power_meter_level_dbov(0.0f);
	return voice_detector_new(rate, &v->vd);
}

void media_vad_free(struct media_vad *v)
{
	voice_detector_free(v->vd);
	v->vd = NULL;
}

void media_vad_frame(struct media_vad *v, const int16_t *cap)
{
	unsigned int block = v->frame / 2;
	double sq = 0;
	bool speech, voice;
	float fl;

	if (!v->vd)
		return;
	for (unsigned int i = 0; i < v->frame; i++)
		sq += (double)cap[i] * cap[i];
	sq /= v->frame;
	v->level_dbov = sq > 0 ? (float)(10.0 * log10(sq / v->ref_power)) : -127.0f;
	v->levels[v->at] = v->level_dbov;
	v->at = (v->at + 1) % VAD_FLOOR_FRAMES;
	fl = v->levels[0];
	for (unsigned int i = 1; i < VAD_FLOOR_FRAMES; i++)
		if (v->levels[i] < fl)
			fl = v->levels[i];
	v->floor_dbov = fl;
	/* both blocks run, so the detector's model follows every block */
	voice = voice_detector_block(v->vd, cap) == 1;
	voice = (voice_detector_block(v->vd, cap + block) == 1) || voice;
	speech = v->level_dbov > fl + VAD_SPEECH_DB ||
		 (voice && v->level_dbov > fl + VAD_SOFT_DB) ||
		 v->level_dbov > VAD_LOUD_DBOV;
	if (speech)
		v->hang = VAD_HANGOVER_FRAMES;
	else if (v->hang)
		v->hang--;
	v->speech = speech || v->hang > 0;
}
