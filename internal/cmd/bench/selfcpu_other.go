//go:build !unix

package main

import "time"

// selfCPU is not measured where getrusage is missing (Windows): the column shows 0.
func selfCPU() time.Duration { return 0 }
