// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-keypad and ucphone-reset on the test board (tests/kmod/
 * ucphone-test-board.c): keys are pressed by pulling gpio-sim lines, and
 * what a user of the phone relies on is checked where it arrives, on the
 * evdev device and on the ucphone events group. Runs as root in the VM.
 *
 * Each test loads the drivers and the board and unloads them afterwards,
 * so the daemon scenario that follows can unload ucphone.ko.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/input.h>
#include <linux/ucphone.h>

#include "kselftest_harness.h"
#include "ksft_util.h"
#include "nltest.h"

#define CONFIGFS "/sys/kernel/config/gpio-sim/ucphone-kpd"
#define BANK CONFIGFS "/bank0"
#define BOARD_COLS 6
#define HOOK_LINE 24
#define RESET_LINE 25
#define NUM_LINES 26
#define DEBOUNCE_MS 30
#define RESET_HOLD_MS 500
#define QUIET_MS 300
/* From linux/syslog.h, which is not exported to userspace. */
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_SIZE_BUFFER 10

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* The bank of lines the tests pull: made once, kept for the whole run. */
static int sim_bank(char *lines_dir, size_t size)
{
	char dev[64], chip[64];
	struct stat st;

	if (stat(CONFIGFS, &st)) {
		if (ksft_sh("modprobe gpio-sim") ||
		    mkdir(CONFIGFS, 0755) || mkdir(BANK, 0755) ||
		    write_file(BANK "/num_lines", "26") ||
		    write_file(BANK "/label", "kpd-sim") ||
		    write_file(CONFIGFS "/live", "1"))
			return -1;
	}
	if (read_line(CONFIGFS "/dev_name", dev, sizeof(dev)) ||
	    read_line(BANK "/chip_name", chip, sizeof(chip)))
		return -1;
	snprintf(lines_dir, size, "/sys/devices/platform/%s/%s", dev, chip);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* /dev/input/eventN of the input device named @name, opened; or -1. */
static int open_evdev(const char *name)
{
	char path[256], buf[64];
	int i, n, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/sys/class/input/input%d/name", i);
		if (read_line(path, buf, sizeof(buf)) || strcmp(buf, name))
			continue;
		for (n = 0; n < 256; n++) {
			struct stat st;

			snprintf(path, sizeof(path),
				 "/sys/class/input/input%d/event%d", i, n);
			if (stat(path, &st))
				continue;
			snprintf(path, sizeof(path), "/dev/input/event%d", n);
			fd = open(path, O_RDONLY | O_NONBLOCK);
			if (fd >= 0) {
				int clk = CLOCK_BOOTTIME;

				ioctl(fd, EVIOCSCLOCKID, &clk);
			}
			return fd;
		}
	}
	return -1;
}

FIXTURE(keypad) {
	char lines[256];
	int nl, evdev;
	uint32_t events;
	struct nlt_reply reply;
};

static int pull(FIXTURE_DATA(keypad) *self, int line, int up)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/sim_gpio%d/pull", self->lines, line);
	return write_file(path, up ? "pull-up" : "pull-down");
}

static int key_line(int row, int col)
{
	return row * BOARD_COLS + col;
}

/* Next EV_KEY on evdev within @ms: 0, or -1 on timeout. */
static int next_key(FIXTURE_DATA(keypad) *self, int ms, int *code,
		    int *value, uint64_t *ts)
{
	struct pollfd pfd = { .fd = self->evdev, .events = POLLIN };
	struct input_event ev;
	uint64_t deadline = now_ns() + (uint64_t)ms * 1000000;

	for (;;) {
		ssize_t n = read(self->evdev, &ev, sizeof(ev));

		if (n == sizeof(ev)) {
			if (ev.type != EV_KEY || ev.value == 2)
				continue;
			*code = ev.code;
			*value = ev.value;
			if (ts)
				*ts = ev.input_event_sec * 1000000000ull +
				      ev.input_event_usec * 1000ull;
			return 0;
		}
		if (now_ns() >= deadline)
			return -1;
		poll(&pfd, 1, (int)((deadline - now_ns()) / 1000000) + 1);
	}
}

/* Next ucphone event of @type within @ms, or NULL. */
static const struct nlattr *next_event(FIXTURE_DATA(keypad) *self,
				       uint32_t type, int ms)
{
	const struct nlattr *event;
	uint64_t deadline = now_ns() + (uint64_t)ms * 1000000;

	while (now_ns() < deadline &&
	       nlt_recv_event(self->nl, &self->reply,
			      (int)((deadline - now_ns()) / 1000000) + 1) == 0) {
		event = nlt_msg_attr(&self->reply, UCPHONE_A_EVENT);
		if (nlt_cmd(&self->reply) == UCPHONE_CMD_EVENT && event &&
		    nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_TYPE)) == type)
			return event;
	}
	return NULL;
}

static uint32_t ev_u32(const struct nlattr *event, uint16_t attr)
{
	return nlt_u32(nlt_nest_attr(event, attr));
}

static void drain(FIXTURE_DATA(keypad) *self)
{
	int code, value;

	while (nlt_recv_event(self->nl, &self->reply, 0) == 0)
		;
	while (self->evdev >= 0 && next_key(self, 0, &code, &value, NULL) == 0)
		;
}

/* Waits for evdev to show @code at @value: the expectation of a test. */
#define EXPECT_KEY(code_, value_) do {					\
	int c_ = -1, v_ = -1;						\
	ASSERT_EQ(0, next_key(self, 2000, &c_, &v_, NULL));		\
	EXPECT_EQ(code_, c_);						\
	EXPECT_EQ(value_, v_);						\
} while (0)

#define EXPECT_NL_KEY(code_, value_) do {				\
	const struct nlattr *e_ = next_event(self, UCPHONE_EVENT_KEY, 2000); \
	ASSERT_NE(NULL, e_);						\
	EXPECT_EQ(code_, ev_u32(e_, UCPHONE_EVENT_A_KEY_CODE));		\
	EXPECT_EQ(value_, ev_u32(e_, UCPHONE_EVENT_A_KEY_VALUE));	\
} while (0)

#define EXPECT_QUIET() do {						\
	int c_, v_;							\
	EXPECT_NE(0, next_key(self, QUIET_MS, &c_, &v_, NULL)) {	\
		TH_LOG("unexpected key %d value %d", c_, v_);		\
	}								\
} while (0)

#define EXPECT_NL_QUIET() \
	EXPECT_EQ(NULL, next_event(self, UCPHONE_EVENT_KEY, QUIET_MS))

static int board_load(void)
{
	return ksft_sh("modprobe evdev && modprobe ucphone-keypad && modprobe ucphone-reset && "
		   "modprobe ucphone-test-board debounce_ms=%d reset_hold_ms=%d",
		   DEBOUNCE_MS, RESET_HOLD_MS);
}

static void board_unload(void)
{
	ksft_sh("rmmod ucphone-keypad ucphone-reset ucphone-test-board 2>/dev/null");
}

static int open_evdev_wait(void)
{
	int i, fd = -1;

	for (i = 0; i < 50 && fd < 0; i++) {
		fd = open_evdev("ucphone-keypad");
		if (fd < 0)
			usleep(20000);
	}
	return fd;
}

FIXTURE_SETUP(keypad)
{
	uint16_t family;
	int line;

	self->evdev = -1;
	ASSERT_EQ(0, sim_bank(self->lines, sizeof(self->lines)));
	for (line = 0; line < NUM_LINES; line++)
		ASSERT_EQ(0, pull(self, line, 0));
	board_unload();
	self->nl = nlt_open();
	ASSERT_LE(0, self->nl);
	ASSERT_EQ(0, ksft_sh("modprobe ucphone"));
	ASSERT_EQ(0, nlt_resolve(self->nl, UCPHONE_GENL_NAME, &family,
				 UCPHONE_MCGRP_EVENTS, &self->events));
	ASSERT_EQ(0, nlt_subscribe(self->nl, self->events));
	ASSERT_EQ(0, board_load());
	self->evdev = open_evdev_wait();
	ASSERT_LE(0, self->evdev);
	/* The probe-time scan and hook state are not what tests look at. */
	usleep((DEBOUNCE_MS + 50) * 1000);
	drain(self);
}

FIXTURE_TEARDOWN(keypad)
{
	int line;

	if (self->evdev >= 0)
		close(self->evdev);
	if (self->nl >= 0)
		close(self->nl);
	board_unload();
	for (line = 0; line < NUM_LINES; line++)
		pull(self, line, 0);
}

TEST_F(keypad, single_key_press_and_release)
{
	const struct nlattr *event;
	uint64_t before = now_ns();

	ASSERT_EQ(0, pull(self, key_line(0, 1), 1));
	EXPECT_KEY(KEY_2, 1);
	event = next_event(self, UCPHONE_EVENT_KEY, 2000);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(KEY_2, ev_u32(event, UCPHONE_EVENT_A_KEY_CODE));
	EXPECT_EQ(1, ev_u32(event, UCPHONE_EVENT_A_KEY_VALUE));
	/* Stamped at the edge, not after the debounce period. */
	EXPECT_LE(before, nlt_u64(nlt_nest_attr(event, UCPHONE_EVENT_A_TIMESTAMP)));
	EXPECT_GT(before + DEBOUNCE_MS * 1000000ull,
		  nlt_u64(nlt_nest_attr(event, UCPHONE_EVENT_A_TIMESTAMP)));
	ASSERT_EQ(0, pull(self, key_line(0, 1), 0));
	EXPECT_KEY(KEY_2, 0);
	EXPECT_NL_KEY(KEY_2, 0);
	EXPECT_QUIET();
	EXPECT_NL_QUIET();
}

TEST_F_TIMEOUT(keypad, whole_keymap_reaches_evdev, 90)
{
	static const int codes[4][BOARD_COLS] = {
		{ KEY_1, KEY_2, KEY_3, KEY_VOLUMEUP, KEY_MICMUTE, KEY_VOICEMAIL },
		{ KEY_4, KEY_5, KEY_6, KEY_VOLUMEDOWN, KEY_SOUND, KEY_LAST },
		{ KEY_7, KEY_8, KEY_9, KEY_PAUSE, KEY_PHONE, KEY_FORWARD },
		{ KEY_NUMERIC_STAR, KEY_0, KEY_NUMERIC_POUND, KEY_MENU, KEY_OK,
		  KEY_ADDRESSBOOK },
	};
	int row, col;

	for (row = 0; row < 4; row++) {
		for (col = 0; col < BOARD_COLS; col++) {
			ASSERT_EQ(0, pull(self, key_line(row, col), 1));
			EXPECT_KEY(codes[row][col], 1);
			ASSERT_EQ(0, pull(self, key_line(row, col), 0));
			EXPECT_KEY(codes[row][col], 0);
		}
	}
}

TEST_F(keypad, bounce_inside_debounce_gives_one_event)
{
	int i;

	/* A contact chattering for a few ms before it settles closed. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pull(self, key_line(1, 1), 1));
		ASSERT_EQ(0, pull(self, key_line(1, 1), 0));
	}
	ASSERT_EQ(0, pull(self, key_line(1, 1), 1));
	EXPECT_KEY(KEY_5, 1);
	EXPECT_NL_KEY(KEY_5, 1);
	EXPECT_QUIET();
	EXPECT_NL_QUIET();
	/* And chattering open. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pull(self, key_line(1, 1), 0));
		ASSERT_EQ(0, pull(self, key_line(1, 1), 1));
	}
	ASSERT_EQ(0, pull(self, key_line(1, 1), 0));
	EXPECT_KEY(KEY_5, 0);
	EXPECT_NL_KEY(KEY_5, 0);
	EXPECT_QUIET();
	EXPECT_NL_QUIET();
}

TEST_F(keypad, chord_of_unambiguous_keys)
{
	int c1 = -1, v1 = -1, c2 = -1, v2 = -1;

	/* Different rows and columns: no rectangle, both are real. */
	ASSERT_EQ(0, pull(self, key_line(0, 0), 1));
	ASSERT_EQ(0, pull(self, key_line(1, 3), 1));
	ASSERT_EQ(0, next_key(self, 2000, &c1, &v1, NULL));
	ASSERT_EQ(0, next_key(self, 2000, &c2, &v2, NULL));
	EXPECT_EQ(1, v1);
	EXPECT_EQ(1, v2);
	EXPECT_EQ(KEY_1 + KEY_VOLUMEDOWN, c1 + c2);
	ASSERT_EQ(0, pull(self, key_line(0, 0), 0));
	EXPECT_KEY(KEY_1, 0);
	ASSERT_EQ(0, pull(self, key_line(1, 3), 0));
	EXPECT_KEY(KEY_VOLUMEDOWN, 0);
}

TEST_F(keypad, ghosting_chord_reports_no_phantom)
{
	int code = -1, value = -1, seen_5 = 0, seen_4 = 0, i;

	ASSERT_EQ(0, pull(self, key_line(0, 0), 1));
	EXPECT_KEY(KEY_1, 1);
	ASSERT_EQ(0, pull(self, key_line(0, 1), 1));
	EXPECT_KEY(KEY_2, 1);
	/* The third corner of a rectangle: 4 and a phantom 5 read pressed. */
	ASSERT_EQ(0, pull(self, key_line(1, 0), 1));
	EXPECT_QUIET();
	/* Letting go of 2 makes the matrix unambiguous: 4 is real. */
	ASSERT_EQ(0, pull(self, key_line(0, 1), 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, next_key(self, 2000, &code, &value, NULL));
		if (code == KEY_4 && value == 1)
			seen_4 = 1;
		if (code == KEY_5)
			seen_5 = 1;
	}
	EXPECT_EQ(1, seen_4);
	EXPECT_EQ(0, seen_5);
	ASSERT_EQ(0, pull(self, key_line(0, 0), 0));
	ASSERT_EQ(0, pull(self, key_line(1, 0), 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, next_key(self, 2000, &code, &value, NULL));
		EXPECT_NE(KEY_5, code);
		EXPECT_EQ(0, value);
	}
	EXPECT_QUIET();
}

TEST_F(keypad, hook_off_and_on)
{
	const struct nlattr *event;

	ASSERT_EQ(0, pull(self, HOOK_LINE, 1));
	EXPECT_KEY(KEY_PICKUP_PHONE, 1);
	EXPECT_KEY(KEY_PICKUP_PHONE, 0);
	event = next_event(self, UCPHONE_EVENT_HOOK, 2000);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_HOOK_OFF, ev_u32(event, UCPHONE_EVENT_A_HOOK));
	ASSERT_EQ(0, pull(self, HOOK_LINE, 0));
	EXPECT_KEY(KEY_HANGUP_PHONE, 1);
	EXPECT_KEY(KEY_HANGUP_PHONE, 0);
	event = next_event(self, UCPHONE_EVENT_HOOK, 2000);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_HOOK_ON, ev_u32(event, UCPHONE_EVENT_A_HOOK));
}

static const struct nlattr *press_reset(FIXTURE_DATA(keypad) *self,
					int hold_ms)
{
	if (pull(self, RESET_LINE, 1))
		return NULL;
	usleep(hold_ms * 1000);
	if (pull(self, RESET_LINE, 0))
		return NULL;
	return next_event(self, UCPHONE_EVENT_RESET_BUTTON, 2000);
}

TEST_F(keypad, reset_short_press_is_soft)
{
	const struct nlattr *event = press_reset(self, 100);

	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_RESET_SOFT, ev_u32(event, UCPHONE_EVENT_A_RESET_KIND));
	EXPECT_LE(90, ev_u32(event, UCPHONE_EVENT_A_RESET_HOLD_MS));
	EXPECT_EQ(NULL, nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_AT_POWER_ON));
}

TEST_F(keypad, reset_long_press_at_runtime_is_not_hard)
{
	const struct nlattr *event = press_reset(self, 2 * RESET_HOLD_MS);

	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_RESET_SOFT, ev_u32(event, UCPHONE_EVENT_A_RESET_KIND));
	EXPECT_LE(2 * RESET_HOLD_MS - 10,
		  ev_u32(event, UCPHONE_EVENT_A_RESET_HOLD_MS));
	EXPECT_EQ(NULL, nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_AT_POWER_ON));
}

static int reset_rebind(void)
{
	if (write_file("/sys/bus/platform/drivers/ucphone-reset/unbind",
		       "ucphone-reset"))
		return -1;
	return write_file("/sys/bus/platform/drivers/ucphone-reset/bind",
			  "ucphone-reset");
}

TEST_F(keypad, reset_held_at_probe_is_hard)
{
	const struct nlattr *event;

	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/ucphone-reset/unbind",
				"ucphone-reset"));
	ASSERT_EQ(0, pull(self, RESET_LINE, 1));
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/ucphone-reset/bind",
				"ucphone-reset"));
	/* Sent when the hold time is reached, before the release. */
	event = next_event(self, UCPHONE_EVENT_RESET_BUTTON, RESET_HOLD_MS + 2000);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_RESET_HARD, ev_u32(event, UCPHONE_EVENT_A_RESET_KIND));
	EXPECT_LE(RESET_HOLD_MS, ev_u32(event, UCPHONE_EVENT_A_RESET_HOLD_MS));
	EXPECT_NE(NULL, nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_AT_POWER_ON));
	ASSERT_EQ(0, pull(self, RESET_LINE, 0));
	EXPECT_EQ(NULL, next_event(self, UCPHONE_EVENT_RESET_BUTTON, QUIET_MS));
}

TEST_F(keypad, reset_released_early_at_probe_is_not_hard)
{
	const struct nlattr *event;

	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/ucphone-reset/unbind",
				"ucphone-reset"));
	ASSERT_EQ(0, pull(self, RESET_LINE, 1));
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/ucphone-reset/bind",
				"ucphone-reset"));
	usleep(RESET_HOLD_MS / 5 * 1000);
	ASSERT_EQ(0, pull(self, RESET_LINE, 0));
	event = next_event(self, UCPHONE_EVENT_RESET_BUTTON, 2000);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_RESET_SOFT, ev_u32(event, UCPHONE_EVENT_A_RESET_KIND));
	EXPECT_NE(NULL, nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_AT_POWER_ON));
	EXPECT_EQ(NULL, next_event(self, UCPHONE_EVENT_RESET_BUTTON,
				   RESET_HOLD_MS + 200));
	/* Running normally afterwards. */
	ASSERT_EQ(0, reset_rebind());
	event = press_reset(self, 50);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(NULL, nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_AT_POWER_ON));
}

/* Whether the kernel log holds @text; read in-process, no shell to spawn. */
static int dmesg_has(const char *text)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	int n, found;

	if (size <= 0)
		return 0;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return 0;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	buf[n > 0 ? n : 0] = 0;
	found = strstr(buf, text) != NULL;
	free(buf);
	return found;
}

static int dmesg_wait(const char *text, int ms)
{
	for (; ms > 0; ms -= 50) {
		if (dmesg_has(text))
			return 1;
		usleep(50000);
	}
	return dmesg_has(text);
}

TEST_F_TIMEOUT(keypad, reset_with_no_listener_is_logged_then_falls_back, 90)
{
	const char *param = "/sys/module/ucphone_reset/parameters/fallback_restart_ms";
	uint16_t family;
	uint32_t group;

	/* Nobody in the events group. */
	close(self->nl);
	self->nl = -1;
	ASSERT_EQ(0, klogctl(SYSLOG_ACTION_CLEAR, NULL, 0));
	ASSERT_EQ(0, pull(self, RESET_LINE, 1));
	usleep(100000);
	ASSERT_EQ(0, pull(self, RESET_LINE, 0));
	EXPECT_TRUE(dmesg_wait("no daemon listening; reset press ignored", 3000));

	/*
	 * With a fallback, a listener that turns up in time stops it (were
	 * it late, the VM would restart and the run fail).
	 */
	ASSERT_EQ(0, write_file(param, "4000"));
	ASSERT_EQ(0, pull(self, RESET_LINE, 1));
	usleep(100000);
	ASSERT_EQ(0, pull(self, RESET_LINE, 0));
	self->nl = nlt_open();
	ASSERT_LE(0, self->nl);
	ASSERT_EQ(0, nlt_resolve(self->nl, UCPHONE_GENL_NAME, &family,
				 UCPHONE_MCGRP_EVENTS, &group));
	/* Joins only once the kernel has counted nobody. */
	EXPECT_TRUE(dmesg_wait("restarting in 4000 ms unless one appears", 3000));
	ASSERT_EQ(0, nlt_subscribe(self->nl, group));
	EXPECT_TRUE(dmesg_wait("a daemon listens now; no kernel restart", 10000));
	write_file(param, "0");

	/* And with one listening, no word of a fallback. */
	ASSERT_EQ(0, klogctl(SYSLOG_ACTION_CLEAR, NULL, 0));
	ASSERT_NE(NULL, press_reset(self, 50));
	EXPECT_FALSE(dmesg_has("no daemon listening"));
}

TEST_F(keypad, unbind_and_rebind_with_key_held)
{
	ASSERT_EQ(0, pull(self, key_line(2, 2), 1));
	EXPECT_NL_KEY(KEY_9, 1);
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/ucphone-keypad/unbind",
				"ucphone-keypad"));
	/* The daemon is told the key went up: nothing stays stuck. */
	EXPECT_NL_KEY(KEY_9, 0);
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/ucphone-keypad/bind",
				"ucphone-keypad"));
	/* The first scan after probe finds it held. */
	EXPECT_NL_KEY(KEY_9, 1);
	close(self->evdev);
	self->evdev = open_evdev_wait();
	ASSERT_LE(0, self->evdev);
	ASSERT_EQ(0, pull(self, key_line(2, 2), 0));
	EXPECT_KEY(KEY_9, 0);
	EXPECT_NL_KEY(KEY_9, 0);
}

TEST_F(keypad, unload_with_key_held_leaks_nothing)
{
	ASSERT_EQ(0, pull(self, key_line(3, 1), 1));
	EXPECT_NL_KEY(KEY_0, 1);
	ASSERT_EQ(0, ksft_sh("rmmod ucphone-keypad"));
	EXPECT_NL_KEY(KEY_0, 0);
	/* Lines move, nothing listens to them any more. */
	ASSERT_EQ(0, pull(self, key_line(3, 1), 0));
	ASSERT_EQ(0, pull(self, key_line(0, 0), 1));
	ASSERT_EQ(0, pull(self, HOOK_LINE, 1));
	EXPECT_EQ(NULL, next_event(self, UCPHONE_EVENT_KEY, QUIET_MS));
	EXPECT_EQ(NULL, next_event(self, UCPHONE_EVENT_HOOK, 1));
	ASSERT_EQ(0, pull(self, key_line(0, 0), 0));
	ASSERT_EQ(0, pull(self, HOOK_LINE, 0));
}

TEST_F(keypad, reset_unload_with_button_held_is_silent)
{
	ASSERT_EQ(0, pull(self, RESET_LINE, 1));
	usleep((DEBOUNCE_MS + 50) * 1000);
	ASSERT_EQ(0, ksft_sh("rmmod ucphone-reset"));
	ASSERT_EQ(0, pull(self, RESET_LINE, 0));
	EXPECT_EQ(NULL, next_event(self, UCPHONE_EVENT_RESET_BUTTON, QUIET_MS));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Not an assertion: prints edge-to-event figures for the report. */
TEST_F_TIMEOUT(keypad, latency_edge_to_event, 90)
{
	enum { N = 15 };
	uint64_t stamp_nl[N], stamp_ev[N], arrive_nl[N], arrive_ev[N];
	int i, code, value;

	for (i = 0; i < N; i++) {
		const struct nlattr *event;
		uint64_t t0, ts;

		t0 = now_ns();
		ASSERT_EQ(0, pull(self, key_line(i % 4, 0), 1));
		ASSERT_EQ(0, next_key(self, 2000, &code, &value, &ts));
		arrive_ev[i] = now_ns() - t0;
		stamp_ev[i] = ts > t0 ? ts - t0 : 0;
		event = next_event(self, UCPHONE_EVENT_KEY, 2000);
		ASSERT_NE(NULL, event);
		arrive_nl[i] = now_ns() - t0;
		ts = nlt_u64(nlt_nest_attr(event, UCPHONE_EVENT_A_TIMESTAMP));
		stamp_nl[i] = ts > t0 ? ts - t0 : 0;
		ASSERT_EQ(0, pull(self, key_line(i % 4, 0), 0));
		ASSERT_EQ(0, next_key(self, 2000, &code, &value, NULL));
		drain(self);
	}
	qsort(stamp_ev, N, sizeof(uint64_t), cmp_u64);
	qsort(stamp_nl, N, sizeof(uint64_t), cmp_u64);
	qsort(arrive_ev, N, sizeof(uint64_t), cmp_u64);
	qsort(arrive_nl, N, sizeof(uint64_t), cmp_u64);
	printf("# latency (median/max over %d presses, debounce %d ms, QEMU TCG):\n",
	       N, DEBOUNCE_MS);
	printf("#   pull -> evdev timestamp     %6.2f / %6.2f ms\n",
	       stamp_ev[N / 2] / 1e6, stamp_ev[N - 1] / 1e6);
	printf("#   pull -> ucphone timestamp   %6.2f / %6.2f ms\n",
	       stamp_nl[N / 2] / 1e6, stamp_nl[N - 1] / 1e6);
	printf("#   pull -> evdev read()        %6.2f / %6.2f ms\n",
	       arrive_ev[N / 2] / 1e6, arrive_ev[N - 1] / 1e6);
	printf("#   pull -> ucphone recv()      %6.2f / %6.2f ms\n",
	       arrive_nl[N / 2] / 1e6, arrive_nl[N - 1] / 1e6);
}

TEST_HARNESS_MAIN
