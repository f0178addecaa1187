//go:build linux

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/netns"
)

func TestNetworkCommand(t *testing.T) {
	dir := t.TempDir()
	var removed []string
	deps := networkDeps{
		open: func() (*netns.Networks, error) { return netns.OpenNetworks(dir) },
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
	out, err := run("ls")
	if err != nil || !strings.Contains(out, "NETWORK ID") || !strings.Contains(out, "10.99.0.0/24") {
		t.Errorf("%q %v", out, err)
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
	out, err = run("prune")
	if err != nil || out != "free\nthird\n" {
		t.Errorf("prune: %q %v", out, err)
	}
	out, _ = run("ls", "-q")
	if out != "busy\n" {
		t.Errorf("%q", out)
	}
	if out, err := run("rm", "-f", "busy"); err != nil || out != "busy\n" || len(removed) != 1 || removed[0] != "web" {
		t.Errorf("rm -f busy: %q %v, removed %q", out, err, removed)
	}
}
