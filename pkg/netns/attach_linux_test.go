package netns

import (
	"reflect"
	"testing"
)

func TestPastaInfoFollowsOptions(t *testing.T) {
	i := pastaInfo([]string{"--no-map-gw", "-a", "10.1.2.3", "--dns", "9.9.9.9"})
	if i.HostAddr != "" || i.IP != "10.1.2.3" || i.DNS != nil {
		t.Errorf("%+v", i)
	}
	i = pastaInfo([]string{"--gateway=10.9.9.9"})
	if i.HostAddr != "10.9.9.9" || !reflect.DeepEqual(i.DNS, []string{PastaDNS}) {
		t.Errorf("%+v", i)
	}
}

func TestIsHelperAndGone(t *testing.T) {
	// The test process is no helper, and is alive.
	if isHelper(1, "/x") {
		t.Error("pid 1 taken for a helper")
	}
	if gone(1) {
		t.Error("pid 1 gone")
	}
	if !gone(1 << 30) {
		t.Error("absent pid not gone")
	}
}

func TestDetachNothing(t *testing.T) {
	dir := t.TempDir()
	if err := Detach(dir, "absent"); err != nil {
		t.Fatal(err)
	}
}
