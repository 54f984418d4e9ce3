// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/volume_file.h"
#include "lib/util/atomic_file.h"

/* Longer than any valid file: more is not ours. */
#define VOLUME_FILE_MAX 256

size_t volume_file_format(const int pm[AUDIO_VOLUME_SLOTS], char *buf, size_t cap)
{
	size_t len = 0;

	for (unsigned int r = 0; r < AUDIO_VOLUME_SLOTS; r++) {
		int n;

		if (pm[r] < 0 || pm[r] > 1000)
			continue;
		n = snprintf(buf + len, cap - len, "%s=%d.%d\n", audio_volume_name(r),
			     pm[r] / 10, pm[r] % 10);
		if (n < 0 || (size_t)n >= cap - len)
			return 0;
		len += (size_t)n;
	}
	return len;
}

void volume_file_parse(const char *text, size_t len, int pm[AUDIO_VOLUME_SLOTS])
{
	char buf[VOLUME_FILE_MAX], *save = NULL;

	for (unsigned int r = 0; r < AUDIO_VOLUME_SLOTS; r++)
		pm[r] = -1;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '='), *end;
		long v;

		if (!eq || eq[1] < '0' || eq[1] > '9')
			continue;
		*eq = '\0';
		v = strtol(eq + 1, &end, 10);
		if (v > 100)
			continue;
		v *= 10;
		if (end[0] == '.' && end[1] >= '0' && end[1] <= '9') {
			v += end[1] - '0';
			end += 2;
		}
		if (*end || v < 0 || v > 1000)
			continue;
		for (unsigned int r = 0; r < AUDIO_VOLUME_SLOTS; r++)
			if (!strcmp(l, audio_volume_name(r)))
				pm[r] = (int)v;
	}
}

int volume_file_save(int dirfd, const int pm[AUDIO_VOLUME_SLOTS])
{
	char buf[VOLUME_FILE_MAX];
	size_t len = volume_file_format(pm, buf, sizeof(buf));

	if (!len)
		return -EINVAL;
	return atomic_file_write(dirfd, VOLUME_FILE, buf, len, NULL);
}

int volume_file_load(int dirfd, int pm[AUDIO_VOLUME_SLOTS])
{
	char buf[VOLUME_FILE_MAX];
	ssize_t n;
	int fd, err;

	volume_file_parse("", 0, pm);
	fd = openat(dirfd, VOLUME_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf));
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	volume_file_parse(buf, (size_t)n, pm);
	return 0;
}
