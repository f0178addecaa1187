package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"

	"github.com/husk-dev/husk/internal/labels"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// Create records a new container for an image already in the store. The
// rootfs is not mounted until Start.
func Create(ctx context.Context, env Env, cfg Config) (*Container, error) {
	return CreateEarly(ctx, env, cfg, nil)
}

// CreateEarly is Create for a container whose runtime was started early:
// the container gets early's id (nil: a new one).
func CreateEarly(ctx context.Context, env Env, cfg Config, early *Early) (*Container, error) {
	imageID, err := createImage(env, cfg)
	if err != nil {
		return nil, err
	}
	cfg.ImageID = imageID
	if cfg.Name == "" {
		cfg.Name = randomName()
	} else if err := validName(cfg.Name); err != nil {
		return nil, err
	}
	if err := checkCreate(env, &cfg); err != nil {
		return nil, err
	}
	// A --rm container does not outlive a reboot: its records go to the
	// run root without fsync (as podman does), which saves most of the
	// storage work of a short run.
	opts := &cstorage.ContainerOptions{Volatile: cfg.Remove}
	if cfg.ownUserNS() {
		uidMap, gidMap := userNSMaps(env, &cfg)
		opts.UIDMap = toIDMap(uidMap)
		opts.GIDMap = toIDMap(gidMap)
	}
	var exposed, imageVolumes map[string]struct{}
	imageUser := ""
	if ic, err := env.Store.ImageConfig(imageID); imageID != "" && err == nil {
		imageVolumes = ic.Config.Volumes
		if cfg.StopSignal == "" {
			cfg.StopSignal = ic.Config.StopSignal
		}
		exposed = ic.Config.ExposedPorts
		imageUser = ic.Config.User
		// As podman: the image's labels, then --label-file, then --label.
		cfg.Labels = labels.Merge(ic.Config.Labels, cfg.Labels)
	}
	addAnonymousVolumes(&cfg, imageVolumes)
	resolveHealth(&cfg, imageHealth(env, imageID))
	if err := checkCreateUser(env, cfg, imageUser); err != nil {
		return nil, err
	}
	if err := normalizeNetwork(env, &cfg, withExposed(exposed, cfg.Expose)); err != nil {
		return nil, err
	}
	sc, err := env.Store.CreateContainer(early.id(), []string{cfg.Name}, imageID, "", newStorageMetadata(), opts)
	if err != nil {
		if errors.Is(err, cstorage.ErrDuplicateName) {
			return nil, fmt.Errorf("the container name %q is already in use: remove that container or choose another name", cfg.Name)
		}
		return nil, fmt.Errorf("create container: %w", err)
	}
	dir, err := env.Store.ContainerDirectory(sc.ID)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		_ = env.Store.DeleteContainer(sc.ID)
		return nil, fmt.Errorf("container directory: %w", err)
	}
	early.take()
	c := &Container{ID: sc.ID, Name: cfg.Name, Config: cfg, Dir: dir,
		State: State{Status: StatusCreated, CreatedAt: time.Now().UTC()}}
	// This process works on the container until Start has it running (run)
	// or Prepare has written its bundle (create): a kill in between leaves
	// a container a later command reconciles (a --rm one is removed).
	err = markStarting(c)
	if err == nil {
		err = c.Save()
	}
	if err != nil {
		_ = env.Store.DeleteContainer(sc.ID)
		return nil, err
	}
	RecordEvent(env, c, events.Create)
	return c, nil
}

// checkCreate checks what the container asks for before anything is
// created, and resolves the containers it names.
func checkCreate(env Env, cfg *Config) error {
	if err := checkResources(env, *cfg); err != nil {
		return err
	}
	if err := checkRunOptions(env, *cfg); err != nil {
		return err
	}
	if err := resolveUserns(env, cfg); err != nil {
		return err
	}
	if err := resolveImageMounts(env, cfg); err != nil {
		return err
	}
	if err := resolveNamespaceContainers(env, cfg); err != nil {
		return err
	}
	if err := resolveServices(env, cfg); err != nil {
		return err
	}
	if err := resolveDevices(env, cfg); err != nil {
		return err
	}
	return addVolumesFrom(env, cfg)
}

// checkResources refuses, before anything is created or started, limits
// that are invalid or that the host cannot enforce.
func checkResources(env Env, cfg Config) error {
	if err := cfg.Resources.Validate(); err != nil {
		return err
	}
	if err := checkCgroupParent(env, cfg); err != nil {
		return err
	}
	if cfg.Resources.Empty() {
		return nil
	}
	if env.Cgroups == nil {
		return setting.Errorf("{" + cfg.Resources.Limits()[0].Setting + "} needs cgroups, which husk could not inspect on this host")
	}
	return env.Cgroups.Check(cfg.Resources, cfg.CgroupsDisabled)
}

// runtimeCgroupArgs are the runtime's global flags for a cgroup plan.
// keepIDMap is keep-id's map of one kind: the container's id is the
// user (0 in husk's namespace), the ids below and above it the
// subordinate ones.
func keepIDMap(env Env, id uint32) []spec.IDMap {
	if env.SingleID {
		return []spec.IDMap{{ContainerID: id, HostID: 0, Size: 1}}
	}
	const size = 65536
	m := []spec.IDMap{{ContainerID: 0, HostID: 1, Size: id}, {ContainerID: id, HostID: 0, Size: 1}}
	if id+1 < size {
		m = append(m, spec.IDMap{ContainerID: id + 1, HostID: id + 1, Size: size - id - 1})
	}
	if id == 0 {
		m = m[1:]
	}
	return m
}

func toIDMap(m []spec.IDMap) []idtools.IDMap {
	var out []idtools.IDMap
	for _, e := range m {
		out = append(out, idtools.IDMap{ContainerID: int(e.ContainerID), HostID: int(e.HostID), Size: int(e.Size)})
	}
	return out
}

// Prepare writes the bundle's config.json for a created container, so
// that inspect shows the complete security profile before it first runs.
// Start writes it again (the mount may differ).
func Prepare(ctx context.Context, env Env, c *Container) error {
	rootfs, err := mountRoot(env, c)
	if err != nil {
		return err
	}
	defer unmountRoot(env, c)
	np := netPlan{info: netns.ModeInfo(c.Config.Net.Mode), preparing: true}
	if c.Config.Net.OwnNamespace() {
		np.nsPath = netns.NetnsPath(netRunDir(env), c.ID)
	}
	spec, err := buildSpec(ctx, env, c, rootfs, np)
	if err != nil {
		return err
	}
	if env.Cgroups != nil {
		spec.Linux.CgroupsPath, spec.Linux.Resources = env.Cgroups.SpecForIn(c.Config.CgroupParent, c.ID, c.Config.Resources, c.Config.CgroupsDisabled)
	}
	if err := writeSpec(c, spec); err != nil {
		return err
	}
	unmarkStarting(c) // created: nothing more is in progress
	return nil
}

func writeSpec(c *Container, spec any) error {
	b, err := encodeSpec(spec)
	if err != nil {
		return err
	}
	return writeSpecFile(c, b)
}

func encodeSpec(spec any) ([]byte, error) {
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode config.json: %w", err)
	}
	return b, nil
}

func writeSpecFile(c *Container, b []byte) error {
	// Written aside and renamed: no reader (inspect, a runtime) sees half
	// of it.
	tmp := c.BundleSpec() + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write config.json: %w", err)
	}
	if err := os.Rename(tmp, c.BundleSpec()); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write config.json: %w", err)
	}
	return nil
}

func randomName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	adjectives := []string{"brave", "calm", "eager", "fond", "keen", "quiet", "swift", "wise", "bold", "kind"}
	nouns := []string{"husk", "kernel", "seed", "grain", "shell", "pod", "hull", "bran", "chaff", "corn"}
	return adjectives[int(b[0])%len(adjectives)] + "_" + nouns[int(b[1])%len(nouns)] + "_" + hex.EncodeToString(b[2:])
}

func validName(n string) error {
	for i, r := range n {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '_' || r == '.' || r == '-'))
		if !ok {
			return fmt.Errorf("invalid container name %q: use letters, digits, '_', '.', '-' (not first)", n)
		}
	}
	if n == "" {
		return fmt.Errorf("empty container name")
	}
	return nil
}
