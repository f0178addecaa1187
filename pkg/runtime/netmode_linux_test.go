package runtime

import (
	"encoding/json"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
)

// The network mode lives in Net; a record written before Net had one
// still gives its mode, and a record with neither runs without network.
func TestConfigNetworkMode(t *testing.T) {
	for _, tc := range []struct{ record, want string }{
		{`{"net":{"mode":"host"}}`, "host"},
		{`{"network":"host","net":{}}`, "host"},
		{`{"network":"none","net":{"mode":"pasta"}}`, "pasta"},
		{`{}`, "none"},
	} {
		var c Config
		if err := json.Unmarshal([]byte(tc.record), &c); err != nil {
			t.Fatal(err)
		}
		if got := c.NetworkMode(); got != tc.want {
			t.Errorf("%s: NetworkMode() = %q, want %q", tc.record, got, tc.want)
		}
	}
}

// asFlags spells an error's settings as husk's flags, as the command does.
func asFlags(err error) string {
	return setting.SpellAll(err, func(name string) string { return "--" + name })
}
