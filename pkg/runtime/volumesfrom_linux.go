package runtime

import (
	"slices"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// addVolumesFrom adds to cfg the bind mounts and named volumes of the
// containers --volumes-from names (NAME[:ro|rw]: ro or rw overrides each
// mount's own mode), at the same destinations, but where cfg mounts
// something itself.
func addVolumesFrom(env Env, cfg *Config) error {
	for _, ref := range cfg.VolumesFrom {
		name, mode, _ := strings.Cut(ref, ":")
		other, err := Lookup(env.Store, name)
		if err != nil {
			return setting.Errorf("{volumes-from} %q: %w", ref, err)
		}
		for _, v := range other.Config.Volumes {
			if v.Kind != VolumeBind && v.Kind != VolumeNamed {
				continue
			}
			if slices.ContainsFunc(cfg.Volumes, func(o VolumeSpec) bool { return o.Destination == v.Destination }) {
				continue
			}
			switch mode {
			case "ro":
				v.ReadOnly = true
			case "rw":
				v.ReadOnly = false
			}
			v.Options = slices.Clone(v.Options)
			v.Anonymous = false // the other container's: removed with it, not with this one
			cfg.Volumes = append(cfg.Volumes, v)
		}
	}
	return nil
}
