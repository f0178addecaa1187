package manifest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/common/libimage"
	imgcopy "go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/types"
	storagetypes "go.podman.io/storage/types"

	"github.com/husk-dev/husk/pkg/manifest/manifestopts"
	"github.com/husk-dev/husk/pkg/pull"
	"github.com/husk-dev/husk/pkg/storage"
)

// ErrNotAList is returned for a name whose image is not a manifest list.
var ErrNotAList = errors.New("not a manifest list")

// Env is what the manifest commands take from husk's set-up.
type Env struct {
	Store *storage.Store
	// Sys carries the registry settings (TLS, auth, registries.conf).
	Sys *types.SystemContext
	// Progress gets a push's progress (nil: none).
	Progress io.Writer
}

func (env Env) runtime() (*libimage.Runtime, error) {
	rt, err := libimage.RuntimeFromStore(env.Store.Store, &libimage.RuntimeOptions{SystemContext: env.Sys})
	if err != nil {
		return nil, fmt.Errorf("open the store for manifest lists: %w", err)
	}
	return rt, nil
}

// withList runs fn with the stored list name names.
func (env Env) withList(name string, fn func(*libimage.ManifestList) error) error {
	rt, err := env.runtime()
	if err != nil {
		return err
	}
	defer rt.Shutdown(false) //nolint:errcheck // nothing was mounted
	l, err := lookup(rt, name)
	if err != nil {
		return err
	}
	return fn(l)
}

// lookup finds the list name names.
func lookup(rt *libimage.Runtime, name string) (*libimage.ManifestList, error) {
	l, err := rt.LookupManifestList(name)
	switch {
	case errors.Is(err, storagetypes.ErrImageUnknown):
		return nil, fmt.Errorf("manifest list %q: %w", name, storage.ErrImageUnknown)
	case errors.Is(err, libimage.ErrNotAManifestList):
		return nil, fmt.Errorf("%q: %w", name, ErrNotAList)
	case err != nil:
		return nil, fmt.Errorf("manifest list %q: %w", name, err)
	}
	return l, nil
}

// Create makes the list name with images added (their instances too with
// o.All) and returns its ID.
func Create(ctx context.Context, env Env, name string, images []string, o manifestopts.Add) (string, error) {
	rt, err := env.runtime()
	if err != nil {
		return "", err
	}
	defer rt.Shutdown(false) //nolint:errcheck // nothing was mounted
	l, err := rt.CreateManifestList(name)
	if err != nil {
		return "", fmt.Errorf("create manifest list %q: %w", name, err)
	}
	for _, img := range images {
		if _, err := add(ctx, l, img, o); err != nil {
			return "", err
		}
	}
	return l.ID(), nil
}

// Add adds image (a registry name, or a transport:reference) to the list
// and returns the instance's digest.
func Add(ctx context.Context, env Env, list, image string, o manifestopts.Add) (d digest.Digest, err error) {
	err = env.withList(list, func(l *libimage.ManifestList) error {
		d, err = add(ctx, l, image, o)
		return err
	})
	return d, err
}

func add(ctx context.Context, l *libimage.ManifestList, image string, o manifestopts.Add) (digest.Digest, error) {
	ann, err := manifestopts.ParseAnnotations(o.Annotations)
	if err != nil {
		return "", err
	}
	d, err := l.Add(ctx, image, &libimage.ManifestListAddOptions{All: o.All})
	if err != nil {
		return "", fmt.Errorf("add %q to the manifest list: %w", image, err)
	}
	if o.Arch == "" && o.OS == "" && o.Variant == "" && o.OSVersion == "" && len(o.Features) == 0 && len(ann) == 0 {
		return d, nil
	}
	err = l.AnnotateInstance(d, &libimage.ManifestListAnnotateOptions{
		Architecture: o.Arch, OS: o.OS, Variant: o.Variant, OSVersion: o.OSVersion,
		Features: o.Features, Annotations: ann,
	})
	if err != nil {
		return "", fmt.Errorf("annotate %s in the manifest list: %w", d, err)
	}
	return d, nil
}

// RemoveInstance removes the instance d from the list.
func RemoveInstance(env Env, list string, d digest.Digest) error {
	return env.withList(list, func(l *libimage.ManifestList) error {
		if err := l.RemoveInstance(d); err != nil {
			return fmt.Errorf("remove %s from the manifest list %q: %w", d, list, err)
		}
		return nil
	})
}

// Exists reports whether name is a manifest list in the store.
func Exists(env Env, name string) (bool, error) {
	rt, err := env.runtime()
	if err != nil {
		return false, err
	}
	defer rt.Shutdown(false) //nolint:errcheck // nothing was mounted
	_, err = lookup(rt, name)
	if errors.Is(err, storage.ErrImageUnknown) || errors.Is(err, ErrNotAList) {
		return false, nil
	}
	return err == nil, err
}

// Inspect writes the list as JSON: the stored one, else (as podman does)
// the manifest a registry has under that name.
func Inspect(ctx context.Context, env Env, name string, w io.Writer) error {
	rt, err := env.runtime()
	if err != nil {
		return err
	}
	defer rt.Shutdown(false) //nolint:errcheck // nothing was mounted
	l, err := lookup(rt, name)
	if err == nil {
		data, err := l.Inspect()
		if err != nil {
			return fmt.Errorf("inspect manifest list %q: %w", name, err)
		}
		return writeJSON(w, data)
	}
	if !errors.Is(err, storage.ErrImageUnknown) {
		return err
	}
	raw, rerr := remoteManifest(ctx, env.Sys, name)
	if rerr != nil {
		return fmt.Errorf("%w; in a registry: %v", err, rerr)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "    "); err != nil {
		return fmt.Errorf("manifest of %q: %w", name, err)
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

func remoteManifest(ctx context.Context, sys *types.SystemContext, name string) ([]byte, error) {
	ref, err := docker.ParseReference("//" + name)
	if err != nil {
		return nil, err
	}
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	raw, _, err := src.GetManifest(ctx, nil)
	return raw, err
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Push copies the list (and its instances with o.All) to dest, a registry
// name or transport:reference, and returns the pushed list's digest.
func Push(ctx context.Context, env Env, list, dest string, o manifestopts.Push) (d digest.Digest, err error) {
	err = env.withList(list, func(l *libimage.ManifestList) error {
		d, err = push(ctx, env, l, dest, o)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("push manifest list %q to %q: %w", list, dest, err)
	}
	return d, nil
}

func push(ctx context.Context, env Env, l *libimage.ManifestList, dest string, o manifestopts.Push) (digest.Digest, error) {
	tmp, err := os.MkdirTemp(env.Store.RunRoot, "manifest-push-")
	if err != nil {
		return "", fmt.Errorf("push manifest list: %w", err)
	}
	defer os.RemoveAll(tmp)
	policy, err := pull.PolicyFile(env.Sys, tmp)
	if err != nil {
		return "", err
	}
	po := &libimage.ManifestListPushOptions{ImageListSelection: imgcopy.CopySystemImage}
	if o.All {
		po.ImageListSelection = imgcopy.CopyAllImages
	}
	po.SignaturePolicyPath = policy
	po.RemoveSignatures = o.RemoveSignatures
	po.Writer = env.Progress
	switch o.Format {
	case manifestopts.FormatOCI:
		po.ManifestMIMEType = imgspecv1.MediaTypeImageIndex
	case manifestopts.FormatV2S2:
		po.ManifestMIMEType = manifest.DockerV2ListMediaType
	}
	return l.Push(ctx, dest, po)
}

// Remove removes the list name from the store, as rmi would, and refuses
// an image that is not a list.
func Remove(env Env, name string) (storage.RemoveResult, error) {
	rt, err := env.runtime()
	if err != nil {
		return storage.RemoveResult{}, err
	}
	_, err = lookup(rt, name)
	_ = rt.Shutdown(false)
	if err != nil {
		return storage.RemoveResult{}, err
	}
	return env.Store.RemoveImage(name, storage.RemoveOptions{})
}
