// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket's message format (userspace/lib/control/control_proto.c):
 * valid requests parse, garbage of every sort is refused with a reason
 * that is safe to send back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/control/control_proto.h"

static int parse(const char *text, size_t len, struct control_request *req,
		 char error[CONTROL_ERROR_MAX])
{
	/* An exact-size copy without a NUL: the parser gets no free end. */
	char *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, text, len);
	error[0] = '\0';
	ret = control_request_parse(copy, len, req, error);
	free(copy);
	return ret;
}

static int parse_str(const char *text, struct control_request *req,
		     char error[CONTROL_ERROR_MAX])
{
	return parse(text, strlen(text), req, error);
}

TEST(valid_requests)
{
	struct control_request req;
	char error[CONTROL_ERROR_MAX];

	ASSERT_EQ(0, parse_str("{\"command\":\"info\"}", &req, error)) {
		TH_LOG("%s", error);
	}
	EXPECT_EQ(CONTROL_CMD_INFO, req.command);
	ASSERT_EQ(0, parse_str("{\"command\":\"events\"}", &req, error));
	EXPECT_EQ(CONTROL_CMD_EVENTS, req.command);
	/* Whitespace around and inside, a trailing newline from echo(1). */
	ASSERT_EQ(0, parse_str(" \t{ \"command\" : \"info\" }\r\n", &req,
			       error));
	EXPECT_EQ(CONTROL_CMD_INFO, req.command);
	EXPECT_STREQ("info", control_command_name(CONTROL_CMD_INFO));
	EXPECT_STREQ("events", control_command_name(CONTROL_CMD_EVENTS));
	EXPECT_EQ(NULL, control_command_name(__CONTROL_CMD_COUNT));
}

TEST(garbage_refused)
{
	static const char *const garbage[] = {
		"",
		" ",
		"garbage",
		"{",
		"}",
		"{\"command\":\"info\"",
		"[]",
		"\"info\"",
		"42",
		"null",
		"{}",
		"{\"command\":1}",
		"{\"command\":null}",
		"{\"command\":[\"info\"]}",
		"{\"command\":{}}",
		"{\"command\":\"\"}",
		"{\"command\":\"INFO\"}",
		"{\"command\":\"info \"}",
		"{\"command\":\"info\",\"extra\":1}",
		"{\"command\":\"info\"} x",
		"{\"command\":\"info\"}{}",
		"{\"command\":\"info\",}",
		"{'command':'info'}",
		"{command:\"info\"}",
		"{\"command\":\"info\\u0000\"}",
		"{\"command\":\"\xff\xfe\"}",
		"{\"command\":\"\xc3\"}",
		"\xef\xbb\xbf{\"command\":\"info\"}",
	};
	struct control_request req;
	char error[CONTROL_ERROR_MAX];

	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		EXPECT_EQ(-EINVAL, parse_str(garbage[i], &req, error)) {
			TH_LOG("accepted #%zu: %s", i, garbage[i]);
		}
		EXPECT_NE(0, strlen(error));
	}
}

TEST(errors_say_what_is_wrong)
{
	struct control_request req;
	char error[CONTROL_ERROR_MAX];

	parse_str("nope", &req, error);
	EXPECT_EQ(0, strncmp(error, "not valid JSON", 14)) {
		TH_LOG("%s", error);
	}
	parse_str("[1]", &req, error);
	EXPECT_STREQ("request must be a JSON object", error);
	parse_str("{}", &req, error);
	EXPECT_STREQ("missing \"command\"", error);
	parse_str("{\"command\":7}", &req, error);
	EXPECT_STREQ("\"command\" must be a string", error);
	parse_str("{\"command\":\"reboot\"}", &req, error);
	EXPECT_STREQ("unknown command \"reboot\"", error);
	parse_str("{\"command\":\"info\",\"as\":\"root\"}", &req, error);
	EXPECT_STREQ("unknown field \"as\"", error);
}

TEST(errors_never_echo_junk)
{
	struct control_request req;
	char error[CONTROL_ERROR_MAX];
	char text[256];

	/* Too long to quote back. */
	snprintf(text, sizeof(text), "{\"command\":\"%0100d\"}", 0);
	EXPECT_EQ(-EINVAL, parse_str(text, &req, error));
	EXPECT_STREQ("unknown command", error);
	/* Control characters, quotes and backslashes are not quoted back. */
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"a\\nb\"}", &req, error));
	EXPECT_STREQ("unknown command", error);
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"a\\\"b\"}", &req, error));
	EXPECT_STREQ("unknown command", error);
}

TEST(nul_bytes_refused)
{
	static const char text[] = "{\"command\":\"info\"}\0";
	struct control_request req;
	char error[CONTROL_ERROR_MAX];

	EXPECT_EQ(-EINVAL, parse(text, sizeof(text), &req, error));
	EXPECT_EQ(-EINVAL, parse("\0{}", 3, &req, error));
}

TEST(size_limit)
{
	struct control_request req;
	char error[CONTROL_ERROR_MAX];
	char *text = malloc(CONTROL_REQUEST_MAX + 2);
	int head;

	/* Exactly at the limit, padded with whitespace: fine. */
	head = snprintf(text, CONTROL_REQUEST_MAX + 2, "{\"command\":\"info\"}");
	memset(text + head, ' ', CONTROL_REQUEST_MAX - head);
	EXPECT_EQ(0, parse(text, CONTROL_REQUEST_MAX, &req, error)) {
		TH_LOG("%s", error);
	}
	/* One byte more. */
	text[CONTROL_REQUEST_MAX] = ' ';
	EXPECT_EQ(-EMSGSIZE, parse(text, CONTROL_REQUEST_MAX + 1, &req, error));
	EXPECT_STREQ("request too large (limit 4096 bytes)", error);
	free(text);
}

TEST(deep_nesting_refused)
{
	struct control_request req;
	char error[CONTROL_ERROR_MAX];
	char text[2048];
	size_t n = 0;

	n += (size_t)snprintf(text, sizeof(text), "{\"command\":");
	for (int i = 0; i < 500; i++)
		text[n++] = '[';
	for (int i = 0; i < 500; i++)
		text[n++] = ']';
	text[n++] = '}';
	EXPECT_EQ(-EINVAL, parse(text, n, &req, error));
}

TEST(request_builder_round_trips)
{
	struct json_object *obj = control_request_new("info");
	struct control_request req;
	char error[CONTROL_ERROR_MAX];
	const char *text;
	size_t len;

	text = control_json_string(obj, &len);
	EXPECT_STREQ("{\"command\":\"info\"}", text);
	EXPECT_EQ(0, parse(text, len, &req, error));
	EXPECT_EQ(CONTROL_CMD_INFO, req.command);
	json_object_put(obj);
}

TEST(signin_carries_address_and_user_only)
{
	struct json_object *obj = control_request_new_signin("alice@corp.test",
							     "CORP\\alice");
	struct control_request req;
	char error[CONTROL_ERROR_MAX];
	const char *text;
	size_t len;

	text = control_json_string(obj, &len);
	ASSERT_EQ(0, parse(text, len, &req, error));
	EXPECT_EQ(CONTROL_CMD_SIGNIN, req.command);
	EXPECT_STREQ("alice@corp.test", req.address);
	EXPECT_STREQ("CORP\\alice", req.user);
	json_object_put(obj);

	ASSERT_EQ(0, parse_str("{\"command\":\"signout\"}", &req, error));
	EXPECT_EQ(CONTROL_CMD_SIGNOUT, req.command);

	/* the password has no field: it travels as its own message */
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"signin\",\"address\":\"a@b\","
				     "\"user\":\"u\",\"password\":\"p\"}", &req, error));
	EXPECT_STREQ("unknown field \"password\"", error);
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"signin\",\"address\":\"a@b\"}",
				     &req, error));
	EXPECT_STREQ("missing field \"user\"", error);
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"signin\",\"address\":1,"
				     "\"user\":\"u\"}", &req, error));
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"signin\",\"address\":\"\","
				     "\"user\":\"u\"}", &req, error));
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"signin\",\"address\":\"a\\u0000b\","
				     "\"user\":\"u\"}", &req, error));
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"status\",\"user\":\"u\"}",
				     &req, error));
	EXPECT_STREQ("unknown field \"user\"", error);
}

TEST(call_commands_carry_their_one_argument)
{
	struct json_object *obj = control_request_new_arg("dial", "sip:bob@corp.test");
	struct control_request req;
	char error[CONTROL_ERROR_MAX];
	const char *text;
	size_t len;

	text = control_json_string(obj, &len);
	EXPECT_STREQ("{\"command\":\"dial\",\"target\":\"sip:bob@corp.test\"}", text);
	ASSERT_EQ(0, parse(text, len, &req, error));
	EXPECT_EQ(CONTROL_CMD_DIAL, req.command);
	EXPECT_STREQ("sip:bob@corp.test", req.arg);
	json_object_put(obj);

	ASSERT_EQ(0, parse_str("{\"command\":\"dtmf\",\"digits\":\"12#\"}", &req, error));
	EXPECT_EQ(CONTROL_CMD_DTMF, req.command);
	EXPECT_STREQ("12#", req.arg);
	ASSERT_EQ(0, parse_str("{\"command\":\"press\",\"key\":\"offhook\"}", &req, error));
	EXPECT_EQ(CONTROL_CMD_PRESS, req.command);
	ASSERT_EQ(0, parse_str("{\"command\":\"calls\"}", &req, error));
	EXPECT_EQ(CONTROL_CMD_CALLS, req.command);
	ASSERT_EQ(0, parse_str("{\"command\":\"answer\"}", &req, error));
	ASSERT_EQ(0, parse_str("{\"command\":\"hangup\"}", &req, error));

	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"dial\"}", &req, error));
	EXPECT_STREQ("missing field \"target\"", error);
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"dial\",\"target\":\"\"}", &req, error));
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"dial\",\"digits\":\"1\"}", &req, error));
	EXPECT_EQ(-EINVAL, parse_str("{\"command\":\"answer\",\"target\":\"x\"}", &req, error));
	EXPECT_STREQ("unknown field \"target\"", error);
}

TEST(replies_round_trip)
{
	struct json_object *result = json_object_new_object();
	struct control_reply reply;
	char error[CONTROL_ERROR_MAX];
	struct json_object *obj;
	const char *text;
	size_t len;

	json_object_object_add(result, "path",
			       json_object_new_string("/run/ucphone/control"));
	obj = control_reply_new_ok(result);
	text = control_json_string(obj, &len);
	/* No "\/" escaping: paths stay readable. */
	EXPECT_STREQ("{\"ok\":true,\"result\":{\"path\":"
		     "\"/run/ucphone/control\"}}", text);
	ASSERT_EQ(0, control_reply_parse(text, len, &reply, error));
	EXPECT_TRUE(reply.ok);
	EXPECT_TRUE(json_object_is_type(reply.result, json_type_object));
	control_reply_release(&reply);
	json_object_put(obj);

	obj = control_reply_new_error("unknown command \"x\"");
	text = control_json_string(obj, &len);
	ASSERT_EQ(0, control_reply_parse(text, len, &reply, error));
	EXPECT_FALSE(reply.ok);
	EXPECT_STREQ("unknown command \"x\"", reply.error);
	control_reply_release(&reply);
	json_object_put(obj);
}

TEST(bad_replies_refused)
{
	static const char *const bad[] = {
		"", "x", "[]", "{}", "{\"ok\":1}", "{\"ok\":true}",
		"{\"ok\":false}", "{\"ok\":false,\"error\":3}",
		"{\"ok\":\"true\",\"result\":{}}",
	};
	struct control_reply reply;
	char error[CONTROL_ERROR_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_GT(0, control_reply_parse(bad[i], strlen(bad[i]),
						 &reply, error)) {
			TH_LOG("accepted %s", bad[i]);
		}
		EXPECT_EQ(NULL, reply.root);
	}
}

TEST(events_parse)
{
	struct json_object *event;
	char error[CONTROL_ERROR_MAX];
	const char *good = "{\"event\":\"hook\",\"hook\":\"off\"}";

	ASSERT_EQ(0, control_event_parse(good, strlen(good), &event, error));
	json_object_put(event);
	EXPECT_GT(0, control_event_parse("{\"ok\":true}", 11, &event, error));
	EXPECT_EQ(NULL, event);
	EXPECT_GT(0, control_event_parse("{\"event\":1}", 11, &event, error));
}

TEST_HARNESS_MAIN
