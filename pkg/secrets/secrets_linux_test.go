package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{
		"a": true, "a.b": true, "A-1_b": true, strings.Repeat("x", 64): true,
		"": false, "a-": false, "-a": false, ".a": false, "a b": false, "a/b": false, strings.Repeat("x", 65): false,
	} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestCheckDataAndDriver(t *testing.T) {
	if CheckData(nil) == nil || CheckData(make([]byte, MaxSize)) == nil || CheckData(make([]byte, MaxSize-1)) != nil {
		t.Error("CheckData bounds: more than 0 and less than MaxSize bytes")
	}
	if CheckDriver("file") != nil || CheckDriver("") != nil || CheckDriver("pass") == nil || CheckDriver("x") == nil {
		t.Error("CheckDriver: file only")
	}
}

func TestStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	s := Open(dir)
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List of a new store = %v, %v", list, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("reading made the store: %v", err)
	}
	id, err := s.Create("one", []byte("v1"), CreateOptions{Labels: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create("one", []byte("v"), CreateOptions{}); !errors.Is(err, ErrNameInUse) {
		t.Errorf("second create = %v, want ErrNameInUse", err)
	}
	if _, err := s.Create("two", []byte("v2"), CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"one", id, id[:6]} {
		sec, data, err := s.Value(ref)
		if err != nil || sec.ID != id || string(data) != "v1" || sec.Spec.Labels["a"] != "b" || sec.Spec.Driver.Name != "file" {
			t.Errorf("Value(%q) = %+v, %q, %v", ref, sec, data, err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "secrets.json"), filepath.Join(dir, "filedriver", id)} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", p, fi, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "secrets.json")); strings.Contains(string(b), "v1") {
		t.Error("the value is in the records")
	}
	if _, err := s.Remove("one"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup("one"); !errors.Is(err, ErrNoSuchSecret) {
		t.Errorf("Lookup after Remove = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "filedriver", id)); !os.IsNotExist(err) {
		t.Errorf("the value stays after Remove: %v", err)
	}
	var removed []string
	err = RemoveAll(s, []string{"nosuch"}, RemoveOptions{Ignore: true}, func(id string, err error) { removed = append(removed, id) })
	if err != nil || len(removed) != 0 {
		t.Errorf("RemoveAll --ignore of a missing secret = %v, %v", removed, err)
	}
	if err := RemoveAll(s, nil, RemoveOptions{All: true}, func(id string, err error) { removed = append(removed, id) }); err != nil || len(removed) != 1 {
		t.Errorf("RemoveAll --all = %v, %v", removed, err)
	}
}

func TestReadValue(t *testing.T) {
	lookup := func(n string) (string, bool) { return "env-" + n, n == "SET" }
	if b, err := ReadValue(Source{Arg: "SET", FromEnv: true, LookupEnv: lookup}); err != nil || string(b) != "env-SET" {
		t.Errorf("from env: %q, %v", b, err)
	}
	if _, err := ReadValue(Source{Arg: "UNSET", FromEnv: true, LookupEnv: lookup}); err == nil {
		t.Error("an unset variable is an error")
	}
	if b, err := ReadValue(Source{Arg: "-", Stdin: strings.NewReader("in")}); err != nil || string(b) != "in" {
		t.Errorf("stdin: %q, %v", b, err)
	}
	if _, err := ReadValue(Source{Arg: "-", Stdin: strings.NewReader(strings.Repeat("x", MaxSize+10))}); err == nil {
		t.Error("a value of MaxSize bytes or more is an error")
	}
}
