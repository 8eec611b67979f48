package kmsmock

import (
	"net/http"
	"slices"
	"strings"
)

// keyHandler answers one call on one key; collection handlers ignore the tag.
type keyHandler func(s *Server, r *http.Request, tag string) apiResponse

// collectionRoutes serve /kms/v1/keys by method.
var collectionRoutes = map[string]keyHandler{
	http.MethodGet:  (*Server).listKeys,
	http.MethodPost: (*Server).createKey,
}

// keyRoutes serve /kms/v1/keys/{tag}[/action] by action ("" for the key itself), then method. The
// crypto calls join them from cryptoRoutes (crypto.go), which also puts them in tokenRoutes.
var keyRoutes = map[string]map[string]keyHandler{
	"":                      {http.MethodGet: (*Server).getKey, http.MethodDelete: (*Server).deleteKey},
	"name":                  {http.MethodPut: (*Server).renameKey},
	"memo":                  {http.MethodPut: (*Server).updateMemo},
	"enable":                {http.MethodPost: statusAction((*store).enable)},
	"disable":               {http.MethodPost: statusAction((*store).disable)},
	"enable-auto-rotation":  {http.MethodPost: (*Server).enableAutoRotation},
	"disable-auto-rotation": {http.MethodPost: (*Server).disableAutoRotation},
	"rotation-period":       {http.MethodPut: (*Server).setRotationPeriod},
	"request-deletion":      {http.MethodPost: statusAction((*store).requestDeletion)},
	"cancel-deletion":       {http.MethodPost: statusAction((*store).cancelDeletion)},
	"rotate":                {http.MethodPost: (*Server).rotateKey},
	"versions":              {http.MethodGet: (*Server).listVersions},
	"last-use-info":         {http.MethodGet: (*Server).lastUseInfo},
	"activities":            {http.MethodGet: (*Server).keyActivities},
	"acl":                   {http.MethodGet: (*Server).getACL, http.MethodPost: aclListChange(true), http.MethodDelete: aclListChange(false)},
	"acl/enable":            {http.MethodPost: aclSwitch(true)},
	"acl/disable":           {http.MethodPost: aclSwitch(false)},
	"token-generator": {
		http.MethodPost: (*Server).createTokenGenerator, http.MethodGet: (*Server).getTokenGenerator,
		http.MethodPut: (*Server).replaceTokenGenerator, http.MethodDelete: (*Server).deleteTokenGenerator,
	},
	"token-set": {http.MethodPost: issue(true)},
}

// versionRoutes serve /kms/v1/keys/{tag}/versions/{version}/{action}; the handler reads
// r.PathValue("version").
var versionRoutes = map[string]map[string]keyHandler{
	"enable":  {http.MethodPost: versionAction(statusEnable)},
	"disable": {http.MethodPost: versionAction(statusDisable)},
}

// dispatch routes an authenticated request to its handler. Paths the mock does not model get 404,
// a modelled path with another method 405.
func (s *Server) dispatch(r *http.Request) apiResponse {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, apiPrefix+"/"), "/")
	var (
		routes map[string]keyHandler
		tag    string
	)
	switch {
	case len(parts) == 1 && parts[0] == "keys":
		routes = collectionRoutes
	case len(parts) == 2 && parts[0] == "keys" && parts[1] != "":
		routes, tag = keyRoutes[""], parts[1]
	case len(parts) == 3 && parts[0] == "keys" && parts[1] != "" && parts[2] != "":
		routes, tag = keyRoutes[parts[2]], parts[1]
		if _, tokenOnly := tokenRoutes[parts[2]][r.Method]; tokenOnly && routes[r.Method] == nil {
			return failure(&authError{r.Method + " " + r.URL.Path + " takes a refresh token in " + headerToken + ", not a signature"})
		}
	case len(parts) == 4 && parts[0] == "keys" && parts[1] != "" && parts[2] != "" && parts[3] != "":
		routes, tag = keyRoutes[parts[2]+"/"+parts[3]], parts[1]
	case len(parts) == 5 && parts[0] == "keys" && parts[1] != "" && parts[2] == "versions" && parts[3] != "":
		routes, tag = versionRoutes[parts[4]], parts[1]
		r.SetPathValue("version", parts[3])
	}
	if routes == nil {
		return failure(&apiError{http.StatusNotFound, codeNotFound, "No such API: " + r.Method + " " + r.URL.Path})
	}
	handle, ok := routes[r.Method]
	if !ok {
		resp := failure(&apiError{http.StatusMethodNotAllowed, codeNotAllowed, "Method not allowed: " + r.Method + " " + r.URL.Path})
		resp.allow = allowedMethods(routes)
		return resp
	}
	return handle(s, r, tag)
}

func allowedMethods(routes map[string]keyHandler) string {
	methods := make([]string, 0, len(routes))
	for m := range routes {
		methods = append(methods, m)
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}
