//go:build linux

package ctropts

// Fuzz targets for the parsers of run/create options and sizes. Seed
// inputs are in testdata/fuzz/FuzzXxx; `make fuzz` runs each target for
// a short budget. Every target checks, besides "no panic", what
// an accepted value promises to the code after it.

import (
	"path"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// checkDestination: an accepted destination is absolute, clean and none
// of the runtime's own.
func checkDestination(t *testing.T, in, dst string) {
	t.Helper()
	if dst != path.Clean(dst) || !strings.HasPrefix(dst, "/") {
		t.Fatalf("%q: destination %q is not absolute and clean", in, dst)
	}
	switch dst {
	case "/", "/proc", "/sys", "/dev":
		t.Fatalf("%q: destination %q accepted", in, dst)
	}
	if _, err := spec.CheckMountDestination(dst); err != nil {
		t.Fatalf("%q: accepted destination %q fails the runtime's check: %v", in, dst, err)
	}
}

func FuzzParseVolume(f *testing.F) {
	for _, s := range []string{"/src:/dst", "/src:/dst:ro", "data:/data:ro,nocopy", "./rel:/x:rshared", "/a:/b:c:d", ":/x", "/x", "v:/proc", "/tmp:/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := parseVolume(s)
		if err != nil {
			return
		}
		checkDestination(t, s, vs.Destination)
		switch vs.Kind {
		case runtime.VolumeBind:
			if !strings.HasPrefix(vs.Source, "/") {
				t.Fatalf("%q: bind source %q is not absolute", s, vs.Source)
			}
		case runtime.VolumeNamed:
			if vs.Anonymous {
				// -v /dst: runtime.Create names the volume.
				if vs.Source != "" {
					t.Fatalf("%q: anonymous volume with a name %q", s, vs.Source)
				}
				return
			}
			if err := runtime.CheckVolumeName(vs.Source); err != nil {
				t.Fatalf("%q: volume name accepted: %v", s, err)
			}
		default:
			t.Fatalf("%q: kind %q", s, vs.Kind)
		}
	})
}

func FuzzParseMount(f *testing.F) {
	for _, s := range []string{"type=bind,source=/a,target=/b,readonly", "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1777",
		"type=volume,src=v,dst=/v", "type=bind,src=/a,dst=/b,bind-propagation=rslave", "type=tmpfs,target=/proc", "target=/x", "type=nfs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := parseMount(s)
		if err != nil {
			return
		}
		checkDestination(t, s, vs.Destination)
		if vs.Kind == runtime.VolumeTmpfs {
			if err := checkTmpfsOptions(vs.Options); err != nil {
				t.Fatalf("%q: tmpfs options %q accepted: %v", s, vs.Options, err)
			}
		}
	})
}

func FuzzParseTmpfs(f *testing.F) {
	for _, s := range []string{"/run", "/run:size=64m,mode=1777", "/x:size=50%", "/x:size=abc", "/x:nr_inodes=1k,uid=0,gid=0,noexec", "/x:", "/x:,", "rel"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := parseTmpfs(s)
		if err != nil {
			return
		}
		checkDestination(t, s, vs.Destination)
		for _, o := range vs.Options {
			if o == "" || strings.ContainsAny(o, ",:") {
				t.Fatalf("%q: option %q accepted", s, o)
			}
		}
	})
}

func FuzzParseEnvFile(f *testing.F) {
	for _, s := range []string{"A=1\nB=2\n", "# c\n\n  C=3 \r\n", "HOSTVAR\n", "=x\n", "A B=1\n", "A=\x00", "A=\xff", "\n\n\n"} {
		f.Add([]byte(s))
	}
	lookup := func(k string) (string, bool) {
		if k == "HOSTVAR" {
			return "h", true
		}
		return "", false
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vars, err := parseEnvFile(b, lookup)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of several lines: %q", err)
			}
			return
		}
		for _, v := range vars {
			name, _, ok := strings.Cut(v, "=")
			if !ok || strings.TrimSpace(name) == "" || strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) || strings.Contains(v, "\n") {
				t.Fatalf("entry %q accepted", v)
			}
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"512", "10k", "10kb", "1g", "2T", "8191p", "-1", "1.5g", "99999999999999g", "kb", " 7m "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("%q: size %d accepted", s, n)
		}
		back, err := ParseSize(strconv.FormatInt(n, 10))
		if err != nil || back != n {
			t.Fatalf("%q: %d does not read back: %d %v", s, n, back, err)
		}
	})
}
