//go:build linux

package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/build/buildopts"
	"github.com/husk-dev/husk/pkg/netns"
)

// buildFlags are husk build's flags, before they become buildopts.Options.
type buildFlags struct {
	files, tags, buildArgs, argFiles []string
	labels, annotations, platforms   []string
	secrets, cacheFrom, cacheTo      []string
	envs, volumes, capAdd, capDrop   []string
	target, pull, format, network    string
	iidFile, ignoreFile, timestamp   string
	noCache, layers, quiet, squash   bool
	net                              netns.Config
	reg                              *registryFlags
}

func (f *buildFlags) register(fs *pflag.FlagSet) {
	stringArrayVarP(fs, &f.files, "file", "f", nil, "the Containerfile (default: CONTEXT/Containerfile, else CONTEXT/Dockerfile; - for stdin)")
	stringArrayVarP(fs, &f.tags, "tag", "t", nil, "name the image (repeatable)")
	stringArrayVar(fs, &f.buildArgs, "build-arg", nil, "build argument NAME=VALUE (NAME alone: from the environment)")
	stringArrayVar(fs, &f.argFiles, "build-arg-file", nil, "file of NAME=VALUE build arguments")
	fs.StringVar(&f.target, "target", "", "build up to this stage")
	fs.BoolVar(&f.noCache, "no-cache", false, "rebuild every step, ignoring cached layers")
	fs.StringVar(&f.pull, "pull", "missing", "pull base images: missing, always, never or newer")
	fs.Lookup("pull").NoOptDefVal = "always"
	fs.BoolVar(&f.layers, "layers", true, "cache each step's layer for later builds")
	fs.StringVar(&f.format, "format", "oci", "image format: oci or docker")
	stringArrayVar(fs, &f.labels, "label", nil, "set a label KEY=VALUE on the image")
	stringArrayVar(fs, &f.annotations, "annotation", nil, "set an annotation KEY=VALUE on the image's manifest")
	fs.StringSliceVar(&f.platforms, "platform", nil, "build for OS/ARCH[/VARIANT] (RUN steps need that architecture to run here)")
	fs.StringVar(&f.network, "network", "private", "RUN steps' network: private (a namespace of their own: slirp4netns, else pasta), pasta, slirp4netns, none or host")
	stringArrayVar(fs, &f.secrets, "secret", nil, "a secret for RUN --mount=type=secret: id=ID,src=PATH or id=ID,env=VAR")
	fs.StringVar(&f.iidFile, "iidfile", "", "write the image's ID to this file")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print only the image's ID")
	fs.BoolVar(&f.squash, "squash", false, "squash the new layers into one")
	stringArrayVar(fs, &f.cacheFrom, "cache-from", nil, "repository to take cached layers from")
	stringArrayVar(fs, &f.cacheTo, "cache-to", nil, "repository to push cached layers to")
	fs.StringVar(&f.ignoreFile, "ignorefile", "", "the ignore file (default: CONTEXT/.containerignore, else CONTEXT/.dockerignore)")
	stringArrayVar(fs, &f.envs, "env", nil, "set an environment variable NAME=VALUE in the image")
	stringArrayVarP(fs, &f.volumes, "volume", "v", nil, "bind HOST:CONTAINER[:OPTIONS] into RUN steps")
	stringArrayVar(fs, &f.capAdd, "cap-add", nil, "add a capability to RUN steps")
	stringArrayVar(fs, &f.capDrop, "cap-drop", nil, "drop a capability from RUN steps")
	fs.StringVar(&f.timestamp, "timestamp", "", "set the image's creation time to this many seconds since the epoch")
	stringArrayVar(fs, &f.net.DNS, "dns", nil, "DNS server for RUN steps")
	stringArrayVar(fs, &f.net.DNSSearch, "dns-search", nil, "DNS search domain for RUN steps")
	stringArrayVar(fs, &f.net.DNSOptions, "dns-option", nil, "resolv.conf option for RUN steps")
	stringArrayVar(fs, &f.net.AddHosts, "add-host", nil, "add NAME:IP to RUN steps' /etc/hosts")
	f.reg = addRegistryFlags(fs, true)
}

// options checks the flags that need no file system; the context and the
// files are the helper's (resolveContext).
func (f *buildFlags) options() (buildopts.Options, error) {
	o := buildopts.Options{
		Containerfiles: f.files, Tags: f.tags, Args: map[string]string{}, Target: f.target,
		NoCache: f.noCache, Layers: f.layers, Format: f.format, Labels: f.labels,
		Annotations: f.annotations, Platforms: f.platforms, Network: f.network,
		DNS: f.net.DNS, DNSSearch: f.net.DNSSearch, DNSOptions: f.net.DNSOptions, AddHosts: f.net.AddHosts,
		Secrets: f.secrets, IIDFile: f.iidFile, Quiet: f.quiet, Squash: f.squash,
		CacheFrom: f.cacheFrom, CacheTo: f.cacheTo, IgnoreFile: f.ignoreFile, Envs: f.envs,
		Volumes: f.volumes, CapAdd: f.capAdd, CapDrop: f.capDrop, Registry: f.reg.options(),
	}
	var err error
	if o.Pull, err = buildopts.ParsePullPolicy(f.pull); err != nil {
		return o, err
	}
	if f.timestamp != "" {
		ts, err := strconv.ParseInt(f.timestamp, 10, 64)
		if err != nil {
			return o, fmt.Errorf("--timestamp %q: give seconds since the epoch", f.timestamp)
		}
		o.Timestamp = &ts
	}
	return o, o.Validate()
}

// readArgs fills o.Args from --build-arg-file then --build-arg.
func (f *buildFlags) readArgs(o *buildopts.Options) error {
	for _, p := range f.argFiles {
		if err := buildopts.ReadArgFile(p, o.Args); err != nil {
			return err
		}
	}
	return buildopts.ParseBuildArgs(f.buildArgs, os.LookupEnv, o.Args)
}

func newBuildCommand(a *app) *cobra.Command {
	f := &buildFlags{}
	cmd := &cobra.Command{
		Use:     "build [flags] [CONTEXT]",
		Aliases: []string{"build-image"},
		Short:   "Build an image from a Containerfile",
		Long: `Build an image from a Containerfile with buildah's engine, as podman build
does, into husk's store: husk run, push, save and images use it at once.
CONTEXT is a directory (default: the current one), or - to read the
Containerfile from stdin with an empty context. RUN steps run inside husk's
user namespace with the OCI runtime and the network husk gives a container.
Each step's layer is cached: a rebuild with nothing changed reuses them all.`,
		Example: `  husk build -t localhost/app:1 .
  husk build -f Containerfile.dev --build-arg VERSION=2 --target test .
  printf 'FROM busybox\nRUN echo hi\n' | husk build -t localhost/hi -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options()
			if err != nil {
				return err
			}
			if err := f.readArgs(&o); err != nil {
				return err
			}
			contextArg := "."
			if len(args) == 1 {
				contextArg = args[0]
			}
			return a.runBuild(cmd, o, contextArg)
		},
	}
	f.register(cmd.Flags())
	return cmd
}
