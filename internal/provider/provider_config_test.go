package provider

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeEnvironment returns an environment with the given variables and a home directory
// holding the given ~/.ncloud/configure text ("" for no file).
func fakeEnvironment(t *testing.T, vars map[string]string, configureFile string) configEnvironment {
	t.Helper()
	home := t.TempDir()
	if configureFile != "" {
		writeConfigureFile(t, home, configureFile)
	}
	return configEnvironment{Getenv: func(name string) string { return vars[name] }, HomeDir: home}
}

func writeConfigureFile(t *testing.T, home, text string) {
	t.Helper()
	dir := filepath.Join(home, ".ncloud")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "configure"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func int64Pointer(v int64) *int64 { return &v }

func TestProviderConfig_resolveCredentials(t *testing.T) {
	const file = "[DEFAULT]\n# comment\nncloud_access_key_id = FILEAK\nncloud_secret_access_key=FILESK\n"
	tests := []struct {
		name           string
		accessKey      string
		secretKey      string
		vars           map[string]string
		file           string
		wantAccess     string
		wantSecret     string
		wantProblemHas []string // empty: no problem expected
	}{
		{name: "attributes win over everything", accessKey: "ATTRAK", secretKey: "ATTRSK",
			vars: map[string]string{envAccessKey: "ENVAK", envSecretKey: "ENVSK"}, file: file,
			wantAccess: "ATTRAK", wantSecret: "ATTRSK"},
		{name: "official provider's variables", vars: map[string]string{envAccessKey: "ENVAK", envSecretKey: "ENVSK"},
			wantAccess: "ENVAK", wantSecret: "ENVSK"},
		{name: "SDK's variables", vars: map[string]string{envAccessKeyID: "SDKAK", envSecretAccessKey: "SDKSK"},
			wantAccess: "SDKAK", wantSecret: "SDKSK"},
		{name: "official names win over SDK names",
			vars:       map[string]string{envAccessKey: "ENVAK", envAccessKeyID: "SDKAK", envSecretKey: "ENVSK", envSecretAccessKey: "SDKSK"},
			wantAccess: "ENVAK", wantSecret: "ENVSK"},
		{name: "environment wins over the file", vars: map[string]string{envAccessKey: "ENVAK", envSecretKey: "ENVSK"}, file: file,
			wantAccess: "ENVAK", wantSecret: "ENVSK"},
		{name: "file", file: file, wantAccess: "FILEAK", wantSecret: "FILESK"},
		{name: "each key resolved on its own", accessKey: "ATTRAK", vars: map[string]string{envSecretAccessKey: "SDKSK"},
			wantAccess: "ATTRAK", wantSecret: "SDKSK"},
		{name: "secret from the file only", accessKey: "ATTRAK", file: file, wantAccess: "ATTRAK", wantSecret: "FILESK"},
		{name: "nothing anywhere",
			wantProblemHas: []string{"No access key", "No secret key", "access_key attribute", "secret_key attribute",
				envAccessKey, envAccessKeyID, envSecretKey, envSecretAccessKey, "configure (which does not exist)"}},
		{name: "only the secret missing", accessKey: "ATTRAK", file: "ncloud_access_key_id = FILEAK\n",
			wantProblemHas: []string{"No secret key", envSecretKey, envSecretAccessKey, "ncloud_secret_access_key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnvironment(t, tt.vars, tt.file)
			creds, problem := resolveCredentials(tt.accessKey, tt.secretKey, env)
			if len(tt.wantProblemHas) == 0 {
				if problem != nil {
					t.Fatalf("unexpected problem: %s", problem.Detail)
				}
				if creds.AccessKey != tt.wantAccess || creds.SecretKey != tt.wantSecret {
					t.Fatalf("got %q/%q, want %q/%q", creds.AccessKey, creds.SecretKey, tt.wantAccess, tt.wantSecret)
				}
				return
			}
			if problem == nil {
				t.Fatalf("expected a problem, got credentials %+v", creds)
			}
			if problem.Attribute != "" || problem.Summary != "Missing NCloud API credentials" {
				t.Errorf("problem = %+v", problem)
			}
			for _, want := range append(tt.wantProblemHas, filepath.Join(env.HomeDir, ".ncloud", "configure")) {
				if !strings.Contains(problem.Detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, problem.Detail)
				}
			}
			if strings.Contains(problem.Detail, "ATTRAK") || strings.Contains(problem.Detail, "FILEAK") {
				t.Errorf("detail leaks a key:\n%s", problem.Detail)
			}
		})
	}
}

func TestProviderConfig_missingCredentialsWithoutHome(t *testing.T) {
	env := configEnvironment{Getenv: func(string) string { return "" }, HomeDirErr: errors.New("$HOME is not defined")}
	_, problem := resolveCredentials("", "", env)
	if problem == nil || !strings.Contains(problem.Detail, "~/.ncloud/configure (not read: the home directory is unknown: $HOME is not defined)") {
		t.Fatalf("problem = %+v", problem)
	}
}

func TestProviderConfig_unreadableConfigureFile(t *testing.T) {
	home := t.TempDir()
	// A directory where the file should be makes reading fail with something other than "not exist".
	if err := os.MkdirAll(filepath.Join(home, ".ncloud", "configure"), 0o700); err != nil {
		t.Fatal(err)
	}
	env := configEnvironment{Getenv: func(string) string { return "" }, HomeDir: home}
	_, problem := resolveCredentials("", "", env)
	if problem == nil || !strings.Contains(problem.Detail, "could not be read") {
		t.Fatalf("problem = %+v", problem)
	}
}

func TestProviderConfig_resolveEndpoint(t *testing.T) {
	tests := []struct {
		name        string
		in          providerConfigInput
		vars        map[string]string
		want        string
		wantAttr    string // attribute of the expected problem; "" means success
		wantProblem string
	}{
		{name: "default is public global", want: "https://ocapi.ncloud.com/kms/v1"},
		{name: "public korea", in: providerConfigInput{Site: "public", KeyBoundary: "korea"}, want: "https://ocapi-kr.ncloud.com/kms/v1"},
		{name: "japan", in: providerConfigInput{KeyBoundary: "japan"}, want: "https://ocapi-jp.ncloud.com/kms/v1"},
		{name: "explicit global", in: providerConfigInput{KeyBoundary: "global"}, want: "https://ocapi.ncloud.com/kms/v1"},
		{name: "gov", in: providerConfigInput{Site: "gov"}, want: "https://ocapi.gov-ncloud.com/kms/v1"},
		{name: "gov global", in: providerConfigInput{Site: "gov", KeyBoundary: "global"}, want: "https://ocapi.gov-ncloud.com/kms/v1"},
		{name: "site from environment", vars: map[string]string{envSite: "gov"}, want: "https://ocapi.gov-ncloud.com/kms/v1"},
		{name: "boundary from environment", vars: map[string]string{envKeyBoundary: "korea"}, want: "https://ocapi-kr.ncloud.com/kms/v1"},
		{name: "attribute wins over environment", in: providerConfigInput{Site: "public"},
			vars: map[string]string{envSite: "gov"}, want: "https://ocapi.ncloud.com/kms/v1"},
		{name: "NCLOUD_REGION is ignored", vars: map[string]string{"NCLOUD_REGION": "JPN"}, want: "https://ocapi.ncloud.com/kms/v1"},
		{name: "endpoint attribute", in: providerConfigInput{Endpoint: "https://kms.example.com/kms/v1", Site: "gov"},
			want: "https://kms.example.com/kms/v1"},
		{name: "endpoint from environment", vars: map[string]string{envEndpoint: "http://127.0.0.1:8080/kms/v1"},
			want: "http://127.0.0.1:8080/kms/v1"},
		{name: "endpoint attribute wins", in: providerConfigInput{Endpoint: "http://localhost:1/kms/v1"},
			vars: map[string]string{envEndpoint: "https://other.example.com/kms/v1"}, want: "http://localhost:1/kms/v1"},
		{name: "fin refused", in: providerConfigInput{Site: "fin"}, wantAttr: "site", wantProblem: "no KMS API 2.0"},
		{name: "fin from environment refused", vars: map[string]string{envSite: "fin"}, wantAttr: "site",
			wantProblem: "the environment variable NCLOUD_SITE"},
		{name: "unknown site", in: providerConfigInput{Site: "private"}, wantAttr: "site", wantProblem: `"public", "gov"`},
		{name: "unknown boundary from environment", vars: map[string]string{envKeyBoundary: "kr"}, wantAttr: "key_boundary",
			wantProblem: "NCLOUD_KMS_KEY_BOUNDARY"},
		{name: "gov korea refused", in: providerConfigInput{Site: "gov", KeyBoundary: "korea"}, wantAttr: "key_boundary",
			wantProblem: `only available with site "public"`},
		{name: "gov from environment with japan refused", in: providerConfigInput{KeyBoundary: "japan"},
			vars: map[string]string{envSite: "gov"}, wantAttr: "key_boundary", wantProblem: `only available with site "public"`},
		{name: "http endpoint refused", in: providerConfigInput{Endpoint: "http://kms.example.com/kms/v1"},
			wantAttr: "endpoint", wantProblem: "must use https://"},
		{name: "bad endpoint from environment", vars: map[string]string{envEndpoint: "ocapi.ncloud.com/kms/v1"},
			wantAttr: "endpoint", wantProblem: "environment variable NCLOUD_KMS_ENDPOINT"},
		{name: "password in endpoint not repeated", vars: map[string]string{envEndpoint: "https://me:hunter2@kms.example.com/kms/v1"},
			wantAttr: "endpoint", wantProblem: `"https://me:xxxxx@kms.example.com/kms/v1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := resolveEndpoint(tt.in, func(name string) string { return tt.vars[name] })
			if tt.wantAttr == "" {
				if problem != nil {
					t.Fatalf("unexpected problem: %+v", problem)
				}
				if got != tt.want {
					t.Fatalf("endpoint = %q, want %q", got, tt.want)
				}
				return
			}
			if problem == nil {
				t.Fatalf("expected a problem, got endpoint %q", got)
			}
			if problem.Attribute != tt.wantAttr || !strings.Contains(problem.Detail, tt.wantProblem) {
				t.Fatalf("problem = %+v, want attribute %q and detail containing %q", problem, tt.wantAttr, tt.wantProblem)
			}
		})
	}
}

func TestProviderConfig_endpointProblem(t *testing.T) {
	tests := []struct {
		endpoint string
		want     string // "" means accepted
	}{
		{"https://ocapi.ncloud.com/kms/v1", ""},
		{"https://ocapi.ncloud.com/kms/v1/", ""},
		{"https://kms.example.com:8443/kms/v1", ""},
		{"http://127.0.0.1:1234/kms/v1", ""},
		{"http://127.8.9.10/kms/v1", ""},
		{"http://[::1]:1234/kms/v1", ""},
		{"http://localhost:1234/kms/v1", ""},
		{"http://LOCALHOST/kms/v1", ""},
		{"http://ocapi.ncloud.com/kms/v1", "must use https://"},
		{"http://10.0.0.1/kms/v1", "must use https://"},
		{"http://128.0.0.1/kms/v1", "must use https://"},
		{"http://localhost.example.com/kms/v1", "must use https://"},
		{"ftp://ocapi.ncloud.com/kms/v1", `scheme "ftp" is not supported`},
		{"ocapi.ncloud.com/kms/v1", "absolute URL"},
		{"/kms/v1", "absolute URL"},
		{"", "absolute URL"},
		{"https://", "absolute URL"},
		{"https://:443/kms/v1", "no host name"},
		{"https://exa mple.com/kms/v1", "not a valid URL"},
		{"https://[::1/kms/v1", "not a valid URL"},
		{"https://user:pass@ocapi.ncloud.com/kms/v1", "user name or password"},
		{"https://ocapi.ncloud.com/kms/v1?x=1", "query string"},
		{"https://ocapi.ncloud.com/kms/v1#top", "fragment"},
	}
	for _, tt := range tests {
		got := endpointProblem(tt.endpoint)
		if tt.want == "" && got != "" {
			t.Errorf("endpointProblem(%q) = %q, want accepted", tt.endpoint, got)
		}
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("endpointProblem(%q) = %q, want it to contain %q", tt.endpoint, got, tt.want)
		}
	}
}

func TestProviderConfig_resolveProviderSettings(t *testing.T) {
	env := fakeEnvironment(t, map[string]string{envAccessKey: "AK", envSecretKey: "SK"}, "")

	t.Run("defaults", func(t *testing.T) {
		got, problems := resolveProviderSettings(providerConfigInput{}, env)
		if len(problems) != 0 {
			t.Fatalf("problems: %+v", problems)
		}
		want := providerSettings{Endpoint: "https://ocapi.ncloud.com/kms/v1", AccessKey: "AK", SecretKey: "SK",
			MaxAttempts: 16, RequestTimeout: 60 * time.Second}
		if got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
	t.Run("retries and timeout", func(t *testing.T) {
		got, problems := resolveProviderSettings(providerConfigInput{MaxRetries: int64Pointer(0), RequestTimeout: "2m30s"}, env)
		if len(problems) != 0 {
			t.Fatalf("problems: %+v", problems)
		}
		if got.MaxAttempts != 1 || got.RequestTimeout != 150*time.Second {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("every problem at once", func(t *testing.T) {
		empty := configEnvironment{Getenv: func(string) string { return "" }, HomeDir: t.TempDir()}
		_, problems := resolveProviderSettings(providerConfigInput{Site: "fin", MaxRetries: int64Pointer(-1), RequestTimeout: "0s"}, empty)
		var attrs []string
		for _, p := range problems {
			attrs = append(attrs, p.Attribute)
		}
		if strings.Join(attrs, ",") != "site,,max_retries,request_timeout" {
			t.Fatalf("problems on %q: %+v", attrs, problems)
		}
	})
}

func TestProviderConfig_parseRequestTimeout(t *testing.T) {
	for text, want := range map[string]time.Duration{"60s": time.Minute, "1m": time.Minute, "500ms": 500 * time.Millisecond} {
		if got, err := parseRequestTimeout(text); err != nil || got != want {
			t.Errorf("parseRequestTimeout(%q) = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, text := range []string{"", "60", "soon", "-1s", "0s"} {
		if _, err := parseRequestTimeout(text); err == nil {
			t.Errorf("parseRequestTimeout(%q) accepted", text)
		}
	}
}

func TestProviderConfig_readConfigureFile(t *testing.T) {
	home := t.TempDir()
	writeConfigureFile(t, home, "ncloud_access_key_id=AK=with=equals \n  ncloud_secret_access_key =  SK  \nncloud_api_url = x\nnot a pair\n")
	got, err := readConfigureFile(filepath.Join(home, ".ncloud", "configure"))
	if err != nil || got.AccessKey != "AK=with=equals" || got.SecretKey != "SK" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestProviderConfig_credentialWithWhiteSpace(t *testing.T) {
	const secret = "SKWITHNEWLINE0000001"
	tests := []struct {
		name, accessKey, secretKey string
		vars                       map[string]string
		file                       string
		wantSource                 string
	}{
		{name: "attribute with a trailing newline", accessKey: "AK", secretKey: secret + "\n",
			wantSource: "secret key from the provider's secret_key attribute"},
		{name: "environment with a space", vars: map[string]string{envAccessKey: " AK", envSecretKey: secret},
			wantSource: "access key from the environment variable " + envAccessKey},
		{name: "SDK environment with a tab", vars: map[string]string{envAccessKey: "AK", envSecretAccessKey: secret + "\t"},
			wantSource: "secret key from the environment variable " + envSecretAccessKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problem := resolveCredentials(tt.accessKey, tt.secretKey, fakeEnvironment(t, tt.vars, tt.file))
			if problem == nil || problem.Summary != "Invalid NCloud API credentials" || problem.Attribute != "" {
				t.Fatalf("problem = %+v", problem)
			}
			if !strings.Contains(problem.Detail, tt.wantSource) || strings.Contains(problem.Detail, secret) {
				t.Errorf("detail does not name %q, or shows the key:\n%s", tt.wantSource, problem.Detail)
			}
		})
	}
}

func TestProviderConfig_endpointPasswordNeverShown(t *testing.T) {
	for _, endpoint := range []string{
		"https://user:hunter2@ocapi.ncloud.com/kms/v1",
		"https://user:hunter2@ocapi.ncloud.com:port/kms/v1", // does not parse
		"https://user:hunter2@exa mple.com",                 // does not parse either
	} {
		if got := redactEndpoint(endpoint); strings.Contains(got, "hunter2") || !strings.Contains(got, "ocapi.ncloud.com") && !strings.Contains(got, "exa mple.com") {
			t.Errorf("redactEndpoint(%q) = %q", endpoint, got)
		}
		if got := endpointProblem(endpoint); strings.Contains(got, "hunter2") {
			t.Errorf("endpointProblem(%q) = %q shows the password", endpoint, got)
		}
	}
}
