/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding Exchange from the primary SMTP address, in the seed's order
 * ([MS-OXDSCLI] POX), each step asynchronous on the loop:
 *
 *   1. POST https://<SMTP domain>/autodiscover/autodiscover.xml
 *   2. POST https://autodiscover.<SMTP domain>/autodiscover/autodiscover.xml
 *   3. GET  http://autodiscover.<SMTP domain>/autodiscover/autodiscover.xml,
 *      whose only accepted answer is a redirect to an https URL, then a
 *      POST there.
 *
 * An answer's Action: settings ends discovery (EwsUrl for EXCH and EXPR,
 * UMUrl, OABUrl, display name); redirectAddr starts over with the new
 * address; redirectUrl (https only) POSTs there. At most AD_REDIRECTS_MAX
 * redirects of any kind, and a redirect to a URL or address already tried
 * is a loop: both end discovery with an error. A step whose server does not
 * answer, answers something else, or whose certificate does not validate
 * moves to the next step; the certificate failure is kept for the status
 * ("Cannot validate server certificate" and the URL). A server refusing the
 * credentials ends discovery at once: a wrong password is one clear error,
 * never a burst of retries.
 */
#ifndef UCPHONED_EXCHANGE_AUTODISCOVER_H
#define UCPHONED_EXCHANGE_AUTODISCOVER_H

#include <json-c/json.h>

#include "lib/xml/autodiscover_xml.h"
#include "core/daemon.h"

#define AD_REDIRECTS_MAX 10
#define AD_CERT_ERROR_TEXT "Cannot validate server certificate"

enum ad_state {
	AD_IDLE,
	AD_RUNNING,
	AD_FOUND,
	AD_FAILED,
};

struct autodiscover;

/* cb runs when discovery ends (AD_FOUND or AD_FAILED). */
typedef void (*autodiscover_done_cb)(void *ctx);

int autodiscover_new(struct ucphoned *d, autodiscover_done_cb cb, void *ctx,
		     struct autodiscover **out);
void autodiscover_free(struct autodiscover *a);

/* Starts (over) for email with the sign-in credentials. */
int autodiscover_start(struct autodiscover *a, const char *email);
void autodiscover_stop(struct autodiscover *a);

enum ad_state autodiscover_state(const struct autodiscover *a);
/* AD_FOUND: what the answer gave. */
const struct ad_result *autodiscover_result(const struct autodiscover *a);
/* AD_FAILED: the server refused the user name or password. */
bool autodiscover_credentials_refused(const struct autodiscover *a);

struct json_object *autodiscover_status(const struct autodiscover *a);

#endif /* UCPHONED_EXCHANGE_AUTODISCOVER_H */
