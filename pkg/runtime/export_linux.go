package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"go.podman.io/storage/pkg/archive"
	"golang.org/x/term"

	"github.com/husk-dev/husk/internal/setting"

	"github.com/husk-dev/husk/pkg/storage"
)

// Export writes the container's file system (its image's layers and its
// own, as the container sees them, without what is mounted into it) to w
// as an uncompressed tar archive, streamed as it is read.
func Export(env Env, c *Container, w io.Writer) (err error) {
	rootfs, err := mountRoot(env, c)
	if err != nil {
		return err
	}
	defer unmountRoot(env, c)
	rc, err := archive.Tar(rootfs, archive.Uncompressed)
	if err != nil {
		return fmt.Errorf("read the file system of container %s: %w", c.Name, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("export container %s: %w", c.Name, err)
	}
	return nil
}

// ExportFile is Export to the file path; a failed export leaves no
// partial file.
func ExportFile(env Env, c *Container, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export container %s: %w", c.Name, err)
	}
	err = Export(env, c, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("export container %s: write %s: %w", c.Name, path, cerr)
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

// Changes lists what the container changed in its image's file system,
// without the mount points its runtime made (storage.WithoutMountTargets).
func Changes(env Env, c *Container) ([]storage.Change, error) {
	sc, err := env.Store.Container(c.ID)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", c.Name, err)
	}
	changes, err := env.Store.LayerChanges(sc.LayerID)
	return storage.WithoutMountTargets(changes), err
}

// FreezeWhile pauses c for as long as fn runs, if it runs and is not
// paused already; thawing fails only with a warning on env.Notices.
func FreezeWhile(env Env, c *Container, fn func() error) error {
	if c.State.Paused {
		return fn()
	}
	err := Pause(env, c)
	if errors.Is(err, ErrNotRunning) {
		return fn()
	}
	if err != nil {
		return err
	}
	defer func() {
		if err := Unpause(env, c); err != nil {
			fmt.Fprintf(env.Notices, "husk: warning: unpause container %s: %v\n", c.Name, err)
		}
	}()
	return fn()
}

// ExportTo exports to the file output, or to stdout when output is "":
// not to a terminal, and a reader that goes away (husk export | head) is
// an error to report, not a SIGPIPE that would skip the unmount.
func ExportTo(env Env, c *Container, output string, stdout io.Writer) error {
	if output != "" {
		return ExportFile(env, c, output)
	}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return setting.Errorf("refusing to write a tar archive to a terminal: use {-output} FILE or redirect stdout")
	}
	signal.Ignore(syscall.SIGPIPE)
	err := Export(env, c, stdout)
	if errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("export container %s: the reader of stdout went away", c.Name)
	}
	return err
}
