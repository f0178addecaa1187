#!/usr/bin/env bats
# run and create's process and sandbox flags (issue 14): --cidfile,
# --replace, --stop-signal, --stop-timeout, --ulimit, --shm-size, --sysctl,
# --group-add, --expose, --no-hosts, --umask, --tz, --unsetenv,
# --unsetenv-all, --env-host, --http-proxy, -q and --pull=newer. Each takes
# effect inside the container, or is refused with 125 and the reason; the
# last test compares the effects with podman 4.3.1's. Real runc, as the test
# user.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox multilayer
	# podman in a store of this file's (and its pause process stopped at
	# the end), never the test user's own.
	podman_optional_setup_file busybox
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# refused ARGS...: husk run ARGS exits 125 with one error line (left in
# $stderr) and creates no container.
refused() {
	local before
	before=$("$HUSK" ps -a -q --no-trunc)
	run_husk 125 run --rm "$@"
	expect_one_error_line
	expect_eq "$output" "" "stdout of a refused run"
	expect_eq "$("$HUSK" ps -a -q --no-trunc)" "$before" "containers after a refused run"
}

@test "--cidfile: the ID is written; an existing file is refused and kept" {
	local f=$BATS_TEST_TMPDIR/cid
	run_husk create --cidfile "$f" --name cid1 "$R/busybox" true
	local id=$output
	expect_match "$id" "$HEX64"
	expect_eq "$(cat "$f")" "$id" "the ID file"
	run_husk rm cid1
	echo keep >"$f"
	run_husk 125 run --rm --cidfile "$f" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--cidfile \"$f\" exists"
	expect_eq "$(cat "$f")" keep "the existing ID file"
	run_husk ps -a -q
	expect_eq "$output" "" "containers after the refusal"
	# A run that fails after the file was reserved leaves none behind.
	run_husk 125 run --rm --cidfile "$BATS_TEST_TMPDIR/cid2" "$R/no-such-image-here" true
	[[ ! -e $BATS_TEST_TMPDIR/cid2 ]] || die "the ID file of a failed run is left"
}

@test "--replace removes the running container of that name first; without --name it is refused" {
	run_husk run -d --name rep "$R/busybox" sleep 3141
	local old=$output
	run_husk run --replace --name rep -d "$R/busybox" sleep 2718
	local new=$output
	[[ $new != "$old" ]] || die "the container was not replaced"
	run_husk ps -a -q --no-trunc
	expect_eq "$output" "$new" "containers after --replace"
	# No container of that name: --replace just creates it.
	run_husk run --replace --rm --name rep2 "$R/busybox" echo fresh
	expect_eq "$output" fresh
	refused --replace "$R/busybox" true
	expect_contains "$stderr" "--replace needs --name"
}

@test "--stop-signal is what stop sends; an unknown signal is refused" {
	run_husk run -d --name sig --stop-signal USR1 "$R/busybox" sh -c \
		'trap "echo got-usr1; exit 3" USR1; echo ready; while :; do sleep 0.1; done'
	wait_until 10 logs_contain sig ready
	run_husk stop sig
	wait_until 10 logs_contain sig got-usr1
	expect_eq "$(ctr_field sig '{{.State.ExitCode}}')" 3 "exit code after stop"
	refused --stop-signal BOGUS "$R/busybox" true
	expect_contains "$stderr" '--stop-signal "BOGUS"'
}

@test "--stop-timeout is how long stop waits before SIGKILL (-t still wins)" {
	# The container ignores SIGTERM: stop must kill it after the timeout.
	run_husk run -d --name st --stop-timeout 1 "$R/busybox" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	wait_until 10 logs_contain st ready
	expect_eq "$(ctr_field st '{{.Config.StopTimeout}}')" 1 "recorded stop timeout"
	local t0
	t0=$(now_ms)
	run_husk stop st
	local took=$(($(now_ms) - t0))
	# The default would be 10 s; 1 s plus the kill is well under 8 s.
	((took < 8000)) || die "stop with --stop-timeout 1 took ${took} ms"
	expect_eq "$(ctr_field st '{{.State.ExitCode}}')" 137 "exit code after the kill"
	run_husk run -d --name st2 --stop-timeout 600 "$R/busybox" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	wait_until 10 logs_contain st2 ready
	t0=$(now_ms)
	run_husk stop -t 0 st2
	took=$(($(now_ms) - t0))
	((took < 8000)) || die "stop -t 0 of a --stop-timeout 600 container took ${took} ms"
}

@test "--ulimit sets soft and hard limits, host copies husk's; raising the hard limit rootless is refused" {
	run_husk run --rm --ulimit nofile=100:200 --ulimit core=0 "$R/busybox" sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
	expect_eq "$output" $'100\n200\n0'
	run_husk run --rm --ulimit nofile=64 "$R/busybox" sh -c 'ulimit -n; ulimit -Hn'
	expect_eq "$output" $'64\n64' "NAME=SOFT sets both"
	run_husk run --rm --ulimit host "$R/busybox" sh -c 'ulimit -Hn; ulimit -Hs'
	expect_eq "$output" "$(ulimit -Hn)"$'\n'"$(ulimit -Hs)" "--ulimit host"
	local hard
	hard=$(ulimit -Hn)
	if [[ $hard != unlimited ]]; then
		refused --ulimit "nofile=100:$((hard + 1))" "$R/busybox" true
		expect_contains "$stderr" "cannot be raised above your own hard limit ($hard)"
	fi
	refused --ulimit bogus=1 "$R/busybox" true
	expect_contains "$stderr" 'unknown limit "bogus"'
	refused --ulimit nofile=200:100 "$R/busybox" true
	expect_contains "$stderr" "above the hard limit"
}

@test "--shm-size sizes /dev/shm" {
	run_husk run --rm --shm-size 10m "$R/busybox" sh -c "df -k /dev/shm | awk 'NR==2 {print \$2}'"
	expect_eq "$output" 10240 "size of /dev/shm in KiB"
	run_husk run --rm "$R/busybox" sh -c "df -k /dev/shm | awk 'NR==2 {print \$2}'"
	expect_eq "$output" 65536 "default size of /dev/shm in KiB"
	refused --shm-size lots "$R/busybox" true
}

@test "--sysctl sets the container's namespaced sysctls; the host's are refused" {
	run_husk run --rm --sysctl kernel.shmmax=1000 --sysctl net.ipv4.ip_unprivileged_port_start=80 \
		--network none "$R/busybox" cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_unprivileged_port_start
	expect_eq "$output" $'1000\n80'
	refused --sysctl kernel.panic=1 "$R/busybox" true
	expect_contains "$stderr" '--sysctl "kernel.panic" is not allowed'
	refused --network host --sysctl net.ipv4.ip_forward=1 "$R/busybox" true
	expect_contains "$stderr" "cannot be set with --network=host"
	refused --sysctl noequals "$R/busybox" true
}

@test "--group-add adds groups by id or by the image's names; keep-groups needs crun and stands alone" {
	run_husk run --rm --group-add 4242 --group-add app "$R/busybox" id -G
	expect_eq "$output" "0 10 1000 4242" "groups of root (wheel from the image)"
	run_husk run --rm -u 1000:1000 --group-add wheel "$R/busybox" id -G
	expect_eq "$output" "1000 10" "groups of a user"
	refused --group-add nosuchgroup "$R/busybox" true
	expect_contains "$stderr" "nosuchgroup"
	refused --group-add keep-groups --group-add 10 "$R/busybox" true
	expect_contains "$stderr" "keep-groups cannot be given with other groups"
	# runc has no way to keep the caller's groups: never accepted and ignored.
	run_husk 125 --runtime runc run --rm --group-add keep-groups "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "needs the crun runtime"
}

@test "--expose adds ports that --publish-all publishes" {
	[[ $("$HUSK" info --format json) == *'"pasta"'* || $("$HUSK" info --format json) == *'"slirp4netns"'* ]] ||
		skip "needs pasta or slirp4netns"
	run_husk run -d --name ex -P --expose 8080 --expose 9000-9001/udp "$R/multilayer" sleep 3141
	run_husk port ex
	expect_match "$output" $'^80/tcp -> 0\\.0\\.0\\.0:[0-9]+\n8080/tcp -> 0\\.0\\.0\\.0:[0-9]+\n81/tcp -> 0\\.0\\.0\\.0:[0-9]+\n9000/udp -> 0\\.0\\.0\\.0:[0-9]+\n9001/udp -> 0\\.0\\.0\\.0:[0-9]+$' "husk port"
	refused --expose 0 "$R/busybox" true
	refused --expose 80/icmp "$R/busybox" true
}

@test "--no-hosts leaves /etc/hosts to the image; with --add-host it is refused" {
	run_husk run --rm --hostname hh "$R/busybox" cat /etc/hosts
	expect_contains "$output" "hh"
	# The test image has no /etc/hosts of its own.
	run_husk 1 run --rm --no-hosts "$R/busybox" cat /etc/hosts
	expect_contains "$stderr" "No such file or directory"
	run_husk run --rm --no-hosts "$R/busybox" cat /etc/hostname /etc/resolv.conf
	refused --no-hosts --add-host a:10.0.0.1 "$R/busybox" true
	expect_contains "$stderr" "--no-hosts and --add-host cannot be given together"
}

@test "--umask is the process's umask; an invalid one is refused" {
	run_husk run --rm --umask 0077 "$R/busybox" sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	expect_eq "$output" $'0077\n600'
	run_husk run --rm "$R/busybox" sh -c umask
	expect_eq "$output" 0022 "default umask"
	refused --umask 0999 "$R/busybox" true
	refused --umask 1777 "$R/busybox" true
}

@test "--tz places a zone (or the host's, local) at /etc/localtime" {
	[[ -f /usr/share/zoneinfo/Asia/Tokyo ]] || skip "needs the host's time zone files (tzdata)"
	run_husk run --rm --tz Asia/Tokyo "$R/busybox" date +%Z
	expect_eq "$output" JST
	run_husk run --rm --tz local "$R/busybox" date +%z
	expect_eq "$output" "$(date +%z)" "offset with --tz local"
	refused --tz Nowhere/Nothing "$R/busybox" true
	expect_contains "$stderr" '--tz "Nowhere/Nothing"'
	refused --tz ../../etc/passwd "$R/busybox" true
}

@test "--unsetenv drops default and image variables, --unsetenv-all all of them; -e still wins" {
	run_husk run --rm --unsetenv PATH --unsetenv container -e A=1 "$R/busybox" /bin/env
	expect_not_contains "$output" "PATH="
	expect_not_contains "$output" "container="
	expect_contains "$output" "A=1"
	expect_contains "$output" "HOME=/root"
	run_husk run --rm --unsetenv-all -e A=1 "$R/busybox" /bin/env
	expect_eq "$(grep -v '^HOSTNAME=' <<<"$output" | sort | tr '\n' ' ')" "A=1 HOME=/root " "environment with --unsetenv-all"
	run_husk run --rm --unsetenv PATH -e PATH=/bin "$R/busybox" /bin/env
	expect_contains "$output" "PATH=/bin"
	refused --unsetenv A=1 "$R/busybox" true
}

@test "--env-host copies husk's environment; proxy variables pass unless --http-proxy=false" {
	run env FOO=bar http_proxy=http://proxy:3128 NO_PROXY=.local "$HUSK" run --rm --env-host -e FOO=mine "$R/busybox" /bin/env
	expect_eq "$status" 0
	expect_contains "$output" "FOO=mine"
	expect_contains "$output" "HOME=$HOME"
	expect_contains "$output" "USER=$USER"
	expect_not_contains "$output" "_CONTAINERS_" "husk's internal variables"
	expect_not_contains "$output" "HUSK_USERNS" "husk's internal variables"
	run env FOO=bar http_proxy=http://proxy:3128 NO_PROXY=.local "$HUSK" run --rm "$R/busybox" /bin/env
	expect_eq "$status" 0
	expect_contains "$output" "http_proxy=http://proxy:3128"
	expect_contains "$output" "NO_PROXY=.local"
	expect_not_contains "$output" "FOO="
	run env http_proxy=http://proxy:3128 "$HUSK" run --rm --http-proxy=false "$R/busybox" /bin/env
	expect_eq "$status" 0
	expect_not_contains "$output" "http_proxy"
	run env http_proxy=http://proxy:3128 "$HUSK" run --rm -e http_proxy=mine "$R/busybox" /bin/env
	expect_contains "$output" "http_proxy=mine"
}

@test "-q: a run that pulls shows no progress" {
	# runc named: no notice of a fallback from crun on a new store either.
	use_store quiet
	run_husk --runtime runc run --rm -q "$R/busybox" echo hi
	expect_eq "$output" hi
	expect_eq "$stderr" "" "stderr of run -q that pulled"
	use_store quiet-not
	run_husk --runtime runc run --rm "$R/busybox" echo hi
	[[ -n $stderr ]] || die "run without -q that pulled showed no progress"
}

@test "--pull=newer pulls when the registry's image differs from the stored one" {
	local img=$HUSK_TEST_REGISTRY/bats-runflags/newer:t$$-$RANDOM
	run_husk push -q "$R/busybox" "$img"
	run_husk run --rm "$img" true
	local first
	first=$("$HUSK" image inspect --format '{{.Id}}' "$img")
	run_husk push -q "$R/multilayer" "$img"
	run_husk run --rm --pull=missing "$img" true
	expect_eq "$("$HUSK" image inspect --format '{{.Id}}' "$img")" "$first" "image after --pull=missing"
	run_husk run --rm --pull=newer "$img" true
	expect_eq "$("$HUSK" image inspect --format '{{.Id}}' "$img")" "$(oci_image_id multilayer)" "image after --pull=newer"
	run_husk run --rm --pull=newer "$img" true
	refused --pull=sometimes "$R/busybox" true
}

@test "the flags do what podman 4.3.1's do (same output, same refusals)" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	command -v runc >/dev/null || skip "needs runc (the runtime both use here)"
	pm run --rm "$R/busybox" true 2>/dev/null || skip "podman cannot run containers here"
	# Flags, then the shell script both run (absolute paths: some cases
	# unset PATH). podman sets TERM=xterm without a terminal too, and its
	# own container=podman: not these flags' business.
	local cases=(
		"--ulimit nofile=100:200" "ulimit -n; ulimit -Hn"
		"--shm-size 10m" "/bin/df -k /dev/shm | /bin/awk 'NR==2 {print \$2}'"
		"--sysctl kernel.shmmax=1000" "/bin/cat /proc/sys/kernel/shmmax"
		"--umask 0077" "umask"
		"--tz Asia/Tokyo" "/bin/date +%Z"
		"--group-add 4242 --group-add app" "/bin/id -G"
		"-u 1000:1000 --group-add wheel" "/bin/id -G"
		"--unsetenv-all -e A=1" "/bin/env | /bin/grep -v -e ^HOSTNAME= -e ^PWD= -e ^SHLVL= | /bin/sort"
		"--unsetenv PATH -e A=1" "/bin/env | /bin/grep -v -e ^HOSTNAME= -e ^PWD= -e ^SHLVL= -e ^container= -e ^TERM= | /bin/sort"
		"--no-hosts" "/bin/cat /etc/hosts 2>&1; echo \$?"
	)
	local k flags script mine
	for ((k = 0; k < ${#cases[@]}; k += 2)); do
		flags=${cases[k]} script=${cases[k + 1]}
		# shellcheck disable=SC2086 # the flags are words
		run_expect 0 "$HUSK" run --rm $flags "$R/busybox" /bin/sh -c "$script"
		mine=$output
		# shellcheck disable=SC2086
		run_expect 0 pm run --rm $flags "$R/busybox" /bin/sh -c "$script"
		expect_eq "$mine" "$output" "husk's output with $flags (podman's expected)"
	done
	for flags in "--sysctl kernel.panic=1" "--umask 0999" "--ulimit bogus=1" "--stop-signal BOGUS" \
		"--no-hosts --add-host a:10.0.0.1" "--group-add keep-groups --group-add 10" "--replace" \
		"--tz Nowhere/Nothing" "--sysctl net.ipv4.ip_forward=1 --network host"; do
		# shellcheck disable=SC2086
		run_expect 125 "$HUSK" run --rm $flags "$R/busybox" true
		# shellcheck disable=SC2086
		run_expect 125 pm run --rm $flags "$R/busybox" true
	done
}

# ---------------------------------------------------------------- namespaces, OOM score, personality

@test "--pid, --ipc, --uts host: the host's namespaces (host name included); --hostname with --uts host is refused" {
	run_husk run --rm --pid host --ipc host --uts host "$R/busybox" sh -c \
		'for n in pid ipc uts; do readlink /proc/self/ns/$n; done; hostname; cat /etc/hostname; echo $HOSTNAME; ps -o pid | wc -l'
	local -a l=("${lines[@]}")
	expect_eq "${l[0]}" "$(readlink /proc/self/ns/pid)" "PID namespace"
	expect_eq "${l[1]}" "$(readlink /proc/self/ns/ipc)" "IPC namespace"
	expect_eq "${l[2]}" "$(readlink /proc/self/ns/uts)" "UTS namespace"
	expect_eq "${l[3]}" "$(hostname)" "hostname"
	expect_eq "${l[4]}" "$(hostname)" "/etc/hostname"
	expect_eq "${l[5]}" "$(hostname)" "HOSTNAME"
	((l[6] > 10)) || die "ps in the host's PID namespace shows only ${l[6]} lines"
	run_husk run --rm "$R/busybox" readlink /proc/self/ns/pid
	[[ $output != "$(readlink /proc/self/ns/pid)" ]] || die "the default PID namespace is the host's"
	refused --uts host --hostname foo "$R/busybox" true
	expect_contains "$stderr" "--hostname cannot be given with --uts host"
	refused --ipc host --sysctl kernel.shmmax=1 "$R/busybox" true
	expect_contains "$stderr" "cannot be set with --ipc=host"
	refused --pid bogus "$R/busybox" true
	refused --ipc ns:relative "$R/busybox" true
	refused --uts ns:/no/such/ns "$R/busybox" true
	refused --pid container:no-such-ctr "$R/busybox" true
	refused --cgroupns container:x "$R/busybox" true
}

@test "--pid, --ipc, --uts container:NAME join a running container's namespaces" {
	run_husk run -d --name nsowner --hostname ownerhost "$R/busybox" sh -c 'echo ready; exec sleep 3141'
	wait_until 10 logs_contain nsowner ready
	local pid
	pid=$(ctr_pid nsowner)
	run_husk run --rm --pid container:nsowner --ipc container:nsowner --uts container:nsowner "$R/busybox" sh -c \
		'for n in pid ipc uts; do readlink /proc/self/ns/$n; done; hostname; ps -o args | grep -c "^sleep 3141"'
	expect_eq "${lines[0]}" "$(readlink "/proc/$pid/ns/pid")" "PID namespace"
	expect_eq "${lines[1]}" "$(readlink "/proc/$pid/ns/ipc")" "IPC namespace"
	expect_eq "${lines[2]}" "$(readlink "/proc/$pid/ns/uts")" "UTS namespace"
	expect_eq "${lines[3]}" ownerhost "host name of the joined UTS namespace"
	expect_eq "${lines[4]}" 1 "the owner's sleep seen in its PID namespace"
	# ns:PATH joins the same namespace by its path.
	run_husk run --rm --ipc "ns:/proc/$pid/ns/ipc" "$R/busybox" readlink /proc/self/ns/ipc
	expect_eq "$output" "$(readlink "/proc/$pid/ns/ipc")" "IPC namespace joined by path"
	# Created while the owner runs, started after it stopped: refused then.
	run_husk create --name joiner --pid container:nsowner "$R/busybox" true
	run_husk stop -t 0 nsowner
	run_husk 125 start joiner
	expect_contains "$stderr" "not running: start it first"
}

@test "--cgroupns private gives the container its own cgroup root; host keeps the host's view" {
	[[ -e /proc/self/ns/cgroup ]] || skip "needs cgroup namespaces"
	run_husk run --rm --cgroupns private "$R/busybox" readlink /proc/self/ns/cgroup
	[[ $output != "$(readlink /proc/self/ns/cgroup)" ]] || die "--cgroupns private: the host's cgroup namespace"
	run_husk run --rm --cgroupns host "$R/busybox" readlink /proc/self/ns/cgroup
	expect_eq "$output" "$(readlink /proc/self/ns/cgroup)" "--cgroupns host"
	refused --cgroupns bogus "$R/busybox" true
}

@test "--oom-score-adj sets the process's score; rootless, lowering it below husk's own is refused" {
	run_husk run --rm --oom-score-adj 500 "$R/busybox" cat /proc/self/oom_score_adj
	expect_eq "$output" 500
	local own
	own=$(cat /proc/self/oom_score_adj)
	if ((own > -1000)); then
		refused --oom-score-adj $((own - 1)) "$R/busybox" true
		expect_contains "$stderr" "cannot be lowered below husk's own ($own)"
	fi
	refused --oom-score-adj 1001 "$R/busybox" true
}

@test "--personality LINUX32: refused with runc, which would ignore it; with crun uname says 32-bit" {
	run_husk 125 --runtime runc run --rm --personality LINUX32 "$R/busybox" uname -m
	expect_one_error_line
	expect_contains "$stderr" "--personality needs the crun runtime"
	refused --personality LINUX64 "$R/busybox" true
	if "$HUSK" --runtime crun run --rm "$R/busybox" true 2>/dev/null; then
		run_husk --runtime crun run --rm --personality LINUX32 "$R/busybox" uname -m
		expect_match "$output" '^i[3-6]86$' "uname -m with LINUX32"
	fi
}

# ---------------------------------------------------------------- streams

@test "-a picks the streams of a foreground run; -i still connects stdin; with -d it is refused" {
	run_husk run --rm -a stdout "$R/busybox" sh -c 'echo out; echo err >&2'
	expect_eq "$output" out "stdout"
	expect_eq "$stderr" "" "stderr (not attached)"
	run_husk 3 run --rm -a stderr "$R/busybox" sh -c 'echo out; echo err >&2; exit 3'
	expect_eq "$output" "" "stdout (not attached)"
	expect_eq "$stderr" err "stderr"
	run_husk run --rm -a stdin -a stdout "$R/busybox" cat <<<"typed"
	expect_eq "$output" typed "stdin attached by -a stdin"
	run_husk run --rm -i -a stdout "$R/busybox" cat <<<"typed"
	expect_eq "$output" typed "stdin with -i (as podman)"
	run_husk run --rm -a stdout "$R/busybox" cat <<<"typed"
	expect_eq "$output" "" "stdin not attached"
	refused -a bogus "$R/busybox" true
	expect_contains "$stderr" 'invalid --attach stream "bogus"'
	refused -d -a stdout "$R/busybox" true
}

@test "--log-driver: k8s-file and json-file keep the log, none keeps nothing (logs says so), passthrough is for the foreground" {
	run_husk run -d --name lk --log-driver json-file "$R/busybox" echo kept
	run_husk wait lk
	run_husk logs lk
	expect_eq "$output" kept "logs with json-file"
	run_husk run -d --name lnone --log-driver none "$R/busybox" sh -c 'echo gone; echo gone >&2'
	run_husk wait lnone
	run_husk 125 logs lnone
	expect_one_error_line
	expect_contains "$stderr" "uses --log-driver=none: its output is not kept"
	local dir
	dir=$(ctr_field lnone '{{.Bundle}}')
	[[ ! -e ${dir%/config.json}/ctr.log ]] || die "a log file with --log-driver none: $(cat "${dir%/config.json}/ctr.log")"
	# A foreground run keeps its output in the log too, unless the driver
	# keeps none.
	run_husk run --name fgnone --log-driver none "$R/busybox" echo shown
	expect_eq "$output" shown
	run_husk 125 logs fgnone
	expect_contains "$stderr" "its output is not kept"
	run_husk rm fgnone
	run_husk run --rm --log-driver passthrough "$R/busybox" sh -c 'echo out; echo err >&2'
	expect_eq "$output" out
	expect_eq "$stderr" err
	refused -d --log-driver passthrough "$R/busybox" true
	refused --log-driver journald "$R/busybox" true
	expect_contains "$stderr" 'unsupported --log-driver "journald"'
}

# ---------------------------------------------------------------- images

@test "--arch, --os and --variant pick the image as --platform does; with --platform they are refused" {
	use_store arch
	run_husk run --rm -q --network none --arch arm64 "$R/multiarch" cat /arch
	expect_eq "$output" arm64 "/arch of the image run with --arch arm64"
	run_husk image inspect --format '{{.Os}}/{{.Architecture}}' "$R/multiarch"
	expect_eq "$output" linux/arm64
	run_husk run --rm -q --network none --os linux --arch amd64 "$R/multiarch" cat /arch
	expect_eq "$output" amd64 "/arch with --os linux --arch amd64"
	refused --arch arm64 --platform linux/arm64 "$R/multiarch" true
	expect_contains "$stderr" "--platform cannot be given with --os, --arch or --variant"
	refused --arch nosucharch "$R/multiarch" true
	expect_contains "$stderr" 'unknown architecture "nosucharch"'
}

# ---------------------------------------------------------------- mounts

@test "--mount type=ramfs and type=devpts mount new instances; they take no source" {
	run_husk run --rm --mount type=ramfs,target=/r --mount type=devpts,target=/dp "$R/busybox" sh -c \
		'grep -e " /r " -e " /dp " /proc/mounts | cut -d" " -f1-3; echo x >/r/f; cat /r/f'
	expect_eq "$output" $'ramfs /r ramfs\ndevpts /dp devpts\nx'
	run_husk run --rm --mount type=ramfs,target=/r,readonly "$R/busybox" sh -c 'grep " /r " /proc/mounts | cut -d" " -f4'
	expect_match "$output" '^ro,' "options of a read-only ramfs"
	refused --mount type=ramfs,target=/r,source=x "$R/busybox" true
	expect_contains "$stderr" "type=ramfs takes only target= and readonly"
	refused --mount type=image,target=/i,source=x "$R/busybox" true
}

@test "--volumes-from mounts another container's bind mounts and volumes; :ro and :rw override; -v wins" {
	mkdir -p "$BATS_TEST_TMPDIR/shared"
	echo hostfile >"$BATS_TEST_TMPDIR/shared/f"
	run_husk create --name vsrc -v "$BATS_TEST_TMPDIR/shared:/shared:ro" -v vfvol:/data "$R/busybox" true
	run_husk run --rm --volumes-from vsrc "$R/busybox" sh -c 'cat /shared/f; echo in-volume >/data/v; touch /shared/x 2>/dev/null || echo read-only'
	expect_eq "$output" $'hostfile\nread-only'
	run_husk run --rm --volumes-from vsrc:rw "$R/busybox" sh -c 'cat /data/v; touch /shared/x && echo writable'
	expect_eq "$output" $'in-volume\nwritable'
	run_husk run --rm --volumes-from vsrc:ro "$R/busybox" sh -c 'touch /data/y 2>/dev/null || echo read-only'
	expect_eq "$output" read-only
	run_husk run --rm --volumes-from vsrc --tmpfs /data "$R/busybox" sh -c 'ls /data | wc -l'
	expect_eq "$output" 0 "own mount on /data wins"
	refused --volumes-from no-such-ctr "$R/busybox" true
	refused --volumes-from vsrc:rx "$R/busybox" true
	run_husk rm vsrc
	run_husk volume rm vfvol
}

@test "--hostuser adds a host account to the container's /etc/passwd (-u may name it); an unknown one is refused" {
	local me
	me=$(id -un)
	run_husk run --rm --hostuser "$me" -u "$me" "$R/busybox" sh -c "grep ^$me: /etc/passwd; id -u"
	expect_eq "$output" "$me:*:$(id -u):$(id -g):$(getent passwd "$me" | cut -d: -f5):/:/bin/sh"$'\n'"$(id -u)" "as podman 4.3.1 writes it"
	run_husk run --rm --hostuser 0 "$R/busybox" grep -c ^root: /etc/passwd
	expect_eq "$output" 1 "root entries (the image's kept, no second one)"
	refused --hostuser no-such-host-user "$R/busybox" true
	expect_contains "$stderr" "no such user in the host's /etc/passwd"
}

@test "--preserve-fds N passes descriptors 3.. to a foreground container; missing ones and -d are refused" {
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	run_husk run --rm --preserve-fds 2 "$R/busybox" sh -c 'cat <&3; cat <&4; test -e /proc/self/fd/5 || echo no-5' \
		3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5<&-
	expect_eq "$output" $'three\nfour\nno-5'
	run_husk 125 run --rm --preserve-fds 2 "$R/busybox" true 3<"$BATS_TEST_TMPDIR/f3" 4<&-
	expect_one_error_line
	expect_contains "$stderr" "descriptor 4 was not passed to husk"
	run_husk 125 run -d --preserve-fds 1 "$R/busybox" true 3<"$BATS_TEST_TMPDIR/f3"
	expect_one_error_line
	expect_contains "$stderr" "--preserve-fds is for a run in the foreground"
}

@test "--passwd-entry writes the user's passwd line when the image has none (as podman 4.3.1), keep-id's too" {
	local tmpl='$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/false'
	run_husk run --rm -u 4242:4343 --passwd-entry "$tmpl" "$R/busybox" sh -c 'grep ^4242: /etc/passwd; whoami'
	expect_eq "$output" $'4242:x:4242:4343:container user:/:/bin/false\n4242'
	run_husk run --rm --passwd-entry "$tmpl" "$R/busybox" grep -c :/bin/false /etc/passwd
	expect_eq "$output" 1 "lines with /bin/false (nobody's; root is the image's: nothing added)"
	run_husk run --rm --userns keep-id --passwd-entry "$tmpl" "$R/busybox" grep "^$(id -un):" /etc/passwd
	expect_match "$output" "^$(id -un):x:$(id -u):$(id -g):[^:]*:[^:]*:/bin/false$"
	refused --passwd-entry 'x:x:$UID' "$R/busybox" true
	expect_contains "$stderr" "give one passwd line of 7 fields"
}

@test "--sig-proxy: true is what husk does; false (foreground) and --detach-keys other than \"\" without -t -i are refused with the reason" {
	run_husk run --rm --sig-proxy=true "$R/busybox" echo ok
	expect_eq "$output" ok
	refused --sig-proxy=false "$R/busybox" true
	expect_contains "$stderr" "cannot leave a foreground container running"
	# Detached, husk forwards nothing anyway: false is what happens.
	run_husk run -d --name sp --sig-proxy=false "$R/busybox" true
	run_husk run --rm --detach-keys= "$R/busybox" echo ok
	expect_eq "$output" ok
	# (With -t -i the keys detach: 606-detach.bats.)
	refused --detach-keys ctrl-p,ctrl-q "$R/busybox" true
	expect_contains "$stderr" "husk detaches only from a container's terminal that takes input"
}
