package kmsmock

import (
	"net/http"
	"testing"
)

func TestNewTestServerClosesAtCleanup(t *testing.T) {
	var addr string
	t.Run("inner", func(t *testing.T) {
		s := NewTestServer(t, Options{})
		addr = s.Addr()
		resp, err := http.Get("http://" + addr + "/_mock/journal")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	if resp, err := http.Get("http://" + addr + "/_mock/journal"); err == nil {
		resp.Body.Close()
		t.Fatal("the test server still answers after its test ended")
	}
}
