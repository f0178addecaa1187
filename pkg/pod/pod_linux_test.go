package pod

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

func TestParseShare(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"", []string{"ipc", "net", "uts"}, ""},
		{"net", []string{"net"}, ""},
		{"uts,net,net", []string{"net", "uts"}, ""},
		{"+pid", []string{"ipc", "net", "pid", "uts"}, ""},
		{"none", nil, ""},
		{"net,user", nil, `"user" is not a namespace`},
		{"+", nil, "name a namespace"},
	} {
		got, err := ParseShare(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShare(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseShare(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func ctr(status runtime.Status, paused bool) *runtime.Container {
	// Exited and created states need no process; "running" ones are
	// never Alive here (no pid), which State reads as not running.
	return &runtime.Container{State: runtime.State{Status: status, Paused: paused}}
}

func TestState(t *testing.T) {
	for _, tc := range []struct {
		cs   []*runtime.Container
		want string
	}{
		{nil, StateCreated},
		{[]*runtime.Container{ctr(runtime.StatusCreated, false)}, StateCreated},
		{[]*runtime.Container{ctr(runtime.StatusExited, false), ctr(runtime.StatusExited, false)}, StateExited},
		{[]*runtime.Container{ctr(runtime.StatusExited, false), ctr(runtime.StatusCreated, false)}, StateStopped},
	} {
		if got := State(tc.cs); got != tc.want {
			t.Errorf("State(%d containers) = %s, want %s", len(tc.cs), got, tc.want)
		}
	}
}

func TestJoin(t *testing.T) {
	p := &Pod{ID: strings.Repeat("a", 64), Name: "web", InfraID: strings.Repeat("b", 64), Share: []string{"ipc", "net", "uts"}}
	none := func(string) bool { return false }
	var cfg runtime.Config
	if err := Join(p, &cfg, none, ""); err != nil {
		t.Fatal(err)
	}
	infra := "container:" + p.InfraID
	if cfg.Pod != p.ID || cfg.Net.Mode != infra || cfg.IPC != infra || cfg.UTS != infra || cfg.PID != "" || cfg.Hostname != "web" {
		t.Errorf("Join: %+v", cfg)
	}
	for name, c := range map[string]runtime.Config{
		"ports":    {Net: netns.Config{Ports: []netns.PortMapping{{ContainerPort: 80, HostPort: 8080, Protocol: "tcp"}}}},
		"hostname": {Hostname: "x"},
		"ipc":      {RunOptions: runtime.RunOptions{IPC: "host"}},
	} {
		if err := Join(p, &c, none, ""); err == nil {
			t.Errorf("Join with %s: no error", name)
		}
	}
	// An explicit network is the container's own, as podman 4.3.1 has it.
	c := runtime.Config{Net: netns.Config{Mode: netns.ModeHost}}
	if err := Join(p, &c, func(s string) bool { return s == "network" }, ""); err != nil || c.Net.Mode != netns.ModeHost {
		t.Errorf("Join --network host: %v, mode %q", err, c.Net.Mode)
	}
	// Without infra, nothing is shared.
	c = runtime.Config{}
	if err := Join(&Pod{ID: p.ID}, &c, none, ""); err != nil || c.Pod != p.ID || c.Net.Mode != "" || c.IPC != "" {
		t.Errorf("Join without infra: %v, %+v", err, c)
	}
}

func TestFilter(t *testing.T) {
	p := &Pod{ID: "0123456789ab" + strings.Repeat("0", 52), Name: "web", Labels: map[string]string{"a": "1", "b": "2"}, Created: time.Now().Add(-time.Hour)}
	cs := []*runtime.Container{{ID: strings.Repeat("c", 64), Name: "srv", State: runtime.State{Status: runtime.StatusExited}}}
	for _, tc := range []struct {
		f    []string
		want bool
	}{
		{nil, true},
		{[]string{"name=^w"}, true},
		{[]string{"name=x"}, false},
		{[]string{"id=0123"}, true},
		{[]string{"label=a=1", "label=b"}, true},
		{[]string{"label=a=1", "label=c"}, false},
		{[]string{"status=exited"}, true},
		{[]string{"status=running", "status=exited"}, true},
		{[]string{"ctr-names=srv"}, true},
		{[]string{"ctr-names=other"}, false},
		{[]string{"ctr-number=1"}, true},
		{[]string{"ctr-status=exited"}, true},
		{[]string{"until=10m"}, true},
		{[]string{"until=2h"}, false},
	} {
		f, err := ParseFilter(tc.f)
		if err != nil {
			t.Fatalf("%v: %v", tc.f, err)
		}
		if got := f.Match(p, cs); got != tc.want {
			t.Errorf("%v: Match = %v, want %v", tc.f, got, tc.want)
		}
	}
	for _, bad := range []string{"nope=1", "status=sleeping", "name=(", "ctr-number=x", "novalue"} {
		if _, err := ParseFilter([]string{bad}); err == nil {
			t.Errorf("ParseFilter(%q): no error", bad)
		}
	}
}

// TestInspectKeys: the keys podman 4.3.1 gives, and leaves out without
// an infra container (checked against podman in 610-pods.bats).
func TestInspectKeys(t *testing.T) {
	keys := func(v any) []string {
		b, _ := json.Marshal(v)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	p := &Pod{ID: strings.Repeat("a", 64), Name: "p", InfraID: strings.Repeat("b", 64), Share: DefaultShare,
		Net: netns.Config{Ports: []netns.PortMapping{{ContainerPort: 80, HostPort: 8080, Protocol: "tcp", Range: 2}}}}
	got := keys(InspectPod(p, []*runtime.Container{{ID: p.InfraID, Name: "x", Config: runtime.Config{PodMember: runtime.PodMember{Pod: p.ID, Infra: true}}}}))
	want := []string{"CgroupParent", "CgroupPath", "Containers", "CreateCgroup", "CreateInfra", "Created", "ExitPolicy", "Hostname", "Id",
		"InfraConfig", "InfraContainerID", "Name", "NumContainers", "SharedNamespaces", "State"}
	if !slices.Equal(got, want) {
		t.Errorf("keys with infra:\n got %v\nwant %v", got, want)
	}
	ic := infraConfig(p)
	if len(ic.PortBindings) != 2 || ic.PortBindings["81/tcp"][0].HostPort != "8081" {
		t.Errorf("a port range is one binding per port: %+v", ic.PortBindings)
	}
	got = keys(InspectPod(&Pod{ID: p.ID, Name: "n"}, nil))
	want = []string{"CgroupParent", "CreateCgroup", "CreateInfra", "Created", "ExitPolicy", "Hostname", "Id", "Name", "NumContainers", "State"}
	if !slices.Equal(got, want) {
		t.Errorf("keys without infra:\n got %v\nwant %v", got, want)
	}
}
