package userns

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseSubIDs(t *testing.T) {
	file := `# comment
alice:100000:65536
bob:165536:65536
1001:300000:1000
alice:500000:10
`
	tests := []struct {
		name string
		user string
		id   uint32
		want []Range
	}{
		{"by name, two lines", "alice", 1000, []Range{{100000, 65536}, {500000, 10}}},
		{"by numeric id", "carol", 1001, []Range{{300000, 1000}}},
		{"none", "dave", 1002, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSubIDs(strings.NewReader(file), "/etc/subuid", tt.user, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseSubIDsInvalid(t *testing.T) {
	for _, line := range []string{"alice:x:10", "alice:100:0", "alice:4294967290:100"} {
		_, err := parseSubIDs(strings.NewReader(line+"\n"), "/etc/subuid", "alice", 1000)
		var ir *InvalidRangeError
		if !errors.As(err, &ir) {
			t.Fatalf("%q: got %v, want InvalidRangeError", line, err)
		}
		if !strings.Contains(err.Error(), "/etc/subuid") || !strings.Contains(err.Error(), "usermod") {
			t.Errorf("%q: error does not say where and how to fix: %v", line, err)
		}
	}
	// other users' bad lines are ignored
	if _, err := parseSubIDs(strings.NewReader("bob:x:1\nalice:1:2\n"), "f", "alice", 1); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRanges(t *testing.T) {
	tests := []struct {
		name   string
		own    uint32
		ranges []Range
		ok     bool
	}{
		{"one", 1000, []Range{{100000, 65536}}, true},
		{"adjacent", 1000, []Range{{100000, 10}, {100010, 10}}, true},
		{"overlap", 1000, []Range{{100000, 65536}, {101000, 65536}}, false},
		{"contains own id", 1000, []Range{{500, 1000}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRanges("/etc/subuid", "alice", tt.own, tt.ranges)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "overlap") {
				t.Fatalf("error does not say overlap: %v", err)
			}
		})
	}
}

func TestBuildMap(t *testing.T) {
	got := BuildMap(1000, []Range{{100000, 65536}, {300000, 10}})
	want := []IDMap{{0, 1000, 1}, {1, 100000, 65536}, {65537, 300000, 10}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if a := strings.Join(Args(want), " "); a != "0 1000 1 1 100000 65536 65537 300000 10" {
		t.Fatalf("args %q", a)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
