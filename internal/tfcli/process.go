package tfcli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Process is a Terraform command that runs in the background until Wait.
type Process struct {
	w              *Workdir
	command        string
	stdout, stderr *bytes.Buffer // written by tfexec until done is closed
	done           chan struct{}
	err            error           // tfexec's error, once done is closed
	timeout        context.Context // ends at CommandTimeout
	cancel         context.CancelFunc
	interrupt      context.CancelFunc
	interrupted    atomic.Bool
	stopProvider   func()
}

// StartApply starts `terraform apply -json` like Apply and returns without waiting for it:
// Interrupt sends it SIGINT, and if it has not exited grace later it is killed.
func (w *Workdir) StartApply(grace time.Duration, opts ...tfexec.ApplyOption) *Process {
	w.t.Helper()
	w.init()
	return w.start("apply", grace, w.applyCall(opts))
}

// StartDestroy is StartApply for `terraform destroy -json`.
func (w *Workdir) StartDestroy(grace time.Duration, opts ...tfexec.DestroyOption) *Process {
	w.t.Helper()
	w.init()
	return w.start("destroy", grace, w.destroyCall(opts))
}

// start runs c in the background under a context that ends at CommandTimeout or on Interrupt.
// When it ends, tfexec sends the CLI SIGINT, and os/exec kills it grace later.
func (w *Workdir) start(command string, grace time.Duration, c call) *Process {
	w.t.Helper()
	return w.startWithReattach(command, grace, func(ctx context.Context, stdout, _ io.Writer, reattach tfexec.ReattachInfo) error {
		return c(ctx, stdout, tfexec.Reattach(reattach))
	})
}

// startWithReattach is start for a call that runs the CLI itself (Invoke): it writes to stdout and
// stderr and needs the reattach information.
func (w *Workdir) startWithReattach(command string, grace time.Duration,
	c func(ctx context.Context, stdout, stderr io.Writer, reattach tfexec.ReattachInfo) error,
) *Process {
	w.t.Helper()
	reattach, stopProvider := serveProvider(w.t, w.provider.New, w.cli.ProviderSources(w.provider.Source))
	timeout, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	ctx, interrupt := context.WithCancel(timeout)
	p := &Process{w: w, command: command, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, done: make(chan struct{}),
		timeout: timeout, cancel: cancel, interrupt: interrupt, stopProvider: stopProvider}
	w.tf.SetStdout(p.stdout)
	w.tf.SetStderr(p.stderr)
	_ = w.tf.SetWaitDelay(grace) // fails only on Windows, where tfexec kills at once: there is no SIGINT to send
	go func() {
		defer close(p.done)
		p.err = c(ctx, p.stdout, p.stderr, reattach)
	}()
	return p
}

// Done is closed when the command has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// Interrupt ends the command's context, on which tfexec sends the CLI SIGINT. It reports false
// when the command had already ended.
func (p *Process) Interrupt() bool {
	select {
	case <-p.done:
		return false
	default:
	}
	p.interrupted.Store(true)
	p.interrupt()
	return true
}

// Wait waits for the command to end and returns what it did.
func (p *Process) Wait() Result {
	p.w.t.Helper()
	<-p.done
	defer p.stopProvider()
	defer p.cancel()

	res := Result{Command: p.command, Stdout: p.stdout.String(), Stderr: p.stderr.String(), w: p.w}
	var exitErr *exec.ExitError
	switch {
	case p.timeout.Err() != nil:
		p.w.t.Fatalf("terraform %s did not finish within %s: %v\n%s\n%s", res.Command, CommandTimeout, p.err, res.Stdout, res.Stderr)
	case p.err == nil:
	case errors.As(p.err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
		status, ok := exitErr.Sys().(syscall.WaitStatus)
		res.Killed = ok && status.Signaled() && status.Signal() == syscall.SIGKILL
	case p.interrupted.Load() && errors.Is(p.err, context.Canceled):
		// Exited 0 after SIGINT: os/exec then reports the interrupt alone.
	default:
		p.w.t.Fatalf("terraform %s did not run: %v\n%s\n%s", res.Command, p.err, res.Stdout, res.Stderr)
	}
	res.Messages = parseMessages(res.Stdout)
	for _, m := range res.Messages {
		if m.Type == "diagnostic" && m.Diagnostic != nil {
			res.Diagnostics = append(res.Diagnostics, *m.Diagnostic)
		}
	}
	return res
}

// parseMessages reads the JSON lines of a -json run; other lines are skipped.
func parseMessages(stdout string) []Message {
	var out []Message
	scanner := bufio.NewScanner(strings.NewReader(stdout))
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := bytes.TrimSpace(scanner.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var m Message
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		m.Raw = append(json.RawMessage(nil), line...)
		out = append(out, m)
	}
	return out
}
