package provider

// The configuration of the fault runs (chaos_test.go, chaos_interrupt_test.go): many keys as one
// for_each resource, and the updates applied to them.

import (
	"fmt"
	"strings"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsmock"
)

// chaosKeySpec is what the configuration asks of one key.
type chaosKeySpec struct {
	Index    string // for_each key, e.g. "k07"
	Name     string
	Type     string
	Memo     string
	Rotation int64 // days; 0 = automatic rotation off
	Enabled  bool
}

// chaosKeySpecs is n enabled keys without memo or rotation, of every type in turn.
func chaosKeySpecs(prefix string, n int) []chaosKeySpec {
	specs := make([]chaosKeySpec, n)
	for i := range specs {
		specs[i] = chaosKeySpec{
			Index:   fmt.Sprintf("k%03d", i),
			Name:    fmt.Sprintf("%s-%03d", prefix, i),
			Type:    kmsapi.KeyTypes[i%len(kmsapi.KeyTypes)],
			Enabled: true,
		}
	}
	return specs
}

// chaosFirstUpdate changes four keys in five: memo and rotation; rename; disable; rename, memo and
// disable together. Every fifth key stays as it is.
func chaosFirstUpdate(specs []chaosKeySpec) []chaosKeySpec {
	out := cloneSpecs(specs)
	for i := range out {
		switch i % 5 {
		case 0:
			out[i].Memo, out[i].Rotation = "rotated by chaos", 30
		case 1:
			out[i].Name = renamed(out[i].Name)
		case 2:
			out[i].Enabled = false
		case 3:
			out[i].Name, out[i].Memo, out[i].Enabled = renamed(out[i].Name), "renamed and disabled", false
		}
	}
	return out
}

// chaosSecondUpdate undoes part of the first: rotation period changed or turned off, disabled keys
// enabled again (one group with rotation turned on at the same time), memo cleared.
func chaosSecondUpdate(specs []chaosKeySpec) []chaosKeySpec {
	out := cloneSpecs(specs)
	for i := range out {
		switch i % 5 {
		case 0:
			if i%2 == 0 {
				out[i].Rotation = 0
			} else {
				out[i].Rotation = 365
			}
		case 2:
			out[i].Enabled = true
		case 3:
			out[i].Enabled, out[i].Memo, out[i].Rotation = true, "", 90
		}
	}
	return out
}

func renamed(name string) string { return strings.Replace(name, "-", "-r", 1) }

func cloneSpecs(specs []chaosKeySpec) []chaosKeySpec { return append([]chaosKeySpec(nil), specs...) }

// chaosConfig renders the keys as one for_each resource, ncloudkms_key.chaos["kNNN"], with
// deletion_policy DELETE written out.
func chaosConfig(m *kmsmock.Server, specs []chaosKeySpec) string {
	var b strings.Builder
	b.WriteString(testAccProviderConfig(m))
	b.WriteString("\nlocals {\n  keys = {\n")
	for _, s := range specs {
		rotation := "null"
		if s.Rotation != 0 {
			rotation = fmt.Sprint(s.Rotation)
		}
		fmt.Fprintf(&b, "    %s = { name = %q, type = %q, memo = %q, rotation = %s, enabled = %t }\n",
			s.Index, s.Name, s.Type, s.Memo, rotation, s.Enabled)
	}
	b.WriteString(`  }
}

resource "ncloudkms_key" "chaos" {
  for_each             = local.keys
  name                 = each.value.name
  type                 = each.value.type
  memo                 = each.value.memo
  rotation_period_days = each.value.rotation
  enabled              = each.value.enabled
  deletion_policy      = "DELETE"
}
`)
	return b.String()
}

// chaosAddress is the state address of one key of chaosConfig.
func chaosAddress(index string) string { return fmt.Sprintf("ncloudkms_key.chaos[%q]", index) }
