package kmsmock

import "time"

// Direct model access for tests and setup, as if done in the console: same validation and status
// rules as the API, but no signature, no faults and no journal entry. Errors read like the API's
// ("kmsmock: 422 UNPROCESSABLE_ENTITY: Invalid status").

// Keys returns every key in creation order, pending-deletion ones included.
func (s *Server) Keys() []Key {
	records := s.store.all()
	keys := make([]Key, len(records))
	for i := range records {
		keys[i] = records[i].info()
	}
	return keys
}

// Key returns the key with this tag, as Get Key Info would.
func (s *Server) Key(tag string) (Key, bool) {
	k, err := s.store.get(tag)
	if err != nil {
		return Key{}, false
	}
	return k.info(), true
}

// CreateKey validates spec like POST /keys (ProtectionType is required) and creates the key.
func (s *Server) CreateKey(spec KeySpec) (Key, error) {
	k, err := s.store.create(spec.input())
	if err != nil {
		return Key{}, err
	}
	return k.info(), nil
}

func (s *Server) RequestDeletion(tag string) error { return discard(s.store.requestDeletion(tag)) }
func (s *Server) CancelDeletion(tag string) error  { return discard(s.store.cancelDeletion(tag)) }
func (s *Server) DisableKey(tag string) error      { return discard(s.store.disable(tag)) }
func (s *Server) EnableKey(tag string) error       { return discard(s.store.enable(tag)) }

func (s *Server) RenameKey(tag, name string) error { return discard(s.store.rename(tag, name)) }

// DeleteKey deletes a key at once; like the API, only a key pending deletion (REVOKE).
func (s *Server) DeleteKey(tag string) error { return s.store.destroy(tag) }

func discard(_ keyRecord, err error) error { return err }

// RotateKey rotates a key by hand, as POST /keys/{tag}/rotate would, and returns the new version.
func (s *Server) RotateKey(tag string) (int64, error) {
	k, err := s.store.rotate(tag)
	return k.currentVersion(), err
}

// KeyVersions returns a key's versions in version order, as Get Key Version List would.
func (s *Server) KeyVersions(tag string) ([]KeyVersion, error) {
	k, err := s.store.get(tag)
	if err != nil {
		return nil, err
	}
	return k.versionList(), nil
}

// EnableKeyVersion and DisableKeyVersion change one version's status under the API's rules.
func (s *Server) EnableKeyVersion(tag string, version int64) error {
	return discard(s.store.setVersionStatus(tag, version, statusEnable))
}

func (s *Server) DisableKeyVersion(tag string, version int64) error {
	return discard(s.store.setVersionStatus(tag, version, statusDisable))
}

// RecordUse stages a use of a key, as POST /_mock/use does: u.RequestType API or CONSOLE, a crypto
// action, an IP address; u.At zero means now, else a time not after now; u.AccountID defaults to
// the mock account. Result and Message are set by the mock.
func (s *Server) RecordUse(tag string, u Use) error {
	if u.AccountID == "" {
		u.AccountID = mockAccountID
	}
	if err := checkUse(u.RequestType, u.Action, u.IP); err != nil {
		return err
	}
	var ago time.Duration
	if !u.At.IsZero() {
		if ago = s.Now().Sub(u.At); ago < 0 {
			return errInvalidField("At", "must not be after the mock clock's now (%s)", s.Now().Format(time.RFC3339))
		}
	}
	_, err := s.store.recordUse(tag, ago, u.RequestType, u.AccountID, u.IP, u.Action)
	return err
}

// Uses returns a key's activity log, newest first: staged uses, crypto calls and automatic rotations.
func (s *Server) Uses(tag string) ([]Use, error) { return s.store.uses(tag) }

// ACL returns whether the key's IP ACL is on and its allowed addresses, as Get ACL would.
func (s *Server) ACL(tag string) (enabled bool, allowedIPs []string, err error) {
	k, err := s.store.get(tag)
	return k.aclEnabled, k.allowedIPList(), err
}

// AddAllowedIPs, RemoveAllowedIPs, EnableACL and DisableACL change the ACL as the API would.
func (s *Server) AddAllowedIPs(tag string, ips ...string) error {
	return discard(s.store.changeACL(tag, ips, true))
}

func (s *Server) RemoveAllowedIPs(tag string, ips ...string) error {
	return discard(s.store.changeACL(tag, ips, false))
}

func (s *Server) EnableACL(tag string) error  { return discard(s.store.setACLEnabled(tag, true)) }
func (s *Server) DisableACL(tag string) error { return discard(s.store.setACLEnabled(tag, false)) }

// TokenGenerator returns the key's token generator as Get Token Generator would (404 when none).
func (s *Server) TokenGenerator(tag string) (TokenGenerator, error) { return s.store.getGenerator(tag) }

// CreateTokenGenerator, ReplaceTokenGenerator and DeleteTokenGenerator follow the API's rules;
// replacing or deleting revokes every token the generator issued.
func (s *Server) CreateTokenGenerator(tag string) error  { return s.store.createGenerator(tag) }
func (s *Server) ReplaceTokenGenerator(tag string) error { return s.store.endGenerator(tag, true) }
func (s *Server) DeleteTokenGenerator(tag string) error  { return s.store.endGenerator(tag, false) }
