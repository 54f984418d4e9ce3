/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Voice activity detection by webrtc-audio-processing 0.3 (its WebRTC VAD,
 * a Gaussian-mixture model over sub-band energies) behind a C interface:
 * an AudioProcessing object with only voice detection on, fed 10 ms
 * blocks at 8, 16, 32 or 48 kHz. voice_detector_new() allocates and warms
 * the library up (it allocates during its first blocks);
 * voice_detector_block() does not allocate.
 */
#ifndef UCPHONE_VOICE_DETECTOR_H
#define UCPHONE_VOICE_DETECTOR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct voice_detector;

/* rate: 8000, 16000, 32000 or 48000. 0 or -errno. */
int voice_detector_new(unsigned int rate, struct voice_detector **out);
void voice_detector_free(struct voice_detector *vd);
/* One 10 ms block (rate / 100 samples): 1 voice, 0 none, -EIO. */
int voice_detector_block(struct voice_detector *vd, const int16_t *block);

#ifdef __cplusplus
}
#endif

#endif /* UCPHONE_VOICE_DETECTOR_H */
