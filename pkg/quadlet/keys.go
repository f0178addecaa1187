package quadlet

// How each key of a [Container] section becomes husk's arguments. The
// value is the flag; keys handled by hand map to "".
const (
	kindLast    = iota // the last value, given once
	kindEach           // every value, each given as is
	kindWords          // every word of every value
	kindBool           // a systemd boolean: the flag alone when true
	kindSpecial        // handled in convertContainer
)

type keyRule struct {
	flag string
	kind int
}

var containerKeys = map[string]keyRule{
	"Image": {"", kindSpecial}, "Exec": {"", kindSpecial}, "ContainerName": {"", kindSpecial},
	"Notify": {"", kindSpecial}, "User": {"", kindSpecial}, "Group": {"", kindSpecial},
	"Volume": {"", kindSpecial}, "Network": {"", kindSpecial}, "EnvironmentFile": {"", kindSpecial},
	"PodmanArgs": {"", kindSpecial}, "HuskArgs": {"", kindSpecial}, "GlobalArgs": {"", kindSpecial},
	"Environment": {"--env", kindWords}, "Label": {"--label", kindWords}, "Annotation": {"--annotation", kindWords},
	"AddCapability": {"--cap-add", kindWords}, "DropCapability": {"--cap-drop", kindWords},
	"Mask": {"", kindSpecial}, "Unmask": {"", kindSpecial}, "SeccompProfile": {"", kindSpecial},
	"NoNewPrivileges": {"", kindSpecial}, "SecurityLabelDisable": {"", kindSpecial},

	"WorkingDir": {"--workdir", kindLast}, "Entrypoint": {"--entrypoint", kindLast},
	"HostName": {"--hostname", kindLast}, "Timezone": {"--tz", kindLast},
	"StopSignal": {"--stop-signal", kindLast}, "StopTimeout": {"--stop-timeout", kindLast},
	"Pull": {"--pull", kindLast}, "Memory": {"--memory", kindLast}, "PidsLimit": {"--pids-limit", kindLast},
	"ShmSize": {"--shm-size", kindLast}, "LogDriver": {"--log-driver", kindLast}, "UserNS": {"--userns", kindLast},
	"CgroupsMode": {"--cgroups", kindLast},
	"HealthCmd":   {"--health-cmd", kindLast}, "HealthInterval": {"--health-interval", kindLast},
	"HealthRetries": {"--health-retries", kindLast}, "HealthStartPeriod": {"--health-start-period", kindLast},
	"HealthTimeout": {"--health-timeout", kindLast}, "HealthOnFailure": {"--health-on-failure", kindLast},

	"PublishPort": {"--publish", kindEach}, "ExposeHostPort": {"--expose", kindEach}, "Mount": {"--mount", kindEach},
	"DNS": {"--dns", kindEach}, "DNSSearch": {"--dns-search", kindEach}, "DNSOption": {"--dns-option", kindEach},
	"AddHost": {"--add-host", kindEach}, "GroupAdd": {"--group-add", kindEach}, "Tmpfs": {"--tmpfs", kindEach},
	"Ulimit": {"--ulimit", kindEach}, "Sysctl": {"--sysctl", kindWords}, "Secret": {"--secret", kindEach},
	"LogOpt": {"--log-opt", kindEach}, "AddDevice": {"--device", kindEach},
	"UIDMap": {"--uidmap", kindEach}, "GIDMap": {"--gidmap", kindEach},
	"SubUIDMap": {"--subuidname", kindLast}, "SubGIDMap": {"--subgidname", kindLast},

	"RunInit": {"--init", kindBool}, "EnvironmentHost": {"--env-host", kindBool}, "ReadOnly": {"--read-only", kindBool},
}

var volumeKeys = map[string]keyRule{
	"VolumeName": {"", kindSpecial}, "Label": {"--label", kindWords},
	"Device": {"", kindSpecial}, "Type": {"", kindSpecial}, "Options": {"", kindSpecial},
	"PodmanArgs": {"", kindSpecial}, "HuskArgs": {"", kindSpecial}, "GlobalArgs": {"", kindSpecial},
}

var networkKeys = map[string]keyRule{
	"NetworkName": {"", kindSpecial}, "Label": {"--label", kindWords},
	"Subnet": {"--subnet", kindLast}, "Gateway": {"--gateway", kindLast}, "Internal": {"--internal", kindBool},
	"PodmanArgs": {"", kindSpecial}, "HuskArgs": {"", kindSpecial}, "GlobalArgs": {"", kindSpecial},
}

var kubeKeys = map[string]keyRule{
	"Yaml": {"", kindSpecial}, "Network": {"", kindSpecial},
	"PublishPort": {"--publish", kindEach}, "ConfigMap": {"", kindSpecial},
	"LogDriver": {"--log-driver", kindLast}, "UserNS": {"--userns", kindLast},
	"PodmanArgs": {"", kindSpecial}, "HuskArgs": {"", kindSpecial}, "GlobalArgs": {"", kindSpecial},
}

// unsupported are podman's keys husk has no setting for, with what to
// do instead.
var unsupported = map[string]string{
	"IP":                    "husk does not take a fixed address (--ip); leave it out",
	"IP6":                   "husk has no IPv6 on its networks; leave it out",
	"NetworkAlias":          "husk's networks have no aliases; leave it out",
	"Rootfs":                "husk runs images only; give Image=",
	"Pod":                   "Quadlet .pod units are not supported yet; leave it out (husk pod create and run --pod work by hand)",
	"AutoUpdate":            "husk has no auto-update; leave it out",
	"ReadOnlyTmpfs":         "husk has no --read-only-tmpfs; use Tmpfs=",
	"SecurityLabelType":     "husk applies no SELinux labels; use SecurityLabelDisable=",
	"SecurityLabelFileType": "husk applies no SELinux labels; use SecurityLabelDisable=",
	"SecurityLabelLevel":    "husk applies no SELinux labels; use SecurityLabelDisable=",
	"SecurityLabelNested":   "husk applies no SELinux labels; use SecurityLabelDisable=",
	"ContainersConfModule":  "husk reads no containers.conf modules; leave it out",
	"Copy":                  "husk's volumes are not filled from the image at creation; leave it out",
	"Driver":                "husk has one driver for volumes (local) and networks (bridge); leave it out",
	"Image":                 "husk's volumes cannot be images; use an image mount (Mount=type=image,...) in the .container",
	"DisableDNS":            "husk's networks always serve DNS; leave it out",
	"IPv6":                  "husk has no IPv6 on its networks; leave it out",
	"IPRange":               "husk takes the whole subnet; leave it out",
	"IPAMDriver":            "husk has one address allocator; leave it out",
	"VolatileTmp":           "deprecated by podman; use Tmpfs=/tmp",
	"RemapUsers":            "deprecated by podman; use UserNS=",
	"RemapUid":              "deprecated by podman; use UIDMap=",
	"RemapGid":              "deprecated by podman; use GIDMap=",
	"RemapUidSize":          "deprecated by podman; use UserNS=auto:size=N",
	"ExitCodePropagation":   "husk's kube play has no service container; leave it out",
	"KubeDownForce":         "leave it out",
	"SetWorkingDirectory":   "set WorkingDirectory= in [Service]",
}
