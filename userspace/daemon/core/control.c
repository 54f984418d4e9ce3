// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/call_control.h"
#include "core/control.h"
#include "core/diag.h"
#include "core/reload.h"
#include "core/slots.h"
#include "lib/control/control_proto.h"
#include "lib/util/list.h"
#include "lib/util/secret.h"
#include "exchange/exchange.h"
#include "trust/identity.h"
#include "update/update_client.h"

#define SUBSYS "control"

#define USEC_PER_SEC 1000000ULL

/* A desk phone has a handful of local clients; more is a runaway script. */
#define CONTROL_CLIENTS_MAX 64
#define CONTROL_BACKLOG 16
/* A request client that says nothing for this long is closed. */
#define CONTROL_IDLE_USEC (60 * USEC_PER_SEC)
/* After EMFILE, wait before accepting again rather than spin. */
#define CONTROL_ACCEPT_PAUSE_USEC (1 * USEC_PER_SEC)

struct control_client {
	struct list_node node;
	struct control *ctl;
	uint64_t id;
	int fd;
	sd_event_source *io;
	sd_event_source *idle;		/* NULL once subscribed to events */
	bool subscribed;
	/* A signin request whose password message is still to come. */
	struct control_request *signin;
};

struct control {
	struct ucphoned *d;
	const struct log *log;
	struct control_views views;
	char *path;
	char *lock_path;
	int lock_fd;
	int listen_fd;
	bool bound;			/* the socket file is ours to remove */
	sd_event_source *listen_source;
	sd_event_source *accept_pause;

	struct list_node clients;
	unsigned int n_clients;
	unsigned int n_subscribers;
	uint64_t next_client_id;
	struct control_counters counters;

	char *rx_buf;			/* CONTROL_REQUEST_MAX + 1 */
};

static void client_free(struct control_client *c)
{
	struct control *ctl = c->ctl;

	list_del(&c->node);
	ctl->n_clients--;
	if (c->subscribed)
		ctl->n_subscribers--;
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->idle);
	close(c->fd);
	log_debug(ctl->log, SUBSYS, "client closed", LOG_UINT("client", c->id));
	free(c->signin);
	free(c);
}

/* The wire form of msg: -ENOMEM, or -EMSGSIZE past the protocol's limit. */
static int encode(struct json_object *msg, const char **text, size_t *len)
{
	if (!msg)
		return -ENOMEM;
	*text = control_json_string(msg, len);
	if (!*text)
		return -ENOMEM;
	return *len > CONTROL_MESSAGE_MAX ? -EMSGSIZE : 0;
}

/* Never blocks: a full socket is -EAGAIN. SEQPACKET never sends half. */
static int send_text(int fd, const char *text, size_t len)
{
	if (send(fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

static int send_message(int fd, struct json_object *msg)
{
	const char *text;
	size_t len;
	int ret = encode(msg, &text, &len);

	return ret < 0 ? ret : send_text(fd, text, len);
}

/* Takes the reference to reply. Returns <0 when the client must go. */
static int client_reply(struct control_client *c, struct json_object *reply)
{
	int ret = send_message(c->fd, reply);

	json_object_put(reply);
	if (ret == -EMSGSIZE) {
		log_error(c->ctl->log, SUBSYS, "reply too large; not sent",
			  LOG_UINT("client", c->id));
		reply = control_reply_new_error("reply too large");
		ret = send_message(c->fd, reply);
		json_object_put(reply);
	}
	if (ret < 0)
		log_debug(c->ctl->log, SUBSYS, "cannot reply; closing client",
			  LOG_UINT("client", c->id), LOG_ERRNO(ret));
	return ret;
}

static struct json_object *subscribe(struct control_client *c)
{
	struct json_object *result = json_object_new_object();

	if (!c->subscribed) {
		c->subscribed = true;
		c->ctl->n_subscribers++;
		/* An events client may stay silent for as long as it likes. */
		c->idle = sd_event_source_disable_unref(c->idle);
	}
	if (result)
		json_object_object_add(result, "subscribed",
				       json_object_new_boolean(1));
	log_debug(c->ctl->log, SUBSYS, "client subscribed to events",
		  LOG_UINT("client", c->id));
	return result;
}

/* The reply to signin/signout: the identity as the status shows it. */
static struct json_object *identity_reply(struct control *ctl, int ret,
					  const char *error)
{
	struct json_object *result;

	if (ret < 0)
		return control_reply_new_error(error);
	result = identity_status(ctl->d->identity);
	return result ? control_reply_new_ok(result) :
			control_reply_new_error("out of memory");
}

/*
 * The message after a signin request: the password's raw bytes (see
 * control_proto.h). Every copy of it here is zeroed before return.
 */
static int handle_password(struct control_client *c, const char *buf,
			   size_t len)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX] = "";
	struct control *ctl = c->ctl;
	struct signin_identity *in;
	int ret = -EINVAL;

	in = calloc(1, sizeof(*in));
	if (!in) {
		ret = -ENOMEM;
		snprintf(error, sizeof(error), "out of memory");
	} else if (!len || len >= sizeof(in->password) || memchr(buf, '\0', len)) {
		snprintf(error, sizeof(error),
			 "password must be 1 to %zu bytes, without NUL",
			 sizeof(in->password) - 1);
	} else if (!ctl->d->identity) {
		snprintf(error, sizeof(error), "sign-in not available");
	} else {
		memcpy(in->address, c->signin->address, sizeof(in->address));
		memcpy(in->user, c->signin->user, sizeof(in->user));
		memcpy(in->password, buf, len);
		ret = identity_signin(ctl->d->identity, in, error);
	}
	free(c->signin);
	c->signin = NULL;
	secret_zero_free(in, sizeof(*in));
	if (ret < 0)
		log_info(ctl->log, SUBSYS, "sign-in refused",
			 LOG_UINT("client", c->id), LOG_STR("reason", error));
	return client_reply(c, identity_reply(ctl, ret, error));
}

static int handle_signin(struct control_client *c,
			 const struct control_request *req)
{
	c->signin = malloc(sizeof(*c->signin));
	if (!c->signin)
		return client_reply(c, control_reply_new_error("out of memory"));
	*c->signin = *req;
	/* No reply yet: the password comes as the next message. */
	return 0;
}

static int handle_signout(struct control_client *c)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX] = "sign-in not available";
	int ret = -ENODEV;

	if (c->ctl->d->identity)
		ret = identity_signout(c->ctl->d->identity, error);
	return client_reply(c, identity_reply(c->ctl, ret, error));
}

static struct control_client *client_find(struct control *ctl, uint64_t id)
{
	struct control_client *c, *tmp;

	list_for_each_entry_safe(c, tmp, &ctl->clients, node)
		if (c->id == id)
			return c;
	return NULL;
}

/* An Exchange lookup answered: the waiting client gets its reply and is heard again. */
static void on_lookup_reply(void *ctx, uint64_t client_id, int status,
			    struct json_object *result, const char *error)
{
	struct control_client *c = client_find(ctx, client_id);

	if (!c) {		/* it hung up meanwhile */
		json_object_put(result);
		return;
	}
	sd_event_source_set_enabled(c->io, SD_EVENT_ON);
	if (client_reply(c, status < 0 ? control_reply_new_error(error) :
				 control_reply_new_ok(result)) < 0)
		client_free(c);
}

/* Contacts and voice mail from Exchange, and a synchronisation on request. */
static int handle_exchange(struct control_client *c,
			   const struct control_request *req)
{
	struct exchange *x = c->ctl->d->exchange;
	struct json_object *result;
	const char *why = NULL;

	if (!x)
		return client_reply(c, control_reply_new_error(
			"Exchange not available (the daemon manages no network)"));
	if (req->command == CONTROL_CMD_DIRECTORY ||
	    req->command == CONTROL_CMD_VOICEMAIL_FETCH) {
		int ret = req->command == CONTROL_CMD_DIRECTORY ?
			  exchange_directory(x, req->arg, on_lookup_reply, c->ctl,
					     c->id, &why) :
			  exchange_fetch_recording(x, req->arg, on_lookup_reply,
						   c->ctl, c->id, &why);

		if (ret < 0)
			return client_reply(c, control_reply_new_error(why));
		/* The reply comes with Exchange's answer; until then, nothing more is read. */
		sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
		return 0;
	}
	if (req->command == CONTROL_CMD_EXCHANGE_SYNC) {
		if (exchange_sync_now(x, &why) < 0)
			return client_reply(c, control_reply_new_error(why));
		result = exchange_status(x);
	} else if (req->command == CONTROL_CMD_CONTACTS) {
		result = exchange_contacts(x, req->search, req->offset);
	} else {
		result = exchange_voicemail(x);
	}
	if (!result)
		return client_reply(c, control_reply_new_error("out of memory"));
	return client_reply(c, control_reply_new_ok(result));
}

/* ucphonectl update status | check [--allow-downgrade]. */
static int handle_update(struct control_client *c,
			 const struct control_request *req)
{
	struct update *u = c->ctl->d->update;
	struct json_object *result;
	const char *why = NULL;

	if (!u)
		return client_reply(c, control_reply_new_error(
			"Device Update not available (the daemon manages no network)"));
	if (!strcmp(req->arg, "check") ||
	    !strcmp(req->arg, "check --allow-downgrade")) {
		if (update_check_now(u, strcmp(req->arg, "check") != 0, &why) < 0)
			return client_reply(c, control_reply_new_error(why));
	} else if (strcmp(req->arg, "status")) {
		return client_reply(c, control_reply_new_error(
			"update wants status, check or check --allow-downgrade"));
	}
	result = slots_update_status(c->ctl->d);
	if (!result)
		return client_reply(c, control_reply_new_error("out of memory"));
	return client_reply(c, control_reply_new_ok(result));
}

/*
 * buf holds at most CONTROL_REQUEST_MAX + 1 bytes: recv() cut a longer
 * request to that (SEQPACKET drops the rest), and the parser refuses it as
 * too large.
 */
static int handle_request(struct control_client *c, const char *buf,
			  size_t len)
{
	struct control *ctl = c->ctl;
	char error[CONTROL_ERROR_MAX];
	struct control_request req;
	struct json_object *result = NULL;

	ctl->counters.requests++;
	if (control_request_parse(buf, len, &req, error) < 0) {
		ctl->counters.bad_requests++;
		log_debug(ctl->log, SUBSYS, "bad request",
			  LOG_UINT("client", c->id), LOG_STR("reason", error));
		return client_reply(c, control_reply_new_error(error));
	}

	switch (req.command) {
	case CONTROL_CMD_INFO:
		result = ctl->views.info(ctl->views.userdata);
		break;
	case CONTROL_CMD_EVENTS:
		result = subscribe(c);
		break;
	case CONTROL_CMD_STATUS:
		result = ctl->views.status(ctl->views.userdata);
		break;
	case CONTROL_CMD_SIGNIN:
		return handle_signin(c, &req);
	case CONTROL_CMD_SIGNOUT:
		return handle_signout(c);
	case CONTROL_CMD_RELOAD:
		result = daemon_reload(ctl->d, error);
		if (!result)
			return client_reply(c, control_reply_new_error(error));
		break;
	case CONTROL_CMD_DIAG:
		result = diag_build(ctl->d);
		break;
	case CONTROL_CMD_DIAL:
	case CONTROL_CMD_ANSWER:
	case CONTROL_CMD_HANGUP:
	case CONTROL_CMD_CALLS:
	case CONTROL_CMD_DTMF:
	case CONTROL_CMD_PRESS:
	case CONTROL_CMD_HOLD:
	case CONTROL_CMD_RESUME:
	case CONTROL_CMD_SWAP:
	case CONTROL_CMD_CONFERENCE:
	case CONTROL_CMD_TRANSFER:
	case CONTROL_CMD_TRANSFER_ATTENDED:
	case CONTROL_CMD_FORWARD:
	case CONTROL_CMD_DND:
	case CONTROL_CMD_MUTE:
	case CONTROL_CMD_VOLUME:
	case CONTROL_CMD_CALLLOG:
		error[0] = '\0';
		result = call_control(ctl->d, &req, error);
		if (!result && error[0])
			return client_reply(c, control_reply_new_error(error));
		break;
	case CONTROL_CMD_CONTACTS:
	case CONTROL_CMD_VOICEMAIL:
	case CONTROL_CMD_EXCHANGE_SYNC:
	case CONTROL_CMD_DIRECTORY:
	case CONTROL_CMD_VOICEMAIL_FETCH:
		return handle_exchange(c, &req);
	case CONTROL_CMD_UPDATE:
		return handle_update(c, &req);
	case __CONTROL_CMD_COUNT:
		break;
	}
	if (!result)
		return client_reply(c, control_reply_new_error("out of memory"));
	return client_reply(c, control_reply_new_ok(result));
}

static int on_client_io(sd_event_source *source, int fd, uint32_t revents,
			void *userdata)
{
	struct control_client *c = userdata;
	struct control *ctl = c->ctl;
	ssize_t n;
	int ret;

	(void)source;

	if (!(revents & EPOLLIN)) {
		client_free(c);		/* EPOLLHUP or EPOLLERR alone */
		return 0;
	}

	/* One request per wakeup: the loop comes back while more wait. */
	n = recv(fd, ctl->rx_buf, CONTROL_REQUEST_MAX + 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		client_free(c);		/* gone, possibly mid-request */
		return 0;
	}

	if (c->idle)
		sd_event_source_set_time_relative(c->idle, CONTROL_IDLE_USEC);
	if (c->signin)
		ret = handle_password(c, ctl->rx_buf, (size_t)n);
	else
		ret = handle_request(c, ctl->rx_buf, (size_t)n);
	/* The buffer may have held a password. */
	secret_zero(ctl->rx_buf, (size_t)n);
	if (ret < 0)
		client_free(c);
	return 0;
}

static int on_client_idle(sd_event_source *source, uint64_t usec,
			  void *userdata)
{
	struct control_client *c = userdata;

	(void)source;
	(void)usec;
	c->ctl->counters.idle_closed++;
	log_debug(c->ctl->log, SUBSYS, "idle client closed",
		  LOG_UINT("client", c->id));
	client_free(c);
	return 0;
}

static void refuse_client(struct control *ctl, int fd)
{
	struct json_object *reply = control_reply_new_error("too many clients");

	ctl->counters.clients_refused++;
	send_message(fd, reply);
	json_object_put(reply);
	close(fd);
	log_warning(ctl->log, SUBSYS, "too many clients; connection refused",
		    LOG_UINT("limit", CONTROL_CLIENTS_MAX));
}

static int add_client(struct control *ctl, int fd)
{
	struct control_client *c;
	struct ucred cred = { 0 };
	socklen_t cred_len = sizeof(cred);
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->ctl = ctl;
	c->fd = fd;
	c->id = ++ctl->next_client_id;
	list_add_tail(&c->node, &ctl->clients);
	ctl->n_clients++;

	ret = sd_event_add_io(ctl->d->event, &c->io, fd, EPOLLIN,
			      on_client_io, c);
	if (ret >= 0)
		ret = sd_event_add_time_relative(ctl->d->event, &c->idle,
						 CLOCK_MONOTONIC,
						 CONTROL_IDLE_USEC,
						 USEC_PER_SEC, on_client_idle,
						 c);
	if (ret < 0) {
		client_free(c);		/* closes fd */
		return ret;
	}

	ctl->counters.clients_accepted++;
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len);
	log_debug(ctl->log, SUBSYS, "client connected", LOG_UINT("client", c->id),
		  LOG_INT("pid", cred.pid), LOG_UINT("uid", cred.uid));
	return 0;
}

static int on_accept_resume(sd_event_source *source, uint64_t usec,
			    void *userdata)
{
	struct control *ctl = userdata;

	(void)source;
	(void)usec;
	ctl->accept_pause = sd_event_source_disable_unref(ctl->accept_pause);
	sd_event_source_set_enabled(ctl->listen_source, SD_EVENT_ON);
	return 0;
}

static void pause_accepting(struct control *ctl, int error)
{
	log_warning(ctl->log, SUBSYS, "cannot accept clients for now",
		    LOG_ERRNO(error));
	sd_event_source_set_enabled(ctl->listen_source, SD_EVENT_OFF);
	if (!ctl->accept_pause)
		sd_event_add_time_relative(ctl->d->event, &ctl->accept_pause,
					   CLOCK_MONOTONIC,
					   CONTROL_ACCEPT_PAUSE_USEC, 0,
					   on_accept_resume, ctl);
}

static int on_listen(sd_event_source *source, int listen_fd, uint32_t revents,
		     void *userdata)
{
	struct control *ctl = userdata;
	int ret;

	(void)source;
	(void)revents;

	for (int i = 0; i < CONTROL_BACKLOG; i++) {
		int fd = accept4(listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/*
			 * EMFILE and friends: the connection stays queued
			 * and the level-triggered loop would spin on it.
			 */
			pause_accepting(ctl, errno);
			break;
		}
		if (ctl->n_clients >= CONTROL_CLIENTS_MAX) {
			refuse_client(ctl, fd);
			continue;
		}
		ret = add_client(ctl, fd);	/* closes fd on failure */
		if (ret < 0)
			log_error(ctl->log, SUBSYS, "cannot add client",
				  LOG_ERRNO(ret));
	}
	return 0;
}

void control_broadcast_event(struct control *ctl, struct json_object *msg)
{
	struct control_client *c, *tmp;
	const char *text;
	size_t len;
	int ret;

	if (!ctl || ctl->n_subscribers == 0)
		return;
	ret = encode(msg, &text, &len);
	if (ret < 0) {
		log_error(ctl->log, SUBSYS, "event not sent", LOG_ERRNO(ret));
		return;
	}

	list_for_each_entry_safe(c, tmp, &ctl->clients, node) {
		if (!c->subscribed)
			continue;
		ret = send_text(c->fd, text, len);
		if (ret == 0) {
			ctl->counters.events_sent++;
			continue;
		}
		if (ret == -EAGAIN) {
			ctl->counters.slow_dropped++;
			log_warning(ctl->log, SUBSYS,
				    "events client too slow; dropped",
				    LOG_UINT("client", c->id));
		}
		client_free(c);
	}
}

/* A path's directory: made (0755, so the socket can be reached) if absent. */
static int make_parent_dir(struct control *ctl)
{
	char *copy = strdup(ctl->path);
	const char *dir;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (mkdir(dir, 0755) == 0) {
		chmod(dir, 0755);	/* umask would narrow it */
		log_info(ctl->log, SUBSYS, "created control socket directory",
			 LOG_STR("path", dir));
	} else if (errno != EEXIST) {
		ret = -errno;
		log_error(ctl->log, SUBSYS,
			  "cannot create control socket directory",
			  LOG_STR("path", dir), LOG_ERRNO(ret));
	}
	free(copy);
	return ret;
}

static int take_lock(struct control *ctl)
{
	ctl->lock_fd = open(ctl->lock_path,
			    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (ctl->lock_fd < 0) {
		int ret = -errno;

		log_error(ctl->log, SUBSYS, "cannot open lock file",
			  LOG_STR("path", ctl->lock_path), LOG_ERRNO(ret));
		return ret;
	}
	if (flock(ctl->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int ret = errno == EWOULDBLOCK ? -EADDRINUSE : -errno;

		if (ret == -EADDRINUSE)
			log_error(ctl->log, SUBSYS,
				  "another ucphoned is already running",
				  LOG_STR("path", ctl->path));
		else
			log_error(ctl->log, SUBSYS, "cannot lock",
				  LOG_STR("path", ctl->lock_path),
				  LOG_ERRNO(ret));
		return ret;
	}
	return 0;
}

/* With the lock held, whatever socket is at path was left by a crash. */
static int clear_stale_socket(struct control *ctl,
			      const struct sockaddr_un *addr)
{
	struct stat st;
	int probe, ret;

	if (lstat(ctl->path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		goto fail_errno;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_error(ctl->log, SUBSYS, "path exists and is not a socket",
			  LOG_STR("path", ctl->path));
		return -EEXIST;
	}

	/* Belt and braces: someone without our lock may still serve it. */
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe < 0)
		goto fail_errno;
	ret = connect(probe, (const struct sockaddr *)addr, sizeof(*addr));
	close(probe);
	if (ret == 0) {
		log_error(ctl->log, SUBSYS,
			  "another ucphoned is already running",
			  LOG_STR("path", ctl->path));
		return -EADDRINUSE;
	}
	if (unlink(ctl->path) < 0)
		goto fail_errno;
	log_info(ctl->log, SUBSYS, "removed stale control socket",
		 LOG_STR("path", ctl->path));
	return 0;

fail_errno:
	ret = -errno;
	log_error(ctl->log, SUBSYS, "cannot replace stale control socket",
		  LOG_STR("path", ctl->path), LOG_ERRNO(ret));
	return ret;
}

static int open_listener(struct control *ctl)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int ret;

	if (strlen(ctl->path) >= sizeof(addr.sun_path)) {
		log_error(ctl->log, SUBSYS, "control socket path too long",
			  LOG_STR("path", ctl->path),
			  LOG_UINT("limit", sizeof(addr.sun_path) - 1));
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, ctl->path, strlen(ctl->path) + 1);

	ret = make_parent_dir(ctl);
	if (ret == 0)
		ret = take_lock(ctl);
	if (ret == 0)
		ret = clear_stale_socket(ctl, &addr);
	if (ret < 0)
		return ret;

	ctl->listen_fd = socket(AF_UNIX,
				SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
				0);
	if (ctl->listen_fd < 0)
		goto fail_errno;
	if (bind(ctl->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail_errno;
	ctl->bound = true;
	/* Root and the phone's operator group may talk to the daemon. */
	if (chmod(ctl->path, 0660) < 0)
		goto fail_errno;
	if (listen(ctl->listen_fd, CONTROL_BACKLOG) < 0)
		goto fail_errno;
	return 0;

fail_errno:
	ret = -errno;
	log_error(ctl->log, SUBSYS, "cannot open control socket",
		  LOG_STR("path", ctl->path), LOG_ERRNO(ret));
	return ret;
}

int control_new(struct ucphoned *d, const char *path,
		const struct control_views *views, struct control **out)
{
	struct control *ctl;
	int ret;

	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	ctl->d = d;
	ctl->log = &d->log;
	ctl->views = *views;
	ctl->lock_fd = -1;
	ctl->listen_fd = -1;
	list_init(&ctl->clients);

	ctl->path = strdup(path);
	if (ctl->path && asprintf(&ctl->lock_path, "%s.lock", path) < 0)
		ctl->lock_path = NULL;
	ctl->rx_buf = malloc(CONTROL_REQUEST_MAX + 1);
	if (!ctl->path || !ctl->lock_path || !ctl->rx_buf) {
		ret = -ENOMEM;
		goto fail;
	}

	ret = open_listener(ctl);
	if (ret < 0)
		goto fail;
	ret = sd_event_add_io(d->event, &ctl->listen_source, ctl->listen_fd,
			      EPOLLIN, on_listen, ctl);
	if (ret < 0)
		goto fail;
	sd_event_source_set_description(ctl->listen_source, "control-listen");

	log_info(ctl->log, SUBSYS, "listening", LOG_STR("path", path));
	*out = ctl;
	return 0;

fail:
	control_free(ctl);
	return ret;
}

void control_free(struct control *ctl)
{
	struct control_client *c, *tmp;

	if (!ctl)
		return;
	list_for_each_entry_safe(c, tmp, &ctl->clients, node)
		client_free(c);
	sd_event_source_disable_unref(ctl->listen_source);
	sd_event_source_disable_unref(ctl->accept_pause);
	if (ctl->listen_fd >= 0)
		close(ctl->listen_fd);
	/* Only while we hold the lock is the file certainly ours. */
	if (ctl->bound && unlink(ctl->path) < 0)
		log_warning(ctl->log, SUBSYS, "cannot remove control socket",
			    LOG_STR("path", ctl->path), LOG_ERRNO(errno));
	if (ctl->lock_fd >= 0)
		close(ctl->lock_fd);
	free(ctl->rx_buf);
	free(ctl->lock_path);
	free(ctl->path);
	free(ctl);
}

void control_get_stats(const struct control *ctl, struct control_stats *st)
{
	st->clients = ctl->n_clients;
	st->subscribers = ctl->n_subscribers;
	st->counters = ctl->counters;
}
