#!/bin/bash
# kamailio.sh: start, stop or switch the bed's two SIP registrars (and bob, who registers on
# the first), for tests of failover and of certificate validation. Keeps run/pids right for
# down.sh: a restarted server keeps its line (and so its place in the stop order).
#   kamailio.sh start|stop|restart sip|sip2|bob|carol     (start: no-op if it runs)
#       sip  = kamailio on 10.77.0.1 (sip.corp.test, SRV priority 10)
#       sip2 = kamailio on 10.77.0.4 (sip2.corp.test, SRV priority 20), log kamailio2.log
#       bob  = the far-end baresip; stopping/starting sip stops/starts bob with it (bob
#              unregisters on the way out and his location lives only in sip's memory)
#   kamailio.sh untrusted   restart sip with a sip.corp.test certificate from a throw-away
#                           CA (pki/untrusted-ca.pem) that no directory publishes
#   kamailio.sh trusted     restart sip with its own certificate (the bed's default)
#   kamailio.sh max-expires N   sip grants at most N s from now on (registrar max_expires,
#                           set at run time over its ctl socket; min_expires follows down
#                           to N); 0 puts the bed's defaults back (no cap, 60 s minimum)
#   kamailio.sh mwi-expires N   sip's voice-mail stand-in grants message-summary
#                           subscriptions N s (over its ctl socket); 0: 3600 s again
#   kamailio.sh ttl USER    seconds left on USER's longest-lived binding in sip's location
#                           table, 0 when it has none (or only lapsed ones)
#   kamailio.sh forget USER drop USER's bindings from sip's location table
# Logs are appended across restarts: tests count lines (e.g. "REQ REGISTER") before/after.
set -euo pipefail
. "$(dirname "$0")/common.sh"

ip_of() { case $1 in sip) echo "$TB_SRV_IP" ;; sip2) echo "$TB_SIP2_IP" ;; esac; }
pid_name() { case $1 in sip) echo kamailio ;; sip2) echo kamailio2 ;; bob) echo baresip-bob ;; carol) echo baresip-carol ;; esac; }
run_dir() { echo "$TB_RUN/$(pid_name "$1")"; }

# record NAME PID: its pids line, replaced in place if there was one
record() {
  local st; st=$(cut -d')' -f2- "/proc/$2/stat" | awk '{print $20}')
  if grep -q "^$1 " "$TB_RUN/pids"; then
    sed -i "s|^$1 .*|$1 $2 $st|" "$TB_RUN/pids"
  else
    echo "$1 $2 $st" >> "$TB_RUN/pids"
  fi
}

do_stop() {
  local name pid start i
  name=$(pid_name "$1")
  [ "$1" = sip ] && { do_stop bob; do_stop carol; }
  read -r pid start <<<"$(awk -v n="$name" '$1 == n { p = $2 " " $3 } END { if (p) print p }' "$TB_RUN/pids")" || true
  [ -n "${pid:-}" ] || return 0
  [ "$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null | awk '{print $20}')" = "$start" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 140); do
    [ -e "/proc/$pid" ] || return 0
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
    # 5 s of SIGTERM (bob unregisters, kamailio closes its TLS connections), then SIGKILL
    if [ "$i" = 100 ]; then
      echo "kamailio.sh: $name ($pid) ignored SIGTERM for 5 s: SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.05
  done
  echo "kamailio.sh: $name ($pid) did not stop" >&2
  return 1
}

# render_kamailio WHICH CERT: configs for registrar WHICH serving certificate CERT (pki name)
render_kamailio() {
  local d ip name body
  d=$(run_dir "$1") ip=$(ip_of "$1") name=$1.$TB_DOMAIN
  body=$(base64 -w0 "$TB_DIR/kamailio/provisioning.xml")
  render "$TB_DIR/kamailio/kamailio.cfg.in" "$d/kamailio.cfg"
  sed -i -e "s|@SIP_IP@|$ip|g" -e "s|@SIP_NAME@|$name|g" -e "s|@KAM_DIR@|$d|g" \
    -e "s|@PROV_BODY_B64@|$body|g" "$d/kamailio.cfg"
  render "$TB_DIR/kamailio/tls.cfg.in" "$d/tls.cfg"
  sed -i -e "s|@CERT@|$TB_RUN/pki/$2-chain.pem|g" -e "s|@KEY@|$TB_RUN/pki/$2.key|g" "$d/tls.cfg"
}

# start_kamailio WHICH CERT CA: start it and wait for a TLS handshake verified against CA
start_kamailio() {
  local d ip name pid
  d=$(run_dir "$1") ip=$(ip_of "$1") name=$(pid_name "$1")
  render_kamailio "$1" "$2"
  setsid ip netns exec "$TB_NS_SRV" kamailio -f "$d/kamailio.cfg" -DD -E -m 64 -M 8 \
    -P "$d/kamailio.pid" -Y "$d" </dev/null >>"$TB_RUN/log/$name.log" 2>&1 &
  pid=$!
  record "$name" "$pid"
  TB_WATCH=$pid TB_WAIT=20 waitfor "$name TLS on $ip:5061" ip netns exec "$TB_NS_SRV" \
    openssl s_client -brief -connect "$ip:5061" -verify_hostname "$1.$TB_DOMAIN" \
    -CAfile "$TB_RUN/pki/$3.pem" -verify_return_error
}

# start_peer bob|carol: the far-end baresip, waited for until registered
start_peer() {
  local pid before name=baresip-$1
  alive "$name" && return 0
  before=$(grep -c '200 OK' "$TB_RUN/log/$name.log" 2>/dev/null || true)
  setsid ip netns exec "$TB_NS_PEER" baresip -f "$TB_RUN/baresip/$1" \
    </dev/null >>"$TB_RUN/log/$name.log" 2>&1 &
  pid=$!
  record "$name" "$pid"
  TB_WATCH=$pid TB_WAIT=20 waitfor "baresip $1 registered" \
    bash -c "[ \$(grep -c '200 OK' '$TB_RUN/log/$name.log') -gt ${before:-0} ]"
}

# the certificate sip serves: remembered so that restarting sip alone keeps it
sip_cert() { cat "$TB_RUN/kamailio/cert" 2>/dev/null || echo sip; }

do_start() {
  # already up: nothing to do (a second kamailio could not bind, and would hide the first)
  alive "$(pid_name "$1")" && return 0
  case $1 in
    sip)
      if [ "$(sip_cert)" = sip-untrusted ]; then start_kamailio sip sip-untrusted untrusted-ca
      else start_kamailio sip sip ca; fi
      # bob's TLS needs the bed's CA: with an untrusted registrar he stays away
      [ "$(sip_cert)" = sip ] && { start_peer bob; start_peer carol; }
      return 0 ;;
    sip2) start_kamailio sip2 sip2 ca ;;
    bob|carol) start_peer "$1" ;;
  esac
}

switch_cert() {
  mkdir -p "$TB_RUN/kamailio"
  do_stop sip
  echo "$1" > "$TB_RUN/kamailio/cert"
  do_start sip
}

# kamcmd ARGS...: an RPC to sip over its ctl socket (kamailio.cfg.in)
kamcmd_sip() { kamcmd -s "unix:$(run_dir sip)/ctl.sock" "$@"; }

max_expires() {
  if [ "$1" -eq 0 ]; then
    kamcmd_sip cfg.seti registrar max_expires 0 >/dev/null
    kamcmd_sip cfg.seti registrar min_expires 60 >/dev/null
  else
    # below the minimum the registrar would raise the lifetime again
    kamcmd_sip cfg.seti registrar min_expires "$(( $1 < 60 ? $1 : 60 ))" >/dev/null
    kamcmd_sip cfg.seti registrar max_expires "$1" >/dev/null
  fi
}

# ul.lookup lists the AOR's contacts with "Expires: <seconds left>" (or a word once lapsed)
ttl() {
  kamcmd_sip ul.lookup location "$1@$TB_DOMAIN" 2>/dev/null |
    awk '$1 == "Expires:" && $2 ~ /^[0-9]+$/ && $2 > m { m = $2 } END { print m + 0 }'
}

usage() { echo "usage: kamailio.sh start|stop|restart sip|sip2|bob|carol | untrusted | trusted | max-expires N | mwi-expires N | ttl USER | forget USER" >&2; exit 2; }

case ${1:-} in
  start|stop|restart)
    case ${2:-} in sip|sip2|bob|carol) ;; *) usage ;; esac
    case $1 in
      start) do_start "$2" ;;
      stop) do_stop "$2" ;;
      restart) do_stop "$2"; do_start "$2" ;;
    esac ;;
  untrusted) switch_cert sip-untrusted ;;
  trusted) switch_cert sip ;;
  max-expires) [[ ${2:-} =~ ^[0-9]+$ ]] || usage; max_expires "$2" ;;
  mwi-expires) [[ ${2:-} =~ ^[0-9]+$ ]] || usage
    kamcmd_sip htable.seti cfg mwi_expires "$2" >/dev/null ;;
  ttl) [ -n "${2:-}" ] || usage; ttl "$2" ;;
  forget) [ -n "${2:-}" ] || usage; kamcmd_sip ul.rm location "$2@$TB_DOMAIN" >/dev/null 2>&1 || true ;;
  *) usage ;;
esac
