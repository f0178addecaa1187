package ctropts

import (
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512": 512, "512b": 512, "10k": 10 << 10, "10KB": 10 << 10, " 2m ": 2 << 20, "1g": 1 << 30, "1gb": 1 << 30, "2t": 2 << 40, "8191p": 8191 << 50,
		// Fractions, as docker's and podman's --log-opt max-size=3.055m.
		"1.5g": 3 << 29, "3.055m": 3203399, "0.5k": 512} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "b", "k", "kb", "-1", "0", "+5", "1.", ".5", "1.2.3", "0.0001", "1e3", "10kbkb", "1bb", "1x", "8192p", "9223372036854775808", "99999999999999999999g"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, accepted", in, got)
		}
	}
}

// Errors name the option at fault, by its own name until a command line
// spells it.
func TestErrorsNameTheOption(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		opt  string
		want string
	}{
		{Options{Volumes: []string{"/tmp:/proc"}}, "volume", `volume "/tmp:/proc": mount destination "/proc" would hide`},
		{Options{Volumes: []string{"/tmp:/x"}, Tmpfs: []string{"/x"}}, "tmpfs", `volume "/tmp:/x" and tmpfs "/x" both mount on /x`},
		{Options{Volumes: []string{"/nonexistent-husk-test:/x"}}, "volume", `volume "/nonexistent-husk-test:/x": bind mount source: `},
		{Options{Env: []string{""}}, "env", `empty env: use NAME=VALUE`},
		{Options{Env: []string{"=x"}}, "env", `env "=x": empty variable name`},
		{Options{User: ":", Given: given(OptUser)}, "user", `user ":": want name|uid[:group|gid]`},
		{Options{Name: "a b", Given: given(OptName)}, "name", `name: invalid container name`},
		{Options{Workdir: "rel"}, "workdir", `workdir "rel": the working directory must be an absolute path`},
		{Options{Userns: "bogus"}, "userns", `unsupported userns "bogus": use host`},
		{Options{Cgroups: "maybe"}, "cgroups", `invalid cgroups "maybe"`},
		{Options{LogOpts: []string{"compress=true"}}, "log-opt", `unsupported log-opt "compress=true"`},
		{Options{Network: Network{Mode: "host", Publish: []string{"80"}}}, "network", `cannot publish ports with network host:`},
		{Options{Network: Network{DNS: []string{"resolver"}}}, "dns", `dns "resolver": not an IP address`},
		{Options{Limits: Limits{Memory: "lots"}, Given: given(OptMemory)}, OptMemory, `memory "lots": invalid size`},
		{Options{Limits: Limits{CPUWeight: 0}, Given: given(OptCPUWeight)}, OptCPUWeight, `cpu-weight must be between 1 and 10000`},
	} {
		_, err := tc.o.Config("img", nil)
		e, ok := setting.As(err)
		if !ok || !slices.Contains(e.Names(), tc.opt) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q naming %q", tc.o, err, tc.want, tc.opt)
		}
	}
	_, err := (&Options{Volumes: []string{"/nonexistent-husk-test:/x"}}).Config("img", nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the bind source's error is not wrapped: %v", err)
	}
}

func given(opts ...Option) func(Option) bool {
	return func(o Option) bool {
		for _, g := range opts {
			if g == o {
				return true
			}
		}
		return false
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	o := Options{
		Name: "web", Env: []string{"A=1", "FROM_HOST", "UNSET"}, Volumes: []string{dir + ":/d:ro"}, Tmpfs: []string{"/run:size=1m"},
		Network: Network{Mode: "none"}, SecurityOpt: []string{"no-new-privileges"}, Userns: "keep-id", Cgroups: "disabled",
		Limits: Limits{Memory: "1g", PidsLimit: -1}, Given: given(OptName, OptMemory, OptPidsLimit, OptNetwork),
		LookupEnv: func(k string) (string, bool) { return "h", k == "FROM_HOST" },
	}
	cfg, err := o.Config("img", []string{"sh"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "web" || cfg.Image != "img" || !reflect.DeepEqual(cfg.Command, []string{"sh"}) || !cfg.NoNewPrivileges ||
		!cfg.KeepID || !cfg.CgroupsDisabled || cfg.Net.Mode != netns.ModeNone {
		t.Errorf("%+v", cfg)
	}
	if !reflect.DeepEqual(cfg.Env, []string{"A=1", "FROM_HOST=h"}) {
		t.Errorf("env %q", cfg.Env)
	}
	want := []runtime.VolumeSpec{{Kind: runtime.VolumeBind, Source: dir, Destination: "/d", ReadOnly: true},
		{Kind: runtime.VolumeTmpfs, Destination: "/run", Options: []string{"size=1m"}}}
	if !reflect.DeepEqual(cfg.Volumes, want) {
		t.Errorf("volumes %+v", cfg.Volumes)
	}
	if cfg.Resources.Memory != 1<<30 || cfg.Resources.PidsLimit != -1 {
		t.Errorf("limits %+v", cfg.Resources)
	}
	if cfg.LogMaxSize != runtime.DefaultLogMaxSize || cfg.LogMaxFiles != runtime.DefaultLogMaxFiles {
		t.Errorf("log limits %d %d", cfg.LogMaxSize, cfg.LogMaxFiles)
	}
}

// Limits not given keep the value they had (update changes only those
// given).
func TestLimitsApplyOnlyGiven(t *testing.T) {
	res := cgroups.Resources{Memory: 32 << 20, PidsLimit: 10}
	l := Limits{Memory: "64m", PidsLimit: 0, CPUs: 0}
	if err := l.Apply(&res, given(OptMemory)); err != nil {
		t.Fatal(err)
	}
	if res.Memory != 64<<20 || res.PidsLimit != 10 {
		t.Errorf("%+v", res)
	}
	if err := l.Apply(&res, nil); err != nil || res.Memory != 64<<20 {
		t.Errorf("nothing given: %+v %v", res, err)
	}
}

// --memory=0 is no limit; on a container that has one (update), it would
// say nothing, so it is refused.
func TestMemoryZero(t *testing.T) {
	var res cgroups.Resources
	if err := (Limits{Memory: "0"}).Apply(&res, given(OptMemory)); err != nil || res.Memory != 0 {
		t.Fatalf("--memory=0: %v, memory %d", err, res.Memory)
	}
	res.Memory = 64 << 20
	err := (Limits{Memory: "0"}).Apply(&res, given(OptMemory))
	if err == nil || !strings.Contains(err.Error(), "cannot lift") || res.Memory != 64<<20 {
		t.Fatalf("--memory=0 over a limit: %v, memory %d", err, res.Memory)
	}
}
