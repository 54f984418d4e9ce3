// SPDX-License-Identifier: GPL-2.0-only
/* `ucphonectl signin`: options, the password, the two messages. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "ctl/signin.h"
#include "lib/util/secret.h"

static int usage_error(const char *why)
{
	fprintf(stderr,
		"ucphonectl signin: %s\n"
		"Usage: ucphonectl signin --address ADDRESS --user USER\n"
		"                         (--password-stdin | --password-file FILE)\n"
		"  ADDRESS is the sign-in address (alice@corp.test), USER the\n"
		"  Domain\\User (CORP\\alice) or user name. The password is read\n"
		"  from standard input or FILE (one trailing newline dropped);\n"
		"  from a terminal, after a prompt and without echo.\n",
		why);
	return 2;
}

/*
 * Reads all of fd (at most the field) into a->password. From a terminal:
 * a prompt, no echo, and the first line only.
 */
static int read_password(int fd, const char *what, struct signin_args *a)
{
	char buf[CONTROL_SIGNIN_FIELD_MAX + 1];
	struct termios old, quiet;
	bool tty = isatty(fd) && tcgetattr(fd, &old) == 0;
	size_t len = 0;
	ssize_t n = 0;

	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		fputs("Password: ", stderr);
		fflush(stderr);
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	while (len < sizeof(buf) && !(tty && len && buf[len - 1] == '\n')) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (tty)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (n < 0) {
		fprintf(stderr, "ucphonectl signin: cannot read the password from %s: %s\n",
			what, strerror(errno));
		secret_zero(buf, sizeof(buf));
		return 1;
	}
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	if (!len || len >= CONTROL_SIGNIN_FIELD_MAX || memchr(buf, '\0', len)) {
		fprintf(stderr, "ucphonectl signin: the password from %s must be 1 to %d bytes, without NUL\n",
			what, CONTROL_SIGNIN_FIELD_MAX - 1);
		secret_zero(buf, sizeof(buf));
		return 1;
	}
	memcpy(a->password, buf, len);
	a->password[len] = '\0';
	a->password_len = len;
	secret_zero(buf, sizeof(buf));
	return 0;
}

int ctl_signin_parse(int argc, char **argv, struct signin_args *a)
{
	enum { OPT_ADDRESS = 0x100, OPT_USER, OPT_STDIN, OPT_FILE };
	static const struct option longopts[] = {
		{ "address", required_argument, NULL, OPT_ADDRESS },
		{ "user", required_argument, NULL, OPT_USER },
		{ "password-stdin", no_argument, NULL, OPT_STDIN },
		{ "password-file", required_argument, NULL, OPT_FILE },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	bool from_stdin = false;
	int c, fd, ret;

	memset(a, 0, sizeof(*a));
	optind = 0;		/* GNU: start over on this new argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ADDRESS:
			a->address = optarg;
			break;
		case OPT_USER:
			a->user = optarg;
			break;
		case OPT_STDIN:
			from_stdin = true;
			break;
		case OPT_FILE:
			file = optarg;
			break;
		default:
			/* Never echo the argument: it may be a mistyped password. */
			return usage_error("unknown option or missing value");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument (a password is never one: use --password-stdin or --password-file)");
	if (!a->address || !*a->address || !a->user || !*a->user)
		return usage_error("--address and --user are required");
	if (from_stdin == !!file)
		return usage_error("give exactly one of --password-stdin and --password-file");
	if (strlen(a->address) >= CONTROL_SIGNIN_FIELD_MAX ||
	    strlen(a->user) >= CONTROL_SIGNIN_FIELD_MAX)
		return usage_error("--address or --user too long");
	if (from_stdin)
		return read_password(STDIN_FILENO, "standard input", a);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ucphonectl signin: cannot open %s: %s\n", file,
			strerror(errno));
		return 1;
	}
	ret = read_password(fd, file, a);
	close(fd);
	return ret;
}

int ctl_signin_send(int fd, const struct signin_args *a)
{
	struct json_object *req = control_request_new_signin(a->address, a->user);
	const char *text;
	size_t len;
	int ret = 0;

	if (!req)
		return -ENOMEM;
	text = control_json_string(req, &len);
	if (!text || send(fd, text, len, MSG_NOSIGNAL) < 0)
		ret = text ? -errno : -ENOMEM;
	json_object_put(req);
	if (!ret && send(fd, a->password, a->password_len, MSG_NOSIGNAL) < 0)
		ret = -errno;
	return ret;
}

void ctl_signin_clear(struct signin_args *a)
{
	secret_zero(a, sizeof(*a));
}
