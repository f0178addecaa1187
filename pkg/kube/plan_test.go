package kube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

func plan(t *testing.T, yaml string, o Options) ([]Pod, error) {
	t.Helper()
	objs, err := Decode(strings.NewReader(yaml))
	if err != nil {
		return nil, err
	}
	return Plan(objs, o)
}

func mustPlan(t *testing.T, yaml string) []Pod {
	t.Helper()
	pods, err := plan(t, yaml, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pods
}

const twoTier = `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {MODE: fast, page.html: "<p>hi</p>"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata:
  name: app
  labels: {tier: web}
spec:
  restartPolicy: OnFailure
  containers:
  - name: srv
    image: busybox
    command: [httpd, -f]
    args: [-p, "80"]
    workingDir: /www
    ports: [{containerPort: 80, hostPort: 8080}]
    env:
    - {name: A, value: b}
    - name: MODE
      valueFrom: {configMapKeyRef: {name: settings, key: MODE}}
    - name: PASS
      valueFrom: {secretKeyRef: {name: creds, key: password}}
    - name: ME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    resources:
      limits: {memory: 64Mi, cpu: 500m}
    securityContext:
      runAsUser: 1000
      runAsGroup: 1000
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
    livenessProbe:
      exec: {command: [test, -f, /www/page.html]}
      periodSeconds: 5
    volumeMounts:
    - {name: www, mountPath: /www}
    - {name: creds, mountPath: /etc/creds}
    - {name: scratch, mountPath: /tmp}
  volumes:
  - name: www
    configMap: {name: settings, items: [{key: page.html, path: index.html}]}
  - name: creds
    secret: {secretName: creds}
  - name: scratch
    emptyDir: {medium: Memory}
`

func TestPlanPod(t *testing.T) {
	pods := mustPlan(t, twoTier)
	if len(pods) != 1 {
		t.Fatalf("%d pods", len(pods))
	}
	p := pods[0]
	wantCreate := []string{"pod", "create", "--name", "app", "--label", "tier=web", "--hostname", "app", "-p", "8080:80/tcp"}
	if !slices.Equal(p.Create, wantCreate) {
		t.Errorf("create:\n got %q\nwant %q", p.Create, wantCreate)
	}
	want := []string{"run", "-d", "--pod", "app", "--name", "app-srv", "--restart", "on-failure",
		"--workdir", "/www",
		"--env", "A=b", "--env", "MODE=fast", "--secret", "app-creds-password,type=env,target=PASS", "--env", "ME=app",
		"--user", "1000:1000", "--read-only", "--security-opt", "no-new-privileges", "--cap-add", "NET_ADMIN", "--cap-drop", "ALL",
		"--cpus", "0.5", "--memory", "67108864",
		"--health-cmd", `["CMD","test","-f","/www/page.html"]`, "--health-interval", "5s", "--health-timeout", "1s", "--health-retries", "3", "--health-on-failure", "restart",
		"--volume", "app-www:/www:ro", "--secret", "app-creds-password,type=mount,target=/etc/creds/password", "--volume", "app-scratch:/tmp",
		"--entrypoint", `["httpd","-f"]`, "busybox", "-p", "80"}
	if !slices.Equal(p.Containers[0], want) {
		t.Errorf("run:\n got %q\nwant %q", p.Containers[0], want)
	}
	if len(p.Secrets) != 1 || p.Secrets[0].Name != "app-creds-password" || string(p.Secrets[0].Data) != "s3cret" {
		t.Errorf("secrets %+v", p.Secrets)
	}
	if len(p.Volumes) != 2 || string(p.Volumes[0].Files["index.html"]) != "<p>hi</p>" || !slices.Contains(p.Volumes[1].Opts, "type=tmpfs") {
		t.Errorf("volumes %+v", p.Volumes)
	}
	// The secret's value never is an argument.
	if strings.Contains(strings.Join(p.Containers[0], " "), "s3cret") {
		t.Error("the secret's value is on the command line")
	}
}

func TestPlanDeploymentAndJob(t *testing.T) {
	pods := mustPlan(t, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: busybox}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: c, image: busybox, args: ["true"]}]
`)
	var names []string
	for _, p := range pods {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"web-pod-0", "web-pod-1", "once-pod-0"}) {
		t.Fatalf("pods %q", names)
	}
	if got := pods[0].Containers[0]; !slices.Equal(got[:8], []string{"run", "-d", "--pod", "web-pod-0", "--name", "web-pod-0-c", "--restart", "always"}) {
		t.Errorf("deployment replica: %q", got)
	}
	if got := pods[2].Containers[0]; !slices.Contains(got, "on-failure:2") {
		t.Errorf("job: %q", got)
	}
}

func TestPlanRefuses(t *testing.T) {
	pod := func(extra string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n" + extra
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown kind", "apiVersion: v1\nkind: Ingress\nmetadata: {name: s}\n", `kind "Ingress" is not supported`},
		{"unknown field", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containerz: []\n", `(Pod): unknown field "containerz"`},
		{"malformed", "apiVersion: v1\nkind: Pod\nmetadata: {name: p\n", "document 1"},
		{"no workload", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "no Pod, Deployment or Job"},
		{"lifecycle", pod("    lifecycle: {preStop: {exec: {command: [x]}}}\n"), "lifecycle is not supported"},
		{"http probe", pod("    livenessProbe: {httpGet: {port: 80}}\n"), "only exec probes"},
		{"gpu", pod("    resources: {limits: {nvidia.com/gpu: 1}}\n"), "resources.limits.nvidia.com/gpu"},
		{"missing configmap", pod("    envFrom: [{configMapRef: {name: nope}}]\n"), `ConfigMap "nope"`},
		{"hostPath out of reach", pod("    volumeMounts: [{name: h, mountPath: /h}]\n  volumes: [{name: h, hostPath: {path: /proc/1/root/x}}]\n"), `hostPath "/proc/1/root/x"`},
		{"subPath escapes", pod("    volumeMounts: [{name: h, mountPath: /h, subPath: ../../etc}]\n  volumes: [{name: h, hostPath: {path: /tmp}}]\n"), "must be relative"},
		{"nonroot without user", pod("    securityContext: {runAsNonRoot: true}\n"), "runAsNonRoot"},
		{"hostPort replicas", `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 2
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: c, image: busybox, ports: [{containerPort: 80, hostPort: 8080}]}]
`, "cannot all bind the same hostPort"},
		{"job always", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: busybox}]\n", "restartPolicy must be Never or OnFailure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan(t, tc.yaml, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestPlanWarnsOfClusterFields(t *testing.T) {
	var w bytes.Buffer
	_, err := plan(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {disk: ssd}\n  containers: [{name: c, image: busybox}]\n", Options{Warn: &w})
	if err != nil || !strings.Contains(w.String(), "spec.nodeSelector") {
		t.Fatalf("err %v, warnings %q", err, w.String())
	}
}

func TestPlanHostPathOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "made")
	pods := mustPlan(t, fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox, volumeMounts: [{name: h, mountPath: /h}]}]\n  volumes: [{name: h, hostPath: {path: %s, type: DirectoryOrCreate}}]\n", dir))
	if len(pods[0].HostPaths) != 1 || pods[0].HostPaths[0] != (HostPath{Path: dir, Dir: true}) {
		t.Fatalf("%+v", pods[0].HostPaths)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("planning made the directory")
	}
}

// fakeRunner records commands and fails the one that starts with fail.
type fakeRunner struct {
	mu    sync.Mutex
	calls [][]string
	fail  string
}

func (f *fakeRunner) Husk(_ context.Context, _ []byte, args ...string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, args)
	line := strings.Join(args, " ")
	if f.fail != "" && strings.HasPrefix(line, f.fail) {
		return "", errors.New("boom")
	}
	return "id-" + args[len(args)-1], nil
}

func TestPlayUndoesWhatItMadeWhenAStepFails(t *testing.T) {
	pods := mustPlan(t, twoTier)
	r := &fakeRunner{fail: "run -d --pod app --name app-srv"}
	var out bytes.Buffer
	err := Play(context.Background(), r, pods, PlayOptions{Build: BuildNever}, &out)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err %v", err)
	}
	var undone []string
	for _, c := range r.calls {
		if c[1] == "rm" {
			undone = append(undone, strings.Join(c, " "))
		}
	}
	want := []string{"secret rm app-creds-password", "volume rm -f app-scratch", "volume rm -f app-www", "pod rm -f app"}
	if !slices.Equal(undone, want) {
		t.Errorf("undone %q, want %q", undone, want)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q for a failed play", out.String())
	}
}

func TestDownReportsMissingPodsAfterRemovingTheRest(t *testing.T) {
	pods := mustPlan(t, twoTier)
	pods = append(pods, Pod{Name: "gone"})
	r := &fakeRunner{fail: "pod exists gone"}
	var out bytes.Buffer
	err := Down(context.Background(), r, pods, &out)
	if !errors.Is(err, ErrNoPod) {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(out.String(), "Pods removed:\nid-app") {
		t.Errorf("output %q", out.String())
	}
}

func TestResourceName(t *testing.T) {
	if got := resourceName("pod", "my secret", "key/x"); got != "pod-my_secret-key_x" {
		t.Errorf("got %q", got)
	}
	long := resourceName(strings.Repeat("a", 60), "b", "c")
	if len(long) != 64 || long == resourceName(strings.Repeat("a", 60), "b", "d") {
		t.Errorf("long names: %q", long)
	}
}

func TestBuildDecides(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app", "Containerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pods := []Pod{{Images: []string{"localhost/app:1", "busybox", "localhost/app:1"}}}
	for _, tc := range []struct {
		mode   BuildMode
		exists string
		want   []string
	}{
		{BuildMissing, "", []string{"image exists localhost/app:1", "build -q -t localhost/app:1 " + filepath.Join(dir, "app")}},
		{BuildMissing, "image exists localhost/app:1", []string{"image exists localhost/app:1"}},
		{BuildAlways, "", []string{"build -q -t localhost/app:1 " + filepath.Join(dir, "app")}},
		{BuildNever, "", nil},
	} {
		r := &existsRunner{exists: tc.exists}
		if err := build(context.Background(), r, pods, PlayOptions{Build: tc.mode, Dir: dir}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.calls, tc.want) {
			t.Errorf("mode %d: %q, want %q", tc.mode, r.calls, tc.want)
		}
	}
}

type existsRunner struct {
	calls  []string
	exists string
}

func (e *existsRunner) Husk(_ context.Context, _ []byte, args ...string) (string, error) {
	line := strings.Join(args, " ")
	e.calls = append(e.calls, line)
	if strings.HasPrefix(line, "image exists") && line != e.exists {
		return "", errors.New("no such image")
	}
	return "", nil
}

// Down names what play made from the YAML alone: missing references and
// host paths are not its business.
func TestPlanForDownIsLenient(t *testing.T) {
	yaml := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom: [{configMapRef: {name: elsewhere}}]\n    volumeMounts: [{name: h, mountPath: /h}]\n  volumes: [{name: h, hostPath: {path: /no/such/dir}}]\n"
	if _, err := plan(t, yaml, Options{}); err == nil {
		t.Fatal("play planned without the ConfigMap")
	}
	pods, err := plan(t, yaml, Options{Down: true})
	if err != nil || len(pods) != 1 || pods[0].Name != "p" {
		t.Fatalf("down: %v %+v", err, pods)
	}
}

// Pods are made side by side; a failure in one undoes the others too, and
// the output keeps the YAML's order.
func TestPlayManyPodsUndoesAll(t *testing.T) {
	var docs []string
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		docs = append(docs, "apiVersion: v1\nkind: Pod\nmetadata: {name: "+n+"}\nspec:\n  containers: [{name: c, image: busybox}]\n")
	}
	yaml := strings.Join(docs, "---\n")
	r := &fakeRunner{}
	var out bytes.Buffer
	if err := Play(context.Background(), r, mustPlan(t, yaml), PlayOptions{Build: BuildNever}, &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "Pod:\n"); got != 5 || !strings.HasPrefix(out.String(), "Pod:\nid-a\n") || !strings.Contains(out.String(), "id-d\nContainer:\nid-busybox\n\nPod:\nid-e") {
		t.Errorf("output %q", out.String())
	}
	r = &fakeRunner{fail: "run -d --pod c "}
	if err := Play(context.Background(), r, mustPlan(t, yaml), PlayOptions{Build: BuildNever}, &out); err == nil || !strings.Contains(err.Error(), "pod c:") {
		t.Fatalf("err %v", err)
	}
	var removed []string
	for _, c := range r.calls {
		if strings.Join(c[:3], " ") == "pod rm -f" {
			removed = append(removed, c[3])
		}
	}
	sort.Strings(removed)
	if !slices.Equal(removed, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("removed %q", removed)
	}
}
