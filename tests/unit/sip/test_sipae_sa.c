// SPDX-License-Identifier: GPL-2.0-only
/*
 * MS-SIPAE NTLM through sip_auth (daemon/sip/auth.c, sipae_sa.c): the
 * phone's side driven against gss-ntlmssp's own acceptor, called straight
 * from its plugin (the mechglue cannot start a context from the empty
 * token connectionless NTLM begins with), with the user's password in an
 * NTLM_USER_FILE. Each exchange is a REGISTER head built here, the
 * Authorization header sip_auth writes into it, and the server's 401/200
 * written as a registrar would send it. Calls made after the association
 * is up (sip/invite.c) sign every request on it: the server checks the
 * INVITE's, ACK's and BYE's signatures over their own signature buffers.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_sipae.h"
#include "sip/auth.h"
#include "sip/invite.h"
#include "sip/sipae_sa.h"

#define PLUGIN "/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so"
#define TARGET "sip.corp.test"
#define REALM "SIP Communications Service"

typedef OM_uint32 (*accept_fn)(OM_uint32 *, gss_ctx_id_t *, gss_cred_id_t,
			       gss_buffer_t, gss_channel_bindings_t,
			       gss_name_t *, gss_OID *, gss_buffer_t,
			       OM_uint32 *, OM_uint32 *, gss_cred_id_t *);
typedef OM_uint32 (*mic_fn)(OM_uint32 *, gss_ctx_id_t, gss_qop_t,
			    gss_buffer_t, gss_buffer_t);
typedef OM_uint32 (*verify_fn)(OM_uint32 *, gss_ctx_id_t, gss_buffer_t,
			       gss_buffer_t, gss_qop_t *);
typedef OM_uint32 (*delete_fn)(OM_uint32 *, gss_ctx_id_t *, gss_buffer_t);
typedef OM_uint32 (*option_fn)(OM_uint32 *, gss_ctx_id_t *, gss_OID,
			       gss_buffer_t);

struct server {
	void *lib;
	accept_fn accept;
	mic_fn get_mic;
	verify_fn verify_mic;
	option_fn option;
	delete_fn delete_ctx;
	gss_ctx_id_t ctx;
	char opaque[16];
};

static int server_open(struct server *s)
{
	memset(s, 0, sizeof(*s));
	s->lib = dlopen(PLUGIN, RTLD_NOW | RTLD_LOCAL);
	if (!s->lib)
		return -1;
	s->accept = (accept_fn)dlsym(s->lib, "gss_accept_sec_context");
	s->get_mic = (mic_fn)dlsym(s->lib, "gss_get_mic");
	s->verify_mic = (verify_fn)dlsym(s->lib, "gss_verify_mic");
	s->option = (option_fn)dlsym(s->lib, "gss_set_sec_context_option");
	s->delete_ctx = (delete_fn)dlsym(s->lib, "gss_delete_sec_context");
	s->ctx = GSS_C_NO_CONTEXT;
	strcpy(s->opaque, "5A1E0001");
	return s->accept && s->get_mic && s->verify_mic && s->option &&
	       s->delete_ctx ? 0 : -1;
}

static void server_reset(struct server *s)
{
	OM_uint32 min;

	if (s->ctx != GSS_C_NO_CONTEXT)
		s->delete_ctx(&min, &s->ctx, GSS_C_NO_BUFFER);
	s->ctx = GSS_C_NO_CONTEXT;
}

static void server_seq(struct server *s)
{
	static gss_OID_desc oid = { GSS_NTLMSSP_SET_SEQ_NUM_OID_LENGTH,
				    (void *)GSS_NTLMSSP_SET_SEQ_NUM_OID_STRING };
	uint32_t seq = 100;
	gss_buffer_desc v = { 4, &seq };
	OM_uint32 min;

	s->option(&min, &s->ctx, &oid, &v);
}

/* One accept step: token in (raw), token out (base64 into b64). */
static OM_uint32 server_step(struct server *s, const unsigned char *in,
			     size_t in_len, char *b64, size_t cap)
{
	gss_buffer_desc ib = { in_len, (void *)in }, ob = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;

	maj = s->accept(&min, &s->ctx, GSS_C_NO_CREDENTIAL, &ib,
			GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &ob, NULL, NULL,
			NULL);
	b64[0] = '\0';
	if (ob.length && (ob.length + 2) / 3 * 4 < cap)
		EVP_EncodeBlock((unsigned char *)b64, ob.value, (int)ob.length);
	return maj;
}

/* The value of name="..." in a header value. */
static const char *param(const char *hdr, const char *name, char *buf,
			 size_t len)
{
	char key[40];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(hdr, key);
	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, "\"");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

struct req {
	char buf[16384];
	struct sip_out o;
	char auth[12000];	/* the Authorization value sip_auth wrote */
};

/* A REGISTER with the phone's credentials; 0 or the sip_auth_add error. */
static int build_register(struct sip_auth *a, const char *password,
			  unsigned int cseq, unsigned int expires,
			  struct req *r)
{
	const char *h;
	int ret;

	sip_out_init(&r->o, r->buf, sizeof(r->buf));
	sip_out_request_line(&r->o, "REGISTER", "sip:corp.test");
	sip_out_header(&r->o, "Via", "SIP/2.0/TLS 10.77.0.10:40000;branch=z9hG4bK%u", cseq);
	sip_out_header(&r->o, "From", "<sip:alice@corp.test>;tag=f00d;epid=0123456789");
	sip_out_header(&r->o, "To", "<sip:alice@corp.test>");
	sip_out_header(&r->o, "Call-ID", "c4ll1d");
	sip_out_header(&r->o, "CSeq", "%u REGISTER", cseq);
	sip_out_header(&r->o, "Expires", "%u", expires);
	ret = sip_auth_add(a, "CORP\\alice", password, "REGISTER",
			   "sip:corp.test", &r->o);
	r->buf[r->o.len] = '\0';
	r->auth[0] = '\0';
	h = strstr(r->buf, "\r\nAuthorization: ");
	if (h) {
		size_t n = strcspn(h + 17, "\r");

		memcpy(r->auth, h + 17, n);
		r->auth[n] = '\0';
	}
	return ret;
}

/* Parses a response written here into m (the caller frees it). */
static int response(struct sip_msg *m, unsigned int status, unsigned int cseq,
		    const char *extra)
{
	char buf[16384];
	int n = snprintf(buf, sizeof(buf),
			 "SIP/2.0 %u X\r\nVia: SIP/2.0/TLS 10.77.0.10:40000;branch=z9hG4bK%u\r\n"
			 "From: <sip:alice@corp.test>;tag=f00d;epid=0123456789\r\n"
			 "To: <sip:alice@corp.test>;tag=5e4e\r\nCall-ID: c4ll1d\r\n"
			 "CSeq: %u REGISTER\r\n%sContent-Length: 0\r\n\r\n",
			 status, cseq, cseq, extra);

	return sip_msg_parse(buf, (size_t)n, m);
}

/* The server's signature over a 200 to cseq (Expires 20): rspauth hex. */
static void server_sign_200(struct server *s, unsigned int cseq, char *hex)
{
	char text[1024], cseq_s[16];
	struct sipae_sig_fields f = {
		.call_id = { "c4ll1d", 6 }, .method = { "REGISTER", 8 },
		.from_uri = { "sip:alice@corp.test", 19 }, .from_tag = { "f00d", 4 },
		.to_uri = { "sip:alice@corp.test", 19 }, .to_tag = { "5e4e", 4 },
		.expires = { "20", 2 }, .status = 200,
	};
	gss_buffer_desc msg, mic = GSS_C_EMPTY_BUFFER;
	size_t len;
	OM_uint32 min;

	snprintf(cseq_s, sizeof(cseq_s), "%u", cseq);
	f.cseq_num = (struct sip_str){ cseq_s, strlen(cseq_s) };
	sipae_signature_buffer(3, SIPAE_NTLM, "0a0b0c0d", "1", REALM, TARGET,
			       &f, text, sizeof(text), &len);
	msg = (gss_buffer_desc){ len, text };
	server_seq(s);
	hex[0] = '\0';
	if (s->get_mic(&min, s->ctx, 0, &msg, &mic))
		return;
	for (size_t i = 0; i < mic.length; i++)
		sprintf(hex + 2 * i, "%02x", ((unsigned char *)mic.value)[i]);
}

/* Does the server verify the request's signature over these fields? */
static bool server_verifies(struct server *s, const char *auth,
			    unsigned int cseq, const char *expires)
{
	char crand[16], cnum[16], resp[80], text[1024], cseq_s[16];
	unsigned char mic[40];
	struct sipae_sig_fields f = {
		.call_id = { "c4ll1d", 6 }, .method = { "REGISTER", 8 },
		.from_uri = { "sip:alice@corp.test", 19 }, .from_tag = { "f00d", 4 },
		.to_uri = { "sip:alice@corp.test", 19 }, .to_tag = { "", 0 },
		.expires = { expires, strlen(expires) },
	};
	gss_buffer_desc msg, tok;
	size_t len, n;
	OM_uint32 min;

	if (!param(auth, "crand", crand, sizeof(crand)) ||
	    !param(auth, "cnum", cnum, sizeof(cnum)) ||
	    !param(auth, "response", resp, sizeof(resp)))
		return false;
	n = strlen(resp) / 2;
	for (size_t i = 0; i < n && i < sizeof(mic); i++) {
		unsigned int v;

		sscanf(resp + 2 * i, "%2x", &v);
		mic[i] = (unsigned char)v;
	}
	snprintf(cseq_s, sizeof(cseq_s), "%u", cseq);
	f.cseq_num = (struct sip_str){ cseq_s, strlen(cseq_s) };
	sipae_signature_buffer(3, SIPAE_NTLM, crand, cnum, REALM, TARGET, &f,
			       text, sizeof(text), &len);
	msg = (gss_buffer_desc){ len, text };
	tok = (gss_buffer_desc){ n, mic };
	server_seq(s);
	return s->verify_mic(&min, s->ctx, &msg, &tok, NULL) == GSS_S_COMPLETE;
}

FIXTURE(ntlm) {
	struct server s;
	struct sip_auth a;
	char dir[64];
};

FIXTURE_SETUP(ntlm)
{
	char path[96];
	FILE *f;

	strcpy(self->dir, "/tmp/test-sipae-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(path, sizeof(path), "%s/users", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "CORP:alice:Alice!Pass1\n");
	fclose(f);
	setenv("NTLM_USER_FILE", path, 1);
	memset(&self->a, 0, sizeof(self->a));
	if (server_open(&self->s))
		SKIP(return, "gss-ntlmssp's plugin (" PLUGIN ") is not installed");
}

FIXTURE_TEARDOWN(ntlm)
{
	char path[96];

	sip_auth_clear(&self->a);
	if (self->s.lib)
		server_reset(&self->s);
	snprintf(path, sizeof(path), "%s/users", self->dir);
	unlink(path);
	rmdir(self->dir);
}

/* Up to the AUTHENTICATE: returns the server's verdict on it. */
static OM_uint32 handshake(struct __test_metadata *_metadata,
			   FIXTURE_DATA(ntlm) *self, const char *password)
{
	static struct req r;
	char chal[4096], extra[4400], tok[4096];
	unsigned char raw[4096];
	struct sip_msg m;
	int n;

	server_reset(&self->s);
	ASSERT_EQ(0, build_register(&self->a, password, 1, 20, &r));
	EXPECT_STREQ("", r.auth);
	ASSERT_EQ(0, response(&m, 401, 1, "WWW-Authenticate: NTLM realm=\"" REALM
			      "\", targetname=\"" TARGET "\", version=3\r\n"));
	ASSERT_EQ(0, sip_auth_challenge(&self->a, &m));
	sip_msg_free(&m);
	EXPECT_STREQ("ntlm", sip_auth_scheme(&self->a));

	ASSERT_EQ(0, build_register(&self->a, password, 2, 20, &r));
	EXPECT_NE(NULL, strstr(r.auth, "gssapi-data=\"\""));
	EXPECT_EQ(0, strncmp(r.auth, "NTLM qop=\"auth\", realm=\"" REALM "\"", 38));
	EXPECT_FALSE(self->a.sent_fresh);

	EXPECT_EQ(GSS_S_CONTINUE_NEEDED, server_step(&self->s, NULL, 0, chal, sizeof(chal)));
	snprintf(extra, sizeof(extra), "WWW-Authenticate: NTLM realm=\"" REALM
		 "\", targetname=\"" TARGET "\", version=3, opaque=\"%s\", gssapi-data=\"%s\"\r\n",
		 self->s.opaque, chal);
	ASSERT_EQ(0, response(&m, 401, 2, extra));
	ASSERT_EQ(0, sip_auth_challenge(&self->a, &m));
	sip_msg_free(&m);

	ASSERT_EQ(0, build_register(&self->a, password, 3, 20, &r));
	EXPECT_TRUE(self->a.sent_fresh);
	EXPECT_NE(NULL, strstr(r.auth, "opaque=\"5A1E0001\""));
	ASSERT_NE(NULL, param(r.auth, "gssapi-data", tok, sizeof(tok)));
	EXPECT_EQ(NULL, strstr(r.auth, "crand="));
	n = EVP_DecodeBlock(raw, (unsigned char *)tok, (int)strlen(tok));
	ASSERT_GT(n, 12);
	EXPECT_EQ(0, memcmp(raw, "NTLMSSP\0\3\0\0\0", 12));	/* AUTHENTICATE */
	return server_step(&self->s, raw, (size_t)n - (tok[strlen(tok) - 1] == '=') -
			   (tok[strlen(tok) - 2] == '='), chal, sizeof(chal));
}

TEST_F(ntlm, handshake_then_every_request_signed)
{
	static struct req r;
	char hex[80], extra[600];
	struct sip_msg m;

	ASSERT_EQ(GSS_S_COMPLETE, handshake(_metadata, self, "Alice!Pass1"));

	/* the 200 is signed by the server: the phone checks it */
	server_sign_200(&self->s, 3, hex);
	snprintf(extra, sizeof(extra), "Expires: 20\r\nAuthentication-Info: NTLM rspauth=\"%s\", "
		 "srand=\"0a0b0c0d\", snum=\"1\", opaque=\"5A1E0001\", qop=\"auth\", "
		 "targetname=\"" TARGET "\", realm=\"" REALM "\"\r\n", hex);
	ASSERT_EQ(0, response(&m, 200, 3, extra));
	EXPECT_EQ(0, sip_auth_verify(&self->a, &m));
	sip_msg_free(&m);

	/* refreshes: signed, and the server verifies each signature */
	for (unsigned int cseq = 4; cseq < 7; cseq++) {
		char cnum[8], want[8];

		ASSERT_EQ(0, build_register(&self->a, "Alice!Pass1", cseq, 20, &r));
		EXPECT_EQ(NULL, strstr(r.auth, "gssapi-data"));
		EXPECT_TRUE(server_verifies(&self->s, r.auth, cseq, "20"));
		/* the signature covers the fields: Expires 7 is not what was signed */
		EXPECT_FALSE(server_verifies(&self->s, r.auth, cseq, "7"));
		EXPECT_FALSE(server_verifies(&self->s, r.auth, cseq + 1, "20"));
		snprintf(want, sizeof(want), "%u", cseq - 3);
		ASSERT_NE(NULL, param(r.auth, "cnum", cnum, sizeof(cnum)));
		EXPECT_STREQ(want, cnum);
		EXPECT_FALSE(self->a.sent_fresh);
	}
}

TEST_F(ntlm, server_signature_tampered_is_refused)
{
	char hex[80], extra[600];
	struct sip_msg m;

	ASSERT_EQ(GSS_S_COMPLETE, handshake(_metadata, self, "Alice!Pass1"));
	server_sign_200(&self->s, 3, hex);
	hex[strlen(hex) - 1] ^= 1;
	snprintf(extra, sizeof(extra), "Expires: 20\r\nAuthentication-Info: NTLM rspauth=\"%s\", "
		 "srand=\"0a0b0c0d\", snum=\"1\", opaque=\"5A1E0001\"\r\n", hex);
	ASSERT_EQ(0, response(&m, 200, 3, extra));
	EXPECT_EQ(-EBADMSG, sip_auth_verify(&self->a, &m));
	sip_msg_free(&m);
	/* and an unsigned 200 to the AUTHENTICATE is no better */
	ASSERT_EQ(GSS_S_COMPLETE, handshake(_metadata, self, "Alice!Pass1"));
	ASSERT_EQ(0, response(&m, 200, 3, "Expires: 20\r\n"));
	EXPECT_EQ(-EBADMSG, sip_auth_verify(&self->a, &m));
	sip_msg_free(&m);
}

TEST_F(ntlm, wrong_password_is_refused_by_the_server)
{
	struct sip_msg m;

	EXPECT_NE(GSS_S_COMPLETE, handshake(_metadata, self, "Not-Alice!9"));
	/* what a registrar says then: a new challenge; the caller sees sent_fresh */
	EXPECT_TRUE(self->a.sent_fresh);
	ASSERT_EQ(0, response(&m, 401, 3, "WWW-Authenticate: NTLM realm=\"" REALM
			      "\", targetname=\"" TARGET "\", version=3\r\n"));
	EXPECT_EQ(0, sip_auth_challenge(&self->a, &m));
	EXPECT_FALSE(self->a.ch.stale);
	sip_msg_free(&m);
}

TEST_F(ntlm, expired_association_starts_over)
{
	static struct req r;
	char hex[80], extra[600];
	struct sip_msg m;

	ASSERT_EQ(GSS_S_COMPLETE, handshake(_metadata, self, "Alice!Pass1"));
	server_sign_200(&self->s, 3, hex);
	snprintf(extra, sizeof(extra), "Expires: 20\r\nAuthentication-Info: NTLM rspauth=\"%s\", "
		 "srand=\"0a0b0c0d\", snum=\"1\"\r\n", hex);
	ASSERT_EQ(0, response(&m, 200, 3, extra));
	ASSERT_EQ(0, sip_auth_verify(&self->a, &m));
	sip_msg_free(&m);
	ASSERT_EQ(0, build_register(&self->a, "Alice!Pass1", 4, 20, &r));
	EXPECT_NE(NULL, strstr(r.auth, "response=\""));
	EXPECT_FALSE(self->a.sent_fresh);
	/* the server forgot the association: a plain challenge to a signed request */
	ASSERT_EQ(0, response(&m, 401, 4, "WWW-Authenticate: NTLM realm=\"" REALM
			      "\", targetname=\"" TARGET "\", version=3\r\n"));
	ASSERT_EQ(0, sip_auth_challenge(&self->a, &m));
	sip_msg_free(&m);
	ASSERT_EQ(0, build_register(&self->a, "Alice!Pass1", 5, 20, &r));
	EXPECT_NE(NULL, strstr(r.auth, "gssapi-data=\"\""));
	EXPECT_EQ(NULL, strstr(r.auth, "response="));
}

TEST(digest_still_chosen_by_challenge)
{
	struct sip_auth a = { 0 };
	struct sip_msg m;
	static const char msg[] =
		"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TLS h;branch=z9hG4bK1\r\n"
		"From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n"
		"WWW-Authenticate: Digest realm=\"corp.test\", nonce=\"abc\", qop=\"auth\"\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char kerberos_only[] =
		"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TLS h;branch=z9hG4bK1\r\n"
		"From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n"
		"WWW-Authenticate: Kerberos realm=\"" REALM "\", targetname=\"sip/" TARGET "\"\r\n"
		"Content-Length: 0\r\n\r\n";

	ASSERT_EQ(0, sip_msg_parse(msg, strlen(msg), &m));
	EXPECT_EQ(0, sip_auth_challenge(&a, &m));
	EXPECT_STREQ("digest", sip_auth_scheme(&a));
	EXPECT_EQ(0, sip_auth_verify(&a, &m));
	sip_msg_free(&m);
	ASSERT_EQ(0, sip_msg_parse(kerberos_only, strlen(kerberos_only), &m));
	EXPECT_EQ(-EPROTONOSUPPORT, sip_auth_challenge(&a, &m));
	sip_msg_free(&m);
	sip_auth_clear(&a);
}

/* ---- a call's requests signed on the registration's association ---- */

#define SENT_MAX 8
#define SDP "v=0\r\no=- 1 1 IN IP4 10.77.0.10\r\ns=-\r\nc=IN IP4 10.77.0.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

struct call_fake {
	struct sip_auth *signer;
	char sent[SENT_MAX][4096];
	size_t len[SENT_MAX];
	unsigned int n;
};

static uint64_t cf_now(void *ctx) { (void)ctx; return 1000000; }
static void cf_arm(void *ctx, uint64_t at) { (void)ctx; (void)at; }
static void cf_state(void *ctx, enum invite_state st, unsigned int status,
		     const char *reason)
{
	(void)ctx; (void)st; (void)status; (void)reason;
}
static unsigned int cf_answer(void *ctx, const char *sdp, size_t len)
{
	(void)ctx; (void)sdp; (void)len;
	return 0;
}
static struct sip_auth *cf_signer(void *ctx)
{
	return ((struct call_fake *)ctx)->signer;
}

static int cf_send(void *ctx, const char *buf, size_t len)
{
	struct call_fake *f = ctx;

	if (f->n == SENT_MAX || len >= sizeof(f->sent[0]))
		return -ENOBUFS;
	memcpy(f->sent[f->n], buf, len);
	f->sent[f->n][len] = '\0';
	f->len[f->n++] = len;
	return 0;
}

static const struct invite_ops call_ops = {
	.now = cf_now, .arm = cf_arm, .send = cf_send, .state = cf_state,
	.answer = cf_answer, .signer = cf_signer,
};

/* The server's check of a request as sent: its fields, its Authorization. */
static bool server_verifies_msg(struct server *s, const char *raw, size_t len,
				const char *method)
{
	char crand[16], cnum[16], resp[80], text[1024], auth[1024];
	const struct sip_header *h;
	struct sipae_sig_fields f;
	unsigned char mic[40];
	gss_buffer_desc msg, tok;
	struct sip_msg m;
	size_t tlen, n;
	OM_uint32 min;
	bool ok = false;

	if (sip_msg_parse(raw, len, &m))
		return false;
	h = sip_msg_header(&m, SIP_HDR_AUTHORIZATION, 0);
	if (!sip_str_eq(m.method, method) || !h || h->value.len >= sizeof(auth))
		goto out;
	memcpy(auth + 1, h->value.p, h->value.len);
	auth[0] = ' ';
	auth[h->value.len + 1] = '\0';
	if (strncmp(auth, " NTLM ", 6) || !param(auth, "crand", crand, sizeof(crand)) ||
	    !param(auth, "cnum", cnum, sizeof(cnum)) ||
	    !param(auth, "response", resp, sizeof(resp)) ||
	    sipae_sig_fields_from_msg(&m, &f))
		goto out;
	n = strlen(resp) / 2;
	for (size_t i = 0; i < n && i < sizeof(mic); i++) {
		unsigned int v;

		sscanf(resp + 2 * i, "%2x", &v);
		mic[i] = (unsigned char)v;
	}
	sipae_signature_buffer(3, SIPAE_NTLM, crand, cnum, REALM, TARGET, &f,
			       text, sizeof(text), &tlen);
	msg = (gss_buffer_desc){ tlen, text };
	tok = (gss_buffer_desc){ n, mic };
	server_seq(s);
	ok = s->verify_mic(&min, s->ctx, &msg, &tok, NULL) == GSS_S_COMPLETE;
out:
	sip_msg_free(&m);
	return ok;
}

/* bob's 200 (through the server) to the INVITE sent as raw. */
static void answer_200(struct invite *inv, const char *raw, size_t len)
{
	char buf[4096];
	struct sip_msg req, m;
	const struct sip_header *via, *from, *to;
	int n;

	if (sip_msg_parse(raw, len, &req))
		return;
	via = sip_msg_header(&req, SIP_HDR_VIA, 0);
	from = sip_msg_header(&req, SIP_HDR_FROM, 0);
	to = sip_msg_header(&req, SIP_HDR_TO, 0);
	n = snprintf(buf, sizeof(buf),
		     "SIP/2.0 200 OK\r\nVia: %.*s\r\nFrom: %.*s\r\nTo: %.*s;tag=bobtag\r\n"
		     "Call-ID: %.*s\r\nCSeq: %u INVITE\r\n"
		     "Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"
		     "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		     (int)via->value.len, via->value.p, (int)from->value.len,
		     from->value.p, (int)to->value.len, to->value.p,
		     (int)req.call_id.len, req.call_id.p, req.cseq, strlen(SDP), SDP);
	sip_msg_free(&req);
	if (sip_msg_parse(buf, (size_t)n, &m))
		return;
	invite_message(inv, &m);
	sip_msg_free(&m);
}

TEST_F(ntlm, a_call_is_signed_on_the_registration)
{
	static const struct invite_config cfg = {
		.local_na = "<sip:alice@corp.test>",
		.contact = "<sip:alice@10.77.0.10:40000;transport=tls>",
		.sent_by = "10.77.0.10:40000", .user_agent = "ucphone/test",
		.auth_user = "CORP\\alice", .password = "Alice!Pass1",
	};
	static struct call_fake f;
	struct sipae_sa_stats before, after;
	char hex[80], extra[600];
	struct invite *inv;
	struct sip_msg m;

	ASSERT_EQ(GSS_S_COMPLETE, handshake(_metadata, self, "Alice!Pass1"));
	server_sign_200(&self->s, 3, hex);
	snprintf(extra, sizeof(extra), "Expires: 20\r\nAuthentication-Info: NTLM rspauth=\"%s\", "
		 "srand=\"0a0b0c0d\", snum=\"1\", opaque=\"5A1E0001\", qop=\"auth\", "
		 "targetname=\"" TARGET "\", realm=\"" REALM "\"\r\n", hex);
	ASSERT_EQ(0, response(&m, 200, 3, extra));
	ASSERT_EQ(0, sip_auth_verify(&self->a, &m));
	sip_msg_free(&m);
	sipae_sa_stats(self->a.sa, &before);

	/* no association: the INVITE goes out as it always did, unsigned */
	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, invite_new_outgoing(&cfg, &call_ops, &f, "sip:bob@corp.test",
					 SDP, strlen(SDP), &inv));
	ASSERT_EQ(1, f.n);
	EXPECT_EQ(NULL, strstr(f.sent[0], "\r\nAuthorization:"));
	invite_free(inv);

	/* the registration's association up: INVITE, ACK and BYE signed */
	memset(&f, 0, sizeof(f));
	f.signer = &self->a;
	ASSERT_EQ(0, invite_new_outgoing(&cfg, &call_ops, &f, "sip:bob@corp.test",
					 SDP, strlen(SDP), &inv));
	ASSERT_EQ(1, f.n);
	EXPECT_TRUE(server_verifies_msg(&self->s, f.sent[0], f.len[0], "INVITE"));
	answer_200(inv, f.sent[0], f.len[0]);
	ASSERT_EQ(2, f.n);
	EXPECT_TRUE(server_verifies_msg(&self->s, f.sent[1], f.len[1], "ACK"));
	ASSERT_EQ(0, invite_hangup(inv));
	ASSERT_EQ(3, f.n);
	EXPECT_TRUE(server_verifies_msg(&self->s, f.sent[2], f.len[2], "BYE"));
	/* a signature is bound to its request: the BYE's does not fit the ACK */
	{
		char *swapped = malloc(8192);
		const char *a_bye = strstr(f.sent[2], "\r\nAuthorization:");
		const char *a_ack = strstr(f.sent[1], "\r\nAuthorization:");
		size_t pre, bye_n, rest;

		ASSERT_NE(NULL, swapped);
		ASSERT_NE(NULL, a_bye);
		ASSERT_NE(NULL, a_ack);
		pre = (size_t)(a_ack - f.sent[1]);
		bye_n = strcspn(a_bye + 2, "\r") + 2;
		rest = strlen(a_ack + 2 + strcspn(a_ack + 2, "\r"));
		memcpy(swapped, f.sent[1], pre);
		memcpy(swapped + pre, a_bye, bye_n);
		memcpy(swapped + pre + bye_n, a_ack + 2 + strcspn(a_ack + 2, "\r"), rest);
		EXPECT_FALSE(server_verifies_msg(&self->s, swapped, pre + bye_n + rest, "ACK"));
		free(swapped);
	}
	sipae_sa_stats(self->a.sa, &after);
	EXPECT_EQ(before.signed_requests + 3, after.signed_requests);
	invite_free(inv);
}

TEST_HARNESS_MAIN
