/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Calls in the daemon: the call manager (call.c) on the sd-event loop.
 * It takes the SIP messages the transaction layer hands over, sends on
 * the connection the phone is registered on (the RFC 5626 flow to the
 * registrar), signs with the registered account, feeds the manager the
 * hook and keypad events, runs the media through media_link (SDP and the
 * media engine), and tells control clients about every change with a
 * {"event":"call", ...} message.
 */
#ifndef UCPHONED_CALL_CALLS_H
#define UCPHONED_CALL_CALLS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "core/daemon.h"
#include "lib/netlink/ucphone_nl.h"

struct calls;

/* After signin_new(). Without a usable sound path calls stay unavailable. */
/*
 * Who hears about calls: each change of a call's state, as a JSON event
 * {"event":"call","call":{...}} (the listener does not take the reference).
 */
struct calls_listener {
	void (*changed)(void *userdata, struct json_object *event);
	void *userdata;
};

int calls_new(struct ucphoned *d, const struct calls_listener *listener,
	      struct calls **out);
void calls_free(struct calls *c);

/* A hook or key event (the keypad driver's, or `ucphonectl press`). */
void calls_on_event(struct calls *c, const struct ucphone_event *ev);
/* The line in front rings (an incoming call not answered yet). */
bool calls_ringing(const struct calls *c);
/* The speakerphone's echo canceller on (speaker route) or off. */
void calls_set_echo_cancel(struct calls *c, bool on);

int calls_dial(struct calls *c, const char *target, char *why, size_t why_len);
int calls_answer(struct calls *c);
int calls_hangup(struct calls *c);
int calls_dtmf(struct calls *c, const char *digits);
/* HOLD and its resume: call_hold(), call_resume(). */
int calls_hold(struct calls *c);
int calls_resume(struct calls *c);
/* The active call on hold, the other one resumed (call waiting, consultation). */
int calls_swap(struct calls *c);
/* The held call and the active one bridged (call_set_conference()). */
int calls_conference(struct calls *c, char *why, size_t why_len);
/* The held call transferred to the active one (REFER with Replaces). */
int calls_transfer_attended(struct calls *c, char *why, size_t why_len);
/* Blind transfer of the active call to target (REFER). */
int calls_transfer(struct calls *c, const char *target, char *why,
		   size_t why_len);

/* The `calls` view. */
struct json_object *calls_status(const struct calls *c);

#endif /* UCPHONED_CALL_CALLS_H */
