#!/usr/bin/env bats
# husk events without a daemon: every command and container monitor
# appends to the store's journal (RUNROOT/husk-events); husk events prints
# it as podman does: each event kind after its command, podman's text
# lines and JSON keys, filters, --since/--until, concurrent writers, the
# journal's bound (rotation) and follow mode (new events, rotation,
# SIGTERM).

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	# podman (one test compares with it) gets a store of this file's own,
	# and its pause process is stopped at the end.
	podman_optional_setup_file
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# A tag of its own per run: the registry keeps what earlier runs pushed.
TAG=bats-events-$(date +%s)-$$-$RANDOM


# statuses ARGS...: the Status of the events that husk events ARGS
# prints, on one line.
statuses() {
	"$HUSK" events --stream=false --format '{{.Status}}' "$@" | tr '\n' ' ' | sed 's/ $//'
}

# cleanups_are NAME N: the journal holds N cleanup events of NAME.
cleanups_are() {
	[[ $("$HUSK" events --stream=false --filter container="$1" --filter event=cleanup --format x | wc -l) -eq $2 ]]
}

journal_dir() { echo "$XDG_RUNTIME_DIR/husk/storage/husk-events"; }

# big_labels FILE: a label file of about 50 KB (each container event
# carries the labels: a run --rm records about 350 KB).
big_labels() {
	python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(500):
        f.write("label%03d=%s\n" % (i, "x" * 90))
' "$1"
}

# ---------------------------------------------------------------- each event

@test "a fresh store has no events: --stream=false prints nothing and exits 0" {
	use_store fresh
	run_husk events --stream=false
	expect_eq "$output" "" "events of a fresh store"
	expect_eq "$stderr" "" "stderr"
}

@test "run --rm: create, init, start, attach, died (with the exit code), cleanup, remove, in podman's line format" {
	run_husk 3 run --rm --name fg -l team=a "$R/busybox" sh -c 'exit 3'
	expect_eq "$(statuses --filter container=fg)" "create init start attach died cleanup remove"
	run_husk events --stream=false --filter container=fg --filter event=died --format json
	expect_eq "$(json 'd["ContainerExitCode"]')" 3 "ContainerExitCode"
	expect_eq "$(json 'd["Attributes"]')" '{"team": "a"}' "Attributes (the labels)"
	local id
	id=$(json 'd["ID"]')
	expect_match "$id" "$HEX64" "ID"
	run_husk events --stream=false --filter container=fg --filter event=start
	expect_match "$output" "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)? [+-][0-9]{4} [A-Z]+ container start $id \(image=$R/busybox, name=fg, team=a\)$" "text line"
}

@test "detached: exec, exec_died, stop, died (from the monitor), start, restart, kill, remove" {
	run_husk run -d --name dt "$R/busybox" sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
	run_husk exec dt true
	run_husk 4 exec dt sh -c 'exit 4'
	run_husk stop -t 5 dt
	run_husk wait dt
	run_husk start dt
	run_husk restart -t 5 dt
	run_husk kill dt
	run_husk '?' wait dt
	run_husk rm dt
	# A monitor records "cleanup" after the exit that the next command
	# waits for: where it falls among the next command's events is not
	# fixed. The rest is in order.
	expect_eq "$(statuses --filter container=dt | sed 's/ cleanup//g')" \
		"create init start exec exec_died exec exec_died stop died init start stop died init start restart kill died remove"
	wait_until 10 cleanups_are dt 3
	run_husk events --stream=false --filter container=dt --filter event=exec_died --format '{{.ContainerExitCode}}'
	expect_eq "$(echo $output)" "0 4" "exec_died exit codes"
}

@test "monitor and process killed: the next command records died (exit code -1) and cleanup in the monitor's place" {
	run_husk run -d --name gone "$R/busybox" sleep 1000
	local pid mpid
	pid=$(ctr_pid gone)
	mpid=$(ctr_monitor_pid gone)
	kill_and_wait "$mpid" "$pid"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_contains "$output" "gone exited"
	expect_eq "$(statuses --filter container=gone)" "create init start died cleanup"
	run_husk events --stream=false --filter container=gone --filter event=died --format '{{.ContainerExitCode}}'
	expect_eq "$output" -1 "ContainerExitCode"
}

@test "pause and unpause" {
	local deleg
	deleg=$("$HUSK" info --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cgroups"].get("delegated", ""))')
	[[ -n $deleg ]] || skip "husk info shows no delegated cgroup (pause needs one): run through test/run-rootless.sh"
	run_husk run -d --name pz "$R/busybox" sleep 1000
	run_husk pause pz
	run_husk unpause pz
	expect_eq "$(statuses --filter container=pz --filter event=pause --filter event=unpause)" "pause unpause"
}

@test "images: pull, tag, untag, save, load, push, remove (rmi and image prune)" {
	use_store images
	run_husk pull -q "$R/busybox"
	local id=$output
	run_husk tag "$R/busybox" evtag
	run_husk save -o "$BATS_TEST_TMPDIR/b.tar" evtag
	run_husk rmi evtag
	run_husk load -q -i "$BATS_TEST_TMPDIR/b.tar"
	run_husk push -q "$R/busybox" "$HUSK_TEST_REGISTRY/bats-events/busybox:$TAG"
	run_husk rmi -f "$id"
	run_husk events --stream=false --filter type=image --format '{{.Status}} {{.ID}} {{.Name}}'
	local want="pull $id $R/busybox
tag $id evtag
save $id evtag
untag $id localhost/evtag:latest
load $id localhost/evtag:latest
push $id $HUSK_TEST_REGISTRY/bats-events/busybox:$TAG"
	expect_eq "$(head -6 <<<"$output")" "$want" "image events"
	expect_match "$(tail -n +7 <<<"$output" | tr '\n' ' ')" "^(untag $id [^ ]+ )+remove $id $id $" "rmi -f's events"

	# run pulls what is missing: a pull event too.
	run_husk run --rm "$R/busybox" true
	run_husk events --stream=false --filter type=image --filter event=pull --format '{{.Status}} {{.ID}} {{.Name}}'
	expect_eq "$(tail -1 <<<"$output")" "pull $id $R/busybox" "run's pull"
	run_husk image prune -a -f
	run_husk events --stream=false --filter type=image --format '{{.Status}} {{.ID}}'
	expect_eq "$(tail -1 <<<"$output")" "remove $id" "image prune's event"
}

@test "commit, import and build: container commit, image tag, image build (with the image's ID and name)" {
	use_store commit
	run_husk run --name evc "$R/busybox" true
	run_husk commit -q evc evimg
	local cid=$output
	"$HUSK" export -o "$BATS_TEST_TMPDIR/evc.tar" evc
	run_husk import "$BATS_TEST_TMPDIR/evc.tar" evimp
	local iid=${output#sha256:}
	printf 'FROM %s\nRUN true\n' "$R/busybox" >"$BATS_TEST_TMPDIR/Containerfile"
	run_husk build -q -t evb -f "$BATS_TEST_TMPDIR/Containerfile" "$BATS_TEST_TMPDIR"
	local bid=$output
	run_husk events --stream=false --filter event=commit --format '{{.Type}} {{.Status}} {{.Name}} {{.Image}}'
	expect_eq "$output" "container commit evc $R/busybox" "commit's event (as podman 4.3.1)"
	run_husk events --stream=false --filter type=image --filter event=tag --format '{{.ID}} {{.Name}}'
	expect_contains "$output" "$iid evimp" "import's tag event (podman 4.3.1 records an import so)"
	# podman 4.3.1's build event has no ID nor name; husk gives both.
	run_husk events --stream=false --filter event=build --format '{{.Type}} {{.Status}} {{.ID}} {{.Name}}'
	expect_eq "$output" "image build ${bid#sha256:} evb" "build's event"
	: "$cid"
}

@test "volumes and networks: create and remove (rm and prune)" {
	run_husk volume create ev1
	run_husk volume create ev2
	run_husk volume rm ev1
	run_husk volume prune -f
	run_husk network create evnet
	run_husk network rm evnet
	run_husk events --stream=false --filter type=volume --filter type=network --format '{{.Type}} {{.Status}} {{.Name}}{{.Network}}'
	expect_eq "$(echo $output)" "volume create ev1 volume create ev2 volume remove ev1 volume remove ev2 network create evnet network remove evnet"
	run_husk events --stream=false --filter type=volume
	expect_match "${lines[0]}" "^[0-9-]+ [0-9:.]+ [+-][0-9]{4} [A-Z]+ volume create ev1$" "volume line"
}

# ---------------------------------------------------------------- podman's shape

@test "JSON keys and text lines as podman's events --stream=false --format json" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	local pname=husk-bats-521-$$ vname=husk-bats-521-vol-$$
	# (pm runs runc: podman's crun refuses hybrid cgroups)
	local rc=0
	pm run --rm --name "$pname" --tls-verify=false "$R/busybox" sh -c 'exit 3' || rc=$?
	((rc == 3)) || skip "podman cannot run $R/busybox here (exit code $rc)"
	pm volume create "$vname" >/dev/null
	pm volume rm "$vname" >/dev/null
	local pjson ptext
	pjson=$(pm events --stream=false --format json --filter "container=$pname" --filter event=died)
	# (podman 4.3's volume= filter matches IDs, which its volume events lack)
	pjson+=$'\n'$(pm events --stream=false --format json --filter type=volume --filter event=create | grep -F "\"Name\":\"$vname\"")
	ptext=$(pm events --stream=false --filter "container=$pname" --filter event=died)

	run_husk 3 run --rm --name hk "$R/busybox" sh -c 'exit 3'
	run_husk volume create hv
	local hjson htext
	hjson=$("$HUSK" events --stream=false --format json --filter container=hk --filter event=died)
	hjson+=$'\n'$("$HUSK" events --stream=false --format json --filter volume=hv --filter event=create)
	htext=$("$HUSK" events --stream=false --filter container=hk --filter event=died)

	keys='import json,sys
for l in sys.stdin:
    d = json.loads(l)
    print(d["Type"], " ".join(d.keys()))'
	expect_eq "$(python3 -c "$keys" <<<"$hjson")" "$(python3 -c "$keys" <<<"$pjson")" "JSON keys (in order) of a died and a volume create event"
	# The line with time, ID, image and name made generic.
	generic() { sed -E 's/^[0-9-]+ [0-9:.]+ [+-][0-9]{4} [A-Z]+ /TIME /; s/ [0-9a-f]{64} / ID /; s/\(image=[^,]*, name=[^,)]*/(image=IMG, name=NAME/'; }
	expect_eq "$(generic <<<"$htext")" "$(generic <<<"$ptext")" "text line of a died event"
}

# ---------------------------------------------------------------- filters, times

@test "filters: the same key OR-ed, different keys AND-ed; container by name and ID prefix, image, label; bad filters refused" {
	use_store filters
	run_husk run --rm --name fa -l tier=web "$R/busybox" true
	run_husk run --rm --name fb -l tier=db "$R/busybox" true
	run_husk volume create fv
	local ida
	ida=$("$HUSK" events --stream=false --filter container=fa --filter event=create --format '{{.ID}}')

	expect_eq "$(statuses --filter container=fa --filter event=create --filter event=remove)" "create remove"
	expect_eq "$(statuses --filter container="${ida:0:12}" --filter event=died)" "died" "container=ID prefix"
	run_husk events --stream=false --filter event=create --format '{{.Name}}'
	expect_eq "$(echo $output)" "fa fb fv" "event=create"
	run_husk events --stream=false --filter event=create --filter type=container --filter container=fa --filter container=fb --format '{{.Name}}'
	expect_eq "$(echo $output)" "fa fb"
	run_husk events --stream=false --filter label=tier=db --filter event=start --format '{{.Name}}'
	expect_eq "$output" "fb" "label=KEY=VALUE"
	run_husk events --stream=false --filter label=tier --filter event=start --format '{{.Name}}'
	expect_eq "$(echo $output)" "fa fb" "label=KEY"
	run_husk events --stream=false --filter image=busybox --filter event=init --format '{{.Name}}'
	expect_eq "$(echo $output)" "fa fb" "image=short name"
	run_husk events --stream=false --filter type=volume --format '{{.Name}}'
	expect_eq "$output" "fv" "type=volume"

	local bad
	for bad in nokey colour=red type=nosuch event=; do
		run_husk 125 events --stream=false --filter "$bad"
		expect_one_error_line
		expect_contains "$stderr" "invalid --filter \"$bad\""
	done
	run_husk 125 events --stream=false --format '{{.Nope'
	expect_one_error_line
}

@test "--since and --until: RFC 3339, Unix seconds, durations; bad times refused" {
	use_store times
	local n
	for n in t1 t2 t3; do
		"$HUSK" volume create "$n" >/dev/null
	done
	local t2 t2unix
	t2=$("$HUSK" events --stream=false --filter volume=t2 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["Time"])')
	t2unix=$(python3 -c '
import sys, datetime
s = sys.argv[1]
base, frac = (s[:-1].split(".") + ["0"])[:2] if s.endswith("Z") else (s, "0")
t = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
print("%d.%s" % (t.timestamp(), frac.ljust(9, "0")))' "$t2")

	run_husk events --stream=false --since "$t2" --format '{{.Name}}'
	expect_eq "$(echo $output)" "t2 t3" "--since RFC 3339"
	run_husk events --stream=false --until "$t2" --format '{{.Name}}'
	expect_eq "$(echo $output)" "t1 t2" "--until RFC 3339"
	run_husk events --stream=false --since "$t2unix" --until "$t2unix" --format '{{.Name}}'
	expect_eq "$output" "t2" "--since and --until as Unix seconds"
	run_husk events --stream=false --since 10m --format '{{.Name}}'
	expect_eq "$(echo $output)" "t1 t2 t3" "--since 10m"
	run_husk events --stream=false --until -10m
	expect_eq "$output" "" "--until 10 minutes ago"
	run_husk events --stream=false --since 2000-01-01 --until 2000-01-02
	expect_eq "$output" "" "a day long ago"

	run_husk 125 events --stream=false --since yesterday
	expect_one_error_line
	expect_contains "$stderr" "--since: invalid time \"yesterday\""
}

# ---------------------------------------------------------------- the journal

@test "8 concurrent writers lose nothing: every event once, every line whole" {
	use_store concurrent
	local w pids=()
	for w in 1 2 3 4 5 6 7 8; do
		(
			for i in 1 2 3 4 5 6; do
				"$HUSK" volume create "w$w-$i" >/dev/null || exit 1
			done
		) 3>&- &
		pids+=($!)
	done
	local p failed=0
	for p in "${pids[@]}"; do
		wait "$p" || failed=1
	done
	((failed == 0)) || die "a writer failed"
	run_husk events --stream=false --filter event=create --format '{{.Name}}'
	expect_eq "$(wc -l <<<"$output")" 48 "create events"
	expect_eq "$(sort -u <<<"$output" | wc -l)" 48 "distinct create events"
	local d
	d=$(journal_dir)
	expect_eq "$(wc -l <"$d/events.log")" 48 "journal lines"
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$d/events.log" || die "a journal line does not parse"
}

@test "rotation keeps the journal bounded (about 2 MiB: the file and one old one) and keeps the newest events" {
	use_store rotation
	"$HUSK" pull -q "$R/busybox" >/dev/null
	big_labels "$BATS_TEST_TMPDIR/labels"
	local i
	for i in 1 2 3 4 5 6 7; do
		run_husk run --rm --name "big$i" --label-file "$BATS_TEST_TMPDIR/labels" "$R/busybox" true
	done
	local d size
	d=$(journal_dir)
	[[ -f $d/events.log.1 ]] || die "no rotation after ~2.5 MB of events: $(ls -l "$d")"
	size=$(($(stat -c %s "$d/events.log") + $(stat -c %s "$d/events.log.1")))
	((size <= 2 * 1048576 + 65536 * 2)) || die "journal holds $size bytes"
	[[ ! -e $d/events.log.2 ]] || die "more than one old file"
	expect_eq "$(statuses --filter container=big7)" "create init start attach died cleanup remove" "the newest run's events"
	expect_eq "$(statuses --filter container=big1)" "" "the oldest run's events (rotated away)"
}

# ---------------------------------------------------------------- follow

@test "follow: new events appear, the journal's rotation is survived, SIGTERM ends it with 0; --since replays first" {
	use_store follow
	"$HUSK" pull -q "$R/busybox" >/dev/null
	"$HUSK" volume create old >/dev/null
	local out=$BATS_TEST_TMPDIR/follow.out sout=$BATS_TEST_TMPDIR/since.out
	husk_bg "$out" events --filter type=volume --format '{{.Status}} {{.Name}}'
	local pid=$HUSK_BG_PID
	husk_bg "$sout" events --since 10m --filter type=volume --format '{{.Status}} {{.Name}}'
	local spid=$HUSK_BG_PID
	# The follower starts at the journal's end: probe until it sees one.
	local i
	for ((i = 0; i < 100; i++)); do
		"$HUSK" volume create "probe$i" >/dev/null
		grep -q "create probe" "$out" && break
		sleep 0.1
	done
	grep -q "create probe" "$out" || die "the follower saw no event: $(cat "$out")"
	grep -q "create old" "$out" && die "the follower printed an event from before it started"

	"$HUSK" volume create new1 >/dev/null
	wait_for_line "$out" "^create new1$"
	# Past the rotation (about 350 KB per run with these labels).
	big_labels "$BATS_TEST_TMPDIR/labels"
	for i in 1 2 3 4; do
		"$HUSK" run --rm --label-file "$BATS_TEST_TMPDIR/labels" "$R/busybox" true
	done
	[[ -f $(journal_dir)/events.log.1 ]] || die "the journal did not rotate"
	"$HUSK" volume create new2 >/dev/null
	wait_for_line "$out" "^create new2$"

	kill -TERM "$pid"
	wait_bg "$pid"
	expect_eq "$status" 0 "exit code after SIGTERM"
	wait_for_line "$sout" "^create new2$"
	kill -TERM "$spid"
	wait_bg "$spid"
	expect_eq "$status" 0 "exit code of the --since follower after SIGTERM"
	expect_eq "$(head -1 "$sout")" "create old" "the --since follower's first line"
	# The follower that started at the end saw the last of what the one
	# that replayed saw, and nothing else.
	expect_eq "$(cat "$out")" "$(tail -n "$(wc -l <"$out")" "$sout")" "what the followers saw"
}
