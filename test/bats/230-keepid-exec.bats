#!/usr/bin/env bats
# exec into --userns=keep-id containers. Such a container has a user
# namespace of its own inside husk's, and the OCI runtime's exec joins it
# first: the network namespace husk makes for the container must belong to
# that user namespace (husk makes both together), or exec fails with the
# runtime's "error executing setns process".

load helpers

setup_file() { husk_setup_run_file busybox multilayer; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# exec_as_user_and_root NAME: exec works as the container's user (the
# invoking user's ids) and as root.
exec_as_user_and_root() {
	run_husk exec "$1" id -u
	expect_eq "$output" "$(id -u)" "exec id -u in $1"
	run_husk exec --user root "$1" id -u
	expect_eq "$output" 0 "exec --user root id -u in $1"
	run_husk exec -u 0:0 "$1" sh -c 'id -g; cat /proc/self/uid_map | wc -l'
	expect_eq "${lines[0]}" 0 "exec -u 0:0 id -g in $1"
}

@test "keep-id, default network: exec as the user and as root; the container owns its network (eth0 in its own sysfs)" {
	run_husk run -d --name k --userns=keep-id "$R/busybox" sleep 1000
	exec_as_user_and_root k
	run_husk exec k ls /sys/class/net
	expect_contains "$output" "lo"
	# Removal cleans up both namespace files.
	run_husk rm -f k
	expect_no_container_leftovers
	expect_eq "$(ls -A "$XDG_RUNTIME_DIR/husk/storage/husk-netns" 2>/dev/null | grep -v '^\.' | grep -E '^[0-9a-f]{64}$' || true)" "" "namespace directories left"
}

@test "keep-id with --network none, slirp4netns and a user network: exec works" {
	need_cmd slirp4netns
	run_husk run -d --name kn --network none --userns=keep-id "$R/busybox" sleep 1000
	exec_as_user_and_root kn
	run_husk run -d --name ks --network slirp4netns --userns=keep-id "$R/busybox" sleep 1000
	exec_as_user_and_root ks
	run_husk network create kidnet
	run_husk run -d --name ku --network kidnet --userns=keep-id "$R/busybox" sleep 1000
	exec_as_user_and_root ku
	run_husk exec ku sh -c 'ip -4 addr show eth0 | grep -c inet'
	expect_eq "$output" 1 "an address on the user network"
	run_husk rm -f kn ks ku
	run_husk network rm kidnet
}

@test "keep-id joining a keep-id container's network shares its user namespace; exec works in both" {
	run_husk run -d --name ka --userns=keep-id "$R/busybox" sleep 1000
	run_husk run -d --name kb --network container:ka --userns=keep-id "$R/busybox" sleep 1000
	exec_as_user_and_root kb
	exec_as_user_and_root ka
	# A container in husk's own user namespace may join it as well.
	run_husk run --rm --network container:ka "$R/busybox" id -u
	expect_eq "$output" 0 "plain container in ka's network"
}

@test "keep-id joining the network of a container without keep-id is refused at create with 125, nothing created" {
	run_husk run -d --name plain "$R/busybox" sleep 1000
	local before
	before=$("$HUSK" ps -a -q | wc -l)
	run_husk 125 run --rm --name kj --userns=keep-id --network container:plain "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "cannot join the network of container plain"
	expect_contains "$stderr" "--userns=keep-id as well"
	expect_eq "$("$HUSK" ps -a -q | wc -l)" "$before" "containers after the refusal"
}

@test "keep-id containers leave the image as it was: plain containers see its owners, system check is clean" {
	run_husk run --rm "$R/multilayer" stat -c '%u:%g %n' /home/app /data/owned
	local before=$output
	expect_eq "$before" $'1000:1000 /home/app\n1000:1000 /data/owned' "owners in the image"
	run_husk run --rm --userns=keep-id "$R/multilayer" true
	run_husk run -d --name km --userns=keep-id -w /home/app "$R/multilayer" sleep 1000
	run_husk exec km stat -c '%u:%g' /home/app /data/owned
	run_husk exec -u root km touch /data/owned
	run_husk stop -t 0 km
	run_husk start km
	run_husk rm -f km
	run_husk create --name kc --userns=keep-id "$R/multilayer" true
	run_husk start -a kc
	run_husk rm kc
	run_husk run --rm "$R/multilayer" stat -c '%u:%g %n' /home/app /data/owned
	expect_eq "$output" "$before" "owners seen by a plain container after keep-id containers"
	run_husk system check
	expect_eq "$output" "No problems found" "system check after keep-id containers"
}
