package kmsmock

import (
	"net/http"
	"net/netip"
	"slices"
)

// The IP ACL of a key: DESIGN.md §2.21–§2.25 and the choices of §10. The list says which
// client addresses may request token sets and access tokens while the ACL is on; signed account
// calls are not filtered. Every ACL call is allowed in every key status.

// Answers of Get ACL (aclInfo), add and remove (aclList), enable and disable (aclState).
type (
	aclInfo struct {
		KeyTag        string   `json:"keyTag"`
		IsACLEnabled  bool     `json:"isAclEnabled"`
		AllowedIPList []string `json:"allowedIpList"`
	}
	aclList struct {
		KeyTag        string   `json:"keyTag"`
		AllowedIPList []string `json:"allowedIpList"`
	}
	aclState struct {
		KeyTag       string `json:"keyTag"`
		IsACLEnabled bool   `json:"isAclEnabled"`
	}
)

// allowedIPList is the list as the API sends it: [] rather than null when empty.
func (k *keyRecord) allowedIPList() []string {
	if k.allowedIPs == nil {
		return []string{}
	}
	return k.allowedIPs
}

// allows reports whether a token request from ip passes the key's ACL.
func (k *keyRecord) allows(ip string) bool {
	return !k.aclEnabled || slices.Contains(k.allowedIPs, ip)
}

// checkIPList validates an ipList: every item an IPv4 dotted-quad address.
func checkIPList(ips []string) error {
	for _, ip := range ips {
		if addr, err := netip.ParseAddr(ip); err != nil || !addr.Is4() {
			return errInvalidField("ipList", "item %q is not an IPv4 address", ip)
		}
	}
	return nil
}

// changeACL adds or removes addresses. Adding a listed address or removing an unlisted one changes
// nothing; duplicates in ips count once.
func (s *store) changeACL(tag string, ips []string, add bool) (keyRecord, error) {
	if err := checkIPList(ips); err != nil {
		return keyRecord{}, err
	}
	return s.update(tag, func(k *keyRecord, _ int64) error {
		for _, ip := range ips {
			switch listed := slices.Contains(k.allowedIPs, ip); {
			case add && !listed:
				k.allowedIPs = append(k.allowedIPs, ip)
			case !add && listed:
				k.allowedIPs = slices.DeleteFunc(k.allowedIPs, func(other string) bool { return other == ip })
			}
		}
		return nil
	})
}

func (s *store) setACLEnabled(tag string, enabled bool) (keyRecord, error) {
	return s.update(tag, func(k *keyRecord, _ int64) error {
		k.aclEnabled = enabled
		return nil
	})
}

func (s *Server) getACL(_ *http.Request, tag string) apiResponse {
	k, err := s.store.get(tag)
	if err != nil {
		return failure(err)
	}
	return success(aclInfo{KeyTag: k.tag, IsACLEnabled: k.aclEnabled, AllowedIPList: k.allowedIPList()})
}

// aclListChange answers POST /acl (add) and DELETE /acl (remove, with a JSON body).
func aclListChange(add bool) keyHandler {
	return func(s *Server, r *http.Request, tag string) apiResponse {
		var body struct {
			IPList *[]string `json:"ipList"` // encoding/json also matches the older "IpList"
		}
		if err := decodeRequired(r, &body, "ipList", func() bool { return body.IPList != nil }); err != nil {
			return failure(err)
		}
		k, err := s.store.changeACL(tag, *body.IPList, add)
		if err != nil {
			return failure(err)
		}
		return success(aclList{KeyTag: k.tag, AllowedIPList: k.allowedIPList()})
	}
}

// aclSwitch answers POST /acl/enable and /acl/disable; switching to the current state succeeds.
func aclSwitch(enabled bool) keyHandler {
	return func(s *Server, _ *http.Request, tag string) apiResponse {
		k, err := s.store.setACLEnabled(tag, enabled)
		if err != nil {
			return failure(err)
		}
		return success(aclState{KeyTag: k.tag, IsACLEnabled: k.aclEnabled})
	}
}
