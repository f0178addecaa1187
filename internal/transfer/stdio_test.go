package transfer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/term"

	"github.com/husk-dev/husk/internal/setting"
)

func TestArchiveInAndOut(t *testing.T) {
	if term.IsTerminal(int(os.Stdin.Fd())) || term.IsTerminal(int(os.Stdout.Fd())) {
		t.Skip("stdin or stdout is a terminal")
	}
	var got string
	err := ArchiveIn("", strings.NewReader("archive bytes"), func(path string) error {
		b, err := os.ReadFile(path)
		got = string(b)
		return err
	})
	if err != nil || got != "archive bytes" {
		t.Errorf("stdin spooled: %q %v", got, err)
	}
	var out strings.Builder
	err = ArchiveOut("", &out, func(path string, toStdout bool) error {
		if !toStdout {
			t.Error("not to stdout")
		}
		return os.WriteFile(path, []byte("tar"), 0o600)
	})
	if err != nil || out.String() != "tar" {
		t.Errorf("to stdout: %q %v", out.String(), err)
	}
	file := filepath.Join(t.TempDir(), "a.tar")
	out.Reset()
	err = ArchiveOut(file, &out, func(path string, toStdout bool) error {
		if path != file || toStdout {
			t.Errorf("%q %v", path, toStdout)
		}
		return nil
	})
	if err != nil || out.Len() != 0 {
		t.Errorf("to a file: %q %v", out.String(), err)
	}
}

func TestCredentialsFromAPipe(t *testing.T) {
	c, err := Credentials{User: "u", PasswordStdin: true}.Complete(strings.NewReader("secret\r\n"), nil)
	if err != nil || c.Password != "secret" || c.User != "u" {
		t.Errorf("%+v %v", c, err)
	}
	for _, tc := range []struct {
		c    Credentials
		in   string
		opt  string
		want string
	}{
		{Credentials{}, "", "username", "no username: use username"},
		{Credentials{User: "u"}, "", "password-stdin", "no password: use password-stdin"},
		{Credentials{User: "u", Password: "p", PasswordStdin: true}, "", "password", "use either password or password-stdin"},
		{Credentials{User: "u", PasswordStdin: true}, strings.Repeat("x", maxPassword+1), "password-stdin", "read password: password-stdin gave more than 64 KiB"},
	} {
		_, err := tc.c.Complete(strings.NewReader(tc.in), nil)
		if e, ok := setting.As(err); !ok || e.Names()[0] != tc.opt || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}
