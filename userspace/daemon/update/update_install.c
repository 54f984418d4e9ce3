// SPDX-License-Identifier: GPL-2.0-only
/* The installer as a child process (update_install.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "update/update_install.h"

#define ARGS_MAX 16
#define COMMAND_MAX 512

struct update_install {
	sd_event_source *child, *io;
	pid_t pid;
	int fd;
	bool exited, closed;
	update_install_cb cb;
	void *ctx;
	/* the output kept as a ring of its last bytes, then unrolled */
	char ring[UPDATE_INSTALL_OUTPUT_MAX];
	size_t ring_used, ring_at;
	struct update_install_result result;
};

static void maybe_finish(struct update_install *in)
{
	size_t n = in->ring_used, start;

	if (!in->exited || !in->closed)
		return;
	start = n < sizeof(in->ring) ? 0 : in->ring_at;
	for (size_t i = 0; i < n && i + 1 < sizeof(in->result.output); i++)
		in->result.output[i] = in->ring[(start + i) % sizeof(in->ring)];
	in->result.output[n < sizeof(in->result.output) ?
			  n : sizeof(in->result.output) - 1] = '\0';
	/* Only printable text reaches the status. */
	for (char *p = in->result.output; *p; p++)
		if ((*p < ' ' && *p != '\n') || *p > '~')
			*p = '?';
	in->cb(in->ctx, &in->result);
}

static int on_output(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct update_install *in = ud;
	char buf[512];
	ssize_t r;

	(void)src;
	(void)revents;
	r = read(fd, buf, sizeof(buf));
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0) {
		in->io = sd_event_source_disable_unref(in->io);
		close(in->fd);
		in->fd = -1;
		in->closed = true;
		maybe_finish(in);
		return 0;
	}
	for (ssize_t i = 0; i < r; i++) {
		in->ring[in->ring_at] = buf[i];
		in->ring_at = (in->ring_at + 1) % sizeof(in->ring);
		if (in->ring_used < sizeof(in->ring))
			in->ring_used++;
	}
	return 0;
}

static int on_child(sd_event_source *src, const siginfo_t *si, void *ud)
{
	struct update_install *in = ud;

	(void)src;
	in->exited = true;
	in->pid = 0;
	if (si->si_code == CLD_EXITED) {
		in->result.exit_code = si->si_status;
	} else {
		in->result.exit_code = -1;
		in->result.signal = si->si_status;
	}
	maybe_finish(in);
	return 0;
}

/* command split at spaces + image; argv points into buf. */
static int split(const char *command, const char *image, char *buf, size_t len,
		 char **argv)
{
	int argc = 0;
	char *save = NULL, *tok;

	if (strlen(command) >= len)
		return -EINVAL;
	strcpy(buf, command);
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (argc == ARGS_MAX - 2)
			return -EINVAL;
		argv[argc++] = tok;
	}
	if (!argc)
		return -EINVAL;
	argv[argc++] = (char *)image;
	argv[argc] = NULL;
	return 0;
}

int update_install_start(sd_event *event, const char *command,
			 const char *image, update_install_cb cb, void *ctx,
			 struct update_install **out)
{
	struct update_install *in;
	char buf[COMMAND_MAX], *argv[ARGS_MAX];
	int pipefd[2], ret, devnull;
	sigset_t mask;

	ret = split(command, image, buf, sizeof(buf), argv);
	if (ret < 0)
		return ret;
	in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	in->fd = -1;
	in->cb = cb;
	in->ctx = ctx;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		ret = -errno;
		free(in);
		return ret;
	}
	/* sd-event's child watch wants SIGCHLD blocked. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	in->pid = fork();
	if (in->pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		free(in);
		return ret;
	}
	if (in->pid == 0) {
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull < 0 || dup2(devnull, 0) < 0 ||
		    dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0)
			_exit(126);
		sigprocmask(SIG_UNBLOCK, &mask, NULL);
		signal(SIGPIPE, SIG_DFL);
		/* Every other descriptor is close-on-exec or closed here. */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	in->fd = pipefd[0];
	fcntl(in->fd, F_SETFL, O_NONBLOCK);
	ret = sd_event_add_child(event, &in->child, in->pid, WEXITED, on_child, in);
	if (ret >= 0)
		ret = sd_event_add_io(event, &in->io, in->fd, EPOLLIN, on_output, in);
	if (ret < 0) {
		update_install_free(in);
		return ret;
	}
	*out = in;
	return 0;
}

void update_install_free(struct update_install *in)
{
	if (!in)
		return;
	if (in->pid > 0) {
		kill(in->pid, SIGKILL);
		waitpid(in->pid, NULL, 0);
	}
	sd_event_source_disable_unref(in->child);
	sd_event_source_disable_unref(in->io);
	if (in->fd >= 0)
		close(in->fd);
	free(in);
}
