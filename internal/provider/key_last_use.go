package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// The last use of a key, which every plan that deletes or schedules a key shows, and which
// refuse_deletion_if_used_within turns into a refusal (DESIGN.md §5 "Knowing before deleting").

// errNoClient is why a plan made while the provider configuration is unknown cannot read a last use.
var errNoClient = errors.New("the provider configuration depends on values not known yet, so no API call can be made")

// lastUse is the newest API or CONSOLE use of a key, as far as it could be read.
type lastUse struct {
	use *kmsapi.KeyUse // nil: none recorded
	err error          // the use could not be read
}

// isApplicationUse reports a use by an application or a person, as opposed to NCloud itself
// (automatic rotation): only those say that something still needs the key.
func isApplicationUse(u kmsapi.KeyUse) bool {
	return u.RequestType == kmsapi.RequestTypeAPI || u.RequestType == kmsapi.RequestTypeConsole
}

// readLastUse makes one last-use-info call. That call answers the newest use of any kind: when
// it is a SYSTEM use (an automatic rotation), the activity log since the key's creation (newest
// first, stopping at the first application use) says what an application did last.
func readLastUse(ctx context.Context, client *kmsapi.Client, tag string, createdAt time.Time) lastUse {
	newest, err := client.LastUseInfo(ctx, tag)
	switch {
	case err != nil:
		return lastUse{err: err}
	case newest == nil || isApplicationUse(*newest):
		return lastUse{use: newest}
	}
	var found *kmsapi.KeyUse
	err = client.EachActivity(ctx, tag, kmsapi.ActivityFilter{From: createdAt}, func(u kmsapi.KeyUse) bool {
		if isApplicationUse(u) {
			found = &u
			return false
		}
		return true
	})
	if err != nil {
		return lastUse{err: err}
	}
	return lastUse{use: found}
}

// line is the last line of a deletion diagnostic's detail.
func (l lastUse) line(now time.Time) string {
	switch {
	case l.err != nil:
		return "Last use: could not be read, so this plan cannot say whether anything still uses the key. " + apiErrorTail(l.err)
	case l.use == nil:
		return "Last use: no use recorded."
	}
	return "Last use: " + describeUse(*l.use, now) + "."
}

// describeUse names a use: when (RFC 3339 and how long ago), how, by whom, from where, what.
func describeUse(u kmsapi.KeyUse, now time.Time) string {
	when := u.Timestamp
	if !u.Time.IsZero() {
		when = fmt.Sprintf("%s (%s ago)", formatTime(u.Time), now.Sub(u.Time).Round(time.Second))
	}
	ip := u.IP
	if ip == "" {
		ip = "an unknown address"
	}
	return fmt.Sprintf("%s, %s request by account %s from %s, action %s", when, u.RequestType, u.AccountID, ip, u.Action)
}

// usedWithin reports whether the last use falls within window before now.
func (l lastUse) usedWithin(window time.Duration, now time.Time) bool {
	return l.use != nil && !l.use.Time.IsZero() && now.Sub(l.use.Time) <= window
}

// parseGuardWindow reads refuse_deletion_if_used_within; ok is false when it is unset.
func parseGuardWindow(text string) (window time.Duration, ok bool) {
	if text == "" {
		return 0, false
	}
	window, err := time.ParseDuration(text)
	return window, err == nil && window > 0
}
