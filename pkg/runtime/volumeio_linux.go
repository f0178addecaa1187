package runtime

import (
	"fmt"
	"io"
	"os"

	"go.podman.io/storage/pkg/archive"
	"golang.org/x/term"

	"github.com/husk-dev/husk/internal/setting"
)

// ExportVolume writes the contents of volume name as an uncompressed tar
// archive (entries relative to the volume, owners as the containers see
// them) to the file output, or to stdout when output is "" (not a
// terminal), as podman volume export.
func (s *VolumeStore) ExportVolume(name, output string, stdout io.Writer) (err error) {
	v, err := s.Get(name)
	if err != nil {
		return err
	}
	src, err := volumeSource(v)
	if err != nil {
		return err
	}
	w := stdout
	if output != "" {
		f, err := os.Create(output)
		if err != nil {
			return fmt.Errorf("export volume %q: %w", name, err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("export volume %q: write %s: %w", name, output, cerr)
			}
			if err != nil {
				_ = os.Remove(output)
			}
		}()
		w = f
	} else if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return setting.Errorf("refusing to write a tar archive to a terminal: use {-output} FILE or redirect stdout")
	}
	rc, err := archive.Tar(src, archive.Uncompressed)
	if err != nil {
		return fmt.Errorf("read volume %q: %w", name, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("export volume %q: %w", name, err)
	}
	return nil
}

// ImportVolume unpacks the tar archive in the file input ("-": stdin)
// into the existing volume name, over what it holds, as podman volume
// import.
func (s *VolumeStore) ImportVolume(name, input string, stdin io.Reader) error {
	v, err := s.Get(name)
	if err != nil {
		return err
	}
	dst, err := volumeSource(v)
	if err != nil {
		return err
	}
	r := stdin
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return fmt.Errorf("import into volume %q: %w", name, err)
		}
		defer f.Close()
		r = f
	}
	if err := archive.Untar(r, dst, &archive.TarOptions{}); err != nil {
		return fmt.Errorf("import into volume %q: %w", name, err)
	}
	return nil
}
