// SPDX-License-Identifier: GPL-2.0-only
/*
 * The saved volumes (userspace/daemon/device/volume_file.c): written
 * through the atomic-write helper into a state directory and read back as
 * a restarted daemon reads them; lines it does not understand change
 * nothing else; no file: nothing kept.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/volume_file.h"
#include "kselftest_harness.h"

FIXTURE(dir) {
	char path[64];
	int fd;
};

FIXTURE_SETUP(dir)
{
	snprintf(self->path, sizeof(self->path), "/tmp/ucphone-volume.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->path));
	self->fd = open(self->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dir)
{
	unlinkat(self->fd, VOLUME_FILE, 0);
	close(self->fd);
	rmdir(self->path);
}

static void put(int dirfd, const char *text)
{
	int fd = openat(dirfd, VOLUME_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
}

TEST_F(dir, saved_then_read_back_after_a_restart)
{
	int saved[AUDIO_VOLUME_SLOTS] = { 620, 403, 881, 170 };
	int got[AUDIO_VOLUME_SLOTS];
	char text[256] = "";
	ssize_t n;
	int fd;

	ASSERT_EQ(0, volume_file_save(self->fd, saved));
	fd = openat(self->fd, VOLUME_FILE, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	ASSERT_LT(0, n);
	EXPECT_STREQ("Handset=62.0\nHeadset=40.3\nSpeakerphone=88.1\nRinger=17.0\n", text);
	/* no temporary left beside it */
	EXPECT_GT(0, faccessat(self->fd, VOLUME_FILE ".tmp", F_OK, 0));
	ASSERT_EQ(0, volume_file_load(self->fd, got));
	EXPECT_EQ(0, memcmp(saved, got, sizeof(got)));
	/* saved again with one change: the file replaced whole */
	saved[AUDIO_VOLUME_RINGER] = 1000;
	ASSERT_EQ(0, volume_file_save(self->fd, saved));
	ASSERT_EQ(0, volume_file_load(self->fd, got));
	EXPECT_EQ(1000, got[AUDIO_VOLUME_RINGER]);
	EXPECT_EQ(620, got[AUDIO_ROUTE_HANDSET]);
}

TEST_F(dir, no_file_keeps_nothing)
{
	int got[AUDIO_VOLUME_SLOTS] = { 1, 2, 3, 4 };

	ASSERT_EQ(0, volume_file_load(self->fd, got));
	for (int r = 0; r < AUDIO_VOLUME_SLOTS; r++)
		EXPECT_EQ(-1, got[r]);
}

TEST_F(dir, bad_lines_change_nothing_else)
{
	int got[AUDIO_VOLUME_SLOTS];

	/* an older file (whole percents, no ringer), out-of-range and junk lines */
	put(self->fd, "Handset=50\nHeadset=100.5\nSpeakerphone=7.25\nLoud=30\n=5\nRinger\n"
		      "Ringer=-1\nRinger=99999999999999999999999\nRinger=.5\n");
	ASSERT_EQ(0, volume_file_load(self->fd, got));
	EXPECT_EQ(500, got[AUDIO_ROUTE_HANDSET]);
	EXPECT_EQ(-1, got[AUDIO_ROUTE_HEADSET]);
	EXPECT_EQ(-1, got[AUDIO_ROUTE_SPEAKERPHONE]);
	EXPECT_EQ(-1, got[AUDIO_VOLUME_RINGER]);
	/* a file far too long: only its start is read, no overflow */
	{
		char big[4096];

		memset(big, 'A', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big, "Ringer=33\n", 10);
		put(self->fd, big);
	}
	ASSERT_EQ(0, volume_file_load(self->fd, got));
	EXPECT_EQ(330, got[AUDIO_VOLUME_RINGER]);
}

TEST(format_skips_unkept_and_refuses_a_short_buffer)
{
	int pct[AUDIO_VOLUME_SLOTS] = { -1, 705, -1, 1001 };
	char buf[64];

	EXPECT_EQ(strlen("Headset=70.5\n"), volume_file_format(pct, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "Headset=70.5\n", 13));
	EXPECT_EQ(0, volume_file_format(pct, buf, 5));
}

TEST_HARNESS_MAIN
