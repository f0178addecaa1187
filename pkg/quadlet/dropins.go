package quadlet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// addDropins merges f's drop-ins, as podman 4.5+ and systemd do: the
// *.conf files of NAME.container.d/ in every directory read (a name in
// an earlier directory hiding the same name in later ones), in the
// order of their names, their lines added after the file's own. A key
// given once (Image=) takes the drop-in's value; a list (Volume=) grows.
func addDropins(f *File, dirs []string) error {
	paths := map[string]string{}
	for _, d := range dirs {
		dir := filepath.Join(d, f.Name+".d")
		ents, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("read %s: %w", dir, err)
			}
			continue
		}
		for _, e := range ents {
			if _, ok := paths[e.Name()]; ok || e.IsDir() || !strings.HasSuffix(e.Name(), ".conf") {
				continue
			}
			paths[e.Name()] = filepath.Join(dir, e.Name())
		}
	}
	names := make([]string, 0, len(paths))
	for n := range paths {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d, err := ParseFile(paths[n])
		if err != nil {
			return err
		}
		f.opts = append(f.opts, d.opts...)
	}
	return nil
}
