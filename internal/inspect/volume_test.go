package inspect

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
)

// podman 4.3.1's keys, in its order.
func TestVolumeAndNetworkKeys(t *testing.T) {
	v := FromVolume(&runtime.Volume{Name: "v1", Path: "/vols/v1/_data", CreatedAt: time.Unix(1, 0)})
	b, _ := json.Marshal(v)
	if want := `{"Name":"v1","Driver":"local","Mountpoint":"/vols/v1/_data","CreatedAt":"1970-01-01T00:00:01Z","Labels":{},"Scope":"local","Options":{},"MountCount":0}`; string(b) != want {
		t.Errorf("volume:\n%s\nwant\n%s", b, want)
	}
	n := FromNetwork(netns.Network{Name: "n", ID: "abc", Driver: "bridge", Subnet: "10.89.1.0/24", Gateway: "10.89.1.1", DNS: true,
		Labels: map[string]string{"x": "y"}, Created: time.Unix(1, 0)}, "hk-abc")
	b, _ = json.Marshal(n)
	want := `{"name":"n","id":"abc","driver":"bridge","network_interface":"hk-abc","created":"1970-01-01T00:00:01Z",` +
		`"subnets":[{"subnet":"10.89.1.0/24","gateway":"10.89.1.1"}],"ipv6_enabled":false,"internal":false,"dns_enabled":true,` +
		`"labels":{"x":"y"},"ipam_options":{"driver":"host-local"}}`
	if string(b) != want {
		t.Errorf("network:\n%s\nwant\n%s", b, want)
	}
	n = FromNetwork(netns.Network{Name: "n"}, "")
	if b, _ = json.Marshal(n); !strings.Contains(string(b), `"subnets":[]`) || strings.Contains(string(b), "labels") {
		t.Errorf("network without subnet or labels: %s", b)
	}
}
