package kmsapi

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maskSecrets returns ctx whose tflog output replaces the given values with "***" in messages
// and in every string field, so that no log line can carry a credential or a signature even if
// a server echoes one back.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	var present []string
	for _, secret := range secrets {
		if secret != "" {
			present = append(present, secret)
		}
	}
	if len(present) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, present...)
	return tflog.MaskMessageStrings(ctx, present...)
}

// logAttempt writes the one debug line of an HTTP attempt. Headers and bodies are never logged.
func logAttempt(ctx context.Context, method, path string, status, attempt int, duration time.Duration, requestID string, failure *APIError) {
	fields := map[string]any{
		"method":      method,
		"path":        path,
		"status":      status,
		"attempt":     attempt,
		"duration_ms": duration.Milliseconds(),
	}
	if requestID != "" {
		fields["request_id"] = requestID
	}
	if failure != nil {
		fields["error"] = failure.describe()
	}
	tflog.Debug(ctx, "NCloud KMS API request", fields)
}
