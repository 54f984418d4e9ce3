/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's lines: more than one call at a time. Each line is one call
 * manager (call/call.h); the set hands each SIP message to the line whose
 * call it belongs to, a new call arriving during a call to a free line
 * (call waiting: it rings with the call-waiting tone over the call and an
 * event, or is refused 486 Busy Here when call waiting is off), and the
 * keys, the hook and the user's actions to the active line.
 *
 *   answer    a waiting call: the active call goes on hold, the waiting
 *             one is answered and becomes the active line
 *   resume    the active line held by the phone: any other call up goes
 *             on hold first; with the active call up and another held:
 *             a swap
 *   swap      the active call on hold, the held one resumed and active
 *   dial      while the active call is on hold: a new call on a free line
 *   NEW CALL  (key) the call up on hold, a free line off hook with dial
 *             tone; digits pressed while the call is on hold do the same
 *   hangup    the active call; a held call then becomes the active line
 *             (still held: resume takes it back)
 *   conference  the active call and the held one bridged by the phone
 *   transfer  a REFER for the active call (blind transfer); attended: the
 *             held call REFERred to the active call's far end with
 *             Replaces, both calls end once it succeeded
 *
 * An INVITE with Replaces naming a call that is up takes it over: it is
 * answered at once on a free line and the old call ends (481 when no
 * such call exists).
 *
 * A REFER received on a line (the far end transfers the phone) makes the
 * new call on a free line, which becomes the active one; its outcome
 * goes back to the transferor in NOTIFYs (200 once it is answered).
 *
 * Forwarding, Do Not Disturb and the call log (call_env.forward, .ended)
 * apply to every line: a call arriving during a call with call waiting
 * off goes to the active line, busy (the busy rule's 302, else 486). The
 * phone's own call coming back to it (a line's Call-ID) is busy too.
 *
 * The environment is one call manager's (struct call_env): the set shares
 * each timer between the lines (armed at the earliest line's time) and
 * plays one tone (the active line's, or the call-waiting tone).
 */
#ifndef UCPHONED_CALL_CALL_SET_H
#define UCPHONED_CALL_CALL_SET_H

#include <stdbool.h>

#include "call/call.h"

#define CALL_SET_LINES 3

struct call_set_config {
	bool call_waiting;	/* false: a call during a call gets 486 */
};

struct call_set;

int call_set_new(const struct call_env *env, const struct call_set_config *cfg,
		 struct call_set **out);
void call_set_free(struct call_set *s);

/* As call_dial(); on a free line when the active call is on hold. */
int call_set_dial(struct call_set *s, const char *target, char *why,
		  size_t why_len);
/* The ringing call, or the waiting one (holding the active). -ENOENT. */
int call_set_answer(struct call_set *s);
/* The active call; with none, a waiting call is declined. -ENOENT. */
int call_set_hangup(struct call_set *s);
/* Blind transfer of the active call (call_transfer()). */
int call_set_transfer(struct call_set *s, const char *target, char *why,
		      size_t why_len);
/*
 * Attended transfer: the held call is REFERred to the active one's far
 * end with Replaces naming the active call (RFC 3891, RFC 5589); once the
 * NOTIFY says 200 both calls end. -ENOENT: not two calls.
 */
int call_set_transfer_attended(struct call_set *s, char *why, size_t why_len);
int call_set_dtmf(struct call_set *s, const char *digits);
/* With a conference: every leg on hold (and resume takes them all back). */
int call_set_hold(struct call_set *s);
/*
 * Three-way conference, the phone the bridge: the active call and the
 * other one up (held) both taken off hold (re-INVITE a=sendrecv) and
 * mixed (call_conference()): each far end hears the phone and the other.
 * A leg that ends leaves the other as a normal call; swap splits the
 * conference; the handset going down ends every leg. -ENOENT: not two
 * calls; -EALREADY: already one.
 */
int call_set_conference(struct call_set *s, char *why, size_t why_len);
bool call_set_in_conference(const struct call_set *s);
int call_set_resume(struct call_set *s);
/* The active call on hold, the other call resumed. -ENOENT: no other call. */
int call_set_swap(struct call_set *s);
void call_set_key(struct call_set *s, enum call_key key, char digit);
int call_set_press(struct call_set *s, const char *name);

bool call_set_sip_message(struct call_set *s, const struct sip_msg *m);
void call_set_flow_lost(struct call_set *s);
void call_set_timer(struct call_set *s, enum call_timer t);

/* The active line's state. */
enum call_state call_set_state(const struct call_set *s);
/*
 * The active line's view ({"state":...,"calls":[...]}) with every line's
 * calls (the active one first, each with "line" and "active") and
 * "call_waiting": true while a second call rings.
 */
struct json_object *call_set_status(const struct call_set *s);
/* Line i's call manager (0 .. CALL_SET_LINES - 1). */
struct call_manager *call_set_line(struct call_set *s, unsigned int i);

#endif /* UCPHONED_CALL_CALL_SET_H */
