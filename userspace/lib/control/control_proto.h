/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's message format, shared by ucphoned and its clients.
 *
 * Transport: AF_UNIX SOCK_SEQPACKET, one JSON object per message (no
 * framing, no trailing NUL needed; trailing whitespace is ignored).
 *
 *   request   {"command":"info"}
 *   reply     {"ok":true,"result":{...}} or {"ok":false,"error":"..."}
 *
 * After a successful {"command":"events"} every further message from the
 * daemon is an event: {"event":"<type>", ...} (see ucphone_json.h), plus
 * the daemon's own {"event":"events-lost","count":N},
 * {"event":"kernel-available","uapi":N} and {"event":"kernel-unavailable"}.
 *
 * Sign-in is the one request in two messages, so that the password never
 * passes through a JSON parser (whose buffers we cannot zero):
 *
 *   request   {"command":"signin","address":"alice@corp.test","user":"CORP\\alice"}
 *   request   the password's raw bytes (1-255, no NUL), as its own message
 *   reply     {"ok":true,"result":{"signed_in":true,"address":...,"user":...}}
 *
 * {"command":"signout"} forgets the identity and its stored copy.
 * {"command":"reload"} reads the configuration file again; the result says
 * which settings changed at once and which wait for a restart.
 * {"command":"diag"} returns what the troubleshooting bundle needs from
 * the daemon beyond info and status: the software version, its recent
 * log lines and the certificates it has seen (fingerprints, names and
 * validity; never a private key, a password or a media key).
 *
 * Calls: {"command":"dial","target":"bob"} (a URI, name or number),
 * {"command":"answer"}, {"command":"hangup"}, {"command":"calls"} (the
 * call view), {"command":"dtmf","digits":"12#"} (0-9 * # A-D, at most
 * 32), {"command":"press","key":"5"} (0-9 * # speaker offhook onhook
 * hold: a keypad event made up), {"command":"hold"} and
 * {"command":"resume"} (the HOLD key's two halves), {"command":"swap"}
 * (with two calls: the active one on hold, the other resumed),
 * {"command":"transfer","target":"carol"} (blind transfer: REFER),
 * {"command":"transfer-attended"} (the held call to the active one).
 *
 * Call features, each "setting" a short text as the command line has it:
 * {"command":"forward","setting":"always sip:carol@corp.test"} (always|
 * busy|noanswer URI [SECONDS], RULE off, off), {"command":"dnd","setting":
 * "on"} (on [URI], off), {"command":"mute","setting":"toggle"} (on, off),
 * {"command":"volume","setting":"up"} (down, 0-100 %), {"command":
 * "calllog"} (the call log, newest first; clears the missed-call count).
 * The keypad's LAST, VOICEMAIL, MUTE, volume and headset keys can be
 * pressed too: "press" takes last, voicemail, mute, volumeup, volumedown,
 * headset.
 *
 * Exchange (contacts and voice mail fetched over EWS):
 *   {"command":"contacts","search":"bob","offset":50}  (both optional)
 *   {"command":"voicemail"}
 *   {"command":"exchange-sync"}  synchronise now
 *
 * Device Update: {"command":"update","setting":"status"} (the status's
 * "update" section), "check" (ask the update server now), "check
 * --allow-downgrade" (now, a lower version taken too).
 */
#ifndef UCPHONE_CONTROL_PROTO_H
#define UCPHONE_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* Longest request the daemon reads; a longer one is refused whole. */
#define CONTROL_REQUEST_MAX 4096
/* Longest reply or event the daemon sends. */
#define CONTROL_MESSAGE_MAX 65536
/* Room for the reason a message was refused, with its NUL. */
#define CONTROL_ERROR_MAX 160

enum control_command {
	CONTROL_CMD_INFO,
	CONTROL_CMD_EVENTS,
	CONTROL_CMD_STATUS,
	CONTROL_CMD_SIGNIN,
	CONTROL_CMD_SIGNOUT,
	CONTROL_CMD_RELOAD,
	CONTROL_CMD_DIAG,
	CONTROL_CMD_DIAL,
	CONTROL_CMD_ANSWER,
	CONTROL_CMD_HANGUP,
	CONTROL_CMD_CALLS,
	CONTROL_CMD_DTMF,
	CONTROL_CMD_PRESS,
	CONTROL_CMD_CONTACTS,
	CONTROL_CMD_VOICEMAIL,
	CONTROL_CMD_EXCHANGE_SYNC,
	CONTROL_CMD_HOLD,
	CONTROL_CMD_RESUME,
	CONTROL_CMD_SWAP,
	CONTROL_CMD_TRANSFER,
	CONTROL_CMD_TRANSFER_ATTENDED,
	CONTROL_CMD_FORWARD,
	CONTROL_CMD_DND,
	CONTROL_CMD_MUTE,
	CONTROL_CMD_VOLUME,
	CONTROL_CMD_CALLLOG,
	CONTROL_CMD_UPDATE,
	__CONTROL_CMD_COUNT
};

/* Longest sign-in address, user and password, with the NUL. */
#define CONTROL_SIGNIN_FIELD_MAX 256
/* Longest contacts search text, with the NUL. */
#define CONTROL_SEARCH_MAX 128

struct control_request {
	enum control_command command;
	/* CONTROL_CMD_SIGNIN only: both present, non-empty, NUL-free */
	char address[CONTROL_SIGNIN_FIELD_MAX];
	char user[CONTROL_SIGNIN_FIELD_MAX];
	/* dial "target", dtmf "digits", press "key", forward/dnd/mute/volume
	 * "setting": present, non-empty */
	char arg[CONTROL_SIGNIN_FIELD_MAX];
	/* CONTROL_CMD_CONTACTS only, both optional: "" and 0 when absent */
	char search[CONTROL_SEARCH_MAX];
	unsigned int offset;
};

/* The field a command takes its argument in ("target"...), or NULL. */
const char *control_command_arg(enum control_command command);
/* {"command":command,"<its field>":arg} */
struct json_object *control_request_new_arg(const char *command,
					    const char *arg);

/* {"command":"signin","address":address,"user":user} */
struct json_object *control_request_new_signin(const char *address,
					       const char *user);

const char *control_command_name(enum control_command command);

/*
 * Parses one request message. Returns 0, or -EINVAL / -EMSGSIZE with a
 * reason fit to send back in error (never echoes more than a short,
 * printable fragment of the request).
 */
int control_request_parse(const void *buf, size_t len,
			  struct control_request *req,
			  char error[CONTROL_ERROR_MAX]);

/* {"command":"<name>"}; any name, so a client can try newer commands. */
struct json_object *control_request_new(const char *command);

/* {"ok":true,"result":result}; takes the reference to result. */
struct json_object *control_reply_new_ok(struct json_object *result);
/* {"ok":false,"error":message} */
struct json_object *control_reply_new_error(const char *message);

/* Compact one-line JSON; valid until obj changes or is freed. */
const char *control_json_string(struct json_object *obj, size_t *len);

/* A reply as a client sees it. */
struct control_reply {
	struct json_object *root;	/* owns what the pointers below see */
	bool ok;
	struct json_object *result;	/* when ok */
	const char *error;		/* when !ok */
};

/* Parses and checks a reply; release it with control_reply_release(). */
int control_reply_parse(const void *buf, size_t len,
			struct control_reply *reply,
			char error[CONTROL_ERROR_MAX]);
void control_reply_release(struct control_reply *reply);

/*
 * Parses one message of an event stream: an object with an "event" string.
 * Returns a new reference in *event.
 */
int control_event_parse(const void *buf, size_t len,
			struct json_object **event,
			char error[CONTROL_ERROR_MAX]);

#endif /* UCPHONE_CONTROL_PROTO_H */
