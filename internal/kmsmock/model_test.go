package kmsmock

import (
	"strings"
	"testing"
)

func TestDirectModelAccess(t *testing.T) {
	s := New(Options{})
	a := mustCreate(t, s, KeySpec{Name: "alpha", Memo: "console", RotationDays: 30})
	b := mustCreate(t, s, KeySpec{Name: "beta", Type: "ECDSA"})
	if a.Status != statusEnable || a.CurrentVersion != 1 || !a.IsAutoRotation || a.RotationPeriod != 30 || a.NRN == "" || a.BaseURL == "" {
		t.Fatalf("created = %+v", a)
	}
	if got, ok := s.Key(a.KeyTag); !ok || got != a {
		t.Fatalf("Key = %+v %v", got, ok)
	}
	if _, ok := s.Key(unknownTag); ok {
		t.Fatal("Key found an unknown tag")
	}

	steps := []struct {
		name string
		err  error
		want string // "" = success, else a part of the error
	}{
		{"rename to a taken name", s.RenameKey(b.KeyTag, "ALPHA"), "409 CONFLICT"},
		{"rename to a bad name", s.RenameKey(b.KeyTag, "x"), "400 INVALID_REQUEST"},
		{"rename", s.RenameKey(b.KeyTag, "gamma"), ""},
		{"delete an enabled key", s.DeleteKey(a.KeyTag), "422 UNPROCESSABLE_ENTITY"},
		{"cancel without request", s.CancelDeletion(a.KeyTag), "422"},
		{"disable", s.DisableKey(a.KeyTag), ""},
		{"enable", s.EnableKey(a.KeyTag), ""},
		{"request deletion", s.RequestDeletion(a.KeyTag), ""},
		{"request deletion twice", s.RequestDeletion(a.KeyTag), "422"},
		{"enable while pending", s.EnableKey(a.KeyTag), "422"},
		{"disable while pending", s.DisableKey(a.KeyTag), "422"},
		{"rename while pending", s.RenameKey(a.KeyTag, "delta"), "422"},
		{"cancel", s.CancelDeletion(a.KeyTag), ""},
		{"request again", s.RequestDeletion(a.KeyTag), ""},
		{"delete", s.DeleteKey(a.KeyTag), ""},
		{"delete again", s.DeleteKey(a.KeyTag), "404 NOT_FOUND"},
		{"enable unknown", s.EnableKey(unknownTag), "404"},
	}
	for _, step := range steps {
		switch {
		case step.want == "" && step.err != nil:
			t.Errorf("%s: %v", step.name, step.err)
		case step.want != "" && (step.err == nil || !strings.Contains(step.err.Error(), step.want)):
			t.Errorf("%s: err = %v, want %q", step.name, step.err, step.want)
		}
	}
	keys := s.Keys()
	if len(keys) != 1 || keys[0].KeyName != "gamma" || keys[0].KeyType != "ECDSA" {
		t.Fatalf("Keys = %+v", keys)
	}
	if len(s.Journal()) != 0 {
		t.Fatal("direct access was journaled")
	}
}

func TestDirectCreateValidates(t *testing.T) {
	s := New(Options{})
	for _, spec := range []KeySpec{
		{Name: "nokind", ProtectionType: "BASIC"},
		{Name: "noprotect", Type: "AES256"},
		{Name: "conv", Type: "RSA2048", ProtectionType: "BASIC", Convergent: true},
		{Name: "neg", Type: "AES256", ProtectionType: "BASIC", RotationDays: -1},
		{Name: "long", Type: "AES256", ProtectionType: "BASIC", RotationDays: 731},
		{Name: "1st", Type: "AES256", ProtectionType: "BASIC"},
	} {
		if _, err := s.CreateKey(spec); err == nil || !strings.Contains(err.Error(), "400 INVALID_REQUEST") {
			t.Errorf("CreateKey(%+v) = %v, want a 400", spec, err)
		}
	}
	k, err := s.CreateKey(KeySpec{Name: "okay", Type: "AES256", ProtectionType: "COMMON_HSM", Convergent: true})
	if err != nil || !k.IsConvergent || k.IsAutoRotation || k.ProtectionType != "COMMON_HSM" {
		t.Fatalf("CreateKey = %+v, %v", k, err)
	}
}
