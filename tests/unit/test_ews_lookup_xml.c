// SPDX-License-Identifier: GPL-2.0-only
/*
 * The directory search (ResolveNames) and a voice message's recording
 * (GetItem attachments, GetAttachment) as the phone asks and reads them;
 * answers from the fuzz corpus, shaped like Exchange 2007 SP1's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xml/ews_lookup_xml.h"
#include "kselftest_harness.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;

	snprintf(path, sizeof(path), "%s/ews_xml/%s", CORPUS_DIR, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = calloc(1, 65536);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

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
	char *xml = slurp("resolve_names.xml", &len);

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
	char *xml = slurp("resolve_names_none.xml", &len);

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
	char *xml = slurp("contacts.xml", &len);

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
	char *xml = slurp("get_item_attachments.xml", &len);

	ASSERT_NE(NULL, xml);
	ASSERT_EQ(0, ews_parse_item_attachments(xml, len, a, EWS_ATTACHMENTS_MAX,
						&n, err));
	ASSERT_EQ(1, n);
	EXPECT_STREQ("AAMkAGVtbWE2dm0xAAABEgAQAA==", a[0].id);
	EXPECT_STREQ("audio/wav", a[0].content_type);
	EXPECT_EQ(1, ews_attachment_is_audio(&a[0]));
	free(xml);

	xml = slurp("get_attachment.xml", &len);
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
