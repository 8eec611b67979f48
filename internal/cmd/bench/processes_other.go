//go:build !linux

package main

// processSampler samples nothing where there is no Linux /proc; the report shows n/a.
type processSampler struct{}

func startProcessSampler(string) processSampler { return processSampler{} }

func (processSampler) Stop() processSample { return processSample{} }
