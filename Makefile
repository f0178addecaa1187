# husk — see README.md. Everything that needs root (packages, the test
# user, the registry) is done by test/setup/*.sh, which `make demo` and
# `make test` call themselves.

GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
TAGS := containers_image_openpgp,exclude_graphdriver_btrfs
# The helper runs builds: buildah puts RUN steps under seccomp only with
# this tag (libseccomp-dev, which test/setup installs).
HELPER_TAGS := $(TAGS),seccomp
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
export CGO_ENABLED := 1
export PATH := $(dir $(GO)):$(PATH)

# Where rootless tests find their files: the checkout may sit in a
# directory the unprivileged test user cannot enter.
TEST_USER ?= husktest
STAGE ?= /var/tmp/husk-test-run

# make install: DESTDIR$(PREFIX)/bin/husk and the helpers beside it, and
# the Quadlet generator where systemd's user manager runs generators
# (as podman installs its podman-user-generator).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
USERGENDIR := $(PREFIX)/lib/systemd/user-generators

.PHONY: all build install setup registry images demo test unit fuzz lint rootless docs check-docs bench clean

all: build

# Three builds of cmd/husk: bin/husk, the command (husk_core: no image
# transfer code, so it starts fast); bin/husk-transfer (husk_transfer),
# which runs the pulls, pushes, saves, loads, logins and builds that
# bin/husk hands it (cmd/husk/transfer_core.go); and bin/husk-compose,
# which has everything and runs compose and kube (the compose-spec schema
# and the Kubernetes API types would slow every pull's start).
build:
	$(GO) build -tags $(TAGS),husk_core -ldflags '$(LDFLAGS)' -o bin/husk ./cmd/husk
	$(GO) build -tags $(HELPER_TAGS),husk_transfer -ldflags '$(LDFLAGS)' -o bin/husk-transfer ./cmd/husk
	$(GO) build -tags $(HELPER_TAGS) -ldflags '$(LDFLAGS)' -o bin/husk-compose ./cmd/husk
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o bin/husk-reexec ./cmd/husk-reexec
	$(GO) build -ldflags '-X main.huskPath=$(BINDIR)/husk' -o bin/husk-systemd-generator ./cmd/husk-systemd-generator

# The generator's units run $(BINDIR)/husk: build with the same PREFIX.
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(USERGENDIR)
	install -m 0755 bin/husk bin/husk-transfer bin/husk-compose bin/husk-reexec $(DESTDIR)$(BINDIR)/
	install -m 0755 bin/husk-systemd-generator $(DESTDIR)$(USERGENDIR)/husk-user-generator

setup:
	test/setup/setup.sh

registry: setup
	test/setup/registry.sh start

images: registry
	test/setup/push-images.sh

demo: images build
	test/demo.sh

# The whole suite: unit tests as root, then the rootless Go integration
# tests and the bats suite as the test user, then the docs check. Ends
# with one summary line.
test: images build
	test/run-all.sh

unit: build
	$(GO) test -tags $(TAGS) -count=1 ./internal/... ./pkg/... ./cmd/...
	$(GO) test -tags $(TAGS),husk_core -count=1 -run 'TestCore' ./cmd/husk

# Every Go fuzz target for FUZZTIME each (test/fuzz.sh); needs no root,
# registry or images.
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) test/fuzz.sh

# staticcheck (pinned in tools/go.mod) on both builds of cmd/husk, and
# go vet for GOOS=darwin (test/lint.sh); any finding fails. Needs no root,
# registry or images; make test runs it too.
lint:
	GO=$(GO) test/lint.sh

rootless: images build
	test/run-rootless.sh

docs: build
	rm -rf docs/cli completions
	bin/husk generate-docs docs/cli completions

check-docs: build
	test/check-docs.sh

bench: images build
	bench/run.sh

clean:
	rm -rf bin
