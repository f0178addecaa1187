package kube

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/husk-dev/husk/internal/setting"
)

// podVolume is one of spec.volumes, planned.
type podVolume struct {
	name   string
	source corev1.VolumeSource
	// create: a missing hostPath Play makes.
	create *HostPath
	// volume is the named volume it is (emptyDir, configMap, claim).
	volume *Volume
}

// volumes plans the pod's volumes; a hostPath must be one the user can
// reach now (its type is checked as the kubelet checks it).
func (p *planner) volumes(pod string, spec *corev1.PodSpec) (map[string]*podVolume, error) {
	vols := map[string]*podVolume{}
	for _, v := range spec.Volumes {
		if vols[v.Name] != nil {
			return nil, fmt.Errorf("volume %q is defined twice", v.Name)
		}
		pv := &podVolume{name: v.Name, source: v.VolumeSource}
		src := v.VolumeSource
		switch {
		case src.HostPath != nil:
			create, err := checkHostPath(src.HostPath)
			if err != nil && !p.opts.Down {
				return nil, fmt.Errorf("volume %q: %w", v.Name, err)
			}
			pv.create = create
		case src.EmptyDir != nil:
			vol := &Volume{Name: resourceName(pod, v.Name)}
			if src.EmptyDir.Medium == corev1.StorageMediumMemory {
				vol.Opts = []string{"type=tmpfs", "device=tmpfs"}
				if q := src.EmptyDir.SizeLimit; q != nil {
					vol.Opts = append(vol.Opts, "o=size="+strconv.FormatInt(q.Value(), 10))
				}
			} else if src.EmptyDir.Medium != corev1.StorageMediumDefault {
				return nil, fmt.Errorf("volume %q: emptyDir medium %q is not supported", v.Name, src.EmptyDir.Medium)
			}
			pv.volume = vol
		case src.PersistentVolumeClaim != nil:
			pv.volume = &Volume{Name: src.PersistentVolumeClaim.ClaimName, Keep: true}
		case src.ConfigMap != nil:
			cm := p.configMap(src.ConfigMap.Name)
			if cm == nil && !optional(src.ConfigMap.Optional) && !p.opts.Down {
				return nil, setting.Errorf("volume %q: ConfigMap %q is not in the YAML nor given with {configmap}", v.Name, src.ConfigMap.Name)
			}
			files, err := keyFiles(cmBytes(cm), src.ConfigMap.Items)
			if err != nil && !p.opts.Down {
				return nil, fmt.Errorf("volume %q: %w", v.Name, err)
			}
			pv.volume = &Volume{Name: resourceName(pod, v.Name), Files: files}
		case src.Secret != nil:
			if s := p.secret(src.Secret.SecretName); s == nil && !optional(src.Secret.Optional) && !p.opts.Down {
				return nil, fmt.Errorf("volume %q: Secret %q is not in the YAML", v.Name, src.Secret.SecretName)
			}
		default:
			return nil, fmt.Errorf("volume %q: only hostPath, emptyDir, persistentVolumeClaim, configMap and secret volumes are supported", v.Name)
		}
		vols[v.Name] = pv
	}
	return vols, nil
}

func cmBytes(cm *corev1.ConfigMap) map[string][]byte {
	out := map[string][]byte{}
	if cm == nil {
		return out
	}
	for k, v := range cm.Data {
		out[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		out[k] = v
	}
	return out
}

// keyFiles maps keys to the relative paths they appear at (items, or every
// key at its own name); a path may not leave the volume.
func keyFiles(data map[string][]byte, items []corev1.KeyToPath) (map[string][]byte, error) {
	files := map[string][]byte{}
	if len(items) == 0 {
		for k, v := range data {
			files[k] = v
		}
		return files, nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return nil, fmt.Errorf("key %q not found", it.Key)
		}
		if !localPath(it.Path) {
			return nil, fmt.Errorf("item path %q must be relative and stay inside the volume", it.Path)
		}
		files[it.Path] = v
	}
	return files, nil
}

func localPath(p string) bool { return p != "" && filepath.IsLocal(p) }

func checkHostPath(h *corev1.HostPathVolumeSource) (*HostPath, error) {
	if !filepath.IsAbs(h.Path) {
		return nil, fmt.Errorf("hostPath %q must be absolute", h.Path)
	}
	t := corev1.HostPathUnset
	if h.Type != nil {
		t = *h.Type
	}
	st, err := os.Stat(h.Path)
	if errors.Is(err, fs.ErrNotExist) && (t == corev1.HostPathDirectoryOrCreate || t == corev1.HostPathFileOrCreate) {
		return &HostPath{Path: h.Path, Dir: t == corev1.HostPathDirectoryOrCreate}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hostPath %q: %w: it must exist and be reachable by you", h.Path, err)
	}
	ok := true
	switch t {
	case corev1.HostPathDirectory, corev1.HostPathDirectoryOrCreate:
		ok = st.IsDir()
	case corev1.HostPathFile, corev1.HostPathFileOrCreate:
		ok = st.Mode().IsRegular()
	case corev1.HostPathSocket:
		ok = st.Mode()&fs.ModeSocket != 0
	case corev1.HostPathCharDev:
		ok = st.Mode()&fs.ModeCharDevice != 0
	case corev1.HostPathBlockDev:
		ok = st.Mode()&fs.ModeDevice != 0 && st.Mode()&fs.ModeCharDevice == 0
	}
	if !ok {
		return nil, fmt.Errorf("hostPath %q is not of type %s", h.Path, t)
	}
	return nil, nil
}

// mountArgs plans a container's volumeMounts.
func (p *planner) mountArgs(cx *ctrContext, c *corev1.Container) ([]string, error) {
	var args []string
	for _, m := range c.VolumeMounts {
		v := cx.vols[m.Name]
		if v == nil {
			return nil, fmt.Errorf("volumeMount %q: no such volume in spec.volumes", m.Name)
		}
		if m.MountPropagation != nil && *m.MountPropagation != corev1.MountPropagationNone || m.SubPathExpr != "" ||
			m.RecursiveReadOnly != nil && *m.RecursiveReadOnly == corev1.RecursiveReadOnlyEnabled {
			return nil, fmt.Errorf("volumeMount %q: mountPropagation, subPathExpr and recursiveReadOnly are not supported", m.Name)
		}
		if !path.IsAbs(m.MountPath) {
			return nil, fmt.Errorf("volumeMount %q: mountPath %q must be absolute", m.Name, m.MountPath)
		}
		if m.SubPath != "" && !localPath(m.SubPath) {
			return nil, fmt.Errorf("volumeMount %q: subPath %q must be relative and stay inside the volume", m.Name, m.SubPath)
		}
		ro := ""
		if m.ReadOnly {
			ro = ":ro"
		}
		src := v.source
		switch {
		case src.HostPath != nil:
			host := src.HostPath.Path
			if m.SubPath != "" {
				host = filepath.Join(host, m.SubPath)
			}
			args = append(args, "--volume", host+":"+m.MountPath+ro)
		case src.Secret != nil:
			more, err := p.secretMounts(cx, src.Secret, m)
			if err != nil {
				return nil, fmt.Errorf("volumeMount %q: %w", m.Name, err)
			}
			args = append(args, more...)
		case src.ConfigMap != nil && m.SubPath != "":
			data := v.volume.Files[m.SubPath]
			if data == nil && !p.opts.Down {
				return nil, fmt.Errorf("volumeMount %q: subPath %q is not a key of ConfigMap %q", m.Name, m.SubPath, src.ConfigMap.Name)
			}
			// One file: a secret mount is a read-only file at any path.
			name := cx.fileSecret(resourceName(cx.pod, m.Name, m.SubPath), data)
			args = append(args, "--secret", name+",type=mount,target="+m.MountPath+modeOpt(src.ConfigMap.DefaultMode))
		default:
			if m.SubPath != "" {
				return nil, fmt.Errorf("volumeMount %q: subPath is supported for hostPath, configMap and secret volumes", m.Name)
			}
			if src.ConfigMap != nil {
				ro = ":ro" // as the kubelet mounts it
			}
			if src.PersistentVolumeClaim != nil && src.PersistentVolumeClaim.ReadOnly {
				ro = ":ro"
			}
			args = append(args, "--volume", v.volume.Name+":"+m.MountPath+ro)
		}
	}
	return args, nil
}

// secretMounts mounts a Secret's keys as read-only files under the mount
// path (or one key at it, with subPath).
func (p *planner) secretMounts(cx *ctrContext, src *corev1.SecretVolumeSource, m corev1.VolumeMount) ([]string, error) {
	s := p.secret(src.SecretName)
	if s == nil {
		return nil, nil // optional and missing
	}
	files, err := keyFiles(secretData(s), src.Items)
	if err != nil && !p.opts.Down {
		return nil, err
	}
	keyOf := map[string]string{}
	for k := range secretData(s) {
		keyOf[k] = k
	}
	for _, it := range src.Items {
		keyOf[it.Path] = it.Key
	}
	var args []string
	for _, rel := range sortedKeys(files) {
		target := path.Join(m.MountPath, rel)
		if m.SubPath != "" {
			if rel != m.SubPath {
				continue
			}
			target = m.MountPath
		}
		args = append(args, "--secret", cx.secretRef(s, keyOf[rel])+",type=mount,target="+target+modeOpt(src.DefaultMode))
	}
	if m.SubPath != "" && len(args) == 0 && !p.opts.Down {
		return nil, fmt.Errorf("subPath %q is not a key of Secret %q", m.SubPath, src.SecretName)
	}
	return args, nil
}

func modeOpt(mode *int32) string {
	if mode == nil {
		return ""
	}
	return ",mode=" + strconv.FormatInt(int64(*mode), 8)
}

// fileSecret plans a husk secret holding data, for a single file.
func (cx *ctrContext) fileSecret(name string, data []byte) string {
	if cx.made == nil {
		cx.made = map[string]bool{}
	}
	if !cx.made[name] {
		cx.made[name] = true
		cx.secrets = append(cx.secrets, Secret{Name: name, Data: data})
	}
	return name
}

// volumes lists the named volumes the pod's volumes are, and the host
// paths to make, in spec order.
func (cx *ctrContext) volumes() ([]Volume, []HostPath) {
	var out []Volume
	var hosts []HostPath
	for _, v := range cx.spec.Volumes {
		pv := cx.vols[v.Name]
		if pv != nil && pv.volume != nil {
			out = append(out, *pv.volume)
		}
		if pv != nil && pv.create != nil {
			hosts = append(hosts, *pv.create)
		}
	}
	return out, hosts
}
