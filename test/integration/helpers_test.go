package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is one isolated husk installation: its own store and config.
type env struct {
	t        *testing.T
	bin      string
	registry string
	images   string
	home     string // XDG_DATA_HOME and XDG_CONFIG_HOME live here
	extra    []string
}

// rootless skips the test unless it runs as an unprivileged user with the
// husk binary and test fixtures, as test/run-rootless.sh arranges.
func rootless(t *testing.T) *env {
	t.Helper()
	bin := os.Getenv("HUSK")
	reg := os.Getenv("HUSK_TEST_REGISTRY")
	imgs := os.Getenv("HUSK_TEST_IMAGES")
	if bin == "" || reg == "" || imgs == "" {
		t.Skip("needs HUSK, HUSK_TEST_REGISTRY and HUSK_TEST_IMAGES: run through test/run-rootless.sh (make test)")
	}
	if os.Geteuid() == 0 {
		t.Skip("rootless test: must run as the unprivileged test user, not root")
	}
	home, err := os.MkdirTemp("", "husk-it-")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, bin: bin, registry: reg, images: imgs, home: home}
	// A private runtime directory: the run root under it is per store,
	// and system reset in Cleanup removes it.
	if err := os.Mkdir(filepath.Join(home, "run"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(home, "config", "containers")
	if err := os.MkdirAll(conf, 0o700); err != nil {
		t.Fatal(err)
	}
	rc := fmt.Sprintf("unqualified-search-registries = [%q]\n[[registry]]\nlocation = %q\ninsecure = true\n", reg, reg)
	if err := os.WriteFile(filepath.Join(conf, "registries.conf"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Store files belong to subordinate ids: only husk can remove them.
		e.run(context.Background(), "system", "reset", "-f")
		os.RemoveAll(home)
	})
	return e
}

func (e *env) environ() []string {
	env := append(os.Environ(),
		"XDG_DATA_HOME="+filepath.Join(e.home, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(e.home, "config"),
		"XDG_RUNTIME_DIR="+filepath.Join(e.home, "run"),
	)
	return append(env, e.extra...)
}

type result struct {
	stdout, stderr string
	code           int
}

func (e *env) run(ctx context.Context, args ...string) result {
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Env = e.environ()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run husk %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// husk runs husk and fails the test unless it exits 0.
func (e *env) husk(args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r := e.run(ctx, args...)
	if r.code != 0 {
		e.t.Fatalf("husk %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func (e *env) image(name string) string { return e.registry + "/husk-test/" + name + ":latest" }

func (e *env) storeRoot() string { return filepath.Join(e.home, "data", "husk", "storage") }

// inspect returns husk image inspect's first object.
func (e *env) inspect(ref string) map[string]any {
	e.t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(e.husk("image", "inspect", ref)), &out); err != nil || len(out) != 1 {
		e.t.Fatalf("image inspect %s: %v", ref, err)
	}
	return out[0]
}
