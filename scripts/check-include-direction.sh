#!/bin/bash
# Dependencies in userspace/ run one way, and this checks it from the
# `#include "..."` lines (prints TAP, exits non-zero on a finding):
#
#   ctl/, ui/ (the screen process) ---------------.
#   daemon/core -> sip -> trust -> net ------------+--> media/ --> lib/
#              `-> device -------------------------'
#   (room reserved: core -> ui -> call -> sip; core -> exchange, update -> trust)
#
# - Every quoted include names its folder: daemon code from userspace/daemon
#   ("core/daemon.h", "sip/transport.h"), the rest from userspace/
#   ("lib/sip/sip_msg.h", "media/srtp_flow.h", "ctl/format.h"); "config.h"
#   is the build's. A bare or ../ include would hide the direction.
# - lib/ includes only lib/; media/ only media/ and lib/, and no SIP
#   header (it sees negotiated parameters, never SIP); ctl/ no daemon code;
#   ui/ (ucphone-ui, its own process on the control socket) only ui/ and lib/.
# - A daemon folder includes its own headers, lib/, media/, and the folders
#   below it in DAEMON_BELOW. The two headers every folder stands on are
#   allowed everywhere: core/daemon.h (the context: forward declarations
#   and options) and core/log.h (logging). A new folder must be added to
#   DAEMON_BELOW before it builds here.
#
#   scripts/check-include-direction.sh [REPO]
set -uo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$repo" || exit 2

# folder -> the daemon folders it may include (besides itself)
declare -A DAEMON_BELOW=(
	[core]="ui call exchange update sip trust net device"
	[ui]="call sip trust net device"
	[call]="sip trust net device"
	[exchange]="trust net"
	[update]="trust net"
	[sip]="trust net"
	[trust]="net"
	[net]=""
	[device]=""
)
DAEMON_GROUND="core/daemon.h core/log.h"

n=0 failed=0
declare -A bad=()
note() { bad[$1]+="# $2"$'\n'; }

check_file() {
	local f=$1 layer own line inc dir
	case $f in
	userspace/lib/*) layer=lib ;;
	userspace/media/*) layer=media ;;
	userspace/ctl/*) layer=ctl ;;
	userspace/ui/*) layer=ui ;;
	userspace/daemon/*/*)
		layer=daemon
		own=${f#userspace/daemon/}
		own=${own%%/*}
		if [ -z "${DAEMON_BELOW[$own]+set}" ]; then
			note daemon "$f: userspace/daemon/$own is not in DAEMON_BELOW (scripts/check-include-direction.sh)"
			return
		fi
		;;
	userspace/daemon/*)
		note names "$f: daemon code lives in a subsystem folder"
		return
		;;
	*) return ;;
	esac
	while IFS= read -r line; do
		inc=${line#*\"}
		inc=${inc%%\"*}
		line=${line%%:*}
		[ "$inc" = config.h ] && [ "$layer" != lib ] && continue
		if [[ $inc != */* || $inc == *..* ]]; then
			note names "$f:$line: \"$inc\" does not name its folder"
			continue
		fi
		dir=${inc%%/*}
		case $layer in
		lib)
			[ "$dir" = lib ] ||
				note lib "$f:$line: lib/ includes \"$inc\""
			;;
		media)
			if [ "$dir" != media ] && [ "$dir" != lib ]; then
				note media "$f:$line: media/ includes \"$inc\""
			elif [[ $inc == lib/sip/* ]]; then
				note media "$f:$line: media/ includes a SIP header \"$inc\""
			fi
			;;
		ctl)
			case $dir in
			ctl | lib | media) ;;
			*) note ctl "$f:$line: ctl/ includes daemon code \"$inc\"" ;;
			esac
			;;
		ui)
			case $dir in
			ui | lib) ;;
			*) note ui "$f:$line: ui/ includes \"$inc\" (it talks to the daemon over the socket)" ;;
			esac
			;;
		daemon)
			case $dir in
			lib | media | "$own") continue ;;
			esac
			[[ " $DAEMON_GROUND " == *" $inc "* ]] && continue
			if [ -z "${DAEMON_BELOW[$dir]+set}" ]; then
				note names "$f:$line: \"$inc\" is in no known folder"
			elif [[ " ${DAEMON_BELOW[$own]} " != *" $dir "* ]]; then
				note daemon "$f:$line: $own/ includes \"$inc\" ($dir/ is not below $own/)"
			fi
			;;
		esac
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
}

mapfile -t files < <(git ls-files -co --exclude-standard \
	'userspace/*.c' 'userspace/*.h' | sort -u)
for f in "${files[@]}"; do
	[ -f "$f" ] && check_file "$f"
done

verdict() {
	n=$((n + 1))
	if [ -z "${bad[$1]:-}" ]; then
		echo "ok $n - $2"
	else
		printf '%s' "${bad[$1]}"
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..6"
verdict names "includes name their folder (${#files[@]} userspace files)"
verdict lib "lib/ includes only lib/"
verdict media "media/ includes only media/ and lib/, and no SIP header"
verdict ctl "ctl/ includes no daemon code"
verdict ui "ui/ includes only ui/ and lib/"
verdict daemon "daemon folders include only the folders below them (core -> sip -> trust -> net; device)"
[ "$failed" -eq 0 ]
