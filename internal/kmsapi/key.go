package kmsapi

import "time"

// Key statuses of the /kms/v1 API.
const (
	StatusEnable  = "ENABLE"
	StatusDisable = "DISABLE"
	StatusRevoke  = "REVOKE"
)

// KeyStatuses lists them, for validators and descriptions.
var KeyStatuses = []string{StatusEnable, StatusDisable, StatusRevoke}

// Key types and protection types accepted by Create Key.
var (
	KeyTypes        = []string{"AES256", "RSA2048", "ECDSA"}
	ProtectionTypes = []string{"BASIC", "COMMON_HSM"}
)

// Key is a KMS key as Get Key Info (and, partly, Get Key List and Create Key) returns it.
// Times are Unix epoch milliseconds as on the wire; zero means absent.
type Key struct {
	KeyID            int64  `json:"keyId"`
	KeyTag           string `json:"keyTag"`
	KeyName          string `json:"keyName"`
	NRN              string `json:"nrn"`
	BaseURL          string `json:"baseUrl"`
	KeyType          string `json:"keyType"`
	Status           string `json:"status"`
	KeystoreID       int64  `json:"keystoreId"`
	CurrentVersion   int64  `json:"currentVersion"`
	ProtectionType   string `json:"protectionType"`
	Memo             string `json:"memo"`
	IsConvergent     bool   `json:"isConvergent"`
	IsAutoRotation   bool   `json:"isAutoRotation"`
	RotationPeriod   int64  `json:"rotationPeriod"`
	NextRotationDate int64  `json:"nextRotationDate"`
	RegisterDate     int64  `json:"registerDate"`
	DestroyDate      int64  `json:"destroyDate"`
}

// CreateKeyInput is the body of Create Key. RotationPeriod is sent only with IsAutoRotation.
type CreateKeyInput struct {
	KeyName        string `json:"keyName"`
	KeyType        string `json:"keyType"`
	Memo           string `json:"memo,omitempty"`
	IsConvergent   bool   `json:"isConvergent"`
	IsAutoRotation bool   `json:"isAutoRotation"`
	RotationPeriod int64  `json:"rotationPeriod,omitempty"`
	ProtectionType string `json:"protectionType"`
}

// MillisToTime converts a wire timestamp to UTC time; zero stays the zero time.
func MillisToTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
