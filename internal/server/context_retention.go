package server

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A workaround, in one file so that it can go in one commit. terraform-plugin-framework keeps
// every request's context until the process exits: internal/proto6server/serve.go,
// (*Server).registerContext, appends a cancel function per call and never drops it. With the
// plugin loggers in them those contexts hold about 14 KB each, 60 MB for a plan of 1000 keys.
// Remove this file when the framework releases request contexts.

// loggerFreeServer hands the framework a context that keeps the request's cancellation and
// deadline but not its values, which are the plugin loggers. The framework keeps every request's
// context until the process exits, about 14 KB each with those loggers, so a plan of 1000 keys
// held some 60 MB; and a logger that writes nowhere still costs CPU on every framework log call.
type loggerFreeServer struct {
	tfprotov6.ProviderServer
}

// withoutValues returns a context cancelled when in is (or when done is called) with in's
// deadline and none of its values. It is not in's child: the framework keeps it, and a child
// would keep in and its loggers.
func withoutValues(in context.Context) (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	var cancelDeadline context.CancelFunc = func() {}
	if deadline, ok := in.Deadline(); ok {
		ctx, cancelDeadline = context.WithDeadline(ctx, deadline)
	}
	stop := context.AfterFunc(in, func() { cancel(context.Cause(in)) })
	if in.Err() != nil { // AfterFunc would cancel ctx only later, in its own goroutine
		cancel(context.Cause(in))
	}
	return ctx, func() {
		stop()
		cancelDeadline()
		cancel(context.Canceled)
	}
}

// withoutLoggers runs one call of the framework server on withoutValues(in).
func withoutLoggers[Req, Resp any](in context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	ctx, done := withoutValues(in)
	defer done()
	return call(ctx, req)
}

func (s loggerFreeServer) ValidateResourceConfig(in context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.ValidateResourceConfig)
}

func (s loggerFreeServer) UpgradeResourceState(in context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.UpgradeResourceState)
}

func (s loggerFreeServer) ReadResource(in context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.ReadResource)
}

func (s loggerFreeServer) PlanResourceChange(in context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.PlanResourceChange)
}

func (s loggerFreeServer) ApplyResourceChange(in context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.ApplyResourceChange)
}

func (s loggerFreeServer) ImportResourceState(in context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.ImportResourceState)
}

func (s loggerFreeServer) ValidateDataResourceConfig(in context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s loggerFreeServer) ReadDataSource(in context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return withoutLoggers(in, req, s.ProviderServer.ReadDataSource)
}
