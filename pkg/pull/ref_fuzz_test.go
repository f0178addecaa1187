package pull

import (
	"errors"
	"testing"
)

// FuzzParseSource parses IMAGE as typed on the command line (pull, run,
// create): a registry name, possibly short, or a transport reference.
func FuzzParseSource(f *testing.F) {
	for _, s := range []string{"busybox", "127.0.0.1:5055/husk-test/busybox:latest", "docker://busybox", "oci:/tmp/layout:tag",
		"oci-archive:/tmp/a.tar", "docker-archive:/tmp/a.tar:busybox:latest", "dir:/tmp/d", "busybox@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"UPPER/case", "docker:busybox", "", ":", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src, err := ParseSource(s)
		if err != nil {
			if !errors.Is(err, ErrBadReference) {
				t.Fatalf("%q: %v is not ErrBadReference", s, err)
			}
			return
		}
		if src.IsRegistry() && src.Name == "" {
			t.Fatalf("%q: empty registry name", s)
		}
		if !src.IsRegistry() {
			_, _ = localName(src.Ref)
		}
	})
}
