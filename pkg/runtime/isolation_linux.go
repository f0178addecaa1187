package runtime

// Isolation are a container's security settings beyond capabilities and
// seccomp (--security-opt mask, unmask, label, apparmor), kept with its
// Config (embedded: their JSON fields are the config's).
type Isolation struct {
	// Mask are paths masked besides husk's defaults; Unmask are shell
	// patterns of the default masked and read-only paths left alone
	// (spec.UnmaskAll: all of them).
	Mask   []string `json:"mask,omitempty"`
	Unmask []string `json:"unmask,omitempty"`
	// SecurityLabels are --security-opt label=VALUE's values, kept to be
	// shown: husk applies no SELinux labels (label=disable is what it
	// does), and refuses them on a host with SELinux.
	SecurityLabels []string `json:"securityLabels,omitempty"`
	// AppArmor is "unconfined" when asked for: husk confines no
	// container with AppArmor.
	AppArmor string `json:"apparmor,omitempty"`
}
