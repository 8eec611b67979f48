package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type testContextKey struct{}

func TestContextRetention_withoutValues(t *testing.T) {
	t.Run("drops values, keeps the deadline", func(t *testing.T) {
		deadline := time.Now().Add(time.Hour)
		in, cancel := context.WithDeadline(context.WithValue(context.Background(), testContextKey{}, "logger"), deadline)
		defer cancel()
		ctx, done := withoutValues(in)
		defer done()
		if v := ctx.Value(testContextKey{}); v != nil {
			t.Errorf("value %v reached the new context", v)
		}
		if got, ok := ctx.Deadline(); !ok || !got.Equal(deadline) {
			t.Errorf("deadline = %v, %v; want %v", got, ok, deadline)
		}
	})
	t.Run("cancelled with the request, with its cause", func(t *testing.T) {
		stopped := errors.New("provider stopped")
		in, cancel := context.WithCancelCause(context.Background())
		ctx, done := withoutValues(in)
		defer done()
		cancel(stopped)
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the new context was not cancelled with the request")
		}
		if cause := context.Cause(ctx); !errors.Is(cause, stopped) {
			t.Errorf("cause = %v, want %v", cause, stopped)
		}
	})
	t.Run("already cancelled when the call begins", func(t *testing.T) {
		in, cancel := context.WithCancel(context.Background())
		cancel()
		ctx, done := withoutValues(in)
		defer done()
		if ctx.Err() == nil {
			t.Error("a call whose request was already cancelled starts with a live context")
		}
	})
	t.Run("done ends it", func(t *testing.T) {
		ctx, done := withoutValues(context.Background())
		done()
		if ctx.Err() == nil {
			t.Error("the context is still live after done")
		}
	})
}

// recordingServer records the context each per-resource call receives.
type recordingServer struct {
	tfprotov6.ProviderServer // nil: other calls are not expected
	seen                     map[string]context.Context
}

func (s *recordingServer) record(name string, ctx context.Context) { s.seen[name] = ctx }

func (s *recordingServer) ValidateResourceConfig(ctx context.Context, _ *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	s.record("ValidateResourceConfig", ctx)
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (s *recordingServer) UpgradeResourceState(ctx context.Context, _ *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	s.record("UpgradeResourceState", ctx)
	return &tfprotov6.UpgradeResourceStateResponse{}, nil
}

func (s *recordingServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	s.record("ReadResource", ctx)
	return &tfprotov6.ReadResourceResponse{}, nil
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, _ *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	s.record("PlanResourceChange", ctx)
	return &tfprotov6.PlanResourceChangeResponse{}, nil
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, _ *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	s.record("ApplyResourceChange", ctx)
	return &tfprotov6.ApplyResourceChangeResponse{}, nil
}

func (s *recordingServer) ImportResourceState(ctx context.Context, _ *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	s.record("ImportResourceState", ctx)
	return &tfprotov6.ImportResourceStateResponse{}, nil
}

func (s *recordingServer) ValidateDataResourceConfig(ctx context.Context, _ *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	s.record("ValidateDataResourceConfig", ctx)
	return &tfprotov6.ValidateDataResourceConfigResponse{}, nil
}

func (s *recordingServer) ReadDataSource(ctx context.Context, _ *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	s.record("ReadDataSource", ctx)
	return &tfprotov6.ReadDataSourceResponse{}, nil
}

func TestContextRetention_forwardsPerResourceCallsWithoutValues(t *testing.T) {
	inner := &recordingServer{seen: map[string]context.Context{}}
	server := loggerFreeServer{ProviderServer: inner}
	in := context.WithValue(context.Background(), testContextKey{}, "logger")
	calls := map[string]func() error{
		"ValidateResourceConfig": func() error {
			_, err := server.ValidateResourceConfig(in, &tfprotov6.ValidateResourceConfigRequest{})
			return err
		},
		"UpgradeResourceState": func() error {
			_, err := server.UpgradeResourceState(in, &tfprotov6.UpgradeResourceStateRequest{})
			return err
		},
		"ReadResource": func() error { _, err := server.ReadResource(in, &tfprotov6.ReadResourceRequest{}); return err },
		"PlanResourceChange": func() error {
			_, err := server.PlanResourceChange(in, &tfprotov6.PlanResourceChangeRequest{})
			return err
		},
		"ApplyResourceChange": func() error {
			_, err := server.ApplyResourceChange(in, &tfprotov6.ApplyResourceChangeRequest{})
			return err
		},
		"ImportResourceState": func() error {
			_, err := server.ImportResourceState(in, &tfprotov6.ImportResourceStateRequest{})
			return err
		},
		"ValidateDataResourceConfig": func() error {
			_, err := server.ValidateDataResourceConfig(in, &tfprotov6.ValidateDataResourceConfigRequest{})
			return err
		},
		"ReadDataSource": func() error { _, err := server.ReadDataSource(in, &tfprotov6.ReadDataSourceRequest{}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); err != nil {
				t.Fatal(err)
			}
			ctx, ok := inner.seen[name]
			if !ok {
				t.Fatal("the call did not reach the framework server")
			}
			if v := ctx.Value(testContextKey{}); v != nil {
				t.Errorf("value %v reached the framework", v)
			}
			if ctx.Err() == nil {
				t.Error("the framework's context is still live after the call returned")
			}
		})
	}
}

func TestServe_stripsLoggersOnlyWhenLogsAreDiscarded(t *testing.T) {
	for _, stripLoggers := range []bool{true, false} {
		served := NewProtocol6Server(New("test")(), stripLoggers)
		listing, ok := served.(listingServer) // the list calls pass beside the wrappers (serve.go)
		if !ok {
			t.Fatalf("stripLoggers %t: the server does not serve the list calls", stripLoggers)
		}
		if _, wrapped := listing.ProviderServer.(loggerFreeServer); wrapped != stripLoggers {
			t.Errorf("stripLoggers %t: the server is the logger-free one: %t", stripLoggers, wrapped)
		}
	}
}
