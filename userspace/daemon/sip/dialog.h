/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A SIP dialog (RFC 3261 12): what both ends agreed to call one call by,
 * and how to reach the other end inside it.
 *
 * Pure data, no I/O: Call-ID, the local and remote tags, the local and
 * remote name-addr as the From/To of in-dialog requests carry them, the
 * route set (from Record-Route: reversed on the caller's side, in order on
 * the callee's, 12.1.1/12.1.2), the remote target (the peer's Contact),
 * and the local and remote CSeq. dialog_request() writes the start line
 * and the dialog's headers of a new request (12.2.1.1, loose and strict
 * routing); dialog_check_cseq() refuses a request older than the last one
 * (12.2.2: 500). Values from the network are copied with their length
 * checked; one that does not fit is refused, never cut.
 */
#ifndef UCPHONED_SIP_DIALOG_H
#define UCPHONED_SIP_DIALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/sip/sip_msg.h"

#define DIALOG_ROUTES_MAX 8
#define DIALOG_URI_MAX 512

struct sip_dialog {
	char call_id[256];
	char local_tag[40];
	char remote_tag[128];
	char local_na[DIALOG_URI_MAX];	/* "<sip:alice@corp.test>", no tag */
	char remote_na[DIALOG_URI_MAX];	/* peer's From/To, without its tag */
	char remote_target[DIALOG_URI_MAX];
	char route[DIALOG_ROUTES_MAX][DIALOG_URI_MAX];	/* "<sip:p;lr>" */
	unsigned int n_route;
	uint32_t local_cseq;
	uint32_t remote_cseq;
	bool remote_cseq_set;
	bool confirmed;		/* a 2xx set the route set for good */
};

/* The caller's side before any answer: fresh Call-ID, tag and CSeq. */
int dialog_init_uac(struct sip_dialog *dl, const char *local_na,
		    const char *target_uri);
/*
 * The caller's side from a 1xx with a To tag or a 2xx (12.1.2): remote
 * tag, route set (reversed Record-Route) and remote target (Contact). A
 * 2xx confirms it; later 2xx/1xx change nothing but the target.
 * -EINVAL for a response without To tag or Contact, -EMSGSIZE when a
 * value does not fit.
 */
int dialog_from_response(struct sip_dialog *dl, const struct sip_msg *resp);
/* The callee's side from an INVITE (12.1.1); local_tag is made here. */
int dialog_init_uas(struct sip_dialog *dl, const struct sip_msg *req);
/* Whether an in-dialog request belongs here (Call-ID and both tags). */
bool dialog_matches_request(const struct sip_dialog *dl,
			    const struct sip_msg *req);
/* 12.2.2: true when req's CSeq is newer than the last (and records it). */
bool dialog_check_cseq(struct sip_dialog *dl, const struct sip_msg *req);
/* A target refresh (re-INVITE, UPDATE, their 2xx): the new Contact. */
int dialog_refresh_target(struct sip_dialog *dl, const struct sip_msg *m);

/*
 * Start line, Via (sent_by, branch), Max-Forwards, Route, From, To,
 * Call-ID and CSeq (cseq; 0 takes the next local one) of a request in
 * the dialog. The caller adds the rest and the body.
 */
void dialog_request(struct sip_dialog *dl, struct sip_out *o,
		    const char *method, const char *sent_by,
		    const char *branch, uint32_t cseq);

#endif /* UCPHONED_SIP_DIALOG_H */
