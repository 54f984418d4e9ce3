/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One EWS request on the loop: the SOAP body POSTed to the EWS URL with the
 * sign-in credentials (Basic or NTLM over HTTPS, http.h) and the trust
 * store, and the one way an answer is judged before its XML is read: a
 * certificate that did not verify says "Cannot validate server
 * certificate", 401 is the credentials refused, a SOAP fault comes with 500.
 */
#ifndef UCPHONED_EXCHANGE_EWS_POST_H
#define UCPHONED_EXCHANGE_EWS_POST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/daemon.h"
#include "exchange/http.h"

/* -EACCES when signed out, else as ex_http_start(). */
int ews_post(struct ucphoned *d, const char *url, const char *body,
	     size_t len, ex_http_cb cb, void *ctx, struct ex_http **out);

/*
 * 0 when r carries an answer to parse; else <0 with the reason in error
 * and *refused set for a 401.
 */
int ews_answer_check(const struct ex_http_result *r, char *error, size_t size,
		     bool *refused);

#endif /* UCPHONED_EXCHANGE_EWS_POST_H */
