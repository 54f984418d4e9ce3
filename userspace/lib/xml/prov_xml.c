// SPDX-License-Identifier: GPL-2.0-only
/* The provisionGroupList parser (see prov_xml.h), on libxml2's tree API. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/xml/prov_xml.h"

/* Spellings of the primary SMTP address seen in the field [U]. */
static bool is_smtp_name(const char *name)
{
	static const char *const names[] = {
		PROV_SMTP_ADDRESS, "smtpAddress", "primarySmtp", "emailAddress",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(name, names[i]))
			return true;
	return false;
}

static bool name_is(const xmlChar *a, const char *b)
{
	return a && !xmlStrcasecmp(a, (const xmlChar *)b);
}

static bool has_element_child(const xmlNode *node)
{
	for (const xmlNode *n = node->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

static void add(struct prov_config *c, const char *name, const char *raw)
{
	const char *end;
	size_t name_len = strlen(name), len;

	/* XML whitespace around a value is layout, not data. */
	while (*raw == ' ' || *raw == '\t' || *raw == '\r' || *raw == '\n')
		raw++;
	end = raw + strlen(raw);
	while (end > raw && (end[-1] == ' ' || end[-1] == '\t' ||
			     end[-1] == '\r' || end[-1] == '\n'))
		end--;
	len = end - raw;

	if (!name_len || name_len >= sizeof(c->settings[0].name) ||
	    len >= sizeof(c->settings[0].value) ||
	    c->n >= sizeof(c->settings) / sizeof(c->settings[0]) ||
	    prov_config_get(c, name)) {
		c->skipped++;
		return;
	}
	memcpy(c->settings[c->n].name, name, name_len + 1);
	memcpy(c->settings[c->n].value, raw, len);
	c->settings[c->n].value[len] = '\0';
	c->n++;
}

/*
 * Leaves under parent: <name>value</name>, or <property name="name">value
 * </property>; containers (<instance>, <propertyEntryList>...) are walked
 * through. all: keep every leaf (ServerConfiguration), else only the SMTP
 * address.
 */
static void collect(struct prov_config *c, const xmlNode *parent, bool all)
{
	for (const xmlNode *n = parent->children; n; n = n->next) {
		xmlChar *attr = NULL, *content;
		const char *name;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (has_element_child(n)) {
			collect(c, n, all);
			continue;
		}
		if (name_is(n->name, "property")) {
			attr = xmlGetProp(n, (const xmlChar *)"name");
			name = (const char *)attr;
		} else {
			name = (const char *)n->name;
		}
		if (name && (all || is_smtp_name(name))) {
			content = xmlNodeGetContent(n);
			if (is_smtp_name(name))
				name = PROV_SMTP_ADDRESS;
			add(c, name, content ? (const char *)content : "");
			xmlFree(content);
		}
		xmlFree(attr);
	}
}

int prov_xml_parse(const char *xml, size_t len, struct prov_config *out)
{
	/* No NOENT/DTDLOAD/DTDATTR: entities stay unexpanded, nothing is fetched. */
	const int options = XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	struct prov_config *c;
	const xmlNode *root;
	xmlDoc *doc;
	int ret = 0;

	if (!xml || !out || !len)
		return -EINVAL;
	if (len > PROV_XML_MAX)
		return -EMSGSIZE;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	doc = xmlReadMemory(xml, (int)len, "provisioning.xml", NULL, options);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || doc->intSubset || doc->extSubset ||
	    !name_is(root->name, "provisionGroupList")) {
		ret = -EINVAL;
		goto out;
	}
	for (const xmlNode *g = root->children; g; g = g->next) {
		xmlChar *group;

		if (g->type != XML_ELEMENT_NODE ||
		    !name_is(g->name, "provisionGroup"))
			continue;
		group = xmlGetProp(g, (const xmlChar *)"name");
		collect(c, g, name_is(group, "ServerConfiguration"));
		xmlFree(group);
	}
	*out = *c;
out:
	xmlFreeDoc(doc);
	free(c);
	return ret;
}

const char *prov_config_get(const struct prov_config *c, const char *name)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (!strcasecmp(c->settings[i].name, name))
			return c->settings[i].value;
	return NULL;
}

struct json_object *prov_config_json(const struct prov_config *c)
{
	struct json_object *o = json_object_new_object();

	for (unsigned int i = 0; o && i < c->n; i++)
		json_object_object_add(o, c->settings[i].name,
				       json_object_new_string(c->settings[i].value));
	return o;
}
