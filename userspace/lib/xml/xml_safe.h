/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading untrusted XML from the network with libxml2, one way for every
 * parser here: no network access, no entity substitution, no DTD loading,
 * a DOCTYPE refused outright (so no entity can expand: billion laughs and
 * XXE die before they start), a size cap, and libxml2's default depth limit
 * (XML_PARSE_HUGE never set). Elements are matched by namespace URI and
 * local name, so a document on the wrong namespaces finds nothing.
 */
#ifndef UCPHONE_XML_SAFE_H
#define UCPHONE_XML_SAFE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/*
 * The document in xml[0..len), or NULL with *err = -EMSGSIZE (over max),
 * -EINVAL (empty, not well-formed, DOCTYPE) or -ENOMEM.
 */
xmlDoc *xml_safe_read(const char *xml, size_t len, size_t max, int *err);

/* Is node the element ns:name? */
bool xml_is(const xmlNode *node, const char *ns, const char *name);

/* First element child ns:name of parent, or NULL. */
xmlNode *xml_child(const xmlNode *parent, const char *ns, const char *name);

/* Next element sibling ns:name after node, or NULL. */
xmlNode *xml_next(const xmlNode *node, const char *ns, const char *name);

/*
 * node's text, whitespace around it trimmed, into buf. 0, or -EINVAL when
 * it does not fit (the caller refuses rather than keep half a URL). A NULL
 * node gives "".
 */
int xml_text(const xmlNode *node, char *buf, size_t size);

/* The attribute name of node (no namespace) into buf, same rules. */
int xml_attr(const xmlNode *node, const char *name, char *buf, size_t size);

#endif /* UCPHONE_XML_SAFE_H */
