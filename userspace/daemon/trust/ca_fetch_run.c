// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/pki/ca_bundle.h"
#include "trust/ca_fetch_run.h"
#include "lib/util/secret.h"

#define SUBSYS "trust"
#define ANSWER_MAX (256 * 1024)
/* Every field but the password: names of at most 256 and 512 bytes. */
#define REQUEST_FIXED 4096

struct ca_fetch {
	const struct log *log;
	char host[DHCP_NAME_MAX];
	ca_ldap_done_cb cb;
	void *ctx;
	pid_t pid;
	int out_fd;
	sd_event_source *io, *timer;
	char *answer;
	size_t len;
	struct ca_ldap_result result;
};

static void reap(struct ca_fetch *f, bool kill_it)
{
	int st;

	if (f->pid <= 0)
		return;
	if (kill_it)
		kill(f->pid, SIGKILL);
	/* Its stdout is closed or it is killed: it is gone or going now. */
	while (waitpid(f->pid, &st, 0) < 0 && errno == EINTR)
		;
	f->pid = -1;
}

static void stop(struct ca_fetch *f, bool kill_it)
{
	f->io = sd_event_source_disable_unref(f->io);
	f->timer = sd_event_source_disable_unref(f->timer);
	if (f->out_fd >= 0)
		close(f->out_fd);
	f->out_fd = -1;
	reap(f, kill_it);
}

/* key=value lines of the answer; PEM blocks are read after. */
static void parse_answer(struct ca_fetch *f)
{
	struct ca_ldap_result *r = &f->result;
	char *line = f->answer, *next;
	bool ok = true;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "error=", 6)) {
			snprintf(r->error, sizeof(r->error), "%s", line + 6);
			ok = false;
		} else if (!strcmp(line, "bind_refused=1")) {
			r->bind_refused = true;
		} else if (!strcmp(line, "transport_failed=1")) {
			r->transport_failed = true;
		} else if (!strncmp(line, "how=", 4)) {
			snprintf(r->how, sizeof(r->how), "%s", line + 4);
		} else if (!strncmp(line, "enrollment=", 11)) {
			snprintf(r->enrollment_host, sizeof(r->enrollment_host),
				 "%s", line + 11);
		} else if (!strncmp(line, "-----BEGIN ", 11)) {
			if (next)
				next[-1] = '\n';
			break;		/* the roots, to the end */
		}
	}
	if (!ok) {
		r->status = r->bind_refused ? -EACCES : -EIO;
		return;
	}
	if (line && *line &&
	    ca_roots_from_pem(line, strlen(line), r->roots) <= 0) {
		snprintf(r->error, sizeof(r->error),
			 "root CA helper for %.200s returned no usable root", f->host);
		r->status = -EIO;
		return;
	}
	if (!sk_X509_num(r->roots) && !r->enrollment_host[0]) {
		snprintf(r->error, sizeof(r->error),
			 "root CA helper for %.200s ended without an answer", f->host);
		r->status = -EIO;
		r->transport_failed = true;
		return;
	}
	r->status = 0;
}

static void finish(struct ca_fetch *f)
{
	f->cb(f->ctx, &f->result);
}

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct ca_fetch *f = ud;
	ssize_t n;

	(void)s;
	(void)revents;
	for (;;) {
		if (f->len == ANSWER_MAX) {
			stop(f, true);
			snprintf(f->result.error, sizeof(f->result.error),
				 "root CA helper for %.200s answered too much", f->host);
			f->result.status = -EMSGSIZE;
			finish(f);
			return 0;
		}
		n = read(fd, f->answer + f->len, ANSWER_MAX - f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			break;
		f->len += (size_t)n;
	}
	f->answer[f->len] = '\0';
	stop(f, false);
	parse_answer(f);
	finish(f);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct ca_fetch *f = ud;

	(void)s;
	(void)usec;
	stop(f, true);
	snprintf(f->result.error, sizeof(f->result.error),
		 "root CA helper for %.200s did not finish in time", f->host);
	f->result.status = -ETIMEDOUT;
	f->result.transport_failed = true;
	finish(f);
	return 0;
}

/* The request as the helper reads it; the password last. */
/* The buffer is REQUEST_FIXED + strlen(password) bytes: zero all of it. */
static char *request_text(const struct ca_fetch_request *req, size_t *len)
{
	char addr[INET_ADDRSTRLEN], web_addr[INET_ADDRSTRLEN] = "";
	size_t cap = REQUEST_FIXED + strlen(req->password);
	char *buf = malloc(cap);
	int n;

	if (!buf)
		return NULL;
	inet_ntop(AF_INET, &req->addr, addr, sizeof(addr));
	if (req->certsrv)
		inet_ntop(AF_INET, &req->web_addr, web_addr, sizeof(web_addr));
	n = snprintf(buf, cap, "mode=%s\nhost=%s\naddr=%s\nport=%u\nrealm=%s\n"
		     "principal=%s\nuser=%s\nweb=%s\nwebaddr=%s\npassword=%s",
		     req->certsrv ? "certsrv" : "ldap", req->host, addr,
		     req->port, req->realm, req->principal,
		     req->user ? req->user : "", req->certsrv ? req->web : "",
		     web_addr, req->password);
	if (n < 0 || (size_t)n >= cap) {
		secret_zero_free(buf, cap);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

int ca_fetch_start(sd_event *event, const struct log *log,
		   const struct ca_fetch_request *req, ca_ldap_done_cb cb,
		   void *ctx, struct ca_fetch **out)
{
	static char *const envp[] = { NULL };
	char *const argv[] = { (char *)"ucphone-ca-fetch", NULL };
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, ret;
	struct ca_fetch *f;
	size_t len = 0;
	char *text;
	ssize_t w;

	if (strchr(req->password, '\n') ||
	    (req->user && strpbrk(req->user, "\n")))
		return -EINVAL;		/* the helper reads one line of each */
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->log = log;
	f->cb = cb;
	f->ctx = ctx;
	f->pid = -1;
	f->out_fd = -1;
	snprintf(f->host, sizeof(f->host), "%s", req->host);
	f->answer = malloc(ANSWER_MAX + 1);
	f->result.roots = sk_X509_new_null();
	text = request_text(req, &len);
	if (!f->answer || !f->result.roots || !text) {
		ret = -ENOMEM;
		goto fail;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0) {
		ret = -errno;
		goto fail;
	}
	f->pid = fork();
	if (f->pid < 0) {
		ret = -errno;
		goto fail;
	}
	if (f->pid == 0) {
		/* The child: only async-signal-safe calls until exec. */
		if (dup2(in[0], 0) < 0 || dup2(outp[1], 1) < 0)
			_exit(127);
		execve(req->helper, argv, envp);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	/* A few hundred bytes into an empty pipe: the write never waits. */
	w = write(in[1], text, len);
	secret_zero_free(text, REQUEST_FIXED + strlen(req->password));
	text = NULL;
	close(in[1]);
	in[1] = -1;
	f->out_fd = outp[0];
	outp[0] = -1;
	if (w != (ssize_t)len) {
		ret = -EPIPE;
		goto fail;
	}
	fcntl(f->out_fd, F_SETFL, fcntl(f->out_fd, F_GETFL) | O_NONBLOCK);
	ret = sd_event_add_io(event, &f->io, f->out_fd, EPOLLIN, on_readable, f);
	if (ret >= 0)
		ret = sd_event_add_time_relative(event, &f->timer, CLOCK_MONOTONIC,
						 req->timeout_usec, 10000,
						 on_timeout, f);
	if (ret < 0)
		goto fail;
	log_debug(log, SUBSYS, "root CA helper started",
		  LOG_STR("dc", f->host),
		  LOG_STR("step", req->certsrv ? "certsrv" : "ldap"),
		  LOG_INT("pid", f->pid));
	*out = f;
	return 0;
fail:
	if (text)
		secret_zero_free(text, REQUEST_FIXED + strlen(req->password));
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	ca_fetch_free(f);
	return ret;
}

void ca_fetch_free(struct ca_fetch *f)
{
	if (!f)
		return;
	stop(f, true);
	sk_X509_pop_free(f->result.roots, X509_free);
	free(f->answer);
	free(f);
}
