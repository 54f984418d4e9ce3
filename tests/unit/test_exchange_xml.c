// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exchange Autodiscover and EWS answers (lib/xml/autodiscover_xml.c,
 * ews_xml.c, ews_lookup_xml.c): Exchange 2007 SP1's shapes, and hostile documents (billion
 * laughs, XXE, a huge body, deep nesting, the wrong namespaces) refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xml/autodiscover_xml.h"
#include "lib/xml/ews_lookup_xml.h"
#include "lib/xml/ews_xml.h"
#include "kselftest_harness.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = calloc(1, 65536);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static int ad(const char *s, struct ad_result *r)
{
	return ad_xml_parse(s, strlen(s), r);
}

#define AD_HEAD "<Autodiscover xmlns=\"" AD_NS_RESPONSE "\"><Response xmlns=\"" AD_NS_OUTLOOK "\">"
#define AD_TAIL "</Response></Autodiscover>"

TEST(ad_request)
{
	char buf[1024];
	int n = ad_xml_request("a&b@corp.test", buf, sizeof(buf));

	ASSERT_GT(n, 0);
	EXPECT_NE(NULL, strstr(buf, "<EMailAddress>a&amp;b@corp.test</EMailAddress>"));
	EXPECT_NE(NULL, strstr(buf, "<AcceptableResponseSchema>" AD_NS_OUTLOOK
			       "</AcceptableResponseSchema>"));
	EXPECT_NE(NULL, strstr(buf, "xmlns=\"" AD_NS_REQUEST "\""));
	EXPECT_EQ(-EINVAL, ad_xml_request("", buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, ad_xml_request("a\nb@corp.test", buf, sizeof(buf)));
	EXPECT_EQ(-ENOSPC, ad_xml_request("alice@corp.test", buf, 100));
}

TEST(ad_settings)
{
	struct ad_result r;
	size_t len;
	char *xml = slurp("autodiscover_xml/settings.xml", &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ad_xml_parse(xml, len, &r));
	EXPECT_EQ(AD_ACTION_SETTINGS, r.action);
	EXPECT_STREQ("Alice Ängström", r.display_name);
	EXPECT_STREQ("https://cas01.corp.test/EWS/Exchange.asmx", r.ews_internal);
	EXPECT_STREQ("https://mail.corp.test/EWS/Exchange.asmx", r.ews_external);
	EXPECT_STREQ("https://cas01.corp.test/UnifiedMessaging/Service.asmx", r.um_url);
	EXPECT_STREQ("https://cas01.corp.test/OAB/2f4e6d1c/", r.oab_url);
	free(xml);
}

TEST(ad_redirects_and_error)
{
	struct ad_result r;
	size_t len;
	char *xml = slurp("autodiscover_xml/redirect_addr.xml", &len);

	ASSERT_EQ(0, ad_xml_parse(xml, len, &r));
	EXPECT_EQ(AD_ACTION_REDIRECT_ADDR, r.action);
	EXPECT_STREQ("alice@mail.corp.test", r.redirect);
	free(xml);
	xml = slurp("autodiscover_xml/redirect_url.xml", &len);
	ASSERT_EQ(0, ad_xml_parse(xml, len, &r));
	EXPECT_EQ(AD_ACTION_REDIRECT_URL, r.action);
	EXPECT_STREQ("https://autodiscover.corp.test/autodiscover/autodiscover.xml",
		     r.redirect);
	free(xml);
	xml = slurp("autodiscover_xml/error.xml", &len);
	ASSERT_EQ(0, ad_xml_parse(xml, len, &r));
	EXPECT_EQ(AD_ACTION_ERROR, r.action);
	EXPECT_STREQ("600", r.error_code);
	EXPECT_STREQ("Invalid Request", r.error_message);
	free(xml);
	/* a redirect without its target, settings without an EwsUrl, an unknown action */
	EXPECT_EQ(-EINVAL, ad(AD_HEAD "<Account><Action>redirectUrl</Action></Account>" AD_TAIL, &r));
	EXPECT_EQ(-EINVAL, ad(AD_HEAD "<Account><Action>settings</Action><Protocol><Type>EXCH</Type></Protocol></Account>" AD_TAIL, &r));
	EXPECT_EQ(-EINVAL, ad(AD_HEAD "<Account><Action>format-c</Action></Account>" AD_TAIL, &r));
}

TEST(ad_wrong_namespaces)
{
	struct ad_result r;

	/* the request schema echoed back, no namespace, the outlook one on the root */
	EXPECT_EQ(-EINVAL, ad("<Autodiscover xmlns=\"" AD_NS_REQUEST "\"><Response xmlns=\"" AD_NS_OUTLOOK "\">"
			      "<Account><Action>redirectAddr</Action><RedirectAddr>x@y</RedirectAddr></Account>"
			      AD_TAIL, &r));
	EXPECT_EQ(-EINVAL, ad("<Autodiscover><Response><Account><Action>redirectAddr</Action>"
			      "<RedirectAddr>x@y</RedirectAddr></Account></Response></Autodiscover>", &r));
	EXPECT_EQ(-EINVAL, ad("<Autodiscover xmlns=\"" AD_NS_RESPONSE "\"><Response xmlns=\"urn:evil\">"
			      "<Account><Action>redirectAddr</Action><RedirectAddr>x@y</RedirectAddr></Account>"
			      AD_TAIL, &r));
}

/* An over-long URL is refused, not cut into another URL. */
TEST(ad_long_url)
{
	char *xml = malloc(4096), *url = malloc(1024);
	struct ad_result r;

	memset(url, 'a', 1000);
	url[1000] = '\0';
	snprintf(xml, 4096, AD_HEAD "<Account><Action>redirectUrl</Action><RedirectUrl>https://%s</RedirectUrl></Account>" AD_TAIL, url);
	EXPECT_EQ(-EINVAL, ad(xml, &r));
	free(xml);
	free(url);
}

static const char billion_laughs[] =
	"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
	"<Autodiscover xmlns=\"" AD_NS_RESPONSE "\"><Response xmlns=\"" AD_NS_OUTLOOK "\">"
	"<User><DisplayName>&lol4;</DisplayName></User>"
	"<Account><Action>redirectAddr</Action><RedirectAddr>&lol4;</RedirectAddr></Account>" AD_TAIL;

static const char xxe[] =
	"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	"<Autodiscover xmlns=\"" AD_NS_RESPONSE "\"><Response xmlns=\"" AD_NS_OUTLOOK "\">"
	"<Account><Action>redirectAddr</Action><RedirectAddr>&x;</RedirectAddr></Account>" AD_TAIL;

TEST(hostile_entities)
{
	struct ad_result r;
	struct ews_contact c[4];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX];
	unsigned int n;

	EXPECT_EQ(-EINVAL, ad(billion_laughs, &r));
	EXPECT_EQ(-EINVAL, ad(xxe, &r));
	EXPECT_EQ(-EINVAL, ews_parse_contacts(xxe, strlen(xxe), c, 4, &n, &pg, err));
}

TEST(hostile_size_and_depth)
{
	size_t big = 50u * 1024 * 1024, i, at;
	char *xml = malloc(big + 1);
	struct ews_contact c[4];
	struct ews_message m[4];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX];
	struct ad_result r;
	unsigned int n;

	ASSERT_NE(NULL, xml);
	memset(xml, ' ', big);
	memcpy(xml, "<a>", 3);
	xml[big] = '\0';
	EXPECT_EQ(-EMSGSIZE, ad_xml_parse(xml, big, &r));
	EXPECT_EQ(-EMSGSIZE, ews_parse_contacts(xml, big, c, 4, &n, &pg, err));
	EXPECT_EQ(-EMSGSIZE, ews_parse_messages(xml, big, m, 4, &n, &pg, err));
	/* 100000 nested elements inside a real envelope: past libxml2's depth limit */
	at = (size_t)sprintf(xml, "<soap:Envelope xmlns:soap=\"" EWS_NS_SOAP "\"><soap:Body>");
	for (i = 0; i < 100000; i++)
		at += (size_t)sprintf(xml + at, "<a>");
	for (i = 0; i < 100000; i++)
		at += (size_t)sprintf(xml + at, "</a>");
	at += (size_t)sprintf(xml + at, "</soap:Body></soap:Envelope>");
	EXPECT_EQ(-EINVAL, ews_parse_contacts(xml, at, c, 4, &n, &pg, err));
	free(xml);
}

TEST(ews_requests)
{
	char buf[4096];

	ASSERT_GT(ews_request_contacts(200, buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "<t:RequestServerVersion Version=\"Exchange2007_SP1\"/>"));
	EXPECT_NE(NULL, strstr(buf, "MaxEntriesReturned=\"100\" Offset=\"200\""));
	EXPECT_NE(NULL, strstr(buf, "<t:DistinguishedFolderId Id=\"contacts\"/>"));
	ASSERT_GT(ews_request_messages(0, buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "IPM.Note.Microsoft.Voicemail.UM"));
	EXPECT_NE(NULL, strstr(buf, "<t:DistinguishedFolderId Id=\"inbox\"/>"));
	EXPECT_EQ(-ENOSPC, ews_request_messages(0, buf, 100));
}

TEST(ews_contacts)
{
	struct ews_contact c[4];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX];
	unsigned int n = 99;
	size_t len;
	char *xml = slurp("ews_xml/contacts.xml", &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ews_parse_contacts(xml, len, c, 4, &n, &pg, err));
	ASSERT_EQ(2, n);
	EXPECT_EQ(2, pg.next_offset);
	EXPECT_EQ(3, pg.total);
	EXPECT_FALSE(pg.last);
	EXPECT_STREQ("Bob Builder", c[0].name);
	EXPECT_STREQ("Corp", c[0].company);
	EXPECT_STREQ("bob@corp.test", c[0].email);
	EXPECT_STREQ("sip:bob@corp.test", c[0].sip);
	EXPECT_STREQ("+1 425 555 0101", c[0].work);
	EXPECT_STREQ("+1 425 555 0199", c[0].mobile);
	EXPECT_STREQ("", c[0].home);
	/* no phone number at all, a name beyond ASCII */
	EXPECT_STREQ("Zoë Łukasiewicz", c[1].name);
	EXPECT_STREQ("", c[1].work);
	/* max caps what is kept */
	ASSERT_EQ(0, ews_parse_contacts(xml, len, c, 1, &n, &pg, err));
	EXPECT_EQ(1, n);
	free(xml);
}

TEST(ews_messages)
{
	struct ews_message m[4];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX];
	unsigned int n;
	size_t len;
	char *xml = slurp("ews_xml/messages.xml", &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ews_parse_messages(xml, len, m, 4, &n, &pg, err));
	ASSERT_EQ(2, n);
	EXPECT_TRUE(pg.last);
	EXPECT_EQ(EWS_VOICEMAIL, m[0].kind);
	EXPECT_STREQ("Bob Builder", m[0].sender);
	EXPECT_STREQ("bob@corp.test", m[0].sender_address);
	EXPECT_STREQ("2026-12-06T09:15:02Z", m[0].received);
	EXPECT_EQ(32, m[0].duration_s);
	EXPECT_FALSE(m[0].read);
	EXPECT_EQ(EWS_MISSED_CALL, m[1].kind);
	EXPECT_STREQ("Zoë Łukasiewicz", m[1].sender);
	EXPECT_EQ(0, m[1].duration_s);
	EXPECT_TRUE(m[1].read);
	free(xml);
}

TEST(ews_errors)
{
	struct ews_contact c[4];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX];
	unsigned int n;
	size_t len;
	char *xml = slurp("ews_xml/error.xml", &len);

	ASSERT_EQ(-EPROTO, ews_parse_contacts(xml, len, c, 4, &n, &pg, err));
	EXPECT_STREQ("ErrorItemNotFound: The specified object was not found in the store.", err);
	free(xml);
	xml = slurp("ews_xml/fault.xml", &len);
	ASSERT_EQ(-EPROTO, ews_parse_contacts(xml, len, c, 4, &n, &pg, err));
	EXPECT_STREQ("SOAP fault: The request failed schema validation.", err);
	free(xml);
	/* the types namespace where messages belong: nothing found */
	xml = slurp("ews_xml/contacts.xml", &len);
	{
		char *p = strstr(xml, "xmlns:m=\"") + 9;

		memcpy(p, EWS_NS_T, strlen(EWS_NS_T));
	}
	EXPECT_EQ(-EINVAL, ews_parse_contacts(xml, len, c, 4, &n, &pg, err));
	free(xml);
}

/* A field longer than its room is cut at a character boundary, never mid-UTF-8. */
TEST(ews_cut_utf8)
{
	char *xml = malloc(8192), name[400];
	struct ews_contact c[1];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX];
	unsigned int n, i;

	for (i = 0; i < 190; i++)
		memcpy(name + 2 * i, "é", 2);
	name[380] = '\0';
	snprintf(xml, 8192, "<s:Envelope xmlns:s=\"" EWS_NS_SOAP "\"><s:Body>"
		 "<m:FindItemResponse xmlns:m=\"" EWS_NS_M "\" xmlns:t=\"" EWS_NS_T "\">"
		 "<m:ResponseMessages><m:FindItemResponseMessage ResponseClass=\"Success\">"
		 "<m:RootFolder IndexedPagingOffset=\"1\" TotalItemsInView=\"1\" IncludesLastItemInRange=\"true\">"
		 "<t:Items><t:Contact><t:DisplayName>xy%s</t:DisplayName></t:Contact></t:Items>"
		 "</m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages>"
		 "</m:FindItemResponse></s:Body></s:Envelope>", name);
	ASSERT_EQ(0, ews_parse_contacts(xml, strlen(xml), c, 1, &n, &pg, err));
	ASSERT_EQ(1, n);
	EXPECT_EQ(126, strlen(c[0].name));	/* "xy" + 62 whole "é", half of one dropped */
	free(xml);
}

/* The call log: FindFolder "Conversation History", then FindItem on its id. */
TEST(ews_call_log)
{
	struct ews_message m[4];
	struct ews_paging pg;
	char err[EWS_ERROR_MAX], id[EWS_FOLDER_ID_MAX], buf[4096];
	unsigned int n;
	size_t len;
	char *xml = slurp("ews_xml/find_folder.xml", &len);

	ASSERT_GT(ews_request_find_folder(buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "<t:Constant Value=\"Conversation History\"/>"));
	EXPECT_NE(NULL, strstr(buf, "<t:DistinguishedFolderId Id=\"msgfolderroot\"/>"));
	ASSERT_EQ(0, ews_parse_folder_id(xml, len, id, err));
	EXPECT_STREQ("Y29udmVyc2F0aW9uLWhpc3RvcnktZm9sZGVyLWlkLTAwMDE=", id);
	free(xml);
	xml = slurp("ews_xml/find_folder_none.xml", &len);
	EXPECT_EQ(-ENOENT, ews_parse_folder_id(xml, len, id, err));
	free(xml);
	ASSERT_GT(ews_request_calls("Y29udmVy+/=", 0, buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "<t:FolderId Id=\"Y29udmVy+/=\"/>"));
	EXPECT_NE(NULL, strstr(buf, "IPM.Note.Microsoft.Conversation.Voice"));
	/* an id that would break out of its attribute is refused */
	EXPECT_EQ(-EINVAL, ews_request_calls("x\"/><evil/>", 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, ews_request_calls("", 0, buf, sizeof(buf)));
	xml = slurp("ews_xml/calls.xml", &len);
	ASSERT_EQ(0, ews_parse_messages(xml, len, m, 4, &n, &pg, err));
	ASSERT_EQ(2, n);
	EXPECT_EQ(EWS_CALL, m[0].kind);
	EXPECT_STREQ("Bob Builder", m[0].sender);
	EXPECT_STREQ("Søren Kierkegård", m[1].sender);
	free(xml);
}

/* The directory search (ResolveNames) and a voice message's recording. */

TEST(resolve_request_escapes_the_name)
{
	char buf[4096];

	ASSERT_LT(0, ews_request_resolve_names("Bob <&> \"O'Neil\"", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "<m:UnresolvedEntry>Bob &lt;&amp;&gt; "
				   "&quot;O&apos;Neil&quot;</m:UnresolvedEntry>"));
	EXPECT_NE(NULL, strstr(buf, "ReturnFullContactData=\"true\""));
	EXPECT_NE(NULL, strstr(buf, "Exchange2007_SP1"));
	/* Control characters, an empty or an overlong name: refused. */
	EXPECT_EQ(-EINVAL, ews_request_resolve_names("Bob\r\nX-Evil: 1", buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, ews_request_resolve_names("", buf, sizeof(buf)));
	memset(buf, 'a', 100);
	buf[100] = '\0';
	{
		char out[4096];

		EXPECT_EQ(-EINVAL, ews_request_resolve_names(buf, out, sizeof(out)));
	}
	EXPECT_EQ(-ENOSPC, ews_request_resolve_names("Bob", buf, 100));
}

TEST(resolutions_with_and_without_contact_data)
{
	struct ews_contact c[4];
	char err[EWS_ERROR_MAX];
	unsigned int n = 0;
	size_t len;
	char *xml = slurp("ews_xml/resolve_names.xml", &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ews_parse_resolutions(xml, len, c, 4, &n, err));
	ASSERT_EQ(2, n);
	EXPECT_STREQ("Bob Builder", c[0].name);
	EXPECT_STREQ("Corp", c[0].company);
	EXPECT_STREQ("sip:bob@corp.test", c[0].sip);
	EXPECT_STREQ("2001", c[0].work);
	EXPECT_STREQ("+1 425 555 0199", c[0].mobile);
	/* No contact data: the mailbox's name and address stand in. */
	EXPECT_STREQ("Bobbie \xc3\x98rsted", c[1].name);
	EXPECT_STREQ("bobbie@corp.test", c[1].email);
	EXPECT_STREQ("", c[1].work);
	/* Room for one: one. */
	ASSERT_EQ(0, ews_parse_resolutions(xml, len, c, 1, &n, err));
	EXPECT_EQ(1, n);
	free(xml);
}

TEST(no_resolution_is_an_empty_list)
{
	struct ews_contact c[4];
	char err[EWS_ERROR_MAX];
	unsigned int n = 7;
	size_t len;
	char *xml = slurp("ews_xml/resolve_names_none.xml", &len);

	ASSERT_NE(NULL, xml);
	EXPECT_EQ(0, ews_parse_resolutions(xml, len, c, 4, &n, err));
	EXPECT_EQ(0, n);
	EXPECT_STREQ("", err);
	free(xml);
}

TEST(resolve_errors)
{
	static const char other_error[] =
		"<soap:Envelope xmlns:soap=\"" EWS_NS_SOAP "\"><soap:Body>"
		"<m:ResolveNamesResponse xmlns:m=\"" EWS_NS_M "\"><m:ResponseMessages>"
		"<m:ResolveNamesResponseMessage ResponseClass=\"Error\">"
		"<m:MessageText>Access is denied.</m:MessageText>"
		"<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>"
		"</m:ResolveNamesResponseMessage></m:ResponseMessages>"
		"</m:ResolveNamesResponse></soap:Body></soap:Envelope>";
	struct ews_contact c[4];
	char err[EWS_ERROR_MAX];
	unsigned int n;
	size_t len;
	char *xml = slurp("ews_xml/contacts.xml", &len);

	EXPECT_EQ(-EPROTO, ews_parse_resolutions(other_error, strlen(other_error),
						 c, 4, &n, err));
	EXPECT_NE(NULL, strstr(err, "ErrorAccessDenied"));
	/* A FindItem answer is not a ResolveNames answer. */
	ASSERT_NE(NULL, xml);
	EXPECT_EQ(-EINVAL, ews_parse_resolutions(xml, len, c, 4, &n, err));
	EXPECT_EQ(-EINVAL, ews_parse_resolutions("<x/>", 4, c, 4, &n, err));
	free(xml);
}

TEST(attachment_requests_check_ids)
{
	char buf[4096];

	ASSERT_LT(0, ews_request_item_attachments("AAMkAG==", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "<t:ItemId Id=\"AAMkAG==\"/>"));
	EXPECT_NE(NULL, strstr(buf, "item:Attachments"));
	ASSERT_LT(0, ews_request_attachment("AAMkAGVt", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "<t:AttachmentId Id=\"AAMkAGVt\"/>"));
	EXPECT_EQ(-EINVAL, ews_request_item_attachments("a\"/><x", buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, ews_request_attachment("", buf, sizeof(buf)));
}

TEST(voice_message_recording)
{
	struct ews_attachment a[EWS_ATTACHMENTS_MAX], meta;
	unsigned char data[4096];
	char err[EWS_ERROR_MAX];
	unsigned int n = 0;
	size_t len, data_len = 0;
	char *xml = slurp("ews_xml/get_item_attachments.xml", &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ews_parse_item_attachments(xml, len, a, EWS_ATTACHMENTS_MAX,
						&n, err));
	ASSERT_EQ(1, n);
	EXPECT_STREQ("AAMkAGVtbWE2dm0xAAABEgAQAA==", a[0].id);
	EXPECT_STREQ("audio/wav", a[0].content_type);
	EXPECT_EQ(1, ews_attachment_is_audio(&a[0]));
	free(xml);

	xml = slurp("ews_xml/get_attachment.xml", &len);
	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ews_parse_attachment(xml, len, &meta, data, sizeof(data),
					  &data_len, err));
	/* A WAV header and 160 samples of 16-bit PCM. */
	EXPECT_EQ(44 + 320, data_len);
	EXPECT_EQ(0, memcmp(data, "RIFF", 4));
	EXPECT_EQ(0, memcmp(data + 8, "WAVE", 4));
	EXPECT_STREQ("Voice Mail (5 seconds).wav", meta.name);
	/* Larger than the room given: refused, not cut. */
	EXPECT_EQ(-EFBIG, ews_parse_attachment(xml, len, &meta, data, 100,
					       &data_len, err));
	EXPECT_NE(NULL, strstr(err, "larger"));
	free(xml);
}

TEST(attachment_content_not_base64)
{
	static const char bad[] =
		"<soap:Envelope xmlns:soap=\"" EWS_NS_SOAP "\"><soap:Body>"
		"<m:GetAttachmentResponse xmlns:m=\"" EWS_NS_M "\" xmlns:t=\"" EWS_NS_T "\">"
		"<m:ResponseMessages><m:GetAttachmentResponseMessage ResponseClass=\"Success\">"
		"<m:Attachments><t:FileAttachment><t:AttachmentId Id=\"AA\"/>"
		"<t:Name>x.wav</t:Name><t:Content>!!!not*base64!!!</t:Content>"
		"</t:FileAttachment></m:Attachments></m:GetAttachmentResponseMessage>"
		"</m:ResponseMessages></m:GetAttachmentResponse></soap:Body></soap:Envelope>";
	struct ews_attachment meta;
	unsigned char data[256];
	char err[EWS_ERROR_MAX];
	size_t data_len;

	EXPECT_EQ(-EBADMSG, ews_parse_attachment(bad, strlen(bad), &meta, data,
						 sizeof(data), &data_len, err));
	EXPECT_NE(NULL, strstr(err, "base64"));
}

TEST(audio_by_type_or_name)
{
	struct ews_attachment a = { .content_type = "application/octet-stream" };

	snprintf(a.name, sizeof(a.name), "message.WMA");
	EXPECT_EQ(1, ews_attachment_is_audio(&a));
	snprintf(a.name, sizeof(a.name), "invoice.pdf");
	EXPECT_EQ(0, ews_attachment_is_audio(&a));
}

TEST_HARNESS_MAIN
