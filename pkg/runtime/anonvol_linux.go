package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"path"
	"slices"
	"sort"

	"github.com/sirupsen/logrus"
)

// addAnonymousVolumes names cfg's anonymous volumes (-v /dst) and adds one
// for each of the image's VOLUME entries that no mount of cfg covers, as
// podman does: the volume is created, and filled from the image, when
// the bundle is first built.
func addAnonymousVolumes(cfg *Config, imageVolumes map[string]struct{}) {
	dsts := make([]string, 0, len(imageVolumes))
	for d := range imageVolumes {
		dsts = append(dsts, d)
	}
	sort.Strings(dsts)
	for _, d := range dsts {
		if d == "" || d[0] != '/' {
			continue // podman skips these too: no path to mount on
		}
		d = path.Clean(d)
		if slices.ContainsFunc(cfg.Volumes, func(v VolumeSpec) bool { return v.Destination == d }) {
			continue
		}
		cfg.Volumes = append(cfg.Volumes, VolumeSpec{Kind: VolumeNamed, Destination: d, Anonymous: true})
	}
	for i := range cfg.Volumes {
		if cfg.Volumes[i].Anonymous && cfg.Volumes[i].Source == "" {
			cfg.Volumes[i].Source = anonymousName()
		}
	}
}

// anonymousName is a new volume name: 64 hex digits, as podman's.
func anonymousName() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// removeAnonymousVolumes removes the anonymous volumes of a removed
// container (--rm, rm -v), but those another container still uses
// (--volumes-from): podman keeps those too.
func removeAnonymousVolumes(env Env, c *Container) {
	if env.Volumes == nil || !slices.ContainsFunc(c.Config.Volumes, func(v VolumeSpec) bool { return v.Anonymous }) {
		return
	}
	used := map[string]bool{}
	if others, err := List(env.Store); err == nil {
		for _, o := range others {
			if o.ID == c.ID {
				continue
			}
			for _, v := range o.Config.Volumes {
				if v.Kind == VolumeNamed {
					used[v.Source] = true
				}
			}
		}
	} else {
		return // cannot tell which are in use: keep them all
	}
	for _, v := range c.Config.Volumes {
		if !v.Anonymous || used[v.Source] {
			continue
		}
		if err := env.Volumes.Remove(v.Source); err != nil {
			logrus.Debugf("remove anonymous volume %s of %s: %v", v.Source, c.Name, err)
		}
	}
}
