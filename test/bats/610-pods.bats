#!/usr/bin/env bats
# Pods (issue 17): pod create|ps|inspect|start|stop|restart|kill|pause|
# unpause|rm|prune|top|stats|logs|exists, run --pod NAME|new:NAME, --pod-id-file, ps
# --pod and --filter pod=. A pod's containers share the infra container's
# network, ipc and uts namespaces (reach each other on localhost, have the
# pod's host name), and go with the pod: pod rm -f leaves no process,
# mount, runtime state or cgroup. Where podman 4.3.1 is installed, pod
# inspect's and pod ps --format json's keys and the exit codes of the
# refusals are compared with it. Real runc and busybox, as the test user.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file busybox
	export HUSK_NET_LINGER=0
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || {
		"$HUSK" pod rm -a -f >/dev/null 2>&1 || true
		"$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	}
	[[ -n ${PM_SKIP:-} ]] || {
		pm pod rm -a -f -t 0 >/dev/null 2>&1 || true
		pm rm -a -f -t 0 >/dev/null 2>&1 || true
	}
}

need_podman() { [[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"; }

# free_port: a TCP port on loopback that nothing listens on.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pod_status POD: the pod's state in pod ps.
pod_status() { "$HUSK" pod ps --filter "name=^$1\$" --format '{{.Status}}'; }

# keys_and_types: the JSON document on stdin as sorted "path type" lines
# (list items as [], values' types only), to compare key sets with podman.
keys_and_types() {
	python3 -c '
import json, sys
def walk(v, p):
    t = type(v).__name__
    if v is None: t = "null"
    print(p, t)
    if isinstance(v, dict):
        for k, x in v.items():
            walk(x, p + "." + k)
    elif isinstance(v, list):
        for x in v:
            walk(x, p + "[]")
walk(json.load(sys.stdin), "")' | sort -u
}

@test "pod create, run --pod: the containers reach each other on localhost and share the pod's host name and ipc; ps --pod, --filter pod=" {
	run_husk pod create --name p1 --label tier=web
	local pid=$output
	expect_match "$pid" '^[0-9a-f]{64}$'
	expect_eq "$(pod_status p1)" Created "a new pod has only its created infra container"
	run_husk run -d --pod p1 --name web "$R/busybox" sh -c 'echo hello-pod >/tmp/i && exec httpd -f -p 127.0.0.1:8080 -h /tmp'
	expect_eq "$(pod_status p1)" Running "run --pod starts the infra container"
	local i got=""
	for i in $(seq 50); do
		got=$("$HUSK" run --rm --pod p1 "$R/busybox" wget -q -O - http://127.0.0.1:8080/i 2>/dev/null) && break
		sleep 0.1
	done
	expect_eq "$got" hello-pod "a second container reaches the first on localhost"
	run_husk run --rm --pod p1 "$R/busybox" hostname
	expect_eq "$output" p1 "the pod's name is the host name of its uts namespace"
	run_husk exec web hostname
	expect_eq "$output" p1
	# ipc: one container's System V shared memory is the other's.
	run_husk exec web sh -c 'for n in ipc net uts; do readlink /proc/self/ns/$n; done'
	local web_ns=$output
	run_husk run --rm --pod p1 "$R/busybox" sh -c 'for n in ipc net uts; do readlink /proc/self/ns/$n; done'
	expect_eq "$output" "$web_ns" "ipc, net and uts namespaces are the pod's"
	run_husk run --rm --pod p1 "$R/busybox" readlink /proc/self/ns/pid
	local other_pid=$output
	run_husk exec web readlink /proc/self/ns/pid
	[[ $output != "$other_pid" ]] || die "the pid namespace is not shared by default (podman's ipc,net,uts)"

	run_husk ps -a --pod --format '{{.Names}} {{.Pod}} {{.PodName}}'
	expect_contains "$output" "web ${pid:0:12} p1"
	expect_contains "$output" "${pid:0:12}-infra ${pid:0:12} p1"
	run_husk ps --pod
	expect_match "${lines[0]}" 'POD ID +PODNAME$'
	run_husk create --name loner "$R/busybox" true
	run_husk ps -a --filter pod=p1 --format '{{.Names}}'
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "${pid:0:12}-infra" web)" "filter pod= by name"
	run_husk ps -a --filter "pod=${pid:0:8}" --format '{{.Names}}'
	expect_eq "$(wc -l <<<"$output")" 2 "filter pod= by ID prefix"
	run_husk ps -a --filter pod=nosuch --format '{{.Names}}'
	expect_eq "$output" "" "a pod that does not exist matches nothing, as podman's"
	run_husk inspect --format '{{.Pod}} {{.IsInfra}}' web
	expect_eq "$output" "$pid false"
	run_husk inspect --format '{{.IsInfra}}' "${pid:0:12}-infra"
	expect_eq "$output" true
	run_husk ps -a --format json
	python3 -c 'import json, sys; d = {c["Names"][0]: c for c in json.load(sys.stdin)}; assert d["web"]["Pod"] == sys.argv[1], d["web"]; assert not d["loner"]["Pod"]' "$pid" <<<"$output"
}

@test "pod create -p: the pod's published port reaches a container of the pod; run --pod refuses -p and --hostname as podman" {
	local port
	port=$(free_port)
	run_husk pod create --name pp -p "127.0.0.1:$port:80"
	run_husk run -d --pod pp --name srv "$R/busybox" sh -c 'echo via-pod >/tmp/i && exec httpd -f -p 80 -h /tmp'
	local i got=""
	for i in $(seq 50); do
		got=$(curl -fsS "http://127.0.0.1:$port/i" 2>/dev/null) && break
		sleep 0.1
	done
	expect_eq "$got" via-pod "the pod's port"
	run_husk ps --format '{{.Names}} {{.Ports}}' --filter name=srv
	expect_eq "$output" "srv 127.0.0.1:$port->80/tcp" "a container of the pod shows the pod's ports, as podman's ps"
	run_husk pod inspect --format '{{.CgroupPath}}' pp
	local infra_cg=$output
	run_husk inspect --format '{{.State.CgroupPath}}' "$("$HUSK" pod inspect --format '{{.InfraContainerID}}' pp)"
	expect_eq "$infra_cg" "$output" "the pod's CgroupPath is its infra container's"
	run_husk pod inspect --format '{{json .InfraConfig.PortBindings}}' pp
	expect_eq "$output" "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$port\"}]}"
	run_husk 125 run --rm --pod pp -p 9999:80 "$R/busybox" true
	expect_contains "$stderr" "published or exposed ports must be defined when the pod is created"
	# --network given: the container's own network, outside the pod's,
	# as podman 4.3.1 has it.
	run_husk run --rm --pod pp --network none "$R/busybox" sh -c 'ip -o link | grep -c .'
	expect_eq "$output" 1 "--network none: only loopback"
	run_husk 125 run --rm --pod pp --hostname x "$R/busybox" true
	expect_contains "$stderr" "cannot set --hostname when joining the pod UTS namespace"
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$(grep -c . <<<"$output")" 2 "the refused runs left no container"
	need_podman
	pm pod create --name pp -p 127.0.0.1:$(free_port):80 >/dev/null
	run_pm 125 run --rm --pod pp -p 9999:80 "$R/busybox" true
	run_pm run --rm --pod pp --network none "$R/busybox" sh -c 'ip -o link | grep -c .'
	expect_eq "$output" 1
	run_pm 125 run --rm --pod pp --hostname x "$R/busybox" true
}

@test "pod stop, start, restart, kill, pause, unpause: the pod's state in pod ps follows its containers'" {
	run_husk pod create --name lc
	local pid=$output
	run_husk run -d --pod lc --name a "$R/busybox" sleep 1000
	run_husk run -d --pod lc --name b "$R/busybox" sleep 1000
	expect_eq "$(pod_status lc)" Running
	run_husk pod ps --format '{{.Name}} {{.NumberOfContainers}} {{.ContainerStatuses}}' --filter name=lc
	expect_eq "$output" "lc 3 running,running,running"
	run_husk pod stop -t 1 lc
	expect_eq "$output" "$pid" "the pod's ID, as podman prints it"
	expect_eq "$(pod_status lc)" Exited
	expect_eq "$(ctr_status a) $(ctr_status b)" "exited exited"
	run_husk pod start lc
	expect_eq "$output" "$pid"
	expect_eq "$(pod_status lc)" Running
	local before
	before=$(ctr_pid a)
	run_husk pod restart lc
	expect_eq "$(pod_status lc)" Running
	[[ $(ctr_pid a) != "$before" ]] || die "restart did not restart a"
	run_husk stop -t 0 b
	expect_eq "$(pod_status lc)" Degraded "some containers run"
	run_husk pod start lc
	local deleg
	deleg=$("$HUSK" info --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["cgroups"].get("delegated", ""))')
	if [[ -n $deleg ]]; then
		run_husk pod pause lc
		expect_eq "$output" "$pid"
		expect_eq "$(pod_status lc)" Paused
		expect_eq "$(ctr_field a '{{.State.Status}}')" paused
		run_husk pod unpause lc
		expect_eq "$(pod_status lc)" Running
	else
		# No cgroup of their own: refused, as a container's pause is.
		run_husk 125 pod pause lc
		expect_eq "$(pod_status lc)" Running
	fi
	run_husk pod kill lc
	expect_eq "$output" "$pid"
	wait_until 10 eval '[[ $(pod_status lc) == Exited ]]'
	run_husk pod kill -s TERM lc
	expect_eq "$output" "$pid" "killing a stopped pod signals nothing and is no error"
	run_husk run -d --name outsider "$R/busybox" sleep 1000
	run_husk pod start lc
	run_husk stop -t 0 --filter pod=lc
	expect_eq "$(grep -c . <<<"$output")" 3 "stop --filter pod=NAME: the pod's three containers"
	expect_eq "$(pod_status lc) $(ctr_status outsider)" "Exited running"
}

@test "pod rm: refused with running containers; -f removes all, with no process, mount, runtime state or cgroup left" {
	run_husk pod create --name gone
	local pid=$output
	run_husk run -d --pod gone --name g1 "$R/busybox" sleep 1000
	run_husk run -d --pod gone --name g2 "$R/busybox" sleep 1000
	local infra="${pid:0:12}-infra" pids=() cgs=() ids=() c
	for c in "$infra" g1 g2; do
		pids+=("$(ctr_pid "$c")")
		ids+=("$(ctr_field "$c" '{{.Id}}')")
		local cg
		cg=$(ctr_field "$c" '{{.State.CgroupPath}}')
		[[ -z $cg ]] || cgs+=("$cg")
	done
	local deleg
	deleg=$("$HUSK" info --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["cgroups"].get("delegated", ""))')
	[[ -z $deleg ]] || expect_eq "${#cgs[@]}" 3 "with a delegated cgroup, each container has its own"
	for cg in "${cgs[@]}"; do
		[[ -d /sys/fs/cgroup/unified$cg || -d /sys/fs/cgroup$cg ]] || die "no cgroup directory $cg while it runs"
	done
	run_husk 125 pod rm gone
	expect_contains "$stderr" "running"
	expect_eq "$(pod_status gone)" Running "nothing was removed"
	run_husk 125 rm -f "$infra"
	expect_contains "$stderr" "is the infra container of pod $pid and cannot be removed without removing the pod"
	run_husk rm -f g2
	expect_eq "$(pod_status gone)" Running "a container of a pod can be removed on its own"
	run_husk pod rm -f gone
	expect_eq "$output" "$pid"
	run_husk 1 pod exists gone
	run_husk ps -a -q
	expect_eq "$output" ""
	local p
	for p in "${pids[@]}"; do
		wait_until 5 pid_gone "$p"
	done
	for cg in "${cgs[@]}"; do
		[[ ! -e /sys/fs/cgroup/unified$cg && ! -e /sys/fs/cgroup$cg ]] || die "cgroup $cg is still there"
	done
	expect_no_container_leftovers
	[[ -z $(ls -A "$XDG_DATA_HOME/husk/storage/husk-pods" | grep -E '^[0-9a-f]{64}$') ]] || die "the pod's record is still there"
	local id left
	for id in "${ids[@]}"; do
		left=$(find "$XDG_RUNTIME_DIR/husk" "$XDG_DATA_HOME/husk" -name "*${id:0:12}*" 2>/dev/null)
		expect_eq "$left" "" "files (network namespace, runtime state, records) of container $id"
	done
}

@test "pod create --infra=false: no infra, no shared namespaces; with --share the first container holds them; pod prune and system prune remove exited pods" {
	run_husk pod create --infra=false --name ni
	local pid=$output
	run_husk run -d --pod ni --name n1 "$R/busybox" sleep 1000
	run_husk run -d --pod ni --name n2 "$R/busybox" sleep 1000
	run_husk exec n1 readlink /proc/self/ns/net
	local n1=$output
	run_husk exec n2 readlink /proc/self/ns/net
	[[ $output != "$n1" ]] || die "containers of a pod without infra share no network namespace"
	run_husk pod ps --format '{{.Name}} {{.Status}} {{.InfraID}} {{.NumberOfContainers}}'
	expect_eq "$output" "ni Running  2"
	run_husk pod inspect --format '{{.CreateInfra}} {{.NumContainers}}' ni
	expect_eq "$output" "false 2"
	# With --share, the first container holds the namespaces for the
	# others (issue 17; podman 4.3.1 refuses --share without infra).
	run_husk pod create --no-infra --share net,uts --name ni2
	run_husk run -d --pod ni2 --name h1 "$R/busybox" httpd -f -p 8080 -h /etc
	run_husk run -d --pod ni2 --name h2 "$R/busybox" sleep 1000
	run_husk exec h1 readlink /proc/self/ns/net
	local h1=$output
	run_husk exec h2 readlink /proc/self/ns/net
	expect_eq "$output" "$h1" "the second container is in the first one's network namespace"
	run_husk exec h2 hostname
	expect_eq "$output" ni2 "the pod's host name, from the first container's uts namespace"
	run_husk exec h2 wget -q -O - http://127.0.0.1:8080/hostname
	expect_eq "$output" ni2 "the first container's server on localhost"
	expect_eq "$("$HUSK" pod inspect ni2 --format '{{.CreateInfra}} {{.SharedNamespaces}}')" "false [net uts]"
	run_husk pod stop -t 0 ni2
	run_husk pod start ni2
	run_husk exec h2 wget -q -O - http://127.0.0.1:8080/hostname
	expect_eq "$output" ni2 "pod start starts the first container before the others"
	run_husk pod rm -f ni2
	if [[ -z ${PM_SKIP:-} ]]; then
		run_pm 125 pod create --infra=false --share net --name ni2
		expect_contains "$stderr" "without an infra container"
	fi
	run_husk pod stop -t 0 ni
	run_husk pod create --name running
	run_husk run -d --pod running "$R/busybox" sleep 1000
	run_husk pod create --name idle
	run_husk pod prune -f
	expect_eq "$output" "$pid"
	run_husk container prune -f
	run_husk pod inspect --format '{{.NumContainers}}' idle
	expect_eq "$output" 1 "container prune leaves infra containers to their pods, as podman's"
	run_husk pod ps --format '{{.Name}}' --sort name
	expect_eq "$output" "idle
running" "prune removes the exited pods; a created one stays, as podman's"
	run_husk pod create --name idle2
	local idle2=$output
	run_husk pod start idle2
	run_husk pod stop idle2
	run_husk system prune -f
	expect_eq "$(sed -n 1,2p <<<"$output")" "Deleted Pods
$idle2" "system prune removes stopped pods first, as podman's"
	run_husk pod ps --format '{{.Name}}' --sort name
	expect_eq "$output" "idle
running"
	need_podman
	local pmid
	pmid=$(pm pod create --name idle2)
	pm pod create --name idle >/dev/null
	pm pod start idle2 >/dev/null
	pm pod stop idle2 >/dev/null
	run_pm system prune -f
	expect_eq "$(sed -n 1,2p <<<"$output")" "Deleted Pods
$pmid" "podman"
}

@test "pod ps: --format json, templates, -q, --filter name=, id=, status=, label=, ctr-names=; bad filters are 125" {
	run_husk pod create --name fa --label team=a
	local fa=$output
	run_husk pod create --name fb --label team=b
	run_husk run -d --pod fb --name fbc "$R/busybox" sleep 1000
	run_husk pod ps -q
	expect_eq "$(wc -l <<<"$output")" 2
	expect_match "${lines[0]}" '^[0-9a-f]{12}$'
	run_husk pod ps --format '{{.Name}}' --filter label=team=a
	expect_eq "$output" fa
	run_husk pod ps --format '{{.Name}}' --filter status=running
	expect_eq "$output" fb
	run_husk pod ps --format '{{.Name}}' --filter ctr-names=fbc
	expect_eq "$output" fb
	run_husk pod ps --format '{{.Name}}' --filter "id=${fa:0:10}"
	expect_eq "$output" fa
	run_husk pod ps --format '{{.Name}}' --filter name=f --sort name
	expect_eq "$output" "fa
fb"
	run_husk pod ps
	expect_match "${lines[0]}" '^POD ID +NAME +STATUS +CREATED +INFRA ID +# OF CONTAINERS$'
	run_husk 125 pod ps --filter nope=1
	expect_contains "$stderr" "nope is an invalid filter"
	run_husk pod ps --format json
	local husk_json=$output
	python3 -c 'import json, sys; d = json.load(sys.stdin); assert {p["Name"] for p in d} == {"fa", "fb"}, d' <<<"$husk_json"
	need_podman
	pm pod create --name fa --label team=a >/dev/null
	run_pm pod ps --format json
	expect_eq "$(keys_and_types <<<"$husk_json" | grep -v '^\[\]\.Labels\.')" "$(keys_and_types <<<"$output" | grep -v '^\[\]\.Labels\.')" "pod ps --format json: husk's keys and types are podman's"
	run_pm 125 pod ps --filter nope=1
}

@test "pod inspect: podman 4.3.1's keys and types, with and without infra; missing pods: 125, rm and exists 1, as podman" {
	local port
	port=$(free_port)
	run_husk pod create --name ins -p "127.0.0.1:$port:80" --label k=v
	run_husk run -d --pod ins "$R/busybox" sleep 1000
	run_husk pod inspect ins
	local husk_json=$output
	run_husk pod create --name insn --infra=false
	run_husk pod inspect insn
	local husk_noinfra=$output
	python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["Name"] == "ins" and d["NumContainers"] == 2 and d["SharedNamespaces"] == ["ipc", "net", "uts"], d' <<<"$husk_json"
	local c
	for c in start stop restart kill pause unpause inspect top stats logs; do
		run_husk 125 pod "$c" nosuch
		expect_contains "$stderr" "no such pod"
	done
	run_husk 1 pod rm nosuch
	run_husk pod rm -i nosuch
	run_husk 1 pod exists nosuch
	run_husk 125 pod create --name ins
	expect_contains "$stderr" "already in use"
	run_husk 125 pod create --name ../bad
	run_husk 125 pod create -p notaport
	run_husk 125 pod create --infra-image some/image
	expect_contains "$stderr" "needs no image"
	expect_eq "$("$HUSK" pod ps -q | wc -l)" 2 "the refused creates left no pod"
	need_podman
	pm pod create --name ins -p "127.0.0.1:$(free_port):80" --label k=v >/dev/null
	pm run -d --pod ins "$R/busybox" sleep 1000 >/dev/null
	run_pm pod inspect ins
	# podman's rootless pod has a cgroup of its own (CgroupPath); husk's
	# containers each have theirs. Networks is null for both here.
	expect_eq "$(keys_and_types <<<"$husk_json")" "$(keys_and_types <<<"$output")" "pod inspect: husk's keys and types are podman's"
	pm pod create --name insn --infra=false >/dev/null
	run_pm pod inspect insn
	expect_eq "$(keys_and_types <<<"$husk_noinfra")" "$(keys_and_types <<<"$output")" "pod inspect without infra"
	for c in start stop restart kill pause unpause inspect top logs; do
		run_pm 125 pod "$c" nosuch
	done
	run_pm 1 pod rm nosuch
	run_pm 1 pod exists nosuch
	run_pm 125 pod create --name ins
}

@test "run --pod new:NAME makes the pod with the container's ports; pod top, stats, logs; pod events" {
	local port
	port=$(free_port)
	run_husk run -d --pod new:np --name npc -p "127.0.0.1:$port:80" "$R/busybox" sh -c 'echo line-one; echo new-pod >/tmp/i && exec httpd -f -p 80 -h /tmp'
	local i got=""
	for i in $(seq 50); do
		got=$(curl -fsS "http://127.0.0.1:$port/i" 2>/dev/null) && break
		sleep 0.1
	done
	expect_eq "$got" new-pod "the port went to the new pod"
	run_husk pod inspect --format '{{.NumContainers}} {{.State}}' np
	expect_eq "$output" "2 Running"
	run_husk pod top np
	expect_contains "$output" "httpd"
	expect_contains "$output" "catatonit"
	run_husk run -d --pod np --name npd "$R/busybox" echo line-two
	run_husk wait npd
	run_husk pod logs --names np
	expect_contains "$output" "npc line-one"
	expect_contains "$output" "npd line-two"
	run_husk pod logs -c npd np
	expect_eq "$output" line-two "one container's output, without prefix"
	run_husk pod stats --no-stream --format '{{.Name}}' np
	expect_contains "$output" npc
	run_husk pod rm -f np
	run_husk events --stream=false --filter type=pod --format '{{.Status}} {{.Name}}'
	expect_contains "$output" "create np"
	expect_contains "$output" "remove np"
}

@test "--share +pid: the pod's containers see each other's processes; start of a container of a stopped pod starts the infra first; create --pod; rm -a removes the pods" {
	run_husk pod create --name sp --share +pid
	run_husk pod inspect --format '{{.SharedNamespaces}}' sp
	expect_eq "$output" "[ipc net pid uts]"
	run_husk run -d --pod sp --name s1 "$R/busybox" sleep 1001
	run_husk run --rm --pod sp "$R/busybox" ps -o args
	expect_contains "$output" "sleep 1001" "the pid namespace is shared"
	expect_contains "$output" "/catatonit -P"
	run_husk pod create --name sh --hostname box.example
	run_husk run --rm --pod sh "$R/busybox" sh -c 'hostname; cat /etc/hostname'
	expect_eq "$output" "box.example
box.example" "pod create --hostname"
	run_husk run -d --pod sh --name shc "$R/busybox" sleep 1000
	local old_sh
	old_sh=$("$HUSK" pod inspect --format '{{.ID}}' sh)
	run_husk pod create --replace --name sh
	[[ $output != "$old_sh" ]] || die "--replace made no new pod"
	run_husk 1 container exists shc
	run_husk 125 pod create --name bad --share net,user
	expect_contains "$stderr" '"user" is not a namespace a pod can share'
	run_husk 1 pod exists bad

	run_husk pod stop -t 0 sp
	run_husk start s1
	expect_eq "$output" s1
	expect_eq "$(pod_status sp)" Running "the infra container was started first"
	run_husk create --pod sp --name s2 "$R/busybox" sleep 1002
	expect_eq "$(ctr_status s2)" created
	run_husk inspect --format '{{.Pod}}' s2
	expect_eq "$output" "$("$HUSK" pod inspect --format '{{.ID}}' sp)"
	expect_eq "$(pod_status sp)" Degraded
	run_husk pod start sp
	expect_eq "$(ctr_status s2)" running
	run_husk rm -a -f
	run_husk pod ps -q
	expect_eq "$output" "" "rm -a removed the infra containers and so the pods, as podman's"
	expect_no_container_leftovers
}

@test "--pod-id-file: pod create writes it (refused when it exists); run, create, pod start, stop and rm read it; exit codes as podman 4.3.1's" {
	local f=$BATS_TEST_TMPDIR/pod.id none=$BATS_TEST_TMPDIR/none.id
	run_husk pod create --name pidf --pod-id-file "$f"
	local id=$output
	expect_eq "$(cat "$f")" "$id" "the file holds the pod's ID"
	run_husk 125 pod create --name pidf2 --pod-id-file "$f"
	expect_contains "$stderr" "--pod-id-file \"$f\" exists"
	run_husk 1 pod exists pidf2
	expect_eq "$(cat "$f")" "$id" "the refused create left the file alone"
	run_husk 125 pod create --name pidf3 --pod-id-file "$BATS_TEST_TMPDIR/no/such/dir/x"
	run_husk 1 pod exists pidf3

	run_husk run -d --pod-id-file "$f" --name member "$R/busybox" sleep 1000
	expect_eq "$("$HUSK" inspect --format '{{.Pod}}' member)" "$id" "run --pod-id-file joins the pod"
	run_husk create --pod-id-file "$f" --name member2 "$R/busybox" true
	expect_eq "$("$HUSK" inspect --format '{{.Pod}}' member2)" "$id" "create --pod-id-file joins the pod"
	run_husk 125 run --rm --pod pidf --pod-id-file "$f" "$R/busybox" true
	expect_contains "$stderr" "give one"
	run_husk 125 run --rm --pod-id-file "$none" "$R/busybox" true
	expect_contains "$stderr" "read the --pod-id-file"

	run_husk pod stop -t 0 --pod-id-file "$f"
	expect_eq "$output" "$id"
	expect_eq "$("$HUSK" inspect --format '{{.State.Status}}' member)" "exited"
	run_husk pod start --pod-id-file "$f"
	expect_eq "$output" "$id"
	expect_eq "$("$HUSK" inspect --format '{{.State.Status}}' member)" "running"
	run_husk 125 pod start --pod-id-file "$f" --all
	run_husk pod rm -f --pod-id-file "$f"
	expect_eq "$output" "$id"
	run_husk 1 pod exists pidf
	run_husk 1 pod rm --pod-id-file "$f"
	expect_contains "$stderr" "no such pod"
	run_husk pod rm --ignore --pod-id-file "$f" --pod-id-file "$none"
	expect_eq "$output" "" "--ignore: a gone pod and a missing file are skipped"
	run_husk 125 pod rm --pod-id-file "$none"
	run_husk 125 pod stop --pod-id-file "$none"

	need_podman
	local pf=$BATS_TEST_TMPDIR/pm-pod.id
	pm pod create --name pidf --pod-id-file "$pf" >/dev/null
	run_pm 125 pod create --name pidf2 --pod-id-file "$pf"
	run_pm 125 pod create --name pidf3 --pod-id-file "$BATS_TEST_TMPDIR/no/such/dir/x"
	run_pm 125 run --rm --pod-id-file "$none" "$R/busybox" true
	run_pm pod rm -f --pod-id-file "$pf"
	run_pm 1 pod rm --pod-id-file "$pf"
	run_pm 125 pod rm --pod-id-file "$none"
	run_pm 125 pod stop --pod-id-file "$none"
}
