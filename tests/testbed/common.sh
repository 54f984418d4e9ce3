# shellcheck shell=bash disable=SC2034
# Sourced by up.sh, down.sh and smoke.sh: names, addresses, paths and small helpers.
# Addresses are fixed: they exist only inside the namespaces, so two beds with different
# UCPHONE_TB_PREFIX can run side by side. The same addresses appear literally in the
# config templates (grep 10.77.0).

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_PREFIX=${UCPHONE_TB_PREFIX:-tb}
TB_RUN=${UCPHONE_TESTBED_RUN:-$TB_DIR/run}
TB_MARK=.ucphone-testbed-prefix      # in TB_RUN: which bed (prefix) the directory belongs to
TB_HOSTS="phone srv ad peer"              # each joins the bridge with its own eth0
TB_NS_SW=$TB_PREFIX-sw TB_NS_PHONE=$TB_PREFIX-phone TB_NS_SRV=$TB_PREFIX-srv
TB_NS_AD=$TB_PREFIX-ad TB_NS_PEER=$TB_PREFIX-peer
TB_SUBNET=10.77.0.0/24 TB_SRV_IP=10.77.0.1 TB_AD_IP=10.77.0.2 TB_PEER_IP=10.77.0.3
TB_SIP2_IP=10.77.0.4                      # second registrar (failover), also in tb-srv
TB_DOMAIN=corp.test TB_REALM=CORP.TEST TB_BASE_DN=DC=corp,DC=test
TB_CONFIG_DN=CN=Configuration,$TB_BASE_DN
TB_USER=alice TB_USER_PASS='Alice!Pass1'   # the phone's user: AD account and SIP digest
TB_PEER_USER=bob TB_PEER_PASS='Bob!Pass1'  # far-end phone (baresip), SIP only
TB_AD_ADMIN_PASS='Passw0rd!Test'          # Samba Administrator (provisioning only)
TB_PEER_CTRL=127.0.0.1:4444               # bob's ctrl_tcp, inside the peer namespace
TB_PEER2_USER=carol TB_PEER2_PASS='Carol!Pass1'  # third party (baresip): transfer, conference
TB_PEER2_CTRL=127.0.0.1:4445              # carol's ctrl_tcp, inside the peer namespace

# time in microseconds, from bash itself: no fork per poll
now() { echo "${EPOCHREALTIME//[.,]/}"; }
secs() { local us=$(( $(now) - $1 )); printf '%d.%02d' $((us / 1000000)) $((us % 1000000 / 10000)); }
# lap LABEL START: one timing line
lap() { printf '%-30s %6s s\n' "$1" "$(secs "$2")"; }
# waitfor WHAT CMD...: poll CMD (each try cut at 3 s) every 0.05 s for at most TB_WAIT s;
# with TB_WATCH=PID, give up as soon as that server process has died
waitfor() {
  local what=$1 end=$(( $(now) + ${TB_WAIT:-20} * 1000000 )); shift
  until timeout 3 "$@" </dev/null >/dev/null 2>&1; do
    if [ -n "${TB_WATCH:-}" ] && ! kill -0 "$TB_WATCH" 2>/dev/null; then
      echo "TIMEOUT: $what (the server exited)" >&2; return 1
    fi
    (( $(now) < end )) || { echo "TIMEOUT: $what" >&2; return 1; }
    sleep 0.05
  done
}
# stop PID: SIGTERM, then wait (at most 5 s) until it has exited
stop() { kill "$1" 2>/dev/null || return 0; local i; for i in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; return 1; }
# alive NAME: the server recorded under NAME in $TB_RUN/pids is still that process
alive() {
  local pid start st
  read -r pid start <<<"$(awk -v n="$1" '$1 == n { p = $2 " " $3 } END { if (p) print p }' "$TB_RUN/pids" 2>/dev/null)" || true
  [ -n "${pid:-}" ] || return 1
  st=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) || return 1
  # shellcheck disable=SC2086
  set -- $st
  [ "$1" != Z ] && [ "${20}" = "$start" ]
}
# render TEMPLATE DEST: placeholders @RUN@ (run directory), @ALICE_PASS@, @BOB_PASS@, @CAROL_PASS@
# (sed replacement: these values must not contain | & or \)
render() {
  mkdir -p "$(dirname "$2")"
  sed -e "s|@RUN@|$TB_RUN|g" -e "s|@ALICE_PASS@|$TB_USER_PASS|g" -e "s|@BOB_PASS@|$TB_PEER_PASS|g" \
    -e "s|@CAROL_PASS@|$TB_PEER2_PASS|g" "$1" > "$2"
}
