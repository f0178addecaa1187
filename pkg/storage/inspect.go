package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/manifest"
	is "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// ImageInfo is what husk image inspect prints: podman 4.3.1's keys and
// types (Layers, the manifest's blobs, is husk's own).
type ImageInfo struct {
	ID           string                `json:"Id"`
	Digest       digest.Digest         `json:"Digest"`
	RepoTags     []string              `json:"RepoTags"`
	RepoDigests  []string              `json:"RepoDigests"`
	Parent       string                `json:"Parent"`
	Comment      string                `json:"Comment"`
	Created      *time.Time            `json:"Created"`
	Config       imgspecv1.ImageConfig `json:"Config"`
	Version      string                `json:"Version"`
	Author       string                `json:"Author"`
	Architecture string                `json:"Architecture"`
	Os           string                `json:"Os"`
	Variant      string                `json:"Variant,omitempty"`
	Size         int64                 `json:"Size"`
	VirtualSize  int64                 `json:"VirtualSize"`
	GraphDriver  GraphDriver           `json:"GraphDriver"`
	RootFS       RootFS                `json:"RootFS"`
	Labels       map[string]string     `json:"Labels"`
	Annotations  map[string]string     `json:"Annotations"`
	ManifestType string                `json:"ManifestType"`
	User         string                `json:"User"`
	History      []imgspecv1.History   `json:"History"`
	NamesHistory []string              `json:"NamesHistory"`
	// Layers are the manifest's (compressed) layer blobs, in order.
	Layers []LayerInfo `json:"Layers"`
}

// RootFS is the image's layers as podman shows them (the config's
// diff_ids).
type RootFS struct {
	Type   string          `json:"Type"`
	Layers []digest.Digest `json:"Layers"`
}

// DiffIDs lets templates written for husk's earlier output
// ({{.RootFS.DiffIDs}}) work.
func (r RootFS) DiffIDs() []digest.Digest { return r.Layers }

// GraphDriver is the store's driver (podman's Data, the layer
// directories, is left empty).
type GraphDriver struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

// LayerInfo is one layer blob of an image.
type LayerInfo struct {
	Digest    digest.Digest `json:"Digest"`
	Size      int64         `json:"Size"`
	MediaType string        `json:"MediaType"`
}

// maxConfigSize bounds an image config read into memory (the store
// checked it when the image was pulled).
const maxConfigSize = 64 << 20

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
	if manifest.MIMETypeIsMultiImage(mime) {
		// A manifest list (husk manifest create): podman shows the
		// stored image it has for this platform.
		id, err := s.listInstance(ctx, rawManifest, mime)
		if err != nil {
			return nil, fmt.Errorf("manifest list %s: %w", short(img.ID), err)
		}
		return s.InspectImage(ctx, id)
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
	cfgBytes, err := io.ReadAll(io.LimitReader(cfgBlob, maxConfigSize))
	if err != nil {
		return nil, fmt.Errorf("read config of %s: %w", short(img.ID), err)
	}
	var cfg imgspecv1.Image
	if err := json.Unmarshal(cfgBytes, &cfg); err != nil {
		return nil, fmt.Errorf("parse config of %s: %w", short(img.ID), err)
	}
	size, err := s.ImageSize(img.ID)
	if err != nil {
		size = -1
	}
	info := &ImageInfo{
		ID: img.ID, Digest: img.Digest, RepoTags: tags(img.Names), RepoDigests: repoDigests(img.Names, img.Digests),
		Created: cfg.Created, Author: cfg.Author, Architecture: cfg.Architecture, Variant: cfg.Variant, Os: cfg.OS,
		Config: cfg.Config, RootFS: RootFS{Type: cfg.RootFS.Type, Layers: cfg.RootFS.DiffIDs}, Size: size, VirtualSize: size, History: cfg.History, ManifestType: mime,
		Labels: cfg.Config.Labels, User: cfg.Config.User, GraphDriver: GraphDriver{Name: string(s.Driver)},
		Annotations: manifestAnnotations(rawManifest, mime), NamesHistory: img.NamesHistory,
	}
	if info.History == nil {
		info.History = []imgspecv1.History{}
	}
	if info.NamesHistory == nil {
		info.NamesHistory = []string{}
	}
	// docker's configs say what image-spec's have no field for.
	var docker struct {
		Comment       string `json:"comment"`
		DockerVersion string `json:"docker_version"`
	}
	if json.Unmarshal(cfgBytes, &docker) == nil {
		info.Comment, info.Version = docker.Comment, docker.DockerVersion
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

// manifestAnnotations are an OCI manifest's annotations ({} for other
// manifests, as podman shows them).
func manifestAnnotations(raw []byte, mime string) map[string]string {
	out := map[string]string{}
	if mime != imgspecv1.MediaTypeImageManifest {
		return out
	}
	var m imgspecv1.Manifest
	if json.Unmarshal(raw, &m) == nil {
		for k, v := range m.Annotations {
			out[k] = v
		}
	}
	return out
}

// listInstance is the ID of the stored image a manifest list has for this
// platform.
func (s *Store) listInstance(ctx context.Context, raw []byte, mime string) (string, error) {
	list, err := manifest.ListFromBlob(raw, mime)
	if err != nil {
		return "", err
	}
	d, err := list.ChooseInstance(&types.SystemContext{})
	if err != nil {
		return "", err
	}
	imgs, err := s.ImagesByDigest(d)
	if err != nil || len(imgs) == 0 {
		return "", fmt.Errorf("its image for this platform (%s) is not in the store: pull it: %w", d, ErrImageUnknown)
	}
	return imgs[0].ID, nil
}

// ImageHealthcheck is the HEALTHCHECK an image's config carries (nil when
// it has none): only the docker format keeps one, which the OCI config
// ImageConfig returns drops.
func (s *Store) ImageHealthcheck(id string) (*manifest.Schema2HealthConfig, error) {
	b, err := s.ImageBigData(id, digest.NewDigestFromEncoded(digest.SHA256, id).String())
	if err != nil {
		return nil, fmt.Errorf("read config of image %s: %w", short(id), err)
	}
	var cfg struct {
		Config struct {
			Healthcheck *manifest.Schema2HealthConfig `json:"Healthcheck"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("parse config of image %s: %w", short(id), err)
	}
	return cfg.Config.Healthcheck, nil
}
