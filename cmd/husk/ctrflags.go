//go:build linux

package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
)

// containerFlags are the flags of run and create, read into
// ctropts.Options; config() checks them into a runtime.Config.
type containerFlags struct {
	fs        *pflag.FlagSet
	o         ctropts.Options
	net       *networkFlags
	resources *resourceFlags
	pull      string
	platform  string
	registry  *registryFlags
	detach    bool
	run       *runFlags
	// pod is --pod: a pod's name or ID, or new:NAME; podIDFile is
	// --pod-id-file, whose pod ID config puts there.
	pod, podIDFile string
}

func addContainerFlags(fs *pflag.FlagSet) *containerFlags {
	c := &containerFlags{fs: fs}
	o := &c.o
	fs.SetInterspersed(false) // flags after the image belong to the command
	fs.StringVar(&o.Name, "name", "", "name of the container (default: a generated one)")
	fs.StringVar(&o.Entrypoint, "entrypoint", "", "replace the image's ENTRYPOINT (a string or a JSON array)")
	stringArrayVarP(fs, &o.Env, "env", "e", nil, "set an environment variable: NAME=VALUE, or NAME to copy it from husk's environment")
	stringArrayVar(fs, &o.EnvFiles, "env-file", nil, "read environment variables from a file (NAME=VALUE lines)")
	fs.StringVarP(&o.User, "user", "u", "", "run as name|uid[:group|gid] (resolved in the image's /etc/passwd and /etc/group)")
	fs.StringVarP(&o.Workdir, "workdir", "w", "", "working directory in the container: it must exist (or be a volume's destination), as podman has it; the image's WORKDIR is created")
	// -h is --hostname, as in podman: run and create define their own
	// --help, without the shorthand cobra would give it.
	fs.Bool("help", false, "help for this command")
	fs.StringVarP(&o.Hostname, "hostname", "h", "", "container host name (default: the short container ID)")
	fs.BoolVarP(&o.Interactive, "interactive", "i", false, "keep stdin open and connected to the container")
	fs.BoolVarP(&o.TTY, "tty", "t", false, "allocate a pseudo-terminal")
	fs.BoolVar(&o.ReadOnly, "read-only", false, "mount the container's root filesystem read-only")
	c.net = addNetworkFlags(fs)
	fs.StringVar(&c.pod, "pod", "", "run in the pod NAME (sharing its namespaces), or in a new pod with new:NAME (which gets the container's --network and --publish)")
	fs.StringVar(&c.podIDFile, "pod-id-file", "", "run in the pod whose ID this file holds (pod create --pod-id-file)")
	stringArrayVarP(fs, &o.Volumes, "volume", "v", nil, "bind mount HOST-DIR:CTR-DIR[:ro] or named volume NAME:CTR-DIR[:ro]")
	stringArrayVar(fs, &o.Mounts, "mount", nil, "mount type=bind|tmpfs|volume|ramfs|devpts|image,source=…,target=…[,readonly][,tmpfs-size=…][,tmpfs-mode=…] (image: an image in the store, read-only unless rw=true)")
	stringArrayVar(fs, &o.Tmpfs, "tmpfs", nil, "mount a tmpfs at CTR-DIR[:OPTIONS]")
	stringArrayVar(fs, &o.CapAdd, "cap-add", nil, "add a capability (or ALL)")
	stringArrayVar(fs, &o.CapDrop, "cap-drop", nil, "drop a capability (or ALL)")
	fs.BoolVar(&o.Privileged, "privileged", false, "all capabilities, no seccomp, no masked paths, host devices (as far as the user namespace allows)")
	stringArrayVar(fs, &o.SecurityOpt, "security-opt", nil, "seccomp=unconfined|PROFILE.json, no-new-privileges[=true|false], mask=PATH[:PATH…] (more masked paths), unmask=ALL|PATTERN[:PATTERN…] (default masked or read-only paths left alone), label=disable (husk applies no SELinux labels), apparmor=unconfined")
	fs.StringVar(&o.Userns, "userns", "", "user namespace mode: host (husk's own, the default); keep-id[:uid=N,gid=N] runs as your uid and gid (or N), mapped to yours on the host, with your account in the image's /etc/passwd when it has none; nomap: your subordinate ids only; auto[:size=N]: a free range of N (1024) of them")
	stringArrayVar(fs, &o.IDMaps.UIDMap, "uidmap", nil, "a user namespace of the container's own: CONTAINER-ID:ID:SIZE, ID in husk's namespace (0: you, 1…: your subordinate ids); without --gidmap, for gids too")
	stringArrayVar(fs, &o.IDMaps.GIDMap, "gidmap", nil, "as --uidmap, for gids")
	fs.StringVar(&o.IDMaps.SubUIDName, "subuidname", "", "map the subordinate uids of this user (rootless: your own name only)")
	fs.BoolVar(&o.Rootfs, "rootfs", false, "the first argument is a root directory to run (yours: your files are root's in the container), not an image")
	fs.StringVar(&o.IDMaps.SubGIDName, "subgidname", "", "map the subordinate gids of this user (rootless: your own name only)")
	fs.BoolVar(&o.Remove, "rm", false, "remove the container when it exits")
	fs.StringVar(&c.pull, "pull", "missing", "pull the image: missing, always, never or newer (newer: when the registry's differs from the stored one)")
	fs.StringVar(&c.platform, "platform", "", "OS/ARCH[/VARIANT] of the image to pull")
	c.registry = addRegistryFlags(fs, true)
	fs.BoolVarP(&c.detach, "detach", "d", false, "run in the background and print the container ID")
	stringArrayVar(fs, &o.LogOpts, "log-opt", nil, fmt.Sprintf("log option: max-size=SIZE rotates the container log past SIZE (default %dm, -1: never), max-file=N keeps N files of it (default %d)",
		runtime.DefaultLogMaxSize>>20, runtime.DefaultLogMaxFiles))
	c.resources = addResourceFlags(fs)
	fs.StringVar(&o.CgroupParent, "cgroup-parent", "", "parent of the container's cgroup: a path in the cgroup tree delegated to you (relative to it) with cgroupfs, NAME.slice with systemd")
	fs.StringVar(&o.Cgroups, "cgroups", "enabled", "enabled: the container gets a cgroup of its own; disabled: it stays in husk's")
	stringArrayVarP(fs, &o.Labels, "label", "l", nil, "set a label KEY=VALUE (KEY alone: an empty value); these override --label-file's and the image's")
	stringArrayVar(fs, &o.LabelFiles, "label-file", nil, "read labels from a file of KEY=VALUE lines")
	stringArrayVar(fs, &o.Annotations, "annotation", nil, "add an annotation KEY=VALUE to the container's OCI config")
	c.run = addRunFlags(fs, &o.Run)
	addServiceFlags(fs, &o.Services)
	addDeviceFlags(fs, &o.Devices)
	addRestartFlag(fs, &o.Restart)
	fs.SetNormalizeFunc(containerFlagAliases)
	return c
}

// config checks the flags into a container config; image and args are
// the positional arguments.
func (c *containerFlags) config(image string, args []string) (runtime.Config, error) {
	c.net.n.Mode, c.net.n.More = ctropts.SplitNetworks(c.net.networks)
	c.o.Network, c.o.Limits, c.o.Given = c.net.n, c.resources.l, flagsGiven(c.fs)
	platform, err := c.run.platform(c.platform)
	if err != nil {
		return runtime.Config{}, err
	}
	c.platform = platform
	if c.podIDFile != "" {
		if c.pod != "" {
			return runtime.Config{}, fmt.Errorf("--pod and --pod-id-file both name a pod: give one")
		}
		if c.pod, err = pod.ReadIDFile(c.podIDFile, false); err != nil {
			return runtime.Config{}, withFlagNames(err)
		}
	}
	cfg, err := c.o.Config(image, args)
	return cfg, withFlagNames(err)
}

// containerFlagAliases spells podman's hidden aliases of run and create's
// flags as the flags they stand for.
func containerFlagAliases(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	switch name {
	case "net":
		name = "network"
	case "dns-opt":
		name = "dns-option"
	}
	return pflag.NormalizedName(name)
}
