//go:build linux && !husk_core

package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

// The helper warns once when the husk that handed it a command is another
// build, and not at all when they match or nobody handed anything.
func TestTransferHelperWarnsOfAnotherBuild(t *testing.T) {
	var buf bytes.Buffer
	logrus.SetOutput(&buf)
	defer logrus.SetOutput(os.Stderr)
	for _, c := range []struct {
		caller string
		set    bool
		warns  bool
	}{{"", false, false}, {version, true, false}, {"0.0.0-other", true, true}} {
		buf.Reset()
		if c.set {
			t.Setenv(callerVersionEnv, c.caller)
		}
		warnCallerSkew()
		if got := strings.Contains(buf.String(), "same build"); got != c.warns {
			t.Errorf("caller %q (set %v): warned %v: %q", c.caller, c.set, got, buf.String())
		}
		if _, still := os.LookupEnv(callerVersionEnv); still {
			t.Errorf("caller %q: %s left for the helper's children", c.caller, callerVersionEnv)
		}
	}
}
