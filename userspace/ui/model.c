// SPDX-License-Identifier: GPL-2.0-only
/* The screen's state machine (model.h says which screen wins when). */
#include <stdio.h>
#include <string.h>

#include "lib/util/secret.h"
#include "ui/model.h"

static const char *const screen_names[] = {
	[UI_SCREEN_BOOT] = "boot",
	[UI_SCREEN_HARD_RESET] = "hard-reset",
	[UI_SCREEN_CALIBRATION] = "calibration",
	[UI_SCREEN_SIGNIN] = "signin",
	[UI_SCREEN_IDLE] = "idle",
	[UI_SCREEN_DIALLING] = "dialling",
	[UI_SCREEN_INCOMING] = "incoming",
	[UI_SCREEN_IN_CALL] = "in-call",
	[UI_SCREEN_ERROR] = "error",
	[UI_SCREEN_LIST] = "list",
	[UI_SCREEN_UPDATE] = "update",
};

const char *ui_screen_name(enum ui_screen s)
{
	return (unsigned int)s < __UI_SCREEN_COUNT ? screen_names[s] : "?";
}

static bool call_up(const struct ui_model *m)
{
	switch (m->call.state) {
	case UI_CALL_DIALLING:
	case UI_CALL_RINGING_OUT:
	case UI_CALL_ACTIVE:
	case UI_CALL_HELD:
		return true;
	default:
		return false;
	}
}

static bool signin_wanted(const struct ui_model *m)
{
	return m->have_status && m->st.reg != UI_REG_UNKNOWN && !m->st.signed_in;
}

/* An update under way (or the restart into it) takes the screen. */
static bool update_busy(const struct ui_model *m)
{
	if (!m->daemon_up)
		return false;
	switch (m->update.state) {
	case UI_UPDATE_DOWNLOADING:
	case UI_UPDATE_INSTALLING:
		return true;
	case UI_UPDATE_INSTALLED:
		return m->have_status && m->st.restarting;
	default:
		return false;
	}
}

/* Instead of the idle screen: a check, or a failure the user should see. */
static bool update_note(const struct ui_model *m)
{
	return m->update.state == UI_UPDATE_CHECKING ||
	       (m->update.state == UI_UPDATE_FAILED && m->update_notice);
}

/* The one place that picks the screen. */
static void update_screen(struct ui_model *m)
{
	enum ui_screen s;

	if (m->hard_reset)
		s = UI_SCREEN_HARD_RESET;
	else if (m->first_start)
		s = UI_SCREEN_CALIBRATION;
	else if (m->call.state == UI_CALL_INCOMING)
		s = UI_SCREEN_INCOMING;
	else if (call_up(m))
		s = UI_SCREEN_IN_CALL;
	else if (m->dialling)
		s = UI_SCREEN_DIALLING;
	else if (m->list != UI_LIST_NONE && m->registered_once && m->daemon_up &&
		 !m->reset_held && !signin_wanted(m))
		s = UI_SCREEN_LIST;
	else if (m->reset_held)
		s = UI_SCREEN_BOOT;
	else if (update_busy(m))
		s = UI_SCREEN_UPDATE;
	else if (signin_wanted(m) && m->daemon_up)
		s = UI_SCREEN_SIGNIN;
	else if (m->daemon_up && m->have_status && m->st.cert_error)
		s = UI_SCREEN_ERROR;
	else if (!m->registered_once && m->daemon_up && m->have_status &&
		 m->st.reg == UI_REG_FAILED)
		s = UI_SCREEN_ERROR;
	else if (!m->registered_once || !m->daemon_up)
		s = UI_SCREEN_BOOT;
	else if (update_note(m))
		s = UI_SCREEN_UPDATE;
	else
		s = UI_SCREEN_IDLE;
	if (s != UI_SCREEN_SIGNIN && m->screen == UI_SCREEN_SIGNIN)
		for (int i = 0; i < __UI_SIGNIN_FIELDS; i++)
			multitap_commit(&m->entry[i]);
	m->screen = s;
}

void ui_model_init(struct ui_model *m, uint64_t now_usec)
{
	memset(m, 0, sizeof(*m));
	m->now_usec = now_usec;
	m->st.missed_calls = -1;
	m->st.messages = -1;
	m->match_sel = -1;
	for (int i = 0; i < __UI_SIGNIN_FIELDS; i++)
		multitap_init(&m->entry[i]);
	update_screen(m);
}

static void clear_entry(struct ui_model *m)
{
	for (int i = 0; i < __UI_SIGNIN_FIELDS; i++)
		multitap_clear(&m->entry[i]);
	m->field = UI_SIGNIN_ADDRESS;
	m->signin_ready = false;
}

void ui_model_clear(struct ui_model *m)
{
	clear_entry(m);
	secret_zero(m, sizeof(*m));
}

void ui_model_daemon(struct ui_model *m, bool up, uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->daemon_up = up;
	if (!up) {
		m->have_status = false;
		m->signin_sent = false;
		/* a call cannot outlive the daemon that had it */
		memset(&m->call, 0, sizeof(m->call));
		memset(&m->extra, 0, sizeof(m->extra));
		memset(&m->update, 0, sizeof(m->update));
		m->update_notice = false;
	} else if (m->hard_reset) {
		/* the daemon is back after wiping: the phone starts afresh */
		m->hard_reset = false;
		m->first_start = true;
		m->registered_once = false;
		clear_entry(m);
	}
	update_screen(m);
}

/*
 * The update's new state: a failure is shown only when the download had
 * begun (a daily check that finds no server says nothing on the screen).
 */
static void take_update(struct ui_model *m, const struct ui_update *u)
{
	bool was_busy = m->update.state == UI_UPDATE_DOWNLOADING ||
			m->update.state == UI_UPDATE_INSTALLING;

	if (u->state == UI_UPDATE_FAILED && was_busy) {
		m->update_notice = true;
		m->update_notice_usec = m->now_usec;
	} else if (u->state != UI_UPDATE_FAILED) {
		m->update_notice = false;
	}
	m->update = *u;
}

void ui_model_update(struct ui_model *m, const struct ui_update *u,
		     uint64_t now_usec)
{
	m->now_usec = now_usec;
	take_update(m, u);
	update_screen(m);
}

void ui_model_status(struct ui_model *m, const struct ui_status *st,
		     uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->st = *st;
	m->have_status = true;
	if (st->have_update)
		take_update(m, &st->update);
	if (st->reg == UI_REG_REGISTERED)
		m->registered_once = true;
	if (st->signed_in && m->signin_sent) {
		m->signin_sent = false;
		clear_entry(m);
	}
	if (!st->signed_in && st->reg == UI_REG_SIGNED_OUT)
		m->registered_once = false;
	update_screen(m);
}

void ui_model_call(struct ui_model *m, const struct ui_call *call,
		   uint64_t now_usec)
{
	bool was_active = m->call.state == UI_CALL_ACTIVE ||
			  m->call.state == UI_CALL_HELD;

	m->now_usec = now_usec;
	if ((call->state == UI_CALL_ACTIVE || call->state == UI_CALL_HELD) &&
	    !was_active)
		m->call_since_usec = now_usec;
	if (call->state == UI_CALL_ENDED && call->missed)
		m->missed_calls++;
	if (call->state == UI_CALL_ENDED)
		memset(&m->call, 0, sizeof(m->call));
	else
		m->call = *call;
	/* the daemon has the call now: the typed digits were its */
	if (call->state != UI_CALL_NONE && call->state != UI_CALL_INCOMING) {
		m->dialling = false;
		m->digits[0] = '\0';
		m->match_sel = -1;
	}
	/* a call takes the screen: the list is not where the user left it */
	if (call->state != UI_CALL_NONE && call->state != UI_CALL_ENDED)
		m->list = UI_LIST_NONE;
	update_screen(m);
}

static void append_digit(struct ui_model *m, char c);
static bool is_dial_key(enum ui_key key);

void ui_model_calls_extra(struct ui_model *m, const struct ui_calls_extra *x,
			  uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->extra = *x;
	update_screen(m);
}

static void want(struct ui_model *m, enum ui_list_kind kind)
{
	m->fetch |= 1u << kind;
}

static int missed_count(const struct ui_model *m)
{
	return m->st.missed_calls >= 0 ? m->st.missed_calls : m->missed_calls;
}

void ui_model_list_result(struct ui_model *m, enum ui_list_kind kind,
			  const struct ui_list *list, const char *error,
			  uint64_t now_usec)
{
	struct ui_list *l;

	m->now_usec = now_usec;
	if (kind <= UI_LIST_NONE || kind >= __UI_LIST_COUNT)
		return;
	l = &m->lists[kind];
	if (list) {
		*l = *list;
		l->error[0] = '\0';
	} else {
		l->loaded = true;
		snprintf(l->error, sizeof(l->error), "%s", error ? error : "not available");
	}
	if (m->list == kind && m->list_sel >= l->n)
		m->list_sel = l->n ? l->n - 1 : 0;
	/* the call log shown: its missed calls are seen (the daemon forgets them too) */
	if (kind == UI_LIST_CALLLOG && list && m->list == kind)
		m->missed_calls = 0;
	update_screen(m);
}

struct ui_list *ui_model_calllog(struct ui_model *m)
{
	return &m->lists[UI_LIST_CALLLOG];
}

enum ui_list_kind ui_model_take_fetch(struct ui_model *m)
{
	for (int k = UI_LIST_CONTACTS; k < __UI_LIST_COUNT; k++)
		if (m->fetch & (1u << k)) {
			m->fetch &= ~(1u << k);
			return (enum ui_list_kind)k;
		}
	return UI_LIST_NONE;
}

bool ui_model_take_dial(struct ui_model *m, char *target, size_t size)
{
	size_t n = strlen(m->dial);

	if (!n || n >= size)
		return false;
	memcpy(target, m->dial, n + 1);
	m->dial[0] = '\0';
	return true;
}

unsigned int ui_model_matches(const struct ui_model *m, const struct ui_entry **out)
{
	return ui_list_match(&m->lists[UI_LIST_CONTACTS], &m->lists[UI_LIST_CALLLOG],
			     m->digits, out, UI_MATCHES_MAX);
}

static void choose(struct ui_model *m, const struct ui_entry *e)
{
	if (e && e->target[0])
		snprintf(m->dial, sizeof(m->dial), "%s", e->target);
}

/* Dialling starts: what it can match must be at hand. */
static void start_dialling(struct ui_model *m)
{
	m->dialling = true;
	m->match_sel = -1;
	m->list = UI_LIST_NONE;
	want(m, UI_LIST_CONTACTS);
	/* fetching the call log marks its missed calls seen: only when none */
	if (missed_count(m) <= 0)
		want(m, UI_LIST_CALLLOG);
}

static void open_list(struct ui_model *m, enum ui_list_kind kind)
{
	m->list = kind;
	m->list_sel = 0;
	m->list_since_usec = m->now_usec;
	if (kind != UI_LIST_NONE)
		want(m, kind);
}

static void list_key(struct ui_model *m, enum ui_key key)
{
	const struct ui_list *l = &m->lists[m->list];

	m->list_since_usec = m->now_usec;
	switch (key) {
	case UI_KEY_UP:
	case UI_KEY_VOLUME_UP:
		if (m->list_sel > 0)
			m->list_sel--;
		break;
	case UI_KEY_DOWN:
	case UI_KEY_VOLUME_DOWN:
		if (m->list_sel + 1 < l->n)
			m->list_sel++;
		break;
	case UI_KEY_OK:
		if (m->list_sel < l->n && l->e[m->list_sel].target[0]) {
			choose(m, &l->e[m->list_sel]);
			m->list = UI_LIST_NONE;
		}
		break;
	case UI_KEY_DIRECTORY:
		open_list(m, m->list + 1 < __UI_LIST_COUNT ? m->list + 1 : UI_LIST_NONE);
		break;
	case UI_KEY_BACK:
	case UI_KEY_ON_HOOK:
		m->list = UI_LIST_NONE;
		break;
	case UI_KEY_OFF_HOOK:
	case UI_KEY_SPEAKER:
	case UI_KEY_HEADSET:
		start_dialling(m);
		break;
	default:
		/* digits: the daemon dials them, the screen follows */
		if (is_dial_key(key)) {
			start_dialling(m);
			append_digit(m, (char)key);
		}
		break;
	}
}

static void dialling_key(struct ui_model *m, enum ui_key key)
{
	const struct ui_entry *match[UI_MATCHES_MAX];
	int n = (int)ui_model_matches(m, match);

	switch (key) {
	case UI_KEY_ON_HOOK:
	case UI_KEY_BACK:
		m->dialling = false;
		m->digits[0] = '\0';
		m->match_sel = -1;
		break;
	case UI_KEY_DOWN:
	case UI_KEY_VOLUME_DOWN:
		if (m->match_sel + 1 < n)
			m->match_sel++;
		break;
	case UI_KEY_UP:
	case UI_KEY_VOLUME_UP:
		if (m->match_sel >= 0)
			m->match_sel--;
		break;
	case UI_KEY_OK:
		if (m->match_sel >= 0 && m->match_sel < n)
			choose(m, match[m->match_sel]);
		break;
	default:
		if (is_dial_key(key)) {
			append_digit(m, (char)key);
			m->match_sel = -1;
		}
		break;
	}
}

void ui_model_reset_held(struct ui_model *m, uint32_t window_ms,
			 uint64_t since_usec, uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->reset_held = true;
	m->reset_window_ms = window_ms;
	m->reset_since_usec = since_usec;
	update_screen(m);
}

void ui_model_reset_released(struct ui_model *m, uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->reset_held = false;
	update_screen(m);
}

void ui_model_hard_reset(struct ui_model *m, uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->reset_held = false;
	m->hard_reset = true;
	m->list = UI_LIST_NONE;
	m->dialling = false;
	m->digits[0] = '\0';
	clear_entry(m);
	update_screen(m);
}

static void append_digit(struct ui_model *m, char c)
{
	size_t n = strlen(m->digits);

	if (n + 1 < sizeof(m->digits)) {
		m->digits[n] = c;
		m->digits[n + 1] = '\0';
	}
}

static bool is_dial_key(enum ui_key key)
{
	return (key >= '0' && key <= '9') || key == '*' || key == '#';
}

static void signin_key(struct ui_model *m, enum ui_key key)
{
	struct multitap *e = &m->entry[m->field];

	if ((key >= '0' && key <= '9') || key == '*') {
		multitap_key(e, (char)key, m->now_usec);
		m->signin_error[0] = '\0';
	} else if (key == UI_KEY_MENU) {
		multitap_commit(e);
		e->upper = !e->upper;
	} else if (key == '#' || key == UI_KEY_OK) {
		multitap_commit(e);
		if (e->len == 0)
			return;
		if (m->field + 1 < __UI_SIGNIN_FIELDS) {
			m->field++;
		} else if (!m->signin_sent) {
			m->signin_ready = true;
			m->signin_error[0] = '\0';
		}
	}
}

void ui_model_key(struct ui_model *m, enum ui_key key, uint64_t now_usec)
{
	m->now_usec = now_usec;
	switch (m->screen) {
	case UI_SCREEN_CALIBRATION:
		if (key == UI_KEY_OK)
			m->first_start = false;
		break;
	case UI_SCREEN_SIGNIN:
		signin_key(m, key);
		break;
	case UI_SCREEN_IDLE:
		if (key == UI_KEY_OFF_HOOK || key == UI_KEY_SPEAKER ||
		    key == UI_KEY_HEADSET) {
			start_dialling(m);
		} else if (is_dial_key(key)) {
			start_dialling(m);
			append_digit(m, (char)key);
		} else if (key == UI_KEY_DIRECTORY) {
			open_list(m, UI_LIST_CONTACTS);
		}
		break;
	case UI_SCREEN_DIALLING:
		dialling_key(m, key);
		break;
	case UI_SCREEN_LIST:
		list_key(m, key);
		break;
	case UI_SCREEN_UPDATE:
		/* a key puts the failure away; on the idle screen it acts as there */
		m->update_notice = false;
		if (m->registered_once && !update_busy(m) &&
		    (key == UI_KEY_OFF_HOOK || key == UI_KEY_SPEAKER ||
		     key == UI_KEY_HEADSET || is_dial_key(key))) {
			start_dialling(m);
			if (is_dial_key(key))
				append_digit(m, (char)key);
		}
		break;
	default:
		break;
	}
	update_screen(m);
}

void ui_model_tick(struct ui_model *m, uint64_t now_usec, int64_t wall_sec,
		   bool wall_valid)
{
	m->now_usec = now_usec;
	m->wall_sec = wall_sec;
	m->wall_valid = wall_valid;
	for (int i = 0; i < __UI_SIGNIN_FIELDS; i++)
		multitap_tick(&m->entry[i], now_usec);
	if (m->list != UI_LIST_NONE &&
	    now_usec - m->list_since_usec >= UI_LIST_IDLE_USEC)
		m->list = UI_LIST_NONE;
	if (m->update_notice &&
	    now_usec - m->update_notice_usec >= UI_UPDATE_NOTICE_USEC)
		m->update_notice = false;
	update_screen(m);
}

bool ui_model_take_signin(struct ui_model *m, char *address, char *user,
			  char *pw, size_t size)
{
	const struct multitap *e = m->entry;

	if (!m->signin_ready || size == 0)
		return false;
	if (e[UI_SIGNIN_ADDRESS].len >= size || e[UI_SIGNIN_USER].len >= size ||
	    e[UI_SIGNIN_PASSWORD].len >= size)
		return false;
	memcpy(address, e[UI_SIGNIN_ADDRESS].text, e[UI_SIGNIN_ADDRESS].len + 1);
	memcpy(user, e[UI_SIGNIN_USER].text, e[UI_SIGNIN_USER].len + 1);
	memcpy(pw, e[UI_SIGNIN_PASSWORD].text, e[UI_SIGNIN_PASSWORD].len + 1);
	m->signin_ready = false;
	m->signin_sent = true;
	return true;
}

void ui_model_signin_result(struct ui_model *m, const char *error,
			    uint64_t now_usec)
{
	m->now_usec = now_usec;
	m->signin_sent = false;
	if (error) {
		/* keep what was typed but the password */
		multitap_clear(&m->entry[UI_SIGNIN_PASSWORD]);
		multitap_init(&m->entry[UI_SIGNIN_PASSWORD]);
		m->field = UI_SIGNIN_PASSWORD;
		strncpy(m->signin_error, error, sizeof(m->signin_error) - 1);
		m->signin_error[sizeof(m->signin_error) - 1] = '\0';
	} else {
		clear_entry(m);
	}
	update_screen(m);
}

enum ui_boot_stage ui_model_boot_stage(const struct ui_model *m)
{
	if (!m->daemon_up || !m->have_status)
		return UI_BOOT_STARTING;
	if (m->registered_once || m->st.reg == UI_REG_REGISTERED)
		return UI_BOOT_DONE;
	if (!m->st.have_address)
		return UI_BOOT_NETWORK;
	if (!m->st.time_synced)
		return UI_BOOT_TIME;
	if (!m->st.trust_done)
		return UI_BOOT_CERTIFICATES;
	return UI_BOOT_SIGNING_IN;
}

unsigned int ui_model_boot_permille(const struct ui_model *m)
{
	uint64_t held_ms;

	if (m->reset_held) {
		if (m->reset_window_ms == 0)
			return 1000;
		held_ms = (m->now_usec - m->reset_since_usec) / 1000;
		if (m->now_usec < m->reset_since_usec)
			held_ms = 0;
		return held_ms >= m->reset_window_ms ? 1000 :
		       (unsigned int)(held_ms * 1000 / m->reset_window_ms);
	}
	return (unsigned int)ui_model_boot_stage(m) * 1000 / UI_BOOT_DONE;
}
