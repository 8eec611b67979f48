package provider

import (
	"context"
	"time"
)

// stopGracePeriod is how long a create (or delete) that has begun changing a key may go on after
// Terraform stopped the provider, so that what the server did is recorded in the state.
const stopGracePeriod = 30 * time.Second

// finishDespiteStop returns a context that ctx's end does not end at once, but only grace later.
// Values (loggers) pass through. Call the returned function when done.
func finishDespiteStop(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	detached, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopWatching := context.AfterFunc(ctx, func() {
		timer := time.AfterFunc(grace, cancel)
		context.AfterFunc(detached, func() { timer.Stop() })
	})
	return detached, func() {
		stopWatching()
		cancel()
	}
}
