/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UI's two connections to ucphoned's control socket: one subscribed
 * to events, one asking for the status every second (and carrying the
 * sign-in the user typed). Both reconnect every second while the daemon
 * is away; the model hears "daemon up" once both are connected.
 */
#ifndef UCPHONE_UI_LINK_H
#define UCPHONE_UI_LINK_H

#include <stdbool.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

struct ui_link;

struct ui_link_ops {
	void (*up)(void *ctx, bool up);
	void (*status)(void *ctx, struct json_object *result);
	void (*event)(void *ctx, struct json_object *event);
	/* The answer to ui_link_signin(): NULL error means accepted. */
	void (*signin)(void *ctx, const char *error);
	/* The answer to ui_link_request(): result, or NULL and the error. */
	void (*reply)(void *ctx, int tag, struct json_object *result,
		      const char *error);
};

struct ui_link *ui_link_new(sd_event *loop, const char *path,
			    const struct ui_link_ops *ops, void *ctx);
void ui_link_free(struct ui_link *l);

/*
 * Sends the sign-in (the password as its own message, control_proto.h).
 * The password is not kept. 0, -EBUSY (one at a time) or -errno.
 */
int ui_link_signin(struct ui_link *l, const char *address, const char *user,
		   const char *password);

/*
 * Sends one command ("contacts", "calllog", "voicemail", "dial" with a
 * target) on the status connection; its answer comes to ops->reply with
 * tag. 0, -EBUSY (one request at a time: try again later) or -errno.
 */
int ui_link_request(struct ui_link *l, const char *command, const char *target,
		    int tag);

#endif /* UCPHONE_UI_LINK_H */
