package kmsmock

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Field rules of DESIGN.md §2.1 and §9.
var (
	keyNamePattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{2,14}$`)
	keyTypes        = []string{keyTypeAES, keyTypeRSA, keyTypeECDSA}
	protectionTypes = []string{"BASIC", "COMMON_HSM"}
)

const (
	maxMemoRunes          = 100
	minRotationDays       = 1
	maxRotationDays       = 730
	defaultRotationDays   = 90
	convergentOnlyKeyType = keyTypeAES
)

// createInput is a Create Key body; nil pointers are fields the caller left out.
type createInput struct {
	KeyName        *string `json:"keyName"`
	KeyType        *string `json:"keyType"`
	Memo           *string `json:"memo"`
	IsConvergent   *bool   `json:"isConvergent"`
	IsAutoRotation *bool   `json:"isAutoRotation"`
	RotationPeriod *int64  `json:"rotationPeriod"`
	ProtectionType *string `json:"protectionType"`
}

// validateCreate reports the first bad field, in the order of the §2.1 table.
func validateCreate(in createInput) error {
	if in.KeyName == nil {
		return errInvalidField("keyName", "is required")
	}
	if err := validateKeyName(*in.KeyName); err != nil {
		return err
	}
	if in.KeyType == nil {
		return errInvalidField("keyType", "is required")
	}
	if !slices.Contains(keyTypes, *in.KeyType) {
		return errInvalidField("keyType", "must be one of %s", strings.Join(keyTypes, ", "))
	}
	if in.Memo != nil {
		if err := validateMemo(*in.Memo); err != nil {
			return err
		}
	}
	if in.IsConvergent != nil && *in.IsConvergent && *in.KeyType != convergentOnlyKeyType {
		return errInvalidField("isConvergent", "may be true only with keyType %s", convergentOnlyKeyType)
	}
	if in.IsAutoRotation == nil {
		return errInvalidField("isAutoRotation", "is required")
	}
	if in.RotationPeriod != nil {
		if !*in.IsAutoRotation {
			return errInvalidField("rotationPeriod", "is accepted only with isAutoRotation true")
		}
		if err := validateRotationPeriod(*in.RotationPeriod); err != nil {
			return err
		}
	}
	if in.ProtectionType == nil {
		return errInvalidField("protectionType", "is required")
	}
	if !slices.Contains(protectionTypes, *in.ProtectionType) {
		return errInvalidField("protectionType", "must be one of %s", strings.Join(protectionTypes, ", "))
	}
	return nil
}

func validateKeyName(name string) error {
	if !keyNamePattern.MatchString(name) {
		return errInvalidField("keyName", "must be 3-15 letters, digits, '-' or '_' starting with a letter (%s)", keyNamePattern)
	}
	return nil
}

func validateMemo(memo string) error {
	if n := utf8.RuneCountInString(memo); n > maxMemoRunes {
		return errInvalidField("memo", "must be at most %d characters, got %d", maxMemoRunes, n)
	}
	return nil
}

func validateRotationPeriod(days int64) error {
	if days < minRotationDays || days > maxRotationDays {
		return errInvalidField("rotationPeriod", "must be between %d and %d days, got %d", minRotationDays, maxRotationDays, days)
	}
	return nil
}
