# shellcheck shell=bash
# Sourced by the call tests after phone-daemon.sh and signin.sh: drive the bed's baresip
# bob over ctrl_tcp, read the phone's `calls`, find recordings, check tones by measurement.
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOB_LOG=$TB_RUN/log/baresip-bob.log
BOB_REC=$TB_RUN/baresip/rec-bob
BOB_ACCOUNTS=$TB_RUN/baresip/bob/accounts

# bob COMMAND [PARAMS]: one ctrl_tcp command (dial, hangup, accept, ...)
bob() { ip netns exec "$TB_NS_PEER" python3 "$LIB/baresip_ctrl.py" "$TB_PEER_CTRL" "$@" >/dev/null; }
calls() { ctl calls --json 2>/dev/null; }
cjs() { calls | jq -r "$1" 2>/dev/null; }
# call_is STATE SECONDS: until the phone's call state is STATE
call_is() {
  local end=$(( $(date +%s%N) / 1000000 + $2 * 1000 ))
  while (( $(date +%s%N) / 1000000 < end )); do
    [ "$(cjs .state)" = "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
# wait_calls JQ SECONDS: until the jq expression holds on `calls`
wait_calls() {
  local end=$(( $(date +%s%N) / 1000000 + $2 * 1000 ))
  while (( $(date +%s%N) / 1000000 < end )); do
    calls | jq -e "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
# bob_mark; ...; bob_saw TEXT SECONDS: bob logged TEXT after the mark
bob_mark() { BOB_MARK=$(stat -c %s "$BOB_LOG"); }
bob_saw() {
  local i
  for i in $(seq $(( $2 * 10 ))); do
    tail -c +$(( BOB_MARK + 1 )) "$BOB_LOG" | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
# bob's newest recording of what he heard
bob_dec() { ls -t "$BOB_REC"/dump-*-dec.wav 2>/dev/null | head -n 1; }
# bob_account SETTINGS: restart bob with his account line's parameters changed
# (sed expression on the accounts file); bob_account_restore puts the bed's back
bob_account() {
  [ -f "$BOB_ACCOUNTS.bed" ] || cp "$BOB_ACCOUNTS" "$BOB_ACCOUNTS.bed"
  sed -e "$1" "$BOB_ACCOUNTS.bed" > "$BOB_ACCOUNTS"
  "$TB_DIR/kamailio.sh" restart bob >/dev/null
}
bob_account_restore() {
  [ -f "$BOB_ACCOUNTS.bed" ] || return 0
  mv "$BOB_ACCOUNTS.bed" "$BOB_ACCOUNTS"
  "$TB_DIR/kamailio.sh" restart bob >/dev/null
}
tone_ok() { python3 "$LIB/tone_check.py" "$@"; }
