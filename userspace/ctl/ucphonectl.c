// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphonectl: talks to ucphoned over its control socket.
 *
 * Exit codes: 0 ok, 1 the daemon returned an error, 2 usage error,
 * 3 cannot reach the daemon (or it answered nonsense).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/ucphone.h>

#include "config.h"
#include "ctl/calls_view.h"
#include "ctl/diag.h"
#include "ctl/exchange_cmd.h"
#include "ctl/features_cmd.h"
#include "ctl/update_cmd.h"
#include "ctl/format.h"
#include "ctl/signin.h"
#include "ctl/srtp_view.h"
#include "lib/control/control_proto.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_DAEMON_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

/* How long a request may wait for its reply. */
#define REPLY_TIMEOUT_SEC 10

struct ctl {
	const char *path;
	bool json;
	int fd;
	char *buf;		/* CONTROL_MESSAGE_MAX + 1 */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ucphonectl [--control PATH] [--json] COMMAND\n"
		"Talk to ucphoned, the desk phone's control daemon.\n"
		"\n"
		"Commands:\n"
		"  info      the daemon, the kernel side and their counters\n"
		"  srtp      SRTP sessions offloaded to the kernel, with counters\n"
		"  events    print kernel events as they happen, until ^C\n"
		"  status    the network: lease, DNS, registrars found, time\n"
		"  signin --address ADDRESS --user USER (--password-stdin | --password-file F)\n"
		"            sign in (stored by the daemon, 0600); see signin --help\n"
		"  signout   forget the sign-in identity\n"
		"  reload    read the daemon's configuration file again\n"
		"  dial URI|NAME|NUMBER  call (a number or name becomes sip:N@domain)\n"
		"  answer    answer the ringing call\n"
		"  hangup    end the call (or refuse the ringing one)\n"
		"  calls     the call: state, far end, codec, SRTP, RTCP figures\n"
		"  dtmf DIGITS  send 0-9 * # A-D during the call\n"
		"  press KEY    a keypad key: 0-9 * # speaker offhook onhook hold ok\n"
		"  hold      put the call on hold (the HOLD key)\n"
		"  resume    take the call off hold (another call up goes on hold)\n"
		"  swap      with two calls: hold the active one, resume the other\n"
		"  transfer URI|NAME|NUMBER  blind transfer of the call (REFER)\n"
		"  transfer --attended  the held call to the active one (Replaces)\n"
		"  contacts [--json] [SEARCH]  Exchange contacts (all, or matching)\n"
		"  voicemail [--json]  voice mail and missed calls from Exchange\n"
		"  call-contact NAME|INDEX [work|mobile|sip]  call a contact\n"
		"  forward always|busy|noanswer URI [SECONDS] | forward RULE off | forward off\n"
		"            forward incoming calls (302 to URI); shown in status\n"
		"  dnd on [URI] | dnd off  Do Not Disturb: calls get 486 (or go to URI)\n"
		"  mute [on|off]  the microphone (no argument: toggle, as the key)\n"
		"  volume up|down|0-100  the current audio path's volume (kept)\n"
		"  calllog [--json]  placed, received and missed calls, newest first\n"
		"  exchange-sync  fetch contacts and voice mail from Exchange now\n"
		"  update [status] | update check [--allow-downgrade]\n"
		"            Device Update: installed/offered version, progress,\n"
		"            last error; check = ask the update server now\n"
		"  help      print this help\n"
		"  version   the phone's software version (the daemon's) and\n"
		"            ucphonectl's\n"
		"  diag [--output FILE]\n"
		"            write the troubleshooting bundle (tar.gz): logs,\n"
		"            status, lease, registrars, certificates, counters\n"
		"Other commands are passed to the daemon as they are.\n"
		"\n"
		"Options:\n"
		"  -c, --control PATH  control socket (default %s,\n"
		"                      or $UCPHONE_CONTROL)\n"
		"  -j, --json          print the daemon's JSON, one object a line\n"
		"  -h, --help          print this help\n"
		"\n"
		"Exit status: 0 ok, 1 the daemon returned an error, 2 usage error,\n"
		"3 cannot reach the daemon.\n",
		UCPHONE_DEFAULT_CONTROL);
}

static int unreachable(const struct ctl *ctl, const char *what,
		       const char *detail)
{
	fprintf(stderr, "ucphonectl: %s ucphoned at %s: %s\n", what,
		ctl->path, detail);
	return EXIT_UNREACHABLE;
}

static int connect_daemon(struct ctl *ctl)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_SEC };

	if (strlen(ctl->path) >= sizeof(addr.sun_path))
		return unreachable(ctl, "cannot reach", "path too long");
	memcpy(addr.sun_path, ctl->path, strlen(ctl->path) + 1);

	ctl->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0)
		return unreachable(ctl, "cannot reach", strerror(errno));
	if (connect(ctl->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return unreachable(ctl, "cannot reach", strerror(errno));
	setsockopt(ctl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return EXIT_OK;
}

/* Receives one message into ctl->buf; returns its length or exits. */
static int recv_message(struct ctl *ctl, size_t *len)
{
	ssize_t n;

	do {
		n = recv(ctl->fd, ctl->buf, CONTROL_MESSAGE_MAX + 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return unreachable(ctl, "no answer from", "timed out");
	if (n < 0)
		return unreachable(ctl, "lost", strerror(errno));
	if (n == 0)
		return unreachable(ctl, "connection closed by", "end of file");
	if (n > CONTROL_MESSAGE_MAX)
		return unreachable(ctl, "message too large from",
				   "over the protocol limit");
	*len = (size_t)n;
	return EXIT_OK;
}

/* Reads the reply to request name; *result is a new reference. */
static int await_reply(struct ctl *ctl, const char *name,
		       struct json_object **result)
{
	char error[CONTROL_ERROR_MAX];
	struct control_reply reply;
	size_t len;
	int ret;

	ret = recv_message(ctl, &len);
	if (ret != EXIT_OK)
		return ret;
	if (control_reply_parse(ctl->buf, len, &reply, error) < 0)
		return unreachable(ctl, "unexpected reply from", error);
	if (!reply.ok) {
		fprintf(stderr, "ucphonectl: %s: %s\n", name, reply.error);
		control_reply_release(&reply);
		return EXIT_DAEMON_ERROR;
	}
	*result = json_object_get(reply.result);
	control_reply_release(&reply);
	return EXIT_OK;
}

/* Sends {"command":name}, reads the reply; *result is a new reference. */
static int call(struct ctl *ctl, const char *name,
		struct json_object **result)
{
	struct json_object *req = control_request_new(name);
	const char *text;
	size_t len;
	int ret;

	if (!req)
		return unreachable(ctl, "cannot ask", strerror(ENOMEM));
	text = control_json_string(req, &len);
	ret = send(ctl->fd, text, len, MSG_NOSIGNAL) < 0 ? -errno : 0;
	json_object_put(req);
	if (ret < 0)
		return unreachable(ctl, "cannot send to", strerror(-ret));
	return await_reply(ctl, name, result);
}

/* Sends a request object, reads its reply (ctl_ask_fn for exchange_cmd.c). */
static int ask(void *ctx, struct json_object *req, struct json_object **result)
{
	struct ctl *ctl = ctx;
	struct json_object *cmd;
	const char *text, *name;
	size_t len;

	name = json_object_object_get_ex(req, "command", &cmd) ?
	       json_object_get_string(cmd) : "request";
	text = control_json_string(req, &len);
	if (!text)
		return unreachable(ctl, "cannot ask", strerror(ENOMEM));
	if (send(ctl->fd, text, len, MSG_NOSIGNAL) < 0)
		return unreachable(ctl, "cannot send to", strerror(errno));
	return await_reply(ctl, name, result);
}

static void print_json(struct json_object *obj)
{
	size_t len;

	printf("%s\n", control_json_string(obj, &len));
}

/* Prints a signin/signout result: the identity the daemon now has. */
static void print_identity(const struct ctl *ctl, struct json_object *result)
{
	struct json_object *v;

	if (ctl->json) {
		print_json(result);
		return;
	}
	if (json_object_object_get_ex(result, "signed_in", &v) &&
	    json_object_get_boolean(v))
		ctl_print_identity(stdout, result);
	else
		printf("signed out\n");
}

static int cmd_signin(struct ctl *ctl, struct signin_args *a)
{
	struct json_object *result;
	int ret = ctl_signin_send(ctl->fd, a);

	ctl_signin_clear(a);
	if (ret < 0)
		return unreachable(ctl, "cannot send to", strerror(-ret));
	ret = await_reply(ctl, "signin", &result);
	if (ret != EXIT_OK)
		return ret;
	print_identity(ctl, result);
	json_object_put(result);
	return EXIT_OK;
}

static int cmd_signout(struct ctl *ctl)
{
	struct json_object *result;
	int ret = call(ctl, "signout", &result);

	if (ret != EXIT_OK)
		return ret;
	print_identity(ctl, result);
	json_object_put(result);
	return EXIT_OK;
}

/* Prints the keys of a JSON array on one line, "-" when there are none. */
static void print_keys(const char *label, struct json_object *arr)
{
	size_t n = json_object_is_type(arr, json_type_array) ?
		json_object_array_length(arr) : 0;

	printf("%s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %s", json_object_get_string(
				json_object_array_get_idx(arr, i)));
	printf("%s\n", n ? "" : " -");
}

static int cmd_reload(struct ctl *ctl)
{
	struct json_object *result, *v;
	int ret = call(ctl, "reload", &result);

	if (ret != EXIT_OK)
		return ret;
	if (ctl->json) {
		print_json(result);
	} else {
		if (json_object_object_get_ex(result, "config", &v))
			printf("reloaded %s\n", json_object_get_string(v));
		json_object_object_get_ex(result, "applied", &v);
		print_keys("applied now", v);
		json_object_object_get_ex(result, "restart_needed", &v);
		print_keys("kept until restart", v);
	}
	json_object_put(result);
	return EXIT_OK;
}

static int cmd_info(struct ctl *ctl)
{
	struct json_object *result;
	int ret = call(ctl, "info", &result);

	if (ret != EXIT_OK)
		return ret;
	if (ctl->json)
		print_json(result);
	else
		ctl_print_info(stdout, result);
	json_object_put(result);
	return EXIT_OK;
}

static int cmd_status(struct ctl *ctl)
{
	struct json_object *result;
	int ret = call(ctl, "status", &result);

	if (ret != EXIT_OK)
		return ret;
	if (ctl->json)
		print_json(result);
	else
		ctl_print_status(stdout, result);
	json_object_put(result);
	return EXIT_OK;
}

/* A member of obj, or NULL. */
static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

/*
 * ucphonectl's own version, then the running daemon's: the phone's
 * software version is the one ucphoned reports in info.
 */
static int cmd_version(struct ctl *ctl)
{
	struct json_object *info = NULL, *daemon, *kernel, *out, *own;
	int ret;

	if (!ctl->json) {
		printf("ucphonectl %s (UAPI %d)\n", UCPHONE_VERSION,
		       UCPHONE_GENL_VERSION);
		fflush(stdout);
	}
	ret = connect_daemon(ctl);
	if (ret == EXIT_OK)
		ret = call(ctl, "info", &info);
	daemon = member(info, "daemon");
	kernel = member(info, "kernel");
	if (ctl->json) {
		out = json_object_new_object();
		own = json_object_new_object();
		if (!out || !own) {
			json_object_put(out);
			json_object_put(own);
			json_object_put(info);
			return unreachable(ctl, "cannot ask", strerror(ENOMEM));
		}
		json_object_object_add(own, "version",
				       json_object_new_string(UCPHONE_VERSION));
		json_object_object_add(own, "uapi",
				       json_object_new_int(UCPHONE_GENL_VERSION));
		json_object_object_add(out, "ucphonectl", own);
		if (daemon)
			json_object_object_add(out, "ucphoned",
					       json_object_get(daemon));
		print_json(out);
		json_object_put(out);
	} else if (daemon) {
		printf("ucphoned %s (UAPI %d)\n",
		       json_object_get_string(member(daemon, "version")),
		       json_object_get_int(member(daemon, "uapi")));
		if (json_object_get_boolean(member(kernel, "available")) &&
		    member(kernel, "uapi"))
			printf("ucphone.ko UAPI %d on Linux %s\n",
			       json_object_get_int(member(kernel, "uapi")),
			       json_object_get_string(member(kernel, "release")));
	}
	json_object_put(info);
	return ret;
}

/*
 * The troubleshooting bundle: the daemon's info, status and diag, then
 * the local side. A daemon that cannot be reached is when a bundle is
 * needed most: it is written without the daemon's part, and says so.
 */
static int cmd_diag(struct ctl *ctl, const struct diag_args *a)
{
	static const char *const asks[] = { "info", "status", "diag" };
	struct diag_inputs in = { 0 };
	struct json_object **out[] = { &in.info, &in.status, &in.diag };
	int ret = connect_daemon(ctl);

	for (size_t i = 0; ret != EXIT_UNREACHABLE && i < 3; i++)
		ret = call(ctl, asks[i], out[i]);
	if (ret == EXIT_UNREACHABLE)
		fprintf(stderr, "ucphonectl: diag: the bundle has no part of "
			"the daemon's\n");
	ret = ctl_diag_write(a, &in);
	json_object_put(in.info);
	json_object_put(in.status);
	json_object_put(in.diag);
	return ret;
}

/* Blocks SIGINT and SIGTERM and returns a signalfd for them. */
static int signal_fd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

static int cmd_events(struct ctl *ctl)
{
	struct timeval forever = { 0 };
	struct json_object *result;
	char error[CONTROL_ERROR_MAX];
	int sfd, ret;

	sfd = signal_fd();
	if (sfd < 0) {
		fprintf(stderr, "ucphonectl: cannot handle signals: %s\n",
			strerror(errno));
		return EXIT_UNREACHABLE;
	}
	ret = call(ctl, "events", &result);
	if (ret != EXIT_OK)
		goto out;
	json_object_put(result);

	/* Events come when they come: no reply timeout from here on. */
	setsockopt(ctl->fd, SOL_SOCKET, SO_RCVTIMEO, &forever,
		   sizeof(forever));
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = ctl->fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		struct json_object *event;
		size_t len;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = unreachable(ctl, "cannot wait for", strerror(errno));
			break;
		}
		if (pfd[1].revents) {
			ret = EXIT_OK;	/* interrupted: the normal way out */
			break;
		}
		ret = recv_message(ctl, &len);
		if (ret != EXIT_OK)
			break;
		if (control_event_parse(ctl->buf, len, &event, error) < 0) {
			fprintf(stderr, "ucphonectl: bad event skipped: %s\n",
				error);
			continue;
		}
		if (ctl->json)
			print_json(event);
		else
			ctl_print_event(stdout, event);
		json_object_put(event);
	}
out:
	close(sfd);
	return ret;
}

static bool takes_arg(const char *command)
{
	return !strcmp(command, "dial") || !strcmp(command, "dtmf") ||
	       !strcmp(command, "transfer") ||
	       !strcmp(command, "press");
}

/* dial, answer, hangup, calls, dtmf, press, hold, resume: the call view. */
static int cmd_call(struct ctl *ctl, const char *name, const char *arg)
{
	struct json_object *req = arg ? control_request_new_arg(name, arg) :
				  control_request_new(name);
	struct json_object *result;
	const char *text;
	size_t len;
	int ret;

	if (!req)
		return unreachable(ctl, "cannot ask", strerror(ENOMEM));
	text = control_json_string(req, &len);
	ret = send(ctl->fd, text, len, MSG_NOSIGNAL) < 0 ? -errno : 0;
	json_object_put(req);
	if (ret < 0)
		return unreachable(ctl, "cannot send to", strerror(-ret));
	ret = await_reply(ctl, name, &result);
	if (ret != EXIT_OK)
		return ret;
	if (ctl->json)
		print_json(result);
	else
		ctl_print_calls(stdout, result);
	json_object_put(result);
	return EXIT_OK;
}

/* Any other command: the daemon decides; its result prints as JSON. */
static int cmd_other(struct ctl *ctl, const char *name)
{
	struct json_object *result;
	int ret = call(ctl, name, &result);

	if (ret != EXIT_OK)
		return ret;
	print_json(result);
	json_object_put(result);
	return EXIT_OK;
}

/*
 * Where the command word is: the first argument that is neither a global
 * option nor the value of -c/--control. signin's own options follow it.
 */
static int command_index(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--control"))
			i++;
		else if (argv[i][0] != '-')
			return i;
	}
	return argc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("UCPHONE_CONTROL");
	struct ctl ctl = {
		.path = env && *env ? env : UCPHONE_DEFAULT_CONTROL,
		.fd = -1,
	};
	struct signin_args signin = { 0 };
	struct diag_args diag = { 0 };
	int c, ret, at = command_index(argc, argv), global_argc = argc;
	bool is_signin = at < argc && !strcmp(argv[at], "signin");
	bool is_diag = at < argc && !strcmp(argv[at], "diag");
	bool is_exchange = at < argc && (ctl_is_exchange_command(argv[at]) ||
					 ctl_is_feature_command(argv[at]) ||
					 ctl_is_update_command(argv[at]));
	bool has_arg = at < argc && takes_arg(argv[at]);
	const char *command, *arg = NULL;

	/* Global options stop at "signin", "diag", the Exchange commands and
	 * a call command taking an argument: what follows is theirs. */
	if (is_signin || is_diag || is_exchange || has_arg)
		global_argc = at + 1;
	if (has_arg) {
		if (argc != at + 2 || !*argv[at + 1]) {
			fprintf(stderr, "ucphonectl: %s takes one argument\n", argv[at]);
			return EXIT_USAGE;
		}
		arg = argv[at + 1];
	}
	while ((c = getopt_long(global_argc, argv, "c:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctl.path = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (global_argc - optind != 1) {
		fprintf(stderr, "ucphonectl: %s\n", optind < argc ?
			"one command at a time" : "no command given");
		usage(stderr);
		return EXIT_USAGE;
	}
	command = argv[optind];

	if (strcmp(command, "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	/* The kernel's SRTP sessions: read from the kernel, daemon or not. */
	if (strcmp(command, "srtp") == 0)
		return ctl_srtp(ctl.json);
	if (!*command) {
		fprintf(stderr, "ucphonectl: empty command\n");
		return EXIT_USAGE;
	}

	/* Usage and the password first: no daemon needed to get them wrong. */
	if (is_signin) {
		ret = ctl_signin_parse(argc - at, argv + at, &signin);
		if (ret) {
			ctl_signin_clear(&signin);
			return ret;
		}
	}
	if (is_diag) {
		ret = ctl_diag_parse(argc - at, argv + at, &diag);
		if (ret)
			return ret < 0 ? EXIT_OK : ret;
	}

	ctl.buf = malloc(CONTROL_MESSAGE_MAX + 1);
	if (!ctl.buf) {
		fprintf(stderr, "ucphonectl: out of memory\n");
		return EXIT_UNREACHABLE;
	}
	if (strcmp(command, "version") == 0)
		ret = cmd_version(&ctl);
	else if (is_diag)
		ret = cmd_diag(&ctl, &diag);
	else
		ret = connect_daemon(&ctl);
	if (ret == EXIT_OK && strcmp(command, "version") != 0 && !is_diag) {
		if (strcmp(command, "info") == 0)
			ret = cmd_info(&ctl);
		else if (strcmp(command, "events") == 0)
			ret = cmd_events(&ctl);
		else if (strcmp(command, "status") == 0)
			ret = cmd_status(&ctl);
		else if (is_signin)
			ret = cmd_signin(&ctl, &signin);
		else if (strcmp(command, "signout") == 0)
			ret = cmd_signout(&ctl);
		else if (strcmp(command, "reload") == 0)
			ret = cmd_reload(&ctl);
		else if (arg && !strcmp(command, "transfer") &&
			 !strcmp(arg, "--attended"))
			ret = cmd_call(&ctl, "transfer-attended", NULL);
		else if (has_arg || !strcmp(command, "answer") ||
			 !strcmp(command, "hangup") || !strcmp(command, "calls") ||
			 !strcmp(command, "hold") || !strcmp(command, "resume") ||
			 !strcmp(command, "swap"))
			ret = cmd_call(&ctl, command, arg);
		else if (is_exchange)
			ret = (ctl_is_feature_command(command) ? ctl_features :
			       ctl_is_update_command(command) ? ctl_update :
			       ctl_exchange)(argc - at, argv + at, ctl.json, ask, &ctl);
		else
			ret = cmd_other(&ctl, command);
	}
	ctl_signin_clear(&signin);
	if (ctl.fd >= 0)
		close(ctl.fd);
	free(ctl.buf);
	return ret;
}
