package pull

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/husk-dev/husk/internal/userfile"
)

// ociRefName returns the ref.name annotation of the first manifest in an
// OCI archive's index.json.
func ociRefName(path string) (string, error) {
	f, err := userfile.Open(path, math.MaxInt64) // a FIFO must not hang the open
	if err != nil {
		return "", err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if strings.TrimPrefix(h.Name, "./") != "index.json" {
			continue
		}
		var idx imgspecv1.Index
		if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&idx); err != nil {
			return "", fmt.Errorf("parse index.json: %w", err)
		}
		if len(idx.Manifests) == 0 {
			return "", nil
		}
		return idx.Manifests[0].Annotations[imgspecv1.AnnotationRefName], nil
	}
}
