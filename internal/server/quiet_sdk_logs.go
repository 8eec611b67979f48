package server

import "os"

// A workaround, in one file so that it can go in one commit, for an open upstream defect:
// terraform-plugin-framework issue 1269, "SDK Framework logs are produced even if not requested"
// (also 1086, and OpenTofu issue 2969 on the CLI's side). terraform-plugin-log's loggers log at
// TRACE unless a level variable says otherwise (tfsdklog/sdk.go, NewRootSDKLogger and
// NewRootProviderLogger: "if opts.Level == hclog.NoLevel { opts.Level = hclog.Trace }"), and
// terraform-plugin-go takes their levels only from the environment (tf6server.Serve,
// WithLevelFromEnv). So every protocol call writes JSON TRACE lines to stderr, which Terraform
// parses and then drops unless TF_LOG or TF_LOG_PROVIDER is set. `make bench` shows the cost
// side by side. Remove this file when the SDK loggers follow Terraform's level.

// sdkLogLevelVariables set the levels of terraform-plugin-go's, the framework's and this provider's loggers.
var sdkLogLevelVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_NCLOUDKMS"}

// quietSDKLoggers turns those loggers off where no level is set. Serve calls it only when
// Terraform discards the provider's logs and never under -debug, so every run whose logs somebody
// reads keeps every line; a level set explicitly wins.
func quietSDKLoggers() {
	for _, name := range sdkLogLevelVariables {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
}
