//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
)

func TestNetworkCommand(t *testing.T) {
	dir := t.TempDir()
	var removed, recorded []string
	deps := networkDeps{
		event: func(s events.Status, _, name string) { recorded = append(recorded, string(s)+" "+name) },
		open:  func() (*netns.Networks, error) { return netns.OpenNetworks(dir) },
		inUse: netns.InUse{
			Remove: func(_ context.Context, names []string) error {
				removed = append(removed, names...)
				return nil
			},
			Users: func(_ context.Context, n string) ([]string, error) {
				if n == "busy" {
					return []string{"web"}, nil
				}
				return nil, nil
			},
		},
	}
	run := func(args ...string) (string, error) {
		cmd := newNetworkCommand(deps)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}
	for _, n := range []string{"busy", "free"} {
		if out, err := run("create", n); err != nil || out != n+"\n" {
			t.Fatalf("%q %v", out, err)
		}
	}
	if _, err := run("create", "--subnet", "10.99.0.0/24", "--label", "a=b", "third"); err != nil {
		t.Fatal(err)
	}
	// podman's columns; the subnet through a template
	out, err := run("ls")
	if err != nil || !strings.HasPrefix(out, "NETWORK ID    NAME        DRIVER\n") || !strings.Contains(out, "  third       bridge\n") {
		t.Errorf("%q %v", out, err)
	}
	out, err = run("ls", "--filter", "label=a=b", "--format", "table {{.Name}} {{.Subnets}} {{.Labels}}")
	if err != nil || out != "NAME        SUBNETS         LABELS\nthird       [10.99.0.0/24]  map[a:b]\n" {
		t.Errorf("ls --format table: %q %v", out, err)
	}
	out, err = run("ls", "--filter", "dangling=true", "--format", "{{.Name}}")
	if err != nil || out != "free\npodman\nthird\n" {
		t.Errorf("ls --filter dangling=true: %q %v", out, err)
	}
	out, err = run("ls", "--filter", "name=^b", "--filter", "name=ird$", "--noheading")
	if err != nil || !strings.Contains(out, "  busy ") || !strings.Contains(out, "  third ") || strings.Contains(out, "free") || strings.Contains(out, "NAME") {
		t.Errorf("ls --filter name (twice) --noheading: %q %v", out, err)
	}
	out, err = run("ls", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js) != 4 || js[2]["name"] != "podman" || js[3]["name"] != "third" || js[3]["subnets"].([]any)[0].(map[string]any)["subnet"] != "10.99.0.0/24" {
		t.Errorf("ls --format json: %q %v", out, err)
	}
	if _, err := run("ls", "--filter", "color=red"); err == nil || !strings.Contains(err.Error(), "dangling, driver, id, label, name") {
		t.Errorf("ls --filter color=red: %v", err)
	}
	out, err = run("inspect", "third")
	if err != nil || !strings.Contains(out, `"a": "b"`) {
		t.Errorf("%q %v", out, err)
	}
	out, err = run("inspect", "--format", "{{.Name}} {{(index .Subnets 0).Subnet}} {{.Labels}}", "third")
	if err != nil || out != "third 10.99.0.0/24 map[a:b]\n" {
		t.Errorf("inspect --format: %q %v", out, err)
	}
	if _, err := run("rm", "busy"); err == nil || !strings.Contains(err.Error(), "used by container(s) web") {
		t.Errorf("rm busy: %v", err)
	}
	out, err = run("prune", "-f")
	if err != nil || out != "free\nthird\n" {
		t.Errorf("prune: %q %v", out, err)
	}
	if _, err := run("rm", "podman"); err == nil || err.Error() != "default network podman cannot be removed" {
		t.Errorf("rm podman: %v", err)
	}
	out, _ = run("ls", "-q")
	if out != "busy\npodman\n" {
		t.Errorf("%q", out)
	}
	if out, err := run("rm", "-f", "busy"); err != nil || out != "busy\n" || len(removed) != 1 || removed[0] != "web" {
		t.Errorf("rm -f busy: %q %v, removed %q", out, err, removed)
	}
	if got, want := strings.Join(recorded, ","), "create busy,create free,create third,remove free,remove third,remove busy"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if _, err := run("create", "--label-file", "/dev/null", "x"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("--label-file /dev/null: %v", err)
	}
}
