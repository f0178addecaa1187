package pullopts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/types"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
)

// RegistryOptions are the registry, TLS and authentication settings shared
// by pull, push, login, run and friends; cmd/husk defines their flags once.
type RegistryOptions struct {
	// TLSVerify: nil follows registries.conf (insecure=true entries);
	// false disables TLS verification and allows plain HTTP.
	TLSVerify *bool
	AuthFile  string
	CertDir   string
	// Creds is "user[:password]" used instead of stored credentials.
	Creds string
	// RegistriesConf overrides the registries.conf path.
	RegistriesConf string
	// Platform is os/arch[/variant]; empty means the host's.
	Platform string
	// BlobInfoCacheDir keeps what containers/image learns about blobs.
	BlobInfoCacheDir string
}

// SystemContext turns the options into containers/image's settings.
func (o RegistryOptions) SystemContext() (*types.SystemContext, error) {
	sys := &types.SystemContext{
		AuthFilePath:             o.AuthFile,
		DockerCertPath:           o.CertDir,
		SystemRegistriesConfPath: o.RegistriesConf,
		BlobInfoCacheDir:         o.BlobInfoCacheDir,
	}
	// containers/image reads these files itself, whole: refuse a FIFO,
	// device or directory (a hang, or an endless read of /dev/zero) and
	// an oversized file first.
	if o.RegistriesConf != "" {
		if err := userfile.Stat(o.RegistriesConf, userfile.ConfigLimit); err != nil {
			return nil, fmt.Errorf("registries.conf: %w", err)
		}
	}
	if o.AuthFile != "" {
		if dir := filepath.Dir(o.AuthFile); dir != "" {
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("auth file %q: %w", o.AuthFile, err)
			}
		}
		// A missing file is fine: login creates it.
		if err := userfile.Stat(o.AuthFile, userfile.ConfigLimit); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("auth file: %w", err)
		}
	}
	if o.TLSVerify != nil {
		sys.DockerInsecureSkipTLSVerify = types.NewOptionalBool(!*o.TLSVerify)
		sys.OCIInsecureSkipTLSVerify = !*o.TLSVerify
		sys.DockerDaemonInsecureSkipTLSVerify = !*o.TLSVerify
	}
	if o.Creds != "" {
		user, pass, _ := strings.Cut(o.Creds, ":")
		if user == "" {
			return nil, setting.Errorf("invalid {creds} %q: expected user[:password]", o.Creds)
		}
		sys.DockerAuthConfig = &types.DockerAuthConfig{Username: user, Password: pass}
	}
	p, err := ParsePlatform(o.Platform)
	if err != nil {
		return nil, err
	}
	sys.OSChoice, sys.ArchitectureChoice, sys.VariantChoice = p.OS, p.Arch, p.Variant
	if err := CheckConfigFiles(sys); err != nil {
		return nil, err
	}
	return sys, nil
}
