package quadlet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// AdminDir holds the administrator's Quadlet files; its users/
// subdirectory (and users/UID) are read for every user's units.
const AdminDir = "/etc/containers/systemd"

// Options says where the generator reads and writes.
type Options struct {
	// Husk is husk's absolute path, for the units' commands.
	Husk string
	// Dirs are the directories read, the first one's files winning over
	// later files of the same name (UserDirs).
	Dirs []string
	// Out is the generator's output directory (systemd's "normal" one).
	Out string
	// DryRun, when set, gets the units' text instead of Out.
	DryRun io.Writer
}

// UserDirs are the directories of a user's Quadlet files, as podman's
// user generator reads them: $XDG_CONFIG_HOME/containers/systemd (or
// ~/.config/...), then /etc/containers/systemd/users/UID, then
// /etc/containers/systemd/users.
func UserDirs(configHome string, uid int) []string {
	return []string{
		filepath.Join(configHome, "containers", "systemd"),
		filepath.Join(AdminDir, "users", strconv.Itoa(uid)),
		filepath.Join(AdminDir, "users"),
	}
}

// order is when a file is converted: the volumes and networks first,
// their names known to the containers that use them.
var order = map[string]int{".volume": 0, ".network": 0, ".container": 1, ".kube": 1}

// Load reads the Quadlet files of dirs (a missing directory has none).
func Load(dirs []string) ([]*File, []error) {
	var files []*File
	var errs []error
	seen := map[string]bool{}
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("read %s: %w", d, err))
			}
			continue
		}
		for _, e := range ents {
			if _, ok := order[filepath.Ext(e.Name())]; !ok || e.IsDir() || seen[e.Name()] {
				continue
			}
			f, err := ParseFile(filepath.Join(d, e.Name()))
			if err == nil {
				err = addDropins(f, dirs)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			seen[e.Name()] = true
			files = append(files, f)
		}
	}
	sort.SliceStable(files, func(i, j int) bool {
		oi, oj := order[filepath.Ext(files[i].Name)], order[filepath.Ext(files[j].Name)]
		if oi != oj {
			return oi < oj
		}
		return files[i].Name < files[j].Name
	})
	return files, errs
}

// Generate converts every Quadlet file of o.Dirs and writes the units.
// A file that cannot be converted gets no unit; the others are still
// written. The errors, one per file, are returned.
func Generate(o Options) []error {
	files, errs := Load(o.Dirs)
	names := newNames()
	for _, f := range files {
		s, err := Convert(f, o.Husk, names)
		if err != nil {
			errs = append(errs, fmt.Errorf("converting %q: %w", f.Name, err))
			continue
		}
		if o.DryRun != nil {
			fmt.Fprintf(o.DryRun, "---%s---\n%s\n", s.Name, s.Bytes())
			continue
		}
		if err := write(o.Out, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Convert makes the unit of one file; names carries the names of the
// volumes and networks converted before.
func Convert(f *File, husk string, names *Names) (*Unit, error) {
	switch filepath.Ext(f.Name) {
	case ".container":
		return ConvertContainer(f, husk, names)
	case ".volume":
		return ConvertVolume(f, husk, names)
	case ".network":
		return ConvertNetwork(f, husk, names)
	case ".kube":
		return ConvertKube(f, husk, names)
	}
	return nil, fmt.Errorf("%s: not a Quadlet file (.container, .volume, .network or .kube)", f.Path)
}

// write writes s into out and enables it as its [Install] section asks:
// a generated unit cannot be "systemctl enable"d, so the generator makes
// the .wants/.requires links and aliases itself.
func write(out string, s *Unit) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	path := filepath.Join(out, s.Name)
	if err := os.WriteFile(path, s.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write unit: %w", err)
	}
	var links []string
	// A template (web@.service) is enabled as its DefaultInstance=, or
	// not at all: its [Install] still serves links made by hand.
	enabled := s.Name
	if base, ok := strings.CutSuffix(s.Name, "@.service"); ok {
		enabled = ""
		if d, ok := s.lookup("Install", "DefaultInstance"); ok && d != "" {
			enabled = base + "@" + d + ".service"
		}
	}
	for _, o := range s.opts {
		if o.Section != "Install" || o.Name == "DefaultInstance" {
			continue
		}
		w, err := splitWords(o.Value)
		if err != nil {
			return fmt.Errorf("%s: [Install] %s=: %w", s.Name, o.Name, err)
		}
		for _, target := range w {
			if strings.Contains(target, "/") {
				continue // unit names only, never paths
			}
			switch {
			case o.Name == "WantedBy" && enabled != "":
				links = append(links, filepath.Join(target+".wants", enabled))
			case o.Name == "RequiredBy" && enabled != "":
				links = append(links, filepath.Join(target+".requires", enabled))
			case o.Name == "Alias":
				links = append(links, target)
			}
		}
	}
	for _, l := range links {
		lp := filepath.Join(out, l)
		if err := os.MkdirAll(filepath.Dir(lp), 0o755); err != nil {
			return fmt.Errorf("enable %s: %w", s.Name, err)
		}
		rel, err := filepath.Rel(filepath.Dir(lp), path)
		if err != nil {
			return fmt.Errorf("enable %s: %w", s.Name, err)
		}
		_ = os.Remove(lp)
		if err := os.Symlink(rel, lp); err != nil {
			return fmt.Errorf("enable %s: %w", s.Name, err)
		}
	}
	return nil
}
