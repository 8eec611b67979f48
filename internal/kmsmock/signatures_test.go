package kmsmock

import (
	"net/http"
	"slices"
	"testing"
)

func TestSignatures_recordedWhenAsked(t *testing.T) {
	c := newTestClient(t, Options{RecordSignatures: true})
	var sent []string
	for _, uri := range []string{"/kms/v1/keys?pageNo=1&pageSize=20", "/kms/v1/keys/unknown"} {
		req := c.request(http.MethodGet, uri, nil)
		c.signAt(req, c.server.GatewayNow())
		sent = append(sent, req.Header.Get(headerSignature))
		c.send(req)
	}
	// A refused signature is recorded too: it was sent, so it must not leak either.
	refused := c.request(http.MethodGet, "/kms/v1/keys", nil)
	c.signAt(refused, c.server.GatewayNow())
	refused.Header.Set(headerSignature, "bm90IHRoZSBzaWduYXR1cmU=")
	if got := c.send(refused); got.status != http.StatusUnauthorized {
		t.Fatalf("a wrong signature got %d, want 401", got.status)
	}
	sent = append(sent, "bm90IHRoZSBzaWduYXR1cmU=")
	// A request without the header adds nothing.
	c.send(c.request(http.MethodGet, "/kms/v1/keys", nil))

	if got := c.server.Signatures(); !slices.Equal(got, sent) {
		t.Fatalf("Signatures() = %q, want %q", got, sent)
	}
	c.server.ResetJournal()
	if got := c.server.Signatures(); len(got) != len(sent) {
		t.Errorf("ResetJournal cleared the signatures: %q", got)
	}
}

func TestSignatures_offByDefault(t *testing.T) {
	c := newTestClient(t, Options{})
	c.call(http.MethodGet, "/kms/v1/keys", nil)
	if got := c.server.Signatures(); got != nil {
		t.Fatalf("Signatures() = %q without RecordSignatures, want nil", got)
	}
}
