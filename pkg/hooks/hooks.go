package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	current "go.podman.io/common/pkg/hooks/1.0.0"
)

// The system's directories of hook files, podman's: the distribution's,
// then the administrator's, which override it.
const (
	DefaultDir  = "/usr/share/containers/oci/hooks.d"
	OverrideDir = "/etc/containers/oci/hooks.d"
)

// Version is the hook file format read.
const Version = current.Version

// DefaultDirs are the directories read when none is given: the system's
// and, rootless, the user's (configHome/containers/oci/hooks.d, where
// configHome is $XDG_CONFIG_HOME or ~/.config), which overrides them.
func DefaultDirs(rootless bool, configHome string) []string {
	dirs := []string{DefaultDir, OverrideDir}
	if rootless && configHome != "" {
		dirs = append(dirs, filepath.Join(configHome, "containers", "oci", "hooks.d"))
	}
	return dirs
}

// Set is the hooks of some directories, by file name.
type Set struct {
	hooks map[string]*current.Hook
}

// Load reads the *.json files of dirs (a missing directory has none); a
// file replaces one of the same name in an earlier directory. A file that
// is not a valid hook of version 1.0.0 is an error that names it.
func Load(dirs []string) (*Set, error) {
	set := &Set{hooks: map[string]*current.Hook{}}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read hooks directory: %w", err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") || e.IsDir() {
				continue
			}
			h, err := readFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			set.hooks[e.Name()] = h
		}
	}
	return set, nil
}

// readFile reads and checks one hook file.
func readFile(path string) (*current.Hook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read hook file: %w", err)
	}
	var v struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("hook file %q: invalid JSON: %w: fix or remove the file", path, err)
	}
	if v.Version != Version {
		return nil, fmt.Errorf("hook file %q: unknown version %q: husk reads version %s hooks (oci-hooks(5)): fix or remove the file", path, v.Version, Version)
	}
	h, err := current.Read(b)
	if err == nil {
		err = h.Validate(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("hook file %q: %w: fix or remove the file", path, err)
	}
	return h, nil
}

// Len is how many hook files the set has.
func (set *Set) Len() int { return len(set.hooks) }

// Apply adds to s.Hooks the hooks whose conditions s matches, in the
// order of their file names (case folded, as podman): the command
// condition looks at s.Process.Args[0], the annotations at s's;
// hasBindMounts says whether the user gave the container bind mounts or
// volumes. A "prestart" hook is given as prestart, which the runtimes run
// where they run createRuntime.
func (set *Set) Apply(s *specs.Spec, hasBindMounts bool) error {
	names := make([]string, 0, len(set.hooks))
	for n := range set.hooks {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	for _, n := range names {
		h := set.hooks[n]
		ok, err := h.When.Match(s, s.Annotations, hasBindMounts)
		if err != nil {
			return fmt.Errorf("match hook %q: %w", n, err)
		}
		if !ok {
			continue
		}
		if s.Hooks == nil {
			s.Hooks = &specs.Hooks{}
		}
		for _, stage := range h.Stages {
			if err := addHook(s.Hooks, stage, h.Hook); err != nil {
				return fmt.Errorf("hook %q: %w", n, err)
			}
		}
	}
	return nil
}

func addHook(hs *specs.Hooks, stage string, h specs.Hook) error {
	switch stage {
	case "prestart":
		//lint:ignore SA1019 deprecated in the spec, run by runc and crun where they run createRuntime, and what podman 4.3.1 writes
		hs.Prestart = append(hs.Prestart, h)
	case "createRuntime":
		hs.CreateRuntime = append(hs.CreateRuntime, h)
	case "createContainer":
		hs.CreateContainer = append(hs.CreateContainer, h)
	case "startContainer":
		hs.StartContainer = append(hs.StartContainer, h)
	case "poststart":
		hs.Poststart = append(hs.Poststart, h)
	case "poststop":
		hs.Poststop = append(hs.Poststop, h)
	default:
		return fmt.Errorf("unknown stage %q", stage)
	}
	return nil
}
