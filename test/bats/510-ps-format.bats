#!/usr/bin/env bats
# The list commands as podman's (issue 14): ps, images, volume ls and
# network ls run with the same command lines under husk and podman 4.3.1,
# against the same images and containers, and their fields, table headers,
# JSON keys and types, flags and exit codes compared. Where husk chose
# differently on purpose (docker's status wording, values that hold times)
# the test says so.

load helpers
load podman-compare

# The containers both engines get (names, as podman and husk take them):
#   l-run      running, sleep 1000
#   l-created  created, with the volume l-vol on /data
#   l-exit3    exited with code 3
#   l-ports    running, with a published port
setup_file() {
	husk_setup_file
	podman_setup_file
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	# each engine publishes its own host port
	PORT=$((20000 + RANDOM % 20000))
	PM_PORT=$((PORT + 1))
	export PORT PM_PORT
	"$HUSK" pull -q "$R/busybox" >/dev/null
	pm pull -q --tls-verify=false "$R/busybox" >/dev/null
	local e port
	for e in "$HUSK" pm; do
		port=$PORT
		[[ $e == pm ]] && port=$PM_PORT
		$e run -d --name l-run --network none "$R/busybox" sleep 1000 >/dev/null
		$e create --name l-created -v l-vol:/data "$R/busybox" true >/dev/null
		$e run --name l-exit3 --network none "$R/busybox" sh -c 'exit 3' >/dev/null || true
		$e run -d --name l-ports -p "$port:80" "$R/busybox" sleep 1000 >/dev/null
		$e volume create --label purpose=test l-vol2 >/dev/null
	done
}

teardown_file() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
	podman_teardown_file
	husk_teardown_file
}

# Every template field both engines show the same way (Ports below: the
# engines publish different host ports).
SAME_FIELDS='{{.Names}} {{.ExitCode}} {{.Mounts}} {{.Networks}} {{.Labels}} {{.Command}} {{.Pod}}'

@test "ps: the fields that do not hold times are podman's, for running, created, exited containers and published ports" {
	expect_same ps -a --format "$SAME_FIELDS"
	expect_same ps --format "$SAME_FIELDS"
	expect_same ps -a --no-trunc --format '{{.Names}} {{.Command}} {{.ImageID}}'
	# podman 4.3.1 shows a short ImageID: both print the image's ID
	expect_same ps -a --format '{{.Names}} {{.ImageID}}'
	both ps -a --format '{{.Names}} {{.Ports}}'
	expect_eq "$(sort <<<"$HUSK_OUT")" "$(sort <<<"${PM_OUT//:$PM_PORT->/:$PORT->}")" "Ports (podman's host port replaced by husk's)"
	run_husk ps --filter name=l-ports --format '{{.Ports}}'
	expect_eq "$output" "0.0.0.0:$PORT->80/tcp" "Ports"
	run_husk ps -a --filter name=l-created --format '{{.Mounts}}'
	expect_eq "$output" "[/data]" "Mounts"
}

@test "ps: Status in docker's words; State, Pid and the times" {
	run_husk ps -a --format '{{.Names}}|{{.Status}}|{{.State}}|{{.Pid}}|{{.CreatedHuman}}|{{.RunningFor}}|{{.CreatedAt}}'
	local l
	for l in "${lines[@]}"; do
		case $l in
		l-run\|* | l-ports\|*)
			expect_match "$l" '^l-[a-z]+\|Up ([0-9]+ seconds|1 second|Less than a second|About a minute|[0-9]+ minutes)\|running\|[1-9][0-9]*\|' "$l" ;;
		l-created\|*) expect_match "$l" '^l-created\|Created\|created\|0\|' "$l" ;;
		l-exit3\|*) expect_match "$l" '^l-exit3\|Exited \(3\) .* ago\|exited\|0\|' "$l" ;;
		*) die "unexpected container: $l" ;;
		esac
		expect_match "$l" '\|(Less than a second|[0-9]+ seconds|1 second|About a minute|[0-9]+ minutes) ago\|(Less than a second|[0-9]+ seconds|1 second|About a minute|[0-9]+ minutes) ago\|20[0-9-]+ [0-9:.]+ \+0000 UTC$' "times of $l"
	done
	# podman words the same states alike (but for its " ago" after Up)
	run_pm ps -a --format '{{.Names}}|{{.Status}}'
	expect_contains "$output" "l-created|Created"
	expect_match "$output" 'l-exit3\|Exited \(3\) .* ago'
}

@test "ps --format 'table ...' prints podman's header row for every field" {
	local t
	for t in 'table {{.ID}} {{.Image}} {{.ImageID}} {{.Command}} {{.CreatedAt}} {{.CreatedHuman}} {{.RunningFor}} {{.Status}} {{.State}}' \
		'table {{.Ports}} {{.Names}} {{.Labels}} {{.Mounts}} {{.Networks}} {{.Pod}} {{.ExitCode}} {{.Pid}}' \
		'table {{.ID}}\t{{.Names}}' 'table {{.Names}} x {{upper .Names}}' 'table {{.Names}}:{{.ID}}'; do
		both ps -a --format "$t"
		expect_eq "$HUSK_RC/$PM_RC" "0/0" "exit codes of $t"
		expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "header of $t"
		expect_eq "$(wc -l <<<"$HUSK_OUT")" "$(wc -l <<<"$PM_OUT")" "lines of $t"
	done
	run_husk ps -a --format 'table {{.ID}} {{.Names}}'
	expect_match "${lines[0]}" '^CONTAINER ID  NAMES$' "header"
	expect_match "${lines[1]}" '^[0-9a-f]{12}  l-[a-z0-9]+$' "row"
	# the default tables, with --size and --ns
	both ps -a
	expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "ps -a header"
	both ps -a --size
	expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "ps -a --size header"
	expect_match "$(grep l-run <<<"$HUSK_OUT")" ' [0-9.]+[kMG]?B \(virtual [0-9.]+[kMG]?B\)$' "SIZE column"
	both ps --ns
	expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "ps --ns header"
	expect_match "$(grep l-run <<<"$HUSK_OUT")" '^[0-9a-f]{12} +l-run +[1-9][0-9]* +([0-9]{5,} +){6}[0-9]{5,}$' "ps --ns row"
	# --noheading, -q, {{.}}
	expect_same ps -a --noheading --format 'table {{.Names}}'
	run_husk ps -a --noheading
	expect_eq "${#lines[@]}" 4 "ps -a --noheading"
	run_husk ps -a -q
	expect_eq "${#lines[@]}" 4 "ps -a -q"
	for l in "${lines[@]}"; do expect_match "$l" '^[0-9a-f]{12}$' "ps -q"; done
	run_husk ps -a -q --no-trunc
	for l in "${lines[@]}"; do expect_match "$l" "$HEX64" "ps -q --no-trunc"; done
	run_husk ps --filter name=l-run --format '{{.}}'
	expect_contains "$output" "l-run"
}

@test "ps --format json: podman's keys and types" {
	run_husk ps -a --format json
	expect_valid_json
	expect_eq "$(json 'len(d)')" 4 "entries"
	local husk_shape pm_shape
	husk_shape=$(json_shape <<<"$output")
	run_pm ps -a --format json
	pm_shape=$(json_shape <<<"$output")
	expect_eq "$husk_shape" "$pm_shape" "keys and types of ps --format json (one line per kind of entry)"
	run_husk ps -a --size --format json
	expect_eq "$(json '[sorted(x["Size"].keys()) for x in d if x["Names"] == ["l-run"]]')" '[["rootFsSize", "rwSize"]]' "Size with --size"
	run_husk ps --ns --format json
	expect_eq "$(json '[sorted(x["Namespaces"].keys()) for x in d if x["Names"] == ["l-run"]]')" \
		'[["Cgroup", "Ipc", "Mnt", "Net", "Pidns", "User", "Uts"]]' "Namespaces with --ns"
	run_husk ps -a --format json
	expect_eq "$(json '[(x["State"], x["ExitCode"], x["Exited"]) for x in d if x["Names"] == ["l-exit3"]]')" '[["exited", 3, true]]' "l-exit3"
	local ports
	ports=$(json '[x["Ports"] for x in d if x["Names"] == ["l-ports"]]')
	run_pm ps -a --format json
	expect_eq "$ports" "$(json '[x["Ports"] for x in d if x["Names"] == ["l-ports"]]' | sed "s/: $PM_PORT,/: $PORT,/")" "Ports of l-ports"
	run_husk ps --filter name=nothing --format json
	expect_eq "$output" "[]" "json of no containers"
}

@test "ps -n, --last, -l, --sort, as podman" {
	expect_same_ordered ps -a --format '{{.Names}}'
	expect_same_ordered ps -n 2 --format '{{.Names}}'
	expect_same_ordered ps --last 3 --format '{{.Names}}'
	expect_same_ordered ps -l --format '{{.Names}}'
	expect_same_ordered ps -a -n 0 --format '{{.Names}}'
	local k
	for k in created names image command runningfor status; do
		expect_same_ordered ps -a --sort "$k" --format '{{.Names}}'
	done
	run_husk ps -a --sort id --format '{{.ID}}'
	expect_eq "$output" "$(sort <<<"$output")" "--sort id"
	run_husk ps -a --size --sort size --format '{{.Names}}'
	expect_eq "${#lines[@]}" 4 "--sort size"
	both ps --sort bogus
	expect_eq "$HUSK_RC/$PM_RC" "125/125" "exit codes of --sort bogus"
	run_husk 125 ps --sort bogus
	expect_one_error_line
	expect_contains "$stderr" "command, created, id, image, names, runningfor, size, status"
}

@test "images: fields, headers, JSON keys, --sort, --digests, -q, --noheading as podman" {
	"$HUSK" tag "$R/busybox" localhost/l-bb:v2
	pm tag "$R/busybox" localhost/l-bb:v2
	expect_same images --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Digest}} {{.Size}} {{.SharedSize}} {{.Labels}} {{.Dangling}} {{.Containers}} {{.ReadOnly}} {{.History}}'
	expect_same images --format '{{.Repository}} {{.CreatedSince}} {{.CreatedAt}} {{.Created}} {{.VirtualSize}} {{.Names}}'
	local t
	for t in 'table {{.Repository}} {{.Tag}} {{.ID}} {{.Digest}} {{.Size}} {{.SharedSize}}' \
		'table {{.Labels}} {{.Dangling}} {{.Containers}} {{.ReadOnly}} {{.History}} {{.Names}} {{.VirtualSize}} {{.Created}}'; do
		both images --format "$t"
		expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "header of $t"
	done
	# podman 4.3.1 prints <no value> as the header of these two: husk
	# names them as podman's default table does
	run_husk images --format 'table {{.CreatedSince}}|{{.CreatedAt}}'
	expect_eq "${lines[0]}" "CREATED|CREATED AT" "header of CreatedSince, CreatedAt"
	expect_same_ordered images
	expect_same_ordered images --digests
	expect_same_ordered images --noheading
	expect_same_ordered images -q
	expect_same_ordered images -q --no-trunc
	expect_same_ordered images --no-trunc
	for t in created id repository tag; do
		expect_same_ordered images --sort "$t" --format '{{.Repository}}:{{.Tag}}'
	done
	both images --sort bogus
	expect_eq "$HUSK_RC/$PM_RC" "125/125" "exit codes of --sort bogus"
	run_husk images --format json
	local husk_keys pm_keys
	husk_keys=$(json 'sorted(set(k for x in d for k in x))')
	run_pm images --format json
	pm_keys=$(json 'sorted(set(k for x in d for k in x))')
	# podman leaves Dangling out when false; husk keeps it
	expect_eq "$husk_keys" "$(python3 -c 'import json,sys; print(json.dumps(sorted(json.loads(sys.argv[1]) + ["Dangling"])))' "$pm_keys")" "images json keys"
	run_husk images --format json
	expect_eq "$(json '[(x["Containers"], sorted(x["Names"]), type(x["Created"]).__name__) for x in d]')" \
		"[[4, [\"$R/busybox:latest\", \"localhost/l-bb:v2\"], \"int\"]]" "one entry per image, with its containers"
	"$HUSK" rmi localhost/l-bb:v2 >/dev/null
	pm rmi localhost/l-bb:v2 >/dev/null
}

@test "volume ls and network ls: tables, templates, JSON and filters as podman" {
	expect_same_ordered volume ls
	expect_same_ordered volume ls --noheading
	expect_same_ordered volume ls -q
	expect_same volume ls --format '{{.Name}} {{.Driver}} {{.Labels}} {{.Scope}} {{.Options}}'
	both volume ls --format 'table {{.Name}} {{.Driver}} {{.Labels}} {{.Mountpoint}} {{.Scope}} {{.CreatedAt}} {{.Options}}'
	expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "volume ls table header"
	local f
	for f in dangling=true dangling=false label=purpose label=purpose=test label=purpose=other name=l-vol name=^l-vol$ name=2 driver=local; do
		expect_same volume ls --filter "$f" --format '{{.Name}}'
	done
	# Two keys: podman 4.3.1 takes either (it lists l-vol, which a
	# container uses, for name=l-vol dangling=true); husk takes both, as
	# its ps, images and network ls do and later podman does.
	run_husk volume ls --filter name=l-vol --filter dangling=true --format '{{.Name}}'
	expect_eq "$output" "l-vol2" "two volume filters"
	both volume ls --filter bogus=1
	expect_eq "$HUSK_RC/$PM_RC" "125/125" "exit codes of an unknown volume filter"
	run_husk volume ls --format json
	local husk_shape
	husk_shape=$(json_shape <<<"$output" | sed 's/ Mountpoint:str//')
	run_pm volume ls --format json
	expect_eq "$husk_shape" "$(json_shape <<<"$output" | sed 's/ Mountpoint:str//')" "volume ls json keys and types"

	"$HUSK" network create l-net >/dev/null
	pm network create l-net >/dev/null
	# the engines' network IDs differ: the table but for them
	both network ls --filter name=l-net
	expect_eq "$(sed -E 's/^[0-9a-f]{12}  /ID  /' <<<"$HUSK_OUT")" "$(sed -E 's/^[0-9a-f]{12}  /ID  /' <<<"$PM_OUT")" "network ls"
	expect_same_ordered network ls --filter name=l-net --noheading --format 'table {{.Name}} {{.Driver}}'
	expect_same network ls --filter driver=bridge --filter name=^l- --format '{{.Name}} {{.Driver}} {{.Internal}} {{.DNSEnabled}} {{.IPv6Enabled}}'
	expect_same network ls --filter name=l-net --filter dangling=true -q
	both network ls --filter name=l-net --format 'table {{.ID}} {{.Name}} {{.Driver}} {{.Labels}} {{.Internal}} {{.Created}}'
	expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "network ls table header"
	run_husk network ls --filter name=l-net --format json
	husk_shape=$(json 'sorted(d[0].keys())')
	run_pm network ls --filter name=l-net --format json
	expect_eq "$husk_shape" "$(json 'sorted(d[0].keys())')" "network ls json keys"
	both network ls --filter bogus=1
	expect_eq "$HUSK_RC/$PM_RC" "125/125" "exit codes of an unknown network filter"
	"$HUSK" network rm l-net >/dev/null
	pm network rm l-net >/dev/null
}

@test "--format json works for every list command, [] for none" {
	local c
	for c in "ps -a" "container ls -a" images "image ls" "volume ls" "network ls"; do
		run_husk $c --format json
		expect_valid_json
	done
	for c in "ps --filter name=none" "images --filter reference=none" "volume ls --filter name=none" "network ls --filter name=none"; do
		run_husk $c --format json
		expect_eq "$output" "[]" "$c --format json"
	done
}
