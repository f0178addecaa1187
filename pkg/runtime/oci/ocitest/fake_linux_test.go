package ocitest

import "testing"

func TestFakeKeepsTheContract(t *testing.T) {
	Suite(t, NewFake("fake"), FakeBundle)
}
