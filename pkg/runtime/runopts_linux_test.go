package runtime

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

func TestProcessEnv(t *testing.T) {
	defaults := []string{"PATH=/d", "HOSTNAME=h", "HOME=/root", "container=husk"}
	image := []string{"PATH=/img", "LANG=C"}
	for _, tc := range []struct {
		cfg  Config
		want []string
	}{
		{Config{Env: []string{"A=1"}}, []string{"PATH=/img", "HOSTNAME=h", "HOME=/root", "container=husk", "LANG=C", "A=1"}},
		{Config{Env: []string{"A=1"}, RunOptions: RunOptions{UnsetEnv: []string{"PATH", "LANG"}}}, []string{"HOSTNAME=h", "HOME=/root", "container=husk", "A=1"}},
		{Config{Env: []string{"PATH=/mine"}, RunOptions: RunOptions{UnsetEnv: []string{"PATH"}}}, []string{"HOSTNAME=h", "HOME=/root", "container=husk", "LANG=C", "PATH=/mine"}},
		{Config{Env: []string{"A=1"}, RunOptions: RunOptions{UnsetEnvAll: true}}, []string{"HOSTNAME=h", "HOME=/root", "A=1"}},
	} {
		if got := processEnv(tc.cfg, defaults, image); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.cfg.RunOptions, got, tc.want)
		}
	}
}

func TestCheckUlimits(t *testing.T) {
	huge := []spec.Rlimit{{Type: "RLIMIT_NOFILE", Soft: 1, Hard: math.MaxUint64}}
	if err := CheckUlimits(huge, false); err != nil {
		t.Errorf("as root: %v", err)
	}
	var own unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &own); err != nil {
		t.Fatal(err)
	}
	err := CheckUlimits(huge, true)
	if own.Max != unix.RLIM_INFINITY && (err == nil || !strings.Contains(err.Error(), "cannot be raised above your own hard limit")) {
		t.Errorf("rootless, an unlimited nofile above %d: %v", own.Max, err)
	}
	if err := CheckUlimits([]spec.Rlimit{{Type: "RLIMIT_NOFILE", Soft: 1, Hard: 1}}, true); err != nil {
		t.Errorf("lowering: %v", err)
	}
}

func TestTimezoneFile(t *testing.T) {
	for _, tz := range []string{"", "/etc/passwd", "../x", "Europe/../../etc/passwd"} {
		if _, err := TimezoneFile(tz); err == nil {
			t.Errorf("TimezoneFile(%q) accepted", tz)
		}
	}
	if _, err := os.Stat(filepath.Join(ZoneinfoDir, "UTC")); err == nil {
		if p, err := TimezoneFile("UTC"); err != nil || p != filepath.Join(ZoneinfoDir, "UTC") {
			t.Errorf("TimezoneFile(UTC) = %q, %v", p, err)
		}
		if _, err := TimezoneFile("Etc"); err == nil {
			t.Errorf("a directory was taken for a zone")
		}
	}
}

func TestIDFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cid")
	f, err := ReserveIDFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReserveIDFile(p); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a reserved file was reserved again: %v", err)
	}
	if err := f.Write("abc"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "abc" {
		t.Errorf("ID file holds %q", b)
	}
	q := filepath.Join(t.TempDir(), "cid")
	g, err := ReserveIDFile(q)
	if err != nil {
		t.Fatal(err)
	}
	g.Abandon()
	if _, err := os.Stat(q); !os.IsNotExist(err) {
		t.Errorf("an abandoned ID file is left: %v", err)
	}
}
