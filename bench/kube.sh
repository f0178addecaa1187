#!/usr/bin/env bash
# Benchmark: an application of several containers brought up and taken
# down. `husk kube play FILE` / `husk kube down FILE` and `husk compose up -d`
# / `husk compose down` of the same three services (tool "compose") against
# podman 4.3.1's `podman kube play FILE` / `podman kube down FILE` (podman
# 4.3.1 has no compose: issue 17 names its kube play as the reference),
# both rootless as the test user, `--runtime runc`, each with a store of its
# own (bench/lib.sh's scratch file system, overlay), the image pulled into
# each store first (untimed).
#
# The YAML: three Pods of one container each (busybox: an httpd, and two
# `sleep`s standing for a database and a cache), on each tool's default
# network, no published ports: the "three services" of issue 17. The
# compose file: the same three services (compose puts them on a network of
# the project, app_default, which up makes and down removes).
#
# Cases: every round plays the YAML with one tool and takes it down, then
# the other tool (which goes first alternates per round), after
# BENCH_KUBE_WARM untimed warm-up rounds: `up` is the wall of kube play
# (returns once every container runs), `down` the wall of kube down (every
# pod and container removed). After each up, the tool must list the three
# pods as running. Time: bench_time_fine (wall of the command alone; tree
# CPU of down; the next command waits for every process down's left).
#
# Settings: BENCH_N (default 10 here), BENCH_KUBE_WARM (default 1),
# BENCH_KUBE_IMAGE (default husk-test/busybox:latest under the test
# registry), BENCH_KUBE_GOALS (default "up=0.5 down=0.5": highest acceptable
# husk/podman and compose/podman wall ratios).
set -euo pipefail
: "${BENCH_N:=10}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGE_NAME=${BENCH_KUBE_IMAGE:-husk-test/busybox:latest}
GOALS=${BENCH_KUBE_GOALS:-up=0.5 down=0.5}
WARM=${BENCH_KUBE_WARM:-1}
TOOLS=(husk compose podman)

bench_init kube
[[ $WARM =~ ^[0-9]+$ ]] || bench_die "BENCH_KUBE_WARM must be a number, not '$WARM'"
for t in podman runc; do
	command -v "$t" >/dev/null || bench_die "$t not found: the benchmark needs it (apt-get install $t)"
done
bench_side_by_side
bench_on_exit bench_finish_stores

YAML=$W/app.yaml
pod_yaml() {
	cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  containers:
  - name: main
    image: $IMAGE
    command: [$2]
EOF
}
{
	pod_yaml web 'httpd, -f, -p, "8080"'
	echo ---
	pod_yaml db 'sleep, "100000"'
	echo ---
	pod_yaml cache 'sleep, "100000"'
} >"$YAML"
chmod 644 "$YAML"
COMPOSE=$W/compose.yaml
cat >"$COMPOSE" <<EOF
services:
  web: {image: $IMAGE, command: [httpd, -f, -p, "8080"]}
  db: {image: $IMAGE, command: [sleep, "100000"]}
  cache: {image: $IMAGE, command: [sleep, "100000"]}
EOF
chmod 644 "$COMPOSE"

tool_argv() {
	case $1 in
	husk | compose) T=("${HUSK[@]}") ;;
	podman) T=("${PODMAN[@]}") ;;
	esac
}

# up_argv TOOL, down_argv TOOL: set ARGV to the tool's up or down.
up_argv() {
	tool_argv "$1"
	case $1 in
	compose) ARGV=("${T[@]}" compose -f "$COMPOSE" -p app up -d) ;;
	*) ARGV=("${T[@]}" kube play "$YAML") ;;
	esac
}
down_argv() {
	tool_argv "$1"
	case $1 in
	compose) ARGV=("${T[@]}" compose -f "$COMPOSE" -p app down) ;;
	*) ARGV=("${T[@]}" kube down "$YAML") ;;
	esac
}

# check_up TOOL: the tool lists the three pods (compose: containers),
# running.
check_up() {
	local got
	tool_argv "$1"
	if [[ $1 == compose ]]; then
		got=$(U "${T[@]}" ps --filter label=com.docker.compose.project=app --format '{{.Names}} {{.State}}' 2>&1 | sort | tr '\n' ' ')
		[[ $got == "app-cache-1 running app-db-1 running app-web-1 running " ]] || bench_die "compose: after up -d, ps shows: $got"
		return
	fi
	got=$(U "${T[@]}" pod ps --format '{{.Name}} {{.Status}}' 2>&1 | sort | tr '\n' ' ')
	[[ $got == "cache Running db Running web Running " ]] || bench_die "$1: after kube play, pod ps shows: $got"
}

# check_down TOOL: nothing of the YAML is left.
check_down() {
	local got
	tool_argv "$1"
	got=$(U "${T[@]}" ps -aq 2>&1; U "${T[@]}" pod ps -q 2>&1)
	if [[ $1 == compose ]]; then
		got+=$(U "${T[@]}" network ls -q --filter name=app_default 2>&1)
	fi
	[[ -z $got ]] || bench_die "$1: after down, left: $got"
}

bench_header "kube: husk kube play/down and compose up -d/down vs podman kube play/down of three services, rootless, --runtime runc"
bench_say "runtime: $(runc --version | head -n1)"
bench_say "image:   $IMAGE"
bench_log "pulling $IMAGE into both stores (untimed)"
for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	U "${T[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/$t.pull" 2>&1 ||
		{ cat "$DATA/$t.pull" >&2; bench_die "$t pull failed"; }
done

# one_round PREFIX TOOL: up and down, timed into PREFIX{up,down}.TOOL.time.
# The up runs outside a cgroup of its own: what it starts (the containers'
# monitors, conmon) stays until the down, which bench_time_fine would
# otherwise wait for as "linger" (so up's tree CPU is not measured).
one_round() {
	local p=$1 t=$2
	tool_argv "$t"
	bench_sync
	up_argv "$t"
	BENCH_CGROUP_BASE='' BENCH_TIME_PARENT='' bench_time_fine "${p}up.$t.time" "${ARGV[@]}" || bench_die "$t up failed"
	check_up "$t"
	bench_sync
	down_argv "$t"
	bench_time_fine "${p}down.$t.time" "${ARGV[@]}" || bench_die "$t down failed"
	check_down "$t"
}

for ((r = 1; r <= WARM; r++)); do
	for t in "${TOOLS[@]}"; do one_round "$DATA/warm." "$t"; done
done
for ((r = 1; r <= BENCH_N; r++)); do
	k=$(((r - 1) % ${#TOOLS[@]}))
	order=("${TOOLS[@]:k}" "${TOOLS[@]:0:k}")
	cut -d' ' -f1 /proc/loadavg >>"$DATA/load"
	for t in "${order[@]}"; do
		one_round "$DATA/" "$t"
	done
done

bench_say ""
bench_say "Medians over $BENCH_N rounds (wall = the command alone; tree cpu = CPU of every process it started):"
printf '%-8s %-8s %16s %10s\n' case tool "wall ms (min-max)" "tree cpu" | bench_say_file /dev/stdin
for c in up down; do
	for t in "${TOOLS[@]}"; do
		printf '%-8s %-8s %7s (%s) %10s\n' "$c" "$t" "$(ms_med "$c.$t" 1)" "$(ms_minmax "$c.$t" 1)" "$(ms_med "$c.$t" 3)"
	done
done | bench_say_file /dev/stdin
bench_say ""
bench_say "Ratios (wall medians, against podman's kube play/down) against the goals:"
for t in husk compose; do
	for c in up down; do
		ratio=$(bench_ratio "$(med "$c.$t" 1)" "$(med "$c.podman" 1)")
		goal=$(goal_for "$c")
		bench_say "  $t $c: $ratio $(bench_goal "$ratio" "$goal") (goal <= $goal)"
	done
done
bench_say "load average at each round: $(tr '\n' ' ' <"$DATA/load")"
bench_done
