package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/types"
)

// ErrCorruptBlob is returned when a blob's content does not match the
// digest its manifest names.
var ErrCorruptBlob = errors.New("blob does not match its digest")

// A corrupt compressed blob usually fails inside the decompressor ("gzip:
// invalid checksum", "flate: corrupt input") before containers/image gets
// to compare digests, and that error does not say which blob it was. The
// tracker remembers which blobs were not read to the end, so that after a
// failed copy those can be fetched again and checked, and the error can
// name the digest.
type blobTracker struct {
	mu         sync.Mutex
	incomplete map[digest.Digest]bool
}

func newBlobTracker() *blobTracker {
	return &blobTracker{incomplete: map[digest.Digest]bool{}}
}

func (t *blobTracker) suspects() []digest.Digest {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []digest.Digest
	for d, inc := range t.incomplete {
		if inc {
			out = append(out, d)
		}
	}
	return out
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

func (s *trackedSource) GetBlob(ctx context.Context, info types.BlobInfo, cache types.BlobInfoCache) (io.ReadCloser, int64, error) {
	rc, n, err := s.ImageSource.GetBlob(ctx, info, cache)
	if err != nil {
		return nil, 0, err
	}
	s.t.mu.Lock()
	s.t.incomplete[info.Digest] = true
	s.t.mu.Unlock()
	return &trackedReader{ReadCloser: rc, d: info.Digest, t: s.t}, n, nil
}

type trackedReader struct {
	io.ReadCloser
	d digest.Digest
	t *blobTracker
}

func (r *trackedReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err == io.EOF {
		r.t.mu.Lock()
		r.t.incomplete[r.d] = false
		r.t.mu.Unlock()
	}
	return n, err
}

// findCorrupt fetches each suspect blob again and returns an error naming
// the first whose content does not match its digest (nil when all match).
func findCorrupt(ctx context.Context, ref types.ImageReference, sys *types.SystemContext, suspects []digest.Digest) error {
	if len(suspects) == 0 {
		return nil
	}
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil
	}
	defer src.Close()
	for _, d := range suspects {
		if d.Validate() != nil {
			continue
		}
		rc, _, err := src.GetBlob(ctx, types.BlobInfo{Digest: d, Size: -1}, nil)
		if err != nil {
			continue
		}
		v := d.Algorithm().Digester()
		_, err = io.Copy(v.Hash(), rc)
		rc.Close()
		if err != nil {
			continue
		}
		if got := v.Digest(); got != d {
			return fmt.Errorf("%w: %s has content %s: the source holds a corrupted or tampered blob", ErrCorruptBlob, d, got)
		}
	}
	return nil
}
