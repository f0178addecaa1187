//go:build linux && husk_core

package main

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The command binary must not link the transfer machinery: that is the
// point of the split (its start time).
func TestCoreLinksNoTransferMachinery(t *testing.T) {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	out, err := exec.Command(goBin, "list", "-deps", "-tags", "containers_image_openpgp,exclude_graphdriver_btrfs,husk_core", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, banned := range []string{
		"github.com/husk-dev/husk/pkg/pull",
		"go.podman.io/image/v5/copy",
		"go.podman.io/image/v5/signature",
		"google.golang.org/grpc",
		"github.com/containers/ocicrypt",
		"github.com/spf13/cobra/doc",
		"github.com/husk-dev/husk/pkg/build",
		"github.com/husk-dev/husk/pkg/commit",
		"go.podman.io/common/libimage",
		"go.podman.io/buildah",
		"go.podman.io/common/pkg/config",
		"github.com/moby/buildkit/frontend/dockerfile/parser",
		"github.com/compose-spec/compose-go/v2/loader",
		"github.com/husk-dev/husk/pkg/compose",
	} {
		if slices.Contains(deps, banned) {
			t.Errorf("the husk_core build links %s", banned)
		}
	}
	for _, want := range []string{"github.com/husk-dev/husk/internal/hugeheap", "github.com/husk-dev/husk/internal/prefault"} {
		if !slices.Contains(deps, want) {
			t.Errorf("the husk_core build does not link %s", want)
		}
	}
	if !slices.Contains(deps, "github.com/husk-dev/husk/pkg/pull/pullopts") {
		t.Error("the husk_core build does not use pkg/pull/pullopts (test out of date?)")
	}
}

// The helper sees the same store, runtime and log level: the root
// command's flags that were given are passed on, the others are not.
func TestCorePersistentArgs(t *testing.T) {
	a, root := newApp(nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err := root.PersistentFlags().Parse([]string{"--root", "/s/root", "--log-level=debug"}); err != nil {
		t.Fatal(err)
	}
	got := a.globalArgs()
	want := []string{"--log-level=debug", "--root=/s/root"}
	if !slices.Equal(got, want) {
		t.Errorf("globalArgs = %q, want %q", got, want)
	}
}

// The same through a subcommand, as husk parses them: every global flag
// given reaches the helper and the monitor, --cgroup-manager too.
func TestCoreGlobalArgsThroughSubcommand(t *testing.T) {
	a, root := newApp(nil, &bytes.Buffer{}, &bytes.Buffer{})
	probe := &cobra.Command{Use: "probe", PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(*cobra.Command, []string) error { return nil }}
	root.AddCommand(probe)
	root.SetArgs([]string{"--root", "/s/root", "--runroot=/s/run", "--storage-driver", "vfs", "--cgroup-manager=cgroupfs",
		"--runtime", "runc", "probe"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	want := []string{"--cgroup-manager=cgroupfs", "--root=/s/root", "--runroot=/s/run", "--runtime=runc", "--storage-driver=vfs"}
	if got := a.globalArgs(); !slices.Equal(got, want) {
		t.Errorf("globalArgs = %q, want %q", got, want)
	}
	if got := a.monitorArgv("ID"); !slices.Equal(got, append(want, monitorCommand, "ID")) {
		t.Errorf("monitorArgv = %q", got)
	}
}
