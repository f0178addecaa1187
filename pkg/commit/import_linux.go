package commit

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/signature"
	is "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/tarball"
	"go.podman.io/storage/pkg/archive"

	"github.com/husk-dev/husk/pkg/commit/commitopts"
	"github.com/husk-dev/husk/pkg/storage"
)

// Tarball is the file an import reads: Path, which the user named Name
// (for messages: "-" for stdin spooled to a file).
type Tarball struct {
	Path, Name string
}

// Import makes a one-layer image of the tarball (compressed or not),
// names it dest (none when ""), and returns its ID. The history
// step says "ADD file:DIFFID in /" and carries the message, as podman
// import's does.
func Import(ctx context.Context, env Env, t Tarball, dest string, o commitopts.ImportOptions) (id string, err error) {
	path := t.Path
	changes, err := parseChanges(o.Changes)
	if err != nil {
		return "", err
	}
	name := ""
	if dest != "" {
		if name, err = storage.NormalizeName(dest); err != nil {
			return "", err
		}
	}
	if err := checkTarball(t); err != nil {
		return "", err
	}
	src, err := tarball.Transport.ParseReference(path)
	if err != nil {
		return "", fmt.Errorf("import %q: %w", t.Name, err)
	}
	updater, ok := src.(tarball.ConfigUpdater)
	if !ok {
		return "", errors.New("import: the tarball transport cannot set an image config")
	}
	cfg := imgspecv1.Image{Config: changes.ImageConfig, History: []imgspecv1.History{{Comment: o.Message}}}
	if err := updater.ConfigUpdate(cfg, map[string]string{}); err != nil {
		return "", fmt.Errorf("import %q: %w", t.Name, err)
	}
	// The image's ID is its config's digest: read it first, so that the
	// image goes into the store under it, named or not.
	img, err := src.NewImage(ctx, env.Sys)
	if err != nil {
		return "", fmt.Errorf("import %q: %w", t.Name, err)
	}
	id = img.ConfigInfo().Digest.Encoded()
	if err := img.Close(); err != nil {
		return "", fmt.Errorf("import %q: %w", t.Name, err)
	}
	destRef, err := is.Transport.ParseStoreReference(env.Store.Store, name+"@"+id)
	if err != nil {
		return "", fmt.Errorf("import %q: %w", t.Name, err)
	}
	p, err := policy(env.Sys)
	if err != nil {
		return "", err
	}
	pc, err := signature.NewPolicyContext(p)
	if err != nil {
		return "", fmt.Errorf("load signature policy: %w", err)
	}
	defer func() { _ = pc.Destroy() }()
	if _, err := copy.Image(ctx, pc, destRef, src, &copy.Options{
		ReportWriter: env.Progress, SourceCtx: env.Sys, DestinationCtx: env.Sys,
	}); err != nil {
		return "", fmt.Errorf("import %q: %w", t.Name, err)
	}
	return id, nil
}

// checkTarball refuses a file that is no tar archive, compressed or not,
// before the image library makes a blob of it.
func checkTarball(t Tarball) error {
	f, err := os.Open(t.Path)
	if err != nil {
		return fmt.Errorf("import %q: %w", t.Name, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		return fmt.Errorf("import %q: it is empty: give a tar archive, as husk export writes", t.Name)
	}
	r, err := archive.DecompressStream(f)
	if err != nil {
		return fmt.Errorf("import %q: %w", t.Name, err)
	}
	defer r.Close()
	if _, err := tar.NewReader(r).Next(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("import %q: not a tar archive (plain, gzip, zstd, xz or bzip2): %w", t.Name, err)
	}
	return nil
}
