package kmsmock

import (
	"fmt"
	"slices"
)

// Key statuses of the /kms/v1 API.
const (
	statusEnable  = "ENABLE"
	statusDisable = "DISABLE"
	statusRevoke  = "REVOKE"
)

// baseURL is what Get Key Info reports for a global key: the mock models the default boundary.
const baseURL = "https://ocapi.ncloud.com"

// Key is a key as Get Key Info answers it. Times are Unix epoch milliseconds; zero means absent.
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

// KeySpec describes a key created outside the API (as in the console). RotationDays > 0 turns
// automatic rotation on with that period; 0 leaves it off.
type KeySpec struct {
	Name, Type, ProtectionType, Memo string
	Convergent                       bool
	RotationDays                     int64
}

// input turns a spec into the body POST /keys would carry, so both paths share one validation.
func (spec KeySpec) input() createInput {
	in := createInput{
		KeyName:        &spec.Name,
		Memo:           &spec.Memo,
		IsConvergent:   &spec.Convergent,
		IsAutoRotation: new(bool),
	}
	if spec.Type != "" {
		in.KeyType = &spec.Type
	}
	if spec.ProtectionType != "" {
		in.ProtectionType = &spec.ProtectionType
	}
	if spec.RotationDays != 0 { // a negative period reaches the range check
		*in.IsAutoRotation = true
		in.RotationPeriod = &spec.RotationDays
	}
	return in
}

// keyRecord is the stored state of one key.
type keyRecord struct {
	id             int64
	tag            string
	name           string
	keyType        string
	protectionType string
	memo           string
	convergent     bool
	autoRotation   bool
	period         int64           // days; remembered while auto-rotation is off, 0 if never set
	versions       []versionRecord // version n is versions[n-1]; the last one is current
	status         string
	registerDate   int64
	statusDate     int64
	nextRotation   int64       // 0 while auto-rotation is off
	destroyDate    int64       // 0 unless REVOKE
	uses           []useRecord // the activity log, oldest first; never copied out of the store
	aclEnabled     bool
	allowedIPs     []string         // IPv4 addresses in the order they were added
	generator      *generatorRecord // nil while the key has no token generator
}

// snapshot is a copy that shares no memory with the stored key, for use outside the store's lock.
// The activity log stays behind: it is read under the lock.
func (k *keyRecord) snapshot() keyRecord {
	c := *k
	c.versions = slices.Clone(k.versions)
	c.uses = nil
	c.allowedIPs = slices.Clone(k.allowedIPs)
	if k.generator != nil {
		g := *k.generator
		c.generator = &g
	}
	return c
}

// shownPeriod is the period the API reports: none while auto-rotation is off.
func (k *keyRecord) shownPeriod() int64 {
	if !k.autoRotation {
		return 0
	}
	return k.period
}

// nrn is the key's NCloud resource name.
func (k *keyRecord) nrn() string { return fmt.Sprintf("nrn:PUB:KMS::%d:Key/%d", mockKeystoreID, k.id) }

func (k *keyRecord) info() Key {
	return Key{
		KeyID:            k.id,
		KeyTag:           k.tag,
		KeyName:          k.name,
		NRN:              k.nrn(),
		BaseURL:          baseURL,
		KeyType:          k.keyType,
		Status:           k.status,
		KeystoreID:       mockKeystoreID,
		CurrentVersion:   k.currentVersion(),
		ProtectionType:   k.protectionType,
		Memo:             k.memo,
		IsConvergent:     k.convergent,
		IsAutoRotation:   k.autoRotation,
		RotationPeriod:   k.shownPeriod(),
		NextRotationDate: k.nextRotation,
		RegisterDate:     k.registerDate,
		DestroyDate:      k.destroyDate,
	}
}

// createdKey holds the §2.1 Create Key answer fields only (no nrn, baseUrl, currentVersion).
type createdKey struct {
	KeyID            int64  `json:"keyId"`
	KeyTag           string `json:"keyTag"`
	KeyName          string `json:"keyName"`
	KeyType          string `json:"keyType"`
	Status           string `json:"status"`
	KeystoreID       int64  `json:"keystoreId"`
	ProtectionType   string `json:"protectionType"`
	Memo             string `json:"memo"`
	IsConvergent     bool   `json:"isConvergent"`
	IsAutoRotation   bool   `json:"isAutoRotation"`
	RotationPeriod   int64  `json:"rotationPeriod"`
	NextRotationDate int64  `json:"nextRotationDate"`
	RegisterDate     int64  `json:"registerDate"`
}

func (k Key) created() createdKey {
	return createdKey{
		KeyID: k.KeyID, KeyTag: k.KeyTag, KeyName: k.KeyName, KeyType: k.KeyType, Status: k.Status,
		KeystoreID: k.KeystoreID, ProtectionType: k.ProtectionType, Memo: k.Memo,
		IsConvergent: k.IsConvergent, IsAutoRotation: k.IsAutoRotation, RotationPeriod: k.RotationPeriod,
		NextRotationDate: k.NextRotationDate, RegisterDate: k.RegisterDate,
	}
}

// listedKey holds the §2.2 Get Key List item fields only.
type listedKey struct {
	KeyID          int64  `json:"keyId"`
	KeyTag         string `json:"keyTag"`
	KeyName        string `json:"keyName"`
	KeyType        string `json:"keyType"`
	Status         string `json:"status"`
	ProtectionType string `json:"protectionType"`
	IsConvergent   bool   `json:"isConvergent"`
	RegisterDate   int64  `json:"registerDate"`
	DestroyDate    int64  `json:"destroyDate"`
}

func (k Key) listed() listedKey {
	return listedKey{
		KeyID: k.KeyID, KeyTag: k.KeyTag, KeyName: k.KeyName, KeyType: k.KeyType, Status: k.Status,
		ProtectionType: k.ProtectionType, IsConvergent: k.IsConvergent,
		RegisterDate: k.RegisterDate, DestroyDate: k.DestroyDate,
	}
}

// statusChange answers enable, disable, request-deletion and cancel-deletion.
type statusChange struct {
	KeyTag     string `json:"keyTag"`
	Status     string `json:"status"`
	StatusDate int64  `json:"statusDate"`
}

func (k *keyRecord) statusChange() statusChange {
	return statusChange{KeyTag: k.tag, Status: k.status, StatusDate: k.statusDate}
}
