/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The image's signature check (update_verify.h) off the main loop: CMS
 * verification hashes the whole image, seconds for a bundle of tens of
 * megabytes on a phone's CPU, so it runs in a thread of its own and the
 * result comes back to the loop through a pipe; calls, the screen and the
 * watchdog's petting go on meanwhile.
 */
#ifndef UCPHONED_UPDATE_VERIFY_JOB_H
#define UCPHONED_UPDATE_VERIFY_JOB_H

#include <stddef.h>

#include <systemd/sd-event.h>

struct update_verify_job;

/*
 * result and why as update_verify() gave them. Called from the loop; the
 * job is freed once it returns (the callback must not free it).
 */
typedef void (*update_verify_cb)(void *ctx, int result, const char *why);

/* Starts the check of image against signature and vendor_root. 0 or -errno. */
int update_verify_start(sd_event *event, const char *image,
			const char *signature, const char *vendor_root,
			update_verify_cb cb, void *ctx,
			struct update_verify_job **out);
/*
 * Drops a job still running: waits for its thread (the check cannot be
 * interrupted halfway) and never calls back. NULL is fine.
 */
void update_verify_cancel(struct update_verify_job *j);

#endif /* UCPHONED_UPDATE_VERIFY_JOB_H */
