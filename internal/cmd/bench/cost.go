package main

import "time"

// listPageSize is the page size the client asks for (GET /keys?pageSize=200).
const listPageSize = 200

// phase is a stretch of a step in which each of keys keys needs callsPerKey calls one after the
// other, with at most parallelism keys in flight.
type phase struct {
	keys        int
	callsPerKey int
}

// stepCost is the least API work a step can do: list sweeps (the plan-time name check), whose
// pages follow one another, then the per-key phases.
type stepCost struct {
	listSweeps int // sweeps made one after another (one per provider process that plans a create)
	listedKeys int // keys in the account while it is listed
	phases     []phase
}

// listPages is the number of pages one sweep reads: an empty account still answers one page.
func listPages(keys int) int {
	return max(1, ceilDiv(keys, listPageSize))
}

// minimumCalls is the number of API calls the step cannot do without.
func (c stepCost) minimumCalls() int {
	calls := c.listSweeps * listPages(c.listedKeys)
	for _, p := range c.phases {
		calls += p.keys * p.callsPerKey
	}
	return calls
}

// idealAPITime is the time the latency alone imposes: every sequential call waits latency, and
// parallelism keys are served at once, so a phase takes ceil(keys/parallelism) rounds.
func (c stepCost) idealAPITime(latency time.Duration, parallelism int) time.Duration {
	rounds := c.listSweeps * listPages(c.listedKeys)
	for _, p := range c.phases {
		rounds += p.callsPerKey * ceilDiv(p.keys, parallelism)
	}
	return time.Duration(rounds) * latency
}

func ceilDiv(a, b int) int {
	return (a + b - 1) / b
}
