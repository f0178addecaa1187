package ctropts

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime/spec"
)

func TestParseUlimit(t *testing.T) {
	for in, want := range map[string]spec.Rlimit{
		"nofile=1024:2048": {Type: "RLIMIT_NOFILE", Soft: 1024, Hard: 2048},
		"nproc=50":         {Type: "RLIMIT_NPROC", Soft: 50, Hard: 50},
		"core=-1":          {Type: "RLIMIT_CORE", Soft: math.MaxUint64, Hard: math.MaxUint64},
		"stack=10:-1":      {Type: "RLIMIT_STACK", Soft: 10, Hard: math.MaxUint64},
	} {
		if got, err := ParseUlimit(in); err != nil || got != want {
			t.Errorf("ParseUlimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"nofile":        "NAME=SOFT[:HARD]",
		"bogus=1":       `unknown limit "bogus"`,
		"nofile=2:1":    "above the hard limit",
		"nofile=x":      `invalid limit "x"`,
		"nofile=1:":     `invalid limit ""`,
		"nofile=-2":     `invalid limit "-2"`,
		"NOFILE=1":      "unknown limit",
		"nofile=1:2:3":  `invalid limit "2:3"`,
		"nofile=-1:100": "above the hard limit",
	} {
		if _, err := ParseUlimit(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseUlimit(%q) = %v, want an error with %q", in, err, msg)
		}
	}
}

func TestParseExpose(t *testing.T) {
	for in, want := range map[string]string{"80": "80/tcp", "53/udp": "53/udp", "9000-9010": "9000-9010/tcp", "7/sctp": "7/sctp", "5-5": "5/tcp"} {
		if got, err := ParseExpose(in); err != nil || got != want {
			t.Errorf("ParseExpose(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "65536", "80/icmp", "10-5", "a", "80-", "-80", "80/"} {
		if got, err := ParseExpose(in); err == nil {
			t.Errorf("ParseExpose(%q) = %q, accepted", in, got)
		}
	}
}

func TestParseSysctls(t *testing.T) {
	got, err := parseSysctls([]string{"kernel.shmmax=1000", "net.ipv4.ip_forward=1", "fs.mqueue.msg_max=20", "kernel.sem=1 2 3 4"}, false, false)
	want := map[string]string{"kernel.shmmax": "1000", "net.ipv4.ip_forward": "1", "fs.mqueue.msg_max": "20", "kernel.sem": "1 2 3 4"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseSysctls = %v, %v; want %v", got, err, want)
	}
	for _, tc := range []struct {
		in   string
		host bool
		msg  string
	}{
		{"kernel.panic=1", false, "not allowed"},
		{"vm.swappiness=1", false, "not allowed"},
		{"kernel.hostname=x", false, "not allowed"},
		{"net.ipv4.ip_forward=1", true, "network=host"},
		{"noequals", false, "NAME=VALUE"},
		{"=1", false, "NAME=VALUE"},
		{"kernel.shmmax = 1", false, "no spaces"},
	} {
		if _, err := parseSysctls([]string{tc.in}, tc.host, false); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("parseSysctls(%q, host=%v) = %v, want an error with %q", tc.in, tc.host, err, tc.msg)
		}
	}
}

// Each flag lands in the container's config; bad values are refused with
// the flag named.
func TestRunFlagsConfig(t *testing.T) {
	given := func(names ...string) func(Option) bool {
		return func(o Option) bool { return slices.Contains(names, o) }
	}
	o := Options{Run: RunFlags{
		StopSignal: "USR1", StopTimeout: 0, Ulimits: []string{"nofile=10:20", "host"}, ShmSize: "1m",
		Sysctls: []string{"kernel.shmmax=5"}, GroupAdd: []string{"10", "audio"}, Expose: []string{"80", "53/udp"},
		NoHosts: true, Umask: "027", Timezone: "local", UnsetEnv: []string{"PATH"}, UnsetEnvAll: true,
	}, Given: given(OptStopTimeout, OptUmask, OptShmSize)}
	cfg, err := o.Config("img", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.RunOptions
	switch {
	case cfg.StopSignal != "USR1", r.StopTimeout == nil || *r.StopTimeout != 0:
		t.Errorf("stop signal %q, timeout %v", cfg.StopSignal, r.StopTimeout)
	case !r.UlimitHost || len(r.Ulimits) != 1 || r.Ulimits[0].Hard != 20:
		t.Errorf("ulimits %+v host %v", r.Ulimits, r.UlimitHost)
	case r.ShmSize != 1<<20 || r.Sysctls["kernel.shmmax"] != "5":
		t.Errorf("shm %d sysctls %v", r.ShmSize, r.Sysctls)
	case !reflect.DeepEqual(r.GroupAdd, []string{"10", "audio"}) || r.KeepGroups:
		t.Errorf("groups %v keep %v", r.GroupAdd, r.KeepGroups)
	case !reflect.DeepEqual(r.Expose, []string{"80/tcp", "53/udp"}) || !r.NoHosts:
		t.Errorf("expose %v no-hosts %v", r.Expose, r.NoHosts)
	case r.Umask == nil || *r.Umask != 0o27 || r.Timezone != "local":
		t.Errorf("umask %v tz %q", r.Umask, r.Timezone)
	case !reflect.DeepEqual(r.UnsetEnv, []string{"PATH"}) || !r.UnsetEnvAll:
		t.Errorf("unsetenv %v all %v", r.UnsetEnv, r.UnsetEnvAll)
	}
	// Not given, the defaults stand.
	cfg, err = (&Options{Run: RunFlags{StopTimeout: 10, Umask: "0022", ShmSize: "64m"}}).Config("img", nil)
	if err != nil || cfg.StopTimeout != nil || cfg.Umask != nil || cfg.ShmSize != 0 {
		t.Errorf("defaults: %+v, %v", cfg.RunOptions, err)
	}
	for _, tc := range []struct {
		o   Options
		msg string
	}{
		{Options{Run: RunFlags{StopSignal: "NOPE"}}, `invalid stop-signal "NOPE"`},
		{Options{Run: RunFlags{Ulimits: []string{"x=1"}}}, `ulimit "x=1": unknown limit`},
		{Options{Run: RunFlags{ShmSize: "0"}, Given: given(OptShmSize)}, `shm-size "0"`},
		{Options{Run: RunFlags{GroupAdd: []string{"keep-groups", "10"}}}, "keep-groups cannot be given with other groups"},
		{Options{Run: RunFlags{GroupAdd: []string{"a:b"}}}, `invalid group-add "a:b"`},
		{Options{Run: RunFlags{Expose: []string{"x"}}}, `expose "x"`},
		{Options{Run: RunFlags{NoHosts: true}, Network: Network{AddHosts: []string{"a:1.2.3.4"}}}, "no-hosts and add-host cannot be given together"},
		{Options{Run: RunFlags{Umask: "0999"}, Given: given(OptUmask)}, `invalid umask "0999"`},
		{Options{Run: RunFlags{Umask: "1000"}, Given: given(OptUmask)}, `invalid umask "1000"`},
		{Options{Run: RunFlags{Timezone: "../../etc/passwd"}}, `invalid tz "../../etc/passwd"`},
		{Options{Run: RunFlags{Timezone: "/etc/localtime"}}, `invalid tz`},
		{Options{Run: RunFlags{Timezone: "No/Where"}}, `tz "No/Where"`},
		{Options{Run: RunFlags{UnsetEnv: []string{"A=1"}}}, `invalid unsetenv "A=1"`},
		{Options{Run: RunFlags{Sysctls: []string{"net.core.somaxconn=1"}}, Network: Network{Mode: "host"}}, "network=host"},
	} {
		if _, err := tc.o.Config("img", nil); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: %v, want an error with %q", tc.o.Run, err, tc.msg)
		}
	}
}

// --env-host takes husk's environment but its internal variables and
// HOSTNAME; --http-proxy only the proxy variables; -e wins over both.
func TestRunFlagsEnv(t *testing.T) {
	host := []string{"FOO=bar", "HOSTNAME=h", "http_proxy=p", "_CONTAINERS_USERNS_CONFIGURED=done", "HUSK_USERNS_MAPPING=x", "=weird"}
	lookup := func(n string) (string, bool) {
		for _, kv := range host {
			if k, v, _ := strings.Cut(kv, "="); k == n {
				return v, true
			}
		}
		return "", false
	}
	o := Options{Env: []string{"FOO=mine"}, LookupEnv: lookup, Run: RunFlags{EnvHost: true, Environ: func() []string { return host }}}
	cfg, err := o.Config("img", nil)
	want := []string{"FOO=bar", "http_proxy=p", "FOO=mine"}
	if err != nil || !reflect.DeepEqual(cfg.Env, want) {
		t.Errorf("--env-host: %q, %v; want %q", cfg.Env, err, want)
	}
	o = Options{LookupEnv: lookup, Run: RunFlags{HTTPProxy: true}}
	if cfg, err = o.Config("img", nil); err != nil || !reflect.DeepEqual(cfg.Env, []string{"http_proxy=p"}) {
		t.Errorf("--http-proxy: %q, %v", cfg.Env, err)
	}
	o = Options{LookupEnv: lookup}
	if cfg, err = o.Config("img", nil); err != nil || len(cfg.Env) != 0 {
		t.Errorf("--http-proxy=false: %q, %v", cfg.Env, err)
	}
}

func TestNamespaceFlags(t *testing.T) {
	o := Options{Run: RunFlags{IPC: "shareable", PID: "host", UTS: "container:web", Cgroupns: "private", OOMScoreAdj: 0, Personality: "linux32"},
		Given: func(o Option) bool { return o == OptOOMScoreAdj }}
	cfg, err := o.Config("img", nil)
	r := cfg.RunOptions
	if err != nil || r.IPC != "private" || r.PID != "host" || r.UTS != "container:web" || r.Cgroupns != "private" ||
		r.OOMScoreAdj == nil || *r.OOMScoreAdj != 0 || r.Personality != "LINUX32" {
		t.Errorf("%+v, %v", r, err)
	}
	for _, tc := range []struct {
		o   Options
		msg string
	}{
		{Options{Run: RunFlags{PID: "bogus"}}, `invalid pid "bogus": use private, host, container:NAME or ns:PATH`},
		{Options{Run: RunFlags{IPC: "container:"}}, `invalid ipc "container:"`},
		{Options{Run: RunFlags{UTS: "ns:rel"}}, `must be absolute`},
		{Options{Run: RunFlags{UTS: "ns:/no/such/husk/ns"}}, `invalid uts "ns:/no/such/husk/ns"`},
		{Options{Run: RunFlags{Cgroupns: "container:x"}}, `invalid cgroupns "container:x": use private or host`},
		{Options{Hostname: "h", Run: RunFlags{UTS: "host"}}, "hostname cannot be given with uts host"},
		{Options{Run: RunFlags{IPC: "host", Sysctls: []string{"kernel.shmmax=1"}}}, "cannot be set with ipc=host"},
		{Options{Run: RunFlags{OOMScoreAdj: -1001}, Given: func(o Option) bool { return o == OptOOMScoreAdj }}, "invalid oom-score-adj -1001"},
		{Options{Run: RunFlags{Personality: "LINUX64"}}, `invalid personality "LINUX64"`},
		{Options{Run: RunFlags{LogDriver: "journald"}}, `unsupported log-driver "journald"`},
		{Options{Run: RunFlags{VolumesFrom: []string{"a:rx"}}}, `invalid volumes-from "a:rx"`},
		{Options{Run: RunFlags{VolumesFrom: []string{":ro"}}}, `invalid volumes-from ":ro"`},
		{Options{Mounts: []string{"type=devpts,target=/d,src=x"}}, `type=devpts takes only target= and readonly`},
		{Options{Mounts: []string{"type=ramfs,target=/d,tmpfs-size=1m"}}, `type=ramfs takes only target= and readonly`},
	} {
		if _, err := tc.o.Config("img", nil); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: %v, want an error with %q", tc.o.Run, err, tc.msg)
		}
	}
	// A private UTS namespace takes a host name.
	if _, err := (&Options{Hostname: "h", Run: RunFlags{UTS: "private"}}).Config("img", nil); err != nil {
		t.Errorf("--uts private --hostname: %v", err)
	}
}

func TestParseAttach(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want Streams
	}{
		{nil, Streams{true, true, true}},
		{[]string{"stdout"}, Streams{Stdout: true}},
		{[]string{"STDERR", "stdin"}, Streams{Stdin: true, Stderr: true}},
	} {
		if got, err := ParseAttach(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseAttach(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseAttach([]string{"stdall"}); err == nil || !strings.Contains(err.Error(), `invalid attach stream "stdall"`) {
		t.Errorf("ParseAttach(stdall): %v", err)
	}
}

func TestLogDriver(t *testing.T) {
	for in, want := range map[string]string{"": "", "k8s-file": "", "json-file": "", "none": "none", "passthrough": "passthrough"} {
		cfg, err := (&Options{Run: RunFlags{LogDriver: in}}).Config("img", nil)
		if err != nil || cfg.LogDriver != want {
			t.Errorf("--log-driver %q: %q, %v; want %q", in, cfg.LogDriver, err, want)
		}
	}
}

func TestMountRamfsDevpts(t *testing.T) {
	cfg, err := (&Options{Mounts: []string{"type=ramfs,target=/r,ro", "type=devpts,target=/d"}, Run: RunFlags{VolumesFrom: []string{"a", "b:ro", "c:z"}}}).Config("img", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Volumes) != 2 || cfg.Volumes[0].Kind != "ramfs" || !cfg.Volumes[0].ReadOnly || cfg.Volumes[1].Kind != "devpts" {
		t.Errorf("volumes %+v", cfg.Volumes)
	}
	if !reflect.DeepEqual(cfg.VolumesFrom, []string{"a", "b:ro", "c"}) {
		t.Errorf("volumes-from %q", cfg.VolumesFrom)
	}
}
