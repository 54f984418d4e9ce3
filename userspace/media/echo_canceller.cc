// SPDX-License-Identifier: GPL-2.0-only
/*
 * echo_canceller.h over webrtc-audio-processing 0.3 (C++): one
 * AudioProcessing object and two preset AudioFrames per canceller.
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

#include "media/echo_canceller.h"

#define WARM_BLOCKS 200

struct echo_canceller {
	webrtc::AudioProcessing *apm;
	webrtc::AudioFrame far;
	webrtc::AudioFrame near;
	unsigned int block;
};

static void frame_setup(webrtc::AudioFrame *f, unsigned int rate)
{
	f->sample_rate_hz_ = (int)rate;
	f->samples_per_channel_ = rate / 100;
	f->num_channels_ = 1;
	f->speech_type_ = webrtc::AudioFrame::kNormalSpeech;
	f->vad_activity_ = webrtc::AudioFrame::kVadUnknown;
}

static int configure(webrtc::AudioProcessing *apm)
{
	webrtc::EchoCancellation *aec = apm->echo_cancellation();
	webrtc::NoiseSuppression *ns = apm->noise_suppression();
	webrtc::GainControl *agc = apm->gain_control();

	/* the card's two clocks are one crystal: no drift to compensate */
	if (aec->enable_drift_compensation(false) ||
	    aec->set_suppression_level(webrtc::EchoCancellation::kHighSuppression) ||
	    aec->Enable(true) ||
	    ns->set_level(webrtc::NoiseSuppression::kModerate) || ns->Enable(true) ||
	    agc->set_mode(webrtc::GainControl::kAdaptiveDigital) ||
	    agc->set_target_level_dbfs(6) || agc->set_compression_gain_db(9) ||
	    agc->enable_limiter(true) || agc->Enable(true))
		return -EINVAL;
	return 0;
}

extern "C" int echo_canceller_new(unsigned int rate, struct echo_canceller **out)
{
	struct echo_canceller *ec;
	webrtc::Config config;

	if (rate != 8000 && rate != 16000 && rate != 32000 && rate != 48000)
		return -EINVAL;
	ec = new (std::nothrow) echo_canceller;
	if (!ec)
		return -ENOMEM;
	config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
	config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
	/* on by default in 0.3: it drives an analog mic gain the phone does not have */
	config.Set<webrtc::ExperimentalAgc>(new webrtc::ExperimentalAgc(false));
	ec->apm = webrtc::AudioProcessing::Create(config);
	if (!ec->apm) {
		delete ec;
		return -ENOMEM;
	}
	if (configure(ec->apm) < 0) {
		delete ec->apm;
		delete ec;
		return -EINVAL;
	}
	ec->block = rate / 100;
	frame_setup(&ec->far, rate);
	frame_setup(&ec->near, rate);
	/*
	 * The library takes its formats from the first capture block: until
	 * one went through, a far block is refused (-7, bad rate). It also
	 * allocates during its first blocks (buffers of the delay estimator
	 * and the filters): WARM_BLOCKS of silence both ways here, on the main
	 * loop, so the media thread's blocks allocate nothing.
	 */
	for (int i = 0; i < WARM_BLOCKS; i++) {
		if (ec->apm->set_stream_delay_ms(0) || ec->apm->ProcessStream(&ec->near) ||
		    ec->apm->ProcessReverseStream(&ec->far)) {
			delete ec->apm;
			delete ec;
			return -EIO;
		}
		frame_setup(&ec->near, rate);
		frame_setup(&ec->far, rate);
		memset(ec->near.data_, 0, sizeof(int16_t) * ec->block);
		memset(ec->far.data_, 0, sizeof(int16_t) * ec->block);
	}
	*out = ec;
	return 0;
}

extern "C" void echo_canceller_free(struct echo_canceller *ec)
{
	if (!ec)
		return;
	delete ec->apm;
	delete ec;
}

extern "C" unsigned int echo_canceller_block(const struct echo_canceller *ec)
{
	return ec->block;
}

extern "C" int echo_canceller_far(struct echo_canceller *ec, const int16_t *far)
{
	memcpy(ec->far.data_, far, sizeof(int16_t) * ec->block);
	return ec->apm->ProcessReverseStream(&ec->far) ? -EIO : 0;
}

extern "C" int echo_canceller_near(struct echo_canceller *ec, int16_t *near, int delay_ms)
{
	if (delay_ms < 0 || delay_ms > 500)
		return -EINVAL;
	memcpy(ec->near.data_, near, sizeof(int16_t) * ec->block);
	/* the 0.3 library refuses a capture block without the delay set first */
	if (ec->apm->set_stream_delay_ms(delay_ms))
		return -EIO;
	if (ec->apm->ProcessStream(&ec->near))
		return -EIO;
	memcpy(near, ec->near.data_, sizeof(int16_t) * ec->block);
	return 0;
}
