// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ucphonectl status` as a person reads it (userspace/ctl/format_status.c):
 * the registration line and the seed's "Cannot validate server certificate"
 * from status results shaped like the daemon's (tests/integration
 * signin-untrusted.sh reads the same lines from a real daemon).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl/format.h"
#include "ctl/update_cmd.h"
#include "kselftest_harness.h"

/* The lease part every status of a phone on the network has. */
#define STATUS_DHCP \
	"\"dhcp\": {\"interface\": \"eth0\", \"state\": \"bound\"," \
	" \"address\": \"10.77.0.150\", \"prefix\": 24, \"server\": \"10.77.0.1\"," \
	" \"lease_s\": 3600, \"expires_in_s\": 3590, \"routers\": [\"10.77.0.1\"]," \
	" \"domain\": \"corp.test\", \"sip_servers\": []}"

/* What PRINT (one of ucphonectl's printers) writes for the JSON text. */
static char *render_with(void (*print)(FILE *, struct json_object *),
			 const char *json)
{
	struct json_object *o = json_tokener_parse(json);
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!o)
		return NULL;
	f = open_memstream(&text, &len);
	if (!f) {
		json_object_put(o);
		return NULL;
	}
	print(f, o);
	fclose(f);
	json_object_put(o);
	return text;
}

/* What `ucphonectl status` prints for the JSON text status. */
static char *render(const char *status)
{
	return render_with(ctl_print_status, status);
}

/* Whether text holds line as one whole line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

TEST(registered_shows_the_state_and_the_binding)
{
	char *t = render("{" STATUS_DHCP ", \"sip\": {\"state\": \"registered\","
			 " \"status_text\": \"Registered\","
			 " \"registrar\": \"sip.corp.test:5061\", \"expires\": 3600,"
			 " \"expires_in_s\": 1799}}");

	ASSERT_NE(NULL, t);
	EXPECT_TRUE(has_line(t, "sip:          Registered (registered)"))
		TH_LOG("%s", t);
	EXPECT_TRUE(has_line(t, "registrar:    sip.corp.test:5061, expires 3600 s (1799 s left)"))
		TH_LOG("%s", t);
	EXPECT_EQ(NULL, strstr(t, "sip error:"));
	free(t);
}

TEST(failed_update_and_each_slot_in_words)
{
	/* the JSON ucphoned gave in the VM after a rollback (update-install.sh) */
	char *t = render("{\"software\": {\"version\": \"1.0.522.101\","
			 " \"booted_slot\": \"b\", \"trial\": \"good\","
			 " \"reboot_window\": \"any\", \"slots\": ["
			 "{\"slot\": \"a\", \"booted\": false, \"state\": \"failed\","
			 " \"tries_left\": 0, \"version\": \"1.0.522.102\"},"
			 "{\"slot\": \"b\", \"booted\": true, \"state\": \"good\","
			 " \"tries_left\": 0, \"version\": \"1.0.522.101\"}],"
			 " \"next_boot\": \"b\", \"failed_update\": {\"slot\": \"a\","
			 " \"version\": \"1.0.522.102\", \"reason\": \"did not prove"
			 " itself within its trial time: no DHCP lease\"}},"
			 " \"network\": \"x\"}");

	ASSERT_NE(NULL, t);
	EXPECT_TRUE(has_line(t, "software:     1.0.522.101 (slot b, good)")) TH_LOG("%s", t);
	EXPECT_TRUE(has_line(t, "slot a:       failed, 1.0.522.102")) TH_LOG("%s", t);
	EXPECT_TRUE(has_line(t, "slot b:       good, 1.0.522.101, booted")) TH_LOG("%s", t);
	EXPECT_TRUE(has_line(t, "update failed: slot a, version 1.0.522.102: did not prove"
			     " itself within its trial time: no DHCP lease")) TH_LOG("%s", t);
	free(t);
}

TEST(untrusted_registrar_shows_the_seed_text)
{
	char *t = render("{" STATUS_DHCP ", \"sip\": {\"state\": \"failed\","
			 " \"status_text\": \"Cannot validate server certificate\","
			 " \"error\": \"Cannot validate server certificate\","
			 " \"registrar\": \"sip.corp.test:5061\"}}");

	ASSERT_NE(NULL, t);
	EXPECT_TRUE(has_line(t, "sip:          Cannot validate server certificate (failed)"))
		TH_LOG("%s", t);
	EXPECT_TRUE(has_line(t, "sip error:    Cannot validate server certificate"))
		TH_LOG("%s", t);
	EXPECT_TRUE(has_line(t, "registrar:    sip.corp.test:5061")) TH_LOG("%s", t);
	free(t);
}

/* A registrar's text with control characters stays on its own line. */
TEST(hostile_status_text_stays_one_line)
{
	char *t = render("{" STATUS_DHCP ", \"sip\": {\"state\": \"failed\","
			 " \"status_text\": \"x\\nsip:          Registered\\u001b[2J\"}}");

	ASSERT_NE(NULL, t);
	EXPECT_FALSE(has_line(t, "sip:          Registered")) TH_LOG("%s", t);
	EXPECT_EQ(NULL, strchr(t, '\033'));
	free(t);
}

/* What `ucphonectl update status` prints for the daemon's update object. */
static char *render_update(const char *update)
{
	return render_with(ctl_print_update, update);
}

TEST(update_status_names_the_failed_update)
{
	/* the boot selector rolled back from slot a after its trial */
	char *t = render_update("{\"state\": \"up-to-date\", \"installed\": \"1.0.522.101\","
				" \"last_error\": \"\", \"failed_update\": {\"slot\": \"a\","
				" \"version\": \"1.0.522.102\", \"stage\": \"trial\","
				" \"reason\": \"did not prove itself within its trial time: no DHCP lease\"}}");

	ASSERT_NE(NULL, t);
	EXPECT_TRUE(has_line(t, "update failed: slot a, version 1.0.522.102, rolled back after"
			     " its trial: did not prove itself within its trial time: no DHCP lease"))
		TH_LOG("%s", t);
	free(t);
	/* a refused signature wrote no slot */
	t = render_update("{\"state\": \"refused\", \"last_error\": \"signature refused: x\","
			  " \"failed_update\": {\"slot\": \"none\", \"version\": \"3.5.6907.35\","
			  " \"stage\": \"signature\", \"reason\": \"signature refused: certificate verify error\"}}");
	ASSERT_NE(NULL, t);
	EXPECT_TRUE(has_line(t, "update failed: version 3.5.6907.35, signature refused, no slot"
			     " written: signature refused: certificate verify error")) TH_LOG("%s", t);
	free(t);
	/* the installer failed writing the slot not booted */
	t = render_update("{\"state\": \"failed\", \"last_error\": \"installer exited 1\","
			  " \"failed_update\": {\"slot\": \"b\", \"version\": \"1.0.522.101\","
			  " \"stage\": \"installer\", \"reason\": \"installer exited 1\"}}");
	ASSERT_NE(NULL, t);
	EXPECT_TRUE(has_line(t, "update failed: slot b, version 1.0.522.101, the installer failed:"
			     " installer exited 1")) TH_LOG("%s", t);
	free(t);
	/* none: no line */
	t = render_update("{\"state\": \"up-to-date\", \"last_error\": \"\"}");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(NULL, strstr(t, "update failed")) TH_LOG("%s", t);
	free(t);
}

TEST_HARNESS_MAIN
