package build

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/build/buildopts"
	"github.com/husk-dev/husk/pkg/storage/storagetest"
)

// reuseFixture is a context with a Containerfile, in a store that holds
// one image named localhost/base.
func reuseFixture(t *testing.T, containerfile string) (Env, buildopts.Options) {
	t.Helper()
	store := storagetest.VFS(t)
	if _, err := store.CreateImage("", []string{"localhost/base:latest"}, "", "", nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Containerfile"), containerfile)
	write(t, filepath.Join(dir, "a.txt"), "a")
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	return Env{Store: store}, buildopts.Options{
		ContextDir: dir, Containerfiles: []string{filepath.Join(dir, "Containerfile")},
		Layers: true, Args: map[string]string{}, Pull: buildopts.PullMissing,
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustKey(t *testing.T, env Env, o buildopts.Options) reuseKey {
	t.Helper()
	k, err := makeReuseKey(env, o)
	if err != nil {
		t.Fatalf("makeReuseKey: %v", err)
	}
	return k
}

// Every input buildah's cache depends on changes the key; nothing else
// does.
func TestReuseKeyCoversInputs(t *testing.T) {
	env, o := reuseFixture(t, "FROM localhost/base\nARG V=1\nCOPY a.txt /a\nRUN echo $V\n")
	k0 := mustKey(t, env, o)
	if k1 := mustKey(t, env, o); k1.key != k0.key {
		t.Fatal("the same inputs gave two keys")
	}
	if len(k0.steps) != 4 || k0.steps[0].String() != "STEP 1/4: FROM localhost/base" || k0.steps[3].String() != "STEP 4/4: RUN echo $V" {
		t.Errorf("steps = %v", k0.steps)
	}
	changes := map[string]func(*buildopts.Options){
		"a context file": func(o *buildopts.Options) { write(t, filepath.Join(o.ContextDir, "a.txt"), "b") },
		"a new file":     func(o *buildopts.Options) { write(t, filepath.Join(o.ContextDir, "new"), "") },
		"a file's mode":  func(o *buildopts.Options) { _ = os.Chmod(filepath.Join(o.ContextDir, "a.txt"), 0o600) },
		"a link's target": func(o *buildopts.Options) {
			_ = os.Remove(filepath.Join(o.ContextDir, "link"))
			_ = os.Symlink("other", filepath.Join(o.ContextDir, "link"))
		},
		"the Containerfile": func(o *buildopts.Options) {
			write(t, o.Containerfiles[0], "FROM localhost/base\nARG V=1\nCOPY a.txt /a\nRUN echo $V  \n")
		},
		"a build argument": func(o *buildopts.Options) { o.Args = map[string]string{"V": "2"} },
		"a label":          func(o *buildopts.Options) { o.Labels = []string{"a=b"} },
		"the format":       func(o *buildopts.Options) { o.Format = buildopts.FormatDocker },
		"the target":       func(o *buildopts.Options) { o.Target = "0" },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			env, o := reuseFixture(t, "FROM localhost/base\nARG V=1\nCOPY a.txt /a\nRUN echo $V\n")
			before := mustKey(t, env, o)
			change(&o)
			if after := mustKey(t, env, o); after.key == before.key {
				t.Errorf("changing %s kept the key", name)
			}
		})
	}
	t.Run("the base image", func(t *testing.T) {
		env, o := reuseFixture(t, "FROM localhost/base\n")
		before := mustKey(t, env, o)
		img, err := env.Store.CreateImage("", nil, "", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.Store.Tag(img.ID, []string{"localhost/base:latest"}); err != nil {
			t.Fatal(err)
		}
		if after := mustKey(t, env, o); after.key == before.key {
			t.Error("a new image under the base's name kept the key")
		}
	})
}

// What the key cannot see makes a build ineligible.
func TestReuseRefusesWhatItCannotSee(t *testing.T) {
	for name, c := range map[string]struct {
		containerfile string
		opts          func(*buildopts.Options)
	}{
		"--no-cache":          {"FROM localhost/base\n", func(o *buildopts.Options) { o.NoCache = true }},
		"--layers=false":      {"FROM localhost/base\n", func(o *buildopts.Options) { o.Layers = false }},
		"--pull=always":       {"FROM localhost/base\n", func(o *buildopts.Options) { o.Pull = buildopts.PullAlways }},
		"--squash":            {"FROM localhost/base\n", func(o *buildopts.Options) { o.Squash = true }},
		"--cache-from":        {"FROM localhost/base\n", func(o *buildopts.Options) { o.CacheFrom = []string{"r/x"} }},
		"ADD URL":             {"FROM localhost/base\nADD https://example.invalid/x /x\n", nil},
		"COPY from an image":  {"FROM localhost/base\nCOPY --from=localhost/other /x /x\n", nil},
		"RUN mounts an image": {"FROM localhost/base\nRUN --mount=type=bind,from=localhost/other,target=/o true\n", nil},
		"short base name":     {"FROM base\n", nil},
		"base not stored":     {"FROM localhost/absent\n", nil},
		"FROM with variables": {"ARG TAG=latest\nFROM localhost/base:$TAG\n", nil},
		"FROM --platform":     {"FROM --platform=linux/amd64 localhost/base\n", nil},
	} {
		t.Run(name, func(t *testing.T) {
			env, o := reuseFixture(t, c.containerfile)
			if c.opts != nil {
				c.opts(&o)
			}
			if k, err := makeReuseKey(env, o); err == nil {
				t.Errorf("got key %s, want none", k.key)
			}
		})
	}
}

// Stages and scratch resolve without the store; a later stage may copy
// from an earlier one.
func TestReuseMultiStage(t *testing.T) {
	env, o := reuseFixture(t, "FROM scratch AS files\nCOPY a.txt /a\nFROM localhost/base\nCOPY --from=files /a /a\nFROM files\n")
	k := mustKey(t, env, o)
	var got []string
	for _, s := range k.steps {
		got = append(got, s.String())
	}
	want := "[1/3] STEP 1/2: FROM scratch AS files|[1/3] STEP 2/2: COPY a.txt /a|[2/3] STEP 1/2: FROM localhost/base|[2/3] STEP 2/2: COPY --from=files /a /a|[3/3] STEP 1/1: FROM files"
	if strings.Join(got, "|") != want {
		t.Errorf("steps:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}

// A recorded key leads to its image while the image exists, and what is
// printed reads as buildah's cached build.
func TestReuseRecordAndLookup(t *testing.T) {
	env, o := reuseFixture(t, "FROM localhost/base\nRUN true\n")
	img, err := env.Store.CreateImage("", nil, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	k := mustKey(t, env, o)
	if _, ok := lookupReuse(env, k); ok {
		t.Fatal("found a key never recorded")
	}
	if err := recordReuse(env, k, img.ID); err != nil {
		t.Fatal(err)
	}
	id, ok := lookupReuse(env, k)
	if !ok || id != img.ID {
		t.Fatalf("lookupReuse = %q, %v", id, ok)
	}
	var out bytes.Buffer
	env.Stdout = &out
	o.Tags = []string{"app:1"}
	r, err := reuse(env, o, k, id)
	if err != nil || r.ID != img.ID || r.Ref != "localhost/app:1" {
		t.Fatalf("reuse = %+v, %v", r, err)
	}
	for _, want := range []string{"STEP 1/2: FROM localhost/base\nSTEP 2/2: RUN true\n--> Using cache (unchanged build)\n", "Successfully tagged localhost/app:1\n" + img.ID + "\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if found, _, err := env.Store.Lookup("localhost/app:1"); err != nil || found.ID != img.ID {
		t.Errorf("the tag: %v, %v", found, err)
	}
	if _, err := env.Store.DeleteImage(img.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, ok := lookupReuse(env, k); ok {
		t.Error("a key leads to a removed image")
	}
}

func TestHashTreeBounds(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "big"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(reuseMaxContextBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := hashTree(dir); !errors.Is(err, errNoReuse) {
		t.Errorf("a context over the bound: %v", err)
	}
	if err := os.Chmod(filepath.Join(dir, "big"), 0); err == nil && os.Getuid() != 0 {
		if _, err := hashTree(dir); err == nil {
			t.Error("an unreadable file gave a digest")
		}
	}
}

func TestQualify(t *testing.T) {
	for in, want := range map[string]string{
		"app": "localhost/app:latest", "app:1": "localhost/app:1", "reg.example/a/b": "reg.example/a/b:latest",
		"127.0.0.1:5055/x:2": "127.0.0.1:5055/x:2", "user/app": "localhost/user/app:latest",
	} {
		if got := qualify(in); got != want {
			t.Errorf("qualify(%q) = %q, want %q", in, got, want)
		}
	}
}

// A context named through a link is digested through it: its files count.
func TestHashTreeThroughLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(real, "f"), "1")
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	before, err := hashTree(link)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(real, "f"), "2")
	if after, _ := hashTree(link); after == before {
		t.Error("a changed file behind the context's link kept the digest")
	}
}
