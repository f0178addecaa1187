package hostinfo

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// info --format json has podman 4.3.1's keys in each of podman's
// sections (testdata: podman's info as the test user), husk's own
// sections beside them.
func TestPodmanInfoKeys(t *testing.T) {
	b, err := os.ReadFile("testdata/podman-4.3.1-info.json")
	if err != nil {
		t.Fatal(err)
	}
	var podman map[string]any
	if err := json.Unmarshal(b, &podman); err != nil {
		t.Fatal(err)
	}
	info := Gather(context.Background(), Options{
		Version: "1.2.3", State: userns.State{Rootless: true}, RuntimeDir: t.TempDir(),
		Store:     storage.Options{GraphRoot: "/g", RunRoot: "/r"},
		OpenStore: func() (*storage.Store, error) { return nil, os.ErrNotExist },
		Cgroups: func() (cgroups.Info, error) {
			return cgroups.Info{Mode: cgroups.ModeV2, Manager: cgroups.ManagerCgroupfs}, nil
		},
	})
	mine, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var husk map[string]any
	if err := json.Unmarshal(mine, &husk); err != nil {
		t.Fatal(err)
	}
	optional := []string{"host.remoteSocket.exists", "host.runtimeInfo", "host.distribution.variant", "host.distribution.codename"}
	husks := []string{"userns", "runtimes", "cgroups", "network", "defaultNetwork", "transfers", "lingering", "fixes", "store.driver", "store.images", "store.error"}
	var diffs []string
	var walk func(p, h map[string]any, path string)
	walk = func(p, h map[string]any, path string) {
		for k, v := range p {
			hv, ok := h[k]
			if !ok {
				if !slices.Contains(optional, path+k) {
					diffs = append(diffs, path+k+": missing")
				}
				continue
			}
			pm, pok := v.(map[string]any)
			hm, hok := hv.(map[string]any)
			if pok && hok && path+k != "registries" && !strings.HasPrefix(path+k, "store.graph") {
				walk(pm, hm, path+k+".")
			}
		}
		for k := range h {
			if _, ok := p[k]; !ok && !slices.Contains(husks, path+k) && !slices.Contains(optional, path+k) {
				diffs = append(diffs, path+k+": husk's only")
			}
		}
	}
	walk(podman, husk, "")
	if len(diffs) > 0 {
		t.Errorf("differences from podman's info:\n%s", strings.Join(diffs, "\n"))
	}
	if info.Host.CgroupsVersion != "v2" || info.Host.CgroupManager != "cgroupfs" || !info.Host.Security.Rootless || info.Version.Version != "1.2.3" ||
		info.Store.GraphRoot != "/g" || info.Store.VolumePath != "/g/volumes" {
		t.Errorf("%+v %+v", info.Host, info.Store)
	}
}

func TestParseMap(t *testing.T) {
	f := t.TempDir() + "/map"
	if err := os.WriteFile(f, []byte("         0       1001          1\n         1     100000      65536\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := parseMap(f)
	if len(got) != 2 || got[1] != (IDMap{ContainerID: 1, HostID: 100000, Size: 65536}) {
		t.Errorf("%+v", got)
	}
}

func TestOCIRuntimeSkipsRefusals(t *testing.T) {
	run := t.TempDir()
	found := []Tool{{Name: "crun", Path: "/usr/bin/crun"}, {Name: "runc", Path: "/usr/bin/runc"}}
	o := Options{Store: storage.Options{RunRoot: run}}
	if got := ociRuntime(found, o); got.Name != "crun" {
		t.Errorf("default: %+v", got)
	}
	oci.RememberRefusal(run+"/husk-runtime", "crun", "cgroups in hybrid mode")
	if got := ociRuntime(found, o); got.Name != "runc" {
		t.Errorf("crun refused: %+v", got)
	}
	o.Runtime = "crun"
	if got := ociRuntime(found, o); got.Name != "crun" {
		t.Errorf("--runtime crun: %+v", got)
	}
}
