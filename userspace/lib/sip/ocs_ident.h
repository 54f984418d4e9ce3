/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The identifiers an OCS/Lync-class endpoint puts in its SIP requests
 * ([MS-SIPREGE], protocols brief 6): the endpoint id "epid" on From, and
 * the +sip.instance UUID on Contact, a name-based (SHA-1, version 5)
 * UUID of the epid, so that one follows from the other.
 */
#ifndef UCPHONE_OCS_IDENT_H
#define UCPHONE_OCS_IDENT_H

/* Namespace of the +sip.instance UUID (protocols brief 6). */
#define OCS_INSTANCE_NAMESPACE "fcacfb03-8a73-46ef-91b1-e5ebeeaba4fe"

/* A fresh epid: 10 lowercase hex digits from getrandom(). 0 or -errno. */
int ocs_epid_new(char out[11]);

/*
 * The RFC 4122 version 5 UUID of epid (its bytes, no terminator) in
 * OCS_INSTANCE_NAMESPACE, lowercase "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".
 * 0, or -EINVAL for a NULL or empty epid.
 */
int ocs_instance_uuid(const char *epid, char out[37]);

#endif /* UCPHONE_OCS_IDENT_H */
