package oci

import (
	"reflect"
	"testing"
)

// The runtime never gets NOTIFY_SOCKET: runc's start would wait for the
// container's READY=1 (husk notifies itself, runtime.SdNotifyMode).
func TestWithoutNotifySocket(t *testing.T) {
	in := []string{"PATH=/bin", "NOTIFY_SOCKET=/run/user/1/systemd/notify", "NOTIFY_SOCKETX=1", "HOME=/h"}
	got := withoutNotifySocket(in)
	if want := []string{"PATH=/bin", "NOTIFY_SOCKETX=1", "HOME=/h"}; !reflect.DeepEqual(got, want) {
		t.Errorf("withoutNotifySocket = %q, want %q", got, want)
	}
	if in[1] != "NOTIFY_SOCKET=/run/user/1/systemd/notify" {
		t.Error("the caller's slice was changed")
	}
}
