#!/usr/bin/env bats
# Kubernetes YAML (issue 17): kube play of Pods, Deployments (a pod per
# replica), Jobs, ConfigMaps and Secrets (as environment and files),
# claims, hostPath and emptyDir volumes; kube down; kube generate, whose
# YAML plays back as the same pods; hostile input refused with nothing
# half-made. Where podman 4.3.1 runs here, the names it gives a
# Deployment's pods and containers are compared. Real runc and busybox,
# as the test user.

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
		local s v
		for s in $("$HUSK" secret ls -q 2>/dev/null); do "$HUSK" secret rm "$s" >/dev/null 2>&1 || true; done
		for v in $("$HUSK" volume ls -q 2>/dev/null); do "$HUSK" volume rm -f "$v" >/dev/null 2>&1 || true; done
	}
	[[ -n ${PM_SKIP:-} ]] || {
		pm pod rm -a -f -t 0 >/dev/null 2>&1 || true
	}
}

# nothing_left: no pod, container, secret or volume in the store, and no
# process or mount of it.
nothing_left() {
	expect_eq "$("$HUSK" pod ps -q)" "" "pods" &&
		expect_eq "$("$HUSK" ps -aq)" "" "containers" &&
		expect_eq "$("$HUSK" secret ls -q 2>/dev/null)" "" "secrets" &&
		expect_eq "$("$HUSK" volume ls -q)" "" "volumes" &&
		expect_no_container_leftovers
}

# app_yaml: a ConfigMap served by busybox httpd in one container of a pod,
# fetched over localhost by the other, which also shows a Secret as an
# environment variable and as a file.
app_yaml() {
	cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  index.html: "hello from a configmap"
  GREETING: hi
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret-value}
---
apiVersion: v1
kind: Pod
metadata:
  name: app
  labels: {tier: two}
spec:
  containers:
  - name: web
    image: $R/busybox
    command: [httpd, -f, -p, "8080", -h, /www]
    volumeMounts: [{name: site, mountPath: /www}]
    readinessProbe:
      exec: {command: [wget, -q, -O, /dev/null, "http://127.0.0.1:8080/index.html"]}
      periodSeconds: 1
  - name: client
    image: $R/busybox
    command: [sh, -c]
    args:
    - until wget -q -O /tmp/got http://127.0.0.1:8080/index.html; do sleep 0.2; done;
      echo "got=\$(cat /tmp/got)"; echo "pass=\$PASS greeting=\$GREETING"; echo "file=\$(cat /etc/creds/password)"; exec sleep 600
    env:
    - name: PASS
      valueFrom: {secretKeyRef: {name: creds, key: password}}
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: site, key: GREETING}}
    volumeMounts: [{name: creds, mountPath: /etc/creds}]
  volumes:
  - name: site
    configMap: {name: site, items: [{key: index.html, path: index.html}]}
  - name: creds
    secret: {secretName: creds}
EOF
}

@test "kube play: a pod of two containers, one serving a ConfigMap's file, the other fetching it over localhost and reading a Secret; kube down leaves nothing" {
	app_yaml >"$BATS_TEST_TMPDIR/app.yaml"
	run_husk kube play "$BATS_TEST_TMPDIR/app.yaml"
	expect_match "$output" $'^Pod:\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}\n[0-9a-f]{64}$'
	wait_until 30 logs_contain app-client "file=s3cret-value"
	run_husk logs app-client
	expect_contains "$output" "got=hello from a configmap"
	expect_contains "$output" "pass=s3cret-value greeting=hi"
	# The secret's value is in no inspect output and no command line.
	run_husk container inspect app-client
	expect_not_contains "$output" "s3cret-value"
	expect_eq "$(user_pids_with s3cret-value)" ""
	# The pod carries the YAML's labels; its containers are POD-NAME.
	expect_eq "$("$HUSK" pod inspect app --format '{{.Labels.tier}}')" "two"
	expect_eq "$("$HUSK" ps --pod --format '{{.Names}} {{.PodName}}' | grep -v infra | sort)" $'app-client app\napp-web app'
	run_husk kube down "$BATS_TEST_TMPDIR/app.yaml"
	expect_match "$output" $'^Pods stopped:\n.+\nPods removed:\n.+$'
	nothing_left
	# Down again: the pod is gone.
	run_husk 125 kube down "$BATS_TEST_TMPDIR/app.yaml"
	expect_contains "$stderr" "no such pod: app"
}

@test "kube play -: YAML on stdin; play kube is the same; --replace makes the pod anew" {
	app_yaml >"$BATS_TEST_TMPDIR/app.yaml"
	run_husk kube play - <"$BATS_TEST_TMPDIR/app.yaml"
	local first second
	first=$("$HUSK" pod inspect app --format '{{.ID}}')
	run_husk 125 play kube "$BATS_TEST_TMPDIR/app.yaml"
	expect_contains "$stderr" "already in use"
	expect_eq "$("$HUSK" pod inspect app --format '{{.ID}}')" "$first" "a failed play leaves the existing pod alone"
	run_husk play kube --replace "$BATS_TEST_TMPDIR/app.yaml"
	second=$("$HUSK" pod inspect app --format '{{.ID}}')
	[[ -n $second && $second != "$first" ]] || die "the pod was not made anew ($first, $second)"
	wait_until 30 logs_contain app-client "file=s3cret-value"
}

@test "kube play: a Deployment of two replicas is two pods (web-pod-0, web-pod-1), named as podman names them; a hostPort with two replicas is refused" {
	cat >"$BATS_TEST_TMPDIR/dep.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: srv, image: $R/busybox, command: [sleep, "600"]}
EOF
	run_husk kube play "$BATS_TEST_TMPDIR/dep.yaml"
	expect_eq "$("$HUSK" pod ps --format '{{.Name}} {{.Status}}' | sort)" $'web-pod-0 Running\nweb-pod-1 Running'
	local husk_names
	husk_names=$("$HUSK" ps --format '{{.Names}}' | grep -v infra | sort)
	expect_eq "$husk_names" $'web-pod-0-srv\nweb-pod-1-srv'
	if [[ -z ${PM_SKIP:-} ]]; then
		pm kube play "$BATS_TEST_TMPDIR/dep.yaml" >/dev/null
		expect_eq "$(pm ps --format '{{.Names}}' | grep -v infra | sort)" "$husk_names" "podman's names"
		pm kube down "$BATS_TEST_TMPDIR/dep.yaml" >/dev/null
	fi
	run_husk kube down "$BATS_TEST_TMPDIR/dep.yaml"
	nothing_left
	sed -i 's|command: \[sleep, "600"\]}|command: [sleep, "600"], ports: [{containerPort: 80, hostPort: 18080}]}|' "$BATS_TEST_TMPDIR/dep.yaml"
	run_husk 125 kube play "$BATS_TEST_TMPDIR/dep.yaml"
	expect_contains "$stderr" "2 replicas cannot all bind the same hostPort"
	nothing_left
}

# job_done: the Job's container exited 0.
job_done() { [[ $(ctr_field once-pod-0-work '{{.State.Status}} {{.State.ExitCode}}') == "exited 0" ]]; }

@test "kube play: a Job runs to completion (OnFailure retries, up to backoffLimit); a claim's volume outlives kube down" {
	cat >"$BATS_TEST_TMPDIR/job.yaml" <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 3
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: work
        image: $R/busybox
        command: [sh, -c, 'n=\$(cat /data/n 2>/dev/null || echo 0); echo \$((n+1)) >/data/n; [ \$n -ge 1 ] || exit 2; echo done after \$((n+1))']
        volumeMounts: [{name: data, mountPath: /data}]
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: jobdata}
EOF
	run_husk kube play "$BATS_TEST_TMPDIR/job.yaml"
	wait_until 30 job_done
	expect_eq "$(ctr_field once-pod-0-work '{{.RestartCount}}')" "1"
	run_husk logs once-pod-0-work
	expect_contains "$output" "done after 2"
	run_husk kube down "$BATS_TEST_TMPDIR/job.yaml"
	expect_eq "$("$HUSK" volume ls -q)" "jobdata" "the claim's volume stays"
	"$HUSK" volume rm jobdata >/dev/null
	nothing_left
}

# free_port: a TCP port on loopback that nothing listens on.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# served PORT TEXT: the pod's published port serves /etc/hostname with TEXT.
served() { [[ $(curl -fsS --max-time 2 "http://127.0.0.1:$1/hostname" 2>/dev/null) == *"$2"* ]]; }

@test "kube generate: a running pod's YAML strict-decodes, and after kube down plays back as the same pod, published port included" {
	local port
	port=$(free_port)
	cat >"$BATS_TEST_TMPDIR/gen.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: gen
  labels: {app: gen}
spec:
  containers:
  - name: main
    image: $R/busybox
    command: [sh, -c]
    args: ['echo "v=\$V"; exec sleep 600']
    workingDir: /tmp
    env: [{name: V, value: forty-two}]
    securityContext:
      runAsUser: 1000
      readOnlyRootFilesystem: true
      capabilities: {drop: [NET_RAW]}
    volumeMounts: [{name: data, mountPath: /data}]
  - name: web
    image: $R/busybox
    command: [httpd, -f, -p, "8080", -h, /etc]
    ports: [{containerPort: 8080, hostPort: $port}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: gendata}
EOF
	run_husk kube play "$BATS_TEST_TMPDIR/gen.yaml"
	wait_until 20 logs_contain gen-main "v=forty-two"
	wait_until 20 served "$port" gen
	local fields='{{.Config.User}} {{.Config.WorkingDir}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}'
	local before
	before=$("$HUSK" container inspect gen-main --format "$fields")
	run_husk kube generate gen -f "$BATS_TEST_TMPDIR/out.yaml"
	run cat "$BATS_TEST_TMPDIR/out.yaml"
	expect_contains "$output" "kind: Pod"
	expect_contains "$output" "claimName: gendata"
	expect_contains "$output" "hostPort: $port"
	run_husk kube generate --type deployment -s gen
	expect_contains "$output" "kind: Deployment"
	run_husk kube down "$BATS_TEST_TMPDIR/gen.yaml"
	# Played back (husk decodes strictly: an unknown field would be an
	# error), the pod is the same.
	run_husk kube play "$BATS_TEST_TMPDIR/out.yaml"
	wait_until 20 logs_contain gen-main "v=forty-two"
	wait_until 20 served "$port" gen
	expect_eq "$("$HUSK" container inspect gen-main --format "$fields")" "$before"
	expect_eq "$("$HUSK" pod inspect gen --format '{{.Labels.app}}')" "gen"
	run_husk kube play --down "$BATS_TEST_TMPDIR/out.yaml"
	expect_contains "$output" "Pods removed:"
	"$HUSK" volume rm gendata >/dev/null
	nothing_left
}

@test "kube play: hostile or unsupported input is a clear error and makes nothing" {
	local y=$BATS_TEST_TMPDIR/bad.yaml
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p\n' >"$y"
	run_husk 125 kube play "$y"
	expect_contains "$stderr" "document 1"
	printf 'apiVersion: v1\nkind: Ingress\nmetadata: {name: p}\n' >"$y"
	run_husk 125 kube play "$y"
	expect_contains "$stderr" 'kind "Ingress" is not supported'
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containerz: []\n' >"$y"
	run_husk 125 kube play "$y"
	expect_contains "$stderr" 'unknown field "containerz"'
	# A hostPath the user cannot reach, behind a good first pod: nothing
	# of either is made.
	cat >"$y" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: first}
spec:
  containers: [{name: c, image: $R/busybox, command: [sleep, "600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: second}
spec:
  containers: [{name: c, image: $R/busybox, volumeMounts: [{name: h, mountPath: /h}]}]
  volumes: [{name: h, hostPath: {path: /root/secret-dir}}]
EOF
	run_husk 125 kube play "$y"
	expect_contains "$stderr" 'hostPath "/root/secret-dir"'
	nothing_left
	# A step that fails half-way (an image no registry has, in the second
	# pod): the first pod, made already, is removed again.
	cat >"$y" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: first}
spec:
  containers: [{name: c, image: $R/busybox, command: [sleep, "600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: second}
spec:
  containers: [{name: c, image: $R/no-such-image, imagePullPolicy: Never}]
EOF
	run_husk 125 kube play "$y"
	expect_contains "$stderr" "pod second"
	nothing_left
	# Settings that would change behaviour and that husk cannot honour.
	cat >"$y" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: $R/busybox
    livenessProbe: {httpGet: {port: 80}}
EOF
	run_husk 125 kube play "$y"
	expect_contains "$stderr" "only exec probes"
	nothing_left
}

@test "kube play --build: an image missing from the store is built from ./NAME/Containerfile; --build=false builds nothing" {
	local d=$BATS_TEST_TMPDIR/play
	mkdir -p "$d/kubeimg"
	printf 'FROM %s\nRUN echo built-by-kube-play >/built\n' "$R/busybox" >"$d/kubeimg/Containerfile"
	cat >"$d/app.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: built}
spec:
  restartPolicy: Never
  containers: [{name: c, image: localhost/kubeimg:latest, command: [cat, /built]}]
EOF
	cd "$d"
	run_husk 125 kube play --build=false app.yaml
	nothing_left
	run_husk kube play app.yaml
	wait_until 60 logs_contain built-c "built-by-kube-play"
	run_husk kube down app.yaml
	"$HUSK" rmi localhost/kubeimg:latest >/dev/null
}

# restarted_from NAME PID: the container runs again, with another process.
restarted_from() {
	local p
	p=$(ctr_field "$1" '{{.State.Status}} {{.State.Pid}}')
	[[ $p == running* && $p != "running $2" && $p != "running 0" ]]
}

@test "kube play: --configmap FILE, --network, a failing livenessProbe restarts the container, a readinessProbe reports health; limits are enforced or refused, never dropped" {
	cat >"$BATS_TEST_TMPDIR/cm.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: outside}
data: {WHO: from-a-file}
EOF
	"$HUSK" network create kubenet >/dev/null
	cat >"$BATS_TEST_TMPDIR/probe.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: live
    image: $R/busybox
    command: [sh, -c, 'echo "who=\$WHO"; touch /tmp/alive; sleep 2; rm /tmp/alive; exec sleep 600']
    envFrom: [{configMapRef: {name: outside}}]
    livenessProbe:
      exec: {command: [test, -f, /tmp/alive]}
      periodSeconds: 1
      failureThreshold: 1
  - name: ready
    image: $R/busybox
    command: [sleep, "600"]
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 1
EOF
	run_husk 125 kube play "$BATS_TEST_TMPDIR/probe.yaml"
	expect_contains "$stderr" 'ConfigMap "outside"'
	run_husk kube play --network kubenet --configmap "$BATS_TEST_TMPDIR/cm.yaml" "$BATS_TEST_TMPDIR/probe.yaml"
	wait_until 20 logs_contain probed-live "who=from-a-file"
	expect_contains "$("$HUSK" pod inspect probed --format '{{.InfraConfig.Networks}}')" kubenet
	local pid
	pid=$(ctr_pid probed-live)
	wait_until 45 restarted_from probed-live "$pid"
	wait_until 20 [ "$(ctr_field probed-ready '{{.State.Health.Status}}')" == healthy ]
	run_husk kube down "$BATS_TEST_TMPDIR/probe.yaml"
	"$HUSK" network rm kubenet >/dev/null
	cat >"$BATS_TEST_TMPDIR/limits.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: limited}
spec:
  containers:
  - name: c
    image: $R/busybox
    command: [sleep, "600"]
    resources: {limits: {memory: 64Mi}}
EOF
	run_husk '?' kube play "$BATS_TEST_TMPDIR/limits.yaml"
	if [[ $status == 0 ]]; then
		expect_eq "$(ctr_field limited-c '{{.HostConfig.Memory}}')" "67108864"
		run_husk kube down "$BATS_TEST_TMPDIR/limits.yaml"
	else
		expect_eq "$status" 125
		expect_contains "$stderr" "memory"
	fi
	nothing_left
}

@test "kube play: an emptyDir is shared by the pod's containers and goes with the pod; privileged and runAsUser/runAsGroup reach the process" {
	cat >"$BATS_TEST_TMPDIR/share.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: share}
spec:
  containers:
  - name: writer
    image: $R/busybox
    command: [sh, -c, 'echo shared-note >/scratch/note; exec sleep 600']
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  - name: reader
    image: $R/busybox
    command: [sh, -c, 'until [ -f /scratch/note ]; do sleep 0.2; done; echo "read=\$(cat /scratch/note) id=\$(id -u):\$(id -g) cap=\$(grep CapBnd /proc/self/status)"; exec sleep 600']
    securityContext: {privileged: true, runAsUser: 1001, runAsGroup: 1002}
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes:
  - name: scratch
    emptyDir: {}
EOF
	run_husk kube play "$BATS_TEST_TMPDIR/share.yaml"
	wait_until 20 logs_contain share-reader "read=shared-note"
	run_husk logs share-reader
	expect_contains "$output" "id=1001:1002"
	# privileged: every capability in the bounding set, not the default
	# set (a process of a non-root user has none effective either way).
	expect_not_contains "$output" "00000000a80425fb"
	expect_match "$output" 'CapBnd:[[:space:]]+000001ff'
	expect_eq "$("$HUSK" volume ls -q)" "share-scratch"
	run_husk kube down "$BATS_TEST_TMPDIR/share.yaml"
	nothing_left
}
