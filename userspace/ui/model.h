/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's screen as a state machine, with no I/O: what the daemon
 * reported (status, events, calls), the keys pressed and the clock go in;
 * the screen to show comes out (view.h turns it into text and shapes).
 * Every input takes the time from the caller, so tests inject the clock.
 *
 * Screens, by priority (the first that applies is shown):
 *   HARD_RESET   the reset button asked for a hard reset (wipe, restart)
 *   CALIBRATION  the first start after a hard reset, until OK
 *   INCOMING     a call rings
 *   IN_CALL      a call is up, being set up, or held
 *   DIALLING     handset lifted or digits typed, before the daemon's call;
 *                matches from contacts and the call log, OK dials one
 *   LIST         contacts, call log or voice mail (DIRECTORY opens and
 *                steps through them), scrolled with the arrows or, on the
 *                CX700 keypad that has none, the volume keys; OK dials
 *   UPDATE       a software update being downloaded or installed, or the
 *                phone restarting into it (progress bar while downloading)
 *   BOOT         until the phone first registered (progress bar)
 *   SIGNIN       no sign-in identity: address, user, password on the keypad
 *   ERROR        the certificate could not be validated, or sign-in failed
 *   UPDATE       also instead of IDLE: checking for an update, and an
 *                update that failed after its download began (30 s, or
 *                until a key)
 *   IDLE         name, registration state, time, missed calls, messages
 *
 * Key presses the daemon acts on (dialling, answering) stay the daemon's:
 * the model only shows them; it asks for the sign-in typed, the lists it
 * shows and the dialling of the entry chosen with OK.
 */
#ifndef UCPHONE_UI_MODEL_H
#define UCPHONE_UI_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/lists.h"
#include "ui/multitap.h"

enum ui_screen {
	UI_SCREEN_BOOT,
	UI_SCREEN_HARD_RESET,
	UI_SCREEN_CALIBRATION,
	UI_SCREEN_SIGNIN,
	UI_SCREEN_IDLE,
	UI_SCREEN_DIALLING,
	UI_SCREEN_INCOMING,
	UI_SCREEN_IN_CALL,
	UI_SCREEN_ERROR,
	UI_SCREEN_LIST,
	UI_SCREEN_UPDATE,
	__UI_SCREEN_COUNT
};

/* Digits and '*', '#' are their characters; the rest follow. */
enum ui_key {
	UI_KEY_NONE = 0,
	UI_KEY_OK = 256,
	UI_KEY_MENU,
	UI_KEY_OFF_HOOK,
	UI_KEY_ON_HOOK,
	UI_KEY_SPEAKER,
	UI_KEY_HEADSET,
	UI_KEY_MUTE,
	UI_KEY_HOLD,
	UI_KEY_TRANSFER,
	UI_KEY_REDIAL,
	UI_KEY_VOICEMAIL,
	UI_KEY_DIRECTORY,
	UI_KEY_VOLUME_UP,
	UI_KEY_VOLUME_DOWN,
	UI_KEY_UP,		/* arrows, on keypads that have them */
	UI_KEY_DOWN,
	UI_KEY_BACK,		/* BACK, CANCEL or EXIT */
};

enum ui_reg {
	UI_REG_UNKNOWN,		/* the status has no sign-in section */
	UI_REG_SIGNED_OUT,
	UI_REG_SIGNING_IN,
	UI_REG_REGISTERED,
	UI_REG_FAILED,
};

#define UI_TEXT_MAX 160
#define UI_NAME_MAX 128

/* The daemon's software update (its "update" event and status section). */
enum ui_update_state {
	UI_UPDATE_NONE,		/* idle, up to date */
	UI_UPDATE_CHECKING,
	UI_UPDATE_DOWNLOADING,
	UI_UPDATE_INSTALLING,	/* the signature checked, the installer run */
	UI_UPDATE_INSTALLED,	/* waiting for the restart into it */
	UI_UPDATE_FAILED,	/* failed or refused */
};

struct ui_update {
	enum ui_update_state state;
	int percent;			/* downloading: 0-100, or -1 */
	char version[32];		/* the version offered */
	char error[UI_TEXT_MAX];	/* FAILED: why */
};

/* What one `status` reply says, reduced to what the screen shows. */
struct ui_status {
	bool have_address;		/* DHCP lease */
	bool time_synced;		/* NTP */
	bool trust_done;		/* root CAs discovered */
	bool signed_in;			/* the daemon has an identity */
	char address[UI_NAME_MAX];	/* sign-in address */
	enum ui_reg reg;
	char status_text[UI_TEXT_MAX];	/* the daemon's one line for the screen */
	bool cert_error;		/* status_text is the certificate error */
	int missed_calls;		/* -1: the daemon does not say */
	int messages;			/* new voice messages; -1: not known */
	bool dnd;			/* Do Not Disturb */
	char forward[UI_NAME_MAX];	/* forwarding every call there */
	bool muted;			/* the microphone */
	bool have_update;		/* the status has an update section */
	struct ui_update update;
	bool restarting;		/* the phone reboots into the update now */
};

enum ui_call_state {
	UI_CALL_NONE,
	UI_CALL_DIALLING,	/* the daemon is placing it */
	UI_CALL_RINGING_OUT,
	UI_CALL_INCOMING,
	UI_CALL_ACTIVE,
	UI_CALL_HELD,
	UI_CALL_ENDED,
};

/* Who holds the call. */
enum ui_call_hold {
	UI_CALL_HOLD_NOBODY,
	UI_CALL_HOLD_PHONE,
	UI_CALL_HOLD_FAR_END,
	UI_CALL_HOLD_BOTH,
};

/* One call as the daemon reports it. */
struct ui_call {
	enum ui_call_state state;
	char far_end[UI_NAME_MAX];
	char codec[32];
	bool srtp;
	bool muted;
	bool missed;		/* ENDED: it rang and nobody answered */
	enum ui_call_hold hold;
	bool transferring;	/* our REFER sent, its outcome awaited */
};

/* Besides the active call: a second one and what the two are doing. */
struct ui_calls_extra {
	struct ui_call other;	/* NONE: no second call */
	bool waiting;		/* other rings during the call (call waiting) */
	bool conference;	/* the two far ends talk with the phone */
	char note[UI_TEXT_MAX];	/* "transfer failed (486)" and the like */
};

enum ui_signin_field {
	UI_SIGNIN_ADDRESS,
	UI_SIGNIN_USER,
	UI_SIGNIN_PASSWORD,
	__UI_SIGNIN_FIELDS
};

/* Boot stages, each a step of the progress bar. */
enum ui_boot_stage {
	UI_BOOT_STARTING,	/* no daemon yet */
	UI_BOOT_NETWORK,	/* daemon up, waiting for an address */
	UI_BOOT_TIME,
	UI_BOOT_CERTIFICATES,
	UI_BOOT_SIGNING_IN,
	UI_BOOT_DONE,
};

struct ui_model {
	enum ui_screen screen;
	uint64_t now_usec;	/* monotonic, last input's */
	int64_t wall_sec;	/* local wall clock, seconds of the day */
	bool wall_valid;

	bool daemon_up;
	bool have_status;
	struct ui_status st;
	bool registered_once;	/* boot screen done */

	/* The reset button held since power-on: the bar is its window. */
	bool reset_held;
	uint64_t reset_since_usec;
	uint32_t reset_window_ms;
	bool hard_reset;	/* asked for; until the daemon comes back */
	bool first_start;	/* calibration screen until OK */

	/* Sign-in entry. */
	enum ui_signin_field field;
	struct multitap entry[__UI_SIGNIN_FIELDS];
	bool signin_ready;	/* entered: for ui_model_take_signin() */
	bool signin_sent;	/* waiting for the daemon's answer */
	char signin_error[UI_TEXT_MAX];

	/* Dialling, shown until the daemon reports the call. */
	bool dialling;
	char digits[64];

	struct ui_call call;
	uint64_t call_since_usec;	/* ACTIVE since */
	int missed_calls;		/* counted here when status has none */
	struct ui_calls_extra extra;

	/* Lists: the one shown, the entry chosen, what to fetch or dial. */
	struct ui_list lists[__UI_LIST_COUNT];
	enum ui_list_kind list;
	unsigned int list_sel;
	uint64_t list_since_usec;	/* last key: the list closes after a while */
	unsigned int fetch;		/* bit per kind: ask the daemon */
	int match_sel;			/* dialling: the match chosen, or -1 */
	char dial[UI_ENTRY_TARGET];	/* OK chose this: for ui_model_take_dial() */

	/* The software update; a failure after the download began is shown. */
	struct ui_update update;
	bool update_notice;
	uint64_t update_notice_usec;
};

/* A list left alone this long goes back to the idle screen. */
#define UI_LIST_IDLE_USEC (30 * 1000000ULL)
/* An update's failure stays on the screen this long (or until a key). */
#define UI_UPDATE_NOTICE_USEC (30 * 1000000ULL)

void ui_model_init(struct ui_model *m, uint64_t now_usec);
/* Zeroes the sign-in entry (the password) and everything else. */
void ui_model_clear(struct ui_model *m);

/* Control socket connected (status follows) or lost. */
void ui_model_daemon(struct ui_model *m, bool up, uint64_t now_usec);
void ui_model_status(struct ui_model *m, const struct ui_status *st,
		     uint64_t now_usec);
void ui_model_call(struct ui_model *m, const struct ui_call *call,
		   uint64_t now_usec);
/* The daemon's update event (the status's update section goes with it). */
void ui_model_update(struct ui_model *m, const struct ui_update *u,
		     uint64_t now_usec);
/* The second call, call waiting, conference, the transfer's outcome. */
void ui_model_calls_extra(struct ui_model *m, const struct ui_calls_extra *x,
			  uint64_t now_usec);

/* A list the daemon sent (NULL and error: it refused). */
void ui_model_list_result(struct ui_model *m, enum ui_list_kind kind,
			  const struct ui_list *list, const char *error,
			  uint64_t now_usec);
/* The daemon's new call log entry (the "calllog" event). */
struct ui_list *ui_model_calllog(struct ui_model *m);
/* A list to ask the daemon for, once; UI_LIST_NONE if none. */
enum ui_list_kind ui_model_take_fetch(struct ui_model *m);
/* What OK chose to dial (a contact, a call log entry, a match), once. */
bool ui_model_take_dial(struct ui_model *m, char *target, size_t size);
/* Dialling: the matches shown (at most UI_MATCHES_MAX). */
unsigned int ui_model_matches(const struct ui_model *m,
			      const struct ui_entry **out);
/*
 * The reset button: held since power-on (window_ms: how long until it is
 * a hard reset), released, or the hard reset decided.
 */
void ui_model_reset_held(struct ui_model *m, uint32_t window_ms,
			 uint64_t since_usec, uint64_t now_usec);
void ui_model_reset_released(struct ui_model *m, uint64_t now_usec);
void ui_model_hard_reset(struct ui_model *m, uint64_t now_usec);

void ui_model_key(struct ui_model *m, enum ui_key key, uint64_t now_usec);
/* The clock moved: multi-tap timeouts, call duration, the time shown. */
void ui_model_tick(struct ui_model *m, uint64_t now_usec, int64_t wall_sec,
		   bool wall_valid);

/*
 * The sign-in the user entered, once: copies it out (password into pw,
 * which the caller zeroes) and returns true.
 */
bool ui_model_take_signin(struct ui_model *m, char *address, char *user,
			  char *pw, size_t size);
/* The daemon's answer to the sign-in (NULL error: accepted). */
void ui_model_signin_result(struct ui_model *m, const char *error,
			    uint64_t now_usec);

/* Boot progress in thousandths (the reset window while the button is held). */
unsigned int ui_model_boot_permille(const struct ui_model *m);
enum ui_boot_stage ui_model_boot_stage(const struct ui_model *m);

const char *ui_screen_name(enum ui_screen s);

#endif /* UCPHONE_UI_MODEL_H */
