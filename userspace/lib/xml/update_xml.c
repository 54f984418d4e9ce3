// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Device Update request and answer (update_xml.h). A module is any
 * element with a file-name child, wherever it sits: the container's name
 * is not known either, so only the fields decide.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "lib/xml/update_xml.h"
#include "lib/xml/xml_safe.h"

enum field {
	F_VERSION,
	F_FILE,
	F_SIGNATURE,
	F_DESCRIPT,
	F_BASE_URL,
	F_SIZE,
	F_MODEL,
	F_COUNT,
	F_NONE = F_COUNT,
};

/* The spellings accepted for each field, compared without regard to case. */
static const char *const spellings[F_COUNT][6] = {
	[F_VERSION] = { "Version", "FileVersion", "ImageVersion",
			"SoftwareVersion", "ModuleVersion", NULL },
	[F_FILE] = { "FileName", "ImageFileName", "ImageFile", "File", NULL },
	[F_SIGNATURE] = { "SignatureFileName", "SignatureFile", "Signature",
			  "CatalogFileName", "CatalogFile", NULL },
	[F_DESCRIPT] = { "DescriptFile", "DescriptFileName", "DescriptionFile",
			 "DescriptionFileName", "DescFile", NULL },
	[F_BASE_URL] = { "BaseURL", "BaseUri", "DownloadURL", "Url", NULL },
	[F_SIZE] = { "Size", "FileSize", "ImageSize", "Length", NULL },
	[F_MODEL] = { "Model", "DeviceModel", "ModelName", NULL },
};

static const char *const field_name[F_COUNT] = {
	"Version", "FileName", "SignatureFileName", "DescriptFile", "BaseURL",
	"Size", "Model",
};

static enum field field_of(const xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return F_NONE;
	for (int f = 0; f < F_COUNT; f++)
		for (int i = 0; spellings[f][i]; i++)
			if (!strcasecmp((const char *)n->name, spellings[f][i]))
				return (enum field)f;
	return F_NONE;
}

static bool is_module(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (field_of(c) == F_FILE)
			return true;
	return false;
}

/* A file name: 1-63 bytes of [A-Za-z0-9._-], not starting with a dot. */
static bool file_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= UPDATE_NAME_MAX || s[0] == '.')
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") == n;
}

/* Printable ASCII, no space, quote or backslash. */
static bool url_chars_ok(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '"' || *s == '\\')
			return false;
	return true;
}

static bool base_url_ok(const char *s)
{
	if (!url_chars_ok(s))
		return false;
	if (!strncasecmp(s, "https://", 8))
		return s[8] && s[8] != '/';
	return s[0] == '/' && s[1] != '/';
}

static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (!n || n > 19 || strspn(s, "0123456789") != n)
		return -EINVAL;
	for (; *s; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	if (!v)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool model_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

__attribute__((format(printf, 3, 4)))
static int refuse(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int take_field(struct update_module *m, enum field f, const char *text,
		      char *why, size_t why_len)
{
	const char *name = field_name[f];

	switch (f) {
	case F_VERSION:
		if (version_parse(text, &m->version))
			return refuse(why, why_len,
				      "%s is not four decimal parts", name);
		return 0;
	case F_FILE:
	case F_SIGNATURE:
	case F_DESCRIPT:
		if (!file_name_ok(text))
			return refuse(why, why_len,
				      "%s is not a plain file name", name);
		snprintf(f == F_FILE ? m->file_name :
			 f == F_SIGNATURE ? m->signature_name :
			 m->descript_name, UPDATE_NAME_MAX, "%s", text);
		return 0;
	case F_BASE_URL:
		if (strlen(text) >= UPDATE_URL_MAX || !base_url_ok(text))
			return refuse(why, why_len,
				      "%s is neither https://... nor /...", name);
		snprintf(m->base_url, sizeof(m->base_url), "%s", text);
		return 0;
	case F_SIZE:
		if (parse_size(text, &m->size))
			return refuse(why, why_len,
				      "%s is not a positive decimal number", name);
		return 0;
	case F_MODEL:
		if (strlen(text) >= UPDATE_NAME_MAX || !model_ok(text))
			return refuse(why, why_len, "%s is not a model name", name);
		snprintf(m->model, sizeof(m->model), "%s", text);
		return 0;
	case F_COUNT:
		break;
	}
	return 0;
}

static int take_module(const xmlNode *node, struct update_module *m,
		       char *why, size_t why_len)
{
	char text[UPDATE_URL_MAX];
	bool seen[F_COUNT] = { false };
	enum field f;
	int ret;

	memset(m, 0, sizeof(*m));
	for (const xmlNode *c = node->children; c; c = c->next) {
		f = field_of(c);
		if (f == F_NONE)
			continue;
		if (seen[f])
			return refuse(why, why_len, "%s given twice in a module",
				      field_name[f]);
		seen[f] = true;
		if (xml_text(c, text, sizeof(text)))
			return refuse(why, why_len, "%s is too long",
				      field_name[f]);
		ret = take_field(m, f, text, why, why_len);
		if (ret)
			return ret;
	}
	if (!seen[F_VERSION])
		return refuse(why, why_len, "a module without %s", "Version");
	if (!seen[F_SIGNATURE])
		return refuse(why, why_len, "a module without %s",
			      "SignatureFileName");
	if (!seen[F_BASE_URL])
		return refuse(why, why_len, "a module without %s", "BaseURL");
	return 0;
}

static int walk(const xmlNode *node, struct update_answer *a, char *why,
		size_t why_len)
{
	int ret;

	for (const xmlNode *n = node; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_module(n)) {
			if (a->n == UPDATE_MODULES_MAX) {
				a->skipped++;
				continue;
			}
			ret = take_module(n, &a->modules[a->n], why, why_len);
			if (ret)
				return ret;
			a->n++;
			continue;
		}
		ret = walk(n->children, a, why, why_len);
		if (ret)
			return ret;
	}
	return 0;
}

int update_xml_parse(const char *xml, size_t len, struct update_answer *out,
		     char *why, size_t why_len)
{
	struct update_answer *a;
	xmlDoc *doc;
	int ret = 0;

	doc = xml_safe_read(xml, len, UPDATE_XML_MAX, &ret);
	if (!doc) {
		snprintf(why, why_len, "%s",
			 ret == -EMSGSIZE ? "answer larger than 64 KiB" :
			 ret == -ENOMEM ? "out of memory" :
			 "answer is not well-formed XML (or has a DOCTYPE)");
		return ret;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		xmlFreeDoc(doc);
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	ret = walk(xmlDocGetRootElement(doc), a, why, why_len);
	xmlFreeDoc(doc);
	if (!ret)
		*out = *a;
	free(a);
	return ret;
}

int update_xml_token_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 63)
		return -EINVAL;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._:-") == n ? 0 : -EINVAL;
}

int update_xml_request(const struct update_request *r, char *buf, size_t len)
{
	char v[VERSION_STR_MAX];
	int n;

	if (update_xml_token_ok(r->device_type) ||
	    update_xml_token_ok(r->vendor) || update_xml_token_ok(r->model) ||
	    update_xml_token_ok(r->revision) || update_xml_token_ok(r->mac) ||
	    update_xml_token_ok(r->serial) || update_xml_token_ok(r->locale) ||
	    update_xml_token_ok(r->file_name))
		return -EINVAL;
	version_format(&r->installed, v, sizeof(v));
	n = snprintf(buf, len,
		     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<UpdateRequest>\n"
		     "  <DeviceType>%s</DeviceType>\n"
		     "  <Vendor>%s</Vendor>\n"
		     "  <Model>%s</Model>\n"
		     "  <HardwareRevision>%s</HardwareRevision>\n"
		     "  <MACAddress>%s</MACAddress>\n"
		     "  <SerialNumber>%s</SerialNumber>\n"
		     "  <Locale>%s</Locale>\n"
		     "  <Modules>\n"
		     "    <Module><FileName>%s</FileName><Version>%s</Version></Module>\n"
		     "  </Modules>\n"
		     "</UpdateRequest>\n",
		     r->device_type, r->vendor, r->model, r->revision, r->mac,
		     r->serial, r->locale, r->file_name, v);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}
