package buildopts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePullPolicy(t *testing.T) {
	for in, want := range map[string]PullPolicy{"": PullMissing, "missing": PullMissing, "false": PullMissing,
		"true": PullAlways, "always": PullAlways, "never": PullNever, "newer": PullNewer, "IfNewer": PullNewer} {
		if got, err := ParsePullPolicy(in); err != nil || got != want {
			t.Errorf("ParsePullPolicy(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParsePullPolicy("sometimes"); err == nil || !strings.Contains(err.Error(), "pull") {
		t.Errorf("a bad policy: %v", err)
	}
}

func TestBuildArgs(t *testing.T) {
	env := map[string]string{"FROM_ENV": "e"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	got := map[string]string{}
	if err := ParseBuildArgs([]string{"A=1", "B=", "C=x=y", "FROM_ENV", "UNSET"}, lookup, got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "", "C": "x=y", "FROM_ENV": "e"}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if err := ParseBuildArgs([]string{"=v"}, lookup, got); err == nil {
		t.Error("an argument without a name was accepted")
	}
}

func TestArgFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "args")
	if err := os.WriteFile(p, []byte("# comment\n\nA=1\n B = two words\nC=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	if err := ReadArgFile(p, got); err != nil {
		t.Fatal(err)
	}
	if got["A"] != "1" || got["B"] != " two words" || got["C"] != "" || len(got) != 3 {
		t.Errorf("got %q", got)
	}
	if err := os.WriteFile(p, []byte("A=1\nnot an argument\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ReadArgFile(p, got); err == nil || !strings.Contains(err.Error(), p+":2") {
		t.Errorf("a bad line: %v (want the file and line)", err)
	}
	if err := ReadArgFile("/dev/zero", got); err == nil {
		t.Error("/dev/zero was read as an argument file")
	}
}

func TestStdinContainerfile(t *testing.T) {
	dir := t.TempDir()
	p, err := ReadStdinContainerfile(strings.NewReader("FROM scratch\n"), dir)
	if err != nil || filepath.Dir(p) != dir {
		t.Fatalf("ReadStdinContainerfile = %q, %v", p, err)
	}
	if _, err := ReadStdinContainerfile(strings.NewReader(" \n"), dir); err == nil {
		t.Error("an empty Containerfile was accepted")
	}
	big := strings.NewReader(strings.Repeat("#", MaxContainerfileSize+1))
	if _, err := ReadStdinContainerfile(big, dir); err == nil {
		t.Error("a Containerfile over the limit was accepted")
	}
}

func TestValidate(t *testing.T) {
	good := []Options{{}, {Network: "none"}, {Network: "host", Format: "docker"},
		{Secrets: []string{"id=a,src=/f", "id=b,env=V", "id=c,type=env,env=V"}}, {Labels: []string{"a=b", "c"}}}
	for _, o := range good {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	bad := map[string]Options{
		"network": {Network: "bridge"}, "format": {Format: "v1"}, "secret": {Secrets: []string{"src=/f"}},
		"annotation": {Annotations: []string{"=x"}}, "label": {Labels: []string{"=x"}},
	}
	for flag, o := range bad {
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("%+v: %v (want an error naming %s)", o, err, flag)
		}
	}
	if err := (&Options{Secrets: []string{"id=a,bogus=1"}}).Validate(); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("an unknown secret key: %v", err)
	}
}

func TestFindContainerfile(t *testing.T) {
	dir := t.TempDir()
	if _, err := FindContainerfile(dir); err == nil || !strings.Contains(err.Error(), "-f") {
		t.Errorf("no Containerfile: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, _ := FindContainerfile(dir); filepath.Base(p) != "Dockerfile" {
		t.Errorf("found %q, want the Dockerfile", p)
	}
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, _ := FindContainerfile(dir); filepath.Base(p) != "Containerfile" {
		t.Errorf("found %q, want the Containerfile first", p)
	}
}
