package runtime

import (
	"reflect"
	"strings"
	"testing"
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
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%q: %q, want it to contain %q", tc.spec, err, tc.want)
		}
	}
	if err := CheckIDs("user app", 1000, 1000, single); err == nil || !strings.Contains(err.Error(), `user app: uid 1000`) {
		t.Errorf("CheckIDs: %v", err)
	}
}
