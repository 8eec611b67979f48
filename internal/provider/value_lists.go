package provider

import (
	"fmt"
	"strings"
)

// Allowed values, rendered for a description and for an error message; one list feeds both.

// markdownValueList renders allowed values for a description: `A`, `B` or `C`.
func markdownValueList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// settingChoices renders allowed values for an error message: "a", "b", "c".
func settingChoices(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}
