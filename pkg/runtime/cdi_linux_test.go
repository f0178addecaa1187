package runtime

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const testCDISpec = `cdiVersion: "0.6.0"
kind: test.husk/device
containerEdits:
  env: [HUSK_CDI_SPEC=1]
devices:
  - name: foo
    containerEdits:
      deviceNodes:
        - path: /dev/husk-cdi-null
          hostPath: /dev/null
          permissions: r
      env: [HUSK_CDI=foo]
`

func TestInjectCDI(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "husk.yaml"), []byte(testCDISpec), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &specs.Spec{Process: &specs.Process{}, Linux: &specs.Linux{}}
	cfg := Config{DeviceOptions: DeviceOptions{CDIDevices: []string{"test.husk/device=foo"}, CDISpecDirs: []string{dir}}}
	if err := injectCDI(s, cfg, true); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(s.Process.Env, "HUSK_CDI=foo") || !slices.Contains(s.Process.Env, "HUSK_CDI_SPEC=1") {
		t.Errorf("env %v", s.Process.Env)
	}
	// The node is bound read-only, not made by the runtime; no cgroup rule.
	if len(s.Linux.Devices) != 0 || s.Linux.Resources != nil {
		t.Errorf("devices %v, resources %+v", s.Linux.Devices, s.Linux.Resources)
	}
	i := slices.IndexFunc(s.Mounts, func(m specs.Mount) bool { return m.Destination == "/dev/husk-cdi-null" })
	if i < 0 || s.Mounts[i].Source != "/dev/null" || !slices.Contains(s.Mounts[i].Options, "ro") {
		t.Errorf("mounts %+v", s.Mounts)
	}

	cfg.CDIDevices = []string{"test.husk/device=nope"}
	err := injectCDI(s, cfg, true)
	if err == nil || !strings.Contains(err.Error(), "known: test.husk/device=foo") {
		t.Errorf("unknown device: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.CDIDevices = []string{"test.husk/device=foo"}
	if err := injectCDI(s, cfg, true); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "bad.json")) {
		t.Errorf("malformed spec: %v", err)
	}
}
