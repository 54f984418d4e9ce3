// SPDX-License-Identifier: GPL-2.0-only
/* In-band provisioning documents (lib/xml/prov_xml.c), friendly and hostile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "kselftest_harness.h"
#include "lib/xml/prov_xml.h"

#define NS "xmlns=\"http://schemas.microsoft.com/2006/09/sip/provisiongrouplist-notification\""

static int parse(const char *s, struct prov_config *c)
{
	return prov_xml_parse(s, strlen(s), c);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f)
		return NULL;
	buf = calloc(1, PROV_XML_MAX + 1);
	*len = fread(buf, 1, PROV_XML_MAX, f);
	fclose(f);
	return buf;
}

/* The body the testbed's kamailio answers the SUBSCRIBE with. */
TEST(testbed_body)
{
	struct prov_config *c = calloc(1, sizeof(*c));
	size_t len;
	char *xml = slurp(TESTBED_PROV_BODY, &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, prov_xml_parse(xml, len, c));
	EXPECT_STREQ("https://web.corp.test/RequestHandler/ucdevice.upx",
		     prov_config_get(c, "updatesServerInternalUrl"));
	EXPECT_STREQ("https://web.corp.test/RequestHandler/ucdevice.upx",
		     prov_config_get(c, "UPDATESSERVEREXTERNALURL"));
	EXPECT_STREQ("sip:alice@corp.test;opaque=app:voicemail",
		     prov_config_get(c, "voicemailUri"));
	EXPECT_STREQ("https://web.corp.test/abs/int/handler",
		     prov_config_get(c, "absInternalServerUrl"));
	EXPECT_STREQ("alice@corp.test", prov_config_get(c, PROV_SMTP_ADDRESS));
	/* other groups' policies are not server configuration */
	EXPECT_EQ(NULL, prov_config_get(c, "AllowIPAudio"));
	EXPECT_EQ(NULL, prov_config_get(c, "EnableCallTransfer"));
	EXPECT_EQ(0, c->skipped);
	{
		struct json_object *j = prov_config_json(c), *v;

		ASSERT_TRUE(json_object_object_get_ex(j, "voicemailUri", &v));
		EXPECT_STREQ("sip:alice@corp.test;opaque=app:voicemail",
			     json_object_get_string(v));
		EXPECT_EQ(c->n, json_object_object_length(j));
		json_object_put(j);
	}
	free(xml);
	free(c);
}

TEST(property_spelling_prefixes_and_smtp_inside_server_configuration)
{
	struct prov_config c;

	ASSERT_EQ(0, parse("<p:provisionGroupList xmlns:p=\"urn:x\">"
			   "<p:provisionGroup name=\"serverconfiguration\">"
			   "<p:propertyEntryList>"
			   "<p:property name=\"UpdatesServerInternalUrl\">\n  https://u/x  \n</p:property>"
			   "<p:property name=\"smtpAddress\">bob@corp.test</p:property>"
			   "</p:propertyEntryList>"
			   "<voicemailUri><![CDATA[sip:v@corp.test]]></voicemailUri>"
			   "<empty/>"
			   "</p:provisionGroup></p:provisionGroupList>", &c));
	EXPECT_STREQ("https://u/x", prov_config_get(&c, "updatesServerInternalUrl"));
	EXPECT_STREQ("bob@corp.test", prov_config_get(&c, "primarySmtpAddress"));
	EXPECT_STREQ("sip:v@corp.test", prov_config_get(&c, "voicemailUri"));
	EXPECT_STREQ("", prov_config_get(&c, "empty"));
	EXPECT_EQ(4, c.n);
}

TEST(no_server_configuration_is_an_empty_config)
{
	struct prov_config c;

	ASSERT_EQ(0, parse("<provisionGroupList " NS "><provisionGroup name=\"ucPolicy\">"
			   "<instance><property name=\"x\">1</property></instance>"
			   "</provisionGroup></provisionGroupList>", &c));
	EXPECT_EQ(0, c.n);
}

TEST(limits_skip_entries_not_documents)
{
	struct prov_config c;
	char *xml = malloc(PROV_XML_MAX), *p = xml;

	p += sprintf(p, "<provisionGroupList><provisionGroup name=\"ServerConfiguration\">");
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "<s%d>v%d</s%d>", i, i, i);
	p += sprintf(p, "<s0>again</s0><long>");
	memset(p, 'a', 600);
	p += 600;
	p += sprintf(p, "</long><n%0100d>x</n%0100d>", 0, 0);
	p += sprintf(p, "</provisionGroup></provisionGroupList>");
	ASSERT_EQ(0, prov_xml_parse(xml, p - xml, &c));
	EXPECT_EQ(64, c.n);
	EXPECT_EQ(36 + 3, c.skipped);
	EXPECT_STREQ("v0", prov_config_get(&c, "s0"));
	EXPECT_EQ(NULL, prov_config_get(&c, "long"));
	free(xml);
}

TEST(hostile_documents_are_refused_and_out_untouched)
{
	static const char *const bad[] = {
		"",
		"not xml",
		"<provisionGroupList>",					/* truncated */
		"<provisionGroupList></provisionGroupList><x/>",	/* two roots */
		"<other " NS "/>",					/* wrong root */
		/* billion laughs */
		"<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
		"<provisionGroupList><provisionGroup name=\"ServerConfiguration\">"
		"<x>&d;&d;&d;</x></provisionGroup></provisionGroupList>",
		/* external entity (XXE) */
		"<!DOCTYPE p [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
		"<provisionGroupList><provisionGroup name=\"ServerConfiguration\">"
		"<x>&e;</x></provisionGroup></provisionGroupList>",
		/* external DTD over the network */
		"<!DOCTYPE provisionGroupList SYSTEM \"http://10.77.0.1/evil.dtd\">"
		"<provisionGroupList/>",
		/* an entity nobody declared */
		"<provisionGroupList><provisionGroup name=\"ServerConfiguration\">"
		"<x>&undeclared;</x></provisionGroup></provisionGroupList>",
		"<provisionGroupList><a></b></provisionGroupList>",
	};
	struct prov_config c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		EXPECT_EQ(-EINVAL, prov_xml_parse(bad[i], strlen(bad[i]), &c)) {
			TH_LOG("document %zu", i);
		}
		EXPECT_EQ(0x5a5a5a5a, c.n);
	}
	/* a NUL in the middle */
	EXPECT_EQ(-EINVAL, prov_xml_parse("<provisionGroupList>\0</provisionGroupList>",
					  41, &c));
}

TEST(deep_nesting_and_size)
{
	struct prov_config c;
	char *xml = malloc(PROV_XML_MAX + 2), *p = xml;

	p += sprintf(p, "<provisionGroupList><provisionGroup name=\"ServerConfiguration\">");
	for (int i = 0; i < 20000; i++)
		p += sprintf(p, "<a>");
	EXPECT_EQ(-EINVAL, prov_xml_parse(xml, p - xml, &c));
	memset(xml, ' ', PROV_XML_MAX + 1);
	EXPECT_EQ(-EMSGSIZE, prov_xml_parse(xml, PROV_XML_MAX + 1, &c));
	free(xml);
}

TEST(subscribe_body_is_well_formed)
{
	xmlDoc *doc = xmlReadMemory(PROV_SUBSCRIBE_BODY, strlen(PROV_SUBSCRIBE_BODY),
				    NULL, NULL, XML_PARSE_NONET);

	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("provisioningGroupList",
		     (const char *)xmlDocGetRootElement(doc)->name);
	xmlFreeDoc(doc);
}

TEST_HARNESS_MAIN
