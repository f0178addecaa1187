package pullopts

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/husk-dev/husk/internal/userfile"
)

// containers/image reads registries.conf and the auth file itself, whole:
// SystemContext refuses what it must not read.
func TestSystemContextRefusesIrregularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, userfile.ConfigLimit+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o    RegistryOptions
		want error
	}{
		{RegistryOptions{RegistriesConf: "/dev/zero"}, userfile.ErrNotRegular},
		{RegistryOptions{RegistriesConf: fifo}, userfile.ErrNotRegular},
		{RegistryOptions{RegistriesConf: dir}, userfile.ErrNotRegular},
		{RegistryOptions{RegistriesConf: big}, userfile.ErrTooLarge},
		{RegistryOptions{AuthFile: fifo}, userfile.ErrNotRegular},
		{RegistryOptions{AuthFile: "/dev/zero"}, userfile.ErrNotRegular},
		{RegistryOptions{AuthFile: big}, userfile.ErrTooLarge},
	} {
		if _, err := tc.o.SystemContext(); !errors.Is(err, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.o, err, tc.want)
		}
	}
	// An auth file that does not exist yet is fine (login creates it).
	if _, err := (RegistryOptions{AuthFile: filepath.Join(dir, "auth.json")}).SystemContext(); err != nil {
		t.Errorf("missing auth file: %v", err)
	}
}
