// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone.ko, seen from userspace: the module loads on demand, answers
 * GET_INFO, refuses malformed, oversize and unprivileged requests with an
 * error (never a warning), multicasts events, and unloads cleanly while
 * busy. Runs as root inside the test VM (tests/vm/run.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/input-event-codes.h>
#include <linux/ucphone.h>

#include "kselftest_harness.h"
#include "ksft_util.h"
#include "nltest.h"

#define EMIT_PATH "/sys/kernel/debug/ucphone-test-source/emit"
#define NOBODY 65534

static int emit(const char *line)
{
	int fd = open(EMIT_PATH, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	close(fd);
	return n == (ssize_t)strlen(line) ? 0 : -errno;
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The next event of @type, skipping others; NULL on timeout. */
static const struct nlattr *wait_event(int fd, struct nlt_reply *reply,
				       uint32_t type)
{
	const struct nlattr *event;

	while (nlt_recv_event(fd, reply, 3000) == 0) {
		event = nlt_msg_attr(reply, UCPHONE_A_EVENT);
		if (nlt_cmd(reply) == UCPHONE_CMD_EVENT && event &&
		    nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_TYPE)) == type)
			return event;
	}
	return NULL;
}

/* Finds the GET_INFO entry of @driver, or NULL. */
static const struct nlattr *find_driver(const struct nlt_reply *info,
					const char *driver)
{
	const struct nlattr *drivers = nlt_msg_attr(info, UCPHONE_A_DRIVERS);
	const struct nlattr *entry;

	if (!drivers)
		return NULL;
	nlt_for_each_nested(entry, drivers) {
		if (!strcmp(nlt_str(nlt_nest_attr(entry, UCPHONE_DRIVER_A_NAME)),
			    driver))
			return entry;
	}
	return NULL;
}

/* A well-formed SRTP_NEW for the tests of what comes before the handler. */
static void put_srtp_new(struct nlt_msg *msg, uint16_t family)
{
	static const uint8_t key[16], salt[14];
	size_t nest;

	nlt_init(msg, family, UCPHONE_CMD_SRTP_NEW, 0);
	nest = nlt_nest_start(msg, UCPHONE_A_SRTP);
	nlt_put_u32(msg, UCPHONE_SRTP_A_FD, 0);
	nlt_put_u32(msg, UCPHONE_SRTP_A_DIRECTION, UCPHONE_SRTP_DIR_TX);
	nlt_put_u32(msg, UCPHONE_SRTP_A_SUITE, UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80);
	nlt_put(msg, UCPHONE_SRTP_A_MASTER_KEY, key, sizeof(key));
	nlt_put(msg, UCPHONE_SRTP_A_MASTER_SALT, salt, sizeof(salt));
	nlt_nest_end(msg, nest);
}

TEST(family_lookup_loads_module)
{
	uint16_t id;
	int fd;

	ksft_sh("rmmod ucphone_test_source 2>/dev/null; rmmod ucphone 2>/dev/null");
	ASSERT_FALSE(ksft_module_loaded("ucphone"));
	fd = nlt_open();
	ASSERT_LE(0, fd);
	/* The controller asks modprobe for net-pf-16-proto-16-family-ucphone. */
	ASSERT_EQ(0, nlt_resolve(fd, UCPHONE_GENL_NAME, &id, NULL, NULL));
	EXPECT_TRUE(ksft_module_loaded("ucphone"));
	close(fd);
}

TEST(module_unloads_and_reloads)
{
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ksft_sh("modprobe ucphone"));
		ASSERT_TRUE(ksft_module_loaded("ucphone"));
		ASSERT_EQ(0, ksft_sh("modprobe -r ucphone"));
		ASSERT_FALSE(ksft_module_loaded("ucphone"));
	}
	ASSERT_EQ(0, ksft_sh("modprobe ucphone"));
}

FIXTURE(core) {
	int fd;
	uint16_t family;
	uint32_t events;
	struct nlt_reply *reply;
	struct nlt_msg msg;
};

FIXTURE_SETUP(core)
{
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	ASSERT_EQ(0, ksft_sh("modprobe ucphone"));
	self->fd = nlt_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nlt_resolve(self->fd, UCPHONE_GENL_NAME, &self->family,
				 UCPHONE_MCGRP_EVENTS, &self->events));
	self->reply = calloc(1, sizeof(*self->reply));
	ASSERT_NE(NULL, self->reply);
}

FIXTURE_TEARDOWN(core)
{
	ksft_sh("rmmod ucphone_test_source 2>/dev/null");
	free(self->reply);
	close(self->fd);
}

TEST_F(core, get_info_round_trip)
{
	struct utsname uts;

	nlt_init(&self->msg, self->family, UCPHONE_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_request(self->fd, &self->msg, self->reply));
	ASSERT_EQ(UCPHONE_CMD_GET_INFO, nlt_cmd(self->reply));
	EXPECT_EQ(UCPHONE_GENL_VERSION,
		  nlt_u32(nlt_msg_attr(self->reply, UCPHONE_A_VERSION)));
	ASSERT_EQ(0, uname(&uts));
	EXPECT_STREQ(uts.release,
		     nlt_str(nlt_msg_attr(self->reply, UCPHONE_A_KERNEL_RELEASE)));
	EXPECT_NE(NULL, nlt_msg_attr(self->reply, UCPHONE_A_DRIVERS));
}

TEST_F(core, get_info_lists_bound_drivers)
{
	const struct nlattr *entry;

	ASSERT_EQ(0, ksft_sh("modprobe ucphone-test-source"));
	nlt_init(&self->msg, self->family, UCPHONE_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_request(self->fd, &self->msg, self->reply));
	entry = find_driver(self->reply, "ucphone-test-source");
	ASSERT_NE(NULL, entry);
	EXPECT_STREQ("test-source0",
		     nlt_str(nlt_nest_attr(entry, UCPHONE_DRIVER_A_DEVICE)));
	EXPECT_EQ(UCPHONE_DRIVER_KIND_TEST,
		  nlt_u32(nlt_nest_attr(entry, UCPHONE_DRIVER_A_KIND)));

	ASSERT_EQ(0, ksft_sh("rmmod ucphone_test_source"));
	ASSERT_EQ(0, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_EQ(NULL, find_driver(self->reply, "ucphone-test-source"));
}

TEST_F(core, get_info_refuses_attributes)
{
	nlt_init(&self->msg, self->family, UCPHONE_CMD_GET_INFO, 0);
	nlt_put_u32(&self->msg, UCPHONE_A_VERSION, 1);
	EXPECT_EQ(-EINVAL, nlt_request(self->fd, &self->msg, self->reply));
}

TEST_F(core, truncated_attribute_refused)
{
	struct nlattr liar = { .nla_len = 200, .nla_type = UCPHONE_A_SRTP };
	uint32_t payload = 0;

	put_srtp_new(&self->msg, self->family);
	nlt_put_raw(&self->msg, &liar, sizeof(liar));
	nlt_put_raw(&self->msg, &payload, sizeof(payload));
	EXPECT_EQ(-EINVAL, nlt_request(self->fd, &self->msg, self->reply));
}

TEST_F(core, unknown_commands_refused)
{
	nlt_init(&self->msg, self->family, 200, 0);
	EXPECT_EQ(-EOPNOTSUPP, nlt_request(self->fd, &self->msg, self->reply));
	/* Events flow from the kernel only. */
	nlt_init(&self->msg, self->family, UCPHONE_CMD_EVENT, 0);
	EXPECT_EQ(-EOPNOTSUPP, nlt_request(self->fd, &self->msg, self->reply));
}

TEST_F(core, oversize_key_refused)
{
	uint8_t big[64] = { 0 };
	size_t nest;

	nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_NEW, 0);
	nest = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
	nlt_put(&self->msg, UCPHONE_SRTP_A_MASTER_KEY, big, sizeof(big));
	nlt_nest_end(&self->msg, nest);
	EXPECT_EQ(-ERANGE, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_NE(0, self->reply->extack[0]);
}

TEST_F(core, out_of_range_values_refused)
{
	static const struct { uint16_t type; uint32_t value; int error; } bad[] = {
		{ UCPHONE_SRTP_A_WINDOW, 100000, -ERANGE },
		{ UCPHONE_SRTP_A_WINDOW, 8, -ERANGE },
		{ UCPHONE_SRTP_A_SUITE, 99, -ERANGE },
		{ UCPHONE_SRTP_A_DIRECTION, 0, -ERANGE },
		{ UCPHONE_SRTP_A_FLAGS, 0x80, -EINVAL },
		{ 200, 1, -EINVAL },			/* unknown attribute */
	};
	unsigned int i;
	size_t nest;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_NEW, 0);
		nest = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
		nlt_put_u32(&self->msg, bad[i].type, bad[i].value);
		nlt_nest_end(&self->msg, nest);
		EXPECT_EQ(bad[i].error,
			  nlt_request(self->fd, &self->msg, self->reply))
			TH_LOG("attribute %u value %u", bad[i].type, bad[i].value);
	}
}

TEST_F(core, wrong_attribute_length_refused)
{
	uint16_t short_value = 1;
	size_t nest;

	nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_DEL, 0);
	nest = nlt_nest_start(&self->msg, UCPHONE_A_SRTP);
	nlt_put(&self->msg, UCPHONE_SRTP_A_ID, &short_value, sizeof(short_value));
	nlt_nest_end(&self->msg, nest);
	EXPECT_EQ(-EINVAL, nlt_request(self->fd, &self->msg, self->reply));
}

/* An SRTP_GET for a session nobody made; -ENOENT comes from ucphone-srtp. */
static void put_srtp_get(struct nlt_msg *msg, uint16_t family)
{
	size_t nest;

	nlt_init(msg, family, UCPHONE_CMD_SRTP_GET, 0);
	nest = nlt_nest_start(msg, UCPHONE_A_SRTP);
	nlt_put_u32(msg, UCPHONE_SRTP_A_ID, 0x7fffffff);
	nlt_nest_end(msg, nest);
}

/* The daemon never runs modprobe: the first SRTP command loads the module. */
TEST_F(core, srtp_command_loads_offload_module)
{
	if (ksft_module_loaded("ucphone_srtp"))
		ASSERT_EQ(0, ksft_sh("rmmod ucphone_srtp"));
	put_srtp_get(&self->msg, self->family);
	EXPECT_EQ(-ENOENT, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_TRUE(ksft_module_loaded("ucphone_srtp"));
	EXPECT_EQ(0, ksft_sh("rmmod ucphone_srtp"));
	put_srtp_new(&self->msg, self->family);
	/* fd 0 is no UDP socket: the module, loaded again, refuses it. */
	EXPECT_GT(0, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_NE(NULL, strstr(self->reply->extack, "fd is not"));
	EXPECT_TRUE(ksft_module_loaded("ucphone_srtp"));
	/* Later tests unload ucphone, which ucphone-srtp would hold. */
	EXPECT_EQ(0, ksft_sh("rmmod ucphone_srtp"));
}

/*
 * Where the module cannot be loaded (forbidden by the administrator with an
 * install rule, as modprobe.d(5) describes, or not installed at all), the
 * request fails with a reason and nothing is left behind.
 */
#define NO_SRTP_CONF "/run/modprobe.d/ucphone-core-test.conf"

TEST_F(core, srtp_without_offload_module_says_so)
{
	if (ksft_module_loaded("ucphone_srtp"))
		ASSERT_EQ(0, ksft_sh("rmmod ucphone_srtp"));
	ASSERT_EQ(0, ksft_sh("mkdir -p /run/modprobe.d && echo 'install ucphone_srtp /bin/false' >" NO_SRTP_CONF));
	put_srtp_new(&self->msg, self->family);
	EXPECT_EQ(-EOPNOTSUPP, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_NE(NULL, strstr(self->reply->extack, "ucphone-srtp"));
	put_srtp_get(&self->msg, self->family);
	EXPECT_EQ(-EOPNOTSUPP, nlt_request(self->fd, &self->msg, self->reply));
	/* A dump asks too, and says the same. */
	nlt_init(&self->msg, self->family, UCPHONE_CMD_SRTP_GET, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_FALSE(ksft_module_loaded("ucphone_srtp"));
	unlink(NO_SRTP_CONF);
	/* Allowed again: the next request loads it. */
	put_srtp_get(&self->msg, self->family);
	EXPECT_EQ(-ENOENT, nlt_request(self->fd, &self->msg, self->reply));
	EXPECT_TRUE(ksft_module_loaded("ucphone_srtp"));
	EXPECT_EQ(0, ksft_sh("rmmod ucphone_srtp"));
}

TEST_F(core, unprivileged_state_change_refused)
{
	pid_t child = fork();
	int status;

	ASSERT_LE(0, child);
	if (child == 0) {
		struct nlt_reply *reply = calloc(1, sizeof(*reply));
		struct nlt_msg *msg = calloc(1, sizeof(*msg));
		uint16_t family;
		uint32_t group;
		int fd;

		/* Leaving uid 0 drops every capability, CAP_NET_ADMIN too. */
		if (!reply || !msg || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		fd = nlt_open();
		if (fd < 0 || nlt_resolve(fd, UCPHONE_GENL_NAME, &family, NULL, NULL))
			_exit(11);
		put_srtp_new(msg, family);
		if (nlt_request(fd, msg, reply) != -EPERM)
			_exit(12);
		nlt_init(msg, family, UCPHONE_CMD_SRTP_DEL, 0);
		if (nlt_request(fd, msg, reply) != -EPERM)
			_exit(13);
		/* Reading is allowed. */
		nlt_init(msg, family, UCPHONE_CMD_GET_INFO, 0);
		if (nlt_request(fd, msg, reply) != 0)
			_exit(14);
		/* Listening to key presses is not: they carry PINs. */
		if (nlt_resolve(fd, UCPHONE_GENL_NAME, &family,
				UCPHONE_MCGRP_EVENTS, &group) ||
		    nlt_subscribe(fd, group) != -EPERM)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(core, events_reach_subscriber)
{
	const struct nlattr *event;
	uint32_t seq;
	uint64_t before, after, ts;

	ASSERT_EQ(0, nlt_subscribe(self->fd, self->events));
	ASSERT_EQ(0, ksft_sh("modprobe ucphone-test-source"));
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_DRIVER_BOUND);
	ASSERT_NE(NULL, event);
	EXPECT_STREQ("ucphone-test-source",
		     nlt_str(nlt_nest_attr(event, UCPHONE_EVENT_A_DRIVER)));
	EXPECT_EQ(UCPHONE_DRIVER_KIND_TEST,
		  nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_DRIVER_KIND)));
	seq = nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_SEQ));

	before = boottime_ns();
	ASSERT_EQ(0, emit("key 2 1"));
	after = boottime_ns();
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_KEY);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(KEY_1, nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_KEY_CODE)));
	EXPECT_EQ(1, nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_KEY_VALUE)));
	EXPECT_EQ(seq + 1, nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_SEQ)));
	ts = nlt_u64(nlt_nest_attr(event, UCPHONE_EVENT_A_TIMESTAMP));
	EXPECT_LE(before, ts);
	EXPECT_GE(after, ts);

	ASSERT_EQ(0, emit("hook off"));
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_HOOK);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_HOOK_OFF, nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_HOOK)));

	ASSERT_EQ(0, emit("reset hard 5200 power-on"));
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_RESET_BUTTON);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_RESET_HARD,
		  nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_KIND)));
	EXPECT_EQ(5200, nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_HOLD_MS)));
	EXPECT_NE(NULL, nlt_nest_attr(event, UCPHONE_EVENT_A_RESET_AT_POWER_ON));

	ASSERT_EQ(0, emit("route speaker"));
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_AUDIO_ROUTE);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(UCPHONE_AUDIO_ROUTE_SPEAKER,
		  nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_AUDIO_ROUTE)));

	ASSERT_EQ(0, ksft_sh("rmmod ucphone_test_source"));
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_DRIVER_UNBOUND);
	ASSERT_NE(NULL, event);
	EXPECT_STREQ("test-source0",
		     nlt_str(nlt_nest_attr(event, UCPHONE_EVENT_A_DEVICE)));
}

/* Writes @text to /proc/self/@file; 0 or -errno. */
static int write_proc_self(const char *file, const char *text)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* What an unprivileged listener in namespaces of its own reports. */
enum ns_listener_result {
	NS_JOIN_REFUSED = 1,	/* the events group would not have it */
	NS_JOINED,		/* joined; then waits for a key */
	NS_NO_USERNS,		/* no user namespace for this user */
	NS_SETUP_FAILED,
};

/*
 * A child that drops to nobody, makes a user namespace (and, with
 * @new_netns, a network namespace) of its own as `unshare -Ur[n]` does,
 * where it holds CAP_NET_ADMIN, and tries to listen to key presses. It
 * reports on @report how the join went and exits 0 unless a key event
 * reached it within 1.5 s of the join.
 */
static void ns_listener(int report, bool new_netns)
{
	struct nlt_reply *reply = calloc(1, sizeof(*reply));
	uint8_t result = NS_SETUP_FAILED;
	uint16_t family;
	uint32_t group;
	int fd = -1, i;

	/*
	 * Dumpable again after the uid change, or /proc/self stays root's
	 * and the maps cannot be written.
	 */
	if (!reply || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY) ||
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		goto report;
	if (unshare(CLONE_NEWUSER | (new_netns ? CLONE_NEWNET : 0))) {
		result = NS_NO_USERNS;
		goto report;
	}
	if (write_proc_self("setgroups", "deny") ||
	    write_proc_self("uid_map", "0 65534 1") ||
	    write_proc_self("gid_map", "0 65534 1"))
		goto report;
	fd = nlt_open();
	if (fd < 0 || nlt_resolve(fd, UCPHONE_GENL_NAME, &family,
				  UCPHONE_MCGRP_EVENTS, &group))
		goto report;
	result = nlt_subscribe(fd, group) ? NS_JOIN_REFUSED : NS_JOINED;
report:
	if (write(report, &result, 1) != 1 || result != NS_JOINED)
		_exit(0);
	/* Joined: any key event that arrives here is a leak. */
	for (i = 0; i < 3; i++)
		if (nlt_recv_event(fd, reply, 500) == 0 &&
		    nlt_cmd(reply) == UCPHONE_CMD_EVENT)
			_exit(20);
	_exit(0);
}

/*
 * Key presses (PIN digits) must not reach a user who made namespaces of
 * their own: root in a new user namespace over a new network namespace
 * holds CAP_NET_ADMIN there, which is all the group itself asks for.
 * Runs outside any chroot (the VM's in-host), which would forbid
 * unshare(CLONE_NEWUSER) for reasons of its own.
 */
static void check_ns_listener(struct __test_metadata *_metadata,
			      FIXTURE_DATA(core) *self, bool new_netns)
{
	const struct nlattr *event;
	uint8_t result = 0;
	int pipefd[2], status;
	pid_t child;

	ASSERT_EQ(0, nlt_subscribe(self->fd, self->events));
	ASSERT_EQ(0, ksft_sh("modprobe ucphone-test-source"));
	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(pipefd[0]);
		ns_listener(pipefd[1], new_netns);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &result, 1));
	close(pipefd[0]);
	if (result == NS_NO_USERNS) {
		waitpid(child, &status, 0);
		/* The sysctl Debian adds; elsewhere, max_user_namespaces. */
		if (ksft_sh("grep -qx 0 /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null") == 0)
			SKIP(return, "unprivileged user namespaces are off");
		ASSERT_NE(NS_NO_USERNS, result)
			TH_LOG("unshare(CLONE_NEWUSER) refused: chrooted?");
	}
	ASSERT_TRUE(result == NS_JOIN_REFUSED || result == NS_JOINED);
	TH_LOG("the namespaced listener's join was %s",
	       result == NS_JOINED ? "accepted (events never sent there)" :
				     "refused");
	/* PIN digits 1 2 3 4, pressed and released. */
	ASSERT_EQ(0, emit("key 2 1"));
	ASSERT_EQ(0, emit("key 2 0"));
	ASSERT_EQ(0, emit("key 3 1"));
	ASSERT_EQ(0, emit("key 3 0"));
	/* The daemon's listener in the initial namespaces hears them. */
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_KEY);
	ASSERT_NE(NULL, event);
	EXPECT_EQ(KEY_1, nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_KEY_CODE)));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("a key press reached the namespaced listener");
}

TEST_F(core, no_key_events_in_own_user_and_network_namespace)
{
	check_ns_listener(_metadata, self, true);
}

TEST_F(core, no_key_events_in_own_user_namespace)
{
	check_ns_listener(_metadata, self, false);
}

TEST_F(core, overrun_shows_as_error_and_sequence_gap)
{
	int small = 1024, overruns = 0, events = 0;
	uint32_t last = 0, seq;
	bool gap = false;
	const struct nlattr *event;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));
	ASSERT_EQ(0, nlt_subscribe(self->fd, self->events));
	ASSERT_EQ(0, ksft_sh("modprobe ucphone-test-source"));
	ASSERT_EQ(0, emit("burst 500"));
	for (;;) {
		int ret = nlt_recv_event(self->fd, self->reply, 500);

		if (ret == -ENOBUFS) {
			overruns++;
			continue;
		}
		if (ret)
			break;
		event = nlt_msg_attr(self->reply, UCPHONE_A_EVENT);
		seq = nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_SEQ));
		if (last && seq != last + 1)
			gap = true;
		last = seq;
		events++;
	}
	/* The next event after the overrun shows how many were lost. */
	ASSERT_EQ(0, emit("key 3 1"));
	event = wait_event(self->fd, self->reply, UCPHONE_EVENT_KEY);
	ASSERT_NE(NULL, event);
	seq = nlt_u32(nlt_nest_attr(event, UCPHONE_EVENT_A_SEQ));
	if (seq != last + 1)
		gap = true;
	TH_LOG("%d of 501 events received, %d overruns, last seq %u",
	       events + 1, overruns, seq);
	EXPECT_LT(0, overruns);
	EXPECT_TRUE(gap);
}

FIXTURE(busy) {
};

FIXTURE_SETUP(busy)
{
}

FIXTURE_TEARDOWN(busy)
{
}

/*
 * GET_INFO and family lookups from two processes while modules come and go.
 * Each module load costs a second or two under TCG on a busy host: allow
 * far more than the harness's default 30 s.
 */
TEST_F_TIMEOUT(busy, unload_under_load, 300)
{
	pid_t hammers[2];
	unsigned int i;
	int status;

	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	for (i = 0; i < ARRAY_SIZE(hammers); i++) {
		hammers[i] = fork();
		ASSERT_LE(0, hammers[i]);
		if (hammers[i] == 0) {
			struct nlt_reply *reply = calloc(1, sizeof(*reply));
			struct nlt_msg *msg = calloc(1, sizeof(*msg));
			int fd = nlt_open();
			uint32_t group;
			uint16_t id;

			if (!reply || !msg || fd < 0)
				_exit(1);
			for (;;) {
				if (nlt_resolve(fd, UCPHONE_GENL_NAME, &id,
						UCPHONE_MCGRP_EVENTS, &group))
					continue;
				nlt_subscribe(fd, group);
				nlt_init(msg, id, UCPHONE_CMD_GET_INFO, 0);
				nlt_request(fd, msg, reply);
			}
		}
	}
	for (i = 0; i < 8; i++) {
		ksft_sh("modprobe ucphone-test-source");
		emit("burst 50");
		ksft_sh("rmmod ucphone_test_source");
		/* May be busy for a moment: a lookup is loading it again. */
		ksft_sh("rmmod ucphone 2>/dev/null");
	}
	for (i = 0; i < ARRAY_SIZE(hammers); i++) {
		kill(hammers[i], SIGKILL);
		ASSERT_EQ(hammers[i], waitpid(hammers[i], &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	ASSERT_EQ(0, ksft_sh("modprobe ucphone"));
}

TEST_HARNESS_MAIN
