package provider

// The invariants the fault runs check after every step: the mock's keys and Terraform's state
// agree, and the journal holds no deletion the plan did not ask for.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/tfcli"
)

// stateKeyInstances returns every ncloudkms_key instance in the state by address.
func stateKeyInstances(t *testing.T, wd *tfcli.Workdir) map[string]map[string]any {
	t.Helper()
	instances, _ := readStateKeys(t, wd)
	return instances
}

// readStateKeys returns every ncloudkms_key instance in the state by address, and the addresses of
// the tainted ones.
func readStateKeys(t *testing.T, wd *tfcli.Workdir) (instances map[string]map[string]any, tainted []string) {
	t.Helper()
	instances = map[string]map[string]any{}
	for _, r := range wd.StateResources() {
		if r.Mode != tfjson.ManagedResourceMode || r.Type != "ncloudkms_key" {
			continue
		}
		if r.Tainted {
			tainted = append(tainted, r.Address)
		}
		instances[r.Address] = r.AttributeValues
	}
	return instances, tainted
}

// checkMockMatchesState asserts the invariants of every step: the mock's keys and Terraform's state
// hold the same keys (no orphan, no key missing), with the same names, statuses and settings, no
// name twice, no key tainted (a replacement would delete it), and, when want is given, the
// configuration reached. It reads the mock's model
// directly, which is neither journaled nor subject to faults.
func checkMockMatchesState(t *testing.T, m *kmsmock.Server, wd *tfcli.Workdir, want []chaosKeySpec) (orphans, duplicates int) {
	t.Helper()
	state, tainted := readStateKeys(t, wd)
	for _, address := range tainted {
		t.Errorf("%s is tainted in the state", address)
	}
	mockKeys := m.Keys()
	byTag := map[string]kmsmock.Key{}
	names := map[string]int{}
	for _, k := range mockKeys {
		byTag[k.KeyTag] = k
		names[strings.ToLower(k.KeyName)]++
	}
	for name, n := range names {
		if n > 1 {
			duplicates += n - 1
			t.Errorf("the mock holds %d keys named %q", n, name)
		}
	}
	inState := map[string]string{}
	for address, attrs := range state {
		tag, _ := attrs["id"].(string)
		if other, ok := inState[tag]; ok {
			t.Errorf("%s and %s both hold key %s", address, other, tag)
		}
		inState[tag] = address
		key, ok := byTag[tag]
		if !ok {
			t.Errorf("%s holds key %s, which the mock does not have", address, tag)
			continue
		}
		compareStateWithKey(t, address, attrs, key)
	}
	for _, k := range mockKeys {
		if _, ok := inState[k.KeyTag]; !ok {
			orphans++
			t.Errorf("orphaned key: the mock holds %q (%s, %s) but the state does not", k.KeyName, k.KeyTag, k.Status)
		}
	}
	if want == nil {
		return orphans, duplicates
	}
	if len(state) != len(want) {
		t.Errorf("the state holds %d keys, the configuration %d", len(state), len(want))
	}
	for _, s := range want {
		attrs := state[chaosAddress(s.Index)]
		if attrs == nil {
			t.Errorf("%s (%q) is not in the state", chaosAddress(s.Index), s.Name)
			continue
		}
		key := byTag[fmt.Sprint(attrs["id"])]
		status := "DISABLE"
		if s.Enabled {
			status = "ENABLE"
		}
		rotationOn := s.Rotation != 0
		if key.KeyName != s.Name || key.KeyType != s.Type || key.Memo != s.Memo || key.Status != status ||
			key.IsAutoRotation != rotationOn || (rotationOn && key.RotationPeriod != s.Rotation) {
			t.Errorf("%s: the mock's key is %+v, want %+v", chaosAddress(s.Index), key, s)
		}
	}
	return orphans, duplicates
}

// compareStateWithKey checks the attributes Terraform recorded against the mock's key.
func compareStateWithKey(t *testing.T, address string, attrs map[string]any, key kmsmock.Key) {
	t.Helper()
	var rotation any
	if key.IsAutoRotation {
		rotation = float64(key.RotationPeriod)
	}
	for _, c := range []struct {
		attribute string
		want      any
	}{
		{"name", key.KeyName}, {"type", key.KeyType}, {"memo", key.Memo}, {"status", key.Status},
		{"enabled", key.Status == "ENABLE"}, {"rotation_period_days", rotation},
		{"current_version", float64(key.CurrentVersion)},
	} {
		if got := attrs[c.attribute]; got != c.want {
			t.Errorf("%s: %s is %v in the state, %v in the mock (key %s)", address, c.attribute, got, c.want, key.KeyTag)
		}
	}
}

// Journal paths relative to /kms/v1.
func journalPath(c kmsmock.Call) string { return strings.TrimPrefix(c.Path, apiPathPrefix) }

// processed reports a call the model carried out: answered by it, or dropped after it answered.
func processed(c kmsmock.Call) bool { return !c.Fault || c.Dropped }

// droppedCalls lists the calls whose answer was dropped, key tags shown as {tag}.
func droppedCalls(journal []kmsmock.Call) []string {
	var out []string
	for _, c := range journal {
		if !c.Dropped {
			continue
		}
		path := journalPath(c)
		if rest, ok := strings.CutPrefix(path, "/keys/"); ok {
			_, sub, _ := strings.Cut(rest, "/")
			path = strings.TrimSuffix("/keys/{tag}/"+sub, "/")
		}
		out = append(out, fmt.Sprintf("%s %s (%d)", c.Method, path, c.Status))
	}
	return out
}

// destructiveTag returns the key tag of a request-deletion or DELETE call, or "".
func destructiveTag(c kmsmock.Call) string {
	path := journalPath(c)
	switch {
	case c.Method == http.MethodPost && strings.HasSuffix(path, "/request-deletion"):
		return strings.TrimSuffix(strings.TrimPrefix(path, "/keys/"), "/request-deletion")
	case c.Method == http.MethodDelete && strings.HasPrefix(path, "/keys/") && strings.Count(path, "/") == 2:
		return strings.TrimPrefix(path, "/keys/")
	}
	return ""
}

// checkDestructiveCalls asserts that every request-deletion and DELETE of the journal names a key
// that the step's plan destroys, and adds each successful DELETE to deletes (per tag, across
// steps): a key is deleted at most once.
func checkDestructiveCalls(t *testing.T, journal []kmsmock.Call, destroyed map[string]bool, deletes map[string]int) {
	t.Helper()
	for _, c := range journal {
		tag := destructiveTag(c)
		if tag == "" {
			continue
		}
		if !destroyed[tag] {
			t.Errorf("%s %s (status %d) names a key that the plan did not destroy", c.Method, journalPath(c), c.Status)
		}
		if c.Method == http.MethodDelete && processed(c) && c.Status == http.StatusOK {
			if deletes[tag]++; deletes[tag] > 1 {
				t.Errorf("key %s was deleted %d times", tag, deletes[tag])
			}
		}
	}
}

// stateTags is the set of key tags in the state, which a destroy of everything destroys.
func stateTags(t *testing.T, wd *tfcli.Workdir) map[string]bool {
	t.Helper()
	tags := map[string]bool{}
	for _, attrs := range stateKeyInstances(t, wd) {
		tags[fmt.Sprint(attrs["id"])] = true
	}
	return tags
}
