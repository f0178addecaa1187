package runtime

// VolumeKind says what a --volume/--mount entry is.
type VolumeKind string

const (
	VolumeBind  VolumeKind = "bind"
	VolumeTmpfs VolumeKind = "tmpfs"
	VolumeNamed VolumeKind = "volume"
	// VolumeRamfs and VolumeDevpts are --mount type=ramfs and type=devpts.
	VolumeRamfs  VolumeKind = "ramfs"
	VolumeDevpts VolumeKind = "devpts"
)

// VolumeSpec is one parsed -v, --mount or --tmpfs entry.
type VolumeSpec struct {
	Kind        VolumeKind `json:"kind"`
	Source      string     `json:"source,omitempty"` // host path or volume name
	Destination string     `json:"destination"`
	ReadOnly    bool       `json:"readOnly,omitempty"`
	Options     []string   `json:"options,omitempty"` // tmpfs size=, mode=; bind propagation
	// Anonymous marks a volume made for this container (-v /dst, the
	// image's VOLUME): --rm and rm -v remove it with the container.
	Anonymous bool `json:"anonymous,omitempty"`
}
