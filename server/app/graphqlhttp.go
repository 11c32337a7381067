package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"apikeys/graph"
	"apikeys/server/reply"
)

// The media types of GraphQL-over-HTTP responses.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// graphQLOverHTTP holds /graphql to the GraphQL-over-HTTP specification, SHOULDs
// included, around gqlgen's transports and the authentication in front of them:
//
//   - the response's media type is negotiated from Accept, preferring
//     application/graphql-response+json when the client takes both at the same quality
//     (no Accept, or only */*: application/json, which every client reads);
//   - request errors (a document that does not parse or validate, variables that do not
//     coerce, a refusal of the credentials) have no "data" entry; with
//     application/graphql-response+json they keep their 4xx status, with
//     application/json a well-formed request's errors are 200 (gqlgen answers 422);
//   - a mutation over GET is 405 with Allow: POST, another method 405 with Allow: GET,
//     POST; a POST whose Content-Type is not application/json is 415, with a JSON error.
//
// Every answer, the authentication's 401, 403, 429 and 503 included, carries the
// negotiated media type.
func graphQLOverHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media := negotiate(r.Header.Values("Accept"))
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
		case http.MethodPost:
			if !isJSON(r.Header.Get("Content-Type")) {
				w.Header().Set("Accept-Post", mediaJSON)
				rw := &graphQLResponse{ResponseWriter: w, media: media}
				reply.Error(rw, http.StatusUnsupportedMediaType, reply.CodeBadUserInput,
					"send the request as Content-Type: application/json ({\"query\": …, \"variables\": …})")
				rw.finish()
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			rw := &graphQLResponse{ResponseWriter: w, media: media}
			reply.Error(rw, http.StatusMethodNotAllowed, reply.CodeBadUserInput, "use POST (or GET for queries)")
			rw.finish()
			return
		}
		// gqlgen answers in the one media type left in Accept.
		r.Header["Accept"] = mediaValue[media]
		rw := &graphQLResponse{ResponseWriter: w, media: media, get: r.Method == http.MethodGet}
		next.ServeHTTP(rw, r)
		rw.finish()
	})
}

// mediaValue holds header values of the two media types, built once (a header map takes
// the slice as it is).
var mediaValue = map[string][]string{mediaJSON: {mediaJSON}, mediaGraphQLResponse: {mediaGraphQLResponse}}

// isJSON reports whether a Content-Type is application/json, with any parameters.
func isJSON(contentType string) bool {
	if contentType == mediaJSON { // as nearly every client sends it: no parsing
		return true
	}
	ct, _, err := mime.ParseMediaType(contentType)
	return err == nil && ct == mediaJSON
}

// negotiate picks the response's media type from the Accept header values.
func negotiate(accept []string) string {
	if len(accept) == 0 {
		return mediaJSON
	}
	if len(accept) == 1 { // values clients send as they are: no parsing
		switch accept[0] {
		case mediaJSON, "*/*":
			return mediaJSON
		case mediaGraphQLResponse, mediaGraphQLResponse + ", " + mediaJSON, mediaGraphQLResponse + ", " + mediaJSON + ";q=0.9":
			return mediaGraphQLResponse
		}
	}
	best, bestQ := "", -1.0
	for _, v := range accept {
		for part := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					q = f
				}
			}
			var m string
			switch mt {
			case mediaGraphQLResponse:
				m = mediaGraphQLResponse
			case mediaJSON, "application/*", "*/*":
				m = mediaJSON
			default:
				continue
			}
			if q > 0 && (q > bestQ || (q == bestQ && m == mediaGraphQLResponse)) {
				best, bestQ = m, q
			}
		}
	}
	if best == "" {
		return mediaJSON // nothing acceptable: the spec lets the server answer in JSON
	}
	return best
}

// graphQLResponse rewrites what the handlers behind graphQLOverHTTP answer: the media
// type, and the status and body of request errors (buffered: they are small). Anything
// else streams through.
type graphQLResponse struct {
	http.ResponseWriter
	media  string
	get    bool
	status int
	held   *bytes.Buffer // the body of a request error
}

func (g *graphQLResponse) WriteHeader(code int) {
	if g.status != 0 {
		return
	}
	g.status = code
	h := g.Header()
	if code >= 400 || isGraphQLMedia(h.Get("Content-Type")) {
		h["Content-Type"] = mediaValue[g.media]
	}
	if code >= 400 {
		g.held = &bytes.Buffer{}
		return
	}
	g.ResponseWriter.WriteHeader(code)
}

// isGraphQLMedia reports whether a response's Content-Type is unset or one of the two
// GraphQL media types (with any parameters): the answers whose media type is negotiated.
func isGraphQLMedia(contentType string) bool {
	switch contentType {
	case "", mediaJSON, mediaGraphQLResponse:
		return true
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	return ct == mediaJSON || ct == mediaGraphQLResponse || ct == ""
}

func (g *graphQLResponse) Write(b []byte) (int, error) {
	if g.status == 0 {
		g.WriteHeader(http.StatusOK)
	}
	if g.held != nil {
		return g.held.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *graphQLResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// finish sends a held request error: without its "data" entry, and with the status the
// negotiated media type calls for.
func (g *graphQLResponse) finish() {
	if g.held == nil {
		return
	}
	status, body := g.status, g.held.Bytes()
	var res map[string]json.RawMessage
	if json.Unmarshal(body, &res) == nil && res["errors"] != nil {
		if d, ok := res["data"]; ok && string(d) == "null" {
			delete(res, "data")
			if b, err := json.Marshal(res); err == nil {
				body = append(b, '\n')
			}
		}
	}
	switch {
	case g.get && status == http.StatusNotAcceptable:
		// gqlgen refuses a mutation over GET with 406: it is the method that is wrong.
		status = http.StatusMethodNotAllowed
		g.Header().Set("Allow", "POST")
	case status == http.StatusUnprocessableEntity && g.media == mediaJSON:
		// application/json: a well-formed request's errors travel in a 200.
		status = http.StatusOK
	case status == http.StatusUnprocessableEntity:
		status = http.StatusBadRequest
	}
	g.Header().Set("Content-Length", strconv.Itoa(len(body)))
	g.ResponseWriter.WriteHeader(status)
	_, _ = g.ResponseWriter.Write(body)
}

// postJSON is gqlgen's POST transport (transport.POST: the same requests, statuses and
// errors) but for how it writes the response. gqlgen marshals it with encoding/json,
// which scans, HTML-escapes and compacts the whole of "data" byte by byte, though the
// generated marshalers made it compact JSON already: about a tenth of the CPU of a page
// of keys. Here "data" is copied as it is, and only what else the response holds
// (errors, extensions) goes through encoding/json. Its strings keep <, > and & as they
// are, as valid JSON; every answer is served as JSON with nosniff (securityHeaders).
type postJSON struct{ transport.POST }

func (postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := mediaJSON
	if r.Header.Get("Accept") == mediaGraphQLResponse { // what graphQLOverHTTP negotiated
		media = mediaGraphQLResponse
	}
	w.Header()["Content-Type"] = mediaValue[media]
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}))
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, body)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			w.WriteHeader(http.StatusUnprocessableEntity) // graphQLResponse.finish: 200 or 400 by the media type
		}
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	res := responses(ctx)
	writeResponse(w, res)
	if res != nil {
		graph.ReleaseData(res.Data) // written: the next response may use its buffer
	}
}

// writeResponse writes res as encoding/json writes a graphql.Response (its fields in
// their order, the empty ones left out), with "data" copied as it is: written apart
// from the rest, not copied again (a page of keys is some 30 KB).
func writeResponse(w io.Writer, res *graphql.Response) {
	if res == nil {
		res = &graphql.Response{}
	}
	b := make([]byte, 0, 64)
	b = append(b, '{')
	if len(res.Errors) > 0 {
		b = append(b, `"errors":`...)
		b = appendJSON(b, res.Errors)
		b = append(b, ',')
	}
	b = append(b, `"data":`...)
	if len(res.Data) == 0 {
		b = append(b, "null"...)
	} else {
		_, _ = w.Write(b)
		_, _ = w.Write(res.Data)
		b = b[:0]
	}
	if res.Label != "" || len(res.Path) > 0 || res.HasNext != nil || len(res.Extensions) > 0 {
		rest := appendJSON(nil, graphql.Response{Label: res.Label, Path: res.Path, HasNext: res.HasNext, Extensions: res.Extensions})
		// {"data":null,…}: the fields after "data".
		b = append(b, rest[len(`{"data":null`):]...)
	} else {
		b = append(b, '}')
	}
	_, _ = w.Write(b)
}

// appendJSON appends v as encoding/json marshals it; what it cannot marshal panics, as
// in gqlgen's transports.
func appendJSON(b []byte, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("unable to marshal the response: %w", err))
	}
	return append(b, j...)
}
