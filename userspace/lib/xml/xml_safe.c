// SPDX-License-Identifier: GPL-2.0-only
/* Untrusted XML on libxml2 (see xml_safe.h). */
#include <errno.h>
#include <string.h>

#include <libxml/parser.h>

#include "lib/xml/xml_safe.h"

xmlDoc *xml_safe_read(const char *xml, size_t len, size_t max, int *err)
{
	/* No NOENT/DTDLOAD/DTDATTR/HUGE: entities stay unexpanded, nothing is fetched. */
	const int options = XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	xmlDoc *doc;

	if (!xml || !len) {
		*err = -EINVAL;
		return NULL;
	}
	if (len > max) {
		*err = -EMSGSIZE;
		return NULL;
	}
	doc = xmlReadMemory(xml, (int)len, "network.xml", NULL, options);
	if (!doc || doc->intSubset || doc->extSubset ||
	    !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		*err = -EINVAL;
		return NULL;
	}
	return doc;
}

bool xml_is(const xmlNode *node, const char *ns, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && node->ns &&
	       node->ns->href &&
	       !strcmp((const char *)node->ns->href, ns) &&
	       !strcmp((const char *)node->name, name);
}

xmlNode *xml_next(const xmlNode *node, const char *ns, const char *name)
{
	for (xmlNode *n = node ? node->next : NULL; n; n = n->next)
		if (xml_is(n, ns, name))
			return n;
	return NULL;
}

xmlNode *xml_child(const xmlNode *parent, const char *ns, const char *name)
{
	for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
		if (xml_is(n, ns, name))
			return n;
	return NULL;
}

static int copy_trimmed(const char *raw, char *buf, size_t size)
{
	const char *end;
	size_t len;

	while (*raw == ' ' || *raw == '\t' || *raw == '\r' || *raw == '\n')
		raw++;
	end = raw + strlen(raw);
	while (end > raw && (end[-1] == ' ' || end[-1] == '\t' ||
			     end[-1] == '\r' || end[-1] == '\n'))
		end--;
	len = (size_t)(end - raw);
	if (len >= size)
		return -EINVAL;
	memcpy(buf, raw, len);
	buf[len] = '\0';
	return 0;
}

int xml_text(const xmlNode *node, char *buf, size_t size)
{
	xmlChar *content;
	int ret;

	if (!node) {
		buf[0] = '\0';
		return 0;
	}
	content = xmlNodeGetContent(node);
	if (!content)
		return -ENOMEM;
	ret = copy_trimmed((const char *)content, buf, size);
	xmlFree(content);
	return ret;
}

int xml_attr(const xmlNode *node, const char *name, char *buf, size_t size)
{
	xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
	int ret;

	if (!value) {
		buf[0] = '\0';
		return 0;
	}
	ret = copy_trimmed((const char *)value, buf, size);
	xmlFree(value);
	return ret;
}
