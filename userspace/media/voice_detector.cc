// SPDX-License-Identifier: GPL-2.0-only
/*
 * voice_detector.h over webrtc-audio-processing 0.3 (C++).
 */
#include <errno.h>
#include <string.h>
#include <new>

/* the library's headers have unused parameters in inline stubs */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>
#pragma GCC diagnostic pop

#include "media/voice_detector.h"

#define WARM_BLOCKS 100

struct voice_detector {
	webrtc::AudioProcessing *apm;
	webrtc::AudioFrame frame;
	unsigned int rate, block;
};

static void frame_setup(struct voice_detector *vd)
{
	vd->frame.sample_rate_hz_ = (int)vd->rate;
	vd->frame.samples_per_channel_ = vd->block;
	vd->frame.num_channels_ = 1;
	vd->frame.speech_type_ = webrtc::AudioFrame::kNormalSpeech;
	vd->frame.vad_activity_ = webrtc::AudioFrame::kVadUnknown;
}

extern "C" int voice_detector_new(unsigned int rate, struct voice_detector **out)
{
	struct voice_detector *vd;
	webrtc::Config config;
	webrtc::VoiceDetection *v;

	if (rate != 8000 && rate != 16000 && rate != 32000 && rate != 48000)
		return -EINVAL;
	vd = new (std::nothrow) voice_detector;
	if (!vd)
		return -ENOMEM;
	/* on by default in 0.3: it would drive an analog gain the phone lacks */
	config.Set<webrtc::ExperimentalAgc>(new webrtc::ExperimentalAgc(false));
	vd->apm = webrtc::AudioProcessing::Create(config);
	if (!vd->apm) {
		delete vd;
		return -ENOMEM;
	}
	v = vd->apm->voice_detection();
	/* moderate: a room's steady noise is not voice, a soft word is */
	if (v->set_likelihood(webrtc::VoiceDetection::kModerateLikelihood) ||
	    v->set_frame_size_ms(10) || v->Enable(true)) {
		delete vd->apm;
		delete vd;
		return -EINVAL;
	}
	vd->rate = rate;
	vd->block = rate / 100;
	for (int i = 0; i < WARM_BLOCKS; i++) {
		frame_setup(vd);
		memset(vd->frame.data_, 0, sizeof(int16_t) * vd->block);
		if (vd->apm->ProcessStream(&vd->frame)) {
			delete vd->apm;
			delete vd;
			return -EIO;
		}
	}
	*out = vd;
	return 0;
}

extern "C" void voice_detector_free(struct voice_detector *vd)
{
	if (!vd)
		return;
	delete vd->apm;
	delete vd;
}

extern "C" int voice_detector_block(struct voice_detector *vd, const int16_t *block)
{
	frame_setup(vd);
	memcpy(vd->frame.data_, block, sizeof(int16_t) * vd->block);
	if (vd->apm->ProcessStream(&vd->frame))
		return -EIO;
	return vd->apm->voice_detection()->stream_has_voice() ? 1 : 0;
}
