package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// step is one Terraform command, timed on the null provider and on the keys.
type step struct {
	name     string
	args     []string // subcommand and flags; both configurations take the same ones
	minCalls int      // the API calls the step cannot do without, for n keys
	revision int      // the memos' revision after the step; 0: no key is left
	query    bool     // `terraform query` (Terraform 1.14+): skipped on a CLI without it
}

// keyListPageSize is the page size of the key list, the largest the API allows (DESIGN.md §2.2).
const keyListPageSize = 200

// benchSteps are the steps, in the order they run, with their least API work:
//   - apply: `terraform apply` without a saved plan makes two graph walks, each with its own
//     provider process. The plan walk plans every key, and the name check lists the (still empty)
//     account once in that process: one page. The apply walk plans each key again before creating
//     it (Terraform re-plans with apply-time values, and a provider cannot tell that plan from the
//     first), so the name check lists once more, before any key exists. Then POST /keys and
//     GET /keys/{tag} per key, because the create answer has no nrn and no currentVersion.
//   - refresh: GET /keys/{tag} per key; nothing else when nothing changed.
//   - update: the plan walk refreshes every key (GET), then the apply walk changes the memo of
//     10 % of them (PUT /keys/{tag}/memo). The planned state already holds the new memo, so no
//     read after the update is needed; no key is created, so there is no name check.
//   - query: `terraform query` of the run's keys (keys.tfquery.hcl, limit n) lists them: the key
//     list pages that hold them, nothing else.
//   - query-resources: the same with include_resource, plus GET /keys/{tag} per key.
//   - destroy: the refresh before the destroy plan (GET per key), the key's last use that the
//     plan's deletion warning ends with (GET /keys/{tag}/last-use-info), then for each key with
//     deletion_policy DELETE: POST /keys/{tag}/request-deletion and DELETE /keys/{tag}.
func benchSteps(n, parallelism int) []step {
	common := []string{"-input=false", "-no-color", "-parallelism=" + strconv.Itoa(parallelism)}
	updated := "-var=revision=" + strconv.Itoa(updatedRevision)
	// The shipped run's keys, made first, fill the first pages of the list (the mock lists in creation order).
	pages := (n + keyListPageSize - 1) / keyListPageSize
	return []step{
		{name: "apply", args: append([]string{"apply", "-auto-approve"}, common...), minCalls: 2 + 2*n, revision: 1},
		// -detailed-exitcode: exit 0 means no changes; anything else is a perpetual diff (an error).
		{name: "refresh", args: append([]string{"plan", "-detailed-exitcode"}, common...), minCalls: n, revision: 1},
		{name: "update", args: append([]string{"apply", "-auto-approve", updated}, common...), minCalls: n + changedCount(n), revision: updatedRevision},
		// terraform query takes neither -input nor -parallelism: it lists in one provider call per list block.
		{name: "query", args: []string{"query", "-no-color", "-var=include_resource=false"}, minCalls: pages, revision: updatedRevision, query: true},
		{name: "query-resources", args: []string{"query", "-no-color", "-var=include_resource=true"}, minCalls: pages + n,
			revision: updatedRevision, query: true},
		{name: "destroy", args: append([]string{"destroy", "-auto-approve", updated}, common...), minCalls: 4 * n},
	}
}

// verifyKeys checks that the mock holds exactly prefix-00000 … of n, all ENABLE, with the memos of
// revision, or none of them when revision is 0; keys of other prefixes belong to other runs. Keys
// are created in parallel, so the mock's creation order is not the index order.
func verifyKeys(keys []kmsmock.Key, prefix string, n, revision int) error {
	if revision == 0 {
		n = 0
	}
	byName := make(map[string]kmsmock.Key, len(keys))
	for _, key := range keys {
		if strings.HasPrefix(key.KeyName, prefix+"-") {
			byName[key.KeyName] = key
		}
	}
	if len(byName) != n {
		return fmt.Errorf("the mock holds %d keys named %s-…, want %d", len(byName), prefix, n)
	}
	for i := range n {
		key, ok := byName[keyName(prefix, i)]
		if want := memoFor(i, n, revision); !ok || key.Status != "ENABLE" || key.Memo != want {
			return fmt.Errorf("key %s is %q with memo %q, want ENABLE with %q", keyName(prefix, i), key.Status, key.Memo, want)
		}
	}
	return nil
}
