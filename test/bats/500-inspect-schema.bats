#!/usr/bin/env bats
# inspect, info and version in podman's schema (issue 14, "drop-in for
# scripts"): the same command lines run with husk and with podman 4.3.1
# against the same set-up (a running container with a published port, a
# named volume, env and labels; an exited one with exit code 3; the image;
# a volume; a user network), and the key sets and JSON value types are
# compared at every level, as are the answers of --format templates.
#
# Where podman 4.3.1 differs from later podman, husk follows later podman
# (listed in SAME_AS_LATER_PODMAN in the comparison helper below):
# Config.Entrypoint is an array, as in docker and podman 5.0 (podman issue
# 13803; 4.3.1 prints one string).

load helpers

HPORT=18580
PPORT=18581

# P ARGS...: podman in a store of this file's own (its files are owned by
# subordinate ids; teardown_file resets it), with the file's registries.conf.
P() {
	XDG_DATA_HOME=$BATS_FILE_TMPDIR/podman/data XDG_RUNTIME_DIR=$BATS_FILE_TMPDIR/podman/run \
		podman --runtime "${PODMAN_RUNTIME:-crun}" "$@"
}

setup_file() {
	husk_setup_run_file busybox
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	write_compare "$BATS_FILE_TMPDIR/compare.py"
	# --label comes with another change; without it the labels are {}.
	export LABEL_ARGS=""
	if "$HUSK" run --help 2>/dev/null | grep -q -- '--label'; then
		LABEL_ARGS="--label a=b"
	fi
	"$HUSK" volume create b500v >/dev/null
	"$HUSK" network create --label x=y b500net >/dev/null
	"$HUSK" run -d --name web -p "$HPORT:80" -v b500v:/data -e FOO=bar $LABEL_ARGS "$R/busybox" sleep 1000 >/dev/null
	"$HUSK" run --name done "$R/busybox" sh -c 'exit 3' || true
	"$HUSK" run -d --name onnet --network b500net "$R/busybox" sleep 1000 >/dev/null
	export PODMAN_PROBLEM="" PODMAN_RUNTIME=crun
	if ! command -v podman >/dev/null; then
		PODMAN_PROBLEM="needs podman to compare with (apt-get install podman)"
		return 0
	fi
	mkdir -p "$BATS_FILE_TMPDIR/podman/data" && mkdir -p -m 0700 "$BATS_FILE_TMPDIR/podman/run"
	P pull -q --tls-verify=false "$R/busybox" >/dev/null 2>&1 || {
		PODMAN_PROBLEM="podman cannot pull $R/busybox"
		return 0
	}
	# crun refuses hybrid cgroup hosts; podman then needs runc, as husk
	# falls back to it.
	if ! P run --rm "$R/busybox" true >/dev/null 2>&1; then
		PODMAN_RUNTIME=runc
		P run --rm "$R/busybox" true >/dev/null 2>&1 || {
			PODMAN_PROBLEM="podman cannot run containers here (crun and runc both fail)"
			return 0
		}
	fi
	P volume create b500v >/dev/null
	P network create --label x=y b500net >/dev/null
	P run -d --name web -p "$PPORT:80" -v b500v:/data -e FOO=bar $LABEL_ARGS "$R/busybox" sleep 1000 >/dev/null
	P run --name done "$R/busybox" sh -c 'exit 3' || true
	P run -d --name onnet --network b500net "$R/busybox" sleep 1000 >/dev/null
}

teardown_file() {
	if [[ -z ${HUSK_SKIP_REASON:-} && -d $BATS_FILE_TMPDIR/podman/data ]]; then
		# The pause process podman started for this file's runtime
		# directory: reset does not stop it (by its pid, read first).
		local pid
		pid=$(cat "$BATS_FILE_TMPDIR/podman/run/libpod/tmp/pause.pid" 2>/dev/null) || true
		P rm -f -t 0 web done onnet >/dev/null 2>&1 || true
		P system reset -f >/dev/null 2>&1 || true
		[[ -z $pid ]] || kill "$pid" 2>/dev/null || true
	fi
	"$HUSK" rm -f web done onnet >/dev/null 2>&1 || true
	husk_teardown_file
}

setup() { husk_setup; }

need_podman() {
	[[ -z $PODMAN_PROBLEM ]] || skip "$PODMAN_PROBLEM"
}

# write_compare FILE: the comparison helper. compare.py PODMAN HUSK
# compares two inspect outputs (JSON) recursively: every key podman has
# must be there in husk's output with a value of the same JSON type (null
# on either side matches anything: both print null for what is empty), and
# husk may add only its own keys. In maps whose keys are data (labels,
# ports, ...) only the values' types are compared. Prints the differences,
# one a line.
write_compare() {
	cat >"$1" <<'EOF'
import json, sys

# Maps whose keys are data, not schema.
DATA_MAPS = {
    ".Config.Labels", ".Config.Annotations", ".NetworkSettings.Ports", ".HostConfig.PortBindings",
    ".HostConfig.Tmpfs", ".GraphDriver.Data", ".NetworkSettings.Networks", ".Labels", ".Annotations",
    ".Options", ".labels", ".ipam_options", ".HostConfig.LogConfig.Config", ".Config.Labels",
    ".Config.ExposedPorts", ".Config.Volumes", ".registries", ".store.graphOptions", ".store.graphStatus",
}
# husk's own keys beside podman's.
HUSK_EXTRA = {
    ".HuskConfig", ".HuskState", ".Bundle", ".OCIConfig", ".Layers",
    ".userns", ".runtimes", ".cgroups", ".network", ".defaultNetwork", ".transfers", ".lingering", ".fixes",
    ".store.driver", ".store.images", ".store.error",
}
# Keys podman prints only when set (omitempty) or only with a feature husk
# lacks.
OPTIONAL = {
    ".State.ConmonPid", ".State.CgroupPath", ".NeedsCopyUp", ".Config.CreateCommand", ".Variant",
    ".NetworkSettings.Networks", ".host.remoteSocket.exists", ".host.runtimeInfo", ".labels",
    ".host.distribution.variant", ".host.distribution.codename", ".Config.Healthcheck", ".HealthCheck",
    ".plugins.authorization",
}
# Where husk follows later podman (see the file's head).
SAME_AS_LATER_PODMAN = {".Config.Entrypoint"}

def kind(v):
    if v is None: return "null"
    if isinstance(v, bool): return "bool"
    if isinstance(v, (int, float)): return "number"
    if isinstance(v, str): return "string"
    if isinstance(v, list): return "array"
    return "object"

def compare(p, h, path, out):
    if path in SAME_AS_LATER_PODMAN or p is None or h is None:
        return
    if kind(p) != kind(h):
        out.append(f"{path or '.'}: podman has a {kind(p)}, husk a {kind(h)}")
        return
    if isinstance(p, list):
        if p and h:
            for x in h:
                compare(p[0], x, path + "[]", out)
        return
    if not isinstance(p, dict):
        return
    if path in DATA_MAPS:
        if p:
            first = next(iter(p.values()))
            for k, v in h.items():
                compare(first, v, path + "[]", out)
        return
    for k in p:
        sub = path + "." + k
        if k not in h:
            if sub not in OPTIONAL:
                out.append(f"{sub}: missing in husk's")
            continue
        compare(p[k], h[k], sub, out)
    for k in h:
        sub = path + "." + k
        if k not in p and sub not in HUSK_EXTRA and sub not in OPTIONAL:
            out.append(f"{sub}: husk's only")

p = json.load(open(sys.argv[1]))
h = json.load(open(sys.argv[2]))
if isinstance(p, list):
    p, h = p[0], h[0]
out = []
compare(p, h, "", out)
print("\n".join(out))
EOF
}

# same_schema WHAT PODMAN-ARGS... -- HUSK-ARGS...: run both, compare.
same_schema() {
	local what=$1
	shift
	local pargs=() hargs=()
	while [[ $1 != -- ]]; do
		pargs+=("$1")
		shift
	done
	shift
	hargs=("$@")
	P "${pargs[@]}" >"$BATS_TEST_TMPDIR/p.json" || die "podman ${pargs[*]} failed"
	"$HUSK" "${hargs[@]}" >"$BATS_TEST_TMPDIR/h.json" || die "husk ${hargs[*]} failed"
	run python3 "$BATS_FILE_TMPDIR/compare.py" "$BATS_TEST_TMPDIR/p.json" "$BATS_TEST_TMPDIR/h.json"
	[[ $status -eq 0 ]] || die "compare failed: $output"
	expect_eq "$output" "" "differences from podman's $what"
}

@test "container inspect: podman's keys and types, running and exited" {
	need_podman
	same_schema "inspect of a running container" inspect web -- inspect web
	same_schema "container inspect of an exited one" container inspect done -- container inspect done
	same_schema "inspect of a container on a user network" inspect onnet -- inspect onnet
}

@test "inspect of a container on a user network: NetworkSettings.Networks as podman fills it" {
	local f='{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.NetworkID}} {{$v.IPPrefixLen}} {{$v.Gateway}} {{len $v.Aliases}}{{end}} {{.HostConfig.NetworkMode}}'
	run_husk inspect --format "$f" onnet
	local gw
	gw=$("$HUSK" network inspect --format '{{(index .Subnets 0).Gateway}}' b500net)
	expect_eq "$output" "b500net b500net 24 $gw 1 bridge"
	run_husk inspect --format '{{(index .NetworkSettings.Networks "b500net").IPAddress}}' onnet
	expect_match "$output" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
	if [[ -z $PODMAN_PROBLEM ]]; then
		local pgw
		pgw=$(P network inspect --format '{{(index .Subnets 0).Gateway}}' b500net)
		expect_eq "$(P inspect --format "$f" onnet)" "b500net b500net 24 $pgw 1 bridge" "podman's"
	fi
}

@test "inspect of a created container with settings: HostConfig and Config say what podman's do" {
	local args=(create --name opts --cap-add NET_ADMIN --dns 1.1.1.1 --dns-search example.com --add-host a:1.2.3.4
		--security-opt seccomp=unconfined --rm --hostname hn --user 1000 --read-only --entrypoint sh "$R/busybox" -c true)
	local f='{{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}} {{.HostConfig.Dns}} {{.HostConfig.DnsSearch}} {{.HostConfig.ExtraHosts}} {{.HostConfig.SecurityOpt}} {{.HostConfig.AutoRemove}} {{.HostConfig.ReadonlyRootfs}} {{.Config.Hostname}} {{.Config.User}} {{.Path}} {{.Args}} {{.Config.Entrypoint}} {{.Config.Cmd}} {{.State.Status}}'
	"$HUSK" "${args[@]}" >/dev/null
	run_husk inspect --format "$f" opts
	"$HUSK" rm opts >/dev/null
	expect_eq "$output" "[CAP_NET_ADMIN] [CAP_AUDIT_WRITE CAP_MKNOD CAP_NET_RAW] [1.1.1.1] [example.com] [a:1.2.3.4] [seccomp=unconfined] true true hn 1000 sh [-c true] [sh] [-c true] created"
	if [[ -z $PODMAN_PROBLEM ]]; then
		P "${args[@]}" >/dev/null
		local want
		# podman 4.3.1 prints Entrypoint as a string (see the file's
		# head): it is "sh" there, ["sh"] in later podman and husk.
		want=$(P inspect --format "$f" opts | sed 's/\] sh \[-c true\] created$/] [sh] [-c true] created/')
		P rm opts >/dev/null
		expect_eq "$output" "$want" "husk and podman: $f"
	fi
}

@test "image inspect, volume inspect and network inspect: podman's keys and types" {
	need_podman
	same_schema "image inspect" image inspect "$R/busybox" -- image inspect "$R/busybox"
	same_schema "volume inspect" volume inspect b500v -- volume inspect b500v
	same_schema "network inspect" network inspect b500net -- network inspect b500net
}

@test "volume inspect and network inspect --format: podman's field names" {
	local vf='{{.Name}} {{.Driver}} {{.Scope}} {{len .Options}} {{.MountCount}}' nf='{{.Name}} {{.Driver}} {{.Internal}} {{.Labels}} {{len .Subnets}}'
	run_husk volume inspect --format "$vf" b500v
	expect_eq "$output" "b500v local local 0 0"
	run_husk network inspect --format "$nf" b500net
	expect_eq "$output" "b500net bridge false map[x:y] 1"
	if [[ -z $PODMAN_PROBLEM ]]; then
		expect_eq "$("$HUSK" volume inspect --format "$vf" b500v)" "$(P volume inspect --format "$vf" b500v)" "husk and podman: $vf"
		expect_eq "$("$HUSK" network inspect --format "$nf" b500net)" "$(P network inspect --format "$nf" b500net)" "husk and podman: $nf"
	fi
}

@test "a named volume is mounted nosuid and nodev, as podman mounts it" {
	run_husk run --rm --network none -v b500v:/data "$R/busybox" sh -c 'grep " /data " /proc/self/mountinfo'
	expect_match "$output" ' /data [^ ]*nosuid' "mount options of /data"
	expect_match "$output" ' /data [^ ]*nodev' "mount options of /data"
}

@test "the default network: network ls and inspect show \"podman\", rm refuses it, and its containers are on it" {
	run_husk network ls --format '{{.Name}} {{.Driver}}'
	expect_contains "$output" "podman bridge"
	local nf='{{.Name}} {{.ID}} {{.Driver}} {{.Internal}} {{.DNSEnabled}} {{len .Subnets}}'
	run_husk network inspect --format "$nf" podman
	expect_eq "$output" "podman 2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9 bridge false false 1"
	run_husk 125 network rm podman
	expect_eq "$stderr" "husk: default network podman cannot be removed"
	run_husk 125 network create podman
	run_husk network ls --filter name=^podman$ --format '{{.Name}}'
	expect_eq "$output" podman "still there after rm and create"
	if [[ -z $PODMAN_PROBLEM ]]; then
		expect_eq "$("$HUSK" network inspect --format "$nf" podman)" "$(P network inspect --format "$nf" podman)" "husk and podman: $nf"
		run --separate-stderr P network rm podman
		expect_eq "$status $stderr" "125 Error: default network podman cannot be removed" "podman's"
		same_schema "network inspect podman" network inspect podman -- network inspect podman
	fi
	if command -v nft >/dev/null; then
		# Rootless podman 4.3.1 puts web on slirp4netns; rootful podman and
		# podman 5 name the bridge's network this way.
		local f='{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.NetworkID}} {{$v.IPPrefixLen}} {{$v.Gateway}}{{end}}'
		local gw bits
		gw=$("$HUSK" network inspect --format '{{(index .Subnets 0).Gateway}}' podman)
		bits=$("$HUSK" network inspect --format '{{(index .Subnets 0).Subnet}}' podman)
		run_husk inspect --format "$f" web
		expect_eq "$output" "podman podman ${bits#*/} $gw"
		run_husk inspect --format '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}' web
		expect_match "$output" "^[0-9.]+ $gw\$"
	fi
}

@test "info --format json: podman's sections, keys and types (husk's own beside them)" {
	need_podman
	same_schema "info" info --format json -- info --format json
}

@test "inspect --format: the fields scripts read give podman's answers" {
	local f want
	for f in '{{.State.Running}} {{.State.Status}} {{.State.ExitCode}}' '{{.HostConfig.RestartPolicy.Name}}|{{.HostConfig.AutoRemove}}' \
		'{{.Config.Image}} {{.ImageName}}' '{{json .Config.Cmd}} {{.Path}} {{join .Args ","}}' '{{len .Mounts}} {{(index .Mounts 0).Destination}} {{(index .Mounts 0).Name}}' \
		'{{json (index .Mounts 0).Options}} {{(index .Mounts 0).Propagation}} {{(index .Mounts 0).Type}}'; do
		run_husk inspect --format "$f" web
		if [[ -z $PODMAN_PROBLEM ]]; then
			want=$(P inspect --format "$f" web)
			expect_eq "$output" "$want" "husk and podman: $f"
		fi
	done
	# podman 4.3.1's rootless default network is slirp4netns; husk's is
	# the bridge "podman" in the rootless namespace, which podman 5 and
	# rootful podman call "bridge" (without nft: pasta, else slirp4netns).
	run_husk inspect --format '{{.HostConfig.NetworkMode}}' web
	if command -v nft >/dev/null; then
		expect_eq "$output" bridge "NetworkMode on the default network"
	else
		expect_match "$output" '^(pasta|slirp4netns)$'
	fi
	run_husk inspect --format '{{.State.Running}} {{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}' done
	expect_eq "$output" "false exited 3 0"
	run_husk inspect --format '{{.NetworkSettings.Ports}}' web
	expect_eq "$output" "map[80/tcp:[{ $HPORT}]]"
	if [[ -z $PODMAN_PROBLEM ]]; then
		expect_eq "$(P inspect --format '{{.NetworkSettings.Ports}}' web)" "map[80/tcp:[{ $PPORT}]]" "podman's"
	fi
	run_husk inspect --format '{{json .Config.Labels}}' web
	if [[ -n $LABEL_ARGS ]]; then
		expect_eq "$output" '{"a":"b"}'
	else
		expect_eq "$output" '{}'
	fi
	run_husk container inspect --format '{{.State.Running}} {{.HostConfig.PortBindings}}' web
	expect_eq "$output" "true map[80/tcp:[{ $HPORT}]]"
	run_husk inspect --format '{{range .Config.Env}}{{if eq . "FOO=bar"}}{{.}}{{end}}{{end}}' web
	expect_eq "$output" "FOO=bar"
	# husk's own record stays reachable.
	run_husk inspect --format '{{.HuskState.MonitorPid}} {{.Bundle}}' web
	expect_match "$output" '^[1-9][0-9]* /'
}

@test "--format functions: json, upper, lower, title, split, join, truncate, pad, printf, {{.}}" {
	local id
	id=$("$HUSK" inspect --format '{{.Id}}' web)
	expect_match "$id" "$HEX64"
	run_husk inspect --format '{{upper .Name}} {{lower "AbC"}} {{title "hello world"}} {{truncate .Id 12}} [{{pad .Name 2 1}}]' web
	expect_eq "$output" "WEB abc Hello World ${id:0:12} [  web ]"
	run_husk inspect --format '{{join (split "a,b,c" ",") "+"}} {{printf "%s=%d" .Name .State.ExitCode}} {{.ID}}' done
	expect_eq "$output" "a+b+c done=3 $("$HUSK" inspect --format '{{.Id}}' done)"
	run_husk inspect --format '{{json .State.Health}}' web
	expect_eq "$output" '{"Status":"","FailingStreak":0,"Log":null}'
	run_husk inspect --format '{{.}}' web
	expect_contains "$output" "$id"
	if [[ -z $PODMAN_PROBLEM ]]; then
		local f='{{upper .Name}} {{title "hello world"}} {{truncate .Name 2}} [{{pad .Name 2 1}}] {{join (split "a,b,c" ",") "+"}} {{json .State.Health}}'
		expect_eq "$("$HUSK" inspect --format "$f" web)" "$(P inspect --format "$f" web)" "husk and podman: $f"
	fi
	run_husk 125 inspect --format '{{pad .Name 99999999999 0}}' web
	expect_one_error_line
}

@test "info and version --format: podman's template fields" {
	run_husk info --format '{{.Host.OCIRuntime.Name}} {{.Host.Security.Rootless}} {{.Store.GraphRoot}} {{.Host.CgroupsVersion}}'
	expect_match "$output" "^(crun|runc) true $XDG_DATA_HOME/husk/storage v[12]\$"
	run_husk info --format '{{.Store.ImageStore.Number}} {{.Store.ContainerStore.Number}} {{.Store.GraphDriverName}} {{.Host.OS}}/{{.Host.Arch}}'
	expect_match "$output" '^1 3 (overlay|vfs) linux/' "one image; web, done and onnet"
	if [[ -z $PODMAN_PROBLEM ]]; then
		local f='{{.Host.Security.Rootless}} {{.Host.CgroupsVersion}} {{.Host.OS}} {{.Host.Arch}} {{.Host.Kernel}} {{.Host.Hostname}} {{.Store.ImageStore.Number}} {{.Store.ContainerStore.Number}} {{.Host.IDMappings.UIDMap}}'
		expect_eq "$("$HUSK" info --format "$f")" "$(P info --format "$f")" "husk and podman: $f"
	fi
	run_husk version --format '{{.Client.Version}} {{.Client.OsArch}}'
	local v
	v=$("$HUSK" version | sed -n 's/^Version: *//p')
	expect_match "$output" "^$v linux/"
	run_husk version --format json
	expect_eq "$(json 'sorted(d["Client"])')" '["APIVersion", "Built", "BuiltTime", "GitCommit", "GoVersion", "Os", "OsArch", "Version"]'
	run_husk 125 info --format '{{.NoSuchField}}'
	expect_one_error_line
}
