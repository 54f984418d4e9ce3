// SPDX-License-Identifier: GPL-2.0-only
/* The model as text and shapes (view.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/view.h"

/* The seed's wording for a failed certificate check, shown as it is. */
#define CERT_ERROR_TEXT "Cannot validate server certificate"

static const char *const boot_stage_text[] = {
	[UI_BOOT_STARTING] = "Starting",
	[UI_BOOT_NETWORK] = "Getting network address",
	[UI_BOOT_TIME] = "Setting time",
	[UI_BOOT_CERTIFICATES] = "Getting certificates",
	[UI_BOOT_SIGNING_IN] = "Signing in",
	[UI_BOOT_DONE] = "Ready",
};

/* Copies what fits (a long address is cut on the screen, not refused). */
static void set(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	while (src && src[n] && n + 1 < size) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
}

static void line(struct ui_view *v, int i, enum ui_line_style style,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void line(struct ui_view *v, int i, enum ui_line_style style,
		 const char *fmt, ...)
{
	va_list ap;

	v->line[i].style = style;
	va_start(ap, fmt);
	vsnprintf(v->line[i].text, sizeof(v->line[i].text), fmt, ap);
	va_end(ap);
}

static void softkeys(struct ui_view *v, const char *a, const char *b,
		     const char *c, const char *d)
{
	set(v->softkey[0], UI_VIEW_SOFTKEY, a);
	set(v->softkey[1], UI_VIEW_SOFTKEY, b);
	set(v->softkey[2], UI_VIEW_SOFTKEY, c);
	set(v->softkey[3], UI_VIEW_SOFTKEY, d);
}

static int missed(const struct ui_model *m)
{
	return m->st.missed_calls >= 0 ? m->st.missed_calls : m->missed_calls;
}

static const char *reg_text(const struct ui_model *m)
{
	if (m->st.status_text[0])
		return m->st.status_text;
	switch (m->st.reg) {
	case UI_REG_REGISTERED:
		return "Registered";
	case UI_REG_SIGNED_OUT:
		return "Signed out";
	case UI_REG_FAILED:
		return "Not registered";
	default:
		return "Signing in";
	}
}

static void build_signin(const struct ui_model *m, struct ui_view *v)
{
	static const char *const label[] = { "Address", "User", "Password" };
	char masked[MULTITAP_MAX];

	set(v->heading, sizeof(v->heading), "Sign in");
	for (int i = 0; i < __UI_SIGNIN_FIELDS; i++) {
		const struct multitap *e = &m->entry[i];
		const char *shown = e->text;

		if (i == UI_SIGNIN_PASSWORD) {
			/* masked, but the character being chosen shows */
			memset(masked, '*', e->len);
			masked[e->len] = '\0';
			if (e->pending && e->len)
				masked[e->len - 1] = e->text[e->len - 1];
			shown = masked;
		}
		line(v, i, i == (int)m->field ? UI_LINE_FIELD_ACTIVE : UI_LINE_FIELD,
		     "%-8s %s%s", label[i], shown,
		     i == (int)m->field && !e->pending ? "_" : "");
		if (i == UI_SIGNIN_PASSWORD)
			memset(masked, 0, sizeof(masked));
	}
	if (m->signin_error[0])
		line(v, 3, UI_LINE_ERROR, "%s", m->signin_error);
	else if (m->signin_sent)
		line(v, 3, UI_LINE_NORMAL, "Signing in...");
	else
		line(v, 3, UI_LINE_NORMAL, "%s",
		     m->entry[m->field].upper ? "ABC  (Menu: abc)" : "abc  (Menu: ABC)");
	softkeys(v, "Delete *", m->field + 1 < __UI_SIGNIN_FIELDS ? "Next #" : "", "",
		 m->field + 1 < __UI_SIGNIN_FIELDS ? "" : "Sign in");
}

/* The line under a call: what the second call or the transfer asks of the user. */
static void call_prompt(const struct ui_model *m, struct ui_view *v, int i)
{
	const struct ui_calls_extra *x = &m->extra;
	const char *who = x->other.far_end[0] ? x->other.far_end : "Unknown";

	if (x->waiting && x->other.state == UI_CALL_INCOMING)
		line(v, i, UI_LINE_PROMPT, "Waiting: %s (OK answers)", who);
	else if (m->call.transferring)
		line(v, i, UI_LINE_PROMPT, "Transferring...");
	else if (!strncmp(x->note, "transfer", 8))
		line(v, i, UI_LINE_ERROR, "T%s", x->note + 1);
	else if (!x->conference && (x->other.state == UI_CALL_HELD ||
				    x->other.state == UI_CALL_ACTIVE))
		line(v, i, UI_LINE_PROMPT, "Held: %s (OK swaps)", who);
	else if (m->call.muted || m->st.muted)
		line(v, i, UI_LINE_NORMAL, "Muted");
}

static const char *call_heading(const struct ui_model *m)
{
	if (m->extra.conference)
		return "Conference";
	switch (m->call.hold) {
	case UI_CALL_HOLD_PHONE:
	case UI_CALL_HOLD_BOTH:
		return "On hold";
	case UI_CALL_HOLD_FAR_END:
		return "Held by the far end";
	default:
		return m->call.state == UI_CALL_HELD ? "On hold" : "In call";
	}
}

static void build_call(const struct ui_model *m, struct ui_view *v)
{
	uint64_t secs = (m->now_usec - m->call_since_usec) / 1000000;
	const struct ui_call *c = &m->call;
	const struct ui_calls_extra *x = &m->extra;
	bool conf = x->conference && x->other.state != UI_CALL_NONE;
	bool muted = c->muted || m->st.muted;
	int i = 1;

	v->lock = c->srtp;
	line(v, 0, UI_LINE_LARGE, "%s", c->far_end[0] ? c->far_end : "Unknown");
	switch (c->state) {
	case UI_CALL_INCOMING:
		set(v->heading, sizeof(v->heading), "Incoming call");
		softkeys(v, "Answer", "", "", "Ignore");
		return;
	case UI_CALL_DIALLING:
	case UI_CALL_RINGING_OUT:
		set(v->heading, sizeof(v->heading),
		    c->state == UI_CALL_DIALLING ? "Calling" : "Ringing");
		call_prompt(m, v, 3);
		softkeys(v, "", "", "", "End");
		return;
	default:
		break;
	}
	set(v->heading, sizeof(v->heading), call_heading(m));
	if (conf)
		line(v, i++, UI_LINE_LARGE, "%s",
		     x->other.far_end[0] ? x->other.far_end : "Unknown");
	line(v, i++, UI_LINE_NORMAL, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "%s%s",
	     secs / 3600, secs / 60 % 60, secs % 60,
	     conf && c->codec[0] ? "  " : "", conf ? c->codec : "");
	if (!conf)
		line(v, i++, UI_LINE_NORMAL, "%s%s%s", c->codec[0] ? c->codec : "",
		     c->codec[0] ? ", " : "",
		     c->srtp ? "encrypted (SRTP)" : "not encrypted");
	call_prompt(m, v, 3);
	if (x->waiting && x->other.state == UI_CALL_INCOMING)
		softkeys(v, "OK Answer", "", muted ? "Unmute" : "Mute", "End");
	else if (!conf && x->other.state != UI_CALL_NONE)
		softkeys(v, "OK Swap", "Transfer", muted ? "Unmute" : "Mute", "End");
	else
		softkeys(v, c->state == UI_CALL_HELD ? "Resume" : "Hold", "Transfer",
			 muted ? "Unmute" : "Mute", "End");
}

/* Contacts, call log or voice mail: four entries around the one chosen. */
static void build_list(const struct ui_model *m, struct ui_view *v)
{
	const struct ui_list *l = &m->lists[m->list];
	unsigned int top = m->list_sel < UI_VIEW_LINES ? 0 :
			   m->list_sel - (UI_VIEW_LINES - 1);

	if (m->list == UI_LIST_VOICEMAIL && m->st.messages >= 0)
		snprintf(v->heading, sizeof(v->heading), "%s  %d new",
			 ui_list_title(m->list), m->st.messages);
	else if (l->n)
		snprintf(v->heading, sizeof(v->heading), "%s  %u/%u",
			 ui_list_title(m->list), m->list_sel + 1, l->total);
	else
		set(v->heading, sizeof(v->heading), ui_list_title(m->list));
	if (!l->loaded) {
		line(v, 0, UI_LINE_NORMAL, "Loading...");
	} else if (l->error[0]) {
		line(v, 0, UI_LINE_ERROR, "%s", l->error);
		if (m->list == UI_LIST_VOICEMAIL)
			line(v, 1, UI_LINE_NORMAL, "MESSAGE key calls voice mail");
	} else if (!l->n) {
		line(v, 0, UI_LINE_NORMAL, "%s", m->list == UI_LIST_CONTACTS ? "No contacts" :
		     m->list == UI_LIST_CALLLOG ? "No calls" : "No messages");
		if (m->list == UI_LIST_VOICEMAIL)
			line(v, 1, UI_LINE_NORMAL, "MESSAGE key calls voice mail");
	}
	for (unsigned int i = 0; l->loaded && !l->error[0] && i < UI_VIEW_LINES &&
	     top + i < l->n; i++) {
		const struct ui_entry *e = &l->e[top + i];

		line(v, (int)i, top + i == m->list_sel ? UI_LINE_SELECTED :
		     e->marked ? UI_LINE_MARKED : UI_LINE_NORMAL, "%s", e->name);
		set(v->line[i].right, sizeof(v->line[i].right), e->detail);
	}
	softkeys(v, "OK Dial", "Vol+ Up", "Vol- Down", "Dir Next");
}

static void build_dialling(const struct ui_model *m, struct ui_view *v)
{
	const struct ui_entry *match[UI_MATCHES_MAX];
	unsigned int n = ui_model_matches(m, match);

	set(v->heading, sizeof(v->heading), "Dial");
	line(v, 0, UI_LINE_LARGE, "%s_", m->digits);
	for (unsigned int i = 0; i < n && i + 1 < UI_VIEW_LINES; i++) {
		line(v, (int)i + 1, (int)i == m->match_sel ? UI_LINE_SELECTED :
		     UI_LINE_NORMAL, "%s", match[i]->name);
		set(v->line[i + 1].right, sizeof(v->line[i + 1].right), match[i]->detail);
	}
	softkeys(v, m->match_sel >= 0 ? "OK Dial" : "# Send", n ? "Vol- Next" : "", "",
		 "Cancel");
}

/* Text over lines first..last, broken between words at UPDATE_WRAP characters. */
#define UPDATE_WRAP 34
static void wrap(struct ui_view *v, int first, int last, enum ui_line_style style,
		 const char *text)
{
	size_t len = strlen(text), at = 0, n;

	for (int i = first; i <= last && at < len; i++) {
		while (text[at] == ' ')
			at++;
		n = len - at;
		if (n > UPDATE_WRAP && i < last) {
			n = UPDATE_WRAP;
			while (n > UPDATE_WRAP / 2 && text[at + n] != ' ')
				n--;
			if (text[at + n] != ' ')
				n = UPDATE_WRAP;
		}
		line(v, i, style, "%.*s", (int)n, text + at);
		at += n;
	}
}

/* A software update: checking, the download's progress, installing, the restart. */
static void build_update(const struct ui_model *m, struct ui_view *v)
{
	const struct ui_update *u = &m->update;
	char text[UI_TEXT_MAX + 32];

	set(v->heading, sizeof(v->heading), "Software update");
	switch (u->state) {
	case UI_UPDATE_CHECKING:
		line(v, 0, UI_LINE_NORMAL, "Checking for updates");
		break;
	case UI_UPDATE_DOWNLOADING:
		if (u->percent >= 0) {
			line(v, 0, UI_LINE_NORMAL, "Downloading update %d %%", u->percent);
			v->progress = u->percent * 10;
		} else {
			line(v, 0, UI_LINE_NORMAL, "Downloading update");
		}
		break;
	case UI_UPDATE_INSTALLING:
		line(v, 0, UI_LINE_NORMAL, "Installing update");
		line(v, 2, UI_LINE_NORMAL, "Do not unplug the phone");
		break;
	case UI_UPDATE_INSTALLED:
		line(v, 0, UI_LINE_NORMAL, "Restarting to finish the update");
		break;
	case UI_UPDATE_FAILED:
		snprintf(text, sizeof(text), "Update failed: %s",
			 u->error[0] ? u->error : "unknown error");
		wrap(v, 0, 2, UI_LINE_ERROR, text);
		softkeys(v, "", "", "", "OK");
		return;
	default:
		break;
	}
	if (u->version[0] && u->state != UI_UPDATE_CHECKING)
		line(v, 1, UI_LINE_NORMAL, "Version %s", u->version);
}

/* The title bar's indicators: Do Not Disturb, forwarding, the microphone off. */
static void build_flags(const struct ui_model *m, struct ui_view *v)
{
	bool muted = m->st.muted || (m->call.state != UI_CALL_NONE && m->call.muted);

	snprintf(v->flags, sizeof(v->flags), "%s%s%s", m->st.dnd ? "DND " : "",
		 m->st.forward[0] ? "FWD " : "", muted ? "MUTE " : "");
	if (v->flags[0])
		v->flags[strlen(v->flags) - 1] = '\0';
}

static void build_body(const struct ui_model *m, struct ui_view *v)
{
	switch (v->screen) {
	case UI_SCREEN_BOOT:
		v->progress = (int)ui_model_boot_permille(m);
		if (m->reset_held) {
			set(v->heading, sizeof(v->heading), "Starting");
			line(v, 0, UI_LINE_NORMAL, "Reset button held:");
			line(v, 1, UI_LINE_NORMAL, "release now for a normal start");
		} else {
			set(v->heading, sizeof(v->heading), "Starting");
			line(v, 0, UI_LINE_NORMAL, "%s",
			     boot_stage_text[ui_model_boot_stage(m)]);
		}
		break;
	case UI_SCREEN_HARD_RESET:
		set(v->heading, sizeof(v->heading), "Factory reset");
		line(v, 0, UI_LINE_NORMAL, "Release the reset button.");
		line(v, 1, UI_LINE_NORMAL, "Removing sign-in, certificates");
		line(v, 2, UI_LINE_NORMAL, "and settings...");
		break;
	case UI_SCREEN_CALIBRATION:
		v->white = true;
		v->cross = true;
		line(v, 3, UI_LINE_NORMAL, "Press OK to start");
		break;
	case UI_SCREEN_SIGNIN:
		build_signin(m, v);
		break;
	case UI_SCREEN_ERROR:
		set(v->heading, sizeof(v->heading), "Cannot sign in");
		if (m->st.cert_error)
			line(v, 0, UI_LINE_ERROR, "%s", CERT_ERROR_TEXT);
		else
			line(v, 0, UI_LINE_ERROR, "%s", reg_text(m));
		/* the daemon's detail after the seed's text, wrapped below */
		if (m->st.cert_error &&
		    strlen(m->st.status_text) > strlen(CERT_ERROR_TEXT) + 1)
			line(v, 1, UI_LINE_NORMAL, "%s",
			     m->st.status_text + strlen(CERT_ERROR_TEXT) + 1);
		break;
	case UI_SCREEN_IDLE:
		set(v->heading, sizeof(v->heading), m->st.address);
		line(v, 0, m->st.reg == UI_REG_REGISTERED ? UI_LINE_NORMAL : UI_LINE_ERROR,
		     "%s", reg_text(m));
		if (missed(m) > 0)
			line(v, 1, UI_LINE_NORMAL, "%d missed call%s", missed(m),
			     missed(m) == 1 ? "" : "s");
		if (m->st.messages > 0)
			line(v, 2, UI_LINE_NORMAL, "%d new voice message%s",
			     m->st.messages, m->st.messages == 1 ? "" : "s");
		if (m->st.dnd)
			line(v, 3, UI_LINE_ERROR, "Do not disturb");
		else if (m->st.forward[0])
			line(v, 3, UI_LINE_NORMAL, "Forwarding to %s", m->st.forward);
		softkeys(v, "Redial", "Calls", "Contacts", "Menu");
		break;
	case UI_SCREEN_DIALLING:
		build_dialling(m, v);
		break;
	case UI_SCREEN_LIST:
		build_list(m, v);
		break;
	case UI_SCREEN_UPDATE:
		build_update(m, v);
		break;
	case UI_SCREEN_INCOMING:
	case UI_SCREEN_IN_CALL:
		build_call(m, v);
		break;
	default:
		break;
	}
}

void ui_view_build(const struct ui_model *m, struct ui_view *v)
{
	memset(v, 0, sizeof(*v));
	v->screen = m->screen;
	v->progress = -1;
	set(v->title, sizeof(v->title), "ucphone");
	if (m->have_status && m->st.address[0] && m->st.signed_in)
		set(v->title, sizeof(v->title), m->st.address);
	/* the time once NTP set it: a wrong clock is worse than none */
	if (m->wall_valid && m->have_status && m->st.time_synced)
		snprintf(v->clock, sizeof(v->clock), "%02d:%02d",
			 (int)(m->wall_sec / 3600 % 24), (int)(m->wall_sec / 60 % 60));
	v->message_light = m->st.messages > 0;
	build_flags(m, v);
	build_body(m, v);
	if (v->white) {
		v->title[0] = '\0';
		v->clock[0] = '\0';
		v->message_light = false;
		v->flags[0] = '\0';
	}
}

unsigned int ui_view_diff(const struct ui_view *a, const struct ui_view *b)
{
	unsigned int parts = 0;

	if (a->white != b->white)
		return UI_PART_ALL;
	if (strcmp(a->title, b->title) || strcmp(a->clock, b->clock) ||
	    strcmp(a->flags, b->flags) ||
	    a->message_light != b->message_light)
		parts |= UI_PART_TITLE;
	if (a->screen != b->screen || a->cross != b->cross ||
	    strcmp(a->heading, b->heading) || a->progress != b->progress ||
	    a->lock != b->lock || memcmp(a->line, b->line, sizeof(a->line)))
		parts |= UI_PART_BODY;
	if (memcmp(a->softkey, b->softkey, sizeof(a->softkey)))
		parts |= UI_PART_SOFTKEYS;
	return parts;
}
