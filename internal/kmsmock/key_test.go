package kmsmock

import "testing"

func TestKeyViews(t *testing.T) {
	k := &keyRecord{
		id: 10001, tag: "t", name: "n", keyType: "AES256", protectionType: "BASIC", memo: "m",
		convergent: true, autoRotation: false, period: 30, versions: make([]versionRecord, 3), status: statusRevoke,
		registerDate: 1, statusDate: 2, nextRotation: 0, destroyDate: 4,
	}
	info := k.info()
	if info.NRN != "nrn:PUB:KMS::2000001:Key/10001" || info.BaseURL != baseURL || info.KeystoreID != mockKeystoreID {
		t.Fatalf("info = %+v", info)
	}
	if info.CurrentVersion != 3 {
		t.Fatalf("current version %d, want 3 (the number of versions)", info.CurrentVersion)
	}
	if info.RotationPeriod != 0 {
		t.Fatalf("a key without auto-rotation shows period %d, want 0", info.RotationPeriod)
	}
	if c := info.created(); c.KeyTag != "t" || c.Memo != "m" || c.RegisterDate != 1 || !c.IsConvergent {
		t.Fatalf("created = %+v", c)
	}
	if l := info.listed(); l.DestroyDate != 4 || l.Status != statusRevoke || l.KeyID != 10001 {
		t.Fatalf("listed = %+v", l)
	}
	if sc := k.statusChange(); sc != (statusChange{"t", statusRevoke, 2}) {
		t.Fatalf("statusChange = %+v", sc)
	}
}

func TestKeySpecInput(t *testing.T) {
	in := KeySpec{Name: "n", Type: "AES256", ProtectionType: "BASIC"}.input()
	if *in.IsAutoRotation || in.RotationPeriod != nil || in.KeyType == nil || in.ProtectionType == nil {
		t.Fatalf("plain spec -> %+v", in)
	}
	in = KeySpec{Name: "n", RotationDays: 5}.input()
	if !*in.IsAutoRotation || *in.RotationPeriod != 5 || in.KeyType != nil || in.ProtectionType != nil {
		t.Fatalf("rotating spec without type -> %+v", in)
	}
}
