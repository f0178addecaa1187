package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/openshift/imagebuilder"
	"github.com/openshift/imagebuilder/dockerfile/parser"
	"go.podman.io/buildah/define"

	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/build/buildopts"
)

// A rebuild with nothing changed gives the image the last build gave:
// buildah finds every step in its layer cache and returns the same ID. It
// gets there slowly, though: for every step it makes, mounts and removes a
// working container, and it hashes each COPY source in a re-executed
// helper process, ~1 s for six steps and 1000 small files here. husk
// skips the engine when it can prove the answer is the same: the key below
// covers everything buildah's cache depends on (the Containerfiles, the
// context's content, the options that change the image, and the IDs of
// the base images as the store resolves them now), and a build whose
// result depends on something the key cannot see (a URL, another image
// mounted or copied from, a pull policy that asks the registry) does not
// qualify. A key is recorded only after a build that succeeded and whose
// inputs did not change while it ran.

// reuseVersion changes when the key's content changes.
const reuseVersion = "husk-build-reuse/1"

// Bounds on the context a key is made for: a larger one is built by
// buildah as usual (which hashes it too).
const (
	reuseMaxContextBytes   = 256 << 20
	reuseMaxContextEntries = 100000
)

// reuseKey is a build's inputs, hashed; steps are the instructions, for the
// output. context is the context's digest alone (set even when the key
// could not be made for another reason).
type reuseKey struct {
	key, context string
	steps        []step
}

// step is an instruction as buildah announces it.
type step struct {
	stage, stages, n, total int
	text                    string
}

func (s step) String() string {
	prefix := ""
	if s.stages > 1 {
		prefix = fmt.Sprintf("[%d/%d] ", s.stage, s.stages)
	}
	return fmt.Sprintf("%sSTEP %d/%d: %s", prefix, s.n, s.total, s.text)
}

// errNoReuse: the build depends on something a key cannot cover.
var errNoReuse = errors.New("not reusable")

// keyMaterial is what the key hashes.
type keyMaterial struct {
	Version        string            `json:"v"`
	Engine         string            `json:"engine"`
	Containerfiles []string          `json:"containerfiles"`
	Context        string            `json:"context"`
	IgnoreFile     string            `json:"ignoreFile,omitempty"`
	Bases          []string          `json:"bases"`
	Args           map[string]string `json:"args"`
	Target         string            `json:"target"`
	Format         string            `json:"format"`
	Labels         []string          `json:"labels"`
	Annotations    []string          `json:"annotations"`
	Platforms      []string          `json:"platforms"`
	Envs           []string          `json:"envs"`
	Timestamp      *int64            `json:"timestamp"`
}

// makeReuseKey returns the key of a build, or errNoReuse (or another
// error, which means the same) when it has none.
func makeReuseKey(env Env, o buildopts.Options) (reuseKey, error) {
	if o.NoCache || !o.Layers || o.Squash || len(o.CacheFrom) > 0 || len(o.CacheTo) > 0 || len(o.Platforms) > 1 ||
		(o.Pull != "" && o.Pull != buildopts.PullMissing && o.Pull != buildopts.PullNever) {
		return reuseKey{}, errNoReuse
	}
	m := keyMaterial{
		Version: reuseVersion, Engine: define.Version, Args: o.Args, Target: o.Target, Format: o.Format,
		Labels: o.Labels, Annotations: o.Annotations, Platforms: o.Platforms, Envs: o.Envs, Timestamp: o.Timestamp,
	}
	var root *parser.Node
	for _, f := range o.Containerfiles {
		if strings.HasSuffix(f, ".in") { // run through cpp by buildah
			return reuseKey{}, errNoReuse
		}
		b, err := userfile.Read(f, buildopts.MaxContainerfileSize)
		if err != nil {
			return reuseKey{}, err
		}
		m.Containerfiles = append(m.Containerfiles, hashBytes(b))
		node, err := imagebuilder.ParseDockerfile(bytes.NewReader(b))
		if err != nil {
			return reuseKey{}, err
		}
		if root == nil {
			root = node
		} else {
			root.Children = append(root.Children, node.Children...)
		}
	}
	if root == nil {
		return reuseKey{}, errNoReuse
	}
	stages, err := imagebuilder.NewStages(root, imagebuilder.NewBuilder(o.Args))
	if err != nil {
		return reuseKey{}, err
	}
	if o.Target != "" {
		if stages, _ = stages.ThroughTarget(o.Target); len(stages) == 0 {
			return reuseKey{}, errNoReuse
		}
	}
	var k reuseKey
	if k.context, err = hashTree(o.ContextDir); err != nil {
		return reuseKey{}, err
	}
	m.Context = k.context
	if m.Bases, k.steps, err = stageBases(env, stages); err != nil {
		return k, err
	}
	if o.IgnoreFile != "" {
		b, err := userfile.Read(o.IgnoreFile, buildopts.MaxContainerfileSize)
		if err != nil {
			return reuseKey{}, err
		}
		m.IgnoreFile = hashBytes(b)
	}
	j, err := json.Marshal(m)
	if err != nil {
		return k, err
	}
	k.key = hashBytes(j)
	return k, nil
}

// stageBases resolves each stage's base (an earlier stage, scratch, or an
// image in the store, by ID) and lists the instructions as buildah
// announces them.
func stageBases(env Env, stages imagebuilder.Stages) (bases []string, steps []step, err error) {
	names := map[string]bool{}
	for i, st := range stages {
		// From takes the FROM instruction out of the stage's children.
		children := slices.Clone(st.Node.Children)
		from, err := st.Builder.From(st.Node)
		if err != nil {
			return nil, nil, err
		}
		for j, n := range children {
			if err := checkInstruction(n, names); err != nil {
				return nil, nil, err
			}
			steps = append(steps, step{stage: i + 1, stages: len(stages), n: j + 1, total: len(children), text: n.Original})
		}
		switch {
		case from == "scratch":
			bases = append(bases, "scratch")
		case names[from]:
			bases = append(bases, "stage:"+from)
		case !qualified(from) || strings.Contains(children[0].Original, "$"):
			// A short name resolves through registries.conf in buildah
			// and by husk's own rules here; a FROM with variables may use
			// the TARGET*/BUILD* arguments buildah defines. Either could
			// resolve otherwise than here.
			return nil, nil, errNoReuse
		default:
			img, _, err := env.Store.Lookup(from)
			if err != nil {
				return nil, nil, errNoReuse // buildah pulls it, or fails
			}
			bases = append(bases, img.ID)
		}
		names[st.Name] = true
		names[strconv.Itoa(st.Position)] = true
	}
	return bases, steps, nil
}

// checkInstruction refuses instructions whose result depends on what a key
// cannot cover: a remote source, or another image than the stages' bases.
func checkInstruction(n *parser.Node, stages map[string]bool) error {
	switch strings.ToLower(n.Value) {
	case "from":
		for _, f := range n.Flags {
			if strings.HasPrefix(f, "--platform") {
				return errNoReuse
			}
		}
	case "add", "copy", "run":
		for _, f := range n.Flags {
			if v, ok := strings.CutPrefix(f, "--from="); ok && !stages[v] {
				return errNoReuse
			}
			if strings.HasPrefix(f, "--mount") && strings.Contains(f, "from=") {
				return errNoReuse
			}
		}
		if strings.EqualFold(n.Value, "add") {
			for a := n.Next; a != nil; a = a.Next {
				if strings.Contains(a.Value, "://") || strings.HasPrefix(a.Value, "git@") {
					return errNoReuse
				}
			}
		}
	case "onbuild":
		return nil
	}
	return nil
}

// hashTree digests a directory's names, types, modes, link targets and
// file contents, without following links; it gives up on a context over
// the bounds.
func hashTree(dir string) (string, error) {
	// The context may be named through a link (buildah follows it);
	// WalkDir would digest the link alone.
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	var bytesRead int64
	entries := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entries++; entries > reuseMaxContextEntries {
			return errNoReuse
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%q %o %d\n", rel, info.Mode(), info.Size())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "-> %q\n", t)
		case info.Mode().IsRegular():
			if bytesRead += info.Size(); bytesRead > reuseMaxContextBytes {
				return errNoReuse
			}
			return hashFile(h, p, info.Size())
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h io.Writer, p string, size int64) error {
	f, err := os.OpenFile(p, os.O_RDONLY|syscallNoFollow, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(h, io.LimitReader(f, size+1))
	if err != nil {
		return err
	}
	if n != size {
		return errNoReuse // changing under us
	}
	return nil
}

func hashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// reuseDir holds the recorded keys: one file per key, naming the image.
func reuseDir(env Env) string { return filepath.Join(env.Store.GraphRoot, "husk-build-cache") }

// lookupReuse returns the image a key names, if it is still in the store.
func lookupReuse(env Env, k reuseKey) (string, bool) {
	p := filepath.Join(reuseDir(env), k.key)
	b, err := userfile.Read(p, 256)
	if err != nil {
		return "", false
	}
	id := strings.TrimSpace(string(b))
	if _, err := env.Store.Image(id); err != nil {
		_ = os.Remove(p)
		return "", false
	}
	return id, true
}

// recordReuse remembers that key k built image id.
func recordReuse(env Env, k reuseKey, id string) error {
	dir := reuseDir(env)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	_, werr := tmp.WriteString(id + "\n")
	if err := errors.Join(werr, tmp.Close()); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, k.key))
}

// reuse finishes a build whose result is image id: the names, the ID
// file and what buildah would print.
func reuse(env Env, o buildopts.Options, k reuseKey, id string) (Result, error) {
	if len(o.Tags) > 0 {
		if err := env.Store.Tag(id, o.Tags); err != nil {
			return Result{}, err
		}
	}
	if o.IIDFile != "" {
		if err := os.WriteFile(o.IIDFile, []byte("sha256:"+id), 0o644); err != nil {
			return Result{}, fmt.Errorf("write the image ID to %s: %w", o.IIDFile, err)
		}
	}
	if !o.Quiet && env.Stdout != nil {
		var b strings.Builder
		for _, s := range k.steps {
			fmt.Fprintln(&b, s)
			if s.n > 1 { // buildah says nothing more of FROM
				b.WriteString("--> Using cache (unchanged build)\n")
			}
		}
		fmt.Fprintf(&b, "--> Nothing changed since the build of %.12s: its image is reused\n", id)
		if len(o.Tags) > 0 {
			fmt.Fprintf(&b, "COMMIT %s\n", o.Tags[0])
		}
		fmt.Fprintf(&b, "--> %.12s\n", id)
		for _, t := range o.Tags {
			fmt.Fprintf(&b, "Successfully tagged %s\n", qualify(t))
		}
		fmt.Fprintln(&b, id)
		if _, err := io.WriteString(env.Stdout, b.String()); err != nil {
			return Result{}, err
		}
	}
	r := Result{ID: id}
	if len(o.Tags) > 0 {
		r.Ref = qualify(o.Tags[0])
	}
	return r, nil
}

// qualified: a name with a registry, or an image ID.
func qualified(ref string) bool {
	if strings.HasPrefix(ref, "sha256:") || (len(ref) == 64 && strings.Trim(ref, "0123456789abcdef") == "") {
		return true
	}
	first, _, ok := strings.Cut(ref, "/")
	return ok && (strings.ContainsAny(first, ".:") || first == "localhost")
}

// qualify is a name as the store keeps it (localhost/ and :latest added).
func qualify(name string) string {
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash || (!strings.ContainsAny(first, ".:") && first != "localhost") {
		name = "localhost/" + name
	}
	if i := strings.LastIndex(name, "/"); !strings.Contains(name[i:], ":") && !strings.Contains(name, "@") {
		name += ":latest"
	}
	return name
}
