// Package integration holds husk's rootless integration tests: they run the
// real husk binary ($HUSK) as an unprivileged user with subordinate ids
// against the real local registry ($HUSK_TEST_REGISTRY) and test images
// ($HUSK_TEST_IMAGES). test/run-rootless.sh builds this package as a test
// binary and runs it as the test user.
package integration
