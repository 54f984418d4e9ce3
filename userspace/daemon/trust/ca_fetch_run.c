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

#include "lib/pki/ca_answer.h"
#include "trust/ca_fetch_run.h"
#include "lib/util/secret.h"

#define SUBSYS "trust"
#define ANSWER_MAX (256 * 1024)
/* Every field but the roots and the password: names of at most 256 and 512 bytes. */
#define REQUEST_FIXED 4096
/* What the helper reads at most (its INPUT_MAX). */
#define REQUEST_MAX (128 * 1024)

static const char *const step_names[] = { "ldap", "ldaps", "certsrv" };

struct ca_fetch {
	const struct log *log;
	char host[DHCP_NAME_MAX];
	ca_fetch_done_cb cb;
	void *ctx;
	pid_t pid;
	int out_fd;
	sd_event_source *io, *timer;
	char *answer;
	size_t len;
	struct ca_answer result;
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

/* The helper's answer (lib/pki/ca_answer.c), or why it is none. */
static void parse_answer(struct ca_fetch *f)
{
	struct ca_answer *r = &f->result;
	int ret = ca_answer_parse(f->answer, f->len, r);

	if (ret == -ENODATA) {
		snprintf(r->error, sizeof(r->error),
			 "root CA helper for %.200s ended without an answer", f->host);
		r->status = -EIO;
		r->transport_failed = true;
	} else if (ret < 0) {
		snprintf(r->error, sizeof(r->error),
			 "root CA helper for %.200s gave a malformed answer", f->host);
		r->status = -EIO;
	} else if (r->rejected_values) {
		log_warning(f->log, SUBSYS, "cACertificate values that are no root CA ignored",
			    LOG_STR("dc", f->host),
			    LOG_UINT("count", r->rejected_values));
	}
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

/*
 * The request as the helper reads it, the password last, in one buffer of
 * *cap bytes that the caller zeroes whole; NULL when it cannot be built.
 */
static char *request_text(const struct ca_fetch_request *req, size_t *len,
			  size_t *cap_out)
{
	char addr[INET_ADDRSTRLEN], web_addr[INET_ADDRSTRLEN] = "";
	bool certsrv = req->step == CA_FETCH_STEP_CERTSRV;
	size_t cap = REQUEST_FIXED + strlen(req->password), o;
	char *lines[CA_ANSWER_ROOTS_MAX] = { NULL };
	int n_lines = 0, n, i;
	char *buf = NULL;

	/* LDAPS: the roots the DC's certificate may chain to. */
	for (i = 0; req->trust && i < sk_X509_num(req->trust) &&
	     n_lines < CA_ANSWER_ROOTS_MAX; i++) {
		lines[n_lines] = ca_answer_cert_line("trust",
						     sk_X509_value(req->trust, i));
		if (!lines[n_lines])
			goto out;
		cap += strlen(lines[n_lines++]);
	}
	if (cap > REQUEST_MAX)
		goto out;
	buf = malloc(cap);
	if (!buf)
		goto out;
	inet_ntop(AF_INET, &req->addr, addr, sizeof(addr));
	if (certsrv)
		inet_ntop(AF_INET, &req->web_addr, web_addr, sizeof(web_addr));
	n = snprintf(buf, cap, "mode=%s\nhost=%s\naddr=%s\nport=%u\nrealm=%s\n"
		     "principal=%s\nuser=%s\nweb=%s\nwebaddr=%s\nbundle=%s\n",
		     step_names[req->step], req->host, addr, req->port,
		     req->realm ? req->realm : "",
		     req->principal ? req->principal : "",
		     req->user ? req->user : "", certsrv ? req->web : "",
		     web_addr, req->bundle ? req->bundle : "");
	if (n < 0 || (size_t)n >= REQUEST_FIXED) {
		free(buf);
		buf = NULL;
		goto out;
	}
	o = (size_t)n;
	for (i = 0; i < n_lines; i++) {
		memcpy(buf + o, lines[i], strlen(lines[i]));
		o += strlen(lines[i]);
	}
	n = snprintf(buf + o, cap - o, "password=%s", req->password);
	if (n < 0 || (size_t)n >= cap - o) {
		secret_zero_free(buf, cap);
		buf = NULL;
		goto out;
	}
	*len = o + (size_t)n;
	*cap_out = cap;
out:
	for (i = 0; i < n_lines; i++)
		free(lines[i]);
	return buf;
}

int ca_fetch_start(sd_event *event, const struct log *log,
		   const struct ca_fetch_request *req, ca_fetch_done_cb cb,
		   void *ctx, struct ca_fetch **out)
{
	static char *const envp[] = { NULL };
	char *const argv[] = { (char *)"ucphone-ca-fetch", NULL };
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, ret;
	struct ca_fetch *f;
	size_t len = 0, cap = 0, done;
	char *text;
	ssize_t w = 0;

	if (strchr(req->password, '\n') ||
	    (req->user && strpbrk(req->user, "\n")) ||
	    (req->bundle && strpbrk(req->bundle, "\n")))
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
	text = request_text(req, &len, &cap);
	if (!f->answer || ca_answer_init(&f->result) < 0 || !text) {
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
	/*
	 * A few KiB into an empty pipe: the write does not wait (with many
	 * learned roots, at worst until the helper, which reads first, has
	 * read it all).
	 */
	for (done = 0; done < len; done += (size_t)w) {
		w = write(in[1], text + done, len - done);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			break;
	}
	secret_zero_free(text, cap);
	text = NULL;
	close(in[1]);
	in[1] = -1;
	f->out_fd = outp[0];
	outp[0] = -1;
	if (done != len) {
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
		  LOG_STR("step", step_names[req->step]),
		  LOG_INT("pid", f->pid));
	*out = f;
	return 0;
fail:
	if (text)
		secret_zero_free(text, cap);
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
	ca_answer_clear(&f->result);
	free(f->answer);
	free(f);
}
