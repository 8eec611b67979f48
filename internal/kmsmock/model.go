package kmsmock

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
