// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Device Update answer and request (lib/xml/update_xml.c): the
 * format ucphone uses, the other spellings it accepts, values refused by
 * type with the element named, no DOCTYPE, the size cap, and a request
 * that carries what the server needs and nothing it could be tricked by.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/xml/update_xml.h"

#define MODULE(v, extra) \
	"<Module><Version>" v "</Version><FileName>CPE.nbt</FileName>" \
	"<SignatureFileName>CPE.cat</SignatureFileName>" \
	"<DescriptFile>CPE_desc.xml</DescriptFile>" \
	"<BaseURL>https://ucupdates-r2.corp.test/files/" v "/</BaseURL>" extra \
	"</Module>"

static int parse(const char *xml, struct update_answer *a, char *why)
{
	return update_xml_parse(xml, strlen(xml), a, why, UPDATE_WHY_MAX);
}

TEST(two_modules_in_the_documented_format)
{
	struct update_answer a;
	char why[UPDATE_WHY_MAX] = "", v[VERSION_STR_MAX];

	ASSERT_EQ(0, parse("<?xml version=\"1.0\"?><UpdateResponse><Modules>"
			   MODULE("3.5.6907.35", "<Size>1048576</Size><Model>CX700</Model>")
			   MODULE("1.0.522.101", "")
			   "</Modules></UpdateResponse>", &a, why));
	ASSERT_EQ(2, a.n);
	EXPECT_STREQ("3.5.6907.35", version_format(&a.modules[0].version, v, sizeof(v)));
	EXPECT_STREQ("CPE.nbt", a.modules[0].file_name);
	EXPECT_STREQ("CPE.cat", a.modules[0].signature_name);
	EXPECT_STREQ("CPE_desc.xml", a.modules[0].descript_name);
	EXPECT_STREQ("https://ucupdates-r2.corp.test/files/3.5.6907.35/",
		     a.modules[0].base_url);
	EXPECT_EQ(1048576, a.modules[0].size);
	EXPECT_STREQ("CX700", a.modules[0].model);
	EXPECT_STREQ("1.0.522.101", version_format(&a.modules[1].version, v, sizeof(v)));
	EXPECT_EQ(0, a.modules[1].size);
	EXPECT_STREQ("", a.modules[1].model);
}

TEST(other_spellings_case_and_namespaces)
{
	struct update_answer a;
	char why[UPDATE_WHY_MAX] = "";

	ASSERT_EQ(0, parse("<r:ucDeviceUpdate xmlns:r=\"urn:x\"><r:Image>"
			   "<r:imageversion> 1.0.522.101 </r:imageversion>"
			   "<r:IMAGEFILENAME>CPE.nbt</r:IMAGEFILENAME>"
			   "<r:CatalogFile>CPE.cat</r:CatalogFile>"
			   "<r:BaseUri>/files/</r:BaseUri><r:FileSize>42</r:FileSize>"
			   "<r:Unknown>kept out</r:Unknown>"
			   "</r:Image></r:ucDeviceUpdate>", &a, why));
	ASSERT_EQ(1, a.n);
	EXPECT_EQ(1, a.modules[0].version.part[0]);
	EXPECT_EQ(101, a.modules[0].version.part[3]);
	EXPECT_STREQ("/files/", a.modules[0].base_url);
	EXPECT_EQ(42, a.modules[0].size);
}

TEST(no_module_is_no_update)
{
	struct update_answer a;
	char why[UPDATE_WHY_MAX] = "";

	ASSERT_EQ(0, parse("<UpdateResponse/>", &a, why));
	EXPECT_EQ(0, a.n);
}

TEST(wrong_types_refuse_the_answer_naming_the_element)
{
	static const struct { const char *xml, *why; } cases[] = {
		{ "<U>" MODULE("3.5.x.35", "") "</U>", "Version is not four decimal parts" },
		{ "<U>" MODULE("1.0.522.101", "<Size>-5</Size>") "</U>",
		  "Size is not a positive decimal number" },
		{ "<U>" MODULE("1.0.522.101", "<Size>0</Size>") "</U>",
		  "Size is not a positive decimal number" },
		{ "<U>" MODULE("1.0.522.101", "<Size>12 MB</Size>") "</U>",
		  "Size is not a positive decimal number" },
		{ "<U><Module><Version>1.0.522.101</Version><FileName>../CPE.nbt</FileName>"
		  "<SignatureFileName>CPE.cat</SignatureFileName><BaseURL>/f/</BaseURL></Module></U>",
		  "FileName is not a plain file name" },
		{ "<U><Module><Version>1.0.522.101</Version><FileName>CPE.nbt</FileName>"
		  "<SignatureFileName>CPE.cat</SignatureFileName><BaseURL>http://x/f/</BaseURL></Module></U>",
		  "BaseURL is neither https://... nor /..." },
		{ "<U><Module><Version>1.0.522.101</Version><FileName>CPE.nbt</FileName>"
		  "<SignatureFileName>CPE.cat</SignatureFileName><BaseURL>//evil/f/</BaseURL></Module></U>",
		  "BaseURL is neither https://... nor /..." },
		{ "<U><Module><Version>1.0.522.101</Version><FileName>CPE.nbt</FileName>"
		  "<BaseURL>/f/</BaseURL></Module></U>", "a module without SignatureFileName" },
		{ "<U><Module><FileName>CPE.nbt</FileName><SignatureFileName>CPE.cat</SignatureFileName>"
		  "<BaseURL>/f/</BaseURL></Module></U>", "a module without Version" },
		{ "<U>" MODULE("1.0.522.101", "<Version>3.5.6907.35</Version>") "</U>",
		  "Version given twice in a module" },
	};
	struct update_answer a;
	char why[UPDATE_WHY_MAX];

	memset(&a, 0x5a, sizeof(a));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		EXPECT_EQ(-EINVAL, parse(cases[i].xml, &a, why)) TH_LOG("case %zu", i);
		EXPECT_STREQ(cases[i].why, why) TH_LOG("case %zu", i);
		EXPECT_EQ(0x5a5a5a5a, a.n);	/* untouched */
	}
}

TEST(doctype_and_size_refused)
{
	struct update_answer a;
	char why[UPDATE_WHY_MAX];
	char *big;

	EXPECT_EQ(-EINVAL, parse("<!DOCTYPE U [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
				 "<U><Module><Version>1.0.522.101</Version><FileName>&x;</FileName>"
				 "</Module></U>", &a, why));
	EXPECT_EQ(-EINVAL, parse("<U><Module>", &a, why));
	big = malloc(UPDATE_XML_MAX + 2);
	ASSERT_NE(NULL, big);
	memset(big, ' ', UPDATE_XML_MAX + 1);
	memcpy(big, "<U>", 3);
	memcpy(big + UPDATE_XML_MAX - 3, "</U>", 4);
	big[UPDATE_XML_MAX + 1] = '\0';
	EXPECT_EQ(-EMSGSIZE, parse(big, &a, why));
	EXPECT_STREQ("answer larger than 64 KiB", why);
	free(big);
}

TEST(more_modules_than_kept_are_counted)
{
	char xml[8192] = "<U>";
	struct update_answer a;
	char why[UPDATE_WHY_MAX];

	for (int i = 0; i < UPDATE_MODULES_MAX + 2; i++)
		strcat(xml, MODULE("3.5.6907.35", ""));
	strcat(xml, "</U>");
	ASSERT_EQ(0, parse(xml, &a, why));
	EXPECT_EQ(UPDATE_MODULES_MAX, a.n);
	EXPECT_EQ(2, a.skipped);
}

TEST(request_carries_the_device_and_refuses_markup)
{
	struct update_request r = {
		.device_type = "UCPhone", .vendor = "Polycom", .model = "CX700",
		.revision = "A", .mac = "02-00-00-00-00-64", .serial = "SN0001",
		.locale = "en-US", .file_name = "CPE.nbt",
	};
	char buf[2048];

	ASSERT_EQ(0, version_parse("1.0.199.123", &r.installed));
	ASSERT_GT(update_xml_request(&r, buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "<DeviceType>UCPhone</DeviceType>"));
	EXPECT_NE(NULL, strstr(buf, "<Model>CX700</Model>"));
	EXPECT_NE(NULL, strstr(buf, "<HardwareRevision>A</HardwareRevision>"));
	EXPECT_NE(NULL, strstr(buf, "<MACAddress>02-00-00-00-00-64</MACAddress>"));
	EXPECT_NE(NULL, strstr(buf, "<SerialNumber>SN0001</SerialNumber>"));
	EXPECT_NE(NULL, strstr(buf, "<Locale>en-US</Locale>"));
	EXPECT_NE(NULL, strstr(buf, "<FileName>CPE.nbt</FileName><Version>1.0.199.123</Version>"));
	EXPECT_EQ(-ENOSPC, update_xml_request(&r, buf, 100));
	r.serial = "<x/>";
	EXPECT_EQ(-EINVAL, update_xml_request(&r, buf, sizeof(buf)));
	r.serial = "";
	EXPECT_EQ(-EINVAL, update_xml_request(&r, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
