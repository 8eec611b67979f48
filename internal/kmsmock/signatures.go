package kmsmock

import "sync"

// signatureLog keeps the x-ncp-apigw-signature-v2 values the mock received, when
// Options.RecordSignatures asks for it, so that a test can search logs and state for every
// signature a client sent. Off by default: a long benchmark must not grow memory per request.
type signatureLog struct {
	enabled bool
	mu      sync.Mutex
	values  []string
}

// record keeps a non-empty signature, once per request, rejected ones included.
func (l *signatureLog) record(value string) {
	if !l.enabled || value == "" {
		return
	}
	l.mu.Lock()
	l.values = append(l.values, value)
	l.mu.Unlock()
}

func (l *signatureLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.values...)
}

// Signatures returns the signature header values of the /kms/v1 requests received so far, in
// arrival order; nil unless Options.RecordSignatures is set. ResetJournal does not clear them.
func (s *Server) Signatures() []string { return s.signatures.snapshot() }
