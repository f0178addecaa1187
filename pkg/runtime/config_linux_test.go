package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
)

// The network mode lives in Net; a record written before Net had one
// still gives its mode, and a record with neither runs without network.
func TestConfigNetworkMode(t *testing.T) {
	for _, tc := range []struct{ record, want string }{
		{`{"net":{"mode":"host"}}`, "host"},
		{`{"network":"host","net":{}}`, "host"},
		{`{"network":"none","net":{"mode":"pasta"}}`, "pasta"},
		{`{}`, "none"},
	} {
		var c Config
		if err := json.Unmarshal([]byte(tc.record), &c); err != nil {
			t.Fatal(err)
		}
		if got := c.NetworkMode(); got != tc.want {
			t.Errorf("%s: NetworkMode() = %q, want %q", tc.record, got, tc.want)
		}
	}
}

// asFlags spells an error's settings as husk's flags, as the command does.
func asFlags(err error) string {
	return setting.SpellAll(err, func(name string) string { return "--" + name })
}

// A container whose create was interrupted before its record was written
// goes at the next listing once its creator is gone; one whose creator
// still runs (it is writing the record) stays.
func TestListRemovesInterruptedCreates(t *testing.T) {
	h := newTestHost(t)
	s := h.env.Store
	img, err := s.Image("localhost/test:latest")
	if err != nil {
		t.Fatal(err)
	}
	dead, _ := json.Marshal(storageMetadata{Husk: 1, Creator: deadPid(t), Ticks: 1})
	gone, err := s.CreateContainer("", []string{"gone"}, img.ID, "", string(dead), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Its early runtime's cgroup (here a plain directory) goes with it.
	cg := filepath.Join(t.TempDir(), "husk-"+gone.ID)
	if err := os.Mkdir(cg, 0o700); err != nil {
		t.Fatal(err)
	}
	idDir := filepath.Join(s.ContainersDir(), gone.ID)
	if err := os.MkdirAll(idDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(idDir, earlyCgroupFile), []byte(cg), 0o600); err != nil {
		t.Fatal(err)
	}
	alive, err := s.CreateContainer("", []string{"alive"}, img.ID, "", newStorageMetadata(), nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateContainer("", []string{"other"}, img.ID, "", `{"tool":"x"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := List(s); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Container(gone.ID); err == nil {
		t.Error("the container of a dead creator is still there")
	}
	if _, err := os.Stat(cg); !os.IsNotExist(err) {
		t.Errorf("the early runtime's cgroup of the removed container is left (%v)", err)
	}
	for _, c := range []string{alive.ID, other.ID} {
		if _, err := s.Container(c); err != nil {
			t.Errorf("container %s removed: %v", c, err)
		}
	}
}
