package userns

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestMakePlan(t *testing.T) {
	dir := t.TempDir()
	t.Run("no ranges falls back to single with usermod hint", func(t *testing.T) {
		u := writeFile(t, dir, "a/subuid", "other:100000:65536\n")
		g := writeFile(t, dir, "a/subgid", "other:100000:65536\n")
		p, err := MakePlan("alice", 1000, 1000, ReexecOptions{SubUIDFile: u, SubGIDFile: g})
		if err != nil {
			t.Fatal(err)
		}
		if p.Mapping != MappingSingle || !strings.Contains(p.Warning, "usermod --add-subuids") {
			t.Fatalf("got %+v", p)
		}
		if !reflect.DeepEqual(p.UIDMap, []IDMap{{0, 1000, 1}}) {
			t.Fatalf("uid map %v", p.UIDMap)
		}
	})
	t.Run("missing files fall back too", func(t *testing.T) {
		p, err := MakePlan("alice", 1000, 1000, ReexecOptions{SubUIDFile: filepath.Join(dir, "nope"), SubGIDFile: filepath.Join(dir, "nope2")})
		if err != nil || p.Mapping != MappingSingle {
			t.Fatalf("got %+v, %v", p, err)
		}
	})
	t.Run("overlap is an error naming the file", func(t *testing.T) {
		u := writeFile(t, dir, "b/subuid", "alice:100000:65536\nalice:100100:65536\n")
		g := writeFile(t, dir, "b/subgid", "alice:100000:65536\n")
		_, err := MakePlan("alice", 1000, 1000, ReexecOptions{SubUIDFile: u, SubGIDFile: g})
		var oe *OverlapError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), u) {
			t.Fatalf("got %v", err)
		}
	})
}
