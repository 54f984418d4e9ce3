/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exchange 2007 Autodiscover, plain-old-XML flavour ([MS-OXDSCLI] 2.2.3,
 * 2.2.4): the request the phone POSTs and the parser of the answer.
 *
 * Request:  Autodiscover (requestschema/2006) / Request / EMailAddress +
 *           AcceptableResponseSchema (outlook responseschema/2006a).
 * Response: Autodiscover (responseschema/2006) / Response (outlook
 *           responseschema/2006a) / User {DisplayName} and Account {Action,
 *           Protocol[Type EXCH|EXPR] {EwsUrl, UMUrl, OABUrl}, RedirectAddr,
 *           RedirectUrl}; or Response (responseschema/2006) / Error
 *           {ErrorCode, Message}.
 * Namespaces are checked: an element in another namespace is not the one
 * asked for, so a document built on the wrong namespaces is refused.
 *
 * The answer is untrusted network input: libxml2 with no network access, no
 * entity substitution, refused outright when it carries a DOCTYPE (an
 * Autodiscover answer has none: no entity can expand), above AD_XML_MAX, or
 * nested deeper than libxml2's default limit.
 */
#ifndef UCPHONE_AUTODISCOVER_XML_H
#define UCPHONE_AUTODISCOVER_XML_H

#include <stddef.h>

#define AD_NS_REQUEST "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
#define AD_NS_RESPONSE "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#define AD_NS_OUTLOOK "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

/* Largest answer accepted; real ones are a few kB. */
#define AD_XML_MAX (64 * 1024)
#define AD_URL_MAX 512
#define AD_TEXT_MAX 256

enum ad_action {
	AD_ACTION_SETTINGS,
	AD_ACTION_REDIRECT_ADDR,	/* redirect: a new e-mail address */
	AD_ACTION_REDIRECT_URL,		/* redirect: a new Autodiscover URL */
	AD_ACTION_ERROR,		/* Response/Error: error_code, error_message */
};

struct ad_result {
	enum ad_action action;
	char display_name[AD_TEXT_MAX];
	char redirect[AD_URL_MAX];	/* the address or URL to go to */
	char ews_internal[AD_URL_MAX];	/* Protocol EXCH EwsUrl */
	char ews_external[AD_URL_MAX];	/* Protocol EXPR EwsUrl */
	char um_url[AD_URL_MAX];	/* first UMUrl (EXCH before EXPR) */
	char oab_url[AD_URL_MAX];	/* first OABUrl (EXCH before EXPR) */
	char error_code[16];
	char error_message[AD_TEXT_MAX];
};

/*
 * The request body for email into buf (NUL-terminated). Returns its length,
 * -EINVAL for an address that is empty or holds a control character,
 * -ENOSPC when buf is too small, -ENOMEM.
 */
int ad_xml_request(const char *email, char *buf, size_t size);

/*
 * Parses an answer. 0 with out filled (settings with at least one EwsUrl,
 * a redirect with its target, or an Error); -EMSGSIZE above AD_XML_MAX;
 * -EINVAL for anything else: not well-formed, a DOCTYPE, wrong root or
 * namespaces, an unknown Action, settings with no EwsUrl, a redirect with
 * no target, a value longer than its field. On error out is untouched.
 */
int ad_xml_parse(const char *xml, size_t len, struct ad_result *out);

const char *ad_action_name(enum ad_action a);

#endif /* UCPHONE_AUTODISCOVER_XML_H */
