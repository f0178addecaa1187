package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/userfile"
)

func TestParseIDMap(t *testing.T) {
	got, err := ParseIDMap(strings.NewReader("         0       1001          1\n         1     100000      65536\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []IDSpan{{0, 1}, {1, 65536}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := ParseIDMap(strings.NewReader("0 1\n")); err == nil {
		t.Fatal("a short line was accepted")
	}
	if s := spansString(got); s != "0-65536" {
		t.Fatalf("spansString = %q", s)
	}
}

func TestCheckUserSpec(t *testing.T) {
	full := NamespaceIDs{UIDs: []IDSpan{{0, 1}, {1, 65536}}, GIDs: []IDSpan{{0, 1}, {1, 65536}}}
	single := NamespaceIDs{UIDs: []IDSpan{{0, 1}}, GIDs: []IDSpan{{0, 1}}, SingleID: true, HostUID: 4242424}
	host := NamespaceIDs{} // root: no maps, every id
	keepID := NamespaceIDs{KeepID: true, UIDs: []IDSpan{{0, 1000}, {1000, 1}, {1001, 64535}}, GIDs: []IDSpan{{0, 1000}, {1000, 1}, {1001, 64535}}}
	for _, tc := range []struct {
		spec string
		ids  NamespaceIDs
		want string // "" = accepted
	}{
		{"1000", full, ""},
		{"65536", full, ""},
		{"65537", full, "uid 65537 is not mapped in the user namespace, which has uids 0-65536"},
		{"70000", full, "/etc/subuid"},
		{"1000:70000", full, "gid 70000 is not mapped"},
		{"app", full, ""},
		{"app:70000", full, "gid 70000"},
		{"70000:app", full, "uid 70000"},
		{"0", single, ""},
		{"0:0", single, ""},
		{"1000", single, "the single-id mapping has only uid 0"},
		{"0:5", single, "the single-id mapping has only gid 0"},
		{"1000", single, "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 4242424"},
		{"70000", host, ""},
		{"4294967295", host, "not a valid id"},
		{"99999999999", host, "not a valid id"},
		{"70000", keepID, "uid 70000 is not mapped with --userns=keep-id, which maps uids 0-65535"},
		{":0", full, "want name|uid[:group|gid]"},
		{"0:", full, "want name|uid[:group|gid]"},
	} {
		err := CheckUserSpec("-u "+tc.spec, tc.spec, tc.ids)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.spec, err)
		case tc.want != "" && err == nil:
			t.Errorf("%q accepted", tc.spec)
		case tc.want != "" && !strings.Contains(asFlags(err), tc.want):
			t.Errorf("%q: %q, want it to contain %q", tc.spec, err, tc.want)
		}
	}
	if err := CheckIDs("user app", 1000, 1000, single); err == nil || !strings.Contains(err.Error(), `user app: uid 1000`) {
		t.Errorf("CheckIDs: %v", err)
	}
}

// An image, or a running container before exec -u, may put a FIFO or a
// huge file at /etc/passwd: opening a FIFO blocked husk where no signal
// reached it.
func TestResolveUserIrregularEtcFiles(t *testing.T) {
	for _, file := range []string{"passwd", "group"} {
		rootfs := t.TempDir()
		if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(rootfs, "etc", file), 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := ResolveUser(rootfs, "app")
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, userfile.ErrNotRegular) || !strings.Contains(err.Error(), "/etc/"+file) {
				t.Fatalf("%s as a FIFO: %v", file, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ResolveUser blocked on a FIFO at /etc/%s", file)
		}
		if _, err := addKeepIDAccount(rootfs, keepIDAccount{Name: "u", Home: "/home/u", UID: 1000, GID: 1000}); !errors.Is(err, userfile.ErrNotRegular) {
			t.Fatalf("keep-id with /etc/%s a FIFO: %v", file, err)
		}
	}
	rootfs := t.TempDir()
	if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(rootfs, "etc", "passwd"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxEtcFile + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ResolveUser(rootfs, "app"); !errors.Is(err, userfile.ErrTooLarge) {
		t.Fatalf("huge /etc/passwd: %v", err)
	}
	// Numeric ids need no files.
	if u, err := ResolveUser(t.TempDir(), "1000:1000"); err != nil || u.UID != 1000 {
		t.Fatalf("no /etc: %+v %v", u, err)
	}
}
