package quadlet

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitAndQuoteWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`a b  c`, []string{"a", "b", "c"}},
		{`sh -c "echo hi; sleep 1"`, []string{"sh", "-c", "echo hi; sleep 1"}},
		{`'single quoted' x\ y`, []string{"single quoted", "x y"}},
		{`A=1 "B=two words" C=`, []string{"A=1", "B=two words", "C="}},
		{`"a\"b" \\`, []string{`a"b`, `\`}},
		{``, nil},
	} {
		got, err := splitWords(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		// What commandLine writes, systemd (and splitWords) reads back.
		back, err := splitWords(commandLine(tc.want))
		if err != nil || !reflect.DeepEqual(back, tc.want) {
			t.Errorf("round trip of %q through %q = %q, %v", tc.want, commandLine(tc.want), back, err)
		}
	}
	if _, err := splitWords(`"open`); err == nil {
		t.Error("an unbalanced quote was accepted")
	}
	if got := commandLine([]string{"a", ";", "", "%t/x"}); got != `a \; "" %t/x` {
		t.Errorf("commandLine = %s", got)
	}
}

// quadletDir writes files into a temporary Quadlet directory.
func quadletDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// generate runs the generator on files and returns the units written.
func generate(t *testing.T, files map[string]string) (map[string]string, []error, string) {
	t.Helper()
	dir := quadletDir(t, files)
	out := t.TempDir()
	errs := Generate(Options{Husk: "/usr/bin/husk", Dirs: []string{dir, filepath.Join(dir, "missing")}, Out: out})
	units := map[string]string{}
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(out, e.Name())); err == nil {
			units[e.Name()] = string(b)
		}
	}
	return units, errs, out
}

// key returns the values of KEY= lines in a unit's text.
func key(text, k string) []string {
	var vals []string
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, k+"="); ok {
			vals = append(vals, v)
		}
	}
	return vals
}

func TestContainer(t *testing.T) {
	units, errs, out := generate(t, map[string]string{
		"web.container": `[Unit]
Description=web

[Container]
Image=registry.example/web:1
Exec=serve --port 80 "two words"
ContainerName=web1
Environment=A=1 "B=two words"
EnvironmentFile=web.env
PublishPort=8080:80
PublishPort=127.0.0.1:9090:90
Volume=data.volume:/data:ro
Volume=./site:/site
Volume=/abs:/abs:z
Network=front.network
Label=app=web
User=100
Group=200
WorkingDir=/srv
RunInit=yes
ReadOnly=no
NoNewPrivileges=true
HealthCmd=/bin/check --fast
HealthInterval=5s
HuskArgs=--memory 64m
PodmanArgs=--tz=UTC

[Service]
Restart=on-failure

[Install]
WantedBy=default.target
`,
		"data.volume":   "[Volume]\nLabel=k=v\n",
		"front.network": "[Network]\nNetworkName=front\nSubnet=10.99.0.0/24\nInternal=yes\n",
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	web := units["web.service"]
	dir := strings.TrimSuffix(key(web, "SourcePath")[0], "/web.container")
	want := "/usr/bin/husk run --name=web1 --cidfile=%t/%N.cid --replace --rm --sdnotify=conmon -d" +
		" --env A=1 --env \"B=two words\" --publish 8080:80 --publish 127.0.0.1:9090:90 --label app=web" +
		" --workdir /srv --init --health-cmd \"/bin/check --fast\" --health-interval 5s" +
		" --security-opt no-new-privileges --user 100:200 --env-file " + dir + "/web.env" +
		" --network front -v systemd-data:/data:ro -v " + dir + "/site:/site -v /abs:/abs:z" +
		" --memory 64m --tz=UTC registry.example/web:1 serve --port 80 \"two words\""
	if got := key(web, "ExecStart"); len(got) != 1 || got[0] != want {
		t.Errorf("ExecStart:\n got %q\nwant %q", got, want)
	}
	for k, v := range map[string]string{"Type": "notify", "NotifyAccess": "all", "KillMode": "mixed", "Restart": "on-failure",
		"ExecStop": "/usr/bin/husk rm -v -f -i --cidfile=%t/%N.cid", "Delegate": "yes", "Description": "web"} {
		if got := key(web, k); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := key(web, "Requires"); !reflect.DeepEqual(got, []string{"front-network.service", "data-volume.service"}) {
		t.Errorf("Requires = %q", got)
	}
	if !strings.Contains(web, "[X-Container]\nImage=registry.example/web:1") {
		t.Errorf("the [Container] section is not kept as [X-Container]:\n%s", web)
	}
	if got := key(units["data-volume.service"], "ExecStart"); len(got) != 1 || got[0] != "/usr/bin/husk volume create --ignore --label k=v systemd-data" {
		t.Errorf("volume ExecStart = %q", got)
	}
	if got := key(units["front-network.service"], "ExecStart"); len(got) != 1 ||
		got[0] != "/usr/bin/husk network create --ignore --subnet 10.99.0.0/24 --internal front" {
		t.Errorf("network ExecStart = %q", got)
	}
	if l, err := os.Readlink(filepath.Join(out, "default.target.wants", "web.service")); err != nil || l != "../web.service" {
		t.Errorf("WantedBy link = %q, %v", l, err)
	}
}

func TestContainerModes(t *testing.T) {
	units, errs, _ := generate(t, map[string]string{
		"n.container": "[Container]\nImage=i\nNotify=yes\n",
		"o.container": "[Container]\nImage=i\n[Service]\nType=oneshot\n",
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := key(units["n.service"], "ExecStart")[0]; !strings.Contains(got, " --sdnotify=container --cgroups=disabled -d ") {
		t.Errorf("Notify=yes: %s", got)
	}
	o := units["o.service"]
	if got := key(o, "ExecStart")[0]; strings.Contains(got, "--sdnotify") || strings.Contains(got, " -d ") {
		t.Errorf("Type=oneshot: %s", got)
	}
	if got := key(o, "Type"); !reflect.DeepEqual(got, []string{"oneshot"}) {
		t.Errorf("Type = %q", got)
	}
}

// As podman's generator: a file with a key it does not know, or a
// setting it refuses, gets no unit; the others are written.
func TestRefused(t *testing.T) {
	units, errs, _ := generate(t, map[string]string{
		"bad.container":   "[Container]\nImage=i\nFrobnicate=yes\n",
		"ip.container":    "[Container]\nImage=i\nIP=10.0.0.2\n",
		"noimg.container": "[Container]\nExec=true\n",
		"kill.container":  "[Container]\nImage=i\n[Service]\nKillMode=process\n",
		"ref.container":   "[Container]\nImage=i\nVolume=nosuch.volume:/x\n",
		"good.container":  "[Container]\nImage=i\n",
	})
	if _, ok := units["good.service"]; !ok || len(units) != 1 {
		t.Errorf("units written: %v", units)
	}
	text := ""
	for _, e := range errs {
		text += e.Error() + "\n"
	}
	for _, want := range []string{`unsupported key "Frobnicate" in group "Container"`, "bad.container",
		`unsupported key "IP"`, "no Image key", `invalid KillMode "process"`, "nosuch.volume"} {
		if !strings.Contains(text, want) {
			t.Errorf("errors lack %q:\n%s", want, text)
		}
	}
	if len(errs) != 5 {
		t.Errorf("%d errors, want 5:\n%s", len(errs), text)
	}
}

func TestFirstDirWins(t *testing.T) {
	user := quadletDir(t, map[string]string{"a.container": "[Container]\nImage=user\n"})
	admin := quadletDir(t, map[string]string{"a.container": "[Container]\nImage=admin\n", "b.kube": "[Kube]\nYaml=b.yaml\n"})
	var out strings.Builder
	if errs := Generate(Options{Husk: "/h", Dirs: []string{user, admin}, DryRun: &out}); len(errs) > 0 {
		t.Fatal(errs)
	}
	s := out.String()
	if !strings.Contains(s, " user\n") || strings.Contains(s, "admin\n") {
		t.Errorf("the first directory's a.container does not win:\n%s", s)
	}
	if !strings.Contains(s, "ExecStart=/h kube play --replace "+admin+"/b.yaml") ||
		!strings.Contains(s, "ExecStopPost=-/h kube down "+admin+"/b.yaml") {
		t.Errorf("kube unit:\n%s", s)
	}
}

func TestUserDirs(t *testing.T) {
	got := UserDirs("/home/u/.config", 1000)
	want := []string{"/home/u/.config/containers/systemd", "/etc/containers/systemd/users/1000", "/etc/containers/systemd/users"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UserDirs = %q", got)
	}
}

// A template's container is named from its instance, and the template is
// enabled as its DefaultInstance= only, as podman's generator does.
func TestTemplate(t *testing.T) {
	units, errs, out := generate(t, map[string]string{
		"web@.container": "[Container]\nImage=i\n[Install]\nWantedBy=default.target\nDefaultInstance=one\n",
		"job@.container": "[Container]\nImage=i\n[Install]\nWantedBy=default.target\n",
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := key(units["web@.service"], "ExecStart")[0]; !strings.Contains(got, " run --name=systemd-%p_%i ") {
		t.Errorf("template ExecStart: %s", got)
	}
	if l, err := os.Readlink(filepath.Join(out, "default.target.wants", "web@one.service")); err != nil || l != "../web@.service" {
		t.Errorf("DefaultInstance link = %q, %v", l, err)
	}
	ents, _ := os.ReadDir(filepath.Join(out, "default.target.wants"))
	if len(ents) != 1 {
		t.Errorf("links: %v (a template without DefaultInstance= gets none)", ents)
	}
}

// Drop-ins (NAME.container.d/*.conf) add to the file, in name order, the
// first directory's file of a name winning, as in podman and systemd.
func TestDropins(t *testing.T) {
	user := quadletDir(t, map[string]string{"a.container": "[Container]\nImage=old\nVolume=/x:/x\n"})
	admin := t.TempDir()
	for dir, files := range map[string]map[string]string{
		filepath.Join(user, "a.container.d"):  {"20-image.conf": "[Container]\nImage=new\n", "10-vol.conf": "[Container]\nVolume=/y:/y\n"},
		filepath.Join(admin, "a.container.d"): {"20-image.conf": "[Container]\nImage=hidden\n", "30-svc.conf": "[Service]\nRestart=always\n"},
	} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for n, text := range files {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out strings.Builder
	if errs := Generate(Options{Husk: "/h", Dirs: []string{user, admin}, DryRun: &out}); len(errs) > 0 {
		t.Fatal(errs)
	}
	s := out.String()
	if got := key(s, "ExecStart"); len(got) != 1 || !strings.HasSuffix(got[0], " -v /x:/x -v /y:/y new") {
		t.Errorf("ExecStart = %q", got)
	}
	if got := key(s, "Restart"); !reflect.DeepEqual(got, []string{"always"}) {
		t.Errorf("Restart = %q", got)
	}
}
