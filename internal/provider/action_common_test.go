package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/server"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// What the tests of the actions share: configurations, progress messages and refusals.

// actionBlock is an action block of that type and name with the given config lines.
func actionBlock(actionType, name, config string) string {
	return fmt.Sprintf(`
action %q %q {
  config {
%s
  }
}
`, actionType, name, config)
}

// triggeringData is a terraform_data resource whose lifecycle runs the action on the events (HCL list items).
func triggeringData(name, input, events, actionAddress string) string {
	return fmt.Sprintf(`
resource "terraform_data" %q {
  input = %q
  lifecycle {
    action_trigger {
      events  = [%s]
      actions = [%s]
    }
  }
}
`, name, input, events, actionAddress)
}

// actionProgress returns the progress messages of a -json run, in order.
func actionProgress(t *testing.T, res tfcli.Result) []string {
	t.Helper()
	var messages []string
	for _, m := range res.Messages {
		if m.Type != "action_progress" {
			continue
		}
		var line struct {
			Hook struct {
				Message string `json:"message"`
			} `json:"hook"`
		}
		if err := json.Unmarshal(m.Raw, &line); err != nil {
			t.Fatalf("action_progress line: %v", err)
		}
		messages = append(messages, line.Hook.Message)
	}
	return messages
}

func requireActionProgress(t *testing.T, res tfcli.Result, want ...string) {
	t.Helper()
	if got := actionProgress(t, res); !slices.Equal(got, want) {
		t.Fatalf("terraform %s progress messages:\n  got  %q\n  want %q", res.Command, got, want)
	}
}

// requireInvokeRefused runs plan -invoke, then apply -invoke, of the action: each fails with one
// error, on the action, whose detail holds every fragment, after exactly the calls given.
func requireInvokeRefused(t *testing.T, wd *tfcli.Workdir, m *kmsmock.Server, actionAddress, summary string, detail, calls []string) {
	t.Helper()
	for _, command := range []string{"plan", "apply"} {
		m.ResetJournal()
		res := wd.Invoke(command, actionAddress)
		res.RequireFailure(t)
		tfcli.RequireDiagnostics(t, res, tfcli.Error(summary, actionAddress))
		tfcli.RequireDetail(t, res, "error", summary, detail...)
		requireCLIJournal(t, m, calls...)
	}
}

// TestNewProtocol6Server_servesActions: the protocol server answers the action RPCs with and
// without the workaround wrappers, which would otherwise hide them from tf6server.
func TestNewProtocol6Server_servesActions(t *testing.T) {
	for _, stripLoggers := range []bool{false, true} {
		protocol := server.NewProtocol6Server(New("test")(), stripLoggers)
		if _, ok := protocol.(tfprotov6.ActionServer); !ok {
			t.Errorf("stripLoggers=%v: %T does not serve actions", stripLoggers, protocol)
			continue
		}
		schema, err := protocol.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if schema.ActionSchemas["ncloudkms_rotate_key"] == nil || schema.ActionSchemas["ncloudkms_cancel_key_deletion"] == nil {
			t.Errorf("stripLoggers=%v: action schemas %v, want ncloudkms_rotate_key and ncloudkms_cancel_key_deletion",
				stripLoggers, schema.ActionSchemas)
		}
	}
}
