// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/input-event-codes.h>

#include "call/calllog.h"
#include "call/calls_features.h"
#include "call/forward.h"
#include "media/media.h"
#include "sip/signin.h"

#define SUBSYS "call"

struct json_object *calls_features_status(const struct calls *c)
{
	struct json_object *o = json_object_new_object();
	const struct forward_rules *r = calls_forward_rules((struct calls *)c);

	if (!o)
		return NULL;
	json_object_object_add(o, "forwarding", forward_status(r));
	json_object_object_add(o, "dnd", json_object_new_boolean(r->dnd));
	json_object_object_add(o, "muted",
			       json_object_new_boolean(media_engine_muted(calls_media(c))));
	json_object_object_add(o, "missed_calls",
			       json_object_new_int64(calllog_missed(calls_log(c))));
	return o;
}

void calls_add_features(const struct calls *c, struct json_object *o)
{
	json_object_object_add(o, "features", calls_features_status(c));
}

/* A new rule set: saved, then in force (kept in force if it cannot be saved). */
static int saved(struct calls *c, const struct forward_rules *before,
		 char *why, size_t len)
{
	struct ucphoned *d = calls_daemon(c);
	int ret = forward_save(calls_forward_rules(c), d->state_dir_fd);

	if (ret < 0) {
		*calls_forward_rules(c) = *before;
		snprintf(why, len, "cannot save the forwarding rules: %s",
			 strerror(-ret));
		return ret;
	}
	log_info(&d->log, SUBSYS, "forwarding rules changed");
	calls_notify(c);
	return 0;
}

int calls_forward(struct calls *c, const char *setting, char *why, size_t len)
{
	struct forward_rules before = *calls_forward_rules(c);
	int ret = forward_set(calls_forward_rules(c), setting, why, len);

	if (ret < 0) {
		*calls_forward_rules(c) = before;
		return ret;
	}
	return saved(c, &before, why, len);
}

int calls_dnd(struct calls *c, const char *setting, char *why, size_t len)
{
	struct forward_rules before = *calls_forward_rules(c);
	int ret = forward_set_dnd(calls_forward_rules(c), setting, why, len);

	if (ret < 0) {
		*calls_forward_rules(c) = before;
		return ret;
	}
	return saved(c, &before, why, len);
}

int calls_mute(struct calls *c, const char *setting, char *why, size_t len)
{
	struct media_engine *e = calls_media(c);
	bool on;

	if (!strcmp(setting, "toggle"))
		on = !media_engine_muted(e);
	else if (!strcmp(setting, "on") || !strcmp(setting, "off"))
		on = !strcmp(setting, "on");
	else {
		snprintf(why, len, "mute [on|off] (no argument: toggle)");
		return -EINVAL;
	}
	media_engine_set_mute(e, on);
	log_info(&calls_daemon(c)->log, SUBSYS, on ? "microphone muted" :
		 "microphone live");
	calls_notify(c);
	return 0;
}

int calls_redial(struct calls *c, char *why, size_t len)
{
	const struct calllog_entry *e = calllog_last_placed(calls_log(c));

	if (!e) {
		snprintf(why, len, "no number dialled yet");
		return -ENOENT;
	}
	return calls_dial(c, e->uri, why, len);
}

int calls_voicemail(struct calls *c, char *why, size_t len)
{
	struct ucphoned *d = calls_daemon(c);
	const char *uri = d->signin ? signin_provisioned(d->signin, "voicemailUri") :
			  NULL;

	if (!uri || !*uri) {
		snprintf(why, len, "no voice mail number provisioned");
		return -ENOENT;
	}
	return calls_dial(c, uri, why, len);
}

struct json_object *calls_calllog(struct calls *c)
{
	struct calllog *log = calls_log(c);
	struct json_object *o = calllog_json(log);
	int ret = calllog_seen(log);

	if (ret < 0)
		log_error(&calls_daemon(c)->log, SUBSYS, "cannot save the call log",
			  LOG_ERRNO(ret));
	calls_notify(c);
	return o;
}

void calls_feature_key(struct calls *c, uint32_t code)
{
	char why[160];
	int ret = 0;

	switch (code) {
	case KEY_LAST:
		ret = calls_redial(c, why, sizeof(why));
		break;
	case KEY_VOICEMAIL:
		ret = calls_voicemail(c, why, sizeof(why));
		break;
	case KEY_MICMUTE:
		ret = calls_mute(c, "toggle", why, sizeof(why));
		break;
	default:
		return;
	}
	if (ret < 0)
		log_info(&calls_daemon(c)->log, SUBSYS, "key does nothing now",
			 LOG_STR("why", why));
}
