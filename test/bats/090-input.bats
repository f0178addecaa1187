#!/usr/bin/env bats
# Bad user input: every case is one line on stderr starting "husk: ",
# exit 125, before anything is created; never the runtime's error, a
# hang, an unbounded read or a wrong run. (The user without subordinate
# ids, whose -u has only uid 0, is in root-userns.bats.)

load helpers

setup_file() { husk_setup_run_file busybox; }

# expect_refused WHAT...: the last run_husk was a refusal: exit 125 (the
# caller's run_husk checked it), one "husk: " line, nothing on stdout, and
# stderr containing each WHAT.
expect_refused() {
	expect_one_error_line || return 1
	expect_eq "$output" "" "stdout" || return 1
	local w
	for w in "$@"; do
		expect_contains "$stderr" "$w" "stderr" || return 1
	done
}

# expect_nothing_created: the store holds no container, volume or network.
expect_nothing_created() {
	run_husk ps -a -q
	expect_eq "$output" "" "containers (husk ps -a)" || return 1
	expect_eq "$(storage_containers)" "" "containers in the storage library" || return 1
	run_husk volume ls -q
	expect_eq "$output" "" "volumes" || return 1
	run_husk network ls -q
	expect_eq "$output" "podman" "networks (the built-in default one only)"
}

# refused_run WHAT -- ARGS...: husk run --rm ARGS and husk create ARGS
# (busybox true after them) are refused naming WHAT, and nothing is made.
refused_run() {
	local what=$1
	shift 2
	run_husk 125 run --rm "$@" "$R/busybox" true
	expect_refused "$what" || return 1
	run_husk 125 create "$@" "$R/busybox" true
	expect_refused "$what" || return 1
	expect_nothing_created
}

# subid_count FILE: the size of the current user's first subordinate range.
subid_count() {
	awk -F: -v n="$(id -un)" -v u="$(id -u)" '$1 == n || $1 == u { print $3; exit }' "$1"
}

# ---------------------------------------------------------------- empty references

@test "an empty or blank reference names no container, image, network or volume" {
	run_husk create --name keep "$R/busybox" true
	local id=$output
	run_husk volume create vkeep
	run_husk network create nkeep
	local ref args
	for ref in "" " " "	"; do
		for args in "rm -f" "rm" "stop" "kill" "start" "inspect" "container inspect" "logs" "port" \
			"wait" "rename" "exec" "rmi" "rmi -f" "image inspect" "tag" "network rm" "network rm -f" \
			"network inspect" "volume rm" "volume inspect"; do
			local extra=()
			case $args in
			rename) extra=(newname) ;;
			exec) extra=(true) ;;
			tag) extra=(x:y) ;;
			esac
			# shellcheck disable=SC2086
			run_husk 125 $args "$ref" "${extra[@]}"
			expect_refused "empty" || die "husk $args '$ref'"
		done
	done
	# Nothing was removed: "" is a prefix of every ID, but no reference.
	run_husk ps -a -q --no-trunc
	expect_eq "$output" "$id" "containers"
	run_husk volume ls -q
	expect_eq "$output" "vkeep" "volumes"
	run_husk network ls -q
	expect_eq "$output" "$(printf 'nkeep\npodman')" "networks (and the built-in default one)"
	run_husk images -q
	expect_eq "${#lines[@]}" 1 "images"
	run_husk rm keep
	run_husk volume rm vkeep
	run_husk network rm nkeep
}

@test "rmi '' is husk's error (125), not podman's 1 for an unknown image" {
	run_husk 125 rmi ''
	expect_refused "empty image name"
	run_husk 1 rmi "$R/not-there"
}

@test "run and create with an empty or blank image name: 125, no pull" {
	local cmd img
	for cmd in run create; do
		for img in "" " "; do
			run_husk 125 $cmd "$img" true
			expect_refused "empty image name"
		done
	done
	expect_nothing_created
}

# ---------------------------------------------------------------- process flags

@test "-e =x, -e ' =x' and an env file's =x line: an empty variable name" {
	refused_run 'empty variable name' -- -e =x
	refused_run 'empty variable name' -- -e " =x"
	local f=$BATS_TEST_TMPDIR/env
	printf 'A=1\n=x\n' >"$f"
	refused_run "line 2: empty variable name" -- --env-file "$f"
	printf 'A B=1\n' >"$f"
	refused_run 'variable name "A B" contains white space' -- --env-file "$f"
}

@test "--hostname over 64 characters or with a newline or a space" {
	local long
	long=$(printf 'h%.0s' {1..65})
	refused_run "longer than 64 characters" -- --hostname "$long"
	refused_run 'host name "a\nb"' -- --hostname $'a\nb'
	refused_run 'host name "a b"' -- --hostname "a b"
	# 64 is the kernel's limit, and fits.
	run_husk run --rm --hostname "${long:1}" "$R/busybox" hostname
	expect_eq "$output" "${long:1}" "hostname"
}

@test "-u beyond the user's subordinate range: 125 naming the mapped uids; the last mapped uid runs" {
	local n
	n=$(subid_count /etc/subuid)
	[[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || skip "cannot read $(id -un)'s range from /etc/subuid"
	# husk's namespace has uids 0 (the user) and 1..n (the range).
	refused_run "uid $((n + 1)) is not mapped in the user namespace, which has uids 0-$n" -- -u $((n + 1))
	refused_run "uid 70000000 is not mapped" -- -u 70000000
	refused_run "gid $((n + 1)) is not mapped" -- -u "0:$((n + 1))"
	refused_run "not a valid id" -- -u 4294967296
	refused_run "uid $((n + 1)) is not mapped with --userns=keep-id" -- --userns keep-id -u $((n + 1))
	run_husk run --rm -u "$n:$n" "$R/busybox" id -u
	expect_eq "$output" "$n" "id -u"
}

@test "exec -u beyond the mapping and exec -e =x: 125, the container keeps running" {
	local n
	n=$(subid_count /etc/subuid)
	[[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || skip "cannot read $(id -un)'s range from /etc/subuid"
	run_husk run -d --name ex --network none "$R/busybox" sleep 300
	run_husk 125 exec -u $((n + 1)) ex id
	expect_refused "uid $((n + 1)) is not mapped"
	run_husk 125 exec -e =x ex true
	expect_refused "empty variable name"
	run_husk exec -u 1000 ex id -u
	expect_eq "$output" 1000 "exec -u 1000"
	expect_eq "$(ctr_status ex)" running "status"
	run_husk rm -f ex
}

@test "exec -u NAME when the container made its /etc/passwd a FIFO: 125 at once, not a hang" {
	run_husk run -d --name fifo --network none "$R/busybox" sh -c 'rm /etc/passwd && mkfifo /etc/passwd && echo made-fifo && sleep 300'
	wait_until 20 logs_contain fifo made-fifo
	# husk blocked in open(2), where even SIGTERM did not reach it. (The
	# runtime itself opens the container's /etc/passwd on every exec, so
	# nothing more is run in this container.)
	run_expect 125 timeout -s KILL 20 "$HUSK" exec -u app fifo id
	expect_refused "/etc/passwd" "is not a regular file (a FIFO)"
	run_husk rm -f fifo
}

@test "-w relative, --name with a space: refused before anything is made" {
	refused_run "must be an absolute path" -- -w rel
	refused_run "invalid container name" -- --name "a b"
}

# ---------------------------------------------------------------- mounts

@test "--tmpfs and --mount tmpfs options the kernel would refuse" {
	refused_run '--tmpfs "/x:size=abc": size "abc"' -- --tmpfs /x:size=abc
	refused_run 'mode "999"' -- --tmpfs /x:mode=999
	refused_run 'unknown tmpfs option "bogus"' -- --tmpfs /x:bogus
	refused_run 'size "1mb"' -- --mount type=tmpfs,target=/x,tmpfs-size=1mb
	# What the kernel takes still works.
	run_husk run --rm --tmpfs /x:size=1m,mode=0700 "$R/busybox" stat -c %a /x
	expect_eq "$output" 700 "mode of the tmpfs"
}

@test "mount destinations over /, /proc, /sys, /dev or inside /proc" {
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	# -v SRC:/ was exit 127 "command not found".
	refused_run "is the container's root" -- -v "$src:/"
	local d
	for d in /proc /sys /dev /x/../proc /proc/; do
		refused_run "would hide the container's" -- -v "$src:$d"
	done
	refused_run "inside /proc" -- -v "$src:/proc/sys/kernel"
	refused_run "would hide the container's /proc" -- --tmpfs /proc
	refused_run "would hide the container's /dev" -- --mount "type=bind,source=$src,target=/dev"
	refused_run "not an absolute path" -- -v "$src:rel"
}

@test "two mounts on one destination: 125 naming both" {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	mkdir -p "$a" "$b"
	refused_run "-v \"$a:/x\" and -v \"$b:/x/\" both mount on /x" -- -v "$a:/x" -v "$b:/x/"
	refused_run "both mount on /x" -- -v "$a:/x" --tmpfs /x
	refused_run "both mount on /x" -- --mount "type=bind,src=$a,dst=/x" -v "vol:/x"
}

@test "a bind mount of a missing host path, a bad volume name" {
	refused_run "bind mount source" -- -v /nonexistent-husk-input:/x
	refused_run "invalid volume name" -- -v "a b:/x"
	refused_run "invalid volume name" -- --mount type=volume,src=../x,dst=/x
}

# ---------------------------------------------------------------- files named by the user

@test "seccomp profile, env file and auth file that are devices, FIFOs, directories or too large" {
	local fifo=$BATS_TEST_TMPDIR/fifo big=$BATS_TEST_TMPDIR/big
	mkfifo "$fifo"
	truncate -s $((4 * 1024 * 1024 + 1)) "$big"
	# seccomp=/dev/zero read until the OOM killer stopped husk; a FIFO
	# waited for a writer. (timeout: a hang fails the test.)
	run_expect 125 timeout 60 "$HUSK" run --rm --security-opt seccomp=/dev/zero "$R/busybox" true
	expect_refused '"/dev/zero" is not a regular file (a character device)'
	run_expect 125 timeout 60 "$HUSK" run --rm --security-opt "seccomp=$fifo" "$R/busybox" true
	expect_refused "is not a regular file (a FIFO)"
	run_expect 125 timeout 60 "$HUSK" run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR" "$R/busybox" true
	expect_refused "is not a regular file (a directory)"
	run_expect 125 timeout 60 "$HUSK" run --rm --security-opt "seccomp=$big" "$R/busybox" true
	expect_refused "is larger than the limit of 4 MiB"
	printf '{"defaultAction": ' >"$BATS_TEST_TMPDIR/broken.json"
	run_expect 125 timeout 60 "$HUSK" run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/broken.json" "$R/busybox" true
	expect_refused "seccomp profile"

	run_expect 125 timeout 60 "$HUSK" run --rm --env-file /dev/zero "$R/busybox" true
	expect_refused "is not a regular file"
	run_expect 125 timeout 60 "$HUSK" run --rm --env-file "$fifo" "$R/busybox" true
	expect_refused "is not a regular file (a FIFO)"
	run_expect 125 timeout 60 "$HUSK" run --rm --env-file "$big" "$R/busybox" true
	expect_refused "is larger than the limit of 4 MiB"
	expect_nothing_created

	run_expect 125 timeout 60 "$HUSK" pull --authfile "$fifo" "$R/busybox"
	expect_refused "auth file" "is not a regular file (a FIFO)"
	run_expect 125 timeout 60 "$HUSK" login --authfile /dev/zero -u u -p p "$HUSK_TEST_REGISTRY"
	expect_refused "is not a regular file (a character device)"
}

# ---------------------------------------------------------------- store paths

@test "--root and --runroot relative to the working directory: a detached container's monitor finds the store" {
	local dir=$BATS_TEST_TMPDIR/work
	mkdir -p "$dir"
	cd "$dir"
	run_husk --root rel/root --runroot rel/run info --format json
	expect_eq "$(json 'd["store"]["graphRoot"]')" "$dir/rel/root" "graph root"
	expect_eq "$(json 'd["store"]["runRoot"]')" "$dir/rel/run" "run root"
	run_husk --root rel/root --runroot rel/run pull -q "$R/busybox"
	# The monitor runs in / and is given the store's paths.
	run_husk --root rel/root --runroot rel/run run -d --name rel --network none "$R/busybox" sleep 300
	cd /
	run_husk --root "$dir/rel/root" --runroot "$dir/rel/run" ps --format '{{.Names}} {{.State}}'
	expect_eq "$output" "rel running" "ps from another directory"
	run_husk --root "$dir/rel/root" --runroot "$dir/rel/run" system reset -f
	run_husk 125 --root " " info
	expect_refused "--root"
}

# ---------------------------------------------------------------- networks

@test "network create --subnet over loopback, reserved ranges or a host route" {
	run_husk 125 network create --subnet 127.0.0.0/24 n1
	expect_refused "overlaps loopback (127.0.0.0/8)"
	run_husk 125 network create --subnet 224.0.0.0/24 n1
	expect_refused "multicast"
	run_husk 125 network create --subnet 10.91.0.0/24 --gateway 10.91.0.255 n1
	expect_refused "broadcast"
	# A route of this host (not the default one), from /proc/net/route.
	local route
	route=$(python3 - <<'EOF'
import ipaddress, socket, struct
for line in open("/proc/net/route").read().splitlines()[1:]:
    f = line.split()
    if len(f) < 8 or int(f[7], 16) == 0:
        continue
    dst = socket.inet_ntoa(struct.pack("=I", int(f[1], 16)))
    mask = socket.inet_ntoa(struct.pack("=I", int(f[7], 16)))
    print(ipaddress.ip_network(dst + "/" + mask), f[0])
    break
EOF
	)
	if [[ -n $route ]]; then
		local net=${route% *} ifc=${route#* }
		run_husk 125 network create --subnet "$net" n1
		expect_refused "overlaps the host's route to $net ($ifc)"
	fi
	expect_nothing_created
	# An automatic subnet avoids them.
	run_husk network create n2
	run_husk network inspect n2
	local sn
	sn=$(json 'd[0]["subnets"][0]["subnet"]')
	expect_match "$sn" '^10\.89\.' "automatic subnet"
	run_husk network rm n2
	[[ -n $route ]] || skip "no route other than the default one in /proc/net/route"
}

@test "--dns-search, --dns-option and --add-host with a newline cannot add lines to resolv.conf or /etc/hosts" {
	refused_run "not a domain" -- --dns-search $'example.com\nnameserver 192.0.2.1'
	refused_run "not a resolv.conf option" -- --dns-option $'ndots:1\nnameserver'
	refused_run "invalid host name" -- --add-host $'a\n1.2.3.4 evil:10.0.0.1'
}

# ---------------------------------------------------------------- sizes

@test "sizes that overflowed or had junk after the unit" {
	refused_run "too large" -- --memory 99999999999999g
	refused_run "invalid size" -- --memory 10kbkb
	refused_run "invalid size" -- --log-opt max-size=1x
}
