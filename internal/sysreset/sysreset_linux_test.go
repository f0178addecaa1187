package sysreset

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

func TestReset(t *testing.T) {
	opts := storagetest.Options(t)
	s, err := storage.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var warn bytes.Buffer
	stopped := false
	err = Reset(context.Background(), Options{Store: opts, Warn: &warn,
		Env:           func(*storage.Store) (runtime.Env, error) { return runtime.Env{}, errors.New("no runtime here") },
		StopNamespace: func() error { stopped = true; return errors.New("no pause process") }})
	if err != nil || !stopped || !strings.Contains(warn.String(), "husk: warning: no pause process") {
		t.Errorf("%v, stopped %v, warned %q", err, stopped, warn.String())
	}
	if _, err := os.Stat(opts.GraphRoot); !os.IsNotExist(err) {
		t.Errorf("store still there: %v", err)
	}
}

// A store too damaged to open is removed as files.
func TestResetDamagedStore(t *testing.T) {
	dir := t.TempDir()
	opts := storage.Options{GraphRoot: filepath.Join(dir, "g"), RunRoot: filepath.Join(dir, "r"), Driver: storage.DriverVFS}
	// A file where the store's directory should be: it cannot be opened.
	if err := os.WriteFile(opts.GraphRoot, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	if err := Reset(context.Background(), Options{Store: opts, Warn: &warn}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(opts.GraphRoot); !os.IsNotExist(err) || !strings.Contains(warn.String(), "removing the directories directly") {
		t.Errorf("%v, warned %q", err, warn.String())
	}
}
