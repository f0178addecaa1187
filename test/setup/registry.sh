#!/usr/bin/env bash
# Local, plain-HTTP container registry for husk's integration tests.
#
#   registry.sh start   start it (idempotent), wait until /v2/ answers
#   registry.sh stop    stop the instance this script started (by its pid file)
#   registry.sh status  exit 0 if it is running and answering
#   registry.sh addr    print HOST:PORT
#   registry.sh storage print the storage root directory (for test fixtures
#                       that manipulate blobs behind the registry's back)
#
# Uses Debian's CNCF distribution registry (/usr/bin/docker-registry) with
# filesystem storage under $HUSK_TEST_REGISTRY_DIR/data (default
# /var/tmp/husk-test-registry). Port: $HUSK_TEST_REGISTRY_PORT (default 5055).
set -euo pipefail

PORT=${HUSK_TEST_REGISTRY_PORT:-5055}
HOST=127.0.0.1
BASE=${HUSK_TEST_REGISTRY_DIR:-/var/tmp/husk-test-registry}
DATA=$BASE/data
CONFIG=$BASE/config.yml
PIDFILE=$BASE/registry.pid
LOGFILE=$BASE/registry.log
BIN=${HUSK_TEST_REGISTRY_BIN:-/usr/bin/docker-registry}
TIMEOUT=20

log() { printf 'registry: %s\n' "$*"; }
die() { printf 'registry: error: %s\n' "$*" >&2; exit 1; }

# Prints the pid from the pid file if that process is alive and really is the
# registry binary (guards against a recycled pid); fails otherwise.
our_pid() {
	local pid exe
	[[ -r $PIDFILE ]] || return 1
	pid=$(<"$PIDFILE")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
	[[ $exe == "$(readlink -f "$BIN")" ]] || return 1
	# A zombie is not a running registry.
	local state
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X)
	[[ $state != Z && $state != X ]] || return 1
	echo "$pid"
}

answers() {
	curl -fsS -o /dev/null --max-time 2 "http://$HOST:$PORT/v2/" 2>/dev/null
}

write_config() {
	mkdir -p "$DATA"
	local tmp=$CONFIG.tmp
	cat >"$tmp" <<EOF
# Written by test/setup/registry.sh; regenerated on every start.
version: 0.1
log:
  level: warn
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DATA
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $HOST:$PORT
  # Fixed: a random one only triggers a startup warning; never exposed.
  secret: husk-test-registry
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: false
EOF
	mv -f "$tmp" "$CONFIG"
}

cmd_start() {
	local pid
	if pid=$(our_pid); then
		if answers; then
			log "already running (pid $pid) on $HOST:$PORT"
			return 0
		fi
		# Ours, alive, but not answering: maybe still starting.
		if wait_ready "$pid"; then
			log "already running (pid $pid) on $HOST:$PORT"
			return 0
		fi
		log "pid $pid does not answer on $HOST:$PORT; restarting it"
		cmd_stop
	fi
	[[ -x $BIN ]] || die "$BIN not found (install the docker-registry package; see test/setup/setup.sh)"
	command -v curl >/dev/null || die "curl not found (see test/setup/setup.sh)"
	if answers; then
		die "something else already answers on http://$HOST:$PORT/v2/ (set HUSK_TEST_REGISTRY_PORT)"
	fi

	write_config
	rm -f "$PIDFILE"
	# setsid: own session, so signals to the caller's terminal do not reach it.
	# In a non-interactive shell the background child is not a process group
	# leader, so setsid does not fork and $! is the registry's pid.
	setsid nohup "$BIN" serve "$CONFIG" </dev/null >>"$LOGFILE" 2>&1 &
	pid=$!
	echo "$pid" >"$PIDFILE.tmp"
	mv -f "$PIDFILE.tmp" "$PIDFILE"

	if ! wait_ready "$pid"; then
		log "last lines of $LOGFILE:" >&2
		tail -n 20 "$LOGFILE" >&2 || true
		kill "$pid" 2>/dev/null || true
		rm -f "$PIDFILE"
		die "registry did not answer on http://$HOST:$PORT/v2/ within ${TIMEOUT}s"
	fi
	log "started (pid $pid) on $HOST:$PORT, storage $DATA, log $LOGFILE"
}

# wait_ready PID: until /v2/ answers, PID dies, or the timeout passes.
wait_ready() {
	local pid=$1 deadline=$((SECONDS + TIMEOUT))
	while ((SECONDS < deadline)); do
		if answers; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

cmd_stop() {
	local pid i
	if ! pid=$(our_pid); then
		rm -f "$PIDFILE"
		log "not running"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		# Reaped late by init it may linger as a zombie; that counts as gone.
		[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X) == [ZX] ]] && break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X) != [ZX] ]]; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
	log "stopped (pid $pid)"
}

cmd_status() {
	local pid
	if pid=$(our_pid) && answers; then
		log "running (pid $pid) on $HOST:$PORT"
		return 0
	fi
	log "not running"
	return 1
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
addr) echo "$HOST:$PORT" ;;
storage) echo "$DATA" ;;
*)
	echo "usage: $0 start|stop|status|addr|storage" >&2
	exit 2
	;;
esac
