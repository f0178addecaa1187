package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/manifest"
	is "go.podman.io/image/v5/storage"
)

// ImageInfo is what husk image inspect prints.
type ImageInfo struct {
	ID           string                `json:"Id"`
	Digest       digest.Digest         `json:"Digest"`
	RepoTags     []string              `json:"RepoTags"`
	RepoDigests  []string              `json:"RepoDigests"`
	Created      *time.Time            `json:"Created,omitempty"`
	Author       string                `json:"Author,omitempty"`
	Architecture string                `json:"Architecture"`
	Variant      string                `json:"Variant,omitempty"`
	Os           string                `json:"Os"`
	Config       imgspecv1.ImageConfig `json:"Config"`
	RootFS       imgspecv1.RootFS      `json:"RootFS"`
	Size         int64                 `json:"Size"`
	// Layers are the manifest's (compressed) layer blobs, in order.
	Layers       []LayerInfo         `json:"Layers"`
	History      []imgspecv1.History `json:"History,omitempty"`
	ManifestType string              `json:"ManifestType"`
	Labels       map[string]string   `json:"Labels,omitempty"`
}

// LayerInfo is one layer blob of an image.
type LayerInfo struct {
	Digest    digest.Digest `json:"Digest"`
	Size      int64         `json:"Size"`
	MediaType string        `json:"MediaType"`
}

// InspectImage reads an image's config and manifest from the store.
func (s *Store) InspectImage(ctx context.Context, ref string) (*ImageInfo, error) {
	img, _, err := s.Lookup(ref)
	if err != nil {
		return nil, err
	}
	sref, err := is.Transport.NewStoreReference(s.Store, nil, img.ID)
	if err != nil {
		return nil, fmt.Errorf("store reference %s: %w", short(img.ID), err)
	}
	src, err := sref.NewImageSource(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", short(img.ID), err)
	}
	defer src.Close()
	rawManifest, mime, err := src.GetManifest(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read manifest of %s: %w", short(img.ID), err)
	}
	m, err := manifest.FromBlob(rawManifest, mime)
	if err != nil {
		return nil, fmt.Errorf("parse manifest of %s: %w", short(img.ID), err)
	}
	cfgBlob, _, err := src.GetBlob(ctx, m.ConfigInfo(), nil)
	if err != nil {
		return nil, fmt.Errorf("read config of %s: %w", short(img.ID), err)
	}
	defer cfgBlob.Close()
	var cfg imgspecv1.Image
	if err := json.NewDecoder(cfgBlob).Decode(&cfg); err != nil {
		return nil, fmt.Errorf("parse config of %s: %w", short(img.ID), err)
	}
	size, err := s.ImageSize(img.ID)
	if err != nil {
		size = -1
	}
	info := &ImageInfo{
		ID: img.ID, Digest: img.Digest, RepoTags: tags(img.Names), RepoDigests: repoDigests(img.Names, img.Digests),
		Created: cfg.Created, Author: cfg.Author, Architecture: cfg.Architecture, Variant: cfg.Variant, Os: cfg.OS,
		Config: cfg.Config, RootFS: cfg.RootFS, Size: size, History: cfg.History, ManifestType: mime, Labels: cfg.Config.Labels,
	}
	for _, l := range m.LayerInfos() {
		info.Layers = append(info.Layers, LayerInfo{Digest: l.Digest, Size: l.Size, MediaType: l.MediaType})
	}
	return info, nil
}

func repoDigests(names []string, digests []digest.Digest) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, n := range names {
		repo := repository(n)
		for _, d := range digests {
			rd := repo + "@" + d.String()
			if !seen[rd] {
				seen[rd] = true
				out = append(out, rd)
			}
		}
	}
	return out
}

// repository strips the tag or digest from a stored name.
func repository(n string) string {
	if i := strings.Index(n, "@"); i >= 0 {
		return n[:i]
	}
	if i := strings.LastIndex(n, ":"); i > strings.LastIndex(n, "/") {
		return n[:i]
	}
	return n
}

// tags are the names that are not name@digest.
func tags(names []string) []string {
	out := []string{}
	for _, n := range names {
		if !strings.Contains(n, "@") {
			out = append(out, n)
		}
	}
	return out
}

// Id lets --format templates written for podman and docker ({{.Id}}) work.
func (i *ImageInfo) Id() string { return i.ID } //nolint:revive,stylecheck

// ImageConfig reads an image's config from the store directly (it is kept
// under its digest, which is the image ID), without opening an image
// source: what starting a container needs, on every run.
func (s *Store) ImageConfig(id string) (*imgspecv1.Image, error) {
	b, err := s.ImageBigData(id, digest.NewDigestFromEncoded(digest.SHA256, id).String())
	if err != nil {
		return nil, fmt.Errorf("read config of image %s: %w", short(id), err)
	}
	var cfg imgspecv1.Image
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("parse config of image %s: %w", short(id), err)
	}
	return &cfg, nil
}
