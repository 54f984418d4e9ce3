// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket server (userspace/daemon/core/control.c) inside a real
 * sd-event loop, for what the host cannot show end to end: with no kernel
 * module there are no events, so fan-out and the dropping of a slow events
 * client are driven here through control_broadcast_event().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/call_control.h"
#include "core/control.h"
#include "exchange/exchange.h"
#include "kselftest_harness.h"

/* `info` and `status` (core/info.c, core/status.c) are not under test here. */
static struct json_object *empty_view(void *userdata)
{
	(void)userdata;
	return json_object_new_object();
}

static const struct control_views views = {
	.info = empty_view,
	.status = empty_view,
};

/* And the call commands (daemon/core/call_control.c): no calls here. */
struct json_object *call_control(struct ucphoned *d,
				 const struct control_request *req,
				 char error[CONTROL_ERROR_MAX])
{
	(void)d;
	(void)req;
	snprintf(error, CONTROL_ERROR_MAX, "calls unavailable");
	return NULL;
}

/*
 * And the Exchange requests (daemon/exchange/): this daemon has no
 * Exchange client (d->exchange is NULL), so these are never reached.
 */
int exchange_sync_now(struct exchange *x, const char **why)
{
	(void)x;
	*why = "unreachable";
	return -ENOENT;
}

struct json_object *exchange_contacts(const struct exchange *x,
				      const char *search, unsigned int offset)
{
	(void)x;
	(void)search;
	(void)offset;
	return NULL;
}

struct json_object *exchange_voicemail(const struct exchange *x)
{
	(void)x;
	return NULL;
}

struct json_object *exchange_status(const struct exchange *x)
{
	(void)x;
	return NULL;
}

int exchange_directory(struct exchange *x, const char *name, ews_lookup_cb cb,
		       void *ctx, uint64_t tag, const char **why)
{
	(void)x, (void)name, (void)cb, (void)ctx, (void)tag;
	*why = "unreachable";
	return -ENOENT;
}

int exchange_fetch_recording(struct exchange *x, const char *message,
			     ews_lookup_cb cb, void *ctx, uint64_t tag,
			     const char **why)
{
	(void)x, (void)message, (void)cb, (void)ctx, (void)tag;
	*why = "unreachable";
	return -ENOENT;
}

FIXTURE(server) {
	struct ucphoned d;
	struct control *ctl;
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(server)
{
	/* The harness forks each test: the pid makes the directory ours. */
	snprintf(self->dir, sizeof(self->dir), "/tmp/ucphone-test-control-%d",
		 (int)getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	snprintf(self->path, sizeof(self->path), "%s/control", self->dir);
	memset(&self->d, 0, sizeof(self->d));
	self->d.options.control_path = self->path;
	log_init(&self->d.log, "test", LOG_LEVEL_ERROR, false);
	ASSERT_EQ(0, sd_event_new(&self->d.event));
	ASSERT_EQ(0, control_new(&self->d, self->path, &views, &self->ctl));
}

FIXTURE_TEARDOWN(server)
{
	char lock[160];

	control_free(self->ctl);
	sd_event_unref(self->d.event);
	snprintf(lock, sizeof(lock), "%s.lock", self->path);
	unlink(lock);
	rmdir(self->dir);
}

static int client_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	strcpy(addr.sun_path, path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Runs the loop until fd has something to read, or a second passes. */
static ssize_t pump_recv(sd_event *e, int fd, char *buf, size_t size)
{
	for (int i = 0; i < 100; i++) {
		ssize_t n = recv(fd, buf, size, MSG_DONTWAIT);

		if (n >= 0 || errno != EAGAIN)
			return n;
		sd_event_run(e, 10000);
	}
	return -1;
}

static void subscribe(struct __test_metadata *_metadata, sd_event *e, int fd)
{
	static const char req[] = "{\"command\":\"events\"}";
	char buf[256];
	ssize_t n;

	ASSERT_EQ((ssize_t)strlen(req), send(fd, req, strlen(req), 0));
	n = pump_recv(e, fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	ASSERT_STREQ("{\"ok\":true,\"result\":{\"subscribed\":true}}", buf);
}

TEST_F(server, socket_file_is_0660)
{
	struct stat st;

	ASSERT_EQ(0, lstat(self->path, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(0660, st.st_mode & 07777);
}

TEST_F(server, second_server_refused)
{
	struct control *other = NULL;

	EXPECT_EQ(-EADDRINUSE, control_new(&self->d, self->path, &views, &other));
	EXPECT_EQ(NULL, other);
	/* The refusal did not take the first server's socket away. */
	EXPECT_EQ(0, access(self->path, F_OK));
}

TEST_F(server, events_fan_out_and_slow_client_dropped)
{
	struct json_object *msg = json_object_new_object();
	struct control_stats st;
	int fast = client_connect(self->path);
	int slow = client_connect(self->path);
	char buf[4096], pad[1024];
	int sent = 0;

	ASSERT_LE(0, fast);
	ASSERT_LE(0, slow);
	subscribe(_metadata, self->d.event, fast);
	subscribe(_metadata, self->d.event, slow);
	control_get_stats(self->ctl, &st);
	ASSERT_EQ(2, st.subscribers);

	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	json_object_object_add(msg, "event", json_object_new_string("test"));
	json_object_object_add(msg, "pad", json_object_new_string(pad));

	/* The slow client never reads; the fast one reads every message. */
	for (sent = 0; sent < 100000; sent++) {
		control_broadcast_event(self->ctl, msg);
		control_get_stats(self->ctl, &st);
		ASSERT_LT(0, recv(fast, buf, sizeof(buf), MSG_DONTWAIT)) {
			TH_LOG("fast client starved after %d events", sent);
		}
		if (st.counters.slow_dropped)
			break;
	}
	json_object_put(msg);

	EXPECT_EQ(1, st.counters.slow_dropped);
	EXPECT_EQ(1, st.subscribers);
	EXPECT_EQ(1, st.clients);
	TH_LOG("slow client dropped after %d events", sent);

	/* The slow client gets what was queued, then end of stream. */
	ssize_t n;

	while ((n = recv(slow, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	EXPECT_EQ(0, n);
	close(slow);
	close(fast);
}

TEST_F(server, bad_request_then_good_on_one_connection)
{
	int fd = client_connect(self->path);
	struct control_stats st;
	char buf[512];
	ssize_t n;

	ASSERT_LE(0, fd);
	ASSERT_EQ(3, send(fd, "\x01\x02\x03", 3, 0));
	n = pump_recv(self->d.event, fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(0, strncmp(buf, "{\"ok\":false,\"error\":\"not valid JSON",
			     35)) {
		TH_LOG("%s", buf);
	}
	ASSERT_EQ(18, send(fd, "{\"command\":\"info\"}", 18, 0));
	n = pump_recv(self->d.event, fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_STREQ("{\"ok\":true,\"result\":{}}", buf);

	control_get_stats(self->ctl, &st);
	EXPECT_EQ(2, st.counters.requests);
	EXPECT_EQ(1, st.counters.bad_requests);
	close(fd);
}

/* Without an Exchange client the Exchange requests get one clear error. */
TEST_F(server, contacts_without_exchange)
{
	static const char req[] = "{\"command\":\"contacts\",\"search\":\"bob\",\"offset\":3}";
	int fd = client_connect(self->path);
	char buf[512];
	ssize_t n;

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(req), send(fd, req, strlen(req), 0));
	n = pump_recv(self->d.event, fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_STREQ("{\"ok\":false,\"error\":\"Exchange not available (the daemon manages no network)\"}", buf);
	/* search belongs to contacts only */
	ASSERT_LT(0, send(fd, "{\"command\":\"voicemail\",\"search\":\"x\"}", 36, 0));
	n = pump_recv(self->d.event, fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(0, strncmp(buf, "{\"ok\":false,\"error\":\"unknown field", 34)) {
		TH_LOG("%s", buf);
	}
	close(fd);
}

TEST_F(server, shutdown_closes_clients_and_removes_socket)
{
	int fd = client_connect(self->path);
	char buf[16];

	ASSERT_LE(0, fd);
	sd_event_run(self->d.event, 10000);	/* accept it */
	control_free(self->ctl);
	self->ctl = NULL;
	EXPECT_EQ(0, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, access(self->path, F_OK));
	close(fd);
}

TEST_HARNESS_MAIN
