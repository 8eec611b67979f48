package kmsmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// maxBodyBytes bounds what the mock reads; real bodies here are a few hundred bytes, and a crypto
// call's at most some 45 KB (32 KiB of plaintext in Base64).
const maxBodyBytes = 1 << 20

// decodeBody reads a JSON object into dst. Unknown fields are tolerated, as a lenient server would;
// a field of the wrong JSON type is named, anything else unreadable is "Malformed JSON body".
func decodeBody(r *http.Request, dst any) error { return decodeJSON(r, dst, false) }

// decodeOptionalBody is decodeBody for calls that may come without a body: an empty one is {}.
func decodeOptionalBody(r *http.Request, dst any) error { return decodeJSON(r, dst, true) }

func decodeJSON(r *http.Request, dst any, emptyIsObject bool) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return &apiError{http.StatusBadRequest, codeInvalidRequest, "Could not read the request body"}
	}
	if len(data) > maxBodyBytes {
		return &apiError{http.StatusBadRequest, codeInvalidRequest, "Request body larger than 1 MiB"}
	}
	if emptyIsObject && len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return errInvalidField(typeErr.Field, "has the wrong JSON type (%s)", typeErr.Value)
		}
		return &apiError{http.StatusBadRequest, codeInvalidRequest, "Malformed JSON body: " + err.Error()}
	}
	return nil
}

// decodeRequired decodes a one-field body and refuses it when present() says the field is missing.
func decodeRequired(r *http.Request, dst any, field string, present func() bool) error {
	if err := decodeBody(r, dst); err != nil {
		return err
	}
	if !present() {
		return errInvalidField(field, "is required")
	}
	return nil
}
