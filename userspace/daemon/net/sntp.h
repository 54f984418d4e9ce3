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

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>
#include <openssl/x509_vfy.h>

#include "core/daemon.h"
#include "lib/dhcp/dhcp_msg.h"

struct sntp;

int sntp_new(struct ucphoned *d, struct sntp **out);
void sntp_free(struct sntp *s);
void sntp_set_lease(struct sntp *s, const struct dhcp_reply *lease);
struct json_object *sntp_status(const struct sntp *s);

/*
 * Whether a time sample has been taken; if so, *offset_ns (may be NULL) is
 * what it measured: NTP time minus the system clock, 0 once --set-clock
 * stepped the clock to it. s may be NULL (no time client): false.
 */
bool sntp_offset(const struct sntp *s, int64_t *offset_ns);

/*
 * Certificates are checked at NTP time, not at a wrong system clock: sets
 * param's verification time to the system clock corrected by the offset
 * when a sample says the clock is a second or more off; leaves param alone
 * (the system clock) otherwise. s may be NULL.
 */
void sntp_set_verify_time(const struct sntp *s, X509_VERIFY_PARAM *param);

/* cb runs when the first sample arrives (sign-in waits for it). */
typedef void (*sntp_sampled_cb)(void *ctx);
int sntp_watch(struct sntp *s, sntp_sampled_cb cb, void *ctx);
void sntp_unwatch(struct sntp *s, void *ctx);

#endif /* UCPHONED_SNTP_H */
