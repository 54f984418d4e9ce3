/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The volumes the phone keeps across a restart and a power cut: file
 * "volume" in the state directory, one "Name=NN" line per volume slot
 * (Handset, Headset, Speakerphone, Ringer; NN in percent of the card's
 * range), replaced whole through atomic_file_write(). Reading takes the
 * lines it understands: a slot with no line, an unknown name, or a value
 * that is not 0-100 stays -1 ("none kept").
 */
#ifndef UCPHONED_DEVICE_VOLUME_FILE_H
#define UCPHONED_DEVICE_VOLUME_FILE_H

#include <stddef.h>

#include "device/audio_mode.h"

#define VOLUME_FILE "volume"

/* The file's text for pct[] into buf: its length, or 0 when it did not fit. */
size_t volume_file_format(const int pct[AUDIO_VOLUME_SLOTS], char *buf, size_t cap);
/* Every slot of pct[] from text (-1 for those it has no valid line for). */
void volume_file_parse(const char *text, size_t len, int pct[AUDIO_VOLUME_SLOTS]);
/* Saves pct[] in dirfd: 0 or -errno (the old file kept). */
int volume_file_save(int dirfd, const int pct[AUDIO_VOLUME_SLOTS]);
/* Loads pct[] from dirfd (all -1 without a file): 0, or -errno other than ENOENT. */
int volume_file_load(int dirfd, int pct[AUDIO_VOLUME_SLOTS]);

#endif /* UCPHONED_DEVICE_VOLUME_FILE_H */
