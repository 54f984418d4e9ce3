// SPDX-License-Identifier: GPL-2.0-only
/*
 * The watchdog petted from the loop (daemon/device/watchdog.c): a file
 * stands in for /dev/watchdog (the keepalive ioctl is unknown there, so
 * each pet is one byte written). It is petted at once and then every
 * interval while the loop runs, never with the magic 'V' that would
 * disarm a real watchdog on close, and not at all once freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "core/log.h"
#include "device/watchdog.h"

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

static void run_for(sd_event *e, uint64_t usec)
{
	uint64_t start = 0, now = 0;

	sd_event_now(e, CLOCK_MONOTONIC, &start);
	do {
		sd_event_run(e, 10000);
		sd_event_now(e, CLOCK_MONOTONIC, &now);
	} while (now - start < usec);
}

TEST(pets_from_the_loop_never_disarms)
{
	char path[] = "/tmp/ucphone-watchdog-XXXXXX";
	struct watchdog *w = NULL;
	struct log log;
	sd_event *e = NULL;
	char buf[256];
	long n, after;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	log_init(&log, "test", LOG_LEVEL_ERROR, false);
	ASSERT_EQ(0, sd_event_new(&e));
	ASSERT_EQ(0, watchdog_new(e, &log, path, 50000, &w));
	/* petted once at open, before the loop ran */
	EXPECT_EQ(1, file_size(path));
	run_for(e, 330000);
	n = file_size(path);
	/* 330 ms at 50 ms: 6 more, give or take a late wake-up */
	EXPECT_GE(n, 5);
	EXPECT_LE(n, 8);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(n, read(fd, buf, sizeof(buf)));
	close(fd);
	EXPECT_EQ(NULL, memchr(buf, 'V', (size_t)n));
	/* freed: no more petting, and no 'V' written on close */
	watchdog_free(w);
	run_for(e, 150000);
	after = file_size(path);
	EXPECT_EQ(n, after);
	sd_event_unref(e);
	unlink(path);
}

TEST(no_device_is_an_error)
{
	struct watchdog *w = NULL;
	struct log log;
	sd_event *e = NULL;

	log_init(&log, "test", LOG_LEVEL_ERROR, false);
	ASSERT_EQ(0, sd_event_new(&e));
	EXPECT_EQ(-ENOENT, watchdog_new(e, &log, "/nonexistent/watchdog", 0, &w));
	EXPECT_EQ(NULL, w);
	sd_event_unref(e);
}

TEST_HARNESS_MAIN
