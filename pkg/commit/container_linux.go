package commit

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/term"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/commit/commitopts"
	"github.com/husk-dev/husk/pkg/runtime"
)

// Container commits husk's container c (Commit), frozen meanwhile with
// o.Pause while it runs, and writes the ID to o.IIDFile if given.
func Container(ctx context.Context, env Env, rt runtime.Env, c *runtime.Container, dest string, o commitopts.Options) (string, error) {
	if c.Config.Rootfs != "" {
		// As podman: a --rootfs container has no layer of its own.
		return "", fmt.Errorf("cannot commit container %s: it uses an exploded rootfs (%s), not an image's layers; make an image of the directory with: tar -C DIR -c . | husk import - IMAGE", c.Name, c.Config.Rootfs)
	}
	var id string
	do := func() (err error) {
		id, err = Commit(ctx, env, SourceOf(c), dest, o)
		return err
	}
	var err error
	if o.Pause {
		err = runtime.FreezeWhile(rt, c, do)
	} else {
		err = do()
	}
	if err != nil {
		return "", err
	}
	if o.IIDFile != "" {
		if err := os.WriteFile(o.IIDFile, []byte("sha256:"+id), 0o644); err != nil {
			return "", setting.Errorf("write {iidfile}: %w", err)
		}
	}
	return id, nil
}

// SourceOf is what an image of c keeps of the settings husk gave it.
func SourceOf(c *runtime.Container) Source {
	src := Source{
		ID: c.ID, Name: c.Name, Entrypoint: c.Config.Entrypoint, Cmd: c.Config.Command,
		Env: c.Config.Env, User: c.Config.User, Workdir: c.Config.Workdir,
	}
	for _, p := range c.Config.Net.Ports {
		for i := uint16(0); i < max(p.Range, 1); i++ {
			src.Ports = append(src.Ports, fmt.Sprintf("%d/%s", p.ContainerPort+i, p.Protocol))
		}
	}
	return src
}

// ImportFile imports the tarball at path, or stdin (not a terminal) for
// "-", spooled to a file in the store: Import reads it more than once.
func ImportFile(ctx context.Context, env Env, path string, stdin io.Reader, dest string, o commitopts.ImportOptions) (string, error) {
	t := Tarball{Path: path, Name: path}
	if path == "-" {
		tmp, release, err := env.Store.PullTemp()
		if err != nil {
			return "", err
		}
		defer release()
		if t.Path, err = spoolStdin(stdin, tmp); err != nil {
			return "", err
		}
	}
	return Import(ctx, env, t, dest, o)
}

func spoolStdin(stdin io.Reader, dir string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return "", fmt.Errorf("no tarball on stdin: give a file or redirect stdin")
	}
	p := filepath.Join(dir, "import.tar")
	f, err := os.Create(p)
	if err != nil {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	_, err = io.Copy(f, stdin)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	return p, nil
}
