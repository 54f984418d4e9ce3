/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The time client: SNTP/NTPv4 client mode (RFC 5905) against, in order,
 * the lease's option 42 servers, SRV _ntp._udp.<SIP domain>, then the
 * configured fallback host (time.windows.com). It keeps the offset; it
 * steps the clock only with --set-clock (the phone image), never by
 * default, so tests never touch the host clock.
 */
#ifndef UCPHONED_SNTP_H
#define UCPHONED_SNTP_H

#include <json-c/json.h>

#include "daemon.h"
#include "dhcp_msg.h"

struct sntp;

int sntp_new(struct ucphoned *d, struct sntp **out);
void sntp_free(struct sntp *s);
void sntp_set_lease(struct sntp *s, const struct dhcp_reply *lease);
struct json_object *sntp_status(const struct sntp *s);

#endif /* UCPHONED_SNTP_H */
