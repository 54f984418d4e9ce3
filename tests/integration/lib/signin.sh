# shellcheck shell=bash
# Sourced by the sign-in tests after phone-daemon.sh: sign the phone in as the bed's user,
# count what kamailio saw, time a baresip registration. phone-daemon.sh's cleanup puts the
# bed back (tests/testbed/restore.sh: certificates, registrars, the CA object).

ctl() { ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" "$@"; }
# signin [PASSWORD-FILE]: the bed's alice (address alice@corp.test, user CORP\alice)
signin() {
  wait_js . 5 || return 1	# the control socket is up
  ctl signin --address "$TB_USER_ADDRESS" --user "$TB_USER_DOMAIN_USER" --password-stdin \
    < "${1:-$TB_USER_PASS_FILE}" >/dev/null
}
signout() { ctl signout >/dev/null; }
# registers LOG: how many REGISTERs the registrar has logged so far
registers() { grep -c 'REQ REGISTER' "$1" 2>/dev/null || true; }
# registers_from LOG: REGISTERs from the phone's current address
registers_from() { grep 'REQ REGISTER' "$1" 2>/dev/null | grep -c " from ${PHONE_IP:-none}:" || true; }
# sip_is STATE SECONDS: wait for the registration state
sip_is() { wait_js ".sip.state == \"$1\"" "$2"; }

# baresip_register_ms: a baresip for alice in the peer namespace, configured statically
# (registrar name and DNS server in its config: no DHCP, no SRV); prints the milliseconds
# from its start to the "200 OK" of its REGISTER, or "failed".
baresip_register_ms() {
  local b=$W/baresip t0 t1 i pid
  mkdir -p "$b"
  cat > "$b/config" <<EOC
poll_method		epoll
sip_listen		$TB_PEER_IP:5072
sip_cafile		$TB_CA_PEM
dns_server		$TB_DNS:53
module_path		/usr/lib/baresip/modules
module_app		account.so
EOC
  printf '<sip:%s;transport=tls>;auth_pass=%s;outbound="sip:%s:%s;transport=tls";regint=600\n' \
    "$TB_USER_ADDRESS" "$(cat "$TB_USER_PASS_FILE")" "$TB_SIP_HOST" "$TB_SIP_TLS_PORT" > "$b/accounts"
  t0=$(date +%s%N)
  ip netns exec "$TB_NS_PEER" baresip -f "$b" > "$b/out" 2>&1 &
  pid=$!
  for i in $(seq 500); do grep -q '200 OK' "$b/out" && break; sleep 0.01; done
  t1=$(date +%s%N)
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -f "$b/accounts"
  if grep -q '200 OK' "$b/out"; then echo $(( (t1 - t0) / 1000000 )); else echo failed; fi
}
