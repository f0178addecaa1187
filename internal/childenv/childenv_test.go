package childenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every HUSK_ or _CONTAINERS_ name husk's product source uses (Go and C,
// tests aside) is listed in this package.
func TestEveryVariableIsListed(t *testing.T) {
	root := filepath.Join("..", "..")
	name := regexp.MustCompile(`"(HUSK_[A-Z0-9_]+|_CONTAINERS_[A-Z0-9_]+)[="]`)
	found := map[string]string{}
	for _, dir := range []string{"cmd", "pkg", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if strings.HasSuffix(path, "_test.go") || strings.Contains(path, "childenv") {
				return nil
			}
			if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".c") && !strings.HasSuffix(path, ".h") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range name.FindAllStringSubmatch(string(b), -1) {
				found[m[1]] = path
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(found) == 0 {
		t.Fatal("found no variable at all: the walk is broken")
	}
	for v, path := range found {
		if !slices.Contains(All, v) {
			t.Errorf("%s uses %s, which internal/childenv does not list", path, v)
		}
	}
}
