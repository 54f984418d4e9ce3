// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/call_set.h"
#include "lib/sip/sip_uri_headers.h"

struct line {
	struct call_set *set;
	unsigned int idx;
	struct call_manager *cm;
	uint64_t armed[__CALL_TIMER_COUNT];
	enum call_tone tone;		/* what the line asks for */
	bool joined;			/* in the phone's conference */
	bool opened;			/* off hook by NEW CALL, for its one call */
};

struct call_set {
	struct call_env env;		/* the daemon's (or a test's) */
	struct call_media_ops ops;	/* the real ones, open and tone per line */
	struct call_set_config cfg;
	struct line line[CALL_SET_LINES];
	unsigned int active;
	enum call_tone tone;		/* what plays */
	/* being transferred: the line that got the REFER, the line calling */
	struct line *referrer, *referee;
	/* attended transfer: the held call REFERred, the consultation call */
	struct line *xfer_held, *xfer_consult;
	bool freeing;			/* call_set_free(): lines going one by one */
	bool conference;		/* the phone bridges the joined lines */
};

static int parse_replaces(struct sip_str v, char *cid, char *to, char *from,
			  size_t n);
static int conference_hold(struct call_set *s, bool hold);

static struct line *active(const struct call_set *s)
{
	return (struct line *)&s->line[s->active];
}

static enum call_state st(const struct line *l)
{
	return call_state(l->cm);
}

/* A call that is up, whoever holds it. */
static bool up(const struct line *l)
{
	enum call_state x = st(l);

	return x == CALL_CONNECTED || x == CALL_HELD || x == CALL_ON_HOLD;
}

/* A call under way that a second call may wait behind. */
static bool in_call(const struct line *l)
{
	enum call_state x = st(l);

	return up(l) || x == CALL_CALLING || x == CALL_RINGBACK;
}

static bool free_line(const struct line *l)
{
	return !call_busy(l->cm) && st(l) == CALL_IDLE;
}

static struct line *find(struct call_set *s, enum call_state want)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (i != s->active && st(&s->line[i]) == want)
			return &s->line[i];
	return NULL;
}

/* Another line's call that is up (held or not). */
static struct line *other_up(struct call_set *s)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (i != s->active && up(&s->line[i]))
			return &s->line[i];
	return NULL;
}

static struct line *free_other(struct call_set *s)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (i != s->active && free_line(&s->line[i]))
			return &s->line[i];
	return NULL;
}

static bool waiting(const struct call_set *s)
{
	if (!in_call(active(s)))
		return false;
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (i != s->active && st(&s->line[i]) == CALL_INCOMING)
			return true;
	return false;
}

/* The tone: the active line's, or the call-waiting tone over a call. */
static void update_tone(struct call_set *s)
{
	enum call_tone t = active(s)->tone;

	if (waiting(s))
		t = CALL_TONE_CALL_WAITING;
	if (t == s->tone)
		return;
	s->tone = t;
	s->env.media->tone(s->env.mctx, t);
}

/* The active line went idle: a call still up (or ringing) takes its place. */
static void pick_active(struct call_set *s)
{
	struct line *a = active(s), *l;

	if (st(a) != CALL_IDLE || call_busy(a->cm))
		return;
	l = other_up(s);
	if (!l)
		l = find(s, CALL_INCOMING);
	if (l)
		s->active = l->idx;
}

/* Being transferred: the new call's outcome goes to the transferor (NOTIFY). */
static void referral_progress(struct call_set *s)
{
	struct line *from = s->referrer, *to = s->referee;

	if (!to)
		return;
	if (st(to) == CALL_CONNECTED || st(to) == CALL_HELD) {
		s->referrer = s->referee = NULL;
		call_refer_notify(from->cm, 200, "OK");
	} else if (!call_busy(to->cm)) {
		unsigned int status = call_last_status(to->cm);

		s->referrer = s->referee = NULL;
		call_refer_notify(from->cm, status >= 300 ? status : 487,
				  "Transfer failed");
	}
}

/* Attended transfer done: the consultation call ends too. */
static void attended_progress(struct call_set *s)
{
	struct line *h = s->xfer_held, *c = s->xfer_consult;

	if (!h || call_busy(h->cm))
		return;
	s->xfer_held = s->xfer_consult = NULL;
	if (call_transferred(h->cm) && call_busy(c->cm))
		call_hangup(c->cm);
}

/* The conference over: the lines left are ordinary calls again. */
static void conference_end(struct call_set *s)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++) {
		struct line *l = &s->line[i];

		if (l->joined && up(l))
			call_conference(l->cm, false);
		l->joined = false;
	}
	s->conference = false;
}

/* A leg that ended leaves; one leg left is a normal call. */
static void conference_progress(struct call_set *s)
{
	unsigned int n = 0;

	if (!s->conference)
		return;
	for (unsigned int i = 0; i < CALL_SET_LINES; i++) {
		struct line *l = &s->line[i];

		if (l->joined && !up(l))
			l->joined = false;
		n += l->joined;
	}
	if (n < 2)
		conference_end(s);
}

/* A line NEW CALL opened goes back on hook once its call is over. */
static void opened_progress(struct call_set *s)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++) {
		struct line *l = &s->line[i];

		if (l->opened && st(l) == CALL_IDLE && !call_busy(l->cm)) {
			l->opened = false;
			call_key(l->cm, CALL_KEY_ON_HOOK, 0);
		}
	}
}

static void set_changed(struct call_set *s)
{
	if (s->freeing)
		return;		/* the other lines may be gone already */
	referral_progress(s);
	attended_progress(s);
	conference_progress(s);
	opened_progress(s);
	pick_active(s);
	update_tone(s);
	s->env.changed(s->env.ctx);
}

/* ---- each line's environment ---- */

static uint64_t l_now(void *ctx)
{
	struct line *l = ctx;

	return l->set->env.now(l->set->env.ctx);
}

static void rearm(struct call_set *s, enum call_timer t)
{
	uint64_t at = UINT64_MAX;

	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (s->line[i].armed[t] < at)
			at = s->line[i].armed[t];
	s->env.arm(s->env.ctx, t, at);
}

static void l_arm(void *ctx, enum call_timer t, uint64_t at)
{
	struct line *l = ctx;

	l->armed[t] = at;
	rearm(l->set, t);
}

static int l_send(void *ctx, const char *buf, size_t len)
{
	struct line *l = ctx;

	return l->set->env.send(l->set->env.ctx, buf, len);
}

static struct sip_auth *l_signer(void *ctx)
{
	struct line *l = ctx;

	return l->set->env.signer ? l->set->env.signer(l->set->env.ctx) : NULL;
}

static int l_identity(void *ctx, struct call_identity *id)
{
	struct line *l = ctx;

	return l->set->env.identity(l->set->env.ctx, id);
}

/* Every line's calls go to the one call log. */
static void l_ended(void *ctx, const struct call_record *rec)
{
	struct line *l = ctx;

	if (l->set->env.ended)
		l->set->env.ended(l->set->env.ctx, rec);
}

static void l_changed(void *ctx)
{
	struct line *l = ctx;

	set_changed(l->set);
}

/*
 * The call a REFER asks for: to the Refer-To's URI, with the Replaces its
 * headers carry (an attended transfer, RFC 3891) and no other header.
 */
static int refer_dial(struct line *f, const char *uri, char *why, size_t why_len)
{
	char target[1024], rep[1024], cid[256], to[128], from[128];
	int ret;

	if (snprintf(target, sizeof(target), "%.*s", (int)sip_uri_target_len(uri), uri) >=
	    (int)sizeof(target))
		return -EINVAL;
	ret = sip_uri_header(uri, "Replaces", rep, sizeof(rep));
	if (ret < 0 || (ret == 1 && parse_replaces((struct sip_str){ rep, strlen(rep) },
						    cid, to, from, sizeof(to)) < 0)) {
		snprintf(why, why_len, "bad Replaces in the Refer-To");
		return -EINVAL;
	}
	if (ret == 1)
		return call_dial_replacing(f->cm, target, rep, why, why_len);
	return call_dial(f->cm, target, why, why_len);
}

/* A REFER on this line: the new call on a free line becomes the active one. */
static unsigned int l_referred(void *ctx, const char *uri)
{
	struct line *l = ctx;
	struct call_set *s = l->set;
	struct line *f = NULL;
	char why[128];

	if (s->referee || s->freeing)
		return 491;
	for (unsigned int i = 0; i < CALL_SET_LINES && !f; i++)
		if (&s->line[i] != l && free_line(&s->line[i]))
			f = &s->line[i];
	if (!f)
		return 486;
	if (refer_dial(f, uri, why, sizeof(why)) < 0)
		return 503;
	s->referrer = l;
	s->referee = f;
	s->active = f->idx;
	set_changed(s);
	return 0;
}

static void *l_open(void *mctx, char *why, size_t why_len)
{
	struct line *l = mctx;

	return l->set->env.media->open(l->set->env.mctx, why, why_len);
}

static int l_tone(void *mctx, enum call_tone tone)
{
	struct line *l = mctx;

	l->tone = tone;
	if (!l->set->freeing)
		update_tone(l->set);
	return 0;
}

/* ---- life ---- */

int call_set_new(const struct call_env *env, const struct call_set_config *cfg,
		 struct call_set **out)
{
	struct call_set *s = calloc(1, sizeof(*s));
	int ret = 0;

	if (!s)
		return -ENOMEM;
	s->env = *env;
	s->cfg = *cfg;
	s->ops = *env->media;
	s->ops.open = l_open;
	s->ops.tone = l_tone;
	for (unsigned int i = 0; i < CALL_SET_LINES && ret == 0; i++) {
		struct line *l = &s->line[i];
		struct call_env le = {
			.now = l_now, .arm = l_arm, .send = l_send,
			.identity = l_identity, .changed = l_changed,
			.ctx = l, .media = &s->ops, .mctx = l,
			.referred = l_referred, .ended = l_ended,
			.forward = env->forward, .signer = l_signer,
		};

		l->set = s;
		l->idx = i;
		for (int t = 0; t < __CALL_TIMER_COUNT; t++)
			l->armed[t] = UINT64_MAX;
		ret = call_manager_new(&le, &l->cm);
	}
	if (ret < 0) {
		call_set_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void call_set_free(struct call_set *s)
{
	if (!s)
		return;
	s->freeing = true;
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		call_manager_free(s->line[i].cm);
	free(s);
}

struct call_manager *call_set_line(struct call_set *s, unsigned int i)
{
	return i < CALL_SET_LINES ? s->line[i].cm : NULL;
}

/* ---- the user's actions ---- */

int call_set_dial(struct call_set *s, const char *target, char *why,
		  size_t why_len)
{
	struct line *a = active(s), *f;
	int ret;

	if (st(a) == CALL_ON_HOLD && (f = free_other(s))) {
		ret = call_dial(f->cm, target, why, why_len);
		if (ret == 0) {
			s->active = f->idx;
			set_changed(s);
		}
		return ret;
	}
	return call_dial(a->cm, target, why, why_len);
}

int call_set_answer(struct call_set *s)
{
	struct line *a = active(s), *w;
	int ret;

	if (st(a) == CALL_INCOMING)
		return call_answer(a->cm);
	w = find(s, CALL_INCOMING);
	if (!w)
		return -ENOENT;
	/* the call up goes on hold (a conference: every leg, none hears the
	 * new call); its answer may come after this one's */
	if (s->conference)
		conference_hold(s, true);
	else if (up(a) && st(a) != CALL_ON_HOLD)
		call_hold(a->cm);
	else if (in_call(a))
		call_hangup(a->cm);	/* still ringing out: given up */
	s->active = w->idx;
	ret = call_answer(w->cm);
	set_changed(s);
	return ret;
}

int call_set_hangup(struct call_set *s)
{
	struct line *a = active(s), *w;
	int ret = call_hangup(a->cm);

	if (ret == -ENOENT && (w = find(s, CALL_INCOMING)))
		ret = call_hangup(w->cm);	/* the waiting call declined */
	return ret;
}

int call_set_transfer(struct call_set *s, const char *target, char *why,
		      size_t why_len)
{
	return call_transfer(active(s)->cm, target, why, why_len);
}

int call_set_transfer_attended(struct call_set *s, char *why, size_t why_len)
{
	struct line *c = active(s), *h = other_up(s);
	char uri[3 * 1024];
	int ret;

	if (!h || !up(c) || c == h) {
		snprintf(why, why_len, "an attended transfer needs a held call and a second call");
		return -ENOENT;
	}
	ret = call_replaces_uri(c->cm, uri, sizeof(uri));
	if (ret < 0) {
		snprintf(why, why_len, "cannot name the second call");
		return ret;
	}
	ret = call_transfer_uri(h->cm, uri, why, why_len);
	if (ret == 0) {
		s->xfer_held = h;
		s->xfer_consult = c;
	}
	return ret;
}

int call_set_dtmf(struct call_set *s, const char *digits)
{
	return call_dtmf(active(s)->cm, digits);
}

/* hold or resume every leg of the conference; the first error, if any */
static int conference_hold(struct call_set *s, bool hold)
{
	int ret = -EALREADY;

	for (unsigned int i = 0; i < CALL_SET_LINES; i++) {
		struct line *l = &s->line[i];
		int r;

		if (!l->joined || (st(l) == CALL_ON_HOLD) == hold)
			continue;
		r = hold ? call_hold(l->cm) : call_resume(l->cm);
		if (ret == -EALREADY || (ret == 0 && r < 0))
			ret = r;
	}
	return ret;
}

int call_set_hold(struct call_set *s)
{
	if (s->conference)
		return conference_hold(s, true);
	return call_hold(active(s)->cm);
}

int call_set_conference(struct call_set *s, char *why, size_t why_len)
{
	struct line *a = active(s), *o = other_up(s), *legs[2] = { a, o };
	int ret;

	if (s->conference) {
		snprintf(why, why_len, "the conference is already on");
		return -EALREADY;
	}
	if (!o || !up(a)) {
		snprintf(why, why_len, "a conference needs two calls: one held and one active");
		return -ENOENT;
	}
	/* both legs taken off hold (re-INVITE a=sendrecv), then bridged */
	for (unsigned int i = 0; i < 2; i++) {
		if (st(legs[i]) != CALL_ON_HOLD)
			continue;
		ret = call_resume(legs[i]->cm);
		if (ret < 0) {
			snprintf(why, why_len, "cannot take a call off hold (%s)",
				 strerror(-ret));
			return ret;
		}
	}
	for (unsigned int i = 0; i < 2; i++) {
		ret = call_conference(legs[i]->cm, true);
		if (ret < 0) {
			snprintf(why, why_len, "cannot mix the calls (%s)", strerror(-ret));
			conference_end(s);
			return ret;
		}
		legs[i]->joined = true;
	}
	s->conference = true;
	set_changed(s);
	return 0;
}

bool call_set_in_conference(const struct call_set *s)
{
	return s->conference;
}

int call_set_swap(struct call_set *s)
{
	struct line *a = active(s), *b = other_up(s);

	if (!b)
		return -ENOENT;
	/* swapping splits the conference into a held call and an active one */
	if (s->conference)
		conference_end(s);
	if (up(a) && st(a) != CALL_ON_HOLD)
		call_hold(a->cm);
	s->active = b->idx;
	if (st(b) == CALL_ON_HOLD)
		call_resume(b->cm);
	set_changed(s);
	return 0;
}

int call_set_resume(struct call_set *s)
{
	struct line *a = active(s), *o;

	if (s->conference)
		return conference_hold(s, false);
	if (st(a) != CALL_ON_HOLD) {
		o = other_up(s);
		if (o && st(o) == CALL_ON_HOLD)
			return call_set_swap(s);
		return call_resume(a->cm);
	}
	/* only one call is heard at a time */
	for (unsigned int i = 0; i < CALL_SET_LINES; i++) {
		o = &s->line[i];
		if (o != a && up(o) && st(o) != CALL_ON_HOLD)
			call_hold(o->cm);
	}
	return call_resume(a->cm);
}

/*
 * NEW CALL, or a digit while the call is on hold: the call up goes on
 * hold and a free line becomes the active one, off hook with dial tone.
 * NULL when no line is free (or a conference runs).
 */
static struct line *new_line(struct call_set *s)
{
	struct line *a = active(s), *f;

	if (s->conference || !in_call(a) || !(f = free_other(s)))
		return NULL;
	if (up(a) && st(a) != CALL_ON_HOLD)
		call_hold(a->cm);
	else if (!up(a))
		return NULL;	/* still ringing out: one call at a time */
	s->active = f->idx;
	f->opened = true;
	call_key(f->cm, CALL_KEY_OFF_HOOK, 0);
	set_changed(s);
	return f;
}

void call_set_key(struct call_set *s, enum call_key key, char digit)
{
	struct line *a = active(s), *f;

	switch (key) {
	case CALL_KEY_NEW_CALL:
		new_line(s);
		return;
	case CALL_KEY_DIGIT:
		/* dialling during hold: the digits start a second call */
		if (st(a) == CALL_ON_HOLD && (f = new_line(s))) {
			call_key(f->cm, key, digit);
			return;
		}
		break;
	case CALL_KEY_HOLD:
		if (st(a) == CALL_ON_HOLD || (other_up(s) &&
					      st(other_up(s)) == CALL_ON_HOLD))
			call_set_resume(s);
		else
			call_set_hold(s);
		return;
	case CALL_KEY_ON_HOOK:
		/* a call the phone holds outlives the handset going down */
		if (st(a) == CALL_ON_HOLD)
			return;
		/* hanging up ends the phone's conference: every leg */
		if (s->conference) {
			for (unsigned int i = 0; i < CALL_SET_LINES; i++)
				if (s->line[i].joined && &s->line[i] != a)
					call_hangup(s->line[i].cm);
		}
		break;
	default:
		break;
	}
	call_key(a->cm, key, digit);
}

int call_set_press(struct call_set *s, const char *name)
{
	if (!strcmp(name, "hold")) {
		call_set_key(s, CALL_KEY_HOLD, 0);
		return 0;
	}
	if (!strcmp(name, "onhook")) {
		call_set_key(s, CALL_KEY_ON_HOOK, 0);
		return 0;
	}
	if (!strcmp(name, "newcall")) {
		call_set_key(s, CALL_KEY_NEW_CALL, 0);
		return 0;
	}
	if (strlen(name) == 1 && ((name[0] >= '0' && name[0] <= '9') || name[0] == '*')) {
		call_set_key(s, CALL_KEY_DIGIT, name[0]);
		return 0;
	}
	return call_press(active(s)->cm, name);
}

/* ---- SIP ---- */

static bool new_invite(const struct sip_msg *m)
{
	struct sip_name_addr na;

	if (!m->request || !sip_str_eq(m->method, "INVITE"))
		return false;
	return sip_parse_name_addr(sip_msg_value(m, SIP_HDR_TO), &na) < 0 ||
	       !sip_param(na.params, "tag", NULL);
}

/* "callid;to-tag=X;from-tag=Y" (RFC 3891 6.1): 0, or -EINVAL. */
static int parse_replaces(struct sip_str v, char *cid, char *to, char *from,
			  size_t n)
{
	struct sip_str t, f;
	size_t i = 0;

	while (i < v.len && v.p[i] != ';')
		i++;
	if (!i || sip_str_copy((struct sip_str){ v.p, i }, cid, n) < 0)
		return -EINVAL;
	v = (struct sip_str){ v.p + i, v.len - i };
	if (!sip_param(v, "to-tag", &t) || !sip_param(v, "from-tag", &f) ||
	    sip_str_copy(t, to, n) < 0 || sip_str_copy(f, from, n) < 0)
		return -EINVAL;
	return 0;
}

/* An INVITE with Replaces: it takes over the call it names (RFC 3891). */
static bool replaces(struct call_set *s, const struct sip_msg *m, struct sip_str v)
{
	char cid[256], to[128], from[128];
	struct line *old = NULL, *f;

	if (parse_replaces(v, cid, to, from, sizeof(to)) < 0) {
		call_refuse(active(s)->cm, m, 400);
		return true;
	}
	for (unsigned int i = 0; i < CALL_SET_LINES && !old; i++)
		if (call_is_dialog(s->line[i].cm, cid, to, from) && up(&s->line[i]))
			old = &s->line[i];
	if (!old) {
		call_refuse(active(s)->cm, m, 481);
		return true;
	}
	f = free_other(s);
	if (!f && active(s) != old && free_line(active(s)))
		f = active(s);
	if (!f) {
		call_refuse(active(s)->cm, m, 486);
		return true;
	}
	call_sip_message(f->cm, m);
	if (st(f) != CALL_INCOMING)
		return true;	/* refused (bad offer...): the old call stays */
	call_answer(f->cm);
	s->active = f->idx;
	call_hangup(old->cm);
	set_changed(s);
	return true;
}

static struct sip_str header_value(const struct sip_msg *m, const char *name)
{
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (sip_str_ieq(m->hdr[i].name, name))
			return m->hdr[i].value;
	return (struct sip_str){ NULL, 0 };
}

/* The phone's own call come back to it (it called itself): busy. */
static bool own_call(const struct call_set *s, const struct sip_msg *m)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (call_has_call_id(s->line[i].cm, m))
			return true;
	return false;
}

bool call_set_sip_message(struct call_set *s, const struct sip_msg *m)
{
	struct line *a = active(s), *f;
	struct sip_str rep;

	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (call_owns(s->line[i].cm, m))
			return call_sip_message(s->line[i].cm, m);
	if (new_invite(m) && (rep = header_value(m, "Replaces")).len)
		return replaces(s, m, rep);
	if (new_invite(m) && s->cfg.call_waiting && in_call(a) &&
	    !find(s, CALL_INCOMING) && !own_call(s, m) && (f = free_other(s)))
		return call_sip_message(f->cm, m);
	/* not a line's: the active one answers it (486, 481...) */
	return call_sip_message(a->cm, m);
}

void call_set_flow_lost(struct call_set *s)
{
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		call_flow_lost(s->line[i].cm);
}

void call_set_timer(struct call_set *s, enum call_timer t)
{
	uint64_t now = s->env.now(s->env.ctx);

	for (unsigned int i = 0; i < CALL_SET_LINES; i++) {
		struct line *l = &s->line[i];

		if (l->armed[t] <= now) {
			l->armed[t] = UINT64_MAX;
			call_timer(l->cm, t);
		}
	}
	rearm(s, t);
}

/* ---- status ---- */

enum call_state call_set_state(const struct call_set *s)
{
	return st(active(s));
}

static void add_calls(struct json_object *to, const struct line *l, bool is_active)
{
	struct json_object *o = call_status(l->cm), *calls;

	if (!o)
		return;
	if (json_object_object_get_ex(o, "calls", &calls))
		for (size_t i = 0; i < json_object_array_length(calls); i++) {
			struct json_object *c = json_object_array_get_idx(calls, i);

			json_object_object_add(c, "line", json_object_new_int((int)l->idx));
			json_object_object_add(c, "active", json_object_new_boolean(is_active));
			if (l->joined)
				json_object_object_add(c, "conference", json_object_new_boolean(true));
			json_object_array_add(to, json_object_get(c));
		}
	json_object_put(o);
}

struct json_object *call_set_status(const struct call_set *s)
{
	struct json_object *o = call_status(active(s)->cm);
	struct json_object *calls = json_object_new_array();

	if (!o || !calls) {
		json_object_put(o);
		json_object_put(calls);
		return NULL;
	}
	add_calls(calls, active(s), true);
	for (unsigned int i = 0; i < CALL_SET_LINES; i++)
		if (i != s->active)
			add_calls(calls, &s->line[i], false);
	json_object_object_add(o, "calls", calls);
	if (waiting(s))
		json_object_object_add(o, "call_waiting", json_object_new_boolean(true));
	if (s->conference)
		json_object_object_add(o, "conference", json_object_new_boolean(true));
	return o;
}
