package provider

import "os"

// pluginLogLevelVariables set the levels of terraform-plugin-go's, the framework's and this
// provider's loggers; unset, each logs at TRACE.
var pluginLogLevelVariables = []string{
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_NCLOUDKMS",
}

// QuietLoggingUnlessRequested turns those loggers off when Terraform would discard their lines
// anyway (neither TF_LOG nor TF_LOG_PROVIDER is set): writing and parsing TRACE lines that
// nobody reads costs about a fifth of the provider's CPU per call. A level set explicitly wins.
// It reports whether Terraform discards the provider's logs.
func QuietLoggingUnlessRequested() (quiet bool) {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return false
	}
	for _, name := range pluginLogLevelVariables {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
	return true
}
