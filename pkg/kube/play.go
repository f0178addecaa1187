package kube

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// Runner runs husk for Play and Down: the commands a user would type, so
// that a played pod is made exactly as a typed one.
type Runner interface {
	// Husk runs husk with args, stdin (nil: none), and returns what it
	// printed on stdout, trimmed; its error carries husk's message.
	Husk(ctx context.Context, stdin []byte, args ...string) (string, error)
}

// ErrNoPod is Down's error for a pod of the YAML that does not exist.
var ErrNoPod = errors.New("no such pod")

// Play makes the pods, each with its secrets and volumes, and prints what
// it made as podman's kube play does. The pods are made side by side (at
// most maxParallel at once): they share nothing but claims' volumes,
// which are made first. When a step fails, everything this call made is
// removed again before the error is returned: nothing is left
// half-started.
func Play(ctx context.Context, r Runner, pods []Pod, o PlayOptions, w io.Writer) error {
	if err := build(ctx, r, pods, o); err != nil {
		return err
	}
	if err := makeClaims(ctx, r, pods); err != nil {
		return err
	}
	type result struct {
		id   string
		ctrs []string
		made undo
		err  error
	}
	results := make([]result, len(pods))
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxParallel)
	for i := range pods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			res := &results[i]
			res.id, res.ctrs, res.err = playPod(ctx, r, pods[i], &res.made)
		}()
	}
	wg.Wait()
	for i, res := range results {
		if res.err == nil {
			continue
		}
		for j := len(results) - 1; j >= 0; j-- {
			results[j].made.run(r)
		}
		return fmt.Errorf("pod %s: %w", pods[i].Name, res.err)
	}
	for _, res := range results {
		fmt.Fprintf(w, "Pod:\n%s\n", res.id)
		if len(res.ctrs) == 1 {
			fmt.Fprintf(w, "Container:\n%s\n\n", res.ctrs[0])
		} else {
			fmt.Fprintf(w, "Containers:\n%s\n\n", strings.Join(res.ctrs, "\n"))
		}
	}
	return nil
}

// maxParallel bounds the pods Play makes at once: each step is a husk
// process, and a machine of a few cores gains nothing from more.
const maxParallel = 4

// makeClaims makes the claims' volumes the pods lack (kept afterwards,
// also when the play fails), once each.
func makeClaims(ctx context.Context, r Runner, pods []Pod) error {
	done := map[string]bool{}
	for _, pod := range pods {
		for _, v := range pod.Volumes {
			if !v.Keep || done[v.Name] {
				continue
			}
			done[v.Name] = true
			if _, err := r.Husk(ctx, nil, "volume", "create", "--ignore", v.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

func playPod(ctx context.Context, r Runner, pod Pod, made *undo) (string, []string, error) {
	// The pod first: one that exists already is the first error.
	id, err := r.Husk(ctx, nil, pod.Create...)
	if err != nil {
		return "", nil, err
	}
	made.add("pod", "rm", "-f", pod.Name)
	for _, h := range pod.HostPaths {
		if err := makeHostPath(h); err != nil {
			return "", nil, err
		}
	}
	for _, v := range pod.Volumes {
		if v.Keep {
			continue // a claim's, made by makeClaims
		}
		args := []string{"volume", "create"}
		for _, o := range v.Opts {
			args = append(args, "--opt", o)
		}
		if _, err := r.Husk(ctx, nil, append(args, v.Name)...); err != nil {
			return "", nil, err
		}
		made.add("volume", "rm", "-f", v.Name)
		if len(v.Files) > 0 {
			archive, err := tarOf(v.Files)
			if err != nil {
				return "", nil, err
			}
			if _, err := r.Husk(ctx, archive, "volume", "import", v.Name, "-"); err != nil {
				return "", nil, err
			}
		}
	}
	for _, s := range pod.Secrets {
		if _, err := r.Husk(ctx, s.Data, "secret", "create", s.Name, "-"); err != nil {
			return "", nil, err
		}
		made.add("secret", "rm", s.Name)
	}
	for _, args := range pod.Init {
		if _, err := r.Husk(ctx, nil, args...); err != nil {
			return "", nil, fmt.Errorf("init container: %w", err)
		}
	}
	var ctrs []string
	for _, args := range pod.Containers {
		ctr, err := r.Husk(ctx, nil, args...)
		if err != nil {
			return "", nil, err
		}
		ctrs = append(ctrs, ctr)
	}
	return id, ctrs, nil
}

// undo is what Play made, removed in reverse order when it fails.
type undo [][]string

func (u *undo) add(args ...string) { *u = append(*u, args) }

func (u undo) run(r Runner) {
	// The caller's context may be what was cancelled: the clean-up gets
	// its own, bounded.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := len(u) - 1; i >= 0; i-- {
		_, _ = r.Husk(ctx, nil, u[i]...)
	}
}

// tarOf archives files (relative path → content), with the directories
// their paths need, for volume import.
func tarOf(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	dirs := map[string]bool{}
	for _, n := range names {
		for d := path.Dir(n); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755}); err != nil {
				return nil, err
			}
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(files[n]))}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// HostPath is a hostPath of type DirectoryOrCreate or FileOrCreate that
// Play makes when it is missing, as the kubelet does.
type HostPath struct {
	Path string
	Dir  bool
}

func makeHostPath(h HostPath) error {
	if h.Dir {
		if err := os.MkdirAll(h.Path, 0o755); err != nil {
			return fmt.Errorf("make hostPath %q: %w", h.Path, err)
		}
		return nil
	}
	f, err := os.OpenFile(h.Path, os.O_CREATE|os.O_RDONLY, 0o644)
	if err != nil {
		return fmt.Errorf("make hostPath %q: %w", h.Path, err)
	}
	return f.Close()
}

// Down removes the pods the YAML makes, with their containers, secrets
// and volumes (a claim's volume stays), printing podman's lists. A pod
// that does not exist is reported after the others are removed.
func Down(ctx context.Context, r Runner, pods []Pod, w io.Writer) error {
	var stopped, removed []string
	var missing []string
	for _, pod := range pods {
		if _, err := r.Husk(ctx, nil, "pod", "exists", pod.Name); err != nil {
			missing = append(missing, pod.Name)
			continue
		}
		stop := []string{"pod", "stop", "-t", "0", pod.Name}
		if pod.Grace != nil {
			stop = []string{"pod", "stop", pod.Name} // each container's --stop-timeout
		}
		if out, err := r.Husk(ctx, nil, stop...); err != nil {
			return err
		} else if out != "" {
			stopped = append(stopped, out)
		}
		out, err := r.Husk(ctx, nil, "pod", "rm", "-f", pod.Name)
		if err != nil {
			return err
		}
		if out != "" {
			removed = append(removed, out)
		}
	}
	for _, pod := range pods {
		for _, s := range pod.Secrets {
			_, _ = r.Husk(ctx, nil, "secret", "rm", s.Name)
		}
		for _, v := range pod.Volumes {
			if !v.Keep {
				_, _ = r.Husk(ctx, nil, "volume", "rm", "-f", v.Name)
			}
		}
	}
	if len(stopped) > 0 {
		fmt.Fprintf(w, "Pods stopped:\n%s\n", strings.Join(stopped, "\n"))
	}
	if len(removed) > 0 {
		fmt.Fprintf(w, "Pods removed:\n%s\n", strings.Join(removed, "\n"))
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrNoPod, strings.Join(missing, ", "))
	}
	return nil
}
