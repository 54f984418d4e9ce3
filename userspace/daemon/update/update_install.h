/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hands a verified image to the installer: the configured command
 * (--update-installer, "rauc install" by default) split at spaces, run
 * without a shell with the image's path as its last argument, as a child
 * of the daemon watched on the loop. Its exit status and the last 1 KiB
 * of what it printed (stdout and stderr together) are the install's
 * result. The child gets no descriptor of the daemon's but the pipe.
 */
#ifndef UCPHONED_UPDATE_INSTALL_H
#define UCPHONED_UPDATE_INSTALL_H

#include <systemd/sd-event.h>

#define UPDATE_INSTALL_OUTPUT_MAX 1024

struct update_install;

struct update_install_result {
	int exit_code;		/* the installer's exit status; -1: killed or not run */
	int signal;		/* the signal that ended it, 0 if none */
	char output[UPDATE_INSTALL_OUTPUT_MAX];	/* its last output */
};

typedef void (*update_install_cb)(void *ctx,
				  const struct update_install_result *r);

/*
 * Starts command + image. cb runs once from the loop when the installer
 * ended and its output closed. -EINVAL for an empty command, -errno.
 */
int update_install_start(sd_event *event, const char *command,
			 const char *image, update_install_cb cb, void *ctx,
			 struct update_install **out);
/* Stops watching; a running installer is killed. */
void update_install_free(struct update_install *in);

#endif /* UCPHONED_UPDATE_INSTALL_H */
