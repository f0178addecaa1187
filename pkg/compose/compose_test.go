package compose

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// load writes files into a new project directory "proj" and loads them.
func load(t *testing.T, files map[string]string, o composeopts.Project) *types.Project {
	t.Helper()
	p, err := tryLoad(t, files, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tryLoad(t *testing.T, files map[string]string, o composeopts.Project) (*types.Project, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, f := range o.Files {
		o.Files[i] = filepath.Join(dir, f)
	}
	for i, f := range o.EnvFiles {
		o.EnvFiles[i] = filepath.Join(dir, f)
	}
	if len(o.Files) == 0 {
		o.WorkDir = dir
	}
	return Load(context.Background(), o)
}

// hasPair tells whether args hold flag followed by value.
func hasPair(args []string, flag, value string) bool {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag && args[i+1] == value {
			return true
		}
	}
	return false
}

func TestContainersMapping(t *testing.T) {
	p := load(t, map[string]string{"compose.yaml": `
services:
  web:
    image: busybox
    command: httpd -f -p 80
    entrypoint: ["/bin/sh", "-c"]
    user: "1000:1000"
    working_dir: /srv
    environment:
      A: "1"
    env_file: e.env
    ports: ["127.0.0.1:8080:80", "9090:90/udp"]
    volumes: ["data:/data:ro", "./site:/site", {type: tmpfs, target: /tmp}]
    healthcheck:
      test: ["CMD", "wget", "-q", "localhost"]
      interval: 2s
      retries: 4
    restart: unless-stopped
    labels: {tier: front}
    deploy:
      resources:
        limits: {memory: 64m, cpus: "0.5", pids: 20}
volumes:
  data: {}
`, "e.env": "B=2\n"}, composeopts.Project{})
	if p.Name != "proj" {
		t.Errorf("project name %q, want the directory's", p.Name)
	}
	cs, warnings, err := Containers(p, p.Services["web"])
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Containers: %v %v", warnings, err)
	}
	if len(cs) != 1 || cs[0].Name != "proj-web-1" {
		t.Fatalf("containers %+v", cs)
	}
	a := cs[0].Args
	site := filepath.Join(p.WorkingDir, "site")
	for _, want := range [][2]string{
		{"--name", "proj-web-1"}, {"--network", "proj_default"}, {"--network-alias", "web"},
		{"--env", "A=1"}, {"--env", "B=2"}, {"--entrypoint", `["/bin/sh","-c"]`}, {"--user", "1000:1000"},
		{"--workdir", "/srv"}, {"--publish", "127.0.0.1:8080:80"}, {"--publish", "9090:90/udp"},
		{"--volume", "proj_data:/data:ro"}, {"--volume", site + ":/site"}, {"--tmpfs", "/tmp"},
		{"--health-cmd", `["wget","-q","localhost"]`}, {"--health-interval", "2s"}, {"--health-retries", "4"},
		{"--restart", "unless-stopped"}, {"--memory", "67108864"}, {"--cpus", "0.5"}, {"--pids-limit", "20"},
		{"--label", "tier=front"}, {"--label", LabelProject + "=proj"}, {"--label", LabelService + "=web"},
		{"--label", LabelNumber + "=1"}, {"--label", LabelOneoff + "=False"},
		{"--label", LabelConfigHash + "=" + cs[0].Hash},
	} {
		if !hasPair(a, want[0], want[1]) {
			t.Errorf("no %s %s in %q", want[0], want[1], a)
		}
	}
	if tail := a[len(a)-5:]; !slices.Equal(tail, []string{"busybox", "httpd", "-f", "-p", "80"}) {
		t.Errorf("image and command: %q", tail)
	}
	if !slices.Equal(cs[0].BindDirs, []string{site}) {
		t.Errorf("bind sources to create %q, want %q (as docker does)", cs[0].BindDirs, site)
	}
	if _, err := os.Stat(site); err == nil {
		t.Error("bind source created while planning: up makes it just before the container")
	}
	// The hash is stable, and changes with the configuration.
	again, _, _ := Containers(p, p.Services["web"])
	if again[0].Hash != cs[0].Hash {
		t.Error("hash differs between two plans of the same service")
	}
	s := p.Services["web"]
	s.User = "root"
	changed, _, _ := Containers(p, s)
	if changed[0].Hash == cs[0].Hash {
		t.Error("hash unchanged by a new user")
	}
}

func TestRefusals(t *testing.T) {
	for _, tt := range []struct {
		name, service, want string
	}{
		{"unsupported keys", "secrets: [s]\n    mac_address: 02:42:ac:11:00:02", "mac_address, secrets are not supported by husk"},
		{"one key", "gpus: all", "gpus is not supported by husk"},
		{"cpu reservation", "deploy: {resources: {reservations: {cpus: '1'}}}", "deploy.resources.reservations.cpus/pids is not supported"},
		{"swarm mode", "deploy: {mode: global}", `deploy.mode "global" is not supported`},
		{"two networks", "networks: [a, b]", "a husk container joins one network"},
		{"fixed address", "networks: {a: {ipv4_address: 10.0.0.5}}", "fixed addresses"},
		{"propagation", "volumes: [{type: bind, source: /tmp, target: /x, bind: {propagation: rshared}}]", "propagation"},
		{"start_interval", "healthcheck: {test: [CMD, x], start_interval: 1s}", "start_interval is not supported"},
		{"network mode", "network_mode: weird", `network_mode "weird" is not supported`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := load(t, map[string]string{"compose.yaml": "services:\n  s:\n    image: busybox\n    " + tt.service +
				"\nnetworks: {a: {}, b: {}}\nsecrets: {s: {file: ./x}}\n"}, composeopts.Project{})
			_, _, err := Containers(p, p.Services["s"])
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestLoadFeatures(t *testing.T) {
	base := "services:\n  a:\n    image: busybox:${TAG:-latest}\n  b:\n    image: busybox\n    profiles: [extra]\n"
	over := "services:\n  a:\n    environment: {X: over}\n"
	p := load(t, map[string]string{"compose.yaml": base, "over.yaml": over, ".env": "TAG=1.36\n", "other.env": "TAG=2\n"},
		composeopts.Project{Files: []string{"compose.yaml", "over.yaml"}})
	if got := p.Services["a"].Image; got != "busybox:1.36" {
		t.Errorf(".env interpolation: image %q", got)
	}
	if v := p.Services["a"].Environment["X"]; v == nil || *v != "over" {
		t.Errorf("merge of the second file: %v", p.Services["a"].Environment)
	}
	if _, ok := p.Services["b"]; ok {
		t.Error("service of a profile enabled without --profile")
	}
	p = load(t, map[string]string{"compose.yaml": base, "other.env": "TAG=2\n"},
		composeopts.Project{Name: "named", Profiles: []string{"extra"}, EnvFiles: []string{"other.env"}})
	if p.Name != "named" || p.Services["a"].Image != "busybox:2" {
		t.Errorf("name %q image %q", p.Name, p.Services["a"].Image)
	}
	if _, ok := p.Services["b"]; !ok {
		t.Error("--profile extra did not enable b")
	}
	// extends takes a service of another file, and overrides it.
	p = load(t, map[string]string{"common.yaml": "services:\n  tmpl:\n    image: busybox\n    environment: {FROM: tmpl, KEEP: k}\n",
		"compose.yaml": "services:\n  a:\n    extends: {file: common.yaml, service: tmpl}\n    environment: {FROM: a}\n"}, composeopts.Project{})
	if env := p.Services["a"].Environment; p.Services["a"].Image != "busybox" || *env["FROM"] != "a" || *env["KEEP"] != "k" {
		t.Errorf("extends: image %q environment %v", p.Services["a"].Image, env)
	}
	for _, bad := range []struct{ file, want string }{
		{"services:\n  a:\n    image: [x\n", "load compose project"},
		{"services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n", "dependency cycle detected"},
		{"services:\n  a:\n    image: x\n    depends_on: [nope]\n", "nope"},
	} {
		if _, err := tryLoad(t, map[string]string{"compose.yaml": bad.file}, composeopts.Project{}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.file, err, bad.want)
		}
	}
}

func TestDependencyOrder(t *testing.T) {
	p := load(t, map[string]string{"compose.yaml": `
services:
  app: {image: x, depends_on: [db, cache]}
  db: {image: x, depends_on: [init]}
  cache: {image: x}
  init: {image: x}
  zed: {image: x}
`}, composeopts.Project{})
	var names []string
	for _, s := range inDependencyOrder(p) {
		names = append(names, s.Name)
	}
	if want := []string{"cache", "init", "db", "app", "zed"}; !slices.Equal(names, want) {
		t.Errorf("order %q, want %q", names, want)
	}
}

// fakeHusk records commands and fails the one whose first arguments
// match failOn.
type fakeHusk struct {
	calls  [][]string
	failOn []string
	exists map[string]bool
}

func (f *fakeHusk) Run(_ context.Context, args []string, s Stdio) error {
	f.calls = append(f.calls, args)
	if len(f.failOn) > 0 && len(args) >= len(f.failOn) && slices.Equal(args[:len(f.failOn)], f.failOn) {
		return &ExitError{Args: args, Code: 125}
	}
	switch {
	case slices.Contains([]string{"exists"}, arg(args, 1)):
		if !f.exists[args[0]+" "+args[2]] {
			return &ExitError{Args: args, Code: 1}
		}
	case args[0] == "container" && arg(args, 1) == "inspect":
		return &ExitError{Args: args, Code: 125} // no container yet
	case args[0] == "image" && arg(args, 1) == "inspect":
		if !f.exists["image "+args[len(args)-1]] {
			return &ExitError{Args: args, Code: 125}
		}
		_, _ = s.Out.Write([]byte("sha256:1\n"))
	case args[0] == "ps" && s.Out != nil:
		_, _ = s.Out.Write([]byte("[]"))
	}
	return nil
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

func TestUpUndoesWhatItMade(t *testing.T) {
	p := load(t, map[string]string{"compose.yaml": `
services:
  a: {image: img, volumes: ["vol:/v"]}
  b: {image: img, depends_on: [a]}
volumes: {vol: {}}
`}, composeopts.Project{})
	f := &fakeHusk{failOn: []string{"run", "--detach", "--pull", "never", "--label"}, exists: map[string]bool{"image img": true}}
	// The first run succeeds: fail only from the second one on.
	runs := 0
	h := huskFunc(func(ctx context.Context, args []string, s Stdio) error {
		if args[0] == "run" {
			runs++
			if runs == 1 {
				f.calls = append(f.calls, args)
				f.exists["container proj-a-1"] = true
				return nil
			}
		}
		return f.Run(ctx, args, s)
	})
	var errOut bytes.Buffer
	err := Up(context.Background(), Env{Husk: h, Out: &errOut, Err: &errOut}, p, composeopts.Up{Detach: true})
	if err == nil || !strings.Contains(err.Error(), `service "b": create container proj-b-1`) {
		t.Fatalf("Up: %v", err)
	}
	var undone []string
	for _, c := range f.calls {
		if c[0] == "rm" || c[0] == "network" && c[1] == "rm" || c[0] == "volume" && c[1] == "rm" {
			undone = append(undone, strings.Join(c, " "))
		}
	}
	want := []string{"rm --force --time 0 proj-a-1", "network rm proj_default", "volume rm proj_vol"}
	if !slices.Equal(undone, want) {
		t.Errorf("undone %q, want %q", undone, want)
	}
}

type huskFunc func(context.Context, []string, Stdio) error

func (f huskFunc) Run(ctx context.Context, args []string, s Stdio) error { return f(ctx, args, s) }

func TestLoadBounds(t *testing.T) {
	big := "services:\n  a:\n    image: busybox\n" + "# " + strings.Repeat("x", maxFileSize) + "\n"
	if _, err := tryLoad(t, map[string]string{"compose.yaml": big}, composeopts.Project{Files: []string{"compose.yaml"}}); err == nil ||
		!strings.Contains(err.Error(), "more than the") {
		t.Errorf("a compose file over the bound: %v", err)
	}
	if _, err := tryLoad(t, map[string]string{"compose.yaml": "services: {a: {image: x}}\n"}, composeopts.Project{Files: []string{"missing.yaml"}}); err == nil ||
		!strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestFindHusk(t *testing.T) {
	dir := t.TempDir()
	helper := filepath.Join(dir, "husk-transfer")
	if got := FindHusk(helper); got != helper {
		t.Errorf("without husk beside it: %q, want the helper itself", got)
	}
	core := filepath.Join(dir, "husk")
	if err := os.WriteFile(core, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindHusk(helper); got != core {
		t.Errorf("with husk beside it: %q", got)
	}
}
