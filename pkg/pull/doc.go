// Package pull owns moving images in and out of the store through
// containers/image: parsing references and transports (docker://, oci:,
// oci-archive:, docker-archive:, dir:), short-name resolution, the system
// context built from registry flags (TLS, auth, platform), the trust
// policy, and pull, push, save, load, login and logout. It never imports
// pkg/runtime.
package pull
