#!/bin/bash
# The whole zero-touch sign-in against the bed's real servers: DHCP -> SRV -> NTP -> root CA
# from Samba AD over LDAP -> TLS to kamailio, verified against that root -> REGISTER with
# Digest -> 200 -> provisioning SUBSCRIBE answered and parsed. Then a restart with the stored
# identity (a phone booting), sign-out, and the time table: ucphone link-up -> registered vs
# a statically configured baresip's start -> 200 OK against the same kamailio.
#   signin-chain.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"

kam0=$(wc -l < "$TB_KAMAILIO_LOG")
daemon_start
check "ucphonectl signin accepted" signin
check "signs in: registered on the first SRV target" sip_is registered 40
PHONE_IP=$(phone_addr); PHONE_IP=${PHONE_IP%/*}
check "the root CA was learned from AD over LDAP" \
  test "$(js '[.trust.learned[].source | startswith("ldap ")] | any')" = true
check "registrar is sip.corp.test:5061 over TLS" test "$(js .sip.registrar)" = "$TB_SIP_HOST:$TB_SIP_TLS_PORT"
check "the SIP domain is the sign-in address's domain" test "$(js .dns.sip_domain)" = "${TB_USER_ADDRESS#*@}"
check "kamailio saw the phone's REGISTERs over TLS" \
  test "$(grep 'REQ REGISTER' "$TB_KAMAILIO_LOG" | grep -c "from $PHONE_IP:.*proto=tls")" -ge 2
check "provisioning: SUBSCRIBE answered and parsed" wait_js '.sip.provisioning.state == "done"' 10
check "provisioning: Device Update URL kept" \
  test "$(js '.sip.provisioning.values.updatesServerInternalUrl')" = "https://web.corp.test/RequestHandler/ucdevice.upx"
check "provisioning: voicemail URI and primary SMTP address kept" \
  test "$(js '[.sip.provisioning.values.voicemailUri, .sip.provisioning.values.primarySmtpAddress] | @tsv')" = \
  "$(printf 'sip:alice@corp.test;opaque=app:voicemail\t%s' "$TB_USER_SMTP")"
# kamailio compares each credentials' digest uri with the Request-URI (the bed's config)
digest_uri_ok() {
  local new; new=$(tail -n "+$((kam0 + 1))" "$TB_KAMAILIO_LOG" | grep " from $PHONE_IP:")
  ! grep -q 'DIGEST-URI-MISMATCH' <<<"$new" &&
    grep -q "DIGEST-URI-OK REGISTER sip:${TB_USER_ADDRESS#*@} " <<<"$new" &&
    grep -q "DIGEST-URI-OK SUBSCRIBE sip:$TB_USER_ADDRESS " <<<"$new"
}
check "Digest uri= is the Request-URI: REGISTER sip:<domain>, SUBSCRIBE sip:<address>" digest_uri_ok
epid=$(js .sip.epid)
uuid=$(python3 -c "import uuid,sys; print(uuid.uuid5(uuid.UUID('fcacfb03-8a73-46ef-91b1-e5ebeeaba4fe'), sys.argv[1]))" "$epid")
check "OCS: epid is 10 hex digits, +sip.instance is its v5 UUID in the Contact" \
  bash -c '[[ $1 =~ ^[0-9a-f]{10}$ ]] && [[ $2 == *"+sip.instance=\"<urn:uuid:$3>\""* ]] && [[ $2 == *"proxy=replace"* ]]' _ \
  "$epid" "$(js .sip.contact)" "$uuid"
check "registered for the granted expiry, refresh pending" test "$(js '.sip.expires > 0 and .sip.expires_in_s > 0')" = true
first_ms=$(js .sip.link_to_registered_ms)

# A phone booting with its stored identity and learned root: the full chain, timed.
daemon_stop
: > "$W/daemon.log"
daemon_start
check "restart: signs in again with the stored identity" sip_is registered 40
check "restart: the same epid (kept in the state directory)" test "$(js .sip.epid)" = "$epid"
boot_ms=$(js .sip.link_to_registered_ms)
bound_ms=$(js .dhcp.link_to_bound_ms)
check "no secret in the daemon's log" bash -c '! grep -qF -- "$(cat "$1")" "$2"' _ "$TB_USER_PASS_FILE" "$W/daemon.log"

c0=$(registers "$TB_KAMAILIO_LOG")
signout
check "sign-out: un-REGISTER sent, state idle" sip_is idle 10
check "kamailio saw the un-REGISTER" test "$(registers "$TB_KAMAILIO_LOG")" -gt "$c0"
daemon_stop

bs_ms=$(baresip_register_ms)
check "baresip (static config) registers to the same kamailio" test "$bs_ms" != failed
echo "# sign-in times (ms):"
echo "#   ucphone full chain, boot with stored identity: link-up -> registered $boot_ms (link-up -> DHCP bound $bound_ms, bound -> registered $((boot_ms - bound_ms)))"
echo "#   ucphone first sign-in (ucphonectl signin right after start): link-up -> registered $first_ms"
echo "#   baresip, static registrar and DNS server: start -> 200 OK $bs_ms"

echo "1..$n"
[ "$fails" -eq 0 ]
