// Package volumeuse knows which containers use named volumes, and removes
// volumes as husk volume rm and prune do: not one a container uses,
// unless forced. (A new directory beside pkg/runtime, whose VolumeStore
// it uses.)
package volumeuse
