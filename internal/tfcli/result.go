package tfcli

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// Result is what one Terraform command did.
type Result struct {
	Command     string
	ExitCode    int          // 0 also for a plan with changes (tfexec plans with -detailed-exitcode; see Changes)
	Changes     bool         // the plan has changes to make
	Killed      bool         // the command outlived its grace after SIGINT and was killed (exit code -1)
	Messages    []Message    // every JSON line, in order
	Diagnostics []Diagnostic // the diagnostics among them, in order
	Stdout      string       // raw output, for failure messages
	Stderr      string
	Found       []tfjson.ListResourceFoundData // the results of a query, in order

	w        *Workdir
	planFile string // the plan a successful Plan saved, for CheckPlan
}

// Diagnostic is one diagnostic of a -json run: terraform-json's diagnostic (severity, summary,
// detail, range, snippet) and the resource address the -json UI adds to it, which tfjson's
// DiagnosticLogMessage drops (empty for diagnostics that belong to no resource).
type Diagnostic struct {
	tfjson.Diagnostic
	Address string `json:"address"`
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s %q at %q", d.Severity, d.Summary, d.Address)
}

// Message is one line of Terraform's machine-readable UI. terraform-json decodes only its
// version, log and diagnostic lines (without the address), so the lines are decoded here.
type Message struct {
	Level      string          `json:"@level"`
	Message    string          `json:"@message"`
	Type       string          `json:"type"`
	Diagnostic *Diagnostic     `json:"diagnostic"`
	Raw        json.RawMessage `json:"-"`
}

// Failed reports a non-zero exit.
func (r Result) Failed() bool { return r.ExitCode != 0 }

// RequireSuccess stops the test when the command failed, showing its diagnostics.
func (r Result) RequireSuccess(t *testing.T) {
	t.Helper()
	if r.Failed() {
		t.Fatalf("terraform %s failed (exit %d):\n%s", r.Command, r.ExitCode, r.Describe())
	}
}

// RequireFailure stops the test when the command succeeded.
func (r Result) RequireFailure(t *testing.T) {
	t.Helper()
	if !r.Failed() {
		t.Fatalf("terraform %s succeeded, want a failure:\n%s", r.Command, r.Describe())
	}
}

// WithSeverity returns the diagnostics of one severity ("warning" or "error").
func (r Result) WithSeverity(severity string) []Diagnostic {
	var out []Diagnostic
	for _, d := range r.Diagnostics {
		if string(d.Severity) == severity {
			out = append(out, d)
		}
	}
	return out
}

// Find returns the first diagnostic with that severity and summary, or nil.
func (r Result) Find(severity, summary string) *Diagnostic {
	for i, d := range r.Diagnostics {
		if string(d.Severity) == severity && d.Summary == summary {
			return &r.Diagnostics[i]
		}
	}
	return nil
}

// Describe is the command's diagnostics with their details (or its output when it has none), for
// failure messages.
func (r Result) Describe() string {
	var b strings.Builder
	for _, d := range r.Diagnostics {
		fmt.Fprintf(&b, "  %s\n    %s\n", d, strings.ReplaceAll(d.Detail, "\n", "\n    "))
	}
	if len(r.Diagnostics) == 0 {
		fmt.Fprintf(&b, "stdout:\n%s\n", r.Stdout)
	}
	if strings.TrimSpace(r.Stderr) != "" {
		fmt.Fprintf(&b, "stderr:\n%s\n", r.Stderr)
	}
	return b.String()
}

// Diag is an expected diagnostic: severity, summary and the address of its resource ("" for none).
type Diag struct{ Severity, Summary, Address string }

// Warning and Error are the expected diagnostics of that severity.
func Warning(summary, address string) Diag { return Diag{"warning", summary, address} }
func Error(summary, address string) Diag   { return Diag{"error", summary, address} }

func (d Diag) String() string { return fmt.Sprintf("%s %q at %q", d.Severity, d.Summary, d.Address) }

// RequireDiagnostics checks the distinct diagnostics of a run by severity, summary and address, in
// any order. An apply may repeat a plan's warning when it plans an instance again, so repeats are
// ignored.
func RequireDiagnostics(t *testing.T, res Result, want ...Diag) {
	t.Helper()
	seen := map[Diag]bool{}
	var got []string
	for _, d := range res.Diagnostics {
		k := Diag{string(d.Severity), d.Summary, d.Address}
		if !seen[k] {
			seen[k] = true
			got = append(got, k.String())
		}
	}
	var wantText []string
	for _, w := range want {
		wantText = append(wantText, w.String())
	}
	sort.Strings(got)
	sort.Strings(wantText)
	if !slices.Equal(got, wantText) {
		t.Fatalf("terraform %s diagnostics:\n  got  %q\n  want %q\n%s", res.Command, got, wantText, res.Describe())
	}
}

// RequireDetail checks that the detail of the first diagnostic with that severity and summary
// contains every fragment.
func RequireDetail(t *testing.T, res Result, severity, summary string, fragments ...string) {
	t.Helper()
	d := res.Find(severity, summary)
	if d == nil {
		t.Fatalf("no %s %q in terraform %s:\n%s", severity, summary, res.Command, res.Describe())
	}
	for _, f := range fragments {
		if !strings.Contains(d.Detail, f) {
			t.Errorf("%s %q: detail does not mention %q:\n%s", severity, summary, f, d.Detail)
		}
	}
}

// Snippet is the configuration line that the first diagnostic with that summary points at ("" when
// it points at none).
func Snippet(t *testing.T, res Result, summary string) string {
	t.Helper()
	for _, d := range res.Diagnostics {
		if d.Summary != summary {
			continue
		}
		if d.Snippet == nil {
			return ""
		}
		return d.Snippet.Code
	}
	t.Fatalf("no diagnostic %q in terraform %s", summary, res.Command)
	return ""
}
