//go:build linux

package main

// Fuzz targets for the parsers of run/create flags, sizes, --format and
// filters. Seed inputs are in testdata/fuzz/FuzzXxx; `make fuzz` runs each
// target for a short budget. Every target checks, besides "no panic", what
// an accepted value promises to the code after it.

import (
	"path"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
	"github.com/husk-dev/husk/pkg/storage"
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
		n, err := parseSize(s)
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("%q: size %d accepted", s, n)
		}
		back, err := parseSize(strconv.FormatInt(n, 10))
		if err != nil || back != n {
			t.Fatalf("%q: %d does not read back: %d %v", s, n, back, err)
		}
	})
}

// FuzzContainerFlags feeds whole run/create command lines (arguments
// separated by NUL) through the flag set and config().
func FuzzContainerFlags(f *testing.F) {
	for _, s := range []string{
		"-e\x00A=1\x00img",
		"--hostname\x00h\x00-u\x001000:1000\x00-w\x00/w\x00img\x00cmd",
		"-v\x00/tmp:/x\x00--tmpfs\x00/t:size=1m\x00--mount\x00type=tmpfs,target=/m\x00img",
		"-p\x008080:80/tcp\x00--add-host\x00h:1.2.3.4\x00--dns\x001.1.1.1\x00img",
		"--memory\x00512m\x00--cpus\x001.5\x00--pids-limit\x00-1\x00img",
		"--network\x00slirp4netns:allow_host_loopback=true\x00img",
		"--entrypoint\x00[\"/bin/sh\",\"-c\"]\x00img",
		"--security-opt\x00no-new-privileges\x00--cap-add\x00NET_ADMIN\x00img",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		for _, a := range args {
			// Files the flags name are read for real: only the ones
			// the seeds name, never a device or the machine's files.
			if strings.Contains(a, "env-file") || strings.Contains(a, "seccomp") || strings.Contains(a, "-file") {
				return
			}
		}
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		fs.SetOutput(discard{})
		fs.Usage = func() {}
		cf := addContainerFlags(fs)
		if err := fs.Parse(args); err != nil || len(fs.Args()) == 0 {
			return
		}
		rest := fs.Args()
		cfg, err := cf.config(rest[0], rest[1:])
		if err != nil {
			if strings.HasPrefix(err.Error(), "husk:") {
				t.Fatalf("doubled prefix: %q", err)
			}
			return
		}
		if cfg.Hostname != "" {
			if err := spec.CheckHostname(cfg.Hostname); err != nil {
				t.Fatalf("hostname accepted: %v", err)
			}
		}
		seen := map[string]bool{}
		for _, v := range cfg.Volumes {
			checkDestination(t, s, v.Destination)
			if seen[v.Destination] {
				t.Fatalf("%q: destination %q twice", s, v.Destination)
			}
			seen[v.Destination] = true
		}
		for _, e := range cfg.Env {
			if name, _, _ := strings.Cut(e, "="); strings.TrimSpace(name) == "" {
				t.Fatalf("%q: env %q accepted", s, e)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func FuzzFormat(f *testing.F) {
	for _, s := range []string{"{{.Names}} {{.Status}}", "table {{.ID}}\\t{{.Image}}", "{{json .}}", "{{upper .Names}}", "{{range 3}}x{{end}}",
		"{{range 100000000000}}{{end}}", "{{define \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}", "{{.Nope}}", "{{join .Names \",\"}}", "{{", "json"} {
		f.Add(s)
	}
	rows := []any{
		psRow{ID: "0123456789ab", Image: "busybox", Command: "sh", Names: "web", Status: "Up", CreatedAt: time.Unix(0, 0)},
		imageRow{Repository: "r", Tag: "t", ID: "abc", Size: "1 MB"},
		map[string]any{"Names": []string{"a", "b"}, "Nested": map[string]int{"x": 1}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := newFormatter(s)
		if err != nil || fm.tmpl == nil {
			return
		}
		var out strings.Builder
		_ = fm.renderTemplate(&out, rows)
		if out.Len() > len(rows)*(maxRowOutput+1024) {
			t.Fatalf("%q: %d bytes of output", s, out.Len())
		}
	})
}

// FuzzFilters feeds --filter values of ps and images.
func FuzzFilters(f *testing.F) {
	for _, s := range []string{"name=web", "id=0123", "status=running", "ancestor=busybox", "dangling=true", "reference=busy", "nokey", "=", "x=y"} {
		f.Add(s)
	}
	c := &runtime.Container{ID: strings.Repeat("0123456789abcdef", 4), Name: "web",
		Config: runtime.Config{Image: "127.0.0.1:5055/husk-test/busybox", ImageID: strings.Repeat("f", 64)},
		State:  runtime.State{Status: runtime.StatusRunning}}
	imgs := []storage.ImageSummary{{ID: strings.Repeat("a", 64), Names: []string{"127.0.0.1:5055/husk-test/busybox:latest"}}, {ID: strings.Repeat("b", 64), Dangling: true}}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = psMatch(c, []string{s})
		out, err := filterImages(imgs, []string{s}, []string{s})
		if err == nil && len(out) > len(imgs) {
			t.Fatalf("%q: %d images out of %d", s, len(out), len(imgs))
		}
	})
}
