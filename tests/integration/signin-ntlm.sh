#!/bin/bash
# Sign-in as Office Communications Server asks for it: MS-SIPAE NTLM (connectionless, through
# gss-ntlmssp) to the OCS stand-in (testbed/ocs), whose password check is the AD DC's own
# (winbindd). Every later REGISTER and the provisioning SUBSCRIBE are signed on the
# registration's association and the stand-in checks each signature; the
# stand-in's signatures are checked by the phone. A request with one field changed after
# signing is refused, as is one without signature; an expired security association is
# re-authenticated while the registration stays; a wrong password gives the same clear
# error as with Digest; a registrar whose signature does not verify is not trusted.
#   signin-ntlm.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
OCS_LOG=$TB_RUN/log/ocs.log
LAST=$TB_RUN/ocs/last-request
stop_all() {
  "$TB_DIR/ocs.sh" stop
  [ "$fails" -eq 0 ] || { echo "# OCS stand-in log tail:"; tail -n 30 "$OCS_LOG" | sed 's/^/#   /'; }
  cleanup
}
trap stop_all EXIT
echo "TAP version 13"
mark() { M=$(wc -l < "$OCS_LOG"); }
# saw REGEX SECONDS: the stand-in logged a line matching REGEX since the mark
saw() {
  local i
  for i in $(seq $(( $2 * 10 ))); do
    tail -n +$(( M + 1 )) "$OCS_LOG" | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
replay() { ip netns exec "$TB_NS_PHONE" python3 "$(dirname "$0")/lib/sip_replay.py" "$TB_SIP_IP:5061" "$@"; }

touch "$OCS_LOG"; mark
# refreshes every 10 s (20 s granted); the association lives 25 s: the third refresh
# meets an expired one
check "OCS stand-in in the registrars' place" "$TB_DIR/ocs.sh" start --sa-lifetime 25 --max-expires 20
daemon_start
check "ucphonectl signin accepted" signin
check "registered with NTLM" sip_is registered 40
check "the DC checked alice's NTLM answer (winbindd)" saw "NTLM sign-in of .*alice.* checked by the DC" 1
check "the 200's signature verified by the phone (no complaint)" \
  bash -c '! grep -q "signature does not verify" "$1"' _ "$W/daemon.log"
check "the password is not in the log" bash -c '! grep -qF "$(cat "$1")" "$2"' _ "$TB_USER_PASS_FILE" "$W/daemon.log"
check "the provisioning SUBSCRIBE is signed on the registration's association" \
  saw "SUBSCRIBE signed by .*alice.* verified" 10
check "provisioned" wait_js '.sip.provisioning.state == "done"' 10
check "no SUBSCRIBE went unsigned or made a handshake of its own" \
  bash -c '! tail -n +$(( $1 + 1 )) "$2" | grep -qE "SUBSCRIBE (unsigned|: NTLM)"' _ "$M" "$OCS_LOG"

mark
check "the refresh REGISTER is signed and its signature verifies" saw "REGISTER signed by .*alice.* verified" 15
check "still registered" sip_is registered 1
check "the stand-in kept the signed request" test -s "$LAST"
check "the same signed REGISTER replayed as it is: accepted (200)" test "$(replay "$LAST")" = 200
check "Expires changed after signing: refused (403)" \
  test "$(replay "$LAST" '^Expires: [0-9]+' 'Expires: 7')" = 403
check "From tag changed after signing: refused (403)" \
  test "$(replay "$LAST" ';tag=' ';tag=x')" = 403
check "signature removed: refused (401)" \
  test "$(replay "$LAST" '^Authorization: .*\r\n' '')" = 401

mark
check "the association expires at the stand-in: 401 to a signed refresh" saw "expired: 401, re-authenticate" 30
check "the phone authenticates again (DC checked)" saw "NTLM sign-in of .*alice.* checked by the DC" 5
check "registered throughout: no un-REGISTER, no auth failure" \
  test "$(js '[.sip.state, .sip.auth_failures] | @tsv')" = "$(printf 'registered\t0')"
check "no REGISTER with Expires 0 reached the stand-in" bash -c '! grep -q "REGISTER removed" "$1"' _ "$OCS_LOG"
mark
check "signed refreshes go on with the new association" saw "REGISTER signed by .*alice.* verified" 15

printf 'Not-Alice!9' > "$W/wrong.pass"
mark
check "wrong password: ucphonectl signin accepted" signin "$W/wrong.pass"
check "the DC refuses the NTLM answer" saw "NTLM refused by the DC" 20
check "registration fails with the same clear error as Digest" sip_is failed 20
check "error: Wrong password or user name (401 Unauthorized)" \
  test "$(js .sip.error)" = "Wrong password or user name (401 Unauthorized)"
check "the wrong password is not in the log" bash -c '! grep -qF "Not-Alice" "$1"' _ "$W/daemon.log"

check "a registrar offering Kerberos and NTLM" "$TB_DIR/ocs.sh" start --offer-kerberos
mark
check "right password again: ucphonectl signin accepted" signin
check "both offered" saw "unsigned: 401 Kerberos\+NTLM challenge" 30
check "the phone takes NTLM (no Kerberos attempt) and signs in" sip_is registered 30
check "checked by the DC" saw "NTLM sign-in of .*alice.* checked by the DC" 1
check "no Kerberos attempt reached the stand-in" bash -c '! tail -n +$(( $1 + 1 )) "$2" | grep -q "with Kerberos"' _ "$M" "$OCS_LOG"

check "a registrar whose signatures do not verify" "$TB_DIR/ocs.sh" start --bad-rspauth
mark
check "right password again: ucphonectl signin accepted" signin
check "the stand-in accepted the sign-in" saw "NTLM sign-in of .*alice" 30
check "the phone does not take the bad signature: not registered" \
  bash -c 'sleep 2; [ "$(ip netns exec "$1" "$2" -c "$3" status --json | jq -r .sip.state)" != registered ]' \
  _ "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" "$W/control"
check "and says why" wait_for_log "signature does not verify" 5
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
