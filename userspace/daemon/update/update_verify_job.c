// SPDX-License-Identifier: GPL-2.0-only
/* The signature check in a thread, its result on the loop (update_verify_job.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "update/update_verify.h"
#include "update/update_verify_job.h"

#define PATH_MAX_LEN 4096
#define WHY_MAX 200

struct update_verify_job {
	pthread_t thread;
	int rfd, wfd;
	sd_event_source *io;
	update_verify_cb cb;
	void *ctx;
	/* the thread's: inputs copied in, outputs read after the join */
	char image[PATH_MAX_LEN], signature[PATH_MAX_LEN], root[PATH_MAX_LEN];
	int result;
	char why[WHY_MAX];
};

static void *run(void *arg)
{
	struct update_verify_job *j = arg;
	ssize_t n;

	j->result = update_verify(j->image, j->signature, j->root, j->why,
				  sizeof(j->why));
	/* the loop wakes up; the join then makes the result visible */
	do {
		n = write(j->wfd, "", 1);
	} while (n < 0 && errno == EINTR);
	return NULL;
}

static void job_free(struct update_verify_job *j)
{
	sd_event_source_disable_unref(j->io);
	if (j->rfd >= 0)
		close(j->rfd);
	if (j->wfd >= 0)
		close(j->wfd);
	free(j);
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct update_verify_job *j = ud;
	char c;

	(void)s;
	(void)revents;
	if (read(fd, &c, 1) < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	pthread_join(j->thread, NULL);
	j->cb(j->ctx, j->result, j->why);
	job_free(j);
	return 0;
}

int update_verify_start(sd_event *event, const char *image,
			const char *signature, const char *vendor_root,
			update_verify_cb cb, void *ctx,
			struct update_verify_job **out)
{
	struct update_verify_job *j;
	int pipefd[2], ret;
	sigset_t all, old;

	if (strlen(image) >= PATH_MAX_LEN || strlen(signature) >= PATH_MAX_LEN ||
	    strlen(vendor_root) >= PATH_MAX_LEN)
		return -ENAMETOOLONG;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->rfd = j->wfd = -1;
	j->cb = cb;
	j->ctx = ctx;
	strcpy(j->image, image);
	strcpy(j->signature, signature);
	strcpy(j->root, vendor_root);
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		ret = -errno;
		free(j);
		return ret;
	}
	j->rfd = pipefd[0];
	j->wfd = pipefd[1];
	ret = sd_event_add_io(event, &j->io, j->rfd, EPOLLIN, on_done, j);
	if (ret < 0) {
		job_free(j);
		return ret;
	}
	/* signals stay with the loop's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&j->thread, NULL, run, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret < 0) {
		job_free(j);
		return ret;
	}
	*out = j;
	return 0;
}

void update_verify_cancel(struct update_verify_job *j)
{
	if (!j)
		return;
	pthread_join(j->thread, NULL);
	job_free(j);
}
