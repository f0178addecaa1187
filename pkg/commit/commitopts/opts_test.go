package commitopts

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		o       Options
		wantErr string
	}{
		{Options{Format: FormatOCI}, ""},
		{Options{Format: FormatDocker, Message: "m", Author: "a"}, ""},
		{Options{Format: FormatOCI, Changes: []string{"CMD [\"x\"]", "env A=b", "LABEL=x=y", "  USER 1"}}, ""},
		{Options{Format: ""}, "use oci or docker"},
		{Options{Format: "xml"}, "use oci or docker"},
		{Options{Format: FormatOCI, Message: "m"}, "format=docker"},
		{Options{Format: FormatOCI, Changes: []string{"FOO bar"}}, `"FOO bar"`},
		{Options{Format: FormatOCI, Changes: []string{"CMD"}}, `"CMD"`},
		{Options{Format: FormatOCI, Changes: []string{""}}, `""`},
		{Options{Format: FormatOCI, Changes: []string{"RUN echo"}}, "one of CMD"},
	} {
		err := tc.o.Validate()
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.o, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%+v: error %v, want one containing %q", tc.o, err, tc.wantErr)
		}
	}
}

func FuzzCheckChanges(f *testing.F) {
	for _, s := range []string{"CMD x", "ENV=a", "", " ", "=", "LABEL a=b c=d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = CheckChanges([]string{s})
	})
}
