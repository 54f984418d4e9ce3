/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's JSON (status replies, events) into the model's inputs. The
 * JSON is not trusted: a missing or mistyped member reads as "not known".
 *
 * Calls: the daemon's event stream carries {"event":"call","call":{...}},
 * the call manager with "calls", an array of call objects
 *   {"state":"calling|ringing-out|ringing-in|connected|held|ending",
 *    "far_end":"sip:bob@corp.test","codec":"PCMU","srtp":true,...}
 * and ui_feed_call() is the one function that reads a call object. An
 * empty array after a call ends it; one that only rang counts as missed.
 */
#ifndef UCPHONE_UI_FEED_H
#define UCPHONE_UI_FEED_H

#include <json-c/json.h>

#include "ui/model.h"

/* A `status` result into st. */
void ui_feed_status(struct json_object *result, struct ui_status *st);
/*
 * The daemon's update object (the "update" event, or the status's update
 * section): state, percent, offered, pending_restart, last_error. False
 * when it has no state.
 */
bool ui_feed_update(struct json_object *obj, struct ui_update *u);
/* A call object into call; false if it is not one. */
bool ui_feed_call(struct json_object *obj, struct ui_call *call);

/* A kernel key code (KEY_*) into the phone's key; UI_KEY_NONE if none. */
enum ui_key ui_feed_keycode(unsigned int code);

/*
 * One event from the stream into the model: calls, the reset button and,
 * when keys_from_events, "key" and "hook" events (the same presses the
 * daemon sees).
 */
void ui_feed_event(struct ui_model *m, struct json_object *event,
		   bool keys_from_events, uint64_t now_usec);

#endif /* UCPHONE_UI_FEED_H */
