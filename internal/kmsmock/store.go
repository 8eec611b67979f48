package kmsmock

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
)

const (
	dayMillis           = int64(24 * 60 * 60 * 1000)
	deletionDelayMillis = 3 * dayMillis // §2.15: final deletion 72 hours after the request
	maxKeyVersions      = 100           // guide: up to 100 versions per key
	mockKeystoreID      = 2000001       // the one logical keystore of the mock's account
	firstKeyID          = 10001
)

// store holds the keys and enforces the state machine of DESIGN.md §3 and §9.
// Every operation first settles the clock: due rotations happen, expired pending keys vanish.
type store struct {
	mu     sync.Mutex
	clock  *clock
	lastID int64
	keys   []*keyRecord          // creation order, which is also list order
	byTag  map[string]*keyRecord // lower-case tag; v3 documents tags as case-insensitive
	tokens map[string]*tokenRecord
}

func newStore(c *clock) *store {
	return &store{clock: c, lastID: firstKeyID - 1, byTag: map[string]*keyRecord{}, tokens: map[string]*tokenRecord{}}
}

// settle applies what the passing of time does and returns now in milliseconds. Caller holds mu.
func (s *store) settle() int64 {
	now := s.clock.nowMillis()
	kept := s.keys[:0]
	for _, k := range s.keys {
		if k.status == statusRevoke && now >= k.destroyDate {
			delete(s.byTag, k.tag)
			continue
		}
		k.rotateDue(now)
		kept = append(kept, k)
	}
	clear(s.keys[len(kept):])
	s.keys = kept
	return now
}

// settleNow applies the passing of time at once, so that a clock jump shows in every view.
func (s *store) settleNow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
}

// nameTaken reports whether another key (REVOKE included) uses name, ignoring case. Caller holds mu.
func (s *store) nameTaken(name string, except *keyRecord) bool {
	for _, k := range s.keys {
		if k != except && strings.EqualFold(k.name, name) {
			return true
		}
	}
	return false
}

func (s *store) create(in createInput) (keyRecord, error) {
	if err := validateCreate(in); err != nil {
		return keyRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.settle()
	if s.nameTaken(*in.KeyName, nil) {
		return keyRecord{}, errNameConflict(*in.KeyName)
	}
	s.lastID++
	k := &keyRecord{
		id:             s.lastID,
		tag:            s.newTag(),
		name:           *in.KeyName,
		keyType:        *in.KeyType,
		protectionType: *in.ProtectionType,
		versions:       []versionRecord{newVersion(*in.KeyType, now)},
		status:         statusEnable,
		registerDate:   now,
		statusDate:     now,
	}
	if in.Memo != nil {
		k.memo = *in.Memo
	}
	if in.IsConvergent != nil {
		k.convergent = *in.IsConvergent
	}
	if *in.IsAutoRotation {
		k.autoRotation = true
		k.period = defaultRotationDays
		if in.RotationPeriod != nil {
			k.period = *in.RotationPeriod
		}
		k.nextRotation = now + k.period*dayMillis
	}
	s.keys = append(s.keys, k)
	s.byTag[k.tag] = k
	return *k, nil
}

// newTag draws 64 lower-case hex characters not used yet. Caller holds mu.
func (s *store) newTag() string {
	for {
		var b [32]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		tag := hex.EncodeToString(b[:])
		if s.byTag[tag] == nil {
			return tag
		}
	}
}

// all returns every key in creation order.
func (s *store) all() []keyRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	out := make([]keyRecord, len(s.keys))
	for i, k := range s.keys {
		out[i] = k.snapshot()
	}
	return out
}

func (s *store) get(tag string) (keyRecord, error) {
	return s.update(tag, func(*keyRecord, int64) error { return nil })
}

// update runs change on one key under the lock and returns a copy of the result.
func (s *store) update(tag string, change func(k *keyRecord, now int64) error) (keyRecord, error) {
	var out keyRecord
	err := s.with(tag, func(k *keyRecord, now int64) error {
		if err := change(k, now); err != nil {
			return err
		}
		out = k.snapshot()
		return nil
	})
	return out, err
}

// with settles the clock and runs do on one key under the lock; 404 for an unknown tag.
func (s *store) with(tag string, do func(k *keyRecord, now int64) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.settle()
	k := s.byTag[strings.ToLower(tag)]
	if k == nil {
		return errKeyNotFound(tag)
	}
	return do(k, now)
}

// requireStatus refuses the call unless the key is in one of the allowed statuses.
func requireStatus(k *keyRecord, allowed ...string) error {
	for _, status := range allowed {
		if k.status == status {
			return nil
		}
	}
	return errInvalidStatus()
}

func (k *keyRecord) setStatus(status string, now int64) {
	if k.status != status {
		k.status = status
		k.statusDate = now
	}
}

func (s *store) enable(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusEnable, statusDisable); err != nil {
			return err
		}
		k.setStatus(statusEnable, now)
		return nil
	})
}

func (s *store) disable(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusEnable, statusDisable); err != nil {
			return err
		}
		k.setStatus(statusDisable, now)
		return nil
	})
}

func (s *store) rename(tag, name string) (keyRecord, error) {
	if err := validateKeyName(name); err != nil {
		return keyRecord{}, err
	}
	return s.update(tag, func(k *keyRecord, _ int64) error {
		if err := requireStatus(k, statusEnable, statusDisable); err != nil {
			return err
		}
		if s.nameTaken(name, k) {
			return errNameConflict(name)
		}
		k.name = name
		return nil
	})
}

func (s *store) setMemo(tag, memo string) (keyRecord, error) {
	if err := validateMemo(memo); err != nil {
		return keyRecord{}, err
	}
	return s.update(tag, func(k *keyRecord, _ int64) error {
		if err := requireStatus(k, statusEnable, statusDisable); err != nil {
			return err
		}
		k.memo = memo
		return nil
	})
}

// enableAutoRotation keeps the last period (90 days if none was ever set); on a key that already
// rotates it changes nothing.
func (s *store) enableAutoRotation(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusEnable); err != nil {
			return err
		}
		if k.autoRotation {
			return nil
		}
		if k.period == 0 {
			k.period = defaultRotationDays
		}
		k.autoRotation = true
		k.nextRotation = now + k.period*dayMillis
		return nil
	})
}

func (s *store) disableAutoRotation(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, _ int64) error {
		if err := requireStatus(k, statusEnable, statusDisable); err != nil {
			return err
		}
		k.autoRotation = false
		k.nextRotation = 0
		return nil
	})
}

// setRotationPeriod restarts the schedule from now with the new period.
func (s *store) setRotationPeriod(tag string, days int64) (keyRecord, error) {
	if err := validateRotationPeriod(days); err != nil {
		return keyRecord{}, err
	}
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusEnable); err != nil {
			return err
		}
		if !k.autoRotation {
			return errInvalidStatus()
		}
		k.period = days
		k.nextRotation = now + days*dayMillis
		return nil
	})
}

func (s *store) requestDeletion(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusEnable, statusDisable); err != nil {
			return err
		}
		k.setStatus(statusRevoke, now)
		k.destroyDate = now + deletionDelayMillis
		return nil
	})
}

// cancelDeletion leaves the key DISABLE whatever it was before (§2.16).
func (s *store) cancelDeletion(tag string) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, now int64) error {
		if err := requireStatus(k, statusRevoke); err != nil {
			return err
		}
		k.setStatus(statusDisable, now)
		k.destroyDate = 0
		return nil
	})
}

// destroy is DELETE /keys/{tag}: immediate final deletion of a key pending deletion.
func (s *store) destroy(tag string) error {
	return s.with(tag, func(k *keyRecord, _ int64) error {
		if err := requireStatus(k, statusRevoke); err != nil {
			return err
		}
		delete(s.byTag, k.tag)
		s.keys = slices.DeleteFunc(s.keys, func(other *keyRecord) bool { return other == k })
		return nil
	})
}
