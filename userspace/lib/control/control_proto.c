// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/control/control_proto.h"

/* Requests and replies are flat; deep nesting is only ever an attack. */
#define CONTROL_JSON_DEPTH 16
/* Longest fragment of a request quoted back in an error. */
#define CONTROL_ECHO_MAX 32

static const char *const command_names[__CONTROL_CMD_COUNT] = {
	[CONTROL_CMD_INFO] = "info",
	[CONTROL_CMD_EVENTS] = "events",
	[CONTROL_CMD_STATUS] = "status",
	[CONTROL_CMD_SIGNIN] = "signin",
	[CONTROL_CMD_SIGNOUT] = "signout",
	[CONTROL_CMD_RELOAD] = "reload",
	[CONTROL_CMD_DIAG] = "diag",
	[CONTROL_CMD_DIAL] = "dial",
	[CONTROL_CMD_ANSWER] = "answer",
	[CONTROL_CMD_HANGUP] = "hangup",
	[CONTROL_CMD_CALLS] = "calls",
	[CONTROL_CMD_DTMF] = "dtmf",
	[CONTROL_CMD_PRESS] = "press",
	[CONTROL_CMD_CONTACTS] = "contacts",
	[CONTROL_CMD_VOICEMAIL] = "voicemail",
	[CONTROL_CMD_EXCHANGE_SYNC] = "exchange-sync",
	[CONTROL_CMD_HOLD] = "hold",
	[CONTROL_CMD_RESUME] = "resume",
	[CONTROL_CMD_SWAP] = "swap",
	[CONTROL_CMD_TRANSFER] = "transfer",
	[CONTROL_CMD_TRANSFER_ATTENDED] = "transfer-attended",
	[CONTROL_CMD_FORWARD] = "forward",
	[CONTROL_CMD_DND] = "dnd",
	[CONTROL_CMD_MUTE] = "mute",
	[CONTROL_CMD_VOLUME] = "volume",
	[CONTROL_CMD_CALLLOG] = "calllog",
	[CONTROL_CMD_UPDATE] = "update",
};

const char *control_command_arg(enum control_command command)
{
	switch (command) {
	case CONTROL_CMD_DIAL:
	case CONTROL_CMD_TRANSFER:
		return "target";
	case CONTROL_CMD_DTMF:
		return "digits";
	case CONTROL_CMD_PRESS:
		return "key";
	case CONTROL_CMD_FORWARD:
	case CONTROL_CMD_DND:
	case CONTROL_CMD_MUTE:
	case CONTROL_CMD_VOLUME:
	case CONTROL_CMD_UPDATE:
		return "setting";
	default:
		return NULL;
	}
}

struct json_object *control_request_new_arg(const char *command,
					    const char *arg)
{
	struct json_object *req = control_request_new(command);
	const char *field = NULL;

	for (unsigned int i = 0; i < __CONTROL_CMD_COUNT; i++)
		if (!strcmp(command, command_names[i]))
			field = control_command_arg((enum control_command)i);
	if (req && field)
		json_object_object_add(req, field, json_object_new_string(arg));
	return req;
}

const char *control_command_name(enum control_command command)
{
	if ((unsigned int)command >= __CONTROL_CMD_COUNT)
		return NULL;
	return command_names[command];
}

static int refuse(char error[CONTROL_ERROR_MAX], int ret, const char *what,
		  const char *detail)
{
	if (detail)
		snprintf(error, CONTROL_ERROR_MAX, "%s: %s", what, detail);
	else
		snprintf(error, CONTROL_ERROR_MAX, "%s", what);
	return ret;
}

/* Quotes s back only if it is short and printable: replies stay clean. */
static int refuse_quoting(char error[CONTROL_ERROR_MAX], const char *what,
			  const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONTROL_ECHO_MAX)
		return refuse(error, -EINVAL, what, NULL);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return refuse(error, -EINVAL, what, NULL);
	snprintf(error, CONTROL_ERROR_MAX, "%s \"%s\"", what, s);
	return -EINVAL;
}

static bool only_whitespace(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/*
 * Strict JSON (RFC 8259, valid UTF-8, bounded depth) of exactly one value
 * filling the message, trailing whitespace allowed.
 */
static int parse_json(const void *buf, size_t len, size_t max,
		      struct json_object **out, char error[CONTROL_ERROR_MAX])
{
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	struct json_object *obj;
	char *text;
	size_t end;

	*out = NULL;
	if (len == 0)
		return refuse(error, -EINVAL, "empty message", NULL);
	if (len > max)
		return refuse(error, -EMSGSIZE, "message too large", NULL);
	if (memchr(buf, '\0', len))
		return refuse(error, -EINVAL, "not valid JSON",
			      "message contains a NUL byte");

	/*
	 * A NUL after the text tells json-c the input ends there: "1" is
	 * then a complete number, not a prefix of "12".
	 */
	text = malloc(len + 1);
	if (!text)
		return refuse(error, -ENOMEM, "out of memory", NULL);
	memcpy(text, buf, len);
	text[len] = '\0';

	tok = json_tokener_new_ex(CONTROL_JSON_DEPTH);
	if (!tok) {
		free(text);
		return refuse(error, -ENOMEM, "out of memory", NULL);
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_ALLOW_TRAILING_CHARS |
				    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr != json_tokener_success) {
		json_object_put(obj);
		free(text);
		return refuse(error, -EINVAL, "not valid JSON",
			      json_tokener_error_desc(jerr));
	}
	if (end < len && !only_whitespace(text + end, len - end)) {
		json_object_put(obj);
		free(text);
		return refuse(error, -EINVAL, "not valid JSON",
			      "trailing characters after the value");
	}
	free(text);
	*out = obj;
	return 0;
}

/* Copies string field key into out; -EINVAL unless a non-empty NUL-free string that fits. */
static int copy_field(struct json_object *root, const char *key, char *out,
		      char error[CONTROL_ERROR_MAX])
{
	struct json_object *v;
	size_t len;

	if (!json_object_object_get_ex(root, key, &v))
		return refuse_quoting(error, "missing field", key);
	if (!json_object_is_type(v, json_type_string))
		return refuse_quoting(error, "must be a string:", key);
	len = (size_t)json_object_get_string_len(v);
	if (!len || len >= CONTROL_SIGNIN_FIELD_MAX ||
	    strlen(json_object_get_string(v)) != len)
		return refuse_quoting(error, "empty, too long or NUL in", key);
	memcpy(out, json_object_get_string(v), len + 1);
	return 0;
}

/* "address" and "user" belong to signin, and signin needs both. */
static int signin_fields(struct json_object *root, struct control_request *req,
			 char error[CONTROL_ERROR_MAX])
{
	int ret;

	if (req->command != CONTROL_CMD_SIGNIN) {
		if (json_object_object_get_ex(root, "address", NULL))
			return refuse_quoting(error, "unknown field", "address");
		if (json_object_object_get_ex(root, "user", NULL))
			return refuse_quoting(error, "unknown field", "user");
		return 0;
	}
	ret = copy_field(root, "address", req->address, error);
	if (!ret)
		ret = copy_field(root, "user", req->user, error);
	return ret;
}

/* The call commands' one argument; no other command takes those fields. */
static int arg_field(struct json_object *root, struct control_request *req,
		     char error[CONTROL_ERROR_MAX])
{
	static const char *const fields[] = { "target", "digits", "key", "setting" };
	const char *want = control_command_arg(req->command);

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((!want || strcmp(want, fields[i])) &&
		    json_object_object_get_ex(root, fields[i], NULL))
			return refuse_quoting(error, "unknown field", fields[i]);
	if (!want)
		return 0;
	return copy_field(root, want, req->arg, error);
}

/* "search" and "offset" belong to contacts, and are optional there. */
static int contacts_fields(struct json_object *root, struct control_request *req,
			   char error[CONTROL_ERROR_MAX])
{
	struct json_object *v;
	int64_t off;
	size_t len;

	if (req->command != CONTROL_CMD_CONTACTS) {
		if (json_object_object_get_ex(root, "search", NULL))
			return refuse_quoting(error, "unknown field", "search");
		if (json_object_object_get_ex(root, "offset", NULL))
			return refuse_quoting(error, "unknown field", "offset");
		return 0;
	}
	if (json_object_object_get_ex(root, "search", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return refuse_quoting(error, "must be a string:", "search");
		len = (size_t)json_object_get_string_len(v);
		if (len >= CONTROL_SEARCH_MAX ||
		    strlen(json_object_get_string(v)) != len)
			return refuse_quoting(error, "too long or NUL in", "search");
		memcpy(req->search, json_object_get_string(v), len + 1);
	}
	if (json_object_object_get_ex(root, "offset", &v)) {
		off = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || off < 0 || off > 1000000)
			return refuse_quoting(error, "must be a number 0-1000000:",
					      "offset");
		req->offset = (unsigned int)off;
	}
	return 0;
}

int control_request_parse(const void *buf, size_t len,
			  struct control_request *req,
			  char error[CONTROL_ERROR_MAX])
{
	struct json_object *root, *command = NULL;
	const char *name;
	int ret;

	memset(req, 0, sizeof(*req));
	if (len > CONTROL_REQUEST_MAX) {
		snprintf(error, CONTROL_ERROR_MAX,
			 "request too large (limit %d bytes)",
			 CONTROL_REQUEST_MAX);
		return -EMSGSIZE;
	}
	ret = parse_json(buf, len, CONTROL_REQUEST_MAX, &root, error);
	if (ret < 0)
		return ret;

	if (!json_object_is_type(root, json_type_object)) {
		ret = refuse(error, -EINVAL, "request must be a JSON object",
			     NULL);
		goto out;
	}
	json_object_object_foreach(root, key, value) {
		(void)value;
		if (strcmp(key, "command") != 0 && strcmp(key, "address") != 0 &&
		    strcmp(key, "user") != 0 && strcmp(key, "target") != 0 &&
		    strcmp(key, "digits") != 0 && strcmp(key, "key") != 0 &&
		    strcmp(key, "setting") != 0 &&
		    strcmp(key, "search") != 0 &&
		    strcmp(key, "offset") != 0) {
			ret = refuse_quoting(error, "unknown field", key);
			goto out;
		}
	}
	if (!json_object_object_get_ex(root, "command", &command)) {
		ret = refuse(error, -EINVAL, "missing \"command\"", NULL);
		goto out;
	}
	if (!json_object_is_type(command, json_type_string)) {
		ret = refuse(error, -EINVAL, "\"command\" must be a string",
			     NULL);
		goto out;
	}

	name = json_object_get_string(command);
	/* "info\u0000x" must not pass for "info". */
	if ((size_t)json_object_get_string_len(command) == strlen(name)) {
		for (unsigned int i = 0; i < __CONTROL_CMD_COUNT; i++) {
			if (strcmp(name, command_names[i]) == 0) {
				req->command = (enum control_command)i;
				ret = signin_fields(root, req, error);
				if (!ret)
					ret = arg_field(root, req, error);
				if (!ret)
					ret = contacts_fields(root, req, error);
				goto out;
			}
		}
	}
	ret = refuse_quoting(error, "unknown command", name);
out:
	json_object_put(root);
	return ret;
}

struct json_object *control_request_new(const char *command)
{
	struct json_object *obj = json_object_new_object();

	if (obj)
		json_object_object_add(obj, "command",
				       json_object_new_string(command));
	return obj;
}

struct json_object *control_request_new_signin(const char *address,
					       const char *user)
{
	struct json_object *obj = control_request_new("signin");

	if (obj) {
		json_object_object_add(obj, "address",
				       json_object_new_string(address));
		json_object_object_add(obj, "user",
				       json_object_new_string(user));
	}
	return obj;
}

struct json_object *control_reply_new_ok(struct json_object *result)
{
	struct json_object *obj = json_object_new_object();

	if (!obj) {
		json_object_put(result);
		return NULL;
	}
	json_object_object_add(obj, "ok", json_object_new_boolean(1));
	json_object_object_add(obj, "result", result);
	return obj;
}

struct json_object *control_reply_new_error(const char *message)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	json_object_object_add(obj, "ok", json_object_new_boolean(0));
	json_object_object_add(obj, "error", json_object_new_string(message));
	return obj;
}

const char *control_json_string(struct json_object *obj, size_t *len)
{
	return json_object_to_json_string_length(obj,
						 JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE,
						 len);
}

int control_reply_parse(const void *buf, size_t len,
			struct control_reply *reply,
			char error[CONTROL_ERROR_MAX])
{
	struct json_object *ok, *value;
	int ret;

	memset(reply, 0, sizeof(*reply));
	ret = parse_json(buf, len, CONTROL_MESSAGE_MAX, &reply->root, error);
	if (ret < 0)
		return ret;

	ret = -EINVAL;
	if (!json_object_is_type(reply->root, json_type_object)) {
		refuse(error, ret, "reply is not a JSON object", NULL);
		goto fail;
	}
	if (!json_object_object_get_ex(reply->root, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		refuse(error, ret, "reply has no boolean \"ok\"", NULL);
		goto fail;
	}
	reply->ok = json_object_get_boolean(ok);
	if (reply->ok) {
		if (!json_object_object_get_ex(reply->root, "result", &value)) {
			refuse(error, ret, "reply has no \"result\"", NULL);
			goto fail;
		}
		reply->result = value;
	} else {
		if (!json_object_object_get_ex(reply->root, "error", &value) ||
		    !json_object_is_type(value, json_type_string)) {
			refuse(error, ret, "reply has no \"error\" string",
			       NULL);
			goto fail;
		}
		reply->error = json_object_get_string(value);
	}
	return 0;
fail:
	control_reply_release(reply);
	return ret;
}

void control_reply_release(struct control_reply *reply)
{
	json_object_put(reply->root);
	memset(reply, 0, sizeof(*reply));
}

int control_event_parse(const void *buf, size_t len,
			struct json_object **event,
			char error[CONTROL_ERROR_MAX])
{
	struct json_object *root, *type;
	int ret;

	*event = NULL;
	ret = parse_json(buf, len, CONTROL_MESSAGE_MAX, &root, error);
	if (ret < 0)
		return ret;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "event", &type) ||
	    !json_object_is_type(type, json_type_string)) {
		json_object_put(root);
		return refuse(error, -EINVAL,
			      "event is not an object with an \"event\" string",
			      NULL);
	}
	*event = root;
	return 0;
}
