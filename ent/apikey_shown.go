package ent

// What an API key shows beyond its columns (hand-written, kept by go generate): plain
// methods, so that GraphQL resolves these fields inline, without a resolver and its
// goroutine per field per key. The people they name are loaded beforehand, a page at a
// time (graph's loadPeople); an edge that was not is an error, never a guess.

import (
	"apikeys/ent/apikey"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/serviceaccount"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
)

// Names of who did something, as keys and audit entries show them.
const (
	// DeletedUserName stands for a person who has been deleted.
	DeletedUserName = "Deleted user"
	// SystemName is the actor of what the server does by itself (an expiry).
	SystemName = "System"
	// LeakReporterName is the actor of the audit entries of a leak report, and the
	// revokedByName of the keys it ends.
	LeakReporterName = "Leak report"
)

// MaskedKey is the key's preview: its prefix and last four characters (gak_…k3Zq).
func (_m *APIKey) MaskedKey() string { return _m.Prefix + "…" + _m.LastFour }

// ServiceAccount is the key's service account.
func (_m *APIKey) ServiceAccount() (*ServiceAccount, error) {
	return _m.Edges.ServiceAccountOrErr()
}

// CreatedByName names who created the key: a person (DeletedUserName once deleted)
// or a service account.
func (_m *APIKey) CreatedByName() (string, error) {
	return actorName(_m.CreatedByID, _m.CreatedByServiceAccountID, _m.Edges.CreatedBy, _m.Edges.CreatedByServiceAccount, "created_by")
}

// RevokedByName names who ended the key: a person (DeletedUserName once deleted), a
// service account, the system (an expiry or the end of a rotation's overlap) or a
// leak report; nil while active.
func (_m *APIKey) RevokedByName() (*string, error) {
	switch {
	case _m.Status != apikey.StatusREVOKED:
		return nil, nil
	case _m.RevokedByID == "" && _m.RevokedByServiceAccountID == "":
		if _m.RevocationReason != nil && *_m.RevocationReason == apikey.RevocationReasonLEAKED {
			return new(LeakReporterName), nil
		}
		return new(SystemName), nil
	}
	name, err := actorName(_m.RevokedByID, _m.RevokedByServiceAccountID, _m.Edges.RevokedBy, _m.Edges.RevokedByServiceAccount, "revoked_by")
	if err != nil {
		return nil, err
	}
	return &name, nil
}

// CreatedByKind says whether a person or a service account created the key.
func (_m *APIKey) CreatedByKind() viewer.Kind { return actorKind(_m.CreatedByServiceAccountID) }

// RevokedByKind says what ended the key: a person, a service account, or the system
// (an expiry, the end of a rotation's overlap, a leak report); nil while active.
func (_m *APIKey) RevokedByKind() *viewer.Kind {
	switch {
	case _m.Status != apikey.StatusREVOKED:
		return nil
	case _m.RevokedByID == "" && _m.RevokedByServiceAccountID == "":
		return new(viewer.KindSystem)
	}
	return new(actorKind(_m.RevokedByServiceAccountID))
}

// Networks are the networks the key may be used from, [] (any address) rather than
// nil: its allowedNetworks as the API lists them.
func (_m *APIKey) Networks() []string {
	if _m.AllowedNetworks == nil {
		return []string{}
	}
	return _m.AllowedNetworks
}

// ForNames narrows the query to the columns that a person's name reads (CreatedByName,
// RevokedByName): the people keys name are never shown whole.
func (_q *UserQuery) ForNames() *UserQuery {
	for _, c := range []string{user.FieldID, user.FieldName, user.FieldDeletedAt} {
		_q.ctx.AppendFieldOnce(c)
	}
	return _q
}

// ForNames narrows the query to the columns that a service account's name reads, for
// accounts only named, not shown: the accounts it returns hold their ids and names.
func (_q *ServiceAccountQuery) ForNames() *ServiceAccountQuery {
	for _, c := range []string{serviceaccount.FieldID, serviceaccount.FieldName} {
		_q.ctx.AppendFieldOnce(c)
	}
	return _q
}

// ServiceAccountShown are the columns the API shows of a service account: those of its
// GraphQL type's fields (graph's tests hold the two together).
var ServiceAccountShown = []string{serviceaccount.FieldID, serviceaccount.FieldCreatedAt, serviceaccount.FieldName, serviceaccount.FieldRole}

// ForShown narrows the query to ServiceAccountShown, for accounts shown with their keys
// (APIKey.serviceAccount): their organization and creator are not read.
func (_q *ServiceAccountQuery) ForShown() *ServiceAccountQuery {
	for _, c := range ServiceAccountShown {
		_q.ctx.AppendFieldOnce(c)
	}
	return _q
}

// actorKind says whether an actor was a person or a service account (its id is set).
func actorKind(serviceAccountID pulid.ID) viewer.Kind {
	if serviceAccountID != "" {
		return viewer.KindServiceAccount
	}
	return viewer.KindUser
}

// actorName names a person (by userID) or a service account (by accountID) from
// their loaded edges; "" when neither is set.
func actorName(userID, accountID pulid.ID, u *User, sa *ServiceAccount, edge string) (string, error) {
	switch {
	case userID != "":
		if u == nil {
			return "", &NotLoadedError{edge: edge}
		}
		if u.DeletedAt != nil {
			return DeletedUserName, nil
		}
		return u.Name, nil
	case accountID != "":
		if sa == nil {
			return "", &NotLoadedError{edge: edge + "_service_account"}
		}
		return sa.Name, nil
	}
	return "", nil
}

// apiKeyColumns are the columns that each APIKey field resolved by Ent reads: a schema
// field its own column, a method above the columns it reads (a method that reads one
// more must say so here). The fields of graph's resolvers are not here.
var apiKeyColumns = map[string]struct {
	columns []string
	derived bool // not a schema field: entgql's field collection does not know it
}{
	"__typename":       {},
	"id":               {columns: []string{apikey.FieldID}},
	"createdAt":        {columns: []string{apikey.FieldCreatedAt}},
	"name":             {columns: []string{apikey.FieldName}},
	"status":           {columns: []string{apikey.FieldStatus}},
	"revokedAt":        {columns: []string{apikey.FieldRevokedAt}},
	"lastUsedAt":       {columns: []string{apikey.FieldLastUsedAt}},
	"expiresAt":        {columns: []string{apikey.FieldExpiresAt}},
	"revocationReason": {columns: []string{apikey.FieldRevocationReason}},
	"replaces":         {columns: []string{apikey.FieldReplacesID}},
	"replacedBy":       {},
	"maskedKey":        {columns: []string{apikey.FieldPrefix, apikey.FieldLastFour}, derived: true},
	"serviceAccount":   {columns: []string{apikey.FieldServiceAccountID}, derived: true},
	"createdByName":    {columns: []string{apikey.FieldCreatedByID, apikey.FieldCreatedByServiceAccountID}, derived: true},
	"revokedByName": {columns: []string{apikey.FieldStatus, apikey.FieldRevocationReason,
		apikey.FieldRevokedByID, apikey.FieldRevokedByServiceAccountID}, derived: true},
	"createdByKind":   {columns: []string{apikey.FieldCreatedByServiceAccountID}, derived: true},
	"revokedByKind":   {columns: []string{apikey.FieldStatus, apikey.FieldRevokedByID, apikey.FieldRevokedByServiceAccountID}, derived: true},
	"allowedNetworks": {columns: []string{apikey.FieldAllowedNetworks}},
}

// SelectShown narrows the query to the columns that fields (the APIKey fields of a
// GraphQL selection) read, and extra. entgql's field collection narrows a selection
// of schema fields by itself, but reads every column for one with a field it does not
// know, such as maskedKey: this narrows those. A field unknown here too (a resolver's)
// leaves every column read. The keys it returns hold only those columns.
func (_q *APIKeyQuery) SelectShown(fields map[string]bool, extra ...string) *APIKeyQuery {
	derived := false
	for name := range fields {
		f, ok := apiKeyColumns[name]
		if !ok {
			return _q
		}
		derived = derived || f.derived
	}
	if !derived {
		return _q
	}
	read := map[string]bool{apikey.FieldID: true}
	for name := range fields {
		for _, c := range apiKeyColumns[name].columns {
			read[c] = true
		}
	}
	for _, c := range extra {
		read[c] = true
	}
	for _, c := range apikey.Columns { // in the table's order: one statement text per selection
		if read[c] {
			_q.ctx.AppendFieldOnce(c)
		}
	}
	return _q
}
