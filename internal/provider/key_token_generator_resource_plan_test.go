package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestStateGenerators_claimTainted(t *testing.T) {
	generators := newStateGenerators()
	generators.ObserveRawState([]byte(`{"id":"TagA","key_tag":"TagA","generator_id":"g1","issued_token_count":3,` +
		`"deletion_protection":true,"regenerate_triggers":null}`))
	generators.ObserveRawState([]byte(`{"key_tag":"tagb","issued_token_count":null,"deletion_protection":null}`))
	generators.ObserveRawState([]byte(`{"key_tag":""}`))
	generators.ObserveRawState([]byte(`not json`))

	if claimed := generators.PlannedWithPrior(replacedGenerator{KeyTag: "TAGB"}); claimed {
		t.Fatal("a generator no create claimed reads as claimed")
	}
	if _, ok := generators.ClaimTainted("tagb"); ok {
		t.Fatal("a generator planned with its prior state (so not tainted) was claimed")
	}
	got, ok := generators.ClaimTainted("taga")
	if want := (replacedGenerator{KeyTag: "TagA", IssuedTokenCount: 3, DeletionProtection: true}); !ok || got != want {
		t.Fatalf("ClaimTainted = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := generators.ClaimTainted("TagA"); ok {
		t.Fatal("a generator was claimed twice")
	}
	if claimed := generators.PlannedWithPrior(replacedGenerator{KeyTag: "taga"}); !claimed {
		t.Fatal("a claimed generator planned with its prior state must report the clash")
	}

	// A generator that a refresh found gone is forgotten: a create for its key replaces nothing.
	generators.ObserveRawState([]byte(`{"key_tag":"tagc"}`))
	generators.Forget("TAGC")
	if _, ok := generators.ClaimTainted("tagc"); ok {
		t.Fatal("a forgotten generator was claimed")
	}
	var none *stateGenerators // before the provider is configured
	none.Observe(got)
	none.Forget("TagA")
	if _, ok := none.ClaimTainted("TagA"); ok || none.PlannedWithPrior(got) {
		t.Fatal("a nil record claims generators")
	}
}

func TestGeneratorRemovalRecord_privateRoundTrip(t *testing.T) {
	invalid := []string{"", "{}", `{"key_tag":""}`, "null", "[1]"}
	requirePrivateRecordRoundTrip(t, generatorRemovalRecord,
		replacedGenerator{KeyTag: "t", IssuedTokenCount: 7, DeletionProtection: true, Announced: true}, invalid...)
	for _, raw := range invalid {
		if _, ok := decodeReplacedGenerator([]byte(raw)); ok {
			t.Errorf("decodeReplacedGenerator(%q) found a generator", raw)
		}
	}
}

func TestPlannedGeneratorChange_cases(t *testing.T) {
	triggers := func(kv ...string) types.Map {
		elements := map[string]attr.Value{}
		for i := 0; i < len(kv); i += 2 {
			elements[kv[i]] = types.StringValue(kv[i+1])
		}
		return types.MapValueMust(types.StringType, elements)
	}
	unknownValue := types.MapValueMust(types.StringType, map[string]attr.Value{"v": types.StringUnknown()})
	const tagA, tagB = "aaaa", "bbbb"
	model := func(tag types.String, m types.Map) keyTokenGeneratorModel {
		return keyTokenGeneratorModel{KeyTag: tag, RegenerateTriggers: m}
	}
	for name, c := range map[string]struct {
		state, plan keyTokenGeneratorModel
		change      generatorChange
		why         string
	}{
		"same":             {model(types.StringValue(tagA), triggers("v", "1")), model(types.StringValue(tagA), triggers("v", "1")), "", ""},
		"null and empty":   {model(types.StringValue(tagA), types.MapNull(types.StringType)), model(types.StringValue(tagA), triggers()), "", ""},
		"tag case":         {model(types.StringValue(tagA), triggers()), model(types.StringValue("AAAA"), triggers()), "", ""},
		"triggers change":  {model(types.StringValue(tagA), triggers("v", "1")), model(types.StringValue(tagA), triggers("v", "2")), generatorRegenerated, `regenerate_triggers changes from {"v":"1"} to {"v":"2"}`},
		"triggers added":   {model(types.StringValue(tagA), types.MapNull(types.StringType)), model(types.StringValue(tagA), triggers("v", "1")), generatorRegenerated, `regenerate_triggers changes from null to {"v":"1"}`},
		"triggers unknown": {model(types.StringValue(tagA), triggers("v", "1")), model(types.StringValue(tagA), unknownValue), generatorRegenerated, "regenerate_triggers is known only at apply time and may change"},
		"map unknown":      {model(types.StringValue(tagA), triggers("v", "1")), model(types.StringValue(tagA), types.MapUnknown(types.StringType)), generatorRegenerated, "regenerate_triggers is known only at apply time and may change"},
		"tag change":       {model(types.StringValue(tagA), triggers("v", "1")), model(types.StringValue(tagB), triggers("v", "2")), generatorReplaced, `key_tag changes from "aaaa" to "bbbb"`},
		"tag unknown":      {model(types.StringValue(tagA), triggers()), model(types.StringUnknown(), triggers()), generatorReplaced, "key_tag is known only at apply time and may change"},
	} {
		t.Run(name, func(t *testing.T) {
			change, why := plannedGeneratorChange(c.state, c.plan)
			if change != c.change || why != c.why {
				t.Fatalf("plannedGeneratorChange = %q, %q; want %q, %q", change, why, c.change, c.why)
			}
		})
	}
}
