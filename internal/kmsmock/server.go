// Package kmsmock is an in-memory model of the NCloud KMS API 2.0 (/kms/v1) for tests, demos and
// benchmarks. It verifies signatures with its own code, enforces the validation and status rules of
// DESIGN.md §2, §3, §9 and §10 (key versions, rotation, the use record and activity log,
// the IP ACL, the token generator, token authentication and the crypto calls with real
// cryptography, per-version keys drawn from crypto/rand, included), keeps a clock that tests can
// move forward, journals every request and can inject latency, throttling, server errors and
// dropped connections.
package kmsmock

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Credentials the mock accepts unless Options name others. They open nothing but the mock.
const (
	DefaultAccessKey = "MOCKACCESSKEY0000001"
	DefaultSecretKey = "mockSecretKeyForLocalTestsOnly0000000001"
)

// apiPrefix is the path every signed API call starts with; helperPrefix the unsigned test helpers.
const (
	apiPrefix    = "/kms/v1"
	helperPrefix = "/_mock/"
)

// Options configure a Server; the zero value is a fault-free mock with the default credentials.
type Options struct {
	AccessKey, SecretKey string        // defaults DefaultAccessKey / DefaultSecretKey
	Latency              time.Duration // added to each answer
	RateLimit            float64       // requests per second (token bucket), 0 = none; over the limit: 429 + Retry-After
	Faults               RandomFaults  // random faults
	Start                time.Time     // initial mock clock; zero = time.Now()
	RecordSignatures     bool          // keep every signature header received, for Signatures()
}

// Server is one mock KMS account with its keys, clock, journal and fault settings.
// It is safe for concurrent use.
type Server struct {
	accessKey, secretKey string

	clock      *clock
	store      *store
	journal    journal
	signatures signatureLog
	faults     faultInjector
	limiter    *tokenBucket
	latency    atomic.Int64 // time.Duration

	connections atomic.Int64
	mu          sync.Mutex
	httpServer  *http.Server
	addr        string
	certPEM     []byte // set by ListenTLS
}

// New builds a mock that is not listening yet; serve Handler() or call Listen or ListenTLS.
func New(opts Options) *Server {
	s := &Server{
		accessKey: opts.AccessKey,
		secretKey: opts.SecretKey,
		clock:     newClock(opts.Start),
		limiter:   newTokenBucket(opts.RateLimit),
	}
	if s.accessKey == "" {
		s.accessKey = DefaultAccessKey
	}
	if s.secretKey == "" {
		s.secretKey = DefaultSecretKey
	}
	s.signatures.enabled = opts.RecordSignatures
	s.store = newStore(s.clock)
	s.faults.setRandom(opts.Faults)
	s.latency.Store(int64(opts.Latency))
	return s
}

// Handler serves /kms/v1/... (signed) and /_mock/... (unsigned, loopback clients only).
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch path := r.URL.Path; {
	case path == apiPrefix || strings.HasPrefix(path, apiPrefix+"/"):
		s.serveAPI(w, r)
	case strings.HasPrefix(path, helperPrefix):
		s.serveHelper(w, r)
	default:
		s.write(w, failure(&apiError{http.StatusNotFound, codeNotFound, "No such path: " + path}))
	}
}

func (s *Server) AccessKey() string { return s.accessKey }
func (s *Server) SecretKey() string { return s.secretKey }

// Now is the mock clock: it runs with real time from Options.Start and jumps on AdvanceClock.
func (s *Server) Now() time.Time { return s.clock.now() }

// GatewayNow is the clock that signatures are checked against and that the Date header carries:
// Options.Start moves it, AdvanceClock does not.
func (s *Server) GatewayNow() time.Time { return s.clock.gatewayNow() }

// AdvanceClock moves the model's clock forward (negative steps are ignored), not the gateway's. Keys whose destroyDate
// has passed disappear (404, not listed); due automatic rotations add versions.
func (s *Server) AdvanceClock(d time.Duration) {
	s.clock.advance(d)
	s.store.settleNow()
}

// Journal returns a copy of the /kms/v1 calls in arrival order.
func (s *Server) Journal() []Call { return s.journal.snapshot() }
func (s *Server) ResetJournal()   { s.journal.reset() }

// InjectFault queues a scripted fault; it takes precedence over random faults.
func (s *Server) InjectFault(f Fault) { s.faults.inject(f) }

// SetRandomFaults replaces the random fault shares and reseeds the generator.
func (s *Server) SetRandomFaults(f RandomFaults) { s.faults.setRandom(f) }

func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// SetRateLimit changes the limit (0 = none) and refills the bucket.
func (s *Server) SetRateLimit(rps float64) { s.limiter.setRate(rps) }

// ConnectionsAccepted counts the TCP connections the listener accepted since Listen or ListenTLS.
func (s *Server) ConnectionsAccepted() int64 { return s.connections.Load() }
