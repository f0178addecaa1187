#!/usr/bin/env bats
# cgroups of husk's root mode: the OCI runtime gets linux.cgroupsPath
# "/husk/<id>" and linux.resources for every limit flag, and enforces them
# (on this project's hybrid CI machine, through the cgroup v1 controllers):
# --pids-limit makes fork fail, --memory with --memory-swap gets the
# process OOM-killed, --cpus sets the CFS quota; update changes a running
# container's limits; the container's cgroups go with it. Runs as ROOT with
# a private store under $BATS_FILE_TMPDIR (husk --root/--runroot); the
# rootless run skips it. Invoke as root, e.g. from the staged copy:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-cgroups.bats"

load helpers

# Every container runs with --network none: this file is about cgroups, and
# its containers need no network.

# root_problem: why this file cannot run here, or nothing.
root_problem() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (tests husk's root mode and the host's cgroups): run this file as root, see its header"
		return
	fi
	test_env_problem
}

setup_file() {
	root_setup_file || return 0
	# Every husk command of this file uses the private store.
	export STORE_DIR=$BATS_FILE_TMPDIR/store
	husk_with_store "$STORE_DIR/root" "$STORE_DIR/run"
	"$HUSK" pull -q --tls-verify=false "$R/busybox" >/dev/null
	"$HUSK" run --rm --network none "$R/busybox" true 2>/dev/null

	export CG_MODE
	CG_MODE=$("$HUSK" info --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["cgroups"]["mode"])')
}

setup() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || skip "$HUSK_SKIP_REASON"
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || return 0
	"$HUSK" rm -a -f >/dev/null 2>&1 || true
	"$HUSK" system reset -f >/dev/null || echo "# husk system reset -f failed for $STORE_DIR" >&2
}

# v1_file CTRL ID FILE: a file of the container's cgroup v1 directory.
v1_file() { echo "/sys/fs/cgroup/$1/husk/$2/$3"; }

# need_v1 CTRL: skip unless CTRL is a cgroup v1 hierarchy here (the v1
# readbacks are for hybrid and v1 hosts; cgroup v2 has its own tests).
need_v1() {
	[[ $(stat -f -c %T "/sys/fs/cgroup/$1" 2>/dev/null) == cgroupfs ]] ||
		skip "reads the cgroup v1 $1 controller, which this host does not mount (cgroups: $CG_MODE)"
}

# spec_of NAME: the generated config.json's linux section (husk container
# inspect's OCIConfig), as JSON.
spec_linux() {
	run_husk container inspect "$1" || return 1
	json 'd[0]["OCIConfig"]["linux"]'
}

# container_cgroups ID: every cgroup directory (v1 and v2) named for the
# container.
container_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/husk/"$1" /sys/fs/cgroup/husk/"$1"; do
		[[ -e $d ]] && echo "$d"
	done
	return 0
}

no_container_cgroups() { [[ -z $(container_cgroups "$1") ]]; }

@test "config.json: cgroupsPath /husk/<id> and linux.resources for every limit flag, enforced by the v1 controllers" {
	# --blkio-weight depends on the kernel's I/O schedulers: its own test below.
	run_husk create --network none --name all --memory 64m --memory-reservation 32m --memory-swap 128m \
		--cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 --pids-limit 50 \
		"$R/busybox" sleep 1000
	local id=$output
	local want='{"cpu": {"cpus": "0", "period": 100000, "quota": 50000, "shares": 512}, "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728}, "pids": {"limit": 50}}'
	# inspect shows what config.json will say before the container starts,
	# and what it says once it has started.
	local when
	for when in created started; do
		[[ $when == created ]] || run_husk start all
		run_husk container inspect all
		expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["cgroupsPath"]')" "/husk/$id" "linux.cgroupsPath ($when)"
		expect_eq "$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))' "$(json 'd[0]["OCIConfig"]["linux"]["resources"]')")" \
			"$want" "linux.resources ($when)"
	done
	# The bundle's config.json says the same.
	local bundle
	bundle=$(json 'd[0]["Bundle"]')
	expect_eq "$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["linux"]; print(l["cgroupsPath"], json.dumps(l["resources"], sort_keys=True))' "$bundle/config.json")" \
		"/husk/$id $want" "$bundle/config.json"
	expect_eq "$(json 'd[0]["HuskConfig"]["resources"]["pidsLimit"]')" 50 "Config.resources.pidsLimit"

	# The init is in /husk/<id> of every hierarchy.
	local pid
	pid=$(ctr_pid all)
	local bad
	bad=$(grep -v ":/husk/$id\$" "/proc/$pid/cgroup" | grep -v '^[0-9]*:misc:' || true)
	expect_eq "$bad" "" "cgroups of the container's init outside /husk/$id"

	[[ $CG_MODE != v2 ]] || return 0 # the v1 readbacks below
	expect_eq "$(cat "$(v1_file memory "$id" memory.limit_in_bytes)")" 67108864 "memory.limit_in_bytes"
	expect_eq "$(cat "$(v1_file memory "$id" memory.soft_limit_in_bytes)")" 33554432 "memory.soft_limit_in_bytes"
	if [[ -e $(v1_file memory "$id" memory.memsw.limit_in_bytes) ]]; then
		expect_eq "$(cat "$(v1_file memory "$id" memory.memsw.limit_in_bytes)")" 134217728 "memory.memsw.limit_in_bytes"
	fi
	expect_eq "$(cat "$(v1_file cpu "$id" cpu.cfs_quota_us)")" 50000 "cpu.cfs_quota_us"
	expect_eq "$(cat "$(v1_file cpu "$id" cpu.cfs_period_us)")" 100000 "cpu.cfs_period_us"
	expect_eq "$(cat "$(v1_file cpu "$id" cpu.shares)")" 512 "cpu.shares"
	expect_eq "$(cat "$(v1_file cpuset "$id" cpuset.cpus)")" 0 "cpuset.cpus"
	expect_eq "$(cat "$(v1_file pids "$id" pids.max)")" 50 "pids.max"

	run_husk rm -f all
	wait_until 5 no_container_cgroups "$id"
}

# host_has_io_weight: whether a container's cgroup here can take a weight,
# told independently of husk: BFQ among the kernel's I/O schedulers (it
# brings blkio.bfq.weight / io.bfq.weight), or io.cost on cgroup v2.
host_has_io_weight() {
	grep -qw bfq /sys/block/*/queue/scheduler 2>/dev/null && return 0
	[[ $CG_MODE == v2 && -e /sys/fs/cgroup/io.cost.qos ]]
}

@test "--blkio-weight: written where the kernel has a weight file, else refused with 125 naming BFQ, before anything is created" {
	if host_has_io_weight; then
		run_husk run -d --network none --name bw --blkio-weight 300 "$R/busybox" sleep 1000
		local id=$output
		run_husk container inspect bw
		expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["resources"]["blockIO"]["weight"]')" 300 "blockIO.weight"
		if [[ $CG_MODE != v2 ]]; then
			local bw
			for bw in blkio.bfq.weight blkio.weight; do
				if [[ -e $(v1_file blkio "$id" $bw) ]]; then
					expect_eq "$(cat "$(v1_file blkio "$id" $bw)")" 300 "$bw"
					break
				fi
			done
		fi
		run_husk rm -f bw
		return
	fi
	# No proportional-weight scheduler: husk refuses (runc would fail on
	# a missing blkio.bfq.weight half-way through the create).
	local before
	before=$("$HUSK" ps -a -q | wc -l)
	run_husk 125 run --network none --name bw --blkio-weight 300 "$R/busybox" true
	expect_contains "$stderr" "--blkio-weight needs a proportional-weight I/O scheduler"
	expect_contains "$stderr" "BFQ is not loaded"
	expect_contains "$stderr" "modprobe bfq"
	expect_contains "$stderr" "or run without --blkio-weight"
	expect_eq "$("$HUSK" ps -a -q | wc -l)" "$before" "containers after the refusal"
	run_husk 125 create --network none --blkio-weight 300 "$R/busybox" true
	expect_contains "$stderr" "--blkio-weight needs a proportional-weight I/O scheduler"
	# update is checked the same way.
	run_husk run -d --network none --name bwu "$R/busybox" sleep 1000
	run_husk 125 update --blkio-weight 300 bwu
	expect_contains "$stderr" "--blkio-weight needs a proportional-weight I/O scheduler"
	run_husk rm -f bwu
}

@test "--cpuset-cpus naming a CPU the host does not have is refused with 125 before anything is created" {
	local n
	n=$(getconf _NPROCESSORS_CONF)
	run_husk 125 run --network none --cpuset-cpus "$((n + 3))" "$R/busybox" true
	expect_contains "$stderr" "which this host does not have (online CPUs: "
}

@test "config.json: --cpu-weight becomes cpu shares on cgroup v1 (and unified cpu.weight on v2)" {
	run_husk run -d --network none --name cw --cpu-weight 50 "$R/busybox" sleep 1000
	local id=$output
	run_husk container inspect cw
	if [[ $CG_MODE == v2 ]]; then
		expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["resources"]["unified"]["cpu.weight"]')" 50 "unified cpu.weight"
	else
		# The smallest shares that read back as weight 50 (1 + (s-2)*9999/262142).
		expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["resources"]["cpu"]["shares"]')" 1287 "cpu.shares in the spec"
		expect_eq "$(json '"unified" in d[0]["OCIConfig"]["linux"]["resources"]')" False "unified in a v1 spec"
		expect_eq "$(cat "$(v1_file cpu "$id" cpu.shares)")" 1287 "cpu.shares"
	fi
	run_husk rm -f cw
}

@test "config.json without limits: cgroupsPath still /husk/<id>, no resources; --cgroups=disabled: neither" {
	run_husk run -d --network none --name plain "$R/busybox" sleep 1000
	local id=$output
	run_husk container inspect plain
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["cgroupsPath"]')" "/husk/$id" "linux.cgroupsPath"
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"].get("resources")')" None "linux.resources"
	[[ $CG_MODE == v1 ]] ||
		expect_match "$(ctr_field plain '{{.HuskState.Cgroup}}')" "^/sys/fs/cgroup(/unified)?/husk/$id\$" "State.Cgroup"
	run_husk rm -f plain
	wait_until 5 no_container_cgroups "$id"

	run_husk run -d --network none --name nocg --cgroups=disabled "$R/busybox" sleep 1000
	id=$output
	run_husk container inspect nocg
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"].get("cgroupsPath", "")')" "" "linux.cgroupsPath with --cgroups=disabled"
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"].get("resources")')" None "linux.resources with --cgroups=disabled"
	expect_eq "$(container_cgroups "$id")" "" "cgroups of a --cgroups=disabled container"
	run_husk rm -f nocg
}

@test "enforced: --pids-limit 12 makes fork fail" {
	# (A limit above the threads of runc's init, a Go program that is in
	# the cgroup when runc sets the limit: with 5 it could fail to start a
	# thread and die before the container ran, "container process is
	# already dead".)
	run_husk '?' run --rm --network none --pids-limit 12 "$R/busybox" sh -c 'for i in $(seq 20); do sleep 30 & done; echo started'
	expect_contains "$stderr" "can't fork" "stderr of 20 background processes under --pids-limit 12"
	# The same without the limit forks fine.
	run_husk run --rm --network none "$R/busybox" sh -c 'for i in $(seq 20); do sleep 30 & done; echo started'
	expect_eq "$output" started "stdout without a limit"
	expect_eq "$stderr" "" "stderr of 20 background processes without a limit"
}

@test "enforced: --memory 20m --memory-swap 20m gets a growing process OOM-killed (137)" {
	# A string that doubles until the shell is killed.
	run_husk 137 run --rm --network none --memory 20m --memory-swap 20m "$R/busybox" sh -c 'a=x; while :; do a=$a$a; done'
	# Without the limit a 32 MiB string fits.
	run_husk run --rm --network none "$R/busybox" sh -c 'a=x; i=0; while [ $i -lt 25 ]; do a=$a$a; i=$((i+1)); done; echo ${#a}'
	expect_eq "$output" 33554432 "a 32 MiB string without a limit"
}

@test "enforced: --cpus 0.5 sets the CFS quota and a busy loop gets about half a CPU" {
	need_v1 cpu
	run_husk run -d --network none --name half --cpus 0.5 "$R/busybox" sh -c 'while :; do :; done'
	local id=$output
	expect_eq "$(cat "$(v1_file cpu "$id" cpu.cfs_quota_us)")" 50000 "cpu.cfs_quota_us"
	expect_eq "$(cat "$(v1_file cpu "$id" cpu.cfs_period_us)")" 100000 "cpu.cfs_period_us"
	local acct u1 u2
	acct=$(v1_file cpuacct "$id" cpuacct.usage)
	[[ -e $acct ]] || acct=$(v1_file cpu "$id" cpuacct.usage)
	u1=$(cat "$acct")
	sleep 2
	u2=$(cat "$acct")
	# 0.5 CPU for 2 s is 1 s of CPU time; allow for the period edges.
	(((u2 - u1) < 1300000000)) || die "a busy loop under --cpus 0.5 used $(((u2 - u1) / 1000000)) ms of CPU in 2 s"
	(((u2 - u1) > 500000000)) || die "a busy loop under --cpus 0.5 used only $(((u2 - u1) / 1000000)) ms of CPU in 2 s"
	run_husk rm -f half
	wait_until 5 no_container_cgroups "$id"
}

@test "update: a running container's limits change at once and are kept" {
	need_v1 pids
	run_husk run -d --network none --name upd --pids-limit 5 --memory 64m "$R/busybox" sleep 1000
	local id=$output
	expect_eq "$(cat "$(v1_file pids "$id" pids.max)")" 5 "pids.max"
	run_husk update --pids-limit 20 upd
	expect_eq "$output" "$id" "update's stdout"
	expect_eq "$(cat "$(v1_file pids "$id" pids.max)")" 20 "pids.max after update"
	expect_eq "$(cat "$(v1_file memory "$id" memory.limit_in_bytes)")" 67108864 "memory.limit_in_bytes (kept)"
	run_husk container inspect upd
	expect_eq "$(json 'd[0]["HuskConfig"]["resources"]["pidsLimit"]')" 20 "Config.resources.pidsLimit"
	expect_eq "$(json 'd[0]["HuskConfig"]["resources"]["memory"]')" 67108864 "Config.resources.memory"
	run_husk rm -f upd
	wait_until 5 no_container_cgroups "$id"
}

@test "cleanup: run --rm, stop + rm and rm -f leave no cgroup of the container in any hierarchy" {
	run_husk run --rm --network none --pids-limit 10 "$R/busybox" sed -n 's|^[0-9]*:pids:/husk/||p' /proc/self/cgroup
	local id=$output
	expect_match "$id" "$HEX64" "the --rm container's id from its pids cgroup"
	wait_until 5 no_container_cgroups "$id"

	run_husk run -d --network none --name stopme --memory 64m "$R/busybox" sleep 1000
	id=$output
	[[ -n $(container_cgroups "$id") ]] || die "no cgroup named for the running container $id"
	run_husk stop -t 1 stopme
	run_husk rm stopme
	wait_until 5 no_container_cgroups "$id"

	run_husk run -d --network none --name killme --pids-limit 10 "$R/busybox" sh -c 'sleep 1000 & sleep 1001 & wait'
	id=$output
	run_husk rm -f killme
	wait_until 5 no_container_cgroups "$id"
}
