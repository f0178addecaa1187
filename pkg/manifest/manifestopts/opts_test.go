package manifestopts

import "testing"

func TestParseAnnotations(t *testing.T) {
	m, err := ParseAnnotations([]string{"a=b", "c=", "d=e=f"})
	if err != nil || m["a"] != "b" || m["c"] != "" || m["d"] != "e=f" {
		t.Fatalf("got %v, %v", m, err)
	}
	for _, bad := range []string{"novalue", "=v"} {
		if _, err := ParseAnnotations([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPushValidate(t *testing.T) {
	for _, f := range []string{"", FormatOCI, FormatV2S2} {
		if err := (Push{Format: f}).Validate(); err != nil {
			t.Errorf("format %q: %v", f, err)
		}
	}
	if err := (Push{Format: "v2s1"}).Validate(); err == nil {
		t.Error("format v2s1 accepted")
	}
}
