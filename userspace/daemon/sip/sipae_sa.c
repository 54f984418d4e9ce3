// SPDX-License-Identifier: GPL-2.0-only
/*
 * MS-SIPAE security association over GSSAPI (see sipae_sa.h). The NTLM
 * crypto is gss-ntlmssp's; the framing is lib/sip/sip_sipae.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <openssl/evp.h>

#include "lib/util/random_hex.h"
#include "lib/util/secret.h"
#include "sip/sipae_sa.h"

/*
 * Office Communications Server signs and checks every SIP signature with
 * the NTLM sequence number fixed at 100 (pidgin-sipe's reading of OCS,
 * and the [MS-SIPAE] example signature): the cnum/snum in the headers are
 * only in the signed text.
 */
#define SIPAE_NTLM_SEQ 100u

enum sa_state {
	SA_IDLE,	/* no challenge */
	SA_START,	/* challenged: send the empty first token */
	SA_TOKEN,	/* the server's CHALLENGE arrived: answer it */
	SA_FINAL_SENT,	/* AUTHENTICATE sent, waiting for the verdict */
	SA_READY,	/* accepted: requests signed */
};

struct sipae_sa {
	enum sa_state state;
	enum sipae_mech mech;
	char realm[128], targetname[256], opaque[64];
	unsigned int version;
	unsigned char token[6144];	/* the server's token, decoded */
	size_t token_len;
	gss_ctx_id_t ctx;
	uint32_t cnum;
	struct sipae_sa_stats st;
};

static gss_OID_desc ntlmssp_oid = {
	GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING
};
static gss_OID_desc set_seq_oid = {
	GSS_NTLMSSP_SET_SEQ_NUM_OID_LENGTH,
	(void *)GSS_NTLMSSP_SET_SEQ_NUM_OID_STRING
};

struct sipae_sa *sipae_sa_new(void)
{
	struct sipae_sa *sa = calloc(1, sizeof(*sa));

	if (sa)
		sa->ctx = GSS_C_NO_CONTEXT;
	return sa;
}

static void drop_ctx(struct sipae_sa *sa)
{
	OM_uint32 min;

	if (sa->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &sa->ctx, GSS_C_NO_BUFFER);
	sa->ctx = GSS_C_NO_CONTEXT;
	secret_zero(sa->token, sizeof(sa->token));
	sa->token_len = 0;
	sa->cnum = 0;
}

void sipae_sa_free(struct sipae_sa *sa)
{
	if (!sa)
		return;
	drop_ctx(sa);
	secret_zero_free(sa, sizeof(*sa));
}

bool sipae_sa_ready(const struct sipae_sa *sa)
{
	return sa && sa->state == SA_READY;
}

bool sipae_sa_awaiting_verdict(const struct sipae_sa *sa)
{
	return sa && sa->state == SA_FINAL_SENT;
}

void sipae_sa_stats(const struct sipae_sa *sa, struct sipae_sa_stats *st)
{
	*st = sa->st;
}

static int b64_decode(const char *in, unsigned char *out, size_t cap,
		      size_t *len)
{
	size_t n = strlen(in);
	int m;

	if (n % 4 || n / 4 * 3 > cap)
		return -EINVAL;
	if (!n) {
		*len = 0;
		return 0;
	}
	m = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (m < 0)
		return -EINVAL;
	if (in[n - 1] == '=')
		m--;
	if (in[n - 2] == '=')
		m--;
	*len = (size_t)m;
	return 0;
}

int sipae_sa_challenge(struct sipae_sa *sa, const struct sipae_challenge *c)
{
	bool token = c->has_gssapi_data && c->gssapi_data[0];
	int ret;

	if (!token) {
		enum sa_state was = sa->state;

		drop_ctx(sa);
		sa->mech = c->mech;
		snprintf(sa->realm, sizeof(sa->realm), "%s", c->realm);
		snprintf(sa->targetname, sizeof(sa->targetname), "%s",
			 c->targetname);
		snprintf(sa->opaque, sizeof(sa->opaque), "%s", c->opaque);
		sa->version = c->version;
		sa->state = SA_START;
		return was == SA_FINAL_SENT ? -EACCES : 0;
	}
	if (sa->state != SA_START || c->mech != sa->mech)
		return -EPROTO;
	ret = b64_decode(c->gssapi_data, sa->token, sizeof(sa->token),
			 &sa->token_len);
	if (ret)
		return ret;
	/* The opaque names the handshake from here on. */
	if (c->opaque[0])
		snprintf(sa->opaque, sizeof(sa->opaque), "%s", c->opaque);
	if (c->targetname[0])
		snprintf(sa->targetname, sizeof(sa->targetname), "%s",
			 c->targetname);
	sa->state = SA_TOKEN;
	return 0;
}

/* The server's CHALLENGE -> our AUTHENTICATE (base64 into out). */
static int ntlm_step(struct sipae_sa *sa, const char *user,
		     const char *password, char *out, size_t cap)
{
	gss_OID_set_desc mechs = { 1, &ntlmssp_oid };
	gss_buffer_desc name_buf = { strlen(user), (void *)user };
	gss_buffer_desc pw_buf = { strlen(password), (void *)password };
	gss_buffer_desc in = { sa->token_len, sa->token };
	gss_buffer_desc out_tok = GSS_C_EMPTY_BUFFER;
	gss_name_t name = GSS_C_NO_NAME, target = GSS_C_NO_NAME;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	char spn[300];
	gss_buffer_desc spn_buf;
	OM_uint32 maj, min, flags;
	int ret = -EACCES;

	snprintf(spn, sizeof(spn), "sip@%s", sa->targetname);
	spn_buf = (gss_buffer_desc){ strlen(spn), spn };
	maj = gss_import_name(&min, &name_buf, GSS_C_NT_USER_NAME, &name);
	if (!GSS_ERROR(maj))
		maj = gss_import_name(&min, &spn_buf,
				      GSS_C_NT_HOSTBASED_SERVICE, &target);
	if (!GSS_ERROR(maj))
		maj = gss_acquire_cred_with_password(&min, name, &pw_buf, 0,
						     &mechs, GSS_C_INITIATE,
						     &cred, NULL, NULL);
	if (!GSS_ERROR(maj))
		maj = gss_init_sec_context(&min, cred, &sa->ctx, target,
					   &ntlmssp_oid,
					   GSS_C_INTEG_FLAG | GSS_C_DATAGRAM_FLAG,
					   0, GSS_C_NO_CHANNEL_BINDINGS, &in,
					   NULL, &out_tok, &flags, NULL);
	if (cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &cred);
	gss_release_name(&min, &name);
	gss_release_name(&min, &target);
	secret_zero(sa->token, sizeof(sa->token));
	sa->token_len = 0;
	if (maj == GSS_S_COMPLETE && out_tok.length &&
	    (out_tok.length + 2) / 3 * 4 < cap) {
		EVP_EncodeBlock((unsigned char *)out, out_tok.value,
				(int)out_tok.length);
		ret = 0;
	} else if (maj == GSS_S_COMPLETE) {
		ret = -ENOSPC;
	}
	if (out_tok.length)
		secret_zero(out_tok.value, out_tok.length);
	gss_release_buffer(&min, &out_tok);
	if (ret)
		drop_ctx(sa);
	return ret;
}

static int set_seq(struct sipae_sa *sa)
{
	uint32_t seq = SIPAE_NTLM_SEQ;
	gss_buffer_desc v = { sizeof(seq), &seq };
	OM_uint32 min;

	if (sa->mech != SIPAE_NTLM)
		return 0;
	return GSS_ERROR(gss_set_sec_context_option(&min, &sa->ctx,
						    &set_seq_oid, &v)) ?
		-EPROTO : 0;
}

static int sig_buffer_msg(const struct sipae_sa *sa, const struct sip_msg *m,
			  const char *rand, const char *num, char *out,
			  size_t cap, size_t *len)
{
	struct sipae_sig_fields f;
	int ret = sipae_sig_fields_from_msg(m, &f);

	if (ret)
		return ret;
	return sipae_signature_buffer(sa->version, sa->mech, rand, num,
				      sa->realm, sa->targetname, &f, out, cap,
				      len);
}

/* The signature buffer of a request being built (start line and headers). */
static int sig_buffer(const struct sipae_sa *sa, const char *head,
		      size_t head_len, const char *rand, const char *num,
		      char *out, size_t cap, size_t *len)
{
	static const char tail[] = "Content-Length: 0\r\n\r\n";
	struct sip_msg m;
	char *copy;
	int ret;

	copy = malloc(head_len + sizeof(tail));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, head, head_len);
	memcpy(copy + head_len, tail, sizeof(tail));
	ret = sip_msg_parse(copy, head_len + sizeof(tail) - 1, &m);
	free(copy);
	if (ret)
		return ret;
	ret = sig_buffer_msg(sa, &m, rand, num, out, cap, len);
	sip_msg_free(&m);
	return ret;
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int sign(struct sipae_sa *sa, const char *head, size_t head_len,
		char *crand, char *cnum, char *response, size_t response_cap)
{
	char buf[4096];
	gss_buffer_desc msg, mic = GSS_C_EMPTY_BUFFER;
	size_t len;
	OM_uint32 maj, min;
	int ret;

	ret = random_hex(crand, 4);
	if (ret < 0)
		return ret;
	snprintf(cnum, 12, "%u", ++sa->cnum);
	ret = sig_buffer(sa, head, head_len, crand, cnum, buf, sizeof(buf),
			 &len);
	if (ret)
		return ret;
	ret = set_seq(sa);
	if (ret)
		return ret;
	msg = (gss_buffer_desc){ len, buf };
	maj = gss_get_mic(&min, sa->ctx, GSS_C_QOP_DEFAULT, &msg, &mic);
	if (GSS_ERROR(maj))
		return -EPROTO;
	if (mic.length * 2 + 1 > response_cap) {
		gss_release_buffer(&min, &mic);
		return -ENOSPC;
	}
	hex(mic.value, mic.length, response);
	gss_release_buffer(&min, &mic);
	sa->st.signed_requests++;
	return 0;
}

int sipae_sa_credentials(struct sipae_sa *sa, const char *user,
			 const char *password, const char *head,
			 size_t head_len, char *out, size_t cap)
{
	struct sipae_credentials c = {
		.mech = sa->mech, .realm = sa->realm,
		.targetname = sa->targetname, .opaque = sa->opaque,
		.version = sa->version,
	};
	char token[SIPAE_GSSAPI_DATA_MAX], crand[9], cnum[12], response[80];
	int ret = 0;

	switch (sa->state) {
	case SA_IDLE:
	case SA_FINAL_SENT:
		return -EINVAL;
	case SA_START:
		if (sa->mech != SIPAE_NTLM)
			return -EPROTONOSUPPORT;
		/* connectionless NTLM: the server speaks first */
		c.gssapi_data = "";
		break;
	case SA_TOKEN:
		ret = ntlm_step(sa, user, password, token, sizeof(token));
		if (ret) {
			sa->state = SA_IDLE;
			return ret;
		}
		c.gssapi_data = token;
		sa->state = SA_FINAL_SENT;
		sa->st.handshakes++;
		break;
	case SA_READY:
		ret = sign(sa, head, head_len, crand, cnum, response,
			   sizeof(response));
		if (ret)
			return ret;
		c.crand = crand;
		c.cnum = cnum;
		c.response = response;
		break;
	}
	ret = sipae_build_credentials(&c, out, cap);
	secret_zero(token, sizeof(token));
	return ret;
}

static int hex_decode(const char *s, unsigned char *out, size_t cap,
		      size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

int sipae_sa_verify_response(struct sipae_sa *sa, const struct sip_msg *m)
{
	const struct sip_header *h = NULL;
	struct sipae_auth_info ai;
	unsigned char mic[64];
	char buf[4096];
	gss_buffer_desc msg, tok;
	size_t len, mic_len;
	OM_uint32 maj, min;
	int ret;

	if (!sa || (sa->state != SA_FINAL_SENT && sa->state != SA_READY) ||
	    m->status < 200 || m->status >= 300)
		return 0;
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (sip_str_ieq(m->hdr[i].name, "Authentication-Info") ||
		    sip_str_ieq(m->hdr[i].name, "Proxy-Authentication-Info"))
			h = &m->hdr[i];
	ret = -EBADMSG;
	if (!h || sipae_parse_auth_info(h->value.p, h->value.len, &ai) ||
	    !ai.has_rspauth || ai.mech != sa->mech ||
	    hex_decode(ai.rspauth, mic, sizeof(mic), &mic_len))
		goto bad;
	ret = sig_buffer_msg(sa, m, ai.srand, ai.snum, buf, sizeof(buf), &len);
	if (ret)
		goto bad;
	ret = set_seq(sa);
	if (ret)
		goto bad;
	msg = (gss_buffer_desc){ len, buf };
	tok = (gss_buffer_desc){ mic_len, mic };
	maj = gss_verify_mic(&min, sa->ctx, &msg, &tok, NULL);
	if (GSS_ERROR(maj)) {
		ret = -EBADMSG;
		goto bad;
	}
	sa->state = SA_READY;
	sa->st.verified_responses++;
	return 0;
bad:
	drop_ctx(sa);
	sa->state = SA_IDLE;
	return ret == -EBADMSG ? ret : -EBADMSG;
}
