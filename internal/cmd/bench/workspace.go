package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// workspace is the temporary directory a bench writes to; nothing is written anywhere else
// (Terraform gets it as HOME too).
type workspace struct {
	root      string
	binDir    string // the built provider, named as dev_overrides expects
	home      string
	logDir    string // one file per Terraform command
	cliConfig string // TF_CLI_CONFIG_FILE
	certFile  string // SSL_CERT_FILE: the certificate of the HTTPS mock
}

const (
	providerBinaryName     = "terraform-provider-ncloudkms"
	nullProviderBinaryName = "terraform-provider-nullkms"
)

func newWorkspace() (workspace, error) {
	root, err := os.MkdirTemp("", "ncloudkms-bench-")
	if err != nil {
		return workspace{}, err
	}
	ws := workspace{
		root:      root,
		binDir:    filepath.Join(root, "bin"),
		home:      filepath.Join(root, "home"),
		logDir:    filepath.Join(root, "logs"),
		cliConfig: filepath.Join(root, "terraformrc"),
		certFile:  filepath.Join(root, "mock-cert.pem"),
	}
	for _, dir := range []string{ws.binDir, ws.home, ws.logDir} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return ws, err
		}
	}
	return ws, os.WriteFile(ws.cliConfig, []byte(cliConfig(ws.binDir)), 0o644)
}

func (ws workspace) providerPath() string {
	return filepath.Join(ws.binDir, providerBinaryName)
}

func (ws workspace) nullProviderPath() string {
	return filepath.Join(ws.binDir, nullProviderBinaryName)
}

// configDirs are the three configurations of a run with n resources.
type configDirs struct {
	keys, floor, null string
}

// writeConfigs writes the three configurations of a run with n resources.
func (ws workspace) writeConfigs(n int) (configDirs, error) {
	dirs := configDirs{
		keys:  filepath.Join(ws.root, fmt.Sprintf("keys-%d", n)),
		floor: filepath.Join(ws.root, fmt.Sprintf("floor-%d", n)),
		null:  filepath.Join(ws.root, fmt.Sprintf("null-%d", n)),
	}
	for dir, config := range map[string]string{dirs.keys: keysConfig(n), dirs.floor: floorConfig(n), dirs.null: nullConfig(n)} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return configDirs{}, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
			return configDirs{}, err
		}
	}
	return dirs, nil
}

// writeCertificate makes certPEM the one certificate file of the workspace (each run's mock has
// its own certificate, and runs follow one another).
func (ws workspace) writeCertificate(certPEM []byte) error {
	return os.WriteFile(ws.certFile, certPEM, 0o644)
}

func (ws workspace) remove() error {
	return os.RemoveAll(ws.root)
}
