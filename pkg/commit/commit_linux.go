package commit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/buildah"
	"go.podman.io/buildah/define"
	"go.podman.io/common/libimage"
	is "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/pkg/commit/commitopts"
	"github.com/husk-dev/husk/pkg/pull"
	"github.com/husk-dev/husk/pkg/storage"
)

func init() {
	// husk reads no containers.conf; neither does a commit.
	if os.Getenv("CONTAINERS_CONF") == "" {
		_ = os.Setenv("CONTAINERS_CONF", os.DevNull)
	}
}

// Env is what a commit or an import takes from husk's set-up.
type Env struct {
	Store *storage.Store
	// Sys carries the settings the image library reads (policy.json).
	Sys *types.SystemContext
	// Progress gets the copy's progress; nil for none.
	Progress io.Writer
}

// Source is the container a commit reads, with the settings husk run
// gave it over its image's, which the new image keeps.
type Source struct {
	ID, Name string
	// Entrypoint replaces the image's when set, and then the command too.
	Entrypoint *[]string
	Cmd        []string
	// Env are NAME=VALUE settings over the image's.
	Env           []string
	User, Workdir string
	// Ports are the container's published ports as PORT/PROTO.
	Ports []string
}

// Commit makes an image of the container's layer on top of its image's
// layers, names it dest (none when ""), and returns its ID.
func Commit(ctx context.Context, env Env, src Source, dest string, o commitopts.Options) (string, error) {
	if err := o.Validate(); err != nil {
		return "", err
	}
	changes, err := parseChanges(o.Changes)
	if err != nil {
		return "", err
	}
	var ref types.ImageReference
	if dest != "" {
		name, err := storage.NormalizeName(dest)
		if err != nil {
			return "", err
		}
		if ref, err = is.Transport.ParseStoreReference(env.Store.Store, name); err != nil {
			return "", fmt.Errorf("image name %q: %w", dest, err)
		}
	}
	tmp, release, err := env.Store.PullTemp()
	if err != nil {
		return "", err
	}
	defer release()
	policy, err := pull.PolicyFile(env.Sys, tmp)
	if err != nil {
		return "", err
	}
	// ImportBuilder records buildah's state in the container's directory;
	// it is not husk's, and goes when the commit is done.
	state := ""
	if dir, err := env.Store.ContainerDirectory(src.ID); err == nil {
		if _, err := os.Lstat(filepath.Join(dir, "buildah.json")); errors.Is(err, os.ErrNotExist) {
			state = filepath.Join(dir, "buildah.json")
		}
	}
	b, err := buildah.ImportBuilder(ctx, env.Store.Store, buildah.ImportOptions{Container: src.ID, SignaturePolicyPath: policy})
	if state != "" {
		defer os.Remove(state)
	}
	if err != nil {
		return "", fmt.Errorf("read container %s: %w", src.Name, err)
	}
	b.Format = define.OCIv1ImageManifest
	if o.Format == commitopts.FormatDocker {
		b.Format = define.Dockerv2ImageManifest
	}
	applySource(b, src)
	if o.Author != "" {
		b.SetMaintainer(o.Author)
	}
	if o.Message != "" {
		b.SetComment(o.Message)
	}
	applyChanges(b, changes)
	id, _, _, err := b.Commit(ctx, ref, buildah.CommitOptions{
		PreferredManifestType: b.Format,
		SignaturePolicyPath:   policy,
		SystemContext:         env.Sys,
		ReportWriter:          env.Progress,
	})
	if err != nil {
		return "", fmt.Errorf("commit container %s: %w", src.Name, err)
	}
	return id, nil
}

// applySource gives the image the settings the container ran with, as
// podman commit does.
func applySource(b *buildah.Builder, src Source) {
	if src.Entrypoint != nil {
		b.SetEntrypoint(*src.Entrypoint)
		b.SetCmd(src.Cmd)
	} else if len(src.Cmd) > 0 {
		b.SetCmd(src.Cmd)
	}
	for _, kv := range src.Env {
		k, v, _ := strings.Cut(kv, "=")
		b.SetEnv(k, v)
	}
	for _, p := range src.Ports {
		b.SetPort(p)
	}
	if src.User != "" {
		b.SetUser(src.User)
	}
	if src.Workdir != "" {
		b.SetWorkDir(src.Workdir)
	}
}

// parseChanges reads --change instructions.
func parseChanges(changes []string) (*libimage.ImageConfig, error) {
	if err := commitopts.CheckChanges(changes); err != nil {
		return nil, err
	}
	cfg, err := libimage.ImageConfigFromChanges(changes)
	if err != nil {
		return nil, fmt.Errorf("%w (see husk commit --help)", err)
	}
	return cfg, nil
}

// applyChanges applies --change instructions as podman commit does: ENV,
// EXPOSE, LABEL, VOLUME and ONBUILD add to the image's, the others
// replace.
func applyChanges(b *buildah.Builder, c *libimage.ImageConfig) {
	if c.User != "" {
		b.SetUser(c.User)
	}
	for port := range c.ExposedPorts {
		b.SetPort(port)
	}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		b.SetEnv(k, v)
	}
	if c.Entrypoint != nil {
		b.SetEntrypoint(c.Entrypoint)
	}
	if c.Cmd != nil {
		b.SetCmd(c.Cmd)
	}
	for v := range c.Volumes {
		b.AddVolume(v)
	}
	if c.WorkingDir != "" {
		b.SetWorkDir(c.WorkingDir)
	}
	for k, v := range c.Labels {
		b.SetLabel(k, v)
	}
	if c.StopSignal != "" {
		b.SetStopSignal(c.StopSignal)
	}
	for _, ob := range c.OnBuild {
		b.SetOnBuild(ob)
	}
}
