package provider

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ncloudkms/terraform-provider-ncloudkms/internal/kmsapi"
)

// Environment variables the provider reads (DESIGN.md §1). NCLOUD_REGION is deliberately absent:
// the official provider's region means something else, and key_boundary must not inherit it.
const (
	envAccessKey       = "NCLOUD_ACCESS_KEY"        // official NCloud provider's name
	envAccessKeyID     = "NCLOUD_ACCESS_KEY_ID"     // NCloud Go SDK's name
	envSecretKey       = "NCLOUD_SECRET_KEY"        // official NCloud provider's name
	envSecretAccessKey = "NCLOUD_SECRET_ACCESS_KEY" // NCloud Go SDK's name
	envEndpoint        = "NCLOUD_KMS_ENDPOINT"
	envSite            = "NCLOUD_SITE"
	envKeyBoundary     = "NCLOUD_KMS_KEY_BOUNDARY"
)

// The NCloud SDK's credentials file, relative to the home directory, and its two keys.
const (
	configureFileRelPath   = ".ncloud/configure"
	configureFileAccessKey = "ncloud_access_key_id"
	configureFileSecretKey = "ncloud_secret_access_key"
)

// credentialSource is where one credential is looked for after its attribute, in order.
type credentialSource struct {
	envVar, envVarAlt, fileKey string
}

var (
	accessKeySource = credentialSource{envAccessKey, envAccessKeyID, configureFileAccessKey}
	secretKeySource = credentialSource{envSecretKey, envSecretAccessKey, configureFileSecretKey}
)

// places names them: "the environment variable A, then B, then c in <file>". code renders a name
// (backticks for Markdown, or as it is).
func (s credentialSource) places(code func(string) string, file string) string {
	return fmt.Sprintf("the environment variable %s, then %s, then %s in %s",
		code(s.envVar), code(s.envVarAlt), code(s.fileKey), file)
}

func plainName(name string) string    { return name }
func markdownName(name string) string { return "`" + name + "`" }

// Sites. fin is known only to be refused: NCloud publishes no KMS API 2.0 host for it.
const (
	sitePublic = "public"
	siteGov    = "gov"
	siteFin    = "fin"
)

var supportedSites = []string{sitePublic, siteGov}

// Key boundaries: where the keys live (DESIGN.md §1). Named so that nobody mistakes it
// for the official provider's region.
const (
	keyBoundaryGlobal = "global"
	keyBoundaryKorea  = "korea"
	keyBoundaryJapan  = "japan"
)

var keyBoundaries = []string{keyBoundaryGlobal, keyBoundaryKorea, keyBoundaryJapan}

// KMS API 2.0 hosts (DESIGN.md §1); every one serves the /kms/v1 path.
const (
	apiBasePath = "/kms/v1"
	govHost     = "ocapi.gov-ncloud.com"
)

var publicHostByKeyBoundary = map[string]string{
	keyBoundaryGlobal: "ocapi.ncloud.com",
	keyBoundaryKorea:  "ocapi-kr.ncloud.com",
	keyBoundaryJapan:  "ocapi-jp.ncloud.com",
}

// Retry and timeout defaults are the client's; max_retries counts the attempts after the first.
const (
	defaultMaxRetries = kmsapi.DefaultMaxAttempts - 1
	maxMaxRetries     = 50
)

// defaultRequestTimeout is the client's default as request_timeout spells it ("60s").
var defaultRequestTimeout = fmt.Sprintf("%ds", int(kmsapi.DefaultRequestTimeout/time.Second))

// finRefusal explains why site = "fin" cannot work, so that the user does not go looking for a typo.
const finRefusal = `NCloud publishes no KMS API 2.0 (/kms/v1) host for its financial site, so "fin" is not ` +
	`supported. Use site "public" or "gov", or set endpoint to a KMS API 2.0 base URL that you know serves ` +
	`your account.`

// providerConfigInput is the provider block as plain values; "" and nil mean "not set".
type providerConfigInput struct {
	AccessKey      string
	SecretKey      string
	Site           string
	KeyBoundary    string
	Endpoint       string
	MaxRetries     *int64
	RequestTimeout string
}

// providerSettings are the values the client is built from, after environment and defaults.
type providerSettings struct {
	Endpoint       string
	AccessKey      string
	SecretKey      string
	MaxAttempts    int
	RequestTimeout time.Duration
}

// configProblem is one configuration error; Attribute names the attribute to blame ("" for none).
type configProblem struct {
	Attribute string
	Summary   string
	Detail    string
}

// configEnvironment is where settings come from besides the provider block.
type configEnvironment struct {
	Getenv     func(string) string
	HomeDir    string // "" when unknown
	HomeDirErr error  // why HomeDir is unknown
}

// resolveProviderSettings applies the order attribute → environment → file → default to every
// setting and reports every problem at once, so that one plan shows everything to fix.
func resolveProviderSettings(in providerConfigInput, env configEnvironment) (providerSettings, []configProblem) {
	var settings providerSettings
	var problems []configProblem

	endpoint, problem := resolveEndpoint(in, env.Getenv)
	if problem != nil {
		problems = append(problems, *problem)
	}
	settings.Endpoint = endpoint

	creds, problem := resolveCredentials(in.AccessKey, in.SecretKey, env)
	if problem != nil {
		problems = append(problems, *problem)
	}
	settings.AccessKey, settings.SecretKey = creds.AccessKey, creds.SecretKey

	retries := int64(defaultMaxRetries)
	if in.MaxRetries != nil {
		retries = *in.MaxRetries
	}
	if retries < 0 || retries > maxMaxRetries {
		problems = append(problems, configProblem{Attribute: "max_retries", Summary: "Invalid max_retries",
			Detail: fmt.Sprintf("max_retries must be between 0 and %d; got %d.", maxMaxRetries, retries)})
	}
	settings.MaxAttempts = int(retries) + 1

	timeoutText := in.RequestTimeout
	if timeoutText == "" {
		timeoutText = defaultRequestTimeout
	}
	timeout, err := parseRequestTimeout(timeoutText)
	if err != nil {
		problems = append(problems, configProblem{Attribute: "request_timeout", Summary: "Invalid request_timeout", Detail: err.Error()})
	}
	settings.RequestTimeout = timeout

	return settings, problems
}

// resolveEndpoint returns the base URL to call: the endpoint override (attribute, then
// NCLOUD_KMS_ENDPOINT), else the host chosen by site and key boundary.
func resolveEndpoint(in providerConfigInput, getenv func(string) string) (string, *configProblem) {
	endpoint, source := in.Endpoint, "the endpoint attribute"
	if endpoint == "" {
		endpoint, source = getenv(envEndpoint), "the environment variable "+envEndpoint
	}
	if endpoint != "" {
		if reason := endpointProblem(endpoint); reason != "" {
			return "", &configProblem{Attribute: "endpoint", Summary: "Invalid endpoint",
				Detail: fmt.Sprintf("The endpoint %q from %s cannot be used: %s", redactEndpoint(endpoint), source, reason)}
		}
		return endpoint, nil
	}

	site, siteSource := settingWithSource(in.Site, "the site attribute", getenv(envSite), "the environment variable "+envSite)
	if site == "" {
		site = sitePublic
	}
	if reason := siteProblem(site); reason != "" {
		return "", &configProblem{Attribute: "site", Summary: "Unsupported site",
			Detail: fmt.Sprintf("Site %q (from %s) cannot be used. %s", site, siteSource, reason)}
	}
	boundary, boundarySource := settingWithSource(in.KeyBoundary, "the key_boundary attribute",
		getenv(envKeyBoundary), "the environment variable "+envKeyBoundary)
	if boundary == "" {
		boundary = keyBoundaryGlobal
	}
	if reason := keyBoundaryProblem(boundary); reason != "" {
		return "", &configProblem{Attribute: "key_boundary", Summary: "Invalid key_boundary",
			Detail: fmt.Sprintf("Key boundary %q (from %s) cannot be used. %s", boundary, boundarySource, reason)}
	}
	host, reason := apiHost(site, boundary)
	if reason != "" {
		return "", &configProblem{Attribute: "key_boundary", Summary: "Key boundary not available on this site", Detail: reason}
	}
	return "https://" + host + apiBasePath, nil
}

// settingWithSource returns the first non-empty value with the name of where it came from.
func settingWithSource(value, source, fallback, fallbackSource string) (string, string) {
	if value != "" {
		return value, source
	}
	return fallback, fallbackSource
}

// apiHost maps a supported site and a valid key boundary to the KMS API 2.0 host.
func apiHost(site, boundary string) (string, string) {
	if site == siteGov {
		if boundary != keyBoundaryGlobal {
			return "", keyBoundaryOnGovProblem(boundary)
		}
		return govHost, ""
	}
	return publicHostByKeyBoundary[boundary], ""
}

func keyBoundaryOnGovProblem(boundary string) string {
	return fmt.Sprintf("key_boundary %q is only available with site %q: NCloud publishes Korea-only and "+
		"Japan-only KMS hosts for the public site alone. With site %q, leave key_boundary unset or set it to %q.",
		boundary, sitePublic, siteGov, keyBoundaryGlobal)
}

// siteProblem explains why site cannot be used, or returns "".
func siteProblem(site string) string {
	if site == siteFin {
		return finRefusal
	}
	if !slices.Contains(supportedSites, site) {
		return fmt.Sprintf("site must be one of %s.", settingChoices(supportedSites))
	}
	return ""
}

// keyBoundaryProblem explains why boundary is not a key boundary, or returns "".
func keyBoundaryProblem(boundary string) string {
	if !slices.Contains(keyBoundaries, boundary) {
		return fmt.Sprintf("key_boundary must be one of %s.", settingChoices(keyBoundaries))
	}
	return ""
}

// endpointProblem explains why raw cannot serve as the API base URL, or returns "". Plain
// http is allowed only on a loopback host, where the mock server runs: anywhere else it would
// send the access key and signed requests in clear text.
func endpointProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// A url.Error repeats the whole URL, password included; its cause does not.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Sprintf("it is not a valid URL (%v).", err)
	}
	switch {
	case u.Scheme == "" || u.Host == "":
		return "it must be an absolute URL with a scheme and a host, such as https://ocapi.ncloud.com/kms/v1."
	case u.Hostname() == "":
		return "it has no host name."
	case u.User != nil:
		return "it must not contain a user name or password."
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "it must not contain a query string or a fragment."
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return ""
	case u.Scheme == "http":
		return fmt.Sprintf("it must use https:// because %q is not a loopback host; plain http:// is accepted "+
			"only for 127.0.0.0/8, ::1 and localhost (a local mock server).", u.Hostname())
	default:
		return fmt.Sprintf("the scheme %q is not supported; use https://.", u.Scheme)
	}
}

// redactEndpoint hides a password written into an endpoint URL before it goes into a message,
// also when the URL does not parse (then everything before the host's "@" goes).
func redactEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err == nil {
		if u.User == nil {
			return raw
		}
		return u.Redacted()
	}
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		scheme, rest = "", raw
	}
	authority, path, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	redacted := "xxxxx" + authority[at:]
	if path != "" || strings.Contains(rest, "/") {
		redacted += "/" + path
	}
	if found {
		redacted = scheme + "://" + redacted
	}
	return redacted
}

// isLoopbackHost reports whether host (without port or brackets) names this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseRequestTimeout reads a Go duration such as "60s" or "2m" and insists on a positive value.
func parseRequestTimeout(text string) (time.Duration, error) {
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, fmt.Errorf("request_timeout %q is not a duration such as \"60s\" or \"2m\": %w", text, err)
	}
	if d <= 0 {
		return 0, fmt.Errorf("request_timeout must be positive; got %q", text)
	}
	return d, nil
}

// credentials holds the resolved key pair.
type credentials struct {
	AccessKey string
	SecretKey string
}

// resolveCredentials looks for each key in the attribute, then in the two environment variables,
// then in ~/.ncloud/configure. When a key is found nowhere, the one error lists every place.
func resolveCredentials(accessKeyAttr, secretKeyAttr string, env configEnvironment) (credentials, *configProblem) {
	access := firstFoundSetting(
		foundSetting{accessKeyAttr, "the provider's access_key attribute"},
		foundSetting{env.Getenv(envAccessKey), "the environment variable " + envAccessKey},
		foundSetting{env.Getenv(envAccessKeyID), "the environment variable " + envAccessKeyID})
	secret := firstFoundSetting(
		foundSetting{secretKeyAttr, "the provider's secret_key attribute"},
		foundSetting{env.Getenv(envSecretKey), "the environment variable " + envSecretKey},
		foundSetting{env.Getenv(envSecretAccessKey), "the environment variable " + envSecretAccessKey})

	filePath := ""
	var fileErr error
	if (access.value == "" || secret.value == "") && env.HomeDir != "" {
		filePath = filepath.Join(env.HomeDir, filepath.FromSlash(configureFileRelPath))
		var fromFile credentials
		fromFile, fileErr = readConfigureFile(filePath)
		if access.value == "" {
			access = foundSetting{fromFile.AccessKey, configureFileAccessKey + " in " + filePath}
		}
		if secret.value == "" {
			secret = foundSetting{fromFile.SecretKey, configureFileSecretKey + " in " + filePath}
		}
	}
	creds := credentials{AccessKey: access.value, SecretKey: secret.value}
	if creds.AccessKey == "" || creds.SecretKey == "" {
		return creds, &configProblem{Summary: "Missing NCloud API credentials",
			Detail: missingCredentialsDetail(creds, filePath, fileErr, env.HomeDirErr)}
	}
	if problem := credentialWhiteSpaceProblem("access key", access); problem != nil {
		return creds, problem
	}
	if problem := credentialWhiteSpaceProblem("secret key", secret); problem != nil {
		return creds, problem
	}
	return creds, nil
}

// foundSetting is a setting's value with the place it was read from, for messages.
type foundSetting struct {
	value  string
	source string
}

func firstFoundSetting(candidates ...foundSetting) foundSetting {
	for _, c := range candidates {
		if c.value != "" {
			return c
		}
	}
	return foundSetting{}
}

// credentialWhiteSpaceProblem refuses a key with white space or control characters, which no NCloud
// API key has: typically the newline of a file read with file(). Left in, it would end as an
// "invalid signature" 401 or a header the HTTP client refuses to send. The message names where
// the key came from but never shows it, and it is attached to no attribute: Terraform prints the
// configuration line of an attribute error, which for a literal secret_key holds the key.
func credentialWhiteSpaceProblem(what string, key foundSetting) *configProblem {
	if !strings.ContainsFunc(key.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil
	}
	return &configProblem{Summary: "Invalid NCloud API credentials",
		Detail: fmt.Sprintf("The %s from %s contains white space or a control character (often the trailing newline "+
			"of a file read with file()); NCloud API keys have none. Remove it, for example with trimspace(file(...)).",
			what, key.source)}
}

func missingCredentialsDetail(found credentials, filePath string, fileErr, homeDirErr error) string {
	var b strings.Builder
	file := describeConfigureFile(filePath, fileErr, homeDirErr)
	if found.AccessKey == "" {
		fmt.Fprintf(&b, "No access key was found. Looked at, in order: the provider's access_key attribute, then %s.\n",
			accessKeySource.places(plainName, file))
	}
	if found.SecretKey == "" {
		fmt.Fprintf(&b, "No secret key was found. Looked at, in order: the provider's secret_key attribute, then %s.\n",
			secretKeySource.places(plainName, file))
	}
	b.WriteString("\nSet the provider's access_key and secret_key (from a variable marked sensitive), or export " +
		envAccessKey + " and " + envSecretKey + ". Keys are issued in the NCloud console under My Page > API Key management.")
	return b.String()
}

// describeConfigureFile names the credentials file and, when it could not be read, why.
func describeConfigureFile(filePath string, fileErr, homeDirErr error) string {
	switch {
	case filePath == "" && homeDirErr != nil:
		return fmt.Sprintf("~/%s (not read: the home directory is unknown: %v)", configureFileRelPath, homeDirErr)
	case filePath == "":
		return fmt.Sprintf("~/%s (not read: the home directory is unknown)", configureFileRelPath)
	case errors.Is(fileErr, fs.ErrNotExist):
		return fmt.Sprintf("the file %s (which does not exist)", filePath)
	case fileErr != nil:
		return fmt.Sprintf("the file %s (which could not be read: %v)", filePath, fileErr)
	default:
		return "the file " + filePath
	}
}

// readConfigureFile reads the NCloud SDK's "name = value" credentials file. Comments (# or ;)
// and section headers are ignored, so files shared with other tools still parse.
func readConfigureFile(path string) (credentials, error) {
	file, err := os.Open(path)
	if err != nil {
		return credentials{}, err
	}
	defer file.Close()

	var creds credentials
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") || strings.HasPrefix(line, "[") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(name) {
		case configureFileAccessKey:
			creds.AccessKey = strings.TrimSpace(value)
		case configureFileSecretKey:
			creds.SecretKey = strings.TrimSpace(value)
		}
	}
	return creds, scanner.Err()
}
