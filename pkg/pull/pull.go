package pull

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"

	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/shortnames"
	is "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/storage"
)

// memoryOnlyBlobInfoCache is a BlobInfoCacheDir that cannot be created, so
// containers/image falls back to its in-memory cache (it has no other way
// to ask for one). Copies into local storage gain nothing from the
// persistent SQLite cache (the store knows its layers), and its exclusive,
// fsynced transactions serialize the parallel layer copies: about 100 ms
// of a 4-layer pull here (bench/). Push keeps the persistent cache, where
// knowing which blobs a registry has saves uploads.
const memoryOnlyBlobInfoCache = "/dev/null/husk-memory-only-blob-info-cache"

// Options control a pull.
type Options struct {
	Sys *types.SystemContext
	// Progress receives progress bars (only drawn on a terminal) and
	// per-blob lines; nil for quiet.
	Progress io.Writer
}

// Result names the stored image.
type Result struct {
	ID   string
	Name string
}

// Pull copies an image into the store. A registry short name is resolved
// through registries.conf; candidates are tried in order. On failure,
// layers this pull committed and nothing refers to are removed again, so a
// rejected image leaves nothing behind.
func Pull(ctx context.Context, store *storage.Store, src string, opts Options) (Result, error) {
	s, err := ParseSource(src)
	if err != nil {
		return Result{}, err
	}
	if err := checkConfigFiles(opts.Sys); err != nil {
		return Result{}, err
	}
	if !s.IsRegistry() {
		if err := checkSourceFiles(s.Ref); err != nil {
			return Result{}, err
		}
	}
	before, err := store.LayerIDs()
	if err != nil {
		return Result{}, err
	}
	release := holdLibraryLog()
	res, err := pull(ctx, store, s, opts)
	if err != nil {
		if cerr := store.RemoveOrphanLayers(before); cerr != nil {
			err = errors.Join(err, fmt.Errorf("clean up after failed pull: %w", cerr))
		}
		release(false)
		return Result{}, err
	}
	release(true)
	return res, nil
}

// holdLibraryLog holds back what the storage and image libraries log
// during a transfer. When the transfer fails, the error husk returns says
// why and the cleanup after it removes what the libraries' own recovery
// could not ("error deleting layer ...: no space left on device"), so their
// lines are dropped: the failure is one line. When it succeeds, they are
// written out (warnings worth seeing then).
func holdLibraryLog() func(show bool) {
	logger := logrus.StandardLogger()
	if !logger.IsLevelEnabled(logrus.WarnLevel) || logger.IsLevelEnabled(logrus.DebugLevel) {
		return func(bool) {} // quiet anyway, or debugging: everything shows
	}
	var buf lockedBuffer
	out := logger.Out
	logger.SetOutput(&buf)
	return func(show bool) {
		logger.SetOutput(out)
		if show {
			_, _ = out.Write(buf.bytes())
		}
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Bytes()
}

func pull(ctx context.Context, store *storage.Store, s Source, opts Options) (Result, error) {
	if !s.IsRegistry() {
		ref := s.Ref
		if ref.Transport().Name() == "docker-archive" && ref.DockerReference() == nil {
			// Name it after the archive's RepoTags, as load does.
			path, _, _ := strings.Cut(ref.StringWithinTransport(), ":")
			if r, err := dockerArchiveImage(path); err == nil {
				ref = r
			}
		}
		name, err := localName(ref)
		if err != nil {
			return Result{}, err
		}
		return copyIn(ctx, store, ref, name, opts)
	}
	resolved, err := shortnames.Resolve(opts.Sys, s.Name)
	if err != nil {
		return Result{}, fmt.Errorf("resolve %q: %w", s.Name, err)
	}
	var errs []error
	for i := range resolved.PullCandidates {
		c := &resolved.PullCandidates[i]
		ref, err := dockerRef(c.Value)
		if err != nil {
			return Result{}, err
		}
		res, err := copyIn(ctx, store, ref, c.Value, opts)
		if err == nil {
			if rerr := c.Record(); rerr != nil && opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "husk: warning: record short-name alias: %v\n", rerr)
			}
			return res, nil
		}
		if ctx.Err() != nil {
			return Result{}, err
		}
		errs = append(errs, err)
	}
	if len(errs) == 1 {
		return Result{}, errs[0]
	}
	return Result{}, resolved.FormatPullErrors(errs)
}

// copyIn copies ref into the store under name and returns the image ID.
func copyIn(ctx context.Context, store *storage.Store, ref types.ImageReference, name reference.Named, opts Options) (Result, error) {
	tmp, release, err := store.PullTemp()
	if err != nil {
		return Result{}, err
	}
	defer release()
	sys := types.SystemContext{}
	if opts.Sys != nil {
		sys = *opts.Sys
	}
	sys.BigFilesTemporaryDir = tmp
	sys.BlobInfoCacheDir = memoryOnlyBlobInfoCache
	opts.Sys = &sys
	dest, err := is.Transport.NewStoreReference(store.Store, name, "")
	if err != nil {
		return Result{}, fmt.Errorf("store reference %q: %w", name, err)
	}
	tracker := newBlobTracker()
	if store.Driver != storage.DriverVFS {
		tracker.maxLayers, tracker.driver = MaxOverlayLayers, string(store.Driver)
	}
	if err := copyImage(ctx, dest, trackedRef{ImageReference: ref, t: tracker}, opts.Sys, opts.Sys, opts.Progress); err != nil {
		switch {
		case ctx.Err() != nil:
		case tracker.refusal() != nil:
			err = tracker.refusal()
		case diskFull(err):
			return Result{}, setting.Errorf("pull %s: %w: free space on the file system of %s or pull into another {root}", transportName(ref), err, store.GraphRoot)
		default:
			if cerr := findCorrupt(ctx, ref, opts.Sys, tracker); cerr != nil {
				err = cerr
			}
		}
		return Result{}, fmt.Errorf("pull %s: %w", transportName(ref), err)
	}
	img, _, err := store.Lookup(name.String())
	if err != nil {
		return Result{}, fmt.Errorf("find pulled image %q: %w", name, err)
	}
	return Result{ID: img.ID, Name: name.String()}, nil
}

func copyImage(ctx context.Context, dest, src types.ImageReference, srcSys, destSys *types.SystemContext, progress io.Writer) error {
	_, err := copyImageWith(ctx, dest, src, copy.Options{ReportWriter: progress, SourceCtx: srcSys, DestinationCtx: destSys})
	return err
}

// copyImageWith copies with opts and returns the manifest written.
func copyImageWith(ctx context.Context, dest, src types.ImageReference, opts copy.Options) ([]byte, error) {
	pc, err := policyContext(opts.SourceCtx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = pc.Destroy() }()
	return copy.Image(ctx, pc, dest, src, &opts)
}

func transportName(ref types.ImageReference) string {
	if ref.Transport().Name() == "docker" {
		return ref.StringWithinTransport()[2:]
	}
	return ref.Transport().Name() + ":" + ref.StringWithinTransport()
}
