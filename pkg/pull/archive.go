package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/storage"
)

// SaveOptions control Save.
type SaveOptions struct {
	Format ArchiveFormat
	// MultiImage makes every image named a separate image of the archive
	// (docker-archive only); without it, the names after the first are
	// further names of the first image in the archive, as podman save has
	// them.
	MultiImage bool
	Progress   io.Writer
}

// saveItem is one image of an archive and the names it gets there.
type saveItem struct {
	src   types.ImageReference
	image string
	names []reference.NamedTagged
}

// Save writes stored images to an archive file at path, keeping their
// names inside the archive so that load restores them.
func Save(ctx context.Context, store *storage.Store, images []string, path string, opts SaveOptions) error {
	if len(images) == 0 {
		return errors.New("save: no image given")
	}
	if opts.Format == "" {
		opts.Format = FormatDockerArchive
	}
	if opts.MultiImage && opts.Format != FormatDockerArchive {
		return setting.Errorf("unsupported format %q for saving multiple images (only docker-archive)", opts.Format)
	}
	items, err := saveItems(store, images, opts.MultiImage)
	if err != nil {
		return err
	}
	// docker-archive refuses to add to an existing file; save replaces it.
	// Only regular files are removed (never a device or /dev/stdout).
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("replace %q: %w", path, err)
		}
	}
	switch opts.Format {
	case FormatDockerArchive:
		err = saveDocker(ctx, items, path, opts.Progress)
	case FormatOCIArchive:
		err = saveOCI(ctx, items[0], path, opts.Progress)
	default:
		return fmt.Errorf("unknown archive format %q", opts.Format)
	}
	if err != nil {
		if fi, serr := os.Lstat(path); serr == nil && fi.Mode().IsRegular() {
			_ = os.Remove(path)
		}
		return err
	}
	return nil
}

// saveItems looks the images up: each a separate image with multi, else
// the first with the others as its names.
func saveItems(store *storage.Store, images []string, multi bool) ([]saveItem, error) {
	var items []saveItem
	for i, image := range images {
		if i > 0 && !multi {
			n, err := tagged(image, true)
			if err != nil {
				return nil, err
			}
			items[0].names = append(items[0].names, n)
			continue
		}
		src, name, err := storeSource(store, image)
		if err != nil {
			return nil, err
		}
		it := saveItem{src: src, image: image}
		if name != "" {
			if n, err := tagged(name, false); err == nil {
				it.names = append(it.names, n)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// tagged is name with :latest when it has no tag; with local, a name
// without a registry gets localhost/ (as a tag does in the store).
func tagged(name string, local bool) (reference.NamedTagged, error) {
	if local {
		full, err := storage.NormalizeName(name)
		if err != nil {
			return nil, err
		}
		name = full
	}
	n, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBadReference, name, err)
	}
	t, ok := reference.TagNameOnly(n).(reference.NamedTagged)
	if !ok {
		return nil, fmt.Errorf("%w %q: an archive names images by tag, not by digest", ErrBadReference, name)
	}
	return t, nil
}

// saveDocker writes items to one docker archive: each image once, with
// all its names.
func saveDocker(ctx context.Context, items []saveItem, path string, progress io.Writer) error {
	w, err := dockerarchive.NewWriter(nil, path)
	if err != nil {
		return fmt.Errorf("create archive %q: %w", path, err)
	}
	for _, it := range items {
		// One copy per image: a second copy of an image the archive
		// holds fails in containers/image; the further names go along.
		var first reference.NamedTagged // nil: an entry without RepoTags
		var sys types.SystemContext
		if len(it.names) > 0 {
			first, sys.DockerArchiveAdditionalTags = it.names[0], it.names[1:]
		}
		dest, err := w.NewReference(first)
		if err == nil {
			err = copyImage(ctx, dest, it.src, nil, &sys, progress)
		}
		if err != nil {
			_ = w.Close()
			return fmt.Errorf("save %q to %q: %w", it.image, path, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write archive %q: %w", path, err)
	}
	return nil
}

// saveOCI writes one image to an OCI archive, which records one name.
func saveOCI(ctx context.Context, it saveItem, path string, progress io.Writer) error {
	if len(it.names) > 1 {
		return setting.Errorf("an oci-archive records one name per image: give one image, or use {format}=docker-archive for more names")
	}
	name := ""
	if len(it.names) == 1 {
		name = it.names[0].String()
	}
	dest, err := ociarchive.NewReference(path, name)
	if err != nil {
		return fmt.Errorf("archive reference %q: %w", path, err)
	}
	if err := copyImage(ctx, dest, it.src, nil, nil, progress); err != nil {
		return fmt.Errorf("save %q to %q: %w", it.image, path, err)
	}
	return nil
}

// Loaded is an image Load stored: its ID and the names it got, in the
// archive's order.
type Loaded struct {
	ID    string
	Names []string
}

// loadItem is one image of an archive and the names it carries.
type loadItem struct {
	ref   types.ImageReference
	names []reference.Named
}

// Load reads an oci-archive or docker-archive (detected from its
// contents) into the store: every image of a docker archive, each with
// every name recorded for it; an image without one gets a localhost/ name
// after the file. src is a file, or an http:// or https:// URL, which is
// downloaded into the store's temporary directory first.
func Load(ctx context.Context, store *storage.Store, src string, progress io.Writer) ([]Loaded, error) {
	path := src
	if IsURL(src) {
		tmp, release, err := store.PullTemp()
		if err != nil {
			return nil, err
		}
		defer release()
		if path, err = Download(ctx, src, tmp); err != nil {
			return nil, err
		}
	}
	if _, err := regularFile("archive", path, -1); err != nil {
		if errors.Is(err, ErrNotRegular) {
			err = fmt.Errorf("%w: give it to husk load on its standard input instead of -i", err)
		}
		return nil, err
	}
	format, err := detectArchive(path)
	if err != nil {
		return nil, err
	}
	var items []loadItem
	switch format {
	case FormatDockerArchive:
		r, err := dockerarchive.NewReader(nil, path)
		if err != nil {
			return nil, fmt.Errorf("open archive %q: %w", path, err)
		}
		defer r.Close()
		if items, err = dockerArchiveImages(r); err != nil {
			return nil, fmt.Errorf("open archive %q: %w", path, err)
		}
	case FormatOCIArchive:
		if err := checkOCIArchive(path); err != nil {
			return nil, err
		}
		ref, err := ociarchive.NewReference(path, "")
		if err != nil {
			return nil, fmt.Errorf("open archive %q: %w", path, err)
		}
		name, err := archiveName(ref, format, path)
		if err != nil {
			return nil, err
		}
		items = []loadItem{{ref: ref, names: []reference.Named{name}}}
	}
	return loadItems(ctx, store, items, src, progress)
}

// loadItems copies the images in; when one fails, the layers this load
// stored that nothing uses go again.
func loadItems(ctx context.Context, store *storage.Store, items []loadItem, src string, progress io.Writer) ([]Loaded, error) {
	before, err := store.LayerIDs()
	if err != nil {
		return nil, err
	}
	release := holdLibraryLog()
	var out []Loaded
	for _, it := range items {
		res, err := copyIn(ctx, store, it.ref, it.names[0], Options{Progress: progress})
		l := Loaded{ID: res.ID}
		for _, n := range it.names {
			l.Names = append(l.Names, n.String())
		}
		if err == nil && len(l.Names) > 1 {
			if err = store.AddNames(res.ID, l.Names[1:]); err != nil {
				err = fmt.Errorf("name image %s: %w", res.ID, err)
			}
		}
		if err != nil {
			if cerr := store.RemoveOrphanLayers(before); cerr != nil {
				err = errors.Join(err, cerr)
			}
			release(false)
			return out, fmt.Errorf("load %q: %w", src, err)
		}
		out = append(out, l)
	}
	release(true)
	return out, nil
}

// dockerArchiveImages lists the images of a docker archive, each with the
// names its RepoTags give (a localhost/ name after the file when none).
// The references read through r.
func dockerArchiveImages(r *dockerarchive.Reader) ([]loadItem, error) {
	images, err := r.List()
	if err != nil {
		return nil, err
	}
	var items []loadItem
	for _, refs := range images {
		if len(refs) == 0 {
			continue
		}
		it := loadItem{ref: refs[0]}
		for _, ref := range refs {
			if n := ref.DockerReference(); n != nil {
				it.names = append(it.names, reference.TagNameOnly(n))
			}
		}
		if len(it.names) == 0 {
			n, err := localName(refs[0])
			if err != nil {
				return nil, err
			}
			it.names = []reference.Named{n}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, errors.New("no image in the archive")
	}
	return items, nil
}

// dockerArchiveImage returns a reference to the one image in a docker
// archive, carrying its first RepoTag when it has one: pull of a
// docker-archive: source names the image after it.
func dockerArchiveImage(path string) (types.ImageReference, error) {
	r, err := dockerarchive.NewReader(nil, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	images, err := r.List()
	if err != nil {
		return nil, err
	}
	switch len(images) {
	case 0:
		return nil, fmt.Errorf("no image in the archive")
	case 1:
	default:
		return nil, fmt.Errorf("the archive holds %d images: name one (docker-archive:FILE:NAME), or use husk load", len(images))
	}
	if len(images[0]) == 0 {
		return nil, fmt.Errorf("no image in the archive")
	}
	// The listed references read through r; make one that opens the file
	// itself.
	if tagged, ok := images[0][0].DockerReference().(reference.NamedTagged); ok {
		return dockerarchive.NewReference(path, tagged)
	}
	return dockerarchive.NewIndexReference(path, 0)
}
