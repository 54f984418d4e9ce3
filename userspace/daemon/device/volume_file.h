/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The volumes the phone keeps across a restart and a power cut: file
 * "volume" in the state directory, one "Name=NN.N" line per volume slot
 * (Handset, Headset, Speakerphone, Ringer; NN.N in percent of the card's
 * range, to a tenth so that the control's value comes back exactly),
 * replaced whole through atomic_file_write(). Values are held in tenths
 * of a percent (0-1000). Reading takes the lines it understands ("NN" as
 * older files have them too): a slot with no line, an unknown name, or a
 * value that is not 0-100 with at most one decimal stays -1 ("none kept").
 */
#ifndef UCPHONED_DEVICE_VOLUME_FILE_H
#define UCPHONED_DEVICE_VOLUME_FILE_H

#include <stddef.h>

#include "device/audio_mode.h"

#define VOLUME_FILE "volume"

/* The file's text for pm[] into buf: its length, or 0 when it did not fit. */
size_t volume_file_format(const int pm[AUDIO_VOLUME_SLOTS], char *buf, size_t cap);
/* Every slot of pm[] from text (-1 for those it has no valid line for). */
void volume_file_parse(const char *text, size_t len, int pm[AUDIO_VOLUME_SLOTS]);
/* Saves pm[] in dirfd: 0 or -errno (the old file kept). */
int volume_file_save(int dirfd, const int pm[AUDIO_VOLUME_SLOTS]);
/* Loads pm[] from dirfd (all -1 without a file): 0, or -errno other than ENOENT. */
int volume_file_load(int dirfd, int pm[AUDIO_VOLUME_SLOTS]);

#endif /* UCPHONED_DEVICE_VOLUME_FILE_H */
