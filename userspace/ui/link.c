// SPDX-License-Identifier: GPL-2.0-only
/* The UI's connections to the control socket (link.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/control/control_proto.h"
#include "lib/util/secret.h"
#include "ui/link.h"

#define RETRY_USEC 1000000ULL
#define STATUS_USEC 1000000ULL

enum pending {
	PENDING_NONE,
	PENDING_STATUS,
	PENDING_SIGNIN,
	PENDING_REQUEST,
};

struct conn {
	int fd;
	sd_event_source *io;
	bool subscribed;	/* events connection: reply seen */
};

struct ui_link {
	sd_event *loop;
	char *path;
	const struct ui_link_ops *ops;
	void *ctx;
	struct conn events, status;
	enum pending pending;
	int tag;		/* PENDING_REQUEST's */
	bool up;
	sd_event_source *timer;
	char *buf;		/* CONTROL_MESSAGE_MAX + 1 */
};

static void conn_close(struct conn *c)
{
	c->io = sd_event_source_disable_unref(c->io);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->subscribed = false;
}

static void set_up(struct ui_link *l, bool up)
{
	if (l->up == up)
		return;
	l->up = up;
	l->ops->up(l->ctx, up);
}

static void lost(struct ui_link *l)
{
	conn_close(&l->events);
	conn_close(&l->status);
	if (l->pending == PENDING_SIGNIN)
		l->ops->signin(l->ctx, "Lost the phone service");
	if (l->pending == PENDING_REQUEST)
		l->ops->reply(l->ctx, l->tag, NULL, "Lost the phone service");
	l->pending = PENDING_NONE;
	set_up(l, false);
}

static int send_command(struct conn *c, const char *name)
{
	struct json_object *req = control_request_new(name);
	const char *text;
	size_t len;
	int ret;

	if (!req)
		return -ENOMEM;
	text = control_json_string(req, &len);
	ret = send(c->fd, text, len, MSG_NOSIGNAL) < 0 ? -errno : 0;
	json_object_put(req);
	return ret;
}

/* One message from c into l->buf; its length, 0 to wait, or -errno. */
static ssize_t receive(struct ui_link *l, struct conn *c)
{
	ssize_t n = recv(c->fd, l->buf, CONTROL_MESSAGE_MAX + 1, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		return -errno;
	if (n == 0 || n > CONTROL_MESSAGE_MAX)
		return -ECONNRESET;
	return n;
}

static int on_events(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ui_link *l = userdata;
	char error[CONTROL_ERROR_MAX];
	struct control_reply reply;
	struct json_object *ev;
	ssize_t n = receive(l, &l->events);

	(void)s;
	(void)fd;
	(void)revents;
	if (n == 0)
		return 0;
	if (n < 0) {
		lost(l);
		return 0;
	}
	if (!l->events.subscribed) {
		if (control_reply_parse(l->buf, (size_t)n, &reply, error) < 0 || !reply.ok) {
			if (reply.root)
				control_reply_release(&reply);
			lost(l);
			return 0;
		}
		control_reply_release(&reply);
		l->events.subscribed = true;
		if (l->status.fd >= 0)
			set_up(l, true);
		return 0;
	}
	if (control_event_parse(l->buf, (size_t)n, &ev, error) < 0)
		return 0;
	l->ops->event(l->ctx, ev);
	json_object_put(ev);
	return 0;
}

static int on_status(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ui_link *l = userdata;
	char error[CONTROL_ERROR_MAX];
	struct control_reply reply;
	enum pending was = l->pending;
	ssize_t n = receive(l, &l->status);

	(void)s;
	(void)fd;
	(void)revents;
	if (n == 0)
		return 0;
	if (n < 0) {
		lost(l);
		return 0;
	}
	l->pending = PENDING_NONE;
	memset(&reply, 0, sizeof(reply));
	if (control_reply_parse(l->buf, (size_t)n, &reply, error) < 0) {
		if (was == PENDING_SIGNIN)
			l->ops->signin(l->ctx, error);
		if (was == PENDING_REQUEST)
			l->ops->reply(l->ctx, l->tag, NULL, error);
		return 0;
	}
	if (was == PENDING_SIGNIN)
		l->ops->signin(l->ctx, reply.ok ? NULL : reply.error);
	else if (was == PENDING_STATUS && reply.ok)
		l->ops->status(l->ctx, reply.result);
	else if (was == PENDING_REQUEST)
		l->ops->reply(l->ctx, l->tag, reply.ok ? reply.result : NULL,
			      reply.ok ? NULL : reply.error);
	control_reply_release(&reply);
	return 0;
}

static int conn_open(struct ui_link *l, struct conn *c, sd_event_io_handler_t cb)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int ret;

	if (strlen(l->path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, l->path, strlen(l->path) + 1);
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ret = -errno;
		conn_close(c);
		return ret;
	}
	ret = sd_event_add_io(l->loop, &c->io, c->fd, EPOLLIN, cb, l);
	if (ret < 0)
		conn_close(c);
	return ret;
}

static void connect_both(struct ui_link *l)
{
	if (conn_open(l, &l->events, on_events) < 0 ||
	    send_command(&l->events, "events") < 0 ||
	    conn_open(l, &l->status, on_status) < 0) {
		conn_close(&l->events);
		conn_close(&l->status);
	}
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ui_link *l = userdata;

	if (l->events.fd < 0)
		connect_both(l);
	if (l->status.fd >= 0 && l->pending == PENDING_NONE) {
		if (send_command(&l->status, "status") < 0)
			lost(l);
		else
			l->pending = PENDING_STATUS;
	}
	sd_event_source_set_time(s, usec + (l->up ? STATUS_USEC : RETRY_USEC));
	return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

int ui_link_signin(struct ui_link *l, const char *address, const char *user,
		   const char *password)
{
	struct json_object *req;
	const char *text;
	size_t len;
	int ret = 0;

	if (l->status.fd < 0)
		return -ENOTCONN;
	if (l->pending != PENDING_NONE)
		return -EBUSY;
	len = strlen(password);
	if (len == 0 || len >= CONTROL_SIGNIN_FIELD_MAX)
		return -EINVAL;
	req = control_request_new_signin(address, user);
	if (!req)
		return -ENOMEM;
	text = control_json_string(req, &len);
	if (send(l->status.fd, text, len, MSG_NOSIGNAL) < 0 ||
	    send(l->status.fd, password, strlen(password), MSG_NOSIGNAL) < 0)
		ret = -errno;
	json_object_put(req);
	if (ret == 0)
		l->pending = PENDING_SIGNIN;
	return ret;
}

int ui_link_request(struct ui_link *l, const char *command, const char *target,
		    int tag)
{
	struct json_object *req;
	const char *text;
	size_t len;
	int ret = 0;

	if (l->status.fd < 0)
		return -ENOTCONN;
	if (l->pending != PENDING_NONE)
		return -EBUSY;
	if (target && strlen(target) >= CONTROL_SIGNIN_FIELD_MAX)
		return -EINVAL;
	req = target ? control_request_new_arg(command, target) :
	      control_request_new(command);
	if (!req)
		return -ENOMEM;
	text = control_json_string(req, &len);
	if (send(l->status.fd, text, len, MSG_NOSIGNAL) < 0)
		ret = -errno;
	json_object_put(req);
	if (ret == 0) {
		l->pending = PENDING_REQUEST;
		l->tag = tag;
	}
	return ret;
}

struct ui_link *ui_link_new(sd_event *loop, const char *path,
			    const struct ui_link_ops *ops, void *ctx)
{
	struct ui_link *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->loop = sd_event_ref(loop);
	l->ops = ops;
	l->ctx = ctx;
	l->events.fd = -1;
	l->status.fd = -1;
	l->path = strdup(path);
	l->buf = malloc(CONTROL_MESSAGE_MAX + 1);
	if (!l->path || !l->buf ||
	    sd_event_add_time_relative(loop, &l->timer, CLOCK_MONOTONIC, 0, 0,
				       on_timer, l) < 0) {
		ui_link_free(l);
		return NULL;
	}
	return l;
}

void ui_link_free(struct ui_link *l)
{
	if (!l)
		return;
	conn_close(&l->events);
	conn_close(&l->status);
	sd_event_source_disable_unref(l->timer);
	sd_event_unref(l->loop);
	free(l->path);
	free(l->buf);
	free(l);
}
