package pull

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"syscall"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/blobinfocache/none"
	"go.podman.io/image/v5/pkg/compression"
	"go.podman.io/image/v5/types"
)

// ErrCorruptBlob is returned when a blob's content does not match the
// digest its manifest names.
var ErrCorruptBlob = errors.New("blob does not match its digest")

// ErrConfigTooLarge is returned for an image config over MaxConfigSize.
var ErrConfigTooLarge = errors.New("image config too large")

// ErrLayerTooDeep is returned for a layer with a path deeper than
// MaxLayerDepth.
var ErrLayerTooDeep = errors.New("layer tree too deep")

// ErrLayerEscapes is returned for a layer with entries that point outside
// the root file system.
var ErrLayerEscapes = errors.New("layer entry outside the root file system")

// ErrTooManyLayers is returned for an image with more layers than the
// store's driver can mount.
var ErrTooManyLayers = errors.New("too many layers")

// MaxOverlayLayers is the most layers the overlay driver (native or
// fuse-overlayfs) stacks in one mount: the storage library's limit, which
// a pull would otherwise only meet at the first run ("max depth
// exceeded"). podman 4.3.1's library allowed 128.
const MaxOverlayLayers = 500

// ErrBadLayerStream is returned for a layer that matches its digest but
// cannot be decompressed or is not a tar stream.
var ErrBadLayerStream = errors.New("the image is broken at its source")

// MaxConfigSize is the largest image config husk pulls: containers/image's
// own limit (podman's too), checked here first so that the error says what
// is too large, and before the blob is fetched when the manifest tells its
// size.
const MaxConfigSize = 4 << 20

// MaxLayerDepth is the most path components an entry of a layer may have.
// The storage library resolves every entry's parent directory component by
// component (to keep symlinks inside the rootfs), so unpacking costs the
// square of the depth per entry: a 1000-deep tree took 75 s to unpack
// here, where podman 4.3.1 (an older library) took 3 s. Real images stay
// far below this (node_modules, Maven repositories: tens).
const MaxLayerDepth = 256

// The tracker watches the blobs of a copy as they are read:
//
//   - A corrupt compressed blob usually fails inside the decompressor
//     ("gzip: invalid checksum", "flate: corrupt input") before
//     containers/image gets to compare digests, and that error does not
//     say which blob it was. The tracker remembers which blobs were not read
//     to the end, so that after a failed copy those can be fetched again and
//     checked, and the error can name the digest.
//   - The config is capped at MaxConfigSize, with an error that says so.
//   - Each layer's tar stream is read alongside the copy, and a layer that
//     is too deep is refused before the storage library spends minutes
//     unpacking it.
type blobTracker struct {
	mu         sync.Mutex
	incomplete map[digest.Digest]types.BlobInfo
	done       map[digest.Digest]bool
	configs    map[digest.Digest]bool
	layers     map[digest.Digest]bool
	// badStream is the first decompression or tar error seen in a layer.
	badStream map[digest.Digest]error
	// refused is the first reason the tracker gave to refuse a blob.
	refused error
	// maxLayers (> 0) is the most layers the store's driver stacks.
	maxLayers int
	driver    string
}

// refuse records why a blob is refused and returns err.
func (t *blobTracker) refuse(err error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.refused == nil {
		t.refused = err
	}
	return err
}

// refusal is the first reason the tracker refused a blob for: the cause of
// a failed copy, without the wrapping of the layers it passed through.
func (t *blobTracker) refusal() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.refused
}

func newBlobTracker() *blobTracker {
	return &blobTracker{
		incomplete: map[digest.Digest]types.BlobInfo{},
		done:       map[digest.Digest]bool{},
		configs:    map[digest.Digest]bool{},
		layers:     map[digest.Digest]bool{},
		badStream:  map[digest.Digest]error{},
	}
}

// suspects are the blobs whose reading started but did not reach the end.
func (t *blobTracker) suspects() []types.BlobInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []types.BlobInfo
	for d, info := range t.incomplete {
		if !t.done[d] {
			out = append(out, info)
		}
	}
	return out
}

// learn notes the config and layers a single-image manifest names, and
// refuses an image with more layers than the store can stack.
func (t *blobTracker) learn(blob []byte, mimeType string) error {
	if manifest.MIMETypeIsMultiImage(manifest.NormalizedMIMEType(mimeType)) {
		return nil
	}
	m, err := manifest.FromBlob(blob, manifest.NormalizedMIMEType(mimeType))
	if err != nil {
		return nil // containers/image reports it
	}
	if n := len(m.LayerInfos()); t.maxLayers > 0 && n > t.maxLayers {
		return t.refuse(setting.Errorf("%w: the image has %d layers and the %s storage driver stacks at most %d: use a store with the vfs driver ({storage-driver} vfs {root} DIR) or an image with fewer layers",
			ErrTooManyLayers, n, t.driver, t.maxLayers))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := m.ConfigInfo(); c.Digest != "" {
		t.configs[c.Digest] = true
	}
	for _, l := range m.LayerInfos() {
		t.layers[l.Digest] = true
	}
	return nil
}

func (t *blobTracker) kind(d digest.Digest) (config, layer bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.configs[d], t.layers[d]
}

// streamError is the decompression or tar error seen in layer d, if any.
func (t *blobTracker) streamError(d digest.Digest) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.badStream[d]
}

// trackedRef wraps a source reference so that its sources report blob
// progress to the tracker.
type trackedRef struct {
	types.ImageReference
	t *blobTracker
}

func (r trackedRef) NewImageSource(ctx context.Context, sys *types.SystemContext) (types.ImageSource, error) {
	src, err := r.ImageReference.NewImageSource(ctx, sys)
	if err != nil {
		return nil, err
	}
	return &trackedSource{ImageSource: src, t: r.t}, nil
}

type trackedSource struct {
	types.ImageSource
	t *blobTracker
}

func (s *trackedSource) GetManifest(ctx context.Context, instanceDigest *digest.Digest) ([]byte, string, error) {
	blob, mimeType, err := s.ImageSource.GetManifest(ctx, instanceDigest)
	if err == nil {
		if err := s.t.learn(blob, mimeType); err != nil {
			return nil, "", err
		}
	}
	return blob, mimeType, err
}

func configTooLarge(d digest.Digest, size int64) error {
	what := "more than"
	if size > 0 {
		what = fmt.Sprintf("%d bytes,", size)
	}
	return fmt.Errorf("%w: config %s is %s over the %d MiB that husk and podman accept", ErrConfigTooLarge, d, what, MaxConfigSize>>20)
}

func (s *trackedSource) GetBlob(ctx context.Context, info types.BlobInfo, cache types.BlobInfoCache) (io.ReadCloser, int64, error) {
	isConfig, isLayer := s.t.kind(info.Digest)
	if isConfig && info.Size > MaxConfigSize {
		return nil, 0, s.t.refuse(configTooLarge(info.Digest, info.Size))
	}
	rc, n, err := s.ImageSource.GetBlob(ctx, info, cache)
	if err != nil {
		return nil, 0, err
	}
	s.t.mu.Lock()
	s.t.incomplete[info.Digest] = info
	s.t.mu.Unlock()
	r := &trackedReader{ReadCloser: rc, d: info.Digest, t: s.t}
	switch {
	case isConfig:
		r.limit = MaxConfigSize
	case isLayer:
		r.scan = newLayerScanner(info.Digest, s.t)
	}
	return r, n, nil
}

type trackedReader struct {
	io.ReadCloser
	d     digest.Digest
	t     *blobTracker
	read  int64
	limit int64 // > 0: the most bytes the blob may have
	scan  *layerScanner
}

func (r *trackedReader) Read(p []byte) (int, error) {
	if r.scan != nil {
		if err := r.scan.failure(); err != nil {
			return 0, err
		}
	}
	n, err := r.ReadCloser.Read(p)
	r.read += int64(n)
	if r.limit > 0 && r.read > r.limit {
		return 0, r.t.refuse(configTooLarge(r.d, 0))
	}
	if r.scan != nil && n > 0 {
		r.scan.feed(p[:n])
	}
	if err == io.EOF {
		if r.scan != nil {
			if serr := r.scan.finish(); serr != nil {
				return n, serr
			}
		}
		r.t.mu.Lock()
		r.t.done[r.d] = true
		r.t.mu.Unlock()
	}
	return n, err
}

func (r *trackedReader) Close() error {
	if r.scan != nil {
		r.scan.abort()
	}
	return r.ReadCloser.Close()
}

// layerScanner reads a layer's tar headers from a copy of its compressed
// stream, in a goroutine of its own.
type layerScanner struct {
	d    digest.Digest
	t    *blobTracker
	pw   *io.PipeWriter
	done chan struct{}

	mu  sync.Mutex
	err error // a reason to refuse the layer
}

func newLayerScanner(d digest.Digest, t *blobTracker) *layerScanner {
	pr, pw := io.Pipe()
	s := &layerScanner{d: d, t: t, pw: pw, done: make(chan struct{})}
	go s.run(pr)
	return s
}

func (s *layerScanner) run(pr *io.PipeReader) {
	defer close(s.done)
	// Whatever stops the scan, the rest of the stream is drained so that
	// the copy never waits on it.
	defer func() { _, _ = io.Copy(io.Discard, pr) }()
	if err := scanLayer(pr); err != nil {
		if errors.Is(err, ErrLayerTooDeep) || errors.Is(err, ErrLayerEscapes) {
			s.mu.Lock()
			s.err = s.t.refuse(fmt.Errorf("layer %s: %w", s.d, err))
			s.mu.Unlock()
			return
		}
		// Not refused here: the storage library may read some streams
		// that this scan cannot (it has the last word); the error only
		// explains a failed copy later.
		s.t.mu.Lock()
		s.t.badStream[s.d] = err
		s.t.mu.Unlock()
	}
}

// scanLayer reads a (compressed) layer's tar headers and refuses a layer
// deeper than MaxLayerDepth, or with an entry that reaches outside the
// rootfs: through "..", or through a symbolic link the layer itself holds.
// The storage library keeps such entries inside the rootfs, but each
// driver its own way (overlay fails the pull, vfs stores the file under
// another name), and reading the layer back (system check, push, save)
// then fails or follows the link; no image builder writes them.
func scanLayer(r io.Reader) error {
	dr, _, err := compression.AutoDecompress(r)
	if err != nil {
		return err
	}
	defer dr.Close()
	symlinks := map[string]bool{}
	tr := tar.NewReader(dr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if d := pathDepth(h.Name); d > MaxLayerDepth {
			return fmt.Errorf("%w: %q is %d levels deep; husk unpacks at most %d", ErrLayerTooDeep, shorten(h.Name), d, MaxLayerDepth)
		}
		name, ok := inside(h.Name)
		if !ok {
			return fmt.Errorf("%w: %q", ErrLayerEscapes, shorten(h.Name))
		}
		if h.Typeflag == tar.TypeLink {
			if _, ok := inside(h.Linkname); !ok {
				return fmt.Errorf("%w: hard link %q to %q", ErrLayerEscapes, shorten(h.Name), shorten(h.Linkname))
			}
		}
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			if symlinks[d] {
				return fmt.Errorf("%w: %q lies under the symbolic link %q", ErrLayerEscapes, shorten(h.Name), d)
			}
		}
		if h.Typeflag == tar.TypeSymlink {
			symlinks[name] = true
		} else {
			delete(symlinks, name)
		}
	}
}

// inside cleans a tar entry name relative to the rootfs; false when it
// climbs out with "..". A leading slash means the rootfs, as everywhere.
func inside(name string) (string, bool) {
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", false
	}
	return strings.TrimPrefix(path.Clean("/"+clean), "/"), true
}

func shorten(name string) string {
	if len(name) > 60 {
		return name[:30] + "..." + name[len(name)-27:]
	}
	return name
}

// pathDepth is the number of components of a tar entry name.
func pathDepth(name string) int {
	clean := path.Clean("/" + name)
	if clean == "/" {
		return 0
	}
	return strings.Count(clean, "/")
}

func (s *layerScanner) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// feed hands the scan the next bytes of the stream; it returns once the
// scan has taken them.
func (s *layerScanner) feed(p []byte) {
	_, _ = s.pw.Write(p)
}

// finish ends the stream and waits for the scan's verdict.
func (s *layerScanner) finish() error {
	_ = s.pw.Close()
	<-s.done
	return s.failure()
}

// abort stops the scan of a stream that was not read to the end.
func (s *layerScanner) abort() {
	_ = s.pw.CloseWithError(io.ErrUnexpectedEOF)
	<-s.done
}

// diskFull reports whether err comes from a full file system or quota, when
// fetching blobs again to look for a corrupt one is pointless.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) ||
		strings.Contains(err.Error(), syscall.ENOSPC.Error())
}

// findCorrupt fetches each suspect blob again and returns an error naming
// the first whose content does not match its digest; failing that, one
// naming a layer that could not be decompressed; nil when neither.
func findCorrupt(ctx context.Context, ref types.ImageReference, sys *types.SystemContext, t *blobTracker) error {
	suspects := t.suspects()
	if len(suspects) == 0 {
		return nil
	}
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil
	}
	defer src.Close()
	var undecodable error
	for _, info := range suspects {
		d := info.Digest
		if d.Validate() != nil {
			continue
		}
		rc, _, err := src.GetBlob(ctx, types.BlobInfo{Digest: d, Size: info.Size}, none.NoCache)
		if err != nil {
			continue
		}
		v := d.Algorithm().Digester()
		var r io.Reader = rc
		if info.Size >= 0 {
			// One byte more than promised shows a mismatch; more is not
			// read.
			r = io.LimitReader(rc, info.Size+1)
		}
		_, err = io.Copy(v.Hash(), r)
		rc.Close()
		if err != nil {
			continue
		}
		if got := v.Digest(); got != d {
			return fmt.Errorf("%w: %s has content %s: the source holds a corrupted or tampered blob", ErrCorruptBlob, d, got)
		}
		if serr := t.streamError(d); serr != nil && undecodable == nil {
			undecodable = fmt.Errorf("layer %s is not a valid compressed tar stream (%v) and matches its digest: %w", d, serr, ErrBadLayerStream)
		}
	}
	return undecodable
}
