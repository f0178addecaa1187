package runtime

// Settings are the global settings (--runtime, --cgroup-manager, ...) a
// container was created with; "" is the default of the command at hand.
type Settings struct {
	Runtime       string `json:"runtime,omitempty"`
	CgroupManager string `json:"cgroupManager,omitempty"`
	StorageDriver string `json:"storageDriver,omitempty"`
	VolumePath    string `json:"volumePath,omitempty"`
}
