// Package buildopts holds the settings of one image build (husk build) and
// checks them, linking none of the build engine: the command binary parses
// and refuses bad flags with it before handing the build to the helper
// (pkg/build), which runs buildah's engine.
package buildopts

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// PullPolicy says when a build pulls its base images.
type PullPolicy string

// The pull policies, as podman build spells them.
const (
	PullMissing PullPolicy = "missing"
	PullAlways  PullPolicy = "always"
	PullNever   PullPolicy = "never"
	PullNewer   PullPolicy = "newer"
)

// ParsePullPolicy reads --pull's value; "true" and "false" are podman's
// older spellings of always and missing.
func ParsePullPolicy(s string) (PullPolicy, error) {
	switch strings.ToLower(s) {
	case "", "missing", "ifmissing", "false":
		return PullMissing, nil
	case "always", "true":
		return PullAlways, nil
	case "never":
		return PullNever, nil
	case "newer", "ifnewer":
		return PullNewer, nil
	}
	return "", setting.Errorf("{pull} %q: use missing, always, never or newer", s)
}

// Network modes for RUN steps.
const (
	NetworkPrivate = "private"
	NetworkNone    = "none"
	NetworkHost    = "host"
	NetworkPasta   = "pasta"
	NetworkSlirp   = "slirp4netns"
)

// Formats of the built image.
const (
	FormatOCI    = "oci"
	FormatDocker = "docker"
)

// MaxContainerfileSize bounds a Containerfile read from stdin or a file.
const MaxContainerfileSize = 16 << 20

// MaxArgFileSize bounds a --build-arg-file.
const MaxArgFileSize = 1 << 20

// Options are one build's settings.
type Options struct {
	// ContextDir is the build context, absolute. For "-" it is an empty
	// directory the caller made, with the Containerfile read from stdin
	// in it.
	ContextDir string
	// Containerfiles are -f's paths, absolute; empty means
	// ContextDir/Containerfile, else ContextDir/Dockerfile.
	Containerfiles []string
	Tags           []string
	// Args are the build arguments (--build-arg-file's first, then
	// --build-arg's).
	Args        map[string]string
	Target      string
	NoCache     bool
	Pull        PullPolicy
	Layers      bool
	Format      string
	Labels      []string
	Annotations []string
	// Platforms are OS/ARCH[/VARIANT]; empty means the host's.
	Platforms []string
	// Network is RUN's network: private, none or host.
	Network    string
	DNS        []string
	DNSSearch  []string
	DNSOptions []string
	AddHosts   []string
	// Secrets are --secret id=ID,src=PATH values.
	Secrets    []string
	IIDFile    string
	Quiet      bool
	Squash     bool
	CacheFrom  []string
	CacheTo    []string
	IgnoreFile string
	// Envs are --env K=V values set in the image.
	Envs []string
	// Volumes are -v HOST:CTR[:OPTS] mounts for RUN steps.
	Volumes   []string
	CapAdd    []string
	CapDrop   []string
	Registry  pullopts.RegistryOptions
	Timestamp *int64
}

// DefaultFiles are the names tried in the context when -f is not given.
var DefaultFiles = []string{"Containerfile", "Dockerfile"}

// FindContainerfile returns the Containerfile of a context that has no -f.
func FindContainerfile(contextDir string) (string, error) {
	for _, name := range DefaultFiles {
		p := filepath.Join(contextDir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Containerfile or Dockerfile in the build context %s: name one with -f", contextDir)
}

// ParseBuildArgs reads --build-arg values: K=V, or K alone to take K from
// the environment (lookup), left unset when the environment has none.
func ParseBuildArgs(values []string, lookup func(string) (string, bool), into map[string]string) error {
	for _, v := range values {
		k, val, ok := strings.Cut(v, "=")
		if k == "" {
			return setting.Errorf("{build-arg} %q: use NAME=VALUE or NAME", v)
		}
		if !ok {
			env, found := lookup(k)
			if !found {
				continue
			}
			val = env
		}
		into[k] = val
	}
	return nil
}

// ReadArgFile reads a --build-arg-file: NAME=VALUE lines, blank lines and
// lines starting with # skipped.
func ReadArgFile(path string, into map[string]string) error {
	b, err := userfile.Read(path, MaxArgFileSize)
	if err != nil {
		return setting.Errorf("{build-arg-file} %w", err)
	}
	return parseArgFile(path, b, into)
}

func parseArgFile(path string, b []byte, into map[string]string) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), MaxArgFileSize)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return setting.Errorf("{build-arg-file} %s:%d: %q is not NAME=VALUE", path, n, line)
		}
		into[strings.TrimSpace(k)] = v
	}
	if err := sc.Err(); err != nil {
		return setting.Errorf("{build-arg-file} %s: %w", path, err)
	}
	return nil
}

// ReadStdinContainerfile copies a Containerfile from r into dir (a new,
// empty context), at most MaxContainerfileSize bytes, and returns its path.
func ReadStdinContainerfile(r io.Reader, dir string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxContainerfileSize+1))
	if err != nil {
		return "", fmt.Errorf("read the Containerfile from stdin: %w", err)
	}
	if len(b) > MaxContainerfileSize {
		return "", fmt.Errorf("the Containerfile on stdin is over %s", userfile.HumanLimit(MaxContainerfileSize))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "", fmt.Errorf("the Containerfile on stdin is empty")
	}
	p := filepath.Join(dir, "Containerfile")
	return p, os.WriteFile(p, b, 0o600)
}

// Validate checks the settings that need no file system.
func (o *Options) Validate() error {
	switch o.Network {
	case "", NetworkPrivate, NetworkNone, NetworkHost, NetworkPasta, NetworkSlirp:
	default:
		return setting.Errorf("{network} %q: a build's RUN steps take private (the default), none, host, pasta or slirp4netns", o.Network)
	}
	switch o.Format {
	case "", FormatOCI, FormatDocker:
	default:
		return setting.Errorf("{format} %q: use oci or docker", o.Format)
	}
	for _, s := range o.Secrets {
		if err := checkSecret(s); err != nil {
			return err
		}
	}
	for _, l := range o.Labels {
		if strings.HasPrefix(l, "=") {
			return setting.Errorf("{label} %q: use KEY=VALUE", l)
		}
	}
	for _, a := range o.Annotations {
		if k, _, _ := strings.Cut(a, "="); k == "" {
			return setting.Errorf("{annotation} %q: use KEY=VALUE", a)
		}
	}
	if o.Squash && o.Layers && len(o.CacheTo) > 0 {
		return setting.Errorf("{squash} and {cache-to} do not go together: a squashed build keeps no layers to share")
	}
	return nil
}

// checkSecret checks one --secret value: id=ID,src=PATH (type=file, the
// default) or id=ID,env=VAR (type=env).
func checkSecret(s string) error {
	fields := map[string]string{}
	for _, f := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return setting.Errorf("{secret} %q: use id=ID,src=PATH or id=ID,env=VAR", s)
		}
		fields[k] = v
	}
	if fields["id"] == "" {
		return setting.Errorf("{secret} %q: id= is required", s)
	}
	for k := range fields {
		switch k {
		case "id", "src", "source", "env", "type":
		default:
			return setting.Errorf("{secret} %q: unknown key %q (use id, src, env, type)", s, k)
		}
	}
	if t := fields["type"]; t != "" && t != "file" && t != "env" {
		return setting.Errorf("{secret} %q: type is file or env", s)
	}
	return nil
}
