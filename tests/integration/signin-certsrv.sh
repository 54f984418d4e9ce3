#!/bin/bash
# The root CA only through the pKIEnrollmentService -> certsrv path (no certificationAuthority
# object in AD): the phone still learns the root and signs in over verified TLS.
#   signin-certsrv.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"

"$TB_SAMBA_CA_SH" remove >/dev/null || not_ok "samba-ca.sh remove"
daemon_start
check "ucphonectl signin accepted" signin
check "no CA object in AD: signs in all the same" sip_is registered 60
check "the root came from certsrv" \
  test "$(js '[.trust.learned[].source | startswith("certsrv ")] | any')" = true
check "over TLS verified against the learned root (no certificate failure)" \
  test "$(js .sip.transport.certificate_failures)" -eq 0
check "provisioned" wait_js '.sip.provisioning.state == "done"' 10
daemon_stop
"$TB_SAMBA_CA_SH" restore >/dev/null

echo "1..$n"
[ "$fails" -eq 0 ]
