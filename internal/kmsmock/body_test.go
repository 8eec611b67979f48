package kmsmock

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecodeBody(t *testing.T) {
	decode := func(body string) (createInput, error) {
		var in createInput
		err := decodeBody(httptest.NewRequest("POST", "/", strings.NewReader(body)), &in)
		return in, err
	}
	in, err := decode(`{"keyName":"a","surprise":{"deep":[1,2]},"memo":null}`)
	if err != nil || *in.KeyName != "a" || in.Memo != nil {
		t.Fatalf("tolerant decode: %+v %v", in, err)
	}
	for body, part := range map[string]string{
		`{"keyName":1}`:          "keyName has the wrong JSON type (number)",
		`{"rotationPeriod":2.5}`: "rotationPeriod has the wrong JSON type",
		`{"isConvergent":"yes"}`: "isConvergent has the wrong JSON type",
		`{`:                      "Malformed JSON body",
		`"text"`:                 "Malformed JSON body",
		``:                       "Malformed JSON body",
		strings.Repeat(" ", maxBodyBytes+1) + "{}": "larger than 1 MiB",
	} {
		_, err := decode(body)
		if err == nil || !strings.Contains(err.Error(), part) || !strings.Contains(err.Error(), "400 INVALID_REQUEST") {
			t.Errorf("decode(%.30q) = %v, want a 400 containing %q", body, err, part)
		}
	}
}

func TestDecodeRequired(t *testing.T) {
	var body struct{ Memo *string }
	req := httptest.NewRequest("PUT", "/", strings.NewReader(`{"other":1}`))
	err := decodeRequired(req, &body, "memo", func() bool { return body.Memo != nil })
	if err == nil || !strings.Contains(err.Error(), "memo is required") {
		t.Fatalf("err = %v", err)
	}
}
