/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-band provisioning ([MS-SIPREGE], protocols brief 7): the body the phone
 * SUBSCRIBEs with, and the parser of the provisionGroupList the server
 * answers with (200 body or NOTIFY). Kept: every value of the
 * ServerConfiguration group (Device Update URLs, voicemail URI, address
 * book URLs...), and the user's primary SMTP address from whichever group
 * carries it. Values come either as <name>value</name> or as
 * <property name="name">value</property>; element names are matched without
 * regard to case, since deployments differ [U].
 *
 * The document is untrusted network input: parsed by libxml2 with no network
 * access (XML_PARSE_NONET), no entity substitution, and refused outright if
 * it carries a DOCTYPE (a provisioning document has none; refusing it means
 * no entity can expand).
 */
#ifndef UCPHONE_PROV_XML_H
#define UCPHONE_PROV_XML_H

#include <stddef.h>

#include <json-c/json.h>

#define PROV_EVENT "vnd-microsoft-provisioning-v2"
#define PROV_CONTENT_TYPE "application/vnd-microsoft-roaming-provisioning-v2+xml"

/* The exact SUBSCRIBE body: the groups the phone asks for. */
#define PROV_SUBSCRIBE_BODY \
	"<provisioningGroupList xmlns=\"http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist\">" \
	"<provisioningGroup name=\"ServerConfiguration\"/>" \
	"<provisioningGroup name=\"meetingPolicy\"/>" \
	"<provisioningGroup name=\"ucPolicy\"/>" \
	"</provisioningGroupList>"

/* Name under which the primary SMTP address is kept, whatever its spelling. */
#define PROV_SMTP_ADDRESS "primarySmtpAddress"

/* Largest document accepted; real ones are a few kB. */
#define PROV_XML_MAX (256 * 1024)

struct prov_setting { char name[64]; char value[512]; };

struct prov_config {		/* ServerConfiguration group, plus the user's SMTP address */
	struct prov_setting settings[64]; unsigned int n;
	/*
	 * Entries left out: a name or value longer than its field, more than
	 * 64 settings, or a repeated name (the first one is kept).
	 */
	unsigned int skipped;
};

/*
 * Parses a provisionGroupList. 0 (out filled; n may be 0 when the document
 * has no ServerConfiguration group), -EINVAL for anything that is not
 * well-formed XML with a provisionGroupList root, or that has a DOCTYPE,
 * -EMSGSIZE above PROV_XML_MAX, -ENOMEM. On error out is untouched.
 */
int prov_xml_parse(const char *xml, size_t len, struct prov_config *out); /* -EINVAL + no partial state on bad XML */

/* The value of a setting, name compared without regard to case; NULL if absent. */
const char *prov_config_get(const struct prov_config *c, const char *name); /* case-insensitive name */

/* {"name": "value", ...} for a status reply; NULL when out of memory. */
struct json_object *prov_config_json(const struct prov_config *c);

#endif /* UCPHONE_PROV_XML_H */
