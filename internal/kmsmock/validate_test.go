package kmsmock

import (
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func validCreateInput() createInput {
	return createInput{
		KeyName:        ptr("alpha"),
		KeyType:        ptr("AES256"),
		IsAutoRotation: ptr(false),
		ProtectionType: ptr("BASIC"),
	}
}

func TestValidateCreateAcceptsGoodInput(t *testing.T) {
	good := []func(*createInput){
		func(*createInput) {},
		func(in *createInput) { in.KeyName = ptr("abc") },
		func(in *createInput) { in.KeyName = ptr("A23456789012345") },
		func(in *createInput) { in.KeyName = ptr("a-b_c") },
		func(in *createInput) { in.KeyType = ptr("RSA2048"); in.ProtectionType = ptr("COMMON_HSM") },
		func(in *createInput) { in.KeyType = ptr("ECDSA"); in.IsConvergent = ptr(false) },
		func(in *createInput) { in.IsConvergent = ptr(true) },
		func(in *createInput) { in.Memo = ptr(strings.Repeat("한", 100)) },
		func(in *createInput) { in.Memo = ptr("") },
		func(in *createInput) { in.IsAutoRotation = ptr(true) },
		func(in *createInput) { in.IsAutoRotation = ptr(true); in.RotationPeriod = ptr(int64(1)) },
		func(in *createInput) { in.IsAutoRotation = ptr(true); in.RotationPeriod = ptr(int64(730)) },
	}
	for i, change := range good {
		in := validCreateInput()
		change(&in)
		if err := validateCreate(in); err != nil {
			t.Errorf("case %d: unexpected error %v", i, err)
		}
	}
}

func TestValidateCreateNamesTheBadField(t *testing.T) {
	tests := []struct {
		name   string
		change func(*createInput)
		field  string
	}{
		{"name missing", func(in *createInput) { in.KeyName = nil }, "keyName"},
		{"name too short", func(in *createInput) { in.KeyName = ptr("ab") }, "keyName"},
		{"name too long", func(in *createInput) { in.KeyName = ptr("a234567890123456") }, "keyName"},
		{"name starts with digit", func(in *createInput) { in.KeyName = ptr("1abc") }, "keyName"},
		{"name starts with dash", func(in *createInput) { in.KeyName = ptr("-abc") }, "keyName"},
		{"name with dot", func(in *createInput) { in.KeyName = ptr("ab.c") }, "keyName"},
		{"name with non-ASCII letter", func(in *createInput) { in.KeyName = ptr("abé") }, "keyName"},
		{"type missing", func(in *createInput) { in.KeyType = nil }, "keyType"},
		{"type unknown", func(in *createInput) { in.KeyType = ptr("AES128") }, "keyType"},
		{"type lower case", func(in *createInput) { in.KeyType = ptr("aes256") }, "keyType"},
		{"memo 101 characters", func(in *createInput) { in.Memo = ptr(strings.Repeat("é", 101)) }, "memo"},
		{"convergent RSA", func(in *createInput) { in.KeyType = ptr("RSA2048"); in.IsConvergent = ptr(true) }, "isConvergent"},
		{"convergent ECDSA", func(in *createInput) { in.KeyType = ptr("ECDSA"); in.IsConvergent = ptr(true) }, "isConvergent"},
		{"auto-rotation missing", func(in *createInput) { in.IsAutoRotation = nil }, "isAutoRotation"},
		{"period without auto-rotation", func(in *createInput) { in.RotationPeriod = ptr(int64(30)) }, "rotationPeriod"},
		{"period 0", func(in *createInput) { in.IsAutoRotation = ptr(true); in.RotationPeriod = ptr(int64(0)) }, "rotationPeriod"},
		{"period 731", func(in *createInput) { in.IsAutoRotation = ptr(true); in.RotationPeriod = ptr(int64(731)) }, "rotationPeriod"},
		{"period negative", func(in *createInput) { in.IsAutoRotation = ptr(true); in.RotationPeriod = ptr(int64(-1)) }, "rotationPeriod"},
		{"protection missing", func(in *createInput) { in.ProtectionType = nil }, "protectionType"},
		{"protection unknown", func(in *createInput) { in.ProtectionType = ptr("HSM") }, "protectionType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validCreateInput()
			tt.change(&in)
			err := validateCreate(in)
			apiErr, ok := err.(*apiError)
			if !ok {
				t.Fatalf("got %v, want an *apiError", err)
			}
			if apiErr.status != 400 || apiErr.code != codeInvalidRequest || !strings.Contains(apiErr.msg, tt.field) {
				t.Fatalf("got %d %s %q, want 400 INVALID_REQUEST naming %s", apiErr.status, apiErr.code, apiErr.msg, tt.field)
			}
		})
	}
}
