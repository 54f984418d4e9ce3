#!/bin/bash
# devupdate.sh: the Device Update stand-in (devupdate/devupdate_fixture.py, in place of the
# OCS 2007 R2 Device Update web service) behind nginx on https://web.corp.test and
# https://ucupdates-r2.corp.test (/RequestHandler/, /DeviceUpdateFiles_Int/).
#   devupdate.sh start      make the test vendor PKI and the signed images (once per bed),
#                           start the fixture on 127.0.0.1:8089 in the server namespace
#   devupdate.sh stop       stop it
#   devupdate.sh case NAME  switch what goes wrong (see the fixture's header); no NAME: print it
#   devupdate.sh serve VERSION FILE CERT KEY
#                           serve FILE (a RAUC bundle, scripts/make-update-bundle.sh) as VERSION's
#                           CPE.nbt, with CPE.cat its CMS signature by CERT/KEY (the image's
#                           vendor signing key, scripts/vendor-keys.sh), after start
#   devupdate.sh reset      stop, and drop what serve put in place (the next start remakes
#                           the test images)
# Files in $TB_RUN/devupdate/: vendor-root.pem (the phone's --update-vendor-root),
# <version>/CPE.nbt and CPE.cat as served, requests.log (one JSON line a request).
set -euo pipefail
. "$(dirname "$0")/common.sh"
D=$TB_RUN/devupdate

stop_fixture() {
  local pid start i
  read -r pid start <<<"$(awk '$1 == "devupdate" { p = $2 " " $3 } END { if (p) print p }' "$TB_RUN/pids" 2>/dev/null)" || true
  [ -n "${pid:-}" ] || return 0
  [ "$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null | awk '{print $20}')" = "$start" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do [ -e "/proc/$pid" ] || return 0; sleep 0.05; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

# The test vendor: a root, the signing certificate it issued, and a rogue signer nobody issued.
make_pki() {
  local v
  [ -f "$D/vendor-root.pem" ] && return 0
  mkdir -p "$D"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=ucphone test vendor root" \
    -keyout "$D/vendor-root.key" -out "$D/vendor-root.pem" \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=ucphone test image signer" \
    -keyout "$D/signer.key" -out "$D/signer.csr" 2>/dev/null
  openssl x509 -req -in "$D/signer.csr" -CA "$D/vendor-root.pem" -CAkey "$D/vendor-root.key" \
    -CAcreateserial -days 30 -out "$D/signer.pem" \
    -extfile <(printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\n') 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=ucphone test image signer" \
    -keyout "$D/rogue.key" -out "$D/rogue.pem" 2>/dev/null
  for v in 1.0.199.123 1.0.522.101 3.5.6907.35; do
    mkdir -p "$D/$v"
    { printf 'ucphone test image %s\n' "$v"; head -c 524288 /dev/urandom; } > "$D/$v/CPE.nbt"
    openssl cms -sign -binary -outform DER -md sha256 -in "$D/$v/CPE.nbt" \
      -signer "$D/signer.pem" -inkey "$D/signer.key" -out "$D/$v/CPE.cat"
    openssl cms -sign -binary -outform DER -md sha256 -in "$D/$v/CPE.nbt" \
      -signer "$D/rogue.pem" -inkey "$D/rogue.key" -out "$D/$v/bad.cat"
    # one byte flipped in the middle
    cp "$D/$v/CPE.nbt" "$D/$v/tampered.nbt"
    printf '\x5a' | dd of="$D/$v/tampered.nbt" bs=1 seek=300000 conv=notrunc status=none
    cmp -s "$D/$v/CPE.nbt" "$D/$v/tampered.nbt" && printf '\xa5' |
      dd of="$D/$v/tampered.nbt" bs=1 seek=300000 conv=notrunc status=none
    head -c 262144 "$D/$v/CPE.nbt" > "$D/$v/truncated.nbt"
    head -c 3145728 /dev/urandom > "$D/$v/oversized.nbt"
  done
  printf 'CPE_desc.xml\n' > "$D/CPE_desc.xml"
}

case "${1:-}" in
  start)
    stop_fixture
    make_pki
    echo default > "$D/case"
    : >> "$D/requests.log"
    setsid ip netns exec "$TB_NS_SRV" python3 "$TB_DIR/devupdate/devupdate_fixture.py" \
      --listen 127.0.0.1:8089 --dir "$D" --case-file "$D/case" --log "$D/requests.log" \
      </dev/null >>"$TB_RUN/log/devupdate.log" 2>&1 &
    st=$(cut -d')' -f2- "/proc/$!/stat" | awk '{print $20}')
    sed -i '/^devupdate /d' "$TB_RUN/pids"
    echo "devupdate $! $st" >> "$TB_RUN/pids"
    TB_WATCH=$! waitfor "Device Update stand-in on 127.0.0.1:8089" ip netns exec "$TB_NS_SRV" \
      curl -sf -o /dev/null -X POST --data '<r/>' http://127.0.0.1:8089/RequestHandler/ucdevice.upx
    ;;
  stop) stop_fixture ;;
  serve)
    [ $# -eq 5 ] && [ -d "$D/$2" ] && [ -f "$3" ] || { echo "usage: devupdate.sh serve VERSION FILE CERT KEY" >&2; exit 2; }
    cp "$3" "$D/$2/CPE.nbt.new"
    openssl cms -sign -binary -outform DER -md sha256 -in "$D/$2/CPE.nbt.new" \
      -signer "$4" -inkey "$5" -out "$D/$2/CPE.cat.new"
    mv "$D/$2/CPE.nbt.new" "$D/$2/CPE.nbt"
    mv "$D/$2/CPE.cat.new" "$D/$2/CPE.cat"
    ;;
  reset)
    stop_fixture
    rm -rf "$D" ;;
  case)
    if [ $# -ge 2 ]; then echo "$2" > "$D/case"; else cat "$D/case"; fi ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
