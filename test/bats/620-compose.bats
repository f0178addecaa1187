#!/usr/bin/env bats
# husk compose (issue 17): compose files loaded by compose-go, run as husk
# containers on a per-project network: up -d --wait with depends_on
# conditions, logs, ps, labels, merging of several -f, .env interpolation
# and profiles, hostile files refused with nothing started, and down
# leaving no container, network, volume, process or mount.

load helpers

setup_file() {
	husk_setup_run_file busybox
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	command -v pasta >/dev/null || command -v slirp4netns >/dev/null ||
		HUSK_SKIP_REASON="compose networks need pasta or slirp4netns"
	return 0
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	"$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	"$HUSK" network prune -f >/dev/null 2>&1 || true
	"$HUSK" volume prune -f >/dev/null 2>&1 || true
}

netdir() { echo "$XDG_RUNTIME_DIR/husk/storage/husk-netns"; }

# project DIR: a project directory of this test, made the current one.
project() {
	mkdir -p "$BATS_TEST_TMPDIR/$1"
	cd "$BATS_TEST_TMPDIR/$1"
}

# expect_nothing_left PROJECT: no container, network or volume of the
# project, no container process, mount or network helper.
expect_nothing_left() {
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$output" "" "containers after down" || return 1
	run_husk network ls --format '{{.Name}}'
	expect_not_contains "$output" "$1_" "networks after down" || return 1
	run_husk volume ls --format '{{.Name}}'
	expect_eq "$output" "" "volumes after down" || return 1
	expect_no_container_leftovers || return 1
	wait_until 10 no_net_helpers
	expect_eq "$(user_mounts_with "$(netdir)")" "" "bound namespace files"
}

no_net_helpers() { [[ -z $(user_pids_with "$(netdir)") ]]; }

# two_tier: web serves www/index.html with busybox httpd and turns healthy
# once it answers; client waits for that, fetches the file by the
# service's name and keeps it in out/.
two_tier() {
	mkdir -p www
	echo "hello from web $$" >www/index.html
	cat >compose.yaml <<YAML
services:
  web:
    image: $R/busybox
    command: httpd -f -p 8080 -h /www
    volumes:
      - ./www:/www:ro
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/index.html"]
      interval: 1s
      retries: 20
    labels:
      tier: front
  client:
    image: $R/busybox
    depends_on:
      web:
        condition: service_healthy
    command: ["sh", "-c", "wget -q -O /out/got.txt http://web:8080/index.html && cat /out/got.txt && exec sleep 1000"]
    volumes:
      - ./out:/out
      - cache:/cache
    environment:
      GREETING: hi
volumes:
  cache: {}
YAML
}

@test "two-tier app: up -d --wait, the client fetched the file by service name, logs, ps, labels, down leaves nothing" {
	project app
	two_tier
	run_husk compose up -d --wait
	expect_contains "$stderr" "Container app-web-1  Started"
	expect_contains "$stderr" "Container app-client-1  Started"
	expect_eq "$(cat out/got.txt)" "hello from web $$" "file the client fetched"
	run_husk compose logs client
	expect_contains "$output" "app-client-1 | hello from web $$"
	run_husk compose ps
	expect_match "${lines[0]}" '^NAME +IMAGE +COMMAND +SERVICE +STATUS +PORTS'
	expect_match "$output" 'app-web-1 .* web +Up .*\(healthy\)'
	expect_match "$output" 'app-client-1 .* client +Up'
	run_husk compose ps -q
	expect_eq "$output" $'app-client-1\napp-web-1'
	# The compose labels: husk ps --filter finds the project's containers.
	run_husk ps --filter label=com.docker.compose.project=app --filter label=com.docker.compose.service=web --format '{{.Names}}'
	expect_eq "$output" app-web-1
	run_husk ps --filter label=tier=front --format '{{.Names}} {{index .Labels "com.docker.compose.container-number"}} {{index .Labels "com.docker.compose.oneoff"}}'
	expect_eq "$output" "app-web-1 1 False"
	run_husk network ls --filter label=com.docker.compose.project=app --format '{{.Name}}'
	expect_eq "$output" app_default
	run_husk volume ls --filter label=com.docker.compose.project=app --format '{{.Name}}'
	expect_eq "$output" app_cache
	run_husk inspect --format '{{range .Config.Env}}{{println .}}{{end}}' app-client-1
	expect_contains "$output" "GREETING=hi"
	# exec in a service's container, with its exit code.
	run_husk compose exec -T web cat /www/index.html
	expect_eq "$output" "hello from web $$"
	run_husk 3 compose exec -T web sh -c 'exit 3'
	# up again: nothing to do, nothing recreated.
	id=$("$HUSK" inspect --format '{{.Id}}' app-web-1)
	run_husk compose up -d
	expect_contains "$stderr" "Container app-web-1  Running"
	expect_eq "$("$HUSK" inspect --format '{{.Id}}' app-web-1)" "$id" "web's container after a second up"
	# down keeps the named volume, down -v removes it.
	run_husk compose down
	run_husk ps -a -q
	expect_eq "$output" ""
	run_husk volume ls --format '{{.Name}}'
	expect_eq "$output" app_cache
	run_husk compose down -v
	expect_contains "$stderr" "Volume app_cache  Removed"
	expect_nothing_left app
}

@test "-p names the project; the default is the directory's name; stop, start, restart" {
	project dirname
	cat >compose.yaml <<YAML
services:
  one:
    image: $R/busybox
    command: sleep 1000
YAML
	run_husk compose up -d
	run_husk ps --format '{{.Names}}'
	expect_eq "$output" dirname-one-1
	run_husk compose -p other up -d
	run_husk ps --format '{{.Names}}' --sort names
	expect_eq "$output" $'dirname-one-1\nother-one-1'
	run_husk compose stop
	run_husk ps -a --format '{{.Names}} {{.State}}' --filter label=com.docker.compose.project=dirname
	expect_eq "$output" "dirname-one-1 exited"
	run_husk compose start
	run_husk ps --format '{{.Names}}' --filter label=com.docker.compose.project=dirname
	expect_eq "$output" dirname-one-1
	run_husk compose restart -t 0 one
	expect_contains "$stderr" "Container dirname-one-1  Restarted"
	# down -p needs no files: the project's labels find what it left.
	(cd / && run_husk compose -p other down -t 0) || return 1
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$output" dirname-one-1
	run_husk network ls --format '{{.Name}}' --filter label=com.docker.compose.project=other
	expect_eq "$output" "" "the other project's network"
	run_husk compose down -t 0
	expect_nothing_left dirname
}

@test "compose and kube run in husk-compose, not in the transfer helper; without it they say where husk looked" {
	project helper
	cat >compose.yaml <<YAML
services:
  app:
    image: $R/busybox
YAML
	local lone=$BATS_TEST_TMPDIR/lone
	mkdir -p "$lone"
	cp "$HUSK" "$(dirname "$HUSK")/husk-transfer" "$lone/"
	HUSK=$lone/husk run_husk 125 compose config
	expect_contains "$stderr" "husk-compose, which is missing" "error names the compose helper"
	expect_contains "$stderr" "looked at $lone/husk-compose" "error says where it looked"
	expect_contains "$stderr" "HUSK_COMPOSE_HELPER" "error names the override"
	HUSK=$lone/husk run_husk 125 kube play "$BATS_TEST_TMPDIR/none.yaml"
	expect_contains "$stderr" "husk-compose, which is missing"
	# The transfer helper hands compose on too, and still pulls alone.
	HUSK=$lone/husk-transfer run_husk 125 compose config
	expect_contains "$stderr" "husk-compose, which is missing" "the transfer helper has no compose of its own"
	HUSK=$lone/husk run_husk pull -q "$R/busybox"
	expect_match "$output" "$HEX64" "pull without the compose helper"
	HUSK_COMPOSE_HELPER=$(dirname "$HUSK")/husk-compose HUSK=$lone/husk run_husk compose config
	expect_contains "$output" "image: $R/busybox" "compose through HUSK_COMPOSE_HELPER"
}

@test "several -f are merged in order; config prints the result" {
	project merge
	cat >base.yaml <<YAML
services:
  app:
    image: $R/busybox
    command: sleep 1000
    environment:
      FROM_BASE: "1"
      OVERRIDDEN: base
YAML
	cat >override.yaml <<YAML
services:
  app:
    environment:
      OVERRIDDEN: override
    labels:
      added: by-override
YAML
	run_husk compose -f base.yaml -f override.yaml config
	expect_contains "$output" "OVERRIDDEN: override"
	expect_contains "$output" 'FROM_BASE: "1"'
	run_husk compose -f base.yaml -f override.yaml up -d
	run_husk inspect --format '{{range .Config.Env}}{{println .}}{{end}}{{index .Config.Labels "added"}}' merge-app-1
	expect_contains "$output" "FROM_BASE=1"
	expect_contains "$output" "OVERRIDDEN=override"
	expect_contains "$output" "by-override"
	run_husk compose -f base.yaml -f override.yaml down -t 0
	expect_nothing_left merge
}

@test ".env and --env-file interpolate; --profile enables a service" {
	project envprof
	cat >compose.yaml <<YAML
services:
  app:
    image: $R/busybox
    command: sleep 1000
    environment:
      MSG: \${MSG:-unset}
  extra:
    image: $R/busybox
    command: sleep 1000
    profiles: [debug]
YAML
	echo "MSG=from-dotenv" >.env
	echo "MSG=from-env-file" >other.env
	run_husk compose up -d
	run_husk ps --format '{{.Names}}'
	expect_eq "$output" envprof-app-1 "services without --profile"
	run_husk inspect --format '{{range .Config.Env}}{{println .}}{{end}}' envprof-app-1
	expect_contains "$output" "MSG=from-dotenv"
	run_husk compose --env-file other.env --profile debug up -d
	expect_contains "$stderr" "Container envprof-app-1  Recreated"
	run_husk ps --format '{{.Names}}' --sort names
	expect_eq "$output" $'envprof-app-1\nenvprof-extra-1'
	run_husk inspect --format '{{range .Config.Env}}{{println .}}{{end}}' envprof-app-1
	expect_contains "$output" "MSG=from-env-file"
	run_husk compose --profile debug down -t 0
	expect_nothing_left envprof
}

@test "depends_on service_completed_successfully waits for the exit; a failed one stops up and leaves nothing" {
	project done
	cat >compose.yaml <<YAML
services:
  init:
    image: $R/busybox
    command: ["sh", "-c", "sleep 1; echo init-done > /shared/flag"]
    volumes: [shared:/shared]
  app:
    image: $R/busybox
    command: ["sh", "-c", "cat /shared/flag; exec sleep 1000"]
    volumes: [shared:/shared]
    depends_on:
      init:
        condition: service_completed_successfully
volumes:
  shared: {}
YAML
	run_husk compose up -d
	run_husk compose logs app
	expect_contains "$output" "init-done"
	run_husk compose ps -a
	expect_match "$output" 'done-init-1 .* Exited \(0\)'
	run_husk compose down -v -t 0
	expect_nothing_left done
	# A dependency that fails: up fails with 125, and removes what it made.
	sed -i 's/echo init-done > \/shared\/flag/exit 4/' compose.yaml
	run_husk 125 compose up -d
	expect_contains "$stderr" 'service "app": dependency failed to start: container done-init-1 did not complete successfully: exit 4'
	expect_nothing_left done
}

@test "hostile files: a depends_on cycle, malformed YAML, an unsupported key, a missing image: clear errors, nothing started" {
	project bad
	cat >compose.yaml <<YAML
services:
  a:
    image: $R/busybox
    depends_on: [b]
  b:
    image: $R/busybox
    depends_on: [a]
YAML
	run_husk 125 compose up -d
	expect_match "$stderr" 'dependency cycle detected: (a -> b -> a|b -> a -> b)'
	expect_one_error_line
	printf 'services:\n  a:\n    image: [unclosed\n' >compose.yaml
	run_husk 125 compose up -d
	expect_contains "$stderr" "husk: load compose project:"
	expect_one_error_line
	cat >compose.yaml <<YAML
services:
  a:
    image: $R/busybox
    command: sleep 1000
  b:
    image: $R/busybox
    secrets: [s]
    mac_address: 02:42:ac:11:00:02
secrets:
  s:
    file: ./s.txt
YAML
	run_husk 125 compose up -d
	expect_contains "$stderr" 'service "b": mac_address, secrets are not supported by husk'
	cat >compose.yaml <<YAML
services:
  a:
    image: $R/busybox
    command: sleep 1000
  b:
    image: $R/no-such-image
YAML
	run_husk 125 compose up -d
	expect_contains "$stderr" 'service "b": pull image'
	expect_nothing_left bad
}

@test "run --rm runs a one-off container; deploy.resources.limits are enforced or refused, never dropped" {
	project limits
	cat >compose.yaml <<YAML
services:
  plain:
    image: $R/busybox
    command: sleep 1000
  limited:
    image: $R/busybox
    command: sleep 1000
    deploy:
      resources:
        limits:
          memory: 64m
          pids: 50
YAML
	run_husk 5 compose run --rm -T plain sh -c 'echo one-off; echo "$0"; exit 5' from-run
	expect_eq "$output" $'one-off\nfrom-run'
	run_husk ps -a -q
	expect_eq "$output" "" "containers after run --rm"
	run_husk ? compose up -d limited
	if [[ $status -eq 0 ]]; then
		run_husk inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' limits-limited-1
		expect_eq "$output" "67108864 50"
	else
		# Without a delegated memory controller husk refuses the limit,
		# and up leaves no container behind (the network is run's).
		expect_eq "$status" 125
		expect_contains "$stderr" "needs the memory cgroup controller"
		run_husk ps -a -q
		expect_eq "$output" "" "containers after the refused up"
	fi
	run_husk compose down -t 0
	expect_nothing_left limits
}

@test "up in the foreground attaches the logs; an interrupt stops the containers, as docker compose" {
	project fg
	cat >compose.yaml <<YAML
services:
  ticker:
    image: $R/busybox
    command: ["sh", "-c", "echo started; trap 'echo stopping; exit 0' TERM; while true; do sleep 0.1; done"]
YAML
	local out=$BATS_TEST_TMPDIR/up.out
	husk_bg "$out" compose up
	wait_for_line "$out" '^fg-ticker-1 \| started$' 30
	kill -INT "$HUSK_BG_PID"
	local rc=0
	wait "$HUSK_BG_PID" || rc=$?
	expect_eq "$rc" 0 "exit code of the interrupted up" || { cat "$out" >&2; return 1; }
	run cat "$out"
	expect_contains "$output" "Gracefully stopping..."
	expect_contains "$output" "fg-ticker-1 | stopping"
	expect_contains "$output" "Container fg-ticker-1  Stopped"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_eq "$output" "fg-ticker-1 exited"
	run_husk compose down
	expect_nothing_left fg
}

# abort_project: quick exits 3 once slow has set its trap (a file in a
# shared directory says so); slow exits 5 when it is stopped; ok (profile
# zero) exits 0 at once.
abort_project() {
	project "$1"
	mkdir -p shared
	cat >compose.yaml <<YAML
services:
  quick:
    image: $R/busybox
    command: ["sh", "-c", "while [ ! -e /shared/ready ]; do sleep 0.1; done; echo quick done; exit 3"]
    volumes:
      - ./shared:/shared
  slow:
    image: $R/busybox
    command: ["sh", "-c", "trap 'echo slow stopping; exit 5' TERM; touch /shared/ready; while true; do sleep 0.1; done"]
    volumes:
      - ./shared:/shared
  ok:
    image: $R/busybox
    command: ["true"]
    profiles: ["zero"]
YAML
}

@test "up --abort-on-container-exit / --exit-code-from: the first container to stop stops the others; up exits with its code or the service's, as docker compose" {
	abort_project ab
	run_expect 3 timeout 120 "$HUSK" compose up --abort-on-container-exit
	expect_contains "$output" "ab-quick-1 | quick done"
	expect_contains "$output" "ab-quick-1 exited with code 3"
	expect_match "$output" "ab-slow-1 +\| slow stopping"
	expect_contains "$output" "ab-slow-1 exited with code 5"
	expect_contains "$stderr" "Aborting on container exit..."
	expect_contains "$stderr" "Container ab-slow-1  Stopped"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_eq "$(sort <<<"$output")" "ab-quick-1 exited
ab-slow-1 exited"

	# The stopped service's code; then one that exits 0.
	rm -f shared/ready
	run_expect 5 timeout 120 "$HUSK" compose up --exit-code-from slow
	expect_contains "$output" "ab-slow-1 exited with code 5"
	rm -f shared/ready
	run_expect 0 timeout 120 "$HUSK" compose --profile zero up --exit-code-from ok
	expect_contains "$output" "ab-ok-1 exited with code 0"
	expect_contains "$stderr" "Aborting on container exit..."

	# Refused before anything starts.
	run_husk compose down -t 0
	run_husk 125 compose up -d --abort-on-container-exit
	expect_contains "$stderr" "cannot be combined with --detach or --wait"
	run_husk 125 compose up --wait --exit-code-from slow
	expect_contains "$stderr" "cannot be combined with --detach or --wait"
	run_husk 125 compose up --exit-code-from nosuch
	expect_contains "$stderr" '--exit-code-from: no service "nosuch"'
	run_husk ps -a -q
	expect_eq "$output" "" "containers after the refused ups"
	expect_nothing_left ab
}

@test "run --network-alias: another name on a user network (what compose's service names use); refused elsewhere" {
	run_husk network create aliasnet
	run_husk run -d --network aliasnet --network-alias db --network-alias Primary.DB --name aliased "$R/busybox" sleep 1000
	ip=$("$HUSK" inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' aliased)
	expect_match "$ip" '^10\.'
	run_husk inspect --format '{{range .NetworkSettings.Networks}}{{range .Aliases}}{{.}} {{end}}{{end}}' aliased
	# podman 4.3.1 lists the aliases, then the short ID (605 compares it with podman)
	expect_match "$output" '^db Primary\.DB [0-9a-f]{12} $' "aliases in inspect, as podman lists them"
	for name in db primary.db db.dns.husk aliased; do
		run_husk run --rm --network aliasnet "$R/busybox" nslookup "$name"
		expect_contains "$output" "Address: $ip" "nslookup $name"
	done
	run_husk 125 run --rm --network none --network-alias db "$R/busybox" true
	expect_contains "$stderr" "--network-alias needs a bridge network"
	run_husk rm -f -t 0 aliased
	run_husk network rm aliasnet
}

@test "build: a service's image is built by husk build when missing, again with up --build; build.args reach it" {
	project built
	mkdir -p app
	printf 'FROM %s/busybox\nARG MSG=default\nLABEL msg=$MSG\nCOPY note /note\nCMD ["sh", "-c", "cat /note; exec sleep 1000"]\n' "$R" >app/Containerfile
	echo "note one" >app/note
	cat >compose.yaml <<YAML
services:
  app:
    image: localhost/compose-built:1
    build:
      context: ./app
      args:
        MSG: from-args
YAML
	run_husk compose up -d
	expect_contains "$stderr" "Building localhost/compose-built:1 (service app)"
	run_husk image inspect --format '{{index .Labels "msg"}}' localhost/compose-built:1
	expect_eq "$output" from-args
	wait_until 10 logs_contain built-app-1 "note one"
	# The image exists now: up does not build it again, up --build does.
	echo "note two" >app/note
	run_husk compose up -d
	expect_not_contains "$stderr" "Building"
	run_husk compose up -d --build
	expect_contains "$stderr" "Building localhost/compose-built:1"
	expect_contains "$stderr" "Container built-app-1  Recreated"
	wait_until 10 logs_contain built-app-1 "note two"
	# A build key husk build does not have: refused, naming it.
	sed -i 's/      args:/      ssh: [default]\n      args:/' compose.yaml
	run_husk 125 compose build
	expect_contains "$stderr" 'service "app": build.ssh is not supported by husk build'
	run_husk compose down -t 0
	run_husk rmi localhost/compose-built:1
	expect_nothing_left built
}
