#!/usr/bin/env bash
# Prepare a (Debian 12) machine for husk's integration tests. Run as root.
# Idempotent: running it again changes nothing that is already in place.
#
#   - installs the container tooling the tests drive or compare against
#   - creates the unprivileged test user (default: husktest) with exactly one
#     subordinate uid range and one subordinate gid range of 65536 ids that
#     overlap no other entry
#   - makes /dev/net/tun and /dev/fuse usable by unprivileged users
#   - gives the test user an XDG_RUNTIME_DIR
#   - lets the test user read the repository checkout where possible
set -euo pipefail

TEST_USER=${HUSK_TEST_USER:-husktest}
SUBID_COUNT=65536
SUBID_MIN=100000

PACKAGES=(
	runc crun uidmap fuse-overlayfs slirp4netns passt docker-registry skopeo
	umoci podman busybox-static bats iproute2 procps util-linux gcc make git
	curl socat iperf3 libseccomp-dev debootstrap
)

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root"

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)

# ---------------------------------------------------------------- packages
install_packages() {
	local missing=() p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		if [[ $status != "install ok installed" ]]; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} == 0)); then
		log "packages: all present"
		return
	fi
	log "packages: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y "${missing[@]}"
}

# ---------------------------------------------------------------- test user
ensure_user() {
	if id -u "$TEST_USER" >/dev/null 2>&1; then
		log "user: $TEST_USER exists (uid $(id -u "$TEST_USER"))"
	else
		useradd -m -s /bin/bash "$TEST_USER"
		log "user: created $TEST_USER (uid $(id -u "$TEST_USER"))"
	fi
}

# ensure_subids FILE OPTION-ADD
# Makes sure FILE holds exactly one range of $SUBID_COUNT ids for the test
# user that overlaps no other entry. A range that useradd already added (from
# login.defs) is kept when it satisfies that; anything else belonging to the
# user is removed and a fresh range above every other entry is added.
ensure_subids() {
	local file=$1 addopt=$2
	local uid name start count
	uid=$(id -u "$TEST_USER")
	[[ -e $file ]] || install -m 0644 /dev/null "$file"

	# The user's own entries (by name or by numeric uid) and everybody else's.
	local -a mine=() others=()
	while IFS=: read -r name start count; do
		[[ -z $name || $name == \#* ]] && continue
		[[ $start =~ ^[0-9]+$ && $count =~ ^[0-9]+$ ]] || continue
		if [[ $name == "$TEST_USER" || $name == "$uid" ]]; then
			mine+=("$start:$count")
		else
			others+=("$start:$count")
		fi
	done <"$file"

	if ((${#mine[@]} == 1)); then
		local ms=${mine[0]%%:*} mc=${mine[0]##*:} ok=1 o os oc
		((mc == SUBID_COUNT)) || ok=0
		for o in "${others[@]}"; do
			os=${o%%:*} oc=${o##*:}
			# half-open intervals [ms, ms+mc) and [os, os+oc) intersect?
			if ((ms < os + oc && os < ms + mc)); then
				ok=0
			fi
		done
		if ((ok)); then
			log "$file: keeping $TEST_USER:$ms:$mc"
			return
		fi
	fi

	# Remove whatever the user has, then add one fresh non-overlapping range.
	# usermod --del-sub[ug]ids only matches entries written by name, so
	# entries keyed by the numeric uid are filtered out of the file directly
	# (rewritten in place to keep its owner and mode).
	local m
	for m in "${mine[@]}"; do
		log "$file: removing $TEST_USER's range ${m%%:*}:${m##*:}"
	done
	if ((${#mine[@]} > 0)); then
		local tmp
		tmp=$(mktemp)
		awk -F: -v u="$TEST_USER" -v id="$uid" '$1 != u && $1 != id' "$file" >"$tmp"
		cat "$tmp" >"$file"
		rm -f "$tmp"
	fi
	local next=$SUBID_MIN o end
	for o in "${others[@]}"; do
		end=$((${o%%:*} + ${o##*:}))
		((end > next)) && next=$end
	done
	log "$file: adding $TEST_USER:$next:$SUBID_COUNT"
	usermod "$addopt" "$next-$((next + SUBID_COUNT - 1))" "$TEST_USER"

	# Double-check the result: exactly one entry for the user.
	local n
	n=$(awk -F: -v u="$TEST_USER" -v id="$uid" '$1 == u || $1 == id' "$file" | wc -l)
	((n == 1)) || die "$file: expected one entry for $TEST_USER, found $n"
}

# ---------------------------------------------------------------- devices
ensure_devices() {
	if [[ ! -e /dev/net/tun ]]; then
		mkdir -p /dev/net
		mknod /dev/net/tun c 10 200
		log "devices: created /dev/net/tun"
	fi
	if [[ ! -e /dev/fuse ]]; then
		mknod /dev/fuse c 10 229
		log "devices: created /dev/fuse"
	fi
	chmod 666 /dev/net/tun /dev/fuse
	log "devices: /dev/net/tun and /dev/fuse are mode 0666"
}

# ---------------------------------------------------------------- repo access
ensure_repo_access() {
	chmod o+rx "$repo_dir"
	[[ -d $repo_dir/bin ]] && chmod o+rx "$repo_dir/bin"
	# Report (but never change) ancestors the test user cannot traverse.
	local d=$repo_dir blocked=""
	while [[ $d != / ]]; do
		d=$(dirname "$d")
		if [[ $(stat -c %A "$d") != ?????????[xt] ]]; then
			blocked=$d
		fi
	done
	if [[ -n $blocked ]]; then
		log "note: $blocked is not world-traversable, so $TEST_USER cannot reach" \
			"$repo_dir; the Makefile copies the binaries somewhere it can"
	else
		log "repo: $repo_dir is reachable by $TEST_USER"
	fi
}

# ---------------------------------------------------------------- runtime dir
ensure_runtime_dir() {
	local uid dir
	uid=$(id -u "$TEST_USER")
	dir=/run/user/$uid
	if [[ ! -d /run/user ]]; then
		install -d -m 0755 -o root -g root /run/user
	fi
	install -d -m 0700 -o "$TEST_USER" -g "$(id -g "$TEST_USER")" "$dir"
	# install -d does not touch an existing directory's mode/owner on every
	# implementation; make sure explicitly.
	chown "$TEST_USER:$(id -g "$TEST_USER")" "$dir"
	chmod 0700 "$dir"
	log "runtime dir: $dir"
}

# ---------------------------------------------------------------- cgroup delegation
# Delegates a cgroup v2 subtree to the test user the way systemd's
# Delegate=yes does for user@.service: a directory whose cgroup.procs,
# cgroup.subtree_control and cgroup.threads the user owns. test/lib.sh moves
# the test user's sessions into it (as systemd starts a session in its
# scope). The machine's hierarchies are never mounted, unmounted or changed
# otherwise. Prints nothing but a log line; the path is cgroup_delegate_path.
cgroup2_mount() {
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		echo /sys/fs/cgroup
	elif [[ -d /sys/fs/cgroup/unified && $(stat -f -c %T /sys/fs/cgroup/unified) == cgroup2fs ]]; then
		echo /sys/fs/cgroup/unified
	fi
}

ensure_cgroup_delegation() {
	local mnt dir f
	mnt=$(cgroup2_mount)
	if [[ -z $mnt ]]; then
		log "cgroup: no cgroup v2 hierarchy on this machine; cgroup tests will be skipped"
		return 0
	fi
	dir=$mnt/husk-delegate-$TEST_USER
	[[ -d $dir ]] || mkdir "$dir"
	chown "$TEST_USER:$(id -g "$TEST_USER")" "$dir"
	for f in cgroup.procs cgroup.subtree_control cgroup.threads; do
		[[ -e $dir/$f ]] && chown "$TEST_USER:$(id -g "$TEST_USER")" "$dir/$f"
	done
	log "cgroup: $dir delegated to $TEST_USER (controllers: $(cat "$dir/cgroup.controllers" 2>/dev/null || true))"
}

# ================================================================ BEGIN userns edge-case users
# Users for the user-namespace edge cases of test/bats/root-userns.bats,
# which runs as root and runs husk as these users through runuser:
#   husknosub    no entry at all in /etc/subuid and /etc/subgid (husk must
#                fall back to a single-id mapping and say how to fix it)
#   huskoverlap  two overlapping ranges in each file, START:65536 and
#                START+1000:65536, START above every other user's entries
#                (husk must refuse with an error naming the file)
# Idempotent like the rest: entries already in that shape are kept.
NOSUB_USER=husknosub
OVERLAP_USER=huskoverlap
OVERLAP_SHIFT=1000

# remove_user_subids FILE USER: drops every entry of USER (by name or by
# numeric uid) from FILE, rewriting it in place (keeps owner and mode).
remove_user_subids() {
	local file=$1 user=$2 uid tmp
	uid=$(id -u "$user")
	[[ -e $file ]] || return 0
	awk -F: -v u="$user" -v id="$uid" '$1 == u || $1 == id { f = 1 } END { exit !f }' "$file" || return 0
	tmp=$(mktemp)
	awk -F: -v u="$user" -v id="$uid" '$1 != u && $1 != id' "$file" >"$tmp"
	cat "$tmp" >"$file"
	rm -f "$tmp"
	log "$file: removed every range of $user"
}

# ensure_overlapping_subids FILE USER: USER owns exactly START:COUNT and
# START+OVERLAP_SHIFT:COUNT in FILE, overlapping each other and nothing else.
ensure_overlapping_subids() {
	local file=$1 user=$2 uid name start count end next=$SUBID_MIN
	uid=$(id -u "$user")
	[[ -e $file ]] || install -m 0644 /dev/null "$file"
	local -a mine=()
	while IFS=: read -r name start count; do
		[[ -z $name || $name == \#* ]] && continue
		[[ $start =~ ^[0-9]+$ && $count =~ ^[0-9]+$ ]] || continue
		if [[ $name == "$user" || $name == "$uid" ]]; then
			mine+=("$start:$count")
		else
			end=$((start + count))
			((end > next)) && next=$end
		fi
	done <"$file"
	if ((${#mine[@]} == 2)); then
		local s0=${mine[0]%%:*}
		if [[ ${mine[0]} == "$s0:$SUBID_COUNT" && ${mine[1]} == "$((s0 + OVERLAP_SHIFT)):$SUBID_COUNT" ]] && ((s0 >= next)); then
			log "$file: keeping $user's overlapping ranges $s0:$SUBID_COUNT and $((s0 + OVERLAP_SHIFT)):$SUBID_COUNT"
			return
		fi
	fi
	remove_user_subids "$file" "$user"
	# Appending needs the last line to be terminated.
	if [[ -s $file && -n $(tail -c 1 "$file") ]]; then
		echo >>"$file"
	fi
	printf '%s:%d:%d\n%s:%d:%d\n' "$user" "$next" "$SUBID_COUNT" \
		"$user" "$((next + OVERLAP_SHIFT))" "$SUBID_COUNT" >>"$file"
	log "$file: gave $user the overlapping ranges $next:$SUBID_COUNT and $((next + OVERLAP_SHIFT)):$SUBID_COUNT"
}

ensure_userns_edge_users() {
	local u
	for u in "$NOSUB_USER" "$OVERLAP_USER"; do
		if id -u "$u" >/dev/null 2>&1; then
			log "user: $u exists (uid $(id -u "$u"))"
		else
			# useradd may add a subordinate range from login.defs; both
			# users get theirs replaced below.
			useradd -m -s /bin/bash "$u"
			log "user: created $u (uid $(id -u "$u"))"
		fi
	done
	remove_user_subids /etc/subuid "$NOSUB_USER"
	remove_user_subids /etc/subgid "$NOSUB_USER"
	ensure_overlapping_subids /etc/subuid "$OVERLAP_USER"
	ensure_overlapping_subids /etc/subgid "$OVERLAP_USER"
}
# ================================================================ END userns edge-case users

install_packages
ensure_user
ensure_subids /etc/subuid --add-subuids
ensure_subids /etc/subgid --add-subgids
ensure_devices
ensure_repo_access
ensure_runtime_dir
ensure_cgroup_delegation
ensure_userns_edge_users # BEGIN/END userns edge-case users section above
log "done"
