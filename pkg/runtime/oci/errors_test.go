package oci

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMessage(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"plain failure\n\n": "plain failure",
		`time="x" level=error msg="container \"a\" does not exist"` + "\n": `container "a" does not exist`,
		"level=error msg=unquoted words":                                   "unquoted words",
		"first\nsecond\n":                                                  "second",
	} {
		if got := Message(in); got != want {
			t.Errorf("Message(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogMessage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "log.json")
	if got := logMessage(p); got != "" {
		t.Errorf("missing log: %q", got)
	}
	log := `{"level":"warning","msg":"a warning"}` + "\n" + `{"level":"error","msg":"the error"}` + "\n" + `{"level":"info","msg":"later info"}` + "\n"
	if err := os.WriteFile(p, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := logMessage(p); got != "the error" {
		t.Errorf("json log: %q", got)
	}
	if err := os.WriteFile(p, []byte("not json at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := logMessage(p); got != "not json at all" {
		t.Errorf("plain log: %q", got)
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Runtime: "runc", Op: "start", Msg: "it broke", Err: errors.New("exit status 1")}
	if got := e.Error(); got != "OCI runtime error: runc start: it broke" || !errors.Is(e, ErrRuntime) {
		t.Errorf("%q", got)
	}
	e.Msg = ""
	if got := e.Error(); got != "OCI runtime error: runc start: exit status 1" {
		t.Errorf("without message: %q", got)
	}
}

func TestClassify(t *testing.T) {
	for msg, want := range map[string]error{
		`exec: "nosuch": executable file not found in $PATH`:             ErrCommandNotFound,
		"exec /bin/x: no such file or directory":                         ErrCommandNotFound,
		"exec /etc/passwd: permission denied":                            ErrCannotInvoke,
		"open /etc/passwd: permission denied":                            nil,
		"cgroups in hybrid mode not supported, drop all controllers":     nil,
		"mount /proc: no such file or directory (not about the command)": nil,
	} {
		err := Classify(errors.New(msg))
		switch {
		case want == nil && (errors.Is(err, ErrCommandNotFound) || errors.Is(err, ErrCannotInvoke)):
			t.Errorf("%q classified as %v", msg, err)
		case want != nil && !errors.Is(err, want):
			t.Errorf("%q: %v, want %v", msg, err, want)
		case !strings.Contains(err.Error(), msg):
			t.Errorf("%q: the message is lost: %v", msg, err)
		}
	}
}

func TestRefusesHost(t *testing.T) {
	if !RefusesHost(errors.New("crun create: cgroups in hybrid mode not supported, drop all controllers from cgroupv2")) {
		t.Error("hybrid cgroups")
	}
	if !RefusesHost(errors.New("unknown version specified")) || !RefusesHost(errors.New("cgroup v1 not supported")) {
		t.Error("version, v1")
	}
	if RefusesHost(errors.New("executable file not found")) {
		t.Error("a container problem taken for the host's")
	}
}

func TestCgroupFlags(t *testing.T) {
	for _, c := range []struct {
		name string
		m    CgroupManager
		want string
	}{
		{"crun", NoCgroup, "--cgroup-manager=disabled"},
		{"crun", SystemdManager, "--cgroup-manager=systemd"},
		{"crun", CgroupfsManager, "--cgroup-manager=cgroupfs"},
		{"runc", SystemdManager, "--systemd-cgroup"},
		{"runc", CgroupfsManager, ""},
		{"runc", NoCgroup, ""},
	} {
		if got := strings.Join(CgroupFlags(c.name, c.m), " "); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.name, c.m, got, c.want)
		}
	}
}
