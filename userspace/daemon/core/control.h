/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: AF_UNIX SOCK_SEQPACKET, mode 0660, one JSON request
 * per message and one reply each (lib/control/control_proto.h has the format).
 *
 * Only one daemon serves a path: a lock file beside the socket
 * (<path>.lock) is held for the daemon's life, so a second one refuses to
 * start and a stale socket left by a crash is safely replaced.
 *
 * Clients never hold up the loop: every socket is non-blocking, a client
 * that is idle too long is closed, and an events client whose socket
 * buffer is full is dropped rather than waited for.
 */
#ifndef UCPHONED_CONTROL_H
#define UCPHONED_CONTROL_H

#include <stdint.h>

#include <json-c/json.h>

#include "core/daemon.h"

/* Counters a user can read with `ucphonectl info`. */
struct control_counters {
	uint64_t clients_accepted;
	uint64_t clients_refused;	/* over CONTROL_CLIENTS_MAX */
	uint64_t requests;
	uint64_t bad_requests;		/* refused by the parser */
	uint64_t idle_closed;
	uint64_t events_sent;
	uint64_t slow_dropped;		/* events clients that fell behind */
};

struct control_stats {
	unsigned int clients;
	unsigned int subscribers;
	struct control_counters counters;
};

/*
 * The read-only views the socket serves, built by whoever owns them
 * (core/info.c, core/status.c): each returns a new result object, NULL
 * when out of memory. The control server owns this interface, so it calls
 * the views without including them, and info.c may read control_get_stats().
 */
struct control_views {
	struct json_object *(*info)(void *userdata);
	struct json_object *(*status)(void *userdata);
	void *userdata;
};

/*
 * Takes the path (creating its directory if needed) or fails: -EADDRINUSE
 * when another daemon serves it, -EEXIST when something that is not a
 * socket sits there.
 */
int control_new(struct ucphoned *d, const char *path,
		const struct control_views *views, struct control **out);

/* Closes every client, removes the socket file, releases the lock. */
void control_free(struct control *ctl);

/* Sends msg to every events client; ctl may be NULL (not up yet). */
void control_broadcast_event(struct control *ctl, struct json_object *msg);

void control_get_stats(const struct control *ctl, struct control_stats *st);

#endif /* UCPHONED_CONTROL_H */
