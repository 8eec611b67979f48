package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// TestAccKeyResource_restoreIfPending: a key pending deletion with the configured name is adopted
// (its deletion cancelled) instead of a new key being created.
func TestAccKeyResource_restoreIfPending(t *testing.T) {
	m := testAccMock(t)
	pending := testAccMockKey(t, m, kmsmock.KeySpec{Name: "adoptee", Type: "AES256", Memo: "old memo"})
	mustMock(t, m.RequestDeletion(pending.KeyTag))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: m.ResetJournal,
				Config: testAccKeyConfig(m, "adoptee", `
  memo               = "old memo"
  restore_if_pending = true
`),
				ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectKeyValue("id", knownvalue.StringExact(pending.KeyTag)),
					expectKeyValue("status", knownvalue.StringExact("ENABLE")),
					expectKeyValue("deletion_scheduled_for", knownvalue.Null()),
					expectKeyValue("restore_if_pending", knownvalue.Bool(true)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// A listing to find the key, then cancel-deletion, enable and one GET. No POST /keys.
					testAccCheckApplyCalls(m, "POST /keys/{tag}/cancel-deletion", "POST /keys/{tag}/enable", "GET /keys/{tag}"),
					testAccCheckCallBeforeFirstChange(m, "GET /keys"),
					testAccCheckMockKeyCount(m, 1),
				),
			},
		},
	})
}

// TestAccKeyResource_restoreIfPendingMismatch: a pending key whose type differs is not adopted.
func TestAccKeyResource_restoreIfPendingMismatch(t *testing.T) {
	m := testAccMock(t)
	pending := testAccMockKey(t, m, kmsmock.KeySpec{Name: "mismatch", Type: "RSA2048"})
	mustMock(t, m.RequestDeletion(pending.KeyTag))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   m.ResetJournal,
				Config:      testAccKeyConfig(m, "mismatch", "  restore_if_pending = true"),
				ExpectError: errorText("Key pending deletion cannot be adopted", `its type is "RSA2048", not "AES256"`),
			},
			{
				PreConfig: func() { requireNoMutatingCalls(t, m) },
				Config:    testAccKeyConfig(m, "mismatch", keyTypeArgument("RSA2048")+"  restore_if_pending = true"),
				Check:     testAccCheckMockKeyCount(m, 1),
			},
		},
	})
}

// TestAccKeyResource_failureAfterCreate: when the disable after POST /keys fails, the key is saved in
// the state (tainted) and nothing is orphaned. A retry under another name cannot be recognised at
// plan time as the tainted key's replacement, so its apply refuses to remove that key and changes
// nothing; with the name kept, the next apply replaces it.
func TestAccKeyResource_failureAfterCreate(t *testing.T) {
	m := testAccMock(t)
	var firstTag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: append(testAccKeyResourceFailedCreateSteps(t, m, &firstTag),
			resource.TestStep{
				Config:      testAccKeyConfig(m, "half-made-2", keySettings("", 0, false)),
				ExpectError: errorText(summaryKeyRemovalNotAnnounced, "nothing was deleted"),
			},
			testAccKeyResourceReplacesFailedCreate(t, m, "half-made", &firstTag),
		),
	})
}

// TestAccKeyResource_failureAfterCreateRetry is the same failure followed by a plain retry of the same
// configuration, which must replace the tainted key although it holds the configured name.
func TestAccKeyResource_failureAfterCreateRetry(t *testing.T) {
	m := testAccMock(t)
	var firstTag string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories(),
		Steps: append(testAccKeyResourceFailedCreateSteps(t, m, &firstTag),
			testAccKeyResourceReplacesFailedCreate(t, m, "half-made", &firstTag)),
	})
}

// testAccKeyResourceFailedCreateSteps make a create fail after POST /keys and record the key's tag.
func testAccKeyResourceFailedCreateSteps(t *testing.T, m *kmsmock.Server, firstTag *string) []resource.TestStep {
	return []resource.TestStep{
		{
			PreConfig: func() {
				m.InjectFault(kmsmock.Fault{Method: http.MethodPost, PathSuffix: "/disable", Status: http.StatusForbidden})
			},
			Config:      testAccKeyConfig(m, "half-made", keySettings("", 0, false)),
			ExpectError: errorText("Key disable failed", "was created but could not be disabled", "marked tainted", "HTTP 403"),
		},
		{
			// The failed create left exactly one key, recorded in the state: it is tainted.
			PreConfig: func() {
				keys := m.Keys()
				if len(keys) != 1 || keys[0].Status != "ENABLE" {
					t.Fatalf("after the failed create the mock holds %+v, want one ENABLE key", keys)
				}
				*firstTag = keys[0].KeyTag
				m.ResetJournal()
			},
			Config:             testAccKeyConfig(m, "half-made", keySettings("", 0, false)),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	}
}

// testAccKeyResourceReplacesFailedCreate applies name over the tainted key: it is replaced.
func testAccKeyResourceReplacesFailedCreate(t *testing.T, m *kmsmock.Server, name string, firstTag *string) resource.TestStep {
	return resource.TestStep{
		PreConfig:        func() { requireNoMutatingCalls(t, m) },
		Config:           testAccKeyConfig(m, name, keySettings("", 0, false)),
		ConfigPlanChecks: expectKeyAction(plancheck.ResourceActionDestroyBeforeCreate),
		ConfigStateChecks: []statecheck.StateCheck{
			expectKeyValue("status", knownvalue.StringExact("DISABLE")),
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			testAccCheckMockKeyCount(m, 1),
			func(s *terraform.State) error {
				tag, err := stateKeyTag(s)
				if err == nil && tag == *firstTag {
					err = fmt.Errorf("the tainted key %s was kept", tag)
				}
				return err
			},
		),
	}
}

// testAccCheckCallBeforeFirstChange asserts the call just before the first mutating one.
func testAccCheckCallBeforeFirstChange(m *kmsmock.Server, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		calls := journalCalls(m)
		first := len(calls) - len(fromFirstChange(calls))
		if first == 0 || calls[first-1] != want {
			return fmt.Errorf("want %q right before the first change, journal %q", want, calls)
		}
		return nil
	}
}
