# shellcheck shell=sh
# The phone's A/B boot state: which root slot boots first, whether each
# slot is good, and how many boots each has left to prove itself. One file
# on the data partition, replaced whole (temporary, sync, rename, sync),
# so a power cut at any instant leaves the old state or the new:
#
#	ORDER=a b	slots in boot order
#	a_OK=1		1: good (confirmed, boots without counting);
#			2: on trial (just installed, counts its boots);
#			0: bad (half-written, or failed its trial)
#	a_TRY=3		boots a slot on trial has left
#	b_OK=1
#	b_TRY=3
#	FAILED=		a slot that ran out of tries unconfirmed (the
#			failed update the daemon reports), else empty
#
# Sourced by the initramfs's /init (the boot selector) and by RAUC's
# custom boot loader backend (/usr/lib/rauc/ucphone-backend). Needs
# BOOTSTATE set to the file's path. The file is parsed, never sourced:
# a damaged one gives the factory state (both slots good, a first).

BOOTSTATE_TRIES=3
_failed_now=

bootstate_defaults() {
	ORDER="a b" a_OK=1 a_TRY=$BOOTSTATE_TRIES b_OK=1 b_TRY=$BOOTSTATE_TRIES FAILED=
}

# Reads $BOOTSTATE into ORDER, a_OK, a_TRY, b_OK, b_TRY, FAILED.
bootstate_load() {
	bootstate_defaults
	[ -r "$BOOTSTATE" ] || return 0
	_order='' _aok='' _atry='' _bok='' _btry='' _failed=''
	while IFS='=' read -r _k _v; do
		case $_k in
		ORDER) _order=$_v ;;
		a_OK) _aok=$_v ;;
		a_TRY) _atry=$_v ;;
		b_OK) _bok=$_v ;;
		b_TRY) _btry=$_v ;;
		FAILED) _failed=$_v ;;
		esac
	done <"$BOOTSTATE"
	case $_order in "a b" | "b a") ;; *) return 1 ;; esac
	for _n in "$_aok" "$_bok"; do
		case $_n in 0 | 1 | 2) ;; *) return 1 ;; esac
	done
	for _n in "$_atry" "$_btry"; do
		case $_n in [0-9]) ;; *) return 1 ;; esac
	done
	case $_failed in '' | a | b) ;; *) return 1 ;; esac
	ORDER=$_order a_OK=$_aok a_TRY=$_atry b_OK=$_bok b_TRY=$_btry FAILED=$_failed
}

# Replaces $BOOTSTATE whole: the new content is on the disk before the
# rename, and the rename before this returns.
bootstate_save() {
	_tmp=$BOOTSTATE.tmp
	printf 'ORDER=%s\na_OK=%s\na_TRY=%s\nb_OK=%s\nb_TRY=%s\nFAILED=%s\n' \
		"$ORDER" "$a_OK" "$a_TRY" "$b_OK" "$b_TRY" "$FAILED" >"$_tmp" || return 1
	sync
	mv -f "$_tmp" "$BOOTSTATE" || return 1
	sync
}

bootstate_other() {
	[ "$1" = a ] && echo b || echo a
}

# The boot selector: the first slot in ORDER that is good boots; a slot
# on trial boots while it has tries, one try fewer each time; a slot on
# trial whose tries ran out is marked bad and named in FAILED, and the
# next slot boots instead (rollback). With no slot left, the first slot
# of ORDER boots anyway (a phone that boots something can still be
# repaired). Sets BOOT_SLOT (not printed: the caller keeps the updated
# variables, a command substitution would not).
bootstate_select() {
	for _s in $ORDER; do
		eval "_ok=\$${_s}_OK _try=\$${_s}_TRY"
		if [ "$_ok" = 1 ]; then
			BOOT_SLOT=$_s
			[ -z "$_failed_now" ] || bootstate_save
			return 0
		fi
		if [ "$_ok" = 2 ] && [ "$_try" -gt 0 ]; then
			eval "${_s}_TRY=$((_try - 1))"
			bootstate_save
			BOOT_SLOT=$_s
			return 0
		fi
		if [ "$_ok" = 2 ]; then
			eval "${_s}_OK=0"
			FAILED=$_s _failed_now=1
			ORDER="$(bootstate_other "$_s") $_s"
		fi
	done
	bootstate_save
	BOOT_SLOT=${ORDER%% *}
}
