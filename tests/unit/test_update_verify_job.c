// SPDX-License-Identifier: GPL-2.0-only
/*
 * The image's signature check off the main loop (daemon/update/
 * update_verify_job.c): update_verify() is replaced by a slow fake (it
 * sleeps as hashing a large bundle would) that records which thread ran
 * it. The loop's own timer keeps firing while the check runs, the result
 * and its reason arrive through the loop, in the loop's thread, and a job
 * dropped midway never calls back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "update/update_verify.h"
#include "update/update_verify_job.h"

static pthread_t verify_thread;
static char verify_image[256];
static int verify_result;

int update_verify(const char *image, const char *sig, const char *root,
		  char *why, size_t why_len)
{
	(void)sig;
	(void)root;
	verify_thread = pthread_self();
	snprintf(verify_image, sizeof(verify_image), "%s", image);
	usleep(300000);
	snprintf(why, why_len, "signature refused: certificate verify error");
	return verify_result;
}

struct seen {
	int calls, result, ticks, ticks_at_result;
	char why[200];
	pthread_t thread;
};

static void on_result(void *ctx, int result, const char *why)
{
	struct seen *s = ctx;

	s->calls++;
	s->result = result;
	s->ticks_at_result = s->ticks;
	s->thread = pthread_self();
	snprintf(s->why, sizeof(s->why), "%s", why);
}

static int on_tick(sd_event_source *src, uint64_t usec, void *ud)
{
	struct seen *s = ud;

	s->ticks++;
	sd_event_source_set_time(src, usec + 20000);
	return sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
}

static sd_event_source *ticker(sd_event *e, struct seen *s)
{
	sd_event_source *t = NULL;
	uint64_t now = 0;

	sd_event_now(e, CLOCK_MONOTONIC, &now);
	sd_event_add_time(e, &t, CLOCK_MONOTONIC, now + 20000, 0, on_tick, s);
	return t;
}

TEST(result_comes_back_through_the_loop)
{
	struct update_verify_job *j = NULL;
	struct seen s = { 0 };
	sd_event_source *t;
	sd_event *e = NULL;

	verify_result = -EKEYREJECTED;
	ASSERT_EQ(0, sd_event_new(&e));
	t = ticker(e, &s);
	ASSERT_EQ(0, update_verify_start(e, "/data/update/CPE.nbt.part", "/x.cat",
					 "/root.pem", on_result, &s, &j));
	/* started, not done: nothing called back from inside the start */
	EXPECT_EQ(0, s.calls);
	for (int i = 0; i < 300 && !s.calls; i++)
		sd_event_run(e, 10000);
	ASSERT_EQ(1, s.calls);
	EXPECT_EQ(-EKEYREJECTED, s.result);
	EXPECT_STREQ("signature refused: certificate verify error", s.why);
	EXPECT_STREQ("/data/update/CPE.nbt.part", verify_image);
	/* hashed in another thread; the answer in the loop's */
	EXPECT_FALSE(pthread_equal(verify_thread, pthread_self()));
	EXPECT_TRUE(pthread_equal(s.thread, pthread_self()));
	/* the loop went on: 300 ms at 20 ms a tick */
	EXPECT_GE(s.ticks_at_result, 8);
	sd_event_source_disable_unref(t);
	sd_event_unref(e);
}

TEST(a_good_signature_is_zero)
{
	struct update_verify_job *j = NULL;
	struct seen s = { 0 };
	sd_event *e = NULL;

	verify_result = 0;
	ASSERT_EQ(0, sd_event_new(&e));
	ASSERT_EQ(0, update_verify_start(e, "a", "b", "c", on_result, &s, &j));
	for (int i = 0; i < 300 && !s.calls; i++)
		sd_event_run(e, 10000);
	ASSERT_EQ(1, s.calls);
	EXPECT_EQ(0, s.result);
	sd_event_unref(e);
}

TEST(a_dropped_job_never_calls_back)
{
	struct update_verify_job *j = NULL;
	struct seen s = { 0 };
	sd_event *e = NULL;

	ASSERT_EQ(0, sd_event_new(&e));
	ASSERT_EQ(0, update_verify_start(e, "a", "b", "c", on_result, &s, &j));
	update_verify_cancel(j);
	for (int i = 0; i < 40; i++)
		sd_event_run(e, 10000);
	EXPECT_EQ(0, s.calls);
	update_verify_cancel(NULL);
	sd_event_unref(e);
}

TEST_HARNESS_MAIN
